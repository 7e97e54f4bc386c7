package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/vnhealth/mpi/store"
)

// errStop is what walk functions return to stop a walk.
var errStop = errors.New("storetest: stop")

// walkKeys are record keys in byte order of Source, then LocalID: "BV01"
// before "BV01-X" before "BV1"; "10" before "9"; "B" before "a".
var walkKeys = []store.RecordKey{
	key("BV01", "10"), key("BV01", "9"), key("BV01", "B"), key("BV01", "a"),
	key("BV01-X", "1"), key("BV02", "1"), key("BV1", "0"), key("bv01", "1"),
}

// shuffled returns the walk keys in an order that is not key order.
func shuffled() []store.RecordKey {
	ks := slices.Clone(walkKeys)
	for i := range ks {
		j := (i*5 + 3) % len(ks)
		ks[i], ks[j] = ks[j], ks[i]
	}
	return ks
}

// testStopWalk checks that an error from fn stops walk and is returned.
func testStopWalk(t *testing.T, s store.Store, name string, walk func(ctx context.Context, tx store.Tx, stopAt int, calls *int) error) {
	t.Helper()
	var calls int
	err := s.View(t.Context(), func(tx store.Tx) error {
		calls = 0
		return walk(t.Context(), tx, 2, &calls)
	})
	wantErr(t, name+" stopped by fn", err, errStop)
	if calls != 2 {
		t.Errorf("%s: fn called %d times after it returned an error on call 2", name, calls)
	}
}

// testForEachRecord: current versions of all records, active or not, in
// key order; an error from fn stops the walk.
func testForEachRecord(t *testing.T, b Backend) {
	s := b.Open(t)
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		return tx.ForEachRecord(ctx, func(r store.Record) error {
			t.Errorf("ForEachRecord on an empty store: called with %s", r.Key)
			return nil
		})
	})
	var want []store.Record
	for _, k := range shuffled() {
		putRecords(t, s, record(k, kYearProv))
	}
	upd := next(record(walkKeys[2], kYearProv), kPhone)
	gone := retracted(record(walkKeys[5], kYearProv))
	putRecords(t, s, upd, gone)
	for _, k := range walkKeys {
		switch k {
		case upd.Key:
			want = append(want, stored(upd))
		case gone.Key:
			want = append(want, stored(gone))
		default:
			want = append(want, stored(record(k, kYearProv)))
		}
	}
	var got []store.Record
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		got = got[:0]
		return tx.ForEachRecord(ctx, func(r store.Record) error {
			got = append(got, r)
			return nil
		})
	})
	diff(t, "ForEachRecord", want, got)
	testStopWalk(t, s, "ForEachRecord", func(ctx context.Context, tx store.Tx, stopAt int, calls *int) error {
		return tx.ForEachRecord(ctx, func(store.Record) error {
			if *calls++; *calls == stopAt {
				return errStop
			}
			return nil
		})
	})
}

// testForEachPerson: every person, merged ones too, in EID order.
func testForEachPerson(t *testing.T, b Backend) {
	s := b.Open(t)
	e := eids(t, s, 6)
	putPersons(t, s, e[3], e[0], e[5])
	putPersons(t, s, e[1], e[4], e[2])
	m := person(e[4])
	m.Version, m.Status, m.MergedInto = 2, store.PersonMerged, e[0]
	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.PutPerson(ctx, m) })

	sorted := slices.Clone(e)
	slices.Sort(sorted)
	var want []store.Person
	for _, id := range sorted {
		if id == m.EID {
			want = append(want, storedPerson(m))
		} else {
			want = append(want, storedPerson(person(id)))
		}
	}
	var got []store.Person
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		got = got[:0]
		return tx.ForEachPerson(ctx, func(p store.Person) error {
			got = append(got, p)
			return nil
		})
	})
	diff(t, "ForEachPerson", want, got)
	testStopWalk(t, s, "ForEachPerson", func(ctx context.Context, tx store.Tx, stopAt int, calls *int) error {
		return tx.ForEachPerson(ctx, func(store.Person) error {
			if *calls++; *calls == stopAt {
				return errStop
			}
			return nil
		})
	})
}

// testForEachLink: every active link, in record key order.
func testForEachLink(t *testing.T, b Backend) {
	s := b.Open(t)
	e := eids(t, s, 2)
	putPersons(t, s, e...)
	var ls []store.Link
	for i, k := range shuffled() {
		putRecords(t, s, record(k))
		l := link(k, e[i%2])
		setLinks(t, s, l)
		ls = append(ls, l)
	}
	// Unlink one, relink another.
	unlinked := walkKeys[3]
	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.RemoveLink(ctx, unlinked) })
	relinked := link(walkKeys[6], e[0])
	relinked.Kind, relinked.At = store.LinkManual, at(50)
	setLinks(t, s, relinked)
	var want []store.Link
	for _, l := range sortLinks(ls) {
		switch l.Record {
		case unlinked:
		case relinked.Record:
			want = append(want, storedLink(relinked))
		default:
			want = append(want, storedLink(l))
		}
	}
	var got []store.Link
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		got = got[:0]
		return tx.ForEachLink(ctx, func(l store.Link) error {
			got = append(got, l)
			return nil
		})
	})
	diff(t, "ForEachLink", want, got)
	testStopWalk(t, s, "ForEachLink", func(ctx context.Context, tx store.Tx, stopAt int, calls *int) error {
		return tx.ForEachLink(ctx, func(store.Link) error {
			if *calls++; *calls == stopAt {
				return errStop
			}
			return nil
		})
	})
}

// counts returns s's Counts, failing the test on error.
func counts(t *testing.T, s store.Store) store.Counts {
	t.Helper()
	var c store.Counts
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		c, err = tx.Counts(ctx)
		return err
	})
	return c
}

// testCounts: every count follows the changes that move it.
func testCounts(t *testing.T, b Backend) {
	s := b.Open(t)
	diff(t, "Counts of an empty store", store.Counts{}, counts(t, s))

	e := eids(t, s, 3)
	a, bb, c := record(key("BV01", "A"), kYearProv), record(key("BV01", "B")), record(key("BV02", "C"))
	putRecords(t, s, a, bb, c)
	putPersons(t, s, e...)
	setLinks(t, s, link(a.Key, e[0]), link(bb.Key, e[0]), link(c.Key, e[1]))
	t1, t2, t3 := task(a.Key, e[0]), task(bb.Key, e[1]), task(c.Key)
	t2.Status = store.TaskClaimed
	putTasks(t, s, &t1, &t2, &t3)
	ev := event(store.EventRecordPut, a.Key)
	appendEvents(t, s, &ev)
	diff(t, "Counts", store.Counts{Records: 3, ActiveRecords: 3, Persons: 3, ActivePersons: 3, Links: 3, OpenTasks: 2, Events: 1}, counts(t, s))

	// A new version, a retraction, an unlink, a merge, a resolved task.
	m := person(e[1])
	m.Version, m.Status, m.MergedInto = 2, store.PersonMerged, e[0]
	t1.Status, t1.Outcome = store.TaskResolved, "linked"
	ev2, ev3 := event(store.EventMerged, c.Key, e[1], e[0]), event(store.EventUnlinked, c.Key, e[1])
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		for _, err := range []error{
			tx.PutRecord(ctx, next(a, kPhone)),
			tx.PutRecord(ctx, retracted(bb)),
			tx.RemoveLink(ctx, c.Key),
			tx.PutPerson(ctx, m),
			tx.PutTask(ctx, &t1),
			tx.AppendEvent(ctx, &ev2),
			tx.AppendEvent(ctx, &ev3),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	diff(t, "Counts after changes", store.Counts{Records: 3, ActiveRecords: 2, Persons: 3, ActivePersons: 2, Links: 2, OpenTasks: 1, Events: 3}, counts(t, s))

	// Reactivation and a relink count again; a task reopened too.
	bb3 := next(retracted(bb), kName)
	bb3.Status = store.RecordActive
	t2.Status = store.TaskOpen
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		for _, err := range []error{
			tx.PutRecord(ctx, bb3),
			tx.SetLink(ctx, link(c.Key, e[2])),
			tx.SetLink(ctx, link(a.Key, e[2])), // a replaced link is not a new one
			tx.PutTask(ctx, &t2),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	diff(t, "Counts after reactivation", store.Counts{Records: 3, ActiveRecords: 3, Persons: 3, ActivePersons: 2, Links: 3, OpenTasks: 2, Events: 3}, counts(t, s))
}
