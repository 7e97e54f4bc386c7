package matching

import (
	"github.com/vnhealth/mpi/matching/date"
	"github.com/vnhealth/mpi/matching/vnid"
	"github.com/vnhealth/mpi/matching/vnname"
)

// Record is a normalized demographic record: every field folded, parsed and
// mapped onto the forms the comparators expect. It is built by Normalize and
// read by Compare; it is immutable once built and safe to share between
// goroutines.
type Record struct {
	Source  string
	LocalID string

	// Name holds the folded, canonical family, middle and given names.
	Name vnname.Name
	// FullName is Name.Full(), kept so comparisons do not rebuild it.
	FullName string
	// NameFlags says what name parsing noticed (placeholder, repaired, reordered).
	NameFlags vnname.Flags
	// givenSpelling is the given name before regional-variant classes
	// ("vy", where Name.Given is "vi"); see givenSpelling.
	givenSpelling string
	// nameWords holds the sorted FNV hashes of FullName's words (a
	// multiset: "van van tung" keeps both), nameN how many: word order
	// does not matter to them.
	nameWords [maxNameWords]uint32
	nameN     uint8
	// letters counts the bytes of FullName by letter (a–z, then one count
	// for everything else), one byte per count packed into four words, so
	// that Compare can bound Jaro-Winkler from above in a few instructions.
	letters [4]uint64

	Sex Sex
	// SexFromID is set when Sex was missing and was read from the citizen ID.
	SexFromID bool

	// Birth is the birth date; unknown parts are zero.
	Birth date.Date

	// CitizenID is the parsed CCCD, CMND or opaque national identifier.
	CitizenID vnid.CitizenID

	// SocialInsurance is the 10-digit BHXH number (the last ten characters
	// of a 15-character BHYT code).
	SocialInsurance string

	// Phone is the normalized phone number ("0" + 9 digits for a mobile).
	Phone string

	// Province is the new (34-unit) two-digit province code; a value that is
	// not a Vietnamese province is kept folded behind a "~" (see OpaquePrefix).
	Province string
	// Ward is the new five-digit ward code, or a folded ward name behind "~".
	Ward string
	// Address is the folded free-text address.
	Address string
	// addrTokens holds the sorted, distinct hashes of the first
	// maxAddrTokens tokens of Address; addrN how many there are.
	addrTokens [maxAddrTokens]uint32
	addrN      uint8
	// addrSig has bit h%64 set for every token hash h: popcount of the AND
	// of two signatures bounds the shared tokens from above.
	addrSig uint64

	// Issues lists the values that could not be understood. They were left
	// out of the record (and so weigh nothing) rather than guessed.
	Issues []Issue
}

// maxNameWords bounds the name words compared regardless of order.
const maxNameWords = 8

// maxAddrTokens bounds the address tokens compared; longer addresses are
// compared on their first tokens (house number, street, hamlet come first).
const maxAddrTokens = 12

// OpaquePrefix marks a Province or Ward value that names no known
// Vietnamese unit and is compared as folded text.
const OpaquePrefix = "~"

// Placeholder reports whether the record's name is a newborn placeholder
// ("CON BÀ …", "BÉ GÁI", "SƠ SINH"): the record belongs to a baby that has
// no registered name yet.
func (r *Record) Placeholder() bool { return r.NameFlags&vnname.FlagPlaceholder != 0 }

// BirthYear returns the birth year from the birth date or, failing that,
// from a valid CCCD; 0 when neither knows it. Blocking uses it.
func (r *Record) BirthYear() int {
	if r.Birth.Year != 0 {
		return int(r.Birth.Year)
	}
	if r.CitizenID.Kind == vnid.KindCCCD && r.CitizenID.Valid {
		return r.CitizenID.BirthYear
	}
	return 0
}

// Issue describes one value of a record that could not be understood. It
// names the field and the problem, never the value: values are patient data.
type Issue struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

func (i Issue) String() string { return i.Field + ": " + i.Problem }

// Sex is the administrative sex of a record.
type Sex uint8

// Sex values. SexUnknown covers missing, "undetermined" (claims code 3) and
// unrecognised codes.
const (
	SexUnknown Sex = iota
	SexMale
	SexFemale
)

func (s Sex) String() string {
	switch s {
	case SexMale:
		return "male"
	case SexFemale:
		return "female"
	}
	return "unknown"
}
