package vnid

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type phoneCase struct {
	name string
	in   string
	want Phone
	err  error
}

func mobile(n string) Phone    { return Phone{Number: n, Kind: PhoneMobile} }
func converted(n string) Phone { return Phone{Number: n, Kind: PhoneMobile, Converted: true} }
func landline(n string) Phone  { return Phone{Number: n, Kind: PhoneLandline} }
func foreign(n string) Phone   { return Phone{Number: n, Kind: PhoneForeign} }

func TestParsePhone(t *testing.T) {
	t.Parallel()
	tests := []phoneCase{
		{name: "empty", in: ""},
		{name: "blank", in: "   "},

		{name: "national", in: "0912345678", want: mobile("0912345678")},
		{name: "spaced", in: "091 234 5678", want: mobile("0912345678")},
		{name: "dotted", in: "091.234.5678", want: mobile("0912345678")},
		{name: "dashed", in: "091-234-5678", want: mobile("0912345678")},
		{name: "parentheses", in: "(091) 234 5678", want: mobile("0912345678")},
		{name: "+84", in: "+84912345678", want: mobile("0912345678")},
		{name: "+84 spaced", in: "+84 912 345 678", want: mobile("0912345678")},
		{name: "84", in: "84912345678", want: mobile("0912345678")},
		{name: "0084", in: "0084912345678", want: mobile("0912345678")},
		{name: "+84 keeping the 0", in: "+84 0912345678", want: mobile("0912345678")},
		{name: "+84 (0)", in: "+84 (0) 912 345 678", want: mobile("0912345678")},
		{name: "84 keeping the 0", in: "840912345678", want: mobile("0912345678")},
		{name: "missing 0", in: "912345678", want: mobile("0912345678")},
		{name: "missing 0 float export", in: "912345678.0", want: mobile("0912345678")},
		{name: "Excel text mark", in: "'0912345678", want: mobile("0912345678")},
		{name: "prefix 03", in: "0321234567", want: mobile("0321234567")},
		{name: "prefix 05", in: "0561234567", want: mobile("0561234567")},
		{name: "prefix 07", in: "0701234567", want: mobile("0701234567")},
		{name: "prefix 08", in: "0861234567", want: mobile("0861234567")},
		{name: "prefix 084 missing 0", in: "841234567", want: mobile("0841234567")},
		{name: "+84 prefix 084", in: "+84841234567", want: mobile("0841234567")},

		{name: "Ha Noi landline", in: "02438251234", want: landline("02438251234")},
		{name: "Ha Noi landline spaced", in: "024 3825 1234", want: landline("02438251234")},
		{name: "HCM landline parentheses", in: "(028) 3829 1234", want: landline("02838291234")},
		{name: "HCM landline +84", in: "+84 28 3829 1234", want: landline("02838291234")},
		{name: "HCM landline 84", in: "842838291234", want: landline("02838291234")},
		{name: "landline missing 0", in: "2438251234", want: landline("02438251234")},
		{name: "Da Nang landline", in: "0236 3821 234", want: landline("02363821234")},

		{name: "France", in: "+33 6 12 34 56 78", want: foreign("+33612345678")},
		{name: "France 00", in: "0033 6 12 34 56 78", want: foreign("+33612345678")},
		{name: "United States", in: "+1 (650) 253-0000", want: foreign("+16502530000")},
		{name: "Singapore", in: "+65 6123 4567", want: foreign("+6561234567")},
		{name: "foreign too short", in: "+33 6", err: ErrInvalid},
		{name: "foreign invalid", in: "+33 6 12", err: ErrInvalid},
		{name: "foreign unknown code", in: "+999 1234 5678", err: ErrInvalid},
		{name: "foreign too long", in: "+33 6 12 34 56 78 90 12 34", err: ErrInvalid},

		{name: "zeros", in: "0000000000", err: ErrJunk},
		{name: "run 0123456789", in: "0123456789", err: ErrJunk},
		{name: "run 1234567890", in: "1234567890", err: ErrJunk},
		{name: "run falling", in: "0987654321", err: ErrJunk},
		{name: "run falling 9876543210", in: "9876543210", err: ErrJunk},
		{name: "nines", in: "0999999999", err: ErrJunk},
		{name: "nines missing 0", in: "999999999", err: ErrJunk},
		{name: "+84 zeros", in: "+84 000 000 000", err: ErrJunk},
		{name: "+84 run", in: "+84 123456789", err: ErrJunk},
		{name: "zero", in: "0", err: ErrJunk},
		{name: "dash", in: "-", err: ErrJunk},
		{name: "plus", in: "+", err: ErrJunk},
		{name: "không có", in: "không có", err: ErrJunk},
		{name: "N/A", in: "N/A", err: ErrJunk},

		{name: "old landline area code", in: "0438251234", err: ErrInvalid},
		{name: "9 digits with 0", in: "091234567", err: ErrInvalid},
		{name: "11 digits mobile", in: "09123456789", err: ErrInvalid},
		{name: "short", in: "0912", err: ErrInvalid},
		{name: "old prefix never converted", in: "01301234567", err: ErrInvalid},
		{name: "old prefix 0161", in: "01611234567", err: ErrInvalid},
		{name: "landline too short", in: "0243825123", err: ErrInvalid},
		{name: "prefix 06", in: "0612345678", err: ErrInvalid},
		{name: "letters", in: "abc", err: ErrInvalid},
		{name: "two numbers", in: "0912345678 / 0987654322", err: ErrInvalid},
		{name: "extension", in: "02438251234 ext 12", err: ErrInvalid},
		{name: "plus twice", in: "++84912345678", err: ErrInvalid},
		{name: "84 alone", in: "+84", err: ErrInvalid},
		{name: "84 too long", in: "8409123456789", err: ErrInvalid},
		{name: "very long", in: strings.Repeat("0912345678", 4), err: ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkPhone(t, tc)
		})
	}
}

// TestParsePhone2018 runs every prefix of the 2018 conversion in national, integer (0 lost)
// and international form.
func TestParsePhone2018(t *testing.T) {
	t.Parallel()
	table := map[string]string{
		"0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036", "0167": "037",
		"0168": "038", "0169": "039",
		"0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
		"0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
		"0186": "056", "0188": "058", "0199": "059",
	}
	for old, neu := range table {
		want := converted(neu + "1234567")
		for _, in := range []string{old + "1234567", old[1:] + "1234567", "+84 " + old[1:] + " 123 4567", "84" + old[1:] + "1234567"} {
			t.Run(in, func(t *testing.T) {
				t.Parallel()
				checkPhone(t, phoneCase{in: in, want: want})
			})
		}
	}
}

func checkPhone(t *testing.T, tc phoneCase) {
	t.Helper()
	got, err := ParsePhone(tc.in)
	if !errors.Is(err, tc.err) || (err == nil) != (tc.err == nil) {
		t.Fatalf("ParsePhone(%q) error = %v, want %v", tc.in, err, tc.err)
	}
	if diff := cmp.Diff(tc.want, got); diff != "" {
		t.Errorf("ParsePhone(%q) mismatch (-want +got):\n%s", tc.in, diff)
	}
	if err != nil && len(tc.in) >= minOpaque && strings.Contains(err.Error(), tc.in) {
		t.Errorf("ParsePhone(%q) error %q holds the value", tc.in, err)
	}
}

func TestPhoneKindString(t *testing.T) {
	t.Parallel()
	got := []string{PhoneNone.String(), PhoneMobile.String(), PhoneLandline.String(), PhoneForeign.String(), PhoneKind(7).String()}
	want := []string{"none", "mobile", "landline", "foreign", "PhoneKind(7)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PhoneKind.String mismatch (-want +got):\n%s", diff)
	}
}
