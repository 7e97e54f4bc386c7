package vnname

import (
	"strings"
)

// Name is a personal name split into parts. Each part is folded (see Fold)
// and canonical (see Canonical) word by word; Family may hold a compound
// ("ton that") and Middle several words.
type Name struct {
	Family, Middle, Given string
}

// Full returns the parts joined by single spaces, skipping empty ones.
func (n Name) Full() string {
	var b strings.Builder
	b.Grow(len(n.Family) + len(n.Middle) + len(n.Given) + 2)
	for _, p := range [...]string{n.Family, n.Middle, n.Given} {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}

// Flags records what parsing noticed.
type Flags uint16

// Flags Parse and ParseParts set.
const (
	// FlagPlaceholder: the name is a newborn placeholder ("CON BÀ …", "SƠ SINH");
	// the record belongs to a baby and the parsed Name is usually the mother's.
	FlagPlaceholder Flags = 1 << iota
	// FlagRepaired: Repair decoded mojibake or keystroke residue.
	FlagRepaired
	// FlagReordered: given-name-first order was detected and undone.
	FlagReordered
	// FlagEmpty: no name is left (empty input, or only a placeholder).
	FlagEmpty
	// FlagCompoundFamily: the family name has several words (Tôn Thất, Âu Dương).
	FlagCompoundFamily
	// FlagGivenOnly: a single word, taken as the given name.
	FlagGivenOnly
)

var flagNames = [...]string{"placeholder", "repaired", "reordered", "empty", "compound-family", "given-only"}

// String lists the set flags, separated by "|".
func (f Flags) String() string {
	var parts []string
	for i, n := range flagNames {
		if f&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "|")
}

// Parse splits a full name. It repairs mojibake and keystroke residue
// (Repair), folds (Fold), strips a newborn placeholder prefix, canonicalizes
// each word (Canonical) and splits family, middle and given:
//
//   - standard order is family + middle (0–3 words) + given (the last word);
//     a compound family name (Tôn Thất, Tôn Nữ, Âu Dương, …) is one family part;
//   - a single word is the given name;
//   - given-name-first order ("An Nguyen Van") is detected when the first word
//     is not a known family name and a later word is a common one (a
//     near-exclusive family name such as Nguyễn, Trần, Lê is preferred), or
//     when the first word is an ambiguous family name (An, Mai, Hoàng, …) and
//     a near-exclusive family name comes with thị/văn out of place: last, or
//     just before a last family name (a last family-like word alone proves
//     nothing: Đăng and Nguyên fold onto Đặng and Nguyễn). The family name found is moved to the front, the first
//     word becomes the given name (after an Ê Đê "Y", the second), and
//     FlagReordered is set. Otherwise standard order wins.
//
// Parse(n.Full()) returns n again for any n that Parse returned.
func Parse(full string) (Name, Flags) {
	n, _, f := ParseJoined(full)
	return n, f
}

// ParseJoined is Parse that also returns joined == n.Full(). The parts of n
// share joined's memory, so a name costs one allocation for the three parts
// and the full form together.
func ParseJoined(full string) (n Name, joined string, flags Flags) {
	s, enc := Repair(full)
	if enc != EncodingNone {
		flags |= FlagRepaired
	}
	var buf [96]byte
	b := AppendFold(buf[:0], s)
	canonicalize(b)
	joined = string(b)
	var tokArr [12]string
	toks := appendWords(tokArr[:0], joined)
	// beAcute matters only for a first word "be".
	beAcute := len(toks) > 0 && toks[0] == "be" && firstWordIsBeAcute(s)
	// Canonical forms, placeholders and keystroke repair of the folded words
	// (apostrophes and punctuation are gone now) can each enable another, so
	// iterate to a fixpoint; in practice one round. joined stays
	// strings.Join(toks, " ") until a repair replaces toks.
	contiguous := true
	for round := range 4 {
		if round > 0 {
			for k, t := range toks {
				toks[k] = Canonical(t)
			}
		}
		if n := placeholderLen(toks, beAcute); n > 0 {
			flags |= FlagPlaceholder
			if contiguous {
				joined = joined[min(len(joined), joinedLen(toks[:n])+1):]
			}
			toks = toks[n:]
		}
		beAcute = false
		if !anyToken(toks, keyCandidate) {
			break
		}
		r, e := repairKeys(strings.Join(toks, " "))
		if e == EncodingNone {
			break
		}
		flags |= FlagRepaired
		toks = strings.Fields(Fold(r))
		contiguous = false
	}
	if !contiguous {
		for k, t := range toks {
			toks[k] = Canonical(t)
		}
		joined = strings.Join(toks, " ")
	}
	n, joined, f := split(toks, joined)
	return n, joined, flags | f
}

// canonicalize applies Canonical in place to every word of a folded name.
// Canonical never changes a word's length, so the words stay where they are.
func canonicalize(b []byte) {
	for i := 0; i < len(b); {
		j := i
		for j < len(b) && b[j] != ' ' {
			j++
		}
		w := b[i:j]
		switch n := len(w); {
		case string(w) == "huynh":
			copy(w, "hoang")
		case string(w) == "vo":
			w[1] = 'u'
		case n >= 2 && w[n-1] == 'y' && isConsonantByte(w[n-2]):
			w[n-1] = 'i'
		}
		i = j + 1
	}
}

// appendWords appends the space-separated words of a folded string.
func appendWords(dst []string, folded string) []string {
	for len(folded) > 0 {
		i := strings.IndexByte(folded, ' ')
		if i < 0 {
			return append(dst, folded)
		}
		if i > 0 {
			dst = append(dst, folded[:i])
		}
		folded = folded[i+1:]
	}
	return dst
}

// joinedLen returns len(strings.Join(toks, " ")).
func joinedLen(toks []string) int {
	n := len(toks) - 1
	for _, t := range toks {
		n += len(t)
	}
	return max(n, 0)
}

// split assigns canonical folded words to family, middle and given; joined is
// strings.Join(toks, " "), and the returned string is the name's Full form.
func split(toks []string, joined string) (Name, string, Flags) {
	switch len(toks) {
	case 0:
		return Name{}, "", FlagEmpty
	case 1:
		return Name{Given: joined}, joined, FlagGivenOnly
	}
	if j, k := givenFirst(toks); j > 0 {
		rest := make([]string, 0, len(toks))
		given, mid := toks[0], toks[1:j]
		if given == "y" && j > 1 {
			// Ê Đê: Y marks a man, like Văn; the name after it is the given name.
			given, mid = toks[1], append([]string{"y"}, toks[2:j]...)
		}
		rest = append(rest, toks[j:j+k]...)
		rest = append(rest, mid...)
		rest = append(rest, toks[j+k:]...)
		rest = append(rest, given)
		// Keep Parse(n.Full()) == n: the reordered words must split the same
		// way in standard order.
		if familyAt(rest, 0) == k {
			j := strings.Join(rest, " ")
			n, f := standard(rest, j)
			return n, j, f | FlagReordered
		}
	}
	n, f := standard(toks, joined)
	return n, joined, f
}

// standard splits toks (two or more) as family + middle + given; the parts
// are substrings of joined, which is strings.Join(toks, " ").
func standard(toks []string, joined string) (Name, Flags) {
	var flags Flags
	k := familyAt(toks, 0)
	switch {
	case k == 0 || k >= len(toks):
		k = 1
	case k > 1:
		flags |= FlagCompoundFamily
	}
	n := len(toks)
	fam := joinedLen(toks[:k])
	giv := len(joined) - len(toks[n-1])
	name := Name{Family: joined[:fam], Given: joined[giv:]}
	if k < n-1 {
		name.Middle = joined[fam+1 : giv-1]
	}
	return name, flags
}

// givenFirst returns the position j ≥ 1 and word count k of the family name
// when toks is in given-name-first order, else 0, 0.
func givenFirst(toks []string) (j, k int) {
	n := len(toks)
	switch f0 := familyAt(toks, 0); {
	case f0 == 0 && !IsSyllable(toks[0]) && nearCommonFamily(toks[0]):
		// "Phm Đăng Sơn": a mistyped family name, not given-name-first
		// order (a given name is a real syllable; "phm" is not).
		return 0, 0
	case f0 == 0:
		for j := 1; j < n; j++ {
			if strongFamilies[toks[j]] {
				return j, 1
			}
		}
		for j := 1; j < n; j++ {
			if k := familyAt(toks, j); k > 1 || (k == 1 && commonFamilies[toks[j]]) {
				return j, k
			}
		}
	case f0 == 1 && !strongFamilies[toks[0]]:
		for j := 1; j < n; j++ {
			if strongFamilies[toks[j]] {
				// Only a middle name (thị, văn) out of its place proves
				// the order — last ("An Nguyen Van") or just before a last
				// family name ("An Van Nguyen"): many given names fold onto
				// family names (Đăng → dang, Nguyên → nguyen), so "Vũ Đăng"
				// and "Hà Minh Nguyên" stay in standard order.
				if j < n-1 && (toks[n-1] == "thi" || toks[n-1] == "van") ||
					j == n-1 && n > 2 && (toks[j-1] == "thi" || toks[j-1] == "van") {
					return j, 1
				}
				break
			}
		}
	}
	return 0, 0
}

// ParseParts is Parse for sources that send family, middle and given names
// separately; any may be empty. The source's split is trusted: each part is
// repaired, folded and canonicalized word by word, and a given part with
// several words (a compound given name) keeps them all in Given. Only a
// newborn placeholder ("CON BÀ" as the family part, say) sends the whole name
// through Parse.
func ParseParts(family, middle, given string) (Name, Flags) {
	n, _, f := ParsePartsJoined(family, middle, given)
	return n, f
}

// ParsePartsJoined is ParseParts that also returns joined == n.Full(), with
// the parts of n sharing its memory, as ParseJoined does.
func ParsePartsJoined(family, middle, given string) (n Name, joined string, flags Flags) {
	var buf [96]byte
	b := buf[:0]
	var bounds [3][2]int
	for i, p := range [...]string{family, middle, given} {
		s, enc := Repair(p)
		if enc != EncodingNone {
			flags |= FlagRepaired
		}
		mark := len(b)
		if mark > 0 {
			b = append(b, ' ')
		}
		from := len(b)
		if b = AppendFold(b, s); len(b) == from {
			b = b[:mark] // an empty part: no separator
			bounds[i] = [2]int{mark, mark}
			continue
		}
		canonicalize(b[from:])
		bounds[i] = [2]int{from, len(b)}
	}
	if len(b) == 0 {
		return Name{}, "", flags | FlagEmpty
	}
	joined = string(b)
	n = Name{
		Family: joined[bounds[0][0]:bounds[0][1]],
		Middle: joined[bounds[1][0]:bounds[1][1]],
		Given:  joined[bounds[2][0]:bounds[2][1]],
	}
	var tokArr [12]string
	toks := appendWords(tokArr[:0], joined)
	if placeholderAt(toks, false) > 0 || toks[0] == "be" {
		raw := strings.Join(strings.Fields(family+" "+middle+" "+given), " ")
		if placeholderLen(toks, firstWordIsBeAcute(raw)) > 0 {
			n, joined, f := ParseJoined(raw)
			return n, joined, f | flags
		}
	}
	if strings.Contains(n.Family, " ") {
		flags |= FlagCompoundFamily
	}
	return n, joined, flags
}

func anyToken(toks []string, f func(string) bool) bool {
	for _, t := range toks {
		if f(t) {
			return true
		}
	}
	return false
}

// nearCommonFamily reports whether w is one typing slip (a letter changed,
// added, dropped or two swapped) away from a common family name.
func nearCommonFamily(w string) bool {
	for f := range commonFamilies {
		if OneSlip(w, f) {
			return true
		}
	}
	return false
}

// OneSlip reports whether a and b differ by exactly one typing slip: one
// letter changed, added or dropped, or two neighbours swapped.
func OneSlip(a, b string) bool {
	if a == b {
		return false
	}
	if len(a) < len(b) {
		a, b = b, a
	}
	switch len(a) - len(b) {
	case 0:
		first, diffs := -1, 0
		for i := 0; i < len(a); i++ {
			if a[i] != b[i] {
				if first < 0 {
					first = i
				}
				diffs++
			}
		}
		return diffs == 1 || diffs == 2 && first+1 < len(a) && a[first] == b[first+1] && a[first+1] == b[first]
	case 1:
		i := 0
		for i < len(b) && a[i] == b[i] {
			i++
		}
		return a[i+1:] == b[i:]
	}
	return false
}
