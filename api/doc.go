// Package api is the MPI service: a transport-free workflow type, Service,
// that resolves source records to enterprise patient IDs (EIDs), retracts
// them, maintains golden records and checks the store's consistency —
// with steward and clinician operations beside it — and the thin front
// ends (gRPC, REST, FHIR) over it.
//
// # Resolve
//
// Resolve takes one record as a source sent it (matching.Raw) and answers
// with the EID it belongs to, the decision and the score:
//
//  1. Validate the key (source, local_id: *FieldError naming the field),
//     normalize the record, hash its content (ContentHash: SHA-256 of the
//     record's JSON without recorded_at) and compute its blocking keys —
//     all outside any transaction.
//  2. Fast path: a read-only snapshot that finds the same key with the same
//     hash, active and linked, answers "unchanged" with its EID (merge
//     redirects followed) and writes nothing. Otherwise the same snapshot
//     scores the record against the candidates of step 3 (prescore): the
//     transaction then takes those scores for the record versions it
//     finds unchanged, so that a store with one writer at a time (bolt)
//     does not score while holding it.
//  3. Otherwise one read-write transaction: check idempotency again, store
//     the new version, collect the candidate records sharing a blocking key
//     — the blocks of its citizen ID and insurance number first, then
//     blocks of at most 32 records, the larger ones only when those hold
//     no match; oversized blocks skipped, Options.PerKey
//     (Service.candidates) —, take every active record
//     of each candidate person, score the record against each (a person
//     scores its best pair) and decide:
//     - a steward's must-link constraint wins: link there;
//     - cannot-link persons are left out;
//     - a person is auto-linkable when its best pair is a match and
//     cluster.Compatible finds no veto against any of its records (the
//     same check the bulk dedupe applies: guard rails, different
//     identifiers, strong conflict, size);
//     - exactly one auto-linkable person: link ("linked");
//     - two or more, with Options.LinkDominant (off by default, which
//     keeps DESIGN.md's contract: strongly matching two persons, a record
//     links to neither), one of which the record belongs to rather than the
//     others with at least the match threshold's probability
//     (cluster.Posterior: the persons compete for the record, each with
//     odds 2^weight of its best pair) — in practice a best pair over 3
//     bits heavier than the others': link there ("linked"); the others
//     that may join that person with the record (cluster.Compatible) are
//     possible duplicates of it — a possible-duplicate task lists them,
//     less those a steward declared distinct; nothing is merged. The bulk
//     dedupe decides such a record the same way: strongest edge first,
//     the weaker one then a merge it checks;
//     - otherwise two or more: link to none — a new person and a
//     possible-duplicate task listing them ("duplicate"), less those a
//     steward declared distinct from a stronger one (a "distinct" answer
//     to an earlier possible-duplicate task is sticky); when that leaves
//     one, a possible-match task listing them all instead ("review");
//     - none, but persons in the review band (or strong but vetoed): a new
//     person and a possible-match task with their scores and explanations
//     ("review");
//     - nobody: a new person ("new");
//     - and whatever the decision: a newborn placeholder that the record
//     matches strongly, linked automatically into a person the record is
//     vetoed from, matched two people who cannot be one (as a twin's
//     placeholder does): it leaves that person for one of its own, and a
//     possible-match task lists both persons (placeholders.go).
//  4. A new version of a linked record is re-evaluated: it stays with its
//     person P when P is still auto-linkable; it moves when another person
//     is the single auto-linkable one; it stays when P is still compatible
//     and scores at least the review threshold; otherwise it leaves P as a
//     new record would (P listed in the review task when it still came
//     close) — but a record alone on P keeps P rather than getting a new
//     person, with the task a new record would raise, if any. The open and
//     claimed tasks of earlier versions are resolved as "superseded" by
//     the actor "system" (a retraction's too); the new version raises its
//     own when it needs one.
//  5. The record version, link, persons, golden records, task and events
//     (events.go) are written in that one transaction; so is the audit
//     entry (store.TxAuditor: bolt and PostgreSQL); a store without it
//     gets the entry after the commit.
//
// Concurrent resolves of one new person end with one EID: each
// transaction reads the candidates it decides on, and the store serializes
// transactions that read what another writes (bolt: one writer at a time;
// PostgreSQL: serializable transactions, retried).
//
// # Example
//
// Hospital BV79001 sends local ID 123, "NGUYỄN VĂN AN", born 07/05/1990,
// phone 0912 345 678: no candidate, decision "new", EID K7Q2M9XP4. The
// commune station TYT02 then sends local ID 9, "Nguyen Van An", 19900507,
// +84912345678: it shares the birth-year/province and phone blocks with
// the first record, scores a match with no veto, and links to K7Q2M9XP4
// ("linked", probability 0.99…). BV79001 re-sending local ID 123 unchanged
// gets "unchanged" and K7Q2M9XP4 again, and nothing is written.
//
// # Invariants
//
// Verify checks what the workflow maintains: every active record has one
// link, to a live person; retracted records have none; redirect chains end
// at live persons; golden records equal a rebuild; the event log replays to
// the current links and redirects; the audit chain holds.
package api
