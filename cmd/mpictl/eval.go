package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/vnhealth/mpi/matching/eval"
)

// runEval implements `mpictl eval`: it reads a truth file and a predicted
// clustering (both CSV with source, local_id and a cluster column) and
// prints pairwise precision, recall and F1, as text or as one JSON object.
func runEval(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	truthPath := fs.String("truth", "", "truth CSV: source,local_id,person_id (required)")
	predPath := fs.String("pred", "", "predicted clustering CSV: source,local_id,cluster_id or eid (required)")
	asJSON := fs.Bool("json", false, "print one JSON object instead of the text report")
	truthCol := fs.String("truth-column", "", "cluster column of the truth file (default: first of person_id, cluster_id, eid)")
	predCol := fs.String("pred-column", "", "cluster column of the prediction (default: first of person_id, cluster_id, eid)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: mpictl eval --truth T --pred P [--json] [--truth-column C] [--pred-column C]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: eval: %v", errUsage, err)
	}
	switch {
	case fs.NArg() > 0:
		fs.Usage()
		return fmt.Errorf("%w: eval: unexpected argument %q", errUsage, fs.Arg(0))
	case *truthPath == "" || *predPath == "":
		fs.Usage()
		return fmt.Errorf("%w: eval: --truth and --pred are required", errUsage)
	}

	truth, err := readClustering(*truthPath, *truthCol)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	pred, err := readClustering(*predPath, *predCol)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m := eval.Pairwise(truth, pred)
	// A generator's truth file names roles (twin, newborn, …): count the
	// merges that involve each, the patient-safety figures.
	byRole := map[string]int{}
	if rows, err := readTruth(*truthPath); err == nil {
		roles := map[eval.Key]string{}
		for k, r := range rows {
			if r.role != "" {
				roles[eval.Key{Source: k[0], LocalID: k[1]}] = r.role
			}
		}
		if len(roles) > 0 {
			byRole = eval.FalseMergesByRole(truth, pred, roles)
			for _, r := range roles {
				byRole[r] += 0 // list every role, merged or not
			}
		}
	}
	if *asJSON {
		out := struct {
			eval.Metrics
			FalseMergesByRole map[string]int `json:"false_merges_by_role,omitempty"`
		}{m, byRole}
		return json.NewEncoder(e.stdout).Encode(out)
	}
	if err := m.WriteText(e.stdout); err != nil {
		return err
	}
	for _, r := range sortedKeys(byRole) {
		fmt.Fprintf(e.stdout, "false merges involving a %s: %d\n", r, byRole[r])
	}
	return nil
}

// readClustering reads one clustering file, naming the file in errors.
func readClustering(path, column string) (map[eval.Key]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	defer f.Close()
	a, err := eval.ReadAssignments(f, column)
	if err != nil {
		return nil, fmt.Errorf("eval: %s: %w", path, err)
	}
	return a, nil
}
