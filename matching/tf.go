package matching

import (
	"fmt"
	"math"
	"sort"
)

// TermFrequencies holds the relative frequency of each family and given
// name (folded, canonical) in a population. "Nguyễn" agreeing is weak
// evidence because a third of the population shares it; a rare given name
// agreeing is strong. The tables turn an agreement's average weight into
// the weight of the particular value (see TFAdjustment).
type TermFrequencies struct {
	// Source says what the tables were counted from.
	Source string  `json:"source,omitempty"`
	Family TFTable `json:"family"`
	Given  TFTable `json:"given"`
}

// TFTable is one term-frequency table.
type TFTable struct {
	// Floor is the frequency assumed for a value not in Values: about one
	// occurrence in the counted population.
	Floor float64 `json:"floor"`
	// Values maps a folded value to its relative frequency.
	Values map[string]float64 `json:"values"`
}

func (tf *TermFrequencies) init() error {
	for _, t := range []struct {
		name string
		t    *TFTable
	}{{"family", &tf.Family}, {"given", &tf.Given}} {
		if !(t.t.Floor > 0 && t.t.Floor < 1) {
			return fmt.Errorf("%w: term_frequencies.%s.floor must be in (0,1)", ErrInvalidModel, t.name)
		}
		if len(t.t.Values) == 0 {
			return fmt.Errorf("%w: term_frequencies.%s.values is empty", ErrInvalidModel, t.name)
		}
		sum := 0.0
		for _, p := range t.t.Values {
			if !(p > 0 && p <= 1) {
				return fmt.Errorf("%w: term_frequencies.%s: frequencies must be in (0,1]", ErrInvalidModel, t.name)
			}
			sum += p
		}
		if sum > 1+1e-6 {
			return fmt.Errorf("%w: term_frequencies.%s: frequencies sum to more than 1", ErrInvalidModel, t.name)
		}
	}
	return nil
}

// Freq returns the frequency of a value, or the floor when it is unknown.
func (t *TFTable) Freq(v string) float64 {
	if p, ok := t.Values[v]; ok && p > t.Floor {
		return p
	}
	return t.Floor
}

// agreement is the probability that two records drawn at random agree on
// the value: Σ p². It is the average u of an agreement that the
// term-frequency adjustment corrects to the value's own frequency.
func (t *TFTable) agreement() float64 {
	keys := make([]string, 0, len(t.Values))
	for k := range t.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys) // a fixed summation order keeps scores deterministic
	s := 0.0
	for _, k := range keys {
		s += t.Values[k] * t.Values[k]
	}
	return s
}

// tfAdjustments holds, per known value, the bounded adjustment
// log2(ū / tf(value)), and the adjustment of an unknown value (the floor):
// computed once so that scoring does no logarithms.
type tfAdjustments struct {
	values map[string]float64
	floor  float64
}

func (t *TFTable) adjustments() tfAdjustments {
	u := t.agreement()
	a := tfAdjustments{values: make(map[string]float64, len(t.Values)), floor: tfAdj(u, t.Floor)}
	for v := range t.Values {
		a.values[v] = tfAdj(u, t.Freq(v))
	}
	return a
}

func (a *tfAdjustments) of(v string) float64 {
	if x, ok := a.values[v]; ok {
		return x
	}
	return a.floor
}

// CountTF builds a table from value counts. Values seen fewer than
// minCount times are left to the floor, which is one occurrence in the
// counted population.
func CountTF(counts map[string]int, minCount int) TFTable {
	total := 0
	for _, c := range counts {
		total += c
	}
	t := TFTable{Values: map[string]float64{}, Floor: 1}
	if total == 0 {
		return t
	}
	t.Floor = 1 / float64(total)
	for v, c := range counts {
		if c >= minCount && v != "" {
			t.Values[v] = roundSig(float64(c)/float64(total), 4)
		}
	}
	return t
}

// roundSig rounds to n significant digits so model files stay readable.
func roundSig(x float64, n int) float64 {
	if x == 0 {
		return 0
	}
	p := math.Pow(10, float64(n)-math.Ceil(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}
