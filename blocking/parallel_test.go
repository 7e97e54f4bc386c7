package blocking

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/synth"
)

func generated(t *testing.T, persons int) []matching.Record {
	t.Helper()
	gen, err := synth.Generate(synth.Options{Persons: persons, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]matching.Record, len(gen))
	for i := range gen {
		recs[i] = matching.Normalize(&gen[i].Raw)
	}
	return recs
}

// TestParallelPairsMatchesForEachPair: every candidate pair once, whatever
// the number of workers.
func TestParallelPairsMatchesForEachPair(t *testing.T) {
	t.Parallel()
	ix := NewIndex(generated(t, 1500), Options{})
	var want [][2]int32
	ix.ForEachPair(func(i, j int32) { want = append(want, [2]int32{i, j}) })
	var mu sync.Mutex
	var got [][2]int32
	var work int64
	ix.ParallelPairs(3, func(_ int, i, j int32) {
		mu.Lock()
		got = append(got, [2]int32{i, j})
		mu.Unlock()
	}, func(n int64) bool { atomic.AddInt64(&work, n); return true })
	less := func(a, b [2]int32) int {
		if a[0] != b[0] {
			return int(a[0] - b[0])
		}
		return int(a[1] - b[1])
	}
	slices.SortFunc(want, less)
	slices.SortFunc(got, less)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pairs mismatch (-ForEachPair +ParallelPairs):\n%s", diff)
	}
	if work != ix.Work() {
		t.Errorf("progress reported %d units, Work is %d", work, ix.Work())
	}
}

// TestParallelPairsStops: when done returns false no further block starts.
func TestParallelPairsStops(t *testing.T) {
	t.Parallel()
	ix := NewIndex(generated(t, 1500), Options{})
	var pairs, blocks atomic.Int64
	ix.ParallelPairs(2, func(int, int32, int32) { pairs.Add(1) }, func(int64) bool { return blocks.Add(1) < 3 })
	if n := blocks.Load(); n > 4 { // the stop is seen by each worker after its current block
		t.Errorf("%d blocks scored after the stop", n)
	}
	total := 0
	ix.ForEachPair(func(int32, int32) { total++ })
	if int(pairs.Load()) >= total {
		t.Errorf("all %d pairs were scored despite the stop", total)
	}
}
