package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/vnhealth/mpi/internal/pgtest"
	"github.com/vnhealth/mpi/store"
)

// TestGenericPlans: the store's sessions reuse generic plans for their
// prepared statements, unless the URL chooses otherwise.
func TestGenericPlans(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	for _, tc := range []struct{ url, want string }{
		{url, "force_generic_plan"},
		{url + sep + "plan_cache_mode=auto", "auto"},
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
