package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"

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
	prefix := recOwned(k, tagVersion)
	c := t.bucket(bRecords).Cursor()
	for key, v := c.Seek(prefix); key != nil && bytes.HasPrefix(key, prefix); key, v = c.Next() {
		r, err := decodeRecord(k, v)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return append(out, cur), nil
}

// versionKey is the key of an earlier version of a record.
func versionKey(k store.RecordKey, version int32) []byte {
	return binary.BigEndian.AppendUint32(recOwned(k, tagVersion), uint32(version))
}

// PutRecord stores r as the record's next version and re-indexes it: the
// block index drops the keys of the version it replaces and takes r's
// (none when r is retracted).
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
	recs := t.bucket(bRecords)
	cur := recs.Get(rk)
	var old store.Record
	var ord uint32
	if cur == nil {
		if r.Version != 1 {
			return fmt.Errorf("%w: record %s: version %d, want 1 for a new record", store.ErrConflict, r.Key, r.Version)
		}
		var err error
		if ord, err = t.newOrd(); err != nil {
			return err
		}
		t.w.ov.setKey(ord, rk)
	} else {
		var err error
		if old, err = decodeRecord(r.Key, cur); err != nil {
			return err
		}
		if r.Version != old.Version+1 {
			return fmt.Errorf("%w: record %s: version %d, want %d", store.ErrConflict, r.Key, r.Version, old.Version+1)
		}
		head, _ := decodeRecordHead(cur)
		ord = head.ord
		if err := recs.Put(versionKey(r.Key, old.Version), bytes.Clone(cur)); err != nil {
			return err
		}
	}
	wasActive, isActive := cur != nil && old.Status == store.RecordActive, r.Status == store.RecordActive
	// The index drops the keys the record loses and adds those it gains,
	// each once (a record may carry a key twice).
	if wasActive {
		for i, h := range old.Keys {
			if !slices.Contains(old.Keys[:i], h) && (!isActive || !slices.Contains(r.Keys, h)) {
				t.w.ov.add(h, ord, true)
			}
		}
	}
	if isActive {
		for i, h := range r.Keys {
			if !slices.Contains(r.Keys[:i], h) && (!wasActive || !slices.Contains(old.Keys, h)) {
				t.w.ov.add(h, ord, false)
			}
		}
	}
	r.Received = store.StoredTime(r.Received)
	t.s.cands.touch(ord, uint64(t.btx.ID()))
	if err := recs.Put(rk, encodeRecord(&r, ord)); err != nil {
		return err
	}
	c := t.change()
	c.records += b2i(cur == nil)
	c.activeRecords += b2i(isActive) - b2i(wasActive)
	return nil
}

// newOrd hands out the next record ordinal (meta ord_next).
func (t *tx) newOrd() (uint32, error) {
	meta := t.bucket(bMeta)
	next := getU64(meta.Get(mOrdNext))
	if next > 1<<32-1 {
		return 0, fmt.Errorf("bolt: record ordinals exhausted at %d", next)
	}
	return uint32(next), meta.Put(mOrdNext, u64Key(next+1))
}

// Candidates returns the active records under any of keys, skipping (and
// counting) keys with more than perKey of them. The block index names
// them (index.go); each is then read from the records bucket, block by
// block in record key order.
func (t *tx) Candidates(ctx context.Context, keys []uint64, perKey int) (store.CandidateSet, error) {
	var set store.CandidateSet
	recs := t.bucket(bRecords)
	v := t.indexView()
	seenKey := make(map[uint64]bool, len(keys))
	var hits []hit
	var buf []uint32
	v.ix.mu.RLock()
	for _, h := range keys {
		if seenKey[h] {
			continue
		}
		seenKey[h] = true
		var capped bool
		if hits, capped, buf = v.lookup(hits, h, perKey, buf); capped {
			set.Capped++
		}
	}
	v.ix.mu.RUnlock()
	seen := make(map[uint32]bool, len(hits))
	if len(hits) > 0 {
		set.Candidates = make([]store.Candidate, 0, len(hits))
	}
	cur := recs.Cursor()
	snap := uint64(t.btx.ID())
	for _, hit := range hits {
		if seen[hit.ord] {
			continue
		}
		seen[hit.ord] = true
		if c, ok := t.s.cands.get(hit.ord, snap); ok {
			set.Candidates = append(set.Candidates, c)
			continue
		}
		rk := hit.rk
		// The record, then its link: the next key, rk 0x00 tagLink.
		var rec, link []byte
		if k, v := cur.Seek(rk); bytes.Equal(k, rk) {
			rec = v
			if k, v := cur.Next(); len(k) == len(rk)+2 && k[len(rk)] == 0 && k[len(rk)+1] == tagLink && bytes.HasPrefix(k, rk) {
				link = v
			}
		}
		c, err := t.candidate(rec, link, rk)
		if err != nil {
			return store.CandidateSet{}, err
		}
		if t.w == nil {
			t.s.cands.put(hit.ord, snap, c)
		}
		set.Candidates = append(set.Candidates, c)
	}
	return set, nil
}

// indexView is how this transaction reads the block index.
func (t *tx) indexView() view {
	if t.w != nil {
		return view{ix: t.s.index, ov: &t.w.ov}
	}
	return view{ix: t.s.index, snap: uint64(t.btx.ID())}
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
	pl, recs := t.bucket(bPersons).Cursor(), t.bucket(bRecords)
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
			if h, err := decodeRecordHead(rec); err != nil || h.status != store.RecordActive {
				if err != nil {
					return nil, fmt.Errorf("%w: record linked to person %s", err, eid)
				}
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
		if tag, _ := ownedTag(k); tag != 0 {
			continue
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
