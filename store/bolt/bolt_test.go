package bolt_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/bolt"
	"github.com/vnhealth/mpi/store/storetest"
)

// open opens a store in a new file under t's temporary directory and
// closes it when the test ends.
func open(t testing.TB, path string, opt bolt.Options) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(path, opt)
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

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, storetest.Backend{
		Open: func(t *testing.T) store.Store {
			return open(t, filepath.Join(t.TempDir(), "mpi.db"), bolt.Options{})
		},
		Restore: func(t *testing.T, backup []byte) store.Store {
			path := filepath.Join(t.TempDir(), "restored.db")
			if err := os.WriteFile(path, backup, 0o600); err != nil {
				t.Fatal(err)
			}
			return open(t, path, bolt.Options{})
		},
	})
}
