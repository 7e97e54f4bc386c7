package bolt

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPostings: random additions (of ordinals not listed, as the index
// makes them) and removals leave every list holding what a plain map of
// sets holds, and regions given up are reused.
func TestPostings(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	p := newPostings()
	want := map[uint64]map[uint32]bool{}
	for i := range 200_000 {
		h := uint64(rng.IntN(40))
		if h >= 30 { // a few long lists
			h = 30 + h%2
		}
		ord := uint32(rng.IntN(300))
		if want[h] == nil {
			want[h] = map[uint32]bool{}
		}
		del := want[h][ord] || rng.IntN(8) == 0
		p.apply(h, ord, del)
		if del {
			delete(want[h], ord)
		} else {
			want[h][ord] = true
		}
		if i%997 != 0 && i < 199_999 {
			continue
		}
		for h, set := range want {
			got := p.appendTo(nil, h)
			slices.Sort(got)
			var w []uint32
			for o := range set {
				w = append(w, o)
			}
			slices.Sort(w)
			if !slices.Equal(got, w) || p.size(h) != len(w) {
				t.Fatalf("step %d, hash %d: list %v (size %d), want %v", i, h, got, p.size(h), w)
			}
			if _, ok := p.m[h]; ok != (len(w) > 0) {
				t.Fatalf("step %d, hash %d: map entry present %v with %d ordinals", i, h, ok, len(w))
			}
		}
	}
	if n := len(p.arena); n > 4*(30*300/2+2*300) {
		t.Errorf("arena of %d ordinals: regions given up are not reused", n)
	}
}
