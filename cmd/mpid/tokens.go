package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/vnhealth/mpi/api/auth"
	"github.com/vnhealth/mpi/internal/ticker"
)

// firstRunTokens creates the tokens file when it does not exist, with one
// admin principal named "admin", and prints its token — once — on w. It
// reports whether it created the file.
func firstRunTokens(path string, w io.Writer) (bool, error) {
	if _, err := os.Stat(path); err == nil {
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	var f auth.File
	token, err := f.AddToken("admin", auth.RoleAdmin, nil)
	if err != nil {
		return false, err
	}
	if err := auth.WriteFile(path, &f); err != nil {
		return false, err
	}
	fmt.Fprintf(w, `
mpid: first run — created the tokens file %s (mode 0600) with one admin principal.
mpid: its token is shown this once; the file keeps only its SHA-256:

    %s

mpid: send it as "authorization: Bearer <token>". Add principals with: mpid token add --tokens %s --role ROLE [--source CODE]

`, path, token, path)
	return true, nil
}

// runToken implements `mpid token add`.
func runToken(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("%w: want `mpid token add --role ROLE [--name NAME] [--source CODE]...`", errUsage)
	}
	fs := flag.NewFlagSet("mpid token add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tokens := defaultTokens
	if v := getenv(envName("tokens")); v != "" {
		tokens = v
	}
	path := fs.String("tokens", tokens, "tokens file ($MPI_TOKENS)")
	name := fs.String("name", "", "principal name (default ROLE or ROLE-SOURCE)")
	roleName := fs.String("role", "", "role: ingest, clinician, steward or admin")
	var sources []string
	fs.Func("source", "a source code an ingest principal may send records of (repeat for several)", func(s string) error {
		sources = append(sources, s)
		return nil
	})
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	role, err := auth.ParseRole(*roleName)
	if err != nil {
		return fmt.Errorf("%w: --role: %v", errUsage, err)
	}
	if *name == "" {
		*name = strings.Join(append([]string{string(role)}, sources...), "-")
	}
	f := &auth.File{}
	if _, err := os.Stat(*path); err == nil {
		if f, err = auth.ReadFile(*path); err != nil {
			return err
		}
	}
	token, err := f.AddToken(*name, role, sources)
	if err != nil {
		return err
	}
	if err := auth.WriteFile(*path, f); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "mpid: added a token for principal %s (role %s) to %s; a running mpid knows it from its first use\n", *name, role, *path)
	fmt.Fprintln(stdout, token)
	return nil
}

// tokensFile keeps the principals of the tokens file in force in a
// Guard: it reloads them when the file's content changes, on a timer
// (watch: removed tokens stop working within the interval) and when a
// caller presents an unknown token or certificate (refresh: a token just
// added works at once).
type tokensFile struct {
	path string
	log  *slog.Logger
	// every is how often at least refresh reads the file whole; between,
	// it reads it only when its size or modification time changed, so
	// that a flood of calls with unknown tokens costs a stat each, not a
	// read and a hash.
	every time.Duration
	now   func() time.Time
	mu    sync.Mutex
	sum   [sha256.Size]byte
	stamp fileStamp
	read  time.Time // the last whole read
	reads int       // whole reads, for tests
}

// fileStamp is what a stat tells of a file's content without reading it.
type fileStamp struct {
	size int64
	mod  time.Time
}

func stampOf(fi fs.FileInfo) fileStamp { return fileStamp{fi.Size(), fi.ModTime()} }

// tokensReread is how often at least the tokens file is read whole; mpid
// also watches it at this interval.
const tokensReread = 2 * time.Second

func newTokensFile(path string, log *slog.Logger) (*tokensFile, *auth.Table, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	f, err := auth.ParseFile(b)
	if err != nil {
		return nil, nil, err
	}
	tab, err := auth.NewTable(f)
	if err != nil {
		return nil, nil, err
	}
	tf := &tokensFile{path: path, log: log, every: tokensReread, now: time.Now, sum: sha256.Sum256(b), stamp: stampOf(fi)}
	tf.read = tf.now()
	return tf, tab, nil
}

// refresh returns the principals anew when the file changed since it was
// last read, else nil. A file that no longer parses is logged and the
// principals in force are kept. The file is read when its size or
// modification time changed, or when it was last read tf.every ago or
// more (a rewrite that kept both is found then).
func (tf *tokensFile) refresh() *auth.Table {
	tf.mu.Lock()
	defer tf.mu.Unlock()
	fi, err := os.Stat(tf.path)
	if err != nil {
		return nil
	}
	stamp, now := stampOf(fi), tf.now()
	if stamp == tf.stamp && now.Sub(tf.read) < tf.every {
		return nil
	}
	b, err := os.ReadFile(tf.path)
	if err != nil {
		return nil
	}
	tf.stamp, tf.read = stamp, now
	tf.reads++
	sum := sha256.Sum256(b)
	if sum == tf.sum {
		return nil
	}
	tf.sum = sum
	f, err := auth.ParseFile(b)
	if err == nil {
		var tab *auth.Table
		if tab, err = auth.NewTable(f); err == nil {
			tf.log.Info("tokens file reloaded", "file", tf.path, "principals", len(f.Principals))
			return tab
		}
	}
	tf.log.Error("tokens file changed but cannot be used; keeping the principals in force", "file", tf.path, "err", err)
	return nil
}

// watch applies refresh to g every interval until ctx ends (through the
// guard: see auth.Guard.Reload).
func (tf *tokensFile) watch(ctx context.Context, g *auth.Guard, interval time.Duration) {
	ticker.Every(ctx, interval, func() { g.Reload() })
}
