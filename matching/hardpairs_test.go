package matching_test

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/vnhealth/mpi/matching"
)

// hardPair is one line of testdata/hard_pairs.ndjson: two records, the
// decisions a careful data steward would accept, and the guard rails that
// must fire. The file is labelled by hand from the domain rules, not from
// the model's output.
type hardPair struct {
	Case       string       `json:"case"`
	Why        string       `json:"why"`
	A          matching.Raw `json:"a"`
	B          matching.Raw `json:"b"`
	Want       []string     `json:"want"`
	GuardRails []string     `json:"guard_rails"`
}

func TestHardPairs(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/hard_pairs.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	model := matching.DefaultModel()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		var hp hardPair
		if err := json.Unmarshal(sc.Bytes(), &hp); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		n++
		t.Run(hp.Case, func(t *testing.T) {
			a, b := matching.Normalize(&hp.A), matching.Normalize(&hp.B)
			for _, pair := range [][2]*matching.Record{{&a, &b}, {&b, &a}} {
				ex := model.Explain(pair[0], pair[1])
				if !slices.Contains(hp.Want, ex.Decision.String()) {
					t.Errorf("decision %s (p=%.6f, weight %.2f, guard rails %v), want one of %v", ex.Decision, ex.Probability, ex.Weight, ex.GuardRails, hp.Want)
					for _, fe := range ex.Fields {
						t.Logf("  %-12s %-12s %+.2f %+.2f", fe.Field, fe.Level, fe.Weight, fe.TFAdjustment)
					}
				}
				for _, g := range hp.GuardRails {
					if !slices.Contains(ex.GuardRails, g) {
						t.Errorf("guard rail %s did not fire (fired: %v)", g, ex.GuardRails)
					}
				}
			}
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Fatalf("only %d hard pairs read", n)
	}
}
