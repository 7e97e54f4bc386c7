package exchange

import (
	"encoding/csv"
	"io"

	"github.com/vnhealth/mpi/matching"
)

// Writer writes records as CSV in the record exchange format, with the
// canonical header matching.Columns. The name is written as the record has
// it — whole in full_name, or in its parts — so a source's split survives.
// A Writer is not safe for concurrent use.
type Writer struct {
	w      *csv.Writer
	header bool
	row    []string
}

// NewWriter returns a Writer to w. Call Flush when done.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: csv.NewWriter(w), row: make([]string, len(matching.Columns))}
}

// Write writes one record, preceded by the header if it is the first.
func (w *Writer) Write(r matching.Raw) error {
	if err := w.writeHeader(); err != nil {
		return err
	}
	row := w.row
	row[0], row[1], row[2], row[3], row[4], row[5] = r.Source, r.LocalID, r.FullName, r.FamilyName, r.MiddleName, r.GivenName
	row[6], row[7], row[8], row[9], row[10] = r.Gender, r.BirthDate, r.CitizenID, r.InsuranceNo, r.Phone
	row[11], row[12], row[13], row[14] = r.Province, r.Ward, r.Address, r.RecordedAt
	return w.w.Write(row)
}

// Flush writes the header if no record was written, then any buffered data
// to the underlying io.Writer, and returns the first error met.
func (w *Writer) Flush() error {
	if err := w.writeHeader(); err != nil {
		return err
	}
	w.w.Flush()
	return w.w.Error()
}

func (w *Writer) writeHeader() error {
	if w.header {
		return nil
	}
	w.header = true
	return w.w.Write(matching.Columns)
}
