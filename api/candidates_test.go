package api

import "testing"

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
