package main

import (
	"path/filepath"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/bolt"
)

// TestTimedStoreKeepsOneWriter: timing the store must not hide that bolt
// has one writer at a time — the workflow scores outside the write
// transaction only then (without it mpid resolved at half the rate of the
// same store in process) — nor that its transactions take audit entries.
func TestTimedStoreKeepsOneWriter(t *testing.T) {
	t.Parallel()
	raw, err := bolt.Open(filepath.Join(t.TempDir(), "mpi.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, ok := store.Store(raw).(store.OneWriter); !ok {
		t.Fatal("bolt is not a store.OneWriter: this test checks nothing")
	}
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "x"}, []string{"op"})
	st := timed(raw, h)
	if _, ok := st.(store.OneWriter); !ok {
		t.Error("the timed bolt store is not a store.OneWriter")
	}
	err = st.Update(t.Context(), func(tx store.Tx) error {
		if _, ok := tx.(store.TxAuditor); !ok {
			t.Error("a transaction of the timed bolt store is not a store.TxAuditor")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := timed(timedStore{Store: raw}, h).(store.OneWriter); ok {
		t.Error("timed made a store.OneWriter of a store that is not one")
	}
}
