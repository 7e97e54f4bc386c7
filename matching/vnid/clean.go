package vnid

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxClean is the longest value, separators removed, that the parsers look at. Longer values
// are rejected before any further work.
const maxClean = 24

// compact copies s into dst without the bytes for which sep is true and returns the number of
// bytes kept. fits is false when more than len(dst) bytes would be kept.
func compact(dst *[maxClean]byte, s string, sep func(byte) bool) (n int, fits bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if sep(c) {
			continue
		}
		if n == len(dst) {
			return n, false
		}
		dst[n] = c
		n++
	}
	return n, true
}

// trimExport removes two artefacts of spreadsheets and data-frame exports: a leading apostrophe
// (Excel's "store as text" mark) and a trailing ".0" left when an integer column became a float
// (1099012345.0). A ".0" is removed only when it holds the value's only dot, so dotted groups
// such as 001.099.012.345 are left alone. It trims white space first; empty reports that
// nothing else was there.
func trimExport(s string) (t string, empty bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	s = strings.TrimPrefix(s, "'")
	if strings.HasSuffix(s, ".0") && strings.IndexByte(s, '.') == len(s)-2 {
		s = s[:len(s)-2]
	}
	return s, false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }

func isLetter(c byte) bool { return isUpper(c) || isLower(c) }

// allDigits reports whether b is non-empty and holds only ASCII digits.
func allDigits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// junkDigits reports whether the digits b are a placeholder: one digit repeated (0, 000000000,
// 999999999), or, from six digits on, a run that climbs or falls by one at each step, wrapping
// from 9 to 0 (0123456789, 1234567890, 9876543210, 0987654321).
func junkDigits(b []byte) bool {
	if len(b) < 2 {
		return len(b) == 1
	}
	step := digitStep(b[0], b[1])
	if step != 0 && (len(b) < 6 || (step != 1 && step != 9)) {
		return false
	}
	for i := 2; i < len(b); i++ {
		if digitStep(b[i-1], b[i]) != step {
			return false // real values leave here within a digit or two
		}
	}
	return true
}

// digitStep returns (b - a) mod 10 for the ASCII digits a and b.
func digitStep(a, b byte) byte {
	d := b + 10 - a
	if d >= 10 {
		d -= 10
	}
	return d
}

// placeholder reports whether s is a placeholder word or punctuation: it is folded to a skeleton
// of lower-case ASCII letters and digits (accents and marks dropped, đ -> d, punctuation and
// spaces skipped) and the skeleton is compared with a short list ("khongro", "na", "null", …).
// A skeleton that is empty or one character repeated ("-", "?", "xxx") is a placeholder too.
func placeholder(s string) bool {
	var sk [maxClean]byte
	n := 0
	for _, r := range s {
		c := foldRune(r)
		if c == 0 {
			continue
		}
		if n == len(sk) {
			return false
		}
		sk[n] = c
		n++
	}
	if n == 0 || allSame(sk[:n]) {
		return true
	}
	switch string(sk[:n]) {
	case "na", "nan", "null", "nil", "none", "unknown", "empty",
		"khong", "ko", "k", "khongro", "kro", "kr", "khongco", "kco", "kc", "khongbiet", "kb",
		"khongxacdinh", "kxd", "khongnho", "chuaco", "chuaro", "chuaxacdinh", "chuacap", "chuabiet":
		return true
	}
	return false
}

// foldRune maps r to the lower-case ASCII letter or digit it is written with, '*' for any other
// letter or digit, and 0 for what a skeleton skips (spaces, punctuation, symbols, combining marks).
func foldRune(r rune) byte {
	if r < utf8.RuneSelf {
		c := byte(r)
		switch {
		case isUpper(c):
			return c + 'a' - 'A'
		case isLower(c), isDigit(c):
			return c
		}
		return 0
	}
	switch r {
	case 'đ', 'Đ', 'ð', 'Ð':
		return 'd'
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return 0
	}
	var buf [utf8.UTFMax]byte
	d := norm.NFD.Properties(buf[:utf8.EncodeRune(buf[:], r)]).Decomposition()
	if len(d) > 0 && d[0] < utf8.RuneSelf {
		if c := foldRune(rune(d[0])); c != 0 {
			return c
		}
	}
	return '*'
}

func allSame(b []byte) bool {
	for _, c := range b[1:] {
		if c != b[0] {
			return false
		}
	}
	return true
}
