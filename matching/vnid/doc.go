// Package vnid parses Vietnamese identifiers as they are found in real records — citizen ID
// numbers (CCCD, CMND), health insurance numbers (BHYT card codes, BHXH numbers) and telephone
// numbers — into the forms the matcher compares and blocking uses as keys.
//
// # Approach
//
// Each parser first removes the separators people and exports add (spaces, dots, dashes;
// parentheses for phones), a leading apostrophe (Excel's text mark) and a trailing ".0" (an
// integer column that became a float), into a fixed buffer on the stack. It then decides by
// length and leading digits, with a few byte comparisons and no regular expressions, so a
// Vietnamese value costs well under a microsecond and at most one allocation — none when the
// input is already in comparison form, because the result then shares the input's memory.
//
// Structure rules are evidence, not gates: a 12-digit number whose province prefix is unknown
// is still a CCCD, only not Valid. Repairs are made only where the evidence is strong: a 10- or
// 11-digit citizen ID is left-padded to 12 only when the padded value starts with 0, a known
// province code and a century/sex digit 0..5; an 11-digit mobile is shortened only by the
// official 2018 table.
//
// Placeholders — all zeros, one digit repeated, runs such as 0123456789, and words such as
// "KHONG RO", "không rõ", "N/A" or "-" — give errors wrapping ErrJunk; any other value that is
// not a known form gives one wrapping ErrInvalid. The caller keeps the raw value and flags the
// field. Errors name the field and the problem, never the value, and no input panics.
//
// Only a phone number with a country code other than 84 goes through
// github.com/nyaruka/phonenumbers, to be checked and put in E.164 form. That library decodes its
// metadata when the program starts (tens of milliseconds and a few megabytes of heap), whether
// or not a foreign number is ever parsed.
//
// # Worked example
//
// A CCCD stored in an integer column as 1099012345 has lost its two leading zeros. Padded to
// 12 digits it reads 001 0 99 012345: prefix 001 is 0 plus code 01 (Hà Nội), the century/sex
// digit 0 means a man born in the 1900s, and 99 the year. So
//
//	ParseCitizenID("1099012345") = CitizenID{Value: "001099012345", Kind: KindCCCD,
//		Repaired: true, Valid: true, Province: "01", BirthYear: 1999, SexKnown: true}
//
// and it compares equal with "001 099 012 345" from another source. Likewise the BHYT card code
// "dn 4 79 7912345678" yields the BHXH number "7912345678" and group "DN", and the pre-2018
// mobile "+84 168 123 4567" becomes "0381234567" with Converted set.
package vnid
