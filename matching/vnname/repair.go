package vnname

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Encoding says which repair Repair applied.
type Encoding uint8

// Encodings Repair recognises.
const (
	// EncodingNone: the input was left as it was.
	EncodingNone Encoding = iota
	// EncodingTCVN3: TCVN3 (ABC) 8-bit font bytes read as Latin-1 ("NguyÔn V¨n").
	EncodingTCVN3
	// EncodingVNIWin: VNI-Windows font bytes read as Latin-1 ("Nguyeãn Vaên").
	EncodingVNIWin
	// EncodingTelex: Telex keystrokes typed with the IME off ("Nguyeenx Vawn").
	EncodingTelex
	// EncodingVNIKeys: VNI keystrokes typed with the IME off ("Nguye64n Va8n").
	EncodingVNIKeys
)

// String returns the encoding's short name.
func (e Encoding) String() string {
	switch e {
	case EncodingNone:
		return "none"
	case EncodingTCVN3:
		return "tcvn3"
	case EncodingVNIWin:
		return "vni-win"
	case EncodingTelex:
		return "telex"
	case EncodingVNIKeys:
		return "vni-keys"
	}
	return "unknown"
}

// Repair returns s decoded to NFC Vietnamese when it is recognisably legacy
// 8-bit-font mojibake (TCVN3, VNI-Windows) or keystroke residue typed with the
// Vietnamese IME off (Telex, VNI keys), and which repair it applied.
//
// Repair is conservative. A word is rewritten only when the result is a valid
// Vietnamese syllable and the word is not already one (with or without
// marks), and the name as a whole must carry evidence of the encoding:
//   - mojibake: at least one word that is invalid as it stands becomes valid,
//     and every word the decoder touches becomes valid;
//   - keystrokes: at least one rewritten word carries strong evidence (dd, a w
//     modifier, a tone key f/r/j, two or more keys, or any VNI digit). A lone
//     doubled vowel or final s/x is too common in foreign names (Lee, Ross, Max).
//
// Otherwise s comes back unchanged with EncodingNone: Hoa, Thu, Ross, Ngoc are
// left alone. Mojibake is tried before keystrokes, in rounds until nothing
// changes; the Encoding is that of the first repair applied.
// Repair(Repair(s)) == Repair(s).
func Repair(s string) (string, Encoding) {
	// Each round turns at least one invalid word valid and never a valid word
	// invalid, so the loop ends; running it to a fixpoint makes Repair
	// idempotent even when one decoder's success lets another apply.
	first := EncodingNone
	for range 64 {
		out, enc := repairOnce(s)
		if enc == EncodingNone {
			break
		}
		if first == EncodingNone {
			first = enc
		}
		s = out
	}
	return s, first
}

func repairOnce(s string) (string, Encoding) {
	// A mojibake repair needs a word that is invalid as it stands; names
	// written in proper Unicode have none, and skip both decoders.
	if hasLatin1(s) && anyInvalidWord(s) {
		// Where both decoders give valid words, the case decides: TCVN3
		// kept capitals in separate fonts on the same codes, so capitals
		// reach us as lower-case glyphs, while VNI-Windows has capital
		// glyphs (Ø, Ò, Ã) of its own. All-capital text is VNI first.
		first, second := decodeTCVN3, decodeVNIWin
		e1, e2 := EncodingTCVN3, EncodingVNIWin
		if !hasLowerASCII(s) {
			first, second, e1, e2 = second, first, e2, e1
		}
		if r, ok := repairMojibake(s, first); ok {
			return r, e1
		}
		if r, ok := repairMojibake(s, second); ok {
			return r, e2
		}
	}
	return repairKeys(s)
}

// anyInvalidWord reports, without allocating, whether some token of s (a run
// of isMojibakeRune) is not a validWord: repairMojibake rescues nothing
// otherwise.
func anyInvalidWord(s string) bool {
	start := -1
	for i := 0; i <= len(s); {
		in, n := false, 1
		if i < len(s) {
			if c := s[i]; c < utf8.RuneSelf {
				in = isASCIIAlnum(rune(c))
			} else {
				var r rune
				r, n = utf8.DecodeRuneInString(s[i:])
				in = isMojibakeRune(r)
			}
		}
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			if !validWord(s[start:i]) {
				return true
			}
			start = -1
		}
		i += n
	}
	return false
}

// hasLatin1 reports whether s has a rune in U+00A0–U+00FF, where every
// mojibake character of TCVN3 and VNI-Windows lies.
func hasLatin1(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0xC2 || s[i] == 0xC3 {
			return true
		}
	}
	return false
}

// keyCandidate reports whether the ASCII word w could be keystroke residue:
// it holds a Telex key or a VNI digit and is not a plain syllable.
func keyCandidate(w string) bool {
	return hasKey(w) && !plainSyllable(w)
}

// hasKey reports whether the ASCII word w holds a Telex key or a VNI digit:
// a digit, w, f, j, r, s or x, or a doubled d, a, e or o (in any case).
func hasKey(w string) bool {
	for i := 0; i < len(w); i++ {
		switch k := keyByte[w[i]]; {
		case k == keyAlways:
			return true
		case k != 0 && i > 0 && w[i-1]|0x20 == k:
			return true
		}
	}
	return false
}

// keyByte classifies bytes for hasKey: keyAlways for a key on its own, the
// lower-case letter for one that is a key when doubled, else 0.
const keyAlways = 1

var keyByte = func() (t [256]byte) {
	for b := range 256 {
		switch c := byte(b) | 0x20; {
		case b >= '0' && b <= '9', c == 'w', c == 'f', c == 'j', c == 'r', c == 's', c == 'x':
			t[b] = keyAlways
		case c == 'd', c == 'a', c == 'e', c == 'o':
			t[b] = c
		}
	}
	return t
}()

// span is a token's byte range in the input and its replacement.
type span struct {
	start, end int
	repl       string
}

// tokens splits s into maximal runs of runes for which in is true.
func tokens(s string, in func(rune) bool) []span {
	var out []span
	start := -1
	for i, r := range s {
		switch {
		case in(r) && start < 0:
			start = i
		case !in(r) && start >= 0:
			out = append(out, span{start: start, end: i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, span{start: start, end: len(s)})
	}
	return out
}

// rebuild returns s with the replaced spans substituted, in NFC.
func rebuild(s string, spans []span) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	prev := 0
	for _, sp := range spans {
		if sp.repl == "" {
			continue
		}
		b.WriteString(s[prev:sp.start])
		b.WriteString(sp.repl)
		prev = sp.end
	}
	b.WriteString(s[prev:])
	return norm.NFC.String(b.String())
}

// validWord reports whether tok, in any case and normalization form, is a valid
// Vietnamese syllable (Ð/ð read as Đ/đ).
func validWord(tok string) bool {
	var buf [maxSyllable]byte
	w, ok := lowerPrecomposed(buf[:0], tok)
	if !ok {
		return validWordSlow(tok)
	}
	if len(w) > maxSyllable {
		return false // too long for validSyllable and plainSyllable
	}
	return validSyllable(string(w)) || plainSyllable(string(w))
}

// validWordSlow is validWord for any input.
func validWordSlow(tok string) bool {
	w := strings.ToLower(norm.NFC.String(tok))
	w = strings.ReplaceAll(w, "ð", "đ")
	return validSyllable(w) || plainSyllable(w)
}

// maxSyllable is the longest syllable, in bytes, that validSyllable and
// plainSyllable accept.
const maxSyllable = 24

// lowerPrecomposed appends strings.ToLower(tok) with ð read as đ, and reports
// true, when tok has only runes below U+0300 or in the Latin Extended
// Additional block (U+1E00–U+1EFF). Such text is in NFC already: every one of
// those runes is NFC-stable and a starter that never composes with what
// precedes it (TestPrecomposedNFC). Otherwise it reports false, and it
// stops once dst would pass maxSyllable bytes (the result is then longer
// than maxSyllable, which callers treat as too long).
func lowerPrecomposed(dst []byte, tok string) ([]byte, bool) {
	for i := 0; i < len(tok); {
		c := tok[i]
		if c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
		} else {
			r, n := utf8.DecodeRuneInString(tok[i:])
			if !(r < 0x300 || (r >= 0x1E00 && r < 0x1F00)) {
				return dst, false
			}
			r = unicode.ToLower(r)
			if r == 'ð' {
				r = 'đ'
			}
			dst = utf8.AppendRune(dst, r)
			i += n
		}
		if len(dst) > maxSyllable {
			// Still reject runes the fast path cannot read, so that the
			// answer never depends on where the scan stopped.
			for _, r := range tok[i:] {
				if !(r < 0x300 || (r >= 0x1E00 && r < 0x1F00)) {
					return dst, false
				}
			}
			return dst, true
		}
	}
	return dst, true
}

func repairMojibake(s string, decode func(string) (string, bool)) (string, bool) {
	spans := tokens(s, isMojibakeRune)
	rescued := false
	for k := range spans {
		tok := norm.NFC.String(s[spans[k].start:spans[k].end])
		dec, changed := decode(tok)
		if !changed {
			continue
		}
		if !validWord(dec) {
			return s, false // the decoder garbles a word: not this encoding
		}
		if !validWord(tok) {
			rescued = true
		}
		spans[k].repl = applyCase(tok, dec)
	}
	if !rescued {
		return s, false
	}
	return rebuild(s, spans), true
}

func isASCIIAlnum(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

func repairKeys(s string) (string, Encoding) {
	if !anyKeyCandidate(s) {
		return s, EncodingNone
	}
	spans := tokens(s, isASCIIAlnum)
	strongEnc := EncodingNone
	found := false
	for k := range spans {
		tok := s[spans[k].start:spans[k].end]
		if gluedASCII(s, spans[k].start, spans[k].end) || !keyCandidate(tok) {
			continue
		}
		w := strings.ToLower(tok)
		var d keyDecode
		var ok bool
		enc := EncodingTelex
		if strings.ContainsAny(w, "0123456789") {
			if w[0] >= '0' && w[0] <= '9' {
				continue
			}
			d, ok = vniKeys(w)
			enc = EncodingVNIKeys
		} else {
			d, ok = telex(w)
		}
		if !ok {
			continue
		}
		spans[k].repl = applyCase(tok, d.text)
		found = true
		if d.strong && strongEnc == EncodingNone {
			strongEnc = enc
		}
	}
	if !found || strongEnc == EncodingNone {
		return s, EncodingNone
	}
	return rebuild(s, spans), strongEnc
}

// isWordRune: non-ASCII letters and marks glue to a neighbouring ASCII run.
func isWordRune(r rune) bool {
	return r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsMark(r))
}

// anyKeyCandidate reports, without allocating, whether some ASCII word of s is
// a keyCandidate that repairKeys would consider: one not glued to non-ASCII
// letters or marks.
func anyKeyCandidate(s string) bool {
	start := -1
	for i := 0; i <= len(s); i++ {
		in := i < len(s) && s[i] < utf8.RuneSelf && isASCIIAlnum(rune(s[i]))
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			if w := s[start:i]; hasKey(w) && !gluedASCII(s, start, i) && !plainSyllable(w) {
				return true
			}
			start = -1
		}
	}
	return false
}

// gluedASCII reports whether the ASCII run s[start:end] touches a non-ASCII
// letter or mark, and so belongs to a word repairKeys leaves alone.
func gluedASCII(s string, start, end int) bool {
	if start > 0 {
		if r, _ := utf8.DecodeLastRuneInString(s[:start]); isWordRune(r) {
			return true
		}
	}
	if end < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[end:]); isWordRune(r) {
			return true
		}
	}
	return false
}

// hasLowerASCII reports whether s holds a lower-case ASCII letter.
func hasLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}
