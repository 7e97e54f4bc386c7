package vnname

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

type repaired struct {
	Text string
	Enc  Encoding
}

func TestRepair(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want repaired
	}{
		// TCVN3 (ABC) font mojibake.
		{"NguyÔn V¨n", repaired{"Nguyễn Văn", EncodingTCVN3}},
		{"NguyÔn V¨n Hïng", repaired{"Nguyễn Văn Hùng", EncodingTCVN3}},
		{"TrÇn ThÞ Lª", repaired{"Trần Thị Lê", EncodingTCVN3}},
		{"Ph¹m ThÞ Hoµng Anh", repaired{"Phạm Thị Hoàng Anh", EncodingTCVN3}},
		{"§inh Thu H¶i", repaired{"Đinh Thu Hải", EncodingTCVN3}},
		{"TRÇN THÞ", repaired{"TRẦN THỊ", EncodingTCVN3}},
		// VNI-Windows font mojibake.
		{"Nguyeãn Vaên", repaired{"Nguyễn Văn", EncodingVNIWin}},
		{"Nguyeãn Vaên Huøng", repaired{"Nguyễn Văn Hùng", EncodingVNIWin}},
		// All capitals: TCVN3 would also decode these glyphs, VNI is meant.
		{"CON BAØ NGUYEÃN THÒ VAÂN", repaired{"CON BÀ NGUYỄN THỊ VÂN", EncodingVNIWin}},
		{"Tröông Thò Phöôùc", repaired{"Trương Thị Phước", EncodingVNIWin}},
		{"Ñaëng Thuûy", repaired{"Đặng Thủy", EncodingVNIWin}},
		// Telex residue.
		{"Nguyeenx Thij", repaired{"Nguyễn Thị", EncodingTelex}},
		{"Vawn", repaired{"Văn", EncodingTelex}},
		{"ddinhf", repaired{"đình", EncodingTelex}},
		{"Nguyeenx Vawn An", repaired{"Nguyễn Văn An", EncodingTelex}},
		{"NGUYEENX VAWN", repaired{"NGUYỄN VĂN", EncodingTelex}},
		{"Truwowngf Thij Hoaf", repaired{"Trường Thị Hòa", EncodingTelex}},
		{"Lee Thij", repaired{"Lê Thị", EncodingTelex}}, // weak Lee goes along with strong Thij
		// VNI keystroke residue.
		{"Nguye64n Va8n", repaired{"Nguyễn Văn", EncodingVNIKeys}},
		{"Tru7o72ng D9u71c", repaired{"Trường Đức", EncodingVNIKeys}},
		// Left alone: valid words, foreign names, weak evidence, real Unicode.
		{"Hoa", repaired{"Hoa", EncodingNone}},
		{"Thu", repaired{"Thu", EncodingNone}},
		{"Ross", repaired{"Ross", EncodingNone}},
		{"Ngoc", repaired{"Ngoc", EncodingNone}},
		{"hoang", repaired{"hoang", EncodingNone}},
		{"an", repaired{"an", EncodingNone}},
		{"anh", repaired{"anh", EncodingNone}},
		{"nguyen van an", repaired{"nguyen van an", EncodingNone}},
		{"Lee", repaired{"Lee", EncodingNone}},
		{"Max", repaired{"Max", EncodingNone}},
		{"Mary Smith", repaired{"Mary Smith", EncodingNone}},
		{"Xoong", repaired{"Xoong", EncodingNone}},
		{"Nguyen Van A2", repaired{"Nguyen Van A2", EncodingNone}},
		{"Nguyễn Thị Hà", repaired{"Nguyễn Thị Hà", EncodingNone}},
		{"Phạm Thị Thuý", repaired{"Phạm Thị Thuý", EncodingNone}},
		{"Hoà Lý Tú", repaired{"Hoà Lý Tú", EncodingNone}},
		{"Ðặng Văn Ðô", repaired{"Ðặng Văn Ðô", EncodingNone}},
		{"José García", repaired{"José García", EncodingNone}},
		{"H'Hen Niê", repaired{"H'Hen Niê", EncodingNone}},
		{"", repaired{"", EncodingNone}},
	}
	for _, tt := range tests {
		text, enc := Repair(tt.in)
		got := repaired{text, enc}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Repair(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
		text2, _ := Repair(text)
		if diff := cmp.Diff(text, text2); diff != "" {
			t.Errorf("Repair not idempotent on %q (-once +twice):\n%s", tt.in, diff)
		}
	}
}

func TestRepairNFD(t *testing.T) {
	t.Parallel()
	// Decomposed mojibake decodes like the composed form.
	got, enc := Repair(norm.NFD.String("NguyÔn V¨n"))
	if diff := cmp.Diff(repaired{"Nguyễn Văn", EncodingTCVN3}, repaired{got, enc}); diff != "" {
		t.Errorf("Repair(NFD) mismatch (-want +got):\n%s", diff)
	}
}

func TestValidSyllable(t *testing.T) {
	t.Parallel()
	valid := []string{"nguyễn", "văn", "thị", "hoà", "hòa", "quý", "gì", "giếng", "khuỷu", "trường", "đức", "xoong", "y", "yến", "ngoan", "nghiêng", "kiệt"}
	invalid := []string{"", "ross", "nguyễm", "thịs", "cé", "kan", "ngiên", "ghà", "bác̀", "hoàá", "ác̃", "mary", "wa"}
	for _, s := range valid {
		if !validSyllable(norm.NFC.String(s)) {
			t.Errorf("validSyllable(%q) = false, want true", s)
		}
	}
	for _, s := range invalid {
		if validSyllable(norm.NFC.String(s)) {
			t.Errorf("validSyllable(%q) = true, want false", s)
		}
	}
}

func TestEncodingString(t *testing.T) {
	t.Parallel()
	got := []string{EncodingNone.String(), EncodingTCVN3.String(), EncodingVNIWin.String(), EncodingTelex.String(), EncodingVNIKeys.String(), Encoding(99).String()}
	want := []string{"none", "tcvn3", "vni-win", "telex", "vni-keys", "unknown"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Encoding.String mismatch (-want +got):\n%s", diff)
	}
}
