package bolt

import (
	"bytes"
	"context"
	"slices"

	bbolt "go.etcd.io/bbolt"

	"github.com/vnhealth/mpi/store"
)

// Audit appends entries to the hash chain in a write transaction of their
// own (grouped with concurrent writers, like Update), indexed by actor and
// by each EID.
func (s *Store) Audit(ctx context.Context, entries ...*store.AuditEntry) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	return translate(s.commit.do(func(w *wtx) error {
		return appendAudit(w.btx, entries)
	}))
}

// AppendAudit appends entries to the audit log inside the write
// transaction (store.TxAuditor): they commit with it.
func (t *tx) AppendAudit(ctx context.Context, entries ...*store.AuditEntry) error {
	if err := t.writing("AppendAudit"); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return appendAudit(t.btx, entries)
}

// appendAudit appends entries to the hash chain, indexed by actor and by
// each EID.
func appendAudit(btx *bbolt.Tx, entries []*store.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	meta, audit := btx.Bucket(bMeta), bucket(btx, bAudit)
	byEID, byActor := btx.Bucket(bPersons), btx.Bucket(bAuditByActor)
	prev := bytes.Clone(meta.Get(mAuditHead))
	for _, e := range entries {
		seq, err := audit.NextSequence()
		if err != nil {
			return err
		}
		e.Seq = int64(seq)
		e.At = store.StoredTime(e.At)
		e.Prev = prev
		e.Hash = store.AuditHash(prev, e)
		prev = e.Hash
		sk := u64Key(seq)
		if err := audit.Put(sk, encodeAudit(e)); err != nil {
			return err
		}
		if err := byActor.Put(append(lenPrefixed(e.Actor), sk...), []byte{}); err != nil {
			return err
		}
		for i, id := range e.EIDs {
			if slices.Contains(e.EIDs[:i], id) {
				continue
			}
			if err := byEID.Put(append(personOwned(id, tagAudit), sk...), []byte{}); err != nil {
				return err
			}
		}
	}
	return meta.Put(mAuditHead, prev)
}

// AuditLog returns the entries matching f in Seq order, reading the EID
// or the actor index when the filter names one.
func (s *Store) AuditLog(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	since := store.StoredTime(f.Since)
	var out []store.AuditEntry
	keep := func(seq int64, v []byte) (bool, error) {
		e, err := decodeAudit(seq, v)
		if err != nil {
			return false, err
		}
		if (f.Actor != "" && e.Actor != f.Actor) || (f.Action != "" && e.Action != f.Action) ||
			(!f.Since.IsZero() && e.At.Before(since)) || (f.EID != "" && !slices.Contains(e.EIDs, f.EID)) {
			return true, nil
		}
		out = append(out, e)
		return f.Limit <= 0 || len(out) < f.Limit, nil
	}
	err := s.db.View(func(btx *bbolt.Tx) error {
		audit := btx.Bucket(bAudit)
		switch {
		case f.EID != "":
			return scanIndex(btx.Bucket(bPersons), personOwned(f.EID, tagAudit), f.AfterSeq, audit, keep)
		case f.Actor != "":
			return scanIndex(btx.Bucket(bAuditByActor), lenPrefixed(f.Actor), f.AfterSeq, audit, keep)
		default:
			return scanIndex(nil, nil, f.AfterSeq, audit, keep)
		}
	})
	return out, translate(err)
}
