package exchange

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/vnhealth/mpi/matching"
)

// Writer writes records as CSV in the record exchange format, with the
// canonical header matching.Columns. A record that has only name parts gets
// them joined, family name first, into full_name. RecordedAt is not written.
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
	name := r.FullName
	if name == "" {
		name = joinName(r.FamilyName, r.MiddleName, r.GivenName)
	}
	row := w.row
	row[0], row[1], row[2], row[3] = r.Source, r.LocalID, name, r.Gender
	row[4], row[5], row[6], row[7] = r.BirthDate, r.CitizenID, r.InsuranceNo, r.Phone
	row[8], row[9], row[10] = r.Province, r.Ward, r.Address
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

// joinName joins the non-empty name parts with single spaces.
func joinName(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}
