package vnid

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cccd builds the expected result for a valid CCCD.
func cccd(value, province string, year int, female, repaired bool) CitizenID {
	return CitizenID{Value: value, Kind: KindCCCD, Repaired: repaired, Valid: true,
		Province: province, BirthYear: year, Female: female, SexKnown: true}
}

func TestParseCitizenID(t *testing.T) {
	t.Parallel()
	hn1999 := cccd("001099012345", "01", 1999, false, false)
	hn1999r := cccd("001099012345", "01", 1999, false, true)
	hcm2003 := cccd("079203012345", "79", 2003, false, false)
	hcm2003r := cccd("079203012345", "79", 2003, false, true)
	tests := []struct {
		name string
		in   string
		want CitizenID
		err  error
	}{
		{name: "empty", in: ""},
		{name: "blank", in: " \t "},

		// CCCD and its decoding.
		{name: "CCCD Ha Noi male 1999", in: "001099012345", want: hn1999},
		{name: "CCCD spaced", in: " 001 099 012 345 ", want: hn1999},
		{name: "CCCD dotted", in: "001.099.012.345", want: hn1999},
		{name: "CCCD dashed", in: "001-099-012-345", want: hn1999},
		{name: "CCCD Excel text mark", in: "'001099012345", want: hn1999},
		{name: "CCCD HCM male 2003", in: "079203012345", want: hcm2003},
		{name: "CCCD female 1985", in: "001185012345", want: cccd("001185012345", "01", 1985, true, false)},
		{name: "CCCD female 2010", in: "079310012345", want: cccd("079310012345", "79", 2010, true, false)},
		{name: "CCCD male 2000", in: "096200123456", want: cccd("096200123456", "96", 2000, false, false)},
		{name: "CCCD male 1900", in: "038000123456", want: cccd("038000123456", "38", 1900, false, false)},
		{name: "CCCD century 2100 male", in: "001400012345", want: cccd("001400012345", "01", 2100, false, false)},
		{name: "CCCD century 2100 female", in: "001500012345", want: cccd("001500012345", "01", 2100, true, false)},
		{name: "CCCD year after 2100", in: "001401012345", want: CitizenID{Value: "001401012345", Kind: KindCCCD}},
		{name: "CCCD century digit 6", in: "001699012345", want: CitizenID{Value: "001699012345", Kind: KindCCCD}},
		{name: "CCCD unknown province 03", in: "003099012345", want: CitizenID{Value: "003099012345", Kind: KindCCCD}},
		{name: "CCCD unknown province 97", in: "097099012345", want: CitizenID{Value: "097099012345", Kind: KindCCCD}},
		{name: "legacy 12-digit CMND", in: "187612345670", want: CitizenID{Value: "187612345670", Kind: KindCCCD}},

		// Leading zeros lost in an integer column.
		{name: "10 digits repaired", in: "1099012345", want: hn1999r},
		{name: "10 digits float export", in: "1099012345.0", want: hn1999r},
		{name: "11 digits with one zero repaired", in: "01099012345", want: hn1999r},
		{name: "11 digits HCM repaired", in: "79203012345", want: hcm2003r},
		{name: "11 digits Ca Mau female repaired", in: "96305012345", want: cccd("096305012345", "96", 2005, true, true)},
		{name: "10 digits unknown province", in: "3099012345", want: CitizenID{Value: "3099012345", Kind: KindOpaque}},
		{name: "11 digits unknown province", in: "99203012345", want: CitizenID{Value: "99203012345", Kind: KindOpaque}},
		{name: "11 digits century digit 8", in: "79803012345", want: CitizenID{Value: "79803012345", Kind: KindOpaque}},

		// CMND and opaque identifiers.
		{name: "CMND", in: "025123456", want: CitizenID{Value: "025123456", Kind: KindCMND, Valid: true}},
		{name: "CMND spaced", in: "025 123 456", want: CitizenID{Value: "025123456", Kind: KindCMND, Valid: true}},
		{name: "FEBRL 7 digits", in: "5494724", want: CitizenID{Value: "5494724", Kind: KindOpaque}},
		{name: "8 digits not padded", in: "20561978", want: CitizenID{Value: "20561978", Kind: KindOpaque}},
		{name: "passport", in: "B1234567", want: CitizenID{Value: "B1234567", Kind: KindOpaque}},
		{name: "passport lower case spaced", in: "c 1234-567", want: CitizenID{Value: "C1234567", Kind: KindOpaque}},
		{name: "20 characters", in: "AB345678901234567890", want: CitizenID{Value: "AB345678901234567890", Kind: KindOpaque}},

		// Placeholders.
		{name: "zero", in: "0", err: ErrJunk},
		{name: "zeros 12", in: "000000000000", err: ErrJunk},
		{name: "zeros 9", in: "000 000 000", err: ErrJunk},
		{name: "ones", in: "111111111", err: ErrJunk},
		{name: "run 0123456789", in: "0123456789", err: ErrJunk},
		{name: "run 123456789", in: "123456789", err: ErrJunk},
		{name: "run wrapping", in: "123456789012", err: ErrJunk},
		{name: "run falling", in: "987654321", err: ErrJunk},
		{name: "KHONG RO", in: "KHONG RO", err: ErrJunk},
		{name: "không rõ", in: "không rõ", err: ErrJunk},
		{name: "không rõ decomposed", in: "kho\u0302ng ro\u0303", err: ErrJunk},
		{name: "Không có", in: "Không có", err: ErrJunk},
		{name: "chưa có", in: "chưa có", err: ErrJunk},
		{name: "N/A", in: "N/A", err: ErrJunk},
		{name: "n/a", in: "n/a", err: ErrJunk},
		{name: "NULL", in: "NULL", err: ErrJunk},
		{name: "dash", in: "-", err: ErrJunk},
		{name: "dashes", in: "---", err: ErrJunk},
		{name: "question mark", in: "?", err: ErrJunk},
		{name: "xxx", in: "xxx", err: ErrJunk},

		// Not a known form.
		{name: "too short", in: "12", err: ErrInvalid},
		{name: "too short letters", in: "AB", err: ErrInvalid},
		{name: "too long digits", in: "001099012345001099012", err: ErrInvalid},
		{name: "too long letters", in: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", err: ErrInvalid},
		{name: "two numbers", in: "001099012345/025123456", err: ErrInvalid},
		{name: "labelled", in: "CCCD: 001099012345", err: ErrInvalid},
		{name: "a name", in: "Nguyễn Văn An", err: ErrInvalid},
		{name: "scientific notation", in: "1.099012345E+09", err: ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseCitizenID(tc.in)
			if !errors.Is(err, tc.err) || (err == nil) != (tc.err == nil) {
				t.Fatalf("ParseCitizenID(%q) error = %v, want %v", tc.in, err, tc.err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseCitizenID(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
			if err != nil && len(tc.in) >= minOpaque && strings.Contains(err.Error(), tc.in) {
				t.Errorf("ParseCitizenID(%q) error %q holds the value", tc.in, err)
			}
		})
	}
}

func TestIDKindString(t *testing.T) {
	t.Parallel()
	got := []string{KindNone.String(), KindCCCD.String(), KindCMND.String(), KindOpaque.String(), IDKind(9).String()}
	want := []string{"none", "CCCD", "CMND", "opaque", "IDKind(9)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("IDKind.String mismatch (-want +got):\n%s", diff)
	}
}

func TestOldProvince(t *testing.T) {
	t.Parallel()
	// The old 63 codes, as in VIETNAM.md's table ("old codes merged into it").
	want := []int{1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33,
		34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66,
		67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96}
	var got []int
	for code := -1; code <= 100; code++ {
		if oldProvince(code) {
			got = append(got, code)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("oldProvince mismatch (-want +got):\n%s", diff)
	}
}
