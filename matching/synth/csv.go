package synth

import (
	"encoding/csv"
	"io"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/exchange"
)

// RecordColumns is the header WriteRecords writes.
var RecordColumns = matching.Columns

// TruthColumns is the header WriteTruth writes.
var TruthColumns = []string{"source", "local_id", "person_id", "household_id", "role"}

// WriteRecords writes recs as records.csv in the exchange format, header first.
func WriteRecords(w io.Writer, recs []Record) error {
	ew := exchange.NewWriter(w)
	for i := range recs {
		if err := ew.Write(recs[i].Raw); err != nil {
			return err
		}
	}
	return ew.Flush()
}

// WriteTruth writes the truth of recs as truth.csv, header first.
func WriteTruth(w io.Writer, recs []Record) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(TruthColumns); err != nil {
		return err
	}
	row := make([]string, len(TruthColumns))
	for i := range recs {
		x := &recs[i]
		row[0], row[1], row[2], row[3], row[4] = x.Source, x.LocalID, x.PersonID, x.HouseholdID, x.Role
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
