package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// minPredLocks is the max_pred_locks_per_transaction a server with
// concurrent resolves wants (doc.go): a resolve reads tens of records and
// links, and past half this many tuple locks on one table PostgreSQL widens
// them to a lock on the whole table, which every concurrent insert then
// conflicts with.
const minPredLocks = 1024

// serverSettings are the settings of the server that advice looks at.
type serverSettings struct {
	predLocks  int
	autovacuum bool
}

// readSettings reads the server's settings that advice looks at.
func readSettings(ctx context.Context, conn *pgx.Conn) (serverSettings, error) {
	var locks, av string
	err := conn.QueryRow(ctx, `SELECT current_setting('max_pred_locks_per_transaction'), current_setting('autovacuum')`).
		Scan(&locks, &av)
	if err != nil {
		return serverSettings{}, err
	}
	n, err := strconv.Atoi(locks)
	if err != nil {
		return serverSettings{}, fmt.Errorf("max_pred_locks_per_transaction %q: %w", locks, err)
	}
	return serverSettings{predLocks: n, autovacuum: av == "on"}, nil
}

// advice says what in the server's settings will cost resolves, one line
// each, for an operator to read.
func (ss serverSettings) advice() []string {
	var out []string
	if ss.predLocks < minPredLocks {
		out = append(out, fmt.Sprintf("PostgreSQL's max_pred_locks_per_transaction is %d: concurrent resolves widen their "+
			"predicate locks to whole tables and fail to serialize far more often; set it to at least %d "+
			"(postgresql.conf, then restart the server)", ss.predLocks, minPredLocks))
	}
	if !ss.autovacuum {
		out = append(out, "PostgreSQL's autovacuum is off: index-only scans of the blocking keys read the table too and "+
			"replaced golden records pile up; turn it on or VACUUM ANALYZE the database regularly")
	}
	return out
}

// Advice returns what in the server's settings, read when the store was
// opened, will slow resolves down, one line each (empty when nothing):
// store.Advisor.
func (s *Store) Advice() []string { return s.settings.advice() }
