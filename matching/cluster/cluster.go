package cluster

import (
	"cmp"
	"math"
	"slices"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/vnid"
)

// Options tune Build. The zero value is usable.
type Options struct {
	// ConflictBits is how strongly two records must disagree to veto a
	// merge: a pair whose evidence (match weight minus the prior weight) is
	// below −ConflictBits. Default 10 (the records are 1000 times likelier
	// under "different persons").
	ConflictBits float64
	// MaxSize caps a cluster (default 500 records).
	MaxSize int
}

func (o Options) withDefaults() Options {
	if o.ConflictBits <= 0 {
		o.ConflictBits = 10
	}
	if o.MaxSize <= 0 {
		o.MaxSize = 500
	}
	return o
}

// Edge is a scored pair of record indices.
type Edge struct {
	A, B   int32
	Weight float64
}

// Reason says why a merge was refused.
type Reason uint8

// Reasons, in the order Build checks them.
const (
	ReasonNone Reason = iota
	// ReasonGuardRail: a pair across the two groups fires a guard rail.
	ReasonGuardRail
	// ReasonIdentifier: a pair across the two groups has different social
	// insurance numbers, or different citizen IDs of one kind.
	ReasonIdentifier
	// ReasonConflict: a pair across the two groups disagrees strongly.
	ReasonConflict
	// ReasonSize: the merged group would exceed MaxSize.
	ReasonSize
)

func (r Reason) String() string {
	switch r {
	case ReasonGuardRail:
		return "guard_rail"
	case ReasonIdentifier:
		return "identifier"
	case ReasonConflict:
		return "conflict"
	case ReasonSize:
		return "size"
	}
	return ""
}

// Held is a match edge that Build did not apply.
type Held struct {
	Edge
	Reason Reason
	// Guards are the guard rails of the pair that vetoed (ReasonGuardRail).
	Guards matching.GuardRails
}

// Result is the outcome of Build.
type Result struct {
	// Cluster maps each record index to its cluster's number; clusters are
	// numbered 0, 1, … in the order of their first record.
	Cluster []int32
	// Clusters is the number of clusters.
	Clusters int
	// Held lists the refused merges, strongest first.
	Held []Held
}

// Build groups n records joined by match edges (see the package doc). The
// result depends only on its inputs: edges are applied by descending
// weight, ties by (A, B).
func Build(model *matching.Model, recs []matching.Record, edges []Edge, opt Options) Result {
	opt = opt.withDefaults()
	es := slices.Clone(edges)
	slices.SortFunc(es, func(x, y Edge) int {
		if c := cmp.Compare(y.Weight, x.Weight); c != 0 {
			return c
		}
		if c := cmp.Compare(x.A, y.A); c != 0 {
			return c
		}
		return cmp.Compare(x.B, y.B)
	})
	n := len(recs)
	parent := make([]int32, n)
	members := make(map[int32][]int32) // only for groups of two or more
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	group := func(root int32) []int32 {
		if m, ok := members[root]; ok {
			return m
		}
		return []int32{root}
	}
	var res Result
	for _, e := range es {
		ra, rb := find(e.A), find(e.B)
		if ra == rb {
			continue
		}
		ga, gb := group(ra), group(rb)
		if len(ga)+len(gb) > opt.MaxSize {
			res.Held = append(res.Held, Held{Edge: e, Reason: ReasonSize})
			continue
		}
		if reason, g := check(model, recs, ga, gb, opt.ConflictBits); reason != ReasonNone {
			res.Held = append(res.Held, Held{Edge: e, Reason: reason, Guards: g})
			continue
		}
		if len(ga) < len(gb) {
			ra, rb, ga, gb = rb, ra, gb, ga
		}
		parent[rb] = ra
		members[ra] = append(slices.Clip(ga), gb...)
		delete(members, rb)
	}
	detachAmbiguousPlaceholders(recs, res.Held, find, parent)
	res.Cluster = make([]int32, n)
	number := make(map[int32]int32, n)
	for i := range n {
		r := find(int32(i))
		c, ok := number[r]
		if !ok {
			c = int32(len(number))
			number[r] = c
		}
		res.Cluster[i] = c
	}
	res.Clusters = len(number)
	return res
}

// detachAmbiguousPlaceholders takes newborn placeholders out of groups whose
// merge with another group was refused across a placeholder's match edge:
// the placeholder then matched two people who cannot be one — a twin's
// named record and the other twin's, or two twins' placeholders and one
// named record — and which baby it stands for is a steward's call. The
// refused edge is already held; the placeholder becomes a group of its own.
func detachAmbiguousPlaceholders(recs []matching.Record, held []Held, find func(int32) int32, parent []int32) {
	var roots map[int32]bool
	for _, h := range held {
		if h.Reason == ReasonSize || !recs[h.A].Placeholder() && !recs[h.B].Placeholder() {
			continue
		}
		if roots == nil {
			roots = make(map[int32]bool)
		}
		roots[find(h.A)] = true
		roots[find(h.B)] = true
	}
	if roots == nil {
		return
	}
	// Decide every record's root before changing any parent: a detached
	// placeholder may be the root others point to.
	root := make([]int32, len(recs))
	for i := range recs {
		root[i] = find(int32(i))
	}
	for i := range recs {
		parent[i] = root[i]
	}
	// Re-root groups whose root is a detached placeholder on their first
	// remaining member, then detach the placeholders.
	newRoot := make(map[int32]int32)
	for i := range recs {
		r := root[i]
		if !roots[r] || recs[i].Placeholder() {
			continue
		}
		if _, ok := newRoot[r]; !ok {
			newRoot[r] = int32(i)
		}
		parent[i] = newRoot[r]
	}
	for i := range recs {
		if roots[root[i]] && recs[i].Placeholder() {
			parent[i] = int32(i)
		}
	}
}

// Compatible reports whether two groups of records may become one person:
// no pair across them fires a guard rail or disagrees by more than
// ConflictBits. It returns the reason and, for a guard rail, which fired.
func Compatible(model *matching.Model, a, b []*matching.Record, opt Options) (Reason, matching.GuardRails) {
	opt = opt.withDefaults()
	if len(a)+len(b) > opt.MaxSize {
		return ReasonSize, 0
	}
	for _, x := range a {
		for _, y := range b {
			if r, g := pairVeto(model, x, y, opt.ConflictBits); r != ReasonNone {
				return r, g
			}
		}
	}
	return ReasonNone, 0
}

// Posterior returns the probability that a record belongs to the first
// of several groups it may join, given the match weights of its best pair
// with each (weights[0] the first's): the groups are exclusive hypotheses,
// each with odds 2^weight against "none of them", so the first's
// probability is 2^w0 / (1 + Σ 2^wi). With one group it is that pair's
// match probability. Build needs no such test — it applies the stronger
// edge first and checks the weaker one as a merge of the two groups — but
// the online path, which may not merge two persons automatically, links a
// record that may join several persons to the first only when this
// probability reaches the model's match threshold, as a single person's
// must, and leaves a record that matches several about equally to a
// steward.
func Posterior(weights []float64) float64 {
	if len(weights) == 0 {
		return 0
	}
	// Divide through by 2^w0: 1 / (2^-w0 + Σ 2^(wi-w0)), which neither
	// overflows nor underflows for weights of any size.
	d := math.Exp2(-weights[0])
	for _, w := range weights {
		d += math.Exp2(w - weights[0])
	}
	return 1 / d
}

func check(model *matching.Model, recs []matching.Record, a, b []int32, conflictBits float64) (Reason, matching.GuardRails) {
	for _, i := range a {
		for _, j := range b {
			if r, g := pairVeto(model, &recs[i], &recs[j], conflictBits); r != ReasonNone {
				return r, g
			}
		}
	}
	return ReasonNone, 0
}

func pairVeto(model *matching.Model, x, y *matching.Record, conflictBits float64) (Reason, matching.GuardRails) {
	return scoreVeto(model, x, model.Score(x, y), conflictBits)
}

// CompatibleScored is Compatible for one record x and a group whose pairs
// with x are already scored: scores[i] is model.Score(x, b[i]) for each
// record b[i] of the group. It spares scoring the pairs again.
func CompatibleScored(model *matching.Model, x *matching.Record, scores []matching.Score, opt Options) (Reason, matching.GuardRails) {
	opt = opt.withDefaults()
	if 1+len(scores) > opt.MaxSize {
		return ReasonSize, 0
	}
	for _, s := range scores {
		if r, g := scoreVeto(model, x, s, opt.ConflictBits); r != ReasonNone {
			return r, g
		}
	}
	return ReasonNone, 0
}

// scoreVeto is pairVeto for a pair (x, y) already scored as s.
func scoreVeto(model *matching.Model, x *matching.Record, s matching.Score, conflictBits float64) (Reason, matching.GuardRails) {
	if s.Guards != 0 {
		return ReasonGuardRail, s.Guards
	}
	// A lifelong identifier that disagrees is a conflict whatever the other
	// fields say: one person has one BHXH number, and one citizen ID of each
	// kind (two valid, different CCCDs or CMNDs already fire a guard rail,
	// and one digit apart is left to the weights as a typo). Opaque IDs
	// — foreign numbers, FEBRL's soc_sec_id — carry no structure to trust:
	// their disagreement is weight evidence only.
	if s.Vector[matching.FieldInsurance] == 1 ||
		s.Vector[matching.FieldCitizenID] == 2 && x.CitizenID.Kind != vnid.KindOpaque {
		return ReasonIdentifier, 0
	}
	if s.Weight-model.PriorWeight() < -conflictBits {
		return ReasonConflict, 0
	}
	return ReasonNone, 0
}
