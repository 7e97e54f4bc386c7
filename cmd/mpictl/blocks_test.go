package main

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vnhealth/mpi/blocking"
	"github.com/vnhealth/mpi/matching/synth"
)

// writePopulation writes a generated population into dir and returns the
// paths of records.csv and truth.csv, and the generated records.
func writePopulation(t *testing.T, dir string, persons int, seed uint64) (string, string, []synth.Record) {
	t.Helper()
	recs, err := synth.Generate(synth.Options{Persons: persons, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	rp, tp := filepath.Join(dir, "records.csv"), filepath.Join(dir, "truth.csv")
	for path, write := range map[string]func(io.Writer) error{
		rp: func(w io.Writer) error { return synth.WriteRecords(w, recs) },
		tp: func(w io.Writer) error { return synth.WriteTruth(w, recs) },
	} {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := write(f); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return rp, tp, recs
}

func TestRunBlocksGolden(t *testing.T) {
	t.Parallel()
	rp, tp, _ := writePopulation(t, t.TempDir(), 300, 5)
	out, _, err := runCmd(t, "", "blocks", "--quiet", "--in", rp, "--truth", tp)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "blocks.golden", out)
	out, _, err = runCmd(t, "", "blocks", "--quiet", "--in", rp, "--max-block", "4")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "blocks-capped.golden", out)
}

func TestRunBlocksJSONAndPlots(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rp, tp, recs := writePopulation(t, dir, 200, 9)
	plots := filepath.Join(dir, "plots")
	out, _, err := runCmd(t, "", "blocks", "--quiet", "--json", "--in", rp, "--truth", tp, "--plot", plots, "--plot-pairs", "500")
	if err != nil {
		t.Fatal(err)
	}
	var st blocking.Stats
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("--json output is not one JSON object: %v", err)
	}
	if st.Records != len(recs) || len(st.Rules) != int(blocking.NumRules) || !st.Truth || st.TruePairs == 0 {
		t.Errorf("JSON stats: records %d (want %d), %d rules, truth %v, true pairs %d", st.Records, len(recs), len(st.Rules), st.Truth, st.TruePairs)
	}
	if c := st.Union.Completeness; c < 0.99 || c > 1 {
		t.Errorf("union pairs completeness %v, want at least 0.99 on generated data", c)
	}
	for _, name := range []string{"block-sizes.svg", "match-weights.svg"} {
		b, err := os.ReadFile(filepath.Join(plots, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := xml.Unmarshal(b, new(struct {
			XMLName xml.Name `xml:"svg"`
		})); err != nil {
			t.Errorf("%s is not an SVG document: %v", name, err)
		}
		// Counts and rule names only: no record's phone or name.
		for i := range recs {
			for _, v := range []string{recs[i].Phone, recs[i].FullName} {
				if len(v) > 4 && strings.Contains(string(b), v) {
					t.Fatalf("%s holds a value of record %d", name, i)
				}
			}
		}
	}
	mw, _ := os.ReadFile(filepath.Join(plots, "match-weights.svg"))
	for _, want := range []string{"true pairs", "non-pairs", "review ≥", "match ≥", "one in"} {
		if !strings.Contains(string(mw), want) {
			t.Errorf("match-weights.svg lacks %q", want)
		}
	}
}

func TestRunBlocksUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
	}{
		{"no input", []string{"blocks"}},
		{"unknown flag", []string{"blocks", "--in", "x", "--nope"}},
		{"negative cap", []string{"blocks", "--in", "x", "--max-block", "-1"}},
		{"extra argument", []string{"blocks", "--in", "x", "y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := runCmd(t, "", tt.args...)
			if !errors.Is(err, errUsage) {
				t.Errorf("run(%q) = %v, want an error wrapping errUsage", tt.args, err)
			}
		})
	}
}

func TestCappedText(t *testing.T) {
	t.Parallel()
	got := []string{cappedText(nil), cappedText([]int{7}), cappedText([]int{9, 8, 7, 6})}
	if diff := cmp.Diff([]string{"0", "1 (7)", "4 (9,8,7,…)"}, got); diff != "" {
		t.Errorf("cappedText mismatch (-want +got):\n%s", diff)
	}
}
