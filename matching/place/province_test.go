package place

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// mergerTable is the table of VIETNAM.md section 2: new code -> old codes merged into it.
var mergerTable = map[string][]string{
	"01": {"01"},
	"04": {"04"},
	"08": {"02", "08"},
	"11": {"11"},
	"12": {"12"},
	"14": {"14"},
	"15": {"10", "15"},
	"19": {"06", "19"},
	"20": {"20"},
	"22": {"22"},
	"24": {"24", "27"},
	"25": {"17", "25", "26"},
	"31": {"30", "31"},
	"33": {"33", "34"},
	"37": {"35", "36", "37"},
	"38": {"38"},
	"40": {"40"},
	"42": {"42"},
	"44": {"44", "45"},
	"46": {"46"},
	"48": {"48", "49"},
	"51": {"51", "62"},
	"52": {"52", "64"},
	"56": {"56", "58"},
	"66": {"54", "66"},
	"68": {"60", "67", "68"},
	"75": {"70", "75"},
	"79": {"74", "77", "79"},
	"80": {"72", "80"},
	"82": {"82", "87"},
	"86": {"83", "84", "86"},
	"91": {"89", "91"},
	"92": {"92", "93", "94"},
	"96": {"95", "96"},
}

func TestMergerTableMatchesEmbedded(t *testing.T) {
	t.Parallel()
	if len(mergerTable) != 34 {
		t.Fatalf("merger literal has %d rows, want 34", len(mergerTable))
	}
	got := map[string][]string{}
	for c := range 100 {
		code := fmt.Sprintf("%02d", c)
		if ProvinceName(code) != "" {
			got[code] = OldProvinces(code)
		}
	}
	if diff := cmp.Diff(mergerTable, got); diff != "" {
		t.Errorf("embedded merger table mismatch (-want +got):\n%s", diff)
	}
}

func TestProvinceCodes(t *testing.T) {
	t.Parallel()
	oldCount := 0
	for newCode, olds := range mergerTable {
		for _, in := range []string{newCode, "0" + newCode, " " + newCode + " "} {
			if got, err := Province(in); got != newCode || err != nil {
				t.Errorf("Province(%q) = %q, %v; want %q", in, got, err, newCode)
			}
		}
		for _, old := range olds {
			oldCount++
			for _, in := range []string{old, "0" + old} {
				if got, err := Province(in); got != newCode || err != nil {
					t.Errorf("Province(%q) = %q, %v; want %q", in, got, err, newCode)
				}
			}
			if !IsOldProvinceCode(old) {
				t.Errorf("IsOldProvinceCode(%q) = false", old)
			}
		}
	}
	if oldCount != 63 {
		t.Errorf("merger literal lists %d old codes, want 63", oldCount)
	}
	old := map[string]bool{}
	for _, olds := range mergerTable {
		for _, o := range olds {
			old[o] = true
		}
	}
	for c := range 100 {
		code := fmt.Sprintf("%02d", c)
		if got := IsOldProvinceCode(code); got != old[code] {
			t.Errorf("IsOldProvinceCode(%q) = %v, want %v", code, got, old[code])
		}
	}
	for _, code := range []string{"079", "1", "", "7a"} {
		if IsOldProvinceCode(code) {
			t.Errorf("IsOldProvinceCode(%q) = true, want false", code)
		}
	}
}

func TestProvince(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"1", "01"}, {"001", "01"}, {"079", "79"}, {"096", "96"}, {"4", "04"}, {"064", "52"}, {"077", "79"},
		{"Hà Nội", "01"}, {"Ha Noi", "01"}, {"HA NOI", "01"}, {"hanoi", "01"}, {"HN", "01"}, {"TP. Hà Nội", "01"},
		{"Thành phố Hà Nội", "01"}, {"Hà Tây", "01"},
		{"TP.HCM", "79"}, {"TP HCM", "79"}, {"TPHCM", "79"}, {"HCM", "79"}, {"tp.hcm", "79"}, {"T.P. HCM", "79"},
		{"Sài Gòn", "79"}, {"Sai Gon", "79"}, {"Thành phố Hồ Chí Minh", "79"}, {"Ho Chi Minh", "79"},
		{"TP. Hồ Chí Minh", "79"}, {"Bình Dương", "79"}, {"BRVT", "79"}, {"Bà Rịa - Vũng Tàu", "79"},
		{"Bà Rịa–Vũng Tàu", "79"}, {"Tỉnh Bà Rịa-Vũng Tàu", "79"}, {"ba ria vung tau", "79"},
		{"Huế", "46"}, {"Hue", "46"}, {"Thừa Thiên Huế", "46"}, {"Thua Thien - Hue", "46"}, {"TT Huế", "46"},
		{"Thành phố Huế", "46"},
		{"Đắk Lắk", "66"}, {"Đăk Lăk", "66"}, {"Dak Lak", "66"}, {"DakLak", "66"}, {"Đắc Lắc", "66"},
		{"Phú Yên", "66"}, {"Đắk Nông", "68"}, {"Dak Nong", "68"},
		{"Hòa Bình", "25"}, {"Hoà Bình", "25"}, {"Tỉnh Hoà Bình", "25"}, {"HOA BINH", "25"},
		{"Thanh Hóa", "38"}, {"Thanh Hoá", "38"}, {"T. Thanh Hoá", "38"},
		// The trap: the new 52 carries the old code of Bình Định and the name of Gia Lai.
		{"Bình Định", "52"}, {"Binh Dinh", "52"}, {"Tỉnh Bình Định", "52"}, {"Gia Lai", "52"}, {"tinh gia lai", "52"},
		{"Kon Tum", "51"}, {"Kontum", "51"}, {"Quảng Nam", "48"}, {"Đà Nẵng", "48"}, {"Da Nang", "48"},
		{"Long An", "80"}, {"Tây Ninh", "80"}, {"Tiền Giang", "82"}, {"Kiên Giang", "91"}, {"Bạc Liêu", "96"},
		{"Hậu Giang", "92"}, {"Sóc Trăng", "92"}, {"Cần Thơ", "92"}, {"Bắc Kạn", "19"}, {"Bắc Cạn", "19"},
		{"Hà Giang", "08"}, {"Yên Bái", "15"}, {"Vĩnh Phúc", "25"}, {"Hải Dương", "31"}, {"Thái Bình", "33"},
		{"Hà Nam", "37"}, {"Nam Định", "37"}, {"Quảng Bình", "44"}, {"Ninh Thuận", "56"}, {"Bình Thuận", "68"},
		{"Bình Phước", "75"}, {"Bến Tre", "86"}, {"Trà Vinh", "86"}, {"An Giang", "91"}, {"Bắc Giang", "24"},
		{"  tỉnh   quảng   ninh ", "22"}, {"TỈNH ĐIỆN BIÊN", "11"},
		// NFD input (decomposed marks) folds like NFC.
		{"Ha\u0300 No\u0323\u0302i", "01"},
		{"Ðắk Lắk", "66"}, // U+00D0 look-alike
	}
	for _, tt := range tests {
		got, err := Province(tt.in)
		if err != nil {
			t.Errorf("Province(%q) error: %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Province(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestProvinceOfficialNames(t *testing.T) {
	t.Parallel()
	tab, err := tables()
	if err != nil {
		t.Fatal(err)
	}
	check := func(name, want string) {
		t.Helper()
		for _, in := range []string{name, strings.ToUpper(name), string(fold(nil, name))} {
			if got, err := Province(in); got != want || err != nil {
				t.Errorf("Province(%q) = %q, %v; want %q", in, got, err, want)
			}
		}
	}
	for _, p := range tab.provinces {
		check(p.name, p.code)
	}
	for f := range rows(oldProvincesTSV) {
		check(f[2], f[1])
	}
}

func TestProvinceUnknown(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"", " ", "00", "03", "99", "100", "179", "0790", "1234", "-1", "7 9", "Atlantis", "Tỉnh", "Thành phố", "TP",
		"Quận 1", "Hà", "Việt Nam", "79x", strings.Repeat("Hà Nội ", 100),
	} {
		got, err := Province(in)
		if !errors.Is(err, ErrUnknown) || got != "" {
			t.Errorf("Province(%q) = %q, %v; want ErrUnknown", in, got, err)
		}
		if err != nil && strings.Contains(err.Error(), in) && strings.TrimSpace(in) != "" {
			t.Errorf("Province(%q) error %q echoes the value", in, err)
		}
	}
}

func TestProvinceNameAndOldProvinces(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code, name string
		old        []string
	}{
		{"79", "Thành phố Hồ Chí Minh", []string{"74", "77", "79"}},
		{"52", "Tỉnh Gia Lai", []string{"52", "64"}},
		{"01", "Thành phố Hà Nội", []string{"01"}},
		{"46", "Thành phố Huế", []string{"46"}},
		{"64", "", nil}, // old code, not one of the 34
		{"079", "", nil},
		{"", "", nil},
	}
	for _, tt := range tests {
		got := struct {
			Name string
			Old  []string
		}{ProvinceName(tt.code), OldProvinces(tt.code)}
		want := struct {
			Name string
			Old  []string
		}{tt.name, tt.old}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q mismatch (-want +got):\n%s", tt.code, diff)
		}
	}
	// The returned slice is the caller's.
	OldProvinces("79")[0] = "xx"
	if got := OldProvinces("79")[0]; got != "74" {
		t.Errorf("OldProvinces shares its slice: got %q after a caller's write", got)
	}
}
