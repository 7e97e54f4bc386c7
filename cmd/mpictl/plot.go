package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/vnhealth/mpi/blocking"
	"github.com/vnhealth/mpi/matching"
)

// writePlots writes DIR/block-sizes.svg and DIR/match-weights.svg. The
// weights are those of the union's candidate pairs under the default
// model; beyond maxPairs pairs an even sample (every k-th pair in
// ForEachPair's order) is scored, and the picture says so.
func writePlots(dir string, ix *blocking.Index, st *blocking.Stats, recs []matching.Record, person func(int) string, maxPairs int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("plot: create directory: %w", err)
	}
	var sizes [blocking.NumRules][]int
	for r := range blocking.NumRules {
		sizes[r] = ix.BlockSizes(r)
	}
	if err := writeSVG(filepath.Join(dir, "block-sizes.svg"), func(w io.Writer) { plotBlockSizes(w, st, sizes) }); err != nil {
		return err
	}
	model := matching.DefaultModel()
	h := weightHistogram(ix, st.Union.Pairs, recs, person, model, maxPairs)
	return writeSVG(filepath.Join(dir, "match-weights.svg"), func(w io.Writer) { plotWeights(w, h, model.Thresholds) })
}

func writeSVG(path string, draw func(io.Writer)) error {
	var b strings.Builder
	draw(&b)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

// weights is a histogram of match weights in bins of one bit.
type weights struct {
	lo, hi      int // bins cover [lo, hi) bits
	match, non  []int64
	truth       bool
	step        int64 // one pair in step was scored
	scored, all int64
}

func weightHistogram(ix *blocking.Index, total int64, recs []matching.Record, person func(int) string, model *matching.Model, maxPairs int) *weights {
	step := int64(1)
	if maxPairs > 0 && total > int64(maxPairs) {
		step = (total + int64(maxPairs) - 1) / int64(maxPairs)
	}
	var pairs [][2]int32
	var k int64
	ix.ForEachPair(func(i, j int32) {
		if k%step == 0 {
			pairs = append(pairs, [2]int32{i, j})
		}
		k++
	})
	ws := make([]float64, len(pairs))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for p := w; p < len(pairs); p += workers {
				ws[p] = model.Score(&recs[pairs[p][0]], &recs[pairs[p][1]]).Weight
			}
		})
	}
	wg.Wait()
	h := &weights{lo: -40, hi: 40, truth: person != nil, step: step, scored: int64(len(pairs)), all: k}
	for _, w := range ws {
		h.lo = min(h.lo, int(math.Floor(w)))
		h.hi = max(h.hi, int(math.Floor(w))+1)
	}
	h.match = make([]int64, h.hi-h.lo)
	h.non = make([]int64, h.hi-h.lo)
	for p, w := range ws {
		b := int(math.Floor(w)) - h.lo
		if h.truth {
			a, c := person(int(pairs[p][0])), person(int(pairs[p][1]))
			if a != "" && a == c {
				h.match[b]++
				continue
			}
		}
		h.non[b]++
	}
	return h
}

// ruleColours are distinguishable on screen and in grey print.
var ruleColours = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"}

// sizeBins are the block sizes 2, 3–4, 5–8, … as upper bounds.
func sizeBin(n int) int {
	b := 0
	for (2 << b) < n {
		b++
	}
	return b
}

func plotBlockSizes(w io.Writer, st *blocking.Stats, sizes [blocking.NumRules][]int) {
	nbins := sizeBin(max(st.MaxBlock, 2)) + 1
	c := newChart(w, 900, 520, fmt.Sprintf("Block sizes per rule (%d records; blocks above %d records, %d for identifiers, are capped)", st.Records, st.MaxBlock, st.MaxIDBlock))
	var counts [blocking.NumRules][]int64
	var top int64 = 1
	for r := range blocking.NumRules {
		counts[r] = make([]int64, nbins)
		for _, n := range sizes[r] {
			counts[r][min(sizeBin(n), nbins-1)]++
		}
		for _, v := range counts[r] {
			top = max(top, v)
		}
	}
	c.logY(top, "blocks (log scale)")
	labels := make([]string, nbins)
	for b := range labels {
		lo, hi := (1<<b)+1, 2<<b
		if b == 0 {
			labels[b] = "2"
		} else {
			labels[b] = fmt.Sprintf("%d–%d", lo, hi)
		}
	}
	c.categoryX(labels, "block size (records)")
	for r := range blocking.NumRules {
		colour := ruleColours[int(r)%len(ruleColours)]
		var pts []string
		for b, v := range counts[r] {
			if v == 0 {
				continue
			}
			x, y := c.catX(b), c.y(float64(v))
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
			fmt.Fprintf(w, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", x, y, colour)
		}
		fmt.Fprintf(w, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), colour)
		rs := st.Rules[r]
		c.legend(int(r), colour, fmt.Sprintf("%s: %d blocks, max %d, %d capped", rs.Rule, rs.Blocks, rs.Max, len(rs.Capped)))
	}
	c.end()
}

func plotWeights(w io.Writer, h *weights, th matching.Thresholds) {
	title := fmt.Sprintf("Match weights of the candidate pairs (%d pairs, default model)", h.all)
	if h.step > 1 {
		title = fmt.Sprintf("Match weights of the candidate pairs (%d of %d pairs: one in %d, default model)", h.scored, h.all, h.step)
	}
	c := newChart(w, 900, 520, title)
	c.legendLeft = true
	var top int64 = 1
	for b := range h.non {
		top = max(top, h.non[b], h.match[b])
	}
	c.logY(top, "pairs (log scale)")
	c.linearX(float64(h.lo), float64(h.hi), "match weight (bits): log2 prior odds + Σ field weights")
	bar := func(v []int64, colour string, offset float64) {
		for b, n := range v {
			if n == 0 {
				continue
			}
			x0, x1 := c.x(float64(h.lo+b)), c.x(float64(h.lo+b+1))
			wd := (x1 - x0) / 2
			y := c.y(float64(n))
			fmt.Fprintf(w, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", x0+offset*wd, y, wd, c.bottom-y, colour)
		}
	}
	if h.truth {
		bar(h.non, "#d62728", 0)
		bar(h.match, "#1f77b4", 1)
		c.legend(0, "#1f77b4", fmt.Sprintf("true pairs (%d)", sum64(h.match)))
		c.legend(1, "#d62728", fmt.Sprintf("non-pairs (%d)", sum64(h.non)))
	} else {
		bar(h.non, "#7f7f7f", 0.5)
		c.legend(0, "#7f7f7f", "candidate pairs (no truth file)")
	}
	for k, t := range []struct {
		p    float64
		name string
	}{{th.Review, "review"}, {th.Match, "match"}} {
		if t.p <= 0 || t.p >= 1 {
			continue
		}
		wt := math.Log2(t.p / (1 - t.p))
		x := c.x(wt)
		fmt.Fprintf(w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black" stroke-width="1.5" stroke-dasharray="6,4"/>`+"\n", x, c.top, x, c.bottom)
		label := fmt.Sprintf("%s ≥ %.2f bits (p %g)", t.name, wt, t.p)
		ty := c.bottom - 12 - 18*float64(1-k)
		fmt.Fprintf(w, `<rect x="%.1f" y="%.1f" width="%d" height="16" fill="white" fill-opacity="0.85"/>`+"\n", x+2, ty-12, 7*len(label))
		fmt.Fprintf(w, `<text x="%.1f" y="%.1f" font-size="12">%s</text>`+"\n", x+4, ty, label)
	}
	c.end()
}

func sum64(v []int64) int64 {
	var s int64
	for _, x := range v {
		s += x
	}
	return s
}

// chart draws the frame of one SVG chart: title, axes, ticks, legend.
type chart struct {
	w                        io.Writer
	left, right, top, bottom float64
	ylo, yhi                 float64 // log10 bounds of the y axis
	xlo, xhi                 float64
	ncat                     int
	legendLeft               bool // legend in the top left corner
}

func newChart(w io.Writer, width, height int, title string) *chart {
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif">`+"\n", width, height, width, height)
	fmt.Fprintf(w, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(w, `<text x="%d" y="24" font-size="15" font-weight="bold" text-anchor="middle">%s</text>`+"\n", width/2, title)
	return &chart{w: w, left: 80, right: float64(width) - 20, top: 40, bottom: float64(height) - 60}
}

// logY sets a log-scale y axis from 0.5 (so that a count of 1 shows) to
// the next power of ten above top, with a grid line at every power of ten.
func (c *chart) logY(top int64, label string) {
	c.ylo, c.yhi = math.Log10(0.5), math.Ceil(math.Log10(float64(max(top, 10)))+0.01)
	for e := 0; float64(e) <= c.yhi; e++ {
		y := c.y(math.Pow(10, float64(e)))
		fmt.Fprintf(c.w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", c.left, y, c.right, y)
		fmt.Fprintf(c.w, `<text x="%.1f" y="%.1f" font-size="12" text-anchor="end">%s</text>`+"\n", c.left-6, y+4, powerLabel(e))
	}
	mid := (c.top + c.bottom) / 2
	fmt.Fprintf(c.w, `<text x="18" y="%.1f" font-size="13" text-anchor="middle" transform="rotate(-90 18 %.1f)">%s</text>`+"\n", mid, mid, label)
	c.axes()
}

func powerLabel(e int) string {
	switch {
	case e < 3:
		return fmt.Sprint(int(math.Pow(10, float64(e))))
	case e < 6:
		return fmt.Sprintf("%dk", int(math.Pow(10, float64(e-3))))
	case e < 9:
		return fmt.Sprintf("%dM", int(math.Pow(10, float64(e-6))))
	}
	return fmt.Sprintf("1e%d", e)
}

func (c *chart) axes() {
	fmt.Fprintf(c.w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", c.left, c.top, c.left, c.bottom)
	fmt.Fprintf(c.w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", c.left, c.bottom, c.right, c.bottom)
}

func (c *chart) y(v float64) float64 {
	return c.bottom - (math.Log10(v)-c.ylo)/(c.yhi-c.ylo)*(c.bottom-c.top)
}

func (c *chart) xLabel(label string) {
	fmt.Fprintf(c.w, `<text x="%.1f" y="%.1f" font-size="13" text-anchor="middle">%s</text>`+"\n", (c.left+c.right)/2, c.bottom+44, label)
}

// categoryX sets an x axis of equally spaced categories.
func (c *chart) categoryX(labels []string, label string) {
	c.ncat = len(labels)
	for i, l := range labels {
		fmt.Fprintf(c.w, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle">%s</text>`+"\n", c.catX(i), c.bottom+18, l)
	}
	c.xLabel(label)
}

func (c *chart) catX(i int) float64 {
	return c.left + (float64(i)+0.5)*(c.right-c.left)/float64(max(c.ncat, 1))
}

// linearX sets a linear x axis with a tick every 5 or 10 units.
func (c *chart) linearX(lo, hi float64, label string) {
	c.xlo, c.xhi = lo, hi
	step := 5.0
	if hi-lo > 100 {
		step = 10
	}
	for t := math.Ceil(lo/step) * step; t <= hi; t += step {
		x := c.x(t)
		fmt.Fprintf(c.w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", x, c.bottom, x, c.bottom+5)
		fmt.Fprintf(c.w, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle">%g</text>`+"\n", x, c.bottom+18, t)
	}
	c.xLabel(label)
}

func (c *chart) x(v float64) float64 {
	return c.left + (v-c.xlo)/(c.xhi-c.xlo)*(c.right-c.left)
}

// legend writes entry i of the legend in the top right (or left) corner.
func (c *chart) legend(i int, colour, text string) {
	x, y := c.right-330, c.top+10+18*float64(i)
	if c.legendLeft {
		x = c.left + 16
	}
	fmt.Fprintf(c.w, `<rect x="%.1f" y="%.1f" width="330" height="18" fill="white" fill-opacity="0.85"/>`+"\n", x-6, y-2)
	fmt.Fprintf(c.w, `<rect x="%.1f" y="%.1f" width="12" height="12" fill="%s"/>`+"\n", x, y+1, colour)
	fmt.Fprintf(c.w, `<text x="%.1f" y="%.1f" font-size="12">%s</text>`+"\n", x+18, y+12, text)
}

func (c *chart) end() { fmt.Fprintln(c.w, "</svg>") }
