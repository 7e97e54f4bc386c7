package exchange

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vnhealth/mpi/matching"
)

// csvSource reads records from CSV with a header line.
type csvSource struct {
	r      *csv.Reader
	offset int     // line feeds consumed before the CSV reader started
	fields []field // the field of each column
}

func newCSV(r io.Reader, offset int) (*csvSource, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			return nil, fmt.Errorf("%w: %w", ErrHeader, pe.Err)
		}
		if err == io.EOF {
			return nil, fmt.Errorf("%w: no header line", ErrHeader)
		}
		return nil, err
	}
	s := &csvSource{r: cr, offset: offset, fields: make([]field, len(header))}
	seen := map[field]bool{}
	for i, name := range header {
		f := fieldNames[strings.ToLower(strings.TrimSpace(name))]
		if f == fieldNone {
			continue
		}
		if seen[f] {
			return nil, fmt.Errorf("%w: column %s named twice", ErrHeader, strings.ToLower(strings.TrimSpace(name)))
		}
		seen[f] = true
		s.fields[i] = f
	}
	switch {
	case !seen[fieldSource]:
		return nil, fmt.Errorf("%w: missing column source", ErrHeader)
	case !seen[fieldLocalID]:
		return nil, fmt.Errorf("%w: missing column local_id", ErrHeader)
	case !seen[fieldFullName] && !seen[fieldFamilyName] && !seen[fieldGivenName]:
		return nil, fmt.Errorf("%w: missing column full_name (or family_name and given_name)", ErrHeader)
	}
	return s, nil
}

func (s *csvSource) next() (matching.Raw, int, error) {
	rec, err := s.r.Read()
	if err != nil {
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			return matching.Raw{}, pe.StartLine + s.offset, &LineError{Line: pe.StartLine + s.offset, Problem: csvProblem(pe.Err)}
		}
		return matching.Raw{}, 0, err // io.EOF or the underlying reader's error
	}
	line, _ := s.r.FieldPos(0)
	line += s.offset
	if len(rec) != len(s.fields) {
		return matching.Raw{}, line, &LineError{Line: line, Problem: "wrong number of fields"}
	}
	var raw matching.Raw
	for i, v := range rec {
		s.fields[i].set(&raw, v)
	}
	if err := checkKeys(&raw, line); err != nil {
		return matching.Raw{}, line, err
	}
	return raw, line, nil
}

// csvProblem names a CSV syntax error without quoting the line.
func csvProblem(err error) string {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return "bare quote in an unquoted field"
	case errors.Is(err, csv.ErrQuote):
		return "extraneous or missing quote in a quoted field"
	}
	return "malformed CSV"
}
