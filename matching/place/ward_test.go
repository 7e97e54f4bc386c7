package place

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type wardResult struct {
	Code  string
	Split bool
	Err   error
}

// cmpErrors compares errors by errors.Is, either way round.
var cmpErrors = cmp.Comparer(func(a, b error) bool {
	return a == b || (a != nil && b != nil && (errors.Is(a, b) || errors.Is(b, a)))
})

func TestWard(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prov, in string
		want     wardResult
	}{
		// New codes are kept; integer-stored codes are padded.
		{"", "00004", wardResult{Code: "00004"}},
		{"01", "00004", wardResult{Code: "00004"}},
		{"Hà Nội", "4", wardResult{Code: "00004"}},
		{"", "26740", wardResult{Code: "26740"}},
		{"79", "26732", wardResult{Code: "26732"}},
		// Old codes map to their successor; split communes give the lowest successor.
		{"", "00001", wardResult{Code: "00097"}}, // Phúc Xá -> Hồng Hà
		{"01", "1", wardResult{Code: "00097"}},
		{"", "26734", wardResult{Code: "26737"}},              // Tân Định
		{"", "00007", wardResult{Code: "00008", Split: true}}, // Cống Vị -> Ngọc Hà, Giảng Võ
		{"", "00019", wardResult{Code: "00004", Split: true}}, // Điện Biên -> 4 wards
		{"", "06970", wardResult{Code: "06978"}},              // successor repaired by name in the generator
		{"", "19357", wardResult{Code: "19360"}},
		// Names of the new list, any spelling, any prefix.
		{"01", "Phường Ba Đình", wardResult{Code: "00004"}},
		{"01", "ba dinh", wardResult{Code: "00004"}},
		{"01", "P. Ba Đình", wardResult{Code: "00004"}},
		{"TP Hà Nội", "PHƯỜNG BA ĐÌNH", wardResult{Code: "00004"}},
		{"79", "Phường Sài Gòn", wardResult{Code: "26740"}},
		{"", "Phường Sài Gòn", wardResult{Code: "26740"}},
		{"20", "xã Bắc Sơn", wardResult{Code: "06325"}},
		{"79", "Đặc khu Côn Đảo", wardResult{Code: "26732"}},
		{"Kiên Giang", "Phú Quốc", wardResult{Code: "31078"}}, // old province name as scope
		{"91", "ĐK Phú Quốc", wardResult{Code: "31078"}},
		{"Gia Lai", "Xã Ia Mơ", wardResult{Code: "23938"}},
		{"80", "Xã Tân Phú", wardResult{Code: "25549"}},
		{"79", "P Tân Phú", wardResult{Code: "27031"}},
		// Old names map like old codes.
		{"79", "Phường Bến Nghé", wardResult{Code: "26740"}},
		{"79", "P. Bến Nghé", wardResult{Code: "26740"}},
		{"079", "Ben Nghe", wardResult{Code: "26740"}},
		{"Quảng Ninh", "Thị trấn Ba Chẽ", wardResult{Code: "06978"}},
		{"22", "TT Ba Chẽ", wardResult{Code: "06978"}},
		{"01", "Cống Vị", wardResult{Code: "00008", Split: true}},
		{"01", "Thị trấn Sóc Sơn", wardResult{Code: "00376"}}, // the new Xã Sóc Sơn: same successor
		{"45", "Phường 1", wardResult{Err: ErrAmbiguous}},     // Đông Hà and Quảng Trị town both had a Phường 1
		{"79", "Phường 01", wardResult{Err: ErrAmbiguous}},
		{"", "Tân Phú", wardResult{Err: ErrAmbiguous}},
		{"", "Phường Ba Đình Ba Đình", wardResult{Err: ErrUnknown}},
		// Names that fold alike are told apart by their diacritics, or by their type prefix.
		{"19", "Xã Văn Lăng", wardResult{Code: "05665"}},
		{"19", "Văn Lang", wardResult{Code: "02143"}},
		{"19", "Van Lang", wardResult{Err: ErrAmbiguous}},
		{"", "Xã Văn Lăng", wardResult{Code: "05665"}},
		{"38", "Phường Dong Tien", wardResult{Code: wardCodeOf("38", "Phường Đông Tiến")}},
		{"38", "Xa Dong Tien", wardResult{Code: wardCodeOf("38", "Xã Đồng Tiến")}},
		{"38", "Dong Tien", wardResult{Err: ErrAmbiguous}},
		{"79", "Xã Thạnh An", wardResult{Code: wardCodeOf("79", "Xã Thạnh An")}},
		{"79", "Thanh An", wardResult{Err: ErrAmbiguous}},
		// Outside the province, unknown, or malformed.
		{"79", "00004", wardResult{Err: ErrUnknown}},
		{"79", "Ba Đình", wardResult{Err: ErrUnknown}},
		{"99", "00004", wardResult{Err: ErrUnknown}},
		{"Atlantis", "00004", wardResult{Err: ErrUnknown}},
		{"", "", wardResult{Err: ErrUnknown}},
		{"", "00000", wardResult{Err: ErrUnknown}},
		{"", "99999", wardResult{Err: ErrUnknown}},
		{"", "123456", wardResult{Err: ErrUnknown}},
		{"", "Phường", wardResult{Err: ErrUnknown}},
		{"", "Phường Atlantis", wardResult{Err: ErrUnknown}},
		{"", strings.Repeat("Ba Đình ", 100), wardResult{Err: ErrUnknown}},
	}
	for _, tt := range tests {
		code, split, err := Ward(tt.prov, tt.in)
		got := wardResult{code, split, err}
		if diff := cmp.Diff(tt.want, got, cmpErrors); diff != "" {
			t.Errorf("Ward(%q, %q) mismatch (-want +got):\n%s", tt.prov, tt.in, diff)
		}
		if err != nil && strings.TrimSpace(tt.in) != "" && strings.Contains(err.Error(), tt.in) {
			t.Errorf("Ward(%q, %q) error %q echoes the value", tt.prov, tt.in, err)
		}
	}
}

// TestEveryWard resolves every ward of the new list by code and by official name within its province. Without
// diacritics a name is ambiguous when another ward of the province and type folds to the same key
// ("Văn Lang"/"Văn Lăng").
func TestEveryWard(t *testing.T) {
	t.Parallel()
	type foldedName struct {
		prov, key string
		kind      wardKind
	}
	folded := map[foldedName]int{}
	for f := range rows(wardsTSV) {
		key, kind, _ := wardKey(f[2])
		folded[foldedName{f[1], key, kind}]++
	}
	n := 0
	for f := range rows(wardsTSV) {
		code, prov, name := f[0], f[1], f[2]
		n++
		if got := WardProvince(code); got != prov {
			t.Errorf("WardProvince(%q) = %q, want %q", code, got, prov)
		}
		if got := WardName(code); got != name {
			t.Errorf("WardName(%q) = %q, want %q", code, got, name)
		}
		key, kind, _ := wardKey(name)
		plain := wardResult{Code: code}
		if folded[foldedName{prov, key, kind}] > 1 {
			plain = wardResult{Err: ErrAmbiguous}
		}
		for _, tt := range []struct {
			prov, in string
			want     wardResult
		}{
			{"", code, wardResult{Code: code}},
			{prov, code, wardResult{Code: code}},
			{prov, name, wardResult{Code: code}},
			{ProvinceName(prov), strings.ToUpper(name), wardResult{Code: code}},
			{prov, string(fold(nil, name)), plain},
		} {
			got, split, err := Ward(tt.prov, tt.in)
			if diff := cmp.Diff(tt.want, wardResult{got, split, err}, cmpErrors); diff != "" {
				t.Errorf("Ward(%q, %q) mismatch (-want +got):\n%s", tt.prov, tt.in, diff)
			}
		}
	}
	if n != 3321 {
		t.Errorf("embedded %d wards, want 3321", n)
	}
}

// TestEveryOldWardCode maps every old commune code that is not also a new code to one of its listed successors.
func TestEveryOldWardCode(t *testing.T) {
	t.Parallel()
	for f := range rows(oldWardsTSV) {
		code, targets := f[0], strings.Fields(f[3])
		if WardProvince(code) != "" {
			continue // read as a new code
		}
		got, split, err := Ward("", code)
		want := wardResult{Code: targets[0], Split: len(targets) > 1}
		if diff := cmp.Diff(want, wardResult{got, split, err}); diff != "" {
			t.Errorf("Ward(%q) mismatch (-want +got):\n%s", code, diff)
		}
	}
}

func TestWardProvinceUnknown(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "4", "0004", "000004", "00001", "99999", "abcde"} {
		if got := WardProvince(in); got != "" {
			t.Errorf("WardProvince(%q) = %q, want \"\"", in, got)
		}
		if got := WardName(in); got != "" {
			t.Errorf("WardName(%q) = %q, want \"\"", in, got)
		}
	}
}

// wardCodeOf finds a ward's code in the embedded list by exact province and name.
func wardCodeOf(prov, name string) string {
	for f := range rows(wardsTSV) {
		if f[1] == prov && f[2] == name {
			return f[0]
		}
	}
	return "not found"
}
