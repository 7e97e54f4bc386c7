package vnid

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// seeds are inputs of every shape the parsers meet; each fuzz test starts from all of them.
var seeds = []string{
	"", " ", "0", "-", "N/A", "không rõ", "kho\u0302ng ro\u0303", "KHONG RO", "?", "'", ".0",
	"001099012345", "1099012345", "01099012345", "79203012345", "001 099 012 345", "1099012345.0",
	"'001099012345", "001699012345", "187612345670", "025123456", "5494724", "B1234567", "c 1234-567",
	"000000000000", "0123456789", "123456789012", "CCCD: 001099012345", "Nguyễn Văn An",
	"DN4797912345678", "dn 4 79 7912345678", "7912345678", "DN4790123456789", "DN6797912345678",
	"0912345678", "+84 912 345 678", "84912345678", "0084912345678", "912345678", "+84 (0) 912 345 678",
	"01681234567", "1991234567", "024 3825 1234", "2838251234", "+33 6 12 34 56 78", "0033612345678",
	"+1 (650) 253-0000", "+999 1234 5678", "0999999999", "0912345678 / 0987654322", "++84",
}

// checkErr reports whether err is one of the package's sentinels and the result is zero.
func checkErr(t *testing.T, in string, err error, zero bool) {
	t.Helper()
	if !errors.Is(err, ErrJunk) && !errors.Is(err, ErrInvalid) {
		t.Fatalf("%q: error %v wraps neither ErrJunk nor ErrInvalid", in, err)
	}
	if !zero {
		t.Fatalf("%q: error %v with a non-zero result", in, err)
	}
}

func isDigits(s string, n int) bool { return len(s) == n && allDigits([]byte(s)) }

func FuzzParseCitizenID(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseCitizenID(in)
		if err != nil {
			checkErr(t, in, err, got == CitizenID{})
			return
		}
		switch got.Kind {
		case KindNone:
			if got != (CitizenID{}) || !blank(in) {
				t.Fatalf("%q: KindNone for a non-blank value or with fields set: %+v", in, got)
			}
			return
		case KindCCCD:
			if !isDigits(got.Value, 12) {
				t.Fatalf("%q: CCCD value %q is not 12 digits", in, got.Value)
			}
		case KindCMND:
			if !isDigits(got.Value, 9) || !got.Valid {
				t.Fatalf("%q: CMND %+v is not 9 valid digits", in, got)
			}
		case KindOpaque:
			if len(got.Value) < minOpaque || len(got.Value) > maxOpaque || got.Valid {
				t.Fatalf("%q: opaque %+v has the wrong length or is valid", in, got)
			}
			for _, c := range []byte(got.Value) {
				if !isUpper(c) && !isDigit(c) {
					t.Fatalf("%q: opaque value %q is not upper-case letters and digits", in, got.Value)
				}
			}
		}
		decoded := got.Province != "" || got.BirthYear != 0 || got.SexKnown || got.Female
		if got.Valid && got.Kind == KindCCCD {
			if !isDigits(got.Province, 2) || got.BirthYear < 1900 || got.BirthYear > 2100 || !got.SexKnown {
				t.Fatalf("%q: valid CCCD badly decoded: %+v", in, got)
			}
		} else if decoded {
			t.Fatalf("%q: decoded fields set on %+v", in, got)
		}
		again, err := ParseCitizenID(got.Value)
		if err != nil {
			t.Fatalf("%q: parsing the output %q again: %v", in, got.Value, err)
		}
		got.Repaired = false
		if diff := cmp.Diff(got, again); diff != "" {
			t.Fatalf("%q: not idempotent, mismatch (-want +got):\n%s", in, diff)
		}
	})
}

func FuzzParseInsurance(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		bhxh, group, err := ParseInsurance(in)
		if err != nil {
			checkErr(t, in, err, bhxh == "" && group == "")
			return
		}
		if bhxh == "" {
			if group != "" || !blank(in) {
				t.Fatalf("%q: no number but group %q or a non-blank value", in, group)
			}
			return
		}
		if !isDigits(bhxh, bhxhLen) {
			t.Fatalf("%q: number %q is not 10 digits", in, bhxh)
		}
		if group != "" && (len(group) != 2 || !isUpper(group[0]) || !isUpper(group[1])) {
			t.Fatalf("%q: group %q is not two upper-case letters", in, group)
		}
		type result struct{ BHXH, Group string }
		b, g, err := ParseInsurance(bhxh)
		if diff := cmp.Diff(result{bhxh, ""}, result{b, g}); diff != "" || err != nil {
			t.Fatalf("%q: parsing the number again: %v, mismatch (-want +got):\n%s", in, err, diff)
		}
		if group == "" {
			return
		}
		b, g, err = ParseInsurance(group + "179" + bhxh)
		if diff := cmp.Diff(result{bhxh, group}, result{b, g}); diff != "" || err != nil {
			t.Fatalf("%q: parsing a card code again: %v, mismatch (-want +got):\n%s", in, err, diff)
		}
	})
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParsePhone(in)
		if err != nil {
			checkErr(t, in, err, got == Phone{})
			return
		}
		n := got.Number
		switch got.Kind {
		case PhoneNone:
			if got != (Phone{}) || !blank(in) {
				t.Fatalf("%q: PhoneNone for a non-blank value or with fields set: %+v", in, got)
			}
			return
		case PhoneMobile:
			if !isDigits(n, 10) || n[0] != '0' || !containsByte("35789", n[1]) {
				t.Fatalf("%q: mobile %q is not 0[35789] and 8 digits", in, n)
			}
		case PhoneLandline:
			if !isDigits(n, 11) || n[:2] != "02" || got.Converted {
				t.Fatalf("%q: landline %+v is not 02 and 9 digits", in, got)
			}
		case PhoneForeign:
			if len(n) < 2 || n[0] != '+' || !allDigits([]byte(n[1:])) || strings.HasPrefix(n, "+84") || got.Converted {
				t.Fatalf("%q: foreign %+v is not E.164 outside +84", in, got)
			}
		}
		again, err := ParsePhone(n)
		if err != nil {
			t.Fatalf("%q: parsing the output %q again: %v", in, n, err)
		}
		got.Converted = false
		if diff := cmp.Diff(got, again); diff != "" {
			t.Fatalf("%q: not idempotent, mismatch (-want +got):\n%s", in, diff)
		}
	})
}

// blank reports whether s holds nothing but white space.
func blank(s string) bool { return strings.TrimSpace(s) == "" }

func containsByte(s string, c byte) bool {
	for i := range len(s) {
		if s[i] == c {
			return true
		}
	}
	return false
}
