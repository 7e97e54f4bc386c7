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
	jw := smetrics.JaroWinkler(a.FullName, b.FullName, jwBoost, jwPrefix)
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
