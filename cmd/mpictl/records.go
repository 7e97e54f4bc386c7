package main

import (
	"context"
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
func readRecords(ctx context.Context, path string, stdin io.Reader) (*loaded, error) {
	return readRecordsProgress(ctx, path, stdin, nil)
}

// readRecordsProgress is readRecords with a progress bar for reading
// (bytes), which may be nil. Reading and normalizing
// overlap: the reader hands chunks of raw records to one normalizing
// goroutine per core, so the raw records of the whole file never sit in
// memory at once.
func readRecordsProgress(ctx context.Context, path string, stdin io.Reader, readBar func(size int64) *progressbar.ProgressBar) (*loaded, error) {
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
	return readNormalize(ctx, r, runtime.GOMAXPROCS(0))
}

func normalizeAll(r io.Reader) (*loaded, error) { return readNormalize(context.Background(), r, 1) }

// chunkSize is how many records travel between the reader and the
// normalizing goroutines at a time.
const chunkSize = 4096

// readNormalize reads every readable record of an exchange file and
// normalizes it on workers goroutines, keeping file order. It stops at the
// next chunk once ctx is done.
func readNormalize(ctx context.Context, r io.Reader, workers int) (*loaded, error) {
	rd, err := exchange.NewReader(r, exchange.ReaderOptions{})
	if err != nil {
		return nil, err
	}
	out := &loaded{rejected: map[string]int{}, issues: map[string]int{}}
	type chunk struct {
		seq  int
		raws []matching.Raw
		recs []matching.Record
	}
	todo := make(chan *chunk, workers)
	done := make(chan *chunk, workers)
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Go(func() {
			for c := range todo {
				c.recs = make([]matching.Record, len(c.raws))
				for i := range c.raws {
					c.recs[i] = matching.Normalize(&c.raws[i])
				}
				c.raws = nil
				done <- c
			}
		})
	}
	go func() { wg.Wait(); close(done) }()

	// Collect in order while the reader goes on.
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		pending := map[int]*chunk{}
		next := 0
		for c := range done {
			pending[c.seq] = c
			for p, ok := pending[next]; ok; p, ok = pending[next] {
				out.records = append(out.records, p.recs...)
				delete(pending, next)
				next++
			}
		}
	}()

	var readErr error
	seq := 0
	cur := &chunk{raws: make([]matching.Raw, 0, chunkSize)}
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
			readErr = err
			break
		}
		cur.raws = append(cur.raws, raw)
		if len(cur.raws) == chunkSize {
			if err := ctx.Err(); err != nil {
				readErr = err
				break
			}
			cur.seq = seq
			seq++
			todo <- cur
			cur = &chunk{raws: make([]matching.Raw, 0, chunkSize)}
		}
	}
	if len(cur.raws) > 0 {
		cur.seq = seq
		todo <- cur
	}
	close(todo)
	<-collected
	if readErr != nil {
		return nil, readErr
	}
	for i := range out.records {
		for _, is := range out.records[i].Issues {
			out.issues[is.String()]++
		}
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
