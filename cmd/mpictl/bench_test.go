package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnhealth/mpi/internal/pgtest"
	"github.com/vnhealth/mpi/internal/proctest"
)

// server is an mpid process a bench test runs.
type server struct {
	grpc, http string
	stderr     proctest.Buffer
}

var adminTokenRE = regexp.MustCompile(`(?m)^\s+(mpi_[A-Za-z0-9_-]{43})$`)

// startServer runs mpid with args on loopback ports, waits until it
// listens, and stops it with SIGTERM when t ends (failing t if it does not
// exit cleanly).
func startServer(t *testing.T, tokens string, args ...string) *server {
	t.Helper()
	dir := t.TempDir()
	addrFile := filepath.Join(dir, "addrs")
	cmd := exec.Command(binary(t, "../mpid", "mpid"), append([]string{"--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0",
		"--addr-file", addrFile, "--tokens", tokens, "--log-level", "warn"}, args...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	s := &server{}
	cmd.Stderr = &s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if err := <-done; err != nil {
			t.Errorf("mpid: %v", err)
		}
	})
	for deadline := time.Now().Add(30 * time.Second); ; {
		if b, err := os.ReadFile(addrFile); err == nil && strings.Count(string(b), "\n") == 2 {
			for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				k, v, _ := strings.Cut(line, "=")
				if k == "grpc" {
					s.grpc = v
				} else {
					s.http = v
				}
			}
			return s
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("mpid exited before listening: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("mpid did not listen within 30 s")
		}
	}
}

// adminToken is the token of mpid's first-run message.
func (s *server) adminToken(t *testing.T) string {
	t.Helper()
	m := adminTokenRE.FindStringSubmatch(s.stderr.String())
	if m == nil {
		t.Fatal("no admin token in mpid's first-run output")
	}
	return m[1]
}

// bench runs `mpictl bench` with MPI_TOKEN set and decodes its JSON report.
func bench(t *testing.T, token string, args ...string) (benchReport, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string {
		if k == "MPI_TOKEN" {
			return token
		}
		return ""
	}
	err := run(t.Context(), append([]string{"bench", "--json"}, args...), getenv, strings.NewReader(""), &out, &errOut)
	var rep benchReport
	if jerr := json.Unmarshal(out.Bytes(), &rep); jerr != nil {
		t.Fatalf("bench %v: report %q: %v (run: %v; stderr %s)", args, out.String(), jerr, err, errOut.String())
	}
	return rep, err
}

// TestBenchAgainstMpid loads a real mpid on the embedded store over gRPC
// and REST: every record is resolved (each then readable by its source
// key), searched for and read, failures are counted by status code, and
// the server's memory comes from its /metrics.
func TestBenchAgainstMpid(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs mpid")
	}
	t.Parallel()
	in, lines := faultRecords(t, 150)
	n := len(lines)
	tokens := filepath.Join(t.TempDir(), "tokens.json")
	s := startServer(t, tokens, "--db", filepath.Join(t.TempDir(), "mpi.db"))
	admin := s.adminToken(t)

	half := n / 2
	rep, err := bench(t, admin, "--grpc", s.grpc, "--metrics", "http://"+s.http, "--in", in, "--limit", strconv.Itoa(half), "--workers", "4")
	if err != nil {
		t.Fatalf("bench resolve over gRPC: %v", err)
	}
	if rep.Op != "resolve" || rep.Transport != "grpc" || rep.Calls != half || len(rep.Failed) != 0 || rep.PerSecond <= 0 || rep.P99ms <= 0 {
		t.Errorf("resolve over gRPC: %+v", rep)
	}
	if len(rep.Servers) != 1 || rep.Servers[0].RSSPeakMB < rep.Servers[0].RSSStartMB || rep.Servers[0].RSSStartMB <= 0 {
		t.Errorf("server memory: %+v", rep.Servers)
	}
	rep, err = bench(t, admin, "--rest", "http://"+s.http, "--in", in, "--skip", strconv.Itoa(half), "--workers", "4")
	if err != nil {
		t.Fatalf("bench resolve over REST: %v", err)
	}
	if rep.Transport != "rest" || rep.Calls != n-half || rep.CandidatesMean == 0 {
		t.Errorf("resolve over REST: %+v", rep)
	}

	// Every record is stored: reading its person never fails; reads
	// repeat, so the person cache answers some.
	rep, err = bench(t, admin, "--rest", "http://"+s.http, "--in", in, "--op", "get", "--calls", strconv.Itoa(3*n))
	if err != nil {
		t.Fatalf("bench get: %v", err)
	}
	if rep.Calls != 3*n || rep.CandidatesMean < 1 || rep.Cache == nil || rep.Cache.Gets != int64(3*n) || rep.Cache.Hits == 0 || rep.Cache.StoreLoads == 0 {
		t.Errorf("get over REST: %+v, cache %+v", rep, rep.Cache)
	}
	for _, tr := range [][]string{{"--grpc", s.grpc}, {"--rest", "http://" + s.http}} {
		rep, err = bench(t, admin, append(tr, "--in", in, "--op", "search")...)
		if err != nil {
			t.Fatalf("bench search %s: %v", tr[0], err)
		}
		if rep.Calls+rep.Skipped != n || rep.Calls == 0 || rep.CandidatesMean < 1 {
			t.Errorf("search %s: %+v", tr[0], rep)
		}
	}

	// A clinician may not resolve: every call fails, counted by code, and
	// the command fails. (Its token, just added, is known at once.)
	clin := addToken(t, tokens, "--role", "clinician", "--name", "dr-bench")
	for _, tr := range [][]string{{"--grpc", s.grpc}, {"--rest", "http://" + s.http}} {
		rep, err = bench(t, clin, append(tr, "--in", in, "--limit", "10")...)
		if err == nil || rep.Failed["PermissionDenied"] != 10 || rep.Calls != 0 {
			t.Errorf("resolve as a clinician over %s: err %v, report %+v", tr[0], err, rep)
		}
	}
	rep, err = bench(t, "mpi_not-a-token", "--grpc", s.grpc, "--in", in, "--limit", "3")
	if err == nil || rep.Failed["Unauthenticated"] != 3 {
		t.Errorf("unknown token: err %v, failed %v", err, rep.Failed)
	}
}

// TestBenchReplicas spreads reads over three mpid replicas sharing one
// PostgreSQL database and their person cache: bench reports each
// replica's memory and the cache summed over them, peers' loads included.
func TestBenchReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs mpid")
	}
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	in, lines := faultRecords(t, 60)
	n := len(lines)
	tokens := filepath.Join(t.TempDir(), "tokens.json")
	selfs := make([]string, 3)
	for i := range selfs {
		selfs[i] = "http://" + proctest.FreeAddr(t)
	}
	secret := make([]byte, 16)
	rand.Read(secret)
	var grpcs, https []string
	var admin string
	for i, self := range selfs {
		s := startServer(t, tokens, "--database-url", dbURL, "--peers", strings.Join(selfs, ","), "--self", self, "--peer-token", hex.EncodeToString(secret))
		if i == 0 {
			admin = s.adminToken(t) // the others read the tokens file it wrote
		}
		grpcs, https = append(grpcs, s.grpc), append(https, "http://"+s.http)
	}
	if _, err := bench(t, admin, "--grpc", strings.Join(grpcs, ","), "--in", in, "--workers", "4"); err != nil {
		t.Fatalf("resolve over 3 replicas: %v", err)
	}
	rep, err := bench(t, admin, "--rest", strings.Join(https, ","), "--in", in, "--op", "get", "--calls", strconv.Itoa(4*n))
	if err != nil {
		t.Fatalf("get over 3 replicas: %v", err)
	}
	if rep.Replicas != 3 || len(rep.Servers) != 3 || rep.Calls != 4*n {
		t.Fatalf("report: %+v", rep)
	}
	c := rep.Cache
	if c == nil || c.Gets < int64(4*n) || c.Hits == 0 || c.PeerLoads == 0 || c.HitRatio <= 0 || c.HitRatio >= 1 {
		t.Errorf("person cache over 3 replicas: %+v", c)
	}
}

// addToken runs `mpid token add` on a tokens file and returns the token.
func addToken(t *testing.T, tokens string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary(t, "../mpid", "mpid"), append([]string{"token", "add", "--tokens", tokens}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("mpid token add: %v", err)
	}
	return strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
}

// TestBenchReportsFailuresHonestly: calls to a replica that is not there
// fail as Unavailable, count as failures and not as throughput, and a
// /metrics that does not answer is said on stderr.
func TestBenchReportsFailuresHonestly(t *testing.T) {
	t.Parallel()
	in, _ := faultRecords(t, 5)
	dead := "http://" + proctest.FreeAddr(t) // nothing listens there
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"bench", "--json", "--rest", dead, "--in", in, "--limit", "4", "--workers", "2"},
		func(string) string { return "tok" }, strings.NewReader(""), &out, &errOut)
	var rep benchReport
	if jerr := json.Unmarshal(out.Bytes(), &rep); jerr != nil {
		t.Fatalf("report %q: %v", out.String(), jerr)
	}
	if err == nil || rep.Failed["Unavailable"] != 4 || rep.Calls != 0 || rep.PerSecond != 0 || len(rep.Servers) != 0 {
		t.Errorf("bench against nothing: err %v, report %+v", err, rep)
	}
	if !strings.Contains(errOut.String(), "/metrics") {
		t.Errorf("stderr says nothing of the /metrics that did not answer: %q", errOut.String())
	}
	for _, bad := range []string{"127.0.0.1:1", "ftp://127.0.0.1:1", "http://"} {
		if _, _, err := runCmd(t, "", "bench", "--rest", bad, "--in", in); !errors.Is(err, errUsage) {
			t.Errorf("--rest %q: %v, want a usage error", bad, err)
		}
	}
}

func TestParseMetrics(t *testing.T) {
	t.Parallel()
	got, err := parseMetrics(strings.NewReader(`# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 2.039376e+09
mpi_peercache_gets_total 20000
mpi_peercache_hits_total 540 1700000000000
mpi_peercache_bytes NaN
mpi_grpc_requests_total{method="x",code="OK"} 7
go_goroutines 12
`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{rssMetric: 2.039376e9, "mpi_peercache_gets_total": 20000, "mpi_peercache_hits_total": 540}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseMetrics mismatch (-want +got):\n%s", diff)
	}
}

// FuzzParseMetrics: whatever a /metrics endpoint answers, parsing neither
// panics nor keeps a sample bench does not report or a value that is not
// a finite number.
func FuzzParseMetrics(f *testing.F) {
	f.Add("process_resident_memory_bytes 1e6\nmpi_peercache_hits_total 3\n")
	f.Add("mpi_peercache_gets_total +Inf\nmpi_peercache_x 1 2 3\n# comment\n\n")
	f.Fuzz(func(t *testing.T, body string) {
		vals, err := parseMetrics(strings.NewReader(body))
		if err != nil {
			return // a line over 1 MiB
		}
		for name, v := range vals {
			if name != rssMetric && !strings.HasPrefix(name, "mpi_peercache_") {
				t.Errorf("kept %q", name)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s = %v", name, v)
			}
		}
	})
}
