package blocking

import (
	"github.com/vnhealth/mpi/matching"
)

// Options tune candidate generation. The zero value is usable.
type Options struct {
	// MaxBlock caps the size of one block: a block with more records is
	// skipped for that rule (and counted in Stats) rather than compared
	// all-to-all. Default 1000.
	MaxBlock int
	// MaxIDBlock caps the blocks of the identifier rules (citizen ID,
	// insurance number, phone), where a household shares a value but
	// hundreds of records sharing one are a junk value the parsers could
	// not know (a facility's own phone number). Default 100; never above
	// MaxBlock.
	MaxIDBlock int
	// SplitBlock is the largest block compared whole: a bigger one is split
	// by its rule's further components (see split.go) until each part is
	// at most this size or the components run out. Default 32; negative
	// turns splitting off.
	SplitBlock int
}

func (o Options) splitBlock() int {
	switch {
	case o.SplitBlock < 0:
		return int(^uint(0) >> 1)
	case o.SplitBlock == 0:
		return 32
	}
	return o.SplitBlock
}

func (o Options) maxBlock() int {
	if o.MaxBlock <= 0 {
		return 1000
	}
	return o.MaxBlock
}

func (o Options) maxIDBlock() int {
	n := o.MaxIDBlock
	if n <= 0 {
		n = 100
	}
	return min(n, o.maxBlock())
}

// limit returns the cap of rule r's blocks.
func (ix *Index) limit(r Rule) int {
	if r.identifierRule() {
		return ix.maxIDBlock
	}
	return ix.maxBlock
}

// Index holds the hashed blocking keys of a set of records, grouped into
// blocks per rule.
type Index struct {
	hashes [][NumRules]uint64 // per record, per rule; 0 = no key
	blocks [NumRules][][]int32
	capped [NumRules]map[uint64]int // blocks skipped for being too big: key hash → size
	// splitSizes holds, per rule, the sizes of the blocks that were split
	// (see split.go).
	splitSizes [NumRules][]int
	// maxBlock and maxIDBlock are the caps applied, splitBlock the split
	// size (see Options).
	maxBlock, maxIDBlock, splitBlock int
}

// NewIndex computes every record's keys and groups them into blocks.
func NewIndex(recs []matching.Record, opt Options) *Index {
	ix := &Index{hashes: make([][NumRules]uint64, len(recs)), maxBlock: opt.maxBlock(), maxIDBlock: opt.maxIDBlock(), splitBlock: opt.splitBlock()}
	var keys []string
	for i := range recs {
		keys = Keys(keys[:0], &recs[i])
		for _, k := range keys {
			r, _ := RuleOf(k)
			ix.hashes[i][r] = hashKey(k)
		}
	}
	entries := make([]entry, 0, len(recs))
	var tmp []entry
	for r := range NumRules {
		entries = entries[:0]
		for i := range ix.hashes {
			if h := ix.hashes[i][r]; h != 0 {
				entries = append(entries, entry{h, int32(i)})
			}
		}
		tmp = sortEntries(entries, tmp)
		ix.group(recs, Rule(r), entries, 0, func(run []entry, depth int) {
			if depth > 0 {
				for _, e := range run {
					ix.hashes[e.idx][r] = e.h
				}
			}
			if n := len(run); n > ix.limit(Rule(r)) {
				if ix.capped[r] == nil {
					ix.capped[r] = map[uint64]int{}
				}
				ix.capped[r][run[0].h] = n
			} else if n > 1 {
				block := make([]int32, n)
				for k := range block {
					block[k] = run[k].idx
				}
				ix.blocks[r] = append(ix.blocks[r], block)
			}
		})
	}
	return ix
}

// entry is one record's key hash under one rule.
type entry struct {
	h   uint64
	idx int32
}

// sortEntries sorts entries by hash with a stable LSD radix sort (four
// passes of 16 bits), so that entries appended in record order stay in
// record order within a block: the order of (hash, index), several times
// faster than a comparison sort at a million records. tmp is scratch space,
// returned for reuse.
func sortEntries(entries, tmp []entry) []entry {
	if cap(tmp) < len(entries) {
		tmp = make([]entry, len(entries))
	}
	tmp = tmp[:len(entries)]
	src, dst := entries, tmp
	var count [1 << 16]int
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
		for _, e := range src {
			count[(e.h>>shift)&0xffff]++
		}
		sum := 0
		for k, c := range count {
			count[k] = sum
			sum += c
		}
		for _, e := range src {
			d := (e.h >> shift) & 0xffff
			dst[count[d]] = e
			count[d]++
		}
		src, dst = dst, src
	}
	// Four passes: the sorted entries are back in entries.
	return tmp
}

// ForEachPair calls fn once for every candidate pair (i < j), in a
// deterministic order. A pair that meets under several rules is reported
// once, by the first of them: a pair found by rule r is skipped when an
// earlier rule also puts both records in one block.
func (ix *Index) ForEachPair(fn func(i, j int32)) {
	for r := range NumRules {
		for _, b := range ix.blocks[r] {
			ix.blockPairs(Rule(r), b, fn)
		}
	}
}

func (ix *Index) blockPairs(r Rule, b []int32, fn func(i, j int32)) {
	for x := 0; x < len(b); x++ {
		hi := &ix.hashes[b[x]]
		for y := x + 1; y < len(b); y++ {
			hj := &ix.hashes[b[y]]
			if ix.seenEarlier(r, hi, hj) {
				continue
			}
			fn(b[x], b[y])
		}
	}
}

func (ix *Index) seenEarlier(r Rule, a, b *[NumRules]uint64) bool {
	for e := range r {
		if a[e] != 0 && a[e] == b[e] && !ix.isCapped(e, a[e]) {
			return true
		}
	}
	return false
}

// isCapped reports whether rule r skipped the block of key hash h: its
// pairs were never emitted by r, so a later rule must emit them.
func (ix *Index) isCapped(r Rule, h uint64) bool {
	_, ok := ix.capped[r][h]
	return ok
}

// Pairs collects every candidate pair.
func (ix *Index) Pairs() [][2]int32 {
	var out [][2]int32
	ix.ForEachPair(func(i, j int32) { out = append(out, [2]int32{i, j}) })
	return out
}

// hashKey is FNV-1a, 64 bits; 0 is reserved for "no key".
func hashKey(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	if h == 0 {
		h = 1
	}
	return h
}

// RulePairs returns every pair that rule r alone puts in one block, whether
// or not an earlier rule also does: the pairs of a training pass.
func (ix *Index) RulePairs(r Rule) [][2]int32 {
	var out [][2]int32
	for _, b := range ix.blocks[r] {
		for x := 0; x < len(b); x++ {
			for y := x + 1; y < len(b); y++ {
				out = append(out, [2]int32{b[x], b[y]})
			}
		}
	}
	return out
}

// TrainingPasses returns one training pass per rule.
func (ix *Index) TrainingPasses() []matching.Pass {
	var out []matching.Pass
	for r := range NumRules {
		out = append(out, matching.Pass{Rule: r.String(), Pairs: ix.RulePairs(r), Ignore: r.Fields()})
	}
	return out
}

// BlockSizes returns the sizes of rule r's kept blocks (two records or
// more), in no particular order.
func (ix *Index) BlockSizes(r Rule) []int {
	if r >= NumRules {
		return nil
	}
	out := make([]int, len(ix.blocks[r]))
	for k, b := range ix.blocks[r] {
		out[k] = len(b)
	}
	return out
}
