package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// Values are encoded compactly: unsigned and signed varints, strings and
// byte strings with a uvarint length, floats as 8 big-endian bytes, times
// as a varint of microseconds since 0001-01-01 UTC (so the zero time is
// 0). A value's key is not repeated in it.

// errCorrupt: a value does not decode. It names the bucket and key, never
// the content.
var errCorrupt = errors.New("bolt: corrupt value")

// zeroMicro is time.Time{}.UnixMicro(): the encoding's origin.
var zeroMicro = time.Time{}.UnixMicro()

// enc appends to a byte slice.
type enc struct{ b []byte }

func (e *enc) byte(v uint8)     { e.b = append(e.b, v) }
func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) u64(v uint64)     { e.b = binary.BigEndian.AppendUint64(e.b, v) }
func (e *enc) f64(v float64)    { e.u64(math.Float64bits(v)) }
func (e *enc) time(t time.Time) { e.varint(t.UnixMicro() - zeroMicro) }

func (e *enc) str(s string) {
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *enc) bytes(b []byte) {
	e.uvarint(uint64(len(b)))
	e.b = append(e.b, b...)
}

// dec reads what enc wrote. The first failure sticks: later reads return
// zero values and err reports it.
type dec struct {
	b   []byte
	bad bool
}

func (d *dec) fail() { d.bad, d.b = true, nil }

// err returns errCorrupt when a read failed or bytes are left over.
func (d *dec) err(what string) error {
	if d.bad || len(d.b) != 0 {
		return fmt.Errorf("%w: %s", errCorrupt, what)
	}
	return nil
}

// more reports whether unread bytes remain.
func (d *dec) more() bool { return len(d.b) > 0 }

func (d *dec) byte() uint8 {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) u64() uint64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := binary.BigEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

func (d *dec) f64() float64 { return math.Float64frombits(d.u64()) }

func (d *dec) time() time.Time {
	us := d.varint()
	if us == 0 {
		return time.Time{}
	}
	if us < math.MinInt64-zeroMicro { // would overflow
		d.fail()
		return time.Time{}
	}
	return time.UnixMicro(us + zeroMicro).UTC()
}

// span returns the next length-prefixed bytes, aliasing d's buffer.
func (d *dec) span() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *dec) str() string { return string(d.span()) }

// bytes returns a copy of the next byte string (nil when empty): bolt's
// memory is valid only inside the transaction.
func (d *dec) bytes() []byte {
	v := d.span()
	if len(v) == 0 {
		return nil
	}
	return append([]byte(nil), v...)
}

// count reads a slice length, refusing one the remaining bytes cannot
// hold (each element takes at least min bytes).
func (d *dec) count(min int) int {
	n := d.uvarint()
	if n > uint64(len(d.b)/min) {
		d.fail()
		return 0
	}
	return int(n)
}
