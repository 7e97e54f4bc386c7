package vnname

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// This file keeps the straightforward implementations that the fast paths
// replaced. The differential tests (fastpath_test.go) check that the fast
// code gives exactly their results.

func refRepair(s string) (string, Encoding) {
	first := EncodingNone
	for range 64 {
		out, enc := refRepairOnce(s)
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

func refRepairOnce(s string) (string, Encoding) {
	if hasLatin1(s) {
		if r, ok := refRepairMojibake(s, decodeTCVN3); ok {
			return r, EncodingTCVN3
		}
		if r, ok := refRepairMojibake(s, decodeVNIWin); ok {
			return r, EncodingVNIWin
		}
	}
	return refRepairKeys(s)
}

func refValidWord(tok string) bool {
	w := strings.ToLower(norm.NFC.String(tok))
	w = strings.ReplaceAll(w, "ð", "đ")
	return refValidSyllable(w) || plainSyllable(w)
}

func refValidSyllable(s string) bool {
	if s == "" || len(s) > 24 {
		return false
	}
	var buf [24]byte
	letters := buf[:0]
	tone := toneNone
	for _, r := range s {
		b, t := refSplitTone(r)
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

// refToneOf maps every toned vowel to its base and tone.
var refToneOf = func() map[rune][2]rune {
	m := make(map[rune][2]rune, 60)
	for _, v := range tonedVowels {
		t := rune(1)
		for _, c := range v.toned {
			m[c] = [2]rune{v.base, t}
			t++
		}
	}
	return m
}()

func refSplitTone(r rune) (rune, int) {
	if r < 0xC0 {
		return r, toneNone
	}
	if bt, ok := refToneOf[r]; ok {
		return bt[0], int(bt[1])
	}
	return r, toneNone
}

func refRepairMojibake(s string, decode func(string) (string, bool)) (string, bool) {
	spans := tokens(s, isMojibakeRune)
	rescued := false
	for k := range spans {
		tok := norm.NFC.String(s[spans[k].start:spans[k].end])
		dec, changed := decode(tok)
		if !changed {
			continue
		}
		if !refValidWord(dec) {
			return s, false
		}
		if !refValidWord(tok) {
			rescued = true
		}
		spans[k].repl = applyCase(tok, dec)
	}
	if !rescued {
		return s, false
	}
	return rebuild(s, spans), true
}

func refRepairKeys(s string) (string, Encoding) {
	if !refAnyKeyCandidate(s) {
		return s, EncodingNone
	}
	spans := tokens(s, isASCIIAlnum)
	strongEnc := EncodingNone
	found := false
	for k := range spans {
		tok := s[spans[k].start:spans[k].end]
		if spans[k].start > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:spans[k].start]); isWordRune(r) {
				continue
			}
		}
		if spans[k].end < len(s) {
			if r, _ := utf8.DecodeRuneInString(s[spans[k].end:]); isWordRune(r) {
				continue
			}
		}
		if !refKeyCandidate(tok) {
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

func refAnyKeyCandidate(s string) bool {
	start := -1
	for i := 0; i <= len(s); i++ {
		in := i < len(s) && s[i] < utf8.RuneSelf && isASCIIAlnum(rune(s[i]))
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			if refKeyCandidate(s[start:i]) {
				return true
			}
			start = -1
		}
	}
	return false
}

func refParse(full string) (Name, Flags) {
	var flags Flags
	s, enc := refRepair(full)
	if enc != EncodingNone {
		flags |= FlagRepaired
	}
	beAcute := firstWordIsBeAcute(s)
	toks := strings.Fields(refFold(s))
	for range 4 {
		for k, t := range toks {
			toks[k] = Canonical(t)
		}
		if n := placeholderLen(toks, beAcute); n > 0 {
			flags |= FlagPlaceholder
			toks = toks[n:]
		}
		beAcute = false
		if !anyToken(toks, refKeyCandidate) {
			break
		}
		r, e := refRepairKeys(strings.Join(toks, " "))
		if e == EncodingNone {
			break
		}
		flags |= FlagRepaired
		toks = strings.Fields(refFold(r))
	}
	name, f := refSplit(toks)
	return name, flags | f
}

func refSplit(toks []string) (Name, Flags) {
	switch len(toks) {
	case 0:
		return Name{}, FlagEmpty
	case 1:
		return Name{Given: toks[0]}, FlagGivenOnly
	}
	if j, k := givenFirst(toks); j > 0 {
		rest := make([]string, 0, len(toks))
		given, mid := toks[0], toks[1:j]
		if given == "y" && j > 1 {
			given, mid = toks[1], append([]string{"y"}, toks[2:j]...)
		}
		rest = append(rest, toks[j:j+k]...)
		rest = append(rest, mid...)
		rest = append(rest, toks[j+k:]...)
		rest = append(rest, given)
		if familyAt(rest, 0) == k {
			n, f := refStandard(rest)
			return n, f | FlagReordered
		}
	}
	return refStandard(toks)
}

func refStandard(toks []string) (Name, Flags) {
	var flags Flags
	k := familyAt(toks, 0)
	switch {
	case k == 0 || k >= len(toks):
		k = 1
	case k > 1:
		flags |= FlagCompoundFamily
	}
	n := len(toks)
	return Name{
		Family: strings.Join(toks[:k], " "),
		Middle: strings.Join(toks[k:n-1], " "),
		Given:  toks[n-1],
	}, flags
}

func refParseParts(family, middle, given string) (Name, Flags) {
	var flags Flags
	var parts [3]string
	for i, p := range [...]string{family, middle, given} {
		s, enc := refRepair(p)
		if enc != EncodingNone {
			flags |= FlagRepaired
		}
		parts[i] = canonicalWords(refFold(s))
	}
	name := Name{Family: parts[0], Middle: parts[1], Given: parts[2]}
	raw := strings.Join(strings.Fields(family+" "+middle+" "+given), " ")
	toks := strings.Fields(name.Full())
	if len(toks) == 0 {
		return Name{}, flags | FlagEmpty
	}
	if placeholderLen(toks, firstWordIsBeAcute(raw)) > 0 {
		n, f := refParse(raw)
		return n, f | flags
	}
	if strings.Contains(name.Family, " ") {
		flags |= FlagCompoundFamily
	}
	return name, flags
}

func refFold(s string) string {
	if isFolded(s) {
		return s
	}
	var buf [64]byte
	return string(refAppendFold(buf[:0], s))
}

func refAppendFold(dst []byte, s string) []byte {
	start := len(dst)
	space := true
	emit := func(c byte) {
		if c == ' ' {
			space = true
			return
		}
		if space && len(dst) > start {
			dst = append(dst, ' ')
		}
		space = false
		dst = append(dst, c)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				emit(c)
			case c >= 'A' && c <= 'Z':
				emit(c + 'a' - 'A')
			case c == '\'' || c == '`':
			default:
				emit(' ')
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if c := latinFold(&latinTable, r); c != 0 {
			if c != 1 {
				emit(c)
			}
			i += n
			continue
		}
		if fr, ok := foldRune(r); ok {
			for j := 0; j < len(fr); j++ {
				emit(fr[j])
			}
		} else {
			p := norm.NFKD.PropertiesString(s[i : i+n])
			if d := p.Decomposition(); len(d) > 0 {
				foldDecomposed(d, emit)
			} else {
				foldOther(r, emit)
			}
		}
		i += n
	}
	return dst
}

func refKeyCandidate(w string) bool {
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
