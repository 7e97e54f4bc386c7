package api

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/vnhealth/mpi/store"
)

// History returns the events of a person and of the persons merged into
// it (that still redirect to it), in log order. It does not follow the
// EID's own redirect: the history of a merged-away EID is its own.
func (s *Service) History(ctx context.Context, actor Actor, eid store.EID) ([]store.Event, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	eid, err := parseEIDField("eid", eid)
	if err != nil {
		return nil, err
	}
	var out []store.Event
	var names []store.EID
	err = s.store.View(ctx, func(tx store.Tx) error {
		out = nil
		if _, err := tx.Person(ctx, eid); err != nil {
			return notFound(err, "person "+string(eid))
		}
		var err error
		if names, err = s.aliases(ctx, tx, eid); err != nil {
			return err
		}
		seen := make(map[int64]bool)
		for _, n := range names {
			evs, err := tx.Events(ctx, store.EventFilter{EID: n})
			if err != nil {
				return err
			}
			for _, e := range evs {
				if !seen[e.Seq] {
					seen[e.Seq] = true
					out = append(out, e)
				}
			}
		}
		slices.SortFunc(out, func(a, b store.Event) int { return cmp.Compare(a.Seq, b.Seq) })
		return nil
	})
	var recs []store.RecordKey
	for _, e := range out {
		if e.Record.Valid() && !slices.Contains(recs, e.Record) {
			recs = append(recs, e.Record)
		}
	}
	if err := s.auditDone(ctx, actor, "history", names, recs, err); err != nil {
		return nil, fmt.Errorf("history of person %s: %w", eid, err)
	}
	return out, nil
}

// aliases returns eid and every EID merged into it that still redirects to
// it, directly or through others, in the order found.
func (s *Service) aliases(ctx context.Context, tx store.Tx, eid store.EID) ([]store.EID, error) {
	out := []store.EID{eid}
	for i := 0; i < len(out); i++ {
		evs, err := tx.Events(ctx, store.EventFilter{EID: out[i]})
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			if e.Kind != store.EventMerged {
				continue
			}
			var d MergeData
			if err := json.Unmarshal(e.Data, &d); err != nil {
				return nil, fmt.Errorf("event %d: %w", e.Seq, err)
			}
			if d.Survivor != out[i] || slices.Contains(out, d.Loser) {
				continue
			}
			p, err := tx.Person(ctx, d.Loser)
			if err != nil {
				return nil, notFound(err, "person "+string(d.Loser))
			}
			if p.Status == store.PersonMerged && p.MergedInto == out[i] {
				out = append(out, d.Loser)
			}
		}
	}
	return out, nil
}
