package postgres_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vnhealth/mpi/internal/pgtest"
	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/postgres"
)

// TestAnalyzesAsItGrows: a store whose tables were never analyzed (the
// test server runs without autovacuum) analyzes them itself once 1,000
// records were written, so that the planner stops taking them for empty.
func TestAnalyzesAsItGrows(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	s := openURL(t, url, postgres.Options{})
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	analyzed := func() bool {
		var at *time.Time
		if err := conn.QueryRow(t.Context(), `SELECT greatest(last_analyze, last_autoanalyze) FROM pg_stat_user_tables WHERE relname = 'records'`).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at != nil
	}
	put := func(from, n int) {
		t.Helper()
		err := s.Update(t.Context(), func(tx store.Tx) error {
			for i := from; i < from+n; i++ {
				r := store.Record{Key: store.RecordKey{Source: "BV01", LocalID: fmt.Sprint(i)}, Version: 1,
					Raw: matching.Raw{FullName: "Test"}, Hash: fmt.Sprint(i), Status: store.RecordActive,
					Keys: []uint64{uint64(i%7 + 1)}, Received: time.Now()}
				if err := tx.PutRecord(t.Context(), r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	put(0, 999)
	// (The statistics collector reports with a delay of its own.)
	if analyzed() {
		t.Fatal("records analyzed before the store wrote 1,000 records")
	}
	put(999, 1)
	deadline := time.Now().Add(10 * time.Second)
	for !analyzed() {
		if time.Now().After(deadline) {
			t.Fatal("records not analyzed after the store wrote 1,000 records")
		}
		time.Sleep(50 * time.Millisecond)
	}
	var n float64
	if err := conn.QueryRow(t.Context(), `SELECT reltuples FROM pg_class WHERE relname = 'records'`).Scan(&n); err != nil || n != 1000 {
		t.Errorf("planner's row count of records: %v, %v; want 1000", n, err)
	}
}
