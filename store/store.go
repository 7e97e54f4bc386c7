// Package store defines the MPI's system of record: source records with
// their versions, persons (EIDs) with golden records and merge redirects,
// links with history, sticky steward constraints, review tasks, an
// append-only event log and a hash-chained audit log — and the Store
// interface every backend implements (store/bolt, the embedded default;
// store/postgres). store/storetest is the conformance suite both pass.
//
// A Store holds data and keeps it consistent under concurrency; it holds no
// matching logic. The workflow (package api) composes the operations of a
// Tx: it reads candidates, scores them, decides, and writes the record, the
// link, the task and the events in one Update.
//
// No method logs, and no error carries patient data: errors name record
// keys, EIDs, task IDs and fields, never demographics.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/vnhealth/mpi/matching"
)

// Sentinel errors. Backends wrap them (errors.Is works) with context that
// carries no patient data.
var (
	// ErrNotFound: no record, person, link, task or constraint by that key.
	ErrNotFound = errors.New("store: not found")
	// ErrExists: a create found the key taken.
	ErrExists = errors.New("store: already exists")
	// ErrConflict: an optimistic check failed (a record version that is
	// not the next one), or a transaction still failed to serialize after
	// Update's retries.
	ErrConflict = errors.New("store: conflict")
	// ErrInvalid: an argument the store cannot hold (an empty key, an
	// unknown enum value).
	ErrInvalid = errors.New("store: invalid argument")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store: closed")
)

// Store is a backend. All methods are safe for concurrent use.
type Store interface {
	// Update runs fn in a read-write transaction and commits it when fn
	// returns nil. A transaction that fails to serialize with a
	// concurrent one is rolled back and fn is run again (a bounded number
	// of times, then ErrConflict): fn must have no effects outside tx.
	// Once Update returns nil the changes are durable.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// View runs fn in a read-only transaction over a consistent snapshot.
	// Tx's write methods return ErrInvalid in it.
	View(ctx context.Context, fn func(tx Tx) error) error
	// Audit appends entries to the audit log, in order and together, in
	// a transaction of its own (reads are audited outside any write); once
	// it returns they are durable. Their Seq, Prev and Hash are set when
	// they join the hash chain: bolt chains them at once and fills the
	// fields in; PostgreSQL chains them in the background and before any
	// AuditLog read, and leaves them zero.
	Audit(ctx context.Context, entries ...*AuditEntry) error
	// AuditLog returns audit entries in Seq order.
	AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
	// Backup writes a consistent copy of the whole store to w while the
	// store stays live: for bolt a bolt file, for PostgreSQL a pg_dump
	// archive.
	Backup(ctx context.Context, w io.Writer) error
	// Close releases the store. Further calls return ErrClosed.
	Close() error
}

// Tx is one transaction. Its methods must be called from one goroutine
// and only inside the Update or View that provided it.
type Tx interface {
	// Record returns the current version of a source record, active or
	// retracted.
	Record(ctx context.Context, k RecordKey) (Record, error)
	// Records returns the current versions of the records that exist
	// among ks, in no particular order; missing keys are skipped.
	Records(ctx context.Context, ks []RecordKey) ([]Record, error)
	// RecordVersions returns every version of a record, oldest first.
	RecordVersions(ctx context.Context, k RecordKey) ([]Record, error)
	// PutRecord stores r as the record's new current version: r.Version
	// must be 1 for a new record and the current version + 1 otherwise
	// (else ErrConflict). The blocking-key index then holds r.Keys for it
	// — none when r is retracted — and earlier versions stay readable.
	PutRecord(ctx context.Context, r Record) error
	// Candidates returns the active records indexed under any of keys,
	// each once, with the person each is linked to. A key that indexes
	// more than perKey active records is an oversized block: it is
	// skipped (its records are not returned through it) and counted in
	// CandidateSet.Capped. perKey <= 0 means no cap.
	Candidates(ctx context.Context, keys []uint64, perKey int) (CandidateSet, error)
	// PersonRecords returns the active records linked to any of eids,
	// with their EIDs.
	PersonRecords(ctx context.Context, eids []EID) ([]Candidate, error)

	// NewEID allocates an EID that was never handed out before (not even
	// by a transaction that rolled back) and never will be again.
	NewEID(ctx context.Context) (EID, error)
	// Person returns a person by EID, merged-away ones included (Status
	// PersonMerged, MergedInto set); it does not follow redirects.
	Person(ctx context.Context, eid EID) (Person, error)
	// PersonHead returns what a cache of persons checks before using
	// what it holds — status, redirect and version, without the golden
	// record — by EID, merged-away persons included (it does not follow
	// redirects). ErrNotFound when there is no such person.
	PersonHead(ctx context.Context, eid EID) (PersonHead, error)
	// PutPerson creates or replaces a person. p.Version must be the
	// stored version + 1 (1 for a new person), else ErrConflict.
	PutPerson(ctx context.Context, p Person) error

	// Link returns the active link of a record (ErrNotFound: none).
	Link(ctx context.Context, k RecordKey) (Link, error)
	// SetLink makes l the active link of l.Record; the link it replaces,
	// if any, stays in the record's link history.
	SetLink(ctx context.Context, l Link) error
	// RemoveLink ends the active link of a record (it stays in history):
	// afterwards the record has none. ErrNotFound when it had none.
	RemoveLink(ctx context.Context, k RecordKey) error
	// LinksTo returns the active links to a person.
	LinksTo(ctx context.Context, eid EID) ([]Link, error)
	// LinkHistory returns every link a record ever had, oldest first, the
	// active one last.
	LinkHistory(ctx context.Context, k RecordKey) ([]Link, error)

	// Constraints returns the steward constraints on a record.
	Constraints(ctx context.Context, k RecordKey) ([]Constraint, error)
	// PutConstraint stores c, replacing a constraint on the same
	// (Record, EID).
	PutConstraint(ctx context.Context, c Constraint) error
	// DeleteConstraint removes the constraint on (k, eid); ErrNotFound
	// when there is none.
	DeleteConstraint(ctx context.Context, k RecordKey, eid EID) error

	// PutTask creates a task (t.ID == 0: an ID is assigned and written
	// back) or replaces one.
	PutTask(ctx context.Context, t *Task) error
	// Task returns a task by ID.
	Task(ctx context.Context, id int64) (Task, error)
	// Tasks returns the tasks matching f in ID order.
	Tasks(ctx context.Context, f TaskFilter) ([]Task, error)

	// AppendEvent appends e to the event log, assigning e.Seq (strictly
	// increasing in commit order within a backend): bolt at once;
	// PostgreSQL when it sends the append, ahead of the transaction's next
	// statement that needs a reply — at the latest when Update returns.
	// (PostgreSQL likewise reports a failed PutPerson, SetLink,
	// AppendEvent or AppendAudit from the call that sends it, or from
	// Update; such a failure — a PutPerson of a stale version too —
	// aborts its transaction there, where bolt's leaves it usable.)
	AppendEvent(ctx context.Context, e *Event) error
	// Events returns the events matching f in Seq order.
	Events(ctx context.Context, f EventFilter) ([]Event, error)

	// ForEachRecord calls fn with the current version of every record,
	// in key order; an error from fn stops the walk and is returned.
	ForEachRecord(ctx context.Context, fn func(Record) error) error
	// ForEachPerson calls fn with every person, in EID order.
	ForEachPerson(ctx context.Context, fn func(Person) error) error
	// ForEachLink calls fn with every active link, in record key order.
	ForEachLink(ctx context.Context, fn func(Link) error) error
	// Counts returns how much the store holds.
	Counts(ctx context.Context) (Counts, error)
}

// OneWriter is implemented by a Store whose write transactions run one at
// a time (bolt): whatever a caller does inside Update holds up every other
// writer, so the workflow does what it can before it, in a View. Where
// writers run concurrently (PostgreSQL) that would only add reads.
type OneWriter interface {
	OneWriter()
}

// Advisor is implemented by a Store that can tell what in its server's
// settings will slow resolves down (PostgreSQL), one line each for an
// operator to read; the lines name settings, never data.
type Advisor interface {
	Advice() []string
}

// TxAuditor is implemented by the write transactions of a backend that
// can append audit entries inside them without making concurrent
// transactions conflict: bolt, whose writer is one at a time, chains them
// at once; PostgreSQL writes them unchained and chains them later (see
// Store.Audit). The entries commit with the transaction or not at all,
// which saves a commit per audited write.
type TxAuditor interface {
	// AppendAudit appends entries to the audit log as Store.Audit does,
	// in this transaction. It returns ErrInvalid in a read-only
	// transaction.
	AppendAudit(ctx context.Context, entries ...*AuditEntry) error
}

// RecordKey is a source record's natural key: the facility or system code
// and the record's ID there.
type RecordKey struct {
	Source  string `json:"source"`
	LocalID string `json:"local_id"`
}

// String returns "source/local_id" (IDs, not demographics: safe to log).
func (k RecordKey) String() string { return k.Source + "/" + k.LocalID }

// Valid reports whether both parts are set.
func (k RecordKey) Valid() bool { return k.Source != "" && k.LocalID != "" }

// RecordStatus is whether a record still counts.
type RecordStatus uint8

// Record statuses.
const (
	RecordActive RecordStatus = iota + 1
	// RecordRetracted: the source withdrew the record; it has no active
	// link and no blocking keys.
	RecordRetracted
)

// Record is one version of a source record.
type Record struct {
	Key     RecordKey
	Version int32
	// Raw is the record as received.
	Raw matching.Raw
	// Hash identifies the content (the workflow's choice of hash over
	// Raw): the same content sent again is recognised by it.
	Hash   string
	Status RecordStatus
	// Keys are the blocking-key hashes of this version (blocking.KeyHashes).
	Keys     []uint64
	Received time.Time
}

// Candidate is an active record with the person it is linked to ("" when
// it has no active link).
type Candidate struct {
	Record Record
	EID    EID
}

// CandidateSet is what Candidates found.
type CandidateSet struct {
	Candidates []Candidate
	// Capped counts the keys skipped as oversized blocks.
	Capped int
}

// PersonStatus is whether an EID is live.
type PersonStatus uint8

// Person statuses.
const (
	PersonActive PersonStatus = iota + 1
	// PersonMerged: merged into MergedInto, which it redirects to forever.
	PersonMerged
)

// Person is an enterprise patient ID and its golden record.
type Person struct {
	EID    EID
	Status PersonStatus
	// MergedInto is the survivor of a merge (Status PersonMerged).
	MergedInto EID
	Golden     Golden
	// Version counts changes to the person, its golden record and its
	// links: caches key on EID@Version.
	Version int64
	Created time.Time
	Updated time.Time
}

// PersonHead is the small part of a Person that says whether what a cache
// holds for it is current: a view cached under EID@Version is current as
// long as the person is at that version (every change to the person, its
// golden record or its links raises Version; a merge raises the loser's).
type PersonHead struct {
	EID        EID
	Status     PersonStatus
	MergedInto EID
	Version    int64
}

// Head returns p's PersonHead.
func (p *Person) Head() PersonHead {
	return PersonHead{EID: p.EID, Status: p.Status, MergedInto: p.MergedInto, Version: p.Version}
}

// Golden is a person's best-known demographics, each field with the record
// it came from (survivorship rules in package api).
type Golden struct {
	Name        GoldenField `json:"name"`
	Sex         GoldenField `json:"sex"`
	BirthDate   GoldenField `json:"birth_date"`
	CitizenID   GoldenField `json:"citizen_id"`
	InsuranceNo GoldenField `json:"insurance_no"`
	Phone       GoldenField `json:"phone"`
	Province    GoldenField `json:"province"`
	Ward        GoldenField `json:"ward"`
	Address     GoldenField `json:"address"`
}

// GoldenField is one field of a golden record.
type GoldenField struct {
	Value string    `json:"value,omitempty"`
	From  RecordKey `json:"from"`
}

// LinkKind says how a link was made.
type LinkKind uint8

// Link kinds.
const (
	// LinkAuto: the matcher linked the record (a match, or a new person).
	LinkAuto LinkKind = iota + 1
	// LinkManual: a data steward linked it.
	LinkManual
)

// Link ties a record to a person.
type Link struct {
	Record      RecordKey
	EID         EID
	Kind        LinkKind
	Weight      float64
	Probability float64
	Actor       string
	Reason      string
	At          time.Time
}

// ConstraintKind is a steward's sticky decision.
type ConstraintKind uint8

// Constraint kinds.
const (
	// MustLink: the record belongs to the person, whatever the matcher says.
	MustLink ConstraintKind = iota + 1
	// CannotLink: the record never links to the person.
	CannotLink
)

// Constraint is a sticky steward decision about a record and a person. It
// survives new versions of the record and new models.
type Constraint struct {
	Kind   ConstraintKind
	Record RecordKey
	EID    EID
	Actor  string
	Reason string
	At     time.Time
}

// TaskKind is what a review task asks.
type TaskKind uint8

// Task kinds.
const (
	// TaskPossibleMatch: a record scored in the review band against one or
	// more persons.
	TaskPossibleMatch TaskKind = iota + 1
	// TaskPossibleDuplicate: two or more persons may be one (a record that
	// strongly matches several persons raises it). Never merged
	// automatically.
	TaskPossibleDuplicate
)

// TaskStatus is where a task stands.
type TaskStatus uint8

// Task statuses.
const (
	TaskOpen TaskStatus = iota + 1
	TaskClaimed
	TaskResolved
)

// Task is a review task for a data steward.
type Task struct {
	ID     int64
	Kind   TaskKind
	Status TaskStatus
	// Record is the record that raised the task.
	Record RecordKey
	// Candidates are the persons in question, with the scores that raised
	// the task.
	Candidates []TaskCandidate
	Created    time.Time
	// Assignee is who claimed it.
	Assignee string
	// Outcome, Resolver, Reason and Resolved are set on resolution.
	Outcome  string
	Resolver string
	Reason   string
	Resolved time.Time
}

// TaskCandidate is one person in a task with its score.
type TaskCandidate struct {
	EID         EID     `json:"eid"`
	Probability float64 `json:"probability"`
	Weight      float64 `json:"weight"`
	// Explanation is the matcher's explanation (matching.Explanation as
	// JSON) of the best-scoring pair.
	Explanation json.RawMessage `json:"explanation,omitempty"`
}

// TaskFilter selects tasks; zero fields select everything.
type TaskFilter struct {
	Kind   TaskKind
	Status TaskStatus
	Record RecordKey
	// EID selects tasks with the person among their candidates.
	EID     EID
	AfterID int64
	Limit   int
}

// EventKind names a change.
type EventKind string

// Event kinds. Data holds what undoing the change needs (package api
// defines the payloads).
const (
	EventRecordPut         EventKind = "record.put"
	EventRecordRetracted   EventKind = "record.retracted"
	EventPersonCreated     EventKind = "person.created"
	EventLinked            EventKind = "link.set"
	EventUnlinked          EventKind = "link.removed"
	EventMerged            EventKind = "person.merged"
	EventUnmerged          EventKind = "person.unmerged"
	EventConstraintPut     EventKind = "constraint.put"
	EventConstraintDeleted EventKind = "constraint.deleted"
	EventTaskOpened        EventKind = "task.opened"
	EventTaskClaimed       EventKind = "task.claimed"
	EventTaskResolved      EventKind = "task.resolved"
)

// Event is one entry of the append-only event log.
type Event struct {
	Seq    int64
	At     time.Time
	Kind   EventKind
	Actor  string
	Reason string
	// EIDs are the persons the change touched.
	EIDs   []EID
	Record RecordKey
	TaskID int64
	Data   json.RawMessage
}

// EventFilter selects events; zero fields select everything.
type EventFilter struct {
	EID      EID
	Record   RecordKey
	AfterSeq int64
	Limit    int
}

// Counts summarises a store.
type Counts struct {
	Records       int64 `json:"records"`
	ActiveRecords int64 `json:"active_records"`
	Persons       int64 `json:"persons"`
	ActivePersons int64 `json:"active_persons"`
	Links         int64 `json:"links"`
	OpenTasks     int64 `json:"open_tasks"`
	Events        int64 `json:"events"`
}
