package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	"github.com/vnhealth/mpi/store"
)

// linkKey is a record's active link in bRecords.
func linkKey(k store.RecordKey) []byte { return recOwned(k, tagLink) }

// personLinkPrefix is the prefix of a person's active-link index entries
// in bPersons (the record key follows).
func personLinkPrefix(eid store.EID) []byte { return personOwned(eid, tagRecord) }

// Link returns the active link of a record.
func (t *tx) Link(ctx context.Context, k store.RecordKey) (store.Link, error) {
	if err := checkKey(k); err != nil {
		return store.Link{}, err
	}
	v := t.bucket(bRecords).Get(linkKey(k))
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
	recs, persons := t.bucket(bRecords), t.bucket(bPersons)
	rec := recs.Get(rk)
	if rec == nil {
		return fmt.Errorf("%w: link of record %s, which does not exist", store.ErrNotFound, l.Record)
	}
	if persons.Get(personBase(l.EID)) == nil {
		return fmt.Errorf("%w: link of %s to person %s, who does not exist", store.ErrNotFound, l.Record, l.EID)
	}
	lk := linkKey(l.Record)
	if old := recs.Get(lk); old != nil {
		d := dec{b: old}
		if err := persons.Delete(append(personLinkPrefix(store.EID(d.str())), rk...)); err != nil {
			return err
		}
	} else {
		t.change().links++
	}
	if err := t.touchRecord(rec); err != nil {
		return err
	}
	l.At = store.StoredTime(l.At)
	v := encodeLink(&l)
	seq, err := recs.NextSequence()
	if err != nil {
		return err
	}
	for _, put := range []error{
		recs.Put(lk, v),
		persons.Put(append(personLinkPrefix(l.EID), rk...), []byte{}),
		recs.Put(binary.BigEndian.AppendUint64(recOwned(l.Record, tagHistory), seq), v),
	} {
		if put != nil {
			return put
		}
	}
	return nil
}

// touchRecord tells the candidate cache that this transaction changes the
// record stored as rec (its link).
func (t *tx) touchRecord(rec []byte) error {
	h, err := decodeRecordHead(rec)
	if err != nil {
		return err
	}
	t.s.cands.touch(h.ord, uint64(t.btx.ID()))
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
	recs, rk, lk := t.bucket(bRecords), recKey(k), linkKey(k)
	old := recs.Get(lk)
	if old == nil {
		return fmt.Errorf("%w: no active link of record %s", store.ErrNotFound, k)
	}
	if err := t.touchRecord(recs.Get(rk)); err != nil {
		return err
	}
	d := dec{b: old}
	if err := t.bucket(bPersons).Delete(append(personLinkPrefix(store.EID(d.str())), rk...)); err != nil {
		return err
	}
	if err := recs.Delete(lk); err != nil {
		return err
	}
	t.change().links--
	return nil
}

// LinksTo returns the active links to a person.
func (t *tx) LinksTo(ctx context.Context, eid store.EID) ([]store.Link, error) {
	var out []store.Link
	recs := t.bucket(bRecords)
	prefix := personLinkPrefix(eid)
	c := t.bucket(bPersons).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		rk := k[len(prefix):]
		key, err := parseRecKey(rk)
		if err != nil {
			return nil, err
		}
		v := recs.Get(append(append(bytes.Clone(rk), 0), tagLink))
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
	prefix := recOwned(k, tagHistory)
	c := t.bucket(bRecords).Cursor()
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
	c := t.bucket(bRecords).Cursor()
	n := 0
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if n++; n%walkCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		tag, owner := ownedTag(k)
		if tag != tagLink || len(k) != len(owner)+2 {
			continue
		}
		key, err := parseRecKey(owner)
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
	prefix := recOwned(k, tagConstraint)
	c := t.bucket(bRecords).Cursor()
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
	return t.bucket(bRecords).Put(append(recOwned(c.Record, tagConstraint), c.EID...), encodeConstraint(&c))
}

// DeleteConstraint removes the constraint on (k, eid).
func (t *tx) DeleteConstraint(ctx context.Context, k store.RecordKey, eid store.EID) error {
	if err := t.writing("DeleteConstraint"); err != nil {
		return err
	}
	if err := checkKey(k); err != nil {
		return err
	}
	cs := t.bucket(bRecords)
	key := append(recOwned(k, tagConstraint), eid...)
	if cs.Get(key) == nil {
		return fmt.Errorf("%w: no constraint on %s and %s", store.ErrNotFound, k, eid)
	}
	return cs.Delete(key)
}
