package postgres

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/vnhealth/mpi/internal/pgtest"
)

// versions returns the versions recorded in schema_migrations.
func versions(t *testing.T, conn *pgx.Conn) []int {
	t.Helper()
	rows, err := conn.Query(t.Context(), `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatalf("schema_migrations: %v", err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatalf("schema_migrations: %v", err)
	}
	return vs
}

func TestMigrationFiles(t *testing.T) {
	t.Parallel()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no embedded migrations")
	}
	for i, m := range ms {
		if m.version != i+1 || strings.TrimSpace(m.sql) == "" {
			t.Errorf("migration %d: %s, version %d, %d bytes of SQL", i, m.name, m.version, len(m.sql))
		}
	}
}

func TestReadMigrations(t *testing.T) {
	t.Parallel()
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		want    []int
		wantErr string
	}{
		{"in order", fstest.MapFS{"m/0002_b.sql": file("B"), "m/0001_a.sql": file("A"), "m/README": file("x")}, []int{1, 2}, ""},
		{"gap", fstest.MapFS{"m/0001_a.sql": file("A"), "m/0003_c.sql": file("C")}, nil, "without gaps"},
		{"starts at 2", fstest.MapFS{"m/0002_b.sql": file("B")}, nil, "without gaps"},
		{"no number", fstest.MapFS{"m/initial.sql": file("A")}, nil, "NNNN_name.sql"},
		{"short number", fstest.MapFS{"m/1_a.sql": file("A")}, nil, "NNNN_name.sql"},
		{"zero", fstest.MapFS{"m/0000_a.sql": file("A")}, nil, "NNNN_name.sql"},
	}
	for _, tc := range tests {
		ms, err := readMigrations(tc.fsys, "m")
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		var got []int
		for _, m := range ms {
			got = append(got, m.version)
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s: versions mismatch (-want +got):\n%s", tc.name, d)
		}
	}
}

// TestMigrateTwice: the second run on an up-to-date schema applies nothing.
func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	conn := pgtest.Connect(t, pgtest.NewDatabase(t))
	for run, want := range []int{len(ms), 0} {
		n, err := migrate(t.Context(), conn, ms)
		if err != nil {
			t.Fatalf("run %d: %v", run+1, err)
		}
		if n != want {
			t.Errorf("run %d applied %d migrations, want %d", run+1, n, want)
		}
	}
	var want []int
	for _, m := range ms {
		want = append(want, m.version)
	}
	if d := cmp.Diff(want, versions(t, conn)); d != "" {
		t.Errorf("schema_migrations mismatch (-want +got):\n%s", d)
	}
}

// TestMigratePending: a program with a new migration applies just that
// one; a failing migration leaves nothing behind and is not recorded.
func TestMigratePending(t *testing.T) {
	t.Parallel()
	conn := pgtest.Connect(t, pgtest.NewDatabase(t))
	v1 := []migration{{1, "0001_a.sql", `CREATE TABLE a (x INT)`}}
	v2 := append(v1, migration{2, "0002_b.sql", `CREATE TABLE b (x INT); INSERT INTO b VALUES (1)`})
	bad := append(v2, migration{3, "0003_bad.sql", `CREATE TABLE c (x INT); INSERT INTO c VALUES ('not a number')`})
	for _, step := range []struct {
		ms      []migration
		applied int
		err     bool
	}{{v1, 1, false}, {v2, 1, false}, {v2, 0, false}, {bad, 0, true}} {
		n, err := migrate(t.Context(), conn, step.ms)
		if (err != nil) != step.err || n != step.applied {
			t.Errorf("migrate to %d: applied %d (%v), want %d (error: %v)", len(step.ms), n, err, step.applied, step.err)
		}
	}
	if d := cmp.Diff([]int{1, 2}, versions(t, conn)); d != "" {
		t.Errorf("schema_migrations mismatch (-want +got):\n%s", d)
	}
	var c *string
	if err := conn.QueryRow(t.Context(), `SELECT to_regclass('c')::text`).Scan(&c); err != nil || c != nil {
		t.Errorf("table of the failed migration: %v (%v), want none", c, err)
	}
}

// TestSchemaTooNew: a database migrated by a newer program is refused.
func TestSchemaTooNew(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	s, err := Open(t.Context(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	conn := pgtest.Connect(t, url)
	if _, err := conn.Exec(t.Context(), `INSERT INTO schema_migrations (version, applied_at) SELECT max(version) + 1, now() FROM schema_migrations`); err != nil {
		t.Fatal(err)
	}
	s, err = Open(t.Context(), url, Options{})
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("Open of a newer schema: %v, want ErrSchemaTooNew", err)
	}
	if s != nil {
		s.Close()
	}
}

// TestConcurrentOpens: replicas starting at once each see the schema
// migrated exactly once.
func TestConcurrentOpens(t *testing.T) {
	t.Parallel()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	url := pgtest.NewDatabase(t)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			s, err := Open(t.Context(), url, Options{MaxConns: 1})
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
	if got := versions(t, pgtest.Connect(t, url)); len(got) != len(ms) {
		t.Errorf("schema_migrations holds %v, want versions 1..%d", got, len(ms))
	}
}
