package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"
)

// AuditEntry is one access to patient data, reads included, or one denial.
// The log is append-only and hash-chained: each entry's Hash covers its
// content and the previous entry's Hash, so an edited, removed or
// reordered entry breaks the chain (VerifyAuditChain).
type AuditEntry struct {
	Seq       int64
	At        time.Time
	Actor     string
	Role      string
	Action    string
	RequestID string
	// Outcome: "ok", "denied", or an error class (never a message with
	// patient data).
	Outcome string
	EIDs    []EID
	Records []RecordKey
	// Prev and Hash are the chain: Prev is the previous entry's Hash (nil
	// for the first), Hash = AuditHash(Prev, entry).
	Prev []byte
	Hash []byte
}

// AuditFilter selects audit entries; zero fields select everything.
type AuditFilter struct {
	Actor    string
	EID      EID
	Action   string
	AfterSeq int64
	Since    time.Time
	Limit    int
}

// StoredTime is how a store keeps a time: UTC, to the microsecond (what
// PostgreSQL holds). Backends apply it on write so that what is read back
// equals what was hashed.
func StoredTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// AuditHash returns the chain hash of e after prev: SHA-256 over prev and a
// length-prefixed encoding of Seq, At (UTC microseconds), Actor, Role,
// Action, RequestID, Outcome, EIDs and Records.
func AuditHash(prev []byte, e *AuditEntry) []byte {
	h := sha256.New()
	var buf [8]byte
	field := func(b []byte) {
		binary.BigEndian.PutUint64(buf[:], uint64(len(b)))
		h.Write(buf[:])
		h.Write(b)
	}
	num := func(n int64) {
		binary.BigEndian.PutUint64(buf[:], uint64(n))
		h.Write(buf[:])
	}
	field(prev)
	num(e.Seq)
	num(StoredTime(e.At).UnixMicro())
	for _, s := range []string{e.Actor, e.Role, e.Action, e.RequestID, e.Outcome} {
		field([]byte(s))
	}
	num(int64(len(e.EIDs)))
	for _, id := range e.EIDs {
		field([]byte(id))
	}
	num(int64(len(e.Records)))
	for _, k := range e.Records {
		field([]byte(k.Source))
		field([]byte(k.LocalID))
	}
	return h.Sum(nil)
}

// VerifyAuditChain checks consecutive entries (in Seq order, starting after
// an entry whose Hash is prev; nil prev for the start of the log): each
// Prev must be the previous Hash and each Hash must be recomputable. It
// names the first entry that fails, by Seq.
func VerifyAuditChain(prev []byte, entries []AuditEntry) error {
	for i := range entries {
		e := &entries[i]
		if !bytes.Equal(e.Prev, prev) {
			return fmt.Errorf("audit entry %d: chain broken (prev hash does not match the entry before)", e.Seq)
		}
		if want := AuditHash(prev, e); !bytes.Equal(e.Hash, want) {
			return fmt.Errorf("audit entry %d: hash does not match its content", e.Seq)
		}
		prev = e.Hash
	}
	return nil
}
