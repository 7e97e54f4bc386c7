package postgres_test

import (
	"context"
	"fmt"
	"log"

	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/postgres"
)

// Open migrates the database and returns the store; Update runs a
// serializable transaction, retried when it fails to serialize.
func ExampleOpen() {
	ctx := context.Background()
	s, err := postgres.Open(ctx, "postgres://mpi@127.0.0.1:5432/mpi?sslmode=disable", postgres.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	var eid store.EID
	err = s.Update(ctx, func(tx store.Tx) error {
		// fn may run more than once: it only touches tx and its own
		// variables.
		var err error
		eid, err = tx.NewEID(ctx)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("new person", eid.Display())
}
