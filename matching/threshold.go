package matching

import (
	"fmt"
	"sort"
)

// LabelledScore is a scored candidate pair and how sure we are that it is a
// true match: 1 or 0 from a truth file, or — without labels — the model's
// own probability, which makes the figures below expectations under the
// model.
type LabelledScore struct {
	Probability float64
	// Guarded is set when a guard rail fired: the pair cannot auto-link.
	Guarded bool
	// Match is the pair's weight as a true match, in [0, 1].
	Match float64
}

// thresholdGrid lists the probabilities thresholds are chosen from: round
// values that an operator can read and reason about.
var thresholdGrid = []float64{
	0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9,
	0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999, 0.99999, 0.999999,
}

// CalibrateThresholds chooses thresholds from scored candidate pairs: the
// match threshold is the lowest grid value at which the pairs that would
// auto-link (probability at or above it, no guard rail) reach minPrecision;
// the review threshold is the highest grid value below it at which
// pairs at or above it (linked or reviewed) hold at least reviewRecall of
// the true pairs. With labels the figures are measured; with the model's
// probabilities as Match they are the model's expectations. It returns an
// error when no grid value reaches minPrecision.
func CalibrateThresholds(scores []LabelledScore, minPrecision, reviewRecall float64) (Thresholds, error) {
	s := append([]LabelledScore(nil), scores...)
	sort.Slice(s, func(i, j int) bool { return s[i].Probability > s[j].Probability })
	trueTotal := 0.0
	for _, x := range s {
		trueTotal += x.Match
	}
	if trueTotal == 0 {
		return Thresholds{}, fmt.Errorf("calibrate: no true pairs among the scores")
	}
	// Sums over the pairs at or above t, by a scan of the sorted scores.
	at := func(t float64) (linkTP, linkFP, anyTP float64) {
		for _, x := range s {
			if x.Probability < t {
				break
			}
			anyTP += x.Match
			if !x.Guarded {
				linkTP += x.Match
				linkFP += 1 - x.Match
			}
		}
		return
	}
	var th Thresholds
	found := false
	for _, t := range thresholdGrid {
		tp, fp, _ := at(t)
		if tp+fp > 0 && tp/(tp+fp) >= minPrecision {
			th.Match, found = t, true
			break
		}
	}
	if !found {
		return Thresholds{}, fmt.Errorf("calibrate: no threshold reaches precision %g", minPrecision)
	}
	th.Review = reviewThreshold(th.Match, reviewRecall, trueTotal, at)
	return th, nil
}

// ThresholdGrid returns the probabilities thresholds are chosen from, in
// ascending order.
func ThresholdGrid() []float64 { return append([]float64(nil), thresholdGrid...) }

// ReviewThreshold is the review threshold CalibrateThresholds would choose
// under a given match threshold: the highest grid value below match
// at which pairs at or above it hold at least reviewRecall of the true
// pairs.
func ReviewThreshold(scores []LabelledScore, match, reviewRecall float64) float64 {
	trueTotal := 0.0
	for _, x := range scores {
		trueTotal += x.Match
	}
	at := func(t float64) (_, _, anyTP float64) {
		for _, x := range scores {
			if x.Probability >= t {
				anyTP += x.Match
			}
		}
		return
	}
	return reviewThreshold(match, reviewRecall, trueTotal, at)
}

// reviewThreshold keeps a review band: a threshold equal to the match
// threshold would send nothing but guard-rail pairs to a steward.
func reviewThreshold(match, reviewRecall, trueTotal float64, at func(float64) (float64, float64, float64)) float64 {
	for i := len(thresholdGrid) - 1; i >= 0; i-- {
		t := thresholdGrid[i]
		if t >= match {
			continue
		}
		if _, _, any := at(t); trueTotal > 0 && any/trueTotal >= reviewRecall {
			return t
		}
	}
	return thresholdGrid[0]
}
