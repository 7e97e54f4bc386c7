package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/exchange"
)

// runLoad implements `mpictl load`: resolves (or searches for) the records
// of a file against a store from several goroutines at once, in process,
// and reports throughput, latency percentiles and candidates per call.
func runLoad(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	sf := addStoreFlags(fs, e.getenv)
	in := fs.String("in", "", "records file (CSV or NDJSON exchange format)")
	op := fs.String("op", "resolve", "resolve: each record through Resolve; search: name, birth date, sex and province of each record as a clinician's search")
	workers := fs.Int("workers", 4, "concurrent callers")
	skip := fs.Int("skip", 0, "skip this many readable records first (to resolve records a previous run did not)")
	limit := fs.Int("limit", 0, "use at most this many records (0: all)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	startProfile := addCPUProfileFlag(fs)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *in == "" || (*op != "resolve" && *op != "search") || *workers < 1 {
		return fmt.Errorf("%w: load needs --in, --op resolve|search and --workers >= 1", errUsage)
	}
	raws, err := readRaws(ctx, *in, e.stdin, *skip, *limit)
	if err != nil {
		return err
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	advise(e.stderr, st)
	have, err := activeRecords(ctx, st)
	if err != nil {
		return err
	}
	n := have
	if *op == "resolve" {
		n += len(raws)
	}
	svc := api.New(st, api.Options{Model: populationModel(matching.DefaultModel(), n)})
	actor := api.Actor{ID: "mpictl-load", Role: "ingest"}
	if *op == "search" {
		actor.Role = "clinician"
	}
	stopProfile, err := startProfile()
	if err != nil {
		return err
	}
	defer stopProfile()
	run := func(ctx context.Context, i int) (int, bool, error) {
		switch *op {
		case "resolve":
			r, err := svc.Resolve(ctx, actor, raws[i])
			return r.Candidates, false, err
		default:
			hits, err := svc.Search(ctx, actor, searchQuery(raws[i]), 10)
			if fe, ok := errors.AsType[*api.FieldError](err); ok && fe.Field == "query" {
				return 0, true, nil
			}
			return len(hits), false, err
		}
	}
	calls := drive(ctx, len(raws), *workers, true, run)
	if err := calls.firstErr(); err != nil {
		i := calls.firstFailed()
		return fmt.Errorf("load: record %d (%s/%s): %w", i, raws[i].Source, raws[i].LocalID, err)
	}
	rep := calls.report(*op, *workers)
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(rep)
	}
	rep.print(e.stdout)
	return nil
}

// calls is what a load run measured, call by call.
type calls struct {
	lat     []time.Duration
	counts  []int // candidates of a resolve, hits of a search
	skipped []bool
	errs    []error
	made    []bool // false for the calls a stopped run never made
	elapsed time.Duration
}

// drive makes n calls, call(ctx, i) for i in 0..n-1, from workers
// goroutines and times each. A call returns what it counts (candidates or
// hits) and whether it was skipped (not timed nor counted). With
// stopOnError the first failure ends the run; without, every call is made.
func drive(ctx context.Context, n, workers int, stopOnError bool, call func(context.Context, int) (int, bool, error)) *calls {
	c := &calls{lat: make([]time.Duration, n), counts: make([]int, n), skipped: make([]bool, n), errs: make([]error, n), made: make([]bool, n)}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				t := time.Now()
				c.counts[i], c.skipped[i], c.errs[i] = call(ctx, i)
				c.lat[i], c.made[i] = time.Since(t), true
				if c.errs[i] != nil && stopOnError {
					cancel()
					return
				}
			}
		})
	}
	wg.Wait()
	c.elapsed = time.Since(start)
	return c
}

// firstFailed is the index of the first call that failed, or -1.
func (c *calls) firstFailed() int {
	for i, err := range c.errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return i
		}
	}
	for i, err := range c.errs {
		if err != nil {
			return i
		}
	}
	return -1
}

func (c *calls) firstErr() error {
	if i := c.firstFailed(); i >= 0 {
		return c.errs[i]
	}
	return nil
}

// report summarizes the calls that were made, succeeded and not skipped.
func (c *calls) report(op string, workers int) loadReport {
	var sorted []time.Duration
	var counted []int
	for i := range c.lat {
		if c.made[i] && c.errs[i] == nil && !c.skipped[i] {
			sorted = append(sorted, c.lat[i])
			counted = append(counted, c.counts[i])
		}
	}
	rep := loadReport{Op: op, Calls: len(sorted), Workers: workers, Seconds: c.elapsed.Seconds()}
	for i := range c.skipped {
		if c.skipped[i] {
			rep.Skipped++
		}
	}
	// Throughput counts the calls that succeeded (skipped ones
	// included: the server answered them); failures, which may come back
	// at once, would flatter it.
	rep.PerSecond = float64(len(sorted)+rep.Skipped) / c.elapsed.Seconds()
	slices.Sort(sorted)
	pct := func(p float64) float64 {
		if len(sorted) == 0 {
			return 0
		}
		// Nearest rank: the smallest latency at or above which a
		// share p of the calls lie.
		rank := int(math.Ceil(p*float64(len(sorted)))) - 1
		return float64(sorted[max(0, min(len(sorted)-1, rank))].Microseconds()) / 1000
	}
	rep.P50ms, rep.P90ms, rep.P99ms, rep.MaxMs = pct(0.50), pct(0.90), pct(0.99), pct(1)
	total := 0
	for _, n := range counted {
		total += n
		rep.CandidatesMax = max(rep.CandidatesMax, n)
	}
	if len(counted) > 0 {
		rep.CandidatesMean = float64(total) / float64(len(counted))
	}
	return rep
}

// print writes the report as text.
func (rep *loadReport) print(w io.Writer) {
	what := "candidates"
	switch rep.Op {
	case "search":
		what = "hits"
	case "get":
		what = "linked records"
	}
	fmt.Fprintf(w, "%s: %d calls on %d workers in %.1f s: %.0f/s; latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.1f ms; %s per call mean %.1f, max %d\n",
		rep.Op, rep.Calls, rep.Workers, rep.Seconds, rep.PerSecond, rep.P50ms, rep.P90ms, rep.P99ms, rep.MaxMs, what, rep.CandidatesMean, rep.CandidatesMax)
	if rep.Skipped > 0 {
		fmt.Fprintf(w, "%s: %d records skipped: nothing to search by\n", rep.Op, rep.Skipped)
	}
}

type loadReport struct {
	Op    string `json:"op"`
	Calls int    `json:"calls"`
	// Skipped counts the records a search had nothing to search by.
	Skipped        int     `json:"skipped"`
	Workers        int     `json:"workers"`
	Seconds        float64 `json:"seconds"`
	PerSecond      float64 `json:"per_second"`
	P50ms          float64 `json:"p50_ms"`
	P90ms          float64 `json:"p90_ms"`
	P99ms          float64 `json:"p99_ms"`
	MaxMs          float64 `json:"max_ms"`
	CandidatesMean float64 `json:"candidates_mean"`
	CandidatesMax  int     `json:"candidates_max"`
}

// searchQuery is what a clinician types for a patient: the name, birth
// date, sex and province of a record.
func searchQuery(r matching.Raw) matching.Raw {
	return matching.Raw{FullName: r.FullName, FamilyName: r.FamilyName, MiddleName: r.MiddleName, GivenName: r.GivenName,
		BirthDate: r.BirthDate, Gender: r.Gender, Province: r.Province}
}

// readRaws reads up to limit (0: all) readable records of an exchange file,
// after the first skip, as they are; bad rows are left out.
func readRaws(ctx context.Context, path string, stdin io.Reader, skip, limit int) ([]matching.Raw, error) {
	r, _, closeIn, err := openInput(path, stdin)
	if err != nil {
		return nil, err
	}
	defer closeIn()
	rd, err := exchange.NewReader(r, exchange.ReaderOptions{})
	if err != nil {
		return nil, err
	}
	var out []matching.Raw
	for limit <= 0 || len(out) < limit {
		raw, _, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *exchange.LineError
		if errors.As(err, &le) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, raw)
		if len(out)%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	return out, nil
}
