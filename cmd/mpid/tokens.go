package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/vnhealth/mpi/api/auth"
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
	fmt.Fprintf(stderr, "mpid: added a token for principal %s (role %s) to %s; a running mpid picks it up within seconds\n", *name, role, *path)
	fmt.Fprintln(stdout, token)
	return nil
}

// loadTable reads the tokens file into a table.
func loadTable(path string) (*auth.Table, error) {
	f, err := auth.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return auth.NewTable(f)
}

// watchTokens reloads the tokens file into g when its modification time
// or size changes, checking every interval until ctx ends. A file that no
// longer parses is logged and the principals in force are kept.
func watchTokens(ctx context.Context, path string, g *auth.Guard, interval time.Duration, log *slog.Logger) {
	stamp := func() (time.Time, int64) {
		fi, err := os.Stat(path)
		if err != nil {
			return time.Time{}, -1
		}
		return fi.ModTime(), fi.Size()
	}
	mt, sz := stamp()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		m, s := stamp()
		if m.Equal(mt) && s == sz {
			continue
		}
		mt, sz = m, s
		tab, err := loadTable(path)
		if err != nil {
			log.Error("tokens file changed but cannot be used; keeping the principals in force", "file", path, "err", err)
			continue
		}
		g.SetTable(tab)
		log.Info("tokens file reloaded", "file", path)
	}
}
