package vnid

import "github.com/nyaruka/phonenumbers"

// maxForeign is the longest international number, country code included (ITU E.164: 15 digits).
const maxForeign = 15

// parseForeign checks the digits v, an international number whose country code is not 84, with
// the phonenumbers library and returns it in E.164 form. The library is slow (regular
// expressions) and knows only current numbering plans; it is used only on this rare path.
func parseForeign(v []byte) (Phone, error) {
	if len(v) < 4 || len(v) > maxForeign {
		return Phone{}, errPhoneLength
	}
	num, err := phonenumbers.Parse("+"+string(v), "ZZ")
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return Phone{}, errPhoneForeign
	}
	return Phone{Number: phonenumbers.Format(num, phonenumbers.E164), Kind: PhoneForeign}, nil
}
