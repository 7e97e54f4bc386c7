package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestDedupe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	records, truth, _ := writePopulation(t, dir, 800, 11)
	clusters, review := filepath.Join(dir, "clusters.csv"), filepath.Join(dir, "review.csv")
	_, summary, err := runCmd(t, "", "dedupe", "--in", records, "--out", clusters, "--review-out", review)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"candidate pairs", "clusters", "peak memory", "score"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	got := readCSV(t, clusters)
	if diff := cmp.Diff([]string{"source", "local_id", "cluster_id"}, got[0]); diff != "" {
		t.Errorf("clusters header mismatch (-want +got):\n%s", diff)
	}
	if n := len(readCSV(t, records)); len(got) != n {
		t.Errorf("%d cluster rows for %d record rows", len(got), n)
	}
	rv := readCSV(t, review)
	if diff := cmp.Diff([]string{"source_a", "local_id_a", "source_b", "local_id_b", "probability", "weight", "reason", "cluster_a", "cluster_b"}, rv[0]); diff != "" {
		t.Errorf("review header mismatch (-want +got):\n%s", diff)
	}
	if len(rv) < 2 {
		t.Error("no pair to review in a population with twins and newborns")
	}

	// The clustering is good and safe on generated data.
	out := mustRun(t, "eval", "--json", "--truth", truth, "--pred", clusters)
	var m struct {
		Precision, Recall float64
		ByRole            map[string]int `json:"false_merges_by_role"`
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	if m.Precision < 0.995 || m.Recall < 0.9 {
		t.Errorf("precision %.4f recall %.4f", m.Precision, m.Recall)
	}
	if m.ByRole["newborn"] != 0 {
		t.Errorf("%d clusters merge a newborn with someone else", m.ByRole["newborn"])
	}

	// Same input, same clusters.
	again := filepath.Join(dir, "again.csv")
	mustRun(t, "dedupe", "--quiet", "--in", records, "--out", again)
	if diff := cmp.Diff(got, readCSV(t, again)); diff != "" {
		t.Errorf("a second run differs (-first +second):\n%s", diff)
	}
}

func TestDedupeUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"dedupe"}, {"dedupe", "--in", "x.csv"}, {"dedupe", "--bogus"}} {
		if _, _, err := runCmd(t, "", args...); !errors.Is(err, errUsage) {
			t.Errorf("mpictl %v: error %v, want a usage error", args, err)
		}
	}
	if _, _, err := runCmd(t, "", "dedupe", "--in", "/nonexistent.csv", "--out", filepath.Join(t.TempDir(), "c.csv")); err == nil {
		t.Error("a missing input file: want an error")
	}
}

// TestDedupeKeepsTheLatestVersion: a source record sent twice is one record
// (the later row), and the summary counts the earlier version.
func TestDedupeKeepsTheLatestVersion(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "records.csv")
	data := "source,local_id,full_name,birth_date\n" +
		"BV01,1,Nguyễn Văn An,1990-05-07\n" +
		"BV01,2,Trần Thị Bích,1985-01-02\n" +
		"BV01,1,Nguyễn Văn Anh,1990-05-07\n"
	if err := os.WriteFile(in, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "clusters.csv")
	_, summary, err := runCmd(t, "", "dedupe", "--in", in, "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if rows := readCSV(t, out); len(rows) != 3 {
		t.Errorf("%d rows, want a header and 2 records: %v", len(rows), rows)
	}
	if !strings.Contains(summary, "earlier version") {
		t.Errorf("summary does not count the replaced version:\n%s", summary)
	}
}
