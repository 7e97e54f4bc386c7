package api

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vnhealth/mpi/store"
)

// Tests of how Resolve treats steward decisions and earlier tasks.

func TestResolveDecisions(t *testing.T) {
	t.Parallel()
	runWorkflowTests(t, []workflowTest{
		{"DistinctNotRaisedAgain", testDistinctNotRaisedAgain},
		{"DistinctLeavesOtherPairs", testDistinctLeavesOtherPairs},
		{"NewVersionSupersedesTasks", testNewVersionSupersedesTasks},
		{"RetractionSupersedesTasks", testRetractionSupersedesTasks},
	})
}

// testDistinctNotRaisedAgain: once a steward declared Hà's two persons
// distinct, a record matching both strongly raises a possible-match task
// (which of them is it?), not another possible-duplicate task.
func testDistinctNotRaisedAgain(t *testing.T, open opener) {
	s, p1, p2, _, id := duplicateTask(t, open)
	ctx := t.Context()
	if _, err := s.ResolveTask(ctx, steward, id, TaskResolution{Outcome: OutcomeDistinct}, "mother and daughter"); err != nil {
		t.Fatal(err)
	}
	// The clinic record leaves, so that only the two persons match.
	if _, err := s.Retract(ctx, hub, keyOf(haClinic), "sent in error"); err != nil {
		t.Fatal(err)
	}
	res := resolve(t, s, withKey(haClinic, "PK36102", "K-77"))
	if res.Decision != DecisionReview || res.TaskID == 0 || res.EID == p1 || res.EID == p2 {
		t.Fatalf("record matching two persons declared distinct: %+v; want a new person under review", res)
	}
	tk := task(t, s, res.TaskID)
	want := []store.EID{p1, p2}
	slices.Sort(want)
	if diff := gocmp.Diff(want, candidateEIDs(tk)); diff != "" || tk.Kind != store.TaskPossibleMatch {
		t.Errorf("task kind %d; candidates mismatch (-want +got):\n%s", tk.Kind, diff)
	}
	mustVerify(t, s)
}

// testDistinctLeavesOtherPairs: a record matching the two persons declared
// distinct and a third raises a possible-duplicate task, but one that
// never lists the declared pair together.
func testDistinctLeavesOtherPairs(t *testing.T, open opener) {
	s, p1, p2, own, id := duplicateTask(t, open)
	if _, err := s.ResolveTask(t.Context(), steward, id, TaskResolution{Outcome: OutcomeDistinct}, "mother and daughter"); err != nil {
		t.Fatal(err)
	}
	res := resolve(t, s, withKey(haClinic, "PK36102", "K-77"))
	if res.Decision != DecisionDuplicate {
		t.Fatalf("record matching three persons: %+v; want a duplicate", res)
	}
	if tk := task(t, s, res.TaskID); tk.Kind != store.TaskPossibleDuplicate {
		t.Errorf("task kind %d, want possible duplicate", tk.Kind)
	}
	got := candidateEIDs(task(t, s, res.TaskID))
	if slices.Contains(got, p1) && slices.Contains(got, p2) || !slices.Contains(got, own) || len(got) != 2 {
		t.Errorf("duplicate task lists %v; want %s with one of %s, %s (declared distinct)", got, own, p1, p2)
	}
	mustVerify(t, s)
}

// taskResolutions returns the outcome, resolver and status of each task
// of a record, by task ID, and the task.resolved events' actors.
func taskResolutions(t testing.TB, s *Service, k store.RecordKey) (tasks []string, events []string) {
	t.Helper()
	for _, tk := range tasksOf(t, s, k) {
		tasks = append(tasks, tk.Outcome+" by "+tk.Resolver)
	}
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		evs, err := tx.Events(ctx, store.EventFilter{Record: k})
		for _, e := range evs {
			if e.Kind != store.EventTaskResolved {
				continue
			}
			var ch TaskChange
			if err := json.Unmarshal(e.Data, &ch); err != nil {
				return err
			}
			events = append(events, ch.Outcome+" by "+e.Actor)
		}
		return err
	})
	return tasks, events
}

// testNewVersionSupersedesTasks: Tân's record raised a review task, which
// a steward claimed; a new version still close to An raises a task of its
// own and closes the claimed one, and a version that comes close to nobody
// closes that one.
func testNewVersionSupersedesTasks(t *testing.T, open opener) {
	s, _, tan, id := reviewTask(t, open)
	ctx := t.Context()
	if _, err := s.ClaimTask(ctx, steward, id); err != nil {
		t.Fatal(err)
	}
	v2 := tanPK
	v2.Address = "30 Hai Bà Trưng" // still close to An
	r2 := resolve(t, s, v2)
	if r2.Decision != DecisionReview || r2.EID != tan || r2.TaskID == 0 || r2.TaskID == id {
		t.Fatalf("new version close to An: %+v; want it kept on its own person %s with a new review task", r2, tan)
	}
	if tk := task(t, s, id); tk.Status != store.TaskResolved || tk.Outcome != OutcomeSuperseded || tk.Resolver != SystemActor.ID || tk.Assignee != steward.ID {
		t.Errorf("task of version 1 after version 2: status %d outcome %q by %q assigned %q; want resolved as superseded by %s, still assigned", tk.Status, tk.Outcome, tk.Resolver, tk.Assignee, SystemActor.ID)
	}
	v3 := withKey(hongBV, tanPK.Source, tanPK.LocalID) // the clinic reused the ID for Hồng
	if r3 := resolve(t, s, v3); r3.TaskID != 0 || r3.Decision != DecisionLinked || r3.EID != tan {
		t.Errorf("version 3 (another patient): %+v; want it kept on %s, no task", r3, tan)
	}
	tasks, events := taskResolutions(t, s, keyOf(tanPK))
	want := []string{"superseded by system", "superseded by system"}
	if diff := gocmp.Diff(want, tasks); diff != "" {
		t.Errorf("tasks of the record mismatch (-want +got):\n%s", diff)
	}
	if diff := gocmp.Diff(want, events); diff != "" {
		t.Errorf("task.resolved events mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.ResolveTask(ctx, steward, id, TaskResolution{Outcome: OutcomeNewPerson}, "late"); !errors.Is(err, ErrFailedPrecondition) {
		t.Errorf("resolving a superseded task: %v, want ErrFailedPrecondition", err)
	}
	if c := counts(t, s); c.OpenTasks != 0 {
		t.Errorf("%d open tasks, want 0", c.OpenTasks)
	}
	mustVerify(t, s)
}

// testRetractionSupersedesTasks: retracting a record closes its open task.
func testRetractionSupersedesTasks(t *testing.T, open opener) {
	s, _, _, id := reviewTask(t, open)
	if _, err := s.Retract(t.Context(), hub, keyOf(tanPK), "duplicate registration"); err != nil {
		t.Fatal(err)
	}
	if tk := task(t, s, id); tk.Status != store.TaskResolved || tk.Outcome != OutcomeSuperseded || tk.Resolver != SystemActor.ID || tk.Reason == "" {
		t.Errorf("task after retraction: status %d outcome %q by %q reason %q; want resolved as superseded by %s with a reason", tk.Status, tk.Outcome, tk.Resolver, tk.Reason, SystemActor.ID)
	}
	// The retraction of a record another task lists leaves that task open.
	other := resolve(t, s, withKey(tanPK, "PK79102", "78"))
	if other.TaskID == 0 || task(t, s, other.TaskID).Status != store.TaskOpen {
		t.Fatalf("setup: %+v", other)
	}
	if _, err := s.Retract(t.Context(), hub, keyOf(anBV), "test"); err != nil {
		t.Fatal(err)
	}
	if tk := task(t, s, other.TaskID); tk.Status != store.TaskOpen {
		t.Errorf("another record's retraction closed task %d: status %d outcome %q", other.TaskID, tk.Status, tk.Outcome)
	}
	mustVerify(t, s)
}
