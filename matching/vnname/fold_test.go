package vnname

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Nguyễn Thị Hoà", "nguyen thi hoa"},
		{"NGUYỄN VĂN ĐỨC", "nguyen van duc"},
		{"  Trần   Văn\tAn \n", "tran van an"},
		{"Ðặng ðức", "dang duc"},            // look-alike eth
		{"Đỗ đình", "do dinh"},              // real đ
		{"H'Hen Niê", "hhen nie"},           // apostrophe joins
		{"H’Hen", "hhen"},                   // typographic apostrophe
		{"Lê-Văn.Tám,", "le van tam"},       // punctuation is a space
		{"Ｎｇｕｙｅｎ", "nguyen"},                // full-width
		{"李 Lan", "lan"},                    // no ASCII fold: dropped
		{"Nguyen (con) #2", "nguyen con 2"}, // symbols
		{"", ""},
		{"   ", ""},
		{"nguyen van an", "nguyen van an"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Fold(tt.in)); diff != "" {
			t.Errorf("Fold(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestFoldEquivalences(t *testing.T) {
	t.Parallel()
	pairs := [][2]string{
		{norm.NFC.String("Nguyễn Thị Thủy"), norm.NFD.String("Nguyễn Thị Thủy")},
		{"NGUYỄN THỊ THỦY", "nguyễn thị thủy"},
		{"hòa", "hoà"},
		{"thủy", "thuỷ"},
		{"Thúy", "Thuý"},
		{"Quý", "Qúy"},
		{"Đặng", "Ðặng"},
		{"đặng", "ðặng"},
		{"Nguyễn", "Nguyen"},
	}
	for _, p := range pairs {
		if diff := cmp.Diff(Fold(p[0]), Fold(p[1])); diff != "" {
			t.Errorf("Fold(%q) != Fold(%q) (-first +second):\n%s", p[0], p[1], diff)
		}
	}
}

func TestAppendFold(t *testing.T) {
	t.Parallel()
	dst := []byte("x:")
	got := string(AppendFold(dst, "Nguyễn Văn An"))
	if diff := cmp.Diff("x:nguyen van an", got); diff != "" {
		t.Errorf("AppendFold mismatch (-want +got):\n%s", diff)
	}
}
