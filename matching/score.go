package matching

import (
	"encoding/json"
	"math"
)

// Decision is the outcome of scoring a pair.
type Decision uint8

// Decisions, from the most to the least certain link.
const (
	NonMatch Decision = iota
	Review
	Match
)

func (d Decision) String() string {
	switch d {
	case Match:
		return "match"
	case Review:
		return "review"
	}
	return "non-match"
}

// MarshalText writes "match", "review" or "non-match".
func (d Decision) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Score is the scored comparison of two records.
type Score struct {
	Vector Vector
	// Weight is the match weight in bits: log2 prior odds + Σ field weights
	// + term-frequency adjustments.
	Weight float64
	// Decision applies the thresholds and the guard rails.
	Decision Decision
	// Guards lists the guard rails that fired, in GuardRail order.
	Guards GuardRails
}

// Score compares two records and scores the pair. It does not allocate and
// is safe for concurrent use.
func (m *Model) Score(a, b *Record) Score {
	v := Compare(a, b)
	w := m.priorWeight
	for f := range NumFields {
		if v[f] >= 0 {
			w += m.weights[f][v[f]]
		}
		if f == FieldName {
			fam, giv := m.tfAdjust(a, b, v[f])
			w += fam
			w += giv
		}
	}
	s := Score{Vector: v, Weight: w}
	s.Guards = checkGuards(a, b, v)
	s.Decision = m.decide(w, s.Guards)
	return s
}

// Probability is the posterior match probability, 2^w / (1 + 2^w),
// computed from the weight when asked for: most scored pairs never need it.
func (s Score) Probability() float64 { return probability(s.Weight) }

// tfAdjust returns the family and given term-frequency adjustments of a
// name level: log2(ū / tf(value)) for each part that agrees exactly on both
// records, where ū is the chance that two random records agree on that
// part. Summed with the level weight it turns the average agreement into
// the agreement on this particular name. Parts that agree only after a swap
// or a reordering get none, so the score does not depend on which record
// comes first.
func (m *Model) tfAdjust(a, b *Record, level int8) (family, given float64) {
	switch level {
	case NameExact, NameFamilyGiven, NameGiven:
	default:
		return 0, 0
	}
	if f := a.Name.Family; f != "" && f == b.Name.Family && level != NameGiven {
		family = m.family.of(f)
	}
	if g := a.Name.Given; g != "" && g == b.Name.Given {
		given = m.given.of(g)
	}
	return family, given
}

// tfMaxAdjust bounds a term-frequency adjustment in bits. Without a bound a
// value never seen in the training data (often a misspelling) would weigh
// like a unique identifier.
const tfMaxAdjust = 6

func tfAdj(u, freq float64) float64 {
	a := math.Log2(u / freq)
	return max(-tfMaxAdjust, min(tfMaxAdjust, a))
}

func probability(w float64) float64 {
	// 2^w/(1+2^w) = 1/(1+2^-w), stable for large |w|.
	return 1 / (1 + math.Exp2(-w))
}

// decide applies the thresholds, compared as weights (log-odds, see
// Init); a pair over the match threshold that a guard rail stops goes to
// review instead.
func (m *Model) decide(w float64, g GuardRails) Decision {
	switch {
	case w >= m.matchWeight && g == 0:
		return Match
	case w >= m.reviewWeight:
		return Review
	}
	return NonMatch
}

// logit2 is the weight at which the probability reaches p.
func logit2(p float64) float64 { return math.Log2(p / (1 - p)) }

// Explanation is a scored comparison broken down by field, as shown to data
// stewards, returned by the API and printed by `mpictl explain`. The parts
// add up exactly to Weight: PriorWeight + Σ (Weight + TFAdjustment).
type Explanation struct {
	Decision    Decision           `json:"decision"`
	Probability float64            `json:"probability"`
	Weight      float64            `json:"weight"`
	PriorWeight float64            `json:"prior_weight"`
	Fields      []FieldExplanation `json:"fields"`
	GuardRails  []string           `json:"guard_rails"`
	Thresholds  Thresholds         `json:"thresholds"`
}

// FieldExplanation is one field's part of a score.
type FieldExplanation struct {
	Field string `json:"field"`
	// Level is the comparison level's name, or "missing".
	Level string  `json:"level"`
	M     float64 `json:"m,omitempty"`
	U     float64 `json:"u,omitempty"`
	// Weight is log2(m/u); 0 for a missing value.
	Weight float64 `json:"weight"`
	// TFAdjustment is the term-frequency adjustment (name only).
	TFAdjustment float64 `json:"tf_adjustment"`
	// TFDetail splits the adjustment into family and given parts.
	TFDetail *TFDetail `json:"tf_detail,omitempty"`
}

// TFDetail splits a name's term-frequency adjustment.
type TFDetail struct {
	Family float64 `json:"family"`
	Given  float64 `json:"given"`
}

// Explain scores a pair and breaks the score down by field. Its Weight,
// Probability and Decision equal those of Score for the same pair.
func (m *Model) Explain(a, b *Record) Explanation {
	s := m.Score(a, b)
	e := Explanation{
		Decision:    s.Decision,
		Probability: s.Probability(),
		Weight:      s.Weight,
		PriorWeight: m.priorWeight,
		GuardRails:  s.Guards.Names(),
		Thresholds:  m.Thresholds,
	}
	for f := range NumFields {
		fe := FieldExplanation{Field: fieldNames[f], Level: "missing"}
		if l := s.Vector[f]; l >= 0 {
			lp := m.Fields[f].Levels[l]
			fe.Level, fe.M, fe.U, fe.Weight = lp.Level, lp.M, lp.U, m.weights[f][l]
		}
		if f == FieldName {
			fam, giv := m.tfAdjust(a, b, s.Vector[f])
			fe.TFAdjustment = fam + giv
			if fam != 0 || giv != 0 {
				fe.TFDetail = &TFDetail{Family: fam, Given: giv}
			}
		}
		e.Fields = append(e.Fields, fe)
	}
	return e
}

// Sum adds the explanation's parts in scoring order; it equals Weight
// exactly (the same additions in the same order).
func (e *Explanation) Sum() float64 {
	w := e.PriorWeight
	for _, f := range e.Fields {
		w += f.Weight
		if f.TFDetail != nil {
			w += f.TFDetail.Family
			w += f.TFDetail.Given
		}
	}
	return w
}

// MarshalJSON keeps guard_rails an array even when empty.
func (e Explanation) MarshalJSON() ([]byte, error) {
	type plain Explanation
	if e.GuardRails == nil {
		e.GuardRails = []string{}
	}
	return json.Marshal(plain(e))
}
