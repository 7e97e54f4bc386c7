package place

import (
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// accentKey returns the diacritic-sensitive form of s used only to break ties between names that fold alike
// ("Văn Lang" and "Văn Lăng" in one province). It has the tokens of fold(s), each followed by the sorted combining
// marks of its letters, so tone placement ("hòa"/"hoà") and Unicode form still do not matter; đ stays distinct from d.
// Only the last n tokens are kept (the name without its type prefix); n < 0 keeps all.
func accentKey(s string, n int) string {
	var out []byte
	var marks []rune
	open, digits := false, false
	closeTok := func() {
		slices.Sort(marks)
		for _, m := range marks {
			out = utf8.AppendRune(out, m)
		}
		marks, open = marks[:0], false
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		enc := s[i : i+size]
		i += size
		c := baseRune(r, enc)
		switch {
		case c == dropRune:
			if open {
				marks = append(marks, r)
			}
			continue
		case c == ' ':
			if open {
				closeTok()
			}
			continue
		case c == 'd' && r != 'd' && r != 'D':
			c = 'đ'
		}
		isDigit := c >= '0' && c <= '9'
		if open && isDigit != digits {
			closeTok()
		}
		if !open {
			if len(out) > 0 {
				out = append(out, ' ')
			}
			open, digits = true, isDigit
		}
		out = utf8.AppendRune(out, c)
		if r >= utf8.RuneSelf {
			if d := norm.NFD.PropertiesString(enc).Decomposition(); len(d) > 0 {
				_, w := utf8.DecodeRune(d)
				for _, m := range string(d[w:]) {
					marks = append(marks, m)
				}
			}
		}
	}
	if open {
		closeTok()
	}
	return lastTokens(string(out), n)
}

// lastTokens returns the last n space-separated tokens of k (all of them when n < 0 or k has fewer).
func lastTokens(k string, n int) string {
	if n < 0 {
		return k
	}
	if n == 0 {
		return ""
	}
	i := len(k)
	for ; n > 0 && i > 0; n-- {
		i = strings.LastIndexByte(k[:i], ' ')
		if i < 0 {
			return k
		}
	}
	return k[i+1:]
}

// tokenCount returns the number of tokens of a folded form.
func tokenCount(f []byte) int {
	if len(f) == 0 {
		return 0
	}
	n := 1
	for _, c := range f {
		if c == ' ' {
			n++
		}
	}
	return n
}
