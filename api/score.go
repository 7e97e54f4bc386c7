package api

import (
	"cmp"
	"context"
	"iter"
	"maps"
	"slices"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/cluster"
	"github.com/vnhealth/mpi/store"
)

// personScore is how a record scored against one person.
type personScore struct {
	eid store.EID
	// members are the person's active records other than the one
	// resolved, by record key, each with its score against it.
	members []scoredRecord
	// best is the strongest pair (highest weight) among members; bestRec
	// is nil when none was scored.
	best    matching.Score
	bestRec *matching.Record
	// strong: some pair with the person is a match (decision Match).
	strong bool
	// veto is cluster.Compatible's verdict on the record joining the
	// person (computed for strong matches and the current person).
	veto cluster.Reason
	// auto: strong, and no veto.
	auto bool
}

// scoredRecord is one record of a candidate person and how the record
// being resolved scored against it.
type scoredRecord struct {
	key   store.RecordKey
	norm  *matching.Record
	score matching.Score
}

func (p *personScore) link(kind store.LinkKind, actor Actor) store.Link {
	l := store.Link{EID: p.eid, Kind: kind, Actor: actor.ID}
	if p.bestRec != nil {
		l.Weight, l.Probability = p.best.Weight, p.best.Probability()
	}
	return l
}

// setBest picks the strongest of p.members as p.best (the first on equal
// weights, members being in record key order).
func (p *personScore) setBest() {
	p.best, p.bestRec = matching.Score{}, nil
	for i := range p.members {
		m := &p.members[i]
		if p.bestRec == nil || m.score.Weight > p.best.Weight {
			p.best, p.bestRec = m.score, m.norm
		}
	}
}

// norms returns the normalized records of p.members.
func (p *personScore) norms() []*matching.Record {
	out := make([]*matching.Record, len(p.members))
	for i := range p.members {
		out[i] = p.members[i].norm
	}
	return out
}

// scores returns the scores of p.members (the record against each).
func (p *personScore) scores() []matching.Score {
	out := make([]matching.Score, len(p.members))
	for i := range p.members {
		out[i] = p.members[i].score
	}
	return out
}

// sortScores orders persons strongest first (stable: ties keep EID order).
func sortScores(scores []*personScore) {
	slices.SortStableFunc(scores, func(a, b *personScore) int { return cmp.Compare(b.best.Weight, a.best.Weight) })
}

// scorePersons scores the record against the candidate persons and
// returns one personScore per person that has records other than this one,
// strongest first. Candidate records are the active records sharing a
// blocking key with it (oversized blocks skipped), less its own and those
// of cannot-link persons; a candidate person is one whose candidate
// records include a pair at least in the review band — as in the bulk
// dedupe, where only blocked pairs make edges — plus the person the record
// is linked to and its must-link person. Every active record of each
// candidate person is scored (a person scores its best pair) and
// cluster.Compatible checks the record against all of them when one pair
// is a match (and for the current person). res.Candidates
// counts the records scored and res.Capped the keys skipped.
func (s *Service) scorePersons(ctx context.Context, tx store.Tx, in *input, current, mustLink store.EID, cannot map[store.EID]bool, res *Result) ([]*personScore, error) {
	scored := make(map[store.RecordKey]matching.Score)
	score := func(r *store.Record) matching.Score {
		sc, ok := scored[r.Key]
		if !ok {
			sc = s.score(in, r, func() *matching.Record { return s.normalized(r) })
			scored[r.Key] = sc
		}
		return sc
	}
	cset, err := s.candidates(ctx, tx, in, cannot, score, true)
	if err != nil {
		return nil, err
	}
	res.Capped = cset.Capped
	want := make(map[store.EID]bool)
	for i := range cset.Candidates {
		c := &cset.Candidates[i]
		if c.EID == "" || c.Record.Key == in.key || cannot[c.EID] {
			continue
		}
		sc := score(&c.Record)
		if sc.Decision >= matching.Review {
			want[c.EID] = true
		}
	}
	res.Candidates = len(scored)
	for _, e := range []store.EID{current, mustLink} {
		if e != "" {
			want[e] = true
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	eids := slices.Sorted(maps.Keys(want))
	members, err := tx.PersonRecords(ctx, eids)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(members, func(a, b store.Candidate) int {
		return cmp.Or(cmp.Compare(a.EID, b.EID), compareRecordKey(a.Record.Key, b.Record.Key))
	})
	var out []*personScore
	for group := range groupByEID(members) {
		p := &personScore{eid: group[0].EID, members: make([]scoredRecord, 0, len(group))}
		for k := range group {
			r := &group[k].Record
			if r.Key == in.key {
				continue
			}
			m := s.normalized(r)
			sc, ok := scored[r.Key]
			if !ok {
				sc = s.score(in, r, func() *matching.Record { return m })
				res.Candidates++
			}
			p.members = append(p.members, scoredRecord{key: r.Key, norm: m, score: sc})
		}
		if len(p.members) == 0 {
			continue
		}
		p.setBest()
		p.strong = slices.ContainsFunc(p.members, func(m scoredRecord) bool { return m.score.Decision == matching.Match })
		if p.strong || p.eid == current {
			p.veto, _ = cluster.CompatibleScored(in.model, in.norm, p.scores(), s.cluster)
		}
		// (A strong person's best pair is a match unless a guard rail
		// stopped a heavier pair, which Compatible then reports.)
		p.auto = p.strong && p.veto == cluster.ReasonNone
		out = append(out, p)
	}
	sortScores(out)
	return out, nil
}

// selectiveBlock is the size of the blocks a resolve reads first: when
// one of their records is a match, the larger blocks (up to PerKey
// records) are not read.
const selectiveBlock = 32

// candidates returns the record's candidate records in steps, the most
// selective blocks first. A block keyed by a birth year, a given name or
// a province holds a fixed share of the population, so it grows with the
// store: on 1 M generated records (mpictl gen --persons 400000 --seed 3)
// a resolve read 98 candidates on average, 32 of them from blocks of at
// most 32 records. Those small blocks are read first (Candidates with
// perKey selectiveBlock); when one of their records, linked to a person
// and not of the record itself or of a cannot-link person, scores a match
// (score), the record has found its person and the larger blocks are left
// unread — counted in Capped. Otherwise every block of up to PerKey
// records is read, as before. On those 1 M records 89 % of resolves stop
// at the small blocks, reading 41 candidates on average instead of 98;
// in 2 of 3,000 a larger block held a match with another person (a
// possible-duplicate task the resolve no longer raises), and the person
// the record belongs to was among the candidates as often as before
// (2,704 of the 2,708 whose person is stored). The bulk dedupe splits
// such blocks by a further component instead (blocking/split.go).
//
// With idFirst (resolves; not searches, whose user wants the persons a
// query may also mean), the blocks of the record's personal identifiers —
// citizen ID and social insurance number (in.idKeys) — come before even
// those: a record that matches a person sharing its identifier links to
// it without its name and birth-date blocks being read (counted in
// Capped). What that gives up is the same as above: another person those
// blocks would have found matching too, which would have made the record
// a possible duplicate of both and linked it to neither — here it links to
// the person whose identifier it carries. Measured, online import of
// mpictl gen --persons 50000 --seed 7 (124,460 records): precision 0.99944
// → 0.99941 (70 → 74 wrong pairs, the same 24 wrongly merged persons),
// recall 0.96257 → 0.96657; on the 1 M records candidates per resolve
// 40.4 → 19.7.
func (s *Service) candidates(ctx context.Context, tx store.Tx, in *input, cannot map[store.EID]bool, score func(*store.Record) matching.Score, idFirst bool) (store.CandidateSet, error) {
	if s.perKey > 0 && s.perKey <= selectiveBlock {
		return tx.Candidates(ctx, in.keys, s.perKey)
	}
	found := func(set store.CandidateSet) bool {
		for i := range set.Candidates {
			c := &set.Candidates[i]
			if c.EID != "" && c.Record.Key != in.key && !cannot[c.EID] && score(&c.Record).Decision == matching.Match {
				return true
			}
		}
		return false
	}
	if idFirst && len(in.idKeys) > 0 {
		ids, err := tx.Candidates(ctx, in.idKeys, selectiveBlock)
		if err != nil {
			return ids, err
		}
		if found(ids) {
			ids.Capped += len(in.keys) - len(in.idKeys)
			return ids, nil
		}
	}
	small, err := tx.Candidates(ctx, in.keys, selectiveBlock)
	if err != nil || small.Capped == 0 || found(small) {
		return small, err
	}
	return tx.Candidates(ctx, in.keys, s.perKey)
}

// groupByEID yields runs of candidates with one EID (cs sorted by EID).
func groupByEID(cs []store.Candidate) iter.Seq[[]store.Candidate] {
	return func(yield func([]store.Candidate) bool) {
		for i := 0; i < len(cs); {
			j := i + 1
			for j < len(cs) && cs[j].EID == cs[i].EID {
				j++
			}
			if !yield(cs[i:j]) {
				return
			}
			i = j
		}
	}
}

// bestOf returns the strongest person score (scores are sorted), or nil.
func bestOf(scores []*personScore) *personScore {
	if len(scores) == 0 {
		return nil
	}
	return scores[0]
}

// describe fills in the score and explanation of the record's best pair
// with p.
func (s *Service) describe(res *Result, in *input, p *personScore) {
	if p == nil || p.bestRec == nil {
		return
	}
	res.Weight, res.Probability = p.best.Weight, p.best.Probability()
	e := in.model.Explain(in.norm, p.bestRec)
	res.Explanation = &e
}
