package postgres

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vnhealth/mpi/store"
)

// pageSize is how many rows a ForEach reads per query.
const pageSize = 500

// conflict returns an ErrConflict for op naming what is wrong.
func conflict(op, format string, args ...any) error {
	return fmt.Errorf("postgres: %s: %w: %s", op, store.ErrConflict, fmt.Sprintf(format, args...))
}

// prefixed qualifies each column of a comma-separated list with alias.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// dedupe returns es without repeats, in first-seen order (never nil).
func dedupe(es []store.EID) []store.EID {
	out := make([]store.EID, 0, len(es))
	seen := make(map[store.EID]bool, len(es))
	for _, e := range es {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}

// unmarshalJSON decodes a JSON column; NULL leaves v as it is. The
// decoder's error names the type, not the value.
func unmarshalJSON(b []byte, v any) error {
	if b == nil {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decoding a JSON column: %T", err)
	}
	return nil
}

// rkey is the hash that leads the primary keys of records and links
// (see migrations/0001_initial.sql): FNV-1a 64 over source, a NUL byte and
// local_id. Stored: it must never change.
func rkey(k store.RecordKey) int64 {
	h := fnv.New64a()
	h.Write([]byte(k.Source))
	h.Write([]byte{0})
	h.Write([]byte(k.LocalID))
	return int64(h.Sum64())
}

// onCode returns a laterWrite.translate that turns the server error of
// SQLSTATE code into to.
func onCode(code string, to error) func(error) error {
	return func(err error) error {
		if pe, ok := errors.AsType[*pgconn.PgError](err); ok && pe.Code == code {
			return to
		}
		return err
	}
}
