package auth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// fakeClock is an Options.Now that moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// limitFixture is a Guard with a fake clock over one admin's token.
type limitFixture struct {
	g     *Guard
	aud   *memAudit
	clock *fakeClock
	token string
	logs  *bytes.Buffer
}

func newLimitFixture(t *testing.T, fl FailureLimit) *limitFixture {
	t.Helper()
	var f File
	tok, err := f.AddToken("dr-an", RoleAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := NewTable(&f)
	if err != nil {
		t.Fatal(err)
	}
	fx := &limitFixture{aud: &memAudit{}, clock: newFakeClock(), token: tok, logs: &bytes.Buffer{}}
	fx.g = NewGuard(tab, Options{Auditor: fx.aud, Now: fx.clock.Now, FailureLimit: fl,
		Logger: slog.New(slog.NewJSONHandler(&lockedWriter{w: fx.logs}, nil))})
	return fx
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// call admits a call to QueryAudit from ip (a network peer) with the
// authorization value auth (none when empty) and request ID id.
func (fx *limitFixture) call(t *testing.T, ip, auth, id string) (*Principal, bool, error) {
	t.Helper()
	ctx := peer.NewContext(t.Context(), &peer.Peer{Addr: &net.TCPAddr{IP: net.ParseIP(ip), Port: 40000 + len(id)}})
	md := metadata.MD{}
	if auth != "" {
		md.Set("authorization", auth)
	}
	ctx = metadata.NewIncomingContext(ctx, md)
	return fx.g.admit(ctx, admin+"QueryAudit", id)
}

// TestFailureLimit: an address may fail Burst times, then it is
// throttled with ResourceExhausted until its bucket refills; another
// address is not, nor is a valid token from the throttled address.
func TestFailureLimit(t *testing.T) {
	t.Parallel()
	fx := newLimitFixture(t, FailureLimit{Rate: 2, Burst: 3})
	const a, b = "192.0.2.1", "198.51.100.7"
	bad := "Bearer mpi_" + strings.Repeat("x", 43)
	for i := range 3 {
		auth := bad
		if i == 1 {
			auth = "" // no credentials at all fail alike
		}
		if _, throttled, err := fx.call(t, a, auth, fmt.Sprint("a-", i)); status.Code(err) != codes.Unauthenticated || throttled {
			t.Fatalf("failure %d of %d within the burst: %v (throttled %v), want Unauthenticated", i+1, 3, err, throttled)
		}
	}
	_, throttled, err := fx.call(t, a, bad, "a-3")
	if status.Code(err) != codes.ResourceExhausted || !throttled {
		t.Fatalf("failure beyond the burst: %v (throttled %v), want ResourceExhausted", err, throttled)
	}
	msg := status.Convert(err).Message()
	if !strings.Contains(msg, "too many calls without valid credentials") || !strings.Contains(msg, "retry later") || strings.Contains(msg, "mpi_") {
		t.Errorf("throttled message %q: want it to say why and to retry later, never the token", msg)
	}
	if _, _, err := fx.call(t, b, bad, "b-0"); status.Code(err) != codes.Unauthenticated {
		t.Errorf("another address: %v, want Unauthenticated", err)
	}
	p, throttled, err := fx.call(t, a, "Bearer "+fx.token, "a-valid")
	if err != nil || throttled || p == nil || p.Name != "dr-an" {
		t.Errorf("a valid token from the throttled address: %v %v (throttled %v), want dr-an admitted", p, err, throttled)
	}
	// Half a second refills one token at 2/s: one more failure, then
	// throttled again.
	fx.clock.advance(500 * time.Millisecond)
	if _, _, err := fx.call(t, a, bad, "a-4"); status.Code(err) != codes.Unauthenticated {
		t.Errorf("after the clock advanced by one token: %v, want Unauthenticated", err)
	}
	if _, _, err := fx.call(t, a, bad, "a-5"); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("the refilled token spent: %v, want ResourceExhausted", err)
	}
	// Long enough to refill completely: the whole burst again.
	fx.clock.advance(time.Hour)
	for i := range 3 {
		if _, _, err := fx.call(t, a, bad, fmt.Sprint("a-refilled-", i)); status.Code(err) != codes.Unauthenticated {
			t.Errorf("failure %d after a full refill: %v, want Unauthenticated", i+1, err)
		}
	}
	if _, _, err := fx.call(t, a, bad, "a-last"); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("beyond the refilled burst: %v, want ResourceExhausted", err)
	}
	if strings.Contains(fx.logs.String(), "mpi_x") {
		t.Error("the log holds the token sent")
	}
}

// TestFailureLimitOff: with the limit off every failure is answered
// Unauthenticated and audited.
func TestFailureLimitOff(t *testing.T) {
	t.Parallel()
	fx := newLimitFixture(t, FailureLimit{Off: true, Rate: 1, Burst: 1})
	for i := range 200 {
		if _, _, err := fx.call(t, "192.0.2.1", "Bearer nope", fmt.Sprint("r-", i)); status.Code(err) != codes.Unauthenticated {
			t.Fatalf("failure %d with the limit off: %v, want Unauthenticated", i+1, err)
		}
	}
	if n := len(fx.aud.all()); n != 200 {
		t.Errorf("%d audit entries for 200 refusals", n)
	}
}

// TestThrottledAuditedInAggregate: every failure within the limit is
// audited as before, but of an address's throttled calls at most one a
// second is — the first, by its request ID — and logged at most one a
// minute.
func TestThrottledAuditedInAggregate(t *testing.T) {
	t.Parallel()
	fx := newLimitFixture(t, FailureLimit{Rate: 0.001, Burst: 1}) // no refill to speak of
	const a, b = "192.0.2.1", "2001:db8::5"
	call := func(ip, id string) {
		t.Helper()
		if _, _, err := fx.call(t, ip, "Bearer nope", id); err == nil {
			t.Fatalf("%s: admitted", id)
		}
	}
	call(a, "a-0") // within the burst
	for i := range 100 {
		call(a, fmt.Sprint("a-t", i))
	}
	call(b, "b-0")
	call(b, "b-t0")
	fx.clock.advance(999 * time.Millisecond)
	for i := range 50 {
		call(a, fmt.Sprint("a-u", i))
	}
	fx.clock.advance(time.Millisecond) // a second after a-t0
	call(a, "a-v0")
	call(a, "a-v1")
	fx.clock.advance(time.Minute)
	call(a, "a-w0")

	type entry struct{ Actor, Action, RequestID, Outcome string }
	var got []entry
	for _, e := range fx.aud.all() {
		got = append(got, entry{e.Actor, e.Action, e.RequestID, e.Outcome})
	}
	m := admin + "QueryAudit"
	want := []entry{
		{"", m, "a-0", OutcomeUnauthenticated},
		{"", m, "a-t0", OutcomeThrottled},
		{"", m, "b-0", OutcomeUnauthenticated},
		{"", m, "b-t0", OutcomeThrottled},
		{"", m, "a-v0", OutcomeThrottled},
		{"", m, "a-w0", OutcomeThrottled},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit entries for 154 throttled calls from two addresses (-want +got):\n%s", diff)
	}

	type line struct {
		Addr      string `json:"client_addr"`
		Throttled int    `json:"throttled_calls"`
		RequestID string `json:"request_id"`
	}
	var lines []line
	for _, l := range strings.Split(strings.TrimSpace(fx.logs.String()), "\n") {
		var x line
		if err := json.Unmarshal([]byte(l), &x); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		lines = append(lines, x)
	}
	wantLines := []line{
		{a, 1, "a-t0"},
		{"2001:db8::/64", 1, "b-t0"}, // an IPv6 client by its /64
		{a, 152, "a-w0"},             // a minute later: the 151 since a-t0 and this one
	}
	if diff := cmp.Diff(wantLines, lines); diff != "" {
		t.Errorf("log lines (-want +got):\n%s", diff)
	}
}

// TestFailureLimitBounded: the limiter tracks at most MaxAddrs addresses
// (the default when unset); addresses beyond share one bucket; idle
// buckets are dropped.
func TestFailureLimitBounded(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	l := newFailureLimiter(FailureLimit{})
	for i := range 100_000 {
		l.fail(fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255), now)
	}
	if n := l.size(); n != DefaultFailureMaxAddrs {
		t.Errorf("%d addresses tracked after 100,000 failed once each, want the bound %d", n, DefaultFailureMaxAddrs)
	}
	// Refilled and past the minute: dropped at the next failure.
	now = now.Add(2 * time.Minute)
	l.fail("10.255.0.1", now)
	if n := l.size(); n != 1 {
		t.Errorf("%d addresses tracked once the others refilled, want 1", n)
	}

	l = newFailureLimiter(FailureLimit{Rate: 1, Burst: 2, MaxAddrs: 3})
	for _, a := range []string{"a", "b", "c"} {
		if v := l.fail(a, now); v.throttled || v.shared {
			t.Errorf("%s, one of the first three addresses: %+v", a, v)
		}
	}
	// d and e share the overflow bucket of 2.
	// (At 1 token a second an empty bucket holds one again in a second.)
	for i, want := range []verdict{{}, {}, {throttled: true, audit: true, log: true, count: 1, shared: true, retry: time.Second}} {
		if v := l.fail("d", now); v != want {
			t.Errorf("d, failure %d: %+v, want %+v", i+1, v, want)
		}
	}
	if v := l.fail("e", now.Add(time.Second/4)); !v.throttled || !v.shared || v.retry != 3*time.Second/4 {
		t.Errorf("e, beyond the bound, a quarter second after d emptied the shared bucket: %+v, want throttled, retry in 0.75 s", v)
	}
	if n := l.size(); n != 3 {
		t.Errorf("%d addresses tracked, want the bound 3", n)
	}
	// A throttled address's bucket stays while its log line's minute
	// lasts; the others, refilled, go.
	l.fail("a", now) // its second
	if v := l.fail("a", now); !v.throttled || !v.log {
		t.Fatalf("a, third failure: %+v, want throttled and logged", v)
	}
	now = now.Add(30 * time.Second)
	if v := l.fail("e", now); v.throttled || v.shared {
		t.Errorf("e after b and c went idle: %+v, want its own full bucket", v)
	}
	if v := l.fail("f", now); v.shared {
		t.Errorf("f: %+v, want its own bucket", v)
	}
	l.fail("a", now)
	l.fail("a", now)
	if v := l.fail("a", now); !v.throttled || v.log {
		t.Errorf("a, throttled again within the minute: %+v, want throttled, not logged", v)
	}
}

// TestClientAddr: over a network connection the peer's IP is the
// address, and a ClientAddrHeader the caller sends is ignored; from a
// trusted peer (the in-process gateway) the header is the address.
func TestClientAddr(t *testing.T) {
	t.Parallel()
	tab, err := NewTable(&File{})
	if err != nil {
		t.Fatal(err)
	}
	invoke := func(conn *grpc.ClientConn, claimed string) error {
		ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer nope", ClientAddrHeader, claimed)
		return conn.Invoke(ctx, admin+"QueryAudit", &emptypb.Empty{}, &emptypb.Empty{})
	}

	network, aud, _, calls := guardServerWith(t, tab, func(o *Options) { o.FailureLimit = FailureLimit{Rate: 0.001, Burst: 2} })
	for i, want := range []codes.Code{codes.Unauthenticated, codes.Unauthenticated, codes.ResourceExhausted, codes.ResourceExhausted} {
		err := invoke(network, fmt.Sprintf("203.0.113.%d", i+1))
		if status.Code(err) != want {
			t.Errorf("network call %d claiming an address of its own: %v, want %v", i+1, err, want)
		}
		if c := <-calls; c.Throttled != (want == codes.ResourceExhausted) {
			t.Errorf("network call %d reported Throttled %v", i+1, c.Throttled)
		}
	}
	var outcomes []string
	for _, e := range aud.all() {
		outcomes = append(outcomes, e.Outcome)
	}
	if diff := cmp.Diff([]string{OutcomeUnauthenticated, OutcomeUnauthenticated, OutcomeThrottled}, outcomes); diff != "" {
		t.Errorf("audit outcomes (-want +got):\n%s", diff)
	}

	trusted, _, _, calls := guardServerWith(t, tab, func(o *Options) {
		o.FailureLimit = FailureLimit{Rate: 0.001, Burst: 2}
		o.TrustedPeer = func(net.Addr) bool { return true } // as if in process
	})
	for i := range 5 {
		if err := invoke(trusted, fmt.Sprintf("203.0.113.%d", i+1)); status.Code(err) != codes.Unauthenticated {
			t.Errorf("trusted call %d forwarding an address of its own: %v, want Unauthenticated", i+1, err)
		}
		<-calls
	}
	for i, want := range []codes.Code{codes.Unauthenticated, codes.Unauthenticated, codes.ResourceExhausted} {
		if err := invoke(trusted, "::ffff:198.51.100.9"); status.Code(err) != want {
			t.Errorf("trusted call %d forwarding one address: %v, want %v", i+1, err, want)
		}
		<-calls
	}
}

// The peer's address as the guard takes it.
func TestHostOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.ParseIP("192.0.2.1"), Port: 5}, "192.0.2.1"},
		{&net.TCPAddr{IP: net.ParseIP("::ffff:192.0.2.1"), Port: 5}, "192.0.2.1"},
		{&net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 5}, "2001:db8::/64"},
		{&net.TCPAddr{IP: net.ParseIP("2001:db8:0:7:a:b:c:d"), Port: 5}, "2001:db8:0:7::/64"},
		{&net.TCPAddr{IP: net.ParseIP("fe80::1"), Port: 5, Zone: "eth0"}, "fe80::/64"},
		{&net.UnixAddr{Name: "/run/mpid.sock", Net: "unix"}, "/run/mpid.sock"},
	} {
		if got := hostOf(tc.addr); got != tc.want {
			t.Errorf("hostOf(%v) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}

// TestFailureLimitIPv6Prefix: an IPv6 client is limited by its /64, over
// the network and as the gateway forwards it, so that the holder of a
// prefix cannot take a fresh burst from each of its 2^64 addresses.
func TestFailureLimitIPv6Prefix(t *testing.T) {
	t.Parallel()
	fx := newLimitFixture(t, FailureLimit{Rate: 0.001, Burst: 2})
	for i, want := range []codes.Code{codes.Unauthenticated, codes.Unauthenticated, codes.ResourceExhausted, codes.ResourceExhausted} {
		ip := fmt.Sprintf("2001:db8:0:1::%x", i+1) // one /64, a new address each time
		if _, _, err := fx.call(t, ip, "Bearer nope", fmt.Sprint("p-", i)); status.Code(err) != want {
			t.Errorf("failure %d from %s: %v, want %v", i+1, ip, err, want)
		}
	}
	if _, _, err := fx.call(t, "2001:db8:0:2::1", "Bearer nope", "q-0"); status.Code(err) != codes.Unauthenticated {
		t.Errorf("another /64: %v, want Unauthenticated", err)
	}

	// Through the gateway: the forwarded address is keyed alike.
	fx = newLimitFixture(t, FailureLimit{Rate: 0.001, Burst: 2})
	fx.g.opt.TrustedPeer = func(net.Addr) bool { return true }
	for i, want := range []codes.Code{codes.Unauthenticated, codes.Unauthenticated, codes.ResourceExhausted} {
		ctx := peer.NewContext(t.Context(), &peer.Peer{Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}})
		ctx = metadata.NewIncomingContext(ctx, metadata.Pairs("authorization", "Bearer nope",
			ClientAddrHeader, fmt.Sprintf("2001:db8:0:3:%x::9", i+1)))
		if _, _, err := fx.g.admit(ctx, admin+"QueryAudit", fmt.Sprint("g-", i)); status.Code(err) != want {
			t.Errorf("forwarded failure %d: %v, want %v", i+1, err, want)
		}
	}
}
