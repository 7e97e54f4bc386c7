package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeEvalFiles writes name→content into a fresh temporary directory.
func writeEvalFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRunEval(t *testing.T) {
	t.Parallel()
	dir := writeEvalFiles(t, map[string]string{
		"truth.csv": "source,local_id,person_id\nbv1,1,P1\nbv1,2,P1\nbv2,7,P1\nbv1,3,P2\nbv2,8,P2\nbv2,9,P3\n",
		"pred.csv":  "source,local_id,cluster_id\nbv1,1,A\nbv1,2,A\nbv2,7,B\nbv1,3,B\nbv2,8,B\n",
		"eids.csv":  "source,local_id,person_id,eid\nbv1,1,x,E1\nbv1,2,x,E1\nbv2,7,x,E1\nbv1,3,x,E2\nbv2,8,x,E2\nbv2,9,x,E3\n",
	})
	truth, pred, eids := filepath.Join(dir, "truth.csv"), filepath.Join(dir, "pred.csv"), filepath.Join(dir, "eids.csv")

	t.Run("json", func(t *testing.T) {
		t.Parallel()
		var stdout, stderr bytes.Buffer
		e := env{getenv: func(string) string { return "" }, stdout: &stdout, stderr: &stderr}
		if err := runEval(context.Background(), e, []string{"--truth", truth, "--pred", pred, "--json"}); err != nil {
			t.Fatalf("runEval: %v", err)
		}
		var got map[string]float64
		if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
			t.Fatalf("output is not one JSON object: %v", err)
		}
		want := map[string]float64{
			"records": 5, "missing": 1, "extra": 0, "true_pairs": 4, "predicted_pairs": 4,
			"true_positives": 2, "false_positives": 2, "false_negatives": 2,
			"precision": 0.5, "recall": 0.5, "f1": 0.5, "false_merges": 1, "splits": 1,
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("text with a named prediction column", func(t *testing.T) {
		t.Parallel()
		var stdout, stderr bytes.Buffer
		e := env{getenv: func(string) string { return "" }, stdout: &stdout, stderr: &stderr}
		if err := runEval(context.Background(), e, []string{"-truth", truth, "-pred", eids, "-pred-column", "eid"}); err != nil {
			t.Fatalf("runEval: %v", err)
		}
		for _, want := range []string{"records compared              6\n", "precision                1.0000\n", "F1                       1.0000\n"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("report lacks %q:\n%s", want, stdout.String())
			}
		}
	})
}

func TestRunEvalErrors(t *testing.T) {
	t.Parallel()
	dir := writeEvalFiles(t, map[string]string{
		"truth.csv": "source,local_id,person_id\nbv1,1,P1\n",
		"bad.csv":   "source,person_id\nbv1,P1\n",
	})
	truth, bad := filepath.Join(dir, "truth.csv"), filepath.Join(dir, "bad.csv")
	tests := []struct {
		name  string
		args  []string
		usage bool   // the error must wrap errUsage
		want  string // a part of the error text
	}{
		{name: "no flags", args: nil, usage: true, want: "--truth and --pred are required"},
		{name: "no pred", args: []string{"--truth", truth}, usage: true, want: "--truth and --pred are required"},
		{name: "unknown flag", args: []string{"--nope"}, usage: true, want: "flag provided but not defined"},
		{name: "stray argument", args: []string{"--truth", truth, "--pred", truth, "more"}, usage: true, want: "unexpected argument"},
		{name: "missing file", args: []string{"--truth", truth, "--pred", filepath.Join(dir, "none.csv")}, want: "no such file"},
		{name: "bad header", args: []string{"--truth", truth, "--pred", bad}, want: "missing column local_id"},
		{name: "missing column", args: []string{"--truth", truth, "--pred", truth, "--pred-column", "eid"}, want: "missing column eid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			e := env{getenv: func(string) string { return "" }, stdout: &stdout, stderr: &stderr}
			err := runEval(context.Background(), e, tt.args)
			if err == nil {
				t.Fatal("runEval succeeded, want an error")
			}
			if errors.Is(err, errUsage) != tt.usage {
				t.Errorf("errors.Is(%v, errUsage) = %v, want %v", err, !tt.usage, tt.usage)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestRunEvalHelp(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	e := env{getenv: func(string) string { return "" }, stdout: &stdout, stderr: &stderr}
	if err := runEval(context.Background(), e, []string{"-h"}); err != nil {
		t.Fatalf("runEval -h: %v", err)
	}
	if !strings.Contains(stderr.String(), "usage: mpictl eval") {
		t.Errorf("help lacks the usage line:\n%s", stderr.String())
	}
}
