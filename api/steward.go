package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/cluster"
	"github.com/vnhealth/mpi/store"
)

// Steward operations: the review queue (Tasks, ClaimTask, ResolveTask) and
// the direct decisions (Link, Unlink, Merge, Unmerge), each one
// transaction that changes links, persons and constraints through the
// helpers every other change uses (setLink, removeLink, newPerson,
// rebuildGolden) and logs each change with the steward's ID and reason
// (events.go). Every call, read or write, is audited.
//
// Decisions a steward makes are sticky: Link puts a must-link constraint,
// Unlink and a "new_person" task outcome put cannot-link constraints, and
// Resolve obeys them whatever the model says later. Constraints name the
// EID they were made on and are read through merge redirects, so a merge
// needs no re-pointing and an unmerge gives each constraint back its
// original person.
//
// Example: a possible-match task says record TYT79002/9 scored 0.6 against
// person K7Q2M9XP4. Steward "steward-lan" claims it (ClaimTask), compares
// the records and resolves it with Outcome "link", EID K7Q2M9XP4 and a
// reason: the record is linked manually to K7Q2M9XP4, a must-link
// constraint keeps it there, and the task is resolved — all logged as
// link.set, constraint.put and task.resolved events with her ID and reason.

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
)

// Limits of steward requests.
const (
	maxReasonLen = 1024
	// maxTaskPage bounds the tasks one Tasks call returns; page on with
	// TaskFilter.AfterID.
	maxTaskPage = 500
)

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

// MergeOption modifies Merge.
type MergeOption uint8

// Merge options.
const (
	// ForceMerge merges although the records across the two persons fail
	// the check that keeps records apart automatically (cluster.Compatible:
	// a guard rail such as two different valid citizen IDs, two different
	// BHXH numbers, strong disagreement, size), or although a steward's
	// cannot-link constraint stands between them. A steward who has
	// evidence the check cannot see — a CCCD one facility typed wrong, a
	// card photographed at the desk — needs it; without it such a merge is
	// refused with ErrFailedPrecondition naming the reason. A forced merge
	// removes the cannot-link constraints in its way (an unmerge puts them
	// back) and records the veto it overrode in the merge event.
	ForceMerge MergeOption = 1 << iota
)

// TaskChange is the Data of store.EventTaskClaimed and
// store.EventTaskResolved: the task's status before and after, and for a
// resolution what was decided.
type TaskChange struct {
	TaskID     int64            `json:"task_id"`
	Kind       store.TaskKind   `json:"kind"`
	Status     store.TaskStatus `json:"status"`
	PrevStatus store.TaskStatus `json:"prev_status"`
	Assignee   string           `json:"assignee,omitempty"`
	Outcome    string           `json:"outcome,omitempty"`
	EID        store.EID        `json:"eid,omitempty"`
	Loser      store.EID        `json:"loser,omitempty"`
	Survivor   store.EID        `json:"survivor,omitempty"`
}

// ConstraintData is a steward constraint as logged: the record is the
// event's Record.
type ConstraintData struct {
	Kind   store.ConstraintKind `json:"kind"`
	EID    store.EID            `json:"eid"`
	Actor  string               `json:"actor,omitempty"`
	Reason string               `json:"reason,omitempty"`
	At     time.Time            `json:"at"`
}

// ConstraintChange is the Data of store.EventConstraintPut (Constraint
// set; Prev is the constraint on the same record and person it replaced)
// and store.EventConstraintDeleted (Prev only): enough to undo either.
type ConstraintChange struct {
	Constraint *ConstraintData `json:"constraint,omitempty"`
	Prev       *ConstraintData `json:"prev,omitempty"`
}

func constraintData(c store.Constraint) *ConstraintData {
	return &ConstraintData{Kind: c.Kind, EID: c.EID, Actor: c.Actor, Reason: c.Reason, At: c.At}
}

// mergeEvent is the Data this file writes for store.EventMerged: the
// MergeData of events.go (embedded, so a reader decoding MergeData —
// Verify — sees its fields) and what undoing a forced merge also needs.
// (MergeData could carry these two fields itself; until it does they live
// here.)
type mergeEvent struct {
	MergeData
	// Constraints are the cannot-link constraints between the two persons
	// that a forced merge deleted, each with its record; Unmerge puts them
	// back.
	Constraints []removedConstraint `json:"removed_constraints,omitempty"`
	// Forced names the veto a forced merge overrode ("guard_rail:
	// different_citizen_id", "cannot_link"); "" when nothing was overridden.
	Forced string `json:"forced,omitempty"`
}

type removedConstraint struct {
	Record store.RecordKey `json:"record"`
	ConstraintData
}

// checkReason refuses a change without a reason.
func checkReason(reason string) error {
	switch {
	case strings.TrimSpace(reason) == "":
		return invalid("reason", "required")
	case len(reason) > maxReasonLen:
		return invalid("reason", fmt.Sprintf("longer than %d bytes", maxReasonLen))
	case !utf8.ValidString(reason):
		return invalid("reason", "not valid UTF-8 text")
	}
	return nil
}

// parseEIDField reads an EID as typed (store.ParseEID), naming field when
// it is malformed.
func parseEIDField(field string, e store.EID) (store.EID, error) {
	if e == "" {
		return "", invalid(field, "required")
	}
	p, err := store.ParseEID(string(e))
	if err != nil {
		return "", invalid(field, strings.TrimPrefix(err.Error(), "eid: "))
	}
	return p, nil
}

// checkRecordKey trims and validates a record key named field.
func checkRecordKey(field string, k store.RecordKey) (store.RecordKey, error) {
	k.Source, k.LocalID = strings.TrimSpace(k.Source), strings.TrimSpace(k.LocalID)
	if err := checkKeyPart(field+".source", k.Source, maxSourceLen); err != nil {
		return k, err
	}
	return k, checkKeyPart(field+".local_id", k.LocalID, maxLocalIDLen)
}

func failedf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFailedPrecondition, fmt.Sprintf(format, args...))
}

// auditDone audits a call and returns its error, or the audit log's when the
// call succeeded but its audit entry could not be written.
func (s *Service) auditDone(ctx context.Context, actor Actor, action string, eids []store.EID, recs []store.RecordKey, err error) error {
	aerr := s.audit(ctx, actor, action, eids, recs, Outcome(err))
	if err == nil && aerr != nil {
		return fmt.Errorf("%s: done, but the audit log failed: %w", action, aerr)
	}
	return err
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

// linkedPerson returns the live person record k is linked to, "" when it
// has no link.
func (s *Service) linkedPerson(ctx context.Context, tx store.Tx, k store.RecordKey) (store.EID, error) {
	l, err := tx.Link(ctx, k)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	p, err := s.follow(ctx, tx, l.EID)
	return p.EID, err
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
//
// It is for Resolve, which must not raise a possible-duplicate task again
// for a pair a steward has declared distinct (DESIGN: decisions are
// sticky). The core does not call it yet: resolve.go, where a record
// strongly matches two or more persons, should drop the pairs this
// reports before raising the task (and send the record to review as a
// possible match instead).
func (s *Service) declaredDistinct(ctx context.Context, tx store.Tx, a, b store.EID) (bool, error) {
	pa, err := s.follow(ctx, tx, a)
	if err != nil {
		return false, err
	}
	pb, err := s.follow(ctx, tx, b)
	if err != nil {
		return false, err
	}
	if pa.EID == pb.EID {
		return false, nil
	}
	names, err := s.aliases(ctx, tx, pa.EID)
	if err != nil {
		return false, err
	}
	for _, eid := range names {
		tasks, err := tx.Tasks(ctx, store.TaskFilter{Kind: store.TaskPossibleDuplicate, Status: store.TaskResolved, EID: eid})
		if err != nil {
			return false, err
		}
		for _, t := range tasks {
			if t.Outcome != OutcomeDistinct {
				continue
			}
			for _, c := range t.Candidates {
				p, err := s.follow(ctx, tx, c.EID)
				if err != nil {
					return false, err
				}
				if p.EID == pb.EID {
					return true, nil
				}
			}
		}
	}
	return false, nil
}

// aliases returns eid and every EID merged into it that still redirects to
// it, directly or through others, in the order found.
func (s *Service) aliases(ctx context.Context, tx store.Tx, eid store.EID) ([]store.EID, error) {
	out := []store.EID{eid}
	for i := 0; i < len(out); i++ {
		evs, err := tx.Events(ctx, store.EventFilter{EID: out[i]})
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			if e.Kind != store.EventMerged {
				continue
			}
			var d MergeData
			if err := json.Unmarshal(e.Data, &d); err != nil {
				return nil, fmt.Errorf("event %d: %w", e.Seq, err)
			}
			if d.Survivor != out[i] || slices.Contains(out, d.Loser) {
				continue
			}
			p, err := tx.Person(ctx, d.Loser)
			if err != nil {
				return nil, notFound(err, "person "+string(d.Loser))
			}
			if p.Status == store.PersonMerged && p.MergedInto == out[i] {
				out = append(out, d.Loser)
			}
		}
	}
	return out, nil
}

// otherRecords returns the active records of person eid other than k.
func (s *Service) otherRecords(ctx context.Context, tx store.Tx, eid store.EID, k store.RecordKey) ([]store.Record, error) {
	cands, err := tx.PersonRecords(ctx, []store.EID{eid})
	if err != nil {
		return nil, err
	}
	var out []store.Record
	for _, c := range cands {
		if c.Record.Key != k {
			out = append(out, c.Record)
		}
	}
	slices.SortFunc(out, func(a, b store.Record) int { return compareRecordKey(a.Key, b.Key) })
	return out, nil
}

// bestScore scores rec against others and returns the best pair's weight
// and probability (0, 0 when others is empty): the evidence shown on a
// steward's link.
func (s *Service) bestScore(rec *store.Record, others []store.Record) (weight, probability float64) {
	m := s.normalized(rec)
	var best *matching.Score
	for i := range others {
		sc := s.model.Score(m, s.normalized(&others[i]))
		if best == nil || sc.Weight > best.Weight {
			best = &sc
		}
	}
	if best == nil {
		return 0, 0
	}
	return best.Weight, best.Probability()
}

// putConstraint stores c (replacing a constraint on the same record and
// person) and appends store.EventConstraintPut. An identical constraint
// (same kind, record and person) is left as it is.
func (s *Service) putConstraint(ctx context.Context, tx store.Tx, c store.Constraint) error {
	cs, err := tx.Constraints(ctx, c.Record)
	if err != nil {
		return err
	}
	ch := ConstraintChange{Constraint: constraintData(c)}
	for _, old := range cs {
		if old.EID == c.EID {
			if old.Kind == c.Kind {
				return nil
			}
			ch.Prev = constraintData(old)
		}
	}
	if err := tx.PutConstraint(ctx, c); err != nil {
		return err
	}
	return s.appendEvent(ctx, tx, &store.Event{
		Kind: store.EventConstraintPut, Actor: c.Actor, Reason: c.Reason, EIDs: []store.EID{c.EID}, Record: c.Record,
	}, ch)
}

// deleteConstraint removes c and appends store.EventConstraintDeleted.
func (s *Service) deleteConstraint(ctx context.Context, tx store.Tx, c store.Constraint, actor Actor, reason string) error {
	if err := tx.DeleteConstraint(ctx, c.Record, c.EID); err != nil {
		return err
	}
	return s.appendEvent(ctx, tx, &store.Event{
		Kind: store.EventConstraintDeleted, Actor: actor.ID, Reason: reason, EIDs: []store.EID{c.EID}, Record: c.Record,
	}, ConstraintChange{Prev: constraintData(c)})
}

// Link links a record to a person (redirects followed) by a steward's
// decision: a manual link, scored against the person's other records for
// the steward to see, and a sticky must-link constraint. A cannot-link
// constraint of the record on that person, and must-link constraints on
// other persons, are removed: the latest decision stands. A steward's
// link is not vetoed by guard rails — they keep the matcher from linking
// automatically, and this is a human's decision. It returns the live
// person linked to. The record must be active.
func (s *Service) Link(ctx context.Context, actor Actor, record store.RecordKey, eid store.EID, reason string) (store.EID, error) {
	if err := checkActor(actor); err != nil {
		return "", err
	}
	record, err := checkRecordKey("record", record)
	if err != nil {
		return "", err
	}
	if eid, err = parseEIDField("eid", eid); err != nil {
		return "", err
	}
	if err := checkReason(reason); err != nil {
		return "", err
	}
	var live, prev store.EID
	err = s.update(ctx, func(tx store.Tx) error {
		var err error
		if prev, err = s.linkedPerson(ctx, tx, record); err != nil {
			return err
		}
		live, err = s.linkTx(ctx, tx, actor, record, eid, reason)
		return err
	})
	if err := s.auditDone(ctx, actor, "link", []store.EID{live, prev, eid}, []store.RecordKey{record}, err); err != nil {
		return "", fmt.Errorf("link record %s to person %s: %w", record, eid, err)
	}
	return live, nil
}

// linkTx is Link inside a transaction.
func (s *Service) linkTx(ctx context.Context, tx store.Tx, actor Actor, k store.RecordKey, eid store.EID, reason string) (store.EID, error) {
	rec, err := tx.Record(ctx, k)
	if err != nil {
		return "", notFound(err, "record "+k.String())
	}
	if rec.Status != store.RecordActive {
		return "", failedf("record %s is retracted", k)
	}
	p, err := s.follow(ctx, tx, eid)
	if err != nil {
		return "", err
	}
	cur, err := tx.Link(ctx, k)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	if cur.EID != p.EID || cur.Kind != store.LinkManual {
		others, err := s.otherRecords(ctx, tx, p.EID, k)
		if err != nil {
			return "", err
		}
		w, prob := s.bestScore(&rec, others)
		l := store.Link{Record: k, EID: p.EID, Kind: store.LinkManual, Weight: w, Probability: prob, Actor: actor.ID}
		if err := s.setLink(ctx, tx, l, reason); err != nil {
			return "", err
		}
	}
	cs, err := tx.Constraints(ctx, k)
	if err != nil {
		return "", err
	}
	for _, c := range cs {
		if c.EID == p.EID {
			continue // replaced by the must-link below
		}
		target, err := s.follow(ctx, tx, c.EID)
		if err != nil {
			return "", err
		}
		if c.Kind == store.MustLink || target.EID == p.EID {
			if err := s.deleteConstraint(ctx, tx, c, actor, reason); err != nil {
				return "", err
			}
		}
	}
	err = s.putConstraint(ctx, tx, store.Constraint{Kind: store.MustLink, Record: k, EID: p.EID, Actor: actor.ID, Reason: reason, At: store.StoredTime(s.now())})
	return p.EID, err
}

// Unlink takes a record out of its person onto a new person of its own
// (a manual link) and puts a sticky cannot-link constraint on the old
// person, so that re-matching never puts it back; the record's must-link
// constraints are removed. It returns the new EID. The record must be
// active and linked, and its person must hold other records (unlinking a
// person's only record is ErrFailedPrecondition: it is already alone).
func (s *Service) Unlink(ctx context.Context, actor Actor, record store.RecordKey, reason string) (store.EID, error) {
	if err := checkActor(actor); err != nil {
		return "", err
	}
	record, err := checkRecordKey("record", record)
	if err != nil {
		return "", err
	}
	if err := checkReason(reason); err != nil {
		return "", err
	}
	var old, neu store.EID
	err = s.update(ctx, func(tx store.Tx) error {
		old, neu = "", ""
		rec, err := tx.Record(ctx, record)
		if err != nil {
			return notFound(err, "record "+record.String())
		}
		if rec.Status != store.RecordActive {
			return failedf("record %s is retracted", record)
		}
		if old, err = s.linkedPerson(ctx, tx, record); err != nil {
			return err
		}
		if old == "" {
			return failedf("record %s has no link", record)
		}
		others, err := s.otherRecords(ctx, tx, old, record)
		if err != nil {
			return err
		}
		if len(others) == 0 {
			return failedf("record %s is the only record of person %s", record, old)
		}
		p, err := s.newPerson(ctx, tx, actor, reason)
		if err != nil {
			return err
		}
		neu = p.EID
		if err := s.setLink(ctx, tx, store.Link{Record: record, EID: neu, Kind: store.LinkManual, Actor: actor.ID}, reason); err != nil {
			return err
		}
		cs, err := tx.Constraints(ctx, record)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Kind == store.MustLink && c.EID != old {
				if err := s.deleteConstraint(ctx, tx, c, actor, reason); err != nil {
					return err
				}
			}
		}
		return s.putConstraint(ctx, tx, store.Constraint{Kind: store.CannotLink, Record: record, EID: old, Actor: actor.ID, Reason: reason, At: store.StoredTime(s.now())})
	})
	if err := s.auditDone(ctx, actor, "unlink", []store.EID{old, neu}, []store.RecordKey{record}, err); err != nil {
		return "", fmt.Errorf("unlink record %s: %w", record, err)
	}
	return neu, nil
}

// Merge merges person loser into person survivor: every active link of
// the loser moves to the survivor (a manual link each, scored against the
// survivor's records; one link.set event each), the loser becomes
// PersonMerged with MergedInto survivor — its EID redirects there forever
// — and one person.merged event records what Unmerge needs (MergeData:
// the moved records with their links in the loser). Golden records are
// rebuilt. Steward constraints are not re-pointed: they name the EID they
// were made on and are read through redirects.
//
// Refused: a person into itself (FieldError "survivor"); a loser or
// survivor already merged (ErrFailedPrecondition naming where it
// redirects: merge live persons); and, unless ForceMerge is given, a merge
// that cluster.Compatible vetoes or that a cannot-link constraint between
// the two persons forbids (ErrFailedPrecondition naming the veto).
func (s *Service) Merge(ctx context.Context, actor Actor, loser, survivor store.EID, reason string, opts ...MergeOption) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	loser, err := parseEIDField("loser", loser)
	if err != nil {
		return err
	}
	if survivor, err = parseEIDField("survivor", survivor); err != nil {
		return err
	}
	if loser == survivor {
		return invalid("survivor", "same person as loser")
	}
	if err := checkReason(reason); err != nil {
		return err
	}
	var moved []store.RecordKey
	err = s.update(ctx, func(tx store.Tx) error {
		moved = nil
		ls, err := tx.LinksTo(ctx, loser)
		for _, l := range ls {
			moved = append(moved, l.Record)
		}
		if err != nil {
			return err
		}
		return s.mergeTx(ctx, tx, actor, loser, survivor, reason, opts)
	})
	if err := s.auditDone(ctx, actor, "merge", []store.EID{survivor, loser}, moved, err); err != nil {
		return fmt.Errorf("merge person %s into %s: %w", loser, survivor, err)
	}
	return nil
}

// mergeTx is Merge inside a transaction.
func (s *Service) mergeTx(ctx context.Context, tx store.Tx, actor Actor, loser, survivor store.EID, reason string, opts []MergeOption) error {
	force := slices.Contains(opts, ForceMerge)
	lp, err := tx.Person(ctx, loser)
	if err != nil {
		return notFound(err, "person "+string(loser))
	}
	sp, err := tx.Person(ctx, survivor)
	if err != nil {
		return notFound(err, "person "+string(survivor))
	}
	if lp.Status == store.PersonMerged {
		return failedf("person %s is already merged into %s", loser, lp.MergedInto)
	}
	if sp.Status == store.PersonMerged {
		return failedf("person %s was merged into %s: merge into the live person", survivor, sp.MergedInto)
	}
	lrecs, err := s.otherRecords(ctx, tx, loser, store.RecordKey{})
	if err != nil {
		return err
	}
	srecs, err := s.otherRecords(ctx, tx, survivor, store.RecordKey{})
	if err != nil {
		return err
	}
	ev := mergeEvent{MergeData: MergeData{Loser: loser, Survivor: survivor, Moved: []MovedLink{}}}

	// The checks: the records across the two persons, and the steward's
	// cannot-link constraints between them.
	var vetoes []string
	if why, guards := cluster.Compatible(s.model, normalizedAll(s, lrecs), normalizedAll(s, srecs), s.cluster); why != cluster.ReasonNone {
		v := why.String()
		if guards != 0 {
			v += ": " + guards.String()
		}
		vetoes = append(vetoes, v)
	}
	var blocking []store.Constraint
	for _, side := range []struct {
		recs  []store.Record
		other store.EID
	}{{lrecs, survivor}, {srecs, loser}} {
		for _, r := range side.recs {
			cs, err := tx.Constraints(ctx, r.Key)
			if err != nil {
				return err
			}
			for _, c := range cs {
				if c.Kind != store.CannotLink {
					continue
				}
				if p, err := s.follow(ctx, tx, c.EID); err != nil {
					return err
				} else if p.EID == side.other {
					blocking = append(blocking, c)
				}
			}
		}
	}
	if len(blocking) > 0 {
		vetoes = append(vetoes, fmt.Sprintf("cannot_link: record %s", blocking[0].Record))
	}
	if len(vetoes) > 0 {
		if !force {
			return failedf("merge of person %s into %s refused (%s); a steward may force it", loser, survivor, strings.Join(vetoes, "; "))
		}
		ev.Forced = strings.Join(vetoes, "; ")
	}
	for _, c := range blocking {
		if err := s.deleteConstraint(ctx, tx, c, actor, reason); err != nil {
			return err
		}
		ev.Constraints = append(ev.Constraints, removedConstraint{Record: c.Record, ConstraintData: *constraintData(c)})
	}

	links, err := tx.LinksTo(ctx, loser)
	if err != nil {
		return err
	}
	slices.SortFunc(links, func(a, b store.Link) int { return compareRecordKey(a.Record, b.Record) })
	byKey := make(map[store.RecordKey]*store.Record, len(lrecs))
	for i := range lrecs {
		byKey[lrecs[i].Key] = &lrecs[i]
	}
	for _, l := range links {
		ev.Moved = append(ev.Moved, MovedFrom(l))
		nl := store.Link{Record: l.Record, EID: survivor, Kind: store.LinkManual, Actor: actor.ID}
		if r := byKey[l.Record]; r != nil {
			nl.Weight, nl.Probability = s.bestScore(r, srecs)
		}
		if err := s.setLink(ctx, tx, nl, reason); err != nil {
			return err
		}
	}
	if lp, err = tx.Person(ctx, loser); err != nil {
		return err
	}
	lp.Status, lp.MergedInto = store.PersonMerged, survivor
	lp.Version++
	lp.Updated = s.now()
	if err := tx.PutPerson(ctx, lp); err != nil {
		return err
	}
	return s.appendEvent(ctx, tx, &store.Event{
		Kind: store.EventMerged, Actor: actor.ID, Reason: reason, EIDs: []store.EID{survivor, loser},
	}, ev)
}

func normalizedAll(s *Service, recs []store.Record) []*matching.Record {
	out := make([]*matching.Record, len(recs))
	for i := range recs {
		out[i] = s.normalized(&recs[i])
	}
	return out
}

// Unmerge undoes the latest merge of loser: the loser is live again, the
// records the merge moved go back to it with exactly the links they had
// there (kind, weight, probability), the cannot-link constraints a forced
// merge removed are put back, and both golden records are rebuilt — from
// the person.merged event's data, in one transaction logged as
// person.unmerged plus one link.set per record moved back.
//
// What happened since the merge:
//   - the survivor merged into a third person: refused
//     (ErrFailedPrecondition naming it) — unmerge that merge first;
//   - a moved record linked to another person since (a steward's Link or
//     Unlink, or re-matching of a new version): refused
//     (ErrFailedPrecondition naming the record key), since putting it
//     back would undo a later decision silently; move it back to the
//     survivor first, or leave the persons merged;
//   - a moved record retracted since: it stays retracted (no link);
//   - records linked to the survivor after the merge stay with the survivor.
func (s *Service) Unmerge(ctx context.Context, actor Actor, loser store.EID, reason string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	loser, err := parseEIDField("loser", loser)
	if err != nil {
		return err
	}
	if err := checkReason(reason); err != nil {
		return err
	}
	var survivor store.EID
	var moved []store.RecordKey
	err = s.update(ctx, func(tx store.Tx) error {
		var err error
		survivor, moved, err = s.unmergeTx(ctx, tx, actor, loser, reason)
		return err
	})
	if err := s.auditDone(ctx, actor, "unmerge", []store.EID{loser, survivor}, moved, err); err != nil {
		return fmt.Errorf("unmerge person %s: %w", loser, err)
	}
	return nil
}

func (s *Service) unmergeTx(ctx context.Context, tx store.Tx, actor Actor, loser store.EID, reason string) (store.EID, []store.RecordKey, error) {
	lp, err := tx.Person(ctx, loser)
	if err != nil {
		return "", nil, notFound(err, "person "+string(loser))
	}
	if lp.Status != store.PersonMerged {
		return "", nil, failedf("person %s is not merged", loser)
	}
	evs, err := tx.Events(ctx, store.EventFilter{EID: loser})
	if err != nil {
		return "", nil, err
	}
	var merge *store.Event
	var data mergeEvent
	for i := len(evs) - 1; i >= 0 && merge == nil; i-- {
		e := &evs[i]
		if e.Kind != store.EventMerged {
			continue
		}
		var d mergeEvent
		if err := json.Unmarshal(e.Data, &d); err != nil {
			return "", nil, fmt.Errorf("event %d: %w", e.Seq, err)
		}
		if d.Loser == loser {
			merge, data = e, d
		}
	}
	if merge == nil || data.Survivor != lp.MergedInto {
		return "", nil, fmt.Errorf("person %s: merged into %s, but the event log holds no such merge", loser, lp.MergedInto)
	}
	survivor := data.Survivor
	sp, err := tx.Person(ctx, survivor)
	if err != nil {
		return survivor, nil, notFound(err, "person "+string(survivor))
	}
	if sp.Status == store.PersonMerged {
		return survivor, nil, failedf("person %s was merged into %s since: unmerge it first", survivor, sp.MergedInto)
	}

	back := make([]MovedLink, 0, len(data.Moved))
	var keys []store.RecordKey
	links := make([]store.Link, 0, len(data.Moved))
	for _, m := range data.Moved {
		rec, err := tx.Record(ctx, m.Record)
		if err != nil {
			return survivor, nil, notFound(err, "record "+m.Record.String())
		}
		if rec.Status != store.RecordActive {
			continue // retracted since: it stays without a link
		}
		cur, err := tx.Link(ctx, m.Record)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return survivor, nil, err
		}
		if cur.EID != survivor {
			return survivor, nil, failedf("record %s is linked to person %s since the merge, not %s", m.Record, cur.EID, survivor)
		}
		back = append(back, MovedFrom(cur))
		keys = append(keys, m.Record)
		links = append(links, store.Link{Record: m.Record, EID: loser, Kind: m.Kind, Weight: m.Weight, Probability: m.Probability, Actor: actor.ID})
	}

	// The loser is live before the links come back: the log never links a
	// record to a merged person.
	lp.Status, lp.MergedInto = store.PersonActive, ""
	lp.Version++
	lp.Updated = s.now()
	if err := tx.PutPerson(ctx, lp); err != nil {
		return survivor, nil, err
	}
	if err := s.appendEvent(ctx, tx, &store.Event{
		Kind: store.EventUnmerged, Actor: actor.ID, Reason: reason, EIDs: []store.EID{loser, survivor},
	}, UnmergeData{Loser: loser, Survivor: survivor, Moved: back, MergeSeq: merge.Seq}); err != nil {
		return survivor, nil, err
	}
	for _, l := range links {
		if err := s.setLink(ctx, tx, l, reason); err != nil {
			return survivor, nil, err
		}
	}
	if len(links) == 0 {
		// Nothing moved back: the loser's golden record is rebuilt anyway
		// (empty), as after any change to it.
		if err := s.rebuildGolden(ctx, tx, loser); err != nil {
			return survivor, nil, err
		}
	}
	for _, c := range data.Constraints {
		if err := s.putConstraint(ctx, tx, store.Constraint{
			Kind: c.Kind, Record: c.Record, EID: c.EID, Actor: c.Actor, Reason: c.Reason, At: c.At,
		}); err != nil {
			return survivor, nil, err
		}
	}
	return survivor, keys, nil
}

// History returns the events of a person and of the persons merged into
// it (that still redirect to it), in log order. It does not follow the
// EID's own redirect: the history of a merged-away EID is its own.
func (s *Service) History(ctx context.Context, actor Actor, eid store.EID) ([]store.Event, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	eid, err := parseEIDField("eid", eid)
	if err != nil {
		return nil, err
	}
	var out []store.Event
	var names []store.EID
	err = s.store.View(ctx, func(tx store.Tx) error {
		out = nil
		if _, err := tx.Person(ctx, eid); err != nil {
			return notFound(err, "person "+string(eid))
		}
		var err error
		if names, err = s.aliases(ctx, tx, eid); err != nil {
			return err
		}
		seen := make(map[int64]bool)
		for _, n := range names {
			evs, err := tx.Events(ctx, store.EventFilter{EID: n})
			if err != nil {
				return err
			}
			for _, e := range evs {
				if !seen[e.Seq] {
					seen[e.Seq] = true
					out = append(out, e)
				}
			}
		}
		slices.SortFunc(out, func(a, b store.Event) int { return cmp.Compare(a.Seq, b.Seq) })
		return nil
	})
	var recs []store.RecordKey
	for _, e := range out {
		if e.Record.Valid() && !slices.Contains(recs, e.Record) {
			recs = append(recs, e.Record)
		}
	}
	if err := s.auditDone(ctx, actor, "history", names, recs, err); err != nil {
		return nil, fmt.Errorf("history of person %s: %w", eid, err)
	}
	return out, nil
}
