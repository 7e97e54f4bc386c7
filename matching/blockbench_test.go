package matching_test

import (
	"fmt"
	"testing"

	"github.com/vnhealth/mpi/matching"
)

// BenchmarkScoreInBlock scores pairs that share a birth year and a
// province — the pairs blocking hands the matcher, which look alike far
// more often than random pairs do.
func BenchmarkScoreInBlock(b *testing.B) {
	_, recs := benchRecords(b, 5000)
	groups := map[string][]int{}
	for i := range recs {
		if y := recs[i].BirthYear(); y != 0 && recs[i].Province != "" {
			k := fmt.Sprint(y, recs[i].Province)
			groups[k] = append(groups[k], i)
		}
	}
	var pairs [][2]int
	for _, g := range groups {
		for x := 0; x < len(g) && len(pairs) < 1_000_000; x++ {
			for y := x + 1; y < len(g); y++ {
				pairs = append(pairs, [2]int{g[x], g[y]})
			}
		}
	}
	if len(pairs) == 0 {
		b.Fatal("no in-block pairs")
	}
	model := matching.DefaultModel()
	benchPairs(b, recs, func(i int) (int, int) { p := pairs[i%len(pairs)]; return p[0], p[1] },
		func(x, y *matching.Record) { sinkScore = model.Score(x, y) })
}
