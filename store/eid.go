package store

import (
	"errors"
	"fmt"
	"strings"
)

// EID is an enterprise patient ID in its canonical form: eight symbols of a
// 31-symbol alphabet (digits and upper-case letters without I, L, O, U and
// Z; a typed I or L is read as 1 and O as 0) and a check symbol — nine
// characters, URL-safe, short enough to read over the phone.
//
// The check symbol is Σ (i+1)·v_i mod 31 over the eight symbols' values v_i;
// because 31 is prime and larger than every weight, it catches every
// single wrong symbol and every swap of two neighbours.
//
// EIDs are made from a sequence number that a store never hands out twice
// (EIDFromSeq), scrambled by an affine bijection so that consecutive
// patients do not get consecutive-looking IDs. The scrambling is not a
// secret: EIDs are identifiers, and access to what they name is
// authorized, not hidden.
type EID string

const (
	eidAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXY"
	eidBase     = 31
	eidLen      = 8
	// eidSpace is 31^8: the number of distinct EIDs.
	eidSpace = eidBase * eidBase * eidBase * eidBase * eidBase * eidBase * eidBase * eidBase
	// eidMul and eidAdd scramble sequence numbers; eidMul is prime to 31,
	// so x → (eidMul·x + eidAdd) mod eidSpace is a bijection.
	eidMul = 467_158_329_473
	eidAdd = 91_318_201_739
)

// MaxEIDSeq is the largest sequence number EIDFromSeq accepts.
const MaxEIDSeq = eidSpace - 1

var eidValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := range len(eidAlphabet) {
		c := eidAlphabet[i]
		t[c] = int8(i)
		if c >= 'A' && c <= 'Z' {
			t[c+'a'-'A'] = int8(i)
		}
	}
	// Read-alikes of the left-out letters.
	for _, p := range [][2]byte{{'O', '0'}, {'o', '0'}, {'I', '1'}, {'i', '1'}, {'L', '1'}, {'l', '1'}} {
		t[p[0]] = t[p[1]]
	}
	return t
}()

// EIDFromSeq returns the EID of sequence number seq (0 ≤ seq ≤ MaxEIDSeq).
func EIDFromSeq(seq uint64) (EID, error) {
	if seq > MaxEIDSeq {
		return "", fmt.Errorf("%w: EID sequence %d beyond %d", ErrInvalid, seq, uint64(MaxEIDSeq))
	}
	x := mulMod(seq, eidMul, eidSpace) + eidAdd
	x %= eidSpace
	var b [eidLen + 1]byte
	sum := 0
	for i := eidLen - 1; i >= 0; i-- {
		b[i] = eidAlphabet[x%eidBase]
		x /= eidBase
	}
	for i := range eidLen {
		sum += (i + 1) * int(eidValue[b[i]])
	}
	b[eidLen] = eidAlphabet[sum%eidBase]
	return EID(b[:]), nil
}

// mulMod returns a·b mod m without overflow for m < 2^63.
func mulMod(a, b, m uint64) uint64 {
	var r uint64
	a %= m
	for b > 0 {
		if b&1 == 1 {
			r = (r + a) % m
		}
		a = (a << 1) % m
		b >>= 1
	}
	return r
}

// Errors of ParseEID.
var (
	ErrEIDLength = errors.New("eid: must be 9 symbols")
	ErrEIDSymbol = errors.New("eid: symbol outside the EID alphabet")
	ErrEIDCheck  = errors.New("eid: check symbol does not match (a mistyped or swapped symbol)")
)

// ParseEID reads an EID as a person may type it: any case, with spaces or
// hyphens between groups, O for 0 and I or L for 1. It returns the
// canonical form or an error saying what is wrong.
func ParseEID(s string) (EID, error) {
	var b [eidLen + 1]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '-' || c == ' ' {
			continue
		}
		v := eidValue[c]
		if v < 0 {
			return "", ErrEIDSymbol
		}
		if n == len(b) {
			return "", ErrEIDLength
		}
		b[n] = eidAlphabet[v]
		n++
	}
	if n != len(b) {
		return "", ErrEIDLength
	}
	sum := 0
	for i := range eidLen {
		sum += (i + 1) * int(eidValue[b[i]])
	}
	if b[eidLen] != eidAlphabet[sum%eidBase] {
		return "", ErrEIDCheck
	}
	return EID(b[:]), nil
}

// Valid reports whether e is a canonical EID.
func (e EID) Valid() bool {
	p, err := ParseEID(string(e))
	return err == nil && p == e
}

// Display groups an EID for reading aloud: "K7Q2-M9XP-4".
func (e EID) Display() string {
	if len(e) != eidLen+1 {
		return string(e)
	}
	return strings.Join([]string{string(e[:4]), string(e[4:8]), string(e[8:])}, "-")
}
