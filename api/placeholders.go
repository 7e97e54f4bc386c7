package api

import (
	"context"
	"errors"
	"slices"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/cluster"
	"github.com/vnhealth/mpi/store"
)

// Ambiguous newborn placeholders: the online form of the bulk dedupe's
// rule (cluster.Build, "detachAmbiguousPlaceholders") that a placeholder
// matching two people who cannot be one links to neither.
//
// A placeholder record ("BÉ GÁI", "CON BÀ …", "SƠ SINH") carries the
// mother's name and contact details and a birth date; the baby's named
// record, sent later, matches it. Twins of one sex share all of that, so
// the placeholder of twin A matches the named records of A and B equally
// well — and Resolve links it to whichever arrives first. When the other
// twin's named record arrives, it strongly matches the placeholder but
// cannot join the person the placeholder is in: the twins guard rail
// fires against the named twin there. Which baby the placeholder stands
// for is then a steward's call.
//
// So, when a record R strongly matches (pair decision Match) a record of
// a person P but cluster.Compatible vetoes R joining P (any veto but
// size, as in the bulk rule), and that strong pair has a placeholder at
// one end, the placeholders linked automatically (store.LinkAuto) into P
// are ambiguous:
//
//   - R strongly matches a placeholder of P, and P's other records veto R
//     (R is the other twin's named record): that placeholder is
//     ambiguous;
//   - R is itself a placeholder and strongly matches a record of P that
//     it may not join (two placeholders of one mother and day: twins no
//     field tells apart): every placeholder of P is ambiguous.
//
// Resolve moves each ambiguous placeholder to a person of its own and
// raises a possible-match task for it listing P and the person R is
// linked to, with the scores and explanations of the placeholder against
// each. R is then decided as usual, without those placeholders — in
// particular it does not link to a placeholder's new person, which would
// only swap one guess for another. A placeholder R that matched a person
// strongly but may not join it does not link to another person
// automatically either (placeholderHeldBack): it gets a person of its own
// and a possible-match task listing them. A manual link (a steward's) is
// never moved, nor is a placeholder with a must-link constraint or a
// cannot-link constraint on R's person (a steward already decided), nor
// one in the person R is linked to (a must-link constraint put R there).
//
// Example: the placeholder "BÉ GÁI" of Nguyễn Thị Lan's twins (born
// 2024-03-01, the mother's phone) arrives first and gets EID E1; twin
// Trần Ngọc Vy's named record (same date and phone) links to it. Then
// twin Trần Ngọc Vi's named record arrives: it matches the placeholder,
// but the twins rule fires against Vy. The placeholder moves to a new
// EID E3, Vi gets a person of her own, E2, and a possible-match task on
// the placeholder lists E1 (Vy) and E2 (Vi).

// reasonAmbiguous is the reason of the placeholder's new link and person.
const reasonAmbiguous = "resolve: newborn placeholder matched two people who cannot be one; sent to review"

// heldPlaceholder is a placeholder record whose link became ambiguous.
type heldPlaceholder struct {
	key  store.RecordKey
	norm *matching.Record
	// from is the person the placeholder is linked into, its members
	// without the placeholder.
	from *personScore
}

// holdAmbiguousPlaceholders finds the placeholders the record makes
// ambiguous (see above) among the scored persons, takes them out of their
// person's members (re-scoring the person without them, never
// auto-linkable) and returns them; scores are re-sorted. mustLink is the
// record's must-link person, whose records are left alone.
func (s *Service) holdAmbiguousPlaceholders(ctx context.Context, tx store.Tx, in *input, scores []*personScore, mustLink store.EID) ([]heldPlaceholder, error) {
	var held []heldPlaceholder
	one := []*matching.Record{in.norm}
	for _, p := range scores {
		if p.auto || p.eid == mustLink {
			continue // compatible with every record of p, or a steward's choice
		}
		// The record is a placeholder that matches a record of p but may
		// not join it: it and p's placeholders stand for babies that
		// cannot all be the one p's records match.
		twinPlaceholders := in.norm.Placeholder() && p.strong && p.veto != cluster.ReasonNone && p.veto != cluster.ReasonSize
		var drop []int
		for i := range p.members {
			m := &p.members[i]
			if !m.norm.Placeholder() {
				continue
			}
			if !twinPlaceholders {
				if m.score.Decision != matching.Match {
					continue
				}
				rest := make([]*matching.Record, 0, len(p.members)-1)
				for j := range p.members {
					if j != i {
						rest = append(rest, p.members[j].norm)
					}
				}
				why, _ := cluster.Compatible(in.model, one, rest, s.cluster)
				if why == cluster.ReasonNone || why == cluster.ReasonSize {
					continue // the veto, if any, was the placeholder's own
				}
			}
			l, err := tx.Link(ctx, m.key)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if l.Kind != store.LinkAuto {
				continue
			}
			drop = append(drop, i)
			held = append(held, heldPlaceholder{key: m.key, norm: m.norm, from: p})
		}
		if len(drop) == 0 {
			continue
		}
		for _, i := range slices.Backward(drop) {
			p.members = slices.Delete(p.members, i, i+1)
		}
		p.setBest()
		p.strong = slices.ContainsFunc(p.members, func(m scoredRecord) bool { return m.score.Decision == matching.Match })
		if len(p.members) > 0 {
			p.veto, _ = cluster.Compatible(in.model, one, p.norms(), s.cluster)
		}
		p.auto = false
	}
	if held != nil {
		sortScores(scores)
	}
	return held, nil
}

// detachPlaceholders moves each held placeholder to a person of its own
// and raises a possible-match task for it listing the person it left and
// eid, the person the resolved record was linked to — unless a steward's
// constraint on the placeholder already decides (see above) or eid is the
// person it is in.
func (s *Service) detachPlaceholders(ctx context.Context, tx store.Tx, actor Actor, in *input, held []heldPlaceholder, eid store.EID) error {
	for _, h := range held {
		if h.from.eid == eid {
			continue
		}
		must, cannot, err := s.constraints(ctx, tx, h.key)
		if err != nil {
			return err
		}
		if must != "" || cannot[eid] {
			continue
		}
		p, err := s.newPerson(ctx, tx, actor, reasonAmbiguous)
		if err != nil {
			return err
		}
		if err := s.setLink(ctx, tx, store.Link{Record: h.key, EID: p.EID, Kind: store.LinkAuto, Actor: actor.ID}, reasonAmbiguous); err != nil {
			return err
		}
		left := &personScore{eid: h.from.eid}
		for _, m := range h.from.members {
			if sc := in.model.Score(h.norm, m.norm); left.bestRec == nil || sc.Weight > left.best.Weight {
				left.best, left.bestRec = sc, m.norm
			}
		}
		listed := []*personScore{{eid: eid, best: in.model.Score(h.norm, in.norm), bestRec: in.norm}}
		if left.bestRec != nil {
			listed = append(listed, left)
		}
		sortScores(listed)
		if _, err := s.openTask(ctx, tx, actor, in.model, h.key, h.norm, store.TaskPossibleMatch, listed, p.EID); err != nil {
			return err
		}
	}
	return nil
}

// placeholderHeldBack reports whether the record is a newborn placeholder
// that matched a person strongly but may not join it (a veto other than
// size): then it matched two people who cannot be one if it matches
// another, and it links to neither automatically (see above).
func placeholderHeldBack(in *input, scores []*personScore) bool {
	return in.norm.Placeholder() && slices.ContainsFunc(scores, func(p *personScore) bool {
		return p.strong && !p.auto && p.veto != cluster.ReasonNone && p.veto != cluster.ReasonSize
	})
}
