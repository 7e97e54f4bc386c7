package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/exchange"
	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/bolt"
	"github.com/vnhealth/mpi/store/postgres"
)

// storeFlags are the flags that name a store: an embedded bolt file or a
// PostgreSQL database.
type storeFlags struct {
	db, url *string
}

func addStoreFlags(fs *flag.FlagSet, getenv func(string) string) storeFlags {
	return storeFlags{
		db:  fs.String("db", "", "bolt store file (the embedded default store)"),
		url: fs.String("database-url", getenv("MPI_DATABASE_URL"), "PostgreSQL URL (default $MPI_DATABASE_URL)"),
	}
}

// open opens the store the flags name: exactly one of --db and
// --database-url.
func (f storeFlags) open(ctx context.Context) (store.Store, error) {
	switch {
	case *f.db != "" && *f.url != "":
		return nil, fmt.Errorf("%w: give --db or --database-url, not both", errUsage)
	case *f.db != "":
		return bolt.Open(*f.db, bolt.Options{})
	case *f.url != "":
		return postgres.Open(ctx, *f.url, postgres.Options{})
	}
	return nil, fmt.Errorf("%w: --db FILE or --database-url URL is required", errUsage)
}

// advise writes what the store says of its server's settings that will
// slow resolves down (PostgreSQL: store/postgres.Store.Advice), a note a
// line, for the commands that resolve many records.
func advise(w io.Writer, st store.Store) {
	a, ok := st.(store.Advisor)
	if !ok {
		return
	}
	for _, line := range a.Advice() {
		fmt.Fprintln(w, "mpictl: note:", line)
	}
}

// The model's prior for a store. The prior is the chance that two records
// drawn at random are one person; it falls as 1/n with the number of
// records compared (matching.Model.ForPopulation), and the embedded model
// was estimated on about 50,000. A Resolve compares a record with the
// store's records, so the commands that resolve or search scale the prior
// to the records the store holds when they are done: for import and load
// its active records plus the records being added — the prior the bulk
// dedupe of the same records uses, so that the order records arrive in
// does not change the evidence a link needs. The prior is never raised
// above the model's own for a store smaller than its training data: a
// store grows, links made while it is young stay, and a raised prior
// would make them on weaker evidence. import --population overrides the
// count (for input on stdin, which cannot be counted first, or a store
// that is to grow further).

// populationModel returns model with its prior scaled to a store of n
// records, or model itself when n is not above its training records (or
// it has no training record count).
func populationModel(model *matching.Model, n int) *matching.Model {
	if model.Training == nil || n <= model.Training.Records {
		return model
	}
	return model.ForPopulation(n)
}

// activeRecords returns how many active records the store holds.
func activeRecords(ctx context.Context, st store.Store) (int, error) {
	var c store.Counts
	err := st.View(ctx, func(tx store.Tx) error {
		var err error
		c, err = tx.Counts(ctx)
		return err
	})
	return int(c.ActiveRecords), err
}

// countRecords counts the readable records of an exchange file (0 for
// stdin, which cannot be read twice).
func countRecords(ctx context.Context, path string) (int, error) {
	if path == "-" {
		return 0, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	rd, err := exchange.NewReader(bufio.NewReaderSize(f, 1<<20), exchange.ReaderOptions{})
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		_, _, err := rd.Next()
		var le *exchange.LineError
		switch {
		case errors.Is(err, io.EOF):
			return n, nil
		case errors.As(err, &le):
			continue
		case err != nil:
			return n, err
		}
		n++
		if n%4096 == 0 && ctx.Err() != nil {
			return n, ctx.Err()
		}
	}
}

// addCPUProfileFlag adds the hidden --cpuprofile flag (a developer's
// tool, left out of -h) and returns a function that starts the profile,
// if one was asked for, and returns its stop function.
func addCPUProfileFlag(fs *flag.FlagSet) func() (stop func() error, err error) {
	path := fs.String("cpuprofile", "", "write a CPU profile to this file")
	fs.Usage = func() {
		shown := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
		fs.VisitAll(func(f *flag.Flag) {
			if f.Name != "cpuprofile" {
				shown.Var(f.Value, f.Name, f.Usage)
			}
		})
		shown.SetOutput(fs.Output())
		fmt.Fprintf(fs.Output(), "Usage of %s:\n", fs.Name())
		shown.PrintDefaults()
	}
	return func() (func() error, error) {
		if *path == "" {
			return func() error { return nil }, nil
		}
		f, err := os.Create(*path)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
		return func() error {
			pprof.StopCPUProfile()
			return f.Close()
		}, nil
	}
}

// importActor is who the event log and links name for an import.
func importActor(id string) api.Actor { return api.Actor{ID: id, Role: "ingest"} }

// runImport implements `mpictl import (--db FILE | --database-url URL)
// --in FILE`: every record through Resolve, in file order, committed in
// batches. A bad row is reported (line, field, problem) and skipped.
func runImport(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	sf := addStoreFlags(fs, e.getenv)
	in := fs.String("in", "", "records file (CSV or NDJSON exchange format; - for stdin)")
	batch := fs.Int("batch", 100, "records per transaction")
	modelPath := fs.String("model", "", "model file (default: the embedded model)")
	actor := fs.String("actor", "mpictl-import", "who the event log names for these changes")
	ack := fs.Bool("ack", false, "print \"committed LINE\" on stdout after each commit: the last input line that is durably stored")
	quiet := fs.Bool("quiet", false, "no progress bar or summary on stderr")
	dominant := fs.Bool("link-dominant", false, "link a record that strongly matches several persons to the one it belongs to with at least the match threshold's probability as they compete for it (api.Options.LinkDominant); default: it links to none")
	population := fs.Int("population", 0, "records the store will hold, to scale the model's prior (0: its active records plus the input's)")
	startProfile := addCPUProfileFlag(fs)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *in == "" {
		return fmt.Errorf("%w: --in is required", errUsage)
	}
	if *batch < 1 {
		return fmt.Errorf("%w: --batch must be at least 1", errUsage)
	}
	if *population < 0 {
		return fmt.Errorf("%w: --population must not be negative", errUsage)
	}
	model, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	advise(e.stderr, st)
	n := *population
	if n == 0 {
		have, err := activeRecords(ctx, st)
		if err != nil {
			return err
		}
		adding, err := countRecords(ctx, *in)
		if err != nil {
			return err
		}
		n = have + adding
	}
	svc := api.New(st, api.Options{Model: populationModel(model, n), LinkDominant: *dominant})
	stopProfile, err := startProfile()
	if err != nil {
		return err
	}
	defer stopProfile()

	r, size, closeIn, err := openInput(*in, e.stdin)
	if err != nil {
		return err
	}
	defer closeIn()
	ph := newPhases(e.stderr, *quiet)
	bar := ph.bar(size, "import", true)
	counted := &countingReader{r: r, add: func(n int) { _ = bar.Add(n) }}
	rd, err := exchange.NewReader(counted, exchange.ReaderOptions{})
	if err != nil {
		return err
	}
	sum := importSummary{decisions: map[string]int{}, rejected: map[string]int{}}
	raws := make([]matching.Raw, 0, *batch)
	lastLine := 0
	out := bufio.NewWriter(e.stdout)
	flush := func() error {
		if len(raws) == 0 {
			return nil
		}
		// Not ctx: a batch that started is committed or rolled back whole,
		// even on Ctrl-C.
		res, err := svc.ResolveBatch(context.WithoutCancel(ctx), importActor(*actor), raws)
		if err != nil {
			return fmt.Errorf("import: batch ending at line %d: %w", lastLine, err)
		}
		for _, x := range res {
			sum.decisions[x.Decision]++
		}
		sum.stored += len(res)
		raws = raws[:0]
		if *ack {
			fmt.Fprintf(out, "committed %d\n", lastLine)
			if err := out.Flush(); err != nil {
				return err
			}
		}
		return nil
	}
	start := time.Now()
	err = ph.run("import", func() error {
		for {
			raw, line, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return flush()
			}
			var le *exchange.LineError
			if errors.As(err, &le) {
				sum.rejected[le.Field+": "+le.Problem]++
				if !*quiet && len(sum.lineErrors) < maxReportedLines {
					sum.lineErrors = append(sum.lineErrors, le.Error())
				}
				continue
			}
			if err != nil {
				return err
			}
			raws = append(raws, raw)
			lastLine = line
			if len(raws) == *batch {
				if err := flush(); err != nil {
					return err
				}
				if err := ctx.Err(); err != nil {
					return fmt.Errorf("import interrupted after line %d (everything up to it is stored; run the same import again to go on): %w", lastLine, err)
				}
			}
		}
	})
	_ = bar.Finish()
	sum.elapsed = time.Since(start)
	if !*quiet {
		sum.write(e.stderr)
		ph.summary(e.stderr)
	}
	return err
}

type importSummary struct {
	stored     int
	decisions  map[string]int
	rejected   map[string]int
	lineErrors []string
	elapsed    time.Duration
}

func (s *importSummary) write(w io.Writer) {
	for _, l := range s.lineErrors {
		fmt.Fprintln(w, "skipped", l)
	}
	rejected := 0
	for _, n := range s.rejected {
		rejected += n
	}
	fmt.Fprintf(w, "records %d resolved, %d rows rejected", s.stored, rejected)
	if s.elapsed > 0 {
		fmt.Fprintf(w, " (%.0f records/s)", float64(s.stored)/s.elapsed.Seconds())
	}
	fmt.Fprintln(w)
	for _, k := range sortedKeys(s.rejected) {
		fmt.Fprintf(w, "  rejected  %-40s %d\n", k, s.rejected[k])
	}
	for _, k := range sortedKeys(s.decisions) {
		fmt.Fprintf(w, "  %-10s %d\n", k, s.decisions[k])
	}
}

// countingReader reports how many bytes pass.
type countingReader struct {
	r   io.Reader
	add func(int)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.add(n)
	return n, err
}

// openInput opens a named file, or stdin for "-"; size is -1 when unknown.
func openInput(path string, stdin io.Reader) (io.Reader, int64, func(), error) {
	if path == "-" {
		return stdin, -1, func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, nil, err
	}
	size := int64(-1)
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	return f, size, func() { f.Close() }, nil
}

// runExport implements `mpictl export (--db FILE | --database-url URL)
// --out FILE`: source,local_id,eid for every active record.
func runExport(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	sf := addStoreFlags(fs, e.getenv)
	outPath := fs.String("out", "", "file to write: source,local_id,eid (- for stdout)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *outPath == "" {
		return fmt.Errorf("%w: --out is required", errUsage)
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return writeAtomically(*outPath, e.stdout, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write([]string{"source", "local_id", "eid"}); err != nil {
			return err
		}
		err := st.View(ctx, func(tx store.Tx) error {
			return tx.ForEachLink(ctx, func(l store.Link) error {
				return cw.Write([]string{l.Record.Source, l.Record.LocalID, string(l.EID)})
			})
		})
		if err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	})
}

// writeAtomically writes to path through a temporary file renamed into
// place once complete ("-": stdout), so a failed run leaves no half file.
func writeAtomically(path string, stdout io.Writer, fn func(io.Writer) error) error {
	if path == "-" {
		bw := bufio.NewWriter(stdout)
		if err := fn(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriter(tmp)
	if err := fn(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// runBackup implements `mpictl backup (--db FILE | --database-url URL)
// --out FILE`: a consistent copy of a live store.
func runBackup(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	sf := addStoreFlags(fs, e.getenv)
	outPath := fs.String("out", "", "backup file to write (bolt: a bolt file; PostgreSQL: a pg_dump custom archive)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *outPath == "" || *outPath == "-" {
		return fmt.Errorf("%w: --out FILE is required", errUsage)
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return writeAtomically(*outPath, nil, func(w io.Writer) error { return st.Backup(ctx, w) })
}

// runVerify implements `mpictl verify (--db FILE | --database-url URL)`.
func runVerify(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	sf := addStoreFlags(fs, e.getenv)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := api.New(st, api.Options{}).Verify(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		writeVerifyReport(e.stdout, &rep)
	}
	if !rep.OK() {
		return errors.New("verify: the store is not consistent (see the report)")
	}
	return nil
}

func writeVerifyReport(w io.Writer, rep *api.VerifyReport) {
	state := "ok"
	if !rep.OK() {
		state = "PROBLEMS FOUND"
	}
	fmt.Fprintf(w, "verify: %s — %d records (%d active), %d persons (%d active), %d links, %d events, %d audit entries\n",
		state, rep.Records, rep.ActiveRecords, rep.Persons, rep.ActivePersons, rep.Links, rep.Events, rep.AuditEntries)
	for _, k := range sortedKeys(rep.ByKind) {
		fmt.Fprintf(w, "  %-40s %d\n", k, rep.ByKind[k])
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(w, "  ", p.String())
	}
}
