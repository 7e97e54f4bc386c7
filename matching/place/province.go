package place

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrUnknown is wrapped by the errors of Province and Ward when the value names no known province or ward. The
// errors name the field only, never the value.
var ErrUnknown = errors.New("place: unknown")

var errUnknownProvince = fmt.Errorf("place: province: %w", ErrUnknown)

// provinceAliases are informal names and abbreviations, indexed beside the official new and old names.
var provinceAliases = []struct{ name, code string }{
	{"HN", "01"},
	{"Hà Tây", "01"}, // merged into Hà Nội in 2008; still in old records
	{"Bắc Cạn", "19"},
	{"Thừa Thiên Huế", "46"},
	{"Thừa Thiên - Huế", "46"},
	{"TT Huế", "46"},
	{"TTH", "46"},
	{"Huế", "46"},
	{"Đắc Lắc", "66"},
	{"Đăk Lăk", "66"},
	{"Daklak", "66"},
	{"Đắc Nông", "68"},
	{"Đăk Nông", "68"},
	{"Kontum", "51"},
	{"BRVT", "79"},
	{"Bà Rịa Vũng Tàu", "79"},
	{"Vũng Tàu", "79"},
	{"HCM", "79"},
	{"HCMC", "79"},
	{"TPHCM", "79"},
	{"TP HCM", "79"},
	{"Hồ Chí Minh", "79"},
	{"Sài Gòn", "79"},
	{"TPSG", "79"},
}

// provincePrefixes are the administrative prefixes Province strips, as folded tokens.
var provincePrefixes = []string{"thanh pho", "tinh", "tp", "t p", "t"}

// cutProvincePrefix removes one administrative prefix from the folded form f.
func cutProvincePrefix(f []byte) ([]byte, bool) {
	for _, p := range provincePrefixes {
		if g, ok := cutPrefix(f, p); ok {
			return g, true
		}
	}
	return f, false
}

// Province returns the new 2-digit province code (one of the 34 in force since 1/7/2025) for s, which may be
//   - a 2-digit code of the old 63-list or the new 34-list: an old code maps to the unit it was merged into, a
//     surviving code to itself;
//   - a 3-digit code with a leading 0 ("079", as in the CCCD prefix), or a 1-digit code that lost its 0 ("1");
//   - a name, new or old, with or without diacritics, in any case, with or without a prefix ("Tỉnh", "Thành phố",
//     "TP.", "TP", "T."), or a common abbreviation or variant ("TP.HCM", "HCM", "Sài Gòn", "HN", "BRVT",
//     "Thừa Thiên Huế", "Đăk Lăk").
//
// Names of old provinces map to their new unit, so "Bình Định" (old 52) and "Gia Lai" (old 64, now named for new 52)
// both give "52". When nothing matches, Province returns an error wrapping ErrUnknown.
func Province(s string) (string, error) {
	t, err := tables()
	if err != nil {
		return "", err
	}
	if i, ok := t.province(s); ok {
		return t.provinces[i].code, nil
	}
	return "", errUnknownProvince
}

// province resolves s to an index into t.provinces.
func (t *table) province(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if n, ok := provinceNumber(s); ok {
		p := t.provByCode[n]
		return int(p) - 1, p != 0
	}
	if len(s) > maxInput {
		return 0, false
	}
	var fbuf, kbuf [maxInput]byte
	f := fold(fbuf[:0], s)
	for {
		if p := t.provByName[string(compact(kbuf[:0], f))]; p != 0 {
			return int(p) - 1, true
		}
		var cut bool
		if f, cut = cutProvincePrefix(f); !cut {
			return 0, false
		}
	}
}

// provinceNumber parses a province code of 1 to 3 digits ("1", "01", "001").
func provinceNumber(s string) (int, bool) {
	switch len(s) {
	case 1:
		if isDigit(s[0]) {
			return int(s[0] - '0'), true
		}
	case 2:
		return code2(s)
	case 3:
		if s[0] == '0' {
			return code2(s[1:])
		}
	}
	return 0, false
}

// ProvinceName returns the official name of a new code of the 34-list ("79" -> "Thành phố Hồ Chí Minh"), or "" when
// newCode is not one.
func ProvinceName(newCode string) string {
	t, err := tables()
	if err != nil {
		return ""
	}
	if i, ok := t.newProvince(newCode); ok {
		return t.provinces[i].name
	}
	return ""
}

// OldProvinces returns the codes of the old 63-list merged into the new code, ascending (a surviving code lists
// itself); nil when newCode is not one of the 34.
func OldProvinces(newCode string) []string {
	t, err := tables()
	if err != nil {
		return nil
	}
	if i, ok := t.newProvince(newCode); ok {
		return slices.Clone(t.provinces[i].old)
	}
	return nil
}

// IsOldProvinceCode reports whether code is exactly a 2-digit code of the old 63-province list.
func IsOldProvinceCode(code string) bool {
	t, err := tables()
	n, ok := code2(code)
	return err == nil && ok && t.isOld[n]
}

// newProvince returns the index of an exact 2-digit code of the 34-list.
func (t *table) newProvince(code string) (int, bool) {
	n, ok := code2(code)
	if !ok || t.provByCode[n] == 0 {
		return 0, false
	}
	i := int(t.provByCode[n]) - 1
	return i, t.provinces[i].code == code
}
