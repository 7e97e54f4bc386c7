package eval

// Metrics is the pairwise comparison of a predicted clustering with the truth.
type Metrics struct {
	Records        int64 `json:"records"`         // records in both truth and prediction
	TruePairs      int64 `json:"true_pairs"`      // pairs of records of the same person
	PredictedPairs int64 `json:"predicted_pairs"` // pairs of records in the same predicted cluster
	TruePositives  int64 `json:"true_positives"`  // pairs both true and predicted
	FalsePositives int64 `json:"false_positives"` // predicted pairs of different people
	FalseNegatives int64 `json:"false_negatives"` // true pairs not predicted

	Precision float64 `json:"precision"` // TruePositives/PredictedPairs; 1 when no pairs were predicted
	Recall    float64 `json:"recall"`    // TruePositives/TruePairs; 1 when there are no true pairs
	F1        float64 `json:"f1"`        // harmonic mean of Precision and Recall

	FalseMerges int `json:"false_merges"` // predicted clusters holding records of more than one person
	Splits      int `json:"splits"`       // people whose records lie in more than one predicted cluster
	Missing     int `json:"missing"`      // records in the truth but not in the prediction
	Extra       int `json:"extra"`        // records in the prediction but not in the truth
}

// Pairwise compares pred with truth on the records both contain. Pair counts
// come from the contingency table of true person against predicted cluster
// (the sum of C(n,2) over its cells, rows and columns), never from
// enumerating pairs, so memory and time grow with the number of records
// only. See the package documentation for the empty-case conventions.
func Pairwise(truth, pred map[Key]string) Metrics {
	var m Metrics
	// Number the clusters so that the table is keyed by two small integers.
	tIndex := map[string]uint32{}
	pIndex := map[string]uint32{}
	var tSize, pSize []int64
	cells := map[uint64]int64{}
	for k, t := range truth {
		p, ok := pred[k]
		if !ok {
			m.Missing++
			continue
		}
		m.Records++
		ti, ok := tIndex[t]
		if !ok {
			ti = uint32(len(tSize))
			tIndex[t] = ti
			tSize = append(tSize, 0)
		}
		pi, ok := pIndex[p]
		if !ok {
			pi = uint32(len(pSize))
			pIndex[p] = pi
			pSize = append(pSize, 0)
		}
		tSize[ti]++
		pSize[pi]++
		cells[uint64(ti)<<32|uint64(pi)]++
	}
	m.Extra = len(pred) - int(m.Records)

	for _, n := range tSize {
		m.TruePairs += pairs(n)
	}
	for _, n := range pSize {
		m.PredictedPairs += pairs(n)
	}
	tParts := make([]int32, len(tSize)) // predicted clusters each person lies in
	pParts := make([]int32, len(pSize)) // people each predicted cluster holds
	for key, n := range cells {
		m.TruePositives += pairs(n)
		tParts[key>>32]++
		pParts[uint32(key)]++
	}
	for _, c := range tParts {
		if c > 1 {
			m.Splits++
		}
	}
	for _, c := range pParts {
		if c > 1 {
			m.FalseMerges++
		}
	}
	m.FalsePositives = m.PredictedPairs - m.TruePositives
	m.FalseNegatives = m.TruePairs - m.TruePositives

	m.Precision, m.Recall = 1, 1
	if m.PredictedPairs > 0 {
		m.Precision = float64(m.TruePositives) / float64(m.PredictedPairs)
	}
	if m.TruePairs > 0 {
		m.Recall = float64(m.TruePositives) / float64(m.TruePairs)
	}
	if s := m.Precision + m.Recall; s > 0 {
		m.F1 = 2 * m.Precision * m.Recall / s
	}
	return m
}

// pairs returns C(n, 2).
func pairs(n int64) int64 { return n * (n - 1) / 2 }

// FalseMergesByRole counts, for each role, the predicted clusters that hold
// records of more than one true person with at least one of those persons
// in that role ("twin", "newborn", … as a generator's truth file names
// them): how often the clustering merged a twin, a newborn, and so on.
// Records without a role are not counted under any.
func FalseMergesByRole(truth, pred, roles map[Key]string) map[string]int {
	type info struct {
		persons map[string]bool
		roles   map[string]bool
	}
	clusters := map[string]*info{}
	for k, c := range pred {
		p, ok := truth[k]
		if !ok {
			continue
		}
		in := clusters[c]
		if in == nil {
			in = &info{persons: map[string]bool{}, roles: map[string]bool{}}
			clusters[c] = in
		}
		in.persons[p] = true
		if r := roles[k]; r != "" {
			in.roles[r] = true
		}
	}
	out := map[string]int{}
	for _, in := range clusters {
		if len(in.persons) < 2 {
			continue
		}
		for r := range in.roles {
			out[r]++
		}
	}
	return out
}
