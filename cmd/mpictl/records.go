package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/exchange"
)

// loaded is a file of records, normalized, with what was wrong with it.
type loaded struct {
	records []matching.Record
	// rejected counts lines that could not be read at all, by problem.
	rejected map[string]int
	// issues counts field values left out of records, by field and problem.
	issues map[string]int
	// lineErrors keeps the first few unreadable lines for the report.
	lineErrors []*exchange.LineError
}

// maxReportedLines bounds how many unreadable lines a report lists one by one.
const maxReportedLines = 10

// readRecords reads a CSV or NDJSON exchange file ("-" is stdin) and
// normalizes every record. An unreadable line is counted and skipped; the
// rest of the file goes on.
func readRecords(path string, stdin io.Reader) (*loaded, error) {
	var r io.Reader = stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return normalizeAll(r)
}

func normalizeAll(r io.Reader) (*loaded, error) {
	rd, err := exchange.NewReader(r, exchange.ReaderOptions{})
	if err != nil {
		return nil, err
	}
	out := &loaded{rejected: map[string]int{}, issues: map[string]int{}}
	for {
		raw, _, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *exchange.LineError
		if errors.As(err, &le) {
			out.rejected[le.Field+": "+le.Problem]++
			if len(out.lineErrors) < maxReportedLines {
				out.lineErrors = append(out.lineErrors, le)
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		rec := matching.Normalize(&raw)
		for _, is := range rec.Issues {
			out.issues[is.String()]++
		}
		out.records = append(out.records, rec)
	}
	return out, nil
}

// reportProblems writes the rejected lines and field issues to w.
func (l *loaded) reportProblems(w io.Writer) {
	for _, le := range l.lineErrors {
		fmt.Fprintln(w, "skipped", le.Error())
	}
	if n := sumCounts(l.rejected); n > len(l.lineErrors) {
		fmt.Fprintf(w, "skipped %d more unreadable lines\n", n-len(l.lineErrors))
	}
	for _, k := range sortedKeys(l.issues) {
		fmt.Fprintf(w, "values left out: %s (%d records)\n", k, l.issues[k])
	}
}
