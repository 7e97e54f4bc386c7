package vnid

import "strconv"

// PhoneKind is what kind of telephone number a Phone holds.
type PhoneKind uint8

// The kinds of telephone number.
const (
	// PhoneNone is the kind of an empty value.
	PhoneNone PhoneKind = iota
	// PhoneMobile is a Vietnamese mobile number: 0 and 9 digits, prefix 03, 05, 07, 08 or 09.
	PhoneMobile
	// PhoneLandline is a Vietnamese fixed-line number: 02x area code and subscriber, 11 digits.
	PhoneLandline
	// PhoneForeign is a number with a country code other than 84, in E.164 form (+<cc><number>).
	PhoneForeign
)

// String returns "none", "mobile", "landline" or "foreign".
func (k PhoneKind) String() string {
	switch k {
	case PhoneNone:
		return "none"
	case PhoneMobile:
		return "mobile"
	case PhoneLandline:
		return "landline"
	case PhoneForeign:
		return "foreign"
	}
	return "PhoneKind(" + strconv.Itoa(int(k)) + ")"
}

// Phone is a parsed telephone number.
type Phone struct {
	// Number is the comparison form: national format for Vietnamese numbers ("0912345678",
	// "02438251234"), E.164 for foreign ones ("+33612345678"), "" for PhoneNone.
	Number string
	// Kind is what kind of number Number is.
	Kind PhoneKind
	// Converted is true when an 11-digit mobile number (01xx prefix) was rewritten to its
	// 10-digit form by the 2018 conversion table.
	Converted bool
}

// isPhoneSep reports the bytes ParsePhone ignores: white space, dots, dashes and parentheses.
func isPhoneSep(c byte) bool {
	return c == ' ' || c == '\t' || c == '.' || c == '-' || c == '(' || c == ')'
}

// ParsePhone parses a telephone number as found in Vietnamese records. It accepts the +84, 84
// and 0084 prefixes, a lost leading 0 (numbers stored as integers), white space, dots, dashes
// and parentheses, and "+84 0…" (the 0 kept after the country code). Vietnamese numbers come
// out in national format: "0" and 9 digits for mobiles, "02x" and 8 digits for landlines.
// 11-digit mobiles of the 01xx prefixes are rewritten by the 2018 conversion table (0168… ->
// 038…) and reported as Converted. A number with another country code (+ or 00 prefix) is
// checked against that country's numbering plan and given in E.164 form.
//
// An empty s gives the zero Phone and a nil error. Placeholders (0000000000, 0123456789,
// 1234567890, one digit repeated, "không có") give an error wrapping ErrJunk; anything else that
// is not a valid number one wrapping ErrInvalid. Errors never hold the value. On error the
// returned Phone is the zero value. A Vietnamese number costs at most one allocation, none when
// s is already in national format.
func ParsePhone(s string) (Phone, error) {
	s, empty := trimExport(s)
	if empty {
		return Phone{}, nil
	}
	var buf [maxClean]byte
	n, fits := compact(&buf, s, isPhoneSep)
	v := buf[:n]
	plus := n > 0 && v[0] == '+'
	if plus {
		v = v[1:]
	}
	if !fits || !allDigits(v) {
		if placeholder(s) {
			return Phone{}, errPhoneJunk
		}
		return Phone{}, errPhoneCharacter
	}
	if junkDigits(v) {
		return Phone{}, errPhoneJunk
	}
	intl := plus
	if !plus && len(v) > 2 && v[0] == '0' && v[1] == '0' {
		v, intl = v[2:], true // 00: the international call prefix
	}
	switch {
	case intl && len(v) > 2 && v[0] == '8' && v[1] == '4':
		v = v[2:]
	case intl:
		return parseForeign(v)
	case len(v) >= 11 && v[0] == '8' && v[1] == '4':
		// 84 without +: 84 and 9 or 10 digits. Shorter values starting with 84 are
		// national numbers of prefix 084 that lost their 0.
		v = v[2:]
	}
	// v is now a national number, with or without its leading 0 (lost in an integer
	// column, or dropped after the country code, or kept there by mistake: +84 0912…).
	var nat [11]byte
	switch {
	case len(v) > 0 && v[0] == '0' && len(v) <= len(nat):
		n = copy(nat[:], v)
	case len(v) > 0 && v[0] != '0' && len(v) < len(nat):
		nat[0] = '0'
		n = 1 + copy(nat[1:], v)
	default:
		return Phone{}, errPhoneLength
	}
	if junkDigits(nat[:n]) || junkDigits(nat[1:n]) {
		return Phone{}, errPhoneJunk // 0999999999, +84 123456789
	}
	p, err := classify(nat[:n])
	if err != nil {
		return Phone{}, err
	}
	if p.Converted {
		n = 10
	}
	p.Number = sameOrCopy(s, nat[:n])
	return p, nil
}

// classify checks the national number v (leading 0 included) and gives its kind. An 11-digit
// mobile is rewritten in place to its 10-digit form.
func classify(v []byte) (Phone, error) {
	if len(v) < 2 {
		return Phone{}, errPhoneLength
	}
	switch v[1] {
	case '3', '5', '7', '8', '9':
		if len(v) != 10 {
			return Phone{}, errPhoneLength
		}
		return Phone{Kind: PhoneMobile}, nil
	case '2':
		if len(v) != 11 {
			return Phone{}, errPhoneLength
		}
		return Phone{Kind: PhoneLandline}, nil
	case '1':
		if len(v) != 11 {
			return Phone{}, errPhoneLength
		}
		a, b, ok := convert2018(v[2], v[3])
		if !ok {
			return Phone{}, errPhoneOld
		}
		v[1], v[2] = a, b
		copy(v[3:], v[4:])
		return Phone{Kind: PhoneMobile, Converted: true}, nil
	}
	return Phone{}, errPhonePrefix
}

// convert2018 applies the 2018 conversion of 11-digit mobile prefixes to 10 digits: given the
// digits x and y of an old prefix 01xy it returns the digits a and b of the new prefix 0ab.
//
//	0162-0169 -> 032-039   (Viettel)
//	0120 -> 070, 0121 -> 079, 0122 -> 077, 0126 -> 076, 0128 -> 078   (MobiFone)
//	0123 -> 083, 0124 -> 084, 0125 -> 085, 0127 -> 081, 0129 -> 082   (VinaPhone)
//	0186 -> 056, 0188 -> 058   (Vietnamobile)
//	0199 -> 059   (Gmobile)
func convert2018(x, y byte) (a, b byte, ok bool) {
	switch x {
	case '6':
		if y >= '2' && y <= '9' {
			return '3', y, true
		}
	case '2':
		if y < '0' || y > '9' {
			return 0, 0, false
		}
		// The new prefixes of 0120 … 0129, two digits each, indexed by y.
		const to = "70797783848576817882"
		i := 2 * int(y-'0')
		return to[i], to[i+1], true
	case '8':
		switch y {
		case '6':
			return '5', '6', true
		case '8':
			return '5', '8', true
		}
	case '9':
		if y == '9' {
			return '5', '9', true
		}
	}
	return 0, 0, false
}
