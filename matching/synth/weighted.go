package synth

import (
	"math"
	"math/rand/v2"
	"sort"
)

// table is a list of values with sampling weights, drawn by binary search on
// the cumulative weights. It is built once and only read afterwards.
type table[T any] struct {
	vals []T
	cum  []float64
}

// newTable builds a table from parallel values and weights.
func newTable[T any](vals []T, weights []float64) table[T] {
	t := table[T]{vals: vals, cum: make([]float64, len(weights))}
	sum := 0.0
	for i, w := range weights {
		sum += w
		t.cum[i] = sum
	}
	return t
}

// zipf builds a table whose i-th value has weight 1/(i+offset): the list is
// given most popular first.
func zipf(vals []string, offset float64) table[string] {
	w := make([]float64, len(vals))
	for i := range vals {
		w[i] = 1 / (float64(i) + offset)
	}
	return newTable(vals, w)
}

// pick draws one value.
func (t table[T]) pick(r *rand.Rand) T {
	x := r.Float64() * t.cum[len(t.cum)-1]
	i := sort.SearchFloat64s(t.cum, x)
	if i >= len(t.vals) {
		i = len(t.vals) - 1
	}
	return t.vals[i]
}

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// between returns a uniform integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// poisson draws a Poisson variate with a small mean (Knuth's method).
func poisson(r *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// zeroPad writes n in decimal with at least width digits.
func zeroPad(n, width int) string {
	var buf [20]byte
	i := len(buf)
	for n > 0 || i == len(buf) {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	for len(buf)-i < width {
		i--
		buf[i] = '0'
	}
	return string(buf[i:])
}
