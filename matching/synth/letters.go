package synth

import (
	"strings"
	"unicode"
)

// Vietnamese letters are handled as (vowel row, tone) pairs so that every
// spelling habit — stripped marks, Telex or VNI keystroke residue, TCVN3 or
// VNI-Windows glyphs — is a lookup on the same table.

// Tones, in the column order of vowelRows.
const (
	toneNone = iota
	toneGrave
	toneHook
	toneTilde
	toneAcute
	toneDot
)

// vowelRows lists the 12 Vietnamese vowel letters, each with its five toned
// forms in the order none, grave, hook, tilde, acute, dot.
var vowelRows = [12]string{
	"aàảãáạ", "ăằẳẵắặ", "âầẩẫấậ", "eèẻẽéẹ", "êềểễếệ", "iìỉĩíị",
	"oòỏõóọ", "ôồổỗốộ", "ơờởỡớợ", "uùủũúụ", "ưừửữứự", "yỳỷỹýỵ",
}

// rowBase is the ASCII letter of each vowel row.
var rowBase = [12]byte{'a', 'a', 'a', 'e', 'e', 'i', 'o', 'o', 'o', 'u', 'u', 'y'}

// rowDD marks the pseudo-row used for đ/Đ in letter.
const rowDD = 12

// letter is the decomposition of one Vietnamese letter.
type letter struct {
	row   int8 // 0..11 vowel row, rowDD for đ
	tone  int8
	upper bool
}

// vietLetters maps every precomposed Vietnamese letter (both cases, plus
// đ/Đ) to its decomposition. It is built once and only read afterwards.
var vietLetters = func() map[rune]letter {
	m := make(map[rune]letter, 12*6*2+2)
	for row, s := range vowelRows {
		tone := 0
		for _, r := range s {
			m[r] = letter{row: int8(row), tone: int8(tone)}
			m[unicode.ToUpper(r)] = letter{row: int8(row), tone: int8(tone), upper: true}
			tone++
		}
	}
	m['đ'] = letter{row: rowDD}
	m['Đ'] = letter{row: rowDD, upper: true}
	return m
}()

// compose returns the precomposed letter for a row and tone.
func compose(row, tone int, upper bool) rune {
	if row == rowDD {
		if upper {
			return 'Đ'
		}
		return 'đ'
	}
	i := 0
	for _, r := range vowelRows[row] {
		if i == tone {
			if upper {
				return unicode.ToUpper(r)
			}
			return r
		}
		i++
	}
	return '?'
}

// base returns the letter's ASCII base, in its case: ễ -> e, Đ -> D.
func (l letter) base() byte {
	c := byte('d')
	if l.row != rowDD {
		c = rowBase[l.row]
	}
	if l.upper {
		c -= 'a' - 'A'
	}
	return c
}

// mapLetters rewrites each Vietnamese letter of s with write (runes that
// are not Vietnamese letters are copied); extra is the growth to expect.
func mapLetters(s string, extra int, write func(b *strings.Builder, l letter)) string {
	var b strings.Builder
	b.Grow(len(s) + extra)
	for _, r := range s {
		if l, ok := vietLetters[r]; ok {
			write(&b, l)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// stripMarks removes every Vietnamese diacritic: "Nguyễn Đức" -> "Nguyen Duc".
func stripMarks(s string) string {
	return mapLetters(s, 0, func(b *strings.Builder, l letter) { b.WriteByte(l.base()) })
}

// telexShape is the Telex keystroke that adds a row's shape mark to its base
// letter ("" for rows without one).
var telexShape = [13]string{"", "w", "a", "", "e", "", "", "o", "w", "", "w", "", "d"}

// telexTone is the Telex key of each tone.
var telexTone = [6]byte{0, 'f', 'r', 'x', 's', 'j'}

// telexResidue writes s as typed on a Telex keyboard with the input method
// switched off: shape keys follow their letter and each word's tone key goes
// to the end of the word, so "Nguyễn Thị" becomes "Nguyeenx Thij".
func telexResidue(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	var tone byte
	flush := func() {
		if tone != 0 {
			b.WriteByte(tone)
			tone = 0
		}
	}
	for _, r := range s {
		l, ok := vietLetters[r]
		switch {
		case !ok && (r == ' ' || r == '-'):
			flush()
			b.WriteRune(r)
		case !ok:
			b.WriteRune(r)
		default:
			base := byte('d')
			if l.row != rowDD {
				base = rowBase[l.row]
			}
			if l.upper {
				base -= 'a' - 'A'
			}
			b.WriteByte(base)
			b.WriteString(telexShape[l.row])
			if l.tone != toneNone {
				tone = telexTone[l.tone]
			}
		}
	}
	flush()
	return b.String()
}

// vniShape and vniTone are the VNI keystroke digits for shapes and tones.
var (
	vniShape = [13]string{"", "8", "6", "", "6", "", "", "6", "7", "", "7", "", "9"}
	vniTone  = [6]string{"", "2", "3", "4", "1", "5"}
)

// vniResidue writes s as typed with VNI keystrokes and the input method off:
// "Nguyễn Văn" becomes "Nguye64n Va8n".
func vniResidue(s string) string {
	return mapLetters(s, 8, func(b *strings.Builder, l letter) {
		b.WriteByte(l.base())
		b.WriteString(vniShape[l.row])
		b.WriteString(vniTone[l.tone])
	})
}
