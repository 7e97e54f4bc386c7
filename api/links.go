package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/vnhealth/mpi/store"
)

// putConstraint stores c (replacing a constraint on the same record and
// person) and appends store.EventConstraintPut. An identical constraint
// (same kind, record and person) is left as it is.
func (s *Service) putConstraint(ctx context.Context, tx store.Tx, c store.Constraint) error {
	cs, err := tx.Constraints(ctx, c.Record)
	if err != nil {
		return err
	}
	ch := ConstraintChange{Constraint: constraintData(c)}
	for _, old := range cs {
		if old.EID == c.EID {
			if old.Kind == c.Kind {
				return nil
			}
			ch.Prev = constraintData(old)
		}
	}
	if err := tx.PutConstraint(ctx, c); err != nil {
		return err
	}
	return s.appendEvent(ctx, tx, &store.Event{
		Kind: store.EventConstraintPut, Actor: c.Actor, Reason: c.Reason, EIDs: []store.EID{c.EID}, Record: c.Record,
	}, ch)
}

// deleteConstraint removes c and appends store.EventConstraintDeleted.
func (s *Service) deleteConstraint(ctx context.Context, tx store.Tx, c store.Constraint, actor Actor, reason string) error {
	if err := tx.DeleteConstraint(ctx, c.Record, c.EID); err != nil {
		return err
	}
	return s.appendEvent(ctx, tx, &store.Event{
		Kind: store.EventConstraintDeleted, Actor: actor.ID, Reason: reason, EIDs: []store.EID{c.EID}, Record: c.Record,
	}, ConstraintChange{Prev: constraintData(c)})
}

// Link links a record to a person (redirects followed) by a steward's
// decision: a manual link, scored against the person's other records for
// the steward to see, and a sticky must-link constraint. A cannot-link
// constraint of the record on that person, and must-link constraints on
// other persons, are removed: the latest decision stands. A steward's
// link is not vetoed by guard rails — they keep the matcher from linking
// automatically, and this is a human's decision. It returns the live
// person linked to. The record must be active.
func (s *Service) Link(ctx context.Context, actor Actor, record store.RecordKey, eid store.EID, reason string) (store.EID, error) {
	if err := checkActor(actor); err != nil {
		return "", err
	}
	record, err := checkRecordKey("record", record)
	if err != nil {
		return "", err
	}
	if eid, err = parseEIDField("eid", eid); err != nil {
		return "", err
	}
	if err := checkReason(reason); err != nil {
		return "", err
	}
	var live, prev store.EID
	err = s.update(ctx, func(tx store.Tx) error {
		var err error
		if prev, err = s.linkedPerson(ctx, tx, record); err != nil {
			return err
		}
		live, err = s.linkTx(ctx, tx, actor, record, eid, reason)
		return err
	})
	if err := s.auditDone(ctx, actor, "link", []store.EID{live, prev, eid}, []store.RecordKey{record}, err); err != nil {
		return "", fmt.Errorf("link record %s to person %s: %w", record, eid, err)
	}
	return live, nil
}

// linkTx is Link inside a transaction.
func (s *Service) linkTx(ctx context.Context, tx store.Tx, actor Actor, k store.RecordKey, eid store.EID, reason string) (store.EID, error) {
	rec, err := tx.Record(ctx, k)
	if err != nil {
		return "", notFound(err, "record "+k.String())
	}
	if rec.Status != store.RecordActive {
		return "", failedf("record %s is retracted", k)
	}
	p, err := s.follow(ctx, tx, eid)
	if err != nil {
		return "", err
	}
	cur, err := tx.Link(ctx, k)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	if cur.EID != p.EID || cur.Kind != store.LinkManual {
		others, err := s.otherRecords(ctx, tx, p.EID, k)
		if err != nil {
			return "", err
		}
		w, prob := s.bestScore(&rec, others)
		l := store.Link{Record: k, EID: p.EID, Kind: store.LinkManual, Weight: w, Probability: prob, Actor: actor.ID}
		if err := s.setLink(ctx, tx, l, reason); err != nil {
			return "", err
		}
	}
	cs, err := tx.Constraints(ctx, k)
	if err != nil {
		return "", err
	}
	for _, c := range cs {
		if c.EID == p.EID {
			continue // replaced by the must-link below
		}
		target, err := s.follow(ctx, tx, c.EID)
		if err != nil {
			return "", err
		}
		if c.Kind == store.MustLink || target.EID == p.EID {
			if err := s.deleteConstraint(ctx, tx, c, actor, reason); err != nil {
				return "", err
			}
		}
	}
	err = s.putConstraint(ctx, tx, store.Constraint{Kind: store.MustLink, Record: k, EID: p.EID, Actor: actor.ID, Reason: reason, At: store.StoredTime(s.now())})
	return p.EID, err
}

// Unlink takes a record out of its person onto a new person of its own
// (a manual link) and puts a sticky cannot-link constraint on the old
// person, so that re-matching never puts it back; the record's must-link
// constraints are removed. It returns the new EID. The record must be
// active and linked, and its person must hold other records (unlinking a
// person's only record is ErrFailedPrecondition: it is already alone).
func (s *Service) Unlink(ctx context.Context, actor Actor, record store.RecordKey, reason string) (store.EID, error) {
	if err := checkActor(actor); err != nil {
		return "", err
	}
	record, err := checkRecordKey("record", record)
	if err != nil {
		return "", err
	}
	if err := checkReason(reason); err != nil {
		return "", err
	}
	var old, neu store.EID
	err = s.update(ctx, func(tx store.Tx) error {
		old, neu = "", ""
		rec, err := tx.Record(ctx, record)
		if err != nil {
			return notFound(err, "record "+record.String())
		}
		if rec.Status != store.RecordActive {
			return failedf("record %s is retracted", record)
		}
		if old, err = s.linkedPerson(ctx, tx, record); err != nil {
			return err
		}
		if old == "" {
			return failedf("record %s has no link", record)
		}
		others, err := s.otherRecords(ctx, tx, old, record)
		if err != nil {
			return err
		}
		if len(others) == 0 {
			return failedf("record %s is the only record of person %s", record, old)
		}
		p, err := s.newPerson(ctx, tx, actor, reason)
		if err != nil {
			return err
		}
		neu = p.EID
		if err := s.setLink(ctx, tx, store.Link{Record: record, EID: neu, Kind: store.LinkManual, Actor: actor.ID}, reason); err != nil {
			return err
		}
		cs, err := tx.Constraints(ctx, record)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Kind == store.MustLink && c.EID != old {
				if err := s.deleteConstraint(ctx, tx, c, actor, reason); err != nil {
					return err
				}
			}
		}
		return s.putConstraint(ctx, tx, store.Constraint{Kind: store.CannotLink, Record: record, EID: old, Actor: actor.ID, Reason: reason, At: store.StoredTime(s.now())})
	})
	if err := s.auditDone(ctx, actor, "unlink", []store.EID{old, neu}, []store.RecordKey{record}, err); err != nil {
		return "", fmt.Errorf("unlink record %s: %w", record, err)
	}
	return neu, nil
}
