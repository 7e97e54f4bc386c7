package api

import (
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/vnid"
	"github.com/vnhealth/mpi/matching/vnname"
	"github.com/vnhealth/mpi/store"
)

// Survivorship: how a person's golden record is derived from its active
// linked records, field by field. For each field, among the records that
// carry a usable value:
//
//  1. citizen ID only: a verified ID — a CCCD whose structure checks out
//     (vnid: province prefix, century/sex digit, plausible year) — wins
//     over CMNDs, opaque numbers and malformed ones;
//  2. the most trusted source (Options.SourceTrust, higher wins; unlisted
//     sources rank 0);
//  3. among those, the most frequent value, compared in normalized form
//     ("NGUYEN VAN AN" and "Nguyễn Văn An" are one value);
//  4. names only: among those, the fullest written form — more words (a
//     middle name kept) first, then one written with Vietnamese diacritics
//     ("Nguyễn Văn An" over "Nguyen An" and over "NGUYEN VAN AN");
//  5. among those, the most recently received record;
//  6. a remaining tie goes to the smallest record key, so the result never
//     depends on the order records are read in.
//
// The value shown is the normalized form where that is what a reader
// wants — sex ("male"/"female"), birth date ("1990-05-07", "1990-05",
// "1990"), citizen ID (12 digits, a repaired leading zero restored),
// social insurance number (the 10-digit BHXH number), phone ("0912345678",
// 2018 conversion applied), province and ward (new codes) — and the
// chosen record's own text for names (mojibake and keystroke residue
// repaired, NFC, spaces collapsed), addresses, and province or ward names
// that match no administrative unit. Each field records the record it came
// from. A person without active records has an empty golden record.
//
// Example: records A (hospital, trust 2: "NGUYEN VAN AN", CCCD typed with
// a wrong century digit), B (commune station, trust 1: "Nguyễn Văn An",
// valid CCCD) and C (claims, trust 1: "Nguyễn Văn An"). The citizen ID
// comes from B (verified); the name from A (most trusted), although B and C
// agree — trust ranks before frequency.

// golden computes the golden record of a person from its records (active
// ones count; any order).
func (s *Service) golden(recs []store.Record) store.Golden {
	// One backing array: a field has at most one option per record.
	var f [numGoldenFields][]goldenOption
	buf := make([]goldenOption, numGoldenFields*len(recs))
	for i := range f {
		f[i] = buf[i*len(recs) : i*len(recs) : (i+1)*len(recs)]
	}
	for i := range recs {
		r := &recs[i]
		if r.Status != store.RecordActive {
			continue
		}
		m := s.normalized(r)
		base := goldenOption{from: r.Key, trust: s.trust[r.Key.Source], received: r.Received}
		add := func(field int, key, display string, verified bool) {
			if key == "" || display == "" {
				return
			}
			o := base
			o.key, o.display, o.verified = key, display, verified
			f[field] = append(f[field], o)
		}
		name := displayName(&r.Raw)
		add(gName, m.FullName, name, false)
		if n := len(f[gName]); n > 0 && f[gName][n-1].from == r.Key {
			f[gName][n-1].fullness = nameFullness(name)
		}
		if m.Sex != matching.SexUnknown {
			add(gSex, m.Sex.String(), m.Sex.String(), false)
		}
		add(gBirth, m.Birth.String(), m.Birth.String(), false)
		id := m.CitizenID
		add(gCitizen, id.Value, id.Value, id.Kind == vnid.KindCCCD && id.Valid)
		add(gInsurance, m.SocialInsurance, m.SocialInsurance, false)
		add(gPhone, m.Phone, m.Phone, false)
		add(gProvince, m.Province, placeDisplay(m.Province, r.Raw.Province), false)
		add(gWard, m.Ward, placeDisplay(m.Ward, r.Raw.Ward), false)
		add(gAddress, m.Address, displayText(r.Raw.Address), false)
	}
	return store.Golden{
		Name:        pick(f[gName]),
		Sex:         pick(f[gSex]),
		BirthDate:   pick(f[gBirth]),
		CitizenID:   pick(f[gCitizen]),
		InsuranceNo: pick(f[gInsurance]),
		Phone:       pick(f[gPhone]),
		Province:    pick(f[gProvince]),
		Ward:        pick(f[gWard]),
		Address:     pick(f[gAddress]),
	}
}

// Golden fields, in store.Golden order.
const (
	gName = iota
	gSex
	gBirth
	gCitizen
	gInsurance
	gPhone
	gProvince
	gWard
	gAddress
	numGoldenFields
)

// goldenOption is one record's value for one field.
type goldenOption struct {
	key      string // the normalized value: equal keys are one value
	display  string
	from     store.RecordKey
	trust    int
	received time.Time
	verified bool
	fullness int // names only: nameFullness
}

// pick applies the survivorship rules to one field's options.
func pick(opts []goldenOption) store.GoldenField {
	if len(opts) == 0 {
		return store.GoldenField{}
	}
	keep := func(ok func(o *goldenOption) bool) {
		out := opts[:0]
		for i := range opts {
			if ok(&opts[i]) {
				out = append(out, opts[i])
			}
		}
		opts = out
	}
	for i := range opts {
		if opts[i].verified {
			keep(func(o *goldenOption) bool { return o.verified })
			break
		}
	}
	top := opts[0].trust
	for _, o := range opts[1:] {
		top = max(top, o.trust)
	}
	keep(func(o *goldenOption) bool { return o.trust == top })
	count := make(map[string]int, len(opts))
	most := 0
	for _, o := range opts {
		count[o.key]++
		most = max(most, count[o.key])
	}
	keep(func(o *goldenOption) bool { return count[o.key] == most })
	fullest := 0
	for _, o := range opts {
		fullest = max(fullest, o.fullness)
	}
	keep(func(o *goldenOption) bool { return o.fullness == fullest })
	best := opts[0]
	for _, o := range opts[1:] {
		if o.received.After(best.received) ||
			o.received.Equal(best.received) && compareRecordKey(o.from, best.from) < 0 {
			best = o
		}
	}
	return store.GoldenField{Value: best.display, From: best.from}
}

// nameFullness ranks how fully a name is written: two points a word, one
// more when it carries Vietnamese diacritics (any letter beyond ASCII).
func nameFullness(name string) int {
	n := 2 * len(strings.Fields(name))
	for _, r := range name {
		if r > unicode.MaxASCII && unicode.IsLetter(r) {
			return n + 1
		}
	}
	return n
}

// displayName is a record's name as text to show: the full name or the
// parts joined, legacy encodings repaired.
func displayName(r *matching.Raw) string {
	s := r.FullName
	if strings.TrimSpace(s) == "" {
		s = r.FamilyName + " " + r.MiddleName + " " + r.GivenName
	}
	s, _ = vnname.Repair(displayText(s))
	return s
}

// displayText is NFC with runs of white space collapsed to one space.
func displayText(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// placeDisplay shows a province or ward by its code, or by the source's
// text when the value names no known unit (matching.OpaquePrefix).
func placeDisplay(normalized, raw string) string {
	if strings.HasPrefix(normalized, matching.OpaquePrefix) {
		return displayText(raw)
	}
	return normalized
}
