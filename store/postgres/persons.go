package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/vnhealth/mpi/store"
)

const personCols = `eid, status, merged_into, golden, version, created, updated`

func scanPerson(row pgx.Row) (store.Person, error) {
	var p store.Person
	var status int16
	if err := row.Scan(&p.EID, &status, &p.MergedInto, &p.Golden, &p.Version, &p.Created, &p.Updated); err != nil {
		return store.Person{}, err
	}
	p.Status = store.PersonStatus(status)
	p.Created, p.Updated = utc(p.Created), utc(p.Updated)
	return p, nil
}

// NewEID allocates an EID from eid_seq. A sequence is not rolled back with
// the transaction, so no number is handed out twice.
func (t *tx) NewEID(ctx context.Context) (store.EID, error) {
	const op = "NewEID"
	if err := t.write(op); err != nil {
		return "", err
	}
	var seq int64
	if err := t.queryRow(ctx, `SELECT nextval('eid_seq')`).Scan(&seq); err != nil {
		return "", t.fail(op, err)
	}
	return store.EIDFromSeq(uint64(seq))
}

// Person returns a person by EID.
func (t *tx) Person(ctx context.Context, eid store.EID) (store.Person, error) {
	const op = "Person"
	if err := checkEID(op, eid); err != nil {
		return store.Person{}, err
	}
	if err := t.read(); err != nil {
		return store.Person{}, err
	}
	p, err := scanPerson(t.queryRow(ctx, `SELECT `+personCols+` FROM persons WHERE eid = $1`, eid))
	if err != nil {
		return store.Person{}, t.fail(op+" "+string(eid), err)
	}
	return p, nil
}

// PersonHead returns a person's status, redirect and version (the golden
// record stays in the database).
func (t *tx) PersonHead(ctx context.Context, eid store.EID) (store.PersonHead, error) {
	const op = "PersonHead"
	if err := checkEID(op, eid); err != nil {
		return store.PersonHead{}, err
	}
	if err := t.read(); err != nil {
		return store.PersonHead{}, err
	}
	h := store.PersonHead{EID: eid}
	var status int16
	err := t.queryRow(ctx, `SELECT status, merged_into, version FROM persons WHERE eid = $1`, eid).Scan(&status, &h.MergedInto, &h.Version)
	if err != nil {
		return store.PersonHead{}, t.fail(op+" "+string(eid), err)
	}
	h.Status = store.PersonStatus(status)
	return h, nil
}

// PutPerson creates (version 1) or replaces (the stored version + 1) a
// person.
func (t *tx) PutPerson(ctx context.Context, p store.Person) error {
	const op = "PutPerson"
	if err := checkEID(op, p.EID); err != nil {
		return err
	}
	switch p.Status {
	case store.PersonActive:
		if p.MergedInto != "" {
			return invalid(op, "person %s: active with MergedInto set", p.EID)
		}
	case store.PersonMerged:
		if !p.MergedInto.Valid() || p.MergedInto == p.EID {
			return invalid(op, "person %s: merged without a valid MergedInto", p.EID)
		}
	default:
		return invalid(op, "person %s: unknown status %d", p.EID, p.Status)
	}
	if err := t.write(op); err != nil {
		return err
	}
	if p.Version < 1 {
		return conflict(op, "person %s: version %d, want 1 for a new person or the stored version + 1", p.EID, p.Version)
	}
	args := []any{p.EID, int16(p.Status), p.MergedInto, p.Golden, p.Version, store.StoredTime(p.Created), store.StoredTime(p.Updated)}
	// The write waits for the next round trip (tx.later), so a version
	// that does not follow the stored one must fail on the server, aborting
	// the transaction: a taken EID as a unique violation, a missed UPDATE
	// as a division by zero.
	w := laterWrite{op: op + " " + string(p.EID), args: args}
	if p.Version == 1 {
		w.sql = `INSERT INTO persons (` + personCols + `) VALUES ($1, $2, $3, $4, $5, $6, $7)`
		w.translate = onCode("23505", conflict(op, "person %s exists: version 1 is for a new person", p.EID))
	} else {
		w.sql = `WITH upd AS (
			UPDATE persons SET status = $2, merged_into = $3, golden = $4, version = $5, created = $6, updated = $7
			WHERE eid = $1 AND version = $5 - 1 RETURNING 1
		) SELECT 1 / count(*)::int FROM upd`
		w.translate = onCode("22012", conflict(op, "person %s: version %d is not the stored version + 1", p.EID, p.Version))
	}
	t.writeLater(w)
	return nil
}

// ForEachPerson calls fn with every person in EID order, a page at a time.
func (t *tx) ForEachPerson(ctx context.Context, fn func(store.Person) error) error {
	const op = "ForEachPerson"
	after := store.EID("")
	for {
		if err := t.read(); err != nil {
			return err
		}
		var page []store.Person
		err := t.query(ctx, op, `SELECT `+personCols+` FROM persons WHERE eid > $1 ORDER BY eid LIMIT $2`,
			[]any{after, pageSize}, func(rows pgx.Rows) error {
				p, err := scanPerson(rows)
				page = append(page, p)
				return err
			})
		if err != nil {
			return err
		}
		for _, p := range page {
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
		after = page[len(page)-1].EID
	}
}
