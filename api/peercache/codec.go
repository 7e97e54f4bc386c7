package peercache

import (
	"encoding/binary"
	"errors"
	"math"
	"time"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
)

// The cached value of a view is a compact binary encoding: JSON cost more
// to decode than bolt takes to read the view (BenchmarkPerson). Layout,
// after a format byte:
//
//	EID, version, created, updated,
//	9 golden fields (value, source, local ID),
//	record count, then per record: source, local ID, version, received,
//	link kind, probability, weight, the 15 fields of matching.Raw.
//
// Strings are a uvarint length and the bytes; integers varints; times a
// flag byte (0: zero time), Unix seconds (varint) and nanoseconds
// (uvarint), in UTC; floats 8 bytes, IEEE 754, big-endian. Asked is not
// encoded: the Service sets it per request. A field added to a view needs
// a new format byte: a replica that gets a value it cannot decode from a
// peer of another build reads the view from the store (Stats.BadValues).

// codecFormat is the format byte of this encoding.
const codecFormat = 1

// errCodec: a cached value that does not decode.
var errCodec = errors.New("peercache: malformed cached view")

func rawFields(r *matching.Raw) [15]*string {
	return [15]*string{
		&r.Source, &r.LocalID, &r.FullName, &r.FamilyName, &r.MiddleName, &r.GivenName, &r.Gender,
		&r.BirthDate, &r.CitizenID, &r.InsuranceNo, &r.Phone, &r.Province, &r.Ward, &r.Address, &r.RecordedAt,
	}
}

func goldenFields(g *store.Golden) [9]*store.GoldenField {
	return [9]*store.GoldenField{&g.Name, &g.Sex, &g.BirthDate, &g.CitizenID, &g.InsuranceNo, &g.Phone, &g.Province, &g.Ward, &g.Address}
}

// encodeView encodes v (all but Asked).
func encodeView(v *api.PersonView) []byte {
	b := make([]byte, 0, 256+512*len(v.Records))
	b = append(b, codecFormat)
	b = appendString(b, string(v.EID))
	b = binary.AppendVarint(b, v.Version)
	b = appendTime(b, v.Created)
	b = appendTime(b, v.Updated)
	for _, f := range goldenFields(&v.Golden) {
		b = appendString(b, f.Value)
		b = appendString(b, f.From.Source)
		b = appendString(b, f.From.LocalID)
	}
	b = binary.AppendUvarint(b, uint64(len(v.Records)))
	for i := range v.Records {
		r := &v.Records[i]
		b = appendString(b, r.Key.Source)
		b = appendString(b, r.Key.LocalID)
		b = binary.AppendVarint(b, int64(r.Version))
		b = appendTime(b, r.Received)
		b = append(b, byte(r.Kind))
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(r.Probability))
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(r.Weight))
		for _, f := range rawFields(&r.Raw) {
			b = appendString(b, *f)
		}
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	b = append(b, 1)
	b = binary.AppendVarint(b, t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

// decodeView decodes what encodeView wrote; Asked is set to the EID.
func decodeView(b []byte) (api.PersonView, error) {
	if len(b) == 0 || b[0] != codecFormat {
		return api.PersonView{}, errCodec
	}
	// The strings share one allocation: substrings of all.
	d := decoder{all: string(b[1:])}
	var v api.PersonView
	v.EID = store.EID(d.str())
	v.Asked = v.EID
	v.Version = d.varint()
	v.Created = d.time()
	v.Updated = d.time()
	for _, f := range goldenFields(&v.Golden) {
		f.Value, f.From.Source, f.From.LocalID = d.str(), d.str(), d.str()
	}
	// A record takes at least 2+1+1+1+16+15 bytes: a count the rest
	// cannot hold is malformed (and allocates nothing).
	n := d.uvarint()
	if n > uint64(len(d.all)-d.off)/36 {
		return api.PersonView{}, errCodec
	}
	if n > 0 {
		v.Records = make([]api.LinkedRecord, n)
	}
	for i := range v.Records {
		r := &v.Records[i]
		r.Key.Source, r.Key.LocalID = d.str(), d.str()
		ver := d.varint()
		if ver < math.MinInt32 || ver > math.MaxInt32 {
			d.bad = true
		}
		r.Version = int32(ver)
		r.Received = d.time()
		r.Kind = store.LinkKind(d.byte())
		r.Probability = d.f64()
		r.Weight = d.f64()
		for _, f := range rawFields(&r.Raw) {
			*f = d.str()
		}
	}
	if d.bad || d.off != len(d.all) {
		return api.PersonView{}, errCodec
	}
	return v, nil
}

// decoder reads all from off; a read past the end or a malformed number
// sets bad and returns zero values from then on.
type decoder struct {
	all string
	off int
	bad bool
}

func (d *decoder) uvarint() uint64 {
	if d.bad {
		return 0
	}
	var x uint64
	var s uint
	for i := 0; i < binary.MaxVarintLen64; i++ {
		if d.off >= len(d.all) {
			break
		}
		c := d.all[d.off]
		d.off++
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				break
			}
			return x | uint64(c)<<s
		}
		x |= uint64(c&0x7f) << s
		s += 7
	}
	d.bad = true
	return 0
}

func (d *decoder) varint() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.all)-d.off) {
		d.bad = true
		return ""
	}
	s := d.all[d.off : d.off+int(n)]
	d.off += int(n)
	return s
}

func (d *decoder) byte() byte {
	if d.bad || d.off >= len(d.all) {
		d.bad = true
		return 0
	}
	c := d.all[d.off]
	d.off++
	return c
}

func (d *decoder) f64() float64 {
	if d.bad || len(d.all)-d.off < 8 {
		d.bad = true
		return 0
	}
	var u uint64
	for _, c := range []byte(d.all[d.off : d.off+8]) {
		u = u<<8 | uint64(c)
	}
	d.off += 8
	return math.Float64frombits(u)
}

func (d *decoder) time() time.Time {
	switch d.byte() {
	case 0:
		return time.Time{}
	case 1:
		sec := d.varint()
		nsec := d.uvarint()
		if nsec >= 1e9 {
			d.bad = true
			return time.Time{}
		}
		return time.Unix(sec, int64(nsec)).UTC()
	}
	d.bad = true
	return time.Time{}
}
