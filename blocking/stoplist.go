package blocking

import (
	"strings"

	"github.com/vnhealth/mpi/matching"
)

// The stop-list: values that say "unknown" rather than name somebody. A key
// built from one would put every record that carries it into one block —
// thousands of unrelated patients compared all-to-all, and a true pair
// found by nothing but a shared "KHÔNG RÕ". Such values give no key; the
// record is still found by its other rules.
//
// Placeholder citizen IDs, insurance numbers and phones (all zeros, one
// digit repeated, 0123456789, "KHÔNG RÕ") never reach blocking: the parsers
// of matching/vnid reject them and Normalize leaves them out. A junk value
// the parsers cannot know (a facility's own phone number typed for every
// patient) shows up as an oversized identifier block and is capped by
// Options.MaxIDBlock, and reported in Stats by rule and size.
//
// Names are stop-listed here, on the folded, canonical full name
// (matching.Record.FullName; note that "Vô danh" canonicalizes to "vu danh")
// and on the given name alone:
//   - full names in junkNames ("khong ro", "khong ten", "vu danh", "benh nhan", "n a", …);
//   - a given name shorter than two letters ("Nguyễn V.", a stray initial)
//     or holding anything but the letters a–z and spaces ("Nguyen 123");
//   - a given name of one letter repeated ("xxx").
//
// Opaque provinces (values that are no Vietnamese province, kept behind
// matching.OpaquePrefix) are stop-listed against junkNames as well.
var junkNames = map[string]bool{
	"khong ro": true, "khong ten": true, "khong co": true, "khong co ten": true,
	"khong biet": true, "khong xac dinh": true, "khong ro ten": true,
	"chua ro": true, "chua co ten": true, "chua dat ten": true, "chua co": true,
	"vu danh": true, "an danh": true, "benh nhan": true, "bn": true,
	"n a": true, "na": true, "null": true, "none": true, "unknown": true,
	"test": true, "khong": true, "ro": true,
}

// junkName reports whether the record's name is missing or stop-listed.
func junkName(r *matching.Record) bool {
	return r.FullName == "" || junkNames[r.FullName]
}

// usableGiven reports whether a given name may be part of a key: two
// letters or more, a–z and spaces only, not one letter repeated.
func usableGiven(g string) bool {
	if len(g) < 2 {
		return false
	}
	same := true
	for i := 0; i < len(g); i++ {
		if (g[i] < 'a' || g[i] > 'z') && g[i] != ' ' {
			return false
		}
		same = same && g[i] == g[0]
	}
	return !same
}

// province returns the record's province for a key: the new code, an
// opaque value that is not stop-listed, or "".
func province(r *matching.Record) string {
	p := r.Province
	if rest, ok := strings.CutPrefix(p, matching.OpaquePrefix); ok {
		if rest == "" || junkNames[rest] {
			return ""
		}
	}
	return p
}
