package bolt_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bbolt "go.etcd.io/bbolt"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/bolt"
	"github.com/vnhealth/mpi/store/storetest"
)

// open opens a store in a new file under t's temporary directory and
// closes it when the test ends.
func open(t testing.TB, path string, opt bolt.Options) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(path, opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, storetest.Backend{
		Open: func(t *testing.T) store.Store {
			return open(t, filepath.Join(t.TempDir(), "mpi.db"), bolt.Options{})
		},
		Restore: func(t *testing.T, backup []byte) store.Store {
			path := filepath.Join(t.TempDir(), "restored.db")
			if err := os.WriteFile(path, backup, 0o600); err != nil {
				t.Fatal(err)
			}
			return open(t, path, bolt.Options{})
		},
	})
}

// state is what a store holds, as read through its interface.
type state struct {
	Counts   store.Counts
	Records  []store.Record
	Versions []store.Record
	Persons  []store.Person
	Links    []store.Link
	History  []store.Link
	Cons     []store.Constraint
	Tasks    []store.Task
	Events   []store.Event
	Audit    []store.AuditEntry
}

// read reads s's state; versions, history and constraints are k's.
func read(t *testing.T, s store.Store, k store.RecordKey) state {
	t.Helper()
	var st state
	ctx := t.Context()
	err := s.View(ctx, func(tx store.Tx) error {
		st = state{}
		var err error
		for _, step := range []func() error{
			func() (err error) { st.Counts, err = tx.Counts(ctx); return },
			func() error {
				return tx.ForEachRecord(ctx, func(r store.Record) error { st.Records = append(st.Records, r); return nil })
			},
			func() (err error) { st.Versions, err = tx.RecordVersions(ctx, k); return },
			func() error {
				return tx.ForEachPerson(ctx, func(p store.Person) error { st.Persons = append(st.Persons, p); return nil })
			},
			func() error {
				return tx.ForEachLink(ctx, func(l store.Link) error { st.Links = append(st.Links, l); return nil })
			},
			func() (err error) { st.History, err = tx.LinkHistory(ctx, k); return },
			func() (err error) { st.Cons, err = tx.Constraints(ctx, k); return },
			func() (err error) { st.Tasks, err = tx.Tasks(ctx, store.TaskFilter{}); return },
			func() (err error) { st.Events, err = tx.Events(ctx, store.EventFilter{}); return },
		} {
			if err = step(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if st.Audit, err = s.AuditLog(ctx, store.AuditFilter{}); err != nil {
		t.Fatalf("AuditLog: %v", err)
	}
	return st
}

// fill writes one of everything to s and returns the record's key.
func fill(t *testing.T, s store.Store, source string) store.RecordKey {
	t.Helper()
	ctx := t.Context()
	k := store.RecordKey{Source: source, LocalID: "00042"}
	at := time.Date(2026, 5, 1, 8, 30, 0, 123456789, time.UTC)
	err := s.Update(ctx, func(tx store.Tx) error {
		eid, err := tx.NewEID(ctx)
		if err != nil {
			return err
		}
		r := store.Record{Key: k, Version: 1, Status: store.RecordActive, Keys: []uint64{1, 1 << 63},
			Raw: matching.Raw{Source: k.Source, LocalID: k.LocalID, FullName: "Lê Thị Hồng Nhung"}, Received: at}
		r2 := r
		r2.Version, r2.Raw.Phone, r2.Keys = 2, "0905123456", []uint64{2}
		p := store.Person{EID: eid, Status: store.PersonActive, Version: 1, Created: at, Updated: at,
			Golden: store.Golden{Name: store.GoldenField{Value: "Lê Thị Hồng Nhung", From: k}}}
		task := store.Task{Kind: store.TaskPossibleMatch, Status: store.TaskOpen, Record: k, Created: at,
			Candidates: []store.TaskCandidate{{EID: eid, Probability: 0.5, Weight: 1.5, Explanation: json.RawMessage(`{"total":1.5}`)}}}
		for _, err := range []error{
			tx.PutRecord(ctx, r), tx.PutRecord(ctx, r2), tx.PutPerson(ctx, p),
			tx.SetLink(ctx, store.Link{Record: k, EID: eid, Kind: store.LinkAuto, Probability: 0.99, At: at}),
			tx.PutConstraint(ctx, store.Constraint{Kind: store.MustLink, Record: k, EID: eid, At: at}),
			tx.PutTask(ctx, &task),
			tx.AppendEvent(ctx, &store.Event{At: at, Kind: store.EventRecordPut, EIDs: []store.EID{eid}, Record: k, Data: json.RawMessage(`{"v":1}`)}),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("fill: %v", err)
	}
	if err := s.Audit(ctx, &store.AuditEntry{At: at, Actor: "nurse-1", Action: "get_person", Records: []store.RecordKey{k}}); err != nil {
		t.Fatalf("Audit: %v", err)
	}
	return k
}

// TestReopen: everything survives Close and Open, and the sequences (task
// IDs, event Seqs, the audit chain, EIDs) go on where they stopped.
func TestReopen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "mpi.db")
	s := open(t, path, bolt.Options{})
	k := fill(t, s, "BV01")
	before := read(t, s, k)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s = open(t, path, bolt.Options{})
	if d := cmp.Diff(before, read(t, s, k)); d != "" {
		t.Fatalf("after reopening, mismatch (-want +got):\n%s", d)
	}
	fill(t, s, "BV02")
	after := read(t, s, k)
	if err := store.VerifyAuditChain(nil, after.Audit); err != nil || len(after.Audit) != 2 {
		t.Errorf("audit chain across the reopen: %d entries, %v", len(after.Audit), err)
	}
	if len(after.Tasks) != 2 || after.Tasks[1].ID <= after.Tasks[0].ID {
		t.Errorf("task IDs across the reopen: %+v", after.Tasks)
	}
	if len(after.Events) != 2 || after.Events[1].Seq <= after.Events[0].Seq {
		t.Errorf("event Seqs across the reopen: %+v", after.Events)
	}
	if len(after.Persons) != 2 || after.Persons[0].EID == after.Persons[1].EID {
		t.Errorf("EIDs across the reopen: %+v", after.Persons)
	}
}

// TestEIDAfterRollbackAndRestart: an EID handed out by a transaction that
// rolled back is not handed out again after a restart, nor by a store
// restored from a backup taken after the rollback.
func TestEIDAfterRollbackAndRestart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "mpi.db")
	s := open(t, path, bolt.Options{})
	seen := map[store.EID]bool{}
	take := func(s store.Store, seen map[store.EID]bool, fail bool) {
		t.Helper()
		err := s.Update(ctx, func(tx store.Tx) error {
			for range 3 {
				e, err := tx.NewEID(ctx)
				if err != nil {
					return err
				}
				if seen[e] {
					t.Errorf("EID %s handed out twice", e)
				}
				seen[e] = true
			}
			if fail {
				return errors.New("roll back")
			}
			return nil
		})
		if (err != nil) != fail {
			t.Fatalf("Update: %v", err)
		}
	}
	take(s, seen, false)
	take(s, seen, true)
	var backup bytes.Buffer
	if err := s.Backup(ctx, &backup); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	restored := filepath.Join(t.TempDir(), "restored.db")
	if err := os.WriteFile(restored, backup.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// The restored store goes its own way from the backup on.
	take(open(t, restored, bolt.Options{}), maps.Clone(seen), false)

	take(s, seen, true)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	take(open(t, path, bolt.Options{}), seen, false)
}

// TestOpen: a new file is private; a file of another layout, another
// bolt database, a file that is not bolt and a file in use are refused.
func TestOpen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "mpi.db")
	s := open(t, path, bolt.Options{})
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("new file: %v, mode %v, want 0600", err, fi.Mode().Perm())
	}
	if _, err := bolt.Open(path, bolt.Options{LockTimeout: 10 * time.Millisecond}); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Errorf("second Open of a file in use: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Another layout version.
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("layout"), binary.BigEndian.AppendUint64(nil, 99))
	}); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, err := bolt.Open(path, bolt.Options{}); !errors.Is(err, bolt.ErrLayout) || !strings.Contains(err.Error(), "layout 99") {
		t.Errorf("Open of layout 99: %v", err)
	}

	// Some other bolt database.
	other := filepath.Join(dir, "other.db")
	raw, err = bbolt.Open(other, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket([]byte("config")); return err }); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, err := bolt.Open(other, bolt.Options{}); !errors.Is(err, bolt.ErrLayout) {
		t.Errorf("Open of another bolt database: %v", err)
	}

	// Not a bolt file.
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, bytes.Repeat([]byte("not a database "), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := bolt.Open(junk, bolt.Options{}); err == nil {
		t.Errorf("Open of a file that is not bolt: no error")
	}
}

// benchKeys returns the 8 blocking-key hashes of synthetic record i: rule
// r puts records into blocks of about blockSize[r] records.
func benchKeys(i int, n int) []uint64 {
	blockSize := [8]int{40, 1, 1, 2, 8, 20, 4, 100}
	ks := make([]uint64, 8)
	for r, size := range blockSize {
		ks[r] = uint64(r+1)<<56 | uint64((i*(2*r+7))%(n/size+1))
	}
	return ks
}

// BenchmarkResolve measures a resolve-like Update on a store of 20,000
// records, fsync on: candidates by 8 keys (capped at 500 per key), a new
// record, a link to the first candidate's person (or a new person) and an
// event. "serial" is one writer; "parallel" is 16 at once, whose commits
// are grouped.
func BenchmarkResolve(b *testing.B) {
	const n = 20_000
	s := open(b, filepath.Join(b.TempDir(), "mpi.db"), bolt.Options{})
	ctx := context.Background()
	for lo := 0; lo < n; lo += 2000 {
		err := s.Update(ctx, func(tx store.Tx) error {
			for i := lo; i < lo+2000; i++ {
				k := store.RecordKey{Source: "PRE", LocalID: strconv.Itoa(i)}
				raw := matching.Raw{Source: k.Source, LocalID: k.LocalID, FullName: "Phạm Thị Thu Hà", BirthDate: "1985-07-14", Phone: "0912345678"}
				eid, err := tx.NewEID(ctx)
				if err != nil {
					return err
				}
				for _, err := range []error{
					tx.PutRecord(ctx, store.Record{Key: k, Version: 1, Status: store.RecordActive, Raw: raw, Keys: benchKeys(i, n), Received: time.Now()}),
					tx.PutPerson(ctx, store.Person{EID: eid, Status: store.PersonActive, Version: 1, Created: time.Now(), Updated: time.Now()}),
					tx.SetLink(ctx, store.Link{Record: k, EID: eid, Kind: store.LinkAuto, At: time.Now()}),
				} {
					if err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	var next, found atomic.Int64
	resolve := func() error {
		i := int(next.Add(1))
		k := store.RecordKey{Source: "NEW", LocalID: strconv.Itoa(i)}
		return s.Update(ctx, func(tx store.Tx) error {
			keys := benchKeys(i%n, n)
			set, err := tx.Candidates(ctx, keys, 500)
			if err != nil {
				return err
			}
			found.Add(int64(len(set.Candidates)))
			if err := tx.PutRecord(ctx, store.Record{Key: k, Version: 1, Status: store.RecordActive, Keys: keys, Received: time.Now()}); err != nil {
				return err
			}
			var eid store.EID
			if len(set.Candidates) > 0 {
				eid = set.Candidates[0].EID
			} else {
				if eid, err = tx.NewEID(ctx); err != nil {
					return err
				}
				if err := tx.PutPerson(ctx, store.Person{EID: eid, Status: store.PersonActive, Version: 1}); err != nil {
					return err
				}
			}
			if err := tx.SetLink(ctx, store.Link{Record: k, EID: eid, Kind: store.LinkAuto, At: time.Now()}); err != nil {
				return err
			}
			return tx.AppendEvent(ctx, &store.Event{At: time.Now(), Kind: store.EventLinked, EIDs: []store.EID{eid}, Record: k})
		})
	}
	b.Run("serial", func(b *testing.B) {
		found.Store(0)
		for b.Loop() {
			if err := resolve(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(found.Load())/float64(b.N), "candidates/op")
	})
	b.Run("parallel", func(b *testing.B) {
		found.Store(0)
		b.SetParallelism(8) // 16 goroutines on 2 cores
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := resolve(); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(found.Load())/float64(b.N), "candidates/op")
	})
}
