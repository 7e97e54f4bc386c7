package place

import (
	"errors"
	"testing"
)

func FuzzProvince(f *testing.F) {
	for _, s := range []string{"079", "1", "77", "TP.HCM", "Tỉnh Bình Định", "Gia Lai", "Ha\u0300 No\u0323\u0302i", "T.P. HCM",
		"Ðắk Lắk", "", "0", "Tỉnh", "\xff", "thanh pho"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := Province(s)
		if err != nil {
			if code != "" || !errors.Is(err, ErrUnknown) {
				t.Fatalf("Province(%q) = %q, %v; want \"\" and ErrUnknown", s, code, err)
			}
			return
		}
		if ProvinceName(code) == "" {
			t.Fatalf("Province(%q) = %q, not one of the 34", s, code)
		}
		if again, err := Province(code); again != code || err != nil {
			t.Fatalf("Province(Province(%q)) = %q, %v; want %q", s, again, err, code)
		}
		if byName, err := Province(ProvinceName(code)); byName != code || err != nil {
			t.Fatalf("Province(ProvinceName(%q)) = %q, %v", code, byName, err)
		}
	})
}

func FuzzWard(f *testing.F) {
	for _, p := range [][2]string{{"79", "P. Bến Nghé"}, {"", "26734"}, {"01", "7"}, {"19", "Xã Văn Lăng"}, {"45", "Phường 1"},
		{"", "Tân Phú"}, {"Atlantis", "1"}, {"22", "TT Ba Chẽ"}, {"", "xa"}, {"91", "ĐK Phú Quốc"}, {"", "\u0301"}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, prov, s string) {
		code, split, err := Ward(prov, s)
		if err != nil {
			if code != "" || split || !(errors.Is(err, ErrUnknown) || errors.Is(err, ErrAmbiguous)) {
				t.Fatalf("Ward(%q, %q) = %q, %v, %v; want \"\", false and ErrUnknown or ErrAmbiguous", prov, s, code, split, err)
			}
			return
		}
		wp := WardProvince(code)
		if wp == "" {
			t.Fatalf("Ward(%q, %q) = %q, not a ward of the new list", prov, s, code)
		}
		if p, err := Province(prov); err == nil && p != wp {
			t.Fatalf("Ward(%q, %q) = %q in province %q, outside %q", prov, s, code, wp, p)
		}
		for _, scope := range []string{"", wp} {
			if again, split, err := Ward(scope, code); again != code || split || err != nil {
				t.Fatalf("Ward(%q, Ward(%q, %q)) = %q, %v, %v; want %q", scope, prov, s, again, split, err, code)
			}
		}
	})
}
