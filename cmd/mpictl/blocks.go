package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/vnhealth/mpi/blocking"
	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/eval"
)

// runBlocks implements `mpictl blocks --in FILE [--truth T] [--json]
// [--plot DIR] [--max-block N]`: the block statistics of a file of records,
// per rule and in union, with pairs completeness when a truth file is
// given, and with --plot pictures of the block sizes and of the match
// weights of the candidate pairs.
func runBlocks(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("blocks", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	in := fs.String("in", "", "records file (CSV or NDJSON exchange format; - for stdin)")
	truthPath := fs.String("truth", "", "optional truth file (source,local_id,person_id) for pairs completeness")
	asJSON := fs.Bool("json", false, "print one JSON object instead of the table")
	plotDir := fs.String("plot", "", "write block-sizes.svg and match-weights.svg into this directory")
	maxBlock := fs.Int("max-block", 0, "largest block compared all-to-all; larger ones are capped (default 1000)")
	plotPairs := fs.Int("plot-pairs", 2_000_000, "with --plot: most candidate pairs scored for the weight histogram (an even sample beyond)")
	quiet := fs.Bool("quiet", false, "print nothing on stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *in == "" {
		return fmt.Errorf("%w: blocks needs --in", errUsage)
	}
	if *maxBlock < 0 || *plotPairs < 0 {
		return fmt.Errorf("%w: --max-block and --plot-pairs must not be negative", errUsage)
	}
	l, err := readRecords(ctx, *in, e.stdin)
	if err != nil {
		return err
	}
	if !*quiet {
		l.reportProblems(e.stderr)
	}
	var person func(i int) string
	if *truthPath != "" {
		person, err = readPersons(*truthPath, l.records)
		if err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	ix := blocking.NewIndex(l.records, blocking.Options{MaxBlock: *maxBlock})
	st := ix.Stats(person)
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(st); err != nil {
			return err
		}
	} else if err := writeBlockTable(e.stdout, st); err != nil {
		return err
	}
	if *plotDir == "" {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return writePlots(*plotDir, ix, st, l.records, person, *plotPairs)
}

// readPersons reads a truth file and returns the person of each record (""
// for records the file does not list).
func readPersons(path string, recs []matching.Record) (func(i int) string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	truth, err := eval.ReadAssignments(f, "person_id")
	if err != nil {
		return nil, fmt.Errorf("truth file: %w", err)
	}
	return func(i int) string {
		return truth[eval.Key{Source: recs[i].Source, LocalID: recs[i].LocalID}]
	}, nil
}

// writeBlockTable prints the statistics as an aligned table.
func writeBlockTable(w io.Writer, st *blocking.Stats) error {
	fmt.Fprintf(w, "records %d, all pairs %d, block cap %d (identifiers %d)", st.Records, st.AllPairs, st.MaxBlock, st.MaxIDBlock)
	if st.Truth {
		fmt.Fprintf(w, ", true pairs %d", st.TruePairs)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rule\tkeyed\tblocks\tp50\tp90\tp99\tmax\tpairs\treduction\tcompleteness\tcapped\tsplit (largest)\t")
	line := func(rs blocking.RuleStats) {
		compl := "-"
		if st.Truth {
			compl = strconv.FormatFloat(rs.Completeness, 'f', 4, 64)
		}
		split := "0"
		if rs.Split > 0 {
			split = fmt.Sprintf("%d (%d)", rs.Split, rs.SplitMax)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.6f\t%s\t%s\t%s\t\n",
			rs.Rule, rs.Keyed, rs.Blocks, rs.P50, rs.P90, rs.P99, rs.Max, rs.Pairs, rs.Reduction, compl, cappedText(rs.Capped), split)
	}
	for _, rs := range st.Rules {
		line(rs)
	}
	line(st.Union)
	return tw.Flush()
}

// cappedText shows capped blocks as a count and their largest sizes.
func cappedText(sizes []int) string {
	if len(sizes) == 0 {
		return "0"
	}
	const shown = 3
	parts := make([]string, 0, shown)
	for _, s := range sizes[:min(shown, len(sizes))] {
		parts = append(parts, strconv.Itoa(s))
	}
	more := ""
	if len(sizes) > shown {
		more = ",…"
	}
	return fmt.Sprintf("%d (%s%s)", len(sizes), strings.Join(parts, ","), more)
}
