package vnid

import "strconv"

// IDKind is what kind of citizen identifier a value is.
type IDKind uint8

// The kinds of citizen identifier.
const (
	// KindNone is the kind of an empty value.
	KindNone IDKind = iota
	// KindCCCD is the 12-digit personal identification number (số định danh cá nhân, printed on
	// the CCCD card). A legacy 12-digit CMND cannot be told apart from it and is KindCCCD too;
	// its Valid is usually false.
	KindCCCD
	// KindCMND is the old 9-digit identity card number.
	KindCMND
	// KindOpaque is any other identifier of 3 to 20 letters and digits, such as a passport
	// number or a synthetic data set's 7-digit number. It is compared only for equality.
	KindOpaque
)

// String returns "none", "CCCD", "CMND" or "opaque".
func (k IDKind) String() string {
	switch k {
	case KindNone:
		return "none"
	case KindCCCD:
		return "CCCD"
	case KindCMND:
		return "CMND"
	case KindOpaque:
		return "opaque"
	}
	return "IDKind(" + strconv.Itoa(int(k)) + ")"
}

// The lengths of opaque identifiers, separators removed.
const (
	minOpaque = 3
	maxOpaque = 20
)

// CitizenID is a parsed citizen identifier.
type CitizenID struct {
	// Value is the identifier in its comparison form: 12 or 9 digits for KindCCCD and KindCMND,
	// upper-case ASCII letters and digits for KindOpaque, "" for KindNone.
	Value string
	// Kind is what kind of identifier Value is.
	Kind IDKind
	// Repaired is true when Value was 10 or 11 digits long (stored as an integer, leading zeros
	// lost) and was left-padded to 12 because the padded value then starts with a known province
	// prefix and a century/sex digit 0 to 5.
	Repaired bool
	// Valid is true for a KindCCCD whose structure checks out: the prefix is 0 plus a code of
	// the old 63-province list, the century/sex digit is 0 to 5 and the implied birth year is at
	// most 2100; and for every KindCMND. It is false for KindOpaque. Validity is evidence only:
	// real numbers break these rules.
	Valid bool
	// Province is the old two-digit province code of birth registration ("01", "79"), set only
	// when Valid and Kind is KindCCCD.
	Province string
	// BirthYear is 1900 + 100*(G/2) + YY for a valid KindCCCD, else 0.
	BirthYear int
	// Female is the sex encoded in a valid KindCCCD (odd century/sex digit).
	Female bool
	// SexKnown is true when Female is meaningful: for a valid KindCCCD.
	SexKnown bool
}

// isIDSep reports the bytes ParseCitizenID ignores: white space, dots and dashes.
func isIDSep(c byte) bool {
	return c == ' ' || c == '\t' || c == '.' || c == '-'
}

// ParseCitizenID parses a citizen identifier as found in the wild. It removes white space, dots
// and dashes (and spreadsheet artefacts, see the package doc), then:
//
//   - an empty value gives the zero CitizenID and a nil error;
//   - 12 digits are a CCCD (see CitizenID.Valid for what is checked);
//   - 11 or 10 digits that, left-padded with zeros to 12, start with a known province prefix
//     and century/sex digit are a CCCD with Repaired set;
//   - 9 digits are a CMND;
//   - other values of 3 to 20 ASCII letters and digits are opaque, upper-cased;
//   - placeholders (all zeros, one digit repeated, 0123456789, "KHONG RO", "N/A", "-", "0")
//     give an error wrapping ErrJunk; anything else an error wrapping ErrInvalid.
//
// On error the returned CitizenID is the zero value. The error never holds the value. When the
// input needs no change, Value shares its memory and the call does not allocate.
func ParseCitizenID(s string) (CitizenID, error) {
	s, empty := trimExport(s)
	if empty {
		return CitizenID{}, nil
	}
	var buf [maxClean]byte
	n, fits := compact(&buf, s, isIDSep)
	v := buf[:n]
	if !fits || !allDigits(v) {
		return parseOpaqueID(s, v, fits)
	}
	if junkDigits(v) {
		return CitizenID{}, errIDJunk
	}
	switch n {
	case 12:
		return decodeCCCD(sameOrCopy(s, v), false), nil
	case 11, 10:
		if pad := 12 - n; repairable(v, pad) {
			var p [12]byte
			p[0], p[1] = '0', '0'
			copy(p[pad:], v)
			return decodeCCCD(string(p[:]), true), nil
		}
	case 9:
		return CitizenID{Value: sameOrCopy(s, v), Kind: KindCMND, Valid: true}, nil
	}
	switch {
	case n < minOpaque:
		return CitizenID{}, errIDTooShort
	case n > maxOpaque:
		return CitizenID{}, errIDTooLong
	}
	return CitizenID{Value: sameOrCopy(s, v), Kind: KindOpaque}, nil
}

// parseOpaqueID handles a value that is not all digits (or did not fit the buffer).
func parseOpaqueID(s string, v []byte, fits bool) (CitizenID, error) {
	if placeholder(s) {
		return CitizenID{}, errIDJunk
	}
	if !fits || len(v) > maxOpaque {
		return CitizenID{}, errIDTooLong
	}
	upper := true
	for _, c := range v {
		if !isLetter(c) && !isDigit(c) {
			return CitizenID{}, errIDCharacter
		}
		upper = upper && !isLower(c)
	}
	if len(v) < minOpaque {
		return CitizenID{}, errIDTooShort
	}
	if upper {
		return CitizenID{Value: sameOrCopy(s, v), Kind: KindOpaque}, nil
	}
	for i, c := range v {
		if isLower(c) {
			v[i] = c - 'a' + 'A'
		}
	}
	return CitizenID{Value: string(v), Kind: KindOpaque}, nil
}

// repairable reports whether the digits v, left-padded with pad zeros, start with 0 plus a known
// province code followed by a century/sex digit 0 to 5.
func repairable(v []byte, pad int) bool {
	var code int
	switch pad {
	case 1:
		code = provinceCode(v[0], v[1])
	case 2:
		code = provinceCode('0', v[0])
	default:
		return false
	}
	return oldProvince(code) && v[3-pad] <= '5'
}

// decodeCCCD fills a KindCCCD from the 12 digits v.
func decodeCCCD(v string, repaired bool) CitizenID {
	id := CitizenID{Value: v, Kind: KindCCCD, Repaired: repaired}
	g := int(v[3] - '0')
	year := 1900 + 100*(g/2) + int(v[4]-'0')*10 + int(v[5]-'0')
	if v[0] != '0' || !oldProvince(provinceCode(v[1], v[2])) || g > 5 || year > 2100 {
		return id
	}
	id.Valid = true
	id.Province = v[1:3]
	id.BirthYear = year
	id.Female = g%2 == 1
	id.SexKnown = true
	return id
}

// sameOrCopy returns s itself when it already equals v, and a copy of v otherwise.
func sameOrCopy(s string, v []byte) string {
	if len(s) == len(v) && s == string(v) {
		return s
	}
	return string(v)
}
