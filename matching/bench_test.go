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

// BenchmarkCompare compares record pairs drawn from a synthetic population
// (mostly non-matches, as in a block), one pair per iteration.
func BenchmarkCompare(b *testing.B) {
	_, recs := benchRecords(b, 2000)
	n := len(recs)
	b.ReportAllocs()
	i := 0
	var sink matching.Vector
	for b.Loop() {
		x, y := i%n, (i*7+13)%n
		sink = matching.Compare(&recs[x], &recs[y])
		i++
	}
	_ = sink
}

// BenchmarkScore scores pairs (compare, weights, TF, guard rails, decision).
func BenchmarkScore(b *testing.B) {
	_, recs := benchRecords(b, 2000)
	model := matching.DefaultModel()
	n := len(recs)
	b.ReportAllocs()
	i := 0
	var sink matching.Score
	for b.Loop() {
		x, y := i%n, (i*7+13)%n
		sink = model.Score(&recs[x], &recs[y])
		i++
	}
	_ = sink
}

// BenchmarkScoreMatches scores true duplicate pairs, where TF look-ups run.
func BenchmarkScoreMatches(b *testing.B) {
	_, recs := benchRecords(b, 2000)
	model := matching.DefaultModel()
	n := len(recs)
	b.ReportAllocs()
	i := 0
	var sink matching.Score
	for b.Loop() {
		x := i % n
		sink = model.Score(&recs[x], &recs[x])
		i++
	}
	_ = sink
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
