package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vnhealth/mpi/internal/pgtest"
	"github.com/vnhealth/mpi/matching/synth"
	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/bolt"
	"github.com/vnhealth/mpi/store/postgres"
)

// builds holds the binaries tests build, by package directory, in binDir
// (made and removed by TestMain).
var (
	builds sync.Map // string → func() (string, error)
	binDir string
)

// mpictlBinary builds this command once per test run: the fault test kills
// a real process.
func mpictlBinary(t *testing.T) string { return binary(t, ".", "mpictl") }

// binary builds the command in dir once per test run and returns its path.
func binary(t *testing.T, dir, name string) string {
	t.Helper()
	build, _ := builds.LoadOrStore(dir, sync.OnceValues(func() (string, error) {
		path := filepath.Join(binDir, name)
		out, err := exec.Command("go", "build", "-o", path, dir).CombinedOutput()
		if err != nil {
			return "", &buildError{err: err, out: string(out)}
		}
		return path, nil
	}))
	path, err := build.(func() (string, error))()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + e.out }

// faultRecords writes a generated population and returns its path and the
// record keys by input line.
func faultRecords(t *testing.T, persons int) (string, map[int]store.RecordKey) {
	t.Helper()
	recs, err := synth.Generate(synth.Options{Persons: persons, Seed: 77})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "records.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteRecords(f, recs); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	// One header line, then one line per record (generated values hold no
	// newlines).
	lines := make(map[int]store.RecordKey, len(recs))
	for i, r := range recs {
		lines[i+2] = store.RecordKey{Source: r.Source, LocalID: r.LocalID}
	}
	return path, lines
}

// TestImportSurvivesSIGKILL kills a real `mpictl import` mid-run, checks
// that every record it acknowledged is stored and linked, runs the import
// again to the end, and checks `verify` passes and nothing is duplicated.
func TestImportSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real process")
	}
	t.Parallel()
	bin := mpictlBinary(t)
	in, lines := faultRecords(t, 1200)
	backends := map[string]struct {
		flags []string
		open  func(t *testing.T) store.Store
	}{}
	boltPath := filepath.Join(t.TempDir(), "mpi.db")
	backends["bolt"] = struct {
		flags []string
		open  func(t *testing.T) store.Store
	}{[]string{"--db", boltPath}, func(t *testing.T) store.Store {
		s, err := bolt.Open(boltPath, bolt.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}}
	for name, b := range backends {
		t.Run(name, func(t *testing.T) { testImportKill(t, bin, in, lines, b.flags, b.open) })
	}
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.NewDatabase(t)
		testImportKill(t, bin, in, lines, []string{"--database-url", url}, func(t *testing.T) store.Store {
			s, err := postgres.Open(context.Background(), url, postgres.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return s
		})
	})
}

func testImportKill(t *testing.T, bin, in string, lines map[int]store.RecordKey, storeFlags []string, open func(t *testing.T) store.Store) {
	ctx := context.Background()
	args := append([]string{"import", "--in", in, "--batch", "25", "--ack", "--quiet"}, storeFlags...)
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill once a third of the file is acknowledged, then read what the
	// process had written before it died: the last acknowledgement.
	sc := bufio.NewScanner(stdout)
	acked, killed := 0, false
	for sc.Scan() {
		n, err := strconv.Atoi(strings.TrimPrefix(sc.Text(), "committed "))
		if err != nil {
			t.Fatalf("unexpected output %q", sc.Text())
		}
		acked = n
		if !killed && acked > len(lines)/3 {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("import finished (%v) before it could be killed: make the input bigger", err)
	}
	if acked >= len(lines)+1 {
		t.Fatalf("import acknowledged every line (%d) before the kill took effect", acked)
	}

	// Everything acknowledged is there, each record with one active link.
	s := open(t)
	err = s.View(ctx, func(tx store.Tx) error {
		for line := 2; line <= acked; line++ {
			k := lines[line]
			if _, err := tx.Record(ctx, k); err != nil {
				t.Errorf("line %d (%s) acknowledged but not stored: %v", line, k, err)
				continue
			}
			if _, err := tx.Link(ctx, k); err != nil {
				t.Errorf("line %d (%s) stored without a link: %v", line, k, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// The same import again goes to the end; then once more changes nothing.
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, append(args, storeFlags...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("mpictl %s: %v\n%s", args[0], err, out)
		}
		return string(out)
	}
	run("import", "--in", in, "--batch", "25", "--quiet")
	if out := run("verify"); !strings.Contains(out, "ok") {
		t.Errorf("verify after the restart: %s", out)
	}
	s = open(t)
	var before store.Counts
	if err := s.View(ctx, func(tx store.Tx) (err error) { before, err = tx.Counts(ctx); return err }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if before.ActiveRecords != int64(len(lines)) {
		t.Errorf("%d active records after the restarted import, want %d", before.ActiveRecords, len(lines))
	}
	run("import", "--in", in, "--batch", "25", "--quiet")
	s = open(t)
	defer s.Close()
	var after store.Counts
	if err := s.View(ctx, func(tx store.Tx) (err error) { after, err = tx.Counts(ctx); return err }); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("a third run of the same import changed the store: %+v, then %+v", before, after)
	}
}
