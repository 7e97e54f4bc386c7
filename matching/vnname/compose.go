package vnname

import (
	"strings"
	"unicode"
)

// compose writes a syllable given as lower-case letters (with vowel marks but
// no tone) and a tone, placing the tone mark by the traditional rule: on the
// marked vowel (ê, ơ, â, …; ơ in ươ), else on the last vowel before a final
// consonant, else on the first of two open vowels (hòa, thủy) or the middle of
// three (hoài). The u of qu and the i of gi belong to the onset.
func compose(letters []rune, tone int) string {
	if tone == toneNone {
		return string(letters)
	}
	start := 0
	for start < len(letters) && !isVowel(letters[start]) {
		start++
	}
	if start > 0 && start+1 < len(letters) && isVowel(letters[start+1]) {
		if (letters[start-1] == 'q' && letters[start] == 'u') || (letters[start-1] == 'g' && letters[start] == 'i') {
			start++
		}
	}
	end := start
	for end < len(letters) && isVowel(letters[end]) {
		end++
	}
	if end == start {
		return string(letters) // no vowel: nothing can carry the tone
	}
	pos := -1
	for k := start; k < end; k++ {
		switch letters[k] {
		case 'ă', 'â', 'ê', 'ô', 'ơ', 'ư':
			pos = k
		}
	}
	if pos < 0 {
		switch n := end - start; {
		case end < len(letters):
			pos = end - 1
		case n == 1:
			pos = start
		case n == 2:
			pos = start
		default:
			pos = start + 1
		}
	}
	out := make([]rune, len(letters))
	copy(out, letters)
	out[pos] = withTone(out[pos], tone)
	return string(out)
}

// applyCase gives decoded the letter case of orig: all upper when every
// letter of orig is upper case (and there are two or more), a capital first
// letter when orig starts with one, else unchanged.
func applyCase(orig, decoded string) string {
	upper, lower, first := 0, 0, rune(0)
	for _, r := range orig {
		if !unicode.IsLetter(r) {
			continue
		}
		if first == 0 {
			first = r
		}
		if unicode.IsUpper(r) {
			upper++
		} else if unicode.IsLower(r) {
			lower++
		}
	}
	switch {
	case upper >= 2 && lower == 0:
		return strings.ToUpper(decoded)
	case first != 0 && unicode.IsUpper(first):
		rs := []rune(decoded)
		if len(rs) > 0 {
			rs[0] = unicode.ToUpper(rs[0])
		}
		return string(rs)
	}
	return decoded
}
