package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/vnhealth/mpi/api/peercache"
	"github.com/vnhealth/mpi/store"
)

// personCache makes the person cache of cfg (api/peercache): shared with
// the replicas of --peers, whose requests it serves on --peer-addr, or
// this process's alone without --peers; nil with --person-cache-mb 0. Its
// counters join mpid's metrics. stop closes the peer listener.
func personCache(cfg Config, st store.Store, m *metrics, log *slog.Logger) (cache *peercache.Cache, stop func(), err error) {
	stop = func() {}
	if cfg.PersonCacheMB == 0 {
		return nil, stop, nil
	}
	peerServer, peerClient, err := peerTLS(cfg)
	if err != nil {
		return nil, stop, err
	}
	// Every request handler may load from a peer at once: keep as many
	// connections to each open as are used, not net/http's default two.
	client := &http.Client{Timeout: peercache.DefaultPeerTimeout,
		Transport: &http.Transport{TLSClientConfig: peerClient, MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second}}
	cache, err = peercache.New(st, peercache.Options{
		CacheBytes: int64(cfg.PersonCacheMB) << 20,
		Self:       cfg.Self,
		Peers:      cfg.Peers,
		Token:      cfg.PeerToken,
		Client:     client,
	})
	if err != nil {
		return nil, stop, err
	}
	m.reg.MustRegister(peercache.NewCollector(cache))
	if len(cfg.Peers) == 0 {
		return cache, stop, nil
	}
	lis, err := net.Listen("tcp", cfg.PeerAddr)
	if err != nil {
		return nil, stop, fmt.Errorf("--peer-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle(peercache.BasePath, cache.Handler())
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		TLSConfig:         peerServer,
	}
	serve := srv.Serve
	if peerServer != nil {
		serve = func(l net.Listener) error { return srv.ServeTLS(l, "", "") }
	}
	go func() {
		if err := serve(lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("peer cache listener failed", "err", err)
		}
	}()
	log.Info("person cache shared", "peer_addr", lis.Addr().String(), "self", cfg.Self, "peers", len(cfg.Peers), "tls", cfg.PeerTLS)
	return cache, func() { srv.Close() }, nil
}

// peerConfig checks the person cache flags and fills in --peer-addr from
// --self.
func peerConfig(c *Config, peers string) error {
	if c.PersonCacheMB < 0 {
		return fmt.Errorf("%w: --person-cache-mb: want 0 (off) or more", errUsage)
	}
	if peers == "" {
		if c.Self != "" || c.PeerToken != "" || c.PeerAddr != "" {
			return fmt.Errorf("%w: --self, --peer-token and --peer-addr go with --peers", errUsage)
		}
		return nil
	}
	for _, p := range strings.Split(peers, ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.Peers = append(c.Peers, p)
		}
	}
	switch {
	case c.PersonCacheMB == 0:
		return fmt.Errorf("%w: --peers needs the person cache (--person-cache-mb above 0)", errUsage)
	case c.Self == "":
		return fmt.Errorf("%w: --peers needs --self, this replica's URL among them", errUsage)
	case c.PeerToken == "":
		return fmt.Errorf("%w: --peers needs --peer-token (or $MPI_PEER_TOKEN), the secret the replicas share", errUsage)
	}
	schemes := map[string]bool{}
	for _, p := range c.Peers {
		u, err := url.Parse(p)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return fmt.Errorf("%w: --peers: want URLs such as http://10.0.0.5:7490 or https://…", errUsage)
		}
		schemes[u.Scheme] = true
	}
	if len(schemes) > 1 {
		return fmt.Errorf("%w: --peers: all http:// or all https://, not both", errUsage)
	}
	c.PeerTLS = schemes["https"]
	if c.PeerAddr == "" {
		u, err := url.Parse(c.Self)
		if err != nil || u.Host == "" {
			return fmt.Errorf("%w: --self: want a URL such as http://10.0.0.5:7490", errUsage)
		}
		c.PeerAddr = u.Host
	}
	return nil
}

// peerTLS returns the TLS configurations of the peer listener and of the
// requests to peers, or nils when the peers are http:// URLs.
func peerTLS(cfg Config) (server, client *tls.Config, err error) {
	if !cfg.PeerTLS {
		return nil, nil, nil
	}
	cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return nil, nil, fmt.Errorf("--tls-cert/--tls-key: %w", err)
	}
	server = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	client = &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.PeerCA != "" {
		pem, err := os.ReadFile(cfg.PeerCA)
		if err != nil {
			return nil, nil, fmt.Errorf("--peer-ca: %w", err)
		}
		client.RootCAs = x509.NewCertPool()
		if !client.RootCAs.AppendCertsFromPEM(pem) {
			return nil, nil, fmt.Errorf("--peer-ca: no PEM certificate in %s", cfg.PeerCA)
		}
	}
	return server, client, nil
}
