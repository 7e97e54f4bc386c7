package api

import (
	"fmt"
	"testing"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
)

// TestSelectiveBlocksFirst: a record whose selective blocks hold its
// person (here its phone) links to it without reading its large block (40
// men of one birth year, province, sex and initial), which is counted in
// Capped; a record that matches nobody there reads the large block too.
func TestSelectiveBlocksFirst(t *testing.T) {
	runWorkflowTests(t, []workflowTest{{"selective first", func(t *testing.T, open opener) {
		s := newService(t, open, Options{})
		block := blockOf(40, 0)
		first := resolveAll(t, s, block, 40)

		again := withKey(block[5], "TYT79009", "5")
		res := resolve(t, s, again)
		if res.Decision != DecisionLinked || res.EID != first[5].EID {
			t.Errorf("a second record of man 5: %s to %s, want linked to %s", res.Decision, res.EID, first[5].EID)
		}
		if res.Capped == 0 || res.Candidates >= len(block) {
			t.Errorf("a second record of man 5: %d candidates, %d keys capped; want the large block left unread", res.Candidates, res.Capped)
		}

		stranger := blockOf(1, 40)[0]
		stranger.Phone, stranger.Address = "0987000111", ""
		res = resolve(t, s, stranger)
		if res.Decision == DecisionLinked {
			t.Errorf("a new man: linked to %s, want a new person", res.EID)
		}
		if res.Candidates < len(block) {
			t.Errorf("a new man: %d candidates, want the %d of the large block scored", res.Candidates, len(block))
		}
	}}})
}

// TestPersonalIDBlocksFirst: a record that matches the person whose
// citizen ID it carries links to it from that ID's block alone — its phone,
// name and birth-date blocks unread, counted in Capped — and a record whose
// citizen ID no stored record has still finds its person through the other
// blocks. A search reads past the ID's block: its user may mean others.
func TestPersonalIDBlocksFirst(t *testing.T) {
	runWorkflowTests(t, []workflowTest{{"id first", func(t *testing.T, open opener) {
		s := newService(t, open, Options{})
		block := blockOf(40, 0)
		for i := range block {
			block[i].CitizenID = fmt.Sprintf("0790900%05d", i)
		}
		first := resolveAll(t, s, block, 40)

		again := withKey(block[5], "TYT79009", "5")
		res := resolve(t, s, again)
		if res.Decision != DecisionLinked || res.EID != first[5].EID {
			t.Errorf("a second record of man 5: %s to %s, want linked to %s", res.Decision, res.EID, first[5].EID)
		}
		in, err := s.prepare(again, "")
		if err != nil {
			t.Fatal(err)
		}
		if res.Candidates != 1 || res.Capped != len(in.keys)-len(in.idKeys) {
			t.Errorf("a second record of man 5: %d candidates, %d keys capped; want man 5's record alone, the %d keys other than its citizen ID's unread",
				res.Candidates, res.Capped, len(in.keys)-len(in.idKeys))
		}

		// (A citizen ID other than man 7's own would keep him from an
		// automatic link whatever was read: an insurance number no stored
		// record has.)
		other := withKey(block[7], "TYT79009", "7")
		other.CitizenID, other.InsuranceNo = "", "DN4797912345678"
		res = resolve(t, s, other)
		if res.Decision != DecisionLinked || res.EID != first[7].EID {
			t.Errorf("man 7 with an insurance number no record has: %s to %s, want linked to %s through his other blocks", res.Decision, res.EID, first[7].EID)
		}

		q := block[5]
		q.Source, q.LocalID = "query", "query" // as Search prepares a query
		in, err = s.prepare(q, "")
		if err != nil {
			t.Fatal(err)
		}
		var cset store.CandidateSet
		if err := s.store.View(t.Context(), func(tx store.Tx) error {
			cset, err = s.candidates(t.Context(), tx, in, nil, func(r *store.Record) matching.Score {
				return in.model.Score(in.norm, s.normalized(r))
			}, false)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if cset.Capped >= len(in.keys)-len(in.idKeys) {
			t.Errorf("a search: %d of its %d keys capped, want its phone's, name's and birth date's blocks read too", cset.Capped, len(in.keys))
		}
	}}})
}

// TestPrescoreOnOneWriter: Resolve scores candidates before its write
// transaction on a store with one writer at a time (bolt), not on one
// whose writers run concurrently (PostgreSQL).
func TestPrescoreOnOneWriter(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s := newService(t, b.open, Options{})
			resolve(t, s, anBV)
			in, err := s.prepare(anTYT, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, done, err := s.fastPath(t.Context(), in); err != nil || done {
				t.Fatalf("fastPath: done %v, %v", done, err)
			}
			if got, want := len(in.memo) > 0, b.name == "bolt"; got != want {
				t.Errorf("%d scores computed before the transaction; want some: %v", len(in.memo), want)
			}
		})
	}
}

// TestSearchSelectiveBlocksFirst: a search whose selective blocks hold a
// certain match finds it first, without the large block around it.
func TestSearchSelectiveBlocksFirst(t *testing.T) {
	runWorkflowTests(t, []workflowTest{{"search", func(t *testing.T, open opener) {
		s := newService(t, open, Options{})
		block := blockOf(40, 0)
		first := resolveAll(t, s, block, 40)
		q := block[5]
		q.Source, q.LocalID = "", ""
		hits, err := s.Search(t.Context(), doctor, q, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].EID != first[5].EID || hits[0].Grade != GradeCertain {
			t.Errorf("hits %+v: want man 5 (%s) first, certain", hits, first[5].EID)
		}
	}}})
}
