package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	"github.com/vnhealth/mpi/store"
)

// Record returns the current version of a record.
func (t *tx) Record(ctx context.Context, k store.RecordKey) (store.Record, error) {
	if err := checkKey(k); err != nil {
		return store.Record{}, err
	}
	v := t.bucket(bRecords).Get(recKey(k))
	if v == nil {
		return store.Record{}, fmt.Errorf("%w: record %s", store.ErrNotFound, k)
	}
	return decodeRecord(k, v)
}

// Records returns the current versions of the records among ks.
func (t *tx) Records(ctx context.Context, ks []store.RecordKey) ([]store.Record, error) {
	recs := t.bucket(bRecords)
	var out []store.Record
	for _, k := range ks {
		if err := checkKey(k); err != nil {
			return nil, err
		}
		v := recs.Get(recKey(k))
		if v == nil {
			continue
		}
		r, err := decodeRecord(k, v)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// RecordVersions returns every version of a record, oldest first.
func (t *tx) RecordVersions(ctx context.Context, k store.RecordKey) ([]store.Record, error) {
	cur, err := t.Record(ctx, k)
	if err != nil {
		return nil, err
	}
	var out []store.Record
	prefix := recPrefix(k)
	c := t.bucket(bVersions).Cursor()
	for key, v := c.Seek(prefix); key != nil && bytes.HasPrefix(key, prefix); key, v = c.Next() {
		r, err := decodeRecord(k, v)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return append(out, cur), nil
}

// versionKey is a record's key in bVersions.
func versionKey(k store.RecordKey, version int32) []byte {
	return binary.BigEndian.AppendUint32(recPrefix(k), uint32(version))
}

// blockKey is a record's entry in the blocking-key index.
func blockKey(h uint64, rk []byte) []byte {
	return append(binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(rk)), h), rk...)
}

// PutRecord stores r as the record's next version and re-indexes it.
func (t *tx) PutRecord(ctx context.Context, r store.Record) error {
	if err := t.writing("PutRecord"); err != nil {
		return err
	}
	if err := checkKey(r.Key); err != nil {
		return err
	}
	if r.Status != store.RecordActive && r.Status != store.RecordRetracted {
		return fmt.Errorf("%w: record %s: unknown status %d", store.ErrInvalid, r.Key, r.Status)
	}
	rk := recKey(r.Key)
	recs, blocks := t.bucket(bRecords), t.bucket(bBlocks)
	cur := recs.Get(rk)
	var old store.Record
	if cur == nil {
		if r.Version != 1 {
			return fmt.Errorf("%w: record %s: version %d, want 1 for a new record", store.ErrConflict, r.Key, r.Version)
		}
	} else {
		var err error
		if old, err = decodeRecord(r.Key, cur); err != nil {
			return err
		}
		if r.Version != old.Version+1 {
			return fmt.Errorf("%w: record %s: version %d, want %d", store.ErrConflict, r.Key, r.Version, old.Version+1)
		}
		if err := t.bucket(bVersions).Put(versionKey(r.Key, old.Version), bytes.Clone(cur)); err != nil {
			return err
		}
		if old.Status == store.RecordActive {
			for _, h := range old.Keys {
				if err := blocks.Delete(blockKey(h, rk)); err != nil {
					return err
				}
			}
		}
	}
	r.Received = store.StoredTime(r.Received)
	if err := recs.Put(rk, encodeRecord(&r)); err != nil {
		return err
	}
	if r.Status == store.RecordActive {
		for _, h := range r.Keys {
			if err := blocks.Put(blockKey(h, rk), []byte{}); err != nil {
				return err
			}
		}
	}
	c := t.change()
	c.records += b2i(cur == nil)
	c.activeRecords += b2i(r.Status == store.RecordActive) - b2i(cur != nil && old.Status == store.RecordActive)
	return nil
}

// Candidates returns the active records under any of keys, skipping (and
// counting) keys with more than perKey of them. Each key is one prefix
// scan of the index that stops at perKey+1 entries.
func (t *tx) Candidates(ctx context.Context, keys []uint64, perKey int) (store.CandidateSet, error) {
	var set store.CandidateSet
	blocks, recs, links := t.bucket(bBlocks).Cursor(), t.bucket(bRecords), t.bucket(bLinks)
	seenKey := make(map[uint64]bool, len(keys))
	seen := map[string]bool{}
	var block [][]byte
	for _, h := range keys {
		if seenKey[h] {
			continue
		}
		seenKey[h] = true
		prefix := binary.BigEndian.AppendUint64(nil, h)
		block = block[:0]
		capped := false
		for k, _ := blocks.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = blocks.Next() {
			if perKey > 0 && len(block) == perKey {
				capped = true
				break
			}
			block = append(block, k[8:])
		}
		if capped {
			set.Capped++
			continue
		}
		for _, rk := range block {
			if seen[string(rk)] {
				continue
			}
			seen[string(rk)] = true
			c, err := t.candidate(recs.Get(rk), links.Get(rk), rk)
			if err != nil {
				return store.CandidateSet{}, err
			}
			set.Candidates = append(set.Candidates, c)
		}
	}
	return set, nil
}

// candidate decodes an indexed record and the EID of its active link.
func (t *tx) candidate(rec, link, rk []byte) (store.Candidate, error) {
	k, err := parseRecKey(rk)
	if err != nil {
		return store.Candidate{}, err
	}
	if rec == nil {
		return store.Candidate{}, fmt.Errorf("%w: index entry of record %s without the record", errCorrupt, k)
	}
	r, err := decodeRecord(k, rec)
	if err != nil {
		return store.Candidate{}, err
	}
	c := store.Candidate{Record: r}
	if link != nil {
		d := dec{b: link}
		c.EID = store.EID(d.str())
	}
	return c, nil
}

// PersonRecords returns the active records linked to any of eids.
func (t *tx) PersonRecords(ctx context.Context, eids []store.EID) ([]store.Candidate, error) {
	var out []store.Candidate
	pl, recs := t.bucket(bPersonLinks).Cursor(), t.bucket(bRecords)
	seen := map[store.EID]bool{}
	for _, eid := range eids {
		if seen[eid] {
			continue
		}
		seen[eid] = true
		prefix := personLinkPrefix(eid)
		for k, _ := pl.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = pl.Next() {
			rk := k[len(prefix):]
			rec := recs.Get(rk)
			if rec == nil {
				return nil, fmt.Errorf("%w: person %s linked to a record that does not exist", errCorrupt, eid)
			}
			d := dec{b: rec}
			d.varint()
			if store.RecordStatus(d.byte()) != store.RecordActive {
				continue
			}
			c, err := t.candidate(rec, nil, rk)
			if err != nil {
				return nil, err
			}
			c.EID = eid
			out = append(out, c)
		}
	}
	return out, nil
}

// ForEachRecord calls fn with the current version of every record, in
// key order.
func (t *tx) ForEachRecord(ctx context.Context, fn func(store.Record) error) error {
	c := t.bucket(bRecords).Cursor()
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
		r, err := decodeRecord(key, v)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}
