package synth

import (
	"fmt"
	"math/rand/v2"
)

// Facility kinds.
const (
	kindClaims = iota
	kindCentral
	kindProvincial
	kindMaternity
	kindDistrict
	kindPrivate
	kindCommune
)

var kindPrefix = [...]string{"BHXH-CLAIMS", "BV", "BV", "BV", "BV", "PK", "TYT"}

// kindVisits is the relative number of patients a facility of each kind sees.
var kindVisits = [...]float64{0, 8, 6, 3, 3, 2, 1}

// Text habits of a facility.
const (
	textNFC = iota
	textUpper
	textASCII
	textUpperASCII
	textNFD
	textTCVN3
	textVNI
)

// Name layouts.
const (
	nameFull = iota
	nameParts
	nameGivenFirst
)

// facility is one source: its code, place, and the habits with which it
// writes every record.
type facility struct {
	code       string
	kind       int
	prov       int // index in provinces
	text       int
	name       int
	oldTones   bool // writes "Hoà", "Thuỷ" (old tone placement)
	date       int  // dateDMY, dateISO, …
	gender     int
	intStore   bool // numbers stored as integers: leading zeros lost
	phone      int
	stalePhone bool // keeps 11-digit numbers after 2018
	prov2      int  // province style
	keepsOld   bool // keeps pre-2025 province codes and names after the merger
	ward       int
	addr       int
	ins        int
	recAt      int
	sloppy     float64 // multiplies error rates
	baby       int     // placeholder-name habit for newborns
	idScheme   int
	idBase     int
	seq        int
}

// pickIdx draws an index with the given weights.
func pickIdx(r *rand.Rand, w ...float64) int {
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	u := r.Float64() * sum
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1
}

// newFacilities creates n sources: one claims feed and n-1 facilities spread
// over the provinces by population.
func newFacilities(r *rand.Rand, n int) []facility {
	fs := make([]facility, 0, n)
	claims := facility{code: "BHXH-CLAIMS", kind: kindClaims, prov: provinceIndex[1], text: textNFC, name: nameFull,
		date: dateClaims, gender: genderClaims, phone: phonePlain, prov2: provCode2, ward: wardCode, addr: addrFull,
		ins: ins15, recAt: recClaims, sloppy: 0.5, idScheme: 4}
	fs = append(fs, claims)
	counter := map[string]int{}
	for len(fs) < n {
		f := facility{kind: 1 + pickIdx(r, 3, 12, 5, 25, 15, 40)}
		switch f.kind {
		case kindCentral:
			f.prov = provinceIndex[[]int{1, 79, 46, 1, 79}[r.IntN(5)]]
		case kindMaternity:
			f.prov = provinceIndex[[]int{1, 79, 31, 48, 92, 75}[r.IntN(6)]]
			if chance(r, 0.5) {
				f.prov = provinceTable.pick(r)
			}
		default:
			f.prov = provinceTable.pick(r)
		}
		pc := provinces[f.prov].code
		key := fmt.Sprint(kindPrefix[f.kind], pc)
		counter[key]++
		if f.kind == kindCommune {
			f.code = fmt.Sprintf("TYT%02d%03d", pc, counter[key])
		} else {
			f.code = fmt.Sprintf("%s%02d%03d", kindPrefix[f.kind], pc, counter[key]+100*b2i(f.kind == kindPrivate))
		}
		f.text = pickIdx(r, 45, 20, 10, 10, 6, 5, 4)
		f.name = pickIdx(r, 62, 32, 6)
		f.oldTones = chance(r, 0.3)
		f.date = pickIdx(r, 50, 25, 10, 5, 10)
		f.gender = pickIdx(r, 25, 35, 15, 10, 15)
		f.intStore = chance(r, 0.08)
		f.phone = pickIdx(r, 60, 8, 7, 10, 7)
		f.stalePhone = chance(r, 0.2)
		f.prov2 = pickIdx(r, 30, 10, 20, 20, 10, 10)
		f.keepsOld = chance(r, 0.35)
		f.ward = pickIdx(r, 35, 45, 20)
		f.addr = pickIdx(r, 30, 40, 20, 10)
		f.ins = pickIdx(r, 40, 40, 20)
		f.recAt = pickIdx(r, 50, 25, 25)
		f.sloppy = 0.4 + 1.6*r.Float64()*r.Float64()*2
		f.baby = r.IntN(5)
		f.idScheme = r.IntN(4)
		f.idBase = between(r, 1, 9) * 100_000
		fs = append(fs, f)
	}
	return fs
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nextLocalID returns the facility's next patient number in its own scheme.
func (f *facility) nextLocalID(year int) string {
	f.seq++
	switch f.idScheme {
	case 0:
		return "BN" + zeroPad(f.idBase+f.seq, 8)
	case 1:
		return zeroPad(f.idBase+f.seq, 1)
	case 2:
		return zeroPad(year%100, 2) + zeroPad(f.idBase+f.seq, 7)
	case 3:
		return "HS-" + zeroPad(f.seq, 7)
	}
	return "KCB." + zeroPad(f.seq, 8)
}

// visitTables draw a facility for a patient: per province (by visits) and
// nationwide; the central hospitals attract patients from everywhere.
type visitTables struct {
	byProv   []table[int]
	hasProv  []bool
	central  table[int]
	all      table[int]
	births   []table[int] // per province: facilities that deliver babies
	hasBirth []bool
}

func newVisitTables(fs []facility) visitTables {
	v := visitTables{byProv: make([]table[int], len(provinces)), hasProv: make([]bool, len(provinces)),
		births: make([]table[int], len(provinces)), hasBirth: make([]bool, len(provinces))}
	var ci, ai []int
	var cw, aw []float64
	pi := make([][]int, len(provinces))
	pw := make([][]float64, len(provinces))
	bi := make([][]int, len(provinces))
	bw := make([][]float64, len(provinces))
	for i, f := range fs {
		if f.kind == kindClaims {
			continue
		}
		w := kindVisits[f.kind]
		ai, aw = append(ai, i), append(aw, w)
		pi[f.prov], pw[f.prov] = append(pi[f.prov], i), append(pw[f.prov], w)
		if f.kind == kindCentral {
			ci, cw = append(ci, i), append(cw, w)
		}
		if f.kind == kindMaternity || f.kind == kindProvincial || f.kind == kindDistrict {
			bi[f.prov], bw[f.prov] = append(bi[f.prov], i), append(bw[f.prov], w+5*b2f(f.kind == kindMaternity))
		}
	}
	if len(ci) == 0 {
		ci, cw = ai, aw
	}
	v.central, v.all = newTable(ci, cw), newTable(ai, aw)
	for p := range provinces {
		if len(pi[p]) > 0 {
			v.byProv[p], v.hasProv[p] = newTable(pi[p], pw[p]), true
		}
		if len(bi[p]) > 0 {
			v.births[p], v.hasBirth[p] = newTable(bi[p], bw[p]), true
		}
	}
	return v
}

// visit draws the facility of one visit by a resident of province prov.
func (v visitTables) visit(r *rand.Rand, prov int) int {
	u := r.Float64()
	switch {
	case u < 0.75 && v.hasProv[prov]:
		return v.byProv[prov].pick(r)
	case u < 0.88:
		return v.central.pick(r)
	}
	return v.all.pick(r)
}

// birth draws the facility where a baby of province prov is born.
func (v visitTables) birth(r *rand.Rand, prov int) int {
	if v.hasBirth[prov] && chance(r, 0.9) {
		return v.births[prov].pick(r)
	}
	return v.visit(r, prov)
}
