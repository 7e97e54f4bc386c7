package blocking

import (
	"slices"
	"sync"
	"sync/atomic"
)

// ParallelPairs calls fn for every candidate pair, as ForEachPair does, from
// workers goroutines at once; fn learns which worker calls it so that it
// can keep per-worker state without locks. Blocks are handed out one at a
// time, biggest first, so one huge block does not leave the other workers
// idle at the end. The set of pairs is deterministic; the order of calls is
// not. If done is not nil it is called after each block with the block's
// pair count (the units of Work), for progress reporting; when it returns
// false no further block is started (the caller is cancelling).
func (ix *Index) ParallelPairs(workers int, fn func(worker int, i, j int32), done func(pairs int64) bool) {
	if workers < 1 {
		workers = 1
	}
	type job struct {
		rule Rule
		b    []int32
	}
	var jobs []job
	for r := range NumRules {
		for _, b := range ix.blocks[r] {
			jobs = append(jobs, job{Rule(r), b})
		}
	}
	// Biggest first: the long jobs start early.
	slices.SortStableFunc(jobs, func(x, y job) int { return len(y.b) - len(x.b) })
	var next atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= len(jobs) || stop.Load() {
					return
				}
				ix.blockPairs(jobs[k].rule, jobs[k].b, func(i, j int32) { fn(w, i, j) })
				if done != nil {
					n := int64(len(jobs[k].b))
					if !done(n * (n - 1) / 2) {
						stop.Store(true)
					}
				}
			}
		})
	}
	wg.Wait()
}

// Work is the number of pairs in all blocks of all rules: an upper bound on
// the candidate pairs (a pair in blocks of two rules counts twice here but
// is emitted once), and the unit of ParallelPairs' progress.
func (ix *Index) Work() int64 {
	var w int64
	for r := range NumRules {
		for _, b := range ix.blocks[r] {
			n := int64(len(b))
			w += n * (n - 1) / 2
		}
	}
	return w
}
