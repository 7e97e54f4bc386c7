package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vnhealth/mpi/internal/pgtest"
	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/postgres"
)

// benchKeys returns the 8 blocking keys of record n: one per rule, each
// block holding about 4 of the benchPopulation records, the hashes
// scattered over the key space as blocking.KeyHashes's are.
func benchKeys(n int) []uint64 {
	keys := make([]uint64, 8)
	for rule := range keys {
		block := uint64(rule)<<32 | uint64((n*(rule*2+1))%(benchPopulation/4))
		keys[rule] = splitmix(block)
	}
	return keys
}

// splitmix is SplitMix64's finalizer: a bijection that scatters nearby
// inputs.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

const benchPopulation = 10_000

// benchStore opens a store holding benchPopulation linked records, analyzed.
func benchStore(b *testing.B) *postgres.Store {
	b.Helper()
	url := pgtest.NewDatabase(b)
	s := openURL(b, url, postgres.Options{})
	ctx := context.Background()
	const batch = 500
	for start := 0; start < benchPopulation; start += batch {
		err := s.Update(ctx, func(tx store.Tx) error {
			for n := start; n < start+batch; n++ {
				if err := resolve(ctx, tx, fmt.Sprint(n), benchKeys(n)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return s
}

// resolve does what the workflow does for a new record: candidates for its
// keys, the record, a link to the first linked candidate's person or to a
// new one, an event.
func resolve(ctx context.Context, tx store.Tx, id string, keys []uint64) error {
	if _, err := tx.Record(ctx, store.RecordKey{Source: "S", LocalID: id}); !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("record %s: %v, want ErrNotFound", id, err)
	}
	set, err := tx.Candidates(ctx, keys, 100)
	if err != nil {
		return err
	}
	r := rec(id, keys...)
	r.Received = time.Now()
	if err := tx.PutRecord(ctx, r); err != nil {
		return err
	}
	var eid store.EID
	for _, c := range set.Candidates {
		if c.EID != "" {
			eid = c.EID
			break
		}
	}
	if eid == "" {
		if eid, err = tx.NewEID(ctx); err != nil {
			return err
		}
		p := store.Person{EID: eid, Status: store.PersonActive, Version: 1, Created: r.Received, Updated: r.Received}
		if err := tx.PutPerson(ctx, p); err != nil {
			return err
		}
	}
	l := store.Link{Record: r.Key, EID: eid, Kind: store.LinkAuto, Weight: 20, Probability: 0.999, Actor: "bench", At: r.Received}
	if err := tx.SetLink(ctx, l); err != nil {
		return err
	}
	return tx.AppendEvent(ctx, &store.Event{At: r.Received, Kind: store.EventLinked, Actor: "bench", EIDs: []store.EID{eid}, Record: r.Key})
}

// BenchmarkResolveUpdate: one resolve-like Update (Candidates for 8 keys,
// PutRecord, SetLink, AppendEvent, and a new person when nothing matched)
// against 10,000 records; serial, and from parallel goroutines resolving
// different people.
func BenchmarkResolveUpdate(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	var next atomic.Int64
	next.Store(benchPopulation)
	var tries atomic.Int64
	update := func(n int) error {
		return s.Update(ctx, func(tx store.Tx) error {
			tries.Add(1)
			return resolve(ctx, tx, fmt.Sprint(n), benchKeys(n))
		})
	}
	b.Run("serial", func(b *testing.B) {
		tries.Store(0)
		for b.Loop() {
			if err := update(int(next.Add(1))); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(tries.Load())/float64(b.N), "tries/op")
	})
	b.Run("parallel", func(b *testing.B) {
		tries.Store(0)
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := update(int(next.Add(1))); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(tries.Load())/float64(b.N), "tries/op")
	})
}
