package matching_test

import (
	"testing"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/synth"
)

// benchRecords returns normalized records of a synthetic population, and
// their raw forms.
func benchRecords(b *testing.B, persons int) ([]matching.Raw, []matching.Record) {
	b.Helper()
	gen, err := synth.Generate(synth.Options{Persons: persons, Seed: 42})
	if err != nil {
		b.Fatal(err)
	}
	raws := make([]matching.Raw, len(gen))
	recs := make([]matching.Record, len(gen))
	for i := range gen {
		raws[i] = gen[i].Raw
		recs[i] = matching.Normalize(&raws[i])
	}
	return raws, recs
}

// benchPairs runs fn on one pair per iteration, pair(i) choosing the pair.
func benchPairs(b *testing.B, recs []matching.Record, pair func(i int) (int, int), fn func(x, y *matching.Record)) {
	b.Helper()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		x, y := pair(i)
		fn(&recs[x], &recs[y])
		i++
	}
}

// spread picks pairs across a population: mostly non-matches.
func spread(n int) func(i int) (int, int) {
	return func(i int) (int, int) { return i % n, (i*7 + 13) % n }
}

var sinkVector matching.Vector
var sinkScore matching.Score

// BenchmarkCompare compares record pairs drawn from a synthetic population
// (mostly non-matches), one pair per iteration.
func BenchmarkCompare(b *testing.B) {
	_, recs := benchRecords(b, 2000)
	benchPairs(b, recs, spread(len(recs)), func(x, y *matching.Record) { sinkVector = matching.Compare(x, y) })
}

// BenchmarkScore scores pairs (compare, weights, TF, guard rails, decision).
func BenchmarkScore(b *testing.B) {
	_, recs := benchRecords(b, 2000)
	model := matching.DefaultModel()
	benchPairs(b, recs, spread(len(recs)), func(x, y *matching.Record) { sinkScore = model.Score(x, y) })
}

// BenchmarkScoreSelf scores each record against itself: every field agrees,
// so every term-frequency look-up and guard-rail check runs.
func BenchmarkScoreSelf(b *testing.B) {
	_, recs := benchRecords(b, 2000)
	model := matching.DefaultModel()
	n := len(recs)
	benchPairs(b, recs, func(i int) (int, int) { return i % n, i % n }, func(x, y *matching.Record) { sinkScore = model.Score(x, y) })
}

var sinkExplanation matching.Explanation

// BenchmarkExplainSelf explains each record against itself: the cost a
// resolve result or a search hit adds to scoring its best pair.
func BenchmarkExplainSelf(b *testing.B) {
	_, recs := benchRecords(b, 2000)
	model := matching.DefaultModel()
	n := len(recs)
	b.ReportAllocs()
	benchPairs(b, recs, func(i int) (int, int) { return i % n, i % n }, func(x, y *matching.Record) { sinkExplanation = model.Explain(x, y) })
}

// BenchmarkNormalize parses and normalizes raw records of every wild form
// the generator writes.
func BenchmarkNormalize(b *testing.B) {
	raws, _ := benchRecords(b, 2000)
	n := len(raws)
	b.ReportAllocs()
	i := 0
	var sink matching.Record
	for b.Loop() {
		sink = matching.Normalize(&raws[i%n])
		i++
	}
	_ = sink
}
