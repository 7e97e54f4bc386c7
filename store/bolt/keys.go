package bolt

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	bbolt "go.etcd.io/bbolt"

	"github.com/vnhealth/mpi/store"
)

// The file's buckets. recKey is a record key encoded as Source 0x00
// LocalID: neither part may hold a NUL byte, so byte order of recKeys is
// the order of (Source, LocalID) and recKey 0x00 is a prefix no other
// record's keys share. Numbers in keys are 8 bytes big-endian, so they
// sort numerically.
//
// What belongs to one record is kept beside it in bRecords, and what
// belongs to one person beside it in bPersons, under the owner's key, a
// NUL and a tag (owned): a resolve then rewrites one leaf for the record
// (its version, link, link history and event index) and one for the
// person, instead of one leaf in each of eight buckets.
var (
	// bMeta holds the layout version, the EID sequence, the record
	// ordinal sequence, the counts and the audit chain's head.
	bMeta = []byte("meta")
	// bRecords: recKey → the record's current version, which starts with
	// the record's ordinal and blocking keys (the block index, index.go,
	// is built from them); and what the record owns:
	//	recKey 0x00 'c' EID       → a steward constraint
	//	recKey 0x00 'e' Seq(8)    → (index of the record's events)
	//	recKey 0x00 'h' seq(8)    → a link set, every one in order
	//	recKey 0x00 0x01          → the active link
	//	recKey 0x00 'v' version(4) → an earlier version
	bRecords = []byte("records")
	// bPersons: seq(8) → person, keyed by the sequence number of its EID
	// (eidkey.go); and what the person owns:
	//	seq(8) 'a' Seq(8)  → (index of audit entries naming the EID)
	//	seq(8) 'e' Seq(8)  → (index of events naming the EID)
	//	seq(8) 'r' recKey  → (index of the active links to the person)
	// Events and audit entries may name any string as an EID: one that is
	// not a canonical EID is indexed under 0xFF, the string and a NUL
	// instead of seq(8). One with a NUL byte could meet another's index
	// entries, so readers check the entries they find.
	bPersons = []byte("persons")
	// bTasks: ID(8) → task.
	bTasks = []byte("tasks")
	// bEvents: Seq(8) → event. Appended in order: pages are filled.
	bEvents = []byte("events")
	// bAudit: Seq(8) → audit entry. Appended in order: pages are filled.
	bAudit = []byte("audit")
	// bAuditByActor: len-prefixed actor, Seq(8) → nothing.
	bAuditByActor = []byte("audit_by_actor")
)

// buckets lists every bucket Open creates.
var buckets = [][]byte{bMeta, bRecords, bPersons, bTasks, bEvents, bAudit, bAuditByActor}

// fill lists the buckets whose pages a split fills beyond bbolt's default
// half: the append-only ones completely, and records to 90% — a source's
// local IDs mostly grow, so its records are appended at the end of its
// range, and at the default the bucket ended half empty (measured on an
// import of 124,000 records: 180 MB of pages for 86 MB of data; 101 MB at
// 90%, with as many pages written per resolve). Persons are not: their
// owned entries are inserted after them later, and at 90% the bucket grew
// from 48 to 71 MB.
var fill = []struct {
	name []byte
	pct  float64
}{{bEvents, 1}, {bAudit, 1}, {bRecords, 0.9}}

// bucket returns a bucket of the layout (Open checked they all exist),
// set to fill its pages as fill says.
func bucket(btx *bbolt.Tx, name []byte) *bbolt.Bucket {
	b := btx.Bucket(name)
	if btx.Writable() {
		for _, f := range fill {
			if bytes.Equal(f.name, name) {
				b.FillPercent = f.pct
			}
		}
	}
	return b
}

// Tags of owned entries. The link's is the smallest, so that a record's
// active link is the key right after the record's: Candidates reads both
// with one cursor seek.
const (
	tagLink       = 0x01
	tagConstraint = 'c'
	tagEvent      = 'e'
	tagHistory    = 'h'
	tagVersion    = 'v'
	tagAudit      = 'a'
	tagRecord     = 'r'
)

// recOwned returns the prefix of a record's owned entries with a tag.
func recOwned(k store.RecordKey, tag byte) []byte { return append(recPrefix(k), tag) }

// personOwned returns the prefix of a person's owned entries with a tag.
func personOwned(eid store.EID, tag byte) []byte { return append(personBase(eid), tag) }

// ownedTag returns the tag of a key in bRecords (a record key has one
// NUL, an owned entry two or more) and the key's owner part; tag 0 for a
// record itself.
func ownedTag(k []byte) (tag byte, owner []byte) {
	i := bytes.IndexByte(k, 0)
	if i < 0 {
		return 0, k
	}
	j := bytes.IndexByte(k[i+1:], 0)
	if j < 0 {
		return 0, k
	}
	i += 1 + j
	if i+1 >= len(k) {
		return 0xff, k[:i]
	}
	return k[i+1], k[:i]
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
