package bolt

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vnhealth/mpi/store"
)

// candidateState returns "source/local@version→EID" for each candidate
// under key 7 in tx.
func candidateState(t *testing.T, tx store.Tx) []string {
	t.Helper()
	set, err := tx.Candidates(t.Context(), []uint64{7}, 0)
	if err != nil {
		t.Fatalf("Candidates: %v", err)
	}
	var out []string
	for _, c := range set.Candidates {
		out = append(out, fmt.Sprintf("%s@%d→%s", c.Record.Key, c.Record.Version, c.EID))
	}
	return out
}

func sameState(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: candidates %v, want %v", what, got, want)
	}
}

// TestCandidateCache: candidates read through the cache are what each
// transaction's snapshot holds — after a new version, a new link, a
// removed link, for a View opened before the change and still reading
// after it, for a writer seeing its own changes (and the functions of a
// group those before them), and after a rolled-back write. Each check is
// run with a cache and without one.
func TestCandidateCache(t *testing.T) {
	for _, size := range []int{DefaultCandidateCache, -1, 1} {
		t.Run(fmt.Sprint("size ", size), func(t *testing.T) {
			t.Parallel()
			testCandidateCache(t, size)
		})
	}
}

func testCandidateCache(t *testing.T, size int) {
	ctx := t.Context()
	s, err := Open(filepath.Join(t.TempDir(), "mpi.db"), Options{CandidateCache: size})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	update := func(fn func(store.Tx) error) {
		t.Helper()
		if err := s.Update(ctx, fn); err != nil {
			t.Fatalf("Update: %v", err)
		}
	}
	view := func() []string {
		t.Helper()
		var got []string
		if err := s.View(ctx, func(tx store.Tx) error { got = candidateState(t, tx); return nil }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	key := func(id string) store.RecordKey { return store.RecordKey{Source: "S", LocalID: id} }
	var p1, p2 store.EID
	update(func(tx store.Tx) error {
		for _, id := range []string{"a", "b"} {
			if err := putKeys(ctx, tx, id, 7); err != nil {
				return err
			}
		}
		var err error
		if p1, err = newPerson(ctx, tx); err != nil {
			return err
		}
		if p2, err = newPerson(ctx, tx); err != nil {
			return err
		}
		return tx.SetLink(ctx, store.Link{Record: key("a"), EID: p1, Kind: store.LinkAuto})
	})
	sameState(t, "first read", view(), "S/a@1→"+string(p1), "S/b@1→")
	sameState(t, "second read (cached)", view(), "S/a@1→"+string(p1), "S/b@1→")

	// A View that began before the changes reads after them.
	held := make(chan struct{})
	release := make(chan struct{})
	var old []string
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = s.View(ctx, func(tx store.Tx) error {
			close(held)
			<-release
			old = candidateState(t, tx)
			return nil
		})
	})
	<-held
	update(func(tx store.Tx) error {
		if err := tx.SetLink(ctx, store.Link{Record: key("a"), EID: p2, Kind: store.LinkManual}); err != nil {
			return err
		}
		if err := tx.SetLink(ctx, store.Link{Record: key("b"), EID: p1, Kind: store.LinkAuto}); err != nil {
			return err
		}
		// The writer sees its own changes.
		sameState(t, "writer, own links", candidateState(t, tx), "S/a@1→"+string(p2), "S/b@1→"+string(p1))
		return nil
	})
	sameState(t, "after relinking", view(), "S/a@1→"+string(p2), "S/b@1→"+string(p1))
	close(release)
	wg.Wait()
	sameState(t, "View begun before relinking", old, "S/a@1→"+string(p1), "S/b@1→")
	sameState(t, "after the old View read", view(), "S/a@1→"+string(p2), "S/b@1→"+string(p1))

	// A new version and a removed link; in a group, a later function sees
	// an earlier one's changes.
	var wg2 sync.WaitGroup
	seen := make(chan []string, 1)
	wg2.Go(func() {
		update(func(tx store.Tx) error { return putKeys(ctx, tx, "b", 7) })
	})
	wg2.Go(func() {
		update(func(tx store.Tx) error { return tx.RemoveLink(ctx, key("a")) })
	})
	wg2.Wait()
	update(func(tx store.Tx) error { seen <- candidateState(t, tx); return nil })
	sameState(t, "writer after version and unlink", <-seen, "S/a@1→", "S/b@2→"+string(p1))
	sameState(t, "after version and unlink", view(), "S/a@1→", "S/b@2→"+string(p1))

	// A rolled-back write leaves what was committed.
	failed := errors.New("rolled back")
	if err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.SetLink(ctx, store.Link{Record: key("a"), EID: p2, Kind: store.LinkAuto}); err != nil {
			return err
		}
		sameState(t, "writer before rollback", candidateState(t, tx), "S/a@1→"+string(p2), "S/b@2→"+string(p1))
		return failed
	}); !errors.Is(err, failed) {
		t.Fatalf("Update: %v", err)
	}
	sameState(t, "after rollback", view(), "S/a@1→", "S/b@2→"+string(p1))
	update(func(tx store.Tx) error {
		sameState(t, "writer after rollback", candidateState(t, tx), "S/a@1→", "S/b@2→"+string(p1))
		return nil
	})
}

// newPerson stores a new person and returns its EID.
func newPerson(ctx context.Context, tx store.Tx) (store.EID, error) {
	eid, err := tx.NewEID(ctx)
	if err != nil {
		return "", err
	}
	return eid, tx.PutPerson(ctx, store.Person{EID: eid, Status: store.PersonActive, Version: 1})
}

// TestCandidateCacheConcurrent: while writers put new versions, relink
// and unlink records (a fifth of their transactions rolled back) and
// readers hold snapshots open across them, every candidate a transaction
// gets — through a cache small enough to churn — is the record and link
// that transaction reads directly.
func TestCandidateCacheConcurrent(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, err := Open(filepath.Join(t.TempDir(), "mpi.db"), Options{CandidateCache: 64, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	const records, persons = 40, 6
	var eids []store.EID
	if err := s.Update(ctx, func(tx store.Tx) error {
		for range persons {
			eid, err := newPerson(ctx, tx)
			if err != nil {
				return err
			}
			eids = append(eids, eid)
		}
		for i := range records {
			if err := putKeys(ctx, tx, fmt.Sprint(i), 7, uint64(100+i%5)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// check compares each candidate with what tx reads directly.
	check := func(tx store.Tx, keys []uint64) error {
		set, err := tx.Candidates(ctx, keys, 0)
		if err != nil {
			return err
		}
		for _, c := range set.Candidates {
			r, err := tx.Record(ctx, c.Record.Key)
			if err != nil {
				return err
			}
			var eid store.EID
			if l, err := tx.Link(ctx, c.Record.Key); err == nil {
				eid = l.EID
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if c.Record.Version != r.Version || c.Record.Hash != r.Hash || c.EID != eid {
				return fmt.Errorf("candidate %s: version %d, link %q; the transaction reads version %d, link %q",
					c.Record.Key, c.Record.Version, c.EID, r.Version, eid)
			}
		}
		return nil
	}
	errRollback := errors.New("rolled back on purpose")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 4 {
		wg.Go(func() {
			for n := range 150 {
				id := fmt.Sprint((w*37 + n*11) % records)
				k := store.RecordKey{Source: "S", LocalID: id}
				err := s.Update(ctx, func(tx store.Tx) error {
					var err error
					switch n % 3 {
					case 0:
						err = putKeys(ctx, tx, id, 7, uint64(100+n%5))
						if err == nil {
							var r store.Record
							if r, err = tx.Record(ctx, k); err == nil {
								r.Version++
								r.Hash = fmt.Sprint("h", w, n)
								err = tx.PutRecord(ctx, r)
							}
						}
					case 1:
						err = tx.SetLink(ctx, store.Link{Record: k, EID: eids[(w+n)%persons], Kind: store.LinkAuto})
					case 2:
						if err = tx.RemoveLink(ctx, k); errors.Is(err, store.ErrNotFound) {
							err = nil
						}
					}
					if err == nil {
						err = check(tx, []uint64{7})
					}
					if err == nil && n%5 == 0 {
						err = errRollback
					}
					return err
				})
				if err != nil && !errors.Is(err, errRollback) {
					errs <- fmt.Errorf("writer %d: %w", w, err)
					return
				}
			}
		})
	}
	for r := range 4 {
		wg.Go(func() {
			for n := range 60 {
				err := s.View(ctx, func(tx store.Tx) error {
					if err := check(tx, []uint64{7, uint64(100 + (r+n)%5)}); err != nil {
						return err
					}
					time.Sleep(time.Millisecond) // writers commit meanwhile
					return check(tx, []uint64{uint64(100 + n%5), 7})
				})
				if err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
