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
// so the garbage collector never scans it) it costs about 165 bytes per
// record, and opening a store reads every record once: 165 MB and 3 s for
// a million records. For example, a record BV01/42 with ordinal 7 keyed
// by hashes 0x9e37… and 0xfff1… is listed under both; its next version
// drops the keys it no longer has and adds its new ones, and a retracted
// version is listed under none. Candidates reads the index (a key with more than
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
// see no candidate. Every commit costs two fsyncs, which bound a store
// that commits one transaction at a time to a few thousand small writes
// per second at best. Update therefore uses group commit (commit.go): writers that
// arrive while a commit is in progress run together, one after the
// other, in the next transaction, with one fsync; a writer that finds no
// commit in progress runs at once. BenchmarkUpdateConcurrent compares it
// with one transaction per call (time per Update, fsync on, shared 2-core
// development VM; layout 1 was the same within noise):
//
//	writers                     1         64
//	single (one tx per call)    0.31 ms   0.34 ms
//	group  (this package)       0.38 ms   0.014 ms
//
// What a commit costs is the pages it writes: bbolt rewrites every page a
// transaction dirtied, each leaf with the branch pages above it, with one
// pwrite per page (about 25 µs on this VM) and two fdatasyncs, and a
// random page costs about 50 µs more to sync than a page appended at the
// end of the file. Layout 1 wrote 41 pages per resolve of the workflow
// (its records, links, events, persons and nine blocking-key leaves in
// sixteen buckets); layout 5 writes 7 (measured with 16 concurrent
// resolves on a store of 124,000 records): the block index is in memory,
// a record's and a person's entries share their leaves, and new persons,
// events and audit entries are appended. Not done: bbolt's NoFreelistSync,
// which saves the freelist page or two per commit but makes every Open
// scan the whole file (0.5 s warm and 11 s cold for a 400 MB file).
// Tried and left: pages of 8 or 16 KiB instead of 4 (bbolt's PageSize, for
// a new file). A resolve alone writes 22 pages of 4 KiB, 19.6 of 8 and 17.5
// of 16 (strace -c, 1,000 resolves one at a time on 994,501 records: the
// B+trees are a level shallower, but each page written is larger), and
// alternating runs of mpictl load on the three files, 3,000 resolves each,
// disagreed from one set to the next: with 16 workers 8 KiB won by 6 % in
// one set of 4 and was level in another of 5, 16 KiB won by 25 % and lost
// by 13 %; with 4 workers 8 KiB won by 13 % in one set of 5 and lost by
// 14 % in another of 6. No gain this VM can tell from its own swings.
//
// BenchmarkResolve (candidates by 8 keys, about 400 found, a record, a
// link, an event; 20,000 records) went from 2.8 to 1.2 ms for one writer
// and from 1.7 to 0.96 ms per resolve with 16 at once. End to end (mpictl
// load of 3,000 new records on a store imported from mpictl gen
// --persons 50000 --seed 7, 124,000 records; the same api build):
//
//	workers   layout 1                    layout 5
//	1          296/s  p50 3.1  p99 8.6 ms  853/s  p50 1.1  p99 2.2 ms
//	4          436/s  p50 8.8  p99 20 ms   1474/s p50 2.5  p99 7.1 ms
//	16         517/s  p50 31   p99 46 ms   2062/s p50 7.4  p99 24 ms
//	64         723/s  p50 89   p99 120 ms  2891/s p50 21   p99 40 ms
//
// On a store of a million records (mpictl gen --persons 400000 --seed 3)
// a resolve used to score about 100 candidates instead of 16, inside the
// write transaction: the writer's CPU, not the disk, was the limit (1.03
// ms of the 1.16 ms of CPU a resolve took was spent holding bbolt's one
// write transaction — at most about 970 resolves a second, whatever the
// cores). The workflow now scores in the read snapshot it opens anyway
// (api: prescore, for stores that are store.OneWriter), reads its
// selective blocks first (40 candidates instead of 98) and appends its
// audit entry inside the transaction (store.TxAuditor: one commit instead
// of two): 0.80 ms of CPU per resolve, 0.36 ms of it in the writer — a
// ceiling of about 2,800/s for the writer and 2,500/s for two cores.
// mpictl load, 3,000 new records on that store (994,501 records), medians
// of 3 runs on the shared 2-core VM (CPU from --cpuprofile, 16 workers):
//
//	workers   before                       after
//	1          506/s  p50 1.8  p99 4.4 ms   720/s  p50 1.2  p99 3.6 ms
//	4          623/s  p50 6.1  p99 21 ms    1184/s p50 3.2  p99 11 ms
//	16         798/s  p50 20   p99 45 ms    1662/s p50 9.1  p99 30 ms
//
// The writer then still read its 40 candidates again, a B+tree seek and a
// decode each: half its CPU. Candidates now go through a cache of decoded
// candidates by ordinal (candcache.go) that the read snapshot fills and
// the writer reads, valid while nothing wrote the record or its link
// since: writer CPU per resolve 0.68 → 0.42 ms, and 16 workers went from
// 824 to 1,009 resolves a second (medians of 3 alternating runs, on a day
// this VM ran at half its earlier speed).
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
