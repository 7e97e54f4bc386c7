package matching

import (
	"errors"
	"slices"
	"strings"

	"github.com/vnhealth/mpi/matching/date"
	"github.com/vnhealth/mpi/matching/place"
	"github.com/vnhealth/mpi/matching/vnid"
	"github.com/vnhealth/mpi/matching/vnname"
)

// ErrInvalidSex is returned by ParseSex for a code it does not know.
var ErrInvalidSex = errors.New("unrecognised sex code")

// ParseSex reads the sex codes found in the wild: M/F, Nam/Nữ (with or
// without diacritics), male/female, the claims codes 1 (male), 2 (female)
// and 3 (undetermined, returned as SexUnknown), and empty.
func ParseSex(s string) (Sex, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return SexUnknown, nil
	case "m", "male", "nam", "1", "trai":
		return SexMale, nil
	case "f", "female", "nữ", "nu", "nư", "2", "gai", "gái", "w":
		return SexFemale, nil
	case "3", "u", "unknown", "o", "other", "khong ro", "không rõ", "x":
		return SexUnknown, nil
	}
	// "Nữ" may arrive decomposed or in capitals; fold before giving up.
	switch vnname.Fold(s) {
	case "nu":
		return SexFemale, nil
	case "nam":
		return SexMale, nil
	case "khong ro", "khong xac dinh":
		return SexUnknown, nil
	}
	return SexUnknown, ErrInvalidSex
}

// Normalize parses and folds a raw record into the form the comparators
// use. It never fails: a value it cannot understand is left out of the
// record and reported in Record.Issues (field and problem, never the value),
// so one bad field never drops the whole record.
func Normalize(raw *Raw) Record {
	r := Record{Source: strings.TrimSpace(raw.Source), LocalID: strings.TrimSpace(raw.LocalID)}

	if strings.TrimSpace(raw.FullName) != "" {
		r.Name, r.FullName, r.NameFlags = vnname.ParseJoined(raw.FullName)
	} else {
		r.Name, r.FullName, r.NameFlags = vnname.ParsePartsJoined(raw.FamilyName, raw.MiddleName, raw.GivenName)
	}
	r.givenSpelling = givenSpelling(raw, r.Name)
	r.nameN = uint8(hashWords(r.nameWords[:], r.FullName))
	r.letters = letterCounts(r.FullName)

	sex, err := ParseSex(raw.Gender)
	if err != nil {
		r.issue("gender", err)
	}
	r.Sex = sex

	if d, err := date.Parse(raw.BirthDate); err != nil {
		r.issue("birth_date", err)
	} else {
		r.Birth = d
	}

	if id, err := vnid.ParseCitizenID(raw.CitizenID); err != nil {
		r.issue("citizen_id", err)
	} else {
		r.CitizenID = id
	}
	if r.Sex == SexUnknown && r.CitizenID.Valid && r.CitizenID.SexKnown {
		r.Sex = SexMale
		if r.CitizenID.Female {
			r.Sex = SexFemale
		}
		r.SexFromID = true
	}

	if bhxh, _, err := vnid.ParseInsurance(raw.InsuranceNo); err != nil {
		r.issue("insurance_no", err)
	} else {
		r.SocialInsurance = bhxh
	}

	if p, err := vnid.ParsePhone(raw.Phone); err != nil {
		r.issue("phone", err)
	} else {
		r.Phone = p.Number
	}

	r.Province = normalizeProvince(&r, raw.Province)
	r.Ward = normalizeWard(&r, raw.Ward)
	r.Address = vnname.Fold(raw.Address)
	r.addrN = addressTokens(&r.addrTokens, r.Address)
	for _, h := range r.addrTokens[:r.addrN] {
		r.addrSig |= 1 << (h % 64)
	}
	return r
}

// addressTokens fills t with the sorted, distinct hashes of the first
// tokens of a folded address and returns how many there are.
func addressTokens(t *[maxAddrTokens]uint32, addr string) uint8 {
	n := hashWords(t[:], addr)
	return uint8(len(slices.Compact(t[:n])))
}

// hashWords fills t with the FNV-1a hashes of the first len(t) words of a
// folded string, sorted, and returns how many there are.
func hashWords(t []uint32, s string) int {
	n := 0
	const offset = uint32(2166136261)
	h, in := offset, false
	for i := 0; i <= len(s) && n < len(t); i++ {
		if i == len(s) || s[i] == ' ' {
			if in {
				t[n] = h
				n++
			}
			h, in = offset, false
			continue
		}
		h ^= uint32(s[i])
		h *= 16777619
		in = true
	}
	slices.Sort(t[:n])
	return n
}

func normalizeProvince(r *Record, s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	code, err := place.Province(s)
	if err == nil {
		return code
	}
	// Not a Vietnamese province (FEBRL's Australian states, a foreign
	// address): keep it as opaque text, compared for equality only.
	if f := vnname.Fold(s); f != "" {
		return OpaquePrefix + f
	}
	r.issue("province", err)
	return ""
}

func normalizeWard(r *Record, s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	prov := r.Province
	if strings.HasPrefix(prov, OpaquePrefix) {
		prov = ""
	}
	code, _, err := place.Ward(prov, s)
	if err == nil {
		return code
	}
	if f := vnname.Fold(s); f != "" {
		return OpaquePrefix + f
	}
	r.issue("ward", err)
	return ""
}

func (r *Record) issue(field string, err error) {
	r.Issues = append(r.Issues, Issue{Field: field, Problem: err.Error()})
}

// letterCounts counts the bytes of a folded name by letter; count 26 is
// everything that is not a–z (digits, spaces). Counts saturate at 127 so
// that the packed bytes never carry into each other (see jwUpperBound).
func letterCounts(s string) [4]uint64 {
	var c [32]uint8
	for i := 0; i < len(s); i++ {
		b := s[i]
		k := 26
		if b >= 'a' && b <= 'z' {
			k = int(b - 'a')
		}
		if c[k] < 127 {
			c[k]++
		}
	}
	var w [4]uint64
	for i, n := range c {
		w[i/8] |= uint64(n) << (8 * (i % 8))
	}
	return w
}
