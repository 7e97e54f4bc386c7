package matching_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vnhealth/mpi/matching"
)

// TestEstimateMRecoversParameters draws comparison vectors from a known
// mixture of matches and non-matches and checks that EM, given the true u,
// finds m and the match share again.
func TestEstimateMRecoversParameters(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	var trueM, trueU matching.Probabilities
	for f := range matching.NumFields {
		n := len(f.Levels())
		trueM[f] = make([]float64, n)
		trueU[f] = make([]float64, n)
		for l := range n {
			// Matches concentrate on the first levels, non-matches on the last.
			trueM[f][l] = math.Pow(0.15, float64(l))
			trueU[f][l] = math.Pow(0.3, float64(n-1-l))
		}
		normalize(trueM[f])
		normalize(trueU[f])
	}
	const pairs, lambda = 200_000, 0.2
	vs := make([]matching.Vector, pairs)
	for i := range vs {
		p := trueU
		if rng.Float64() < lambda {
			p = trueM
		}
		for f := range matching.NumFields {
			if rng.Float64() < 0.1 {
				vs[i][f] = matching.Missing
				continue
			}
			vs[i][f] = draw(rng, p[f])
		}
	}
	res, err := matching.EstimateM(matching.CountPatterns(vs), trueU, matching.EMOptions{FixU: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged {
		t.Errorf("EM did not converge in %d iterations", len(res.Steps))
	}
	if math.Abs(res.Prior-lambda) > 0.01 {
		t.Errorf("λ = %.4f, want %.2f ± 0.01", res.Prior, lambda)
	}
	approx := cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 0.01 })
	for f := range matching.NumFields {
		if diff := cmp.Diff(trueM[f], res.M[f], approx); diff != "" {
			t.Errorf("m of %s mismatch (-want +got):\n%s", f, diff)
		}
	}
	// The log-likelihood never decreases (a property of EM).
	for i := 1; i < len(res.Steps); i++ {
		if res.Steps[i].LogLikelihood < res.Steps[i-1].LogLikelihood-1e-6 {
			t.Errorf("log-likelihood fell at iteration %d: %v → %v", i+1, res.Steps[i-1].LogLikelihood, res.Steps[i].LogLikelihood)
		}
	}
}

func TestEstimateMErrors(t *testing.T) {
	t.Parallel()
	if _, err := matching.EstimateM(nil, matching.Probabilities{}, matching.EMOptions{}); err == nil {
		t.Error("EstimateM with no vectors: want an error")
	}
	vs := []matching.Vector{{0, 0, 0, 0, 0, 0, 0}}
	if _, err := matching.EstimateM(matching.CountPatterns(vs), matching.Probabilities{}, matching.EMOptions{}); err == nil {
		t.Error("EstimateM with u of the wrong shape: want an error")
	}
}

func TestEstimateU(t *testing.T) {
	t.Parallel()
	vs := []matching.Vector{
		{5, 6, 0, 2, 1, 1, 3},
		{5, 6, 1, 2, 1, 1, 3},
		{5, 6, 1, -1, -1, -1, 2},
	}
	u := matching.EstimateU(matching.CountPatterns(vs))
	// Sex: agree once, disagree twice, add-one smoothing over 2 levels.
	if diff := cmp.Diff([]float64{2.0 / 5, 3.0 / 5}, u[matching.FieldSex]); diff != "" {
		t.Errorf("u of sex mismatch (-want +got):\n%s", diff)
	}
}

func TestCalibrateThresholds(t *testing.T) {
	t.Parallel()
	var s []matching.LabelledScore
	add := func(p float64, match bool, n int) {
		for range n {
			m := 0.0
			if match {
				m = 1
			}
			s = append(s, matching.LabelledScore{Probability: p, Match: m})
		}
	}
	add(0.99999, true, 9000)
	add(0.999, true, 900)
	add(0.999, false, 1)
	add(0.96, true, 50)
	add(0.96, false, 50)
	add(0.3, true, 50)
	add(0.01, false, 10000)
	got, err := matching.CalibrateThresholds(s, 0.999, 0.995)
	if err != nil {
		t.Fatal(err)
	}
	want := matching.Thresholds{Match: 0.98, Review: 0.95}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("thresholds mismatch (-want +got):\n%s", diff)
	}
}

func normalize(p []float64) {
	s := 0.0
	for _, x := range p {
		s += x
	}
	for i := range p {
		p[i] /= s
	}
}

func draw(rng *rand.Rand, p []float64) int8 {
	x := rng.Float64()
	for i, q := range p {
		if x < q {
			return int8(i)
		}
		x -= q
	}
	return int8(len(p) - 1)
}

func TestRoundProbStaysInside(t *testing.T) {
	t.Parallel()
	for _, p := range []float64{0.99999998, 0.9999995, 1e-9, 0.5, 0.123456789} {
		if r := matching.RoundProb(p); !(r > 0 && r < 1) || math.Abs(r-p) > 1e-6*max(p, 1-p) {
			t.Errorf("roundProb(%v) = %v", p, r)
		}
	}
}
