package api

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/vnhealth/mpi/store"
)

// Problem kinds reported by Verify.
const (
	// ProblemUnlinked: an active record has no active link.
	ProblemUnlinked = "record_unlinked"
	// ProblemRetractedLinked: a retracted record still has a link.
	ProblemRetractedLinked = "retracted_linked"
	// ProblemLinkNoRecord: a link names a record that does not exist.
	ProblemLinkNoRecord = "link_without_record"
	// ProblemLinkNoPerson: a link names a person that does not exist.
	ProblemLinkNoPerson = "link_to_missing_person"
	// ProblemLinkMerged: a link names a merged-away person.
	ProblemLinkMerged = "link_to_merged_person"
	// ProblemRedirectDangling: a merged person redirects to a person that
	// does not exist, or names no survivor.
	ProblemRedirectDangling = "redirect_dangling"
	// ProblemRedirectCycle: a redirect chain comes back on itself.
	ProblemRedirectCycle = "redirect_cycle"
	// ProblemGolden: a golden record differs from a rebuild from its links.
	ProblemGolden = "golden_stale"
	// ProblemEventLink: replaying the event log gives another link for a
	// record than the store holds.
	ProblemEventLink = "event_link_mismatch"
	// ProblemEventRedirect: replaying the event log gives another redirect
	// (or none) for a person than the store holds.
	ProblemEventRedirect = "event_redirect_mismatch"
	// ProblemEventRecord: a record's current version or content hash is
	// not the last one the event log recorded for it.
	ProblemEventRecord = "event_record_mismatch"
	// ProblemEventPerson: a person has no person.created event, or an
	// event created one that does not exist.
	ProblemEventPerson = "event_person_mismatch"
	// ProblemEventData: an event's Data does not decode.
	ProblemEventData = "event_data_invalid"
	// ProblemAuditChain: the audit log's hash chain is broken.
	ProblemAuditChain = "audit_chain"
)

// maxProblems bounds the problems a report lists; ByKind counts them all.
const maxProblems = 1000

// Problem is one inconsistency: its kind, the record and/or person it is
// about, and a detail naming identifiers only (never demographics).
type Problem struct {
	Kind   string          `json:"kind"`
	Record store.RecordKey `json:"record,omitzero"`
	EID    store.EID       `json:"eid,omitempty"`
	Detail string          `json:"detail,omitempty"`
}

func (p Problem) String() string {
	s := p.Kind
	if p.Record.Valid() {
		s += " record " + p.Record.String()
	}
	if p.EID != "" {
		s += " person " + string(p.EID)
	}
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	return s
}

// VerifyReport is what Verify found: what it checked, and the problems.
type VerifyReport struct {
	Records       int64 `json:"records"`
	ActiveRecords int64 `json:"active_records"`
	Persons       int64 `json:"persons"`
	ActivePersons int64 `json:"active_persons"`
	Links         int64 `json:"links"`
	Events        int64 `json:"events"`
	AuditEntries  int64 `json:"audit_entries"`
	// Problems lists the first 1000 problems found.
	Problems []Problem `json:"problems"`
	// ByKind counts every problem found, by kind.
	ByKind map[string]int `json:"by_kind"`
}

// OK reports whether Verify found no problem.
func (r *VerifyReport) OK() bool { return len(r.ByKind) == 0 }

func (r *VerifyReport) add(p Problem) {
	if r.ByKind == nil {
		r.ByKind = make(map[string]int)
	}
	r.ByKind[p.Kind]++
	if len(r.Problems) < maxProblems {
		r.Problems = append(r.Problems, p)
	}
}

// Verify checks the invariants the workflow maintains, over one consistent
// snapshot (and then the audit log):
//
//   - every active record has exactly one active link, to an existing,
//     live (not merged) person; retracted records have none; every link
//     names an existing record;
//   - every merged person's redirect chain ends at a live person;
//   - every golden record equals a fresh rebuild from its person's active
//     linked records (with this Service's SourceTrust: a changed trust
//     table reports the golden records it would change);
//   - the event log replayed from the start (link.set, link.removed,
//     person.merged, person.unmerged; record.put and record.retracted;
//     person.created) gives exactly the current links, redirects, record
//     versions and persons;
//   - the audit log's hash chain verifies.
//
// It holds the snapshot's links, persons and records in memory: an
// offline check for an operator, not a request path. Problems name
// record keys and EIDs only.
func (s *Service) Verify(ctx context.Context) (VerifyReport, error) {
	var rep VerifyReport
	err := s.store.View(ctx, func(tx store.Tx) error {
		rep = VerifyReport{}
		return s.verifyTx(ctx, tx, &rep)
	})
	if err != nil {
		return rep, err
	}
	if err := s.verifyAudit(ctx, &rep); err != nil {
		return rep, err
	}
	return rep, nil
}

func (s *Service) verifyTx(ctx context.Context, tx store.Tx, rep *VerifyReport) error {
	persons := make(map[store.EID]store.Person)
	if err := tx.ForEachPerson(ctx, func(p store.Person) error {
		persons[p.EID] = p
		return nil
	}); err != nil {
		return err
	}
	links := make(map[store.RecordKey]store.Link)
	if err := tx.ForEachLink(ctx, func(l store.Link) error {
		links[l.Record] = l
		return nil
	}); err != nil {
		return err
	}
	versions := make(map[store.RecordKey]RecordVersion)
	members := make(map[store.EID][]store.Record)
	var unlinked, retractedLinked []store.RecordKey
	if err := tx.ForEachRecord(ctx, func(r store.Record) error {
		rep.Records++
		versions[r.Key] = RecordVersion{Version: r.Version, Hash: r.Hash}
		l, linked := links[r.Key]
		switch {
		case r.Status == store.RecordActive && !linked:
			unlinked = append(unlinked, r.Key)
		case r.Status == store.RecordActive:
			members[l.EID] = append(members[l.EID], r)
		case linked:
			retractedLinked = append(retractedLinked, r.Key)
		}
		if r.Status == store.RecordActive {
			rep.ActiveRecords++
		}
		return nil
	}); err != nil {
		return err
	}
	for _, k := range unlinked {
		rep.add(Problem{Kind: ProblemUnlinked, Record: k})
	}
	for _, k := range retractedLinked {
		rep.add(Problem{Kind: ProblemRetractedLinked, Record: k, EID: links[k].EID})
	}

	for _, k := range keysOf(links) {
		l := links[k]
		rep.Links++
		if _, ok := versions[k]; !ok {
			rep.add(Problem{Kind: ProblemLinkNoRecord, Record: k, EID: l.EID})
		}
		switch p, ok := persons[l.EID]; {
		case !ok:
			rep.add(Problem{Kind: ProblemLinkNoPerson, Record: k, EID: l.EID})
		case p.Status == store.PersonMerged:
			rep.add(Problem{Kind: ProblemLinkMerged, Record: k, EID: l.EID, Detail: "merged into " + string(p.MergedInto)})
		}
	}

	eids := eidsOf(persons)
	for _, eid := range eids {
		p := persons[eid]
		rep.Persons++
		if p.Status != store.PersonMerged {
			rep.ActivePersons++
		} else {
			checkRedirect(persons, eid, rep)
		}
		if g := s.golden(members[eid]); g != p.Golden {
			rep.add(Problem{Kind: ProblemGolden, EID: eid, Detail: goldenDiff(p.Golden, g)})
		}
	}
	return s.verifyEvents(ctx, tx, rep, persons, links, versions)
}

// checkRedirect follows a merged person's redirects in the snapshot.
func checkRedirect(persons map[store.EID]store.Person, eid store.EID, rep *VerifyReport) {
	seen := map[store.EID]bool{eid: true}
	cur := persons[eid]
	for cur.Status == store.PersonMerged {
		next, ok := persons[cur.MergedInto]
		switch {
		case cur.MergedInto == "" || !ok:
			rep.add(Problem{Kind: ProblemRedirectDangling, EID: eid, Detail: fmt.Sprintf("chain reaches %q, which does not exist", cur.MergedInto)})
			return
		case seen[next.EID]:
			rep.add(Problem{Kind: ProblemRedirectCycle, EID: eid, Detail: "chain returns to " + string(next.EID)})
			return
		}
		seen[next.EID] = true
		cur = next
	}
}

// goldenDiff names the golden fields that differ (not their values).
func goldenDiff(stored, rebuilt store.Golden) string {
	names := []string{"name", "sex", "birth_date", "citizen_id", "insurance_no", "phone", "province", "ward", "address"}
	a := []store.GoldenField{stored.Name, stored.Sex, stored.BirthDate, stored.CitizenID, stored.InsuranceNo, stored.Phone, stored.Province, stored.Ward, stored.Address}
	b := []store.GoldenField{rebuilt.Name, rebuilt.Sex, rebuilt.BirthDate, rebuilt.CitizenID, rebuilt.InsuranceNo, rebuilt.Phone, rebuilt.Province, rebuilt.Ward, rebuilt.Address}
	var diff []string
	for i := range names {
		if a[i] != b[i] {
			diff = append(diff, names[i])
		}
	}
	return "fields differ from a rebuild: " + fmt.Sprint(diff)
}

// eventPage is how many events Verify reads at a time.
const eventPage = 1000

// verifyEvents replays the event log and compares it with the snapshot.
func (s *Service) verifyEvents(ctx context.Context, tx store.Tx, rep *VerifyReport, persons map[store.EID]store.Person, links map[store.RecordKey]store.Link, versions map[store.RecordKey]RecordVersion) error {
	replayLinks := make(map[store.RecordKey]store.EID)
	redirects := make(map[store.EID]store.EID)
	created := make(map[store.EID]bool)
	lastVersion := make(map[store.RecordKey]RecordVersion)
	bad := func(e *store.Event, err error) {
		rep.add(Problem{Kind: ProblemEventData, Record: e.Record, Detail: fmt.Sprintf("event %d (%s): %v", e.Seq, e.Kind, err)})
	}
	var after int64
	for {
		page, err := tx.Events(ctx, store.EventFilter{AfterSeq: after, Limit: eventPage})
		if err != nil {
			return err
		}
		for i := range page {
			e := &page[i]
			rep.Events++
			after = e.Seq
			switch e.Kind {
			case store.EventRecordPut, store.EventRecordRetracted:
				var d RecordVersion
				if err := json.Unmarshal(e.Data, &d); err != nil {
					bad(e, err)
					continue
				}
				lastVersion[e.Record] = d
			case store.EventPersonCreated:
				for _, eid := range e.EIDs {
					created[eid] = true
				}
			case store.EventLinked:
				var d LinkChange
				if err := json.Unmarshal(e.Data, &d); err != nil {
					bad(e, err)
					continue
				}
				replayLinks[e.Record] = d.EID
			case store.EventUnlinked:
				delete(replayLinks, e.Record)
			case store.EventMerged:
				var d MergeData
				if err := json.Unmarshal(e.Data, &d); err != nil {
					bad(e, err)
					continue
				}
				redirects[d.Loser] = d.Survivor
			case store.EventUnmerged:
				var d UnmergeData
				if err := json.Unmarshal(e.Data, &d); err != nil {
					bad(e, err)
					continue
				}
				delete(redirects, d.Loser)
			}
		}
		if len(page) < eventPage {
			break
		}
	}

	for _, k := range keysOf(links) {
		if got, want := replayLinks[k], links[k].EID; got != want {
			rep.add(Problem{Kind: ProblemEventLink, Record: k, EID: want, Detail: fmt.Sprintf("event log links it to %q", got)})
		}
	}
	for _, k := range keysOf(replayLinks) {
		if _, ok := links[k]; !ok {
			rep.add(Problem{Kind: ProblemEventLink, Record: k, EID: replayLinks[k], Detail: "event log links it; the store has no link"})
		}
	}
	for _, eid := range eidsOf(persons) {
		p := persons[eid]
		want := store.EID("")
		if p.Status == store.PersonMerged {
			want = p.MergedInto
		}
		if got := redirects[eid]; got != want {
			rep.add(Problem{Kind: ProblemEventRedirect, EID: eid, Detail: fmt.Sprintf("event log redirects it to %q, the store to %q", got, want)})
		}
		if !created[eid] {
			rep.add(Problem{Kind: ProblemEventPerson, EID: eid, Detail: "no person.created event"})
		}
	}
	for _, eid := range eidsOf(redirects) {
		if _, ok := persons[eid]; !ok {
			rep.add(Problem{Kind: ProblemEventRedirect, EID: eid, Detail: "event log merges a person the store does not hold"})
		}
	}
	for _, eid := range eidsOf(created) {
		if _, ok := persons[eid]; !ok {
			rep.add(Problem{Kind: ProblemEventPerson, EID: eid, Detail: "created by the event log; the store does not hold it"})
		}
	}
	for _, k := range keysOf(versions) {
		if got, want := lastVersion[k], versions[k]; got != want {
			rep.add(Problem{Kind: ProblemEventRecord, Record: k, Detail: fmt.Sprintf("store holds version %d, the event log version %d (or another hash)", want.Version, got.Version)})
		}
	}
	for _, k := range keysOf(lastVersion) {
		if _, ok := versions[k]; !ok {
			rep.add(Problem{Kind: ProblemEventRecord, Record: k, Detail: "event log stores it; the store does not hold it"})
		}
	}
	return nil
}

// auditPage is how many audit entries Verify reads at a time.
const auditPage = 1000

func (s *Service) verifyAudit(ctx context.Context, rep *VerifyReport) error {
	var prev []byte
	var after int64
	for {
		page, err := s.store.AuditLog(ctx, store.AuditFilter{AfterSeq: after, Limit: auditPage})
		if err != nil {
			return err
		}
		if err := store.VerifyAuditChain(prev, page); err != nil {
			rep.add(Problem{Kind: ProblemAuditChain, Detail: err.Error()})
			return nil
		}
		rep.AuditEntries += int64(len(page))
		if len(page) > 0 {
			prev = page[len(page)-1].Hash
			after = page[len(page)-1].Seq
		}
		if len(page) < auditPage {
			return nil
		}
	}
}

// eidsOf and keysOf return a map's keys in order, so that reports are
// deterministic.
func eidsOf[V any](m map[store.EID]V) []store.EID {
	ks := slices.Collect(maps.Keys(m))
	slices.Sort(ks)
	return ks
}

func keysOf[V any](m map[store.RecordKey]V) []store.RecordKey {
	ks := slices.Collect(maps.Keys(m))
	slices.SortFunc(ks, compareRecordKey)
	return ks
}

func compareRecordKey(a, b store.RecordKey) int {
	return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.LocalID, b.LocalID))
}
