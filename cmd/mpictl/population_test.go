package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vnhealth/mpi/matching"
)

func TestPopulationModel(t *testing.T) {
	t.Parallel()
	m := matching.DefaultModel()
	if m.Training == nil || m.Training.Records < 2 {
		t.Fatal("the embedded model has no training record count; the test needs one")
	}
	trained := m.Training.Records
	untrained := *m
	untrained.Training = nil
	for _, tc := range []struct {
		name  string
		model *matching.Model
		n     int
		prior float64
	}{
		{"empty store", m, 0, m.Prior},
		{"smaller than the training data", m, trained / 10, m.Prior},
		{"the training size", m, trained, m.Prior},
		{"ten times larger", m, 10*trained - 9, m.Prior / 10},
		{"no training count", &untrained, 10 * trained, m.Prior},
	} {
		got := populationModel(tc.model, tc.n)
		if diff := got.Prior - tc.prior; diff > 1e-12 || diff < -1e-12 {
			t.Errorf("%s: prior %g, want %g", tc.name, got.Prior, tc.prior)
		}
		if got.Thresholds != tc.model.Thresholds {
			t.Errorf("%s: thresholds changed", tc.name)
		}
	}
	if m.Prior != matching.DefaultModel().Prior {
		t.Error("populationModel changed the model it was given")
	}
}

func TestCountRecords(t *testing.T) {
	t.Parallel()
	in := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(in, []byte(storeInput), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := countRecords(t.Context(), in); err != nil || n != 4 {
		t.Errorf("countRecords = %d, %v; want the 4 readable rows", n, err)
	}
	if n, err := countRecords(t.Context(), "-"); err != nil || n != 0 {
		t.Errorf("countRecords(stdin) = %d, %v; want 0", n, err)
	}
}

// TestImportCPUProfile: --cpuprofile writes a profile and is left out of
// the help text.
func TestImportCPUProfile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(in, []byte(storeInput), 0o600); err != nil {
		t.Fatal(err)
	}
	prof := filepath.Join(dir, "cpu.pprof")
	if _, stderr, err := runCmd(t, "", "import", "--db", filepath.Join(dir, "mpi.db"), "--in", in, "--quiet", "--cpuprofile", prof); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	if fi, err := os.Stat(prof); err != nil || fi.Size() == 0 {
		t.Errorf("profile: %v (size %d)", err, fi.Size())
	}
	for _, cmd := range []string{"import", "load"} {
		_, stderr, _ := runCmd(t, "", cmd, "-h")
		if strings.Contains(stderr, "cpuprofile") || !strings.Contains(stderr, "-db") {
			t.Errorf("%s -h:\n%s\nwant the flags without cpuprofile", cmd, stderr)
		}
	}
}

// TestLoadSearchSkipsUnsearchable: load --op search counts and skips a
// record that gives a search nothing to search by, and goes on.
func TestLoadSearchSkipsUnsearchable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "mpi.db")
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(in, []byte(storeInput), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runCmd(t, "", "import", "--db", db, "--in", in, "--quiet"); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	// The second row has only identifiers, which a clinician's search by
	// demographics leaves out.
	queries := filepath.Join(dir, "q.csv")
	rows := storeInput[:strings.Index(storeInput, "\n")+1] +
		"BV01,1,Nguyễn Văn An,M,07/05/1990,,,01,\n" +
		"BV09,7,,,,001090099999,0911111111,,\n" +
		"BV01,2,Trần Thị Bình,F,1985-01-02,,,79,\n"
	if err := os.WriteFile(queries, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runCmd(t, "", "load", "--db", db, "--in", queries, "--op", "search", "--workers", "2", "--json")
	if err != nil {
		t.Fatalf("load: %v\n%s", err, stderr)
	}
	var rep loadReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("report %q: %v", stdout, err)
	}
	if rep.Calls != 2 || rep.Skipped != 1 || rep.CandidatesMean < 1 {
		t.Errorf("report %+v: want 2 searches that found their person and 1 skipped", rep)
	}
}
