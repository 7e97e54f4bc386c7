package vnname

import "strings"

// Tones, in the order the VNI keys 1–5 type them.
const (
	toneNone  = 0
	toneSac   = 1 // acute
	toneHuyen = 2 // grave
	toneHoi   = 3 // hook above
	toneNga   = 4 // tilde
	toneNang  = 5 // dot below
)

// tonedVowels lists, for each Vietnamese base vowel, its forms with the tones
// sắc, huyền, hỏi, ngã and nặng in that order.
var tonedVowels = [...]struct {
	base  rune
	toned string
}{
	{'a', "áàảãạ"}, {'ă', "ắằẳẵặ"}, {'â', "ấầẩẫậ"},
	{'e', "éèẻẽẹ"}, {'ê', "ếềểễệ"}, {'i', "íìỉĩị"},
	{'o', "óòỏõọ"}, {'ô', "ốồổỗộ"}, {'ơ', "ớờởỡợ"},
	{'u', "úùủũụ"}, {'ư', "ứừửữự"}, {'y', "ýỳỷỹỵ"},
}

// toneTab holds, for each rune from U+00C0 to U+1EFF, its untoned base and
// tone when it is a toned lower-case vowel; zero elsewhere.
const (
	toneLo = 0xC0
	toneHi = 0x1F00
)

var toneTab = func() *[toneHi - toneLo]struct {
	base rune
	tone uint8
} {
	var t [toneHi - toneLo]struct {
		base rune
		tone uint8
	}
	for _, v := range tonedVowels {
		tone := uint8(1)
		for _, c := range v.toned {
			t[c-toneLo].base, t[c-toneLo].tone = v.base, tone
			tone++
		}
	}
	return &t
}()

// splitTone returns the untoned base of a lower-case Vietnamese letter and its tone.
func splitTone(r rune) (rune, int) {
	if r < toneLo || r >= toneHi {
		return r, toneNone
	}
	if e := &toneTab[r-toneLo]; e.tone != 0 {
		return e.base, int(e.tone)
	}
	return r, toneNone
}

// withTone returns base carrying tone, or base itself when base is not a vowel.
func withTone(base rune, tone int) rune {
	if tone == toneNone {
		return base
	}
	for _, v := range tonedVowels {
		if v.base == base {
			t := 1
			for _, c := range v.toned {
				if t == tone {
					return c
				}
				t++
			}
		}
	}
	return base
}

func isVowel(r rune) bool {
	switch r {
	case 'a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y':
		return true
	}
	return false
}

// onsets are the written initial consonants, longest first.
var onsets = [...]string{"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu",
	"b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x"}

// rhymeList is every written Vietnamese rhyme (vần) without its tone.
var rhymeList = strings.Fields(`
a ac ach ai am an ang anh ao ap at au ay
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e ec em en eng eo ep et
ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oc oi om on ong op ot ooc oong
oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oe oen oeo oet
ô ôc ôi ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ua uc ui um un ung up ut uân uât uâng uây uê uêch uênh uơ
uy uya uych uyên uyêt uynh uyt uyu uôc uôi uôm uôn uông uôt
ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêng yêt yêu`)

// rhymes holds rhymeList; foldedRhymes holds the rhymes with their vowel marks
// removed, to tell whether an ASCII word could be a Vietnamese syllable typed
// without marks.
var (
	rhymes       = setOf(rhymeList, func(s string) string { return s })
	foldedRhymes = setOf(rhymeList, Fold)
)

func setOf(list []string, f func(string) string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[f(s)] = true
	}
	return m
}

// validSyllable reports whether s, one lower-case NFC word, is a well-formed
// Vietnamese syllable: a known onset, a known rhyme, at most one tone, and only
// sắc or nặng on rhymes ending in a stop (c, ch, p, t).
func validSyllable(s string) bool {
	if s == "" || len(s) > 24 {
		return false
	}
	var buf [24]byte
	letters := buf[:0]
	tone := toneNone
	for _, r := range s {
		b, t := splitTone(r)
		if t != toneNone {
			if tone != toneNone {
				return false
			}
			tone = t
		}
		letters = append(letters, string(b)...)
		if len(letters) > len(buf) {
			return false
		}
	}
	return validParts(string(letters), tone, rhymes)
}

// plainSyllable reports whether the ASCII word s (in any case) is a Vietnamese
// syllable written without any marks (nguyen, ngoc, hoa, xoong).
func plainSyllable(s string) bool {
	if len(s) > 24 {
		return false
	}
	var buf [24]byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c < 'a' || c > 'z' {
			return false
		}
		buf[i] = c
	}
	return validParts(string(buf[:len(s)]), toneNone, foldedRhymes)
}

// onsetSet holds the written onsets.
var onsetSet = setOf(onsets[:], func(s string) string { return s })

func validParts(letters string, tone int, set map[string]bool) bool {
	k := strings.IndexFunc(letters, isVowel)
	if k < 0 {
		return false
	}
	onset, rest := letters[:k], letters[k:]
	if onset == "" {
		return okRhyme(rest, tone, set)
	}
	if !onsetSet[onset] && onset != "q" {
		return false
	}
	if onset != "q" && set[rest] && onsetFits(onset, rest) && toneFits(rest, tone) {
		return true
	}
	// The u of qu and the i of gi are written as vowels but belong to the onset.
	if (onset == "q" && strings.HasPrefix(rest, "u")) || (onset == "g" && strings.HasPrefix(rest, "i")) {
		o, r := onset+rest[:1], rest[1:]
		if r == "" {
			return false
		}
		if set[r] && onsetFits(o, r) && toneFits(r, tone) {
			return true
		}
		if o == "gi" && set["i"+r] && toneFits("i"+r, tone) {
			return true // giêng = gi + iêng
		}
	}
	return false
}

func okRhyme(r string, tone int, set map[string]bool) bool {
	return set[r] && toneFits(r, tone)
}

// toneFits: rhymes closed by a stop take only sắc or nặng.
func toneFits(rhyme string, tone int) bool {
	if strings.HasSuffix(rhyme, "c") || strings.HasSuffix(rhyme, "ch") ||
		strings.HasSuffix(rhyme, "p") || strings.HasSuffix(rhyme, "t") {
		return tone == toneSac || tone == toneNang
	}
	return true
}

// onsetFits applies the spelling rules c/k, g/gh and ng/ngh before front vowels.
func onsetFits(onset, rhyme string) bool {
	front := strings.HasPrefix(rhyme, "e") || strings.HasPrefix(rhyme, "ê") ||
		strings.HasPrefix(rhyme, "i") || strings.HasPrefix(rhyme, "y")
	switch onset {
	case "c", "ng":
		return !front
	case "g":
		return !front || strings.HasPrefix(rhyme, "i")
	case "k", "gh", "ngh":
		return front
	case "qu":
		return !strings.HasPrefix(rhyme, "u")
	}
	return true
}

// IsSyllable reports whether a folded word (lower-case ASCII, as Fold
// returns) is a Vietnamese syllable written without marks: "nguyen",
// "ngoc", "phi" are; "pih", "vunog", "binnh" — typing slips — are not.
// The tone is unknown once folded, so any tone the rhyme allows is assumed.
func IsSyllable(folded string) bool {
	if folded == "" || len(folded) > 24 {
		return false
	}
	for i := 0; i < len(folded); i++ {
		if c := folded[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	// q + a u-rhyme (quynh = q + uynh) besides qu + rhyme (quang).
	return validParts(folded, toneSac, foldedRhymes) ||
		folded[0] == 'q' && strings.HasPrefix(folded[1:], "u") && foldedRhymes[folded[1:]]
}
