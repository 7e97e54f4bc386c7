package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vnhealth/mpi/store"
)

// auditEntry returns an audit entry of actor doing action on eids.
func auditEntry(actor, action string, when time.Time, eids ...store.EID) *store.AuditEntry {
	return &store.AuditEntry{
		At: when, Actor: actor, Role: "clinician", Action: action, RequestID: "req-" + actor,
		Outcome: "ok", EIDs: eids, Records: []store.RecordKey{key("BV01", "A"), key("TYT-Ba Đình", "7")},
	}
}

// auditLog returns the entries f selects, failing the test on error.
func auditLog(t *testing.T, s store.Store, f store.AuditFilter) []store.AuditEntry {
	t.Helper()
	es, err := s.AuditLog(t.Context(), f)
	if err != nil {
		t.Fatalf("AuditLog: %v", err)
	}
	return es
}

// storedAudit returns e's content as a store gives it back: its chain
// fields (Seq, Prev, Hash) left out, for they are set when the entry is
// chained, which may be after Audit returns (store.Store.Audit).
func storedAudit(e store.AuditEntry) store.AuditEntry {
	e.At = store.StoredTime(e.At)
	e.Seq, e.Prev, e.Hash = 0, nil, nil
	return e
}

// contents returns the entries' contents (storedAudit).
func contents(es []store.AuditEntry) []store.AuditEntry {
	out := make([]store.AuditEntry, len(es))
	for i, e := range es {
		out[i] = storedAudit(e)
	}
	return out
}

// checkChain checks that log, the whole audit log, is one chain from its
// start: Seqs 1, 2, 3, …, each Prev the Hash before it, each Hash right.
func checkChain(t *testing.T, log []store.AuditEntry) {
	t.Helper()
	for i, e := range log {
		if e.Seq != int64(i+1) {
			t.Errorf("entry %d of the log: Seq %d, want %d (gapless from 1)", i, e.Seq, i+1)
		}
	}
	if len(log) > 0 && len(log[0].Prev) != 0 {
		t.Errorf("first entry: Prev %x, want none", log[0].Prev)
	}
	if err := store.VerifyAuditChain(nil, log); err != nil {
		t.Errorf("VerifyAuditChain: %v", err)
	}
}

// checkFilled checks, for a backend that fills in the chain fields when
// Audit returns, that they are those of the log: e is log's entry i.
func checkFilled(t *testing.T, e *store.AuditEntry, log []store.AuditEntry, i int) {
	t.Helper()
	if e.Seq == 0 && e.Hash == nil {
		return // chained later
	}
	if i >= len(log) || e.Seq != log[i].Seq || !bytes.Equal(e.Prev, log[i].Prev) || !bytes.Equal(e.Hash, log[i].Hash) {
		t.Errorf("entry %d: Audit filled in Seq %d and a hash that are not the log's", i, e.Seq)
	}
}

// testAudit: the log reads back as written, in order, as one gapless
// chain that verifies; what Audit fills in agrees with it.
func testAudit(t *testing.T, s0 Backend) {
	s := s0.Open(t)
	e := eids(t, s, 2)
	a1 := auditEntry("nurse-1", "get_person", at(1), e[0])
	a2 := auditEntry("nurse-1", "search", at(2), e...)
	a3 := &store.AuditEntry{At: at(3), Actor: "hub-9", Role: "ingest", Action: "resolve", Outcome: "denied"}
	if err := s.Audit(t.Context(), a1, a2); err != nil {
		t.Fatalf("Audit: %v", err)
	}
	if err := s.Audit(t.Context()); err != nil {
		t.Fatalf("Audit of nothing: %v", err)
	}
	if err := s.Audit(t.Context(), a3); err != nil {
		t.Fatalf("Audit: %v", err)
	}
	got := auditLog(t, s, store.AuditFilter{})
	diff(t, "AuditLog", []store.AuditEntry{storedAudit(*a1), storedAudit(*a2), storedAudit(*a3)}, contents(got))
	for _, g := range got {
		checkUTC(t, "AuditEntry.At", g.At)
	}
	checkChain(t, got)
	for i, a := range []*store.AuditEntry{a1, a2, a3} {
		checkFilled(t, a, got, i)
	}
	// Read again: the same entries, chain and all.
	diff(t, "AuditLog read twice", got, auditLog(t, s, store.AuditFilter{}))
}

// testAuditFilters: by actor, EID, action, AfterSeq, Since (inclusive)
// and Limit, in Seq order.
func testAuditFilters(t *testing.T, b Backend) {
	s := b.Open(t)
	e := eids(t, s, 3)
	p1, p2, p3 := e[0], e[1], e[2]
	es := []*store.AuditEntry{
		auditEntry("nurse-1", "get_person", at(1), p1),
		auditEntry("nurse-2", "get_person", at(2), p2),
		auditEntry("nurse-1", "search", at(3), p1, p2),
		auditEntry("steward-1", "merge", at(4), p2, p1),
		auditEntry("nurse-2", "search", at(5)),
		auditEntry("nurse-1", "get_person", at(6), p1),
	}
	for _, a := range es {
		if err := s.Audit(t.Context(), a); err != nil {
			t.Fatalf("Audit: %v", err)
		}
	}
	all := auditLog(t, s, store.AuditFilter{})
	if len(all) != len(es) {
		t.Fatalf("%d audit entries, want %d", len(all), len(es))
	}
	tests := []struct {
		name string
		f    store.AuditFilter
		want []int
	}{
		{"all", store.AuditFilter{}, []int{0, 1, 2, 3, 4, 5}},
		{"actor", store.AuditFilter{Actor: "nurse-1"}, []int{0, 2, 5}},
		{"EID", store.AuditFilter{EID: p2}, []int{1, 2, 3}},
		{"EID never seen", store.AuditFilter{EID: p3}, nil},
		{"action", store.AuditFilter{Action: "search"}, []int{2, 4}},
		{"after", store.AuditFilter{AfterSeq: all[3].Seq}, []int{4, 5}},
		{"since, inclusive", store.AuditFilter{Since: at(3)}, []int{2, 3, 4, 5}},
		{"since, in UTC", store.AuditFilter{Since: at(3).UTC()}, []int{2, 3, 4, 5}},
		{"since, a microsecond later", store.AuditFilter{Since: store.StoredTime(at(3)).Add(time.Microsecond)}, []int{3, 4, 5}},
		{"limit", store.AuditFilter{Limit: 2}, []int{0, 1}},
		{"actor and action", store.AuditFilter{Actor: "nurse-1", Action: "get_person"}, []int{0, 5}},
		{"EID, actor, since, limit", store.AuditFilter{EID: p1, Actor: "nurse-1", Since: at(2), Limit: 1}, []int{2}},
		{"actor, after", store.AuditFilter{Actor: "nurse-2", AfterSeq: all[1].Seq}, []int{4}},
		{"no match", store.AuditFilter{Actor: "nurse-2", EID: p1}, nil},
	}
	for _, tc := range tests {
		var want []store.AuditEntry
		for _, i := range tc.want {
			want = append(want, storedAudit(*es[i]))
		}
		diff(t, "AuditLog "+tc.name, want, contents(auditLog(t, s, tc.f)))
	}
}

// testAuditConcurrent: audits from many goroutines at once form one chain.
func testAuditConcurrent(t *testing.T, b Backend) {
	s := b.Open(t)
	const goroutines, calls = 16, 3
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*calls)
	for g := range goroutines {
		wg.Go(func() {
			for c := range calls {
				actor := fmt.Sprintf("user-%d", g)
				err := s.Audit(t.Context(), auditEntry(actor, "get_person", at(c)), auditEntry(actor, "search", at(c)))
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Audit: %v", err)
	}
	all := auditLog(t, s, store.AuditFilter{})
	if len(all) != goroutines*calls*2 {
		t.Fatalf("%d audit entries, want %d", len(all), goroutines*calls*2)
	}
	checkChain(t, all)
	// Each call's two entries are consecutive.
	for i := 0; i < len(all); i += 2 {
		if all[i].Actor != all[i+1].Actor || all[i].Action != "get_person" || all[i+1].Action != "search" {
			t.Errorf("entries %d and %d are not one call's pair", all[i].Seq, all[i+1].Seq)
		}
	}
	for i := 1; i < len(all); i++ {
		if all[i].Seq <= all[i-1].Seq {
			t.Fatalf("AuditLog not in Seq order at %d", all[i].Seq)
		}
	}
}

// testAuditInTx: a backend whose write transactions append audit entries
// (store.TxAuditor) chains them with Audit's, in commit order; an Update
// that fails leaves none; a View refuses. Other backends skip it.
func testAuditInTx(t *testing.T, b Backend) {
	s := b.Open(t)
	var supported bool
	if err := s.View(t.Context(), func(tx store.Tx) error {
		a, ok := tx.(store.TxAuditor)
		if supported = ok; ok {
			if err := a.AppendAudit(t.Context(), auditEntry("nurse-1", "search", at(1))); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("AppendAudit in a View: %v, want ErrInvalid", err)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !supported {
		t.Skip("the backend audits outside transactions only")
	}
	a1 := auditEntry("nurse-1", "get_person", at(1))
	a2 := auditEntry("hub-1", "resolve", at(2))
	lost := auditEntry("hub-1", "resolve", at(3))
	a3 := auditEntry("nurse-2", "search", at(4))
	if err := s.Audit(t.Context(), a1); err != nil {
		t.Fatalf("Audit: %v", err)
	}
	appendIn := func(e *store.AuditEntry, fail error) error {
		return s.Update(t.Context(), func(tx store.Tx) error {
			if err := tx.(store.TxAuditor).AppendAudit(t.Context(), e); err != nil {
				return err
			}
			return fail
		})
	}
	if err := appendIn(a2, nil); err != nil {
		t.Fatalf("AppendAudit: %v", err)
	}
	failed := errors.New("the operation failed")
	if err := appendIn(lost, failed); !errors.Is(err, failed) {
		t.Fatalf("failing Update: %v", err)
	}
	if err := s.Audit(t.Context(), a3); err != nil {
		t.Fatalf("Audit: %v", err)
	}
	got := auditLog(t, s, store.AuditFilter{})
	diff(t, "AuditLog", []store.AuditEntry{storedAudit(*a1), storedAudit(*a2), storedAudit(*a3)}, contents(got))
	checkChain(t, got)
}
