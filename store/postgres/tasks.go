package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vnhealth/mpi/store"
)

const taskCols = `id, kind, status, source, local_id, candidates, created, assignee, outcome, resolver, reason, resolved`

func scanTask(row pgx.Row) (store.Task, error) {
	var (
		tk           store.Task
		kind, status int16
		cands        []byte
		resolved     *time.Time
	)
	if err := row.Scan(&tk.ID, &kind, &status, &tk.Record.Source, &tk.Record.LocalID, &cands, &tk.Created,
		&tk.Assignee, &tk.Outcome, &tk.Resolver, &tk.Reason, &resolved); err != nil {
		return store.Task{}, err
	}
	tk.Kind, tk.Status = store.TaskKind(kind), store.TaskStatus(status)
	tk.Created = utc(tk.Created)
	if resolved != nil {
		tk.Resolved = utc(*resolved)
	}
	if err := unmarshalJSON(cands, &tk.Candidates); err != nil {
		return store.Task{}, err
	}
	return tk, nil
}

// insertTask creates a task and indexes it by its candidates' EIDs.
const insertTask = `
WITH ins AS (
	INSERT INTO tasks (kind, status, source, local_id, candidates, created, assignee, outcome, resolver, reason, resolved)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
	RETURNING id
), te AS (
	INSERT INTO task_eids (task_id, eid) SELECT ins.id, e FROM ins, unnest($12::text[]) AS e
)
SELECT id FROM ins`

// updateTask replaces task $13 and its EID index entries; 0 rows when there
// is no such task.
const updateTask = `
WITH upd AS (
	UPDATE tasks SET kind = $1, status = $2, source = $3, local_id = $4, candidates = $5, created = $6,
		assignee = $7, outcome = $8, resolver = $9, reason = $10, resolved = $11
	WHERE id = $13
	RETURNING id
), unindex AS (
	DELETE FROM task_eids WHERE task_id = $13 AND NOT eid = ANY ($12::text[])
), idx AS (
	INSERT INTO task_eids (task_id, eid) SELECT upd.id, e FROM upd, unnest($12::text[]) AS e
	ON CONFLICT DO NOTHING
)
SELECT count(*) FROM upd`

// PutTask creates a task (t.ID == 0; the new ID is written back) or
// replaces one (ErrNotFound when there is none by that ID).
func (t *tx) PutTask(ctx context.Context, tk *store.Task) error {
	const op = "PutTask"
	if tk == nil {
		return invalid(op, "nil task")
	}
	if tk.Kind != store.TaskPossibleMatch && tk.Kind != store.TaskPossibleDuplicate {
		return invalid(op, "task %d: unknown kind %d", tk.ID, tk.Kind)
	}
	if tk.Status < store.TaskOpen || tk.Status > store.TaskResolved {
		return invalid(op, "task %d: unknown status %d", tk.ID, tk.Status)
	}
	if tk.Record != (store.RecordKey{}) {
		if err := checkKey(op, tk.Record); err != nil {
			return err
		}
	}
	if tk.ID < 0 {
		return invalid(op, "task ID %d", tk.ID)
	}
	eids := make([]store.EID, 0, len(tk.Candidates))
	for _, c := range tk.Candidates {
		if err := checkEID(op, c.EID); err != nil {
			return err
		}
		eids = append(eids, c.EID)
	}
	cands, err := json.Marshal(tk.Candidates)
	if err != nil {
		return invalid(op, "task %d: a candidate's explanation is not JSON", tk.ID)
	}
	if err := t.write(op); err != nil {
		return err
	}
	args := []any{int16(tk.Kind), int16(tk.Status), tk.Record.Source, tk.Record.LocalID, string(cands),
		store.StoredTime(tk.Created), tk.Assignee, tk.Outcome, tk.Resolver, tk.Reason, nullTime(tk.Resolved),
		eidsToDB(dedupe(eids))}
	if tk.ID == 0 {
		var id int64
		if err := t.queryRow(ctx, insertTask, args...).Scan(&id); err != nil {
			return t.fail(op, err)
		}
		tk.ID = id
		t.tasks = append(t.tasks, tk)
		return nil
	}
	what := fmt.Sprintf("%s %d", op, tk.ID)
	var n int64
	if err := t.queryRow(ctx, updateTask, append(args, tk.ID)...).Scan(&n); err != nil {
		return t.fail(what, err)
	}
	if n == 0 {
		return t.fail(what, pgx.ErrNoRows)
	}
	return nil
}

// Task returns a task by ID.
func (t *tx) Task(ctx context.Context, id int64) (store.Task, error) {
	if err := t.read(); err != nil {
		return store.Task{}, err
	}
	tk, err := scanTask(t.queryRow(ctx, `SELECT `+taskCols+` FROM tasks WHERE id = $1`, id))
	if err != nil {
		return store.Task{}, t.fail(fmt.Sprintf("Task %d", id), err)
	}
	return tk, nil
}

// Tasks returns the tasks matching f in ID order.
func (t *tx) Tasks(ctx context.Context, f store.TaskFilter) ([]store.Task, error) {
	const op = "Tasks"
	var w where
	from := `tasks t`
	if f.Kind != 0 {
		if f.Kind != store.TaskPossibleMatch && f.Kind != store.TaskPossibleDuplicate {
			return nil, invalid(op, "unknown task kind %d", f.Kind)
		}
		w.add(`t.kind = $`, int16(f.Kind))
	}
	if f.Status != 0 {
		if f.Status > store.TaskResolved {
			return nil, invalid(op, "unknown task status %d", f.Status)
		}
		w.add(`t.status = $`, int16(f.Status))
	}
	if f.Record != (store.RecordKey{}) {
		if err := checkKey(op, f.Record); err != nil {
			return nil, err
		}
		w.add(`t.source = $`, f.Record.Source)
		w.add(`t.local_id = $`, f.Record.LocalID)
	}
	if f.EID != "" {
		if err := checkEID(op, f.EID); err != nil {
			return nil, err
		}
		from = `task_eids te JOIN tasks t ON t.id = te.task_id`
		w.add(`te.eid = $`, f.EID)
	}
	if f.AfterID > 0 {
		w.add(`t.id > $`, f.AfterID)
	}
	if err := t.read(); err != nil {
		return nil, err
	}
	sql := `SELECT ` + prefixed("t", taskCols) + ` FROM ` + from + w.sql() + ` ORDER BY t.id` + w.limit(f.Limit)
	var out []store.Task
	err := t.query(ctx, op, sql, w.args, func(rows pgx.Rows) error {
		tk, err := scanTask(rows)
		out = append(out, tk)
		return err
	})
	return out, err
}

// where builds a WHERE clause with numbered parameters.
type where struct {
	conds []string
	args  []any
}

// add appends a condition ending in "$" (the parameter's number follows).
func (w *where) add(cond string, arg any) {
	w.args = append(w.args, arg)
	w.conds = append(w.conds, fmt.Sprintf("%s%d", cond, len(w.args)))
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// limit returns a LIMIT clause for n > 0 (a parameter), "" otherwise.
func (w *where) limit(n int) string {
	if n <= 0 {
		return ""
	}
	w.args = append(w.args, n)
	return fmt.Sprintf(" LIMIT $%d", len(w.args))
}
