package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/vnhealth/mpi/api/grpcapi"
	"github.com/vnhealth/mpi/internal/ticker"
	"github.com/vnhealth/mpi/matching"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
)

// runBench implements `mpictl bench`: a load generator against running
// mpid replicas, over gRPC or REST. It resolves the records of a file,
// searches for them as a clinician would, or reads the persons they are
// linked to, from several goroutines, spreading the calls over the
// replicas in turn, and reports throughput, latency percentiles, failures
// by status and — from the replicas' /metrics — their memory and the
// shared person cache's hit ratio.
func runBench(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	in := fs.String("in", "", "records file (CSV or NDJSON exchange format)")
	op := fs.String("op", "resolve", "resolve: each record through Resolve; search: name, birth date, sex and province of each record as a clinician's search; get: the person each record is linked to (GetPersonBySource; the records must be stored)")
	grpcAddrs := fs.String("grpc", "", "comma-separated gRPC addresses (host:port) of the replicas to call")
	restURLs := fs.String("rest", "", "comma-separated base URLs (http://host:port) of the replicas' REST API, instead of --grpc")
	metricsURLs := fs.String("metrics", "", "comma-separated base URLs of the replicas' HTTP listeners, for memory and cache figures from /metrics (default: the --rest URLs)")
	token := fs.String("token", e.getenv("MPI_TOKEN"), "bearer token (default $MPI_TOKEN); resolve needs role ingest (for the file's sources) or admin, search and get clinician or admin")
	caFile := fs.String("ca", "", "CA certificates (PEM) to verify the server's TLS certificate; without it gRPC is plaintext")
	certFile := fs.String("cert", "", "client certificate (PEM) for mTLS")
	keyFile := fs.String("key", "", "client private key (PEM) for mTLS")
	workers := fs.Int("workers", 8, "concurrent callers")
	skip := fs.Int("skip", 0, "skip this many readable records first")
	limit := fs.Int("limit", 0, "use at most this many records (0: all)")
	n := fs.Int("calls", 0, "make this many calls on records drawn at random (with repeats) instead of one call per record in file order")
	seed := fs.Uint64("seed", 1, "seed of the draws of --calls: the same seed draws the same records")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	switch {
	case *in == "":
		return fmt.Errorf("%w: bench needs --in", errUsage)
	case *op != "resolve" && *op != "search" && *op != "get":
		return fmt.Errorf("%w: --op: want resolve, search or get", errUsage)
	case (*grpcAddrs == "") == (*restURLs == ""):
		return fmt.Errorf("%w: bench needs --grpc or --rest, not both", errUsage)
	case *workers < 1 || *n < 0:
		return fmt.Errorf("%w: --workers must be at least 1 and --calls not negative", errUsage)
	case (*certFile == "") != (*keyFile == ""):
		return fmt.Errorf("%w: --cert and --key go together", errUsage)
	}
	tlsConf, err := benchTLS(*caFile, *certFile, *keyFile)
	if err != nil {
		return err
	}
	var callers []benchCaller
	transport := "grpc"
	if *grpcAddrs != "" {
		creds := insecure.NewCredentials()
		if tlsConf != nil {
			creds = credentials.NewTLS(tlsConf)
		}
		for _, addr := range splitList(*grpcAddrs) {
			conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
			if err != nil {
				return fmt.Errorf("bench: --grpc %s: %w", addr, err)
			}
			defer conn.Close()
			callers = append(callers, &grpcCaller{hub: mpiv1.NewHubServiceClient(conn), clin: mpiv1.NewClinicianServiceClient(conn), token: *token})
		}
	} else {
		transport = "rest"
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *workers, TLSClientConfig: tlsConf}}
		for _, base := range splitList(*restURLs) {
			if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("%w: --rest: want URLs such as http://127.0.0.1:7480", errUsage)
			}
			callers = append(callers, &restCaller{client: client, base: strings.TrimSuffix(base, "/"), token: *token})
		}
		if *metricsURLs == "" {
			*metricsURLs = *restURLs
		}
	}
	if len(callers) == 0 {
		return fmt.Errorf("%w: no replica address given", errUsage)
	}
	raws, err := readRaws(ctx, *in, e.stdin, *skip, *limit)
	if err != nil {
		return err
	}
	if len(raws) == 0 {
		return fmt.Errorf("bench: %s holds no readable record after --skip", *in)
	}
	order := make([]int, len(raws))
	for i := range order {
		order[i] = i
	}
	if *n > 0 {
		rng := rand.New(rand.NewPCG(*seed, 0x6d7069))
		order = make([]int, *n)
		for i := range order {
			order[i] = rng.IntN(len(raws))
		}
	}
	mon := startMonitor(ctx, splitList(*metricsURLs), tlsConf, e.stderr)
	run := func(ctx context.Context, i int) (int, bool, error) {
		c := callers[i%len(callers)]
		raw := &raws[order[i]]
		switch *op {
		case "resolve":
			return c.resolve(ctx, raw)
		case "search":
			return c.search(ctx, raw)
		default:
			return c.get(ctx, raw)
		}
	}
	calls := drive(ctx, len(order), *workers, false, run)
	rep := benchReport{loadReport: calls.report(*op, *workers), Transport: transport, Replicas: len(callers)}
	rep.Failed = map[string]int{}
	var firstFailure error
	for _, err := range calls.errs {
		if err != nil {
			rep.Failed[status.Code(err).String()]++
			if firstFailure == nil {
				firstFailure = err
			}
		}
	}
	rep.Servers, rep.Cache = mon.stop()
	if *asJSON {
		if err := json.NewEncoder(e.stdout).Encode(rep); err != nil {
			return err
		}
	} else {
		rep.print(e.stdout)
	}
	if firstFailure != nil {
		return fmt.Errorf("bench: %d of %d calls failed; the first: %w", sumCounts(rep.Failed), len(order), firstFailure)
	}
	return ctx.Err()
}

// benchReport is loadReport with what only a run against servers has.
type benchReport struct {
	loadReport
	Transport string `json:"transport"`
	Replicas  int    `json:"replicas"`
	// Failed counts the failed calls by gRPC status code (REST statuses
	// are mapped back to codes).
	Failed  map[string]int `json:"failed"`
	Servers []serverReport `json:"servers,omitempty"`
	Cache   *cacheReport   `json:"person_cache,omitempty"`
}

// serverReport is one replica's resident memory from its /metrics,
// sampled every 250 ms during the run.
type serverReport struct {
	URL        string  `json:"url"`
	RSSStartMB float64 `json:"rss_start_mb"`
	RSSPeakMB  float64 `json:"rss_peak_mb"`
	RSSEndMB   float64 `json:"rss_end_mb"`
}

// cacheReport is the shared person cache over the run, summed over the
// replicas (mpi_peercache_* of /metrics, end minus start).
type cacheReport struct {
	Gets       int64   `json:"gets"`
	Hits       int64   `json:"hits"`
	HitRatio   float64 `json:"hit_ratio"`
	PeerLoads  int64   `json:"peer_loads"`
	StoreLoads int64   `json:"store_loads"`
}

func (rep *benchReport) print(w io.Writer) {
	fmt.Fprintf(w, "%s over %s to %d replica(s)\n", rep.Op, rep.Transport, rep.Replicas)
	rep.loadReport.print(w)
	for _, code := range sortedKeys(rep.Failed) {
		fmt.Fprintf(w, "failed: %d calls with %s\n", rep.Failed[code], code)
	}
	for _, s := range rep.Servers {
		fmt.Fprintf(w, "%s: resident memory %.0f MB at the start, %.0f MB at peak, %.0f MB at the end\n", s.URL, s.RSSStartMB, s.RSSPeakMB, s.RSSEndMB)
	}
	if c := rep.Cache; c != nil {
		fmt.Fprintf(w, "person cache: %d gets (peers' requests included), %d hits (%.1f %%), %d loaded from a peer, %d from the store\n",
			c.Gets, c.Hits, 100*c.HitRatio, c.PeerLoads, c.StoreLoads)
	}
}

// benchCaller makes the calls of a bench on one replica. Each returns
// what it counts (candidates, hits, linked records) and whether the
// record had nothing to search by.
type benchCaller interface {
	resolve(ctx context.Context, r *matching.Raw) (int, bool, error)
	search(ctx context.Context, r *matching.Raw) (int, bool, error)
	get(ctx context.Context, r *matching.Raw) (int, bool, error)
}

type grpcCaller struct {
	hub   mpiv1.HubServiceClient
	clin  mpiv1.ClinicianServiceClient
	token string
}

func (g *grpcCaller) auth(ctx context.Context) context.Context {
	if g.token == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+g.token)
}

func (g *grpcCaller) resolve(ctx context.Context, r *matching.Raw) (int, bool, error) {
	res, err := g.hub.Resolve(g.auth(ctx), &mpiv1.ResolveRequest{Record: grpcapi.RecordToProto(r)})
	return int(res.GetCandidates()), false, err
}

func (g *grpcCaller) search(ctx context.Context, r *matching.Raw) (int, bool, error) {
	res, err := g.clin.SearchPersons(g.auth(ctx), &mpiv1.SearchPersonsRequest{Query: queryProto(r), Limit: 10})
	if unsearchable(err) {
		return 0, true, nil
	}
	return len(res.GetHits()), false, err
}

func (g *grpcCaller) get(ctx context.Context, r *matching.Raw) (int, bool, error) {
	res, err := g.clin.GetPersonBySource(g.auth(ctx), &mpiv1.GetPersonBySourceRequest{Source: r.Source, LocalId: r.LocalID})
	return len(res.GetRecords()), false, err
}

// unsearchable reports a search refused for having nothing to search by
// (InvalidArgument whose BadRequest detail names the field "query"):
// counted, not failed.
func unsearchable(err error) bool {
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.InvalidArgument {
		return false
	}
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				if v.GetField() == "query" {
					return true
				}
			}
		}
	}
	return false
}

type restCaller struct {
	client *http.Client
	base   string
	token  string
}

func (c *restCaller) resolve(ctx context.Context, r *matching.Raw) (int, bool, error) {
	var res mpiv1.ResolveResponse
	err := c.do(ctx, http.MethodPost, "/v1/records:resolve", grpcapi.RecordToProto(r), &res)
	return int(res.GetCandidates()), false, err
}

func (c *restCaller) search(ctx context.Context, r *matching.Raw) (int, bool, error) {
	var res mpiv1.SearchPersonsResponse
	err := c.do(ctx, http.MethodPost, "/v1/persons:search", &mpiv1.SearchPersonsRequest{Query: queryProto(r), Limit: 10}, &res)
	if unsearchable(err) {
		return 0, true, nil
	}
	return len(res.GetHits()), false, err
}

func (c *restCaller) get(ctx context.Context, r *matching.Raw) (int, bool, error) {
	var res mpiv1.Person
	err := c.do(ctx, http.MethodGet, "/v1/sources/"+url.PathEscape(r.Source)+"/records/"+url.PathEscape(r.LocalID)+"/person", nil, &res)
	return len(res.GetRecords()), false, err
}

// do makes one REST call. A failure comes back as a gRPC status: the
// gateway's error body is a google.rpc.Status.
func (c *restCaller) do(ctx context.Context, method, path string, body, out proto.Message) error {
	var rd io.Reader
	if body != nil {
		b, err := protojson.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.client.Do(req)
	if err != nil {
		return status.Error(codes.Unavailable, err.Error())
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return status.Error(codes.Unavailable, err.Error())
	}
	if res.StatusCode != http.StatusOK {
		var st spb.Status
		if protojson.Unmarshal(b, &st) != nil || st.GetCode() == 0 {
			return status.Errorf(codes.Unknown, "HTTP status %d", res.StatusCode)
		}
		return status.ErrorProto(&st)
	}
	return protojson.UnmarshalOptions{DiscardUnknown: true}.Unmarshal(b, out)
}

// queryProto is searchQuery's query as a message.
func queryProto(r *matching.Raw) *mpiv1.PersonQuery {
	q := searchQuery(*r)
	return &mpiv1.PersonQuery{FullName: q.FullName, FamilyName: q.FamilyName, MiddleName: q.MiddleName, GivenName: q.GivenName,
		Gender: q.Gender, BirthDate: q.BirthDate, Province: q.Province}
}

func benchTLS(caFile, certFile, keyFile string) (*tls.Config, error) {
	if caFile == "" && certFile == "" {
		return nil, nil
	}
	conf := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("bench: --ca: %w", err)
		}
		conf.RootCAs = x509.NewCertPool()
		if !conf.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("bench: --ca %s: no PEM certificate in it", caFile)
		}
	}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("bench: --cert/--key: %w", err)
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	return conf, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// monitor samples the replicas' /metrics during a run.
type monitor struct {
	urls   []string
	client *http.Client
	cancel context.CancelFunc
	done   chan struct{}

	mu            sync.Mutex
	start, latest []map[string]float64
	peak          []float64
	warn          io.Writer
	warned        []bool
}

// cacheMetrics are the person cache counters a bench reports.
var cacheMetrics = []string{"mpi_peercache_gets_total", "mpi_peercache_hits_total", "mpi_peercache_peer_loads_total", "mpi_peercache_store_loads_total"}

const rssMetric = "process_resident_memory_bytes"

func startMonitor(ctx context.Context, urls []string, tlsConf *tls.Config, warn io.Writer) *monitor {
	ctx, cancel := context.WithCancel(ctx)
	m := &monitor{urls: urls, client: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: tlsConf}},
		cancel: cancel, done: make(chan struct{}),
		start: make([]map[string]float64, len(urls)), latest: make([]map[string]float64, len(urls)), peak: make([]float64, len(urls)),
		warn: warn, warned: make([]bool, len(urls))}
	m.sample(ctx)
	copy(m.start, m.latest)
	go func() {
		defer close(m.done)
		ticker.Every(ctx, 250*time.Millisecond, func() { m.sample(ctx) })
	}()
	return m
}

func (m *monitor) sample(ctx context.Context) {
	for i, u := range m.urls {
		vals, err := scrape(ctx, m.client, u)
		m.mu.Lock()
		if err != nil {
			if !m.warned[i] && ctx.Err() == nil {
				m.warned[i] = true
				fmt.Fprintf(m.warn, "bench: %s/metrics: %v (no memory or cache figures from it)\n", u, err)
			}
			m.mu.Unlock()
			continue
		}
		m.latest[i] = vals
		m.peak[i] = max(m.peak[i], vals[rssMetric])
		m.mu.Unlock()
	}
}

// stop ends the sampling, takes a last sample and reports: one entry per
// replica whose /metrics answered at the start and at the end, and the
// cache when the replicas export it.
func (m *monitor) stop() ([]serverReport, *cacheReport) {
	m.cancel()
	<-m.done
	m.sample(context.Background())
	var servers []serverReport
	var cache cacheReport
	cached := false
	const mb = 1 << 20
	for i, u := range m.urls {
		s, e := m.start[i], m.latest[i]
		if s == nil || e == nil {
			continue
		}
		servers = append(servers, serverReport{URL: u, RSSStartMB: s[rssMetric] / mb, RSSPeakMB: m.peak[i] / mb, RSSEndMB: e[rssMetric] / mb})
		if _, ok := e[cacheMetrics[0]]; ok {
			cached = true
			d := func(name string) int64 { return int64(e[name] - s[name]) }
			cache.Gets += d(cacheMetrics[0])
			cache.Hits += d(cacheMetrics[1])
			cache.PeerLoads += d(cacheMetrics[2])
			cache.StoreLoads += d(cacheMetrics[3])
		}
	}
	if !cached {
		return servers, nil
	}
	if cache.Gets > 0 {
		cache.HitRatio = float64(cache.Hits) / float64(cache.Gets)
	}
	return servers, &cache
}

// scrape reads the samples bench reports from base/metrics.
func scrape(ctx context.Context, client *http.Client, base string) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s/metrics: HTTP status %d", base, res.StatusCode)
	}
	return parseMetrics(res.Body)
}

// parseMetrics reads the unlabelled samples bench reports — resident
// memory and mpi_peercache_* — from a Prometheus text exposition; other
// lines, and samples that are not numbers, are left out.
func parseMetrics(r io.Reader) (map[string]float64, error) {
	vals := map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, v, ok := strings.Cut(sc.Text(), " ")
		if !ok || (name != rssMetric && !strings.HasPrefix(name, "mpi_peercache_")) {
			continue
		}
		v, _, _ = strings.Cut(strings.TrimSpace(v), " ") // a timestamp may follow
		if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			vals[name] = f
		}
	}
	return vals, sc.Err()
}
