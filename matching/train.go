package matching

import (
	"fmt"
	"math/rand/v2"
)

// TrainOptions tune Train. The zero value is usable.
type TrainOptions struct {
	// RandomPairs is how many random pairs estimate u (default 1,000,000).
	RandomPairs int
	// MaxPassPairs caps the pairs of one training pass; bigger passes are
	// thinned evenly (default 2,000,000).
	MaxPassPairs int
	// Seed makes the random-pair sample reproducible.
	Seed uint64
	// EM tunes the estimation of m.
	EM EMOptions
	// MinTFCount leaves values seen fewer times to the table's floor
	// (default 2: a single occurrence is as likely a typo as a name).
	MinTFCount int
	// Thresholds of the trained model. By default they are chosen without
	// labels: the lowest at which the model itself expects its automatic
	// links among the candidates to be ExpectedPrecision precise, and the
	// review threshold that keeps ExpectedRecall of the expected true pairs.
	Thresholds Thresholds
	// ExpectedPrecision and ExpectedRecall (default 0.999 and 0.995).
	ExpectedPrecision, ExpectedRecall float64
	// Description and Data are written into the model file.
	Description string
	Data        string
}

// Pass is one training pass: the pairs one blocking rule produced and the
// fields that rule used. Those fields agree on (nearly) every pair of the
// pass by construction, so the pass says nothing about their m; EM leaves
// them out and learns the other fields' m from it.
type Pass struct {
	Rule   string
	Pairs  [][2]int32
	Ignore []Field
}

// TrainReport says how a model was estimated.
type TrainReport struct {
	RandomPairs int
	Candidates  int
	Passes      []PassReport
	// Prior is the final EM over all candidates, with m held.
	Prior EMResult
	// Unlearned lists the fields no pass saw on both sides of a pair; their
	// m is EM's starting guess.
	Unlearned []Field
}

// PassReport is the outcome of one pass.
type PassReport struct {
	Rule  string
	Pairs int
	EM    EMResult
}

// Train estimates a model from normalized records without labels.
//
//   - u: the level frequencies among random record pairs (nearly all of them
//     non-matches).
//   - m: EM in one pass per blocking rule, each leaving out the fields its
//     rule used; a field's m is the average over the passes that learned
//     it, weighted by their expected matches. EM over all candidates at
//     once would find households (shared phone, address, family name)
//     rather than persons: a pass per rule keeps each pass's latent classes
//     "same person" and "same key by chance".
//   - λ: EM over all candidate pairs with m held, scaled from the candidates
//     to all pairs (assumes blocking keeps nearly every true pair; measure
//     pairs completeness).
//   - term frequencies: counted from the records' names.
func Train(recs []Record, candidates [][2]int32, passes []Pass, opt TrainOptions) (*Model, TrainReport, error) {
	if len(recs) < 2 {
		return nil, TrainReport{}, fmt.Errorf("train: need at least 2 records, have %d", len(recs))
	}
	if len(candidates) == 0 {
		return nil, TrainReport{}, fmt.Errorf("train: no candidate pairs")
	}
	if opt.RandomPairs <= 0 {
		opt.RandomPairs = 1_000_000
	}
	if opt.MaxPassPairs <= 0 {
		opt.MaxPassPairs = 2_000_000
	}
	if opt.MinTFCount <= 0 {
		opt.MinTFCount = 2
	}
	if opt.ExpectedPrecision <= 0 {
		opt.ExpectedPrecision = 0.999
	}
	if opt.ExpectedRecall <= 0 {
		opt.ExpectedRecall = 0.995
	}
	fixedThresholds := opt.Thresholds != (Thresholds{})
	if !fixedThresholds {
		opt.Thresholds = Thresholds{Match: 0.99, Review: 0.5} // replaced below
	}
	rep := TrainReport{RandomPairs: opt.RandomPairs, Candidates: len(candidates)}

	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	n := len(recs)
	random := make(map[Vector]int, 1024)
	for range opt.RandomPairs {
		i := rng.IntN(n)
		j := rng.IntN(n - 1)
		if j >= i {
			j++
		}
		random[Compare(&recs[i], &recs[j])]++
	}
	u := EstimateU(patternsOf(random))

	var sum Probabilities
	var mass [NumFields]float64
	for f := range NumFields {
		sum[f] = make([]float64, len(levelNames[f]))
	}
	for _, p := range passes {
		if len(p.Pairs) == 0 {
			continue
		}
		emOpt := opt.EM
		emOpt.FixU, emOpt.FixM = false, nil
		for _, f := range p.Ignore {
			emOpt.Ignore[f] = true
		}
		res, err := EstimateM(comparePairs(recs, p.Pairs, opt.MaxPassPairs), u, emOpt)
		if err != nil {
			return nil, TrainReport{}, fmt.Errorf("train: pass %s: %w", p.Rule, err)
		}
		rep.Passes = append(rep.Passes, PassReport{Rule: p.Rule, Pairs: len(p.Pairs), EM: res})
		for f := range NumFields {
			if emOpt.Ignore[f] {
				continue
			}
			w := res.MatchMass[f]
			mass[f] += w
			for l := range sum[f] {
				sum[f][l] += w * res.M[f][l]
			}
		}
	}
	var m Probabilities
	start := initialM()
	for f := range NumFields {
		if mass[f] == 0 {
			// The data never holds this field on a compared pair (FEBRL has
			// no sex or phone): its weight will never be used on such data,
			// so the starting values stand, and the report says so.
			m[f] = start[f]
			rep.Unlearned = append(rep.Unlearned, f)
			continue
		}
		m[f] = make([]float64, len(sum[f]))
		for l := range sum[f] {
			m[f][l] = sum[f][l] / mass[f]
		}
	}

	final := opt.EM
	final.FixU, final.FixM, final.Ignore = false, &m, [NumFields]bool{}
	prior, err := EstimateM(comparePairs(recs, candidates, opt.MaxPassPairs), u, final)
	if err != nil {
		return nil, TrainReport{}, fmt.Errorf("train: prior: %w", err)
	}
	rep.Prior = prior
	allPairs := float64(n) * float64(n-1) / 2
	lambda := max(1e-12, min(0.5, prior.Prior*float64(len(candidates))/allPairs))

	fam, giv := map[string]int{}, map[string]int{}
	for i := range recs {
		if f := recs[i].Name.Family; f != "" {
			fam[f]++
		}
		if g := recs[i].Name.Given; g != "" {
			giv[g]++
		}
	}

	model := &Model{
		Version:     ModelVersion,
		Description: opt.Description,
		Prior:       roundSig(lambda, 6),
		Thresholds:  opt.Thresholds,
		TF: TermFrequencies{
			Source: opt.Data,
			Family: CountTF(fam, opt.MinTFCount),
			Given:  CountTF(giv, opt.MinTFCount),
		},
		Training: &TrainingInfo{
			Data:         opt.Data,
			Records:      n,
			BlockedPairs: len(candidates),
			RandomPairs:  opt.RandomPairs,
			EMIterations: len(prior.Steps),
			EMConverged:  prior.Converged,
			BlockedPrior: roundSig(prior.Prior, 6),
		},
	}
	for _, f := range rep.Unlearned {
		model.Training.Unlearned = append(model.Training.Unlearned, fieldNames[f])
	}
	for _, p := range rep.Passes {
		model.Training.Passes = append(model.Training.Passes, PassInfo{
			Rule: p.Rule, Pairs: p.Pairs, EMIterations: len(p.EM.Steps), EMConverged: p.EM.Converged,
			MatchShare: roundSig(p.EM.Prior, 4),
		})
		model.Training.EMConverged = model.Training.EMConverged && p.EM.Converged
	}
	for f := range NumFields {
		fp := FieldParams{Field: fieldNames[f]}
		for l, name := range levelNames[f] {
			fp.Levels = append(fp.Levels, LevelParams{Level: name, M: roundProb(m[f][l]), U: roundProb(u[f][l])})
		}
		model.Fields = append(model.Fields, fp)
	}
	if err := model.Init(); err != nil {
		return nil, TrainReport{}, fmt.Errorf("train: estimated model is invalid: %w", err)
	}
	if !fixedThresholds {
		if th, err := expectedThresholds(model, recs, candidates, opt); err == nil {
			model.Thresholds = th
			model.Training.ThresholdNote = fmt.Sprintf("chosen without labels: expected auto-link precision >= %g and review recall >= %g among candidates, under the model", opt.ExpectedPrecision, opt.ExpectedRecall)
			if err := model.Init(); err != nil {
				return nil, TrainReport{}, err
			}
		}
	}
	return model, rep, nil
}

// expectedThresholds calibrates thresholds on the candidates with the
// model's own probabilities standing in for labels.
func expectedThresholds(model *Model, recs []Record, candidates [][2]int32, opt TrainOptions) (Thresholds, error) {
	step := 1
	if len(candidates) > opt.MaxPassPairs {
		step = (len(candidates) + opt.MaxPassPairs - 1) / opt.MaxPassPairs
	}
	scores := make([]LabelledScore, 0, len(candidates)/step+1)
	for k := 0; k < len(candidates); k += step {
		p := candidates[k]
		s := model.Score(&recs[p[0]], &recs[p[1]])
		scores = append(scores, LabelledScore{Probability: s.Probability(), Guarded: s.Guards != 0, Match: s.Probability()})
	}
	return CalibrateThresholds(scores, opt.ExpectedPrecision, opt.ExpectedRecall)
}

// comparePairs compares pairs into patterns, thinning evenly to at most
// limit pairs.
func comparePairs(recs []Record, pairs [][2]int32, limit int) []Pattern {
	step := 1
	if len(pairs) > limit {
		step = (len(pairs) + limit - 1) / limit
	}
	counts := make(map[Vector]int, 1024)
	for k := 0; k < len(pairs); k += step {
		p := pairs[k]
		counts[Compare(&recs[p[0]], &recs[p[1]])]++
	}
	return patternsOf(counts)
}

// roundProb rounds a probability to six significant digits of itself or of
// its complement, whichever is smaller, so that 0.99999998 stays below 1.
func roundProb(p float64) float64 {
	if p > 0.5 {
		return 1 - roundSig(1-p, 6)
	}
	return roundSig(p, 6)
}
