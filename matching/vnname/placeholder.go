package vnname

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// placeholderLen returns how many leading tokens (folded and canonical) form a
// newborn placeholder such as "con ba", "cb", "be trai", "so sinh", "ss" or
// "baby", repeating while prefixes follow each other ("be trai con ba …").
// beAcute says the raw first word was written Bé (with an acute, not the
// circumflex of the family name Bế).
func placeholderLen(toks []string, beAcute bool) int {
	i := 0
	for i < len(toks) {
		n := placeholderAt(toks[i:], beAcute && i == 0)
		if n == 0 {
			break
		}
		i += n
	}
	return i
}

func placeholderAt(t []string, beAcute bool) int {
	next := func(k int) string {
		if k < len(t) {
			return t[k]
		}
		return ""
	}
	switch t[0] {
	case "cb", "ss", "babi":
		return 1
	case "so":
		if next(1) == "sinh" {
			return 2
		}
	case "con":
		switch next(1) {
		case "ba", "chi", "me", "ong":
			return 2
		case "cua":
			switch next(2) {
			case "ba", "chi", "me", "ong":
				return 3
			}
			return 2
		}
	case "be":
		switch {
		case next(1) == "trai" || next(1) == "gai":
			return 2
		case beAcute && len(t) > 1:
			return 1 // Bé followed by a name
		case strongFamilies[next(1)] && len(t) > 2:
			return 1 // be + Nguyễn …: a baby, not the family name Bế
		}
	}
	return 0
}

// firstWordIsBeAcute reports whether the first word of s is "Bé" in any case
// or normalization form (not "Bế", not a plain "Be").
func firstWordIsBeAcute(s string) bool {
	s = strings.TrimLeftFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	end := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsMark(r) })
	if end >= 0 {
		s = s[:end]
	}
	if len(s) > 8 {
		return false
	}
	var buf [8]byte
	if string(AppendFold(buf[:0], s)) != "be" {
		return false // cheap test first: most names do not start with Be
	}
	return strings.ToLower(norm.NFD.String(s)) == "be\u0301"
}
