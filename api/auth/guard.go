package auth

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/store"
)

// ForwardedCertHeader is the metadata key under which the in-process REST
// gateway passes on the names of the client certificate the HTTP listener
// verified. It is honoured only on connections Options.TrustedPeer
// accepts; the gateway never forwards it from a caller.
const ForwardedCertHeader = "x-mpi-client-cert"

// Audit outcomes of refusals.
const (
	OutcomeUnauthenticated = "unauthenticated"
	OutcomeDenied          = "denied"
)

// Auditor appends to the audit log; store.Store is one.
type Auditor interface {
	Audit(ctx context.Context, entries ...*store.AuditEntry) error
}

// Call describes one finished call, for logging and metrics.
type Call struct {
	Method    string
	RequestID string
	// Principal is nil when the caller was not authenticated.
	Principal *Principal
	Err       error
	Duration  time.Duration
	Stream    bool
	// Throttled: the call was refused because its address made too many
	// calls without valid credentials (FailureLimit).
	Throttled bool
}

// Options configure a Guard.
type Options struct {
	// Auditor receives refusals (required).
	Auditor Auditor
	// Logger logs failures to write the audit log; default: discard.
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Report, when set, is called once per call when it ends — refused
	// calls included — with the context the handler saw.
	Report func(ctx context.Context, c Call)
	// Rules is the authorization table; default Authorization().
	Rules map[string][]Role
	// Public methods need no principal; default Public().
	Public map[string]bool
	// Refresh, when set, is called when a token or client certificate is
	// unknown: it returns the principals anew when their file changed
	// (nil when it did not), and the guard tries once more with them — so
	// a principal added a moment ago is known at its first call.
	Refresh func() *Table
	// TrustedPeer reports whether a connection's remote address is the
	// in-process REST gateway, whose ForwardedCertHeader and
	// ClientAddrHeader are believed. Default: no peer is.
	TrustedPeer func(net.Addr) bool
	// FailureLimit limits the calls without valid credentials per client
	// address; the zero value is the defaults.
	FailureLimit FailureLimit
}

// Guard authenticates and authorizes gRPC calls. Its table of principals
// can be replaced while it serves (SetTable).
type Guard struct {
	table atomic.Pointer[Table]
	opt   Options
	// reload serializes reading the principals anew with installing
	// them, so that an older reading is never installed over a newer one
	// (a revoked token must not come back).
	reload   sync.Mutex
	refusals refusalLog
	// failures is nil when FailureLimit is off.
	failures *failureLimiter
}

// NewGuard returns a Guard over the principals of t.
func NewGuard(t *Table, opt Options) *Guard {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Rules == nil {
		opt.Rules = Authorization()
	}
	if opt.Public == nil {
		opt.Public = Public()
	}
	if opt.TrustedPeer == nil {
		opt.TrustedPeer = func(net.Addr) bool { return false }
	}
	g := &Guard{opt: opt, failures: newFailureLimiter(opt.FailureLimit)}
	g.table.Store(t)
	return g
}

// SetTable replaces the principals (after the tokens file changed).
func (g *Guard) SetTable(t *Table) {
	g.reload.Lock()
	defer g.reload.Unlock()
	g.table.Store(t)
}

// Reload runs Options.Refresh and installs the principals it returns, if
// any, as one step; it reports whether they changed. Call it to pick up a
// changed tokens file (mpid does, on a timer); the Guard calls it itself
// when a caller's credentials are unknown.
func (g *Guard) Reload() bool {
	if g.opt.Refresh == nil {
		return false
	}
	g.reload.Lock()
	defer g.reload.Unlock()
	t := g.opt.Refresh()
	if t != nil {
		g.table.Store(t)
	}
	return t != nil
}

// Unary returns the unary server interceptor.
func (g *Guard) Unary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
		start := time.Now()
		ctx, id := g.requestID(ctx)
		grpc.SetHeader(ctx, metadata.Pairs(RequestIDHeader, id))
		var p *Principal
		var throttled bool
		defer func() { g.report(ctx, info.FullMethod, id, p, err, start, false, throttled) }()
		p, throttled, err = g.admit(ctx, info.FullMethod, id)
		if err != nil {
			return nil, err
		}
		ctx = WithPrincipal(ctx, p)
		return handler(ctx, req)
	}
}

// Stream returns the stream server interceptor.
func (g *Guard) Stream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
		start := time.Now()
		ctx, id := g.requestID(ss.Context())
		ss.SetHeader(metadata.Pairs(RequestIDHeader, id))
		var p *Principal
		var throttled bool
		defer func() { g.report(ctx, info.FullMethod, id, p, err, start, true, throttled) }()
		p, throttled, err = g.admit(ctx, info.FullMethod, id)
		if err != nil {
			return err
		}
		ctx = WithPrincipal(ctx, p)
		return handler(srv, &stream{ServerStream: ss, ctx: ctx})
	}
}

type stream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *stream) Context() context.Context { return s.ctx }

func (g *Guard) report(ctx context.Context, method, id string, p *Principal, err error, start time.Time, isStream, throttled bool) {
	if g.opt.Report != nil {
		g.opt.Report(ctx, Call{Method: method, RequestID: id, Principal: p, Err: err, Duration: time.Since(start), Stream: isStream, Throttled: throttled})
	}
}

// requestID attaches the caller's request ID, when sane, or a new one.
func (g *Guard) requestID(ctx context.Context) (context.Context, string) {
	var id string
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get(RequestIDHeader); len(v) == 1 {
			id = v[0]
		}
	}
	id = RequestIDOr(id)
	return api.WithRequestID(ctx, id), id
}

// admit authenticates and authorizes a call, auditing a refusal, and
// reports whether it was throttled (FailureLimit). A public method is
// admitted with a nil principal.
//
// Authentication comes first: a caller with valid credentials is never
// throttled, whatever others from its address (behind the same NAT, say)
// do; only a failed authentication takes from its address's bucket.
func (g *Guard) admit(ctx context.Context, method, id string) (*Principal, bool, error) {
	if g.opt.Public[method] {
		return nil, false, nil
	}
	p, err := g.authenticate(ctx)
	if err != nil {
		if terr := g.throttle(ctx, method, id); terr != nil {
			return nil, true, terr
		}
		g.auditRefusal(ctx, nil, method, id, OutcomeUnauthenticated)
		return nil, false, err
	}
	if !Allowed(g.opt.Rules, method, p.Role) {
		g.auditRefusal(ctx, p, method, id, OutcomeDenied)
		return p, false, status.Errorf(codes.PermissionDenied, "role %s may not call %s", p.Role, method)
	}
	return p, false, nil
}

// errThrottled is the answer to a throttled call. It never names the
// credentials sent.
var errThrottled = status.Error(codes.ResourceExhausted,
	"too many calls without valid credentials came from this address; retry later")

// throttle takes a token from the bucket of the address of a call that
// failed authentication and returns errThrottled when there was none. A
// throttled call is audited only when no other of its address was in the
// last second, and logged only when none was in the last minute: a flood
// grows neither the audit log nor the log without bound.
func (g *Guard) throttle(ctx context.Context, method, id string) error {
	if g.failures == nil {
		return nil
	}
	addr := g.clientAddr(ctx)
	v := g.failures.fail(addr, g.opt.Now())
	if !v.throttled {
		return nil
	}
	if v.log {
		g.opt.Logger.Warn("throttling calls without valid credentials from a client address",
			"client_addr", addr, "shared_bucket", v.shared, "throttled_calls", v.count,
			"method", method, "request_id", id)
	}
	if v.audit {
		g.auditRefusal(ctx, nil, method, id, OutcomeThrottled)
	}
	// Whole seconds, at least one, as HTTP's Retry-After has them (the
	// REST gateway passes this header on under that name).
	secs := max(1, int64(math.Ceil(v.retry.Seconds())))
	_ = grpc.SetHeader(ctx, metadata.Pairs(RetryAfterHeader, strconv.FormatInt(secs, 10)))
	return errThrottled
}

// RetryAfterHeader is the response metadata key of a throttled call: the
// seconds until its address may fail authentication again.
const RetryAfterHeader = "retry-after"

// authenticate finds the caller: a bearer token, else a verified client
// certificate, else (from the in-process gateway only) the certificate
// names the gateway forwarded.
func (g *Guard) authenticate(ctx context.Context) (*Principal, error) {
	tab := g.table.Load()
	p, err := g.authenticateWith(ctx, tab)
	if errors.Is(err, errUnknown) && g.opt.Refresh != nil {
		g.Reload()
		// Another caller's refresh (or the file watcher) may have
		// installed the principals while this one waited: its own
		// Refresh then finds the file unchanged.
		if t := g.table.Load(); t != tab {
			p, err = g.authenticateWith(ctx, t)
		}
	}
	if err != nil {
		return nil, status.Error(codes.Unauthenticated, err.Error())
	}
	return p, nil
}

// errUnknown marks credentials that are well-formed but not in the table.
var errUnknown = errors.New("unknown")

// authenticateWith authenticates against t; errors are plain, for
// authenticate to make statuses of.
func (g *Guard) authenticateWith(ctx context.Context, t *Table) (*Principal, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get("authorization"); len(v) > 0 {
		if len(v) > 1 {
			return nil, errors.New("authorization: sent more than once")
		}
		token, ok := bearer(v[0])
		if !ok {
			return nil, errors.New("authorization: want \"Bearer <token>\"")
		}
		p, err := t.Token(token)
		if err != nil {
			return nil, fmt.Errorf("authorization: %w token", errUnknown)
		}
		return p, nil
	}
	pr, _ := peer.FromContext(ctx)
	if pr != nil {
		if names := verifiedNames(pr); names != nil {
			p, err := t.Certificate(names)
			if err != nil {
				return nil, fmt.Errorf("client certificate: %w (not registered in the tokens file)", errUnknown)
			}
			return p, nil
		}
		if names := md.Get(ForwardedCertHeader); len(names) > 0 && g.opt.TrustedPeer(pr.Addr) {
			p, err := t.Certificate(names)
			if err != nil {
				return nil, fmt.Errorf("client certificate: %w (not registered in the tokens file)", errUnknown)
			}
			return p, nil
		}
	}
	return nil, errors.New("no credentials: send \"authorization: Bearer <token>\" or a client certificate")
}

// bearer returns the token of an authorization value "Bearer <token>".
func bearer(v string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// verifiedNames returns the names of the client certificate the TLS layer
// verified for the connection, or nil.
func verifiedNames(pr *peer.Peer) []string {
	info, ok := pr.AuthInfo.(credentials.TLSInfo)
	if !ok || len(info.State.VerifiedChains) == 0 || len(info.State.VerifiedChains[0]) == 0 {
		return nil
	}
	return CertNames(info.State.VerifiedChains[0][0])
}

// CertNames returns the names a client certificate may be registered
// under: its URI SANs, then its subject common name.
func CertNames(c *x509.Certificate) []string {
	var names []string
	for _, u := range c.URIs {
		names = append(names, u.String())
	}
	if c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName)
	}
	if names == nil {
		names = []string{}
	}
	return names
}

// auditRefusal writes a refused call to the audit log; a failure to write
// it is logged (the call is refused all the same).
func (g *Guard) auditRefusal(ctx context.Context, p *Principal, method, id, outcome string) {
	e := &store.AuditEntry{At: g.opt.Now(), Action: method, RequestID: id, Outcome: outcome}
	if p != nil {
		e.Actor, e.Role = p.Name, string(p.Role)
	}
	if err := g.refusals.audit(g.opt.Auditor, e); err != nil {
		g.opt.Logger.Error("audit of a refused call failed", "method", method, "request_id", id, "err", err)
	}
}

// refusalLog writes the audit entries of refused calls with group
// commit: a refusal waits until its entry is written, and those that
// arrive while a write is under way go together in the next one
// (Auditor.Audit with several entries). Every refusal it is given (all
// but the throttled calls not audited: see throttle) keeps its entry,
// written before the caller hears the refusal, but a flood of calls
// without credentials costs a write per batch, not per call: a commit
// each would spend the store's write capacity (on PostgreSQL, a WAL flush
// per refusal) that the legitimate users' audited calls need.
type refusalLog struct {
	mu      sync.Mutex
	pending []*store.AuditEntry
	waiters []chan error
	busy    bool
}

// maxRefusalBatch bounds the entries of one write.
const maxRefusalBatch = 512

func (l *refusalLog) audit(a Auditor, e *store.AuditEntry) error {
	done := make(chan error, 1)
	l.mu.Lock()
	l.pending = append(l.pending, e)
	l.waiters = append(l.waiters, done)
	lead := !l.busy
	l.busy = true
	l.mu.Unlock()
	if lead {
		l.flush(a)
	}
	return <-done
}

// flush writes the next batch — the leader's own entry is in it: it
// found nothing pending — and hands what arrived meanwhile to a writer of
// its own, so that no caller waits for more than its batch.
func (l *refusalLog) flush(a Auditor) {
	l.mu.Lock()
	n := min(len(l.pending), maxRefusalBatch)
	es, ws := l.pending[:n:n], l.waiters[:n:n]
	l.pending, l.waiters = l.pending[n:], l.waiters[n:]
	l.mu.Unlock()
	err := a.Audit(context.Background(), es...)
	for _, w := range ws {
		w <- err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.pending) == 0 {
		l.busy = false
		return
	}
	go l.flush(a)
}

// CheckSource refuses, with PermissionDenied, a principal in ctx that may
// not ingest for source (MaySource) and audits the refusal; it is the
// source-scope hook of the hub service.
func (g *Guard) CheckSource(ctx context.Context, source string) error {
	p := PrincipalFrom(ctx)
	if p == nil {
		return ErrNoPrincipal
	}
	if p.MaySource(source) {
		return nil
	}
	method, _ := grpc.Method(ctx)
	g.auditRefusal(ctx, p, method, api.RequestID(ctx), OutcomeDenied)
	if validName(source, 64) {
		return status.Errorf(codes.PermissionDenied, "principal %s may not ingest for source %s", p.Name, source)
	}
	return status.Errorf(codes.PermissionDenied, "principal %s may not ingest for that source", p.Name)
}
