package eval

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// clusters builds an assignment from clusters of local IDs in source "s".
func clusters(cs ...[]string) map[Key]string {
	m := map[Key]string{}
	for i, c := range cs {
		for _, id := range c {
			m[Key{"s", id}] = "c" + strconv.Itoa(i)
		}
	}
	return m
}

func TestPairwise(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		truth, pred map[Key]string
		want        Metrics
	}{
		{
			name:  "package example",
			truth: clusters([]string{"a", "b", "c"}, []string{"d", "e"}),
			pred:  clusters([]string{"a", "b"}, []string{"c", "d", "e"}),
			want: Metrics{Records: 5, TruePairs: 4, PredictedPairs: 4, TruePositives: 2, FalsePositives: 2, FalseNegatives: 2,
				Precision: 0.5, Recall: 0.5, F1: 0.5, FalseMerges: 1, Splits: 1},
		},
		{
			name:  "perfect",
			truth: clusters([]string{"a", "b"}, []string{"c"}, []string{"d", "e", "f"}),
			pred:  clusters([]string{"d", "e", "f"}, []string{"a", "b"}, []string{"c"}),
			want: Metrics{Records: 6, TruePairs: 4, PredictedPairs: 4, TruePositives: 4,
				Precision: 1, Recall: 1, F1: 1},
		},
		{
			name:  "everything merged",
			truth: clusters([]string{"a", "b"}, []string{"c"}, []string{"d"}),
			pred:  clusters([]string{"a", "b", "c", "d"}),
			want: Metrics{Records: 4, TruePairs: 1, PredictedPairs: 6, TruePositives: 1, FalsePositives: 5,
				Precision: 1.0 / 6, Recall: 1, F1: 2.0 / 7, FalseMerges: 1},
		},
		{
			name:  "all singletons predicted",
			truth: clusters([]string{"a", "b", "c"}, []string{"d"}),
			pred:  clusters([]string{"a"}, []string{"b"}, []string{"c"}, []string{"d"}),
			want: Metrics{Records: 4, TruePairs: 3, FalseNegatives: 3,
				Precision: 1, Recall: 0, F1: 0, Splits: 1},
		},
		{
			name:  "no true pairs and none predicted",
			truth: clusters([]string{"a"}, []string{"b"}),
			pred:  clusters([]string{"b"}, []string{"a"}),
			want:  Metrics{Records: 2, Precision: 1, Recall: 1, F1: 1},
		},
		{
			name:  "no true pairs, one wrong merge",
			truth: clusters([]string{"a"}, []string{"b"}),
			pred:  clusters([]string{"a", "b"}),
			want: Metrics{Records: 2, PredictedPairs: 1, FalsePositives: 1,
				Precision: 0, Recall: 1, F1: 0, FalseMerges: 1},
		},
		{
			name:  "missing and extra records are left out",
			truth: clusters([]string{"a", "b", "x"}),
			pred:  clusters([]string{"a", "b", "y", "z"}),
			want: Metrics{Records: 2, TruePairs: 1, PredictedPairs: 1, TruePositives: 1,
				Precision: 1, Recall: 1, F1: 1, Missing: 1, Extra: 2},
		},
		{
			name:  "same local ID in two sources are different records",
			truth: map[Key]string{{"s1", "1"}: "p", {"s2", "1"}: "q"},
			pred:  map[Key]string{{"s1", "1"}: "c", {"s2", "1"}: "c"},
			want: Metrics{Records: 2, PredictedPairs: 1, FalsePositives: 1,
				Precision: 0, Recall: 1, F1: 0, FalseMerges: 1},
		},
		{
			name: "empty",
			want: Metrics{Precision: 1, Recall: 1, F1: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Pairwise(tt.truth, tt.pred)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPairwiseBruteForce checks the contingency-table counts against
// enumerating every pair on a small pseudo-random clustering.
func TestPairwiseBruteForce(t *testing.T) {
	t.Parallel()
	truth, pred := map[Key]string{}, map[Key]string{}
	keys := make([]Key, 60)
	for i := range keys {
		keys[i] = Key{"s", strconv.Itoa(i)}
		truth[keys[i]] = strconv.Itoa(i * 7 % 13)
		pred[keys[i]] = strconv.Itoa(i * 5 % 11)
	}
	var want Metrics
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			sameT := truth[keys[i]] == truth[keys[j]]
			sameP := pred[keys[i]] == pred[keys[j]]
			if sameT {
				want.TruePairs++
			}
			if sameP {
				want.PredictedPairs++
			}
			if sameT && sameP {
				want.TruePositives++
			}
		}
	}
	got := Pairwise(truth, pred)
	if got.TruePairs != want.TruePairs || got.PredictedPairs != want.PredictedPairs || got.TruePositives != want.TruePositives {
		t.Errorf("pairs = %d/%d/%d, brute force %d/%d/%d", got.TruePairs, got.PredictedPairs, got.TruePositives,
			want.TruePairs, want.PredictedPairs, want.TruePositives)
	}
	if math.IsNaN(got.F1) {
		t.Error("F1 is NaN")
	}
}

func TestWriteTextGolden(t *testing.T) {
	t.Parallel()
	m := Pairwise(clusters([]string{"a", "b", "c"}, []string{"d", "e"}, []string{"x"}),
		clusters([]string{"a", "b"}, []string{"c", "d", "e"}, []string{"y"}))
	var buf bytes.Buffer
	if err := m.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "report.golden")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("report mismatch (-want +got):\n%s", diff)
	}
}

func BenchmarkPairwise(b *testing.B) {
	const n = 100_000
	truth, pred := make(map[Key]string, n), make(map[Key]string, n)
	for i := range n {
		k := Key{"s", strconv.Itoa(i)}
		truth[k] = strconv.Itoa(i / 3)
		pred[k] = strconv.Itoa(i / 4)
	}
	b.ReportAllocs()
	for b.Loop() {
		Pairwise(truth, pred)
	}
}

func TestFalseMergesByRole(t *testing.T) {
	t.Parallel()
	k := func(id string) Key { return Key{"s", id} }
	truth := map[Key]string{k("1"): "A", k("2"): "B", k("3"): "C", k("4"): "C", k("5"): "D", k("6"): "E"}
	roles := map[Key]string{k("1"): "twin", k("2"): "twin", k("3"): "newborn", k("5"): "twin"}
	pred := map[Key]string{k("1"): "x", k("2"): "x", k("3"): "y", k("4"): "y", k("5"): "z", k("6"): "z"}
	got := FalseMergesByRole(truth, pred, roles)
	want := map[string]int{"twin": 2} // x merges two twins, z a twin with E; y is one newborn's two records
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
