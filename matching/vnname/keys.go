package vnname

// keyDecode is the result of reading one token as IME keystrokes.
type keyDecode struct {
	text   string // lower-case NFC syllable
	strong bool   // the token carries evidence no plain or English word would
}

// telex reads a lower-case ASCII word typed in Telex with the Vietnamese IME
// off: dd → đ, aa/ee/oo → â/ê/ô, aw/ow/uw → ă/ơ/ư (uow → ươ, a lone w → ư),
// and a final tone key s/f/r/x/j (sắc, huyền, hỏi, ngã, nặng) after the vowels,
// followed by nothing but final consonants. ok is false when the word has no
// Telex keys or does not decode to a valid syllable.
func telex(w string) (keyDecode, bool) {
	var buf [24]rune
	out := buf[:0]
	tone, marks, strong := toneNone, 0, false
	i := 0
	if len(w) >= 3 && w[0] == 'd' && w[1] == 'd' {
		out = append(out, 'đ')
		i, marks, strong = 2, 1, true
	}
	for ; i < len(w); i++ {
		c := rune(w[i])
		if len(out) >= len(buf)-1 {
			return keyDecode{}, false
		}
		if t := telexTone(c); t != toneNone && tone == toneNone && hasVowel(out) && codaOnly(w[i+1:]) {
			tone, marks = t, marks+1
			strong = strong || c == 'f' || c == 'r' || c == 'j'
			continue
		}
		last := len(out) - 1
		switch {
		case c == 'w':
			k := lastVowel(out)
			switch {
			case k >= 0 && out[k] == 'a':
				out[k] = 'ă'
			case k >= 0 && out[k] == 'o':
				out[k] = 'ơ'
				if k > 0 && out[k-1] == 'u' {
					out[k-1] = 'ư'
				}
			case k >= 0 && out[k] == 'u':
				out[k] = 'ư'
			case k == last || k < 0:
				out = append(out, 'ư')
			default:
				return keyDecode{}, false
			}
			marks, strong = marks+1, true
		case (c == 'a' || c == 'e' || c == 'o') && last >= 0 && out[last] == c:
			out[last] = circumflex(c)
			marks++
		default:
			out = append(out, c)
		}
	}
	if marks == 0 {
		return keyDecode{}, false
	}
	fixUO(out)
	return finishKeys(out, tone, strong || marks >= 2)
}

// vniKeys reads a lower-case ASCII word typed with VNI keys: 1–5 tones
// (sắc, huyền, hỏi, ngã, nặng), 6 circumflex, 7 horn, 8 breve, 9 đ.
func vniKeys(w string) (keyDecode, bool) {
	var buf [24]rune
	out := buf[:0]
	tone, marks := toneNone, 0
	for i := 0; i < len(w); i++ {
		c := rune(w[i])
		if len(out) >= len(buf)-1 {
			return keyDecode{}, false
		}
		if c < '0' || c > '9' {
			out = append(out, c)
			continue
		}
		marks++
		switch {
		case c >= '1' && c <= '5':
			if tone != toneNone || !hasVowel(out) {
				return keyDecode{}, false
			}
			tone = int(c - '0')
		case c == '6':
			k := lastOf(out, 'a', 'e', 'o')
			if k < 0 {
				return keyDecode{}, false
			}
			out[k] = circumflex(out[k])
		case c == '7':
			k := lastOf(out, 'o', 'u', 'u')
			if k < 0 {
				return keyDecode{}, false
			}
			if out[k] == 'o' {
				out[k] = 'ơ'
				if k > 0 && out[k-1] == 'u' {
					out[k-1] = 'ư'
				}
			} else {
				out[k] = 'ư'
			}
		case c == '8':
			k := lastOf(out, 'a', 'a', 'a')
			if k < 0 {
				return keyDecode{}, false
			}
			out[k] = 'ă'
		case c == '9':
			k := lastOf(out, 'd', 'd', 'd')
			if k < 0 {
				return keyDecode{}, false
			}
			out[k] = 'đ'
		default:
			return keyDecode{}, false
		}
	}
	if marks == 0 {
		return keyDecode{}, false
	}
	fixUO(out)
	return finishKeys(out, tone, true)
}

func finishKeys(out []rune, tone int, strong bool) (keyDecode, bool) {
	if len(out) < 2 {
		return keyDecode{}, false // a lone letter is too little evidence
	}
	s := compose(out, tone)
	if !validSyllable(s) {
		return keyDecode{}, false
	}
	return keyDecode{text: s, strong: strong}, true
}

func telexTone(c rune) int {
	switch c {
	case 's':
		return toneSac
	case 'f':
		return toneHuyen
	case 'r':
		return toneHoi
	case 'x':
		return toneNga
	case 'j':
		return toneNang
	}
	return toneNone
}

// codaOnly reports whether s could be the final consonant(s) of a syllable.
func codaOnly(s string) bool {
	switch s {
	case "", "c", "ch", "m", "n", "ng", "nh", "p", "t":
		return true
	}
	return false
}

func circumflex(r rune) rune {
	switch r {
	case 'a':
		return 'â'
	case 'e':
		return 'ê'
	case 'o':
		return 'ô'
	}
	return r
}

func hasVowel(rs []rune) bool { return lastVowel(rs) >= 0 }

func lastVowel(rs []rune) int {
	for k := len(rs) - 1; k >= 0; k-- {
		if isVowel(rs[k]) {
			return k
		}
	}
	return -1
}

func lastOf(rs []rune, a, b, c rune) int {
	for k := len(rs) - 1; k >= 0; k-- {
		if rs[k] == a || rs[k] == b || rs[k] == c {
			return k
		}
	}
	return -1
}

// fixUO turns ưo and uơ into ươ, as Vietnamese IMEs do.
func fixUO(rs []rune) {
	for k := 0; k+1 < len(rs); k++ {
		if (rs[k] == 'ư' && rs[k+1] == 'o') || (rs[k] == 'u' && rs[k+1] == 'ơ' && k+2 < len(rs)) {
			rs[k], rs[k+1] = 'ư', 'ơ'
		}
	}
}
