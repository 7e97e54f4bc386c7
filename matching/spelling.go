package matching

import (
	"strings"

	"github.com/vnhealth/mpi/matching/vnname"
)

// givenSpelling returns the given name as folded but before the
// regional-variant classes of vnname.Canonical: "vy" where the canonical
// given name is "vi". Matching treats Vy and Vi as one name; the twin guard
// rail does not, because twins are given names that differ by exactly such
// a letter. It returns the canonical given name when it cannot tell.
func givenSpelling(raw *Raw, n vnname.Name) string {
	g := n.Given
	// Canonical only turns a final y after a consonant into i (and two
	// family names, which are not given names), so any other given name is
	// its own spelling.
	if len(g) < 2 || g[len(g)-1] != 'i' || strings.IndexByte("aeiouy ", g[len(g)-2]) >= 0 {
		return g
	}
	src := raw.FullName
	if strings.TrimSpace(src) == "" {
		src = raw.GivenName
	}
	repaired, _ := vnname.Repair(src)
	words := strings.Fields(vnname.Fold(repaired))
	for i := len(words) - 1; i >= 0; i-- {
		if w := words[i]; w != g && vnname.Canonical(w) == g {
			return w
		}
	}
	return g
}
