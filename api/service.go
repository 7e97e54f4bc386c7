package api

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/cluster"
	"github.com/vnhealth/mpi/store"
)

// Options configure a Service. The zero value is usable.
type Options struct {
	// Model scores record pairs; default matching.DefaultModel().
	Model *matching.Model
	// Now is the clock; default time.Now.
	Now func() time.Time
	// PerKey caps the candidates one blocking key may bring: a key that
	// indexes more active records is an oversized block and is skipped
	// (store.Tx.Candidates; counted in Result.Capped). Default 200; a
	// negative value means no cap. Measured on bolt
	// (BenchmarkResolveLargeBlock, 2 cores): a candidate record costs
	// about 4.5 µs to read, normalize (cached) and score, so a full block
	// of 200 adds about 1 ms to a resolve, and a record whose keys all
	// sit in full blocks (at most 11 rules) about 10 ms. On generated data
	// of 12,000 records no key reaches 50.
	PerKey int
	// CacheSize bounds the cache of normalized records (entries); default
	// 200,000, about 120 MB (a normalized record and its key take about
	// 600 bytes); a negative value turns the cache off. A store whose
	// active records outnumber it normalizes candidates again: importing
	// the last 20,000 of 124,000 generated records with 50,000 entries
	// spent 7% of its CPU normalizing and caching.
	CacheSize int
	// SourceTrust ranks sources for survivorship: higher is more trusted;
	// a source not listed ranks 0 (see golden.go).
	SourceTrust map[string]int
	// Persons, when set, serves the person views of Person, LookupSource
	// and the look-ups by identifier by live EID and version
	// (personcache.go): a cache
	// shared by replicas, package api/peercache. Nil: views are read from
	// the store.
	Persons PersonCache
	// Cluster tunes the veto that keeps a record out of a person it
	// contradicts (cluster.Compatible, the same check the bulk dedupe
	// applies); the zero value is the dedupe's default.
	Cluster cluster.Options
	// LinkDominant lets a record that is auto-linkable to two or more
	// persons link to the strongest when it belongs there rather than to
	// the others with at least the match threshold's probability
	// (cluster.Posterior; a best pair about 3 bits heavier than the
	// others'), the others it would join listed in a possible-duplicate
	// task, never merged. Off (the default) keeps the ingest contract of
	// DESIGN.md: a record that strongly matches two persons links to
	// neither. Measured on 50 k generated persons (seed 7), imported
	// record by record: recall 0.9626 off, 0.9696 on, precision 0.9994
	// both.
	LinkDominant bool
}

// Default option values.
const (
	DefaultPerKey    = 200
	DefaultCacheSize = 200_000
)

// Service is the transport-free MPI workflow: resolve, retract and verify
// here, steward and clinician operations beside it. It holds no per-request
// state and is safe for concurrent use.
type Service struct {
	store   store.Store
	model   atomic.Pointer[matching.Model]
	now     func() time.Time
	perKey  int
	trust   map[string]int
	cluster cluster.Options
	cache   *normCache
	persons PersonCache
	// linkDominant: Options.LinkDominant.
	linkDominant bool
}

// New returns a Service over s.
func New(s store.Store, opt Options) *Service {
	if opt.Model == nil {
		opt.Model = matching.DefaultModel()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	switch {
	case opt.PerKey == 0:
		opt.PerKey = DefaultPerKey
	case opt.PerKey < 0:
		opt.PerKey = 0
	}
	if opt.CacheSize == 0 {
		opt.CacheSize = DefaultCacheSize
	}
	trust := make(map[string]int, len(opt.SourceTrust))
	for k, v := range opt.SourceTrust {
		trust[k] = v
	}
	svc := &Service{
		store:        s,
		now:          opt.Now,
		perKey:       opt.PerKey,
		trust:        trust,
		cluster:      opt.Cluster,
		cache:        newNormCache(opt.CacheSize),
		persons:      opt.Persons,
		linkDominant: opt.LinkDominant,
	}
	svc.model.Store(opt.Model)
	return svc
}

// Store returns the store the Service works on.
func (s *Service) Store() store.Store { return s.store }

// Model returns the matching model the Service scores with.
func (s *Service) Model() *matching.Model { return s.model.Load() }

// SetModel replaces the model the Service scores with, for the operations
// that start after it; one already under way may score some pairs with
// either. mpid uses it to scale the prior to a growing store
// (matching.Model.ForPopulation). m must be initialized; nil stands for
// the default model, as in Options.
func (s *Service) SetModel(m *matching.Model) {
	if m == nil {
		m = matching.DefaultModel()
	}
	s.model.Store(m)
}

// Actor is who calls an operation: a user or system ID and its role
// (ingest, clinician, steward, admin). Actor IDs are recorded in links,
// events, tasks and the audit log.
type Actor struct {
	ID   string
	Role string
}

// Sentinel errors of the Service. Transports map them to status codes;
// none carries patient data.
var (
	// ErrInvalidArgument: a request field is missing or malformed. The
	// error is a *FieldError naming the field.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrNotFound: no record, person or task by that key. It wraps
	// store.ErrNotFound, so errors.Is(err, store.ErrNotFound) holds too.
	ErrNotFound = fmt.Errorf("api: %w", store.ErrNotFound)
	// ErrFailedPrecondition: the operation is not allowed in the current
	// state (for example unmerging a person that was never merged).
	ErrFailedPrecondition = errors.New("failed precondition")
)

// FieldError is an invalid request field: Field names it (for a batch
// "records[3].local_id"), Problem says what is wrong — never the value.
// errors.Is(err, ErrInvalidArgument) holds for it.
type FieldError struct {
	Field   string
	Problem string
}

func (e *FieldError) Error() string {
	return "invalid argument: " + e.Field + ": " + e.Problem
}

// Is makes errors.Is(e, ErrInvalidArgument) true.
func (e *FieldError) Is(target error) bool { return target == ErrInvalidArgument }

// invalid returns a *FieldError.
func invalid(field, problem string) error { return &FieldError{Field: field, Problem: problem} }

// notFound wraps a store not-found error in ErrNotFound with what was
// looked for (a record key, an EID, a task ID — never demographics); other
// errors come back unchanged.
func notFound(err error, what string) error {
	if errors.Is(err, store.ErrNotFound) && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return err
}

type requestIDKey struct{}

// WithRequestID returns a context carrying a request ID, which the audit
// log records.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request ID WithRequestID put in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// Audit outcomes other than an error class.
const (
	OutcomeOK = "ok"
)

// Outcome classifies an error for the audit log: "ok" for nil, else a
// class name that carries no message (and so no patient data).
func Outcome(err error) string {
	switch {
	case err == nil:
		return OutcomeOK
	case errors.Is(err, ErrInvalidArgument), errors.Is(err, store.ErrInvalid):
		return "invalid_argument"
	case errors.Is(err, store.ErrNotFound):
		return "not_found"
	case errors.Is(err, ErrFailedPrecondition):
		return "failed_precondition"
	case errors.Is(err, store.ErrConflict):
		return "conflict"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "canceled"
	}
	return "error"
}

// audit appends one entry to the audit log after the fact (in a
// transaction of its own): who (actor), what (action, e.g. "resolve"),
// which persons and records, the request ID from ctx and the outcome
// ("ok" or Outcome(err)). It returns the store's error: a read whose
// audit entry cannot be written should not return its data.
func (s *Service) audit(ctx context.Context, actor Actor, action string, eids []store.EID, recs []store.RecordKey, outcome string) error {
	// The audit entry is written even when ctx was cancelled after the
	// operation ran: the access happened.
	return s.store.Audit(context.WithoutCancel(ctx), s.auditEntry(ctx, actor, action, eids, recs, outcome))
}

// auditInTx appends the audit entry of a successful write inside its
// transaction when the store allows it (store.TxAuditor), saving a commit;
// it reports whether it did. Otherwise — or when the transaction then
// fails — the caller audits afterwards with audit.
func (s *Service) auditInTx(ctx context.Context, tx store.Tx, actor Actor, action string, eids []store.EID, recs []store.RecordKey) (bool, error) {
	a, ok := tx.(store.TxAuditor)
	if !ok {
		return false, nil
	}
	return true, a.AppendAudit(ctx, s.auditEntry(ctx, actor, action, eids, recs, OutcomeOK))
}

// auditEntry is the audit log's entry for an operation.
func (s *Service) auditEntry(ctx context.Context, actor Actor, action string, eids []store.EID, recs []store.RecordKey, outcome string) *store.AuditEntry {
	return &store.AuditEntry{
		At:        s.now(),
		Actor:     actor.ID,
		Role:      actor.Role,
		Action:    action,
		RequestID: RequestID(ctx),
		Outcome:   outcome,
		EIDs:      compactEIDs(eids),
		Records:   recs,
	}
}

// compactEIDs drops empty EIDs.
func compactEIDs(eids []store.EID) []store.EID {
	out := eids[:0:0]
	for _, e := range eids {
		if e != "" {
			out = append(out, e)
		}
	}
	return out
}

// checkActor refuses an operation without an actor ID.
func checkActor(a Actor) error {
	if a.ID == "" {
		return invalid("actor", "required")
	}
	return nil
}

// maxFollow bounds a redirect chain; a longer one is a cycle or corruption.
const maxFollow = 64

// follow returns the live person eid stands for, following merge
// redirects (MergedInto) from a merged-away EID to its survivor. A missing
// person is ErrNotFound; a redirect cycle or a chain longer than 64 is an
// error naming the EID where it started.
func (s *Service) follow(ctx context.Context, tx store.Tx, eid store.EID) (store.Person, error) {
	return follow(ctx, tx, eid)
}

// follow is Service.follow; it needs no Service.
func follow(ctx context.Context, tx store.Tx, eid store.EID) (store.Person, error) {
	cur := eid
	for range maxFollow {
		p, err := tx.Person(ctx, cur)
		if err != nil {
			return store.Person{}, notFound(err, "person "+string(cur))
		}
		if p.Status != store.PersonMerged {
			return p, nil
		}
		if p.MergedInto == "" || p.MergedInto == cur {
			return store.Person{}, fmt.Errorf("person %s: merged without a survivor", cur)
		}
		cur = p.MergedInto
	}
	return store.Person{}, fmt.Errorf("person %s: redirect chain too long or cyclic", eid)
}

// newPerson allocates an EID and stores an active person with an empty
// golden record (Version 1), appending store.EventPersonCreated. The caller
// links records to it (setLink rebuilds its golden record).
func (s *Service) newPerson(ctx context.Context, tx store.Tx, actor Actor, reason string) (store.Person, error) {
	return s.newPersonFor(ctx, tx, actor, reason, nil)
}

// newPersonFor is newPerson for a person whose golden record is built from
// recs — the records the caller is about to link to it, with
// linkNewPerson — so that it is stored once.
func (s *Service) newPersonFor(ctx context.Context, tx store.Tx, actor Actor, reason string, recs []store.Record) (store.Person, error) {
	eid, err := tx.NewEID(ctx)
	if err != nil {
		return store.Person{}, err
	}
	now := s.now()
	p := store.Person{EID: eid, Status: store.PersonActive, Version: 1, Created: now, Updated: now}
	if len(recs) > 0 {
		p.Golden = s.golden(recs)
	}
	if err := tx.PutPerson(ctx, p); err != nil {
		return store.Person{}, err
	}
	err = s.appendEvent(ctx, tx, &store.Event{
		Kind: store.EventPersonCreated, Actor: actor.ID, Reason: reason, EIDs: []store.EID{eid},
	}, nil)
	return p, err
}

// setLink makes l the active link of l.Record (filling in At when zero
// and Reason from reason), appends store.EventLinked with a LinkChange
// (EIDs [new, previous]) and rebuilds the golden records of the person
// linked to and of the person the record leaves, if any. l.EID must be a
// live person; l.Actor is recorded as the event's actor.
func (s *Service) setLink(ctx context.Context, tx store.Tx, l store.Link, reason string) error {
	return s.setLinkExcept(ctx, tx, l, reason, "")
}

// linkNewPerson is setLink for a link to a person newPersonFor made for
// exactly this record: its golden record is already right.
func (s *Service) linkNewPerson(ctx context.Context, tx store.Tx, l store.Link, reason string) error {
	return s.setLinkExcept(ctx, tx, l, reason, l.EID)
}

// setLinkExcept is setLink rebuilding the golden records of the persons
// involved other than fresh.
func (s *Service) setLinkExcept(ctx context.Context, tx store.Tx, l store.Link, reason string, fresh store.EID) error {
	if !l.Record.Valid() || l.EID == "" {
		return fmt.Errorf("%w: link needs a record key and an EID", store.ErrInvalid)
	}
	prev, err := tx.Link(ctx, l.Record)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if l.At.IsZero() {
		l.At = s.now()
	}
	l.Reason = reason
	if err := tx.SetLink(ctx, l); err != nil {
		return err
	}
	ch := LinkChange{
		EID: l.EID, Kind: l.Kind, Weight: l.Weight, Probability: l.Probability,
		Prev: prev.EID, PrevKind: prev.Kind, PrevWeight: prev.Weight, PrevProbability: prev.Probability,
	}
	eids := []store.EID{l.EID}
	if prev.EID != "" && prev.EID != l.EID {
		eids = append(eids, prev.EID)
	}
	if err := s.appendEvent(ctx, tx, &store.Event{
		Kind: store.EventLinked, Actor: l.Actor, Reason: reason, EIDs: eids, Record: l.Record,
	}, ch); err != nil {
		return err
	}
	for _, eid := range eids {
		if eid == fresh {
			continue
		}
		if err := s.rebuildGolden(ctx, tx, eid); err != nil {
			return err
		}
	}
	return nil
}

// removeLink ends the active link of record k (ErrNotFound when it has
// none), appends store.EventUnlinked with a LinkChange whose Prev fields
// describe the ended link, and rebuilds the golden record of the person
// the record leaves.
func (s *Service) removeLink(ctx context.Context, tx store.Tx, k store.RecordKey, actor Actor, reason string) error {
	prev, err := tx.Link(ctx, k)
	if err != nil {
		return notFound(err, "link of record "+k.String())
	}
	if err := tx.RemoveLink(ctx, k); err != nil {
		return notFound(err, "link of record "+k.String())
	}
	ch := LinkChange{Prev: prev.EID, PrevKind: prev.Kind, PrevWeight: prev.Weight, PrevProbability: prev.Probability}
	if err := s.appendEvent(ctx, tx, &store.Event{
		Kind: store.EventUnlinked, Actor: actor.ID, Reason: reason, EIDs: []store.EID{prev.EID}, Record: k,
	}, ch); err != nil {
		return err
	}
	return s.rebuildGolden(ctx, tx, prev.EID)
}

// rebuildGolden recomputes a person's golden record from its active linked
// records (survivorship, golden.go) and stores the person with Version+1
// and Updated now. A person without active records gets an empty golden
// record. Call it after every change to a person's links or records.
func (s *Service) rebuildGolden(ctx context.Context, tx store.Tx, eid store.EID) error {
	p, err := tx.Person(ctx, eid)
	if err != nil {
		return notFound(err, "person "+string(eid))
	}
	cands, err := tx.PersonRecords(ctx, []store.EID{eid})
	if err != nil {
		return err
	}
	recs := make([]store.Record, len(cands))
	for i, c := range cands {
		recs[i] = c.Record
	}
	p.Golden = s.golden(recs)
	p.Version++
	p.Updated = s.now()
	return tx.PutPerson(ctx, p)
}
