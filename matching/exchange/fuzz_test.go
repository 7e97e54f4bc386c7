package exchange

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"source,local_id,full_name\nbv1,1,A\n",
		"\uFEFFsource,local_id,given_name\r\nbv1,1,\"A\nB\"\r\nbv1,2,\"x\"y\r\n",
		"source,local_id,full_name\nbv1,1,A,B\n,2,C\nbv1,3,a\"b\n",
		`{"source":"s","local_id":1,"citizen_id":1.5}` + "\n" + `{"source":"s","local_id":"2"}`,
		"{\n[1]\n\"x\"\n{\"source\":null}",
		"",
	} {
		f.Add([]byte(s), uint8(FormatAuto))
	}
	f.Fuzz(func(t *testing.T, in []byte, format uint8) {
		r, err := NewReader(bytes.NewReader(in), ReaderOptions{Format: Format(format % 3)})
		if err != nil {
			if !errors.Is(err, ErrHeader) {
				t.Fatalf("NewReader: %v does not wrap ErrHeader", err)
			}
			return
		}
		// Every call consumes at least one line or ends the input.
		limit := bytes.Count(in, []byte{'\n'}) + 2
		prev := 0
		for i := 0; ; i++ {
			if i > limit {
				t.Fatalf("more than %d results from %d lines", limit, limit-2)
			}
			raw, line, err := r.Next()
			if err == io.EOF {
				return
			}
			if line <= prev {
				t.Fatalf("line %d after line %d", line, prev)
			}
			prev = line
			if err != nil {
				le, ok := errors.AsType[*LineError](err)
				if !ok {
					t.Fatalf("Next: %v is neither io.EOF nor *LineError", err)
				}
				if le.Line != line {
					t.Fatalf("LineError line %d, Next returned line %d", le.Line, line)
				}
				continue
			}
			if isBlank(raw.Source) || isBlank(raw.LocalID) {
				t.Fatalf("record on line %d without source or local_id", line)
			}
		}
	})
}
