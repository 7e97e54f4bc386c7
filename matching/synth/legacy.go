package synth

import "strings"

// Legacy 8-bit Vietnamese fonts survive in old hospital systems. Text typed in
// them and later read as Windows-1252 shows as mojibake. Both encoders below
// return that mojibake as a Go (UTF-8) string: every legacy byte b is the
// Windows-1252 character U+00b, which for the bytes used here (0xA1–0xFE) is
// the Latin-1 character of the same value.

// tcvn3Lower holds the TCVN3 (ABC, TCVN 5712:1993 VN3) byte of each lowercase
// vowel row and tone, in vowelRows order. Source: the TCVN 5712 table (the
// 0xA1–0xFE range is shared by VN1 and VN3), e.g. XFree86 TCVNtoUCS2.c.
var tcvn3Lower = [12][6]byte{
	{'a', 0xB5, 0xB6, 0xB7, 0xB8, 0xB9},  // a à ả ã á ạ
	{0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6}, // ă ằ ẳ ẵ ắ ặ
	{0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB}, // â ầ ẩ ẫ ấ ậ
	{'e', 0xCC, 0xCE, 0xCF, 0xD0, 0xD1},  // e è ẻ ẽ é ẹ
	{0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6}, // ê ề ể ễ ế ệ
	{'i', 0xD7, 0xD8, 0xDC, 0xDD, 0xDE},  // i ì ỉ ĩ í ị
	{'o', 0xDF, 0xE1, 0xE2, 0xE3, 0xE4},  // o ò ỏ õ ó ọ
	{0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9}, // ô ồ ổ ỗ ố ộ
	{0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE}, // ơ ờ ở ỡ ớ ợ
	{'u', 0xEF, 0xF1, 0xF2, 0xF3, 0xF4},  // u ù ủ ũ ú ụ
	{0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9}, // ư ừ ử ữ ứ ự
	{'y', 0xFA, 0xFB, 0xFC, 0xFD, 0xFE},  // y ỳ ỷ ỹ ý ỵ
}

// tcvn3Upper holds the only uppercase letters TCVN3 has: Ă Â Ê Ô Ơ Ư by row,
// and Đ. Toned capitals were typed with the lowercase glyph in a capitals
// font (".VnTimeH"), so they encode as the lowercase byte.
var tcvn3Upper = map[int8]byte{1: 0xA1, 2: 0xA2, 4: 0xA3, 7: 0xA4, 8: 0xA5, 10: 0xA6, rowDD: 0xA7}

// tcvn3Mojibake encodes s in TCVN3 and renders the bytes in Windows-1252:
// "Nguyễn Văn" -> "NguyÔn V¨n".
func tcvn3Mojibake(s string) string {
	return mapLetters(s, 0, func(b *strings.Builder, l letter) {
		if l.upper && l.tone == toneNone {
			if c, ok := tcvn3Upper[l.row]; ok {
				b.WriteRune(rune(c))
				return
			}
		}
		if l.row == rowDD {
			b.WriteRune(0xAE)
			return
		}
		c := tcvn3Lower[l.row][l.tone]
		if c < 0x80 && l.upper {
			c -= 'a' - 'A'
		}
		b.WriteRune(rune(c))
	})
}

// fromTCVN3 decodes TCVN3 mojibake back to Unicode (toned capitals come back
// lowercase, since TCVN3 cannot tell them apart). Used by tests.
func fromTCVN3(s string) string {
	rev := make(map[rune]rune, 140)
	for row := range tcvn3Lower {
		for tone, c := range tcvn3Lower[row] {
			if c >= 0x80 {
				rev[rune(c)] = compose(row, tone, false)
			}
		}
	}
	for row, c := range tcvn3Upper {
		rev[rune(c)] = compose(int(row), toneNone, true)
	}
	rev[0xAE] = 'đ'
	var b strings.Builder
	for _, r := range s {
		if u, ok := rev[r]; ok {
			r = u
		}
		b.WriteRune(r)
	}
	return b.String()
}

// VNI-Windows writes a vowel as its ASCII base followed by one mark byte that
// carries shape and tone together; ơ, ư, đ and the toned i forms (and ỵ) are
// single bytes. Lowercase bytes below; capitals use the Latin-1 capital of
// each byte (0x20 lower) and the ASCII capital base.
var (
	vniToneMark = [6]string{"", "\u00f8", "\u00fb", "\u00f5", "\u00f9", "\u00ef"}       // ø û õ ù ï
	vniCircMark = [6]string{"\u00e2", "\u00e0", "\u00e5", "\u00e3", "\u00e1", "\u00e4"} // â à å ã á ä
	vniBrevMark = [6]string{"\u00ea", "\u00e8", "\u00fa", "\u00fc", "\u00e9", "\u00eb"} // ê è ú ü é ë
	vniIForms   = [6]string{"i", "\u00ec", "\u00e6", "\u00f3", "\u00ed", "\u00f2"}      // i ì æ ó í ò
)

// vniGlyph returns the lowercase VNI-Windows form of a row and tone.
func vniGlyph(row, tone int) string {
	switch row {
	case rowDD:
		return "\u00f1" // ñ
	case 1: // ă
		return "a" + vniBrevMark[tone]
	case 2, 4, 7: // â ê ô
		return string(rowBase[row]) + vniCircMark[tone]
	case 5: // i
		return vniIForms[tone]
	case 8: // ơ
		return "\u00f4" + vniToneMark[tone]
	case 10: // ư
		return "\u00f6" + vniToneMark[tone]
	case 11: // y
		if tone == toneDot {
			return "\u00ee" // î
		}
	}
	return string(rowBase[row]) + vniToneMark[tone]
}

// vniUpper turns a lowercase VNI-Windows glyph into its capital form.
func vniUpper(g string) string {
	var b strings.Builder
	for _, r := range g {
		switch {
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		case r >= 0xE0 && r <= 0xFE && r != 0xF7:
			r -= 0x20
		}
		b.WriteRune(r)
	}
	return b.String()
}

// vniMojibake encodes s in VNI-Windows and renders the bytes in
// Windows-1252: "Nguyễn Văn" -> "Nguyeãn Vaên".
func vniMojibake(s string) string {
	return mapLetters(s, 8, func(b *strings.Builder, l letter) {
		g := vniGlyph(int(l.row), int(l.tone))
		if l.upper {
			g = vniUpper(g)
		}
		b.WriteString(g)
	})
}

// fromVNI decodes VNI-Windows mojibake back to Unicode, longest glyph first.
// Used by tests.
func fromVNI(s string) string {
	rev := make(map[string]rune, 300)
	for r, l := range vietLetters {
		g := vniGlyph(int(l.row), int(l.tone))
		if l.upper {
			g = vniUpper(g)
		}
		if g != string(r) {
			rev[g] = r
		}
	}
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if i+1 < len(rs) {
			if u, ok := rev[string(rs[i:i+2])]; ok {
				b.WriteRune(u)
				i += 2
				continue
			}
		}
		if u, ok := rev[string(rs[i])]; ok {
			b.WriteRune(u)
		} else {
			b.WriteRune(rs[i])
		}
		i++
	}
	return b.String()
}
