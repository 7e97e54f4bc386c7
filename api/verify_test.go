package api

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/synth"
	"github.com/vnhealth/mpi/store"
)

func TestVerify(t *testing.T) {
	t.Parallel()
	runWorkflowTests(t, []workflowTest{
		{"MixedWorkload", testVerifyMixed},
		{"Corrupted", testVerifyCorrupted},
	})
}

// generated returns a small synthetic population's records.
func generated(t testing.TB, persons int, seed uint64) []matching.Raw {
	t.Helper()
	recs, err := synth.Generate(synth.Options{Persons: persons, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	raws := make([]matching.Raw, len(recs))
	for i, r := range recs {
		raws[i] = r.Raw
	}
	return raws
}

// resolveAll resolves raws in batches of n.
func resolveAll(t testing.TB, s *Service, raws []matching.Raw, n int) []Result {
	t.Helper()
	var out []Result
	for chunk := range slices.Chunk(raws, n) {
		res, err := s.ResolveBatch(t.Context(), hub, chunk)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, res...)
	}
	return out
}

// merge merges loser into survivor the way the steward operations do
// (events.go): every record moved with a link.set event, the loser marked
// merged, a person.merged event.
func merge(t testing.TB, s *Service, loser, survivor store.EID) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		links, err := tx.LinksTo(ctx, loser)
		if err != nil {
			return err
		}
		data := MergeData{Loser: loser, Survivor: survivor}
		for _, l := range links {
			data.Moved = append(data.Moved, MovedFrom(l))
			if err := s.setLink(ctx, tx, store.Link{Record: l.Record, EID: survivor, Kind: store.LinkManual, Actor: steward.ID}, "merge"); err != nil {
				return err
			}
		}
		p, err := tx.Person(ctx, loser)
		if err != nil {
			return err
		}
		p.Status, p.MergedInto, p.Version = store.PersonMerged, survivor, p.Version+1
		if err := tx.PutPerson(ctx, p); err != nil {
			return err
		}
		return s.appendEvent(ctx, tx, &store.Event{Kind: store.EventMerged, Actor: steward.ID, Reason: "test", EIDs: []store.EID{survivor, loser}}, data)
	})
}

// mixedWorkload resolves generated records, duplicates, reviews, new
// versions, retractions and a merge.
func mixedWorkload(t testing.TB, s *Service) {
	t.Helper()
	raws := generated(t, 120, 11)
	res := resolveAll(t, s, raws, 100)
	x := resolve(t, s, minhBV)
	y := resolve(t, s, minhTYT)
	resolve(t, s, minhPK)
	resolve(t, s, anBV)
	resolve(t, s, tanPK)
	for i := 0; i < len(raws); i += 17 {
		if _, err := s.Retract(t.Context(), hub, keyOf(raws[i]), "withdrawn"); err != nil {
			t.Fatal(err)
		}
	}
	for i := 5; i < len(raws); i += 13 {
		r := raws[i]
		r.Phone = "0905123456"
		resolve(t, s, r)
	}
	resolveAll(t, s, raws[:50], 25) // re-sends
	merge(t, s, y.EID, x.EID)
	// A record of the merged-away person comes back: its EID redirects.
	if r := resolve(t, s, minhTYT); r.EID != x.EID || r.Decision != DecisionUnchanged {
		t.Errorf("re-send after merge: %q %s, want unchanged %s", r.Decision, r.EID, x.EID)
	}
	if len(res) != len(raws) {
		t.Fatalf("%d results for %d records", len(res), len(raws))
	}
}

func testVerifyMixed(t *testing.T, open opener) {
	s := newService(t, open, Options{SourceTrust: map[string]int{"BHXH-CLAIMS": 1}})
	mixedWorkload(t, s)
	rep := mustVerify(t, s)
	c := counts(t, s)
	if rep.Records != c.Records || rep.Links != c.Links || rep.Events != c.Events || rep.AuditEntries == 0 {
		t.Errorf("report %+v does not cover the store's %+v", rep, c)
	}
}

func testVerifyCorrupted(t *testing.T, open opener) {
	tests := []struct {
		name    string
		corrupt func(ctx context.Context, tx store.Tx, an store.EID) error
		want    []string
	}{
		{
			name: "link removed behind the service's back",
			corrupt: func(ctx context.Context, tx store.Tx, _ store.EID) error {
				return tx.RemoveLink(ctx, keyOf(anTYT))
			},
			want: []string{ProblemUnlinked, ProblemEventLink, ProblemGolden},
		},
		{
			name: "link moved without an event",
			corrupt: func(ctx context.Context, tx store.Tx, _ store.EID) error {
				l, err := tx.Link(ctx, keyOf(hongBV))
				if err != nil {
					return err
				}
				l.Record = keyOf(anTYT)
				return tx.SetLink(ctx, l)
			},
			want: []string{ProblemEventLink, ProblemGolden},
		},
		{
			name: "golden record edited",
			corrupt: func(ctx context.Context, tx store.Tx, an store.EID) error {
				p, err := tx.Person(ctx, an)
				if err != nil {
					return err
				}
				p.Golden.BirthDate.Value = "1991-05-07"
				p.Version++
				return tx.PutPerson(ctx, p)
			},
			want: []string{ProblemGolden},
		},
		{
			name: "dangling redirect",
			corrupt: func(ctx context.Context, tx store.Tx, an store.EID) error {
				p, err := tx.Person(ctx, an)
				if err != nil {
					return err
				}
				ghost, err := store.EIDFromSeq(987654)
				if err != nil {
					return err
				}
				p.Status, p.MergedInto, p.Version = store.PersonMerged, ghost, p.Version+1
				return tx.PutPerson(ctx, p)
			},
			want: []string{ProblemRedirectDangling, ProblemLinkMerged, ProblemEventRedirect},
		},
		{
			name: "retracted behind the service's back",
			corrupt: func(ctx context.Context, tx store.Tx, _ store.EID) error {
				r, err := tx.Record(ctx, keyOf(anBV))
				if err != nil {
					return err
				}
				r.Version++
				r.Status = store.RecordRetracted
				r.Keys = nil
				return tx.PutRecord(ctx, r)
			},
			want: []string{ProblemRetractedLinked, ProblemEventRecord},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newService(t, open, Options{})
			an := resolve(t, s, anBV).EID
			resolve(t, s, anTYT)
			resolve(t, s, hongBV)
			mustVerify(t, s)
			update(t, s, func(ctx context.Context, tx store.Tx) error { return tc.corrupt(ctx, tx, an) })
			rep, err := s.Verify(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() {
				t.Fatalf("Verify passed a corrupted store")
			}
			for _, k := range tc.want {
				if rep.ByKind[k] == 0 {
					t.Errorf("no %s problem reported; got %v", k, rep.ByKind)
				}
			}
			for _, p := range rep.Problems {
				if s := fmt.Sprint(p); containsAny(s, "Nguyễn", "NGUYỄN", "1990", "0912") {
					t.Errorf("problem carries patient data: %s", s)
				}
			}
		})
	}
}

func containsAny(s string, subs ...string) bool {
	return slices.ContainsFunc(subs, func(x string) bool { return strings.Contains(s, x) })
}
