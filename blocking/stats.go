package blocking

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Stats are the block statistics of an Index: per rule and for the union of
// the rules. They hold counts and sizes only, never a key value, so they can
// be printed and shipped without patient data.
type Stats struct {
	// Records is the number of records indexed.
	Records int `json:"records"`
	// AllPairs is n(n−1)/2, the pairs a comparison without blocking makes.
	AllPairs int64 `json:"all_pairs"`
	// MaxBlock and MaxIDBlock are the caps the Index applied (see Options).
	MaxBlock   int `json:"max_block"`
	MaxIDBlock int `json:"max_id_block"`
	// Truth says whether a truth function was given: without it the
	// TruePairs and Completeness fields are zero.
	Truth bool `json:"truth"`
	// TruePairs is the number of record pairs of one person in the truth
	// (Σ C(k,2) over persons with k records).
	TruePairs int64 `json:"true_pairs,omitempty"`
	// Rules holds one entry per rule, in rule order.
	Rules []RuleStats `json:"rules"`
	// Union is the union of the rules: Blocks and sizes over every rule's
	// blocks, Pairs the distinct candidate pairs (each counted once, as
	// ForEachPair reports it), Keyed the records with at least one key.
	Union RuleStats `json:"union"`
}

// RuleStats are the statistics of one rule, or of the union.
type RuleStats struct {
	Rule string `json:"rule"`
	// Keyed is the number of records the rule gave a key.
	Keyed int `json:"keyed"`
	// Blocks counts the blocks of two records or more that were kept.
	Blocks int `json:"blocks"`
	// P50, P90, P99 and Max are percentiles (nearest rank) and maximum of
	// the sizes of those blocks.
	P50 int `json:"p50"`
	P90 int `json:"p90"`
	P99 int `json:"p99"`
	Max int `json:"max"`
	// Pairs is the number of candidate pairs the rule makes.
	Pairs int64 `json:"pairs"`
	// Capped holds the sizes of the blocks skipped for exceeding the cap,
	// largest first: their pairs are not candidates under this rule.
	Capped []int `json:"capped,omitempty"`
	// Split counts the blocks larger than Options.SplitBlock that were split
	// into parts by the rule's further components (see split.go), and
	// SplitMax is the size of the largest. Blocks and the size figures
	// count the parts.
	Split    int `json:"split,omitempty"`
	SplitMax int `json:"split_max,omitempty"`
	// Reduction is 1 − Pairs / AllPairs.
	Reduction float64 `json:"reduction_ratio"`
	// TruePairs is the number of candidate pairs that are true pairs.
	TruePairs int64 `json:"true_pairs_found,omitempty"`
	// Completeness is TruePairs / Stats.TruePairs (pairs completeness).
	Completeness float64 `json:"pairs_completeness,omitempty"`
}

// Stats computes the block statistics. person, when not nil, names the
// person of record i (the truth); records it maps to "" belong to nobody
// and are in no true pair. The union pair count visits every candidate pair
// once (in parallel) but stores none, so it runs in memory proportional to
// the number of records even at 10⁸ pairs.
func (ix *Index) Stats(person func(i int) string) *Stats {
	n := len(ix.hashes)
	st := &Stats{Records: n, AllPairs: int64(n) * int64(n-1) / 2, MaxBlock: ix.maxBlock, MaxIDBlock: ix.maxIDBlock, Truth: person != nil}
	var ids []int32
	if person != nil {
		ids, st.TruePairs = denseIDs(n, person)
	}
	var all []int
	for r := range NumRules {
		rs := RuleStats{Rule: r.String()}
		for i := range ix.hashes {
			if ix.hashes[i][r] != 0 {
				rs.Keyed++
			}
		}
		sizes := make([]int, len(ix.blocks[r]))
		for k, b := range ix.blocks[r] {
			sizes[k] = len(b)
			rs.Pairs += pairsOf(len(b))
			if ids != nil {
				rs.TruePairs += truePairsIn(b, ids)
			}
		}
		all = append(all, sizes...)
		rs.summarize(sizes, st)
		for _, size := range ix.capped[r] {
			rs.Capped = append(rs.Capped, size)
		}
		slices.SortFunc(rs.Capped, func(a, b int) int { return cmp.Compare(b, a) })
		rs.Split = len(ix.splitSizes[r])
		if rs.Split > 0 {
			rs.SplitMax = slices.Max(ix.splitSizes[r])
		}
		st.Rules = append(st.Rules, rs)
	}
	u := RuleStats{Rule: "union"}
	for i := range ix.hashes {
		if ix.hashes[i] != ([NumRules]uint64{}) {
			u.Keyed++
		}
	}
	u.Pairs, u.TruePairs = ix.countPairs(ids)
	u.summarize(all, st)
	for _, rs := range st.Rules {
		u.Capped = append(u.Capped, rs.Capped...)
		u.Split += rs.Split
		u.SplitMax = max(u.SplitMax, rs.SplitMax)
	}
	slices.SortFunc(u.Capped, func(a, b int) int { return cmp.Compare(b, a) })
	st.Union = u
	return st
}

// summarize fills the size figures, reduction ratio and completeness.
func (rs *RuleStats) summarize(sizes []int, st *Stats) {
	slices.Sort(sizes)
	rs.Blocks = len(sizes)
	rs.P50, rs.P90, rs.P99 = percentile(sizes, 50), percentile(sizes, 90), percentile(sizes, 99)
	if len(sizes) > 0 {
		rs.Max = sizes[len(sizes)-1]
	}
	if st.AllPairs > 0 {
		rs.Reduction = 1 - float64(rs.Pairs)/float64(st.AllPairs)
	}
	if st.TruePairs > 0 {
		rs.Completeness = float64(rs.TruePairs) / float64(st.TruePairs)
	}
}

// percentile is the nearest-rank percentile of sorted values; 0 when empty.
func percentile(sorted []int, p int) int {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ⌈p·n/100⌉
	return sorted[max(rank, 1)-1]
}

func pairsOf(n int) int64 { return int64(n) * int64(n-1) / 2 }

// denseIDs numbers the persons 0, 1, … (−1 for nobody) and counts the true
// pairs Σ C(k,2).
func denseIDs(n int, person func(i int) string) ([]int32, int64) {
	ids := make([]int32, n)
	seen := map[string]int32{}
	var counts []int
	for i := range n {
		p := person(i)
		if p == "" {
			ids[i] = -1
			continue
		}
		id, ok := seen[p]
		if !ok {
			id = int32(len(counts))
			seen[p] = id
			counts = append(counts, 0)
		}
		counts[id]++
		ids[i] = id
	}
	var pairs int64
	for _, k := range counts {
		pairs += pairsOf(k)
	}
	return ids, pairs
}

// truePairsIn counts the pairs of one block whose records share a person.
func truePairsIn(b []int32, ids []int32) int64 {
	var buf [64]int32
	p := buf[:0]
	for _, i := range b {
		if ids[i] >= 0 {
			p = append(p, ids[i])
		}
	}
	slices.Sort(p)
	var n int64
	for lo := 0; lo < len(p); {
		hi := lo + 1
		for hi < len(p) && p[hi] == p[lo] {
			hi++
		}
		n += pairsOf(hi - lo)
		lo = hi
	}
	return n
}

// countPairs counts the union's distinct candidate pairs, and among them
// the true pairs when ids is not nil, with the same rule ForEachPair
// applies: a pair is counted by the first rule whose kept block holds both
// records. Blocks are shared out between the cores; each worker copies a
// block's key hashes into contiguous memory before the quadratic loop.
func (ix *Index) countPairs(ids []int32) (pairs, truePairs int64) {
	type job struct {
		r Rule
		b []int32
	}
	var jobs []job
	for r := range NumRules {
		for _, b := range ix.blocks[r] {
			jobs = append(jobs, job{r, b})
		}
	}
	// Largest blocks first, so that no worker is left with a big one at the end.
	slices.SortFunc(jobs, func(a, b job) int { return cmp.Compare(len(b.b), len(a.b)) })
	var next atomic.Int64
	var total, totalTrue atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var hs [][NumRules]uint64
			var ps []int32
			var n, nt int64
			for {
				k := int(next.Add(1) - 1)
				if k >= len(jobs) {
					break
				}
				j := jobs[k]
				hs, ps = hs[:0], ps[:0]
				for _, i := range j.b {
					hs = append(hs, ix.hashes[i])
					if ids != nil {
						ps = append(ps, ids[i])
					}
				}
				c, ct := ix.blockCount(j.r, hs, ps)
				n += c
				nt += ct
			}
			total.Add(n)
			totalTrue.Add(nt)
		})
	}
	wg.Wait()
	return total.Load(), totalTrue.Load()
}

// blockCount counts the pairs of one block of rule r not seen by an earlier
// rule, and the true pairs among them when ps (person per member) is given.
func (ix *Index) blockCount(r Rule, hs [][NumRules]uint64, ps []int32) (n, nt int64) {
	for x := range hs {
		hx := &hs[x]
		for y := x + 1; y < len(hs); y++ {
			if r > 0 && ix.seenEarlier(r, hx, &hs[y]) {
				continue
			}
			n++
			if ps != nil && ps[x] >= 0 && ps[x] == ps[y] {
				nt++
			}
		}
	}
	return n, nt
}
