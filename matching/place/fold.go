package place

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxInput bounds the input a lookup will fold. No province or ward name comes near it; longer input is unknown.
const maxInput = 256

// fold appends to dst the search form of s: every letter reduced to its base letter without diacritics (NFD, combining
// marks dropped; đ/Đ/ð/Ð -> d), lower-cased; every other character a separator; tokens separated by exactly one space
// with none leading or trailing. A run of digits is its own token ("P1" -> "p 1") with leading zeros dropped ("01" ->
// "1"). fold does not allocate when dst has room.
func fold(dst []byte, s string) []byte {
	fast := baseTable()
	tok := len(dst) // start of the current token in dst
	digits := false // the current token is a run of digits
	open := false   // a token is open
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		var c rune
		if r < fastRunes {
			c = fast[r]
		} else {
			c = baseRune(r, s[i:i+size])
		}
		i += size
		switch {
		case c == dropRune:
			continue
		case c == ' ':
			if open {
				dst = closeToken(dst, tok, digits)
				open = false
			}
			continue
		}
		isDigit := c >= '0' && c <= '9'
		if open && isDigit != digits {
			dst = closeToken(dst, tok, digits)
			open = false
		}
		if !open {
			if len(dst) > 0 {
				dst = append(dst, ' ')
			}
			tok, digits, open = len(dst), isDigit, true
		}
		dst = utf8.AppendRune(dst, c)
	}
	if open {
		dst = closeToken(dst, tok, digits)
	}
	return dst
}

// closeToken drops the leading zeros of a digit token that ends dst (keeping one digit).
func closeToken(dst []byte, tok int, digits bool) []byte {
	if !digits {
		return dst
	}
	z := tok
	for z < len(dst)-1 && dst[z] == '0' {
		z++
	}
	if z == tok {
		return dst
	}
	return append(dst[:tok], dst[z:]...)
}

// dropRune marks a rune that leaves no trace in the folded form (a combining mark).
const dropRune = -1

// fastRunes bounds the runes whose folded form baseTable holds: Latin, its extensions, the combining marks and the
// Vietnamese block (U+1EA0–U+1EF9).
const fastRunes = 0x2000

// baseTable holds baseRune of every rune below fastRunes, computed once.
var baseTable = sync.OnceValue(func() *[fastRunes]rune {
	var t [fastRunes]rune
	var enc [utf8.UTFMax]byte
	for r := range rune(fastRunes) {
		t[r] = baseRune(r, string(utf8.AppendRune(enc[:0], r)))
	}
	return &t
})

// baseRune maps r (whose UTF-8 encoding is enc) to its folded form: a lower-case base letter or digit, ' ' for a
// separator, or dropRune for a combining mark.
func baseRune(r rune, enc string) rune {
	if r >= utf8.RuneSelf && r != utf8.RuneError {
		// NFD is a full decomposition: its first rune is the base letter and has no decomposition itself.
		if d := norm.NFD.PropertiesString(enc).Decomposition(); len(d) > 0 {
			if b, _ := utf8.DecodeRune(d); b != utf8.RuneError {
				r = b
			}
		}
	}
	switch {
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return r
	case r >= 'A' && r <= 'Z':
		return r + ('a' - 'A')
	case r < utf8.RuneSelf, r == utf8.RuneError:
		return ' '
	case r == 'đ', r == 'Đ', r == 'ð', r == 'Ð':
		return 'd'
	case unicode.Is(unicode.Mn, r):
		return dropRune
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return unicode.ToLower(r)
	}
	return ' '
}

// compact appends the tokens of the folded form f without their separating spaces: the lookup key.
func compact(dst, f []byte) []byte {
	for _, c := range f {
		if c != ' ' {
			dst = append(dst, c)
		}
	}
	return dst
}

// cutPrefix removes a leading run of whole tokens p (like "thanh pho") from the folded form f.
func cutPrefix(f []byte, p string) ([]byte, bool) {
	if len(f) <= len(p) || string(f[:len(p)]) != p || f[len(p)] != ' ' {
		return f, false
	}
	return f[len(p)+1:], true
}
