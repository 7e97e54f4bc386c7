package peercache

import (
	"errors"
	"math"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
)

// views are synthetic views covering every field, zero times and empty
// strings included.
func views() []api.PersonView {
	eid, _ := store.EIDFromSeq(1234)
	at := time.Date(2026, 3, 14, 8, 0, 0, 123456000, time.UTC)
	full := api.PersonView{
		Asked: eid, EID: eid, Version: 7, Created: at, Updated: at.Add(time.Hour),
		Golden: store.Golden{
			Name:      store.GoldenField{Value: "Nguyễn Văn An", From: store.RecordKey{Source: "BV79001", LocalID: "2400123"}},
			BirthDate: store.GoldenField{Value: "1990-05-07", From: store.RecordKey{Source: "TYT79002", LocalID: "9"}},
			Address:   store.GoldenField{Value: "12 Nguyễn Trãi", From: store.RecordKey{Source: "BV79001", LocalID: "2400123"}},
		},
		Records: []api.LinkedRecord{
			{Key: store.RecordKey{Source: "BV79001", LocalID: "2400123"}, Version: 2, Received: at, Kind: store.LinkAuto,
				Probability: 0.999, Weight: 21.5, Raw: matching.Raw{Source: "BV79001", LocalID: "2400123", FullName: "NGUYỄN VĂN AN",
					Gender: "Nam", BirthDate: "07/05/1990", CitizenID: "079090001234", InsuranceNo: "DN4797912345678",
					Phone: "0912 345 678", Province: "79", Ward: "26734", Address: "12 Nguyễn Trãi", RecordedAt: "2026-01-02"}},
			{Key: store.RecordKey{Source: "TYT79002", LocalID: "9"}, Version: math.MaxInt32, Kind: store.LinkManual,
				Probability: math.Inf(-1), Weight: -3.25, Raw: matching.Raw{Source: "TYT79002", LocalID: "9", FamilyName: "Nguyen",
					MiddleName: "Van", GivenName: "An"}},
		},
	}
	return []api.PersonView{full, {Asked: eid, EID: eid, Version: 1}}
}

func TestCodecRoundTrip(t *testing.T) {
	t.Parallel()
	for _, v := range views() {
		got, err := decodeView(encodeView(&v))
		if err != nil {
			t.Fatal(err)
		}
		if diff := gocmp.Diff(v, got); diff != "" {
			t.Errorf("round trip mismatch (-want +got):\n%s", diff)
		}
	}
	b := encodeView(&views()[0])
	for _, bad := range [][]byte{nil, {}, {2}, b[:len(b)-1], append(append([]byte{}, b...), 0)} {
		if _, err := decodeView(bad); !errors.Is(err, errCodec) {
			t.Errorf("decodeView of %d malformed bytes: %v, want errCodec", len(bad), err)
		}
	}
}

// FuzzDecodeView: any bytes decode to a view that encodes back to the same
// bytes, or fail with errCodec; never a panic.
func FuzzDecodeView(f *testing.F) {
	for _, v := range views() {
		f.Add(encodeView(&v))
	}
	f.Add([]byte{1, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := decodeView(b)
		if err != nil {
			if !errors.Is(err, errCodec) {
				t.Fatalf("error %v, want errCodec", err)
			}
			return
		}
		again, err := decodeView(encodeView(&v))
		if err != nil {
			t.Fatalf("re-encoded view does not decode: %v", err)
		}
		if diff := gocmp.Diff(v, again, gocmp.Comparer(func(a, b float64) bool {
			return math.Float64bits(a) == math.Float64bits(b)
		})); diff != "" {
			t.Fatalf("re-encoded view differs (-first +second):\n%s", diff)
		}
	})
}

func BenchmarkCodec(b *testing.B) {
	v := views()[0]
	enc := encodeView(&v)
	b.Run("encode", func(b *testing.B) {
		for b.Loop() {
			encodeView(&v)
		}
	})
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeView(enc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
