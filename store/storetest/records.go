package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/vnhealth/mpi/store"
)

// testRecordVersions: version 1 for a new record, the current version + 1
// after; any other version is ErrConflict and changes nothing; every
// version stays readable, oldest first.
func testRecordVersions(t *testing.T, b Backend) {
	s := b.Open(t)
	k := key("BV01", "0001")
	v1 := record(k, kYearProv, kCitizen)
	v2 := next(v1, kYearProv)
	v3 := next(v2, kPhone)

	for _, v := range []int32{0, 2, -1} {
		r := v1
		r.Version = v
		err := s.Update(t.Context(), func(tx store.Tx) error { return tx.PutRecord(t.Context(), r) })
		wantErr(t, fmt.Sprintf("new record at version %d", v), err, store.ErrConflict)
	}
	putRecords(t, s, v1)
	putRecords(t, s, v2, v3) // two versions in one transaction
	for _, r := range []store.Record{v1, v2, v3, next(next(v3))} {
		err := s.Update(t.Context(), func(tx store.Tx) error { return tx.PutRecord(t.Context(), r) })
		wantErr(t, fmt.Sprintf("put version %d over version 3", r.Version), err, store.ErrConflict)
	}

	view(t, s, func(ctx context.Context, tx store.Tx) error {
		got, err := tx.Record(ctx, k)
		if err != nil {
			return err
		}
		diff(t, "Record", stored(v3), got)
		vs, err := tx.RecordVersions(ctx, k)
		if err != nil {
			return err
		}
		diff(t, "RecordVersions", []store.Record{stored(v1), stored(v2), stored(v3)}, vs)

		_, err = tx.Record(ctx, key("BV01", "0002"))
		wantErr(t, "Record of a missing key", err, store.ErrNotFound)
		_, err = tx.RecordVersions(ctx, key("BV01", "0002"))
		wantErr(t, "RecordVersions of a missing key", err, store.ErrNotFound)
		_, err = tx.Record(ctx, key("BV02", "0001"))
		wantErr(t, "Record of another source's local ID", err, store.ErrNotFound)
		return nil
	})

	// A retracted version is a version like any other.
	v4 := retracted(v3)
	putRecords(t, s, v4)
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		got, err := tx.Record(ctx, k)
		if err != nil {
			return err
		}
		diff(t, "Record after retraction", stored(v4), got)
		vs, err := tx.RecordVersions(ctx, k)
		if err != nil {
			return err
		}
		if len(vs) != 4 {
			t.Errorf("RecordVersions after retraction: %d versions, want 4", len(vs))
		}
		return nil
	})
}

// testRecordRoundTrip: every field comes back as written, times in UTC to
// the microsecond, Raw byte for byte, keys with the top bit set intact.
func testRecordRoundTrip(t *testing.T, b Backend) {
	s := b.Open(t)
	full := record(key("TYT-Ba Đình", "2026/03/000123"), kYearProv, kCitizen, kPhone, kName, kOther)
	sparse := store.Record{Key: key("X", "1"), Version: 1, Status: store.RecordActive, Received: at(1)}
	putRecords(t, s, full, sparse)
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		for _, want := range []store.Record{full, sparse} {
			got, err := tx.Record(ctx, want.Key)
			if err != nil {
				return err
			}
			diff(t, "Record "+want.Key.String(), stored(want), got)
			if got.Raw != want.Raw {
				t.Errorf("Record %s: Raw not byte-identical", want.Key)
			}
			if !got.Received.Equal(store.StoredTime(want.Received)) {
				t.Errorf("Record %s: Received %v, want %v", want.Key, got.Received, store.StoredTime(want.Received))
			}
			checkUTC(t, "Record "+want.Key.String()+" Received", got.Received)
		}
		return nil
	})
}

// testRecordInvalid: keys with an empty part or a NUL byte and unknown
// statuses are ErrInvalid.
func testRecordInvalid(t *testing.T, b Backend) {
	s := b.Open(t)
	bad := []store.RecordKey{key("", "1"), key("BV01", ""), {}, key("BV\x0001", "1"), key("BV01", "1\x00")}
	for _, k := range bad {
		err := s.Update(t.Context(), func(tx store.Tx) error { return tx.PutRecord(t.Context(), record(k, kOther)) })
		wantErr(t, fmt.Sprintf("PutRecord key %q", k), err, store.ErrInvalid)
		err = s.View(t.Context(), func(tx store.Tx) error {
			_, err := tx.Record(t.Context(), k)
			return err
		})
		wantErr(t, fmt.Sprintf("Record key %q", k), err, store.ErrInvalid)
	}
	for _, st := range []store.RecordStatus{0, store.RecordRetracted + 1} {
		r := record(key("BV01", "1"))
		r.Status = st
		err := s.Update(t.Context(), func(tx store.Tx) error { return tx.PutRecord(t.Context(), r) })
		wantErr(t, fmt.Sprintf("PutRecord status %d", st), err, store.ErrInvalid)
	}
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		c, err := tx.Counts(ctx)
		if err != nil {
			return err
		}
		diff(t, "Counts after invalid puts", store.Counts{}, c)
		return nil
	})
}

// testRecords: current versions of the keys that exist, missing ones
// skipped.
func testRecords(t *testing.T, b Backend) {
	s := b.Open(t)
	a := record(key("BV01", "1"), kYearProv)
	bv := record(key("BV02", "1"), kYearProv)
	a2 := next(a, kPhone)
	putRecords(t, s, a, bv, a2)
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		got, err := tx.Records(ctx, []store.RecordKey{key("BV02", "1"), key("BV03", "1"), key("BV01", "1")})
		if err != nil {
			return err
		}
		slices.SortFunc(got, func(x, y store.Record) int { return compareKeys(x.Key, y.Key) })
		diff(t, "Records", []store.Record{stored(a2), stored(bv)}, got)
		got, err = tx.Records(ctx, nil)
		if err != nil {
			return err
		}
		diff(t, "Records(nil)", []store.Record(nil), got)
		got, err = tx.Records(ctx, []store.RecordKey{key("BV09", "9")})
		if err != nil {
			return err
		}
		diff(t, "Records of missing keys", []store.Record(nil), got)
		return nil
	})
}
