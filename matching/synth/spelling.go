package synth

import (
	"math/rand/v2"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// styleText writes s in a facility's text habit.
func styleText(s string, text int) string {
	switch text {
	case textUpper:
		return strings.ToUpper(s)
	case textASCII:
		return stripMarks(s)
	case textUpperASCII:
		return strings.ToUpper(stripMarks(s))
	case textNFD:
		return norm.NFD.String(s)
	case textTCVN3:
		return tcvn3Mojibake(s)
	case textVNI:
		return vniMojibake(s)
	}
	return s
}

// oldTonePlacement moves the tone of open "oa", "oe", "uy" syllables to the
// last vowel, the pre-1980s convention many systems keep: "Hòa" -> "Hoà",
// "Thủy" -> "Thuỷ".
func oldTonePlacement(s string) string {
	if !strings.ContainsAny(s, "òóỏõọùúủũụÒÓỎÕỌÙÚỦŨỤ") {
		return s
	}
	words := strings.Split(s, " ")
	for wi, w := range words {
		rs := []rune(w)
		n := len(rs)
		if n < 2 {
			continue
		}
		a, okA := vietLetters[rs[n-2]]
		b, okB := vietLetters[rs[n-1]]
		if !okA || !okB || a.tone == toneNone || b.tone != toneNone {
			continue
		}
		pair := string([]byte{rowBase[a.row], rowBase[b.row]})
		if (pair == "oa" || pair == "oe" || pair == "uy") && (a.row == 6 || a.row == 9) && (b.row == 0 || b.row == 3 || b.row == 11) {
			rs[n-2] = compose(int(a.row), toneNone, a.upper)
			rs[n-1] = compose(int(b.row), int(a.tone), b.upper)
			words[wi] = string(rs)
		}
	}
	return strings.Join(words, " ")
}

// regionalVariant swaps Hoàng/Huỳnh and Vũ/Võ, as different registrars write
// the same family name.
func regionalVariant(fam string) string {
	switch fam {
	case "Hoàng":
		return "Huỳnh"
	case "Huỳnh":
		return "Hoàng"
	case "Vũ":
		return "Võ"
	case "Võ":
		return "Vũ"
	}
	return fam
}

// iyVariant swaps a word-final i/y after a consonant (Vy/Vi, Lý/Lí, Mỹ/Mĩ).
func iyVariant(s string) string {
	rs := []rune(s)
	n := len(rs)
	if n < 2 {
		return s
	}
	l, ok := vietLetters[rs[n-1]]
	if !ok || (l.row != 5 && l.row != 11) {
		return s
	}
	if _, vowel := vietLetters[rs[n-2]]; vowel && rs[n-2] != 'đ' && rs[n-2] != 'Đ' {
		return s
	}
	row := 5
	if l.row == 5 {
		row = 11
	}
	rs[n-1] = compose(row, int(l.tone), l.upper)
	return string(rs)
}

// dialectSwaps are initial consonants that speakers of one dialect confuse.
var dialectSwaps = [][2]string{{"Tr", "Ch"}, {"Ch", "Tr"}, {"S", "X"}, {"X", "S"}, {"Gi", "D"}, {"D", "Gi"}, {"L", "N"}, {"N", "L"}, {"R", "D"}}

// typo makes one realistic spelling error in a name word: a hỏi/ngã tone
// confusion, a dialect consonant swap, or a keyboard slip.
func typo(r *rand.Rand, s string) string {
	rs := []rune(s)
	if len(rs) < 2 {
		return s
	}
	switch u := r.Float64(); {
	case u < 0.35:
		for i, c := range rs {
			if l, ok := vietLetters[c]; ok && (l.tone == toneHook || l.tone == toneTilde) {
				t := toneHook
				if l.tone == toneHook {
					t = toneTilde
				}
				rs[i] = compose(int(l.row), t, l.upper)
				return string(rs)
			}
		}
	case u < 0.6:
		for _, sw := range dialectSwaps {
			if strings.HasPrefix(s, sw[0]) && !strings.HasPrefix(s, "Ng") && !strings.HasPrefix(s, "Nh") {
				return sw[1] + s[len(sw[0]):]
			}
		}
	}
	i := 1 + r.IntN(len(rs)-1)
	switch r.IntN(4) {
	case 0: // dropped letter
		return string(append(rs[:i:i], rs[i+1:]...))
	case 1: // doubled letter
		return string(rs[:i+1]) + string(rs[i:])
	case 2: // transposed letters
		if i+1 < len(rs) {
			rs[i], rs[i+1] = rs[i+1], rs[i]
			return string(rs)
		}
		rs[i-1], rs[i] = rs[i], rs[i-1]
		return string(rs)
	}
	// lost diacritic on one letter
	for j := len(rs) - 1; j >= 0; j-- {
		if l, ok := vietLetters[rs[j]]; ok && (l.tone != toneNone || (l.row != 0 && l.row != 3 && l.row != 5 && l.row != 6 && l.row != 9 && l.row != 11)) {
			rs[j] = rune(rowBaseOrD(l))
			return string(rs)
		}
	}
	return string(rs)
}

func rowBaseOrD(l letter) byte {
	c := byte('d')
	if l.row != rowDD {
		c = rowBase[l.row]
	}
	if l.upper {
		c -= 'a' - 'A'
	}
	return c
}
