package bolt

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vnhealth/mpi/store"
)

// candidateKeys returns the "source/local" keys Candidates finds under
// keys in tx, in the order returned, and the number of capped keys.
func candidateKeys(t *testing.T, tx store.Tx, perKey int, keys ...uint64) ([]string, int) {
	t.Helper()
	out, capped, err := findKeys(t.Context(), tx, perKey, keys...)
	if err != nil {
		t.Fatalf("Candidates: %v", err)
	}
	return out, capped
}

func findKeys(ctx context.Context, tx store.Tx, perKey int, keys ...uint64) ([]string, int, error) {
	set, err := tx.Candidates(ctx, keys, perKey)
	var out []string
	for _, c := range set.Candidates {
		out = append(out, c.Record.Key.String())
	}
	return out, set.Capped, err
}

// putKeys stores the next version of record S/id with the given keys
// (retracted when keys is nil).
func putKeys(ctx context.Context, tx store.Tx, id string, keys ...uint64) error {
	k := store.RecordKey{Source: "S", LocalID: id}
	r := store.Record{Key: k, Version: 1, Status: store.RecordActive, Keys: keys}
	cur, err := tx.Record(ctx, k)
	switch {
	case err == nil:
		r.Version = cur.Version + 1
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	if keys == nil {
		r.Status = store.RecordRetracted
	}
	return tx.PutRecord(ctx, r)
}

// TestIndexSnapshots: a View sees the block index as of its snapshot
// while later commits add, move and retract records; a writer sees its own
// changes before it commits, a rolled-back one leaves none, and a reopened
// store finds what the last commit left.
func TestIndexSnapshots(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "mpi.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	update := func(fn func(store.Tx) error) {
		t.Helper()
		if err := s.Update(ctx, fn); err != nil {
			t.Fatalf("Update: %v", err)
		}
	}
	update(func(tx store.Tx) error {
		for i := range 5 {
			if err := putKeys(ctx, tx, fmt.Sprint(i), 1, uint64(10+i)); err != nil {
				return err
			}
		}
		return nil
	})
	want1 := []string{"S/0", "S/1", "S/2", "S/3", "S/4"}

	// A View that stays open across the changes below.
	opened, release := make(chan struct{}), make(chan struct{})
	viewDone := make(chan error, 1)
	var inView [][]string
	go func() {
		viewDone <- s.View(ctx, func(tx store.Tx) error {
			got, _, err := findKeys(ctx, tx, 0, 1)
			inView = append(inView, got)
			close(opened)
			<-release
			for _, h := range []uint64{1, 99} {
				if err != nil {
					return err
				}
				got, _, err = findKeys(ctx, tx, 0, h)
				inView = append(inView, got)
			}
			return err
		})
	}()
	<-opened

	update(func(tx store.Tx) error {
		// S/1 moves from key 1 to 99, S/2 is retracted, S/5 is new.
		for _, err := range []error{putKeys(ctx, tx, "1", 99, 11), putKeys(ctx, tx, "2"), putKeys(ctx, tx, "5", 1)} {
			if err != nil {
				return err
			}
		}
		got, _ := candidateKeys(t, tx, 0, 1, 99)
		if d := cmp.Diff([]string{"S/0", "S/3", "S/4", "S/5", "S/1"}, got); d != "" {
			t.Errorf("writer's own changes: mismatch (-want +got):\n%s", d)
		}
		return nil
	})
	errRollback := errors.New("rollback")
	if err := s.Update(ctx, func(tx store.Tx) error {
		if err := putKeys(ctx, tx, "6", 1, 99); err != nil {
			return err
		}
		if err := putKeys(ctx, tx, "0", 7); err != nil {
			return err
		}
		return errRollback
	}); !errors.Is(err, errRollback) {
		t.Fatalf("Update: %v, want the rollback error", err)
	}
	want2 := []string{"S/0", "S/3", "S/4", "S/5"}
	check := func(what string) {
		t.Helper()
		if err := s.View(ctx, func(tx store.Tx) error {
			got, _ := candidateKeys(t, tx, 0, 1)
			if d := cmp.Diff(want2, got); d != "" {
				t.Errorf("%s, key 1: mismatch (-want +got):\n%s", what, d)
			}
			got, _ = candidateKeys(t, tx, 0, 99)
			if d := cmp.Diff([]string{"S/1"}, got); d != "" {
				t.Errorf("%s, key 99: mismatch (-want +got):\n%s", what, d)
			}
			got, capped := candidateKeys(t, tx, 3, 1, 99, 12)
			if d := cmp.Diff([]string{"S/1"}, got); d != "" || capped != 1 {
				t.Errorf("%s, perKey 3: %d capped, mismatch (-want +got):\n%s", what, capped, d)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	check("after the commits")

	close(release)
	if err := <-viewDone; err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([][]string{want1, want1, nil}, inView); d != "" {
		t.Errorf("View opened before the commits: mismatch (-want +got):\n%s", d)
	}
	// The changes are settled once no View needs them.
	update(func(tx store.Tx) error { return nil })
	s.index.mu.RLock()
	pending, queued := len(s.index.pending), len(s.index.queue)
	s.index.mu.RUnlock()
	if pending != 0 || queued != 0 {
		t.Errorf("after the View closed: %d hashes and %d commits pending", pending, queued)
	}
	check("settled")

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(path, Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check("reopened")
}

// TestIndexVersions: versions of one record in one transaction, keys
// repeated in a record, and a record that comes back from retraction.
func TestIndexVersions(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openTest(t, Options{})
	steps := []struct {
		keys []uint64
		want map[uint64][]string
	}{
		{[]uint64{1, 1, 2}, map[uint64][]string{1: {"S/a"}, 2: {"S/a"}, 3: nil}},
		{[]uint64{2, 3}, map[uint64][]string{1: nil, 2: {"S/a"}, 3: {"S/a"}}},
		{nil, map[uint64][]string{1: nil, 2: nil, 3: nil}},
		{[]uint64{3}, map[uint64][]string{1: nil, 2: nil, 3: {"S/a"}}},
	}
	look := func(tx store.Tx, want map[uint64][]string, what string) {
		for _, h := range slices.Sorted(func(yield func(uint64) bool) {
			for h := range want {
				if !yield(h) {
					return
				}
			}
		}) {
			got, _ := candidateKeys(t, tx, 0, h)
			if d := cmp.Diff(want[h], got); d != "" {
				t.Errorf("%s, key %d: mismatch (-want +got):\n%s", what, h, d)
			}
		}
	}
	// All steps in one transaction, then each in its own.
	if err := s.Update(ctx, func(tx store.Tx) error {
		for i, st := range steps {
			if err := putKeys(ctx, tx, "a", st.keys...); err != nil {
				return err
			}
			look(tx, st.want, fmt.Sprintf("one transaction, step %d", i))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i, st := range steps {
		if err := s.Update(ctx, func(tx store.Tx) error { return putKeys(ctx, tx, "a", st.keys...) }); err != nil {
			t.Fatal(err)
		}
		if err := s.View(ctx, func(tx store.Tx) error {
			look(tx, st.want, fmt.Sprintf("own transactions, step %d", i))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestEIDSeqRoundTrip: the sequence number read back from an EID is the
// one store.EIDFromSeq made it from, and strings that are not canonical
// EIDs have none.
func TestEIDSeqRoundTrip(t *testing.T) {
	t.Parallel()
	seqs := []uint64{0, 1, 2, 30, 31, 961, 1 << 20, 123_456_789, store.MaxEIDSeq - 1, store.MaxEIDSeq}
	for i := range uint64(2000) {
		seqs = append(seqs, i*424_242_427%(store.MaxEIDSeq+1))
	}
	for _, seq := range seqs {
		e, err := store.EIDFromSeq(seq)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := seqOfEID(e); !ok || got != seq {
			t.Errorf("seqOfEID(%s) = %d, %v; want %d", e, got, ok, seq)
		}
		// Every other string of nine symbols with the same first eight is
		// not an EID (the check symbol is wrong).
		for c := range len(eidAlphabet) {
			other := store.EID(string(e[:8]) + eidAlphabet[c:c+1])
			if _, ok := seqOfEID(other); ok != other.Valid() {
				t.Errorf("seqOfEID(%s): ok %v, store says valid %v", other, ok, other.Valid())
			}
		}
		if k := personBase(e); len(k) != 8 || !isPersonKey(k) {
			t.Errorf("personBase(%s) = %x: not a person key", e, k)
		}
	}
	e, _ := store.EIDFromSeq(77)
	for _, s := range []string{"", "X", strings.ToLower(string(e)), string(e[:8]) + "Z", string(e) + "0", "0000000A\x00"} {
		if _, ok := seqOfEID(store.EID(s)); ok {
			t.Errorf("seqOfEID(%q): ok for a string that is not a canonical EID", s)
		}
		if k := personBase(store.EID(s)); isPersonKey(k) || k[0] != 0xFF {
			t.Errorf("personBase(%q) = %x", s, k)
		}
	}
}

// TestIndexConcurrent: while writers add, move and retract records (some
// of their transactions rolling back), every View finds under each key
// exactly the active records its snapshot holds with that key.
func TestIndexConcurrent(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openTest(t, Options{})
	const writers, readers, rounds, ids, hashes = 4, 3, 40, 24, 5
	errRollback := errors.New("rollback")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range writers {
		wg.Go(func() {
			for r := range rounds {
				err := s.Update(ctx, func(tx store.Tx) error {
					for j := range 3 {
						n := (w*7 + r*5 + j*11) % ids
						var keys []uint64
						if (r+j)%4 != 0 {
							keys = []uint64{uint64(1 + (n+r)%hashes), uint64(1 + (n+r+j+1)%hashes)}
						}
						if err := putKeys(ctx, tx, fmt.Sprint(n), keys...); err != nil {
							return err
						}
					}
					if r%5 == 4 {
						return errRollback
					}
					return nil
				})
				if err != nil && !errors.Is(err, errRollback) {
					t.Errorf("writer %d: %v", w, err)
				}
			}
		})
	}
	var rwg sync.WaitGroup
	for range readers {
		rwg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				err := s.View(ctx, func(tx store.Tx) error {
					want := map[uint64][]string{}
					if err := tx.ForEachRecord(ctx, func(r store.Record) error {
						if r.Status == store.RecordActive {
							for _, h := range slices.Compact(slices.Sorted(slices.Values(r.Keys))) {
								want[h] = append(want[h], r.Key.String())
							}
						}
						return nil
					}); err != nil {
						return err
					}
					for h := uint64(1); h <= hashes; h++ {
						got, _, err := findKeys(ctx, tx, 0, h)
						if err != nil {
							return err
						}
						slices.Sort(got)
						slices.Sort(want[h])
						if !slices.Equal(got, want[h]) {
							return fmt.Errorf("key %d: candidates %v, snapshot holds %v", h, got, want[h])
						}
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	rwg.Wait()
}
