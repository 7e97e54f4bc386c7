package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/vnhealth/mpi/api/auth"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
)

// TestAuthFailureLimit floods a running mpid with a bad token from
// loopback, over gRPC and over REST: the address's burst of failures is
// answered Unauthenticated, then every call ResourceExhausted (HTTP 429),
// whatever client address the caller claims; a valid token from the same
// address still works; the audit log holds each failure within the burst
// and far fewer "throttled" entries than throttled calls; the log names
// the address once; /metrics counts every throttled call.
func TestAuthFailureLimit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	adminToken := addToken(t, dir, "--role", "admin")
	const burst = 5
	// A rate so low that no token comes back while the test runs: the
	// count of failures let through is exactly the burst.
	d := startMpid(t, dir, "--auth-failure-rate", "0.001", "--auth-failure-burst", strconv.Itoa(burst))
	admin := mpiv1.NewAdminServiceClient(d.conn())
	const badToken = "mpi_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"
	sent := map[string]bool{} // request IDs of the calls with the bad token
	unauth, throttled := 0, 0
	call := func(id string, kv ...string) codes.Code {
		t.Helper()
		sent[id] = true
		ctx := metadata.AppendToOutgoingContext(bearer(t.Context(), badToken), append([]string{"x-request-id", id}, kv...)...)
		var hdr metadata.MD
		_, err := admin.GetStats(ctx, &mpiv1.GetStatsRequest{}, grpc.Header(&hdr))
		switch code := status.Code(err); code {
		case codes.Unauthenticated:
			unauth++
		case codes.ResourceExhausted:
			throttled++
			if ra, err := strconv.Atoi(strings.Join(hdr.Get(auth.RetryAfterHeader), ",")); err != nil || ra < 900 || ra > 1000 {
				t.Errorf("throttled call %s: %s %q, want about 1000 seconds", id, auth.RetryAfterHeader, hdr.Get(auth.RetryAfterHeader))
			}
			msg := status.Convert(err).Message()
			if !strings.Contains(msg, "too many calls without valid credentials") || !strings.Contains(msg, "retry later") || strings.Contains(msg, badToken[:8]) {
				t.Errorf("throttled call %s: message %q", id, msg)
			}
		default:
			t.Fatalf("call %s with a bad token: %v", id, err)
		}
		return status.Code(err)
	}

	// gRPC: the burst, then throttled.
	for i := range burst + 200 {
		want := codes.ResourceExhausted
		if i < burst {
			want = codes.Unauthenticated
		}
		if got := call(fmt.Sprintf("flood-%d", i)); got != want {
			t.Fatalf("gRPC failure %d from one address: %v, want %v", i+1, got, want)
		}
	}
	// Claiming another client address over the network changes nothing.
	for i := range 20 {
		if got := call(fmt.Sprintf("forged-%d", i), auth.ClientAddrHeader, fmt.Sprintf("203.0.113.%d", i+1)); got != codes.ResourceExhausted {
			t.Errorf("gRPC call claiming %s %s: %v, want ResourceExhausted", auth.ClientAddrHeader, fmt.Sprintf("203.0.113.%d", i+1), got)
		}
	}
	// A valid token from the throttled address.
	if _, err := admin.GetStats(bearer(t.Context(), adminToken), &mpiv1.GetStatsRequest{}); err != nil {
		t.Errorf("GetStats with a valid token from the throttled address: %v", err)
	}
	if code, body, _ := d.httpDo(nil, "GET", "/v1/stats", adminToken, ""); code != 200 {
		t.Errorf("REST stats with a valid token from the throttled address: %d %s", code, body)
	}

	// REST: the gateway forwards the HTTP client's address (loopback,
	// whose bucket the gRPC calls emptied), not one the caller claims.
	for i, hdr := range [][]string{
		nil,
		{"X-Mpi-Client-Addr", "203.0.113.77"},
		{"Grpc-Metadata-X-Mpi-Client-Addr", "203.0.113.78"},
		{"X-Forwarded-For", "203.0.113.79"},
	} {
		id := fmt.Sprintf("rest-%d", i)
		sent[id] = true
		code, body, h := d.httpDo(nil, "GET", "/v1/stats", badToken, "", append([]string{"X-Request-Id", id}, hdr...)...)
		if code != 429 || !strings.Contains(body, "too many calls without valid credentials") || strings.Contains(body, badToken[:8]) {
			t.Errorf("REST with a bad token from the throttled address (headers %q): %d %s, want 429 saying why", hdr, code, body)
			continue
		}
		// At 0.001 tokens a second the bucket refills in about 1,000 s.
		if ra, err := strconv.Atoi(h.Get("Retry-After")); err != nil || ra < 900 || ra > 1000 {
			t.Errorf("REST 429 (headers %q): Retry-After %q, want about 1000 seconds", hdr, h.Get("Retry-After"))
		}
		if len(h.Values("Grpc-Metadata-Retry-After")) > 0 {
			t.Errorf("REST 429 also carries the gRPC metadata as a header: %q", h)
		}
		throttled++
	}

	// The audit log: each failure within the burst, and the throttled
	// calls in aggregate — at most one entry a second.
	resp, err := admin.QueryAudit(bearer(t.Context(), adminToken), &mpiv1.QueryAuditRequest{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]int{}
	for _, e := range resp.GetEntries() {
		o := e.GetOutcome()
		if o != auth.OutcomeUnauthenticated && o != auth.OutcomeThrottled {
			continue
		}
		outcomes[o]++
		if !sent[e.GetRequestId()] || e.GetAction() != "/mpi.v1.AdminService/GetStats" || e.GetActor() != "" {
			t.Errorf("%s entry %+v: not one of the calls sent", o, e)
		}
	}
	if outcomes[auth.OutcomeUnauthenticated] != burst {
		t.Errorf("%d unauthenticated entries, want %d (the burst)", outcomes[auth.OutcomeUnauthenticated], burst)
	}
	if n := outcomes[auth.OutcomeThrottled]; n < 1 || n*10 > throttled {
		t.Errorf("%d throttled entries for %d throttled calls, want at least one and far fewer", n, throttled)
	}
	t.Logf("%d calls let through and audited, %d throttled in %d audit entries", unauth, throttled, outcomes[auth.OutcomeThrottled])

	// /metrics counts them all, by method only.
	_, metrics, _ := d.httpDo(nil, "GET", "/metrics", "", "")
	m := regexp.MustCompile(`(?m)^mpi_auth_throttled_total\{method="/mpi.v1.AdminService/GetStats"\} (\d+)$`).FindStringSubmatch(metrics)
	if m == nil || m[1] != strconv.Itoa(throttled) {
		t.Errorf("mpi_auth_throttled_total for GetStats: %v, want %d", m, throttled)
	}
	if strings.Contains(metrics, "127.0.0.1") {
		t.Error("/metrics names the client address")
	}

	// The log: one line naming the address (within the minute), no line
	// per throttled call, never the token.
	logs := d.stderr.String()
	if n := strings.Count(logs, "throttling calls without valid credentials"); n != 1 || !strings.Contains(logs, `"client_addr":"127.0.0.1"`) {
		t.Errorf("%d log lines about throttling, want one naming 127.0.0.1:\n%s", n, logs)
	}
	if n := strings.Count(logs, `"code":"ResourceExhausted"`); n != 0 {
		t.Errorf("%d log lines of single throttled calls, want none at the default level", n)
	}
	if strings.Contains(logs, badToken[:8]) {
		t.Error("the log holds the bad token")
	}
}
