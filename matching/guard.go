package matching

import (
	"math/bits"
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
	// GuardNewborn: one record is a newborn placeholder ("CON BÀ …") and the
	// other is not. The placeholder carries the mother's name and contact
	// details but belongs to the baby.
	GuardNewborn
	// GuardTwins: same full birth date, same family name, different given
	// names, and a shared phone or address — the signature of twins (or of
	// siblings recorded with one birth date), unless both carry the same
	// valid citizen ID, which twins never do.
	GuardTwins
	numGuards = 3
)

var guardNames = [numGuards]string{"different_citizen_id", "newborn_placeholder", "twins"}

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

// Len is the number of rules that fired.
func (g GuardRails) Len() int { return bits.OnesCount8(uint8(g)) }

// String joins the names with "+"; "" when none fired.
func (g GuardRails) String() string { return strings.Join(g.Names(), "+") }

func checkGuards(a, b *Record, v Vector) GuardRails {
	var g GuardRails
	sameID := false
	if validID(&a.CitizenID) && validID(&b.CitizenID) && a.CitizenID.Kind == b.CitizenID.Kind {
		if a.CitizenID.Value != b.CitizenID.Value {
			g |= GuardDifferentCitizenID
		} else {
			sameID = true
		}
	}
	if a.Placeholder() != b.Placeholder() {
		g |= GuardNewborn
	}
	if !sameID && twins(a, b, v) {
		g |= GuardTwins
	}
	return g
}

// validID reports whether an identifier passed its structural checks: a
// well-formed CCCD or a nine-digit CMND. Opaque identifiers (foreign or
// test-data numbers) carry no structure to trust and are left to the weights.
func validID(id *vnid.CitizenID) bool {
	return id.Valid && (id.Kind == vnid.KindCCCD || id.Kind == vnid.KindCMND)
}

func twins(a, b *Record, v Vector) bool {
	if v[FieldBirthDate] != BirthExact {
		return false
	}
	if a.Name.Family == "" || a.Name.Family != b.Name.Family {
		return false
	}
	if a.Name.Given == "" || b.Name.Given == "" || a.Name.Given == b.Name.Given {
		return false
	}
	return v[FieldPhone] == 0 || v[FieldAddress] == AddressText
}
