package peercache_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/api/peercache"
	"github.com/vnhealth/mpi/store/bolt"
)

// A Service reading persons through a Cache. With Options.Peers and
// Options.Self set, and Handler served on each replica's peer address, the
// replicas share it; without, as here, it is the process's own.
func Example() {
	dir, err := os.MkdirTemp("", "peercache")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := bolt.Open(filepath.Join(dir, "mpi.db"), bolt.Options{NoSync: true})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	cache, err := peercache.New(st, peercache.Options{Group: "example-persons"})
	if err != nil {
		log.Fatal(err)
	}
	svc := api.New(st, api.Options{Persons: cache})

	ctx := context.Background()
	res, err := svc.Resolve(ctx, api.Actor{ID: "hub-hcm", Role: "ingest"}, hongBV)
	if err != nil {
		log.Fatal(err)
	}
	for range 3 {
		if _, err := svc.Person(ctx, api.Actor{ID: "bs-minh", Role: "clinician"}, res.EID); err != nil {
			log.Fatal(err)
		}
	}
	s := cache.Stats()
	fmt.Printf("%d reads, %d from the store, %d cache hits\n", s.Gets, s.StoreLoads, s.Hits)
	// Output: 3 reads, 1 from the store, 2 cache hits
}
