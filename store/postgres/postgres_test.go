package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"testing"

	"github.com/vnhealth/mpi/internal/pgtest"
	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/postgres"
	"github.com/vnhealth/mpi/store/storetest"
)

// open opens a store on a fresh database and closes it when t ends.
func open(t testing.TB, opt postgres.Options) *postgres.Store {
	t.Helper()
	return openURL(t, pgtest.NewDatabase(t), opt)
}

// openURL opens the store at url and closes it when t ends.
func openURL(t testing.TB, url string, opt postgres.Options) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url, opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// restore loads a Backup archive into a fresh database with pg_restore
// and opens a store on it.
func restore(t *testing.T, backup []byte) store.Store {
	t.Helper()
	url := pgtest.NewDatabase(t)
	bin, err := exec.LookPath("pg_restore")
	if err != nil {
		t.Fatalf("pg_restore: %v", err)
	}
	cmd := exec.CommandContext(t.Context(), bin, "--exit-on-error", "--no-owner", "--dbname", url)
	cmd.Stdin = bytes.NewReader(backup)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	return openURL(t, url, postgres.Options{})
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, storetest.Backend{
		Open:    func(t *testing.T) store.Store { return open(t, postgres.Options{}) },
		Restore: restore,
	})
}
