package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vnhealth/mpi/matching"
)

// TestFEBRLEndToEnd converts FEBRL data, trains a model on it without
// labels, deduplicates and evaluates against the truth: the whole bulk path
// on data the model was not built from. The floors sit a little under the
// measured figures (README) so that a regression fails.
func TestFEBRLEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("trains and deduplicates 10,000 records")
	}
	t.Parallel()
	for _, tt := range []struct {
		name           string
		files          []string
		precision, rec float64
	}{
		{"FEBRL 4 (4a ∪ 4b)", []string{"dataset4a.csv", "dataset4b.csv"}, 0.999, 0.97},
		{"FEBRL 3", []string{"dataset3.csv"}, 0.999, 0.91},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := []string{"febrl", "--out", dir}
			for _, f := range tt.files {
				args = append(args, "--in", filepath.Join("..", "..", "testdata", "febrl", f))
			}
			mustRun(t, args...)
			recs, truth := filepath.Join(dir, "records.csv"), filepath.Join(dir, "truth.csv")
			model := filepath.Join(dir, "model.json")
			clusters := filepath.Join(dir, "clusters.csv")
			mustRun(t, "train", "--quiet", "--in", recs, "--out", model)
			mustRun(t, "dedupe", "--quiet", "--model", model, "--in", recs, "--out", clusters)
			out := mustRun(t, "eval", "--json", "--truth", truth, "--pred", clusters)
			var m struct {
				Precision, Recall float64
			}
			if err := json.Unmarshal([]byte(out), &m); err != nil {
				t.Fatalf("eval --json: %v\n%s", err, out)
			}
			if m.Precision < tt.precision || m.Recall < tt.rec {
				t.Errorf("precision %.4f recall %.4f, floors %.3f and %.3f", m.Precision, m.Recall, tt.precision, tt.rec)
			}
			t.Logf("precision %.4f recall %.4f", m.Precision, m.Recall)
		})
	}
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := runCmd(t, "", args...)
	if err != nil {
		t.Fatalf("mpictl %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

// FuzzConvertFebrl feeds arbitrary text to the FEBRL converter: it returns
// records or an error naming a line, and never panics.
func FuzzConvertFebrl(f *testing.F) {
	header := strings.Join(febrlColumns, ", ") + "\n"
	f.Add(header + "rec-1-org, mitchell, green, 7, wallaby place, delmar, cleveland, 2119, sa, 19560409, 1804974\n")
	f.Add(header + "rec-1-dup-0, , , , , , , , , , \r\n")
	f.Add("rec_id\nrec-1\n")
	f.Fuzz(func(t *testing.T, in string) {
		n := 0
		err := convertFebrl(strings.NewReader(in), "febrl-x", func(r matching.Raw, person string) error {
			if r.LocalID == "" || person == "" {
				t.Fatalf("record without an ID or a person: %+v %q", r, person)
			}
			n++
			return nil
		})
		if err != nil && !strings.HasPrefix(err.Error(), "line ") && !strings.Contains(err.Error(), "token too long") {
			t.Fatalf("error %q names no line", err)
		}
	})
}
