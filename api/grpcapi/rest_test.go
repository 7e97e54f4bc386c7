package grpcapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/api/grpcapi"
	"github.com/vnhealth/mpi/store"
)

// rest calls the REST API: method, path, a JSON body (nil: none) as
// principal; it returns the HTTP status and the decoded JSON answer.
func rest(t *testing.T, base, principal, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if principal != "" {
		req.Header.Set("Authorization", "Bearer "+principal)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: decoding the answer: %v", method, path, err)
	}
	return resp.StatusCode, out
}

// TestREST: the REST mapping through grpc-gateway, called over a loopback
// HTTP server that calls the gRPC server: resolve two records of one
// person, read the person, look them up, merge and unmerge, and errors as
// HTTP statuses. JSON keys are the exchange format's.
func TestREST(t *testing.T) {
	t.Parallel()
	e := newEnv(t, grpcapi.Config{CheckSource: checkSource})
	mux := runtime.NewServeMux(grpcapi.GatewayOptions()...)
	if err := grpcapi.RegisterGateway(t.Context(), mux, e.conn); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	base := srv.URL

	code, first := rest(t, base, hubHCM, "POST", "/v1/records:resolve", map[string]string{
		"source": "BV79001", "local_id": "2400123", "full_name": "NGUYỄN VĂN AN", "gender": "Nam",
		"birth_date": "07/05/1990", "phone": "0912 345 678", "province": "79", "unknown_column": "ignored",
	})
	if code != http.StatusOK || first["decision"] != api.DecisionNew {
		t.Fatalf("resolve: %d %v", code, first)
	}
	eid, _ := first["eid"].(string)
	code, second := rest(t, base, hubHCM, "POST", "/v1/records:resolve", map[string]string{
		"source": "TYT79002", "local_id": "9", "family_name": "Nguyen", "middle_name": "Van", "given_name": "An",
		"gender": "M", "birth_date": "19900507", "phone": "+84912345678", "province": "TP. Hồ Chí Minh",
	})
	if code != http.StatusOK || second["decision"] != api.DecisionLinked || second["eid"] != eid {
		t.Fatalf("resolve the second record: %d %v; want linked to %s", code, second, eid)
	}
	if key := second["key"]; !cmp.Equal(key, map[string]any{"source": "TYT79002", "local_id": "9"}) {
		t.Errorf("key %v", key)
	}
	if x, _ := second["explanation"].(map[string]any); x == nil || x["prior_weight"] == nil || x["fields"] == nil {
		t.Errorf("explanation %v: want proto field names", second["explanation"])
	}

	code, p := rest(t, base, doctor, "GET", "/v1/persons/"+eid, nil)
	if code != http.StatusOK || p["eid"] != eid || p["asked_eid"] != eid {
		t.Fatalf("get person: %d %v", code, p)
	}
	recs, _ := p["records"].([]any)
	var localIDs []string
	for _, r := range recs {
		rec, _ := r.(map[string]any)["record"].(map[string]any)
		localIDs = append(localIDs, fmt.Sprint(rec["source"], "/", rec["local_id"]))
	}
	if diff := cmp.Diff([]string{"BV79001/2400123", "TYT79002/9"}, localIDs); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	code, found := rest(t, base, doctor, "GET", "/v1/persons:lookup?phone=0912345678", nil)
	if persons, _ := found["persons"].([]any); code != http.StatusOK || len(persons) != 1 {
		t.Errorf("lookup: %d %v", code, found)
	}
	code, bySource := rest(t, base, doctor, "GET", "/v1/sources/TYT79002/records/9/person", nil)
	if code != http.StatusOK || bySource["eid"] != eid {
		t.Errorf("person by source: %d %v", code, bySource)
	}
	code, hits := rest(t, base, doctor, "POST", "/v1/persons:search", map[string]any{
		"query": map[string]string{"full_name": "Nguyen Van An", "birth_date": "1990"}, "limit": 5,
	})
	if h, _ := hits["hits"].([]any); code != http.StatusOK || len(h) != 1 || h[0].(map[string]any)["eid"] != eid {
		t.Errorf("search: %d %v", code, hits)
	}

	// Steward: unlink, merge back (forced past the unlink's cannot-link),
	// unmerge.
	code, un := rest(t, base, steward, "POST", "/v1/sources/TYT79002/records/9:unlink", map[string]string{"reason": "two people"})
	other, _ := un["eid"].(string)
	if code != http.StatusOK || other == "" || other == eid {
		t.Fatalf("unlink: %d %v", code, un)
	}
	code, merged := rest(t, base, steward, "POST", "/v1/persons/"+other+":merge", map[string]any{"survivor": eid, "reason": "one man", "force": true})
	if code != http.StatusOK || merged["survivor"] != eid {
		t.Fatalf("merge: %d %v", code, merged)
	}
	if _, p := rest(t, base, doctor, "GET", "/v1/persons/"+other, nil); p["eid"] != eid {
		t.Errorf("merged-away person reads as %v, want %s", p["eid"], eid)
	}
	code, unmerged := rest(t, base, steward, "POST", "/v1/persons/"+other+":unmerge", map[string]string{"reason": "mistake"})
	if code != http.StatusOK || unmerged["eid"] != other {
		t.Fatalf("unmerge: %d %v", code, unmerged)
	}
	if _, p := rest(t, base, doctor, "GET", "/v1/persons/"+other, nil); p["eid"] != other {
		t.Errorf("unmerged person reads as %v, want %s", p["eid"], other)
	}
	code, hist := rest(t, base, steward, "GET", "/v1/persons/"+other+"/history", nil)
	if ev, _ := hist["events"].([]any); code != http.StatusOK || len(ev) == 0 {
		t.Errorf("history: %d %v", code, hist)
	}
	code, audit := rest(t, base, admin, "GET", "/v1/audit?action=merge&limit=10", nil)
	if entries, _ := audit["entries"].([]any); code != http.StatusOK || len(entries) != 1 {
		t.Errorf("audit of merges: %d %v", code, audit)
	}
	code, stats := rest(t, base, admin, "GET", "/v1/stats", nil)
	if code != http.StatusOK || stats["active_persons"] != "2" { // int64 is a JSON string
		t.Errorf("stats: %d %v", code, stats)
	}

	// Errors: HTTP statuses, the field named, the value absent.
	code, bad := rest(t, base, hubHCM, "POST", "/v1/records:resolve", map[string]string{"source": "BV79001", "full_name": "NGUYỄN VĂN AN"})
	msg, _ := bad["message"].(string)
	if code != http.StatusBadRequest || !strings.Contains(msg, "record.local_id") || strings.Contains(msg, "NGUYỄN") {
		t.Errorf("resolve without local_id: %d %v", code, bad)
	}
	if code, _ := rest(t, base, hubHN, "POST", "/v1/sources/BV79001/records/2400123:retract", map[string]string{"reason": "x"}); code != http.StatusForbidden {
		t.Errorf("retract for another facility: %d, want 403", code)
	}
	if code, _ := rest(t, base, "", "GET", "/v1/persons/"+eid, nil); code != http.StatusUnauthorized {
		t.Errorf("no credentials: %d, want 401", code)
	}
	missing, _ := store.EIDFromSeq(987_654)
	if code, _ := rest(t, base, doctor, "GET", "/v1/persons/"+string(missing), nil); code != http.StatusNotFound {
		t.Errorf("unknown person: %d, want 404", code)
	}
	if code, _ := rest(t, base, steward, "POST", "/v1/persons/"+eid+":unmerge", map[string]string{"reason": "r"}); code != http.StatusBadRequest {
		// grpc-gateway maps FAILED_PRECONDITION to 400.
		t.Errorf("unmerge of a person never merged: %d, want 400", code)
	}
}

// TestStatus maps the api's errors to codes.
func TestStatus(t *testing.T) {
	tests := []struct {
		err  error
		code codes.Code
		msg  string
	}{
		{nil, codes.OK, ""},
		{&api.FieldError{Field: "eid", Problem: "required"}, codes.InvalidArgument, "invalid argument: eid: required"},
		{fmt.Errorf("wrapped: %w", &api.FieldError{Field: "x", Problem: "bad"}), codes.InvalidArgument, "invalid argument: x: bad"},
		{fmt.Errorf("link: %w", store.ErrInvalid), codes.InvalidArgument, "link: store: invalid argument"},
		{fmt.Errorf("person K7Q2M9XP4: %w", api.ErrNotFound), codes.NotFound, "person K7Q2M9XP4: api: store: not found"},
		{fmt.Errorf("person K7Q2M9XP4: %w", api.ErrFailedPrecondition), codes.FailedPrecondition, "person K7Q2M9XP4: failed precondition"},
		{fmt.Errorf("record a/1: %w", store.ErrConflict), codes.Aborted, "record a/1: store: conflict"},
		{fmt.Errorf("record a/1: %w", context.Canceled), codes.Canceled, "canceled"},
		{fmt.Errorf("record a/1: %w", context.DeadlineExceeded), codes.DeadlineExceeded, "deadline exceeded"},
		{fmt.Errorf("resolve: %w", store.ErrClosed), codes.Unavailable, "unavailable: the store is closed"},
		{status.Error(codes.PermissionDenied, "no"), codes.PermissionDenied, "no"},
		{errors.New("disk on fire at /var/lib/mpi"), codes.Internal, "internal error"},
	}
	for _, tc := range tests {
		st := status.Convert(grpcapi.Status(tc.err))
		if st.Code() != tc.code || st.Message() != tc.msg {
			t.Errorf("Status(%v) = %s %q, want %s %q", tc.err, st.Code(), st.Message(), tc.code, tc.msg)
		}
	}
}

// TestRESTPathKeys: local IDs with a slash, a colon, a space, a percent
// sign or non-ASCII characters reach the service whole when escaped in a
// path segment (url.PathEscape), the verb after a colon included.
func TestRESTPathKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t, grpcapi.Config{})
	mux := runtime.NewServeMux(grpcapi.GatewayOptions()...)
	if err := grpcapi.RegisterGateway(t.Context(), mux, e.conn); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	names := []string{"Lê Văn Tám", "Phạm Thị Mai", "Đỗ Quang Huy", "Vũ Ngọc Anh", "Hoàng Minh Đức", "Bùi Thu Trang"}
	for i, id := range []string{"2024/00123", "a:retract", "x y", "50%", "é?#", "../x"} {
		// Different people, so that each record has a person of its own.
		code, res := rest(t, srv.URL, hubHCM, "POST", "/v1/records:resolve", map[string]string{
			"source": "BV79001", "local_id": id, "full_name": names[i], "birth_date": fmt.Sprint(1950 + 7*i), "province": "79"})
		if code != http.StatusOK {
			t.Fatalf("resolve %q: %d %v", id, code, res)
		}
		path := "/v1/sources/BV79001/records/" + url.PathEscape(id)
		code, p := rest(t, srv.URL, doctor, "GET", path+"/person", nil)
		if code != http.StatusOK || p["eid"] != res["eid"] {
			t.Errorf("person of %q: %d %v, want %v", id, code, p["eid"], res["eid"])
		}
		code, r := rest(t, srv.URL, hubHCM, "POST", path+":retract", map[string]string{"reason": "sent in error"})
		if key, _ := r["key"].(map[string]any); code != http.StatusOK || r["decision"] != api.DecisionRetracted || key["local_id"] != id {
			t.Errorf("retract %q: %d %v", id, code, r)
		}
	}
}
