package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/vnhealth/mpi/blocking"
	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/cluster"
	"github.com/vnhealth/mpi/matching/eval"
)

// runTrain implements `mpictl train --in FILE --out model.json`: u from
// random pairs, m by EM on blocked pairs, term frequencies from the data,
// no labels. With --truth it also calibrates the thresholds on the labels
// (the only use of labels), which is how the embedded default was made.
func runTrain(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	in := fs.String("in", "", "records file (CSV or NDJSON exchange format)")
	out := fs.String("out", "", "model file to write")
	seed := fs.Uint64("seed", 1, "seed of the random-pair sample")
	randomPairs := fs.Int("random-pairs", 1_000_000, "random pairs sampled to estimate u")
	truthPath := fs.String("truth", "", "optional truth file (source,local_id,person_id) to calibrate thresholds")
	precision := fs.Float64("precision", 0.999, "with --truth: precision the auto-link threshold must reach")
	recall := fs.Float64("review-recall", 0.999, "with --truth: share of true pairs at or above the review threshold")
	description := fs.String("description", "", "description written into the model file")
	dataName := fs.String("data", "", "what the data was, for the model file (default: the input file's base name)")
	quiet := fs.Bool("quiet", false, "print nothing on stderr")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *in == "" || *out == "" {
		return fmt.Errorf("%w: train needs --in and --out", errUsage)
	}
	l, err := readRecords(ctx, *in, e.stdin)
	if err != nil {
		return err
	}
	if !*quiet {
		l.reportProblems(e.stderr)
	}
	ix := blocking.NewIndex(l.records, blocking.Options{})
	pairs := ix.Pairs()
	model, rep, err := matching.Train(l.records, pairs, ix.TrainingPasses(), matching.TrainOptions{
		RandomPairs: *randomPairs,
		Seed:        *seed,
		Description: *description,
		Data:        cmp.Or(*dataName, filepath.Base(*in)),
	})
	if err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintf(e.stderr, "records %d, candidate pairs %d, random pairs %d\n",
			len(l.records), rep.Candidates, rep.RandomPairs)
		for _, p := range rep.Passes {
			printEM(e.stderr, "pass "+p.Rule+fmt.Sprintf(" (%d pairs)", p.Pairs), p.EM)
		}
		printEM(e.stderr, "prior over all candidates (m held)", rep.Prior)
	}
	if *truthPath != "" {
		th, err := calibrate(model, l.records, pairs, *truthPath, *precision, *recall)
		if err != nil {
			return err
		}
		model.Thresholds = th
		model.Training.ThresholdNote = fmt.Sprintf("calibrated on labelled records: precision of the clusters >= %g, review recall among candidate pairs >= %g", *precision, *recall)
		if err := model.Init(); err != nil {
			return err
		}
		if !*quiet {
			fmt.Fprintf(e.stderr, "thresholds: match %g, review %g\n", th.Match, th.Review)
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := model.WriteJSON(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// minAutoLink is the lowest auto-link threshold calibrate chooses.
const minAutoLink = 0.9

// calibrate chooses thresholds from labelled records. The auto-link
// threshold is the lowest grid value at which the clusters the dedupe would
// form reach the precision asked for, counted over record pairs as `mpictl
// eval` counts them: what a steward sees is clusters, and the cluster step
// takes apart links that candidate pairs alone cannot (a newborn
// placeholder matching both twins). It is never below minAutoLink: the
// design asks for a high probability, and below 9:1 the model itself
// doubts the link, whatever the clusters measured. The review threshold is
// chosen on candidate pairs (matching.ReviewThreshold).
func calibrate(model *matching.Model, recs []matching.Record, pairs [][2]int32, truthPath string, precision, recall float64) (matching.Thresholds, error) {
	f, err := os.Open(truthPath)
	if err != nil {
		return matching.Thresholds{}, err
	}
	defer f.Close()
	truth, err := eval.ReadAssignments(f, "person_id")
	if err != nil {
		return matching.Thresholds{}, err
	}
	person := func(r *matching.Record) string { return truth[eval.Key{Source: r.Source, LocalID: r.LocalID}] }
	scores := make([]matching.LabelledScore, len(pairs))
	weights := make([]float64, len(pairs))
	for k, p := range pairs {
		a, b := &recs[p[0]], &recs[p[1]]
		s := model.Score(a, b)
		m := 0.0
		if pa := person(a); pa != "" && pa == person(b) {
			m = 1
		}
		scores[k] = matching.LabelledScore{Probability: s.Probability(), Guarded: s.Guards != 0, Match: m}
		weights[k] = s.Weight
	}
	labelled := make(map[eval.Key]string, len(recs))
	for i := range recs {
		k := eval.Key{Source: recs[i].Source, LocalID: recs[i].LocalID}
		if p, ok := truth[k]; ok {
			labelled[k] = p
		}
	}
	pred := make(map[eval.Key]string, len(recs))
	var edges []cluster.Edge
	for _, t := range matching.ThresholdGrid() {
		if t < minAutoLink {
			continue
		}
		edges = edges[:0]
		for k, s := range scores {
			if !s.Guarded && s.Probability >= t {
				edges = append(edges, cluster.Edge{A: pairs[k][0], B: pairs[k][1], Weight: weights[k]})
			}
		}
		res := cluster.Build(model, recs, edges, cluster.Options{})
		for i := range recs {
			k := eval.Key{Source: recs[i].Source, LocalID: recs[i].LocalID}
			if _, ok := labelled[k]; ok {
				pred[k] = clusterID(res.Cluster[i])
			}
		}
		if m := eval.Pairwise(labelled, pred); m.PredictedPairs > 0 && m.Precision >= precision {
			return matching.Thresholds{Match: t, Review: matching.ReviewThreshold(scores, t, recall)}, nil
		}
	}
	return matching.Thresholds{}, fmt.Errorf("calibrate: no threshold reaches precision %g", precision)
}

// printEM shows how an EM run converged.
func printEM(w io.Writer, title string, r matching.EMResult) {
	fmt.Fprintf(w, "%s: converged %v after %d iterations, match share %.5f\n", title, r.Converged, len(r.Steps), r.Prior)
	for _, s := range r.Steps {
		fmt.Fprintf(w, "  iteration %3d  log-likelihood %.8g  λ %.5f  max change %.2e\n", s.Iteration, s.LogLikelihood, s.Prior, s.MaxChange)
	}
}
