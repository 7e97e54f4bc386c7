package postgres

import (
	"context"
	"sync"

	"github.com/jackc/pgx/v5"
)

// The planner's statistics. PostgreSQL plans a query from what ANALYZE
// last measured, and an import starts on empty tables: until they are
// analyzed again the planner takes them for tiny and answers Candidates
// with a sequential scan of records — one per resolve, each longer than
// the last. Autovacuum analyzes a table after a tenth of it changed, but
// only when it runs and keeps up: on a server with autovacuum off, a
// fresh import of 1 M records went at 37 records/s after 12,000 and at
// 340/s once analyzed. So the store analyzes the tables of the resolve
// path itself whenever the records written since it last did outnumber
// what the planner knows of (at least analyzeFloor): at 1,000, 2,000,
// 4,000 records and so on — twenty times for a million, each reading a
// sample of at most 30,000 rows per table.
const analyzeFloor = 1000

// analyzeTables are the tables a resolve queries by index.
const analyzeTables = `ANALYZE records, record_keys, links, persons, link_history, steward_constraints`

// growth counts the records written since the tables were last analyzed.
type growth struct {
	mu      sync.Mutex
	known   int64 // records the planner's statistics count
	written int64 // records written since
}

// wrote adds n records written and reports whether the tables should be
// analyzed now (then it starts counting again).
func (g *growth) wrote(n int64) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.written += n
	if g.written < max(analyzeFloor, g.known) {
		return false
	}
	g.known += g.written
	g.written = 0
	return true
}

// readKnown sets known from the statistics of records (reltuples is -1,
// or 0, for a table never analyzed).
func (g *growth) readKnown(ctx context.Context, conn *pgx.Conn) error {
	var n float64
	if err := conn.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'records'::regclass`).Scan(&n); err != nil {
		return err
	}
	g.mu.Lock()
	g.known = max(0, int64(n))
	g.mu.Unlock()
	return nil
}

// analyze updates the planner's statistics of the resolve path's tables.
// It runs after a commit, on the same connection: its failure loses no
// data, only a better plan, so it is not reported.
func (g *growth) analyze(ctx context.Context, conn *pgx.Conn) {
	ctx = context.WithoutCancel(ctx)
	if _, err := conn.Exec(ctx, analyzeTables); err == nil {
		_ = g.readKnown(ctx, conn)
	}
}
