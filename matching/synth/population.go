package synth

import "math/rand/v2"

// person is the truth about one simulated person.
type person struct {
	household             int
	family, middle, given string
	female                bool
	birth                 day
	yearOnly              bool // only the birth year is known to the state
	prov, commune         int  // residence: index in provinces and in its communes
	street                string
	birthProv             int // old province code of birth registration
	phone, prevPhone      string
	phoneChanged          day // records before this day show prevPhone
	cccd, cmnd, bhxh      string
	mother                int // index of the mother in the population, or -1
	prevProv, prevCommune int // residence before moved, if moved > 0
	prevStreet            string
	moved                 day
	newborn               bool // has placeholder records at birth
	role                  string
}

// population builds persons household by household.
type population struct {
	r       *rand.Rand
	o       Options
	persons []person
	ids     map[string]struct{} // issued CCCD, CMND and BHXH numbers
	recent  [][]int             // per province: recent adults, for namesakes
	hh      int
}

func newPopulation(r *rand.Rand, o Options) *population {
	return &population{
		r:       r,
		o:       o,
		persons: make([]person, 0, o.Persons+8),
		ids:     make(map[string]struct{}, o.Persons*2),
		recent:  make([][]int, len(provinces)),
	}
}

// build creates households until there are o.Persons persons, then trims.
func (p *population) build() []person {
	for len(p.persons) < p.o.Persons {
		p.household()
	}
	p.persons = p.persons[:p.o.Persons]
	for i := range p.persons {
		if p.persons[i].mother >= len(p.persons) {
			p.persons[i].mother = -1
			p.persons[i].newborn = false
		}
	}
	p.assignRoles()
	return p.persons
}

// household adds one household: a lone elder, a lone young adult, or a
// couple (sometimes a single parent) with children and maybe a grandparent.
func (p *population) household() {
	r := p.r
	prov := provinceTable.pick(r)
	home := person{household: p.hh, prov: prov, commune: r.IntN(len(communesByProvince[prov])), mother: -1}
	home.street = drawStreet(r, provinces[prov])
	p.hh++
	fam := drawFamily(r, provinces[prov].code)
	u := r.Float64()
	switch {
	case u < 0.07:
		p.adult(home, fam, chance(r, 0.65), between(r, 65, 98))
		return
	case u < 0.13:
		p.adult(home, fam, chance(r, 0.5), between(r, 18, 35))
		return
	}
	fatherAge := between(r, 22, 68)
	var father, mother = -1, -1
	if chance(r, 0.94) {
		father = p.adult(home, fam, false, fatherAge)
		fam = p.persons[father].family // a namesake may have changed it
	}
	mother = p.adult(home, drawFamily(r, provinces[prov].code), true, max(18, fatherAge-between(r, -2, 8)))
	if father < 0 {
		fam = p.persons[mother].family
	}
	if chance(r, 0.2) && fatherAge < 62 {
		gpAge := min(100, fatherAge+between(r, 22, 36))
		if chance(r, 0.6) {
			p.adult(home, drawFamily(r, provinces[prov].code), true, gpAge)
		} else {
			p.adult(home, fam, false, gpAge)
		}
	}
	mAge := ageAt(p.persons[mother].birth, today)
	kids := []int{0, 1, 1, 2, 2, 2, 2, 3, 3, 4}[r.IntN(10)]
	for k := 0; k < kids; k++ {
		age := mAge - between(r, 19, 42)
		if k == kids-1 && mAge >= 19 && mAge <= 42 && chance(r, 0.12) {
			age = 0 // a recent birth
		}
		if age < 0 {
			continue
		}
		p.child(home, fam, father, mother, age)
	}
}

// adult adds an adult (or elder) and returns its index.
func (p *population) adult(home person, fam string, female bool, age int) int {
	r := p.r
	x := home
	x.female = female
	x.birth = birthDay(r, age)
	by, _, _ := x.birth.ymd()
	x.family, x.middle, x.given = fam, drawMiddle(r, female, by), drawGiven(r, female)
	x.yearOnly = by < 1955 && chance(r, 0.35)
	i := len(p.persons)
	if donor, ok := p.namesakeDonor(home.prov, female); ok && chance(r, p.o.NamesakeRate) {
		d := p.persons[donor]
		x.family, x.middle, x.given = d.family, d.middle, d.given
		dy, _, _ := d.birth.ymd()
		if chance(r, 0.15) {
			x.birth = d.birth
		} else {
			x.birth = dayOf(dy, between(r, 1, 12), between(r, 1, 28))
		}
		x.role = RoleNamesake
		p.persons[donor].role = RoleNamesake
	}
	if ring := p.recent[home.prov]; len(ring) < 64 {
		p.recent[home.prov] = append(ring, i)
	} else {
		ring[r.IntN(64)] = i
	}
	p.finish(&x, age, true)
	p.persons = append(p.persons, x)
	return i
}

// namesakeDonor picks a recent adult of the same sex in the province.
func (p *population) namesakeDonor(prov int, female bool) (int, bool) {
	ring := p.recent[prov]
	if len(ring) == 0 {
		return 0, false
	}
	d := ring[p.r.IntN(len(ring))]
	if p.persons[d].female != female || p.persons[d].household == p.hh-1 {
		return 0, false
	}
	return d, true
}

// child adds a child (and a twin, sometimes) of the household.
func (p *population) child(home person, fam string, father, mother, age int) {
	r := p.r
	x := home
	x.female = chance(r, 0.49)
	x.birth = birthDay(r, age)
	if age == 0 {
		x.birth = today - day(r.IntN(300))
	}
	by, _, _ := x.birth.ymd()
	x.family, x.middle, x.given = fam, drawMiddle(r, x.female, by), drawGiven(r, x.female)
	x.mother = mother
	if x.birth >= firstRecord && chance(r, 0.25+0.5*b2f(age == 0)) {
		x.newborn = true
	}
	if father >= 0 && !x.female && chance(r, 0.012) {
		f := &p.persons[father]
		x.middle, x.given = f.middle, f.given
		x.role, f.role = RoleFatherSon, RoleFatherSon
	}
	p.finish(&x, age, false)
	p.persons = append(p.persons, x)
	if !chance(r, p.o.TwinRate) {
		return
	}
	t := x
	t.female = chance(r, 0.7) == x.female // twins are often the same sex
	pair := twinNames[r.IntN(len(twinNames))]
	if chance(r, 0.7) {
		p.persons[len(p.persons)-1].given, t.given = pair[0], pair[1]
	} else {
		t.given = drawGiven(r, t.female)
	}
	if t.given == x.given {
		t.given = drawGiven(r, t.female)
	}
	t.cccd, t.cmnd, t.bhxh = "", "", ""
	t.role = RoleTwin
	p.persons[len(p.persons)-1].role = RoleTwin
	p.finish(&t, age, false)
	t.phone, t.prevPhone = x.phone, x.prevPhone
	p.persons = append(p.persons, t)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// finish gives a person identifiers, a phone and maybe an earlier residence.
func (p *population) finish(x *person, age int, adult bool) {
	r := p.r
	if x.birthProv == 0 {
		x.birthProv = provinces[x.prov].code
	}
	if adult && age < 65 && chance(r, p.o.MoverRate*(1+b2f(x.female))/1.5) {
		x.prevProv = provinceTable.pick(r)
		if x.prevProv != x.prov {
			x.prevCommune = r.IntN(len(communesByProvince[x.prevProv]))
			x.prevStreet = drawStreet(r, provinces[x.prevProv])
			x.moved = randomDay(r, dayOf(2015, 1, 1), dayOf(2025, 12, 31))
			x.birthProv = provinces[x.prevProv].code
			if x.role == "" {
				x.role = RoleMover
			}
		}
	} else if adult && chance(r, 0.08) {
		x.birthProv = provinces[provinceTable.pick(r)].code
	}
	by, _, _ := x.birth.ymd()
	hasCCCD := (age >= 14 && chance(r, 0.96)) || (age < 14 && chance(r, 0.35))
	if by < 1950 && chance(r, 0.1) {
		hasCCCD = false
	}
	if hasCCCD {
		x.cccd = p.unique(func() string { return cccd(r, x.birthProv, x.female, by) })
	}
	if by < 2004 && (chance(r, 0.55) || !hasCCCD) {
		x.cmnd = p.unique(func() string { return zeroPad(between(r, 0, 3)*100_000_000+r.IntN(100_000_000), 9) })
	}
	if chance(r, 0.92) {
		x.bhxh = p.unique(func() string { return zeroPad(provinces[x.prov].code*100_000_000+r.IntN(100_000_000), 10) })
	}
	ownPhone := (age >= 18 && chance(r, 0.9-0.35*b2f(age >= 65))) || (age >= 15 && age < 18 && chance(r, 0.5))
	if ownPhone {
		x.phone = drawPhone(r)
		if chance(r, 0.15) {
			x.prevPhone = drawPhone(r)
			x.phoneChanged = randomDay(r, firstRecord, today)
		}
	} else if len(p.persons) > 0 && p.persons[len(p.persons)-1].household == x.household {
		// Children and dependants give the number of a household member.
		for j := len(p.persons) - 1; j >= 0 && p.persons[j].household == x.household; j-- {
			if p.persons[j].phone != "" && ageAt(p.persons[j].birth, today) >= 18 {
				x.phone, x.prevPhone, x.phoneChanged = p.persons[j].phone, p.persons[j].prevPhone, p.persons[j].phoneChanged
				break
			}
		}
	}
}

// unique draws until the generator returns an identifier not yet issued.
func (p *population) unique(gen func() string) string {
	for {
		s := gen()
		if _, dup := p.ids[s]; !dup {
			p.ids[s] = struct{}{}
			return s
		}
	}
}

// cccd builds a 12-digit personal ID: 0PP, century/sex digit, YY, 6 random.
func cccd(r *rand.Rand, birthProv int, female bool, year int) string {
	g := 2 * ((year - 1900) / 100)
	if female {
		g++
	}
	return zeroPad(birthProv, 3) + zeroPad(g*100_000_000+(year%100)*1_000_000+r.IntN(1_000_000), 9)
}

// assignRoles marks the mothers of newborns.
func (p *population) assignRoles() {
	for i := range p.persons {
		x := &p.persons[i]
		if !x.newborn || x.mother < 0 {
			x.newborn = false
			continue
		}
		if x.role == "" || x.role == RoleMover || x.role == RoleMother {
			x.role = RoleNewborn
		}
		if m := &p.persons[x.mother]; m.role == "" {
			m.role = RoleMother
		}
	}
}
