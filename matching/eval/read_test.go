package eval

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadAssignments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		column string
		want   map[Key]string
	}{
		{
			name: "truth file",
			in:   "source,local_id,person_id\nbv1,1,P1\nbv2,1,P1\nbv1,2,P2\n",
			want: map[Key]string{{"bv1", "1"}: "P1", {"bv2", "1"}: "P1", {"bv1", "2"}: "P2"},
		},
		{
			name: "BOM, CRLF, header case, extra columns, repeated record",
			in:   "\uFEFF Cluster_ID ,extra,Source,LOCAL_ID\r\nc1,x,bv1,1\r\nc1,y,bv1,1\r\n",
			want: map[Key]string{{"bv1", "1"}: "c1"},
		},
		{
			name:   "named column wins over the defaults",
			in:     "source,local_id,person_id,eid\nbv1,1,P1,E9\n",
			column: "EID",
			want:   map[Key]string{{"bv1", "1"}: "E9"},
		},
		{
			name: "default order person_id, cluster_id, eid",
			in:   "source,local_id,eid,cluster_id\nbv1,1,E9,C3\n",
			want: map[Key]string{{"bv1", "1"}: "C3"},
		},
		{
			name: "header only",
			in:   "source,local_id,eid\n",
			want: map[Key]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ReadAssignments(strings.NewReader(tt.in), tt.column)
			if err != nil {
				t.Fatalf("ReadAssignments: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadAssignmentsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, column, want string
	}{
		{"", "", "eval: bad input: no header line"},
		{"source,local_id,name\n", "", "eval: bad input: missing cluster column (person_id, cluster_id or eid)"},
		{"source,local_id,person_id\n", "eid", "eval: bad input: missing column eid"},
		{"local_id,person_id\n", "", "eval: bad input: missing column source"},
		{"source,local_id,person_id\nbv1,1\n", "", "eval: bad input: line 2: wrong number of fields"},
		{"source,local_id,person_id\nbv1,1,\n", "", "eval: bad input: line 2: empty person_id"},
		{"source,local_id,person_id\nbv1, ,P\n", "", "eval: bad input: line 2: empty local_id"},
		{"source,local_id,person_id\nbv1,1,P\nbv1,1,Q\n", "", "eval: bad input: line 3: record listed twice with different clusters"},
		{"source,local_id,person_id\nbv1,1,P\"\n", "", "eval: bad input: line 2: bare \" in non-quoted-field"},
	}
	for _, tt := range tests {
		_, err := ReadAssignments(strings.NewReader(tt.in), tt.column)
		if !errors.Is(err, ErrInput) {
			t.Errorf("ReadAssignments(%q) = %v, want an error wrapping ErrInput", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
			t.Errorf("ReadAssignments(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func FuzzReadAssignments(f *testing.F) {
	f.Add("source,local_id,person_id\nbv1,1,P1\nbv2,1,P1\n", "")
	f.Add("\uFEFFeid,source,local_id\r\nE,a,b\r\n", "eid")
	f.Fuzz(func(t *testing.T, in, column string) {
		got, err := ReadAssignments(strings.NewReader(in), column)
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("error %v does not wrap ErrInput", err)
			}
			return
		}
		for k, c := range got {
			if k.Source == "" || k.LocalID == "" || c == "" {
				t.Fatalf("empty key or cluster in %v", got)
			}
		}
		m := Pairwise(got, got)
		if m.Precision != 1 || m.Recall != 1 || m.FalsePositives != 0 || m.FalseNegatives != 0 || m.Records != int64(len(got)) {
			t.Fatalf("a clustering compared with itself: %+v", m)
		}
	})
}
