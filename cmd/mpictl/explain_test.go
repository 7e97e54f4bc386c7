package main

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const twoRecordsNDJSON = `{"source":"BV01","local_id":"1","full_name":"NGUYỄN VĂN AN","birth_date":"07/05/1990","phone":"0912 345 678","province":"TP.HCM"}
{"source":"TYT02","local_id":"9","full_name":"Nguyen An","birth_date":"19900507","phone":"+84912345678","province":"79"}
`

const twinsCSV = `source,local_id,full_name,birth_date,phone,address,province
BV01,1,Lê Văn Long,2015-09-09,0983172645,45 Lê Lợi,79
BV01,2,Lê Văn Lân,09/09/2015,0983172645,45 Lê Lợi,79
`

func TestExplainText(t *testing.T) {
	t.Parallel()
	out, _, err := runCmd(t, twoRecordsNDJSON, "explain")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "explain.golden", out)
	for _, value := range []string{"NGUYỄN", "Nguyen An", "0912", "1990"} {
		if strings.Contains(out, value) {
			t.Errorf("explain printed the value %q", value)
		}
	}
}

func TestExplainJSON(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, in, decision, guard string
	}{
		{"one person", twoRecordsNDJSON, "match", ""},
		{"twins, from CSV", twinsCSV, "review", "twins"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, _, err := runCmd(t, tt.in, "explain", "--json")
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Decision    string   `json:"decision"`
				Probability *float64 `json:"probability"`
				Weight      *float64 `json:"weight"`
				Fields      []struct {
					Field  string  `json:"field"`
					Level  string  `json:"level"`
					Weight float64 `json:"weight"`
				} `json:"fields"`
				GuardRails []string `json:"guard_rails"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("not one JSON object: %v\n%s", err, out)
			}
			if got.Decision != tt.decision || got.Probability == nil || got.Weight == nil || len(got.Fields) != 7 || got.GuardRails == nil {
				t.Errorf("explain --json = %s", out)
			}
			if tt.guard != "" && (len(got.GuardRails) != 1 || got.GuardRails[0] != tt.guard) {
				t.Errorf("guard_rails = %v, want [%s]", got.GuardRails, tt.guard)
			}
		})
	}
}

func TestExplainErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, in string
		args     []string
		want     string
		usage    bool
	}{
		{"one record", `{"source":"a","local_id":"1","full_name":"An"}`, nil, "exactly 2 readable records", false},
		{"three records", strings.Repeat(`{"source":"a","local_id":"1","full_name":"An"}`+"\n", 3), nil, "got 3", false},
		{"a bad model file", twoRecordsNDJSON, []string{"--model", "/nonexistent/model.json"}, "no such file", false},
		{"an argument", twoRecordsNDJSON, []string{"extra"}, "takes no arguments", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := runCmd(t, tt.in, append([]string{"explain"}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || errors.Is(err, errUsage) != tt.usage {
				t.Errorf("error = %v, want one containing %q (usage %v)", err, tt.want, tt.usage)
			}
		})
	}
}

// TestExplainRecords: among more records a name-and-date agreement is
// weaker evidence, as dedupe scores it for a big file.
func TestExplainRecords(t *testing.T) {
	t.Parallel()
	prob := func(args ...string) float64 {
		out, _, err := runCmd(t, twoRecordsNDJSON, append([]string{"explain", "--json"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		var got struct{ Probability float64 }
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		return got.Probability
	}
	if small, big := prob(), prob("--records", "100000000"); !(big < small) {
		t.Errorf("probability among 10^8 records %v, default %v: want lower", big, small)
	}
}
