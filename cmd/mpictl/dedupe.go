package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"

	"github.com/schollz/progressbar/v3"
	"github.com/vnhealth/mpi/blocking"
	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/cluster"
)

// runDedupe implements `mpictl dedupe --in FILE --out clusters.csv`.
func runDedupe(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("dedupe", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	in := fs.String("in", "", "records file (CSV or NDJSON exchange format)")
	out := fs.String("out", "", "clusters file to write: source,local_id,cluster_id")
	modelPath := fs.String("model", "", "model file (default: the embedded model)")
	reviewOut := fs.String("review-out", "", "optional file for the pairs a data steward must review")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "scoring goroutines")
	maxBlock := fs.Int("max-block", 0, "skip blocks larger than this (default: the blocking package's)")
	quiet := fs.Bool("quiet", false, "no progress bars or summary on stderr")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *in == "" || *out == "" {
		return fmt.Errorf("%w: dedupe needs --in and --out", errUsage)
	}
	model, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	ph := newPhases(e.stderr, *quiet)

	var l *loaded
	if err := ph.run("read", func() error {
		var err error
		l, err = readRecordsProgress(ctx, *in, e.stdin,
			func(n int64) *progressbar.ProgressBar { return ph.bar(n, "read", true) })
		return err
	}); err != nil {
		return err
	}
	recs := latestVersions(l)
	// The prior depends on how many records there are: scale it to this file.
	model = model.ForPopulation(len(recs))

	if err := ctx.Err(); err != nil {
		return err
	}
	var ix *blocking.Index
	_ = ph.run("block", func() error {
		ix = blocking.NewIndex(recs, blocking.Options{MaxBlock: *maxBlock})
		return nil
	})

	var sc scored
	if err := ph.run("score", func() error {
		var err error
		sc, err = scorePairs(ctx, model, recs, ix, *workers, ph)
		return err
	}); err != nil {
		return err
	}

	var res cluster.Result
	_ = ph.run("cluster", func() error {
		res = cluster.Build(model, recs, sc.matches, cluster.Options{})
		return nil
	})

	if err := ph.run("write", func() error {
		if err := writeClusters(*out, recs, res); err != nil {
			return err
		}
		if *reviewOut != "" {
			return writeReview(*reviewOut, recs, sc.reviews, res)
		}
		return nil
	}); err != nil {
		return err
	}

	if !*quiet {
		w := e.stderr
		l.reportProblems(w)
		fmt.Fprintf(w, "records %d read, %d rows rejected\n", len(recs), sumCounts(l.rejected))
		for _, k := range sortedKeys(l.rejected) {
			fmt.Fprintf(w, "  rejected: %s: %d\n", k, l.rejected[k])
		}
		fmt.Fprintf(w, "candidate pairs %d: match %d, review %d, non-match %d\n",
			sc.pairs, len(sc.matches), len(sc.reviews), sc.pairs-int64(len(sc.matches))-int64(len(sc.reviews)))
		byReason := map[string]int{}
		for _, h := range res.Held {
			byReason[h.Reason.String()]++
		}
		fmt.Fprintf(w, "clusters %d; match links held back for review %d %v\n", res.Clusters, len(res.Held), byReason)
		ph.summary(w)
	}
	return nil
}

// latestVersions keeps one record per (source, local_id): the last in the
// file, as a later row is a newer version of the same source record. The
// versions dropped are counted with the rejected rows.
func latestVersions(l *loaded) []matching.Record {
	type key struct{ source, id string }
	last := make(map[key]int, len(l.records))
	for i := range l.records {
		last[key{l.records[i].Source, l.records[i].LocalID}] = i
	}
	if len(last) == len(l.records) {
		return l.records
	}
	out := make([]matching.Record, 0, len(last))
	for i := range l.records {
		if last[key{l.records[i].Source, l.records[i].LocalID}] == i {
			out = append(out, l.records[i])
		}
	}
	l.rejected["source+local_id: an earlier version, replaced by a later row"] += len(l.records) - len(out)
	return out
}

// scored is the outcome of scoring every candidate pair.
type scored struct {
	pairs   int64
	matches []cluster.Edge
	reviews []reviewPair
}

// reviewPair is a pair scored between the review and match thresholds, or
// held back from a link by a guard rail.
type reviewPair struct {
	a, b   int32
	weight float64
	prob   float64
	guards matching.GuardRails
}

func scorePairs(ctx context.Context, model *matching.Model, recs []matching.Record, ix *blocking.Index, workers int, ph *phases) (scored, error) {
	type local struct {
		pairs   int64
		matches []cluster.Edge
		reviews []reviewPair
		_       [64]byte // keep workers' counters on separate cache lines
	}
	ls := make([]local, max(1, workers))
	bar := ph.bar(ix.Work(), "score", false)
	ix.ParallelPairs(workers, func(w int, i, j int32) {
		s := model.Score(&recs[i], &recs[j])
		l := &ls[w]
		l.pairs++
		switch s.Decision {
		case matching.Match:
			l.matches = append(l.matches, cluster.Edge{A: i, B: j, Weight: s.Weight})
		case matching.Review:
			l.reviews = append(l.reviews, reviewPair{i, j, s.Weight, s.Probability(), s.Guards})
		}
	}, func(n int64) bool {
		_ = bar.Add64(n)
		return ctx.Err() == nil // Ctrl-C: start no further block
	})
	_ = bar.Finish()
	if err := ctx.Err(); err != nil {
		return scored{}, err
	}
	var out scored
	for _, l := range ls {
		out.pairs += l.pairs
		out.matches = append(out.matches, l.matches...)
		out.reviews = append(out.reviews, l.reviews...)
	}
	// Workers finish in any order: sort for deterministic output.
	slices.SortFunc(out.reviews, func(x, y reviewPair) int {
		if x.a != y.a {
			return int(x.a - y.a)
		}
		return int(x.b - y.b)
	})
	return out, nil
}

func writeClusters(path string, recs []matching.Record, res cluster.Result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	cw := csv.NewWriter(bw)
	_ = cw.Write([]string{"source", "local_id", "cluster_id"})
	for i := range recs {
		_ = cw.Write([]string{recs[i].Source, recs[i].LocalID, clusterID(res.Cluster[i])})
	}
	return closeCSV(f, bw, cw)
}

// writeReview writes the pairs a steward must see: review-band pairs and
// match links the clustering held back, with the clusters each record ended
// in (one cluster: the pair is already linked through others).
func writeReview(path string, recs []matching.Record, reviews []reviewPair, res cluster.Result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	cw := csv.NewWriter(bw)
	_ = cw.Write([]string{"source_a", "local_id_a", "source_b", "local_id_b", "probability", "weight", "reason", "cluster_a", "cluster_b"})
	row := func(a, b int32, p, w float64, reason string) {
		_ = cw.Write([]string{recs[a].Source, recs[a].LocalID, recs[b].Source, recs[b].LocalID,
			strconv.FormatFloat(p, 'f', 6, 64), strconv.FormatFloat(w, 'f', 3, 64), reason,
			clusterID(res.Cluster[a]), clusterID(res.Cluster[b])})
	}
	for _, r := range reviews {
		reason := "review_band"
		if r.guards != 0 {
			reason = "guard_rail:" + r.guards.String()
		}
		row(r.a, r.b, r.prob, r.weight, reason)
	}
	for _, h := range res.Held {
		reason := "cluster_" + h.Reason.String()
		if h.Guards != 0 {
			reason += ":" + h.Guards.String()
		}
		row(h.A, h.B, 1/(1+math.Exp2(-h.Weight)), h.Weight, reason)
	}
	return closeCSV(f, bw, cw)
}

// clusterID names a cluster in the output files.
func clusterID(c int32) string { return "C" + strconv.Itoa(int(c)) }

func closeCSV(f *os.File, bw *bufio.Writer, cw *csv.Writer) error {
	cw.Flush()
	if err := cw.Error(); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
