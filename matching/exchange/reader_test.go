package exchange

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vnhealth/mpi/matching"
)

// result is one call of Next, flattened for comparison.
type result struct {
	Line int
	Raw  matching.Raw
	Err  string // LineError text, or ""
}

// readAll calls Next until io.EOF.
func readAll(t *testing.T, in string, opts ReaderOptions) []result {
	t.Helper()
	r, err := NewReader(strings.NewReader(in), opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var out []result
	for range 1000 {
		raw, line, err := r.Next()
		if err == io.EOF {
			return out
		}
		res := result{Line: line, Raw: raw}
		if err != nil {
			if _, ok := errors.AsType[*LineError](err); !ok {
				t.Fatalf("Next: %v is not a *LineError", err)
			}
			res.Err = err.Error()
		}
		out = append(out, res)
	}
	t.Fatal("Next never returned io.EOF")
	return nil
}

func TestReaderCSV(t *testing.T) {
	t.Parallel()
	const header = "source,local_id,full_name,gender,birth_date,citizen_id,insurance_no,phone,province,ward,address\n"
	tests := []struct {
		name string
		in   string
		want []result
	}{
		{
			name: "canonical",
			in: header +
				"bv1,42,Nguyễn Văn An,M,1990-05-07,001090012345,DN4010123456789,0912345678,01,00004,\"12 Lý Thái Tổ, Hoàn Kiếm\"\n" +
				"bv1,43,Trần Thị Bình,F,1950,,,,79,,\n",
			want: []result{
				{Line: 2, Raw: matching.Raw{Source: "bv1", LocalID: "42", FullName: "Nguyễn Văn An", Gender: "M", BirthDate: "1990-05-07",
					CitizenID: "001090012345", InsuranceNo: "DN4010123456789", Phone: "0912345678", Province: "01", Ward: "00004",
					Address: "12 Lý Thái Tổ, Hoàn Kiếm"}},
				{Line: 3, Raw: matching.Raw{Source: "bv1", LocalID: "43", FullName: "Trần Thị Bình", Gender: "F", BirthDate: "1950", Province: "79"}},
			},
		},
		{
			name: "BOM, CRLF, odd header case, unknown and reordered columns, name parts",
			in: "\uFEFF Local_ID ,SOURCE,Extra,given_name,family_name,middle_name,recorded_at\r\n" +
				"7,bv2,x,An,Nguyễn,Văn,2024-01-02T03:04:05Z\r\n",
			want: []result{{Line: 2, Raw: matching.Raw{Source: "bv2", LocalID: "7", GivenName: "An", FamilyName: "Nguyễn",
				MiddleName: "Văn", RecordedAt: "2024-01-02T03:04:05Z"}}},
		},
		{
			name: "leading blank lines count",
			in:   "\n\n" + header + "\nbv1,1,A,,,,,,,,\n",
			want: []result{{Line: 5, Raw: matching.Raw{Source: "bv1", LocalID: "1", FullName: "A"}}},
		},
		{
			name: "multi-line field keeps its start line",
			in:   header + "bv1,1,\"A\nB\",,,,,,,,\nbv1,2,C,,,,,,,,\n",
			want: []result{
				{Line: 2, Raw: matching.Raw{Source: "bv1", LocalID: "1", FullName: "A\nB"}},
				{Line: 4, Raw: matching.Raw{Source: "bv1", LocalID: "2", FullName: "C"}},
			},
		},
		{
			name: "bad rows are line errors and reading goes on",
			in: header +
				"bv1,1,A,,,,,,,,,\n" + // one field too many
				"bv1,2,A\n" + // too few
				"bv1,3,A \"x\" B,,,,,,,,\n" + // bare quote
				",4,A,,,,,,,,\n" + // no source
				"bv1, ,A,,,,,,,,\n" + // blank local_id
				"bv1,6,\"A\"x,,,,,,,,\n" + // extraneous quote
				"bv1,7,A,,,,,,,,\n",
			want: []result{
				{Line: 2, Err: "line 2: wrong number of fields"},
				{Line: 3, Err: "line 3: wrong number of fields"},
				{Line: 4, Err: "line 4: bare quote in an unquoted field"},
				{Line: 5, Err: "line 5: field source: missing value"},
				{Line: 6, Err: "line 6: field local_id: missing value"},
				{Line: 7, Err: "line 7: extraneous or missing quote in a quoted field"},
				{Line: 8, Raw: matching.Raw{Source: "bv1", LocalID: "7", FullName: "A"}},
			},
		},
		{
			name: "header only",
			in:   header,
		},
		{
			name: "empty input",
			in:   " \n\t\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := readAll(t, tt.in, ReaderOptions{})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReaderHeaderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string
	}{
		{"local_id,full_name\n", "exchange: bad header: missing column source"},
		{"source,full_name\n", "exchange: bad header: missing column local_id"},
		{"source,local_id,gender\n", "exchange: bad header: missing column full_name (or family_name and given_name)"},
		{"source,local_id,full_name,SOURCE\n", "exchange: bad header: column source named twice"},
		{"source,local_id,full\"name\n", "exchange: bad header: bare quote in an unquoted field"},
	}
	for _, tt := range tests {
		_, err := NewReader(strings.NewReader(tt.in), ReaderOptions{})
		if !errors.Is(err, ErrHeader) {
			t.Errorf("NewReader(%q) = %v, want an error wrapping ErrHeader", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
			t.Errorf("NewReader(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestReaderNDJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		opts ReaderOptions
		want []result
	}{
		{
			name: "strings, integers and null",
			in: `{"source":"bv1","local_id":42,"full_name":"Nguy\u1ec5n V\u0103n An","citizen_id":1090012345,"phone":912345678,"ward":null,"extra":[1,2]}` + "\n" +
				`{"SOURCE":"bv1","Local_ID":"43","given_name":"Bình","citizen_id":"001090012345"}`,
			want: []result{
				{Line: 1, Raw: matching.Raw{Source: "bv1", LocalID: "42", FullName: "Nguyễn Văn An", CitizenID: "1090012345", Phone: "912345678"}},
				{Line: 2, Raw: matching.Raw{Source: "bv1", LocalID: "43", GivenName: "Bình", CitizenID: "001090012345"}},
			},
		},
		{
			name: "big integers keep every digit",
			in:   `{"source":"s","local_id":"1","citizen_id":123456789012345678901234567890}`,
			want: []result{{Line: 1, Raw: matching.Raw{Source: "s", LocalID: "1", CitizenID: "123456789012345678901234567890"}}},
		},
		{
			name: "bad lines are line errors and reading goes on",
			in: "\uFEFF\n" +
				`{"source":"s","local_id":"1","citizen_id":1.0e10}` + "\n" +
				`{"source":"s","local_id":"2","phone":true}` + "\n" +
				"\n" +
				`{"source":"s","local_id":"3",` + "\n" +
				`["source","s"]` + "\r\n" +
				`{"local_id":"5"}` + "\n" +
				`{"source":"s","local_id":"6","full_name":{"a":1}}` + "\n" +
				`{"source":"s","local_id":"7"}` + "\r\n",
			want: []result{
				{Line: 2, Err: "line 2: field citizen_id: not a string or integer"},
				{Line: 3, Err: "line 3: field phone: not a string or integer"},
				{Line: 5, Err: "line 5: malformed JSON"},
				{Line: 6, Err: "line 6: not a JSON object"},
				{Line: 7, Err: "line 7: field source: missing value"},
				{Line: 8, Err: "line 8: field full_name: not a string or integer"},
				{Line: 9, Raw: matching.Raw{Source: "s", LocalID: "7"}},
			},
			opts: ReaderOptions{Format: FormatNDJSON},
		},
		{
			name: "too long",
			in:   `{"source":"s","local_id":"1","address":"` + strings.Repeat("x", maxLineBytes) + `"}` + "\n" + `{"source":"s","local_id":"2"}`,
			want: []result{
				{Line: 1, Err: "line 1: line too long"},
				{Line: 2, Raw: matching.Raw{Source: "s", LocalID: "2"}},
			},
		},
		{
			name: "long line under the limit",
			in:   `{"source":"s","local_id":"1","address":"` + strings.Repeat("x", 200_000) + `"}`,
			want: []result{{Line: 1, Raw: matching.Raw{Source: "s", LocalID: "1", Address: strings.Repeat("x", 200_000)}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := readAll(t, tt.in, tt.opts)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReaderForcedFormat(t *testing.T) {
	t.Parallel()
	// A CSV whose first column value starts with '{' is still CSV when forced.
	in := "source,local_id,full_name\n{x},1,A\n"
	if _, err := NewReader(strings.NewReader(in), ReaderOptions{Format: FormatCSV}); err != nil {
		t.Fatalf("NewReader(FormatCSV): %v", err)
	}
	got := readAll(t, in, ReaderOptions{Format: FormatNDJSON})
	want := []result{
		{Line: 1, Err: "line 1: not a JSON object"},
		{Line: 2, Err: "line 2: malformed JSON"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("forced NDJSON mismatch (-want +got):\n%s", diff)
	}
}
