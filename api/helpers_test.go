package api

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
)

// The fixtures are synthetic: made-up people, numbers and addresses.

// opener returns a fresh, empty store and registers its cleanup.
type opener func(t testing.TB) store.Store

// workflowTest is one behaviour of the workflow, run against each backend.
type workflowTest struct {
	name string
	fn   func(t *testing.T, open opener)
}

// runWorkflowTests runs every test against every backend available.
func runWorkflowTests(t *testing.T, tests []workflowTest) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.fn(t, b.open)
				})
			}
		})
	}
}

// clock is a deterministic clock: every reading is one second after the
// one before. Safe for concurrent use.
type clock struct{ n atomic.Int64 }

var clockBase = time.Date(2026, 3, 14, 8, 0, 0, 0, time.UTC)

func (c *clock) now() time.Time {
	return clockBase.Add(time.Duration(c.n.Add(1)) * time.Second)
}

// newService opens a fresh store and a Service with a deterministic clock.
func newService(t testing.TB, open opener, opt Options) *Service {
	t.Helper()
	if opt.Now == nil {
		opt.Now = (&clock{}).now
	}
	return New(open(t), opt)
}

var (
	hub     = Actor{ID: "hub-hcm", Role: "ingest"}
	steward = Actor{ID: "steward-lan", Role: "steward"}
)

// Records of a few made-up people, as different facilities send them.
var (
	// An: one man seen at a hospital and a commune station.
	anBV = matching.Raw{Source: "BV79001", LocalID: "2400123", FullName: "NGUYỄN VĂN AN", Gender: "Nam",
		BirthDate: "07/05/1990", Phone: "0912 345 678", Province: "79", Address: "12 Nguyễn Trãi, Phường Bến Thành"}
	anTYT = matching.Raw{Source: "TYT79002", LocalID: "9", FamilyName: "Nguyen", MiddleName: "Van", GivenName: "An",
		Gender: "M", BirthDate: "19900507", Phone: "+84912345678", Province: "TP. Hồ Chí Minh", Address: "12 Nguyen Trai"}
	// Hồng: an unrelated woman in Hà Nội.
	hongBV = matching.Raw{Source: "BV01002", LocalID: "A-77", FullName: "Lê Thị Hồng", Gender: "Nữ",
		BirthDate: "1978-11-02", CitizenID: "001178009876", Phone: "0983 111 222", Province: "01",
		Address: "5 ngõ Huế, phường Hai Bà Trưng"}
	hongPK = matching.Raw{Source: "PK01101", LocalID: "H5", FullName: "Le Thi Hong", Gender: "F",
		BirthDate: "02/11/1978", CitizenID: "001178009876", Province: "Hà Nội"}
	// Tân: same birth date, province and given name as An, another family:
	// a possible match at most.
	tanPK = matching.Raw{Source: "PK79101", LocalID: "77", FullName: "Trần Văn An", Gender: "Nam",
		BirthDate: "1990-05-07", Province: "79"}
)

// withKey returns r under another key.
func withKey(r matching.Raw, source, localID string) matching.Raw {
	r.Source, r.LocalID = source, localID
	return r
}

func resolve(t testing.TB, s *Service, raw matching.Raw) Result {
	t.Helper()
	res, err := s.Resolve(t.Context(), hub, raw)
	if err != nil {
		t.Fatalf("Resolve(%s/%s): %v", raw.Source, raw.LocalID, err)
	}
	return res
}

func counts(t testing.TB, s *Service) store.Counts {
	t.Helper()
	var c store.Counts
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		c, err = tx.Counts(ctx)
		return err
	})
	return c
}

func view(t testing.TB, s *Service, fn func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	ctx := t.Context()
	if err := s.store.View(ctx, func(tx store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("View: %v", err)
	}
}

func update(t testing.TB, s *Service, fn func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	ctx := t.Context()
	if err := s.store.Update(ctx, func(tx store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func person(t testing.TB, s *Service, eid store.EID) store.Person {
	t.Helper()
	var p store.Person
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		p, err = tx.Person(ctx, eid)
		return err
	})
	return p
}

// linkOf returns the EID a record is linked to, "" when none.
func linkOf(t testing.TB, s *Service, k store.RecordKey) store.EID {
	t.Helper()
	var eid store.EID
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		l, err := tx.Link(ctx, k)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		eid = l.EID
		return err
	})
	return eid
}

func task(t testing.TB, s *Service, id int64) store.Task {
	t.Helper()
	var tk store.Task
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		tk, err = tx.Task(ctx, id)
		return err
	})
	return tk
}

func keyOf(r matching.Raw) store.RecordKey {
	return store.RecordKey{Source: r.Source, LocalID: r.LocalID}
}

// mustVerify fails the test when Verify finds a problem.
func mustVerify(t testing.TB, s *Service) VerifyReport {
	t.Helper()
	rep, err := s.Verify(t.Context())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !rep.OK() {
		for _, p := range rep.Problems {
			t.Errorf("Verify: %s", p)
		}
	}
	return rep
}

// normalized returns raw normalized.
func normalized(raw matching.Raw) *matching.Record {
	m := matching.Normalize(&raw)
	return &m
}
