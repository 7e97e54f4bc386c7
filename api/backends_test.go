package api

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/vnhealth/mpi/internal/pgtest"
	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/bolt"
	"github.com/vnhealth/mpi/store/postgres"
)

// backend is a store implementation the workflow tests run against.
type backend struct {
	name string
	open opener
}

// backends lists the stores: bolt always; PostgreSQL on the server named
// by MPI_TEST_DATABASE_URL (its tests skip without it, and fail without
// it when CI is set — see pgtest).
func backends(*testing.T) []backend {
	return []backend{{"bolt", openBolt}, {"postgres", openPostgres}}
}

// openBolt opens a bolt store in a temporary directory.
func openBolt(t testing.TB) store.Store {
	t.Helper()
	s, err := bolt.Open(filepath.Join(t.TempDir(), "mpi.db"), bolt.Options{NoSync: true})
	if err != nil {
		t.Fatalf("bolt.Open: %v", err)
	}
	t.Cleanup(func() { closeStore(t, s) })
	return s
}

// openPostgres opens a store on a fresh PostgreSQL database.
func openPostgres(t testing.TB) store.Store {
	t.Helper()
	url := pgtest.NewDatabase(t)
	s, err := postgres.Open(context.Background(), url, postgres.Options{})
	if err != nil {
		t.Fatalf("postgres.Open: %v", err)
	}
	t.Cleanup(func() { closeStore(t, s) })
	return s
}

func closeStore(t testing.TB, s store.Store) {
	if err := s.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
		t.Errorf("Close: %v", err)
	}
}
