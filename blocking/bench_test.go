package blocking

import (
	"sync"
	"testing"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/synth"
)

// population100k is about 100,000 normalized generated records (40,000
// persons) and their persons, built once for the benchmarks.
var population100k = sync.OnceValues(func() ([]matching.Record, []string) {
	raws, err := synth.Generate(synth.Options{Persons: 40000, Seed: 11})
	if err != nil {
		panic(err)
	}
	recs := make([]matching.Record, len(raws))
	persons := make([]string, len(raws))
	for i := range raws {
		recs[i] = matching.Normalize(&raws[i].Raw)
		persons[i] = raws[i].PersonID
	}
	return recs, persons
})

func BenchmarkKeys(b *testing.B) {
	recs, _ := population100k()
	b.ReportAllocs()
	var keys []string
	i := 0
	for b.Loop() {
		keys = Keys(keys[:0], &recs[i%len(recs)])
		i++
	}
}

// BenchmarkIndexUnionPairs is NewIndex and the union pair count (Stats
// without truth) of 100 k records.
func BenchmarkIndexUnionPairs(b *testing.B) {
	recs, _ := population100k()
	b.ReportAllocs()
	var pairs int64
	for b.Loop() {
		pairs = NewIndex(recs, Options{}).Stats(nil).Union.Pairs
	}
	b.ReportMetric(float64(pairs), "pairs")
	b.ReportMetric(float64(len(recs)), "records")
}

// BenchmarkStatsTruth is Stats with pairs completeness on a built Index.
func BenchmarkStatsTruth(b *testing.B) {
	recs, persons := population100k()
	ix := NewIndex(recs, Options{})
	truth := func(i int) string { return persons[i] }
	b.ReportAllocs()
	for b.Loop() {
		ix.Stats(truth)
	}
}
