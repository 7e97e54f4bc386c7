package postgres

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vnhealth/mpi/internal/pgtest"
	"github.com/vnhealth/mpi/store"
)

// withParam adds a key=value parameter to a URL.
func withParam(url, param string) string {
	if strings.Contains(url, "?") {
		return url + "&" + param
	}
	return url + "?" + param
}

// TestGenericPlans: the store's sessions reuse generic plans for their
// prepared statements, unless the URL chooses otherwise.
func TestGenericPlans(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	for _, tc := range []struct{ url, want string }{
		{url, "force_generic_plan"},
		{withParam(url, "plan_cache_mode=auto"), "auto"},
	} {
		s, err := Open(t.Context(), tc.url, Options{})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		var got string
		err = s.View(t.Context(), func(stx store.Tx) error {
			return stx.(*tx).queryRow(context.Background(), `SHOW plan_cache_mode`).Scan(&got)
		})
		s.Close()
		if err != nil {
			t.Fatalf("SHOW plan_cache_mode: %v", err)
		}
		if got != tc.want {
			t.Errorf("plan_cache_mode %q, want %q", got, tc.want)
		}
	}
}

// TestSealIdle: sealing with nothing pending takes no lock on the tail (an
// idle store seals every second; a row lock is a write to the WAL).
func TestSealIdle(t *testing.T) {
	t.Parallel()
	s, err := Open(t.Context(), pgtest.NewDatabase(t), Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	for range 3 {
		if err := s.seal(t.Context()); err != nil {
			t.Fatalf("seal: %v", err)
		}
	}
	var xmax string
	if err := s.View(t.Context(), func(stx store.Tx) error {
		return stx.(*tx).queryRow(context.Background(), `SELECT xmax::text FROM audit_tail`).Scan(&xmax)
	}); err != nil {
		t.Fatal(err)
	}
	if xmax != "0" {
		t.Errorf("audit_tail xmax %s after sealing nothing: the tail was locked", xmax)
	}
}

// TestAdvice: the advice names each setting that will slow resolves down,
// and nothing on a server set up as doc.go says.
func TestAdvice(t *testing.T) {
	tests := []struct {
		ss   serverSettings
		want []string // a word each line must hold, in order
	}{
		{serverSettings{predLocks: 64, autovacuum: false}, []string{"max_pred_locks_per_transaction is 64", "autovacuum"}},
		{serverSettings{predLocks: 64, autovacuum: true}, []string{"max_pred_locks_per_transaction is 64"}},
		{serverSettings{predLocks: 1024, autovacuum: false}, []string{"autovacuum"}},
		{serverSettings{predLocks: 4096, autovacuum: true}, nil},
	}
	for _, tc := range tests {
		got := tc.ss.advice()
		if len(got) != len(tc.want) {
			t.Errorf("%+v: advice %q, want %d lines", tc.ss, got, len(tc.want))
			continue
		}
		for i, w := range tc.want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%+v: line %d %q, want it to mention %q", tc.ss, i, got[i], w)
			}
		}
	}
}

// TestAdviceReadsTheServer: Open reads the server's settings.
func TestAdviceReadsTheServer(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	s, err := Open(t.Context(), url, Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	var locks int
	var av string
	if err := s.View(t.Context(), func(stx store.Tx) error {
		return stx.(*tx).queryRow(t.Context(), `SELECT current_setting('max_pred_locks_per_transaction')::int, current_setting('autovacuum')`).Scan(&locks, &av)
	}); err != nil {
		t.Fatal(err)
	}
	want := serverSettings{predLocks: locks, autovacuum: av == "on"}
	if s.settings != want {
		t.Errorf("settings read at Open %+v, want %+v", s.settings, want)
	}
	if got := s.Advice(); len(got) != len(want.advice()) {
		t.Errorf("Advice %q, want %q", got, want.advice())
	}
}

// openInternal opens a store on a fresh database of the test server.
func openInternal(t *testing.T, opt Options) *Store {
	t.Helper()
	s, err := Open(t.Context(), pgtest.NewDatabase(t), opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestLaterWriteNoRowFailsTheTransaction: a queued write that returns no
// row where it must return one fails the transaction, even when fn
// ignores the error the next read reports — it is not a read's "not found".
func TestLaterWriteNoRowFailsTheTransaction(t *testing.T) {
	t.Parallel()
	s := openInternal(t, Options{})
	ctx := t.Context()
	var readErr error
	err := s.Update(ctx, func(stx store.Tx) error {
		x := stx.(*tx)
		var n int
		x.writeLater(laterWrite{op: "FakeWrite", sql: `SELECT 1 WHERE false`, scan: func(r pgx.Row) error { return r.Scan(&n) }})
		_, readErr = x.Counts(ctx)
		return nil // ignores readErr
	})
	if err == nil || !strings.Contains(err.Error(), "FakeWrite") {
		t.Errorf("Update: %v, want the failure of FakeWrite", err)
	}
	if errors.Is(readErr, store.ErrNotFound) {
		t.Errorf("Counts after the queued write: %v, want no ErrNotFound", readErr)
	}
}

// TestTimeoutBlamesTheWaitingCall: when the context ends while a batch
// waits for its replies, the error is the call's that sent the batch, not
// the queued write's ahead of it.
func TestTimeoutBlamesTheWaitingCall(t *testing.T) {
	t.Parallel()
	s := openInternal(t, Options{MaxConns: 1})
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	k := store.RecordKey{Source: "S", LocalID: "4"}
	var readErr error
	err := s.Update(ctx, func(stx store.Tx) error {
		x := stx.(*tx)
		eid, err := x.NewEID(ctx) // BEGIN sent
		if err != nil {
			return err
		}
		if err := x.SetLink(ctx, store.Link{Record: k, EID: eid, Kind: store.LinkAuto}); err != nil {
			return err
		}
		var s string
		readErr = x.fail("SlowRead", x.queryRow(ctx, `SELECT pg_sleep(2)::text`).Scan(&s))
		return readErr
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Update: %v, want the context's deadline", err)
	}
	if readErr == nil || !strings.Contains(readErr.Error(), "SlowRead") || strings.Contains(readErr.Error(), "SetLink") {
		t.Errorf("the slow read's error %v, want it to name SlowRead and not SetLink", readErr)
	}
}

// TestEncodeErrorsWithheld: pgx's failure to encode an argument prints
// the argument; the store never passes that on. (With the simple protocol
// pgx cannot encode a golden record, so PutPerson fails that way.)
func TestEncodeErrorsWithheld(t *testing.T) {
	t.Parallel()
	s, err := Open(t.Context(), withParam(pgtest.NewDatabase(t), "default_query_exec_mode=simple_protocol"), Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	const secret = "Nguyễn Văn Bí Mật"
	err = s.Update(t.Context(), func(stx store.Tx) error {
		eid, err := stx.NewEID(t.Context())
		if err != nil {
			return err
		}
		p := store.Person{EID: eid, Status: store.PersonActive, Version: 1}
		p.Golden.Name = store.GoldenField{Value: secret}
		return stx.PutPerson(t.Context(), p)
	})
	if err == nil {
		t.Skip("this pgx encodes a golden record over the simple protocol: nothing to withhold")
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "Bí") {
		t.Errorf("Update's error quotes the golden record: %v", err)
	}
}
