package exchange

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"unicode/utf8"

	"github.com/vnhealth/mpi/matching"
)

// ndjsonSource reads one JSON object per line.
type ndjsonSource struct {
	r    *bufio.Reader
	line int    // lines read so far
	buf  []byte // a line longer than the bufio buffer
	eof  bool
}

func newNDJSON(r *bufio.Reader, offset int) *ndjsonSource {
	return &ndjsonSource{r: r, line: offset}
}

// jsonRecord mirrors matching.Raw with values that may be JSON strings,
// integers or null. encoding/json matches the keys case-insensitively and
// ignores unknown keys.
type jsonRecord struct {
	Source      jsonValue `json:"source"`
	LocalID     jsonValue `json:"local_id"`
	FullName    jsonValue `json:"full_name"`
	FamilyName  jsonValue `json:"family_name"`
	MiddleName  jsonValue `json:"middle_name"`
	GivenName   jsonValue `json:"given_name"`
	Gender      jsonValue `json:"gender"`
	BirthDate   jsonValue `json:"birth_date"`
	CitizenID   jsonValue `json:"citizen_id"`
	InsuranceNo jsonValue `json:"insurance_no"`
	Phone       jsonValue `json:"phone"`
	Province    jsonValue `json:"province"`
	Ward        jsonValue `json:"ward"`
	Address     jsonValue `json:"address"`
	RecordedAt  jsonValue `json:"recorded_at"`
}

// jsonValue is one field value. A bad value is recorded in problem rather
// than returned, so that the LineError can name the field.
type jsonValue struct {
	s       string
	problem string
}

// UnmarshalJSON accepts a string, an integer (kept digit for digit, so a
// citizen ID stored as a number keeps its text) or null.
func (v *jsonValue) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0:
		v.problem = "not a string or integer"
	case b[0] == 'n': // null
		v.s, v.problem = "", ""
	case b[0] == '"':
		inner := b[1 : len(b)-1]
		if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
			v.s, v.problem = string(inner), ""
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			v.problem = "not a string or integer"
			return nil
		}
		v.s, v.problem = s, ""
	case isInteger(b):
		v.s, v.problem = string(b), ""
	default:
		v.problem = "not a string or integer"
	}
	return nil
}

// isInteger reports whether b is a JSON number without fraction or exponent.
func isInteger(b []byte) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (s *ndjsonSource) next() (matching.Raw, int, error) {
	for {
		line, tooLong, err := s.readLine()
		if err != nil {
			return matching.Raw{}, 0, err
		}
		if tooLong {
			return matching.Raw{}, s.line, &LineError{Line: s.line, Problem: "line too long"}
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		raw, err := s.decode(line)
		return raw, s.line, err
	}
}

// decode turns one non-blank line into a record.
func (s *ndjsonSource) decode(line []byte) (matching.Raw, error) {
	if line[0] != '{' {
		return matching.Raw{}, &LineError{Line: s.line, Problem: "not a JSON object"}
	}
	var j jsonRecord
	if err := json.Unmarshal(line, &j); err != nil {
		return matching.Raw{}, &LineError{Line: s.line, Problem: "malformed JSON"}
	}
	var raw matching.Raw
	for _, f := range [...]struct {
		name string
		v    *jsonValue
		dst  *string
	}{
		{"source", &j.Source, &raw.Source},
		{"local_id", &j.LocalID, &raw.LocalID},
		{"full_name", &j.FullName, &raw.FullName},
		{"family_name", &j.FamilyName, &raw.FamilyName},
		{"middle_name", &j.MiddleName, &raw.MiddleName},
		{"given_name", &j.GivenName, &raw.GivenName},
		{"gender", &j.Gender, &raw.Gender},
		{"birth_date", &j.BirthDate, &raw.BirthDate},
		{"citizen_id", &j.CitizenID, &raw.CitizenID},
		{"insurance_no", &j.InsuranceNo, &raw.InsuranceNo},
		{"phone", &j.Phone, &raw.Phone},
		{"province", &j.Province, &raw.Province},
		{"ward", &j.Ward, &raw.Ward},
		{"address", &j.Address, &raw.Address},
		{"recorded_at", &j.RecordedAt, &raw.RecordedAt},
	} {
		if f.v.problem != "" {
			return matching.Raw{}, &LineError{Line: s.line, Field: f.name, Problem: f.v.problem}
		}
		*f.dst = f.v.s
	}
	if err := checkKeys(&raw, s.line); err != nil {
		return matching.Raw{}, err
	}
	return raw, nil
}

// readLine returns the next physical line and counts it. A line longer than
// maxLineBytes is consumed and reported as tooLong. At the end of the input
// it returns io.EOF.
func (s *ndjsonSource) readLine() (line []byte, tooLong bool, err error) {
	if s.eof {
		return nil, false, io.EOF
	}
	s.buf = s.buf[:0]
	for {
		chunk, err := s.r.ReadSlice('\n')
		switch err {
		case nil:
		case bufio.ErrBufferFull:
			if !tooLong {
				if len(s.buf)+len(chunk) > maxLineBytes {
					tooLong, s.buf = true, s.buf[:0]
				} else {
					s.buf = append(s.buf, chunk...)
				}
			}
			continue
		case io.EOF:
			s.eof = true
			if len(chunk) == 0 && len(s.buf) == 0 && !tooLong {
				return nil, false, io.EOF
			}
		default:
			return nil, false, err
		}
		s.line++
		if tooLong || len(s.buf)+len(chunk) > maxLineBytes {
			return nil, true, nil
		}
		if len(s.buf) == 0 {
			return chunk, false, nil
		}
		s.buf = append(s.buf, chunk...)
		return s.buf, false, nil
	}
}
