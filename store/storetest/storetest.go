// Package storetest is the conformance suite every store.Store backend
// passes (the pattern of dex's storage/conformance and testing/fstest): a
// backend's test calls Run with a function that opens a fresh, empty store,
// and Run checks every method of store.Store and store.Tx against the
// contract documented in package store, including the concurrency
// properties the resolve workflow relies on.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, storetest.Backend{
//			Open:    func(t *testing.T) store.Store { return openTemp(t) },
//			Restore: func(t *testing.T, backup []byte) store.Store { return openFrom(t, backup) },
//		})
//	}
//
// Where the contract leaves a choice open, the suite pins it down so that
// every backend behaves alike:
//   - key order (ForEachRecord, ForEachLink) is byte order of Source, then
//     of LocalID, as Go compares strings; EID order (ForEachPerson) is byte
//     order of the EID;
//   - a RecordKey with an empty part or a NUL byte, a malformed EID and an
//     unknown enum value are ErrInvalid;
//   - RecordVersions of a record that does not exist is ErrNotFound, and
//     PutTask with the ID of a task that does not exist is ErrNotFound;
//   - Counts.OpenTasks counts tasks with Status TaskOpen (not claimed ones);
//   - AuditFilter.Since is inclusive, AfterSeq and AfterID exclusive;
//   - JSON payloads (Event.Data, TaskCandidate.Explanation) round-trip as
//     JSON values: a backend may re-format them (PostgreSQL jsonb does);
//   - Update may fail with ErrConflict under contention (the contract
//     allows it after bounded retries), but most contending writers must
//     get through.
package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/vnhealth/mpi/store"
)

// Backend is what Run needs to test one store implementation.
type Backend struct {
	// Open returns a fresh, empty store for one subtest; it registers its
	// own cleanup with t (closing the store and removing its data; a
	// store that the subtest already closed returns ErrClosed there).
	Open func(t *testing.T) store.Store
	// Restore opens a store from the bytes Backup wrote (for bolt the
	// file itself, for PostgreSQL a restored dump) and registers its
	// cleanup. Nil: backups are only checked to be non-empty.
	Restore func(t *testing.T, backup []byte) store.Store
}

// Run runs the conformance suite against b, each subtest on a store of its
// own and in parallel with the others.
func Run(t *testing.T, b Backend) {
	t.Helper()
	if b.Open == nil {
		t.Fatal("storetest: Backend.Open is nil")
	}
	tests := []struct {
		name string
		fn   func(*testing.T, Backend)
	}{
		{"RecordVersions", testRecordVersions},
		{"RecordRoundTrip", testRecordRoundTrip},
		{"RecordInvalid", testRecordInvalid},
		{"Records", testRecords},
		{"CandidatesByAnyKey", testCandidatesByAnyKey},
		{"CandidatesNewVersionReplacesKeys", testCandidatesNewVersion},
		{"CandidatesRetracted", testCandidatesRetracted},
		{"CandidatesPerKeyCap", testCandidatesPerKeyCap},
		{"PersonRecords", testPersonRecords},
		{"NewEID", testNewEID},
		{"NewEIDConcurrent", testNewEIDConcurrent},
		{"NewEIDAfterRollback", testNewEIDAfterRollback},
		{"Persons", testPersons},
		{"PersonInvalid", testPersonInvalid},
		{"Links", testLinks},
		{"LinkInvalid", testLinkInvalid},
		{"Constraints", testConstraints},
		{"Tasks", testTasks},
		{"TaskFilters", testTaskFilters},
		{"Events", testEvents},
		{"EventFilters", testEventFilters},
		{"Audit", testAudit},
		{"AuditFilters", testAuditFilters},
		{"AuditConcurrent", testAuditConcurrent},
		{"AuditInTx", testAuditInTx},
		{"ForEachRecord", testForEachRecord},
		{"ForEachPerson", testForEachPerson},
		{"ForEachLink", testForEachLink},
		{"Counts", testCounts},
		{"UpdateCommits", testUpdateCommits},
		{"UpdateRollsBack", testUpdateRollsBack},
		{"UpdateCanceled", testUpdateCanceled},
		{"ViewIsReadOnly", testViewReadOnly},
		{"ViewSnapshot", testViewSnapshot},
		{"ConcurrentResolveOnePerson", testConcurrentResolve},
		{"Backup", testBackup},
		{"Close", testClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, b)
		})
	}
}

// errRollback is what test transactions return to roll back.
var errRollback = errors.New("storetest: roll back")

// update runs fn in s.Update and fails the test on error.
func update(t *testing.T, s store.Store, fn func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	ctx := t.Context()
	if err := s.Update(ctx, func(tx store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// view runs fn in s.View and fails the test on error.
func view(t *testing.T, s store.Store, fn func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	ctx := t.Context()
	if err := s.View(ctx, func(tx store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// wantErr fails the test unless err is (or wraps) want.
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error %v, want %v", what, err, want)
	}
}
