package vnname

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s folded for comparison: Unicode decomposed (NFC and NFD input
// fold alike, and compatibility forms such as full-width letters are unfolded),
// combining marks removed, đ/Đ and the look-alikes Ð (U+00D0) and ð (U+00F0)
// mapped to d, lower-cased, apostrophes dropped (H'Hen → hhen), every other
// punctuation, symbol, control or space rune turned into a space, and spaces
// collapsed and trimmed.
//
// The result contains only [a-z0-9 ]; letters with no ASCII fold (Greek, Han,
// and so on) are dropped. Fold(Fold(s)) == Fold(s).
func Fold(s string) string {
	if isFolded(s) {
		return s
	}
	var buf [64]byte
	return string(AppendFold(buf[:0], s))
}

// isFolded reports whether s is already in Fold's output form.
func isFolded(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == ' ':
			if i == 0 || i == len(s)-1 || s[i-1] == ' ' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// AppendFold appends Fold(s) to dst and returns the extended slice. It does not
// allocate when dst has room; ASCII input takes a fast path.
func AppendFold(dst []byte, s string) []byte {
	return appendFold(dst, s, &latinTable)
}

// asciiFold is the fold of each ASCII byte: a letter or digit, ' ' for a
// separator, or 0 for an apostrophe, which joins (H'Hen → hhen).
var asciiFold = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		switch b := byte(c); {
		case b >= 'a' && b <= 'z', b >= '0' && b <= '9':
			t[c] = b
		case b >= 'A' && b <= 'Z':
			t[c] = b + 'a' - 'A'
		case b == '\'' || b == '`':
		default:
			t[c] = ' '
		}
	}
	return t
}()

// appendFold is AppendFold with a fold table for the Latin blocks; nil while
// the table is being built.
func appendFold(dst []byte, s string, table *[latinSize]byte) []byte {
	start := len(dst)
	space := true // a space is pending or we are at the start: drop further spaces
	emit := func(c byte) {
		if c == ' ' {
			space = true
			return
		}
		if space && len(dst) > start {
			dst = append(dst, ' ')
		}
		space = false
		dst = append(dst, c)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			// emit, written out for the common case.
			i++
			switch a := asciiFold[c]; a {
			case 0:
			case ' ':
				space = true
			default:
				if space && len(dst) > start {
					dst = append(dst, ' ')
				}
				space = false
				dst = append(dst, a)
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if c := latinFold(table, r); c != 0 {
			if c != 1 {
				emit(c)
			}
			i += n
			continue
		}
		if f, ok := foldRune(r); ok {
			for j := 0; j < len(f); j++ {
				emit(f[j])
			}
		} else {
			// NFKD: the first rune of the decomposition carries the base letter.
			p := norm.NFKD.PropertiesString(s[i : i+n])
			if d := p.Decomposition(); len(d) > 0 {
				foldDecomposed(d, emit)
			} else {
				foldOther(r, emit)
			}
		}
		i += n
	}
	return dst
}

// latinTable holds the fold of U+0080–U+024F and U+1E00–U+1EFF (Latin-1,
// Latin Extended-A/B and the Vietnamese block): an ASCII letter, 1 for a rune
// that folds to nothing, or 0 where the general path decides.
const latinSize = 0x250 + 0x100

var latinTable = func() (t [latinSize]byte) {
	fill := func(lo, hi rune, off int) {
		for r := lo; r < hi; r++ {
			var tmp [8]byte
			out := appendFold(tmp[:0], string(r), nil)
			switch {
			case len(out) == 0:
				if unicode.IsMark(r) || isApostrophe(r) {
					t[int(r)-off] = 1
				}
			case len(out) == 1 && out[0] >= 'a' && out[0] <= 'z':
				t[int(r)-off] = out[0]
			}
		}
	}
	fill(0x80, 0x250, 0)
	fill(0x1E00, 0x1F00, 0x1E00-0x250)
	return t
}()

func latinFold(t *[latinSize]byte, r rune) byte {
	switch {
	case t == nil:
	case r < 0x250:
		return t[r]
	case r >= 0x1E00 && r < 0x1F00:
		return t[r-0x1E00+0x250]
	}
	return 0
}

// foldDecomposed folds the runes of a compatibility decomposition.
func foldDecomposed(d []byte, emit func(byte)) {
	for len(d) > 0 {
		r, n := utf8.DecodeRune(d)
		d = d[n:]
		switch {
		case r < utf8.RuneSelf:
			c := byte(r)
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				emit(c)
			case c >= 'A' && c <= 'Z':
				emit(c + 'a' - 'A')
			case c == '\'' || c == '`':
			default:
				emit(' ')
			}
		default:
			if fr, ok := foldRune(r); ok {
				for j := 0; j < len(fr); j++ {
					emit(fr[j])
				}
			} else {
				foldOther(r, emit)
			}
		}
	}
}

// foldOther folds a non-ASCII rune that has no decomposition.
func foldOther(r rune, emit func(byte)) {
	switch {
	case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r), unicode.Is(unicode.Mc, r):
		// combining marks vanish
	case isApostrophe(r):
	case unicode.IsLetter(r):
		if l := unicode.ToLower(r); l != r {
			if fr, ok := foldRune(l); ok {
				for j := 0; j < len(fr); j++ {
					emit(fr[j])
				}
			}
		}
		// other letters have no ASCII fold and are dropped
	case unicode.IsDigit(r):
		if v := digitValue(r); v >= 0 {
			emit(byte('0' + v))
		}
	default:
		emit(' ') // punctuation, symbols, controls, spaces, format runes
	}
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '`', 'ʼ', '‘', '’', '´', '′', 'ʻ', 'ʹ':
		return true
	}
	return false
}

// foldRune maps the few Latin letters whose ASCII fold is not reached by
// decomposition.
func foldRune(r rune) (string, bool) {
	switch r {
	case 'đ', 'Đ', 'ð', 'Ð', 'ɖ', 'Ɖ':
		return "d", true
	case 'ø', 'Ø':
		return "o", true
	case 'æ', 'Æ':
		return "ae", true
	case 'œ', 'Œ':
		return "oe", true
	case 'ß':
		return "ss", true
	case 'ł', 'Ł':
		return "l", true
	case 'ı':
		return "i", true
	case 'þ', 'Þ':
		return "th", true
	case 'ħ', 'Ħ':
		return "h", true
	}
	return "", false
}

// digitValue returns the value of a decimal digit rune, or -1.
func digitValue(r rune) int {
	for _, rt := range unicode.Nd.R16 {
		if uint16(r) >= rt.Lo && uint16(r) <= rt.Hi && r <= 0xFFFF {
			return int(uint16(r)-rt.Lo) % 10
		}
	}
	return -1
}
