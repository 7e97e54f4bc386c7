package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vnhealth/mpi/store"
)

var _ store.Tx = (*tx)(nil)

// tx is one transaction of Update or View, on a connection of its own.
//
// It saves round trips. Its BEGIN is not sent alone but ahead of the
// first statement; writes whose reply no caller waits for (later: events,
// links, persons, audit entries) wait in t.later and go ahead of the next
// statement that needs a reply, or with the COMMIT — one pipelined batch
// (pgx.Batch) each time. A resolve that creates a person took 17 round
// trips, 9 now. The price: such a write's failure is reported by the call
// that sent it (the next read, or Update), and so it must be one the
// server raises — which aborts the transaction, so that a COMMIT
// pipelined behind it is never run — never a check of the reply alone.
type tx struct {
	conn *pgx.Conn
	// begin opens the transaction: sent ahead of the first statement, ""
	// once sent.
	begin    string
	later    []laterWrite
	readOnly bool
	// done: the Update or View that provided the tx has returned.
	done bool
	// failed is the first statement error: PostgreSQL has aborted the
	// transaction, every later statement would fail.
	failed error
	// retry: failed is a failure to serialize.
	retry bool
	// tasks and events got IDs in this transaction; a rollback takes them
	// back so that fn, run again, creates them again.
	tasks  []*store.Task
	events []*store.Event
	// puts counts the record versions written (the store's growth).
	puts int64
}

// errFinished is returned by a Tx used after its Update or View returned.
var errFinished = fmt.Errorf("%w: transaction used after its Update or View returned", store.ErrInvalid)

// read checks that the tx may run a read.
func (t *tx) read() error {
	if t.done {
		return errFinished
	}
	return t.failed
}

// write checks that the tx may run a write.
func (t *tx) write(op string) error {
	if t.done {
		return errFinished
	}
	if t.readOnly {
		return fmt.Errorf("postgres: %s: %w: View is read-only", op, store.ErrInvalid)
	}
	return t.failed
}

// laterWrite is a write waiting in tx.later for the next round trip.
type laterWrite struct {
	op   string
	sql  string
	args []any
	// scan reads its one row (RETURNING); nil: a statement without rows.
	scan func(pgx.Row) error
	// translate, when set, maps the server's error to the store's
	// (it raises errors on purpose to abort the transaction).
	translate func(error) error
}

// sentError is the error of a statement sent earlier (a later write),
// already recorded by fail: passed on as is.
type sentError struct{ err error }

func (e *sentError) Error() string { return e.err.Error() }
func (e *sentError) Unwrap() error { return e.err }

// fail records a statement error (the transaction is now aborted) and
// returns it translated.
func (t *tx) fail(op string, err error) error {
	if se, ok := errors.AsType[*sentError](err); ok {
		return se.err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: %s: %w", op, store.ErrNotFound)
	}
	if !isStoreError(err) { // the store's own errors are already worded
		err = translate(op, err)
	}
	if t.failed == nil {
		t.failed = err
		t.retry = retryable(err)
	}
	return err
}

// writeLater queues a write whose reply nobody waits for (t.later).
func (t *tx) writeLater(w laterWrite) { t.later = append(t.later, w) }

// waiting reports whether statements wait to go ahead of the next one.
func (t *tx) waiting() bool { return t.begin != "" || len(t.later) > 0 }

// send sends what waits (BEGIN, later writes) and then sql in one
// pipelined batch; read handles sql's reply. A later write that fails is
// recorded (fail) and comes back as a *sentError.
func (t *tx) send(ctx context.Context, sql string, args []any, read func(pgx.BatchResults) error) error {
	b := &pgx.Batch{}
	begin := t.begin
	if begin != "" {
		b.Queue(begin)
	}
	later := t.later
	for _, w := range later {
		b.Queue(w.sql, w.args...)
	}
	b.Queue(sql, args...)
	t.begin, t.later = "", nil
	br := t.conn.SendBatch(ctx, b)
	err := t.replies(br, begin != "", later, read)
	if cerr := br.Close(); err == nil && cerr != nil {
		// A failure read handled (its error returned) leaves this.
		err = cerr
	}
	return err
}

// replies reads the replies of send's batch in order. The server's error
// of a BEGIN or later write is that statement's (recorded here); any other
// failure — the context, the network, which the first reply read meets
// whatever went wrong — is the caller's, returned as is for its op.
func (t *tx) replies(br pgx.BatchResults, begun bool, later []laterWrite, read func(pgx.BatchResults) error) error {
	if begun {
		if _, err := br.Exec(); err != nil {
			if !isServerError(err) {
				return err
			}
			return &sentError{t.fail("begin", err)}
		}
	}
	for _, w := range later {
		var err error
		if w.scan != nil {
			err = w.scan(br.QueryRow())
		} else {
			_, err = br.Exec()
		}
		switch {
		case err == nil:
			continue
		case errors.Is(err, pgx.ErrNoRows):
			// A write always returns its row: not "not found" for the
			// read behind it, but a failure of the transaction.
			err = errors.New("the write returned no row")
		case !isServerError(err):
			return err
		case w.translate != nil:
			err = w.translate(err)
		}
		return &sentError{t.fail(w.op, err)}
	}
	return read(br)
}

// isServerError reports whether err is an error the server sent.
func isServerError(err error) bool {
	_, ok := errors.AsType[*pgconn.PgError](err)
	return ok
}

// isStoreError reports whether err is one of the store's own errors
// (conflict, invalid), worded where it was made.
func isStoreError(err error) bool {
	return !isServerError(err) && (errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrInvalid))
}

// exec runs a statement and returns the rows it affected.
func (t *tx) exec(ctx context.Context, op, sql string, args ...any) (int64, error) {
	var tag pgconn.CommandTag
	var err error
	if t.waiting() {
		err = t.send(ctx, sql, args, func(br pgx.BatchResults) (err error) {
			tag, err = br.Exec()
			return err
		})
	} else {
		tag, err = t.conn.Exec(ctx, sql, args...)
	}
	if err != nil {
		return 0, t.fail(op, err)
	}
	return tag.RowsAffected(), nil
}

// query runs a query and calls scan for each row.
func (t *tx) query(ctx context.Context, op, sql string, args []any, scan func(pgx.Rows) error) error {
	each := func(rows pgx.Rows) error {
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	var err error
	if t.waiting() {
		err = t.send(ctx, sql, args, func(br pgx.BatchResults) error {
			rows, err := br.Query()
			if err != nil {
				return err
			}
			return each(rows)
		})
	} else {
		var rows pgx.Rows
		if rows, err = t.conn.Query(ctx, sql, args...); err == nil {
			err = each(rows)
		}
	}
	if err != nil {
		return t.fail(op, err)
	}
	return nil
}

// rowFunc is a pgx.Row read by a function.
type rowFunc func(dest ...any) error

func (f rowFunc) Scan(dest ...any) error { return f(dest...) }

// queryRow runs a query of one row, read by the returned Row's Scan
// (pgx.ErrNoRows when there is none). Callers pass Scan's error to fail.
func (t *tx) queryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if !t.waiting() {
		return t.conn.QueryRow(ctx, sql, args...)
	}
	return rowFunc(func(dest ...any) error {
		return t.send(ctx, sql, args, func(br pgx.BatchResults) error { return br.QueryRow().Scan(dest...) })
	})
}

// commit sends what waits and COMMIT, in one round trip; a transaction
// that never reached the server has nothing to commit.
func (t *tx) commit(ctx context.Context) error {
	if t.begin != "" && len(t.later) == 0 {
		t.begin = ""
		return nil
	}
	var tag pgconn.CommandTag
	err := t.send(ctx, "commit", nil, func(br pgx.BatchResults) (err error) {
		tag, err = br.Exec()
		return err
	})
	if err != nil {
		if se, ok := errors.AsType[*sentError](err); ok {
			return se.err
		}
		return translate("commit", err)
	}
	if tag.String() != "COMMIT" {
		// The server answers ROLLBACK to the COMMIT of an aborted
		// transaction.
		return fmt.Errorf("postgres: commit: transaction was rolled back: %w", store.ErrConflict)
	}
	return nil
}

// rollback ends a transaction that will not commit, on a fresh context:
// the connection must be left clean even when ctx was canceled (else the
// pool drops it).
func (t *tx) rollback(ctx context.Context) {
	t.later = nil
	if t.begin != "" {
		t.begin = "" // never sent: nothing to roll back
		return
	}
	if t.conn.PgConn().TxStatus() == 'I' {
		return // a failed COMMIT ended it
	}
	_, _ = t.conn.Exec(context.WithoutCancel(ctx), "rollback")
}

// forgetAssigned takes back the task IDs and event sequence numbers that
// a rolled-back transaction assigned.
func (t *tx) forgetAssigned() {
	for _, tk := range t.tasks {
		tk.ID = 0
	}
	for _, e := range t.events {
		e.Seq = 0
	}
	t.tasks, t.events = nil, nil
}

// invalid returns an ErrInvalid for op naming what is wrong (never a value).
func invalid(op, format string, args ...any) error {
	return fmt.Errorf("postgres: %s: %w: %s", op, store.ErrInvalid, fmt.Sprintf(format, args...))
}

// checkKey requires a record key with both parts set, in UTF-8, without
// NUL bytes (which TEXT cannot hold).
func checkKey(op string, k store.RecordKey) error {
	if !k.Valid() || !textOK(k.Source) || !textOK(k.LocalID) {
		return invalid(op, "record key must have a source and a local ID in UTF-8 without NUL bytes")
	}
	return nil
}

// checkEID requires a canonical EID.
func checkEID(op string, e store.EID) error {
	if !e.Valid() {
		return invalid(op, "malformed EID")
	}
	return nil
}

// textOK reports whether PostgreSQL TEXT can hold s.
func textOK(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// keysToDB reinterprets blocking-key hashes as BIGINTs (bit for bit).
func keysToDB(ks []uint64) []int64 {
	if ks == nil {
		return nil
	}
	out := make([]int64, len(ks))
	for i, k := range ks {
		out[i] = int64(k)
	}
	return out
}

// keysFromDB undoes keysToDB.
func keysFromDB(ks []int64) []uint64 {
	if ks == nil {
		return nil
	}
	out := make([]uint64, len(ks))
	for i, k := range ks {
		out[i] = uint64(k)
	}
	return out
}

// eidsToDB converts EIDs to strings for a TEXT[] parameter.
func eidsToDB(es []store.EID) []string {
	if es == nil {
		return nil
	}
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = string(e)
	}
	return out
}

// eidsFromDB undoes eidsToDB.
func eidsFromDB(ss []string) []store.EID {
	if ss == nil {
		return nil
	}
	out := make([]store.EID, len(ss))
	for i, s := range ss {
		out[i] = store.EID(s)
	}
	return out
}

// utc returns a time read from TIMESTAMPTZ in UTC.
func utc(t time.Time) time.Time { return t.UTC() }

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	st := store.StoredTime(t)
	return &st
}
