package matching

import (
	"github.com/vnhealth/mpi/matching/vnname"
	"github.com/xrash/smetrics"
	"strings"

	"github.com/vnhealth/mpi/matching/vnid"
)

// GuardRails is a set of patient-safety rules that fired for a pair. A rule
// that fires keeps the pair from being linked automatically whatever its
// weight: at most it goes to a data steward for review.
type GuardRails uint8

// The guard rails.
const (
	// GuardDifferentCitizenID: both records carry valid citizen IDs of the
	// same kind (two CCCDs, or two CMNDs) and they differ. Even a one-digit
	// difference fires: an ID typo and two people are told apart by a human.
	GuardDifferentCitizenID GuardRails = 1 << iota
	// GuardNewborn: a record is a newborn placeholder ("CON BÀ …", "BÉ
	// GÁI") and the other record is not the baby it stands for. The
	// placeholder carries the mother's name and contact details but belongs
	// to the baby, so it must not link to the mother or to anyone born on
	// another day: the rule fires unless the other record is a named record
	// with the same full birth date and the placeholder's phone or street
	// address (the baby, named later, at home), and not the other sex (a
	// baby's sex is written at birth: a named twin of the other sex is the
	// other twin). A birth date and a ward alone do not do: many babies
	// are born on one day in one ward. Two
	// placeholders of one mother and one birth date may be twins that no
	// field tells apart: the rule fires for them too, and a steward links
	// them. (Twins with one placeholder and two named records are caught
	// where clusters and persons are formed: a placeholder that matches two
	// people who cannot be one links to neither.)
	GuardNewborn
	// GuardTwins: same birth year (a twin's date may carry a typo or a
	// day/month swap), the same or a similar family name, different given
	// names, and a shared phone or address — the signature of twins (or of
	// siblings recorded with one birth date), unless both carry the same
	// valid citizen ID or social insurance number, which twins never do.
	GuardTwins
	// GuardGenerations: birth years at least generationGap apart and a
	// shared phone or address — a father and son, or grandfather and
	// grandson, with one name under one roof. Household fields agree
	// between relatives as they do between duplicates, so their weights
	// must not outvote the birth years.
	GuardGenerations
	// GuardSiblings: the same family name, a shared phone or address, two
	// full birth dates that differ beyond a typo (not the same day, month
	// or a day/month swap) and names that are not identical — brothers and
	// sisters, whose household fields agree as a duplicate's do.
	GuardSiblings
	numGuards = 5
)

// generationGap is the birth-year difference from which two records in one
// household are taken to be two generations, not one person with a typo.
const generationGap = 12

var guardNames = [numGuards]string{"different_citizen_id", "newborn_placeholder", "twins", "different_generation", "siblings"}

// Names returns the names of the rules in the set, in declaration order.
func (g GuardRails) Names() []string {
	var out []string
	for i := range numGuards {
		if g&(1<<i) != 0 {
			out = append(out, guardNames[i])
		}
	}
	return out
}

// String joins the names with "+"; "" when none fired.
func (g GuardRails) String() string { return strings.Join(g.Names(), "+") }

func checkGuards(a, b *Record, v Vector) GuardRails {
	var g GuardRails
	// sameID: the pair shares an identifier that two relatives never
	// share — one citizen ID, or one social insurance number. The
	// household rules below (twins, generations, siblings) do not apply to
	// it.
	sameID := a.SocialInsurance != "" && a.SocialInsurance == b.SocialInsurance ||
		v[FieldCitizenID] == 0 // the same citizen ID, of any kind, opaque ones included
	if validID(&a.CitizenID) && validID(&b.CitizenID) && a.CitizenID.Kind == b.CitizenID.Kind && a.CitizenID.Value != b.CitizenID.Value {
		g |= GuardDifferentCitizenID
	}
	pa, pb := a.Placeholder(), b.Placeholder()
	if pa && pb || (pa || pb) && (v[FieldBirthDate] != BirthExact || v[FieldSex] == 1 || mothersName(a, b) || !sameHome(v)) {
		g |= GuardNewborn
	}
	// A placeholder's name is the mother's: the name rules below do not
	// apply to it.
	if pa || pb {
		return g
	}
	if !sameID && twins(a, b, v) {
		g |= GuardTwins
	}
	if !sameID && generations(a, b, v) {
		g |= GuardGenerations
	}
	if !sameID && g&GuardGenerations == 0 && siblings(a, b, v) {
		g |= GuardSiblings
	}
	return g
}

// validID reports whether an identifier passed its structural checks: a
// well-formed CCCD or a nine-digit CMND. Opaque identifiers (foreign or
// test-data numbers) carry no structure to trust and are left to the weights.
func validID(id *vnid.CitizenID) bool {
	return id.Valid && (id.Kind == vnid.KindCCCD || id.Kind == vnid.KindCMND)
}

// given returns the spelling of the given name, or the canonical given name
// for a record built without one.
func (r *Record) given() string {
	if r.givenSpelling != "" {
		return r.givenSpelling
	}
	return r.Name.Given
}

func twins(a, b *Record, v Vector) bool {
	if a.Birth.Year == 0 || a.Birth.Year != b.Birth.Year {
		return false
	}
	// Names one word apart in any order, under one roof: twins whose
	// name order a source got wrong ("Thơ Phạm Ngọc", "Phạm Ngọc Thảo").
	// (Three words or more: with two, the rule above has said all.)
	if wa, wb, ok := oneWordApart(a, b); ok && a.nameN >= 3 && endWord(a.FullName, wa) && endWord(b.FullName, wb) &&
		!typo(wa, wb) && sharedHousehold(v) && closeDates(v) {
		return true
	}
	// Twins may be named Vy and Vi: one name to the comparators, two
	// spellings here.
	ga, gb := a.given(), b.given()
	if ga == "" || gb == "" || ga == gb || typo(ga, gb) {
		return false
	}
	if !sharedHousehold(v) {
		return false
	}
	return a.Name.Family != "" && b.Name.Family != "" &&
		(a.Name.Family == b.Name.Family || smetrics.JaroWinkler(a.Name.Family, b.Name.Family, jwBoost, jwPrefix) >= jwGiven)
}

// mothersName reports whether a named record carries the name a placeholder
// was written under (the mother's), allowing for a typo: that record is the
// mother, whatever its birth date says, never the baby.
func mothersName(a, b *Record) bool {
	if b.Placeholder() {
		a, b = b, a
	}
	if a.FullName == "" || b.FullName == "" {
		return false
	}
	return a.FullName == b.FullName || smetrics.JaroWinkler(a.FullName, b.FullName, jwBoost, jwPrefix) >= jwHigh
}

func generations(a, b *Record, v Vector) bool {
	ya, yb := int(a.Birth.Year), int(b.Birth.Year)
	if ya == 0 || yb == 0 || ya-yb < generationGap && yb-ya < generationGap {
		return false
	}
	return sharedHousehold(v)
}

func siblings(a, b *Record, v Vector) bool {
	if a.Birth.Day == 0 || b.Birth.Day == 0 {
		return false
	}
	switch v[FieldBirthDate] {
	case BirthYear, BirthYearPM1, BirthElse:
	default:
		return false
	}
	// One full name with dates a typo apart (year ±1, same year) is one
	// person; with dates years apart it is a brother named after a brother.
	if v[FieldName] == NameExact && v[FieldBirthDate] != BirthElse || a.Name.Family == "" || a.Name.Family != b.Name.Family {
		return false
	}
	return sharedHousehold(v)
}

// sameHome reports whether a pair shares a phone or a street address: the
// contact details a placeholder takes from the mother and the baby keeps.
func sameHome(v Vector) bool { return v[FieldPhone] == 0 || v[FieldAddress] == AddressText }

// sharedHousehold reports whether a pair shares a phone or an address (or
// ward): what members of one household have in common.
func sharedHousehold(v Vector) bool {
	return v[FieldPhone] == 0 || v[FieldAddress] == AddressText || v[FieldAddress] == AddressWard
}

// typo reports whether two different given names are one typing slip
// apart: one edit (a letter changed, added, dropped, or two neighbours
// swapped) that turns a real Vietnamese syllable into something that is
// not one ("Phi" keyed as "Pih", "Bình" as "Bìnnh"). Twins' names are both
// real names, so such a pair is one name mistyped, not two children; two
// real syllables one slip apart ("Minh", "Mạnh") are two names.
//
// Names that are not Vietnamese syllables at all (foreign names) have no
// syllable table to tell a real name from a slip; there a letter added,
// dropped or swapped with its neighbour is a typo ("Hayden" keyed as
// "Hayedn", "Michael" as "Michal"), while a changed letter is how twins'
// names differ ("Mary", "Mara"; "Aiden", "Aidan").
func typo(a, b string) bool {
	if strings.IndexByte(a, ' ') >= 0 || strings.IndexByte(b, ' ') >= 0 {
		return false
	}
	sa, sb := vnname.IsSyllable(a), vnname.IsSyllable(b)
	switch {
	case sa && sb:
		return false
	case sa || sb:
		return vnname.OneSlip(a, b)
	}
	return vnname.OneSlip(a, b) && (len(a) != len(b) || swappedNeighbours(a, b))
}

// swappedNeighbours reports whether b is a with two adjacent bytes swapped.
func swappedNeighbours(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
}

// closeDates reports whether two birth dates agree as twins' do, allowing
// for a typo: the same date, day and month swapped, the same month, or one
// side knowing only the year.
func closeDates(v Vector) bool {
	switch v[FieldBirthDate] {
	case BirthExact, BirthTransposed, BirthYearMonth, BirthYearOnly:
		return true
	}
	return false
}

// endWord reports whether w is the first or the last word of name: where a
// given name stands in either order. A changed middle name ("Thị" for
// "Văn") is a clerk's error, not a twin.
func endWord(name, w string) bool {
	return w != "" && (strings.HasPrefix(name, w+" ") || strings.HasSuffix(name, " "+w))
}
