package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/vnhealth/mpi/matching"
)

// runAccuracy implements `mpictl accuracy --in F --truth T`: the pairwise
// decisions of a model on labelled records. Every true pair is scored; so
// is a seeded sample of non-pairs that share a birth year and a province
// (the hard negatives blocking hands the matcher), and every pair of two
// different persons of one household (twins, siblings, parents, a newborn
// and its mother), where the generator's truth names households.
func runAccuracy(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("accuracy", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	in := fs.String("in", "", "records file (CSV or NDJSON exchange format)")
	truthPath := fs.String("truth", "", "truth file: source,local_id,person_id[,household_id,role]")
	modelPath := fs.String("model", "", "model file (default: the embedded model)")
	sample := fs.Int("nonpairs", 200_000, "non-pairs sharing birth year and province to sample")
	seed := fs.Uint64("seed", 1, "seed of the non-pair sample")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *in == "" || *truthPath == "" {
		return fmt.Errorf("%w: accuracy needs --in and --truth", errUsage)
	}
	model, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	l, err := readRecords(ctx, *in, e.stdin)
	if err != nil {
		return err
	}
	truth, err := readTruth(*truthPath)
	if err != nil {
		return err
	}
	// As dedupe does: the prior scaled to this file's number of records.
	rep, err := measureAccuracy(model.ForPopulation(len(l.records)), l.records, truth, *sample, *seed)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.write(e.stdout)
}

// truthRow is what a truth file says of one record.
type truthRow struct{ person, household, role string }

func readTruth(path string) (map[[2]string]truthRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("truth: header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))] = i
	}
	for _, need := range []string{"source", "local_id", "person_id"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("truth: header lacks %s", need)
		}
	}
	get := func(row []string, name string) string {
		if i, ok := col[name]; ok && i < len(row) {
			return row[i]
		}
		return ""
	}
	out := map[[2]string]truthRow{}
	for line := 2; ; line++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("truth: line %d: %w", line, err)
		}
		out[[2]string{get(row, "source"), get(row, "local_id")}] = truthRow{get(row, "person_id"), get(row, "household_id"), get(row, "role")}
	}
}

// decisionCounts counts pairs by decision.
type decisionCounts struct {
	Pairs    int `json:"pairs"`
	Match    int `json:"match"`
	Review   int `json:"review"`
	NonMatch int `json:"non_match"`
	// Guarded counts pairs a guard rail held back from auto-linking.
	Guarded int `json:"guarded"`
	// Guards counts, by guard rail, the pairs over the review threshold on
	// which it fired.
	Guards map[string]int `json:"guards,omitempty"`
}

func (c *decisionCounts) add(s matching.Score) {
	c.Pairs++
	switch s.Decision {
	case matching.Match:
		c.Match++
	case matching.Review:
		c.Review++
	default:
		c.NonMatch++
	}
	if s.Guards != 0 && s.Decision != matching.NonMatch {
		c.Guarded++
		if c.Guards == nil {
			c.Guards = map[string]int{}
		}
		for _, g := range s.Guards.Names() {
			c.Guards[g]++
		}
	}
}

// accuracyReport is the outcome of runAccuracy.
type accuracyReport struct {
	Records   int                        `json:"records"`
	TruePairs decisionCounts             `json:"true_pairs"`
	ByRole    map[string]*decisionCounts `json:"true_pairs_by_role"`
	NonPairs  decisionCounts             `json:"nonpairs_same_year_province"`
	Household map[string]*decisionCounts `json:"household_nonpairs_by_role"`
	// Precision and recall of auto-links, counting true pairs and the
	// sampled non-pairs (an estimate: non-pairs are sampled).
	LinkRecall float64 `json:"auto_link_recall"`
	AnyRecall  float64 `json:"link_or_review_recall"`
}

func measureAccuracy(model *matching.Model, recs []matching.Record, truth map[[2]string]truthRow, sample int, seed uint64) (*accuracyReport, error) {
	rep := &accuracyReport{Records: len(recs), ByRole: map[string]*decisionCounts{}, Household: map[string]*decisionCounts{}}
	rows := make([]truthRow, len(recs))
	byPerson := map[string][]int{}
	byHousehold := map[string][]int{}
	for i := range recs {
		t, ok := truth[[2]string{recs[i].Source, recs[i].LocalID}]
		if !ok {
			return nil, fmt.Errorf("record %s/%s is not in the truth file", recs[i].Source, recs[i].LocalID)
		}
		rows[i] = t
		if t.person == "" {
			continue // no truth for this record: in no pair
		}
		byPerson[t.person] = append(byPerson[t.person], i)
		if t.household != "" {
			byHousehold[t.household] = append(byHousehold[t.household], i)
		}
	}
	roleOf := func(r string) string {
		return strings.TrimSpace(r) + map[bool]string{true: "(none)"}[strings.TrimSpace(r) == ""]
	}
	for _, p := range sortedKeys(byPerson) {
		idx := byPerson[p]
		for x := 0; x < len(idx); x++ {
			for y := x + 1; y < len(idx); y++ {
				s := model.Score(&recs[idx[x]], &recs[idx[y]])
				rep.TruePairs.add(s)
				role := roleOf(rows[idx[x]].role)
				if rep.ByRole[role] == nil {
					rep.ByRole[role] = &decisionCounts{}
				}
				rep.ByRole[role].add(s)
			}
		}
	}
	for _, h := range sortedKeys(byHousehold) {
		idx := byHousehold[h]
		for x := 0; x < len(idx); x++ {
			for y := x + 1; y < len(idx); y++ {
				a, b := rows[idx[x]], rows[idx[y]]
				if a.person == b.person {
					continue
				}
				roles := []string{roleOf(a.role), roleOf(b.role)}
				sort.Strings(roles)
				key := roles[0] + "~" + roles[1]
				if rep.Household[key] == nil {
					rep.Household[key] = &decisionCounts{}
				}
				rep.Household[key].add(model.Score(&recs[idx[x]], &recs[idx[y]]))
			}
		}
	}
	// Non-pairs sharing birth year and province: group, then sample pairs
	// uniformly from the groups by size.
	groups := map[string][]int{}
	for i := range recs {
		if y := recs[i].BirthYear(); y != 0 && recs[i].Province != "" {
			k := fmt.Sprintf("%d:%s", y, recs[i].Province)
			groups[k] = append(groups[k], i)
		}
	}
	var keys []string
	var cum []int
	total := 0
	for _, k := range sortedKeys(groups) {
		n := len(groups[k])
		if n < 2 {
			continue
		}
		total += n * (n - 1) / 2
		keys = append(keys, k)
		cum = append(cum, total)
	}
	rng := rand.New(rand.NewPCG(seed, seed+1))
	for tries := 0; total > 0 && rep.NonPairs.Pairs < sample && tries < 20*sample; tries++ {
		r := rng.IntN(total)
		g := groups[keys[sort.SearchInts(cum, r+1)]]
		x, y := rng.IntN(len(g)), rng.IntN(len(g))
		if x == y || rows[g[x]].person == rows[g[y]].person {
			continue
		}
		rep.NonPairs.add(model.Score(&recs[g[x]], &recs[g[y]]))
	}
	if rep.TruePairs.Pairs > 0 {
		rep.LinkRecall = float64(rep.TruePairs.Match) / float64(rep.TruePairs.Pairs)
		rep.AnyRecall = float64(rep.TruePairs.Match+rep.TruePairs.Review) / float64(rep.TruePairs.Pairs)
	}
	return rep, nil
}

func (r *accuracyReport) write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "pairs\tcount\tmatch\treview\tnon-match\tguarded\t")
	row := func(name string, c *decisionCounts) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t\n", name, c.Pairs, c.Match, c.Review, c.NonMatch, c.Guarded)
	}
	row("true pairs", &r.TruePairs)
	for _, g := range sortedKeys(r.TruePairs.Guards) {
		fmt.Fprintf(tw, "  guard rail %s\t%d\t\t\t\t\t\n", g, r.TruePairs.Guards[g])
	}
	for _, k := range sortedKeys(r.ByRole) {
		row("  role "+k, r.ByRole[k])
	}
	row("non-pairs, same birth year+province (sample)", &r.NonPairs)
	for _, k := range sortedKeys(r.Household) {
		row("household non-pairs "+k, r.Household[k])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nrecords %d; auto-link recall %.4f; link-or-review recall %.4f\n", r.Records, r.LinkRecall, r.AnyRecall)
	return nil
}
