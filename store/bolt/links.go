package bolt

import (
	"bytes"
	"context"
	"fmt"

	"github.com/vnhealth/mpi/store"
)

// personLinkPrefix is the prefix of a person's entries in bPersonLinks.
func personLinkPrefix(eid store.EID) []byte {
	return append([]byte(eid), 0)
}

// Link returns the active link of a record.
func (t *tx) Link(ctx context.Context, k store.RecordKey) (store.Link, error) {
	if err := checkKey(k); err != nil {
		return store.Link{}, err
	}
	v := t.bucket(bLinks).Get(recKey(k))
	if v == nil {
		return store.Link{}, fmt.Errorf("%w: no active link of record %s", store.ErrNotFound, k)
	}
	return decodeLink(k, v)
}

// SetLink makes l the record's active link and appends it to the
// record's history. The record and the person must exist.
func (t *tx) SetLink(ctx context.Context, l store.Link) error {
	if err := t.writing("SetLink"); err != nil {
		return err
	}
	if err := checkKey(l.Record); err != nil {
		return err
	}
	if err := checkEID("link of "+l.Record.String()+": EID", l.EID); err != nil {
		return err
	}
	if l.Kind != store.LinkAuto && l.Kind != store.LinkManual {
		return fmt.Errorf("%w: link of %s: unknown kind %d", store.ErrInvalid, l.Record, l.Kind)
	}
	rk := recKey(l.Record)
	if t.bucket(bRecords).Get(rk) == nil {
		return fmt.Errorf("%w: link of record %s, which does not exist", store.ErrNotFound, l.Record)
	}
	if t.bucket(bPersons).Get([]byte(l.EID)) == nil {
		return fmt.Errorf("%w: link of %s to person %s, who does not exist", store.ErrNotFound, l.Record, l.EID)
	}
	links, pl, hist := t.bucket(bLinks), t.bucket(bPersonLinks), t.bucket(bLinkHistory)
	if old := links.Get(rk); old != nil {
		d := dec{b: old}
		if err := pl.Delete(append(personLinkPrefix(store.EID(d.str())), rk...)); err != nil {
			return err
		}
	} else {
		t.change().links++
	}
	l.At = store.StoredTime(l.At)
	v := encodeLink(&l)
	seq, err := hist.NextSequence()
	if err != nil {
		return err
	}
	for _, put := range []error{
		links.Put(rk, v),
		pl.Put(append(personLinkPrefix(l.EID), rk...), []byte{}),
		hist.Put(append(recPrefix(l.Record), u64Key(seq)...), v),
	} {
		if put != nil {
			return put
		}
	}
	return nil
}

// RemoveLink ends a record's active link; it stays in the history.
func (t *tx) RemoveLink(ctx context.Context, k store.RecordKey) error {
	if err := t.writing("RemoveLink"); err != nil {
		return err
	}
	if err := checkKey(k); err != nil {
		return err
	}
	rk := recKey(k)
	links := t.bucket(bLinks)
	old := links.Get(rk)
	if old == nil {
		return fmt.Errorf("%w: no active link of record %s", store.ErrNotFound, k)
	}
	d := dec{b: old}
	if err := t.bucket(bPersonLinks).Delete(append(personLinkPrefix(store.EID(d.str())), rk...)); err != nil {
		return err
	}
	if err := links.Delete(rk); err != nil {
		return err
	}
	t.change().links--
	return nil
}

// LinksTo returns the active links to a person.
func (t *tx) LinksTo(ctx context.Context, eid store.EID) ([]store.Link, error) {
	var out []store.Link
	links := t.bucket(bLinks)
	prefix := personLinkPrefix(eid)
	c := t.bucket(bPersonLinks).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		rk := k[len(prefix):]
		key, err := parseRecKey(rk)
		if err != nil {
			return nil, err
		}
		v := links.Get(rk)
		if v == nil {
			return nil, fmt.Errorf("%w: person %s indexed with record %s, which has no link", errCorrupt, eid, key)
		}
		l, err := decodeLink(key, v)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// LinkHistory returns every link a record had, oldest first.
func (t *tx) LinkHistory(ctx context.Context, k store.RecordKey) ([]store.Link, error) {
	if err := checkKey(k); err != nil {
		return nil, err
	}
	var out []store.Link
	prefix := recPrefix(k)
	c := t.bucket(bLinkHistory).Cursor()
	for key, v := c.Seek(prefix); key != nil && bytes.HasPrefix(key, prefix); key, v = c.Next() {
		l, err := decodeLink(k, v)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// ForEachLink calls fn with every active link in record key order.
func (t *tx) ForEachLink(ctx context.Context, fn func(store.Link) error) error {
	c := t.bucket(bLinks).Cursor()
	n := 0
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if n++; n%walkCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		key, err := parseRecKey(k)
		if err != nil {
			return err
		}
		l, err := decodeLink(key, v)
		if err != nil {
			return err
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	return nil
}

// Constraints returns the steward constraints on a record.
func (t *tx) Constraints(ctx context.Context, k store.RecordKey) ([]store.Constraint, error) {
	if err := checkKey(k); err != nil {
		return nil, err
	}
	var out []store.Constraint
	prefix := recPrefix(k)
	c := t.bucket(bConstraints).Cursor()
	for key, v := c.Seek(prefix); key != nil && bytes.HasPrefix(key, prefix); key, v = c.Next() {
		cn, err := decodeConstraint(k, store.EID(key[len(prefix):]), v)
		if err != nil {
			return nil, err
		}
		out = append(out, cn)
	}
	return out, nil
}

// PutConstraint stores c, replacing the one on the same (Record, EID).
func (t *tx) PutConstraint(ctx context.Context, c store.Constraint) error {
	if err := t.writing("PutConstraint"); err != nil {
		return err
	}
	if err := checkKey(c.Record); err != nil {
		return err
	}
	if err := checkEID("constraint on "+c.Record.String()+": EID", c.EID); err != nil {
		return err
	}
	if c.Kind != store.MustLink && c.Kind != store.CannotLink {
		return fmt.Errorf("%w: constraint on %s: unknown kind %d", store.ErrInvalid, c.Record, c.Kind)
	}
	c.At = store.StoredTime(c.At)
	return t.bucket(bConstraints).Put(append(recPrefix(c.Record), c.EID...), encodeConstraint(&c))
}

// DeleteConstraint removes the constraint on (k, eid).
func (t *tx) DeleteConstraint(ctx context.Context, k store.RecordKey, eid store.EID) error {
	if err := t.writing("DeleteConstraint"); err != nil {
		return err
	}
	if err := checkKey(k); err != nil {
		return err
	}
	cs := t.bucket(bConstraints)
	key := append(recPrefix(k), eid...)
	if cs.Get(key) == nil {
		return fmt.Errorf("%w: no constraint on %s and %s", store.ErrNotFound, k, eid)
	}
	return cs.Delete(key)
}
