package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/vnhealth/mpi/matching/synth"
)

// runGen writes a synthetic population: DIR/records.csv and DIR/truth.csv.
func runGen(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	persons := fs.Int("persons", 10000, "number of distinct persons")
	seed := fs.Uint64("seed", 1, "random seed; the same flags give identical files")
	sources := fs.Int("sources", 0, "number of facilities (default max(20, persons/500))")
	mean := fs.Float64("mean-records", 0, "mean records per person (default 2.5)")
	errScale := fs.Float64("error-scale", 0, "multiplier of per-record error rates (default 1)")
	out := fs.String("out", "", "output directory (created if missing)")
	quiet := fs.Bool("quiet", false, "print no summary")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *out == "" {
		return fmt.Errorf("%w: --out is required", errUsage)
	}
	recs, err := synth.Generate(synth.Options{Persons: *persons, Seed: *seed, Sources: *sources,
		MeanRecords: *mean, ErrorScale: *errScale})
	if err != nil {
		if errors.Is(err, synth.ErrOptions) {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("gen: create output directory: %w", err)
	}
	if err := writeGenFile(filepath.Join(*out, "records.csv"), func(w io.Writer) error { return synth.WriteRecords(w, recs) }); err != nil {
		return err
	}
	if err := writeGenFile(filepath.Join(*out, "truth.csv"), func(w io.Writer) error { return synth.WriteTruth(w, recs) }); err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintln(e.stderr, genSummary(*persons, recs))
	}
	return nil
}

// writeGenFile writes one output file through a buffer.
func writeGenFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		f.Close()
		return fmt.Errorf("gen: write %s: %w", filepath.Base(path), err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("gen: write %s: %w", filepath.Base(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("gen: close %s: %w", filepath.Base(path), err)
	}
	return nil
}

// genSummary is the one-line report: persons, records, and persons per role.
func genSummary(persons int, recs []synth.Record) string {
	seen := make(map[string]bool, persons)
	counts := map[string]int{}
	for i := range recs {
		if !seen[recs[i].PersonID] {
			seen[recs[i].PersonID] = true
			counts[recs[i].Role]++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "gen: %d persons, %d records; persons by role:", persons, len(recs))
	for _, role := range synth.Roles {
		fmt.Fprintf(&b, " %s=%d", role, counts[role])
	}
	return b.String()
}
