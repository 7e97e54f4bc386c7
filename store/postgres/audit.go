package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vnhealth/mpi/store"
)

const auditCols = `seq, at, actor, role, action, request_id, outcome, eids, record_sources, record_ids, prev, hash`

// Audit appends entries to the audit log: it inserts them, as one
// pending row, in a transaction of its own that takes no lock, and
// returns once that has committed. They join the hash chain (Seq, Prev,
// Hash) when the sealer next runs — in the background, and before every
// AuditLog read (seal) — so the entries are left with Seq 0 here.
// Chaining at once would make every caller wait on the one audit_tail row
// through the commit of the caller before it: about 230 audited calls a
// second at most on a 2-core machine.
func (s *Store) Audit(ctx context.Context, entries ...*store.AuditEntry) error {
	const op = "Audit"
	if s.closed.Load() {
		return store.ErrClosed
	}
	doc, err := pendingDoc(op, entries)
	if err != nil || doc == nil {
		return err
	}
	for try := 1; ; try++ {
		err = s.insertPending(ctx, doc)
		if err == nil || !retryable(err) || try >= s.maxTries {
			return err
		}
		if err := backoff(ctx, try); err != nil {
			return err
		}
	}
}

// AppendAudit appends entries to the audit log inside the write
// transaction (store.TxAuditor): their pending row commits with it or not
// at all, and takes no lock that other transactions would wait on.
func (t *tx) AppendAudit(ctx context.Context, entries ...*store.AuditEntry) error {
	const op = "AppendAudit"
	if err := t.write(op); err != nil {
		return err
	}
	doc, err := pendingDoc(op, entries)
	if err != nil || doc == nil {
		return err
	}
	t.writeLater(laterWrite{op: op, sql: `INSERT INTO audit_pending (entries) VALUES ($1)`, args: []any{doc}})
	return nil
}

func (s *Store) insertPending(ctx context.Context, doc []byte) error {
	conn, err := s.pool.acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: %w", safeError(err))
	}
	defer s.pool.release(conn)
	// One statement: its own transaction, committed when it returns.
	if _, err := conn.Exec(ctx, `INSERT INTO audit_pending (entries) VALUES ($1)`, doc); err != nil {
		return translate("Audit", err)
	}
	return nil
}

// pendingEntry is an audit entry as audit_pending keeps it, before it has
// a place in the chain.
type pendingEntry struct {
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	Role      string    `json:"role"`
	Action    string    `json:"action"`
	RequestID string    `json:"request_id"`
	Outcome   string    `json:"outcome"`
	// nil and empty lists are kept apart (null and [] in JSON), as the
	// audit table's arrays keep NULL and '{}' apart.
	EIDs    []string `json:"eids"`
	Sources []string `json:"sources"`
	IDs     []string `json:"ids"`
}

// pendingDoc encodes entries as one audit_pending row; nil for none.
func pendingDoc(op string, entries []*store.AuditEntry) ([]byte, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	ps := make([]pendingEntry, len(entries))
	for i, e := range entries {
		if e == nil {
			return nil, invalid(op, "nil entry")
		}
		for _, v := range []string{e.Actor, e.Role, e.Action, e.RequestID, e.Outcome} {
			if !textOK(v) {
				return nil, invalid(op, "entry %d: text fields must be UTF-8 without NUL bytes", i)
			}
		}
		for _, id := range e.EIDs {
			if !textOK(string(id)) {
				return nil, invalid(op, "entry %d: EIDs must be UTF-8 without NUL bytes", i)
			}
		}
		at := store.StoredTime(e.At)
		if y := at.Year(); y < 1 || y > 9999 {
			return nil, invalid(op, "entry %d: time outside the years 1 to 9999", i)
		}
		p := pendingEntry{
			At: at, Actor: e.Actor, Role: e.Role, Action: e.Action,
			RequestID: e.RequestID, Outcome: e.Outcome, EIDs: eidsToDB(e.EIDs),
		}
		if e.Records != nil {
			p.Sources, p.IDs = make([]string, len(e.Records)), make([]string, len(e.Records))
		}
		for j, k := range e.Records {
			if !textOK(k.Source) || !textOK(k.LocalID) {
				return nil, invalid(op, "entry %d: record keys must be UTF-8 without NUL bytes", i)
			}
			p.Sources[j], p.IDs[j] = k.Source, k.LocalID
		}
		ps[i] = p
		// Chained later (seal): nothing of an earlier chain stays on it.
		e.Seq, e.Prev, e.Hash = 0, nil, nil
	}
	doc, err := json.Marshal(ps)
	if err != nil {
		return nil, invalid(op, "encoding the entries: %v", err)
	}
	return doc, nil
}

// sealBatch bounds the pending rows one seal transaction chains.
const sealBatch = 2000

// seal chains every pending entry committed before it started: in
// transactions of sealBatch rows, each under the audit_tail row lock
// (SELECT … FOR UPDATE, READ COMMITTED: a sealer that waited reads the
// tail and the pending rows its predecessor left), so Seq has no gaps and
// every entry chains to the one before, whichever replica seals.
func (s *Store) seal(ctx context.Context) error {
	for {
		n, err := s.sealOnce(ctx)
		if err != nil || n < sealBatch {
			return err
		}
	}
}

// sealOnce chains up to sealBatch pending rows and reports how many.
func (s *Store) sealOnce(ctx context.Context) (int, error) {
	const op = "sealing the audit log"
	conn, err := s.pool.acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("postgres: %w", safeError(err))
	}
	defer s.pool.release(conn)
	// Nothing pending (an idle store, every second): no lock taken, no
	// row-lock record written to the WAL.
	var pending bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM audit_pending)`).Scan(&pending); err != nil {
		return 0, translate(op, err)
	}
	if !pending {
		return 0, nil
	}
	ptx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return 0, translate(op+": begin", err)
	}
	defer ptx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	var (
		seq  int64
		prev []byte
	)
	if err := ptx.QueryRow(ctx, `SELECT seq, hash FROM audit_tail WHERE id = 1 FOR UPDATE`).Scan(&seq, &prev); err != nil {
		return 0, translate(op+": reading the tail", err)
	}
	rows, err := ptx.Query(ctx, `SELECT id, entries FROM audit_pending ORDER BY id LIMIT $1`, sealBatch)
	if err != nil {
		return 0, translate(op, err)
	}
	var (
		ids  []int64
		docs [][]byte
	)
	for rows.Next() {
		var (
			id  int64
			doc []byte
		)
		if err := rows.Scan(&id, &doc); err != nil {
			rows.Close()
			return 0, translate(op, err)
		}
		ids, docs = append(ids, id), append(docs, doc)
	}
	if err := rows.Err(); err != nil {
		return 0, translate(op, err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	batch := &pgx.Batch{}
	for i, doc := range docs {
		var ps []pendingEntry
		if err := json.Unmarshal(doc, &ps); err != nil {
			return 0, fmt.Errorf("postgres: %s: pending row %d: %w", op, ids[i], err)
		}
		for _, p := range ps {
			e := store.AuditEntry{
				At: store.StoredTime(p.At), Actor: p.Actor, Role: p.Role, Action: p.Action,
				RequestID: p.RequestID, Outcome: p.Outcome, EIDs: eidsFromDB(p.EIDs),
			}
			if len(p.Sources) != len(p.IDs) {
				return 0, fmt.Errorf("postgres: %s: pending row %d has unequal record columns", op, ids[i])
			}
			if p.Sources != nil {
				e.Records = make([]store.RecordKey, len(p.Sources))
			}
			for j := range p.Sources {
				e.Records[j] = store.RecordKey{Source: p.Sources[j], LocalID: p.IDs[j]}
			}
			seq++
			e.Seq, e.Prev = seq, prev
			e.Hash = store.AuditHash(prev, &e)
			prev = e.Hash
			batch.Queue(`INSERT INTO audit (`+auditCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
				e.Seq, e.At, e.Actor, e.Role, e.Action, e.RequestID, e.Outcome, eidsToDB(e.EIDs), p.Sources, p.IDs, e.Prev, e.Hash)
			if len(e.EIDs) > 0 {
				batch.Queue(`INSERT INTO audit_eids (eid, seq) SELECT DISTINCT e, $2::bigint FROM unnest($1::text[]) AS e`,
					eidsToDB(e.EIDs), e.Seq)
			}
		}
	}
	batch.Queue(`DELETE FROM audit_pending WHERE id = ANY($1)`, ids)
	batch.Queue(`UPDATE audit_tail SET seq = $1, hash = $2 WHERE id = 1`, seq, prev)
	if err := ptx.SendBatch(ctx, batch).Close(); err != nil {
		return 0, translate(op, err)
	}
	if err := ptx.Commit(ctx); err != nil {
		return 0, translate(op+": commit", err)
	}
	return len(ids), nil
}

// AuditLog returns the audit entries matching f in Seq order.
func (s *Store) AuditLog(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error) {
	const op = "AuditLog"
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	// What every Audit that returned before this call wrote is in the
	// chain before the log is read.
	if err := s.seal(ctx); err != nil {
		return nil, err
	}
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
