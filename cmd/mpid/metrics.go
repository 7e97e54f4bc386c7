package main

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/api/auth"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
	"github.com/vnhealth/mpi/store"
)

// metrics are mpid's Prometheus metrics. No label carries patient data:
// methods are full gRPC method names of the authorization table, codes
// are gRPC code names, decisions and store operations are fixed words.
type metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	httpRequests *prometheus.CounterVec
	decisions    *prometheus.CounterVec
	storeLatency *prometheus.HistogramVec
	throttled    *prometheus.CounterVec
	known        map[string]bool
}

// latencyBuckets span 0.5 ms to 10 s.
var latencyBuckets = []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .2, .5, 1, 2, 5, 10}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mpi_grpc_requests_total", Help: "gRPC calls (REST calls included: the gateway calls gRPC) by method and status code.",
		}, []string{"method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mpi_grpc_request_duration_seconds", Help: "gRPC call latency by method and status code.", Buckets: latencyBuckets,
		}, []string{"method", "code"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mpi_http_requests_total", Help: "HTTP requests by handler (api, openapi, healthz, readyz, metrics) and status.",
		}, []string{"handler", "status"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mpi_resolve_decisions_total", Help: "Records resolved or retracted, by decision.",
		}, []string{"decision"}),
		storeLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mpi_store_operation_duration_seconds", Help: "Store latency by operation (update, view, audit, audit_log), retries included.", Buckets: latencyBuckets,
		}, []string{"op"}),
		throttled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mpi_auth_throttled_total", Help: "Calls refused because their client address made too many calls without valid credentials (--auth-failure-rate), by method.",
		}, []string{"method"}),
		known: map[string]bool{},
	}
	for meth := range auth.Authorization() {
		m.known[meth] = true
	}
	for meth := range auth.Public() {
		m.known[meth] = true
	}
	m.reg.MustRegister(m.requests, m.latency, m.httpRequests, m.decisions, m.storeLatency, m.throttled,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe records one finished call (auth.Options.Report).
func (m *metrics) observe(c auth.Call) {
	meth := c.Method
	if !m.known[meth] {
		meth = "other"
	}
	code := status.Code(c.Err).String()
	m.requests.WithLabelValues(meth, code).Inc()
	m.latency.WithLabelValues(meth, code).Observe(c.Duration.Seconds())
	if c.Throttled {
		m.throttled.WithLabelValues(meth).Inc()
	}
}

// decision counts one resolve or retract outcome.
func (m *metrics) decision(d string) {
	switch d {
	case api.DecisionLinked, api.DecisionNew, api.DecisionReview, api.DecisionDuplicate, api.DecisionUnchanged, api.DecisionRetracted:
	case "":
		return
	default:
		d = "other"
	}
	m.decisions.WithLabelValues(d).Inc()
}

// countDecisions counts the decisions a HubService response carries.
func (m *metrics) countDecisions(resp any) {
	switch r := resp.(type) {
	case *mpiv1.ResolveResponse:
		m.decision(r.GetDecision())
	case *mpiv1.ResolveBatchResponse:
		for _, x := range r.GetResults() {
			m.decision(x.GetDecision())
		}
	case *mpiv1.RetractResponse:
		m.decision(r.GetDecision())
	}
}

// unary counts the decisions of unary responses.
func (m *metrics) unary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	resp, err := h(ctx, req)
	if err == nil {
		m.countDecisions(resp)
	}
	return resp, err
}

// stream counts the decisions of streamed responses.
func (m *metrics) stream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	return h(srv, &countingStream{ServerStream: ss, m: m})
}

type countingStream struct {
	grpc.ServerStream
	m *metrics
}

func (s *countingStream) SendMsg(msg any) error {
	err := s.ServerStream.SendMsg(msg)
	if err == nil {
		s.m.countDecisions(msg)
	}
	return err
}

// model registers mpi_model_prior, the prior the service scores with
// now (it falls as the store grows: mpid scales it to the records held).
func (m *metrics) model(svc *api.Service) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "mpi_model_prior", Help: "The matching model's prior: the chance that two records drawn at random are one person, scaled to the records stored.",
	}, func() float64 { return svc.Model().Prior }))
}

// reviewQueue registers mpi_review_queue_open_tasks, the open review
// tasks, read from the store at most every ttl.
func (m *metrics) reviewQueue(st store.Store, ttl time.Duration) {
	var (
		mu   sync.Mutex
		at   time.Time
		last float64
	)
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "mpi_review_queue_open_tasks", Help: "Open review tasks (possible matches and duplicates).",
	}, func() float64 {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(at) < ttl {
			return last
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var c store.Counts
		if err := st.View(ctx, func(tx store.Tx) error {
			var err error
			c, err = tx.Counts(ctx)
			return err
		}); err == nil {
			last, at = float64(c.OpenTasks), time.Now()
		}
		return last
	}))
}

// timedStore is a store.Store whose transactions and audit calls are
// timed into mpi_store_operation_duration_seconds.
type timedStore struct {
	store.Store
	h *prometheus.HistogramVec
}

// timedOneWriter is a timedStore over a store.OneWriter, which it must
// remain: the workflow does its scoring before the write transaction only
// on such a store, and the embedded interface does not carry the marker.
type timedOneWriter struct{ timedStore }

func (timedOneWriter) OneWriter() {}

// timed wraps st in a timedStore that keeps st's optional interfaces.
func timed(st store.Store, h *prometheus.HistogramVec) store.Store {
	t := timedStore{Store: st, h: h}
	if _, ok := st.(store.OneWriter); ok {
		return timedOneWriter{t}
	}
	return t
}

func (s timedStore) since(op string, t time.Time) {
	s.h.WithLabelValues(op).Observe(time.Since(t).Seconds())
}

func (s timedStore) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	defer s.since("update", time.Now())
	return s.Store.Update(ctx, fn)
}

func (s timedStore) View(ctx context.Context, fn func(tx store.Tx) error) error {
	defer s.since("view", time.Now())
	return s.Store.View(ctx, fn)
}

func (s timedStore) Audit(ctx context.Context, entries ...*store.AuditEntry) error {
	defer s.since("audit", time.Now())
	return s.Store.Audit(ctx, entries...)
}

func (s timedStore) AuditLog(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error) {
	defer s.since("audit_log", time.Now())
	return s.Store.AuditLog(ctx, f)
}

func (s timedStore) Backup(ctx context.Context, w io.Writer) error { return s.Store.Backup(ctx, w) }
