package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/vnhealth/mpi/store"
)

// candidates runs Candidates in a View and returns its set with the
// candidates in key order.
func candidates(t *testing.T, s store.Store, keys []uint64, perKey int) store.CandidateSet {
	t.Helper()
	var set store.CandidateSet
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		set, err = tx.Candidates(ctx, keys, perKey)
		return err
	})
	sortCandidates(set.Candidates)
	return set
}

// testCandidatesByAnyKey: a record is found by any of its keys, once, with
// the EID of its active link ("" when it has none).
func testCandidatesByAnyKey(t *testing.T, b Backend) {
	s := b.Open(t)
	e := eids(t, s, 1)[0]
	a := record(key("BV01", "A"), kYearProv, kCitizen)
	bb := record(key("BV02", "B"), kCitizen, kPhone)
	c := record(key("BV03", "C"), kOther)
	putRecords(t, s, a, bb, c)
	putPersons(t, s, e)
	setLinks(t, s, link(a.Key, e))

	tests := []struct {
		keys []uint64
		want []store.Candidate
	}{
		{[]uint64{kYearProv}, []store.Candidate{{Record: stored(a), EID: e}}},
		{[]uint64{kPhone}, []store.Candidate{{Record: stored(bb)}}},
		{[]uint64{kCitizen}, []store.Candidate{{Record: stored(a), EID: e}, {Record: stored(bb)}}},
		{[]uint64{kYearProv, kCitizen, kPhone, kCitizen}, []store.Candidate{{Record: stored(a), EID: e}, {Record: stored(bb)}}},
		{[]uint64{kName}, nil},
		{nil, nil},
		{[]uint64{kOther, kName}, []store.Candidate{{Record: stored(c)}}},
	}
	for _, tc := range tests {
		for _, perKey := range []int{0, -1, 2, 100} {
			set := candidates(t, s, tc.keys, perKey)
			diff(t, fmt.Sprintf("Candidates(%x, %d)", tc.keys, perKey), store.CandidateSet{Candidates: tc.want}, set)
		}
	}

	// The EID follows the active link.
	e2 := eids(t, s, 1)[0]
	putPersons(t, s, e2)
	l := link(a.Key, e2)
	l.Kind = store.LinkManual
	setLinks(t, s, l)
	diff(t, "Candidates after relink", store.CandidateSet{Candidates: []store.Candidate{{Record: stored(a), EID: e2}}},
		candidates(t, s, []uint64{kYearProv}, 0))
	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.RemoveLink(ctx, a.Key) })
	diff(t, "Candidates after unlink", store.CandidateSet{Candidates: []store.Candidate{{Record: stored(a)}}},
		candidates(t, s, []uint64{kYearProv}, 0))
}

// testCandidatesNewVersion: a new version replaces the old version's keys.
func testCandidatesNewVersion(t *testing.T, b Backend) {
	s := b.Open(t)
	a := record(key("BV01", "A"), kYearProv, kCitizen)
	putRecords(t, s, a)
	a2 := next(a, kCitizen, kPhone)
	putRecords(t, s, a2)
	diff(t, "old key", store.CandidateSet{}, candidates(t, s, []uint64{kYearProv}, 0))
	diff(t, "kept key", store.CandidateSet{Candidates: []store.Candidate{{Record: stored(a2)}}}, candidates(t, s, []uint64{kCitizen}, 0))
	diff(t, "new key", store.CandidateSet{Candidates: []store.Candidate{{Record: stored(a2)}}}, candidates(t, s, []uint64{kPhone}, 0))

	// Within one transaction too, and a version without keys is found by none.
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		a3 := next(a2, kName)
		if err := tx.PutRecord(ctx, a3); err != nil {
			return err
		}
		set, err := tx.Candidates(ctx, []uint64{kName, kPhone}, 0)
		if err != nil {
			return err
		}
		diff(t, "Candidates inside the writing transaction", store.CandidateSet{Candidates: []store.Candidate{{Record: stored(a3)}}}, set)
		return tx.PutRecord(ctx, next(a3))
	})
	diff(t, "version without keys", store.CandidateSet{},
		candidates(t, s, []uint64{kYearProv, kCitizen, kPhone, kName}, 0))
}

// testCandidatesRetracted: a retracted record is found by none of its keys
// and does not count towards a block's size.
func testCandidatesRetracted(t *testing.T, b Backend) {
	s := b.Open(t)
	a := record(key("BV01", "A"), kYearProv, kCitizen)
	bb := record(key("BV01", "B"), kYearProv)
	putRecords(t, s, a, bb)
	putRecords(t, s, retracted(a))
	diff(t, "after retraction", store.CandidateSet{Candidates: []store.Candidate{{Record: stored(bb)}}},
		candidates(t, s, []uint64{kYearProv, kCitizen}, 1))

	// Retracted with its keys still set: not found either.
	c := record(key("BV01", "C"), kPhone)
	putRecords(t, s, c)
	rc := retracted(c)
	rc.Keys = []uint64{kPhone}
	putRecords(t, s, rc)
	diff(t, "retracted with keys", store.CandidateSet{}, candidates(t, s, []uint64{kPhone}, 0))

	// A new active version is found again.
	a3 := next(retracted(a), kCitizen)
	a3.Status = store.RecordActive
	putRecords(t, s, a3)
	diff(t, "reactivated", store.CandidateSet{Candidates: []store.Candidate{{Record: stored(a3)}}},
		candidates(t, s, []uint64{kCitizen}, 0))
}

// testCandidatesPerKeyCap: a key indexing more than perKey active records
// is skipped and counted; other keys still return their records.
func testCandidatesPerKeyCap(t *testing.T, b Backend) {
	s := b.Open(t)
	var big []store.Record
	for i := range 4 {
		big = append(big, record(key("BV01", fmt.Sprintf("big%d", i)), kYearProv))
	}
	// Own is in the big block too and has a small key of its own.
	own := record(key("BV02", "own"), kYearProv, kCitizen)
	small := record(key("BV03", "small"), kPhone)
	putRecords(t, s, append(big, own, small)...)
	all := []store.Candidate{}
	for _, r := range append(big, own) {
		all = append(all, store.Candidate{Record: stored(r)})
	}

	tests := []struct {
		keys   []uint64
		perKey int
		want   store.CandidateSet
	}{
		{[]uint64{kYearProv}, 4, store.CandidateSet{Capped: 1}},
		{[]uint64{kYearProv}, 5, store.CandidateSet{Candidates: all}}, // exactly perKey: not capped
		{[]uint64{kYearProv}, 0, store.CandidateSet{Candidates: all}},
		{[]uint64{kYearProv}, -1, store.CandidateSet{Candidates: all}},
		{[]uint64{kYearProv, kCitizen}, 4, store.CandidateSet{Candidates: []store.Candidate{{Record: stored(own)}}, Capped: 1}},
		{[]uint64{kYearProv, kPhone, kCitizen}, 1, store.CandidateSet{
			Candidates: []store.Candidate{{Record: stored(own)}, {Record: stored(small)}}, Capped: 1}},
		{[]uint64{kPhone, kYearProv, kName}, 2, store.CandidateSet{Candidates: []store.Candidate{{Record: stored(small)}}, Capped: 1}},
	}
	for _, tc := range tests {
		diff(t, fmt.Sprintf("Candidates(%x, %d)", tc.keys, tc.perKey), tc.want, candidates(t, s, tc.keys, tc.perKey))
	}

	// Retracting one record of the block brings it under the cap.
	putRecords(t, s, retracted(big[0]))
	diff(t, "after retraction", store.CandidateSet{Candidates: all[1:]}, candidates(t, s, []uint64{kYearProv}, 4))
	// Two oversized keys count twice.
	putRecords(t, s, next(own, kYearProv, kCitizen, kName), record(key("BV04", "x"), kName), record(key("BV04", "y"), kName))
	diff(t, "two oversized keys", store.CandidateSet{Capped: 2}, candidates(t, s, []uint64{kYearProv, kName}, 2))
}

// testPersonRecords: the active records linked to any of the EIDs.
func testPersonRecords(t *testing.T, b Backend) {
	s := b.Open(t)
	e := eids(t, s, 3)
	p1, p2, p3 := e[0], e[1], e[2]
	a := record(key("BV01", "A"), kYearProv)
	bb := record(key("BV02", "B"), kCitizen)
	c := record(key("BV03", "C"))
	gone := record(key("BV04", "D"), kPhone)
	loose := record(key("BV05", "E"), kPhone)
	putRecords(t, s, a, bb, c, gone, loose)
	putPersons(t, s, p1, p2, p3)
	setLinks(t, s, link(a.Key, p1), link(bb.Key, p1), link(c.Key, p2), link(gone.Key, p1))
	putRecords(t, s, retracted(gone)) // its link stays, but it is not active

	tests := []struct {
		eids []store.EID
		want []store.Candidate
	}{
		{[]store.EID{p1}, []store.Candidate{{Record: stored(a), EID: p1}, {Record: stored(bb), EID: p1}}},
		{[]store.EID{p2, p1}, []store.Candidate{{Record: stored(a), EID: p1}, {Record: stored(bb), EID: p1}, {Record: stored(c), EID: p2}}},
		{[]store.EID{p3}, nil},
		{nil, nil},
	}
	for _, tc := range tests {
		var got []store.Candidate
		view(t, s, func(ctx context.Context, tx store.Tx) error {
			var err error
			got, err = tx.PersonRecords(ctx, tc.eids)
			return err
		})
		diff(t, fmt.Sprintf("PersonRecords(%v)", tc.eids), tc.want, sortCandidates(got))
	}
}
