package bolt_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/bolt"
)

// A record is stored with its blocking keys and linked to a new person in
// one Update; a later look-up by one of its keys finds it with its EID.
func Example() {
	dir, err := os.MkdirTemp("", "mpi")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	s, err := bolt.Open(filepath.Join(dir, "mpi.db"), bolt.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	ctx := context.Background()
	k := store.RecordKey{Source: "BV01", LocalID: "000123"}
	var eid store.EID
	err = s.Update(ctx, func(tx store.Tx) error {
		r := store.Record{Key: k, Version: 1, Status: store.RecordActive, Keys: []uint64{0x9e3779b97f4a7c15, 42}}
		if err := tx.PutRecord(ctx, r); err != nil {
			return err
		}
		var err error
		if eid, err = tx.NewEID(ctx); err != nil {
			return err
		}
		if err := tx.PutPerson(ctx, store.Person{EID: eid, Status: store.PersonActive, Version: 1}); err != nil {
			return err
		}
		return tx.SetLink(ctx, store.Link{Record: k, EID: eid, Kind: store.LinkAuto})
	})
	if err != nil {
		log.Fatal(err)
	}

	err = s.View(ctx, func(tx store.Tx) error {
		set, err := tx.Candidates(ctx, []uint64{42}, 100)
		if err != nil {
			return err
		}
		for _, c := range set.Candidates {
			fmt.Println(c.Record.Key, c.EID == eid, eid.Valid())
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output: BV01/000123 true true
}
