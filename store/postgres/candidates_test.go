package postgres

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/vnhealth/mpi/internal/pgtest"
)

// bigKey indexes an oversized block in candidateData.
const bigKey = 999_999

// candidateData opens a migrated database holding 5,000 linked records
// under 2,000 small blocks and one block of 3,000 under bigKey, analyzed,
// with candidatesQuery prepared as "cand".
func candidateData(t *testing.T) *pgx.Conn {
	t.Helper()
	url := pgtest.NewDatabase(t)
	s, err := Open(t.Context(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	conn := pgtest.Connect(t, url)
	for _, sql := range []string{
		`INSERT INTO records SELECT i * 104729, 'S', i::text, 1, 1, 'h', '{}', ARRAY[(i * 7919) % 2000], now() FROM generate_series(1, 5000) i`,
		`INSERT INTO record_keys SELECT (i * 7919) % 2000, i * 104729, 'S', i::text FROM generate_series(1, 5000) i`,
		fmt.Sprintf(`INSERT INTO record_keys SELECT %d, i * 104729, 'S', i::text FROM generate_series(1, 3000) i`, bigKey),
		`INSERT INTO links SELECT i * 104729, 'S', i::text, 'E', 1, 0, 0, '', '', now() FROM generate_series(1, 5000) i`,
		`ANALYZE`,
		`PREPARE cand(bigint[], bigint) AS ` + candidatesQuery,
	} {
		if _, err := conn.Exec(t.Context(), sql); err != nil {
			t.Fatalf("%.40s…: %v", sql, err)
		}
	}
	return conn
}

// planNodes returns every node of an EXPLAIN (FORMAT JSON) plan.
func planNodes(t *testing.T, conn *pgx.Conn, explain string) []map[string]any {
	t.Helper()
	var out []byte
	if err := conn.QueryRow(t.Context(), explain).Scan(&out); err != nil {
		t.Fatalf("%s: %v", explain, err)
	}
	var plans []struct{ Plan map[string]any }
	if err := json.Unmarshal(out, &plans); err != nil || len(plans) != 1 {
		t.Fatalf("%s: %d plans (%v)", explain, len(plans), err)
	}
	var nodes []map[string]any
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		nodes = append(nodes, n)
		children, _ := n["Plans"].([]any)
		for _, c := range children {
			if m, ok := c.(map[string]any); ok {
				walk(m)
			}
		}
	}
	walk(plans[0].Plan)
	return nodes
}

// TestCandidatesPlan: with statistics, both the custom and the generic plan
// reach record_keys, records and links through their indexes. This is what
// keeps SSI's predicate locks to the blocks read instead of whole tables,
// so that resolves of different people do not conflict.
func TestCandidatesPlan(t *testing.T) {
	t.Parallel()
	conn := candidateData(t)
	for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
		if _, err := conn.Exec(t.Context(), `SET plan_cache_mode = `+mode); err != nil {
			t.Fatal(err)
		}
		nodes := planNodes(t, conn, `EXPLAIN (FORMAT JSON) EXECUTE cand('{1,2,3,4,5,6,7,8}', 101)`)
		seen := map[string]bool{}
		for _, n := range nodes {
			rel, _ := n["Relation Name"].(string)
			typ, _ := n["Node Type"].(string)
			if rel == "" {
				continue
			}
			seen[rel] = true
			if typ == "Seq Scan" || typ == "Bitmap Heap Scan" {
				t.Errorf("%s: %s on %s, want an index scan", mode, typ, rel)
			}
		}
		for _, rel := range []string{"record_keys", "records", "links"} {
			if !seen[rel] {
				t.Errorf("%s: plan does not read %s", mode, rel)
			}
		}
	}
}

// TestCandidatesCapBoundsReads: an oversized block costs perKey + 1 index
// entries, not the block's size.
func TestCandidatesCapBoundsReads(t *testing.T) {
	t.Parallel()
	conn := candidateData(t)
	const perKey = 10
	nodes := planNodes(t, conn, fmt.Sprintf(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE cand('{%d}', %d)`, bigKey, perKey+1))
	found := false
	for _, n := range nodes {
		if n["Relation Name"] != "record_keys" {
			continue
		}
		found = true
		if rows, _ := n["Actual Rows"].(float64); rows > perKey+1 {
			t.Errorf("%s on record_keys read %v rows, want at most %d", n["Node Type"], rows, perKey+1)
		}
	}
	if !found {
		t.Error("plan does not read record_keys")
	}
	var capped int
	if err := conn.QueryRow(t.Context(), fmt.Sprintf(`EXECUTE cand('{%d}', %d)`, bigKey, perKey+1)).Scan(&capped, nil, nil, nil, nil, nil, nil, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	if capped != 1 {
		t.Errorf("capped %d keys, want 1", capped)
	}
}
