package main

import (
	"strings"
	"testing"

	"github.com/vnhealth/mpi/internal/pgtest"
)

// TestStoreAdviceLogged: mpid warns at start about each PostgreSQL setting
// that will slow resolves down — what the server it is given has — and on
// the embedded store about none.
func TestStoreAdviceLogged(t *testing.T) {
	t.Parallel()
	const marker = "the store's server is set up to slow resolves down"
	bolt := startMpid(t, t.TempDir())
	if strings.Contains(bolt.stderr.String(), marker) {
		t.Errorf("mpid on bolt warned about a server:\n%s", bolt.stderr)
	}

	dbURL := pgtest.NewDatabase(t)
	var locks int
	var autovacuum string
	conn := pgtest.Connect(t, dbURL)
	if err := conn.QueryRow(t.Context(), `SELECT current_setting('max_pred_locks_per_transaction')::int, current_setting('autovacuum')`).
		Scan(&locks, &autovacuum); err != nil {
		t.Fatal(err)
	}
	logs := startMpid(t, t.TempDir(), "--database-url", dbURL).stderr.String()
	for _, c := range []struct {
		setting string
		want    bool
	}{
		{"max_pred_locks_per_transaction", locks < 1024},
		{"autovacuum", autovacuum != "on"},
	} {
		warned := false
		for _, line := range strings.Split(logs, "\n") {
			if strings.Contains(line, marker) && strings.Contains(line, c.setting) && strings.Contains(line, `"level":"WARN"`) {
				warned = true
			}
		}
		if warned != c.want {
			t.Errorf("mpid warned about %s: %v, want %v (server: max_pred_locks_per_transaction %d, autovacuum %s):\n%s",
				c.setting, warned, c.want, locks, autovacuum, logs)
		}
	}
}
