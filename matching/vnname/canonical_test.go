package vnname

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCanonical(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"huynh", "hoang"}, {"hoang", "hoang"},
		{"vo", "vu"}, {"vu", "vu"},
		{"vy", "vi"}, {"ly", "li"}, {"my", "mi"}, {"ky", "ki"}, {"hy", "hi"},
		// uy and ay rhymes keep their y.
		{"huy", "huy"}, {"thuy", "thuy"}, {"tuyet", "tuyet"}, {"quy", "quy"},
		{"may", "may"}, {"hay", "hay"}, {"duy", "duy"},
		{"y", "y"}, {"", ""}, {"an", "an"}, {"nguyen", "nguyen"},
	}
	for _, tt := range tests {
		got := Canonical(tt.in)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Canonical(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
		if again := Canonical(got); again != got {
			t.Errorf("Canonical not idempotent on %q: %q then %q", tt.in, got, again)
		}
	}
}

func TestCanonicalKeepsDistinct(t *testing.T) {
	t.Parallel()
	// Different names must stay different.
	pairs := [][2]string{{"hoa", "hoang"}, {"vu", "vy"}, {"ly", "le"}, {"huy", "hy"}, {"thuy", "thi"}, {"my", "may"}}
	for _, p := range pairs {
		if Canonical(p[0]) == Canonical(p[1]) {
			t.Errorf("Canonical(%q) == Canonical(%q) == %q", p[0], p[1], Canonical(p[0]))
		}
	}
}

func TestIsFamilyName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"nguyen", true}, {"tran", true}, {"huynh", true}, {"hoang", true}, {"vo", true}, {"ly", true}, {"li", true},
		{"ton that", true}, {"ton nu", true}, {"au duong", true},
		{"giang", true}, {"sung", true}, {"vu", true}, {"thach", true}, {"son", true}, {"danh", true}, {"nie", true},
		{"lan", false}, {"thi", false}, {"van", false}, {"minh", false}, {"", false}, {"ross", false},
	}
	for _, tt := range tests {
		if got := IsFamilyName(tt.in); got != tt.want {
			t.Errorf("IsFamilyName(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
