package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/vnhealth/mpi/store"
)

// event returns an event of kind about record k and eids.
func event(kind store.EventKind, k store.RecordKey, eids ...store.EID) store.Event {
	return store.Event{
		At: at(len(eids)), Kind: kind, Actor: "hub-hcm", Reason: "tiếp nhận hồ sơ", EIDs: eids, Record: k,
		Data: json.RawMessage(fmt.Sprintf(`{"version": 2, "previous": {"eid": %q, "note": "trước khi gộp"}, "list": [1, 2.5, null, true]}`, k)),
	}
}

// appendEvents appends events in one transaction, writing their Seqs back.
func appendEvents(t *testing.T, s store.Store, es ...*store.Event) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		for _, e := range es {
			e.Seq = 0
			if err := tx.AppendEvent(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// storedEvent returns e as a store gives it back.
func storedEvent(e store.Event) store.Event {
	e.At = store.StoredTime(e.At)
	return e
}

// testEvents: Seq strictly increasing within and across transactions;
// everything round-trips.
func testEvents(t *testing.T, b Backend) {
	s := b.Open(t)
	e := eids(t, s, 2)
	a := key("BV01", "A")
	e1 := event(store.EventRecordPut, a)
	e2 := event(store.EventPersonCreated, a, e[0])
	e3 := event(store.EventMerged, store.RecordKey{}, e[1], e[0])
	e4 := store.Event{At: at(9), Kind: store.EventTaskResolved, Actor: "steward-1", TaskID: 42}
	appendEvents(t, s, &e1, &e2)
	appendEvents(t, s, &e3)
	appendEvents(t, s, &e4)
	seqs := []int64{e1.Seq, e2.Seq, e3.Seq, e4.Seq}
	for i := 1; i < len(seqs); i++ {
		if seqs[i] <= seqs[i-1] {
			t.Fatalf("event Seqs %v: want strictly increasing", seqs)
		}
	}
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		got, err := tx.Events(ctx, store.EventFilter{})
		if err != nil {
			return err
		}
		diff(t, "Events", []store.Event{storedEvent(e1), storedEvent(e2), storedEvent(e3), storedEvent(e4)}, got)
		for _, ev := range got {
			checkUTC(t, "Event.At", ev.At)
		}
		return nil
	})
}

// testEventFilters: by EID (any of an event's EIDs), record, AfterSeq and
// Limit, in Seq order.
func testEventFilters(t *testing.T, b Backend) {
	s := b.Open(t)
	e := eids(t, s, 3)
	p1, p2, p3 := e[0], e[1], e[2]
	a, bb := key("BV01", "A"), key("BV02", "B")
	evs := []store.Event{
		event(store.EventRecordPut, a),
		event(store.EventPersonCreated, a, p1),
		event(store.EventLinked, a, p1),
		event(store.EventRecordPut, bb),
		event(store.EventLinked, bb, p2),
		event(store.EventMerged, store.RecordKey{}, p2, p1),
		event(store.EventUnlinked, bb, p1),
		event(store.EventTaskOpened, a, p1, p2),
	}
	for i := range evs {
		appendEvents(t, s, &evs[i])
	}

	tests := []struct {
		name string
		f    store.EventFilter
		want []int
	}{
		{"all", store.EventFilter{}, []int{0, 1, 2, 3, 4, 5, 6, 7}},
		{"EID", store.EventFilter{EID: p1}, []int{1, 2, 5, 6, 7}},
		{"EID among several", store.EventFilter{EID: p2}, []int{4, 5, 7}},
		{"EID never touched", store.EventFilter{EID: p3}, nil},
		{"record", store.EventFilter{Record: bb}, []int{3, 4, 6}},
		{"record and EID", store.EventFilter{Record: a, EID: p1}, []int{1, 2, 7}},
		{"after", store.EventFilter{AfterSeq: evs[4].Seq}, []int{5, 6, 7}},
		{"limit", store.EventFilter{Limit: 3}, []int{0, 1, 2}},
		{"EID, after, limit", store.EventFilter{EID: p1, AfterSeq: evs[2].Seq, Limit: 2}, []int{5, 6}},
		{"record, after", store.EventFilter{Record: a, AfterSeq: evs[1].Seq}, []int{2, 7}},
		{"after the last", store.EventFilter{AfterSeq: evs[7].Seq}, nil},
	}
	for _, tc := range tests {
		var want []store.Event
		for _, i := range tc.want {
			want = append(want, storedEvent(evs[i]))
		}
		view(t, s, func(ctx context.Context, tx store.Tx) error {
			got, err := tx.Events(ctx, tc.f)
			if err != nil {
				return err
			}
			diff(t, "Events "+tc.name, want, got)
			return nil
		})
	}
}
