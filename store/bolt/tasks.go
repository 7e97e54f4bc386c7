package bolt

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/vnhealth/mpi/store"
)

// PutTask creates a task (ID 0: the next ID is assigned and written back)
// or replaces an existing one.
func (t *tx) PutTask(ctx context.Context, tk *store.Task) error {
	if err := t.writing("PutTask"); err != nil {
		return err
	}
	if err := checkTask(tk); err != nil {
		return err
	}
	tasks := t.bucket(bTasks)
	id := tk.ID
	wasOpen := false
	if id == 0 {
		seq, err := tasks.NextSequence()
		if err != nil {
			return err
		}
		id = int64(seq)
	} else {
		v := tasks.Get(u64Key(uint64(id)))
		if v == nil {
			return fmt.Errorf("%w: task %d", store.ErrNotFound, id)
		}
		old, err := decodeTask(id, v)
		if err != nil {
			return err
		}
		wasOpen = old.Status == store.TaskOpen
	}
	w := *tk
	w.ID = id
	w.Created = store.StoredTime(w.Created)
	w.Resolved = store.StoredTime(w.Resolved)
	if err := tasks.Put(u64Key(uint64(id)), encodeTask(&w)); err != nil {
		return err
	}
	t.change().openTasks += b2i(w.Status == store.TaskOpen) - b2i(wasOpen)
	tk.ID = id
	return nil
}

// checkTask returns ErrInvalid for a task the store cannot hold.
func checkTask(tk *store.Task) error {
	switch {
	case tk.ID < 0:
		return fmt.Errorf("%w: task ID %d", store.ErrInvalid, tk.ID)
	case tk.Kind != store.TaskPossibleMatch && tk.Kind != store.TaskPossibleDuplicate:
		return fmt.Errorf("%w: task %d: unknown kind %d", store.ErrInvalid, tk.ID, tk.Kind)
	case tk.Status < store.TaskOpen || tk.Status > store.TaskResolved:
		return fmt.Errorf("%w: task %d: unknown status %d", store.ErrInvalid, tk.ID, tk.Status)
	}
	if err := checkOptionalKey(tk.Record); err != nil {
		return fmt.Errorf("task %d: %w", tk.ID, err)
	}
	for _, c := range tk.Candidates {
		if err := checkEID(fmt.Sprintf("task %d: candidate", tk.ID), c.EID); err != nil {
			return err
		}
		if len(c.Explanation) > 0 && !json.Valid(c.Explanation) {
			return fmt.Errorf("%w: task %d: explanation of %s is not JSON", store.ErrInvalid, tk.ID, c.EID)
		}
	}
	return nil
}

// Task returns a task by ID.
func (t *tx) Task(ctx context.Context, id int64) (store.Task, error) {
	v := t.bucket(bTasks).Get(u64Key(uint64(id)))
	if v == nil {
		return store.Task{}, fmt.Errorf("%w: task %d", store.ErrNotFound, id)
	}
	return decodeTask(id, v)
}

// Tasks returns the tasks matching f in ID order. Tasks are few (the
// review queue), so this is a scan from f.AfterID.
func (t *tx) Tasks(ctx context.Context, f store.TaskFilter) ([]store.Task, error) {
	var out []store.Task
	c := t.bucket(bTasks).Cursor()
	for k, v := c.Seek(u64Key(uint64(max(f.AfterID, 0)) + 1)); k != nil; k, v = c.Next() {
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
		tk, err := decodeTask(int64(binary.BigEndian.Uint64(k)), v)
		if err != nil {
			return nil, err
		}
		if (f.Kind != 0 && tk.Kind != f.Kind) || (f.Status != 0 && tk.Status != f.Status) ||
			(f.Record != store.RecordKey{} && tk.Record != f.Record) {
			continue
		}
		if f.EID != "" && !slices.ContainsFunc(tk.Candidates, func(c store.TaskCandidate) bool { return c.EID == f.EID }) {
			continue
		}
		out = append(out, tk)
	}
	return out, nil
}
