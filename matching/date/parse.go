package date

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is wrapped by every error Parse returns. The wrapping error
// names the problem ("month out of range") but never the value.
var ErrInvalid = errors.New("invalid date")

// The errors Parse returns; allocated once so that Parse never allocates.
var (
	errFormat   = fmt.Errorf("%w: unrecognised date format", ErrInvalid)
	errYear     = fmt.Errorf("%w: year out of range", ErrInvalid)
	errNoYear   = fmt.Errorf("%w: month or day without a year", ErrInvalid)
	errMonth    = fmt.Errorf("%w: month out of range", ErrInvalid)
	errDay      = fmt.Errorf("%w: day out of range", ErrInvalid)
	errDayAlone = fmt.Errorf("%w: day without a month", ErrInvalid)
)

// The range of birth years Parse accepts.
const (
	MinYear = 1850
	MaxYear = 2100
)

// Parse reads a birth date in any of the layouts listed in the package
// documentation: `YYYY-MM-DD`, `YYYY-MM`, `dd/mm/yyyy` (also d/m/yyyy,
// dd-mm-yyyy, dd.mm.yyyy), `mm/yyyy`, `YYYY`, `yyyymmdd` and `yyyymmddHHMM`,
// with 0s for unknown parts, surrounding spaces and an optional ISO time
// ("1990-05-07T00:00:00Z"). The empty string, and a date written with zeros
// only, give the zero Date and a nil error. Errors wrap ErrInvalid.
func Parse(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') && s[4] == '-' && s[7] == '-' {
		if !isTime(s[11:]) {
			return Date{}, errFormat
		}
		s = s[:10]
	}
	if n := digitRun(s); n == len(s) {
		switch n {
		case 4:
			return check(atoi(s), 0, 0)
		case 8, 12: // yyyymmdd, yyyymmddHHMM: the time is ignored
			return check(atoi(s[:4]), atoi(s[4:6]), atoi(s[6:8]))
		}
		return Date{}, errFormat
	}
	return parseSeparated(s)
}

// parseSeparated reads the layouts with separators: two or three runs of
// digits joined by the same one of '/', '-' or '.'.
func parseSeparated(s string) (Date, error) {
	var parts [3]string
	n := 0
	var sep byte
	for {
		k := digitRun(s)
		if k == 0 || n == len(parts) {
			return Date{}, errFormat
		}
		parts[n] = s[:k]
		n++
		if k == len(s) {
			break
		}
		c := s[k]
		if c != '/' && c != '-' && c != '.' || (sep != 0 && c != sep) {
			return Date{}, errFormat
		}
		sep = c
		s = s[k+1:]
	}
	short := func(p string) bool { return len(p) == 1 || len(p) == 2 }
	switch {
	case n == 3 && len(parts[0]) == 4 && short(parts[1]) && short(parts[2]): // YYYY-MM-DD
		return check(atoi(parts[0]), atoi(parts[1]), atoi(parts[2]))
	case n == 3 && short(parts[0]) && short(parts[1]) && len(parts[2]) == 4: // dd/mm/yyyy
		return check(atoi(parts[2]), atoi(parts[1]), atoi(parts[0]))
	case n == 2 && len(parts[0]) == 4 && short(parts[1]): // YYYY-MM
		return check(atoi(parts[0]), atoi(parts[1]), 0)
	case n == 2 && short(parts[0]) && len(parts[1]) == 4: // mm/yyyy
		return check(atoi(parts[1]), atoi(parts[0]), 0)
	}
	return Date{}, errFormat
}

// check validates the parts and builds the Date.
func check(y, m, d int) (Date, error) {
	if y == 0 {
		if m == 0 && d == 0 {
			return Date{}, nil // all parts unknown: no date
		}
		return Date{}, errNoYear
	}
	if y < MinYear || y > MaxYear {
		return Date{}, errYear
	}
	if m > 12 {
		return Date{}, errMonth
	}
	if m == 0 && d != 0 {
		return Date{}, errDayAlone
	}
	if m != 0 && d > DaysIn(y, m) {
		return Date{}, errDay
	}
	return Date{Year: uint16(y), Month: uint8(m), Day: uint8(d)}, nil
}

// digitRun returns the length of the run of ASCII digits that starts s.
func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// atoi converts a short run of ASCII digits (at most 4).
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// isTime reports whether s looks like the time part of an ISO datetime
// ("00:00:00Z", "07:30:00.000+07:00"); its value is ignored.
func isTime(s string) bool {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == ':', c == '.', c == '+', c == '-', c == 'Z':
		default:
			return false
		}
	}
	return true
}
