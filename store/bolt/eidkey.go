package bolt

import (
	"encoding/binary"
	"math/bits"

	"github.com/vnhealth/mpi/store"
)

// Persons are keyed by the sequence number their EID was made from
// (store.EIDFromSeq), not by the EID: EIDs are scrambled, so new persons
// keyed by EID land on a random leaf of the persons bucket, and with them
// their link, event and audit index entries, while keyed by sequence they
// are appended at its end, where the persons of one commit share a leaf.
// The EID's symbols give the number back: EIDFromSeq maps seq to
// x = (eidMul·seq + eidAdd) mod 31^8, written in base 31.
//
// These constants are store/eid.go's; TestEIDSeqRoundTrip fails if they
// drift apart.
const (
	eidSpace = 31 * 31 * 31 * 31 * 31 * 31 * 31 * 31
	eidMul   = 467_158_329_473
	eidAdd   = 91_318_201_739
	eidBase  = 31
)

// eidMulInv is eidMul's inverse modulo eidSpace.
var eidMulInv = func() uint64 {
	// Extended Euclid on (eidMul, eidSpace), which are coprime.
	a, m := int64(eidMul), int64(eidSpace)
	x0, x1 := int64(0), int64(1)
	for a > 1 {
		q := a / m
		a, m = m, a%m
		x0, x1 = x1-q*x0, x0
	}
	if x1 < 0 {
		x1 += eidSpace
	}
	return uint64(x1)
}()

// eidAlphabet is store/eid.go's: EIDs in canonical form use its symbols.
const eidAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXY"

// eidSymbol maps the canonical alphabet to symbol values (-1 elsewhere).
var eidSymbol = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := range len(eidAlphabet) {
		t[eidAlphabet[i]] = int8(i)
	}
	return t
}()

// seqOfEID returns the sequence number a canonical EID was made from; ok
// is false for any other string (as store.EID.Valid, without allocating:
// it runs for every person a transaction reads or writes).
func seqOfEID(e store.EID) (seq uint64, ok bool) {
	if len(e) != 9 {
		return 0, false
	}
	var x uint64
	sum := 0
	for i := range 8 {
		v := eidSymbol[e[i]]
		if v < 0 {
			return 0, false
		}
		x = x*eidBase + uint64(v)
		sum += (i + 1) * int(v)
	}
	if e[8] != eidAlphabet[sum%eidBase] {
		return 0, false
	}
	x = (x + eidSpace - eidAdd) % eidSpace
	hi, lo := bits.Mul64(x, eidMulInv)
	_, seq = bits.Div64(hi, lo, eidSpace)
	return seq, true
}

// personBase returns the key of a person in bPersons (the EID's
// sequence number, 8 bytes, whose first byte is 0 as the sequence is below
// 31^8 < 2^40), or for a string that is not a canonical EID — which names
// no person, but may be named by events and audit entries — 0xFF, the
// string and a NUL: a key no person's entries share.
func personBase(e store.EID) []byte {
	if seq, ok := seqOfEID(e); ok {
		return binary.BigEndian.AppendUint64(make([]byte, 0, 8+1+8+32), seq)
	}
	b := make([]byte, 0, 1+len(e)+1+1+8)
	b = append(b, 0xFF)
	b = append(b, e...)
	return append(b, 0)
}

// isPersonKey reports whether a key of bPersons is a person's (not an
// owned entry).
func isPersonKey(k []byte) bool { return len(k) == 8 && k[0] == 0 }
