package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/vnhealth/mpi/matching"
)

// runExplain implements `mpictl explain [--json] [--model F]`: it reads two
// records from stdin (two NDJSON lines, or a CSV header and two rows) and
// prints how the model scores the pair, field by field.
func runExplain(_ context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "print one JSON object instead of a table")
	modelPath := fs.String("model", "", "model file (default: the embedded model)")
	records := fs.Int("records", 0, "score as among this many records, as dedupe does for its file (default: the model's training population)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: mpictl explain [--json] [--model F] [--records N] < two-records.{ndjson,csv}")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: explain takes no arguments; records come on stdin", errUsage)
	}
	model, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	if *records > 0 {
		model = model.ForPopulation(*records)
	}
	l, err := normalizeAll(e.stdin)
	if err != nil {
		return err
	}
	if len(l.records) != 2 {
		l.reportProblems(e.stderr)
		return fmt.Errorf("explain needs exactly 2 readable records on stdin, got %d", len(l.records))
	}
	a, b := &l.records[0], &l.records[1]
	ex := model.Explain(a, b)
	if *asJSON {
		// The explanation plus each record's issues (field and problem only).
		raw, err := json.Marshal(ex)
		if err != nil {
			return err
		}
		var obj map[string]any
		if err := json.Unmarshal(raw, &obj); err != nil {
			return err
		}
		obj["issues"] = [2][]matching.Issue{nonNil(a.Issues), nonNil(b.Issues)}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(obj)
	}
	return writeExplanation(e.stdout, &ex, a, b)
}

func nonNil(is []matching.Issue) []matching.Issue {
	if is == nil {
		return []matching.Issue{}
	}
	return is
}

// writeExplanation prints an explanation as a table. It names levels and
// weights, never the compared values.
func writeExplanation(w io.Writer, ex *matching.Explanation, a, b *matching.Record) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "field\tlevel\tm\tu\tweight\ttf adj\t")
	fmt.Fprintf(tw, "prior\t\t\t\t%+.3f\t\t\n", ex.PriorWeight)
	for _, f := range ex.Fields {
		m, u := "", ""
		if f.Level != "missing" {
			m, u = fmt.Sprintf("%.4g", f.M), fmt.Sprintf("%.4g", f.U)
		}
		tf := ""
		if f.TFDetail != nil {
			tf = fmt.Sprintf("%+.3f", f.TFAdjustment)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%+.3f\t%s\t\n", f.Field, f.Level, m, u, f.Weight, tf)
	}
	fmt.Fprintf(tw, "total\t\t\t\t%+.3f\t\t\n", ex.Weight)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nprobability %.7g  decision %s  (match ≥ %g, review ≥ %g)\n",
		ex.Probability, ex.Decision, ex.Thresholds.Match, ex.Thresholds.Review)
	if len(ex.GuardRails) > 0 {
		fmt.Fprintf(w, "guard rails fired: %v\n", ex.GuardRails)
	}
	for i, r := range []*matching.Record{a, b} {
		for _, is := range r.Issues {
			fmt.Fprintf(w, "record %d (%s/%s): %s\n", i+1, r.Source, r.LocalID, is)
		}
	}
	return nil
}
