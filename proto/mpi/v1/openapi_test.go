package mpiv1_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
)

// TestOpenAPI checks that the embedded document is one merged Swagger 2.0
// document holding every REST route of rpc-plan's services, with proto
// field names.
func TestOpenAPI(t *testing.T) {
	var doc struct {
		Swagger     string                     `json:"swagger"`
		Paths       map[string]json.RawMessage `json:"paths"`
		Definitions map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(mpiv1.OpenAPI, &doc); err != nil {
		t.Fatalf("OpenAPI document: %v", err)
	}
	if doc.Swagger != "2.0" {
		t.Errorf("swagger = %q, want 2.0", doc.Swagger)
	}
	var paths []string
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	want := []string{
		"/v1/audit", "/v1/model",
		"/v1/persons/{eid}", "/v1/persons/{eid}/history", "/v1/persons/{eid}/links", "/v1/persons/{eid}:unmerge",
		"/v1/persons/{loser}:merge", "/v1/persons:lookup", "/v1/persons:search",
		"/v1/records:resolve", "/v1/records:resolveBatch",
		"/v1/sources/{source}/records/{local_id}/person", "/v1/sources/{source}/records/{local_id}:retract",
		"/v1/sources/{source}/records/{local_id}:unlink",
		"/v1/stats", "/v1/tasks", "/v1/tasks/{id}:claim", "/v1/tasks/{id}:resolve",
	}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	rec, ok := doc.Definitions["v1SourceRecord"]
	if !ok {
		t.Fatal("no v1SourceRecord definition")
	}
	for _, f := range []string{"source", "local_id", "full_name", "birth_date", "citizen_id", "insurance_no", "recorded_at"} {
		if _, ok := rec.Properties[f]; !ok {
			t.Errorf("v1SourceRecord has no property %q (exchange-format name)", f)
		}
	}
}
