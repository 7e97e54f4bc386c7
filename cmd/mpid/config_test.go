package main

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseConfig(t *testing.T) {
	t.Parallel()
	def := Config{DB: defaultDB, GRPCAddr: defaultGRPCAddr, HTTPAddr: defaultHTTPAddr, Tokens: defaultTokens,
		MaxRequestBytes: defaultMaxRequestBytes, ShutdownTimeout: defaultShutdownTimeout, LogLevel: "info", PersonCacheMB: defaultPersonCacheMB,
		RescaleInterval: defaultRescaleInterval, AuthFailureRate: defaultAuthFailureRate, AuthFailureBurst: defaultAuthFailureBurst}
	with := func(f func(*Config)) Config { c := def; f(&c); return c }
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want Config
		err  string
	}{
		{name: "defaults: bolt on loopback", want: def},
		{name: "environment", env: map[string]string{"MPI_DATABASE_URL": "postgres://x", "MPI_GRPC_ADDR": ":1", "MPI_MAX_REQUEST_BYTES": "2048", "MPI_MATCH_THRESHOLD": "0.95"},
			want: with(func(c *Config) {
				c.DB, c.DatabaseURL, c.GRPCAddr, c.MaxRequestBytes, c.MatchThreshold = "", "postgres://x", ":1", 2048, 0.95
			})},
		{name: "flags win over the environment", args: []string{"--db", "x.db", "--shutdown-timeout", "5s"}, env: map[string]string{"MPI_DB": "y.db"},
			want: with(func(c *Config) { c.DB, c.ShutdownTimeout = "x.db", 5*time.Second })},
		{name: "both stores", args: []string{"--db", "x.db", "--database-url", "postgres://x"}, err: "not both"},
		{name: "threshold", args: []string{"--review-threshold", "1.5"}, err: "--review-threshold"},
		{name: "key without cert", args: []string{"--tls-key", "k"}, err: "go together"},
		{name: "client CA without TLS", args: []string{"--client-ca", "ca"}, err: "--client-ca needs"},
		{name: "tiny limit", args: []string{"--max-request-bytes", "10"}, err: "--max-request-bytes"},
		{name: "rescale only at start", args: []string{"--rescale-interval", "0"}, want: with(func(c *Config) { c.RescaleInterval = 0 })},
		{name: "negative rescale interval", args: []string{"--rescale-interval", "-1m"}, err: "--rescale-interval"},
		{name: "failure limit from the environment", env: map[string]string{"MPI_AUTH_FAILURE_RATE": "0.5", "MPI_AUTH_FAILURE_BURST": "5"},
			want: with(func(c *Config) { c.AuthFailureRate, c.AuthFailureBurst = 0.5, 5 })},
		{name: "failure limit off", args: []string{"--auth-failure-rate", "0"}, env: map[string]string{"MPI_AUTH_FAILURE_RATE": "3"},
			want: with(func(c *Config) { c.AuthFailureRate = 0 })},
		{name: "negative failure rate", args: []string{"--auth-failure-rate", "-1"}, err: "--auth-failure-rate"},
		{name: "failure rate not a number", env: map[string]string{"MPI_AUTH_FAILURE_RATE": "NaN"}, err: "--auth-failure-rate"},
		{name: "no failure burst", args: []string{"--auth-failure-burst", "0"}, err: "--auth-failure-burst"},
		{name: "stray argument", args: []string{"serve"}, err: "unexpected argument"},
	} {
		got, err := parseConfig(tc.args, func(k string) string { return tc.env[k] }, io.Discard)
		if tc.err != "" {
			if err == nil || !errors.Is(err, errUsage) || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err = %v, want a usage error mentioning %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", tc.name, diff)
		}
	}
}
