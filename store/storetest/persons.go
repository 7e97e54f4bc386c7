package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/vnhealth/mpi/store"
)

// checkEIDs fails the test unless every EID is valid and none repeats one
// in seen; it adds them to seen.
func checkEIDs(t *testing.T, seen map[store.EID]bool, es ...store.EID) {
	t.Helper()
	for _, e := range es {
		if !e.Valid() {
			t.Errorf("EID %q is not valid", e)
		}
		if seen[e] {
			t.Errorf("EID %s handed out twice", e)
		}
		seen[e] = true
	}
}

// testNewEID: valid and distinct EIDs, within and across transactions.
func testNewEID(t *testing.T, b Backend) {
	s := b.Open(t)
	seen := map[store.EID]bool{}
	checkEIDs(t, seen, eids(t, s, 5)...)
	checkEIDs(t, seen, eids(t, s, 1)...)
	checkEIDs(t, seen, eids(t, s, 3)...)
	if len(seen) != 9 {
		t.Errorf("%d distinct EIDs, want 9", len(seen))
	}
}

// testNewEIDConcurrent: transactions running at once never get the same EID.
func testNewEIDConcurrent(t *testing.T, b Backend) {
	s := b.Open(t)
	const n = 50
	var (
		mu  sync.Mutex
		got [][]store.EID
		wg  sync.WaitGroup
	)
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			var mine []store.EID
			err := s.Update(t.Context(), func(tx store.Tx) error {
				mine = mine[:0] // fn may run again
				for range 2 {
					e, err := tx.NewEID(t.Context())
					if err != nil {
						return err
					}
					mine = append(mine, e)
				}
				return nil
			})
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			got = append(got, mine)
			mu.Unlock()
		})
	}
	wg.Wait()
	close(errs)
	conflicts := 0
	for err := range errs {
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("Update: %v", err)
		}
		conflicts++
	}
	if conflicts > n/2 {
		t.Errorf("%d of %d transactions failed with ErrConflict", conflicts, n)
	}
	seen := map[store.EID]bool{}
	for _, es := range got {
		checkEIDs(t, seen, es...)
	}
}

// testNewEIDAfterRollback: an EID handed out in a transaction that rolled
// back is never handed out again.
func testNewEIDAfterRollback(t *testing.T, b Backend) {
	s := b.Open(t)
	seen := map[store.EID]bool{}
	for range 3 {
		var lost []store.EID
		err := s.Update(t.Context(), func(tx store.Tx) error {
			lost = lost[:0]
			for range 2 {
				e, err := tx.NewEID(t.Context())
				if err != nil {
					return err
				}
				lost = append(lost, e)
			}
			if err := tx.PutPerson(t.Context(), person(lost[0])); err != nil {
				return err
			}
			return errRollback
		})
		wantErr(t, "rolled-back Update", err, errRollback)
		checkEIDs(t, seen, lost...)
		checkEIDs(t, seen, eids(t, s, 2)...)
	}
	// A rolled-back EID left no person behind.
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		c, err := tx.Counts(ctx)
		if err != nil {
			return err
		}
		diff(t, "Counts", store.Counts{}, c)
		return nil
	})
}

// testPersons: version rules, merged persons with their redirect, golden
// records round-tripping, PersonHead.
func testPersons(t *testing.T, b Backend) {
	s := b.Open(t)
	e := eids(t, s, 3)
	p1, p2, missing := e[0], e[1], e[2]

	for _, v := range []int64{0, 2} {
		p := person(p1)
		p.Version = v
		err := s.Update(t.Context(), func(tx store.Tx) error { return tx.PutPerson(t.Context(), p) })
		wantErr(t, fmt.Sprintf("new person at version %d", v), err, store.ErrConflict)
	}
	putPersons(t, s, p1, p2)

	v2 := person(p1)
	v2.Version = 2
	v2.Golden.Phone = store.GoldenField{Value: "0388123456", From: key("BV09", "Z9")}
	v2.Golden.Address = store.GoldenField{}
	v2.Updated = at(30)
	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.PutPerson(ctx, v2) })
	for _, v := range []int64{1, 2, 4} {
		p := v2
		p.Version = v
		err := s.Update(t.Context(), func(tx store.Tx) error { return tx.PutPerson(t.Context(), p) })
		wantErr(t, fmt.Sprintf("person at version %d over version 2", v), err, store.ErrConflict)
	}

	merged := person(p2)
	merged.Version = 2
	merged.Status = store.PersonMerged
	merged.MergedInto = p1
	merged.Updated = at(31)
	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.PutPerson(ctx, merged) })

	view(t, s, func(ctx context.Context, tx store.Tx) error {
		got, err := tx.Person(ctx, p1)
		if err != nil {
			return err
		}
		diff(t, "Person", storedPerson(v2), got)
		checkUTC(t, "Person times", got.Created, got.Updated)
		got, err = tx.Person(ctx, p2)
		if err != nil {
			return err
		}
		diff(t, "merged Person", storedPerson(merged), got)
		_, err = tx.Person(ctx, missing)
		wantErr(t, "Person never stored", err, store.ErrNotFound)

		// PersonHead: what Person says, without the golden record.
		for _, p := range []store.Person{v2, merged} {
			h, err := tx.PersonHead(ctx, p.EID)
			if err != nil {
				return err
			}
			diff(t, "PersonHead "+string(p.EID), p.Head(), h)
		}
		_, err = tx.PersonHead(ctx, missing)
		wantErr(t, "PersonHead never stored", err, store.ErrNotFound)
		return nil
	})
}

// testPersonInvalid: malformed EIDs and unknown statuses are ErrInvalid.
func testPersonInvalid(t *testing.T, b Backend) {
	s := b.Open(t)
	e := eids(t, s, 1)[0]
	bad := map[string]store.Person{}
	for _, id := range []store.EID{"", "not-an-eid", store.EID(strings.ToLower(string(e))), e[:8], e + "0"} {
		p := person(id)
		bad[fmt.Sprintf("EID %q", id)] = p
	}
	for _, st := range []store.PersonStatus{0, store.PersonMerged + 1} {
		p := person(e)
		p.Status = st
		bad[fmt.Sprintf("status %d", st)] = p
	}
	for name, p := range bad {
		err := s.Update(t.Context(), func(tx store.Tx) error { return tx.PutPerson(t.Context(), p) })
		wantErr(t, "PutPerson "+name, err, store.ErrInvalid)
	}
}
