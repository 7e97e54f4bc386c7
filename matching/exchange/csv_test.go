package exchange

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// csvStep is one record or error, as the reference and the fast reader see it.
type csvStep struct {
	Fields []string
	Line   int
	Err    string
}

// referenceCSV reads in with encoding/csv alone.
func referenceCSV(in []byte) []csvStep {
	cr := csv.NewReader(bytes.NewReader(in))
	cr.FieldsPerRecord = -1
	var out []csvStep
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			out = append(out, csvStep{Line: pe.StartLine, Err: csvProblem(pe.Err)})
			continue
		}
		line, _ := cr.FieldPos(0)
		out = append(out, csvStep{Fields: rec, Line: line})
	}
}

// fastCSV reads in with csvSource.readRecord and a read buffer of size.
func fastCSV(t *testing.T, in []byte, size int) []csvStep {
	t.Helper()
	s := &csvSource{br: bufio.NewReaderSize(bytes.NewReader(in), size)}
	var out []csvStep
	for range len(in) + 2 {
		rec, line, err := s.readRecord()
		if err == io.EOF {
			return out
		}
		if le, ok := errors.AsType[*LineError](err); ok {
			out = append(out, csvStep{Line: line, Err: le.Problem})
			continue
		}
		if err != nil {
			t.Fatalf("readRecord: %v", err)
		}
		out = append(out, csvStep{Fields: append([]string(nil), rec...), Line: line})
	}
	t.Fatal("readRecord never returned io.EOF")
	return nil
}

func TestCSVMatchesEncodingCSV(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 10_000)
	tests := []string{
		"a,b,c\n1,2,3\n",
		"a,b\r\n\r\n\n1,2\r\n3,4",
		"a,\"b\nc\",d\r\ne,f\n",
		"a,\"b\"\"c\",d\n\"\"\n",
		"a,b\"c\nd\ne\"f\"g\n\"h\n",
		"a\r",
		"a\rb\r\r\n",
		"\"unterminated\nx\ny",
		long + "," + long + "\n\"" + long + "\n" + long + "\",y\nz\n" + long,
		"x\n" + long + "\"q\n" + "y\n",
	}
	for _, in := range tests {
		want := referenceCSV([]byte(in))
		for _, size := range []int{4096, 64 << 10} {
			if diff := cmp.Diff(want, fastCSV(t, []byte(in), size)); diff != "" {
				t.Errorf("buffer %d, input %.40q: mismatch (-want +got):\n%s", size, in, diff)
			}
		}
	}
}

func FuzzCSVMatchesEncodingCSV(f *testing.F) {
	f.Add([]byte("a,b,c\n1,\"2\n\",3\r\n\n4,5\"6\n"))
	f.Add([]byte("\"a\"b,c\n\"d"))
	f.Fuzz(func(t *testing.T, in []byte) {
		want := referenceCSV(in)
		if diff := cmp.Diff(want, fastCSV(t, in, 4096)); diff != "" {
			t.Fatalf("mismatch (-want +got):\n%s", diff)
		}
	})
}
