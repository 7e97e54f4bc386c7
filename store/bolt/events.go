package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"

	bbolt "go.etcd.io/bbolt"

	"github.com/vnhealth/mpi/store"
)

// AppendEvent appends e with the next Seq and indexes it by each of its
// EIDs and by its record.
func (t *tx) AppendEvent(ctx context.Context, e *store.Event) error {
	if err := t.writing("AppendEvent"); err != nil {
		return err
	}
	if e.Kind == "" {
		return fmt.Errorf("%w: event without a kind", store.ErrInvalid)
	}
	if err := checkOptionalKey(e.Record); err != nil {
		return fmt.Errorf("event %s: %w", e.Kind, err)
	}
	if len(e.Data) > 0 && !json.Valid(e.Data) {
		return fmt.Errorf("%w: event %s: data is not JSON", store.ErrInvalid, e.Kind)
	}
	events := t.bucket(bEvents)
	seq, err := events.NextSequence()
	if err != nil {
		return err
	}
	w := *e
	w.Seq = int64(seq)
	w.At = store.StoredTime(w.At)
	sk := u64Key(seq)
	if err := events.Put(sk, encodeEvent(&w)); err != nil {
		return err
	}
	persons := t.bucket(bPersons)
	for i, id := range w.EIDs {
		if slices.Contains(w.EIDs[:i], id) {
			continue
		}
		if err := persons.Put(append(personOwned(id, tagEvent), sk...), []byte{}); err != nil {
			return err
		}
	}
	if w.Record != (store.RecordKey{}) {
		if err := t.bucket(bRecords).Put(append(recOwned(w.Record, tagEvent), sk...), []byte{}); err != nil {
			return err
		}
	}
	e.Seq = w.Seq
	return nil
}

// Events returns the events matching f in Seq order, reading the EID or
// the record index when the filter names one.
func (t *tx) Events(ctx context.Context, f store.EventFilter) ([]store.Event, error) {
	if err := checkOptionalKey(f.Record); err != nil {
		return nil, err
	}
	var out []store.Event
	events := t.bucket(bEvents)
	keep := func(seq int64, v []byte) (bool, error) {
		e, err := decodeEvent(seq, v)
		if err != nil {
			return false, err
		}
		if (f.Record != store.RecordKey{} && e.Record != f.Record) || (f.EID != "" && !slices.Contains(e.EIDs, f.EID)) {
			return true, nil
		}
		out = append(out, e)
		return f.Limit <= 0 || len(out) < f.Limit, nil
	}
	var err error
	switch {
	case f.EID != "":
		err = scanIndex(t.bucket(bPersons), personOwned(f.EID, tagEvent), f.AfterSeq, events, keep)
	case f.Record != store.RecordKey{}:
		err = scanIndex(t.bucket(bRecords), recOwned(f.Record, tagEvent), f.AfterSeq, events, keep)
	default:
		err = scanIndex(nil, nil, f.AfterSeq, events, keep)
	}
	return out, err
}

// scanIndex calls keep with the entries of main after seq, in Seq order:
// all of them (index nil) or those the index lists under prefix (keys
// prefix Seq(8)). keep returns whether to go on.
func scanIndex(index *bbolt.Bucket, prefix []byte, after int64, main *bbolt.Bucket, keep func(int64, []byte) (bool, error)) error {
	if index == nil {
		c := main.Cursor()
		for k, v := c.Seek(seqAfter(nil, after)); k != nil; k, v = c.Next() {
			if more, err := keep(int64(binary.BigEndian.Uint64(k)), v); err != nil || !more {
				return err
			}
		}
		return nil
	}
	c := index.Cursor()
	for k, _ := c.Seek(seqAfter(prefix, after)); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		seq := tailSeq(k)
		v := main.Get(u64Key(uint64(seq)))
		if v == nil {
			return fmt.Errorf("%w: index entry %d without its entry", errCorrupt, seq)
		}
		if more, err := keep(seq, v); err != nil || !more {
			return err
		}
	}
	return nil
}
