package api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
)

// Steward operations: the review queue (Tasks, ClaimTask, ResolveTask) and
// the direct decisions (Link, Unlink, Merge, Unmerge), each one
// transaction that changes links, persons and constraints through the
// helpers every other change uses (setLink, removeLink, newPerson,
// rebuildGolden) and logs each change with the steward's ID and reason
// (events.go). Every call, read or write, is audited. The review queue is
// in tasks.go, Link and Unlink (and the constraints they put) in links.go,
// Merge and Unmerge in merges.go, History in history.go; this file holds
// what they share.
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

// Limits of steward requests.
const (
	maxReasonLen = 1024
	// maxTaskPage bounds the tasks one Tasks call returns; page on with
	// TaskFilter.AfterID.
	maxTaskPage = 500
)

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
	model := s.model.Load()
	var best *matching.Score
	for i := range others {
		sc := model.Score(m, s.normalized(&others[i]))
		if best == nil || sc.Weight > best.Weight {
			best = &sc
		}
	}
	if best == nil {
		return 0, 0
	}
	return best.Weight, best.Probability()
}
