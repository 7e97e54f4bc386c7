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
//     either the last word is a near-exclusive family name or the name ends in
//     thị/văn after one. The family name found is moved to the front, the first
//     word becomes the given name (after an Ê Đê "Y", the second), and
//     FlagReordered is set. Otherwise standard order wins.
//
// Parse(n.Full()) returns n again for any n that Parse returned.
func Parse(full string) (Name, Flags) {
	var flags Flags
	s, enc := Repair(full)
	if enc != EncodingNone {
		flags |= FlagRepaired
	}
	beAcute := firstWordIsBeAcute(s)
	toks := strings.Fields(Fold(s))
	// Canonical forms, placeholders and keystroke repair of the folded words
	// (apostrophes and punctuation are gone now) can each enable another, so
	// iterate to a fixpoint; in practice one round.
	for range 4 {
		for k, t := range toks {
			toks[k] = Canonical(t)
		}
		if n := placeholderLen(toks, beAcute); n > 0 {
			flags |= FlagPlaceholder
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
	}
	name, f := split(toks)
	return name, flags | f
}

// split assigns canonical folded words to family, middle and given.
func split(toks []string) (Name, Flags) {
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
			n, f := standard(rest)
			return n, f | FlagReordered
		}
	}
	return standard(toks)
}

// standard splits toks (two or more) as family + middle + given.
func standard(toks []string) (Name, Flags) {
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

// givenFirst returns the position j ≥ 1 and word count k of the family name
// when toks is in given-name-first order, else 0, 0.
func givenFirst(toks []string) (j, k int) {
	n := len(toks)
	switch f0 := familyAt(toks, 0); {
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
				if j == n-1 || toks[n-1] == "thi" || toks[n-1] == "van" {
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
	var flags Flags
	var parts [3]string
	for i, p := range [...]string{family, middle, given} {
		s, enc := Repair(p)
		if enc != EncodingNone {
			flags |= FlagRepaired
		}
		parts[i] = canonicalWords(Fold(s))
	}
	name := Name{Family: parts[0], Middle: parts[1], Given: parts[2]}
	raw := strings.Join(strings.Fields(family+" "+middle+" "+given), " ")
	toks := strings.Fields(name.Full())
	if len(toks) == 0 {
		return Name{}, flags | FlagEmpty
	}
	if placeholderLen(toks, firstWordIsBeAcute(raw)) > 0 {
		n, f := Parse(raw)
		return n, f | flags
	}
	if strings.Contains(name.Family, " ") {
		flags |= FlagCompoundFamily
	}
	return name, flags
}

func anyToken(toks []string, f func(string) bool) bool {
	for _, t := range toks {
		if f(t) {
			return true
		}
	}
	return false
}
