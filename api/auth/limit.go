package auth

import (
	"context"
	"math"
	"net"
	"net/netip"
	"sync"
	"time"

	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
)

// ClientAddrHeader is the metadata key under which the in-process REST
// gateway passes on the IP address of the HTTP client. Like
// ForwardedCertHeader it is believed only on connections
// Options.TrustedPeer accepts; from any other peer it is ignored.
const ClientAddrHeader = "x-mpi-client-addr"

// OutcomeThrottled is the audit outcome of calls refused because their
// address made too many calls without valid credentials; at most one
// such entry is written per address and second.
const OutcomeThrottled = "throttled"

// Defaults of FailureLimit.
const (
	DefaultFailureRate     = 10
	DefaultFailureBurst    = 50
	DefaultFailureMaxAddrs = 65536
)

// FailureLimit limits the calls that fail authentication, per client
// address, with a token bucket each: an address may fail Burst times at
// once and Rate times a second in the long run; beyond, its calls are
// refused with ResourceExhausted. Calls that authenticate never take from
// the bucket. An IPv6 address counts as its /64. The zero value is the
// defaults.
type FailureLimit struct {
	// Off turns the limit off.
	Off bool
	// Rate is the failed authentications per second an address may make
	// in the long run; default DefaultFailureRate.
	Rate float64
	// Burst is those it may make at once; default DefaultFailureBurst.
	Burst int
	// MaxAddrs bounds the addresses tracked at once; addresses beyond it
	// share one bucket. Default DefaultFailureMaxAddrs.
	MaxAddrs int
}

// How often the limiter drops idle buckets, how often at most it audits
// and logs the throttled calls of one address.
const (
	sweepEvery = time.Second
	auditEvery = time.Second
	logEvery   = time.Minute
)

// failureLimiter holds the token buckets of client addresses.
type failureLimiter struct {
	rate, burst float64
	max         int

	mu       sync.Mutex
	addrs    map[string]*bucket
	overflow bucket // shared by the addresses beyond max
	swept    time.Time
}

// bucket is one address's token bucket, and when its throttled calls
// were last audited and logged.
type bucket struct {
	tokens  float64
	at      time.Time // when tokens was brought up to date; zero: never (full)
	audited time.Time
	logged  time.Time
	// throttled counts the calls throttled since the last log line.
	throttled int
}

func newFailureLimiter(fl FailureLimit) *failureLimiter {
	if fl.Off {
		return nil
	}
	if fl.Rate <= 0 {
		fl.Rate = DefaultFailureRate
	}
	if fl.Burst <= 0 {
		fl.Burst = DefaultFailureBurst
	}
	if fl.MaxAddrs <= 0 {
		fl.MaxAddrs = DefaultFailureMaxAddrs
	}
	return &failureLimiter{rate: fl.Rate, burst: float64(fl.Burst), max: fl.MaxAddrs, addrs: map[string]*bucket{}}
}

// verdict is what the limiter decided about one failed authentication.
type verdict struct {
	// throttled: the address's bucket is empty; refuse the call.
	throttled bool
	// audit: this throttled call's entry stands for its address's
	// throttled calls of the next second.
	audit bool
	// log: log this throttled call, for its address's of the next
	// minute; count of them since the last line, this one included.
	log   bool
	count int
	// shared: the address is one beyond MaxAddrs, in the shared bucket.
	shared bool
	// retry is how long until the bucket holds a token again.
	retry time.Duration
}

// fail takes a token from addr's bucket for a failed authentication at
// now.
func (l *failureLimiter) fail(addr string, now time.Time) verdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) >= sweepEvery || now.Before(l.swept) {
		l.sweep(now)
	}
	b, shared := l.addrs[addr], false
	if b == nil {
		if len(l.addrs) < l.max {
			b = &bucket{}
			l.addrs[addr] = b
		} else {
			b, shared = &l.overflow, true
		}
	}
	b.tokens = l.level(b, now)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return verdict{}
	}
	v := verdict{throttled: true, shared: shared}
	v.retry = time.Duration(math.Ceil((1 - b.tokens) / l.rate * float64(time.Second)))
	b.throttled++
	if b.audited.IsZero() || !now.Before(b.audited.Add(auditEvery)) {
		b.audited, v.audit = now, true
	}
	if b.logged.IsZero() || !now.Before(b.logged.Add(logEvery)) {
		b.logged, v.log, v.count = now, true, b.throttled
		b.throttled = 0
	}
	return v
}

// level is the tokens in b at now.
func (l *failureLimiter) level(b *bucket, now time.Time) float64 {
	if b.at.IsZero() {
		return l.burst
	}
	elapsed := max(now.Sub(b.at).Seconds(), 0) // a clock set back refills nothing
	return min(b.tokens+elapsed*l.rate, l.burst)
}

// sweep drops the buckets that say nothing a new one would not: full
// again, and past the second and the minute within which their address's
// throttled calls were audited and logged.
func (l *failureLimiter) sweep(now time.Time) {
	l.swept = now
	for a, b := range l.addrs {
		if l.level(b, now) >= l.burst && !now.Before(b.audited.Add(auditEvery)) && !now.Before(b.logged.Add(logEvery)) {
			delete(l.addrs, a)
		}
	}
}

// size is the number of addresses tracked.
func (l *failureLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.addrs)
}

// clientAddr is the address a call is limited by: the IP address of a
// network peer, without port; for the in-process gateway (TrustedPeer),
// the HTTP client's address it forwarded as ClientAddrHeader. An IPv6
// address stands for its /64 (limitKey).
func (g *Guard) clientAddr(ctx context.Context) string {
	pr, ok := peer.FromContext(ctx)
	if !ok || pr.Addr == nil {
		return "unknown"
	}
	if g.opt.TrustedPeer(pr.Addr) {
		md, _ := metadata.FromIncomingContext(ctx)
		if v := md.Get(ClientAddrHeader); len(v) == 1 {
			if a, err := netip.ParseAddr(v[0]); err == nil {
				return limitKey(a)
			}
		}
		return pr.Addr.String() // the gateway's calls without an address share one bucket
	}
	return hostOf(pr.Addr)
}

// hostOf is the limit key of a network address: limitKey of its IP, or
// the address without port when it has no IP.
func hostOf(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return limitKey(t.AddrPort().Addr())
	}
	if h, _, err := net.SplitHostPort(a.String()); err == nil {
		if ip, err := netip.ParseAddr(h); err == nil {
			return limitKey(ip)
		}
		return h
	}
	return a.String()
}

// ipv6LimitBits is the prefix an IPv6 client is limited by: a /64 is the
// smallest a site or subscriber is given, and its holder can use any of
// its 2^64 addresses, each of which would otherwise get a bucket (and a
// burst) of its own.
const ipv6LimitBits = 64

// limitKey is the bucket key of a client IP: an IPv4 address (mapped or
// not) itself, an IPv6 address its /64, zone dropped.
func limitKey(a netip.Addr) string {
	a = a.Unmap().WithZone("")
	if a.Is4() || !a.IsValid() {
		return a.String()
	}
	return netip.PrefixFrom(a, ipv6LimitBits).Masked().String()
}
