package bolt

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vnhealth/mpi/store"
)

// openTest opens a store in a temporary file, closed when the test ends.
func openTest(tb testing.TB, opt Options) *Store {
	tb.Helper()
	s, err := Open(filepath.Join(tb.TempDir(), "mpi.db"), opt)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// putOne stores version 1 of a record in tx.
func putOne(ctx context.Context, tx store.Tx, k store.RecordKey) error {
	return tx.PutRecord(ctx, store.Record{Key: k, Version: 1, Status: store.RecordActive, Keys: []uint64{7}})
}

// TestGroupCommitFailures: in concurrent Updates, each failing function
// gets its own error and leaves nothing behind, a panicking one panics in
// its own caller, and every other one commits.
func TestGroupCommitFailures(t *testing.T) {
	t.Parallel()
	s := openTest(t, Options{})
	const n = 60
	errs := make([]error, n)
	panics := make([]any, n)
	var runs atomic.Int64
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			defer func() { panics[i] = recover() }()
			errs[i] = s.Update(t.Context(), func(tx store.Tx) error {
				runs.Add(1)
				if err := putOne(t.Context(), tx, store.RecordKey{Source: "G", LocalID: fmt.Sprint(i)}); err != nil {
					return err
				}
				switch i % 5 {
				case 1:
					return fmt.Errorf("fn %d failed", i)
				case 2:
					if i%10 == 2 {
						panic(fmt.Sprintf("fn %d panicked", i))
					}
				}
				return nil
			})
		})
	}
	wg.Wait()
	var records int64
	if err := s.View(t.Context(), func(tx store.Tx) error {
		c, err := tx.Counts(t.Context())
		records = c.Records
		for i := range n {
			_, err := tx.Record(t.Context(), store.RecordKey{Source: "G", LocalID: fmt.Sprint(i)})
			failed := i%5 == 1 || i%10 == 2
			if failed != errors.Is(err, store.ErrNotFound) {
				t.Errorf("fn %d: record lookup %v", i, err)
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		switch {
		case i%5 == 1:
			if want := fmt.Sprintf("fn %d failed", i); errs[i] == nil || errs[i].Error() != want {
				t.Errorf("fn %d: error %v, want %q", i, errs[i], want)
			}
		case i%10 == 2:
			if want := fmt.Sprintf("fn %d panicked", i); panics[i] != want {
				t.Errorf("fn %d: panic %v, want %q", i, panics[i], want)
			}
		default:
			if errs[i] != nil || panics[i] != nil {
				t.Errorf("fn %d: error %v, panic %v", i, errs[i], panics[i])
			}
		}
	}
	if want := int64(n - n/5 - n/10); records != want {
		t.Errorf("%d records, want %d", records, want)
	}
	t.Logf("%d functions ran %d times", n, runs.Load())
}

// BenchmarkUpdateConcurrent compares the ways of committing concurrent
// writes, fsync on: one transaction per call, and this package's group
// commit. Each Update stores one record.
func BenchmarkUpdateConcurrent(b *testing.B) {
	modes := []struct {
		name string
		mode writeMode
	}{{"single", writeSingle}, {"group", writeGroup}}
	for _, writers := range []int{1, 4, 64} {
		for _, m := range modes {
			b.Run(fmt.Sprintf("writers=%d/%s", writers, m.name), func(b *testing.B) {
				s := openTest(b, Options{})
				s.commit.mode = m.mode
				var id atomic.Int64
				ctx := context.Background()
				work := make(chan struct{})
				var wg sync.WaitGroup
				for range writers {
					wg.Go(func() {
						for range work {
							k := store.RecordKey{Source: "B", LocalID: fmt.Sprint(id.Add(1))}
							if err := s.Update(ctx, func(tx store.Tx) error { return putOne(ctx, tx, k) }); err != nil {
								b.Error(err)
							}
						}
					})
				}
				for b.Loop() {
					work <- struct{}{}
				}
				close(work)
				wg.Wait()
			})
		}
	}
}
