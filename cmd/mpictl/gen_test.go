package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRunGen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var stderr bytes.Buffer
	e := env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr}
	out := filepath.Join(dir, "pop")
	if err := runGen(context.Background(), e, []string{"--persons", "300", "--seed", "7", "--out", out}); err != nil {
		t.Fatal(err)
	}
	recs, err := os.ReadFile(filepath.Join(out, "records.csv"))
	if err != nil {
		t.Fatal(err)
	}
	truth, err := os.ReadFile(filepath.Join(out, "truth.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := "source,local_id,full_name,family_name,middle_name,given_name,gender,birth_date,citizen_id,insurance_no,phone,province,ward,address,recorded_at"
	if diff := cmp.Diff(want, strings.SplitN(string(recs), "\n", 2)[0]); diff != "" {
		t.Errorf("records header mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("source,local_id,person_id,household_id,role", strings.SplitN(string(truth), "\n", 2)[0]); diff != "" {
		t.Errorf("truth header mismatch (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(stderr.String(), "gen: 300 persons, ") || !strings.Contains(stderr.String(), "twin=") {
		t.Errorf("summary = %q", stderr.String())
	}

	// Same flags, same bytes; --quiet prints nothing.
	var quiet bytes.Buffer
	e.stderr = &quiet
	out2 := filepath.Join(dir, "again")
	if err := runGen(context.Background(), e, []string{"--persons", "300", "--seed", "7", "--out", out2, "--quiet"}); err != nil {
		t.Fatal(err)
	}
	again, err := os.ReadFile(filepath.Join(out2, "records.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(recs, again) {
		t.Error("records.csv differs between two runs with the same seed")
	}
	if quiet.Len() != 0 {
		t.Errorf("--quiet printed %q", quiet.String())
	}
}

func TestRunGenUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
	}{
		{"unknown flag", []string{"--nope"}},
		{"missing out", []string{"--persons", "10"}},
		{"bad persons", []string{"--persons", "0", "--out", "x"}},
		{"not a number", []string{"--persons", "many", "--out", "x"}},
		{"extra argument", []string{"--out", "x", "extra"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
			err := runGen(context.Background(), e, tt.args)
			if !errors.Is(err, errUsage) {
				t.Errorf("runGen(%q) = %v, want an error wrapping errUsage", tt.args, err)
			}
		})
	}
}
