// Command mpid is the MPI server: gRPC (proto/mpi/v1) and the same API as
// REST/JSON through grpc-gateway, with authentication by bearer tokens or
// client certificates, authorization per method and role, an audit log,
// Prometheus metrics and health endpoints.
//
//	mpid [flags]                                  serve (see mpid --help)
//	mpid token add --name N --role R [--source S]  add a principal's token to the tokens file
//
// On the first run, when the tokens file does not exist, mpid creates it
// with one admin principal and prints that principal's token once on
// standard error; the file keeps only its SHA-256. It listens on
// 127.0.0.1 unless told otherwise.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mpid:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// errUsage marks a command line that could not be understood.
var errUsage = errors.New("usage")

// run serves, or runs the subcommand args name.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "token" {
		return runToken(args[1:], getenv, stdout, stderr)
	}
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	return serve(ctx, cfg, stderr)
}
