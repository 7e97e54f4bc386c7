package synth

import (
	"math/rand/v2"
	"strings"

	"github.com/vnhealth/mpi/matching"
)

// renderer writes a person's record as one facility would.
type renderer struct {
	r       *rand.Rand
	scale   float64
	persons []person
}

// p is the probability of an error with base rate base at facility f.
func (g *renderer) p(f *facility, base float64) float64 { return base * g.scale * f.sloppy }

// raw renders person pi as seen by facility f on day at. A placeholder
// record names a newborn after its mother.
func (g *renderer) raw(pi int, f *facility, at day, placeholder bool) matching.Raw {
	r, x := g.r, &g.persons[pi]
	var raw matching.Raw
	raw.Source = f.code
	if placeholder {
		raw.FullName = g.babyName(f, x)
	} else {
		g.name(&raw, f, x)
	}
	g.birthDate(&raw, f, x)
	if !chance(r, g.p(f, 0.02)) {
		female := x.female
		if chance(r, g.p(f, 0.002)) {
			female = !female
		}
		raw.Gender = formatGender(f.gender, female)
	}
	if !placeholder {
		raw.CitizenID = g.citizenID(f, x, at)
		raw.InsuranceNo = g.insurance(f, x, at)
	}
	raw.Phone = g.phone(f, x, at)
	g.place(&raw, f, x, at)
	raw.RecordedAt = recordedAt(r, f.recAt, at)
	if f.kind == kindClaims {
		raw.RecordedAt = recordedAt(r, recClaims, at)
	}
	return raw
}

// babyName is the placeholder name of a newborn in the facility's habit.
func (g *renderer) babyName(f *facility, x *person) string {
	r := g.r
	mother := "Mẹ"
	if x.mother >= 0 {
		m := &g.persons[x.mother]
		mother = fullName(m.family, m.middle, m.given)
	}
	var s string
	switch f.baby {
	case 0:
		s = "CON BÀ " + strings.ToUpper(mother)
	case 1:
		s = "CB " + mother
	case 2:
		s = "BÉ TRAI"
		if x.female {
			s = "BÉ GÁI"
		}
		if chance(r, 0.3) {
			s += " " + mother
		}
	case 3:
		s = "SƠ SINH"
		if chance(r, 0.5) {
			s += " CỦA " + mother
		}
	default:
		s = "Con bà " + mother
	}
	return styleText(s, f.text)
}

// name fills the name fields with the facility's layout and errors.
func (g *renderer) name(raw *matching.Raw, f *facility, x *person) {
	r := g.r
	fam, mid, giv := x.family, x.middle, x.given
	if mid != "" && chance(r, g.p(f, 0.05)) {
		if i := strings.IndexByte(mid, ' '); i > 0 && chance(r, 0.5) {
			mid = mid[i+1:] // "Thị Thu" -> "Thu"
		} else {
			mid = ""
		}
	}
	if chance(r, g.p(f, 0.04)) {
		fam = regionalVariant(fam)
	}
	if chance(r, g.p(f, 0.03)) {
		giv = iyVariant(giv)
	}
	if chance(r, g.p(f, 0.015)) {
		switch u := r.Float64(); {
		case u < 0.55:
			giv = typo(r, giv)
		case u < 0.8 && mid != "":
			mid = typo(r, mid)
		default:
			fam = typo(r, fam)
		}
	}
	if f.oldTones {
		mid, giv = oldTonePlacement(mid), oldTonePlacement(giv)
	}
	style := func(s string) string { return styleText(s, f.text) }
	switch u := r.Float64(); {
	case u < g.p(f, 0.008):
		style = telexResidue
	case u < g.p(f, 0.011):
		style = vniResidue
	}
	switch f.name {
	case nameParts:
		raw.FamilyName, raw.MiddleName, raw.GivenName = style(fam), style(mid), style(giv)
	case nameGivenFirst:
		raw.FullName = style(fullName(giv, fam, mid))
	default:
		raw.FullName = style(fullName(fam, mid, giv))
	}
	if chance(r, g.p(f, 0.002)) {
		raw.FullName = strings.Replace(raw.FullName, " ", "  ", 1) + " "
	}
}

// birthDate fills BirthDate with the facility's format and errors.
func (g *renderer) birthDate(raw *matching.Raw, f *facility, x *person) {
	r := g.r
	if chance(r, g.p(f, 0.01)) {
		return
	}
	y, m, d := x.birth.ymd()
	old := y < 1956
	switch {
	case x.yearOnly || (old && chance(r, g.p(f, 0.1))):
		if chance(r, 0.5) {
			m, d = 1, 1
		} else {
			m, d = 0, 0
		}
	case chance(r, g.p(f, 0.02)) && d <= 12 && d != m:
		m, d = d, m
	case chance(r, g.p(f, 0.01)):
		m, d = 1, 1
	case chance(r, g.p(f, 0.004)):
		y += 1 - 2*r.IntN(2)
	}
	raw.BirthDate = formatDate(f.date, y, m, d)
}

// citizenID picks the ID number the facility captured, if any.
func (g *renderer) citizenID(f *facility, x *person, at day) string {
	r := g.r
	collect := [...]float64{0.92, 0.85, 0.8, 0.8, 0.75, 0.55, 0.55}[f.kind]
	if at < chipCCCD {
		collect *= 0.7
	}
	if !chance(r, collect) {
		return ""
	}
	var id string
	switch {
	case x.cmnd != "" && (x.cccd == "" || (at < chipCCCD && chance(r, 0.7)) || chance(r, 0.05)):
		id = x.cmnd
	case x.cccd != "" && (ageAt(x.birth, at) >= 14 || (at-x.birth > 365 && chance(r, 0.5))):
		id = x.cccd
	default:
		return ""
	}
	if f.intStore || chance(r, g.p(f, 0.015)) {
		id = strings.TrimLeft(id, "0")
	}
	if chance(r, g.p(f, 0.004)) {
		id = mutateDigit(r, id)
	}
	return id
}

// insurance writes the BHYT card code or the bare BHXH number.
func (g *renderer) insurance(f *facility, x *person, at day) string {
	r := g.r
	if x.bhxh == "" || !chance(r, [...]float64{1, 0.85, 0.85, 0.85, 0.8, 0.3, 0.7}[f.kind]) {
		return ""
	}
	full := f.ins == ins15 || (f.ins == insMixed && chance(r, 0.7-0.4*b2f(at >= bhytTenDigit)))
	s := x.bhxh
	if full {
		group, level := bhytGroup(ageAt(x.birth, at), x.bhxh)
		prov := g.residence(x, at)
		code := provinces[prov].code
		if at >= mergerDay {
			code = provinces[prov].newCode
		}
		s = group + string(level) + pad2s(code) + x.bhxh
	}
	if chance(r, g.p(f, 0.003)) {
		s = mutateDigit(r, s)
	}
	return s
}

// phone writes the number the person gave, in the facility's habit.
func (g *renderer) phone(f *facility, x *person, at day) string {
	r := g.r
	if chance(r, g.p(f, 0.012)) {
		return []string{"0123456789", "0000000000", "0999999999", "0912345678"}[r.IntN(4)]
	}
	num := x.phone
	if x.prevPhone != "" && at < x.phoneChanged {
		num = x.prevPhone
	}
	if num == "" || chance(r, g.p(f, 0.1)) {
		return ""
	}
	if at < phoneSwitch || (f.stalePhone && chance(r, 0.3)) {
		if old := elevenDigit(num); old != "" {
			num = old
		}
	}
	if chance(r, g.p(f, 0.004)) {
		num = mutateDigit(r, num)
	}
	return formatPhone(f, num)
}

// residence is the province index where x lived on day at.
func (g *renderer) residence(x *person, at day) int {
	if x.moved > 0 && at < x.moved {
		return x.prevProv
	}
	return x.prov
}

// place fills province, ward and address as of day at.
func (g *renderer) place(raw *matching.Raw, f *facility, x *person, at day) {
	r := g.r
	prov, com, street := x.prov, x.commune, x.street
	if x.moved > 0 && at < x.moved {
		prov, com, street = x.prevProv, x.prevCommune, x.prevStreet
	}
	p, c := provinces[prov], communesByProvince[prov][com]
	post := at >= mergerDay && !(f.keepsOld && chance(r, 0.8))
	code, name, city, wcode, wname := p.code, p.name, p.city, c.oldCode, c.oldName
	if post {
		code, name, city, wcode, wname = p.newCode, newProvinceNames[p.newCode], newCities[p.newCode], c.newCode, c.newName
	}
	if !chance(r, g.p(f, 0.03)) {
		raw.Province = styleText(formatProvince(r, f.prov2, code, name, city), f.text)
	}
	switch f.ward {
	case wardCode:
		raw.Ward = wcode
	case wardName:
		raw.Ward = styleText(wname, f.text)
	}
	if chance(r, g.p(f, 0.05)) {
		return
	}
	switch f.addr {
	case addrStreet:
		raw.Address = styleText(street, f.text)
	case addrFull:
		raw.Address = styleText(street+", "+wname+", "+provincePrefix(city)+name, f.text)
	case addrAbbrev:
		raw.Address = styleText(addressAbbrev.Replace(street+", "+wname+", "+provincePrefix(city)+name), f.text)
	}
}

// recordedAt writes the visit time in a facility's habit.
func recordedAt(r *rand.Rand, form int, at day) string {
	if form == recNone {
		return ""
	}
	y, m, d := at.ymd()
	hh, mm := between(r, 6, 20), r.IntN(60)
	var b strings.Builder
	b.WriteString(pad2s(y))
	sep := func(c byte) {
		if form != recClaims {
			b.WriteByte(c)
		}
	}
	sep('-')
	pad2(&b, m)
	sep('-')
	pad2(&b, d)
	switch form {
	case recISO:
		b.WriteByte('T')
	case recSpace:
		b.WriteByte(' ')
	}
	pad2(&b, hh)
	sep(':')
	pad2(&b, mm)
	switch form {
	case recISO:
		b.WriteString(":00+07:00")
	case recSpace:
		b.WriteString(":00")
	}
	return b.String()
}
