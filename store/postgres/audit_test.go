package postgres_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vnhealth/mpi/internal/pgtest"
	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/postgres"
)

// auditCounts returns the rows of audit and of audit_pending.
func auditCounts(t *testing.T, conn *pgx.Conn) (chained, pending int) {
	t.Helper()
	if err := conn.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM audit), (SELECT count(*) FROM audit_pending)`).Scan(&chained, &pending); err != nil {
		t.Fatalf("counting audit rows: %v", err)
	}
	return chained, pending
}

func entry(actor, action string) *store.AuditEntry {
	return &store.AuditEntry{
		At: time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC), Actor: actor, Role: "clinician",
		Action: action, RequestID: "req-" + actor, Outcome: "ok", EIDs: []store.EID{"E1"},
	}
}

// TestAuditSealedInBackground: entries Audit writes are chained by the
// store's sealer with nobody reading the log; until then they wait in
// audit_pending.
func TestAuditSealedInBackground(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	s := openURL(t, url, postgres.Options{SealInterval: 10 * time.Millisecond})
	conn := pgtest.Connect(t, url)
	for i := range 5 {
		if err := s.Audit(t.Context(), entry(fmt.Sprint("nurse-", i), "get_person")); err != nil {
			t.Fatalf("Audit: %v", err)
		}
	}
	// Wait (bounded) for the sealer: this asserts that it runs, not how
	// fast.
	deadline := time.Now().Add(30 * time.Second)
	for {
		chained, pending := auditCounts(t, conn)
		if chained == 5 && pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s: %d entries chained, %d rows pending; want 5 and 0", chained, pending)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestAuditSealedByAuditLogAndClose: with the background sealer far off,
// entries stay pending until AuditLog reads the log (which chains them
// first) or the store closes.
func TestAuditSealedByAuditLogAndClose(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	s, err := postgres.Open(t.Context(), url, postgres.Options{SealInterval: time.Hour})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() }) // when the test stops before its own Close
	conn := pgtest.Connect(t, url)
	if err := s.Audit(t.Context(), entry("nurse-1", "get_person"), entry("nurse-1", "search")); err != nil {
		t.Fatalf("Audit: %v", err)
	}
	if chained, pending := auditCounts(t, conn); chained != 0 || pending != 1 {
		t.Errorf("after Audit: %d chained, %d pending; want 0 and 1 (one row per call)", chained, pending)
	}
	log, err := s.AuditLog(t.Context(), store.AuditFilter{})
	if err != nil {
		t.Fatalf("AuditLog: %v", err)
	}
	if len(log) != 2 || log[0].Action != "get_person" || log[1].Action != "search" {
		t.Fatalf("AuditLog: %d entries %+v, want the call's two in order", len(log), log)
	}
	if err := store.VerifyAuditChain(nil, log); err != nil {
		t.Errorf("VerifyAuditChain: %v", err)
	}
	if err := s.Audit(t.Context(), entry("nurse-2", "get_person")); err != nil {
		t.Fatalf("Audit: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if chained, pending := auditCounts(t, conn); chained != 3 || pending != 0 {
		t.Errorf("after Close: %d chained, %d pending; want 3 and 0", chained, pending)
	}
}

// TestAuditReplicasSealOneChain: two stores on one database (two
// replicas), each sealing often, audit from many goroutines; the log is one
// gapless chain holding every call's entries together.
func TestAuditReplicasSealOneChain(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	replicas := []*postgres.Store{
		openURL(t, url, postgres.Options{SealInterval: time.Millisecond}),
		openURL(t, url, postgres.Options{SealInterval: time.Millisecond}),
	}
	const goroutines, calls = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*calls)
	for g := range goroutines {
		wg.Go(func() {
			for c := range calls {
				s := replicas[(g+c)%2]
				actor := fmt.Sprintf("user-%d", g)
				var err error
				if c%3 == 0 {
					// Audited inside a write transaction.
					err = s.Update(t.Context(), func(tx store.Tx) error {
						return tx.(store.TxAuditor).AppendAudit(t.Context(), entry(actor, "get_person"), entry(actor, "search"))
					})
				} else {
					err = s.Audit(t.Context(), entry(actor, "get_person"), entry(actor, "search"))
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("audit: %v", err)
	}
	log, err := replicas[1].AuditLog(t.Context(), store.AuditFilter{})
	if err != nil {
		t.Fatalf("AuditLog: %v", err)
	}
	if len(log) != goroutines*calls*2 {
		t.Fatalf("%d entries, want %d", len(log), goroutines*calls*2)
	}
	for i, e := range log {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d: Seq %d, want %d", i, e.Seq, i+1)
		}
	}
	if err := store.VerifyAuditChain(nil, log); err != nil {
		t.Errorf("VerifyAuditChain: %v", err)
	}
	for i := 0; i < len(log); i += 2 {
		if log[i].Actor != log[i+1].Actor || log[i].Action != "get_person" || log[i+1].Action != "search" {
			t.Errorf("entries %d and %d are not one call's pair", log[i].Seq, log[i+1].Seq)
		}
	}
}

// TestAuditRefusesBadText: an entry PostgreSQL could not keep as written
// is refused, naming the entry, before anything is stored.
func TestAuditRefusesBadText(t *testing.T) {
	t.Parallel()
	s := open(t, postgres.Options{})
	bad := entry("nurse-1", "get_person")
	bad.RequestID = "req\x00"
	if err := s.Audit(t.Context(), entry("nurse-1", "search"), bad); err == nil {
		t.Fatal("Audit of an entry with a NUL byte: no error")
	}
	log, err := s.AuditLog(t.Context(), store.AuditFilter{})
	if err != nil {
		t.Fatalf("AuditLog: %v", err)
	}
	if len(log) != 0 {
		t.Errorf("%d entries stored, want none", len(log))
	}
}

// TestAuditKeepsWhatItStores: what an entry holds comes back exactly —
// nil and empty lists apart — and an entry PostgreSQL could not hold as
// written (an EID that is not UTF-8, a year beyond 9999) is refused as
// invalid, naming no value.
func TestAuditKeepsWhatItStores(t *testing.T) {
	t.Parallel()
	s := open(t, postgres.Options{})
	empty := entry("nurse-1", "search")
	empty.EIDs, empty.Records = []store.EID{}, []store.RecordKey{}
	none := entry("nurse-1", "search")
	none.EIDs, none.Records = nil, nil
	if err := s.Audit(t.Context(), empty, none); err != nil {
		t.Fatalf("Audit: %v", err)
	}
	log, err := s.AuditLog(t.Context(), store.AuditFilter{})
	if err != nil {
		t.Fatalf("AuditLog: %v", err)
	}
	if len(log) != 2 || log[0].EIDs == nil || log[0].Records == nil || log[1].EIDs != nil || log[1].Records != nil {
		t.Fatalf("AuditLog: %+v; want empty lists, then nil ones", log)
	}
	badEID := entry("nurse-1", "get_person")
	badEID.EIDs = []store.EID{"E\xff1"}
	farYear := entry("nurse-1", "get_person")
	farYear.At = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, e := range map[string]*store.AuditEntry{"EID": badEID, "year": farYear} {
		err := s.Audit(t.Context(), e)
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: Audit: %v, want ErrInvalid", name, err)
		} else if strings.Contains(err.Error(), "\xff") || strings.Contains(err.Error(), "10000") {
			t.Errorf("%s: the error quotes the value: %v", name, err)
		}
	}
}
