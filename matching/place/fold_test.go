package place

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"Hà Nội", "ha noi"},
		{"  TP.HCM ", "tp hcm"},
		{"Thành phố Hồ Chí Minh", "thanh pho ho chi minh"},
		{"Bà Rịa–Vũng Tàu", "ba ria vung tau"},
		{"Đắk Lắk", "dak lak"},
		{"Ðăk Lăk", "dak lak"}, // U+00D0
		{"ðồng", "dong"},       // U+00F0
		{"Hoà Bình", "hoa binh"},
		{"Hòa Bình", "hoa binh"},
		{"Phường 01", "phuong 1"},
		{"P.1", "p 1"},
		{"P01", "p 1"},
		{"Phường 0", "phuong 0"},
		{"Phường 00", "phuong 0"},
		{"Quận10a", "quan 10 a"},
		{"ẤP 3B", "ap 3 b"},
		{"\u0301Hà", "ha"},      // stray leading combining mark
		{"a\xffb", "a b"},       // invalid UTF-8 is a separator
		{"Ǆemal", "ǆemal"},      // a letter without an ASCII base is kept, lower-cased
		{"Hà\tNội\n", "ha noi"}, // white space of any kind separates
	}
	for _, tt := range tests {
		for _, in := range []string{tt.in, norm.NFD.String(tt.in), norm.NFC.String(tt.in)} {
			if diff := cmp.Diff(tt.want, string(fold(nil, in))); diff != "" {
				t.Errorf("fold(%q) mismatch (-want +got):\n%s", in, diff)
			}
		}
	}
}

func TestAccentKey(t *testing.T) {
	t.Parallel()
	same := [][2]string{
		{"Hoà Bình", "Hòa Bình"},
		{"Thuỷ", "Thủy"},
		{"Văn Lăng", norm.NFD.String("Văn Lăng")},
		{"Phường Văn Lăng", "P. Văn Lăng"}, // compared on the last two tokens below
	}
	for _, p := range same {
		if a, b := accentKey(p[0], 2), accentKey(p[1], 2); a != b {
			t.Errorf("accentKey(%q) = %q, accentKey(%q) = %q; want equal", p[0], a, p[1], b)
		}
	}
	differ := [][2]string{{"Văn Lang", "Văn Lăng"}, {"Đông Tiến", "Đồng Tiến"}, {"Dông", "Đông"}, {"Thanh An", "Thạnh An"}}
	for _, p := range differ {
		if a, b := accentKey(p[0], -1), accentKey(p[1], -1); a == b {
			t.Errorf("accentKey(%q) = accentKey(%q) = %q; want different", p[0], p[1], a)
		}
	}
}
