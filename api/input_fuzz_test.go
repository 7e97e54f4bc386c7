package api

import (
	"errors"
	"strings"
	"testing"

	"github.com/vnhealth/mpi/matching"
)

// FuzzPrepare: any record either is refused with a FieldError that names a
// field and does not echo the value, or is prepared with a trimmed, valid
// key and a hash that depends on its content only.
func FuzzPrepare(f *testing.F) {
	for _, r := range []matching.Raw{anBV, anTYT, hongBV, tanPK, withKey(anBV, " ", "x"), withKey(anBV, "BV\x00", "1")} {
		f.Add(r.Source, r.LocalID, r.FullName, r.BirthDate, r.CitizenID, r.Phone, r.Province, r.Address)
	}
	s := New(nil, Options{CacheSize: -1})
	f.Fuzz(func(t *testing.T, source, localID, name, birth, citizen, phone, province, address string) {
		raw := matching.Raw{Source: source, LocalID: localID, FullName: name, BirthDate: birth,
			CitizenID: citizen, Phone: phone, Province: province, Address: address}
		in, err := s.prepare(raw, "")
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalidArgument) || fe.Field == "" {
				t.Fatalf("error %v is not a FieldError", err)
			}
			for _, v := range []string{name, birth, citizen, phone, address} {
				if len(v) >= 8 && strings.Contains(err.Error(), v) {
					t.Fatalf("error %q echoes a value", err)
				}
			}
			return
		}
		if !in.key.Valid() || in.key.Source != strings.TrimSpace(in.key.Source) || in.key.LocalID != strings.TrimSpace(in.key.LocalID) {
			t.Fatalf("prepared key %q/%q", in.key.Source, in.key.LocalID)
		}
		again := raw
		again.RecordedAt = "2026-01-01"
		again.Source = " " + source + "\t"
		if in2, err := s.prepare(again, ""); err != nil || in2.hash != in.hash {
			t.Fatalf("hash changed with recorded_at or surrounding spaces (err %v)", err)
		}
	})
}
