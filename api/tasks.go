package api

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
)

// Task outcomes (TaskResolution.Outcome and store.Task.Outcome).
const (
	// OutcomeLink (possible match): the task's record belongs to the
	// chosen candidate: a manual link and a must-link constraint.
	OutcomeLink = "link"
	// OutcomeNewPerson (possible match): the record belongs to none of the
	// candidates: it keeps (or gets) a person of its own, with a
	// cannot-link constraint to each candidate.
	OutcomeNewPerson = "new_person"
	// OutcomeMerge (possible duplicate): the chosen loser is merged into
	// the chosen survivor.
	OutcomeMerge = "merge"
	// OutcomeDistinct (possible duplicate): the persons are different
	// people. The resolved task is the memory of it (see
	// declaredDistinct).
	OutcomeDistinct = "distinct"
	// OutcomeSuperseded (either kind; never a steward's answer): a new
	// version or a retraction of the task's record re-decided it, so the
	// question the task asked — about an earlier version — is moot. The
	// resolver is SystemActor. A new version raises its own task when it
	// still needs one.
	OutcomeSuperseded = "superseded"
)

// SystemActor is who the workflow names for changes no caller asked for
// (tasks it closes as superseded).
var SystemActor = Actor{ID: "system", Role: "system"}

// TaskResolution is a steward's answer to a review task.
type TaskResolution struct {
	// Outcome is OutcomeLink or OutcomeNewPerson for a possible-match task,
	// OutcomeMerge or OutcomeDistinct for a possible-duplicate task.
	Outcome string
	// EID is the person to link to (OutcomeLink): one of the task's
	// candidates, or the person it was merged into since.
	EID store.EID
	// Loser and Survivor are the persons to merge (OutcomeMerge): two of the
	// task's persons — its candidates and the person its record is linked to.
	Loser, Survivor store.EID
	// Force merges despite a veto (see MergeOption ForceMerge).
	Force bool
}

// ResolvedTask is the outcome of ResolveTask.
type ResolvedTask struct {
	Task store.Task
	// EID is the live person the task's record is linked to afterwards
	// ("" when the record is retracted).
	EID store.EID
}

// Tasks lists review tasks matching f, in ID order, at most 500 at a time
// (f.Limit 0 or above 500 means 500; page on with f.AfterID).
func (s *Service) Tasks(ctx context.Context, actor Actor, f store.TaskFilter) ([]store.Task, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if f.EID != "" {
		e, err := parseEIDField("eid", f.EID)
		if err != nil {
			return nil, err
		}
		f.EID = e
	}
	if f.Limit <= 0 || f.Limit > maxTaskPage {
		f.Limit = maxTaskPage
	}
	var tasks []store.Task
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		tasks, err = tx.Tasks(ctx, f)
		return err
	})
	var eids []store.EID
	var recs []store.RecordKey
	for _, t := range tasks {
		recs = append(recs, t.Record)
		for _, c := range t.Candidates {
			if !slices.Contains(eids, c.EID) {
				eids = append(eids, c.EID)
			}
		}
	}
	if err := s.auditDone(ctx, actor, "tasks", eids, recs, err); err != nil {
		return nil, err
	}
	return tasks, nil
}

// ClaimTask assigns an open task to the actor. Claiming a task the actor
// already holds changes nothing; a task claimed by someone else or
// resolved is ErrFailedPrecondition.
func (s *Service) ClaimTask(ctx context.Context, actor Actor, id int64) (store.Task, error) {
	if err := checkActor(actor); err != nil {
		return store.Task{}, err
	}
	if id <= 0 {
		return store.Task{}, invalid("id", "must be a task ID")
	}
	var t store.Task
	err := s.update(ctx, func(tx store.Tx) error {
		var err error
		t, err = tx.Task(ctx, id)
		if err != nil {
			return notFound(err, fmt.Sprintf("task %d", id))
		}
		switch {
		case t.Status == store.TaskResolved:
			return failedf("task %d is resolved", id)
		case t.Status == store.TaskClaimed && t.Assignee == actor.ID:
			return nil
		case t.Status == store.TaskClaimed:
			return failedf("task %d is claimed by %s", id, t.Assignee)
		}
		prev := t.Status
		t.Status, t.Assignee = store.TaskClaimed, actor.ID
		if err := tx.PutTask(ctx, &t); err != nil {
			return err
		}
		return s.appendEvent(ctx, tx, &store.Event{
			Kind: store.EventTaskClaimed, Actor: actor.ID, EIDs: taskEIDs(&t), Record: t.Record, TaskID: t.ID,
		}, TaskChange{TaskID: t.ID, Kind: t.Kind, Status: t.Status, PrevStatus: prev, Assignee: actor.ID})
	})
	if err := s.auditDone(ctx, actor, "claim_task", taskEIDs(&t), recordsOf(t.Record), err); err != nil {
		return store.Task{}, fmt.Errorf("claim task %d: %w", id, err)
	}
	return t, nil
}

func taskEIDs(t *store.Task) []store.EID {
	var eids []store.EID
	for _, c := range t.Candidates {
		eids = append(eids, c.EID)
	}
	return eids
}

func recordsOf(k store.RecordKey) []store.RecordKey {
	if !k.Valid() {
		return nil
	}
	return []store.RecordKey{k}
}

// ResolveTask applies a steward's decision to a review task and resolves
// it, in one transaction. The task must be open, or claimed by the actor
// (resolving an open task claims it). Outcomes:
//
//   - "link" (possible match): the task's record is linked manually to
//     r.EID, one of the task's candidates, with a must-link constraint
//     (as Link).
//   - "new_person" (possible match): the record belongs to none of the
//     candidates. It stays on its own person — the one Resolve created for
//     it — or, when its person holds other records or is a candidate,
//     moves to a new one; a cannot-link constraint to each candidate
//     keeps re-matching from putting it there.
//   - "merge" (possible duplicate): r.Loser is merged into r.Survivor (as
//     Merge; r.Force as ForceMerge). Both must be among the task's
//     persons: its candidates and the person its record is linked to.
//     The record matched several of them and Resolve gave it a person of
//     its own; when that person still holds only the record and is neither
//     loser nor survivor, it is merged into the survivor as well, so the
//     EID its source was given redirects to the survivor.
//   - "distinct" (possible duplicate): the candidates are different
//     people. Nothing else changes; the resolved task is the memory of
//     the decision (declaredDistinct).
func (s *Service) ResolveTask(ctx context.Context, actor Actor, id int64, r TaskResolution, reason string) (ResolvedTask, error) {
	var out ResolvedTask
	if err := checkActor(actor); err != nil {
		return out, err
	}
	if id <= 0 {
		return out, invalid("id", "must be a task ID")
	}
	if err := checkReason(reason); err != nil {
		return out, err
	}
	var err error
	switch r.Outcome {
	case OutcomeLink:
		r.EID, err = parseEIDField("eid", r.EID)
	case OutcomeMerge:
		if r.Loser, err = parseEIDField("loser", r.Loser); err == nil {
			r.Survivor, err = parseEIDField("survivor", r.Survivor)
		}
		if err == nil && r.Loser == r.Survivor {
			err = invalid("survivor", "same person as loser")
		}
	case OutcomeNewPerson, OutcomeDistinct:
	case "":
		err = invalid("outcome", "required")
	default:
		err = invalid("outcome", "unknown outcome")
	}
	if err != nil {
		return out, err
	}
	var touched []store.EID
	err = s.update(ctx, func(tx store.Tx) error {
		out, touched = ResolvedTask{}, nil
		t, err := tx.Task(ctx, id)
		if err != nil {
			return notFound(err, fmt.Sprintf("task %d", id))
		}
		out.Task = t
		switch {
		case t.Status == store.TaskResolved:
			return failedf("task %d is already resolved", id)
		case t.Status == store.TaskClaimed && t.Assignee != actor.ID:
			return failedf("task %d is claimed by %s", id, t.Assignee)
		}
		matchOutcome := r.Outcome == OutcomeLink || r.Outcome == OutcomeNewPerson
		if matchOutcome != (t.Kind == store.TaskPossibleMatch) {
			return invalid("outcome", fmt.Sprintf("not an outcome of a %s task", taskKindName(t.Kind)))
		}
		touched, err = s.applyResolution(ctx, tx, actor, &t, r, reason)
		if err != nil {
			return err
		}
		prev := t.Status
		t.Status, t.Outcome, t.Resolver, t.Reason, t.Resolved = store.TaskResolved, r.Outcome, actor.ID, reason, store.StoredTime(s.now())
		if t.Assignee == "" {
			t.Assignee = actor.ID
		}
		if err := tx.PutTask(ctx, &t); err != nil {
			return err
		}
		ch := TaskChange{TaskID: t.ID, Kind: t.Kind, Status: t.Status, PrevStatus: prev, Assignee: t.Assignee, Outcome: r.Outcome}
		switch r.Outcome {
		case OutcomeLink:
			ch.EID = r.EID
		case OutcomeMerge:
			ch.Loser, ch.Survivor = r.Loser, r.Survivor
		}
		if err := s.appendEvent(ctx, tx, &store.Event{
			Kind: store.EventTaskResolved, Actor: actor.ID, Reason: reason, EIDs: taskEIDs(&t), Record: t.Record, TaskID: t.ID,
		}, ch); err != nil {
			return err
		}
		out.Task = t
		out.EID, err = s.linkedPerson(ctx, tx, t.Record)
		return err
	})
	eids := append(taskEIDs(&out.Task), touched...)
	if err := s.auditDone(ctx, actor, "resolve_task", eids, recordsOf(out.Task.Record), err); err != nil {
		return ResolvedTask{}, fmt.Errorf("resolve task %d: %w", id, err)
	}
	return out, nil
}

func taskKindName(k store.TaskKind) string {
	switch k {
	case store.TaskPossibleMatch:
		return "possible-match"
	case store.TaskPossibleDuplicate:
		return "possible-duplicate"
	}
	return fmt.Sprintf("kind-%d", k)
}

// applyResolution makes the change a task outcome asks for and returns
// the persons it touched.
func (s *Service) applyResolution(ctx context.Context, tx store.Tx, actor Actor, t *store.Task, r TaskResolution, reason string) ([]store.EID, error) {
	cands := make([]store.EID, 0, len(t.Candidates))
	for _, c := range t.Candidates {
		p, err := s.follow(ctx, tx, c.EID)
		if err != nil {
			return nil, fmt.Errorf("task %d candidate: %w", t.ID, err)
		}
		if !slices.Contains(cands, p.EID) {
			cands = append(cands, p.EID)
		}
	}
	own, err := s.linkedPerson(ctx, tx, t.Record)
	if err != nil {
		return nil, err
	}
	switch r.Outcome {
	case OutcomeLink:
		p, err := s.follow(ctx, tx, r.EID)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(cands, p.EID) {
			return nil, invalid("eid", "not a candidate of the task")
		}
		eid, err := s.linkTx(ctx, tx, actor, t.Record, p.EID, reason)
		return []store.EID{eid, own}, err

	case OutcomeNewPerson:
		rec, err := tx.Record(ctx, t.Record)
		if err != nil {
			return nil, notFound(err, "record "+t.Record.String())
		}
		touched := append([]store.EID{own}, cands...)
		if rec.Status == store.RecordActive && own != "" {
			others, err := s.otherRecords(ctx, tx, own, t.Record)
			if err != nil {
				return nil, err
			}
			if len(others) > 0 || slices.Contains(cands, own) {
				np, err := s.newPerson(ctx, tx, actor, reason)
				if err != nil {
					return nil, err
				}
				if err := s.setLink(ctx, tx, store.Link{Record: t.Record, EID: np.EID, Kind: store.LinkManual, Actor: actor.ID}, reason); err != nil {
					return nil, err
				}
				touched = append(touched, np.EID)
			}
		}
		for _, c := range cands {
			if err := s.putConstraint(ctx, tx, store.Constraint{Kind: store.CannotLink, Record: t.Record, EID: c, Actor: actor.ID, Reason: reason, At: store.StoredTime(s.now())}); err != nil {
				return nil, err
			}
		}
		return touched, nil

	case OutcomeMerge:
		persons := append(slices.Clone(cands), own)
		for _, e := range []struct {
			field string
			eid   store.EID
		}{{"loser", r.Loser}, {"survivor", r.Survivor}} {
			if !slices.Contains(persons, e.eid) {
				return nil, invalid(e.field, "not one of the task's persons (if it was merged since, name the live person)")
			}
		}
		var opts []MergeOption
		if r.Force {
			opts = append(opts, ForceMerge)
		}
		if err := s.mergeTx(ctx, tx, actor, r.Loser, r.Survivor, reason, opts); err != nil {
			return nil, err
		}
		touched := []store.EID{r.Loser, r.Survivor}
		if own != "" && own != r.Loser && own != r.Survivor {
			others, err := s.otherRecords(ctx, tx, own, t.Record)
			if err != nil {
				return nil, err
			}
			if len(others) == 0 {
				if err := s.mergeTx(ctx, tx, actor, own, r.Survivor, reason, opts); err != nil {
					return nil, err
				}
				touched = append(touched, own)
			}
		}
		return touched, nil
	}
	return cands, nil // OutcomeDistinct
}

// declaredDistinct reports whether a steward resolved a possible-duplicate
// task as "distinct" for persons a and b (merge redirects followed: a
// decision about a person holds for the person it was merged into).
// Resolve uses it not to raise a possible-duplicate task again for a pair
// a steward has declared distinct (DESIGN: decisions are sticky).
func (s *Service) declaredDistinct(ctx context.Context, tx store.Tx, a, b store.EID) (bool, error) {
	pb, err := s.follow(ctx, tx, b)
	if err != nil {
		return false, err
	}
	distinct, err := s.distinctFrom(ctx, tx, a)
	return distinct[pb.EID], err
}

// distinctFrom returns the live persons a steward declared distinct from
// eid: the other candidates of every possible-duplicate task resolved
// "distinct" that listed eid or a person merged into it, redirects
// followed. It reads the task.resolved events of those persons (indexed
// by EID on every store), not the task table.
func (s *Service) distinctFrom(ctx context.Context, tx store.Tx, eid store.EID) (map[store.EID]bool, error) {
	p, err := s.follow(ctx, tx, eid)
	if err != nil {
		return nil, err
	}
	names, err := s.aliases(ctx, tx, p.EID)
	if err != nil {
		return nil, err
	}
	out := make(map[store.EID]bool)
	for _, name := range names {
		evs, err := tx.Events(ctx, store.EventFilter{EID: name})
		if err != nil {
			return nil, err
		}
		for i := range evs {
			e := &evs[i]
			if e.Kind != store.EventTaskResolved {
				continue
			}
			var ch TaskChange
			if err := json.Unmarshal(e.Data, &ch); err != nil {
				return nil, fmt.Errorf("event %d: %w", e.Seq, err)
			}
			if ch.Kind != store.TaskPossibleDuplicate || ch.Outcome != OutcomeDistinct {
				continue
			}
			for _, c := range e.EIDs {
				q, err := s.follow(ctx, tx, c)
				if err != nil {
					return nil, err
				}
				if q.EID != p.EID {
					out[q.EID] = true
				}
			}
		}
	}
	return out, nil
}

// openTask raises a review task for record k (normalized: norm) about the
// listed persons — each with the score and explanation of its best pair
// with the record by model — and appends store.EventTaskOpened naming
// created (the person the record was given) and the listed persons.
func (s *Service) openTask(ctx context.Context, tx store.Tx, actor Actor, model *matching.Model, k store.RecordKey, norm *matching.Record, kind store.TaskKind, listed []*personScore, created store.EID) (int64, error) {
	if len(listed) > maxTaskCandidates {
		listed = listed[:maxTaskCandidates]
	}
	t := &store.Task{Kind: kind, Status: store.TaskOpen, Record: k, Created: s.now()}
	eids := []store.EID{created}
	for _, p := range listed {
		e := model.Explain(norm, p.bestRec)
		b, err := json.Marshal(e)
		if err != nil {
			return 0, err
		}
		t.Candidates = append(t.Candidates, store.TaskCandidate{
			EID: p.eid, Probability: p.best.Probability(), Weight: p.best.Weight, Explanation: b,
		})
		eids = append(eids, p.eid)
	}
	if err := tx.PutTask(ctx, t); err != nil {
		return 0, err
	}
	err := s.appendEvent(ctx, tx, &store.Event{
		Kind: store.EventTaskOpened, Actor: actor.ID, EIDs: eids, Record: k, TaskID: t.ID,
	}, TaskData{TaskID: t.ID, Kind: kind})
	return t.ID, err
}

// supersedeTasks resolves the open and claimed tasks of record k as
// OutcomeSuperseded by SystemActor with reason why, appending
// store.EventTaskResolved for each: a new version or a retraction of the
// record re-decided it. The record's tasks are found through its
// task.opened events (indexed by record on every store).
func (s *Service) supersedeTasks(ctx context.Context, tx store.Tx, k store.RecordKey, why string) error {
	evs, err := tx.Events(ctx, store.EventFilter{Record: k})
	if err != nil {
		return err
	}
	for i := range evs {
		if evs[i].Kind != store.EventTaskOpened || evs[i].TaskID == 0 {
			continue
		}
		t, err := tx.Task(ctx, evs[i].TaskID)
		if err != nil {
			return notFound(err, fmt.Sprintf("task %d", evs[i].TaskID))
		}
		if t.Status == store.TaskResolved || t.Record != k {
			continue
		}
		prev := t.Status
		t.Status, t.Outcome, t.Resolver, t.Reason, t.Resolved = store.TaskResolved, OutcomeSuperseded, SystemActor.ID, why, store.StoredTime(s.now())
		if err := tx.PutTask(ctx, &t); err != nil {
			return err
		}
		if err := s.appendEvent(ctx, tx, &store.Event{
			Kind: store.EventTaskResolved, Actor: SystemActor.ID, Reason: why, EIDs: taskEIDs(&t), Record: k, TaskID: t.ID,
		}, TaskChange{TaskID: t.ID, Kind: t.Kind, Status: t.Status, PrevStatus: prev, Assignee: t.Assignee, Outcome: OutcomeSuperseded}); err != nil {
			return err
		}
	}
	return nil
}
