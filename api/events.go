package api

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vnhealth/mpi/store"
)

// The event log conventions. Every operation of the Service — resolve,
// retract, and the steward operations — appends its events in the same
// transaction as the change, with the actor and reason, and with Data as
// below (JSON). Verify replays the log and must arrive at exactly the
// current links and merge redirects, so every change to either MUST be
// logged as follows:
//
//   - store.EventRecordPut: a new version of a source record. Record is its
//     key; Data RecordVersion{Version, Hash}.
//   - store.EventRecordRetracted: the source withdrew the record (a new
//     version with status retracted). Data RecordVersion. The link removal
//     is logged separately (EventUnlinked).
//   - store.EventPersonCreated: a new EID. EIDs [eid]; no Data.
//   - store.EventLinked ("link.set"): a record's active link was set —
//     a new link, a move to another person, or a re-scored link to the
//     same person. Record is the record; EIDs [new] or [new, previous];
//     Data LinkChange with EID (new), Kind, Weight, Probability and the
//     previous link's Prev, PrevKind, PrevWeight, PrevProbability (Prev ""
//     when the record had no link).
//   - store.EventUnlinked ("link.removed"): a record's active link ended and
//     it has none. EIDs [previous]; Data LinkChange with only the Prev
//     fields set.
//   - store.EventMerged ("person.merged"): Loser now redirects to Survivor.
//     EIDs [survivor, loser]; Data MergeData: the records moved, with
//     the links they had in Loser, and for a forced merge the veto it
//     overrode and the cannot-link constraints it deleted (each also
//     logged as store.EventConstraintDeleted). The records moved are logged
//     one store.EventLinked each (before or after the merge event, in the
//     same transaction).
//   - store.EventUnmerged ("person.unmerged"): Loser is live again. EIDs
//     [loser, survivor]; Data UnmergeData, and one store.EventLinked per
//     record moved back.
//   - store.EventTaskOpened: a review task. TaskID and Data TaskData.
//
// Replay (Verify) applies link.set (record → Data.EID), link.removed
// (record → none), person.merged (Loser → Survivor) and person.unmerged
// (Loser → live) in Seq order.

// RecordVersion is the Data of store.EventRecordPut and
// store.EventRecordRetracted.
type RecordVersion struct {
	Version int32  `json:"version"`
	Hash    string `json:"hash"`
}

// LinkChange is the Data of store.EventLinked and store.EventUnlinked: the
// new link (EID "" for a removal) and the link it replaced (Prev "" when
// there was none) — enough to undo the change.
type LinkChange struct {
	EID         store.EID      `json:"eid,omitempty"`
	Kind        store.LinkKind `json:"kind,omitempty"`
	Weight      float64        `json:"weight,omitempty"`
	Probability float64        `json:"probability,omitempty"`

	Prev            store.EID      `json:"prev,omitempty"`
	PrevKind        store.LinkKind `json:"prev_kind,omitempty"`
	PrevWeight      float64        `json:"prev_weight,omitempty"`
	PrevProbability float64        `json:"prev_probability,omitempty"`
}

// MovedLink is a record a merge or unmerge moved, with the link it had
// before the move (Kind, Weight, Probability, Actor, Reason of that link).
type MovedLink struct {
	Record      store.RecordKey `json:"record"`
	Kind        store.LinkKind  `json:"kind"`
	Weight      float64         `json:"weight,omitempty"`
	Probability float64         `json:"probability,omitempty"`
	Actor       string          `json:"actor,omitempty"`
	Reason      string          `json:"reason,omitempty"`
}

// MovedFrom describes l as a MovedLink.
func MovedFrom(l store.Link) MovedLink {
	return MovedLink{Record: l.Record, Kind: l.Kind, Weight: l.Weight, Probability: l.Probability, Actor: l.Actor, Reason: l.Reason}
}

// MergeData is the Data of store.EventMerged: Loser was merged into
// Survivor, and Moved lists the records moved from Loser to Survivor with
// their links in Loser — with Constraints, what an unmerge restores.
type MergeData struct {
	Loser    store.EID   `json:"loser"`
	Survivor store.EID   `json:"survivor"`
	Moved    []MovedLink `json:"moved"`
	// Constraints are the cannot-link constraints between the two persons
	// that a forced merge deleted, each with its record; Unmerge puts them
	// back.
	Constraints []RemovedConstraint `json:"removed_constraints,omitempty"`
	// Forced names the vetoes a forced merge overrode ("guard_rail:
	// different_citizen_id", "cannot_link: record …", joined by "; "); ""
	// when nothing was overridden.
	Forced string `json:"forced,omitempty"`
}

// RemovedConstraint is a constraint a forced merge deleted: its record and
// the constraint as it was.
type RemovedConstraint struct {
	Record store.RecordKey `json:"record"`
	ConstraintData
}

// UnmergeData is the Data of store.EventUnmerged: Loser is live again and
// Moved lists the records moved back from Survivor to Loser, with their
// links in Survivor. MergeSeq is the Seq of the merge event undone (0 when
// unknown).
type UnmergeData struct {
	Loser    store.EID   `json:"loser"`
	Survivor store.EID   `json:"survivor"`
	Moved    []MovedLink `json:"moved"`
	MergeSeq int64       `json:"merge_seq,omitempty"`
}

// TaskData is the Data of store.EventTaskOpened.
type TaskData struct {
	TaskID int64          `json:"task_id"`
	Kind   store.TaskKind `json:"kind"`
}

// appendEvent fills in e.At (now) and e.Data (data as JSON; none when data
// is nil) and appends e to the event log.
func (s *Service) appendEvent(ctx context.Context, tx store.Tx, e *store.Event, data any) error {
	if e.At.IsZero() {
		e.At = s.now()
	}
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return fmt.Errorf("event %s: encoding data: %w", e.Kind, err)
		}
		e.Data = b
	}
	return tx.AppendEvent(ctx, e)
}

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
