package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
)

// Clinician operations: find a patient by demographics (Search) or by an
// identifier (LookupCitizenID, LookupInsurance, LookupPhone,
// LookupSource), and show a person (Person). They only read, and every
// call is audited with the EIDs and record keys it disclosed — before the
// data is returned: a read whose audit entry cannot be written returns an
// error instead.
//
// # Search
//
// A query is a partial record (matching.Raw without source and local ID).
// It is normalized as a record would be, and its blocking keys
// (blocking.KeyHashes, via prepare) find candidate records — at most Options.PerKey per
// key. So a query must hold enough for at least one blocking rule:
//
//   - a citizen ID, a BHYT/BHXH insurance number or a phone number; or
//   - a family and given name with a birth year (rule given_year) or with
//     a province (rule name_province) — so "Nguyễn Văn An, 1990" finds
//     him without sex, date or place; or
//   - a full birth date with a family name (date_family) or a province
//     (date_province); or
//   - an address with a house number and a street.
//
// A name alone, a year alone or a province alone is refused (FieldError
// "query"): it would list thousands. The more a query holds, the more
// rules key it (birth year + province + sex + given initial, day and
// month + given name…) and the better it ranks the right person.
//
// Every person with a candidate record is scored by its best pair (the
// query against each of the person's active records) and ranked by
// probability, then weight, then EID. Grades:
//
//   - "certain": the model's decision is a match (probability at or above
//     the match threshold, no guard rail fired) — and no other hit is
//     certain too: two certain hits are namesakes the query cannot tell
//     apart (a name and a birth year match every namesake born that year),
//     so both are graded "probable";
//   - "probable": at or above the review threshold (or a match a guard rail
//     stopped);
//   - "possible": below it.
//
// Hits below SearchFloor (probability 0.01) are dropped: the query shares
// a blocking key with them and little else — another given name born the
// same year, a namesake in another province born in another year.
//
// Example: "Nguyen Van An", 1990, against a store holding Nguyễn Văn An
// (07/05/1990, HCMC, two records) and Trần Văn An (1990): the gy key
// finds Nguyễn Văn An alone; he scores 0.99 and is "certain". Adding a
// phone finds him through the phone key as well and raises the weight.

// Match grades of a search Hit.
const (
	GradeCertain  = "certain"
	GradeProbable = "probable"
	GradePossible = "possible"
)

// Search limits.
const (
	// DefaultSearchLimit is the number of hits a search returns when its
	// limit is 0.
	DefaultSearchLimit = 10
	// MaxSearchLimit bounds the hits of one search.
	MaxSearchLimit = 100
	// SearchFloor is the least probability a hit needs. Below it the
	// model gives the person less than one chance in a hundred of being
	// the one sought: a list of such hits hides the useful ones.
	SearchFloor = 0.01
)

// Hit is one person a search found.
type Hit struct {
	EID store.EID
	// Probability and Weight score the best pair: the query against the
	// person's closest record.
	Probability float64
	Weight      float64
	// Grade is GradeCertain, GradeProbable or GradePossible.
	Grade  string
	Golden store.Golden
	// Explanation explains the best pair field by field (levels and
	// weights, no values).
	Explanation *matching.Explanation
}

// PersonView is a person as a clinician sees it: the golden record and
// the linked records with what their sources sent.
type PersonView struct {
	// Asked is the EID that was asked for (or found); EID is the live
	// person it stands for — different when Asked was merged away.
	Asked   store.EID
	EID     store.EID
	Version int64
	Created time.Time
	Updated time.Time
	Golden  store.Golden
	// Records are the person's active records, by record key.
	Records []LinkedRecord
}

// LinkedRecord is one record of a person and how it is linked.
type LinkedRecord struct {
	Key         store.RecordKey
	Version     int32
	Received    time.Time
	Kind        store.LinkKind
	Probability float64
	Weight      float64
	// Raw is the record's demographics as its source sent them.
	Raw matching.Raw
}

// Search finds persons by partial demographics (see the notes above):
// ranked hits, at most limit (0: DefaultSearchLimit; at most
// MaxSearchLimit). A query with nothing a blocking rule can key is a
// FieldError "query"; a malformed field is a FieldError naming it. The
// audit entry names the persons returned and the records their golden
// records' fields came from.
func (s *Service) Search(ctx context.Context, actor Actor, query matching.Raw, limit int) ([]Hit, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	switch {
	case limit < 0:
		return nil, invalid("limit", "negative")
	case limit == 0:
		limit = DefaultSearchLimit
	case limit > MaxSearchLimit:
		limit = MaxSearchLimit
	}
	// prepare validates and normalizes a record; a query has no key of its
	// own.
	query.Source, query.LocalID, query.RecordedAt = "query", "query", ""
	in, err := s.prepare(query, "")
	if err != nil {
		return nil, err
	}
	if len(in.keys) == 0 {
		return nil, invalid("query", "nothing searchable: give a citizen ID, insurance number or phone, or a family and given name with a birth year or province, or a full birth date with a family name or province")
	}
	var hits []Hit
	err = s.store.View(ctx, func(tx store.Tx) error {
		var err error
		hits, err = s.searchTx(ctx, tx, in, limit)
		return err
	})
	var eids []store.EID
	var recs []store.RecordKey
	for _, h := range hits {
		eids = append(eids, h.EID)
		recs = appendGoldenSources(recs, &h.Golden)
	}
	if err := s.auditDone(ctx, actor, "search", eids, recs, err); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return hits, nil
}

func (s *Service) searchTx(ctx context.Context, tx store.Tx, in *input, limit int) ([]Hit, error) {
	// Selective blocks first, as a resolve reads them: when they hold a
	// certain match the larger blocks are not read (Service.candidates).
	cset, err := s.candidates(ctx, tx, in, nil, func(r *store.Record) matching.Score {
		return in.model.Score(in.norm, s.normalized(r))
	}, false)
	if err != nil {
		return nil, err
	}
	var eids []store.EID
	for _, c := range cset.Candidates {
		if c.EID != "" && !slices.Contains(eids, c.EID) {
			eids = append(eids, c.EID)
		}
	}
	if len(eids) == 0 {
		return nil, nil
	}
	members, err := tx.PersonRecords(ctx, eids)
	if err != nil {
		return nil, err
	}
	type bestPair struct {
		score matching.Score
		rec   *matching.Record
	}
	best := make(map[store.EID]bestPair, len(eids))
	for i := range members {
		c := &members[i]
		rec := s.normalized(&c.Record)
		sc := in.model.Score(in.norm, rec)
		if b, ok := best[c.EID]; !ok || sc.Weight > b.score.Weight {
			best[c.EID] = bestPair{sc, rec}
		}
	}
	hits := make([]Hit, 0, len(best))
	certain := 0
	for eid, b := range best {
		sc := b.score
		h := Hit{EID: eid, Probability: sc.Probability(), Weight: sc.Weight, Grade: GradePossible}
		if h.Probability < SearchFloor {
			continue
		}
		switch sc.Decision {
		case matching.Match:
			h.Grade = GradeCertain
			certain++
		case matching.Review:
			h.Grade = GradeProbable
		}
		hits = append(hits, h)
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		return cmp.Or(cmp.Compare(b.Probability, a.Probability), cmp.Compare(b.Weight, a.Weight), cmp.Compare(a.EID, b.EID))
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	for i := range hits {
		h := &hits[i]
		if certain > 1 && h.Grade == GradeCertain {
			h.Grade = GradeProbable
		}
		p, err := s.follow(ctx, tx, h.EID)
		if err != nil {
			return nil, err
		}
		h.Golden = p.Golden
		e := in.model.Explain(in.norm, best[h.EID].rec)
		h.Explanation = &e
	}
	return hits, nil
}

// appendGoldenSources appends the records a golden record's fields came
// from (what showing it discloses), each once.
func appendGoldenSources(recs []store.RecordKey, g *store.Golden) []store.RecordKey {
	for _, f := range []store.GoldenField{g.Name, g.Sex, g.BirthDate, g.CitizenID, g.InsuranceNo, g.Phone, g.Province, g.Ward, g.Address} {
		if f.From.Valid() && !slices.Contains(recs, f.From) {
			recs = append(recs, f.From)
		}
	}
	return recs
}

// idField is an identifier a look-up is by.
type idField struct {
	field  string // the request field and matching.Raw field
	action string // the audit action
	set    func(r *matching.Raw, v string)
	get    func(m *matching.Record) string
}

var (
	byCitizenID = idField{"citizen_id", "lookup_citizen_id",
		func(r *matching.Raw, v string) { r.CitizenID = v },
		func(m *matching.Record) string { return m.CitizenID.Value }}
	byInsurance = idField{"insurance_no", "lookup_insurance",
		func(r *matching.Raw, v string) { r.InsuranceNo = v },
		func(m *matching.Record) string { return m.SocialInsurance }}
	byPhone = idField{"phone", "lookup_phone",
		func(r *matching.Raw, v string) { r.Phone = v },
		func(m *matching.Record) string { return m.Phone }}
)

// LookupCitizenID returns the persons with a record carrying this citizen
// ID (CCCD, CMND or another national identifier), compared in normalized
// form: spaces and dashes as typed, a CCCD stored as a number with its
// leading zero lost, are all the same ID. A value that is no citizen ID
// is a FieldError "citizen_id". Persons are ordered by EID.
func (s *Service) LookupCitizenID(ctx context.Context, actor Actor, value string) ([]PersonView, error) {
	return s.lookupByID(ctx, actor, byCitizenID, value)
}

// LookupInsurance returns the persons with a record carrying this social
// insurance number: a 15-character BHYT card code or its 10-digit BHXH
// number (the card's last ten characters) — either finds records sent
// with the other.
func (s *Service) LookupInsurance(ctx context.Context, actor Actor, value string) ([]PersonView, error) {
	return s.lookupByID(ctx, actor, byInsurance, value)
}

// LookupPhone returns the persons with a record carrying this phone
// number, as typed: "+84 912 345 678", "0912.345.678" and a pre-2018
// 11-digit mobile number are one number. Households share phones: expect
// several persons.
func (s *Service) LookupPhone(ctx context.Context, actor Actor, value string) ([]PersonView, error) {
	return s.lookupByID(ctx, actor, byPhone, value)
}

// lookupByID normalizes value as a record's field would be, finds the records
// indexed under its blocking key (Options.PerKey applies: a value shared
// by more records is a junk value and finds nothing) and keeps those whose
// normalized value is exactly equal.
func (s *Service) lookupByID(ctx context.Context, actor Actor, id idField, value string) ([]PersonView, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if strings.TrimSpace(value) == "" {
		return nil, invalid(id.field, "required")
	}
	q := matching.Raw{Source: "query", LocalID: "query"}
	id.set(&q, value)
	in, err := s.prepare(q, "")
	if err != nil {
		return nil, err
	}
	want := id.get(in.norm)
	if want == "" || len(in.keys) == 0 {
		problem := "not a usable " + strings.ReplaceAll(id.field, "_", " ")
		for _, is := range in.norm.Issues {
			if is.Field == id.field {
				problem = is.Problem // names the problem, never the value
			}
		}
		return nil, invalid(id.field, problem)
	}
	var views []PersonView
	var heads []store.PersonHead
	err = s.store.View(ctx, func(tx store.Tx) error {
		views, heads = nil, nil
		cset, err := tx.Candidates(ctx, in.keys, s.perKey)
		if err != nil {
			return err
		}
		for i := range cset.Candidates {
			c := &cset.Candidates[i]
			if c.EID == "" || id.get(s.normalized(&c.Record)) != want {
				continue
			}
			h, err := followHead(ctx, tx, c.EID)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(heads, func(o store.PersonHead) bool { return o.EID == h.EID }) {
				heads = append(heads, h)
			}
		}
		slices.SortFunc(heads, func(a, b store.PersonHead) int { return strings.Compare(string(a.EID), string(b.EID)) })
		if s.persons != nil {
			return nil // views from the cache, below
		}
		for _, h := range heads {
			v, err := personView(ctx, tx, h.EID)
			if err != nil {
				return err
			}
			views = append(views, v)
		}
		return nil
	})
	if err == nil && s.persons != nil {
		views, err = s.cachedViews(ctx, heads)
	}
	eids, recs := disclosed(views)
	if err := s.auditDone(ctx, actor, id.action, eids, recs, err); err != nil {
		return nil, fmt.Errorf("look-up by %s: %w", id.field, err)
	}
	return views, nil
}

// disclosed returns the EIDs and record keys a set of views shows.
func disclosed(views []PersonView) ([]store.EID, []store.RecordKey) {
	var eids []store.EID
	var recs []store.RecordKey
	for i := range views {
		v := &views[i]
		if v.Asked != v.EID {
			eids = append(eids, v.Asked)
		}
		eids = append(eids, v.EID)
		for _, r := range v.Records {
			recs = append(recs, r.Key)
		}
	}
	return eids, recs
}

// LookupSource returns the person a source record is linked to. A record
// that does not exist, or has no link (it was retracted), is ErrNotFound.
func (s *Service) LookupSource(ctx context.Context, actor Actor, key store.RecordKey) (PersonView, error) {
	if err := checkActor(actor); err != nil {
		return PersonView{}, err
	}
	key, err := checkRecordKey("record", key)
	if err != nil {
		return PersonView{}, err
	}
	v, err := s.view(ctx, func(tx store.Tx) (store.EID, error) {
		l, err := tx.Link(ctx, key)
		if err != nil {
			return "", notFound(err, "person of record "+key.String())
		}
		return l.EID, nil
	})
	eids, recs := disclosed([]PersonView{v})
	if !slices.Contains(recs, key) {
		recs = append(recs, key)
	}
	if err := s.auditDone(ctx, actor, "lookup_source", eids, recs, err); err != nil {
		return PersonView{}, fmt.Errorf("look-up of record %s: %w", key, err)
	}
	return v, nil
}

// Person returns a person by EID, as typed (store.ParseEID: any case,
// spaces or hyphens, O for 0; a malformed EID is a FieldError "eid"),
// following merge redirects: the view names the EID asked and the live
// one.
func (s *Service) Person(ctx context.Context, actor Actor, eid store.EID) (PersonView, error) {
	if err := checkActor(actor); err != nil {
		return PersonView{}, err
	}
	eid, err := parseEIDField("eid", eid)
	if err != nil {
		return PersonView{}, err
	}
	v, err := s.view(ctx, func(store.Tx) (store.EID, error) { return eid, nil })
	eids, recs := disclosed([]PersonView{v})
	if err != nil {
		eids = []store.EID{eid}
	}
	if err := s.auditDone(ctx, actor, "person", eids, recs, err); err != nil {
		return PersonView{}, fmt.Errorf("person %s: %w", eid, err)
	}
	return v, nil
}

// personView builds the view of the live person asked stands for.
func personView(ctx context.Context, tx store.Tx, asked store.EID) (PersonView, error) {
	p, err := follow(ctx, tx, asked)
	if err != nil {
		return PersonView{}, err
	}
	v := PersonView{Asked: asked, EID: p.EID, Version: p.Version, Created: p.Created, Updated: p.Updated, Golden: p.Golden}
	links, err := tx.LinksTo(ctx, p.EID)
	if err != nil {
		return PersonView{}, err
	}
	keys := make([]store.RecordKey, len(links))
	byKey := make(map[store.RecordKey]store.Link, len(links))
	for i, l := range links {
		keys[i] = l.Record
		byKey[l.Record] = l
	}
	recs, err := tx.Records(ctx, keys)
	if err != nil {
		return PersonView{}, err
	}
	for _, r := range recs {
		if r.Status != store.RecordActive {
			continue
		}
		l := byKey[r.Key]
		v.Records = append(v.Records, LinkedRecord{
			Key: r.Key, Version: r.Version, Received: r.Received, Kind: l.Kind,
			Probability: l.Probability, Weight: l.Weight, Raw: r.Raw,
		})
	}
	if len(v.Records) != len(links) {
		return PersonView{}, errors.New("person " + string(p.EID) + ": a linked record is missing or retracted")
	}
	slices.SortFunc(v.Records, func(a, b LinkedRecord) int { return compareRecordKey(a.Key, b.Key) })
	return v, nil
}
