package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/vnhealth/mpi/matching/synth"
)

// TestReadNormalizeKeepsOrder reads a file larger than one chunk on several
// goroutines and checks that records come back in file order, and that an
// unreadable line is counted and skipped.
func TestReadNormalizeKeepsOrder(t *testing.T) {
	t.Parallel()
	recs, err := synth.Generate(synth.Options{Persons: 5000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := synth.WriteRecords(&buf, recs); err != nil {
		t.Fatal(err)
	}
	in := buf.String()
	// Break one line in the middle: a row with a missing local_id.
	lines := strings.SplitAfter(in, "\n")
	lines[5000] = "BV01,,Nguyễn Văn An" + strings.Repeat(",", 12) + "\n"
	l, err := readNormalize(context.Background(), strings.NewReader(strings.Join(lines, "")), 4)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(l.records), len(recs)-1; got != want {
		t.Fatalf("%d records, want %d", got, want)
	}
	if n := sumCounts(l.rejected); n != 1 {
		t.Errorf("rejected %d lines, want 1: %v", n, l.rejected)
	}
	j := 0
	for i := range recs {
		if i == 4999 { // line 5000 holds record 4999 (line 1 is the header)
			continue
		}
		if l.records[j].LocalID != recs[i].LocalID || l.records[j].Source != recs[i].Source {
			t.Fatalf("record %d is %s/%s, want %s/%s", j, l.records[j].Source, l.records[j].LocalID, recs[i].Source, recs[i].LocalID)
		}
		j++
	}
}
