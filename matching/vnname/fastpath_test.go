package vnname

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

// fastPathSeeds exercise every fast path and its way out to the slow one.
var fastPathSeeds = append([]string{
	"NGUYỄN THỊ THỦY", "Trương Đông", "Huỳnh Thị Mỹ Vy", "Võ Văn Kiệt", "Lý Thị Thúy", "CON BÀ Nguyễn Thị Lan",
	"Bé Nguyễn Văn An", "BÉ Lan", "Be\u0301 Lan", "Bế Văn Đàn", "be nguyen van an", "Niê Kdam H'Hen", "PÚHC êL",
	"Nguyen Van Nhhat", "TrÇn ThÞ Lª", "Tröông Thò Phöôùc", "Truwowngf Thij Hoaf", "Tru7o72ng D9u71c",
	"Nguyễn Thị Ngọc Bích Trâm Anh Thư Vy", "Khai Minh Thi Nguyen", "Y Bhim Niê", "Tôn Nữ Thị Ninh", "ŉguyễn",
	"İstanbul", "ÐẶNG ÐỨC", "\u212Bnh", "nguyễn\u0301", "Ｎｇｕｙｅｎ Văn", "ngheeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeex",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa á", "ẞ ß ǅ",
	"Nguyễn|Văn|An", "|Thị|Hoa", "CON|BÀ|Lan", "bé|nguyễn|an", "TRAN|THI|LUYEN", "Huỳnh||Vy", " - | |",
}, fuzzSeeds...)

func TestPrecomposedNFC(t *testing.T) {
	t.Parallel()
	for r := rune(0); r < 0x1F00; r++ {
		if r == 0x300 {
			r = 0x1E00
		}
		s := string(r)
		p := norm.NFC.PropertiesString(s)
		if norm.NFC.String(s) != s || !p.BoundaryBefore() {
			t.Errorf("U+%04X is not NFC-stable or may compose with what precedes it", r)
		}
	}
}

func TestSplitToneTable(t *testing.T) {
	t.Parallel()
	for r := rune(0); r < 0x20000; r++ {
		b, tone := splitTone(r)
		wb, wt := refSplitTone(r)
		if b != wb || tone != wt {
			t.Fatalf("splitTone(U+%04X) = %q, %d; want %q, %d", r, b, tone, wb, wt)
		}
	}
}

func TestFastPathsAgree(t *testing.T) {
	t.Parallel()
	for _, s := range fastPathSeeds {
		checkFastPaths(t, s)
	}
}

func FuzzFastPaths(f *testing.F) {
	for _, s := range fastPathSeeds {
		f.Add(s)
	}
	f.Fuzz(checkFastPaths)
}

// checkFastPaths compares every fast path on s (and on its |-separated
// parts as family, middle and given names) with the reference code.
func checkFastPaths(t *testing.T, s string) {
	t.Helper()
	for _, w := range append(strings.FieldsFunc(s, func(r rune) bool { return !isMojibakeRune(r) }), s) {
		if got, want := validWord(w), refValidWord(w); got != want {
			t.Fatalf("validWord(%q) = %v; reference says %v", w, got, want)
		}
	}
	if got, want := keyCandidate(s), refKeyCandidate(s); got != want {
		t.Fatalf("keyCandidate(%q) = %v; reference says %v", s, got, want)
	}
	if got, want := Fold(s), refFold(s); got != want {
		t.Fatalf("Fold(%q) = %q; reference says %q", s, got, want)
	}
	if got, want := string(AppendFold([]byte("x"), s)), string(refAppendFold([]byte("x"), s)); got != want {
		t.Fatalf("AppendFold(x, %q) = %q; reference says %q", s, got, want)
	}
	type result struct {
		Text  string
		Enc   Encoding
		Name  Name
		Flags Flags
	}
	var got, want result
	got.Text, got.Enc = Repair(s)
	want.Text, want.Enc = refRepair(s)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Repair(%q) mismatch (-want +got):\n%s", s, diff)
	}
	got, want = result{}, result{}
	got.Name, got.Flags = Parse(s)
	want.Name, want.Flags = refParse(s)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Parse(%q) mismatch (-want +got):\n%s", s, diff)
	}
	if !utf8.ValidString(s) || strings.Count(s, "|") != 2 {
		s = strings.Replace(strings.Replace(s, " ", "|", 1), " ", "|", 1)
	}
	p := strings.SplitN(s, "|", 3)
	for len(p) < 3 {
		p = append(p, "")
	}
	got, want = result{}, result{}
	got.Name, got.Flags = ParseParts(p[0], p[1], p[2])
	want.Name, want.Flags = refParseParts(p[0], p[1], p[2])
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("ParseParts(%q, %q, %q) mismatch (-want +got):\n%s", p[0], p[1], p[2], diff)
	}
}
