package storetest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
)

// The fixtures are synthetic: made-up names, numbers and places.

// t0 is the fixtures' base time: in UTC+7 with nanoseconds, so that a
// backend must convert it to UTC and cut it to microseconds.
var t0 = time.Date(2026, 3, 14, 9, 26, 53, 589793238, time.FixedZone("ICT", 7*3600))

// at returns t0 plus n minutes.
func at(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }

// Blocking-key hashes of the fixtures. Some have the top bit set, which a
// backend holding signed 64-bit integers must carry through.
const (
	kYearProv uint64 = 0x9e3779b97f4a7c15
	kCitizen  uint64 = 0xfffffffffffffff1
	kPhone    uint64 = 0x0000000000000007
	kName     uint64 = 0x8000000000000000
	kOther    uint64 = 0x7fffffffffffffff
)

// key returns a record key.
func key(source, localID string) store.RecordKey {
	return store.RecordKey{Source: source, LocalID: localID}
}

// record returns version 1 of an active record with keys, with every Raw
// field set (Vietnamese text in UTF-8).
func record(k store.RecordKey, keys ...uint64) store.Record {
	return store.Record{
		Key:     k,
		Version: 1,
		Raw: matching.Raw{
			Source:      k.Source,
			LocalID:     k.LocalID,
			FullName:    "Nguyễn Thị Ánh Tuyết",
			FamilyName:  "Nguyễn",
			MiddleName:  "Thị Ánh",
			GivenName:   "Tuyết",
			Gender:      "Nữ",
			BirthDate:   "12/08/1987",
			CitizenID:   "079187001234",
			InsuranceNo: "DN4797912345678",
			Phone:       "0912 345 678",
			Province:    "Thành phố Hồ Chí Minh",
			Ward:        "Phường Bến Thành",
			Address:     "số 12 đường Lê Thánh Tôn, khu phố 3",
			RecordedAt:  "2026-03-14T09:00:00+07:00",
		},
		Hash:     "h1:" + k.String(),
		Status:   store.RecordActive,
		Keys:     keys,
		Received: t0,
	}
}

// next returns r's next version with the given keys and changed content.
func next(r store.Record, keys ...uint64) store.Record {
	r.Version++
	r.Raw.Phone = fmt.Sprintf("09%08d", r.Version)
	r.Raw.Address = fmt.Sprintf("số %d ngõ Huế, phường Đống Đa", r.Version)
	r.Hash = fmt.Sprintf("h%d:%s", r.Version, r.Key)
	r.Keys = keys
	r.Received = r.Received.Add(time.Hour)
	return r
}

// retracted returns r's next version, retracted, with no keys.
func retracted(r store.Record) store.Record {
	r = next(r)
	r.Status = store.RecordRetracted
	return r
}

// stored returns r as a store gives it back.
func stored(r store.Record) store.Record {
	r.Received = store.StoredTime(r.Received)
	return r
}

// person returns version 1 of an active person with a golden record.
func person(eid store.EID) store.Person {
	from := key("BV01", "A1")
	return store.Person{
		EID:    eid,
		Status: store.PersonActive,
		Golden: store.Golden{
			Name:        store.GoldenField{Value: "Trần Văn Đức", From: from},
			Sex:         store.GoldenField{Value: "Nam", From: from},
			BirthDate:   store.GoldenField{Value: "1990-01-31", From: key("TYT07", "77")},
			CitizenID:   store.GoldenField{Value: "001090012345", From: from},
			InsuranceNo: store.GoldenField{Value: "GD4010123456789", From: from},
			Phone:       store.GoldenField{Value: "0987654321", From: key("TYT07", "77")},
			Province:    store.GoldenField{Value: "01", From: from},
			Ward:        store.GoldenField{Value: "00004", From: from},
			Address:     store.GoldenField{Value: "ngách 5 ngõ Quỳnh, Bạch Mai", From: from},
		},
		Version: 1,
		Created: t0,
		Updated: t0,
	}
}

// storedPerson returns p as a store gives it back.
func storedPerson(p store.Person) store.Person {
	p.Created = store.StoredTime(p.Created)
	p.Updated = store.StoredTime(p.Updated)
	return p
}

// link returns an automatic link of k to eid.
func link(k store.RecordKey, eid store.EID) store.Link {
	return store.Link{
		Record: k, EID: eid, Kind: store.LinkAuto, Weight: 17.375, Probability: 0.9991234567,
		Actor: "matcher", Reason: "khớp tự động", At: t0,
	}
}

// storedLink returns l as a store gives it back.
func storedLink(l store.Link) store.Link {
	l.At = store.StoredTime(l.At)
	return l
}

// eids allocates n EIDs in one transaction.
func eids(t *testing.T, s store.Store, n int) []store.EID {
	t.Helper()
	var out []store.EID
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		out = out[:0]
		for range n {
			e, err := tx.NewEID(ctx)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out
}

// putRecords stores records in one transaction.
func putRecords(t *testing.T, s store.Store, rs ...store.Record) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		for _, r := range rs {
			if err := tx.PutRecord(ctx, r); err != nil {
				return fmt.Errorf("put %s v%d: %w", r.Key, r.Version, err)
			}
		}
		return nil
	})
}

// putPersons stores version-1 persons for eids in one transaction.
func putPersons(t *testing.T, s store.Store, es ...store.EID) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		for _, e := range es {
			if err := tx.PutPerson(ctx, person(e)); err != nil {
				return fmt.Errorf("put person %s: %w", e, err)
			}
		}
		return nil
	})
}

// setLinks links each record key to its EID in one transaction.
func setLinks(t *testing.T, s store.Store, ls ...store.Link) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		for _, l := range ls {
			if err := tx.SetLink(ctx, l); err != nil {
				return fmt.Errorf("link %s: %w", l.Record, err)
			}
		}
		return nil
	})
}

// isJSON selects json.RawMessage values (not other byte slices).
func isJSON(p gocmp.Path) bool { return p.Last().Type() == reflect.TypeFor[json.RawMessage]() }

// jsonValue compares JSON payloads as values: a backend may re-format them.
var jsonValue = gocmp.Transformer("JSONValue", func(m json.RawMessage) any {
	if len(bytes.TrimSpace(m)) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(m, &v); err != nil {
		return fmt.Sprintf("invalid JSON %q", m)
	}
	return v
})

// opts are the comparison options: empty and nil slices are alike, JSON is
// compared as values.
var opts = gocmp.Options{
	gocmp.FilterPath(func(p gocmp.Path) bool { return !isJSON(p) }, cmpopts.EquateEmpty()),
	gocmp.FilterPath(isJSON, jsonValue),
}

// diff reports a mismatch of want and got.
func diff(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := gocmp.Diff(want, got, opts); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}

// compareKeys orders record keys by Source, then LocalID (byte order).
func compareKeys(a, b store.RecordKey) int {
	return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.LocalID, b.LocalID))
}

// sortCandidates orders candidates by record key.
func sortCandidates(cs []store.Candidate) []store.Candidate {
	slices.SortFunc(cs, func(a, b store.Candidate) int { return compareKeys(a.Record.Key, b.Record.Key) })
	return cs
}

// sortLinks orders links by record key.
func sortLinks(ls []store.Link) []store.Link {
	slices.SortFunc(ls, func(a, b store.Link) int { return compareKeys(a.Record, b.Record) })
	return ls
}

// checkUTC fails the test unless every time is in UTC.
func checkUTC(t *testing.T, what string, ts ...time.Time) {
	t.Helper()
	for _, tm := range ts {
		if tm.Location() != time.UTC {
			t.Errorf("%s: time in %v, want UTC", what, tm.Location())
		}
	}
}
