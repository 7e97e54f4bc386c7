package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/vnhealth/mpi/store"
)

const linkCols = `source, local_id, eid, kind, weight, probability, actor, reason, at`

func scanLink(row pgx.Row) (store.Link, error) {
	var l store.Link
	var kind int16
	if err := row.Scan(&l.Record.Source, &l.Record.LocalID, &l.EID, &kind, &l.Weight, &l.Probability, &l.Actor, &l.Reason, &l.At); err != nil {
		return store.Link{}, err
	}
	l.Kind = store.LinkKind(kind)
	l.At = utc(l.At)
	return l, nil
}

// Link returns the active link of a record.
func (t *tx) Link(ctx context.Context, k store.RecordKey) (store.Link, error) {
	const op = "Link"
	if err := checkKey(op, k); err != nil {
		return store.Link{}, err
	}
	if err := t.read(); err != nil {
		return store.Link{}, err
	}
	l, err := scanLink(t.queryRow(ctx, `SELECT `+linkCols+` FROM links WHERE rkey = $1 AND source = $2 AND local_id = $3`,
		rkey(k), k.Source, k.LocalID))
	if err != nil {
		return store.Link{}, t.fail(op+" "+k.String(), err)
	}
	return l, nil
}

// setLink appends the link to the record's history and makes it the
// active one, in one statement.
const setLink = `
WITH hist AS (
	INSERT INTO link_history (` + linkCols + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
)
INSERT INTO links (rkey, ` + linkCols + `) VALUES ($10, $1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (rkey, source, local_id) DO UPDATE SET eid = excluded.eid, kind = excluded.kind, weight = excluded.weight,
	probability = excluded.probability, actor = excluded.actor, reason = excluded.reason, at = excluded.at`

// SetLink makes l the active link of l.Record.
func (t *tx) SetLink(ctx context.Context, l store.Link) error {
	const op = "SetLink"
	if err := checkKey(op, l.Record); err != nil {
		return err
	}
	if err := checkEID(op, l.EID); err != nil {
		return err
	}
	if l.Kind != store.LinkAuto && l.Kind != store.LinkManual {
		return invalid(op, "record %s: unknown link kind %d", l.Record, l.Kind)
	}
	if err := t.write(op); err != nil {
		return err
	}
	t.writeLater(laterWrite{op: op + " " + l.Record.String(), sql: setLink, args: []any{l.Record.Source, l.Record.LocalID, l.EID, int16(l.Kind),
		l.Weight, l.Probability, l.Actor, l.Reason, store.StoredTime(l.At), rkey(l.Record)}})
	return nil
}

// RemoveLink ends the active link of a record.
func (t *tx) RemoveLink(ctx context.Context, k store.RecordKey) error {
	const op = "RemoveLink"
	if err := checkKey(op, k); err != nil {
		return err
	}
	if err := t.write(op); err != nil {
		return err
	}
	n, err := t.exec(ctx, op+" "+k.String(), `DELETE FROM links WHERE rkey = $1 AND source = $2 AND local_id = $3`,
		rkey(k), k.Source, k.LocalID)
	if err != nil {
		return err
	}
	if n == 0 {
		return t.fail(op+" "+k.String(), pgx.ErrNoRows)
	}
	return nil
}

// LinksTo returns the active links to a person, in record key order.
func (t *tx) LinksTo(ctx context.Context, eid store.EID) ([]store.Link, error) {
	const op = "LinksTo"
	if err := checkEID(op, eid); err != nil {
		return nil, err
	}
	return t.links(ctx, op, `SELECT `+linkCols+` FROM links WHERE eid = $1 ORDER BY source, local_id`, eid)
}

// LinkHistory returns every link a record had, oldest first.
func (t *tx) LinkHistory(ctx context.Context, k store.RecordKey) ([]store.Link, error) {
	const op = "LinkHistory"
	if err := checkKey(op, k); err != nil {
		return nil, err
	}
	return t.links(ctx, op, `SELECT `+linkCols+` FROM link_history WHERE source = $1 AND local_id = $2 ORDER BY id`,
		k.Source, k.LocalID)
}

func (t *tx) links(ctx context.Context, op, sql string, args ...any) ([]store.Link, error) {
	if err := t.read(); err != nil {
		return nil, err
	}
	var out []store.Link
	err := t.query(ctx, op, sql, args, func(rows pgx.Rows) error {
		l, err := scanLink(rows)
		out = append(out, l)
		return err
	})
	return out, err
}

// ForEachLink calls fn with every active link in record key order, a page
// at a time.
func (t *tx) ForEachLink(ctx context.Context, fn func(store.Link) error) error {
	const op = "ForEachLink"
	var after store.RecordKey
	for {
		page, err := t.links(ctx, op, `SELECT `+linkCols+` FROM links
			WHERE (source, local_id) > ($1, $2) ORDER BY source, local_id LIMIT $3`,
			after.Source, after.LocalID, pageSize)
		if err != nil {
			return err
		}
		for _, l := range page {
			if err := fn(l); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
		after = page[len(page)-1].Record
	}
}

// Constraints returns the steward constraints on a record, in EID order.
func (t *tx) Constraints(ctx context.Context, k store.RecordKey) ([]store.Constraint, error) {
	const op = "Constraints"
	if err := checkKey(op, k); err != nil {
		return nil, err
	}
	if err := t.read(); err != nil {
		return nil, err
	}
	var out []store.Constraint
	err := t.query(ctx, op, `SELECT source, local_id, eid, kind, actor, reason, at FROM steward_constraints
		WHERE source = $1 AND local_id = $2 ORDER BY eid`, []any{k.Source, k.LocalID}, func(rows pgx.Rows) error {
		var c store.Constraint
		var kind int16
		if err := rows.Scan(&c.Record.Source, &c.Record.LocalID, &c.EID, &kind, &c.Actor, &c.Reason, &c.At); err != nil {
			return err
		}
		c.Kind = store.ConstraintKind(kind)
		c.At = utc(c.At)
		out = append(out, c)
		return nil
	})
	return out, err
}

// PutConstraint stores c, replacing a constraint on the same (record, EID).
func (t *tx) PutConstraint(ctx context.Context, c store.Constraint) error {
	const op = "PutConstraint"
	if err := checkKey(op, c.Record); err != nil {
		return err
	}
	if err := checkEID(op, c.EID); err != nil {
		return err
	}
	if c.Kind != store.MustLink && c.Kind != store.CannotLink {
		return invalid(op, "record %s: unknown constraint kind %d", c.Record, c.Kind)
	}
	if err := t.write(op); err != nil {
		return err
	}
	_, err := t.exec(ctx, op+" "+c.Record.String(), `INSERT INTO steward_constraints (source, local_id, eid, kind, actor, reason, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (source, local_id, eid) DO UPDATE SET kind = excluded.kind, actor = excluded.actor,
			reason = excluded.reason, at = excluded.at`,
		c.Record.Source, c.Record.LocalID, c.EID, int16(c.Kind), c.Actor, c.Reason, store.StoredTime(c.At))
	return err
}

// DeleteConstraint removes the constraint on (k, eid).
func (t *tx) DeleteConstraint(ctx context.Context, k store.RecordKey, eid store.EID) error {
	const op = "DeleteConstraint"
	if err := checkKey(op, k); err != nil {
		return err
	}
	if err := checkEID(op, eid); err != nil {
		return err
	}
	if err := t.write(op); err != nil {
		return err
	}
	what := op + " " + k.String() + " " + string(eid)
	n, err := t.exec(ctx, what, `DELETE FROM steward_constraints WHERE source = $1 AND local_id = $2 AND eid = $3`,
		k.Source, k.LocalID, eid)
	if err != nil {
		return err
	}
	if n == 0 {
		return t.fail(what, pgx.ErrNoRows)
	}
	return nil
}
