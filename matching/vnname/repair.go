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
	if hasLatin1(s) {
		if r, ok := repairMojibake(s, decodeTCVN3); ok {
			return r, EncodingTCVN3
		}
		if r, ok := repairMojibake(s, decodeVNIWin); ok {
			return r, EncodingVNIWin
		}
	}
	return repairKeys(s)
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
	has := false
	for i := 0; i < len(w) && !has; i++ {
		switch c := w[i] | 0x20; {
		case w[i] >= '0' && w[i] <= '9', c == 'w', c == 'f', c == 'j', c == 'r', c == 's', c == 'x':
			has = true
		case i > 0 && (c == 'd' || c == 'a' || c == 'e' || c == 'o') && w[i-1]|0x20 == c:
			has = true
		}
	}
	return has && !plainSyllable(w)
}

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
	w := strings.ToLower(norm.NFC.String(tok))
	w = strings.ReplaceAll(w, "ð", "đ")
	return validSyllable(w) || plainSyllable(w)
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
		if spans[k].start > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:spans[k].start]); isWordRune(r) {
				continue // part of a word with non-ASCII letters
			}
		}
		if spans[k].end < len(s) {
			if r, _ := utf8.DecodeRuneInString(s[spans[k].end:]); isWordRune(r) {
				continue
			}
		}
		if !keyCandidate(tok) {
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
// a keyCandidate.
func anyKeyCandidate(s string) bool {
	start := -1
	for i := 0; i <= len(s); i++ {
		in := i < len(s) && s[i] < utf8.RuneSelf && isASCIIAlnum(rune(s[i]))
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			if keyCandidate(s[start:i]) {
				return true
			}
			start = -1
		}
	}
	return false
}
