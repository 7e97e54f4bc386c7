// Package postgres is the PostgreSQL backend of store.Store, for the
// production path: several stateless mpid replicas sharing one database.
//
//	s, err := postgres.Open(ctx, "postgres://mpi@db:5432/mpi?sslmode=verify-full", postgres.Options{})
//
// # Schema
//
// Open applies the numbered SQL files under migrations/ (embedded) in
// order, one transaction each, recorded in schema_migrations; replicas
// starting at once take turns on a lock of that table, and a database
// migrated by a newer program is refused (ErrSchemaTooNew). The tables
// follow the data model of package store: records (current versions, key
// source+local_id) and record_versions (earlier ones); record_keys, the
// online blocking index, one row (key_hash, source, local_id) per key of
// each active record, its primary key leading with key_hash; persons with
// the golden record as JSONB; links (the active link per record, indexed by
// EID) and link_history; steward_constraints; tasks with task_eids;
// events with event_eids; audit with audit_eids and the one-row audit_tail,
// and audit_pending, the entries not yet chained.
// Keys and EIDs are TEXT COLLATE "C" (byte order), times TIMESTAMPTZ.
//
// The SQL is portable on purpose — sequences, identity columns, BIGINT,
// arrays and JSONB, serializable transactions with retry, no advisory
// locks — so that the schema can move to CockroachDB or YugabyteDB.
//
// # Concurrency
//
// Update runs SERIALIZABLE. Resolving a record reads its blocks
// (Candidates) and writes into them (PutRecord); two resolves of one new
// person therefore conflict under PostgreSQL's serializable snapshot
// isolation, one of them fails to serialize, and Update runs it again — now
// it sees the other's record and links to its person. That is how
// concurrent ingests of one person end with one EID, without locks in the
// hot path. Candidates reaches record_keys, records and links through
// their primary keys (see TestCandidatesPlan), so the predicate locks
// cover the blocks read and resolves of different people rarely conflict
// (on a small or never-analyzed database the planner may scan whole tables
// and conflicts are more frequent; correctness is the same). Each
// Candidates key reads at most perKey+1 index entries, whatever the size of
// its block. Records and links lead their primary keys with rkey, a hash of
// the record key, so that a source sending consecutive local IDs does not
// make every resolve read and insert into one index page.
//
// PostgreSQL coarsens predicate locks: more than max_pred_locks_per_relation
// (default max_pred_locks_per_transaction/2 = 32) tuple or page locks on one
// relation become a lock on the whole relation, and a resolve whose
// candidates bring back 40 records takes 40 tuple locks on records; every
// concurrent insert into records then conflicts with it. Servers with
// concurrent ingest should raise max_pred_locks_per_transaction (e.g. to
// 1024). BenchmarkResolveUpdate measures it: on 10,000 records, 8 keys per
// record and about 4 records per block, a resolve takes about 1.5 ms alone
// (2-core machine, fsync off), and 8 goroutines resolving different people
// through 4 connections need about 2 tries per resolve with the defaults,
// 1.3–1.8 with 1024. The rate falls as the database grows and blocks spread
// over more index pages. Open reads the setting (and autovacuum's), and
// Store.Advice says what to change; mpid logs it at start, mpictl import
// and load print it.
//
// A failed try is retried after a jittered, growing backoff, up to
// Options.MaxTries (20) times; after three failures an Update's further
// tries run alone within the process (Updates in flight finish first, new
// ones wait) so that a hot spot drains instead of starving one caller.
//
// View runs REPEATABLE READ, READ ONLY: a consistent snapshot that never
// fails to serialize. Audit entries — of Store.Audit, and of write
// transactions (store.TxAuditor) — are inserted into audit_pending, a row
// per call, without a lock; a sealer chains them into audit under the
// audit_tail row lock in a READ COMMITTED transaction of its own, many
// calls per commit, which keeps the hash chain unbroken and Seq gapless:
// every second in the background (Options.SealInterval), before every
// AuditLog read, and on Close. Several replicas sealing take turns on
// that lock. Event Seqs come from an identity column: they
// grow with each append, but transactions that do not conflict may commit
// in a different order than their Seqs.
//
// # Errors
//
// Server errors are translated to the store's sentinels (serialization
// failure and deadlock: ErrConflict; unique violation: ErrExists; data
// exceptions: ErrInvalid) and reduced to their SQLSTATE, table and
// constraint: PostgreSQL's messages and details for data errors quote row
// values, which are patient data, and never reach an error here.
//
// # Backup
//
// Backup runs pg_dump --format=custom over the store's URL and streams the
// archive; restore it with pg_restore into an empty database and Open it.
package postgres
