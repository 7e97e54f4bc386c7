// Package bolt is the embedded default store: a store.Store on one bbolt
// file (go.etcd.io/bbolt), for a single mpid process.
//
// # Layout
//
// Every table is a bucket of sorted keys (keys.go lists them). A record
// key is encoded as Source 0x00 LocalID, which sorts by Source and then
// LocalID and makes "record key 0x00" a prefix unique to one record; a
// record key may therefore hold no NUL byte (ErrInvalid), which
// PostgreSQL's text type cannot hold either. Numbers in keys are 8 bytes
// big-endian. What a record or a person owns is kept beside it, under
// its key, a NUL and a tag, so that a resolve rewrites one leaf for the
// record (its version, link, link history, event index) and one for its
// person (the person, its link index, event and audit indexes) instead of
// one in each of eight buckets. Persons are keyed by the sequence number
// their EID was made from (eidkey.go), so a new person and its entries are
// appended at the end of the bucket instead of at the random place its
// scrambled EID would sort. Events and audit entries are appended in Seq
// order and their pages are filled completely; records' to 90% (keys.go,
// fill).
//
//	records   source\0local               → current version
//	          source\0local\0 0x01         → active link (right after the record)
//	          source\0local\0'c' EID       → constraint
//	          source\0local\0'e' Seq(8)    → (events of the record)
//	          source\0local\0'h' seq(8)    → every link set, in order
//	          source\0local\0'v' ver(4)    → earlier versions
//	persons   seq(8)                       → person (seq: its EID's number)
//	          seq(8)'a' Seq(8)             → (audit entries naming it)
//	          seq(8)'e' Seq(8)             → (events naming it)
//	          seq(8)'r' source\0local      → (active links to it)
//	tasks     ID(8)                        → task
//	events    Seq(8)                       → event
//	audit     Seq(8)                       → audit entry
//	audit_by_actor len actor Seq(8)        → (index)
//	meta      layout version, EID and ordinal sequences, counters, audit head
//
// The blocking-key index of active records is not in the file: it is held
// in memory (index.go), built when the store opens from the records, whose
// values start with their blocking keys and an ordinal (a number the
// index names the record by, kept in meta ord_next). On disk it cost a
// new record about nine B+tree leaves scattered over the file, one per
// key, plus their branch pages — rewritten and synced at every commit,
// the bulk of what a resolve wrote. In memory (postings.go: no pointers,
// so the garbage collector never scans it) it costs about 160 bytes per
// record, and opening a store reads every record once. For example, a record BV01/42 with ordinal 7 keyed by hashes
// 0x9e37… and 0xfff1… is listed under both; its next version drops the
// keys it no longer has and adds its new ones, and a retracted version is
// listed under none. Candidates reads the index (a key with more than
// perKey records is counted as capped without listing them), then each
// record and its link from the file. A View sees the index as of its
// snapshot and a write transaction sees its own changes, which the index
// takes only when the transaction commits.
//
// Values are a compact binary encoding (codec.go, values.go); the file
// records a layout version, and Open refuses a file of another one
// (ErrLayout).
//
// # Transactions
//
// bbolt runs one write transaction at a time, so Update is serializable
// by construction: the concurrent resolves of one new person cannot both
// see no candidate. Every commit costs an fsync, which bounds a store
// that commits one transaction at a time to a few hundred writes per
// second. Update therefore uses group commit (commit.go): writers that
// arrive while a commit is in progress run together, one after the
// other, in the next transaction, with one fsync; a writer that finds no
// commit in progress runs at once. BenchmarkUpdateConcurrent compared
// the ways of committing (time per Update, fsync on, on the shared 2-core
// development VM, whose fsync takes 0.4 to 3 ms; two runs, layout 1):
//
//	writers                     1            4            64
//	single (bbolt DB.Update)    2.6–2.9 ms   2.2–2.7 ms   0.9–3.3 ms
//	batch  (bbolt DB.Batch)     14–15 ms     3.3–4.0 ms   0.22–0.27 ms
//	group  (this package)       2.9–3.0 ms   1.0–1.2 ms   0.03–0.14 ms
//
// One transaction per call caps the store at one fsync per write;
// DB.Batch groups writers but makes a lone writer wait for its 10 ms
// timer; group commit is as fast as a plain Update for one writer and
// groups the rest, so it is the only mode (the benchmark keeps "single"
// for comparison). BenchmarkResolve puts a figure
// on the workflow's transaction (candidates by 8 keys, about 370 found,
// a record, a link, an event) on a store of 20,000 records: 6.5–7.4 ms
// for one writer, 3.0 ms per resolve with 16 at once.
//
// A function that fails inside a group runs again alone, and the others
// run again without it, so fn may run more than once (store.Store allows
// it). View is a bbolt read transaction: a snapshot that never blocks
// writers, nor is blocked by them. Audit appends in a write transaction
// of its own, grouped like Update. Backup is bbolt's Tx.WriteTo in a
// read transaction: a consistent copy of the file while writers go on.
//
// # EIDs
//
// NewEID takes the next number of a sequence kept in meta and writes the
// sequence in the same transaction; a number taken by a transaction that
// rolls back is still never handed out again (see eidSeq).
package bolt
