package store_test

import (
	"testing"
	"time"

	"github.com/vnhealth/mpi/store"
)

func chain(n int) []store.AuditEntry {
	es := make([]store.AuditEntry, n)
	var prev []byte
	at := time.Date(2026, 11, 26, 9, 0, 0, 123456789, time.UTC)
	for i := range es {
		e := &es[i]
		*e = store.AuditEntry{Seq: int64(i + 1), At: at.Add(time.Duration(i) * time.Second), Actor: "nurse-7", Role: "clinician",
			Action: "get_person", RequestID: "req-1", Outcome: "ok", EIDs: []store.EID{"0000000A1"},
			Records: []store.RecordKey{{Source: "BV01", LocalID: "42"}}, Prev: prev}
		e.Hash = store.AuditHash(prev, e)
		prev = e.Hash
	}
	return es
}

func TestVerifyAuditChain(t *testing.T) {
	t.Parallel()
	if err := store.VerifyAuditChain(nil, chain(5)); err != nil {
		t.Fatalf("intact chain: %v", err)
	}
	tamper := map[string]func([]store.AuditEntry) []store.AuditEntry{
		"edited actor":   func(es []store.AuditEntry) []store.AuditEntry { es[2].Actor = "someone-else"; return es },
		"edited EID":     func(es []store.AuditEntry) []store.AuditEntry { es[1].EIDs[0] = "0000000B2"; return es },
		"removed entry":  func(es []store.AuditEntry) []store.AuditEntry { return append(es[:2], es[3:]...) },
		"swapped":        func(es []store.AuditEntry) []store.AuditEntry { es[1], es[2] = es[2], es[1]; return es },
		"changed time":   func(es []store.AuditEntry) []store.AuditEntry { es[4].At = es[4].At.Add(time.Microsecond); return es },
		"record changed": func(es []store.AuditEntry) []store.AuditEntry { es[0].Records[0].LocalID = "43"; return es },
	}
	for name, f := range tamper {
		if err := store.VerifyAuditChain(nil, f(chain(5))); err == nil {
			t.Errorf("%s: chain verified", name)
		}
	}
	// Nanoseconds below the stored microsecond do not change the hash.
	es := chain(1)
	es[0].At = es[0].At.Add(100 * time.Nanosecond)
	if err := store.VerifyAuditChain(nil, es); err != nil {
		t.Errorf("sub-microsecond change: %v", err)
	}
}
