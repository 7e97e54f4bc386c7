package synth

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLegacyEncodings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		enc, dec       func(string) string
	}{
		{"tcvn3 name", "Nguyễn Văn", "NguyÔn V¨n", tcvn3Mojibake, fromTCVN3},
		{"tcvn3 place", "Bảo Thắng", "B¶o Th¾ng", tcvn3Mojibake, fromTCVN3},
		{"tcvn3 horn", "Mường Khương", "M\u00adêng Kh\u00ad¬ng", tcvn3Mojibake, fromTCVN3},
		{"tcvn3 capitals", "Đặng Ưng", "§Æng ¦ng", tcvn3Mojibake, fromTCVN3},
		{"vni name", "Nguyễn Văn", "Nguyeãn Vaên", vniMojibake, fromVNI},
		{"vni phrase", "Xin chào các bạn", "Xin chaøo caùc baïn", vniMojibake, fromVNI},
		{"vni horn and i", "Trường Thị Lý Đỵ", "Tröôøng Thò Lyù Ñî", vniMojibake, fromVNI},
		{"vni capitals", "NGUYỄN THỊ", "NGUYEÃN THÒ", vniMojibake, fromVNI},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.enc(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("encode mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.in, tt.dec(got)); diff != "" {
				t.Errorf("round trip mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKeystrokeResidue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, telex, vni string
	}{
		{"Nguyễn Thị", "Nguyeenx Thij", "Nguye64n Thi5"},
		{"Nguyễn Văn", "Nguyeenx Vawn", "Nguye64n Va8n"},
		{"Đặng Hương", "Ddawngj Huwowng", "D9a85ng Hu7o7ng"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.telex, telexResidue(tt.in)); diff != "" {
				t.Errorf("telex mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.vni, vniResidue(tt.in)); diff != "" {
				t.Errorf("vni mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(stripMarks(tt.in), stripMarks(stripMarks(tt.in))); diff != "" {
				t.Errorf("strip not idempotent (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzLegacyRoundTrip checks that the legacy encoders never panic and that
// lowercase Vietnamese text survives a TCVN3 and a VNI-Windows round trip.
func FuzzLegacyRoundTrip(f *testing.F) {
	for _, s := range []string{"Nguyễn Văn", "trường thị lý", "đặng ỵ ỹ", "abc", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = tcvn3Mojibake(s)
		_ = vniMojibake(s)
		_ = telexResidue(s)
		_ = vniResidue(s)
		_ = oldTonePlacement(s)
		_ = iyVariant(s)
		_ = typo(rand.New(rand.NewPCG(1, 2)), s)
		_ = styleText(s, textNFD)
		if stripMarks(stripMarks(s)) != stripMarks(s) {
			t.Fatalf("stripMarks not idempotent")
		}
		// Restrict to lowercase Vietnamese letters and spaces for the round trip.
		var clean []rune
		for _, r := range s {
			if l, ok := vietLetters[r]; ok && !l.upper {
				clean = append(clean, r)
			} else if r == ' ' || (r >= 'b' && r <= 'z' && r != 'e' && r != 'i' && r != 'o' && r != 'u' && r != 'y') {
				clean = append(clean, r)
			}
		}
		c := string(clean)
		if got := fromTCVN3(tcvn3Mojibake(c)); got != c {
			t.Fatalf("tcvn3 round trip: got %q want %q", got, c)
		}
		if got := fromVNI(vniMojibake(c)); got != c {
			t.Fatalf("vni round trip: got %q want %q", got, c)
		}
	})
}
