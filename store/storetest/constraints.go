package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vnhealth/mpi/store"
)

// testConstraints: one constraint per (record, EID), replaced in place,
// listed per record, deleted; unknown ones are ErrNotFound.
func testConstraints(t *testing.T, b Backend) {
	s := b.Open(t)
	e := eids(t, s, 2)
	p1, p2 := e[0], e[1]
	a, bb := key("BV01", "A"), key("BV02", "B")
	putRecords(t, s, record(a), record(bb))
	putPersons(t, s, p1, p2)

	c1 := store.Constraint{Kind: store.CannotLink, Record: a, EID: p1, Actor: "steward-1", Reason: "anh em sinh đôi", At: at(1)}
	c2 := store.Constraint{Kind: store.MustLink, Record: a, EID: p2, Actor: "steward-2", Reason: "cùng CCCD đã xác minh", At: at(2)}
	c3 := store.Constraint{Kind: store.MustLink, Record: bb, EID: p1, Actor: "steward-2", At: at(3)}
	put := func(cs ...store.Constraint) {
		t.Helper()
		update(t, s, func(ctx context.Context, tx store.Tx) error {
			for _, c := range cs {
				if err := tx.PutConstraint(ctx, c); err != nil {
					return err
				}
			}
			return nil
		})
	}
	list := func(when string, k store.RecordKey, want ...store.Constraint) {
		t.Helper()
		view(t, s, func(ctx context.Context, tx store.Tx) error {
			got, err := tx.Constraints(ctx, k)
			if err != nil {
				return err
			}
			for i := range want {
				want[i].At = store.StoredTime(want[i].At)
			}
			byEID := func(x, y store.Constraint) int { return strings.Compare(string(x.EID), string(y.EID)) }
			slices.SortFunc(want, byEID)
			slices.SortFunc(got, byEID)
			diff(t, fmt.Sprintf("%s: Constraints(%s)", when, k), want, got)
			for _, c := range got {
				checkUTC(t, when+": Constraint.At", c.At)
			}
			return nil
		})
	}
	put(c1, c2, c3)
	list("stored", a, c1, c2)
	list("stored", bb, c3)
	list("stored", key("BV03", "C"))

	// Same (record, EID): replaced.
	c1b := c1
	c1b.Kind, c1b.Actor, c1b.Reason, c1b.At = store.MustLink, "steward-9", "đã gặp bệnh nhân", at(9)
	put(c1b)
	list("replaced", a, c1b, c2)

	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteConstraint(ctx, a, p2) })
	list("deleted", a, c1b)
	list("deleted", bb, c3)
	for _, miss := range []struct {
		k   store.RecordKey
		eid store.EID
	}{{a, p2}, {bb, p2}, {key("BV03", "C"), p1}} {
		err := s.Update(t.Context(), func(tx store.Tx) error { return tx.DeleteConstraint(t.Context(), miss.k, miss.eid) })
		wantErr(t, fmt.Sprintf("DeleteConstraint(%s, %s)", miss.k, miss.eid), err, store.ErrNotFound)
	}

	for name, c := range map[string]store.Constraint{
		"kind 0":    {Record: a, EID: p1, At: at(1)},
		"kind 3":    {Kind: store.CannotLink + 1, Record: a, EID: p1, At: at(1)},
		"no record": {Kind: store.MustLink, EID: p1, At: at(1)},
		"no EID":    {Kind: store.MustLink, Record: a, At: at(1)},
	} {
		err := s.Update(t.Context(), func(tx store.Tx) error { return tx.PutConstraint(t.Context(), c) })
		wantErr(t, "PutConstraint "+name, err, store.ErrInvalid)
	}
	list("after invalid puts", a, c1b)
}
