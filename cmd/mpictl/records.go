package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/schollz/progressbar/v3"
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
	return readRecordsProgress(path, stdin, nil, nil)
}

// readRecordsProgress is readRecords with progress bars for reading (bytes)
// and normalizing (records); either may be nil.
func readRecordsProgress(path string, stdin io.Reader, readBar func(size int64) *progressbar.ProgressBar, normBar func(n int64) *progressbar.ProgressBar) (*loaded, error) {
	var r io.Reader = stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
		if readBar != nil {
			if st, err := f.Stat(); err == nil {
				bar := readBar(st.Size())
				pr := progressbar.NewReader(f, bar)
				r = &pr
				defer bar.Finish()
			}
		}
	}
	raws, out, err := readRaw(r)
	if err != nil {
		return nil, err
	}
	var bar *progressbar.ProgressBar
	if normBar != nil {
		bar = normBar(int64(len(raws)))
		defer bar.Finish()
	}
	out.records = normalizeParallel(raws, runtime.GOMAXPROCS(0), bar)
	for i := range out.records {
		for _, is := range out.records[i].Issues {
			out.issues[is.String()]++
		}
	}
	return out, nil
}

func normalizeAll(r io.Reader) (*loaded, error) {
	raws, out, err := readRaw(r)
	if err != nil {
		return nil, err
	}
	out.records = normalizeParallel(raws, 1, nil)
	for i := range out.records {
		for _, is := range out.records[i].Issues {
			out.issues[is.String()]++
		}
	}
	return out, nil
}

// readRaw reads every readable record of an exchange file.
func readRaw(r io.Reader) ([]matching.Raw, *loaded, error) {
	rd, err := exchange.NewReader(r, exchange.ReaderOptions{})
	if err != nil {
		return nil, nil, err
	}
	out := &loaded{rejected: map[string]int{}, issues: map[string]int{}}
	var raws []matching.Raw
	for {
		raw, _, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return raws, out, nil
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
			return nil, nil, err
		}
		raws = append(raws, raw)
	}
}

// normalizeParallel normalizes raws on workers goroutines, in chunks, and
// keeps the input order.
func normalizeParallel(raws []matching.Raw, workers int, bar *progressbar.ProgressBar) []matching.Record {
	recs := make([]matching.Record, len(raws))
	const chunk = 4096
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, workers) {
		wg.Go(func() {
			for lo := range next {
				hi := min(lo+chunk, len(raws))
				for i := lo; i < hi; i++ {
					recs[i] = matching.Normalize(&raws[i])
				}
				if bar != nil {
					_ = bar.Add(hi - lo)
				}
			}
		})
	}
	for lo := 0; lo < len(raws); lo += chunk {
		next <- lo
	}
	close(next)
	wg.Wait()
	return recs
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
