package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/vnhealth/mpi/api/auth"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
)

// TestFirstRun: without a tokens file mpid creates one (mode 0600, hashes
// only) with an admin principal and prints its token once; the token
// works; a restart prints nothing.
func TestFirstRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d := startMpid(t, dir)
	if d.adminToken == "" {
		t.Fatalf("no first-run token printed:\n%s", d.stderr)
	}
	path := filepath.Join(dir, "tokens.json")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("tokens file mode %v, want 0600", fi.Mode().Perm())
	}
	f, err := auth.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []auth.Entry{{Name: "admin", Role: auth.RoleAdmin, TokenSHA256: []string{auth.HashToken(d.adminToken)}}}
	if diff := cmp.Diff(want, f.Principals); diff != "" {
		t.Errorf("tokens file mismatch (-want +got):\n%s", diff)
	}
	if code, body, _ := d.httpDo(nil, "GET", "/v1/stats", d.adminToken, ""); code != 200 {
		t.Errorf("GET /v1/stats with the first-run token: %d %s", code, body)
	}
	if err := d.stop(); err != nil {
		t.Fatalf("mpid exited with %v:\n%s", err, d.stderr)
	}
	d2 := startMpid(t, dir)
	if d2.adminToken != "" || strings.Contains(d2.stderr.String(), "first run") {
		t.Errorf("a restart printed a token:\n%s", d2.stderr)
	}
	if code, _, _ := d2.httpDo(nil, "GET", "/v1/stats", d.adminToken, ""); code != 200 {
		t.Errorf("the first-run token no longer works after a restart: %d", code)
	}
	// A token added while mpid runs works at its first use.
	tok := addToken(t, dir, "--role", "clinician")
	if code, body, _ := d2.httpDo(nil, "GET", "/v1/persons/7K3M9QX2J", tok, ""); code != 404 && code != 400 {
		t.Errorf("GET /v1/persons as a clinician added a moment ago: %d %s, want 404 or 400", code, body)
	}
}

// TestEndpoints: health, readiness, metrics without patient data,
// OpenAPI, request IDs on responses and log lines, logs without patient
// data, the request size limit.
func TestEndpoints(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d := startMpid(t, dir, "--max-request-bytes", "4096")
	for _, p := range []string{"/healthz", "/readyz"} {
		if code, body, _ := d.httpDo(nil, "GET", p, "", ""); code != 200 || body != "ok\n" {
			t.Errorf("GET %s: %d %q", p, code, body)
		}
	}
	hc := healthpb.NewHealthClient(d.conn())
	if r, err := hc.Check(t.Context(), &healthpb.HealthCheckRequest{}); err != nil || r.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("grpc health check: %v %v", r, err)
	}
	code, body, _ := d.httpDo(nil, "GET", "/openapi.json", "", "")
	var doc map[string]any
	if code != 200 || json.Unmarshal([]byte(body), &doc) != nil || doc["swagger"] == nil || doc["paths"] == nil {
		t.Errorf("GET /openapi.json: %d, not an OpenAPI document: %.200s", code, body)
	}

	// Two records of one person from two facilities, over REST.
	const name, phone = "NGUYỄN VĂN AN", "0912 345 678"
	recs := []string{
		`{"source":"BV01","local_id":"1","full_name":"` + name + `","birth_date":"07/05/1990","phone":"` + phone + `","province":"TP.HCM","citizen_id":"079090001234"}`,
		`{"source":"TYT02","local_id":"9","full_name":"Nguyen Van An","birth_date":"19900507","phone":"+84912345678","province":"79","citizen_id":"079090001234"}`,
	}
	var eids []string
	for i, rec := range recs {
		code, body, hdr := d.httpDo(nil, "POST", "/v1/records:resolve", d.adminToken, rec, "X-Request-Id", "e2e-resolve-"+string(rune('a'+i)))
		if code != 200 {
			t.Fatalf("resolve %d: %d %s", i, code, body)
		}
		if got := hdr.Get("X-Request-Id"); got != "e2e-resolve-"+string(rune('a'+i)) {
			t.Errorf("X-Request-Id %q, want the caller's", got)
		}
		var r struct {
			EID      string `json:"eid"`
			Decision string `json:"decision"`
		}
		json.Unmarshal([]byte(body), &r)
		eids = append(eids, r.EID)
	}
	if eids[0] == "" || eids[0] != eids[1] {
		t.Errorf("the two records resolved to %v, want one EID", eids)
	}
	code, body, hdr := d.httpDo(nil, "GET", "/v1/persons:lookup?citizen_id=079090001234", d.adminToken, "", "X-Request-Id", "bad id with spaces")
	if code != 200 || !strings.Contains(body, eids[0]) {
		t.Errorf("lookup: %d %s", code, body)
	}
	if id := hdr.Get("X-Request-Id"); !auth.SaneRequestID(id) || id == "bad id with spaces" {
		t.Errorf("an insane request ID was kept: %q", id)
	}
	// The read was audited with the caller, its role, the request ID the
	// response named and the person disclosed.
	audit, err := mpiv1.NewAdminServiceClient(d.conn()).QueryAudit(bearer(t.Context(), d.adminToken), &mpiv1.QueryAuditRequest{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, e := range audit.GetEntries() {
		if e.GetRequestId() == hdr.Get("X-Request-Id") {
			found = true
			if e.GetRole() != "admin" || e.GetOutcome() != "ok" || !slices.Contains(e.GetEids(), eids[0]) {
				t.Errorf("the look-up audited as %v", e)
			}
		}
	}
	if !found {
		t.Errorf("no audit entry with the look-up's request ID %s", hdr.Get("X-Request-Id"))
	}
	// Too large a body, or message.
	big := `{"source":"BV01","local_id":"2","full_name":"` + strings.Repeat("A", 5000) + `"}`
	_, err = mpiv1.NewHubServiceClient(d.conn()).Resolve(bearer(t.Context(), d.adminToken), &mpiv1.ResolveRequest{Record: &mpiv1.SourceRecord{
		Source: "BV01", LocalId: "2", FullName: strings.Repeat("A", 5000)}})
	if status.Code(err) != codes.ResourceExhausted {
		t.Errorf("a 5000-byte gRPC message with --max-request-bytes 4096: %v, want ResourceExhausted", err)
	}
	if code, body, _ := d.httpDo(nil, "POST", "/v1/records:resolve", d.adminToken, big); code != 413 {
		t.Errorf("a 5000-byte body with --max-request-bytes 4096: %d %s, want 413", code, body)
	}

	code, metrics, _ := d.httpDo(nil, "GET", "/metrics", "", "")
	if code != 200 {
		t.Fatalf("GET /metrics: %d", code)
	}
	for _, want := range []string{
		`mpi_grpc_requests_total{code="OK",method="/mpi.v1.HubService/Resolve"} 2`,
		`mpi_resolve_decisions_total{decision="new"} 1`,
		`mpi_resolve_decisions_total{decision="linked"} 1`,
		`mpi_review_queue_open_tasks 0`,
		`mpi_store_operation_duration_seconds_count{op="update"}`,
		`mpi_grpc_request_duration_seconds_bucket{code="OK",method="/mpi.v1.ClinicianService/LookupPersons"`,
		`mpi_http_requests_total{handler="api",status="413"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if err := d.stop(); err != nil {
		t.Fatalf("mpid exited with %v", err)
	}
	logs := d.stderr.String()
	// Sample values, timestamps and durations are numbers that may hold
	// any digits (a start time of …0912…): the patient data is looked
	// for in what could carry it — metric names and labels, and the
	// logs' text.
	var said strings.Builder
	for _, line := range strings.Split(metrics, "\n") {
		if i := strings.LastIndexByte(line, ' '); i > 0 && !strings.HasPrefix(line, "#") {
			line = line[:i]
		}
		said.WriteString(line + "\n")
	}
	for _, line := range strings.Split(logs, "\n") {
		var l map[string]any
		if json.Unmarshal([]byte(line), &l) != nil {
			said.WriteString(line + "\n") // not JSON: all of it
			continue
		}
		delete(l, "time")
		var text func(v any)
		text = func(v any) { // every string, nested ones too
			switch v := v.(type) {
			case string:
				said.WriteString(v + "\n")
			case map[string]any:
				for k, x := range v {
					said.WriteString(k + "\n")
					text(x)
				}
			case []any:
				for _, x := range v {
					text(x)
				}
			}
		}
		text(l)
	}
	for _, phi := range []string{"NGUY", "Nguyen", "0912", "345 678", "079090001234", "19900507", "07/05/1990", "1990-05-07"} {
		if strings.Contains(said.String(), phi) {
			t.Errorf("patient data %q in metrics or logs", phi)
		}
	}
	// Every request line carries a request ID; the caller's is kept.
	lines := 0
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var l map[string]any
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			if !strings.HasPrefix(line, "{") {
				continue // the first-run message
			}
			t.Errorf("log line not JSON: %s", line)
			continue
		}
		if l["msg"] == "rpc" || l["msg"] == "http" {
			lines++
			if id, _ := l["request_id"].(string); !auth.SaneRequestID(id) {
				t.Errorf("log line without a request ID: %s", line)
			}
		}
	}
	if lines < 8 || !strings.Contains(logs, `"request_id":"e2e-resolve-a"`) {
		t.Errorf("%d request log lines, the caller's request ID in them: %v", lines, strings.Contains(logs, "e2e-resolve-a"))
	}
}
