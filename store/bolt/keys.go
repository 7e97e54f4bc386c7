package bolt

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/vnhealth/mpi/store"
)

// The file's buckets. recKey is a record key encoded as Source 0x00
// LocalID: neither part may hold a NUL byte, so byte order of recKeys is
// the order of (Source, LocalID) and recKey 0x00 is a prefix no other
// record's keys share. Numbers in keys are 8 bytes big-endian, so they
// sort numerically.
var (
	// bMeta holds the layout version, the EID sequence, the counts and
	// the audit chain's head.
	bMeta = []byte("meta")
	// bRecords: recKey → the record's current version, which starts with
	// the record's ordinal and blocking keys: the block index (index.go)
	// is built from them.
	bRecords = []byte("records")
	// bVersions: recKey 0x00 version(4) → an earlier version.
	bVersions = []byte("versions")
	// bPersons: EID → person.
	bPersons = []byte("persons")
	// bLinks: recKey → the active link.
	bLinks = []byte("links")
	// bLinkHistory: recKey 0x00 seq(8) → every link ever set.
	bLinkHistory = []byte("link_history")
	// bPersonLinks indexes active links by person: EID 0x00 recKey → nothing.
	bPersonLinks = []byte("person_links")
	// bConstraints: recKey 0x00 EID → constraint.
	bConstraints = []byte("constraints")
	// bTasks: ID(8) → task.
	bTasks = []byte("tasks")
	// bEvents: Seq(8) → event.
	bEvents = []byte("events")
	// bEventsByEID: len-prefixed EID, Seq(8) → nothing.
	bEventsByEID = []byte("events_by_eid")
	// bEventsByRecord: recKey 0x00 Seq(8) → nothing.
	bEventsByRecord = []byte("events_by_record")
	// bAudit: Seq(8) → audit entry.
	bAudit = []byte("audit")
	// bAuditByEID: len-prefixed EID, Seq(8) → nothing.
	bAuditByEID = []byte("audit_by_eid")
	// bAuditByActor: len-prefixed actor, Seq(8) → nothing.
	bAuditByActor = []byte("audit_by_actor")
)

// buckets lists every bucket Open creates.
var buckets = [][]byte{
	bMeta, bRecords, bVersions, bPersons, bLinks, bLinkHistory, bPersonLinks,
	bConstraints, bTasks, bEvents, bEventsByEID, bEventsByRecord, bAudit, bAuditByEID, bAuditByActor,
}

// Keys in bMeta.
var (
	mLayout    = []byte("layout")     // layout version(8)
	mEIDNext   = []byte("eid_next")   // the next EID sequence number(8)
	mCounts    = []byte("counts")     // the counters of Counts
	mAuditHead = []byte("audit_head") // the last audit entry's Hash
	mOrdNext   = []byte("ord_next")   // the next record ordinal(8)
)

// checkKey returns ErrInvalid unless k can be stored.
func checkKey(k store.RecordKey) error {
	if !k.Valid() || strings.IndexByte(k.Source, 0) >= 0 || strings.IndexByte(k.LocalID, 0) >= 0 {
		return fmt.Errorf("%w: record key %q: source and local ID must be set and hold no NUL byte", store.ErrInvalid, k.String())
	}
	return nil
}

// checkOptionalKey accepts the zero key or a valid one.
func checkOptionalKey(k store.RecordKey) error {
	if k == (store.RecordKey{}) {
		return nil
	}
	return checkKey(k)
}

// checkEID returns ErrInvalid unless e is a canonical EID.
func checkEID(what string, e store.EID) error {
	if !e.Valid() {
		return fmt.Errorf("%w: %s %q is not an EID", store.ErrInvalid, what, string(e))
	}
	return nil
}

// recKey encodes a (checked) record key.
func recKey(k store.RecordKey) []byte {
	b := make([]byte, 0, len(k.Source)+1+len(k.LocalID)+1+8)
	b = append(b, k.Source...)
	b = append(b, 0)
	return append(b, k.LocalID...)
}

// recPrefix returns recKey 0x00: the prefix of a record's entries in the
// buckets keyed by record and something after it.
func recPrefix(k store.RecordKey) []byte { return append(recKey(k), 0) }

// parseRecKey decodes a recKey.
func parseRecKey(b []byte) (store.RecordKey, error) {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return store.RecordKey{}, fmt.Errorf("%w: record key without separator", errCorrupt)
	}
	return store.RecordKey{Source: string(b[:i]), LocalID: string(b[i+1:])}, nil
}

// u64Key encodes a number for a key.
func u64Key(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// lenPrefixed returns a uvarint length and s: a prefix that no other
// string's encoding starts with.
func lenPrefixed(s string) []byte {
	b := binary.AppendUvarint(make([]byte, 0, len(s)+2+8), uint64(len(s)))
	return append(b, s...)
}

// seqAfter returns the key to seek to for entries after seq under prefix.
func seqAfter(prefix []byte, seq int64) []byte {
	from := uint64(0)
	if seq > 0 {
		from = uint64(seq) + 1
	}
	return binary.BigEndian.AppendUint64(bytes.Clone(prefix), from)
}

// tailSeq returns the Seq(8) that ends an index key.
func tailSeq(k []byte) int64 {
	if len(k) < 8 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(k[len(k)-8:]))
}
