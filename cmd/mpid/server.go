package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/api/auth"
	"github.com/vnhealth/mpi/api/grpcapi"
	"github.com/vnhealth/mpi/internal/ticker"
	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/bolt"
	"github.com/vnhealth/mpi/store/postgres"
)

// serve runs mpid until ctx ends, then shuts down gracefully: the
// listeners stop accepting, in-flight HTTP and gRPC requests finish (up to
// cfg.ShutdownTimeout), and the store is closed — a request whose answer
// was sent has been committed.
func serve(ctx context.Context, cfg Config, stderr io.Writer) error {
	log := newLogger(stderr, cfg.LogLevel)

	if _, err := firstRunTokens(cfg.Tokens, stderr); err != nil {
		return fmt.Errorf("tokens file %s: %w", cfg.Tokens, err)
	}
	tokens, table, err := newTokensFile(cfg.Tokens, log)
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.Tokens, err)
	}
	if fi, err := os.Stat(cfg.Tokens); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn("the tokens file is readable by other users; it should have mode 0600", "file", cfg.Tokens, "mode", fi.Mode().Perm().String())
	}
	tlsCfg, err := serverTLS(cfg)
	if err != nil {
		return err
	}

	raw, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	if a, ok := raw.(store.Advisor); ok {
		for _, line := range a.Advice() {
			log.Warn("the store's server is set up to slow resolves down", "advice", line)
		}
	}
	m := newMetrics()
	st := timed(raw, m.storeLatency)
	closeStore := func() {
		if err := raw.Close(); err != nil {
			log.Error("closing the store", "err", err)
		}
	}
	base, err := baseModel(cfg)
	if err != nil {
		closeStore()
		return err
	}
	prior := &priorScaler{base: base, st: st, log: log}
	model, err := prior.initial(ctx)
	if err != nil {
		closeStore()
		return err
	}
	persons, stopPeers, err := personCache(cfg, st, m, log)
	if err != nil {
		closeStore()
		return err
	}
	defer stopPeers()
	opt := api.Options{Model: model, LinkDominant: cfg.LinkDominant}
	if persons != nil {
		opt.Persons = persons
	}
	svc := api.New(st, opt)
	prior.svc = svc
	m.reviewQueue(st, 10*time.Second)
	m.model(svc)

	guard := auth.NewGuard(table, auth.Options{
		Auditor:     st,
		Logger:      log,
		TrustedPeer: isInproc,
		Refresh:     tokens.refresh,
		FailureLimit: auth.FailureLimit{
			Off:   cfg.AuthFailureRate == 0,
			Rate:  cfg.AuthFailureRate,
			Burst: cfg.AuthFailureBurst,
		},
		Report: func(ctx context.Context, c auth.Call) {
			m.observe(c)
			logCall(ctx, log, c)
		},
	})
	opts := []grpc.ServerOption{
		grpc.MaxRecvMsgSize(cfg.MaxRequestBytes),
		grpc.ChainUnaryInterceptor(guard.Unary(), m.unary),
		grpc.ChainStreamInterceptor(guard.Stream(), m.stream),
	}
	if tlsCfg != nil {
		opts = append(opts, grpc.Creds(inprocOrTLS{credentials.NewTLS(tlsCfg)}))
	}
	gs := grpc.NewServer(opts...)
	grpcapi.New(svc, grpcapi.Config{Actor: auth.ActorFrom, CheckSource: guard.CheckSource, Logger: log}).Register(gs)
	hs := health.NewServer()
	healthpb.RegisterHealthServer(gs, hs)

	grpcLis, err := net.Listen("tcp", cfg.GRPCAddr)
	if err != nil {
		closeStore()
		return fmt.Errorf("--grpc-addr: %w", err)
	}
	httpLis, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		grpcLis.Close()
		closeStore()
		return fmt.Errorf("--http-addr: %w", err)
	}
	inproc := newInprocListener()
	conn, err := grpc.NewClient("passthrough:///inproc",
		grpc.WithContextDialer(inproc.Dial),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20), grpc.MaxCallSendMsgSize(cfg.MaxRequestBytes)))
	if err != nil {
		grpcLis.Close()
		httpLis.Close()
		closeStore()
		return err
	}
	var ready atomic.Bool
	gw, err := gateway(ctx, conn)
	if err != nil {
		grpcLis.Close()
		httpLis.Close()
		closeStore()
		return err
	}
	hsrv := &http.Server{
		Handler:           httpHandler(gw, st, m, log, &ready, cfg.MaxRequestBytes),
		TLSConfig:         tlsCfg,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	errc := make(chan error, 3)
	go func() { errc <- gs.Serve(grpcLis) }()
	go func() { gs.Serve(inproc) }()
	go func() {
		if tlsCfg != nil {
			errc <- hsrv.ServeTLS(httpLis, "", "")
		} else {
			errc <- hsrv.Serve(httpLis)
		}
	}()
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go tokens.watch(watchCtx, guard, tokensReread)
	if cfg.RescaleInterval > 0 {
		go prior.watch(watchCtx, cfg.RescaleInterval)
	}

	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	ready.Store(true)
	if cfg.AddrFile != "" {
		addrs := fmt.Sprintf("grpc=%s\nhttp=%s\n", grpcLis.Addr(), httpLis.Addr())
		if err := writeFileAtomic(cfg.AddrFile, []byte(addrs)); err != nil {
			log.Error("writing --addr-file", "err", err)
		}
	}
	log.Info("mpid serving", "grpc", grpcLis.Addr().String(), "http", httpLis.Addr().String(),
		"tls", tlsCfg != nil, "mtls", cfg.ClientCA != "", "store", storeKind(cfg), "principals_file", cfg.Tokens)

	var serveErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down: finishing in-flight requests", "timeout", cfg.ShutdownTimeout.String())
	case serveErr = <-errc:
		log.Error("a listener failed; shutting down", "err", serveErr)
	}
	ready.Store(false)
	hs.Shutdown()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	// REST first: its requests are gRPC calls over the in-process
	// connection, which must serve until they are done.
	if err := hsrv.Shutdown(sctx); err != nil {
		log.Warn("HTTP shutdown timed out; closing connections", "err", err)
		hsrv.Close()
	}
	stopped := make(chan struct{})
	go func() { gs.GracefulStop(); close(stopped) }()
	select {
	case <-stopped:
	case <-sctx.Done():
		log.Warn("gRPC shutdown timed out; cancelling the calls still running")
		gs.Stop()
		<-stopped
	}
	conn.Close()
	closeStore()
	log.Info("mpid stopped")
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) && !errors.Is(serveErr, grpc.ErrServerStopped) {
		return serveErr
	}
	return nil
}

// newLogger returns the JSON logger on w.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	l.UnmarshalText([]byte(level)) // validated by parseConfig
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// logCall writes the one log line of a gRPC call (REST calls included):
// method, code, duration, request ID and caller — never the request's
// content. Throttled calls are logged at debug level only.
func logCall(ctx context.Context, log *slog.Logger, c auth.Call) {
	code := status.Code(c.Err)
	level := slog.LevelInfo
	if c.Principal == nil && c.Err == nil {
		level = slog.LevelDebug // health checks: a line per probe says nothing
	}
	switch code {
	case codes.Internal, codes.Unknown, codes.DataLoss:
		level = slog.LevelError
	case codes.Unauthenticated, codes.PermissionDenied:
		level = slog.LevelWarn
	}
	if c.Throttled {
		// A line per call of a flood says nothing the guard's line per
		// address and minute does not; mpi_auth_throttled_total counts them.
		level = slog.LevelDebug
	}
	attrs := []slog.Attr{
		slog.String("method", c.Method),
		slog.String("code", code.String()),
		slog.Float64("duration_ms", float64(c.Duration.Microseconds())/1000),
		slog.String("request_id", c.RequestID),
	}
	if c.Principal != nil {
		attrs = append(attrs, slog.String("principal", c.Principal.Name), slog.String("role", string(c.Principal.Role)))
	}
	log.LogAttrs(ctx, level, "rpc", attrs...)
}

// serverTLS returns the listeners' TLS configuration, or nil without
// --tls-cert. With --client-ca a client certificate is asked for and, when
// given, verified against those CAs (clients may still authenticate with
// a token instead).
func serverTLS(cfg Config) (*tls.Config, error) {
	if cfg.TLSCert == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert/--tls-key: %w", err)
	}
	c := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}
	if cfg.ClientCA != "" {
		pem, err := os.ReadFile(cfg.ClientCA)
		if err != nil {
			return nil, fmt.Errorf("--client-ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--client-ca: no PEM certificate in %s", cfg.ClientCA)
		}
		c.ClientCAs = pool
		c.ClientAuth = tls.VerifyClientCertIfGiven
	}
	return c, nil
}

// openStore opens the store the configuration names.
func openStore(ctx context.Context, cfg Config) (store.Store, error) {
	if cfg.DatabaseURL != "" {
		st, err := postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{})
		if err != nil {
			return nil, fmt.Errorf("--database-url: %w", err)
		}
		return st, nil
	}
	st, err := bolt.Open(cfg.DB, bolt.Options{})
	if err != nil {
		return nil, fmt.Errorf("--db %s: %w", cfg.DB, err)
	}
	return st, nil
}

func storeKind(cfg Config) string {
	if cfg.DatabaseURL != "" {
		return "postgres"
	}
	return "bolt"
}

// baseModel loads the model and applies the threshold overrides.
func baseModel(cfg Config) (*matching.Model, error) {
	model := matching.DefaultModel()
	if cfg.Model != "" {
		var err error
		if model, err = matching.LoadModel(cfg.Model); err != nil {
			return nil, fmt.Errorf("--model: %w", err)
		}
	}
	if cfg.MatchThreshold != 0 || cfg.ReviewThreshold != 0 {
		c := *model
		if cfg.MatchThreshold != 0 {
			c.Thresholds.Match = cfg.MatchThreshold
		}
		if cfg.ReviewThreshold != 0 {
			c.Thresholds.Review = cfg.ReviewThreshold
		}
		if err := c.Init(); err != nil {
			return nil, fmt.Errorf("--match-threshold/--review-threshold: %w", err)
		}
		model = &c
	}
	return model, nil
}

// priorScaler keeps the model's prior scaled to the records the store
// holds, as mpictl does (matching.Model.ForPopulation; never above the
// model's own): at start, then — as hubs add records — whenever the store
// has grown by rescaleGrowth since the last scaling. A prior left at the
// size of the store mpid started on would overstate the chance that two
// records are one person more and more as the store grows (twenty times
// at a million records for a model estimated on 50,000): links on weaker
// evidence. It only ever lowers the prior: a store that shrinks (records
// retracted) keeps it.
type priorScaler struct {
	base *matching.Model
	st   store.Store
	svc  *api.Service
	log  *slog.Logger
	n    int // the records the current model is scaled to
}

// rescaleGrowth is the growth of the store that makes a new scaling.
// (Counting is not free: on PostgreSQL with 691,000 records, Counts took
// 3.7 s cold; hence --rescale-interval's default of 10 minutes.)
const rescaleGrowth = 0.01

func (p *priorScaler) records(ctx context.Context) (int, error) {
	var c store.Counts
	err := p.st.View(ctx, func(tx store.Tx) error {
		var err error
		c, err = tx.Counts(ctx)
		return err
	})
	return int(c.ActiveRecords), err
}

// initial returns the model scaled to the store as it is.
func (p *priorScaler) initial(ctx context.Context) (*matching.Model, error) {
	n, err := p.records(ctx)
	if err != nil {
		return nil, err
	}
	return p.scaled(n), nil
}

// scaled returns the base model scaled to n records and remembers n.
func (p *priorScaler) scaled(n int) *matching.Model {
	p.n = n
	if p.base.Training == nil || n <= p.base.Training.Records {
		return p.base
	}
	return p.base.ForPopulation(n)
}

// rescale scales the service's model anew when the store has grown
// enough, and reports whether it did.
func (p *priorScaler) rescale(ctx context.Context) (bool, error) {
	n, err := p.records(ctx)
	if err != nil {
		return false, err
	}
	if float64(n) < float64(p.n)*(1+rescaleGrowth) || p.base.Training == nil || n <= p.base.Training.Records {
		return false, nil
	}
	from := p.svc.Model().Prior
	p.svc.SetModel(p.scaled(n))
	p.log.Info("model prior scaled to the store", "active_records", n, "prior_before", from, "prior", p.svc.Model().Prior)
	return true, nil
}

// watch rescales every interval until ctx ends.
func (p *priorScaler) watch(ctx context.Context, interval time.Duration) {
	ticker.Every(ctx, interval, func() {
		if _, err := p.rescale(ctx); err != nil && ctx.Err() == nil {
			p.log.Error("counting the store's records to scale the model prior", "err", err)
		}
	})
}

// writeFileAtomic writes b to path through a temporary file and a rename.
func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
