package matching

// NameLevelWithoutBound is compareName without the Jaro-Winkler pruning,
// for tests that check the pruning changes nothing.
func NameLevelWithoutBound(a, b *Record) int8 { return nameLevel(a, b, false) }

// CommonLettersSlow is commonLetters the plain way, for a property test.
func CommonLettersSlow(a, b string) int {
	x, y := letterCounts(a), letterCounts(b)
	c := 0
	for w := range x {
		for k := range 8 {
			c += int(min(uint8(x[w]>>(8*k)), uint8(y[w]>>(8*k))))
		}
	}
	return c
}

// CommonLetters exposes commonLetters.
func CommonLetters(a, b string) int {
	x, y := letterCounts(a), letterCounts(b)
	return commonLetters(&x, &y)
}

// Typo exposes typo.
var Typo = typo

// RoundProb exposes roundProb.
var RoundProb = roundProb
