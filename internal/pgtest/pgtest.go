// Package pgtest gives tests a fresh PostgreSQL database of their own on
// the server named by MPI_TEST_DATABASE_URL.
//
//	func TestSomething(t *testing.T) {
//		url := pgtest.NewDatabase(t) // empty database, dropped when t ends
//		s, err := postgres.Open(t.Context(), url, postgres.Options{})
//		…
//	}
//
// Without MPI_TEST_DATABASE_URL the test is skipped — unless the CI
// variable is set, when it fails: CI must never pass by skipping the
// database tests. .ci/run starts a throwaway server and sets the variable.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable holding the test server's URL, for example
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable. Its role
// must be allowed to create databases.
const EnvURL = "MPI_TEST_DATABASE_URL"

// timeout bounds each administrative statement.
const timeout = time.Minute

// NewDatabase creates an empty database named mpi_test_<random> on the
// server at $MPI_TEST_DATABASE_URL and returns its URL (the server URL with
// the database name replaced). The database is dropped when t ends, its
// connections terminated first. t is skipped when the variable is unset,
// and fails instead when CI is set.
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin := ServerURL(t)
	name := "mpi_test_" + randomHex(8)
	dbURL, err := withDatabase(admin, name)
	if err != nil {
		t.Fatalf("pgtest: %s: %v", EnvURL, err)
	}
	if err := adminExec(admin, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("pgtest: creating database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := adminExec(admin, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("pgtest: dropping database %s: %v", name, err)
		}
	})
	return dbURL
}

// ServerURL returns $MPI_TEST_DATABASE_URL, skipping t when it is unset
// (failing t when CI is set).
func ServerURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u != "" {
		return u
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("pgtest: %s is not set, and CI is: the PostgreSQL tests must run in CI (.ci/run starts a server)", EnvURL)
	}
	t.Skipf("pgtest: %s is not set; set it to a PostgreSQL server's URL to run this test", EnvURL)
	return ""
}

// adminExec runs one statement on a connection of its own.
func adminExec(server, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// withDatabase returns the connection string s with its database set to
// name. s is a URL (postgres://…) or a key=value string.
func withDatabase(s, name string) (string, error) {
	if strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://") {
		u, err := url.Parse(s)
		if err != nil {
			return "", fmt.Errorf("not a URL")
		}
		u.Path = "/" + name
		u.RawPath = ""
		return u.String(), nil
	}
	// In a key=value string a later key overrides an earlier one.
	return s + " dbname=" + name, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// Connect opens a plain connection to url (a database of NewDatabase),
// closed when t ends.
func Connect(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
