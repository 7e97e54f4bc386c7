package matching

import (
	"github.com/vnhealth/mpi/matching/date"
	"github.com/vnhealth/mpi/matching/vnid"
	"github.com/xrash/smetrics"
	"math/bits"
	"strings"
)

// Field identifies one compared attribute of a record pair.
type Field uint8

// The compared fields, in the order they appear in a Vector, the model file
// and every explanation.
const (
	FieldName Field = iota
	FieldBirthDate
	FieldSex
	FieldCitizenID
	FieldInsurance
	FieldPhone
	FieldAddress
	NumFields
)

// fieldNames and levelNames are the names used in model files and
// explanations; the order of levels is the order of a field's level indices.
var fieldNames = [NumFields]string{"name", "birth_date", "sex", "citizen_id", "insurance_no", "phone", "address"}

var levelNames = [NumFields][]string{
	FieldName:      {"exact", "family_given", "jw_high", "given", "jw_mid", "else"},
	FieldBirthDate: {"exact", "year_month", "transposed", "year_only", "year", "year_pm1", "else"},
	FieldSex:       {"agree", "disagree"},
	FieldCitizenID: {"exact", "one_digit", "different"},
	FieldInsurance: {"exact", "different"},
	FieldPhone:     {"agree", "different"},
	FieldAddress:   {"address", "ward", "province", "different"},
}

// Name level indices.
const (
	NameExact = iota
	NameFamilyGiven
	NameJWHigh
	NameGiven
	NameJWMid
	NameElse
)

// Birth-date level indices.
const (
	BirthExact = iota
	BirthYearMonth
	BirthTransposed
	BirthYearOnly
	BirthYear
	BirthYearPM1
	BirthElse
)

// Jaro-Winkler bands on the folded full name.
const (
	jwHigh = 0.94
	jwMid  = 0.88
	// jwBoost and jwPrefix are the customary Winkler parameters.
	jwBoost  = 0.7
	jwPrefix = 4
)

// Missing is the level of a field that is absent on either side. It weighs
// nothing: a missing value is never evidence for or against a match.
const Missing int8 = -1

// String returns the field's name as used in model files.
func (f Field) String() string {
	if f < NumFields {
		return fieldNames[f]
	}
	return "field?"
}

// Levels returns the names of the field's comparison levels, best first.
func (f Field) Levels() []string {
	if f < NumFields {
		return append([]string(nil), levelNames[f]...)
	}
	return nil
}

// Vector is the outcome of comparing two records: one level per field,
// Missing where a side lacks the value.
type Vector [NumFields]int8

// Compare compares two normalized records field by field. It is pure,
// allocation-free and safe for concurrent use.
func Compare(a, b *Record) Vector {
	return Vector{
		FieldName:      compareName(a, b),
		FieldBirthDate: compareBirth(a, b),
		FieldSex:       compareSex(a.Sex, b.Sex),
		FieldCitizenID: compareCitizenID(&a.CitizenID, &b.CitizenID),
		FieldInsurance: compareEqual(a.SocialInsurance, b.SocialInsurance),
		FieldPhone:     compareEqual(a.Phone, b.Phone),
		FieldAddress:   compareAddress(a, b),
	}
}

func compareName(a, b *Record) int8 { return nameLevel(a, b, true) }

// nameLevel is compareName; prune says whether Jaro-Winkler may be skipped
// when its upper bound is below the bands (always, except in the test that
// checks the pruning changes nothing).
func nameLevel(a, b *Record, prune bool) int8 {
	// A newborn placeholder's name is its mother's, not the baby's: against
	// a named record it says nothing (two placeholders compare the
	// mothers' names).
	if a.FullName == "" || b.FullName == "" || a.Placeholder() != b.Placeholder() {
		return Missing
	}
	if a.FullName == b.FullName {
		return NameExact
	}
	famAgree := a.Name.Family != "" && a.Name.Family == b.Name.Family
	givenAgree := a.Name.Given != "" && a.Name.Given == b.Name.Given
	if famAgree && givenAgree {
		return NameFamilyGiven
	}
	// Family and given swapped between the source's fields: a form filled
	// in the wrong boxes, not a different name.
	if a.Name.Family != "" && a.Name.Given != "" && a.Name.Family == b.Name.Given && a.Name.Given == b.Name.Family {
		return NameFamilyGiven
	}
	// The same words in another order ("Sơn Nguyễn Hoàng"): an order the
	// parser could not undo, not another name.
	if a.nameN > 1 && a.nameN == b.nameN && a.nameWords == b.nameWords {
		return NameFamilyGiven
	}
	// Jaro-Winkler is the costly step: skip it when an upper bound on the
	// score, from letter counts and the common prefix, is below the bands.
	jw := 0.0
	if !prune || jwUpperBound(a, b) >= jwMid-1e-9 {
		jw = smetrics.JaroWinkler(a.FullName, b.FullName, jwBoost, jwPrefix)
		// In a household the family and middle names are shared and make
		// the full names of siblings look alike; the given name tells them
		// apart. A full-name band needs a similar given name too.
		if jw >= jwMid && !givenSimilar(a.Name.Given, b.Name.Given) {
			jw = 0
		}
	}
	switch {
	case jw >= jwHigh:
		return NameJWHigh
	case givenAgree:
		return NameGiven
	case jw >= jwMid:
		return NameJWMid
	}
	return NameElse
}

// jwGiven is the Jaro-Winkler score two given names need to count as
// similar: "khoa"/"khao" (0.93) are, "duong"/"duy" (0.69) and
// "ngoc"/"ngan" (0.67) are not.
const jwGiven = 0.85

// givenSimilar reports whether two given names are similar enough for a
// full-name Jaro-Winkler band; a missing given name does not object.
func givenSimilar(a, b string) bool {
	if a == "" || b == "" || a == b {
		return true
	}
	return smetrics.JaroWinkler(a, b, jwBoost, jwPrefix) >= jwGiven
}

// jwUpperBound bounds smetrics.JaroWinkler(a.FullName, b.FullName) from
// above. Jaro counts matching characters m ≤ c, where c is the size of the
// multiset intersection of the two strings' bytes, so
// Jaro ≤ (c/la + c/lb + 1)/3; Winkler adds 0.1·p·(1−Jaro) for a common
// prefix of p ≤ 4 bytes, which grows with Jaro, so the bound carries over.
func jwUpperBound(a, b *Record) float64 {
	la, lb := len(a.FullName), len(b.FullName)
	c := commonLetters(&a.letters, &b.letters)
	if c == 0 {
		return 0
	}
	j := (float64(c)/float64(la) + float64(c)/float64(lb) + 1) / 3
	if j > 1 {
		j = 1
	}
	p := 0
	for p < jwPrefix && p < la && p < lb && a.FullName[p] == b.FullName[p] {
		p++
	}
	if j <= jwBoost {
		return j
	}
	return j + 0.1*float64(p)*(1-j)
}

// commonLetters returns Σ min(a[k], b[k]) over the packed byte counts,
// eight counts per word at once. Bytes hold at most 127, so (y|0x80) − x
// never borrows across bytes and its high bit says y ≥ x there; that
// selects the per-byte minimum, and the eight bytes are summed by folding
// into 16- and 32-bit lanes.
func commonLetters(a, b *[4]uint64) int {
	const hi = 0x8080808080808080
	const lo7 = 0x7f7f7f7f7f7f7f7f
	c := 0
	for i := range a {
		x, y := a[i], b[i]
		d := (y | hi) - x         // high bit of a byte set iff y ≥ x there
		m := (d & hi) >> 7 * 0xff // 0xff where y ≥ x
		mn := (x & m) | (y &^ m)  // per-byte minimum
		mn &= lo7
		// Sum the eight bytes: fold to 16-bit lanes, then add the lanes.
		s := (mn & 0x00ff00ff00ff00ff) + ((mn >> 8) & 0x00ff00ff00ff00ff)
		s = (s & 0x0000ffff0000ffff) + ((s >> 16) & 0x0000ffff0000ffff)
		s = (s & 0xffffffff) + (s >> 32)
		c += int(s)
	}
	return c
}

func compareBirth(a, b *Record) int8 {
	x, y := a.Birth, b.Birth
	if x.Year == 0 || y.Year == 0 {
		return Missing
	}
	if x.Year == y.Year {
		switch {
		case x.Month == 0 || y.Month == 0:
			return BirthYearOnly
		case janFirst(x) || janFirst(y):
			// 01/01 is what many systems write when only the year is
			// known: even two of them say no more than the year.
			return BirthYearOnly
		case x.Month == y.Month && x.Day != 0 && x.Day == y.Day:
			return BirthExact
		case x.Month == y.Month:
			return BirthYearMonth
		case x.Day != 0 && y.Day != 0 && x.Day == y.Month && x.Month == y.Day:
			return BirthTransposed
		}
		return BirthYear
	}
	if x.Year+1 == y.Year || y.Year+1 == x.Year {
		return BirthYearPM1
	}
	return BirthElse
}

func janFirst(d date.Date) bool { return d.Month == 1 && d.Day == 1 }

func compareSex(a, b Sex) int8 {
	if a == SexUnknown || b == SexUnknown {
		return Missing
	}
	if a == b {
		return 0
	}
	return 1
}

// compareCitizenID compares identifiers of the same kind. A CCCD and a CMND
// can belong to one person (the chip card carries the old number), so a
// pair of different kinds is no evidence either way.
func compareCitizenID(a, b *vnid.CitizenID) int8 {
	if a.Value == "" || b.Value == "" || a.Kind != b.Kind {
		return Missing
	}
	if a.Value == b.Value {
		return 0
	}
	if oneEdit(a.Value, b.Value) {
		return 1
	}
	return 2
}

// oneEdit reports whether two equal-length strings differ in exactly one
// position or by one swap of adjacent characters: the typos of keying an ID.
func oneEdit(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	first := -1
	diffs := 0
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] {
			if first < 0 {
				first = i
			}
			diffs++
			if diffs > 2 {
				return false
			}
		}
	}
	switch diffs {
	case 1:
		return true
	case 2:
		i := first
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i]
	}
	return false
}

func compareEqual(a, b string) int8 {
	if a == "" || b == "" {
		return Missing
	}
	if a == b {
		return 0
	}
	return 1
}

// Address levels.
const (
	AddressText = iota
	AddressWard
	AddressProvince
	AddressDifferent
)

func compareAddress(a, b *Record) int8 {
	text := a.Address != "" && b.Address != ""
	ward := a.Ward != "" && b.Ward != ""
	prov := a.Province != "" && b.Province != ""
	switch {
	case text && addressAgree(a, b):
		return AddressText
	case ward && a.Ward == b.Ward:
		return AddressWard
	case prov && a.Province == b.Province:
		return AddressProvince
	case text || ward || prov:
		return AddressDifferent
	}
	return Missing
}

// addressAgree reports whether two addresses share at least two thirds of
// the distinct tokens of the shorter one (and at least two tokens, or the
// whole of a one-token address). Word order and abbreviations dropped on
// one side are tolerated; a different house number or street is not. The
// token sets are sorted hashes built by Normalize, merged here.
func addressAgree(a, b *Record) bool {
	x, y := a.addrTokens[:a.addrN], b.addrTokens[:b.addrN]
	total := min(len(x), len(y))
	if total == 0 {
		return false
	}
	// The shared tokens are at most the common signature bits, plus the
	// tokens that share a bit with another token of the same record.
	extra := min(int(a.addrN)-bits.OnesCount64(a.addrSig), int(b.addrN)-bits.OnesCount64(b.addrSig))
	if up := bits.OnesCount64(a.addrSig&b.addrSig) + extra; up < 2 && total > 1 || 3*up < 2*total || up == 0 {
		return false
	}
	shared := 0
	for i, j := 0, 0; i < len(x) && j < len(y); {
		switch {
		case x[i] == y[j]:
			shared++
			i++
			j++
		case x[i] < y[j]:
			i++
		default:
			j++
		}
	}
	if total == 1 {
		return shared == 1
	}
	return shared >= 2 && 3*shared >= 2*total
}

// oneWordApart reports whether two names have the same words but one, in
// any order, and returns the two words that differ ("Thơ Phạm Ngọc" and
// "Phạm Ngọc Thảo" give "tho", "thao").
func oneWordApart(a, b *Record) (wa, wb string, ok bool) {
	if a.nameN < 2 || a.nameN != b.nameN {
		return "", "", false
	}
	x, y := a.nameWords[:a.nameN], b.nameWords[:b.nameN]
	var hx, hy uint32
	onlyX, onlyY := 0, 0
	for i, j := 0, 0; i < len(x) || j < len(y); {
		switch {
		case j == len(y) || i < len(x) && x[i] < y[j]:
			hx = x[i]
			onlyX++
			i++
		case i == len(x) || y[j] < x[i]:
			hy = y[j]
			onlyY++
			j++
		default:
			i++
			j++
		}
	}
	if onlyX != 1 || onlyY != 1 {
		return "", "", false
	}
	return wordWithHash(a.FullName, hx), wordWithHash(b.FullName, hy), true
}

// wordWithHash returns the word of s whose hashWords hash is h.
func wordWithHash(s string, h uint32) string {
	var t [1]uint32
	for w := range strings.FieldsSeq(s) {
		if hashWords(t[:], w) == 1 && t[0] == h {
			return w
		}
	}
	return ""
}
