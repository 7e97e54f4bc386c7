package postgres_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/postgres"
)

// rec returns version 1 of an active record S/id under the given keys.
func rec(id string, keys ...uint64) store.Record {
	k := store.RecordKey{Source: "S", LocalID: id}
	return store.Record{Key: k, Version: 1, Status: store.RecordActive, Keys: keys, Hash: "h",
		Raw: matching.Raw{Source: k.Source, LocalID: k.LocalID}, Received: time.Unix(1_700_000_000, 0)}
}

// TestUpdateRetriesSerializationFailure: two resolves of one new person
// each read the block (empty), then each add a record to it. Run
// serializably, the second must see the first: its first try fails to
// serialize and Update runs it again — whether fn returns the failure or
// swallows it.
func TestUpdateRetriesSerializationFailure(t *testing.T) {
	t.Parallel()
	const key = 0xfeedface
	tests := []struct {
		name    string
		swallow bool
		tries   int
		want    error
		seen    []int
	}{
		{"fn returns the failure", false, 0, nil, []int{0, 1}},
		{"fn swallows the failure", true, 0, nil, []int{0, 1}},
		{"one try only", false, 1, store.ErrConflict, []int{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t, postgres.Options{MaxTries: tc.tries})
			ctx := t.Context()
			readA, readB, doneA := make(chan struct{}), make(chan struct{}), make(chan struct{})
			errA := make(chan error, 1)
			go func() {
				defer close(doneA)
				first := true
				errA <- s.Update(ctx, func(tx store.Tx) error {
					if _, err := tx.Candidates(ctx, []uint64{key}, 0); err != nil {
						return err
					}
					if first {
						first = false
						close(readA)
						<-readB
					}
					return tx.PutRecord(ctx, rec("A", key))
				})
			}()
			var seen []int
			err := s.Update(ctx, func(tx store.Tx) error {
				set, err := tx.Candidates(ctx, []uint64{key}, 0)
				if err != nil {
					return err
				}
				seen = append(seen, len(set.Candidates))
				if len(seen) == 1 {
					close(readB)
					<-readA
					<-doneA // A has committed
				}
				err = tx.PutRecord(ctx, rec("B", key))
				if tc.swallow {
					return nil
				}
				return err
			})
			if err := <-errA; err != nil {
				t.Fatalf("first Update: %v", err)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("second Update: %v, want %v", err, tc.want)
			}
			if d := cmp.Diff(tc.seen, seen); d != "" {
				t.Errorf("candidates seen per try mismatch (-want +got):\n%s", d)
			}
		})
	}
}

// TestErrorsCarryNoValues: values PostgreSQL refuses come back as
// ErrInvalid without the value in the message.
func TestErrorsCarryNoValues(t *testing.T) {
	t.Parallel()
	s := open(t, postgres.Options{})
	ctx := t.Context()
	r := rec("1")
	r.Raw.FullName = "NGUYEN SECRET\x00NAME" // jsonb cannot hold NUL
	eid := func(tx store.Tx) store.EID {
		e, err := tx.NewEID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	tests := map[string]func(tx store.Tx) error{
		"NUL in Raw": func(tx store.Tx) error { return tx.PutRecord(ctx, r) },
		"invalid UTF-8 in a link's reason": func(tx store.Tx) error {
			return tx.SetLink(ctx, store.Link{Record: rec("2").Key, EID: eid(tx), Kind: store.LinkAuto, Reason: "SECRET \xff"})
		},
	}
	for name, fn := range tests {
		err := s.Update(ctx, fn)
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
		if err != nil && strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: error quotes the value: %v", name, err)
		}
	}
}

// TestBackupWithoutPgDump: a missing pg_dump is named.
func TestBackupWithoutPgDump(t *testing.T) {
	s := open(t, postgres.Options{})
	t.Setenv("PATH", t.TempDir())
	err := s.Backup(t.Context(), new(strings.Builder))
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("Backup without pg_dump: %v, want an error naming pg_dump", err)
	}
}
