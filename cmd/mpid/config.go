package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/vnhealth/mpi/api/auth"
)

// Config is what mpid serves and how: flags, with MPI_* environment
// variables as their defaults.
type Config struct {
	DB          string // bolt store file (the default store)
	DatabaseURL string // PostgreSQL instead

	GRPCAddr string
	HTTPAddr string
	// AddrFile, when set, receives the bound addresses once both
	// listeners are up ("grpc=HOST:PORT\nhttp=HOST:PORT\n"): for port 0.
	AddrFile string

	TLSCert, TLSKey string
	ClientCA        string

	Tokens string
	// AuthFailureRate and AuthFailureBurst limit the calls without valid
	// credentials per client address (auth.FailureLimit); a rate of 0
	// turns the limit off.
	AuthFailureRate  float64
	AuthFailureBurst int

	Model           string
	MatchThreshold  float64
	ReviewThreshold float64
	// LinkDominant: api.Options.LinkDominant.
	LinkDominant bool

	// The person cache (api/peercache): PersonCacheMB its size (0: off);
	// Peers the replicas sharing it, Self this one's URL among them,
	// PeerAddr where it serves them (default Self's host and port),
	// PeerToken their shared secret.
	PersonCacheMB int
	Peers         []string
	Self          string
	PeerAddr      string
	PeerToken     string
	// PeerTLS: the peers are https:// URLs; the peer listener serves TLS
	// with TLSCert and TLSKey, and peers are verified against PeerCA (or
	// the system's roots).
	PeerTLS bool
	PeerCA  string
	// RescaleInterval is how often the model's prior is scaled anew to
	// the records stored; 0: only at start.
	RescaleInterval time.Duration

	MaxRequestBytes int
	ShutdownTimeout time.Duration
	LogLevel        string
}

// Defaults.
const (
	defaultDB              = "mpi.db"
	defaultTokens          = "mpid-tokens.json"
	defaultGRPCAddr        = "127.0.0.1:7400"
	defaultHTTPAddr        = "127.0.0.1:7480"
	defaultMaxRequestBytes = 4 << 20
	defaultShutdownTimeout = 30 * time.Second
	defaultRescaleInterval = 10 * time.Minute
	defaultPersonCacheMB   = 64
	// Failed authentications per client address: generous for a hub or
	// clinician mistyping or rotating a token, or a NAT of many, yet a
	// flood from one address costs at most 10 refusals a second.
	defaultAuthFailureRate  = auth.DefaultFailureRate
	defaultAuthFailureBurst = auth.DefaultFailureBurst
)

// parseConfig reads the flags; every flag --name falls back to the
// environment variable MPI_NAME (dashes as underscores, upper case).
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	fs := flag.NewFlagSet("mpid", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c Config
	env := func(name, def string) string {
		if v := getenv(envName(name)); v != "" {
			return v
		}
		return def
	}
	str := func(p *string, name, def, usage string) {
		fs.StringVar(p, name, env(name, def), usage+" ($"+envName(name)+")")
	}
	str(&c.DB, "db", "", "bolt store file, the embedded default store (default "+defaultDB+" when --database-url is not given)")
	str(&c.DatabaseURL, "database-url", "", "PostgreSQL URL, instead of --db")
	str(&c.GRPCAddr, "grpc-addr", defaultGRPCAddr, "gRPC listen address")
	str(&c.HTTPAddr, "http-addr", defaultHTTPAddr, "HTTP listen address: REST API, /openapi.json, /healthz, /readyz, /metrics")
	str(&c.AddrFile, "addr-file", "", "write the bound addresses to this file once listening")
	str(&c.TLSCert, "tls-cert", "", "TLS certificate file (PEM) for both listeners")
	str(&c.TLSKey, "tls-key", "", "TLS private key file (PEM)")
	str(&c.ClientCA, "client-ca", "", "CA certificates (PEM) that sign client certificates: enables mTLS authentication")
	str(&c.Tokens, "tokens", defaultTokens, "tokens file (principals, roles, sources, token hashes); created with an admin token when missing")
	str(&c.Model, "model", "", "model file (default: the embedded model)")
	str(&c.LogLevel, "log-level", "info", "log level: debug, info, warn, error")
	var match, review, maxReq, timeout, peers, cacheMB, dominant, rescale, failRate, failBurst string
	str(&peers, "peers", "", "comma-separated peer URLs of every replica sharing the person cache, this one's included (e.g. http://10.0.0.5:7490)")
	str(&c.Self, "self", "", "this replica's URL among --peers")
	str(&c.PeerAddr, "peer-addr", "", "listen address for the peers' cache requests (default: --self's host and port)")
	str(&c.PeerToken, "peer-token", "", "secret the replicas of --peers share (prefer the environment variable)")
	str(&c.PeerCA, "peer-ca", "", "CA certificates (PEM) that sign the replicas' certificates when --peers are https:// URLs (default: the system's roots)")
	str(&cacheMB, "person-cache-mb", strconv.Itoa(defaultPersonCacheMB), "size of the person cache in MiB; 0 turns it off")
	str(&match, "match-threshold", "", "auto-link probability threshold (default: the model's)")
	str(&review, "review-threshold", "", "review probability threshold (default: the model's)")
	str(&dominant, "link-dominant", "false", "link a record that strongly matches several persons to the one it belongs to with at least the match threshold's probability as they compete for it (a possible-duplicate task lists the others); false keeps the contract: it links to none")
	str(&rescale, "rescale-interval", defaultRescaleInterval.String(), "how often to count the stored records and scale the model's prior to them when they grew by 1 %; 0 scales only at start")
	str(&failRate, "auth-failure-rate", strconv.Itoa(defaultAuthFailureRate), "calls without valid credentials a client address may make per second in the long run; beyond, they are refused with RESOURCE_EXHAUSTED (HTTP 429) and audited once a second; 0 turns the limit off")
	str(&failBurst, "auth-failure-burst", strconv.Itoa(defaultAuthFailureBurst), "calls without valid credentials a client address may make at once before --auth-failure-rate applies")
	str(&maxReq, "max-request-bytes", strconv.Itoa(defaultMaxRequestBytes), "largest request accepted, gRPC message or HTTP body")
	str(&timeout, "shutdown-timeout", defaultShutdownTimeout.String(), "how long a shutdown waits for in-flight requests")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	var err error
	if c.MatchThreshold, err = optFloat("match-threshold", match); err != nil {
		return c, err
	}
	if c.ReviewThreshold, err = optFloat("review-threshold", review); err != nil {
		return c, err
	}
	if c.LinkDominant, err = strconv.ParseBool(dominant); err != nil {
		return c, fmt.Errorf("%w: --link-dominant: want true or false", errUsage)
	}
	if c.MaxRequestBytes, err = strconv.Atoi(maxReq); err != nil || c.MaxRequestBytes < 1024 {
		return c, fmt.Errorf("%w: --max-request-bytes: want an integer of at least 1024", errUsage)
	}
	if c.ShutdownTimeout, err = time.ParseDuration(timeout); err != nil || c.ShutdownTimeout <= 0 {
		return c, fmt.Errorf("%w: --shutdown-timeout: want a positive duration such as 30s", errUsage)
	}
	if c.RescaleInterval, err = time.ParseDuration(rescale); err != nil || c.RescaleInterval < 0 {
		return c, fmt.Errorf("%w: --rescale-interval: want a duration such as 1m, or 0", errUsage)
	}
	if c.AuthFailureRate, err = strconv.ParseFloat(failRate, 64); err != nil || !(c.AuthFailureRate >= 0 && c.AuthFailureRate <= 1e9) {
		return c, fmt.Errorf("%w: --auth-failure-rate: want a number of calls per second such as 10, or 0 for no limit", errUsage)
	}
	if c.AuthFailureBurst, err = strconv.Atoi(failBurst); err != nil || c.AuthFailureBurst < 1 {
		return c, fmt.Errorf("%w: --auth-failure-burst: want an integer of at least 1", errUsage)
	}
	if c.PersonCacheMB, err = strconv.Atoi(cacheMB); err != nil {
		return c, fmt.Errorf("%w: --person-cache-mb: want an integer", errUsage)
	}
	if err := peerConfig(&c, peers); err != nil {
		return c, err
	}
	switch {
	case c.DB != "" && c.DatabaseURL != "":
		return c, fmt.Errorf("%w: give --db or --database-url, not both", errUsage)
	case c.DB == "" && c.DatabaseURL == "":
		c.DB = defaultDB
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return c, fmt.Errorf("%w: --tls-cert and --tls-key go together", errUsage)
	}
	if c.ClientCA != "" && c.TLSCert == "" {
		return c, fmt.Errorf("%w: --client-ca needs --tls-cert and --tls-key", errUsage)
	}
	if c.PeerTLS && c.TLSCert == "" {
		return c, fmt.Errorf("%w: https:// --peers need --tls-cert and --tls-key (the peer listener serves TLS with them)", errUsage)
	}
	if c.PeerCA != "" && !c.PeerTLS {
		return c, fmt.Errorf("%w: --peer-ca goes with https:// --peers", errUsage)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return c, fmt.Errorf("%w: --log-level: want debug, info, warn or error", errUsage)
	}
	return c, nil
}

// envName is the environment variable of a flag: MPI_ and the flag's name
// in upper case with underscores.
func envName(flag string) string {
	b := []byte("MPI_" + flag)
	for i, c := range b {
		switch {
		case c == '-':
			b[i] = '_'
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// optFloat parses an optional probability in (0,1); "" is 0 (unset).
func optFloat(name, s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f > 0 && f < 1) {
		return 0, fmt.Errorf("%w: --%s: want a probability between 0 and 1", errUsage, name)
	}
	return f, nil
}
