package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/vnhealth/mpi/store"
)

// testLinks: SetLink replaces the active link and keeps the old one in
// history; RemoveLink ends it; LinksTo follows.
func testLinks(t *testing.T, b Backend) {
	s := b.Open(t)
	e := eids(t, s, 2)
	p1, p2 := e[0], e[1]
	a, bb := key("BV01", "A"), key("BV02", "B")
	putRecords(t, s, record(a, kYearProv), record(bb, kYearProv), record(key("BV03", "C")))
	putPersons(t, s, p1, p2)

	l1 := link(a, p1)
	l2 := store.Link{Record: a, EID: p2, Kind: store.LinkManual, Weight: -3.5, Probability: 0.125,
		Actor: "steward-3", Reason: "khác người: ngày sinh khác", At: at(10)}
	l3 := link(a, p1)
	l3.At = at(20)
	lb := link(bb, p1)

	setLinks(t, s, l1, lb)
	check := func(when string, active *store.Link, history []store.Link, to map[store.EID][]store.Link) {
		t.Helper()
		view(t, s, func(ctx context.Context, tx store.Tx) error {
			got, err := tx.Link(ctx, a)
			if active == nil {
				wantErr(t, when+": Link", err, store.ErrNotFound)
			} else if err != nil {
				t.Errorf("%s: Link: %v", when, err)
			} else {
				diff(t, when+": Link", storedLink(*active), got)
				checkUTC(t, when+": Link.At", got.At)
			}
			h, err := tx.LinkHistory(ctx, a)
			if err != nil {
				return err
			}
			var want []store.Link
			for _, l := range history {
				want = append(want, storedLink(l))
			}
			diff(t, when+": LinkHistory", want, h)
			for eid, ls := range to {
				got, err := tx.LinksTo(ctx, eid)
				if err != nil {
					return err
				}
				var want []store.Link
				for _, l := range ls {
					want = append(want, storedLink(l))
				}
				diff(t, fmt.Sprintf("%s: LinksTo(%s)", when, eid), sortLinks(want), sortLinks(got))
			}
			return nil
		})
	}
	check("first link", &l1, []store.Link{l1}, map[store.EID][]store.Link{p1: {l1, lb}, p2: nil})

	setLinks(t, s, l2)
	check("relinked", &l2, []store.Link{l1, l2}, map[store.EID][]store.Link{p1: {lb}, p2: {l2}})

	update(t, s, func(ctx context.Context, tx store.Tx) error { return tx.RemoveLink(ctx, a) })
	check("removed", nil, []store.Link{l1, l2}, map[store.EID][]store.Link{p1: {lb}, p2: nil})
	err := s.Update(t.Context(), func(tx store.Tx) error { return tx.RemoveLink(t.Context(), a) })
	wantErr(t, "RemoveLink without a link", err, store.ErrNotFound)
	err = s.Update(t.Context(), func(tx store.Tx) error { return tx.RemoveLink(t.Context(), key("BV03", "C")) })
	wantErr(t, "RemoveLink of a record never linked", err, store.ErrNotFound)

	setLinks(t, s, l3)
	check("linked again", &l3, []store.Link{l1, l2, l3}, map[store.EID][]store.Link{p1: {l3, lb}, p2: nil})

	// Several changes in one transaction keep their order.
	l4, l5 := l2, l1
	l4.At, l5.At = at(40), at(41)
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		for _, l := range []store.Link{l4, l5} {
			if err := tx.SetLink(ctx, l); err != nil {
				return err
			}
		}
		return nil
	})
	check("two in one transaction", &l5, []store.Link{l1, l2, l3, l4, l5}, map[store.EID][]store.Link{p1: {l5, lb}, p2: nil})

	view(t, s, func(ctx context.Context, tx store.Tx) error {
		h, err := tx.LinkHistory(ctx, key("BV03", "C"))
		if err != nil {
			return err
		}
		diff(t, "LinkHistory of a record never linked", []store.Link(nil), h)
		_, err = tx.Link(ctx, key("BV03", "C"))
		wantErr(t, "Link of a record never linked", err, store.ErrNotFound)
		return nil
	})
}

// testLinkInvalid: a link without a record key, a valid EID or a known
// kind is ErrInvalid.
func testLinkInvalid(t *testing.T, b Backend) {
	s := b.Open(t)
	e := eids(t, s, 1)[0]
	a := key("BV01", "A")
	putRecords(t, s, record(a))
	putPersons(t, s, e)
	bad := map[string]store.Link{}
	for _, k := range []store.RecordKey{{}, key("BV01", ""), key("", "A")} {
		bad[fmt.Sprintf("key %q", k)] = link(k, e)
	}
	for _, id := range []store.EID{"", "BAD"} {
		bad[fmt.Sprintf("EID %q", id)] = link(a, id)
	}
	for _, kind := range []store.LinkKind{0, store.LinkManual + 1} {
		l := link(a, e)
		l.Kind = kind
		bad[fmt.Sprintf("kind %d", kind)] = l
	}
	for name, l := range bad {
		err := s.Update(t.Context(), func(tx store.Tx) error { return tx.SetLink(t.Context(), l) })
		wantErr(t, "SetLink "+name, err, store.ErrInvalid)
	}
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		_, err := tx.Link(ctx, a)
		wantErr(t, "Link after invalid SetLinks", err, store.ErrNotFound)
		return nil
	})
}
