package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/textproto"
	"sync/atomic"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/vnhealth/mpi/api/auth"
	"github.com/vnhealth/mpi/api/grpcapi"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
	"github.com/vnhealth/mpi/store"
)

// gateway returns the REST mapping of the API, calling the gRPC server
// over conn. Of the caller's headers only the authorization (which the
// gateway always passes on) and X-Request-Id reach gRPC; a client
// certificate the HTTP listener verified is passed on as
// auth.ForwardedCertHeader and the client's IP address (of the
// connection, never X-Forwarded-For) as auth.ClientAddrHeader, which the
// guard believes from the in-process connection only.
func gateway(ctx context.Context, conn grpc.ClientConnInterface) (*runtime.ServeMux, error) {
	opts := append(grpcapi.GatewayOptions(),
		runtime.WithIncomingHeaderMatcher(func(key string) (string, bool) {
			if textproto.CanonicalMIMEHeaderKey(key) == "X-Request-Id" {
				return auth.RequestIDHeader, true
			}
			return "", false
		}),
		// Of the gRPC response metadata only a throttled call's
		// auth.RetryAfterHeader becomes an HTTP header, Retry-After; the
		// request ID the HTTP middleware sets itself.
		runtime.WithOutgoingHeaderMatcher(func(key string) (string, bool) {
			if key == auth.RetryAfterHeader {
				return "Retry-After", true
			}
			return "", false
		}),
		runtime.WithMetadata(func(_ context.Context, r *http.Request) metadata.MD {
			md := metadata.MD{auth.ClientAddrHeader: []string{remoteIP(r.RemoteAddr)}}
			if r.TLS != nil && len(r.TLS.VerifiedChains) > 0 && len(r.TLS.VerifiedChains[0]) > 0 {
				md[auth.ForwardedCertHeader] = auth.CertNames(r.TLS.VerifiedChains[0][0])
			}
			return md
		}),
	)
	mux := runtime.NewServeMux(opts...)
	if err := grpcapi.RegisterGateway(ctx, mux, conn); err != nil {
		return nil, err
	}
	return mux, nil
}

// remoteIP is the IP address of an http.Request.RemoteAddr, without port.
func remoteIP(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// httpHandler serves the REST API (gw) and, without authentication,
// /healthz (the process is up), /readyz (it serves and its store answers),
// /metrics and /openapi.json. Every request gets a request ID (the
// caller's X-Request-Id when sane), echoed in the response and passed to
// gRPC, and one log line: method, path (never the query, which may hold
// identifiers), status, duration, request ID. Bodies beyond maxBytes are
// refused.
func httpHandler(gw http.Handler, st store.Store, m *metrics, log *slog.Logger, ready *atomic.Bool, maxBytes int) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if !ready.Load() {
			http.Error(w, "not ready: starting or shutting down", http.StatusServiceUnavailable)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := st.View(ctx, func(tx store.Tx) error { _, err := tx.Counts(ctx); return err }); err != nil {
			log.Warn("readiness: store unreachable", "err", err)
			http.Error(w, "not ready: store unreachable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(mpiv1.OpenAPI)
	})
	mux.Handle("/v1/", gw)

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := auth.RequestIDOr(r.Header.Get("X-Request-Id"))
		r.Header.Set("X-Request-Id", id)
		w.Header().Set("X-Request-Id", id)
		if r.ContentLength > int64(maxBytes) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			m.httpRequests.WithLabelValues(handlerName(r.URL.Path), "413").Inc()
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, int64(maxBytes))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		mux.ServeHTTP(sw, r)
		name := handlerName(r.URL.Path)
		m.httpRequests.WithLabelValues(name, httpStatus(sw.status)).Inc()
		if name == "healthz" || name == "readyz" || name == "metrics" {
			return // probes and scrapes: counted, not logged
		}
		log.LogAttrs(r.Context(), slog.LevelInfo, "http",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", sw.status),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000), slog.String("request_id", id))
	})
}

// handlerName is the metric label of a path: a fixed word, never the path.
func handlerName(path string) string {
	switch path {
	case "/healthz":
		return "healthz"
	case "/readyz":
		return "readyz"
	case "/metrics":
		return "metrics"
	case "/openapi.json":
		return "openapi"
	}
	if len(path) >= 4 && path[:4] == "/v1/" {
		return "api"
	}
	return "other"
}

func httpStatus(code int) string {
	const digits = "0123456789"
	if code < 100 || code > 999 {
		return "other"
	}
	return string([]byte{digits[code/100], digits[code/10%10], digits[code%10]})
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
