package synth

import (
	"encoding/csv"
	"io"
)

// RecordColumns is the header WriteRecords writes.
var RecordColumns = []string{"source", "local_id", "full_name", "family_name", "middle_name", "given_name", "gender",
	"birth_date", "citizen_id", "insurance_no", "phone", "province", "ward", "address", "recorded_at"}

// TruthColumns is the header WriteTruth writes.
var TruthColumns = []string{"source", "local_id", "person_id", "household_id", "role"}

// WriteRecords writes recs as records.csv in the exchange format, header first.
func WriteRecords(w io.Writer, recs []Record) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(RecordColumns); err != nil {
		return err
	}
	row := make([]string, len(RecordColumns))
	for i := range recs {
		x := &recs[i].Raw
		row[0], row[1], row[2], row[3], row[4], row[5] = x.Source, x.LocalID, x.FullName, x.FamilyName, x.MiddleName, x.GivenName
		row[6], row[7], row[8], row[9], row[10] = x.Gender, x.BirthDate, x.CitizenID, x.InsuranceNo, x.Phone
		row[11], row[12], row[13], row[14] = x.Province, x.Ward, x.Address, x.RecordedAt
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
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
