package vnid

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseInsurance(t *testing.T) {
	t.Parallel()
	type result struct{ BHXH, Group string }
	tests := []struct {
		name string
		in   string
		want result
		err  error
	}{
		{name: "empty", in: ""},
		{name: "blank", in: "  "},

		{name: "card code", in: "DN4797912345678", want: result{"7912345678", "DN"}},
		{name: "card code lower case", in: "dn4797912345678", want: result{"7912345678", "DN"}},
		{name: "card code mixed case spaced", in: "Dn 4 79 7912345678", want: result{"7912345678", "DN"}},
		{name: "card code dashed", in: "DN-4-79-7912345678", want: result{"7912345678", "DN"}},
		{name: "card code padded", in: "  HT3010112345678 ", want: result{"0112345678", "HT"}},
		{name: "child under six", in: "TE1797912345678", want: result{"7912345678", "TE"}},
		{name: "level 5", in: "CC5480148123456", want: result{"0148123456", "CC"}},
		{name: "bare number", in: "7912345678", want: result{"7912345678", ""}},
		{name: "bare number spaced", in: "79 1234 5678", want: result{"7912345678", ""}},
		{name: "bare number float export", in: "7912345678.0", want: result{"7912345678", ""}},

		{name: "card code placeholder number", in: "DN4790123456789", err: ErrJunk},
		{name: "card code zeros", in: "DN4790000000000", err: ErrJunk},
		{name: "zeros", in: "0000000000", err: ErrJunk},
		{name: "ones", in: "1111111111", err: ErrJunk},
		{name: "run", in: "1234567890", err: ErrJunk},
		{name: "không có", in: "không có", err: ErrJunk},
		{name: "dash", in: "-", err: ErrJunk},
		{name: "zero", in: "0", err: ErrJunk},

		{name: "level 6", in: "DN6797912345678", err: ErrInvalid},
		{name: "level 0", in: "DN0797912345678", err: ErrInvalid},
		{name: "one letter", in: "D14797912345678", err: ErrInvalid},
		{name: "14 characters", in: "DN479791234567", err: ErrInvalid},
		{name: "16 characters", in: "DN47979123456789", err: ErrInvalid},
		{name: "9 digits", in: "791234567", err: ErrInvalid},
		{name: "11 digits", in: "79123456789", err: ErrInvalid},
		{name: "letter in number", in: "DN479791234567X", err: ErrInvalid},
		{name: "accented group", in: "ĐN4797912345678", err: ErrInvalid},
		{name: "very long", in: strings.Repeat("DN4797912345678", 3), err: ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			bhxh, group, err := ParseInsurance(tc.in)
			if !errors.Is(err, tc.err) || (err == nil) != (tc.err == nil) {
				t.Fatalf("ParseInsurance(%q) error = %v, want %v", tc.in, err, tc.err)
			}
			if diff := cmp.Diff(tc.want, result{bhxh, group}); diff != "" {
				t.Errorf("ParseInsurance(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
			if err != nil && len(tc.in) >= minOpaque && strings.Contains(err.Error(), tc.in) {
				t.Errorf("ParseInsurance(%q) error %q holds the value", tc.in, err)
			}
		})
	}
}
