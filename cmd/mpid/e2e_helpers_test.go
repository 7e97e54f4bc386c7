package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/vnhealth/mpi/internal/proctest"
)

// mpidBin is the mpid binary the end-to-end tests run, built once by
// TestMain.
var mpidBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mpid-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mpidBin = filepath.Join(dir, "mpid")
	cmd := exec.Command("go", "build", "-o", mpidBin, ".")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building mpid:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// daemon is a running mpid.
type daemon struct {
	t          *testing.T
	dir        string
	cmd        *exec.Cmd
	stderr     *proctest.Buffer
	grpcAddr   string
	httpAddr   string
	adminToken string // from the first-run message, if there was one
	done       chan error
	tls        *tls.Config // client TLS config, when the server uses TLS
}

var tokenRE = regexp.MustCompile(`(?m)^\s+(mpi_[A-Za-z0-9_-]{43})$`)

// startMpid runs mpid in dir (a store and tokens file there unless args
// name others) on loopback port 0 and waits until it has written its
// addresses. It is stopped with SIGTERM when the test ends.
func startMpid(t *testing.T, dir string, args ...string) *daemon {
	t.Helper()
	addrFile := filepath.Join(dir, "addrs")
	os.Remove(addrFile)
	base := []string{"--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--addr-file", addrFile,
		"--tokens", filepath.Join(dir, "tokens.json")}
	if !hasFlag(args, "--database-url") && !hasFlag(args, "--db") {
		base = append(base, "--db", filepath.Join(dir, "mpi.db"))
	}
	cmd := exec.Command(mpidBin, append(base, args...)...)
	cmd.Env = cleanEnv()
	d := &daemon{t: t, dir: dir, cmd: cmd, stderr: &proctest.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = d.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- cmd.Wait() }()
	t.Cleanup(func() { d.stop() })
	for {
		b, err := os.ReadFile(addrFile)
		if err == nil && strings.Count(string(b), "\n") == 2 {
			for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				k, v, _ := strings.Cut(line, "=")
				switch k {
				case "grpc":
					d.grpcAddr = v
				case "http":
					d.httpAddr = v
				}
			}
			break
		}
		select {
		case err := <-d.done:
			d.done <- err
			t.Fatalf("mpid exited before listening (%v):\n%s", err, d.stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if m := tokenRE.FindStringSubmatch(d.stderr.String()); m != nil {
		d.adminToken = m[1]
	}
	return d
}

func hasFlag(args []string, f string) bool {
	for _, a := range args {
		if a == f || strings.HasPrefix(a, f+"=") {
			return true
		}
	}
	return false
}

// cleanEnv is the environment without MPI_* variables, so that a
// developer's settings do not leak into the server under test.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MPI_") {
			env = append(env, kv)
		}
	}
	return env
}

// stop sends SIGTERM and waits for mpid to exit; it returns the exit
// error (nil for a clean exit).
func (d *daemon) stop() error {
	// (Not cmd.ProcessState: the goroutine in Wait writes it. Signalling
	// a process that has exited does nothing; d.done then holds how.)
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-d.done:
		d.done <- err
		return err
	case <-time.After(60 * time.Second):
		d.cmd.Process.Kill()
		err := <-d.done
		d.done <- err
		d.t.Errorf("mpid did not stop within a minute of SIGTERM:\n%s", d.stderr)
		return err
	}
}

// conn is a gRPC client connection to d.
func (d *daemon) conn(opts ...grpc.DialOption) *grpc.ClientConn {
	d.t.Helper()
	if len(opts) == 0 {
		creds := insecure.NewCredentials()
		if d.tls != nil {
			creds = credentials.NewTLS(d.tls)
		}
		opts = []grpc.DialOption{grpc.WithTransportCredentials(creds)}
	}
	c, err := grpc.NewClient(d.grpcAddr, opts...)
	if err != nil {
		d.t.Fatal(err)
	}
	d.t.Cleanup(func() { c.Close() })
	return c
}

// bearer returns ctx carrying token as its authorization.
func bearer(ctx context.Context, token string) context.Context {
	if token == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
}

// httpDo sends a REST request to d and returns the status, body and
// response.
func (d *daemon) httpDo(client *http.Client, method, path, token, body string, hdr ...string) (int, string, http.Header) {
	d.t.Helper()
	scheme := "http"
	if d.tls != nil {
		scheme = "https"
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(d.t.Context(), method, scheme+"://"+d.httpAddr+path, rd)
	if err != nil {
		d.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		d.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// addToken runs `mpid token add` on d's tokens file (or dir's) and
// returns the token.
func addToken(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(mpidBin, append([]string{"token", "add", "--tokens", filepath.Join(dir, "tokens.json")}, args...)...)
	cmd.Env = cleanEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("mpid token add %v: %v\n%s", args, err, stderr.String())
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Scan()
	return sc.Text()
}
