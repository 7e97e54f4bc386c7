package matching

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Pattern is a distinct comparison vector and how many pairs produced it.
// EM works on patterns, not pairs: a million blocked pairs fold into a few
// thousand patterns.
type Pattern struct {
	Vector Vector
	Count  int
}

// CountPatterns folds vectors into patterns, sorted for determinism.
func CountPatterns(vs []Vector) []Pattern {
	m := make(map[Vector]int, 1024)
	for _, v := range vs {
		m[v]++
	}
	return patternsOf(m)
}

func patternsOf(m map[Vector]int) []Pattern {
	out := make([]Pattern, 0, len(m))
	for v, c := range m {
		out = append(out, Pattern{v, c})
	}
	slices.SortFunc(out, func(a, b Pattern) int {
		for f := range NumFields {
			if c := cmp.Compare(a.Vector[f], b.Vector[f]); c != 0 {
				return c
			}
		}
		return 0
	})
	return out
}

// Probabilities are per-field, per-level probabilities (m or u).
type Probabilities [NumFields][]float64

// EstimateU returns u from the comparison vectors of random record pairs:
// the share of each level among the pairs where the field is present, with
// add-one smoothing so no level is impossible. Random pairs are almost all
// non-matches, which is what u describes.
func EstimateU(patterns []Pattern) Probabilities {
	var u Probabilities
	for f := range NumFields {
		n := len(levelNames[f])
		counts := make([]float64, n)
		total := 0.0
		for _, p := range patterns {
			if l := p.Vector[f]; l >= 0 {
				counts[l] += float64(p.Count)
				total += float64(p.Count)
			}
		}
		u[f] = make([]float64, n)
		for l := range n {
			u[f][l] = (counts[l] + 1) / (total + float64(n))
		}
	}
	return u
}

// EMOptions tune EstimateM. The zero value is usable.
type EMOptions struct {
	// MaxIterations caps the iterations (default 1000).
	MaxIterations int
	// Tolerance stops iterating when no probability moves more than this
	// in one iteration (default 1e-5).
	Tolerance float64
	// Prior is the starting λ among the blocked pairs (default 0.1).
	Prior float64
	// FixU holds u at the given values. By default EM re-estimates u among
	// the pairs it sees, starting from the given values: blocked pairs agree
	// on their blocking keys far more often than random pairs do, and a u
	// held at random-pair values makes every blocked pair look like a match.
	// The re-estimated u describes blocked non-matches and is returned as
	// BlockedU; a model scores with random-pair u.
	FixU bool
	// Ignore leaves fields out, as if missing on every pair: the fields a
	// blocking rule used agree on nearly every pair it produced, so those
	// pairs say nothing about them.
	Ignore [NumFields]bool
	// FixM, when set, holds m at these values and estimates only λ (and u
	// unless FixU).
	FixM *Probabilities
}

// EMStep records one iteration, to show convergence.
type EMStep struct {
	Iteration     int     `json:"iteration"`
	LogLikelihood float64 `json:"log_likelihood"`
	Prior         float64 `json:"prior"`
	MaxChange     float64 `json:"max_change"`
}

// EMResult is the outcome of EstimateM.
type EMResult struct {
	M Probabilities
	// BlockedU is u among the pairs EM saw (equal to the given u with FixU).
	BlockedU Probabilities
	// Prior is λ among the pairs EM saw (blocked pairs), not among all pairs.
	Prior float64
	// MatchMass is, per field, the expected number of matching pairs on
	// which the field was present: how much evidence its m rests on.
	MatchMass [NumFields]float64
	Converged bool
	Steps     []EMStep
}

// EstimateM estimates m and the match share λ of the given comparison
// patterns by expectation–maximisation, starting u from the given values
// (see EMOptions.FixU). Missing fields are left out of both steps. It is a
// pure function: same input, same result.
//
// E-step: for each pattern γ = λ·Πm / (λ·Πm + (1−λ)·Πu).
// M-step: λ = Σcγ / Σc; m[f][l] = Σ_{v_f=l} cγ / Σ_{v_f present} cγ and
// likewise u with 1−γ, each with a small pseudo-count so that no level's
// probability becomes zero.
func EstimateM(patterns []Pattern, u Probabilities, opt EMOptions) (EMResult, error) {
	if opt.MaxIterations <= 0 {
		opt.MaxIterations = 1000
	}
	if opt.Tolerance <= 0 {
		opt.Tolerance = 1e-5
	}
	if !(opt.Prior > 0 && opt.Prior < 1) {
		opt.Prior = 0.1
	}
	if len(patterns) == 0 {
		return EMResult{}, fmt.Errorf("EM: no comparison vectors to learn from")
	}
	for f := range NumFields {
		if len(u[f]) != len(levelNames[f]) {
			return EMResult{}, fmt.Errorf("EM: u of field %s has %d levels, want %d", fieldNames[f], len(u[f]), len(levelNames[f]))
		}
	}
	m := initialM()
	if opt.FixM != nil {
		m = cloneProbabilities(*opt.FixM)
	}
	u = cloneProbabilities(u)
	lambda := opt.Prior
	res := EMResult{}
	for it := 1; it <= opt.MaxIterations; it++ {
		var num, numU Probabilities
		for f := range NumFields {
			num[f] = make([]float64, len(levelNames[f]))
			numU[f] = make([]float64, len(levelNames[f]))
		}
		sumG, sumC, ll := 0.0, 0.0, 0.0
		for _, p := range patterns {
			pm, pu := lambda, 1-lambda
			for f := range NumFields {
				if l := p.Vector[f]; l >= 0 && !opt.Ignore[f] {
					pm *= m[f][l]
					pu *= u[f][l]
				}
			}
			g := pm / (pm + pu)
			c := float64(p.Count)
			ll += c * math.Log(pm+pu)
			sumG += c * g
			sumC += c
			for f := range NumFields {
				if l := p.Vector[f]; l >= 0 && !opt.Ignore[f] {
					num[f][l] += c * g
					numU[f][l] += c * (1 - g)
				}
			}
		}
		change := 0.0
		newLambda := sumG / sumC
		newLambda = max(1e-9, min(1-1e-9, newLambda))
		change = max(change, math.Abs(newLambda-lambda))
		lambda = newLambda
		for f := range NumFields {
			if opt.Ignore[f] {
				continue
			}
			if opt.FixM == nil {
				change = max(change, mStep(m[f], num[f]))
			}
			if !opt.FixU {
				change = max(change, mStep(u[f], numU[f]))
			}
		}
		for f := range NumFields {
			res.MatchMass[f] = 0
			for _, x := range num[f] {
				res.MatchMass[f] += x
			}
		}
		res.Steps = append(res.Steps, EMStep{Iteration: it, LogLikelihood: ll, Prior: lambda, MaxChange: change})
		if change < opt.Tolerance {
			res.Converged = true
			break
		}
	}
	res.M, res.BlockedU, res.Prior = m, u, lambda
	return res, nil
}

// mStep sets p to the smoothed shares of the expected counts and returns
// the largest change.
func mStep(p, counts []float64) float64 {
	const pseudo = 0.5
	den := 0.0
	for _, x := range counts {
		den += x
	}
	change := 0.0
	for l := range p {
		v := (counts[l] + pseudo) / (den + pseudo*float64(len(p)))
		change = max(change, math.Abs(v-p[l]))
		p[l] = v
	}
	return change
}

func cloneProbabilities(p Probabilities) Probabilities {
	var c Probabilities
	for f := range p {
		c[f] = append([]float64(nil), p[f]...)
	}
	return c
}

// initialM starts EM from "matches mostly agree": the best level gets most
// of the mass, the rest share what remains, worse levels less.
func initialM() Probabilities {
	var m Probabilities
	for f := range NumFields {
		n := len(levelNames[f])
		m[f] = make([]float64, n)
		rest := 0.2
		m[f][0] = 1 - rest
		weight, total := 1.0, 0.0
		for l := 1; l < n; l++ {
			total += weight
			weight /= 2
		}
		weight = 1
		for l := 1; l < n; l++ {
			m[f][l] = rest * weight / total
			weight /= 2
		}
	}
	return m
}
