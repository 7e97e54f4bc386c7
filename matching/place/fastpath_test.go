package place

import "testing"

var foldSeeds = []string{
	"", "Hà Nội", "  TP.HCM ", "THÀNH PHỐ HỒ CHÍ MINH", "Bà Rịa–Vũng Tàu", "Ðăk Lăk", "ðồng", "Phường 01", "P01",
	"Quận10a", "\u0301Hà", "Ha\u0300 No\u0323\u0302i", "Ｐｈường １", "Ωmega ø æ ß", "\xff\xfe x", "Xã Hoằng Tiến", "XA TAN DUONG",
}

func TestFoldAgrees(t *testing.T) {
	t.Parallel()
	for _, s := range foldSeeds {
		checkFold(t, s)
	}
}

// FuzzFoldFast compares fold, with its byte table, against the rune table it replaced.
func FuzzFoldFast(f *testing.F) {
	for _, s := range foldSeeds {
		f.Add(s)
	}
	f.Fuzz(checkFold)
}

func checkFold(t *testing.T, s string) {
	t.Helper()
	if got, want := string(fold([]byte("x"), s)), string(refFold([]byte("x"), s)); got != want {
		t.Fatalf("fold(%q) = %q; reference says %q", s, got, want)
	}
}
