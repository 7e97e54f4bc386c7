package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/cluster"
	"github.com/vnhealth/mpi/store"
)

// MergeOption modifies Merge.
type MergeOption uint8

// Merge options.
const (
	// ForceMerge merges although the records across the two persons fail
	// the check that keeps records apart automatically (cluster.Compatible:
	// a guard rail such as two different valid citizen IDs, two different
	// BHXH numbers, strong disagreement, size), or although a steward's
	// cannot-link constraint stands between them. A steward who has
	// evidence the check cannot see — a CCCD one facility typed wrong, a
	// card photographed at the desk — needs it; without it such a merge is
	// refused with ErrFailedPrecondition naming the reason. A forced merge
	// removes the cannot-link constraints in its way (an unmerge puts them
	// back) and records the veto it overrode in the merge event.
	ForceMerge MergeOption = 1 << iota
)

// Merge merges person loser into person survivor: every active link of
// the loser moves to the survivor (a manual link each, scored against the
// survivor's records; one link.set event each), the loser becomes
// PersonMerged with MergedInto survivor — its EID redirects there forever
// — and one person.merged event records what Unmerge needs (MergeData:
// the moved records with their links in the loser). Golden records are
// rebuilt. Steward constraints are not re-pointed: they name the EID they
// were made on and are read through redirects.
//
// Refused: a person into itself (FieldError "survivor"); a loser or
// survivor already merged (ErrFailedPrecondition naming where it
// redirects: merge live persons); and, unless ForceMerge is given, a merge
// that cluster.Compatible vetoes or that a cannot-link constraint between
// the two persons forbids (ErrFailedPrecondition naming the veto).
func (s *Service) Merge(ctx context.Context, actor Actor, loser, survivor store.EID, reason string, opts ...MergeOption) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	loser, err := parseEIDField("loser", loser)
	if err != nil {
		return err
	}
	if survivor, err = parseEIDField("survivor", survivor); err != nil {
		return err
	}
	if loser == survivor {
		return invalid("survivor", "same person as loser")
	}
	if err := checkReason(reason); err != nil {
		return err
	}
	var moved []store.RecordKey
	err = s.update(ctx, func(tx store.Tx) error {
		moved = nil
		ls, err := tx.LinksTo(ctx, loser)
		for _, l := range ls {
			moved = append(moved, l.Record)
		}
		if err != nil {
			return err
		}
		return s.mergeTx(ctx, tx, actor, loser, survivor, reason, opts)
	})
	if err := s.auditDone(ctx, actor, "merge", []store.EID{survivor, loser}, moved, err); err != nil {
		return fmt.Errorf("merge person %s into %s: %w", loser, survivor, err)
	}
	return nil
}

// mergeTx is Merge inside a transaction.
func (s *Service) mergeTx(ctx context.Context, tx store.Tx, actor Actor, loser, survivor store.EID, reason string, opts []MergeOption) error {
	force := slices.Contains(opts, ForceMerge)
	lp, err := tx.Person(ctx, loser)
	if err != nil {
		return notFound(err, "person "+string(loser))
	}
	sp, err := tx.Person(ctx, survivor)
	if err != nil {
		return notFound(err, "person "+string(survivor))
	}
	if lp.Status == store.PersonMerged {
		return failedf("person %s is already merged into %s", loser, lp.MergedInto)
	}
	if sp.Status == store.PersonMerged {
		return failedf("person %s was merged into %s: merge into the live person", survivor, sp.MergedInto)
	}
	lrecs, err := s.otherRecords(ctx, tx, loser, store.RecordKey{})
	if err != nil {
		return err
	}
	srecs, err := s.otherRecords(ctx, tx, survivor, store.RecordKey{})
	if err != nil {
		return err
	}
	ev := MergeData{Loser: loser, Survivor: survivor, Moved: []MovedLink{}}

	// The checks: the records across the two persons, and the steward's
	// cannot-link constraints between them.
	var vetoes []string
	if why, guards := cluster.Compatible(s.model.Load(), normalizedAll(s, lrecs), normalizedAll(s, srecs), s.cluster); why != cluster.ReasonNone {
		v := why.String()
		if guards != 0 {
			v += ": " + guards.String()
		}
		vetoes = append(vetoes, v)
	}
	var blocking []store.Constraint
	for _, side := range []struct {
		recs  []store.Record
		other store.EID
	}{{lrecs, survivor}, {srecs, loser}} {
		for _, r := range side.recs {
			cs, err := tx.Constraints(ctx, r.Key)
			if err != nil {
				return err
			}
			for _, c := range cs {
				if c.Kind != store.CannotLink {
					continue
				}
				if p, err := s.follow(ctx, tx, c.EID); err != nil {
					return err
				} else if p.EID == side.other {
					blocking = append(blocking, c)
				}
			}
		}
	}
	if len(blocking) > 0 {
		vetoes = append(vetoes, fmt.Sprintf("cannot_link: record %s", blocking[0].Record))
	}
	if len(vetoes) > 0 {
		if !force {
			return failedf("merge of person %s into %s refused (%s); a steward may force it", loser, survivor, strings.Join(vetoes, "; "))
		}
		ev.Forced = strings.Join(vetoes, "; ")
	}
	for _, c := range blocking {
		if err := s.deleteConstraint(ctx, tx, c, actor, reason); err != nil {
			return err
		}
		ev.Constraints = append(ev.Constraints, RemovedConstraint{Record: c.Record, ConstraintData: *constraintData(c)})
	}

	links, err := tx.LinksTo(ctx, loser)
	if err != nil {
		return err
	}
	slices.SortFunc(links, func(a, b store.Link) int { return compareRecordKey(a.Record, b.Record) })
	byKey := make(map[store.RecordKey]*store.Record, len(lrecs))
	for i := range lrecs {
		byKey[lrecs[i].Key] = &lrecs[i]
	}
	for _, l := range links {
		ev.Moved = append(ev.Moved, MovedFrom(l))
		nl := store.Link{Record: l.Record, EID: survivor, Kind: store.LinkManual, Actor: actor.ID}
		if r := byKey[l.Record]; r != nil {
			nl.Weight, nl.Probability = s.bestScore(r, srecs)
		}
		if err := s.setLink(ctx, tx, nl, reason); err != nil {
			return err
		}
	}
	if lp, err = tx.Person(ctx, loser); err != nil {
		return err
	}
	lp.Status, lp.MergedInto = store.PersonMerged, survivor
	lp.Version++
	lp.Updated = s.now()
	if err := tx.PutPerson(ctx, lp); err != nil {
		return err
	}
	return s.appendEvent(ctx, tx, &store.Event{
		Kind: store.EventMerged, Actor: actor.ID, Reason: reason, EIDs: []store.EID{survivor, loser},
	}, ev)
}

func normalizedAll(s *Service, recs []store.Record) []*matching.Record {
	out := make([]*matching.Record, len(recs))
	for i := range recs {
		out[i] = s.normalized(&recs[i])
	}
	return out
}

// Unmerge undoes the latest merge of loser: the loser is live again, the
// records the merge moved go back to it with exactly the links they had
// there (kind, weight, probability), the cannot-link constraints a forced
// merge removed are put back, and both golden records are rebuilt — from
// the person.merged event's data, in one transaction logged as
// person.unmerged plus one link.set per record moved back.
//
// What happened since the merge:
//   - the survivor merged into a third person: refused
//     (ErrFailedPrecondition naming it) — unmerge that merge first;
//   - a moved record linked to another person since (a steward's Link or
//     Unlink, or re-matching of a new version): refused
//     (ErrFailedPrecondition naming the record key), since putting it
//     back would undo a later decision silently; move it back to the
//     survivor first, or leave the persons merged;
//   - a moved record retracted since: it stays retracted (no link);
//   - records linked to the survivor after the merge stay with the survivor.
func (s *Service) Unmerge(ctx context.Context, actor Actor, loser store.EID, reason string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	loser, err := parseEIDField("loser", loser)
	if err != nil {
		return err
	}
	if err := checkReason(reason); err != nil {
		return err
	}
	var survivor store.EID
	var moved []store.RecordKey
	err = s.update(ctx, func(tx store.Tx) error {
		var err error
		survivor, moved, err = s.unmergeTx(ctx, tx, actor, loser, reason)
		return err
	})
	if err := s.auditDone(ctx, actor, "unmerge", []store.EID{loser, survivor}, moved, err); err != nil {
		return fmt.Errorf("unmerge person %s: %w", loser, err)
	}
	return nil
}

func (s *Service) unmergeTx(ctx context.Context, tx store.Tx, actor Actor, loser store.EID, reason string) (store.EID, []store.RecordKey, error) {
	lp, err := tx.Person(ctx, loser)
	if err != nil {
		return "", nil, notFound(err, "person "+string(loser))
	}
	if lp.Status != store.PersonMerged {
		return "", nil, failedf("person %s is not merged", loser)
	}
	evs, err := tx.Events(ctx, store.EventFilter{EID: loser})
	if err != nil {
		return "", nil, err
	}
	var merge *store.Event
	var data MergeData
	for i := len(evs) - 1; i >= 0 && merge == nil; i-- {
		e := &evs[i]
		if e.Kind != store.EventMerged {
			continue
		}
		var d MergeData
		if err := json.Unmarshal(e.Data, &d); err != nil {
			return "", nil, fmt.Errorf("event %d: %w", e.Seq, err)
		}
		if d.Loser == loser {
			merge, data = e, d
		}
	}
	if merge == nil || data.Survivor != lp.MergedInto {
		return "", nil, fmt.Errorf("person %s: merged into %s, but the event log holds no such merge", loser, lp.MergedInto)
	}
	survivor := data.Survivor
	sp, err := tx.Person(ctx, survivor)
	if err != nil {
		return survivor, nil, notFound(err, "person "+string(survivor))
	}
	if sp.Status == store.PersonMerged {
		return survivor, nil, failedf("person %s was merged into %s since: unmerge it first", survivor, sp.MergedInto)
	}

	back := make([]MovedLink, 0, len(data.Moved))
	var keys []store.RecordKey
	links := make([]store.Link, 0, len(data.Moved))
	for _, m := range data.Moved {
		rec, err := tx.Record(ctx, m.Record)
		if err != nil {
			return survivor, nil, notFound(err, "record "+m.Record.String())
		}
		if rec.Status != store.RecordActive {
			continue // retracted since: it stays without a link
		}
		cur, err := tx.Link(ctx, m.Record)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return survivor, nil, err
		}
		if cur.EID != survivor {
			return survivor, nil, failedf("record %s is linked to person %s since the merge, not %s", m.Record, cur.EID, survivor)
		}
		back = append(back, MovedFrom(cur))
		keys = append(keys, m.Record)
		links = append(links, store.Link{Record: m.Record, EID: loser, Kind: m.Kind, Weight: m.Weight, Probability: m.Probability, Actor: actor.ID})
	}

	// The loser is live before the links come back: the log never links a
	// record to a merged person.
	lp.Status, lp.MergedInto = store.PersonActive, ""
	lp.Version++
	lp.Updated = s.now()
	if err := tx.PutPerson(ctx, lp); err != nil {
		return survivor, nil, err
	}
	if err := s.appendEvent(ctx, tx, &store.Event{
		Kind: store.EventUnmerged, Actor: actor.ID, Reason: reason, EIDs: []store.EID{loser, survivor},
	}, UnmergeData{Loser: loser, Survivor: survivor, Moved: back, MergeSeq: merge.Seq}); err != nil {
		return survivor, nil, err
	}
	for _, l := range links {
		if err := s.setLink(ctx, tx, l, reason); err != nil {
			return survivor, nil, err
		}
	}
	if len(links) == 0 {
		// Nothing moved back: the loser's golden record is rebuilt anyway
		// (empty), as after any change to it.
		if err := s.rebuildGolden(ctx, tx, loser); err != nil {
			return survivor, nil, err
		}
	}
	for _, c := range data.Constraints {
		if err := s.putConstraint(ctx, tx, store.Constraint{
			Kind: c.Kind, Record: c.Record, EID: c.EID, Actor: c.Actor, Reason: c.Reason, At: c.At,
		}); err != nil {
			return survivor, nil, err
		}
	}
	return survivor, keys, nil
}
