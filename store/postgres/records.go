package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vnhealth/mpi/store"
)

// recordCols are the columns of records and record_versions, in the order
// scanRecord reads them.
const recordCols = `source, local_id, version, status, hash, raw, keys, received`

// scanRecord reads recordCols into a fresh Record.
func scanRecord(row pgx.Row) (store.Record, error) {
	var (
		r      store.Record
		status int16
		keys   []int64
	)
	if err := row.Scan(&r.Key.Source, &r.Key.LocalID, &r.Version, &status, &r.Hash, &r.Raw, &keys, &r.Received); err != nil {
		return store.Record{}, err
	}
	r.Status = store.RecordStatus(status)
	r.Keys = keysFromDB(keys)
	r.Received = utc(r.Received)
	return r, nil
}

// Record returns the current version of a record.
func (t *tx) Record(ctx context.Context, k store.RecordKey) (store.Record, error) {
	const op = "Record"
	if err := checkKey(op, k); err != nil {
		return store.Record{}, err
	}
	if err := t.read(); err != nil {
		return store.Record{}, err
	}
	row := t.queryRow(ctx, `SELECT `+recordCols+` FROM records WHERE rkey = $1 AND source = $2 AND local_id = $3`,
		rkey(k), k.Source, k.LocalID)
	r, err := scanRecord(row)
	if err != nil {
		return store.Record{}, t.fail(op+" "+k.String(), err)
	}
	return r, nil
}

// Records returns the current versions of the records among ks.
func (t *tx) Records(ctx context.Context, ks []store.RecordKey) ([]store.Record, error) {
	const op = "Records"
	if err := t.read(); err != nil {
		return nil, err
	}
	seen := make(map[store.RecordKey]bool, len(ks))
	var (
		hashes       []int64
		sources, ids []string
	)
	for _, k := range ks {
		if err := checkKey(op, k); err != nil {
			return nil, err
		}
		if !seen[k] {
			seen[k] = true
			hashes, sources, ids = append(hashes, rkey(k)), append(sources, k.Source), append(ids, k.LocalID)
		}
	}
	if len(sources) == 0 {
		return nil, nil
	}
	var out []store.Record
	err := t.query(ctx, op, `SELECT `+prefixed("r", recordCols)+`
		FROM unnest($1::bigint[], $2::text[], $3::text[]) AS k(rkey, source, local_id)
		JOIN records r ON r.rkey = k.rkey AND r.source = k.source AND r.local_id = k.local_id`,
		[]any{hashes, sources, ids}, func(rows pgx.Rows) error {
			r, err := scanRecord(rows)
			out = append(out, r)
			return err
		})
	return out, err
}

// RecordVersions returns every version of a record, oldest first.
func (t *tx) RecordVersions(ctx context.Context, k store.RecordKey) ([]store.Record, error) {
	op := "RecordVersions"
	if err := checkKey(op, k); err != nil {
		return nil, err
	}
	if err := t.read(); err != nil {
		return nil, err
	}
	var out []store.Record
	err := t.query(ctx, op, `SELECT `+recordCols+` FROM record_versions WHERE source = $1 AND local_id = $2
		UNION ALL
		SELECT `+recordCols+` FROM records WHERE rkey = $3 AND source = $1 AND local_id = $2
		ORDER BY version`,
		[]any{k.Source, k.LocalID, rkey(k)}, func(rows pgx.Rows) error {
			r, err := scanRecord(rows)
			out = append(out, r)
			return err
		})
	if err == nil && len(out) == 0 {
		return nil, t.fail(op+" "+k.String(), pgx.ErrNoRows)
	}
	return out, err
}

// insertRecord stores version 1 of a record and indexes its keys; it
// returns 0 rows when the record exists.
const insertRecord = `
WITH ins AS (
	INSERT INTO records (rkey, source, local_id, version, status, hash, raw, keys, received)
	VALUES ($9, $1, $2, 1, $3, $4, $5, $6, $7)
	ON CONFLICT (rkey, source, local_id) DO NOTHING
	RETURNING rkey, source, local_id
), idx AS (
	INSERT INTO record_keys (key_hash, rkey, source, local_id)
	SELECT DISTINCT k, ins.rkey, ins.source, ins.local_id FROM ins, unnest($8::bigint[]) AS k
	ON CONFLICT (key_hash, rkey, source, local_id) DO NOTHING
)
SELECT count(*) FROM ins`

// updateRecord makes $3 the current version when $3-1 is: the old current
// version moves to record_versions, the keys it no longer has leave the
// index and its new ones enter it (unchanged keys are not touched). It
// returns 0 rows when $3-1 is not the current version.
const updateRecord = `
WITH old AS (
	SELECT ` + recordCols + ` FROM records
	WHERE rkey = $10 AND source = $1 AND local_id = $2 AND version = $3 - 1
), hist AS (
	INSERT INTO record_versions (` + recordCols + `)
	SELECT ` + recordCols + ` FROM old
), upd AS (
	UPDATE records SET version = $3, status = $4, hash = $5, raw = $6, keys = $7, received = $8
	WHERE rkey = $10 AND source = $1 AND local_id = $2 AND version = $3 - 1
	RETURNING 1
), unindex AS (
	DELETE FROM record_keys
	WHERE key_hash = ANY (coalesce((SELECT keys FROM old), '{}'::bigint[])) AND rkey = $10 AND source = $1 AND local_id = $2
		AND NOT key_hash = ANY (coalesce($9::bigint[], '{}'))
), idx AS (
	INSERT INTO record_keys (key_hash, rkey, source, local_id)
	SELECT DISTINCT k, $10::bigint, $1, $2 FROM unnest($9::bigint[]) AS k
	WHERE EXISTS (SELECT 1 FROM upd)
	ON CONFLICT (key_hash, rkey, source, local_id) DO NOTHING
)
SELECT count(*) FROM upd`

// PutRecord stores r as the record's new current version and re-indexes
// its keys (none when retracted).
func (t *tx) PutRecord(ctx context.Context, r store.Record) error {
	const op = "PutRecord"
	if err := checkKey(op, r.Key); err != nil {
		return err
	}
	if r.Status != store.RecordActive && r.Status != store.RecordRetracted {
		return invalid(op, "record %s: unknown status %d", r.Key, r.Status)
	}
	if !textOK(r.Hash) {
		return invalid(op, "record %s: hash must be UTF-8 without NUL bytes", r.Key)
	}
	if err := t.write(op); err != nil {
		return err
	}
	if r.Version < 1 {
		return conflict(op, "record %s: version %d, want 1 for a new record or the current version + 1", r.Key, r.Version)
	}
	var index []int64
	if r.Status == store.RecordActive {
		index = keysToDB(r.Keys)
	}
	received := store.StoredTime(r.Received)
	var n int64
	var row pgx.Row
	if r.Version == 1 {
		row = t.queryRow(ctx, insertRecord, r.Key.Source, r.Key.LocalID, int16(r.Status), r.Hash, r.Raw,
			keysToDB(r.Keys), received, index, rkey(r.Key))
	} else {
		row = t.queryRow(ctx, updateRecord, r.Key.Source, r.Key.LocalID, r.Version, int16(r.Status), r.Hash, r.Raw,
			keysToDB(r.Keys), received, index, rkey(r.Key))
	}
	if err := row.Scan(&n); err != nil {
		return t.fail(op+" "+r.Key.String(), err)
	}
	if n == 0 {
		if r.Version == 1 {
			return conflict(op, "record %s exists: version 1 is for a new record", r.Key)
		}
		return conflict(op, "record %s: version %d is not the current version + 1", r.Key, r.Version)
	}
	t.puts++
	return nil
}

// candidatesQuery finds the active records under any of the keys $1, in
// one round trip. Per key, an index range scan of record_keys reads at
// most $2 entries (perKey + 1): a key that yields $2 of them is an
// oversized block, skipped and counted. $2 NULL means no cap. The ORDER BY
// matches the primary key's order, so the planner reads the range in
// index order and stops at the LIMIT (a bitmap scan would read the whole
// block first). The records and their links are then fetched by primary
// key. The first column is the count of skipped keys; a set with no
// candidate comes back as one row of NULLs beside it.
const candidatesQuery = `
WITH hits AS (
	SELECT k.key_hash, rk.rkey, rk.source, rk.local_id, count(*) OVER (PARTITION BY k.key_hash) AS n
	FROM (SELECT DISTINCT unnest($1::bigint[]) AS key_hash) AS k
	CROSS JOIN LATERAL (
		SELECT record_keys.rkey, record_keys.source, record_keys.local_id FROM record_keys
		WHERE record_keys.key_hash = k.key_hash
		ORDER BY record_keys.rkey, record_keys.source, record_keys.local_id
		LIMIT $2::bigint
	) AS rk
), found AS (
	SELECT DISTINCT rkey, source, local_id FROM hits WHERE $2::bigint IS NULL OR n < $2::bigint
), capped AS (
	SELECT count(DISTINCT key_hash) AS n FROM hits WHERE n >= $2::bigint
)
SELECT capped.n, ` + "r.source, r.local_id, r.version, r.status, r.hash, r.raw, r.keys, r.received" + `, l.eid
FROM capped
LEFT JOIN (found
	JOIN records r ON r.rkey = found.rkey AND r.source = found.source AND r.local_id = found.local_id AND r.status = 1
	LEFT JOIN links l ON l.rkey = r.rkey AND l.source = r.source AND l.local_id = r.local_id
) ON true
ORDER BY r.source, r.local_id`

// Candidates returns the active records under any of keys, skipping and
// counting keys with more than perKey of them.
func (t *tx) Candidates(ctx context.Context, keys []uint64, perKey int) (store.CandidateSet, error) {
	const op = "Candidates"
	var set store.CandidateSet
	if err := t.read(); err != nil {
		return set, err
	}
	if len(keys) == 0 {
		return set, nil
	}
	var limit *int64
	if perKey > 0 {
		l := int64(perKey) + 1
		limit = &l
	}
	err := t.query(ctx, op, candidatesQuery, []any{keysToDB(keys), limit}, func(rows pgx.Rows) error {
		var (
			capped   int
			source   *string
			localID  *string
			version  *int32
			status   *int16
			hash     *string
			raw      []byte
			rkeys    []int64
			received *time.Time
			eid      *string
		)
		if err := rows.Scan(&capped, &source, &localID, &version, &status, &hash, &raw, &rkeys, &received, &eid); err != nil {
			return err
		}
		set.Capped = capped
		if source == nil {
			return nil
		}
		c := store.Candidate{Record: store.Record{
			Key: store.RecordKey{Source: *source, LocalID: *localID}, Version: *version,
			Status: store.RecordStatus(*status), Hash: *hash, Keys: keysFromDB(rkeys), Received: utc(*received),
		}}
		if err := unmarshalJSON(raw, &c.Record.Raw); err != nil {
			return err
		}
		if eid != nil {
			c.EID = store.EID(*eid)
		}
		set.Candidates = append(set.Candidates, c)
		return nil
	})
	return set, err
}

// PersonRecords returns the active records linked to any of eids.
func (t *tx) PersonRecords(ctx context.Context, eids []store.EID) ([]store.Candidate, error) {
	const op = "PersonRecords"
	for _, e := range eids {
		if err := checkEID(op, e); err != nil {
			return nil, err
		}
	}
	if err := t.read(); err != nil {
		return nil, err
	}
	if len(eids) == 0 {
		return nil, nil
	}
	var out []store.Candidate
	err := t.query(ctx, op, `SELECT `+prefixed("r", recordCols)+`, l.eid
		FROM links l JOIN records r ON r.rkey = l.rkey AND r.source = l.source AND r.local_id = l.local_id
		WHERE l.eid = ANY ($1::text[]) AND r.status = 1
		ORDER BY l.eid, l.source, l.local_id`,
		[]any{eidsToDB(dedupe(eids))}, func(rows pgx.Rows) error {
			var c store.Candidate
			var status int16
			var keys []int64
			if err := rows.Scan(&c.Record.Key.Source, &c.Record.Key.LocalID, &c.Record.Version, &status, &c.Record.Hash,
				&c.Record.Raw, &keys, &c.Record.Received, &c.EID); err != nil {
				return err
			}
			c.Record.Status = store.RecordStatus(status)
			c.Record.Keys = keysFromDB(keys)
			c.Record.Received = utc(c.Record.Received)
			out = append(out, c)
			return nil
		})
	return out, err
}

// ForEachRecord calls fn with every record's current version in key
// order, a page at a time (fn may use the tx between pages).
func (t *tx) ForEachRecord(ctx context.Context, fn func(store.Record) error) error {
	const op = "ForEachRecord"
	var after store.RecordKey
	for {
		if err := t.read(); err != nil {
			return err
		}
		var page []store.Record
		err := t.query(ctx, op, `SELECT `+recordCols+` FROM records
			WHERE (source, local_id) > ($1, $2) ORDER BY source, local_id LIMIT $3`,
			[]any{after.Source, after.LocalID, pageSize}, func(rows pgx.Rows) error {
				r, err := scanRecord(rows)
				page = append(page, r)
				return err
			})
		if err != nil {
			return err
		}
		for _, r := range page {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
		after = page[len(page)-1].Key
	}
}
