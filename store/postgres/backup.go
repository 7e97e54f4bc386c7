package postgres

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/vnhealth/mpi/store"
)

// Backup writes a pg_dump archive (custom format, for pg_restore) of the
// store's database to w. pg_dump reads one snapshot, so the copy is
// consistent while the store stays live. pg_dump must be on PATH (Debian:
// postgresql-client) and no older than the server.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return fmt.Errorf("postgres: backup needs pg_dump on PATH (Debian package postgresql-client): %w", err)
	}
	var stderr tail
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--no-password", "--dbname", s.url)
	cmd.Stdout = w
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		// pg_dump's messages name objects and connection problems, never
		// row values.
		return fmt.Errorf("postgres: pg_dump: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// tail keeps the last 2 KiB written to it.
type tail struct{ b []byte }

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 2048 {
		t.b = t.b[len(t.b)-2048:]
	}
	return len(p), nil
}

func (t *tail) String() string { return string(bytes.ToValidUTF8(t.b, nil)) }
