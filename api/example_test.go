package api_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store/bolt"
)

// A hospital and a commune station send records of one man; the hospital
// sends its record again.
func ExampleService_Resolve() {
	dir, err := os.MkdirTemp("", "mpi-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := bolt.Open(filepath.Join(dir, "mpi.db"), bolt.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	svc := api.New(st, api.Options{})
	ctx := context.Background()
	hub := api.Actor{ID: "hub-hcm", Role: "ingest"}
	hospital := matching.Raw{Source: "BV79001", LocalID: "2400123", FullName: "NGUYỄN VĂN AN",
		Gender: "Nam", BirthDate: "07/05/1990", Phone: "0912 345 678", Province: "79"}
	station := matching.Raw{Source: "TYT79002", LocalID: "9", FullName: "Nguyen Van An",
		Gender: "M", BirthDate: "19900507", Phone: "+84912345678", Province: "TP. Hồ Chí Minh"}

	first, err := svc.Resolve(ctx, hub, hospital)
	if err != nil {
		log.Fatal(err)
	}
	second, err := svc.Resolve(ctx, hub, station)
	if err != nil {
		log.Fatal(err)
	}
	again, err := svc.Resolve(ctx, hub, hospital)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(first.Decision, second.Decision, again.Decision)
	fmt.Println("one person:", first.EID == second.EID && second.EID == again.EID)
	fmt.Printf("probability %.4f\n", second.Probability)
	// Output:
	// new linked unchanged
	// one person: true
	// probability 1.0000
}
