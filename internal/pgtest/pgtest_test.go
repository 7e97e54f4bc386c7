package pgtest

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestWithDatabase(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "postgres://postgres@127.0.0.1:5432/db1?sslmode=disable"},
		{"postgresql://u:p%40ss@h/x", "postgresql://u:p%40ss@h/db1"},
		{"postgres://h:5433", "postgres://h:5433/db1"},
		{"host=/tmp port=5433 dbname=postgres", "host=/tmp port=5433 dbname=postgres dbname=db1"},
	}
	for _, tc := range tests {
		got, err := withDatabase(tc.in, "db1")
		if err != nil || got != tc.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// TestNewDatabase: the database is fresh, named mpi_test_…, and gone after
// the test, even with a connection still open to it.
func TestNewDatabase(t *testing.T) {
	t.Parallel()
	var name string
	t.Run("use", func(t *testing.T) {
		url := NewDatabase(t)
		conn, err := pgx.Connect(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		// Left open on purpose: cleanup must terminate it.
		var tables int
		if err := conn.QueryRow(t.Context(), `SELECT current_database(),
			(SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public')`).Scan(&name, &tables); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "mpi_test_") || tables != 0 {
			t.Errorf("database %q with %d tables, want a fresh mpi_test_… one", name, tables)
		}
		if other := NewDatabase(t); other == url {
			t.Errorf("two databases at one URL %s", url)
		}
	})
	conn, err := pgx.Connect(t.Context(), ServerURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if name == "" || n != 0 {
		t.Errorf("database %q still exists after the test (%d)", name, n)
	}
}
