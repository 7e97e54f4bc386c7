package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vnhealth/mpi/store"
)

const auditCols = `seq, at, actor, role, action, request_id, outcome, eids, record_sources, record_ids, prev, hash`

// Audit appends entries to the audit log in a transaction of its own. The
// appends of all callers serialize on the audit_tail row (SELECT … FOR
// UPDATE, READ COMMITTED: a waiter reads the tail its predecessor left),
// so Seq has no gaps and every entry chains to the one before.
func (s *Store) Audit(ctx context.Context, entries ...*store.AuditEntry) error {
	const op = "Audit"
	if s.closed.Load() {
		return store.ErrClosed
	}
	for _, e := range entries {
		if e == nil {
			return invalid(op, "nil entry")
		}
	}
	if len(entries) == 0 {
		return nil
	}
	var (
		filled []store.AuditEntry
		err    error
	)
	for try := 1; ; try++ {
		filled, err = s.appendAudit(ctx, entries)
		if err == nil || !retryable(err) || try >= s.maxTries {
			break
		}
		if err := backoff(ctx, try); err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	for i, e := range entries {
		*e = filled[i]
	}
	return nil
}

// appendAudit runs one try of Audit and returns the entries as stored.
func (s *Store) appendAudit(ctx context.Context, entries []*store.AuditEntry) ([]store.AuditEntry, error) {
	const op = "Audit"
	conn, err := s.pool.acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", safeError(err))
	}
	defer s.pool.release(conn)
	ptx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return nil, translate(op+": begin", err)
	}
	defer ptx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	var (
		seq  int64
		prev []byte
	)
	if err := ptx.QueryRow(ctx, `SELECT seq, hash FROM audit_tail WHERE id = 1 FOR UPDATE`).Scan(&seq, &prev); err != nil {
		return nil, translate(op+": reading the tail", err)
	}
	filled := make([]store.AuditEntry, len(entries))
	batch := &pgx.Batch{}
	for i, in := range entries {
		e := *in
		seq++
		e.Seq, e.At, e.Prev = seq, store.StoredTime(in.At), prev
		e.Hash = store.AuditHash(prev, &e)
		prev = e.Hash
		filled[i] = e
		var sources, ids []string
		if e.Records != nil {
			sources, ids = make([]string, len(e.Records)), make([]string, len(e.Records))
			for j, k := range e.Records {
				sources[j], ids[j] = k.Source, k.LocalID
			}
		}
		batch.Queue(`INSERT INTO audit (`+auditCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			e.Seq, e.At, e.Actor, e.Role, e.Action, e.RequestID, e.Outcome, eidsToDB(e.EIDs), sources, ids, e.Prev, e.Hash)
		if len(e.EIDs) > 0 {
			batch.Queue(`INSERT INTO audit_eids (eid, seq) SELECT DISTINCT e, $2::bigint FROM unnest($1::text[]) AS e`,
				eidsToDB(e.EIDs), e.Seq)
		}
	}
	batch.Queue(`UPDATE audit_tail SET seq = $1, hash = $2 WHERE id = 1`, seq, prev)
	if err := ptx.SendBatch(ctx, batch).Close(); err != nil {
		return nil, translate(op, err)
	}
	if err := ptx.Commit(ctx); err != nil {
		return nil, translate(op+": commit", err)
	}
	return filled, nil
}

// AuditLog returns the audit entries matching f in Seq order.
func (s *Store) AuditLog(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error) {
	const op = "AuditLog"
	var out []store.AuditEntry
	err := s.View(ctx, func(stx store.Tx) error {
		t := stx.(*tx)
		var w where
		from := `audit a`
		if f.EID != "" {
			from = `audit_eids ae JOIN audit a ON a.seq = ae.seq`
			w.add(`ae.eid = $`, string(f.EID))
		}
		if f.Actor != "" {
			w.add(`a.actor = $`, f.Actor)
		}
		if f.Action != "" {
			w.add(`a.action = $`, f.Action)
		}
		if f.AfterSeq > 0 {
			w.add(`a.seq > $`, f.AfterSeq)
		}
		if !f.Since.IsZero() {
			w.add(`a.at >= $`, store.StoredTime(f.Since))
		}
		sql := `SELECT ` + prefixed("a", auditCols) + ` FROM ` + from + w.sql() + ` ORDER BY a.seq` + w.limit(f.Limit)
		return t.query(ctx, op, sql, w.args, func(rows pgx.Rows) error {
			var (
				e            store.AuditEntry
				eids         []string
				sources, ids []string
				at           time.Time
			)
			if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Role, &e.Action, &e.RequestID, &e.Outcome, &eids,
				&sources, &ids, &e.Prev, &e.Hash); err != nil {
				return err
			}
			if len(sources) != len(ids) {
				return errors.New("audit entry with unequal record columns")
			}
			e.At = utc(at)
			e.EIDs = eidsFromDB(eids)
			if sources != nil {
				e.Records = make([]store.RecordKey, len(sources))
				for i := range sources {
					e.Records[i] = store.RecordKey{Source: sources[i], LocalID: ids[i]}
				}
			}
			out = append(out, e)
			return nil
		})
	})
	return out, err
}
