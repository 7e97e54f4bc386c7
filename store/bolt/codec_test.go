package bolt

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
)

// samples returns one encoded value of each kind, for seeds.
func samples() [][]byte {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	k := store.RecordKey{Source: "BV01", LocalID: "1"}
	r := store.Record{Key: k, Version: 3, Status: store.RecordActive, Hash: "h", Keys: []uint64{1, 1 << 63},
		Raw: matching.Raw{FullName: "Đỗ Văn Ân", Phone: "0912"}, Received: at}
	p := store.Person{EID: "0000000A1", Status: store.PersonMerged, MergedInto: "0000000B2", Version: 2, Created: at,
		Golden: store.Golden{Name: store.GoldenField{Value: "Đỗ Văn Ân", From: k}}}
	l := store.Link{Record: k, EID: "0000000A1", Kind: store.LinkManual, Weight: 1.5, Probability: 0.25, Actor: "a", At: at}
	c := store.Constraint{Kind: store.CannotLink, Actor: "s", Reason: "r", At: at}
	tk := store.Task{Kind: store.TaskPossibleMatch, Status: store.TaskOpen, Record: k, Created: at,
		Candidates: []store.TaskCandidate{{EID: "0000000A1", Probability: 0.5, Explanation: json.RawMessage(`{"a":1}`)}}}
	ev := store.Event{At: at, Kind: store.EventLinked, EIDs: []store.EID{"0000000A1"}, Record: k, TaskID: 9, Data: json.RawMessage(`{}`)}
	a := store.AuditEntry{At: at, Actor: "n", EIDs: []store.EID{"0000000A1"}, Records: []store.RecordKey{k}, Prev: []byte{1}, Hash: []byte{2}}
	return [][]byte{encodeRecord(&r, 7), encodePerson(&p), encodeLink(&l), encodeConstraint(&c), encodeTask(&tk), encodeEvent(&ev), encodeAudit(&a)}
}

// stable checks that what decoded from b decodes the same after encoding
// it again.
func stable[T any](t *testing.T, what string, b []byte, decode func([]byte) (T, error), encode func(*T) []byte) {
	t.Helper()
	v, err := decode(b)
	if err != nil {
		return
	}
	again, err := decode(encode(&v))
	if err != nil {
		t.Fatalf("%s: re-encoded value does not decode: %v", what, err)
	}
	if d := cmp.Diff(v, again, cmpopts.EquateEmpty(), cmpopts.EquateNaNs()); d != "" {
		t.Errorf("%s: re-encoded value differs (-first +again):\n%s", what, d)
	}
}

// FuzzDecode: no byte string makes a decoder panic or allocate beyond
// what the bytes can hold, and what decodes survives encoding again.
func FuzzDecode(f *testing.F) {
	for _, s := range samples() {
		f.Add(s)
	}
	k := store.RecordKey{Source: "S", LocalID: "L"}
	f.Fuzz(func(t *testing.T, b []byte) {
		stable(t, "record", b, func(b []byte) (store.Record, error) { return decodeRecord(k, b) }, func(r *store.Record) []byte { return encodeRecord(r, 7) })
		stable(t, "person", b, func(b []byte) (store.Person, error) { return decodePerson("0000000A1", b) }, encodePerson)
		stable(t, "link", b, func(b []byte) (store.Link, error) { return decodeLink(k, b) }, encodeLink)
		stable(t, "constraint", b, func(b []byte) (store.Constraint, error) { return decodeConstraint(k, "0000000A1", b) }, encodeConstraint)
		stable(t, "task", b, func(b []byte) (store.Task, error) { return decodeTask(1, b) }, encodeTask)
		stable(t, "event", b, func(b []byte) (store.Event, error) { return decodeEvent(1, b) }, encodeEvent)
		stable(t, "audit entry", b, func(b []byte) (store.AuditEntry, error) { return decodeAudit(1, b) }, encodeAudit)
	})
}

// FuzzRecordRoundTrip: a record decodes as it was encoded, its time cut
// to the microsecond in UTC.
func FuzzRecordRoundTrip(f *testing.F) {
	f.Add("BV01", "Nguyễn Văn A", "h", int32(1), int64(1_700_000_000_123_456), uint64(1<<63), uint8(1))
	f.Add("", "", "", int32(-5), int64(0), uint64(0), uint8(0))
	f.Fuzz(func(t *testing.T, source, name, hash string, version int32, micros int64, key uint64, status uint8) {
		r := store.Record{
			Key: store.RecordKey{Source: "S", LocalID: "L"}, Version: version, Status: store.RecordStatus(status),
			Hash: hash, Keys: []uint64{key, ^key}, Raw: matching.Raw{Source: source, FullName: name, Address: name + source},
			Received: time.UnixMicro(micros).In(time.FixedZone("ICT", 7*3600)),
		}
		got, err := decodeRecord(r.Key, encodeRecord(&r, 1<<32-1))
		if err != nil {
			t.Fatal(err)
		}
		want := r
		want.Received = store.StoredTime(r.Received)
		if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("mismatch (-want +got):\n%s", d)
		}
		if got.Received.Location() != time.UTC {
			t.Errorf("decoded time in %v", got.Received.Location())
		}
	})
}

// TestTimeEncoding: the zero time stays zero; times far apart keep order
// and value.
func TestTimeEncoding(t *testing.T) {
	t.Parallel()
	for _, tm := range []time.Time{
		{},
		time.Date(1, 1, 1, 0, 0, 0, 1000, time.UTC),
		time.Date(1900, 2, 28, 23, 59, 59, 999999000, time.UTC),
		time.Unix(0, 0).UTC(),
		time.Date(2026, 11, 26, 9, 0, 0, 123456000, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
	} {
		var e enc
		e.time(tm)
		d := dec{b: e.b}
		got := d.time()
		if err := d.err("time"); err != nil || !got.Equal(tm) || got.IsZero() != tm.IsZero() {
			t.Errorf("time %v decodes to %v (%v)", tm, got, err)
		}
	}
}
