package bolt

import (
	"context"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/vnhealth/mpi/store"
)

// tx is a store.Tx over one bolt transaction (shared with the other
// functions of a commit group, one after the other).
type tx struct {
	s      *Store
	btx    *bbolt.Tx
	w      *wtx    // the write transaction; nil in a View
	use    *eidUse // the EIDs this Update handed out
	counts *counters
	dirty  bool // counts changed and not yet written
}

var _ store.Tx = (*tx)(nil)

// walkCheckEvery is how many items a walk visits between context checks.
const walkCheckEvery = 1024

// bucket returns a bucket of the layout (Open checked they all exist).
func (t *tx) bucket(name []byte) *bbolt.Bucket { return bucket(t.btx, name) }

// writing returns ErrInvalid in a read-only transaction.
func (t *tx) writing(op string) error {
	if t.w == nil {
		return fmt.Errorf("%w: %s in a read-only transaction", store.ErrInvalid, op)
	}
	return nil
}

// counters are the numbers Counts reports, kept up to date by the writes
// that change them (Events is the events bucket's sequence).
type counters struct {
	records, activeRecords, persons, activePersons, links, openTasks int64
}

// counters loads the counters once per function.
func (t *tx) counters() *counters {
	if t.counts == nil {
		c := &counters{}
		if v := t.bucket(bMeta).Get(mCounts); v != nil {
			d := dec{b: v}
			for _, f := range c.fields() {
				*f = d.varint()
			}
		}
		t.counts = c
	}
	return t.counts
}

func (c *counters) fields() []*int64 {
	return []*int64{&c.records, &c.activeRecords, &c.persons, &c.activePersons, &c.links, &c.openTasks}
}

// change marks the counters written.
func (t *tx) change() *counters {
	t.dirty = true
	return t.counters()
}

// flush writes changed counters; Update calls it when fn succeeds.
func (t *tx) flush() error {
	if !t.dirty {
		return nil
	}
	var e enc
	for _, f := range t.counts.fields() {
		e.varint(*f)
	}
	t.dirty = false
	return t.bucket(bMeta).Put(mCounts, e.b)
}

// Counts returns how much the store holds.
func (t *tx) Counts(ctx context.Context) (store.Counts, error) {
	c := t.counters()
	return store.Counts{
		Records: c.records, ActiveRecords: c.activeRecords,
		Persons: c.persons, ActivePersons: c.activePersons,
		Links: c.links, OpenTasks: c.openTasks,
		Events: int64(t.bucket(bEvents).Sequence()),
	}, nil
}

// b2i maps a condition to a count change.
func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
