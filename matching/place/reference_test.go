package place

import (
	"sync"
	"unicode/utf8"
)

// This file keeps the straightforward fold that the fast one replaced; FuzzFoldFast checks that they agree.

var refBaseTable = sync.OnceValue(func() *[fastRunes]rune {
	var t [fastRunes]rune
	var enc [utf8.UTFMax]byte
	for r := range rune(fastRunes) {
		t[r] = baseRune(r, string(utf8.AppendRune(enc[:0], r)))
	}
	return &t
})

func refFold(dst []byte, s string) []byte {
	fast := refBaseTable()
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
