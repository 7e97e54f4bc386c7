package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/vnhealth/mpi/store"
)

// snapshot is what a store holds, read in one View, for before/after
// comparisons.
type snapshot struct {
	Counts      store.Counts
	Records     []store.Record
	Persons     []store.Person
	Links       []store.Link
	History     []store.Link
	Constraints []store.Constraint
	Tasks       []store.Task
	Events      []store.Event
}

// snap reads a snapshot; history and constraints are those of record k.
func snap(t *testing.T, s store.Store, k store.RecordKey) snapshot {
	t.Helper()
	var sn snapshot
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		sn = snapshot{}
		var err error
		if sn.Counts, err = tx.Counts(ctx); err != nil {
			return err
		}
		if err := tx.ForEachRecord(ctx, func(r store.Record) error { sn.Records = append(sn.Records, r); return nil }); err != nil {
			return err
		}
		if err := tx.ForEachPerson(ctx, func(p store.Person) error { sn.Persons = append(sn.Persons, p); return nil }); err != nil {
			return err
		}
		if err := tx.ForEachLink(ctx, func(l store.Link) error { sn.Links = append(sn.Links, l); return nil }); err != nil {
			return err
		}
		if sn.History, err = tx.LinkHistory(ctx, k); err != nil {
			return err
		}
		if sn.Constraints, err = tx.Constraints(ctx, k); err != nil {
			return err
		}
		if sn.Tasks, err = tx.Tasks(ctx, store.TaskFilter{}); err != nil {
			return err
		}
		sn.Events, err = tx.Events(ctx, store.EventFilter{})
		return err
	})
	return sn
}

// seed stores a record linked to a person, a constraint, a task and an
// event, and returns the record and the EID.
func seed(t *testing.T, s store.Store) (store.Record, store.EID) {
	t.Helper()
	e := eids(t, s, 1)[0]
	r := record(key("BV01", "A"), kYearProv, kCitizen)
	putRecords(t, s, r)
	putPersons(t, s, e)
	setLinks(t, s, link(r.Key, e))
	tk := task(r.Key, e)
	putTasks(t, s, &tk)
	ev := event(store.EventLinked, r.Key, e)
	appendEvents(t, s, &ev)
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		return tx.PutConstraint(ctx, store.Constraint{Kind: store.MustLink, Record: r.Key, EID: e, Actor: "steward-1", At: at(1)})
	})
	return r, e
}

// writeAll changes everything seed stored and adds to each kind of data,
// reading its own writes as it goes; it returns the first error.
func writeAll(ctx context.Context, tx store.Tx, r store.Record, e store.EID) error {
	e2, err := tx.NewEID(ctx)
	if err != nil {
		return err
	}
	p2 := person(e2)
	r2 := next(r, kPhone)
	nr := record(key("BV02", "N"), kPhone)
	m := person(e)
	m.Version, m.Status, m.MergedInto = 2, store.PersonMerged, e2
	tk := task(nr.Key, e, e2)
	ev := event(store.EventMerged, r.Key, e, e2)
	for _, step := range []func() error{
		func() error { return tx.PutRecord(ctx, r2) },
		func() error { return tx.PutRecord(ctx, nr) },
		func() error { return tx.PutPerson(ctx, p2) },
		func() error { return tx.PutPerson(ctx, m) },
		func() error { return tx.SetLink(ctx, link(r.Key, e2)) },
		func() error { return tx.SetLink(ctx, link(nr.Key, e2)) },
		func() error { return tx.DeleteConstraint(ctx, r.Key, e) },
		func() error {
			return tx.PutConstraint(ctx, store.Constraint{Kind: store.CannotLink, Record: r.Key, EID: e2, Actor: "steward-2", At: at(2)})
		},
		func() error { return tx.PutTask(ctx, &tk) },
		func() error { return tx.AppendEvent(ctx, &ev) },
		// Reads see the writes before them.
		func() error {
			got, err := tx.Record(ctx, r.Key)
			if err != nil || got.Version != r2.Version {
				return fmt.Errorf("record read back at version %d (%v), want %d", got.Version, err, r2.Version)
			}
			set, err := tx.Candidates(ctx, []uint64{kPhone}, 0)
			if err != nil || len(set.Candidates) != 2 {
				return fmt.Errorf("%d candidates by the new key (%v), want 2", len(set.Candidates), err)
			}
			ls, err := tx.LinksTo(ctx, e2)
			if err != nil || len(ls) != 2 {
				return fmt.Errorf("%d links to the new person (%v), want 2", len(ls), err)
			}
			if _, err := tx.Task(ctx, tk.ID); err != nil {
				return fmt.Errorf("new task %d: %w", tk.ID, err)
			}
			evs, err := tx.Events(ctx, store.EventFilter{EID: e2})
			if err != nil || len(evs) != 1 {
				return fmt.Errorf("%d events of the new person (%v), want 1", len(evs), err)
			}
			return nil
		},
	} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// testUpdateCommits: every write of one Update becomes visible together.
func testUpdateCommits(t *testing.T, b Backend) {
	s := b.Open(t)
	r, e := seed(t, s)
	before := snap(t, s, r.Key)
	update(t, s, func(ctx context.Context, tx store.Tx) error { return writeAll(ctx, tx, r, e) })
	after := snap(t, s, r.Key)
	diff(t, "Counts after commit",
		store.Counts{Records: 2, ActiveRecords: 2, Persons: 2, ActivePersons: 1, Links: 2, OpenTasks: 2, Events: 2}, after.Counts)
	if len(after.History) != len(before.History)+1 || len(after.Constraints) != 1 || after.Constraints[0].Kind != store.CannotLink {
		t.Errorf("after commit: %d links in history (want %d), constraints %+v", len(after.History), len(before.History)+1, after.Constraints)
	}
}

// testUpdateRollsBack: an error from fn undoes everything fn wrote.
func testUpdateRollsBack(t *testing.T, b Backend) {
	s := b.Open(t)
	r, e := seed(t, s)
	before := snap(t, s, r.Key)
	err := s.Update(t.Context(), func(tx store.Tx) error {
		if err := writeAll(t.Context(), tx, r, e); err != nil {
			return err
		}
		return errRollback
	})
	wantErr(t, "Update whose fn failed", err, errRollback)
	diff(t, "store after rollback", before, snap(t, s, r.Key))

	// A panic in fn rolls back too, and the store stays usable.
	func() {
		defer func() {
			if p := recover(); p == nil {
				t.Errorf("Update swallowed fn's panic")
			}
		}()
		_ = s.Update(t.Context(), func(tx store.Tx) error {
			if err := writeAll(t.Context(), tx, r, e); err != nil {
				return err
			}
			panic("storetest: panic in fn")
		})
	}()
	diff(t, "store after panic", before, snap(t, s, r.Key))
	update(t, s, func(ctx context.Context, tx store.Tx) error { return writeAll(ctx, tx, r, e) })
}

// testUpdateCanceled: an Update or View with a canceled context fails
// with the context's error and writes nothing.
func testUpdateCanceled(t *testing.T, b Backend) {
	s := b.Open(t)
	r, e := seed(t, s)
	before := snap(t, s, r.Key)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.Update(ctx, func(tx store.Tx) error { return writeAll(ctx, tx, r, e) })
	wantErr(t, "Update with a canceled context", err, context.Canceled)
	err = s.View(ctx, func(tx store.Tx) error { return nil })
	wantErr(t, "View with a canceled context", err, context.Canceled)
	diff(t, "store after canceled Update", before, snap(t, s, r.Key))
}

// testViewReadOnly: every write method fails with ErrInvalid in a View and
// changes nothing; View returns fn's error.
func testViewReadOnly(t *testing.T, b Backend) {
	s := b.Open(t)
	r, e := seed(t, s)
	before := snap(t, s, r.Key)
	tk := task(r.Key, e)
	tk.ID = before.Tasks[0].ID
	newTask := task(r.Key)
	ev := event(store.EventRecordPut, r.Key)
	writes := map[string]func(context.Context, store.Tx) error{
		"PutRecord": func(ctx context.Context, tx store.Tx) error { return tx.PutRecord(ctx, next(r)) },
		"NewEID":    func(ctx context.Context, tx store.Tx) error { _, err := tx.NewEID(ctx); return err },
		"PutPerson": func(ctx context.Context, tx store.Tx) error {
			p := person(e)
			p.Version = 2
			return tx.PutPerson(ctx, p)
		},
		"SetLink":          func(ctx context.Context, tx store.Tx) error { return tx.SetLink(ctx, link(r.Key, e)) },
		"RemoveLink":       func(ctx context.Context, tx store.Tx) error { return tx.RemoveLink(ctx, r.Key) },
		"PutConstraint":    func(ctx context.Context, tx store.Tx) error { return tx.PutConstraint(ctx, before.Constraints[0]) },
		"DeleteConstraint": func(ctx context.Context, tx store.Tx) error { return tx.DeleteConstraint(ctx, r.Key, e) },
		"PutTask (new)":    func(ctx context.Context, tx store.Tx) error { return tx.PutTask(ctx, &newTask) },
		"PutTask (replace)": func(ctx context.Context, tx store.Tx) error {
			return tx.PutTask(ctx, &tk)
		},
		"AppendEvent": func(ctx context.Context, tx store.Tx) error { return tx.AppendEvent(ctx, &ev) },
	}
	for name, w := range writes {
		var inner error
		err := s.View(t.Context(), func(tx store.Tx) error {
			inner = w(t.Context(), tx)
			return nil
		})
		if err != nil {
			t.Errorf("View around %s: %v", name, err)
		}
		wantErr(t, name+" in a View", inner, store.ErrInvalid)
	}
	if newTask.ID != 0 || ev.Seq != 0 {
		t.Errorf("writes in a View assigned task ID %d, event Seq %d", newTask.ID, ev.Seq)
	}
	diff(t, "store after writes in a View", before, snap(t, s, r.Key))
	err := s.View(t.Context(), func(store.Tx) error { return errRollback })
	wantErr(t, "View whose fn failed", err, errRollback)
}

// testViewSnapshot: a View keeps reading the state it started with while
// an Update commits.
func testViewSnapshot(t *testing.T, b Backend) {
	s := b.Open(t)
	r, e := seed(t, s)
	before := snap(t, s, r.Key)
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		first, err := tx.Record(ctx, r.Key)
		if err != nil {
			return err
		}
		done := make(chan error)
		go func() {
			done <- s.Update(t.Context(), func(tx store.Tx) error { return writeAll(t.Context(), tx, r, e) })
		}()
		if err := <-done; err != nil {
			return fmt.Errorf("concurrent Update: %w", err)
		}
		again, err := tx.Record(ctx, r.Key)
		if err != nil {
			return err
		}
		diff(t, "Record read again in the View", first, again)
		c, err := tx.Counts(ctx)
		if err != nil {
			return err
		}
		diff(t, "Counts in the View", before.Counts, c)
		set, err := tx.Candidates(ctx, []uint64{kPhone}, 0)
		if err != nil {
			return err
		}
		diff(t, "Candidates in the View", store.CandidateSet{}, set)
		return nil
	})
	if got := snap(t, s, r.Key); got.Counts.Records != 2 {
		t.Errorf("after the View: %d records, want 2", got.Counts.Records)
	}
}

// testConcurrentResolve is the core safety property: many transactions
// at once each look for the person of one shared blocking key and create
// it only when none is found. Exactly one person must come out of it, with
// every record linked to it — whatever the backend's isolation mechanism.
func testConcurrentResolve(t *testing.T, b Backend) {
	s := b.Open(t)
	const n = 60
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			ctx := t.Context()
			k := key("HUB", fmt.Sprintf("%03d", i))
			errs[i] = s.Update(ctx, func(tx store.Tx) error {
				set, err := tx.Candidates(ctx, []uint64{kCitizen}, 0)
				if err != nil {
					return err
				}
				var eid store.EID
				for _, c := range set.Candidates {
					if c.EID != "" {
						eid = c.EID
						break
					}
				}
				if err := tx.PutRecord(ctx, record(k, kCitizen, kYearProv)); err != nil {
					return err
				}
				if eid == "" {
					if eid, err = tx.NewEID(ctx); err != nil {
						return err
					}
					if err := tx.PutPerson(ctx, person(eid)); err != nil {
						return err
					}
				}
				return tx.SetLink(ctx, link(k, eid))
			})
		})
	}
	wg.Wait()
	ok, conflicts := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, store.ErrConflict):
			conflicts++
		default:
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	if conflicts > n/2 {
		t.Errorf("%d of %d transactions failed with ErrConflict", conflicts, n)
	}
	sn := snap(t, s, key("HUB", "000"))
	if len(sn.Persons) != 1 {
		t.Fatalf("%d persons, want exactly 1", len(sn.Persons))
	}
	if len(sn.Records) != ok || len(sn.Links) != ok {
		t.Errorf("%d records and %d links after %d successful transactions", len(sn.Records), len(sn.Links), ok)
	}
	for _, l := range sn.Links {
		if l.EID != sn.Persons[0].EID {
			t.Errorf("record %s linked to %s, want %s", l.Record, l.EID, sn.Persons[0].EID)
		}
	}
	for i, err := range errs {
		if err != nil {
			continue
		}
		var found bool
		for _, r := range sn.Records {
			found = found || r.Key == key("HUB", fmt.Sprintf("%03d", i))
		}
		if !found {
			t.Errorf("record of goroutine %d missing after its Update succeeded", i)
		}
	}
}
