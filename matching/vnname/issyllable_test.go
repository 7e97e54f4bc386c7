package vnname

import "testing"

func TestIsSyllable(t *testing.T) {
	t.Parallel()
	for _, w := range []string{"nguyen", "ngoc", "phi", "vuong", "binh", "hoa", "hao", "thuy", "quynh", "gia", "khoa", "nghia"} {
		if !IsSyllable(w) {
			t.Errorf("IsSyllable(%q) = false, want true", w)
		}
	}
	for _, w := range []string{"", "pih", "vunog", "binnh", "nguyn", "seanna", "ngh", "xyz"} {
		if IsSyllable(w) {
			t.Errorf("IsSyllable(%q) = true, want false", w)
		}
	}
}
