package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/vnhealth/mpi/internal/pgtest"
	"github.com/vnhealth/mpi/internal/proctest"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
)

// TestReplicas runs three mpid processes over one PostgreSQL database,
// sharing their person cache (--peers): a person read on each replica is
// loaded from the store once and served from its owner's cache to the
// others — hits and peer loads visible in /metrics — and after a merge
// through one replica every replica returns the survivor at its new
// version, for either EID and for the loser's record (over REST); every
// read is audited.
func TestReplicas(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	const n = 3
	selfs := make([]string, n)
	for i := range selfs {
		selfs[i] = "http://" + proctest.FreeAddr(t)
	}
	tok := make([]byte, 16)
	rand.Read(tok)
	peerArgs := []string{"--database-url", dbURL, "--peers", strings.Join(selfs, ","), "--peer-token", hex.EncodeToString(tok)}
	ds := make([]*daemon, n)
	for i := range ds {
		// One at a time: the first migrates the database.
		ds[i] = startMpid(t, t.TempDir(), append(peerArgs, "--self", selfs[i])...)
	}
	ctx := t.Context()
	hub := func(d *daemon) mpiv1.HubServiceClient { return mpiv1.NewHubServiceClient(d.conn()) }
	clin := func(d *daemon) mpiv1.ClinicianServiceClient { return mpiv1.NewClinicianServiceClient(d.conn()) }
	resolve := func(d *daemon, r *mpiv1.SourceRecord) string {
		t.Helper()
		res, err := hub(d).Resolve(bearer(ctx, d.adminToken), &mpiv1.ResolveRequest{Record: r})
		if err != nil {
			t.Fatalf("Resolve %s/%s: %v", r.Source, r.LocalId, err)
		}
		return res.Eid
	}
	// Synthetic records: An at a hospital and a commune station, and a
	// namesake in Hà Nội.
	an := resolve(ds[0], &mpiv1.SourceRecord{Source: "BV79001", LocalId: "2400123", FullName: "NGUYỄN VĂN AN", Gender: "Nam",
		BirthDate: "07/05/1990", Phone: "0912 345 678", Province: "79", Address: "12 Nguyễn Trãi, Phường Bến Thành"})
	if got := resolve(ds[1], &mpiv1.SourceRecord{Source: "TYT79002", LocalId: "9", FamilyName: "Nguyen", MiddleName: "Van", GivenName: "An",
		Gender: "M", BirthDate: "19900507", Phone: "+84912345678", Province: "TP. Hồ Chí Minh", Address: "12 Nguyen Trai"}); got != an {
		t.Fatalf("An's second record went to %s, want %s", got, an)
	}
	ns := resolve(ds[2], &mpiv1.SourceRecord{Source: "BV01002", LocalId: "N-1", FullName: "Nguyễn Văn An", Gender: "Nam",
		BirthDate: "12/12/1990", Province: "01", Phone: "0977 000 111"})
	if ns == an {
		t.Fatal("the namesake joined An; the test needs two persons")
	}

	reads := 0
	readAll := func(eid string) *mpiv1.Person {
		t.Helper()
		var first *mpiv1.Person
		for i, d := range ds {
			p, err := clin(d).GetPerson(bearer(ctx, d.adminToken), &mpiv1.GetPersonRequest{Eid: eid})
			if err != nil {
				t.Fatalf("replica %d: GetPerson(%s): %v", i, eid, err)
			}
			reads++
			if first == nil {
				first = p
			} else if diff := cmp.Diff(first, p, protocmp.Transform()); diff != "" {
				t.Errorf("replica %d: GetPerson(%s) differs from replica 0's (-0 +%d):\n%s", i, eid, i, diff)
			}
		}
		return first
	}
	before := readAll(an)
	sum := func(name string) int64 {
		var total int64
		for _, d := range ds {
			total += metric(t, d.httpAddr, name)
		}
		return total
	}
	if got := [3]int64{sum("mpi_peercache_store_loads_total"), sum("mpi_peercache_hits_total"), sum("mpi_peercache_peer_loads_total")}; got != [3]int64{1, 2, 2} {
		t.Errorf("after one read per replica: %d store loads, %d hits, %d peer loads; want 1, 2, 2", got[0], got[1], got[2])
	}
	for range 5 {
		readAll(an)
	}
	if got := sum("mpi_peercache_store_loads_total"); got != 1 {
		t.Errorf("store loads after 18 reads of one version: %d, want 1", got)
	}

	// A merge through replica 1: every replica serves the survivor at its
	// new version, for either EID.
	stew := mpiv1.NewStewardServiceClient(ds[1].conn())
	if _, err := stew.MergePersons(bearer(ctx, ds[1].adminToken), &mpiv1.MergePersonsRequest{
		Loser: ns, Survivor: an, Reason: "one man: the Hà Nội record had a wrong birth date", Force: true}); err != nil {
		t.Fatalf("MergePersons: %v", err)
	}
	merged := readAll(ns)
	if merged.Eid != an || merged.AskedEid != ns || merged.Version <= before.Version || len(merged.Records) != 3 {
		t.Errorf("GetPerson(loser) after the merge: %s → %s@%d with %d records; want %s → %s@>%d with 3",
			merged.AskedEid, merged.Eid, merged.Version, len(merged.Records), ns, an, before.Version)
	}
	survivor := readAll(an)
	if survivor.Version != merged.Version || len(survivor.Records) != 3 {
		t.Errorf("GetPerson(survivor) after the merge: version %d with %d records; want %d with 3", survivor.Version, len(survivor.Records), merged.Version)
	}
	// The namesake's record, over REST (GetPersonBySource), on every
	// replica: the survivor too.
	for i, d := range ds {
		status, body, _ := d.httpDo(http.DefaultClient, "GET", "/v1/sources/BV01002/records/N-1/person", d.adminToken, "")
		var p mpiv1.Person
		if status != http.StatusOK {
			t.Fatalf("replica %d: GET the person of BV01002/N-1: status %d: %s", i, status, body)
		}
		if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal([]byte(body), &p); err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		if diff := cmp.Diff(survivor, &p, protocmp.Transform(), protocmp.IgnoreFields(&mpiv1.Person{}, "asked_eid")); diff != "" {
			t.Errorf("replica %d: the person of BV01002/N-1 over REST differs from GetPerson's (-grpc +rest):\n%s", i, diff)
		}
		reads++
	}
	loads := sum("mpi_peercache_store_loads_total")
	if loads != 2 || sum("mpi_peercache_version_moved_total") != 0 {
		t.Errorf("store loads %d (want 2: one per person version read), version moved %d (want 0)", loads, sum("mpi_peercache_version_moved_total"))
	}
	// Every read was audited where it was served, from cache or not.
	admin := mpiv1.NewAdminServiceClient(ds[0].conn())
	audited := 0
	for _, action := range []string{"person", "lookup_source"} {
		es, err := admin.QueryAudit(bearer(ctx, ds[0].adminToken), &mpiv1.QueryAuditRequest{Action: action})
		if err != nil {
			t.Fatalf("QueryAudit: %v", err)
		}
		audited += len(es.Entries)
	}
	if audited != reads {
		t.Errorf("audit entries for person reads: %d, want %d", audited, reads)
	}
	t.Logf("%d reads on %d replicas: %d store loads (%.1f%% from cache), %d hits, %d peer loads, %d peers' requests",
		reads, n, loads, 100*(1-float64(loads)/float64(reads)), sum("mpi_peercache_hits_total"),
		sum("mpi_peercache_peer_loads_total"), sum("mpi_peercache_server_requests_total"))
}

// metric returns the value of an unlabelled metric in the /metrics of the
// mpid serving HTTP on httpAddr.
func metric(t testing.TB, httpAddr, name string) int64 {
	t.Helper()
	res, err := http.Get("http://" + httpAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: status %d", res.StatusCode)
	}
	return metricIn(t, res.Body, name)
}

// metricIn returns the value of an unlabelled metric in a /metrics body.
func metricIn(t testing.TB, body io.Reader, name string) int64 {
	t.Helper()
	sc := bufio.NewScanner(body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("/metrics: %s %q", name, v)
			}
			return int64(f)
		}
	}
	t.Fatalf("/metrics: no %s", name)
	return 0
}

// TestPeerFlags: the person cache flags and what they need.
func TestPeerFlags(t *testing.T) {
	t.Parallel()
	peers := "http://10.0.0.5:7490, http://10.0.0.6:7490"
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	cfg, err := parseConfig([]string{"--peers", peers, "--self", "http://10.0.0.5:7490"}, env("MPI_PEER_TOKEN", "s3cret"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{PersonCacheMB: 64, Peers: []string{"http://10.0.0.5:7490", "http://10.0.0.6:7490"}, Self: "http://10.0.0.5:7490", PeerAddr: "10.0.0.5:7490", PeerToken: "s3cret"}
	got := Config{PersonCacheMB: cfg.PersonCacheMB, Peers: cfg.Peers, Self: cfg.Self, PeerAddr: cfg.PeerAddr, PeerToken: cfg.PeerToken}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config mismatch (-want +got):\n%s", diff)
	}
	for name, args := range map[string][]string{
		"peers without self":      {"--peers", peers, "--peer-token", "x"},
		"peers without token":     {"--peers", peers, "--self", "http://10.0.0.5:7490"},
		"self without peers":      {"--self", "http://10.0.0.5:7490"},
		"token without peers":     {"--peer-token", "x"},
		"peers without cache":     {"--peers", peers, "--self", "http://10.0.0.5:7490", "--peer-token", "x", "--person-cache-mb", "0"},
		"negative cache size":     {"--person-cache-mb", "-1"},
		"cache size not a number": {"--person-cache-mb", "lots"},
		"self not a URL":          {"--peers", peers, "--self", "10.0.0.5:7490", "--peer-token", "x"},
		"peer not a URL":          {"--peers", "10.0.0.5:7490,http://10.0.0.6:7490", "--self", "http://10.0.0.6:7490", "--peer-token", "x"},
		"http and https peers":    {"--peers", "https://10.0.0.5:7490,http://10.0.0.6:7490", "--self", "http://10.0.0.6:7490", "--peer-token", "x", "--tls-cert", "c", "--tls-key", "k"},
		"https peers without TLS": {"--peers", "https://10.0.0.5:7490,https://10.0.0.6:7490", "--self", "https://10.0.0.6:7490", "--peer-token", "x"},
		"peer CA with http peers": {"--peers", peers, "--self", "http://10.0.0.5:7490", "--peer-token", "x", "--peer-ca", "ca.pem"},
	} {
		if _, err := parseConfig(args, env(), io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("%s: error %v, want a usage error", name, err)
		}
	}
}
