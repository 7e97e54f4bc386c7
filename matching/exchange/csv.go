package exchange

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vnhealth/mpi/matching"
)

// csvSource reads records from CSV with a header line.
//
// Most rows fit on one line with regular quoting; split parses those in
// place, one string allocation per row. Anything else (a quoted field
// spanning lines, a stray quote, a line longer than the read buffer) is
// handed to encoding/csv, which reads exactly that record from the same
// bufio.Reader, so multi-line fields and quote errors follow encoding/csv
// to the letter. FuzzCSVMatchesEncodingCSV checks the two agree.
type csvSource struct {
	br     *bufio.Reader
	line   int      // physical lines consumed so far
	fields []field  // the field of each column
	vals   []string // the current row, reused

	cr       *csv.Reader // reads what split cannot, from br
	csvLines int         // lines cr has consumed, in its numbering
}

func newCSV(br *bufio.Reader, offset int) (*csvSource, error) {
	s := &csvSource{br: br, line: offset}
	header, _, err := s.readRecord()
	if err != nil {
		if le, ok := errors.AsType[*LineError](err); ok {
			return nil, fmt.Errorf("%w: %s", ErrHeader, le.Problem)
		}
		if err == io.EOF {
			return nil, fmt.Errorf("%w: no header line", ErrHeader)
		}
		return nil, err
	}
	s.fields = make([]field, len(header))
	seen := map[field]bool{}
	for i, name := range header {
		name = strings.ToLower(strings.TrimSpace(name))
		f := fieldNames[name]
		if f == fieldNone {
			continue
		}
		if seen[f] {
			return nil, fmt.Errorf("%w: column %s named twice", ErrHeader, name)
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
	rec, line, err := s.readRecord()
	if err != nil {
		return matching.Raw{}, line, err
	}
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

// readRecord returns the next record's fields (valid until the next call)
// and the line where it starts. Blank lines are skipped. A syntax error is a
// *LineError; io.EOF ends the input.
func (s *csvSource) readRecord() ([]string, int, error) {
	for {
		b, complete, err := s.peekLine()
		if len(b) == 0 {
			if err == nil {
				err = io.EOF
			}
			return nil, 0, err
		}
		if !complete {
			return s.readQuoted()
		}
		// Line ends as encoding/csv reads them: "\n", "\r\n", or a final "\r" before EOF.
		text := b
		switch n := len(text); {
		case text[n-1] == '\n' && n >= 2 && text[n-2] == '\r':
			text = text[:n-2]
		case text[n-1] == '\n' || text[n-1] == '\r':
			text = text[:n-1]
		}
		if len(text) > 0 && !s.split(string(text)) {
			return s.readQuoted() // irregular quoting: let encoding/csv read it and name the error
		}
		_, _ = s.br.Discard(len(b))
		s.line++
		if len(text) == 0 {
			continue // a blank line
		}
		return s.vals, s.line, nil
	}
}

// split splits one complete line into s.vals, handling quoted fields that
// do not span lines. It reports false, leaving the line to encoding/csv,
// for anything else: a quoted field left open, a quote inside an unquoted
// field, or text after a closing quote.
func (s *csvSource) split(line string) bool {
	s.vals = s.vals[:0]
	for i := 0; ; {
		if i < len(line) && line[i] == '"' {
			escaped := false
			j := i + 1
			for {
				k := strings.IndexByte(line[j:], '"')
				if k < 0 {
					return false // the field goes on past the line
				}
				k += j
				if k+1 < len(line) && line[k+1] == '"' {
					escaped, j = true, k+2
					continue
				}
				v := line[i+1 : k]
				if escaped {
					v = strings.ReplaceAll(v, `""`, `"`)
				}
				s.vals = append(s.vals, v)
				if k+1 == len(line) {
					return true
				}
				if line[k+1] != ',' {
					return false
				}
				i = k + 2
				break
			}
			continue
		}
		// Fields are short: a byte loop beats IndexByte's call overhead.
		end := i
		for ; end < len(line) && line[end] != ','; end++ {
			if line[end] == '"' {
				return false
			}
		}
		s.vals = append(s.vals, line[i:end])
		if end == len(line) {
			return true
		}
		i = end + 1
	}
}

// peekLine returns the next line, with its line feed, without consuming it.
// complete is false when the line does not fit in the read buffer. At the
// end of the input the last line may lack a line feed; an empty result
// means the input is exhausted (err is then nil or the reader's error).
func (s *csvSource) peekLine() (b []byte, complete bool, err error) {
	n := s.br.Buffered()
	for {
		b, err = s.br.Peek(n)
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			return b[:i+1], true, nil
		}
		if err == io.EOF {
			return b, true, nil // the last line, without a line feed
		}
		if err != nil {
			return nil, false, err
		}
		if n >= s.br.Size() {
			return b, false, nil
		}
		n++
		if buffered := s.br.Buffered(); buffered >= n {
			n = buffered
		}
	}
}

// readQuoted reads one record with encoding/csv straight from the shared
// buffer and keeps the line count in step with what it consumed. The
// csv.Reader is kept between calls; csvLines counts the lines it consumed,
// in its own numbering.
func (s *csvSource) readQuoted() ([]string, int, error) {
	if s.cr == nil {
		s.cr = csv.NewReader(s.br) // uses s.br itself: it is a large enough *bufio.Reader
		s.cr.FieldsPerRecord = -1
		s.cr.ReuseRecord = true
	}
	rec, err := s.cr.Read()
	if err != nil {
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			start := s.line + pe.StartLine - s.csvLines
			s.line += pe.Line - s.csvLines // encoding/csv consumed the line where the error lies
			s.csvLines = pe.Line
			return nil, start, &LineError{Line: start, Problem: csvProblem(pe.Err)}
		}
		return nil, 0, err
	}
	first, _ := s.cr.FieldPos(0)
	start := s.line + first - s.csvLines
	end := first
	for _, v := range rec {
		end += strings.Count(v, "\n")
	}
	s.line += end - s.csvLines
	s.csvLines = end
	return rec, start, nil
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
