package vnname

// Canonical maps one folded syllable to the representative of its
// regional-variant class, so that variants compare equal:
//
//   - huynh → hoang (Huỳnh is the southern form of Hoàng),
//   - vo → vu (Võ is the southern form of Vũ),
//   - a final y after a consonant onset → i (vy → vi, ly → li, my → mi,
//     ky → ki, hy → hi), because Vy/Vi and Lý/Lí are spelling variants.
//
// The rhymes uy and ay keep their y (huy, thuy, tuyet, quy, may, hay), and a
// lone y (the Ê Đê male prefix) stays. These are equivalences, not typo
// corrections. Canonical is idempotent; it returns anything else unchanged.
func Canonical(syllable string) string {
	switch syllable {
	case "huynh":
		return "hoang"
	case "vo":
		return "vu"
	}
	n := len(syllable)
	if n >= 2 && syllable[n-1] == 'y' && isConsonantByte(syllable[n-2]) {
		return syllable[:n-1] + "i"
	}
	return syllable
}

func isConsonantByte(c byte) bool {
	if c < 'a' || c > 'z' {
		return false
	}
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return false
	}
	return true
}

// canonicalWords applies Canonical to every space-separated word of a folded string.
func canonicalWords(folded string) string {
	changed := false
	forEachWord(folded, func(w string) {
		if Canonical(w) != w {
			changed = true
		}
	})
	if !changed {
		return folded
	}
	out := make([]byte, 0, len(folded))
	forEachWord(folded, func(w string) {
		if len(out) > 0 {
			out = append(out, ' ')
		}
		out = append(out, Canonical(w)...)
	})
	return string(out)
}

// forEachWord calls f for each space-separated word of s.
func forEachWord(s string, f func(string)) {
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] == ' ' {
			i++
		}
		j := i
		for j < len(s) && s[j] != ' ' {
			j++
		}
		if j > i {
			f(s[i:j])
		}
		s = s[j:]
	}
}
