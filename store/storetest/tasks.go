package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/vnhealth/mpi/store"
)

// explanation is a matcher explanation as a task carries it.
const explanation = `{"total": 12.5, "probability": 0.97,
  "fields": [{"field": "name", "level": "jaro-winkler ≥ 0.94", "weight": 4.25, "tf": -0.5},
             {"field": "birth_date", "level": "exact", "weight": 6.1}], "note": "Nguyễn ~ Nguyen"}`

// task returns an open possible-match task raised by k with candidates.
func task(k store.RecordKey, cands ...store.EID) store.Task {
	t := store.Task{Kind: store.TaskPossibleMatch, Status: store.TaskOpen, Record: k, Created: at(5)}
	for i, e := range cands {
		t.Candidates = append(t.Candidates, store.TaskCandidate{
			EID: e, Probability: 0.75 - float64(i)/8, Weight: 9.5 - float64(i),
			Explanation: json.RawMessage(explanation),
		})
	}
	return t
}

// storedTask returns t as a store gives it back.
func storedTask(t store.Task) store.Task {
	t.Created = store.StoredTime(t.Created)
	t.Resolved = store.StoredTime(t.Resolved)
	return t
}

// putTasks stores tasks in one transaction, writing their IDs back.
func putTasks(t *testing.T, s store.Store, ts ...*store.Task) {
	t.Helper()
	ids := make([]int64, len(ts))
	for i, tk := range ts {
		ids[i] = tk.ID
	}
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		for i, tk := range ts {
			tk.ID = ids[i] // fn may run again
			if err := tx.PutTask(ctx, tk); err != nil {
				return fmt.Errorf("put task %d: %w", tk.ID, err)
			}
		}
		return nil
	})
}

// testTasks: IDs assigned in increasing order and written back; a task
// replaced in place; unknown IDs and invalid tasks refused.
func testTasks(t *testing.T, b Backend) {
	s := b.Open(t)
	e := eids(t, s, 2)
	a := key("BV01", "A")
	putRecords(t, s, record(a))
	putPersons(t, s, e...)

	t1, t2, t3 := task(a, e...), task(a, e[0]), task(a)
	t2.Kind = store.TaskPossibleDuplicate
	putTasks(t, s, &t1, &t2)
	putTasks(t, s, &t3)
	if !(t1.ID > 0 && t2.ID > t1.ID && t3.ID > t2.ID) {
		t.Fatalf("task IDs %d, %d, %d: want positive and increasing", t1.ID, t2.ID, t3.ID)
	}

	// Claim, then resolve t1.
	t1.Status, t1.Assignee = store.TaskClaimed, "steward-4"
	putTasks(t, s, &t1)
	t1.Status, t1.Outcome, t1.Resolver, t1.Reason, t1.Resolved = store.TaskResolved, "linked", "steward-4", "cùng một người", at(60)
	id := t1.ID
	putTasks(t, s, &t1)
	if t1.ID != id {
		t.Errorf("replacing task %d changed its ID to %d", id, t1.ID)
	}

	view(t, s, func(ctx context.Context, tx store.Tx) error {
		for _, want := range []store.Task{t1, t2, t3} {
			got, err := tx.Task(ctx, want.ID)
			if err != nil {
				return fmt.Errorf("task %d: %w", want.ID, err)
			}
			diff(t, fmt.Sprintf("Task(%d)", want.ID), storedTask(want), got)
			checkUTC(t, "Task times", got.Created, got.Resolved)
		}
		_, err := tx.Task(ctx, t3.ID+1)
		wantErr(t, "Task of an unknown ID", err, store.ErrNotFound)
		all, err := tx.Tasks(ctx, store.TaskFilter{})
		if err != nil {
			return err
		}
		diff(t, "Tasks", []store.Task{storedTask(t1), storedTask(t2), storedTask(t3)}, all)
		return nil
	})

	unknown := task(a)
	unknown.ID = t3.ID + 100
	err := s.Update(t.Context(), func(tx store.Tx) error { return tx.PutTask(t.Context(), &unknown) })
	wantErr(t, "PutTask of an unknown ID", err, store.ErrNotFound)

	for name, tk := range map[string]store.Task{
		"kind 0":   {Status: store.TaskOpen, Record: a},
		"kind 3":   {Kind: store.TaskPossibleDuplicate + 1, Status: store.TaskOpen, Record: a},
		"status 0": {Kind: store.TaskPossibleMatch, Record: a},
		"status 4": {Kind: store.TaskPossibleMatch, Status: store.TaskResolved + 1, Record: a},
	} {
		err := s.Update(t.Context(), func(tx store.Tx) error { return tx.PutTask(t.Context(), &tk) })
		wantErr(t, "PutTask "+name, err, store.ErrInvalid)
	}

	// IDs keep increasing after all that.
	t4 := task(a)
	putTasks(t, s, &t4)
	if t4.ID <= t3.ID {
		t.Errorf("task ID %d after %d", t4.ID, t3.ID)
	}
}

// testTaskFilters: every filter field, alone and combined, in ID order.
func testTaskFilters(t *testing.T, b Backend) {
	s := b.Open(t)
	e := eids(t, s, 3)
	p1, p2, p3 := e[0], e[1], e[2]
	a, bb := key("BV01", "A"), key("BV02", "B")
	putRecords(t, s, record(a), record(bb))
	putPersons(t, s, e...)

	ts := []store.Task{
		task(a, p1, p2),
		task(bb, p2),
		task(a, p3),
		task(bb, p1, p3),
		task(a),
		task(bb, p2, p3),
	}
	ts[1].Kind, ts[3].Kind = store.TaskPossibleDuplicate, store.TaskPossibleDuplicate
	ts[2].Status, ts[2].Assignee = store.TaskClaimed, "steward-1"
	ts[4].Status, ts[4].Outcome, ts[4].Resolved = store.TaskResolved, "new person", at(70)
	ts[5].Status, ts[5].Outcome, ts[5].Resolved = store.TaskResolved, "linked", at(71)
	ptrs := make([]*store.Task, len(ts))
	for i := range ts {
		ptrs[i] = &ts[i]
	}
	putTasks(t, s, ptrs...)

	tests := []struct {
		name string
		f    store.TaskFilter
		want []int // indexes into ts
	}{
		{"all", store.TaskFilter{}, []int{0, 1, 2, 3, 4, 5}},
		{"kind", store.TaskFilter{Kind: store.TaskPossibleDuplicate}, []int{1, 3}},
		{"status open", store.TaskFilter{Status: store.TaskOpen}, []int{0, 1, 3}},
		{"status resolved", store.TaskFilter{Status: store.TaskResolved}, []int{4, 5}},
		{"record", store.TaskFilter{Record: a}, []int{0, 2, 4}},
		{"EID", store.TaskFilter{EID: p2}, []int{0, 1, 5}},
		{"EID and status", store.TaskFilter{EID: p3, Status: store.TaskOpen}, []int{3}},
		{"after", store.TaskFilter{AfterID: ts[2].ID}, []int{3, 4, 5}},
		{"limit", store.TaskFilter{Limit: 2}, []int{0, 1}},
		{"after and limit", store.TaskFilter{AfterID: ts[0].ID, Limit: 3}, []int{1, 2, 3}},
		{"record, kind, after, limit", store.TaskFilter{Record: bb, Kind: store.TaskPossibleDuplicate, AfterID: ts[1].ID, Limit: 1}, []int{3}},
		{"no match", store.TaskFilter{Record: a, Kind: store.TaskPossibleDuplicate}, nil},
		{"after the last", store.TaskFilter{AfterID: ts[5].ID}, nil},
	}
	for _, tc := range tests {
		var want []store.Task
		for _, i := range tc.want {
			want = append(want, storedTask(ts[i]))
		}
		view(t, s, func(ctx context.Context, tx store.Tx) error {
			got, err := tx.Tasks(ctx, tc.f)
			if err != nil {
				return err
			}
			diff(t, "Tasks "+tc.name, want, got)
			return nil
		})
	}
}
