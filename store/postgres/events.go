package postgres

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"

	"github.com/vnhealth/mpi/store"
)

const eventCols = `seq, at, kind, actor, reason, eids, source, local_id, task_id, data`

// appendEvent inserts an event and indexes it by its EIDs.
const appendEvent = `
WITH ins AS (
	INSERT INTO events (at, kind, actor, reason, eids, source, local_id, task_id, data)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
	RETURNING seq
), ee AS (
	INSERT INTO event_eids (eid, seq) SELECT DISTINCT e, ins.seq FROM ins, unnest($5::text[]) AS e
)
SELECT seq FROM ins`

// AppendEvent appends e to the event log and sets e.Seq — when the
// append is sent, with the next statement of the transaction that needs a
// reply or with its commit (tx.later).
//
// Seq comes from an identity column: it grows with each append, but two
// transactions running at once may commit in the other order than their
// Seqs. Transactions that touch the same rows are ordered by SSI (the
// loser runs again and draws a later Seq); a reader that tails the log by
// AfterSeq should re-read a short window behind its position.
func (t *tx) AppendEvent(ctx context.Context, e *store.Event) error {
	const op = "AppendEvent"
	if e == nil {
		return invalid(op, "nil event")
	}
	if e.Kind == "" || !textOK(string(e.Kind)) {
		return invalid(op, "event without a kind")
	}
	for _, id := range e.EIDs {
		if err := checkEID(op, id); err != nil {
			return err
		}
	}
	if e.Record != (store.RecordKey{}) {
		if err := checkKey(op, e.Record); err != nil {
			return err
		}
	}
	var data *string
	if len(e.Data) > 0 {
		if !json.Valid(e.Data) {
			return invalid(op, "event %s: data is not JSON", e.Kind)
		}
		s := string(e.Data)
		data = &s
	}
	if err := t.write(op); err != nil {
		return err
	}
	e.At = store.StoredTime(e.At)
	t.writeLater(laterWrite{op: op, sql: appendEvent, args: []any{e.At, string(e.Kind), e.Actor, e.Reason, eidsToDB(e.EIDs),
		e.Record.Source, e.Record.LocalID, e.TaskID, data}, scan: func(row pgx.Row) error { return row.Scan(&e.Seq) }})
	t.events = append(t.events, e)
	return nil
}

// Events returns the events matching f in Seq order.
func (t *tx) Events(ctx context.Context, f store.EventFilter) ([]store.Event, error) {
	const op = "Events"
	var w where
	from := `events ev`
	if f.EID != "" {
		if err := checkEID(op, f.EID); err != nil {
			return nil, err
		}
		from = `event_eids ee JOIN events ev ON ev.seq = ee.seq`
		w.add(`ee.eid = $`, f.EID)
	}
	if f.Record != (store.RecordKey{}) {
		if err := checkKey(op, f.Record); err != nil {
			return nil, err
		}
		w.add(`ev.source = $`, f.Record.Source)
		w.add(`ev.local_id = $`, f.Record.LocalID)
	}
	if f.AfterSeq > 0 {
		w.add(`ev.seq > $`, f.AfterSeq)
	}
	if err := t.read(); err != nil {
		return nil, err
	}
	sql := `SELECT ` + prefixed("ev", eventCols) + ` FROM ` + from + w.sql() + ` ORDER BY ev.seq` + w.limit(f.Limit)
	var out []store.Event
	err := t.query(ctx, op, sql, w.args, func(rows pgx.Rows) error {
		var (
			e    store.Event
			kind string
			eids []string
			data []byte
		)
		if err := rows.Scan(&e.Seq, &e.At, &kind, &e.Actor, &e.Reason, &eids, &e.Record.Source, &e.Record.LocalID,
			&e.TaskID, &data); err != nil {
			return err
		}
		e.At = utc(e.At)
		e.Kind = store.EventKind(kind)
		e.EIDs = eidsFromDB(eids)
		if data != nil {
			e.Data = json.RawMessage(data)
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// Counts returns how much the store holds, in one query.
func (t *tx) Counts(ctx context.Context) (store.Counts, error) {
	var c store.Counts
	if err := t.read(); err != nil {
		return c, err
	}
	err := t.queryRow(ctx, `SELECT
		(SELECT count(*) FROM records),
		(SELECT count(*) FROM records WHERE status = 1),
		(SELECT count(*) FROM persons),
		(SELECT count(*) FROM persons WHERE status = 1),
		(SELECT count(*) FROM links),
		(SELECT count(*) FROM tasks WHERE status = 1),
		(SELECT count(*) FROM events)`).Scan(
		&c.Records, &c.ActiveRecords, &c.Persons, &c.ActivePersons, &c.Links, &c.OpenTasks, &c.Events)
	if err != nil {
		return store.Counts{}, t.fail("Counts", err)
	}
	return c, nil
}
