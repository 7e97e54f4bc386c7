package exchange

import (
	"errors"
	"strconv"
)

// ErrHeader is wrapped by the error NewReader returns when a CSV header
// cannot be used: a required column is missing, a column is named twice, or
// the header line itself is malformed.
var ErrHeader = errors.New("exchange: bad header")

// LineError reports one record that could not be read. It names the line,
// the field (empty when the whole line is at fault) and the problem, never
// the value, so it can be logged without leaking patient data. The Reader
// stays usable after a LineError: the next call to Next reads the next line.
type LineError struct {
	Line    int    // 1-based line where the record starts
	Field   string // exchange-format column name, or "" for the whole line
	Problem string // what is wrong, e.g. "missing value"
}

// Error formats the error as "line 12: field citizen_id: not a string or
// integer" or, without a field, "line 12: wrong number of fields".
func (e *LineError) Error() string {
	s := "line " + strconv.Itoa(e.Line) + ": "
	if e.Field != "" {
		s += "field " + e.Field + ": "
	}
	return s + e.Problem
}
