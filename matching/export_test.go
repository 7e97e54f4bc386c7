package matching

import "github.com/xrash/smetrics"

// NameLevelWithoutBound is compareName without the Jaro-Winkler pruning,
// for tests that check the pruning changes nothing.
func NameLevelWithoutBound(a, b *Record) int8 {
	if a.FullName == "" || b.FullName == "" {
		return Missing
	}
	if a.FullName == b.FullName {
		return NameExact
	}
	famAgree := a.Name.Family != "" && a.Name.Family == b.Name.Family
	givenAgree := a.Name.Given != "" && a.Name.Given == b.Name.Given
	if famAgree && givenAgree {
		return NameFamilyGiven
	}
	if a.Name.Family != "" && a.Name.Given != "" && a.Name.Family == b.Name.Given && a.Name.Given == b.Name.Family {
		return NameFamilyGiven
	}
	jw := smetrics.JaroWinkler(a.FullName, b.FullName, jwBoost, jwPrefix)
	if jw >= jwMid && !givenSimilar(a.Name.Given, b.Name.Given) {
		jw = 0
	}
	switch {
	case jw >= jwHigh:
		return NameJWHigh
	case givenAgree:
		return NameGiven
	case jw >= jwMid:
		return NameJWMid
	}
	return NameElse
}

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
