package eval

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes m as an aligned human-readable report, one figure a
// line: names on the left, values aligned on the right.
func (m Metrics) WriteText(w io.Writer) error {
	rows := []struct {
		name  string
		value string
	}{
		{"records compared", fmt.Sprint(m.Records)},
		{"missing from prediction", fmt.Sprint(m.Missing)},
		{"extra in prediction", fmt.Sprint(m.Extra)},
		{"true pairs", fmt.Sprint(m.TruePairs)},
		{"predicted pairs", fmt.Sprint(m.PredictedPairs)},
		{"true positives", fmt.Sprint(m.TruePositives)},
		{"false positives", fmt.Sprint(m.FalsePositives)},
		{"false negatives", fmt.Sprint(m.FalseNegatives)},
		{"precision", fmt.Sprintf("%.4f", m.Precision)},
		{"recall", fmt.Sprintf("%.4f", m.Recall)},
		{"F1", fmt.Sprintf("%.4f", m.F1)},
		{"false merges", fmt.Sprint(m.FalseMerges)},
		{"splits", fmt.Sprint(m.Splits)},
	}
	nameWidth, valueWidth := 0, 0
	for _, r := range rows {
		nameWidth = max(nameWidth, len(r.name))
		valueWidth = max(valueWidth, len(r.value))
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%-*s  %*s\n", nameWidth, r.name, valueWidth, r.value)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
