package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// A migration is one numbered SQL file, applied in a transaction of its own.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order. Their
// versions must run 1, 2, 3, … without gaps: a gap means a file was lost.
func migrations() ([]migration, error) {
	return readMigrations(migrationFiles, "migrations")
}

func readMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || len(num) != 4 || err != nil || v <= 0 {
			return nil, fmt.Errorf("postgres: migration %s: name must be NNNN_name.sql", name)
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	// ReadDir sorts by name, and the names start with four digits.
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("postgres: migration %s: version %d, want %d (versions run 1, 2, 3, … without gaps)", m.name, m.version, i+1)
		}
	}
	return ms, nil
}

// ErrSchemaTooNew is returned by Open for a database migrated by a newer
// version of this program than the running one.
var ErrSchemaTooNew = errors.New("postgres: database schema is newer than this program")

// migrate brings the schema up to the newest embedded migration, one
// transaction per file, and returns how many it applied. Concurrent
// migrators (several replicas starting at once) take turns on a lock of
// schema_migrations; each finds what the others applied.
func migrate(ctx context.Context, conn *pgx.Conn, ms []migration) (int, error) {
	if err := createMigrationsTable(ctx, conn); err != nil {
		return 0, err
	}
	applied := 0
	for {
		done, err := migrateStep(ctx, conn, ms)
		if err != nil {
			return applied, err
		}
		if done {
			return applied, nil
		}
		applied++
	}
}

// createMigrationsTable creates schema_migrations unless it exists.
// Two sessions creating it at once may collide in the catalog (a unique
// violation on pg_type, or a duplicate object): the loser tries again
// and finds it made.
func createMigrationsTable(ctx context.Context, conn *pgx.Conn) error {
	const q = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at TIMESTAMPTZ NOT NULL
	)`
	var err error
	for range 5 {
		if _, err = conn.Exec(ctx, q); err == nil {
			return nil
		}
		if code := sqlState(err); code != "23505" && code != "42P07" && code != "42710" {
			break
		}
	}
	return fmt.Errorf("postgres: creating schema_migrations: %w", safeError(err))
}

// migrateStep applies the next pending migration in one transaction; done
// reports that there was none.
func migrateStep(ctx context.Context, conn *pgx.Conn, ms []migration) (done bool, err error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("postgres: migrate: %w", safeError(err))
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	if _, err := tx.Exec(ctx, `LOCK TABLE schema_migrations IN EXCLUSIVE MODE`); err != nil {
		return false, fmt.Errorf("postgres: locking schema_migrations: %w", safeError(err))
	}
	var current int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return false, fmt.Errorf("postgres: reading schema_migrations: %w", safeError(err))
	}
	switch {
	case current > len(ms):
		return false, fmt.Errorf("%w: the database is at schema version %d, this program knows versions up to %d; upgrade the program",
			ErrSchemaTooNew, current, len(ms))
	case current == len(ms):
		return true, tx.Commit(ctx)
	}
	m := ms[current]
	if _, err := tx.Exec(ctx, m.sql); err != nil {
		return false, fmt.Errorf("postgres: migration %s: %w", m.name, safeError(err))
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())`, m.version); err != nil {
		return false, fmt.Errorf("postgres: recording migration %s: %w", m.name, safeError(err))
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("postgres: committing migration %s: %w", m.name, safeError(err))
	}
	return false, nil
}

// sqlState returns the SQLSTATE of a server error, "" for other errors.
func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}
