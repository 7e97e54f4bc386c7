package vnname

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

var fuzzSeeds = []string{
	"Nguyễn Văn An", "NGUYỄN THỊ THỦY", "Ðặng ðức", "H'Hen Niê", "NguyÔn V¨n Hïng", "Nguyeãn Vaên",
	"Nguyeenx Thij", "Nguye64n Va8n", "ddinhf", "Ross", "An Nguyen Van", "CON BÀ Nguyễn Thị Lan",
	"SƠ SINH", "Bé Lan", "Tôn Thất Thuyết", "Y Bhim Niê", "李 Lan", "Ｎｇｕｙｅｎ", "a\u0301\u0301", "\xff\xfe",
}

func onlyFoldedAlphabet(s string) bool {
	if s != strings.TrimSpace(s) || strings.Contains(s, "  ") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == ' ') {
			return false
		}
	}
	return true
}

func FuzzFold(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if !onlyFoldedAlphabet(got) {
			t.Fatalf("Fold(%q) = %q: outside [a-z0-9 ] or untrimmed", s, got)
		}
		if again := Fold(got); again != got {
			t.Fatalf("Fold not idempotent on %q: %q then %q", s, got, again)
		}
		if app := string(AppendFold(nil, s)); app != got {
			t.Fatalf("AppendFold(%q) = %q, Fold = %q", s, app, got)
		}
	})
}

func FuzzRepair(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, enc := Repair(s)
		if enc == EncodingNone && got != s {
			t.Fatalf("Repair(%q) changed the text to %q but reported no encoding", s, got)
		}
		if enc != EncodingNone && utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Repair(%q) = %q: invalid UTF-8", s, got)
		}
		again, _ := Repair(got)
		if again != got {
			t.Fatalf("Repair not idempotent on %q: %q then %q", s, got, again)
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, flags := Parse(s)
		for _, p := range []string{n.Family, n.Middle, n.Given} {
			if !onlyFoldedAlphabet(p) {
				t.Fatalf("Parse(%q) = %+v: part %q outside [a-z0-9 ]", s, n, p)
			}
		}
		if (n == Name{}) != (flags&FlagEmpty != 0) {
			t.Fatalf("Parse(%q) = %+v with flags %v: FlagEmpty disagrees", s, n, flags)
		}
		again, _ := Parse(n.Full())
		if diff := cmp.Diff(n, again); diff != "" {
			t.Fatalf("Parse(Parse(%q).Full()) mismatch (-first +second):\n%s", s, diff)
		}
	})
}
