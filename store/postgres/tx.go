package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/vnhealth/mpi/store"
)

var _ store.Tx = (*tx)(nil)

// tx is one transaction of Update or View.
type tx struct {
	pg       pgx.Tx
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

// fail records a statement error (the transaction is now aborted) and
// returns it translated.
func (t *tx) fail(op string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: %s: %w", op, store.ErrNotFound)
	}
	err = translate(op, err)
	if t.failed == nil {
		t.failed = err
		t.retry = retryable(err)
	}
	return err
}

// exec runs a statement and returns the rows it affected.
func (t *tx) exec(ctx context.Context, op, sql string, args ...any) (int64, error) {
	tag, err := t.pg.Exec(ctx, sql, args...)
	if err != nil {
		return 0, t.fail(op, err)
	}
	return tag.RowsAffected(), nil
}

// query runs a query and calls scan for each row.
func (t *tx) query(ctx context.Context, op, sql string, args []any, scan func(pgx.Rows) error) error {
	rows, err := t.pg.Query(ctx, sql, args...)
	if err != nil {
		return t.fail(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			rows.Close()
			return t.fail(op, err)
		}
	}
	if err := rows.Err(); err != nil {
		return t.fail(op, err)
	}
	return nil
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
