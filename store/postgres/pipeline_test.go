package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/postgres"
)

// newPerson returns version 1 of an active person.
func newPerson(eid store.EID) store.Person {
	at := time.Unix(1_700_000_000, 0).UTC()
	return store.Person{EID: eid, Status: store.PersonActive, Version: 1, Created: at, Updated: at}
}

// TestPipelinedWriteFailures: PutPerson, SetLink and AppendEvent wait for
// the transaction's next round trip (or its commit). A PutPerson whose
// version does not follow the stored one must still fail the transaction
// as a whole — reported by the call that sends it, or by Update when that
// is the commit — and leave nothing of it behind, the writes before it
// included, even when fn ignores the error.
func TestPipelinedWriteFailures(t *testing.T) {
	t.Parallel()
	s := open(t, postgres.Options{})
	ctx := t.Context()
	var eid store.EID
	if err := s.Update(ctx, func(tx store.Tx) error {
		var err error
		if eid, err = tx.NewEID(ctx); err != nil {
			return err
		}
		return tx.PutPerson(ctx, newPerson(eid))
	}); err != nil {
		t.Fatalf("creating the person: %v", err)
	}
	stale := newPerson(eid) // version 1 again: a version that does not follow
	r := rec("A", 7)

	tests := []struct {
		name string
		fn   func(ctx context.Context, tx store.Tx) error
		// sentBy: the call that reports the failure ("" for Update).
		sentBy string
	}{
		{"reported by the commit", func(ctx context.Context, tx store.Tx) error {
			if err := tx.PutRecord(ctx, r); err != nil {
				return err
			}
			if err := tx.SetLink(ctx, store.Link{Record: r.Key, EID: eid, Kind: store.LinkAuto, Actor: "hub"}); err != nil {
				return err
			}
			return tx.PutPerson(ctx, stale)
		}, ""},
		{"reported by the next read", func(ctx context.Context, tx store.Tx) error {
			if err := tx.PutRecord(ctx, r); err != nil {
				return err
			}
			if err := tx.PutPerson(ctx, stale); err != nil {
				return err
			}
			_, err := tx.Person(ctx, eid)
			return err
		}, "Person"},
		{"ignored by fn", func(ctx context.Context, tx store.Tx) error {
			if err := tx.PutRecord(ctx, r); err != nil {
				return err
			}
			if err := tx.PutPerson(ctx, stale); err != nil {
				return err
			}
			_, _ = tx.Person(ctx, eid) // the failure, dropped
			return tx.AppendEvent(ctx, &store.Event{Kind: store.EventRecordPut, Actor: "hub", Record: r.Key})
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var readErr error
			err := s.Update(ctx, func(tx store.Tx) error {
				err := tc.fn(ctx, tx)
				if tc.sentBy != "" {
					readErr = err
				}
				return err
			})
			if !errors.Is(err, store.ErrConflict) {
				t.Fatalf("Update: %v, want ErrConflict", err)
			}
			if !strings.Contains(err.Error(), "PutPerson") {
				t.Errorf("Update: %v, want the error to name PutPerson, the write that failed", err)
			}
			if tc.sentBy != "" && !errors.Is(readErr, store.ErrConflict) {
				t.Errorf("%s after the failed write: %v, want ErrConflict", tc.sentBy, readErr)
			}
			if err := s.View(ctx, func(tx store.Tx) error {
				if _, err := tx.Record(ctx, r.Key); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("Record after the failed Update: %v, want ErrNotFound (nothing kept)", err)
				}
				if _, err := tx.Link(ctx, r.Key); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("Link after the failed Update: %v, want ErrNotFound", err)
				}
				evs, err := tx.Events(ctx, store.EventFilter{Record: r.Key})
				if err != nil || len(evs) != 0 {
					t.Errorf("Events after the failed Update: %d (%v), want none", len(evs), err)
				}
				p, err := tx.Person(ctx, eid)
				if err != nil || p.Version != 1 {
					t.Errorf("Person after the failed Update: version %d (%v), want 1", p.Version, err)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestPipelinedWritesReadBack: writes that wait for the next round trip
// are seen by the reads after them in the transaction, and an event's Seq
// is set once it is sent.
func TestPipelinedWritesReadBack(t *testing.T) {
	t.Parallel()
	s := open(t, postgres.Options{})
	ctx := t.Context()
	r := rec("B", 9)
	ev := &store.Event{Kind: store.EventRecordPut, Actor: "hub", Record: r.Key}
	err := s.Update(ctx, func(tx store.Tx) error {
		eid, err := tx.NewEID(ctx)
		if err != nil {
			return err
		}
		if err := tx.PutRecord(ctx, r); err != nil {
			return err
		}
		if err := tx.PutPerson(ctx, newPerson(eid)); err != nil {
			return err
		}
		if err := tx.SetLink(ctx, store.Link{Record: r.Key, EID: eid, Kind: store.LinkAuto, Actor: "hub"}); err != nil {
			return err
		}
		if err := tx.AppendEvent(ctx, ev); err != nil {
			return err
		}
		l, err := tx.Link(ctx, r.Key)
		if err != nil || l.EID != eid {
			t.Errorf("Link in the transaction: %v (%v), want the link to %s", l.EID, err, eid)
		}
		if ev.Seq == 0 {
			t.Error("event Seq unset after the next read")
		}
		p := newPerson(eid)
		p.Version = 2
		return tx.PutPerson(ctx, p) // sent with the commit
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if err := s.View(ctx, func(tx store.Tx) error {
		l, err := tx.Link(ctx, r.Key)
		if err != nil {
			return err
		}
		p, err := tx.Person(ctx, l.EID)
		if err != nil || p.Version != 2 {
			t.Errorf("Person after commit: version %d (%v), want 2", p.Version, err)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
