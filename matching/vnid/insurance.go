package vnid

// The lengths of the two forms of a health insurance number.
const (
	bhxhLen = 10 // mã số BHXH, the lifelong social insurance number
	bhytLen = 15 // legacy BHYT card code: group (2 letters), level (1 digit), province (2 digits), BHXH number
)

// isInsSep reports the bytes ParseInsurance ignores: white space, dashes and dots.
func isInsSep(c byte) bool {
	return c == ' ' || c == '\t' || c == '-' || c == '.'
}

// ParseInsurance returns the 10-digit social insurance (BHXH) number held in s, which is either
// a 15-character BHYT card code or a bare 10-digit BHXH number. The card code is
// GG L PP NNNNNNNNNN: a 2-letter beneficiary group (DN, HT, TE, …), a benefit level 1 to 5, the
// 2-digit issuing province and the BHXH number; letters may be in either case and white space,
// dashes and dots are ignored. group is the upper-cased beneficiary group of a card code and ""
// for a bare number.
//
// The BHXH number is the lifelong key: the card code changes with group, level or province, so
// records are compared on bhxh alone. An empty s gives "", "", nil. A placeholder number (one
// digit repeated, 0123456789) gives an error wrapping ErrJunk; any other form one wrapping
// ErrInvalid. Errors never hold the value. At most one allocation is made.
func ParseInsurance(s string) (bhxh, group string, err error) {
	s, empty := trimExport(s)
	if empty {
		return "", "", nil
	}
	var buf [maxClean]byte
	n, fits := compact(&buf, s, isInsSep)
	v := buf[:n]
	switch {
	case n == bhxhLen && allDigits(v):
		if junkDigits(v) {
			return "", "", errInsJunk
		}
		return sameOrCopy(s, v), "", nil
	case n == bhytLen && isLetter(v[0]) && isLetter(v[1]) && allDigits(v[2:]):
		if v[2] < '1' || v[2] > '5' {
			return "", "", errInsLevel
		}
		if junkDigits(v[5:]) {
			return "", "", errInsJunk
		}
		if len(s) == bhytLen && isUpper(s[0]) && isUpper(s[1]) {
			return s[5:], s[:2], nil // s is the code as is: share its memory
		}
		// One allocation holds both results: the group followed by the number.
		v[0], v[1] = upper(v[0]), upper(v[1])
		copy(v[2:], v[5:])
		both := string(v[:2+bhxhLen])
		return both[2:], both[:2], nil
	}
	if placeholder(s) {
		return "", "", errInsJunk
	}
	if fits && allDigits(v) {
		return "", "", errInsLength
	}
	return "", "", errInsForm
}

// upper returns the upper-case form of the ASCII letter c.
func upper(c byte) byte {
	if isLower(c) {
		return c - 'a' + 'A'
	}
	return c
}
