// Command mpictl is the operator's and integrator's tool for the MPI: it
// generates synthetic populations, explains a comparison of two records,
// evaluates a clustering against a truth file and, as the project grows,
// trains models, deduplicates backlogs and manages stores.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mpictl:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// errUsage marks a command line that could not be understood.
var errUsage = errors.New("usage")

// env is what a subcommand may touch of the outside world.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one mpictl subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"gen":      {"write a synthetic Vietnamese population (records.csv, truth.csv)", runGen},
		"explain":  {"compare two records read from stdin and explain the score", runExplain},
		"accuracy": {"pairwise decisions of a model on labelled records (true pairs, hard non-pairs, households)", runAccuracy},
		"blocks":   {"blocking statistics: blocks, sizes, candidate pairs, reduction ratio, pairs completeness", runBlocks},
		"dedupe":   {"deduplicate a file of records into clusters (parse, block, score in parallel, cluster safely)", runDedupe},
		"eval":     {"pairwise precision, recall and F1 of a clustering against a truth file", runEval},
		"febrl":    {"convert FEBRL benchmark files into the exchange format and a truth file", runFebrl},
		"train":    {"estimate a model from unlabelled records (u by sampling, m by EM, term frequencies)", runTrain},
		"import":   {"resolve a file of records into a store, record by record in file order, in batched transactions", runImport},
		"export":   {"write source,local_id,eid for every active record of a store", runExport},
		"backup":   {"write a consistent copy of a live store", runBackup},
		"verify":   {"check a store's integrity: links, redirects, golden records, event-log replay, audit chain", runVerify},
		"bench":    {"load a running mpid (or replicas) over gRPC or REST: throughput, latency, failures, memory, cache hits", runBench},
		"load":     {"measure Resolve or search throughput and latency against a store, in process", runLoad},
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout, cmds)
		if len(args) == 0 {
			return fmt.Errorf("%w: no command given", errUsage)
		}
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		usage(stderr, cmds)
		return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	return c.run(ctx, env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}, args[1:])
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: mpictl <command> [flags]")
	fmt.Fprintln(w)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'mpictl <command> -h' for the flags of one command.")
}
