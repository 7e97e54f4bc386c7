package storetest

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/vnhealth/mpi/store"
)

// resolveNew stores a new record, a new person for it, the link and an
// event in one Update: the store's Records, Persons, Links and Events
// counts all grow by one.
func resolveNew(ctx context.Context, s store.Store, k store.RecordKey) error {
	return s.Update(ctx, func(tx store.Tx) error {
		eid, err := tx.NewEID(ctx)
		if err != nil {
			return err
		}
		ev := event(store.EventPersonCreated, k, eid)
		for _, err := range []error{
			tx.PutRecord(ctx, record(k, kYearProv)),
			tx.PutPerson(ctx, person(eid)),
			tx.SetLink(ctx, link(k, eid)),
			tx.AppendEvent(ctx, &ev),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// checkRestored checks a store restored from a backup: equal numbers of
// records, persons, links and events (each resolveNew wrote one of each,
// atomically), between lo and hi records, every record linked to its own
// person, the audit chain intact.
func checkRestored(t *testing.T, r store.Store, lo, hi int64) store.Counts {
	t.Helper()
	sn := snap(t, r, key("BASE", "0"))
	c := sn.Counts
	if c.Records != c.Persons || c.Records != c.Links || c.Records != c.Events || c.Records != c.ActiveRecords {
		t.Errorf("restored backup is not a consistent snapshot: %+v", c)
	}
	if c.Records < lo || c.Records > hi {
		t.Errorf("restored backup holds %d records, want %d to %d", c.Records, lo, hi)
	}
	if int64(len(sn.Records)) != c.Records || int64(len(sn.Links)) != c.Links {
		t.Errorf("restored backup walks %d records and %d links, counts %+v", len(sn.Records), len(sn.Links), c)
	}
	seen := map[store.EID]bool{}
	for _, l := range sn.Links {
		if seen[l.EID] {
			t.Errorf("restored backup: two records linked to %s", l.EID)
		}
		seen[l.EID] = true
	}
	es, err := r.AuditLog(t.Context(), store.AuditFilter{})
	if err != nil {
		t.Fatalf("restored AuditLog: %v", err)
	}
	if len(es) == 0 {
		t.Errorf("restored backup has no audit log")
	}
	if err := store.VerifyAuditChain(nil, es); err != nil {
		t.Errorf("restored audit chain: %v", err)
	}
	return c
}

// testBackup: a backup taken while Updates run is a consistent copy; one
// taken at rest has exactly the store's counts.
func testBackup(t *testing.T, b Backend) {
	s := b.Open(t)
	const base, writers, each = 5, 4, 6
	for i := range base {
		if err := resolveNew(t.Context(), s, key("BASE", fmt.Sprint(i))); err != nil {
			t.Fatalf("resolve: %v", err)
		}
	}
	if err := s.Audit(t.Context(), auditEntry("admin-1", "backup", at(0))); err != nil {
		t.Fatalf("Audit: %v", err)
	}

	var (
		wg      sync.WaitGroup
		started = make(chan struct{})
		once    sync.Once
	)
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if err := resolveNew(t.Context(), s, key(fmt.Sprintf("W%d", w), fmt.Sprint(i))); err != nil {
					errs <- err
				}
				once.Do(func() { close(started) })
			}
		})
	}
	<-started // at least one write landed; the others run during the backup
	var live bytes.Buffer
	if err := s.Backup(t.Context(), &live); err != nil {
		t.Fatalf("Backup while writing: %v", err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("resolve: %v", err)
	}
	if live.Len() == 0 {
		t.Fatalf("Backup wrote nothing")
	}
	var rest bytes.Buffer
	if err := s.Backup(t.Context(), &rest); err != nil {
		t.Fatalf("Backup at rest: %v", err)
	}
	want := counts(t, s)
	if b.Restore == nil {
		return
	}
	checkRestored(t, b.Restore(t, live.Bytes()), base+1, base+writers*each)
	got := checkRestored(t, b.Restore(t, rest.Bytes()), base+writers*each, base+writers*each)
	diff(t, "Counts of the backup taken at rest", want, got)
}

// testClose: after Close every call returns ErrClosed.
func testClose(t *testing.T, b Backend) {
	s := b.Open(t)
	seed(t, s)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ctx := t.Context()
	calls := map[string]func() error{
		"Update":   func() error { return s.Update(ctx, func(store.Tx) error { return nil }) },
		"View":     func() error { return s.View(ctx, func(store.Tx) error { return nil }) },
		"Audit":    func() error { return s.Audit(ctx, auditEntry("nurse-1", "get_person", at(0))) },
		"AuditLog": func() error { _, err := s.AuditLog(ctx, store.AuditFilter{}); return err },
		"Backup":   func() error { var buf bytes.Buffer; return s.Backup(ctx, &buf) },
		"Close":    s.Close,
	}
	for name, call := range calls {
		wantErr(t, name+" after Close", call(), store.ErrClosed)
	}
}
