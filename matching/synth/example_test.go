package synth_test

import (
	"fmt"
	"os"

	"github.com/vnhealth/mpi/matching/synth"
)

func ExampleGenerate() {
	recs, err := synth.Generate(synth.Options{Persons: 1000, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	persons := map[string]bool{}
	for _, r := range recs {
		persons[r.PersonID] = true
	}
	fmt.Println(len(persons), "persons")
	// WriteRecords and WriteTruth give the two CSV files of `mpictl gen`.
	if err := synth.WriteTruth(os.Stdout, recs[:1]); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 1000 persons
	// source,local_id,person_id,household_id,role
	// BV79002,HS-0000001,P0000853,H0000254,
}
