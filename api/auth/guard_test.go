package auth

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/store"
)

// memAudit is an Auditor that keeps entries in memory.
type memAudit struct {
	mu      sync.Mutex
	entries []store.AuditEntry
}

func (m *memAudit) Audit(_ context.Context, es ...*store.AuditEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range es {
		m.entries = append(m.entries, *e)
	}
	return nil
}

func (m *memAudit) all() []store.AuditEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]store.AuditEntry(nil), m.entries...)
}

// seen is what the handler behind the guard saw of one call.
type seen struct {
	Actor     api.Actor
	RequestID string
}

// guardServer serves every method through a Guard on a loopback port: an
// unknown-service handler stands for the real services, recording the
// actor and request ID it was given and answering an empty message; the
// source-scope hook is applied with the source "BV01".
func guardServer(t *testing.T, tab *Table) (*grpc.ClientConn, *memAudit, chan seen, chan Call) {
	t.Helper()
	return guardServerWith(t, tab, nil)
}

// guardServerWith is guardServer with options set by with, if not nil.
func guardServerWith(t *testing.T, tab *Table, with func(*Options)) (*grpc.ClientConn, *memAudit, chan seen, chan Call) {
	t.Helper()
	aud := &memAudit{}
	seenc := make(chan seen, 100)
	calls := make(chan Call, 100)
	opt := Options{Auditor: aud, Report: func(_ context.Context, c Call) { calls <- c }}
	if with != nil {
		with(&opt)
	}
	g := NewGuard(tab, opt)
	srv := grpc.NewServer(grpc.UnaryInterceptor(g.Unary()), grpc.StreamInterceptor(g.Stream()),
		grpc.UnknownServiceHandler(func(_ any, ss grpc.ServerStream) error {
			var in emptypb.Empty
			if err := ss.RecvMsg(&in); err != nil {
				return err
			}
			a, err := ActorFrom(ss.Context())
			if err != nil {
				return err
			}
			if m, _ := grpc.MethodFromServerStream(ss); m == hub+"Resolve" {
				if err := g.CheckSource(ss.Context(), "BV01"); err != nil {
					return err
				}
			}
			seenc <- seen{a, api.RequestID(ss.Context())}
			return ss.SendMsg(&emptypb.Empty{})
		}))
	healthpb.RegisterHealthServer(srv, health.NewServer())
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn, aud, seenc, calls
}

func TestGuard(t *testing.T) {
	t.Parallel()
	var f File
	tokens := map[Role]string{}
	for _, r := range Roles {
		var src []string
		if r == RoleIngest {
			src = []string{"BV01"}
		}
		tok, err := f.AddToken("p-"+string(r), r, src)
		if err != nil {
			t.Fatal(err)
		}
		tokens[r] = tok
	}
	foreign, err := f.AddToken("hub-other", RoleIngest, []string{"BV02"})
	if err != nil {
		t.Fatal(err)
	}
	tab, err := NewTable(&f)
	if err != nil {
		t.Fatal(err)
	}
	conn, aud, seenc, calls := guardServer(t, tab)
	call := func(method, auth, reqID string) (metadata.MD, error) {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		if auth != "" {
			ctx = metadata.AppendToOutgoingContext(ctx, "authorization", auth)
		}
		if reqID != "" {
			ctx = metadata.AppendToOutgoingContext(ctx, RequestIDHeader, reqID)
		}
		var hdr metadata.MD
		err := conn.Invoke(ctx, method, &emptypb.Empty{}, &emptypb.Empty{}, grpc.Header(&hdr))
		return hdr, err
	}

	rules := Authorization()
	audits := 0
	for method, allowed := range rules {
		for _, r := range Roles {
			id := "req-" + string(r)
			hdr, err := call(method, "Bearer "+tokens[r], id)
			c := <-calls
			if got := hdr.Get(RequestIDHeader); len(got) != 1 || got[0] != id {
				t.Errorf("%s as %s: x-request-id header %v, want [%s]", method, r, got, id)
			}
			if c.Method != method || c.RequestID != id || c.Principal == nil || c.Principal.Role != r {
				t.Errorf("%s as %s: reported %+v", method, r, c)
			}
			if Allowed(rules, method, r) != containsRole(allowed, r) {
				t.Fatal("Allowed disagrees with the table")
			}
			if !containsRole(allowed, r) {
				if status.Code(err) != codes.PermissionDenied {
					t.Errorf("%s as %s: %v, want PermissionDenied", method, r, err)
				}
				audits++
				continue
			}
			if err != nil {
				t.Errorf("%s as %s: %v, want success", method, r, err)
				continue
			}
			s := <-seenc
			want := seen{api.Actor{ID: "p-" + string(r), Role: string(r)}, id}
			if diff := cmp.Diff(want, s); diff != "" {
				t.Errorf("%s as %s: handler saw (-want +got):\n%s", method, r, diff)
			}
		}
	}
	// Refused: no credentials, a malformed header, an unknown token, a
	// method missing from the table, a foreign source.
	for _, tc := range []struct {
		method, auth string
		code         codes.Code
	}{
		{admin + "QueryAudit", "", codes.Unauthenticated},
		{admin + "QueryAudit", tokens[RoleAdmin], codes.Unauthenticated},
		{admin + "QueryAudit", "Basic " + tokens[RoleAdmin], codes.Unauthenticated},
		{admin + "QueryAudit", "Bearer " + tokens[RoleAdmin] + "x", codes.Unauthenticated},
		{admin + "DropEverything", "Bearer " + tokens[RoleAdmin], codes.PermissionDenied},
		{"/other.Service/Method", "Bearer " + tokens[RoleAdmin], codes.PermissionDenied},
		{hub + "Resolve", "Bearer " + foreign, codes.PermissionDenied},
	} {
		_, err := call(tc.method, tc.auth, "bad id")
		<-calls
		if status.Code(err) != tc.code {
			t.Errorf("%s with %.12q: %v, want %v", tc.method, tc.auth, err, tc.code)
		}
		audits++
	}
	// Public: the health check needs no credentials and is not audited.
	hc := healthpb.NewHealthClient(conn)
	if _, err := hc.Check(t.Context(), &healthpb.HealthCheckRequest{}); err != nil {
		t.Errorf("health check: %v", err)
	}
	<-calls

	entries := aud.all()
	if len(entries) != audits {
		t.Fatalf("%d audit entries, want %d (one per refusal)", len(entries), audits)
	}
	last := entries[len(entries)-1]
	if last.Actor != "hub-other" || last.Role != "ingest" || last.Action != hub+"Resolve" || last.Outcome != OutcomeDenied || !SaneRequestID(last.RequestID) {
		t.Errorf("foreign-source refusal audited as %+v", last)
	}
	first := entries[len(entries)-7]
	if first.Actor != "" || first.Outcome != OutcomeUnauthenticated || first.Action != admin+"QueryAudit" {
		t.Errorf("unauthenticated call audited as %+v", first)
	}
}

func containsRole(rs []Role, r Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// TestGuardRefreshConcurrent: callers presenting a token added a moment
// ago at the same time are all known, though only the first refresh finds
// the file changed (the others wait for it and find it unchanged).
func TestGuardRefreshConcurrent(t *testing.T) {
	t.Parallel()
	var f File
	old, err := NewTable(&f)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := f.AddToken("dr-new", RoleClinician, nil)
	if err != nil {
		t.Fatal(err)
	}
	added, err := NewTable(&f)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	changed := true
	g := NewGuard(old, Options{Refresh: func() *Table {
		mu.Lock() // as mpid's tokensFile: one reader at a time
		defer mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		if !changed {
			return nil
		}
		changed = false
		return added
	}})
	ctx := metadata.NewIncomingContext(t.Context(), metadata.Pairs("authorization", "Bearer "+tok))
	const callers = 16
	errs := make(chan error, callers)
	var start sync.WaitGroup
	start.Add(1)
	for range callers {
		go func() {
			start.Wait()
			p, err := g.authenticate(ctx)
			if err == nil && p.Name != "dr-new" {
				err = status.Errorf(codes.Internal, "principal %q", p.Name)
			}
			errs <- err
		}()
	}
	start.Done()
	for range callers {
		if err := <-errs; err != nil {
			t.Errorf("a caller with the new token: %v", err)
		}
	}
}

// TestGuardReloadKeepsTheNewest: a caller's reload that read the tokens
// file before a revocation cannot install its older reading over the
// revocation another reload installed meanwhile.
func TestGuardReloadKeepsTheNewest(t *testing.T) {
	t.Parallel()
	var f File
	revoked, err := f.AddToken("leaver", RoleClinician, nil)
	if err != nil {
		t.Fatal(err)
	}
	v0, _ := NewTable(&f)
	added, err := f.AddToken("newcomer", RoleClinician, nil)
	if err != nil {
		t.Fatal(err)
	}
	v1, _ := NewTable(&f) // the newcomer added
	f.Principals = f.Principals[1:]
	v2, _ := NewTable(&f) // and then the leaver revoked

	var mu sync.Mutex // the file as mpid's tokensFile reads it
	file, seen := 1, 0
	reading := make(chan struct{})
	g := NewGuard(v0, Options{Refresh: func() *Table {
		mu.Lock()
		version := file
		changed := version != seen
		seen = version
		mu.Unlock()
		if !changed {
			return nil
		}
		if version == 1 {
			close(reading)
			time.Sleep(50 * time.Millisecond) // slow to parse: the revocation lands meanwhile
			return v1
		}
		return v2
	}})
	done := make(chan error)
	go func() {
		_, err := g.authenticate(metadata.NewIncomingContext(t.Context(), metadata.Pairs("authorization", "Bearer "+added)))
		done <- err
	}()
	<-reading
	mu.Lock()
	file = 2
	mu.Unlock()
	g.Reload() // the file watcher
	if err := <-done; err != nil {
		t.Errorf("the newcomer's first call: %v", err)
	}
	if _, err := g.authenticate(metadata.NewIncomingContext(t.Context(), metadata.Pairs("authorization", "Bearer "+revoked))); status.Code(err) != codes.Unauthenticated {
		t.Errorf("the revoked token after both reloads: %v, want Unauthenticated", err)
	}
}

// slowAudit is a memAudit whose every write takes a while, counting
// writes.
type slowAudit struct {
	memAudit
	writes atomic.Int64
}

func (s *slowAudit) Audit(ctx context.Context, es ...*store.AuditEntry) error {
	s.writes.Add(1)
	time.Sleep(5 * time.Millisecond)
	return s.memAudit.Audit(ctx, es...)
}

// TestRefusalsGroupCommitted: a flood of refused calls has every refusal
// audited, each entry written before its caller hears the refusal, in far
// fewer writes than refusals.
func TestRefusalsGroupCommitted(t *testing.T) {
	t.Parallel()
	tab, err := NewTable(&File{})
	if err != nil {
		t.Fatal(err)
	}
	aud := &slowAudit{}
	g := NewGuard(tab, Options{Auditor: aud})
	const callers, each = 16, 25
	var wg sync.WaitGroup
	for c := range callers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("req-%d-%d", c, i)
				g.auditRefusal(t.Context(), nil, hub+"Resolve", id, OutcomeUnauthenticated)
				if !slices.ContainsFunc(aud.all(), func(e store.AuditEntry) bool { return e.RequestID == id }) {
					t.Errorf("refusal %s returned before its audit entry was written", id)
				}
			}
		})
	}
	wg.Wait()
	got := aud.all()
	if len(got) != callers*each {
		t.Fatalf("%d audit entries for %d refusals", len(got), callers*each)
	}
	seen := map[string]bool{}
	for _, e := range got {
		if seen[e.RequestID] || e.Outcome != OutcomeUnauthenticated || e.Actor != "" {
			t.Errorf("entry %+v: repeated or wrong", e)
		}
		seen[e.RequestID] = true
	}
	if w := aud.writes.Load(); w > callers*each/4 {
		t.Errorf("%d writes for %d refusals from %d callers: not grouped", w, callers*each, callers)
	}
}
