package vnname

import "unicode"

// tcvn3 maps the Latin-1 characters that TCVN3 (ABC) font bytes show up as,
// once the bytes are read as Windows-1252/Latin-1, to the letters they encode.
// TCVN3 has no upper-case toned vowels (the upper-case font reuses these codes).
var tcvn3 = map[rune]rune{
	'¡': 'Ă', '¢': 'Â', '£': 'Ê', '¤': 'Ô', '¥': 'Ơ', '¦': 'Ư', '§': 'Đ',
	'¨': 'ă', '©': 'â', 'ª': 'ê', '«': 'ô', '¬': 'ơ', '\u00AD': 'ư', '®': 'đ',
	'µ': 'à', '¶': 'ả', '·': 'ã', '¸': 'á', '¹': 'ạ',
	'»': 'ằ', '¼': 'ẳ', '½': 'ẵ', '¾': 'ắ', 'Æ': 'ặ',
	'Ç': 'ầ', 'È': 'ẩ', 'É': 'ẫ', 'Ê': 'ấ', 'Ë': 'ậ',
	'Ì': 'è', 'Î': 'ẻ', 'Ï': 'ẽ', 'Ð': 'é', 'Ñ': 'ẹ',
	'Ò': 'ề', 'Ó': 'ể', 'Ô': 'ễ', 'Õ': 'ế', 'Ö': 'ệ',
	'×': 'ì', 'Ø': 'ỉ', 'Ü': 'ĩ', 'Ý': 'í', 'Þ': 'ị',
	'ß': 'ò', 'á': 'ỏ', 'â': 'õ', 'ã': 'ó', 'ä': 'ọ',
	'å': 'ồ', 'æ': 'ổ', 'ç': 'ỗ', 'è': 'ố', 'é': 'ộ',
	'ê': 'ờ', 'ë': 'ở', 'ì': 'ỡ', 'í': 'ớ', 'î': 'ợ',
	'ï': 'ù', 'ñ': 'ủ', 'ò': 'ũ', 'ó': 'ú', 'ô': 'ụ',
	'õ': 'ừ', 'ö': 'ử', '÷': 'ữ', 'ø': 'ứ', 'ù': 'ự',
	'ú': 'ỳ', 'û': 'ỷ', 'ü': 'ỹ', 'ý': 'ý', 'þ': 'ỵ',
}

// decodeTCVN3 decodes one token; changed reports whether any rune was mapped.
func decodeTCVN3(tok string) (out string, changed bool) {
	rs := []rune(tok)
	for k, r := range rs {
		if k == 0 && r == 'Ð' {
			continue // a leading Ð is the Đ look-alike far more often than TCVN3 é
		}
		if d, ok := tcvn3[r]; ok {
			rs[k], changed = d, true
		}
	}
	return string(rs), changed
}

// vniMark is what a VNI-Windows trailing byte adds to the vowel before it.
type vniMark struct {
	mod  rune // 0, '^' circumflex or '(' breve
	tone int
}

// vniMarks maps the Latin-1 characters of VNI-Windows diacritic bytes.
var vniMarks = map[rune]vniMark{
	'ù': {0, toneSac}, 'ø': {0, toneHuyen}, 'û': {0, toneHoi}, 'õ': {0, toneNga}, 'ï': {0, toneNang},
	'â': {'^', 0}, 'á': {'^', toneSac}, 'à': {'^', toneHuyen}, 'å': {'^', toneHoi}, 'ã': {'^', toneNga}, 'ä': {'^', toneNang},
	'ê': {'(', 0}, 'é': {'(', toneSac}, 'è': {'(', toneHuyen}, 'ú': {'(', toneHoi}, 'ü': {'(', toneNga}, 'ë': {'(', toneNang},
}

// vniLetters maps the VNI-Windows bytes that stand for whole letters.
var vniLetters = map[rune]rune{
	'ô': 'ơ', 'ö': 'ư', 'ò': 'ị', 'ó': 'ĩ', 'æ': 'ỉ', 'î': 'ỵ', 'ñ': 'đ', 'ì': 'ì', 'í': 'í',
	'Ô': 'Ơ', 'Ö': 'Ư', 'Ò': 'Ị', 'Ó': 'Ĩ', 'Æ': 'Ỉ', 'Î': 'Ỵ', 'Ñ': 'Đ', 'Ì': 'Ì', 'Í': 'Í',
}

// decodeVNIWin decodes one token of VNI-Windows mojibake ("Nguyeãn" → "Nguyễn").
func decodeVNIWin(tok string) (out string, changed bool) {
	rs := make([]rune, 0, len(tok))
	for _, r := range tok {
		if m, ok := vniMarks[unicode.ToLower(r)]; ok && len(rs) > 0 {
			if c, ok := applyVNIMark(rs[len(rs)-1], m); ok {
				rs[len(rs)-1], changed = c, true
				continue
			}
		}
		if l, ok := vniLetters[r]; ok {
			r, changed = l, true
		}
		rs = append(rs, r)
	}
	return string(rs), changed
}

// applyVNIMark puts mark m on the vowel prev, keeping prev's case.
func applyVNIMark(prev rune, m vniMark) (rune, bool) {
	upper := unicode.IsUpper(prev)
	base, tone := splitTone(unicode.ToLower(prev))
	if !isVowel(base) || (tone != toneNone && m.tone != toneNone) {
		return 0, false
	}
	switch m.mod {
	case '^':
		if base != 'a' && base != 'e' && base != 'o' {
			return 0, false
		}
		base = circumflex(base)
	case '(':
		if base != 'a' {
			return 0, false
		}
		base = 'ă'
	}
	if m.tone != toneNone {
		tone = m.tone
	}
	c := withTone(base, tone)
	if upper {
		c = unicode.ToUpper(c)
	}
	return c, true
}

// isMojibakeRune reports whether r belongs to a token for the mojibake decoders.
func isMojibakeRune(r rune) bool {
	if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
		return true
	}
	_, ok := tcvn3[r]
	return ok
}
