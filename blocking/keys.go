package blocking

import (
	"slices"
	"strconv"
	"strings"

	"github.com/vnhealth/mpi/matching"
)

// Rule is one blocking rule.
type Rule uint8

// The rules, in the order Keys emits them. ForEachPair reports a pair
// under the first rule that finds it.
const (
	// RuleYearProvince: birth year + new province code + sex + given-name
	// initial (the design's base rule, refined: see doc.go).
	RuleYearProvince Rule = iota
	// RuleCitizenID: the citizen identifier.
	RuleCitizenID
	// RuleInsurance: the 10-digit BHXH number.
	RuleInsurance
	// RulePhone: the normalized phone number.
	RulePhone
	// RuleGivenYear: given name + birth year + family-name initial (moves).
	RuleGivenYear
	// RuleDateFamily: full birth date + family-name initial (moves with a
	// changed given name).
	RuleDateFamily
	// RuleDateProvince: full birth date + province (newborns recorded under
	// the mother's name, names in Western order).
	RuleDateProvince
	// RuleDayGiven: birth month and day + given name + province (wrong
	// birth years).
	RuleDayGiven
	// RuleNameProvince: the sorted words of the full name + province
	// (missing or wrong birth dates, names in any order).
	RuleNameProvince
	// RuleAddress: the first words of the address that are not
	// administrative (house number and street: "261 quang trung"): the
	// records of one address whose names and dates were mangled.
	RuleAddress
	// RuleStreet: the house number and the first letters of the street,
	// spaces dropped ("12 colebatch place" and "12 colebatchplace" meet):
	// one address keyed with words run together or split apart.
	RuleStreet
	// NumRules is the number of rules.
	NumRules
)

var ruleNames = [NumRules]string{
	"year_province", "citizen_id", "insurance", "phone", "given_year",
	"date_family", "date_province", "day_given", "name_province", "address", "street",
}

// prefixes start every key of a rule, so keys of different rules never meet.
var prefixes = [NumRules]string{"yp:", "id:", "si:", "ph:", "gy:", "df:", "dp:", "dg:", "np:", "ad:", "st:"}

func (r Rule) String() string {
	if r < NumRules {
		return ruleNames[r]
	}
	return "rule?"
}

// identifierRule reports whether r keys on an identifier (citizen ID,
// insurance number, phone), whose blocks are small unless the value is junk.
func (r Rule) identifierRule() bool {
	return r == RuleCitizenID || r == RuleInsurance || r == RulePhone
}

// RuleOf returns the rule a key belongs to.
func RuleOf(key string) (Rule, bool) {
	for r, p := range prefixes {
		if strings.HasPrefix(key, p) {
			return Rule(r), true
		}
	}
	return 0, false
}

// Keys appends the record's blocking keys to dst and returns it: at most
// one key per rule, none for a rule whose inputs are missing or junk (see
// the stop-list in stoplist.go). Keys are short ASCII strings.
func Keys(dst []string, r *matching.Record) []string {
	year := r.BirthYear()
	if year < 1000 || year > 9999 {
		year = 0
	}
	prov := province(r)
	name := !junkName(r)
	given := ""
	if name && usableGiven(r.Name.Given) {
		given = r.Name.Given
	}
	family := ""
	if name && r.Name.Family != "" {
		family = r.Name.Family[:1]
	}
	sex := sexCode(r.Sex)
	var date, day string // "19900507", "0507": only for full dates
	if b := r.Birth; b.Year != 0 && b.Month != 0 && b.Day != 0 && year != 0 {
		date = strconv.Itoa(year) + twoDigits(b.Month) + twoDigits(b.Day)
		day = date[4:]
	}
	ys := ""
	if year != 0 {
		ys = strconv.Itoa(year)
	}

	if ys != "" && prov != "" && sex != "" && given != "" {
		dst = append(dst, prefixes[RuleYearProvince]+ys+":"+prov+":"+sex+":"+given[:1])
	}
	if v := r.CitizenID.Value; v != "" {
		dst = append(dst, prefixes[RuleCitizenID]+v)
	}
	if v := r.SocialInsurance; v != "" {
		dst = append(dst, prefixes[RuleInsurance]+v)
	}
	if v := r.Phone; v != "" {
		dst = append(dst, prefixes[RulePhone]+v)
	}
	if given != "" && ys != "" && family != "" {
		dst = append(dst, prefixes[RuleGivenYear]+given+":"+ys+":"+family)
	}
	if date != "" && family != "" {
		dst = append(dst, prefixes[RuleDateFamily]+date+":"+family)
	}
	if date != "" && prov != "" {
		dst = append(dst, prefixes[RuleDateProvince]+date+":"+prov)
	}
	if day != "" && given != "" && prov != "" {
		dst = append(dst, prefixes[RuleDayGiven]+day+":"+given+":"+prov)
	}
	if name && given != "" && prov != "" {
		dst = append(dst, prefixes[RuleNameProvince]+sortedWords(r.FullName)+":"+prov)
	}
	if a := addressKey(r.Address); a != "" {
		dst = append(dst, prefixes[RuleAddress]+a)
	}
	if a := streetKey(r.Address); a != "" {
		dst = append(dst, prefixes[RuleStreet]+a)
	}
	return dst
}

// streetLetters is how many letters of the street a street key holds.
const streetLetters = 8

// streetKey returns the house number (the first word holding a digit) and
// the first streetLetters letters of the words after it that are not
// administrative words, spaces dropped: "12 colebatch place brentwood" and
// "12 colebatchplace brentwood" both key "12 colebatc". It is "" when the
// address has no house number or fewer than streetLetters letters after it.
func streetKey(addr string) string {
	var b strings.Builder
	number := ""
	letters := 0
	for f := range strings.FieldsSeq(addr) {
		if adminWords[f] {
			continue
		}
		if number == "" {
			if strings.ContainsAny(f, "0123456789") {
				number = f
			}
			continue
		}
		for i := 0; i < len(f) && letters < streetLetters; i++ {
			if c := f[i]; c >= 'a' && c <= 'z' {
				b.WriteByte(c)
				letters++
			}
		}
		if letters == streetLetters {
			return number + " " + b.String()
		}
	}
	return ""
}

// addressWords is how many non-administrative words make an address key.
const addressWords = 3

// addressKey returns the first addressWords words of a folded address that
// are not administrative words (số, đường, thôn, xã, street, road, …), or ""
// when there are fewer, or when they hold no letter or no digit: a house
// number and a street, not a bare hamlet or village name shared by
// thousands.
func addressKey(addr string) string {
	var buf [addressWords]string
	w := buf[:0]
	letter, digit := false, false
	for f := range strings.FieldsSeq(addr) {
		if adminWords[f] {
			continue
		}
		for i := 0; i < len(f); i++ {
			if f[i] >= '0' && f[i] <= '9' {
				digit = true
			} else {
				letter = true
			}
		}
		if w = append(w, f); len(w) == addressWords {
			break
		}
	}
	if len(w) < addressWords || !letter || !digit {
		return ""
	}
	return strings.Join(w, " ")
}

// adminWords are the administrative and street-type words of Vietnamese and
// English addresses, folded, with their abbreviations.
var adminWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`so duong d pho ngo ngach hem kiet thon th ap a xom ban buon khu kp to tdp
		xa x phuong p thi tran tt tinh t thanh tp quan q huyen h thi xa tx khom lo
		street st road rd place pl avenue ave crescent cres close cl court ct drive dr lane ln way
		circuit cct parade pde terrace tce highway hwy boulevard blvd unit flat apartment aprt`) {
		m[w] = true
	}
	return m
}()

func twoDigits(v uint8) string {
	return string([]byte{'0' + v/10%10, '0' + v%10})
}

func sexCode(s matching.Sex) string {
	switch s {
	case matching.SexMale:
		return "m"
	case matching.SexFemale:
		return "f"
	}
	return ""
}

// sortedWords returns the words of a folded name in byte order, so that
// "son phan cong" and "phan cong son" give one key.
func sortedWords(full string) string {
	var buf [8]string
	w := buf[:0]
	for f := range strings.FieldsSeq(full) {
		w = append(w, f)
	}
	if len(w) < 2 || slices.IsSorted(w) {
		return full
	}
	slices.Sort(w)
	return strings.Join(w, " ")
}

// Fields returns the matching fields a rule's key is built from: on pairs
// the rule produced those fields agree (or partly agree) by construction,
// so a training pass over them must leave these fields out.
func (r Rule) Fields() []matching.Field {
	switch r {
	case RuleYearProvince:
		return []matching.Field{matching.FieldName, matching.FieldBirthDate, matching.FieldSex, matching.FieldAddress}
	case RuleCitizenID:
		// The CCCD encodes birth year and sex as well.
		return []matching.Field{matching.FieldCitizenID, matching.FieldSex}
	case RuleInsurance:
		return []matching.Field{matching.FieldInsurance}
	case RulePhone:
		return []matching.Field{matching.FieldPhone}
	case RuleGivenYear, RuleDateFamily:
		return []matching.Field{matching.FieldName, matching.FieldBirthDate}
	case RuleDateProvince:
		return []matching.Field{matching.FieldBirthDate, matching.FieldAddress}
	case RuleDayGiven:
		return []matching.Field{matching.FieldName, matching.FieldBirthDate, matching.FieldAddress}
	case RuleAddress, RuleStreet:
		return []matching.Field{matching.FieldAddress}
	case RuleNameProvince:
		return []matching.Field{matching.FieldName, matching.FieldAddress}
	}
	return nil
}

// KeyHashes appends the hashes of r's blocking keys (one per rule that keys
// r, in rule order) to dst: what a store indexes records by for the online
// path. The hash is 64-bit FNV-1a of the key, never 0; stores keep it, so
// it must not change — a change of rules or of the hash needs the stored
// keys rebuilt.
func KeyHashes(dst []uint64, r *matching.Record) []uint64 {
	dst, _ = KeyHashesAndIDs(dst, nil, r)
	return dst
}

// KeyHashesAndIDs is KeyHashes, also appending to ids those of the hashes
// that key a personal identifier — the citizen ID and the social insurance
// number, not the phone, which a family shares: the blocks in which a
// record that finds its person needs look no further (the online path
// reads them first).
func KeyHashesAndIDs(dst, ids []uint64, r *matching.Record) ([]uint64, []uint64) {
	var buf [NumRules]string
	for _, k := range Keys(buf[:0], r) {
		h := hashKey(k)
		dst = append(dst, h)
		if strings.HasPrefix(k, prefixes[RuleCitizenID]) || strings.HasPrefix(k, prefixes[RuleInsurance]) {
			ids = append(ids, h)
		}
	}
	return dst, ids
}
