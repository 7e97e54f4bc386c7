package main

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vnhealth/mpi/internal/pgtest"
	"github.com/vnhealth/mpi/internal/proctest"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
)

// TestReplicasPeerTLS: replicas whose --peers are https:// URLs serve
// each other's person reads over TLS (their --tls-cert, verified against
// --peer-ca); a replica that trusts another CA cannot load from its peers
// — each failure counted — and reads from the store instead, so every
// read still answers.
func TestReplicasPeerTLS(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	dir := t.TempDir()
	ca, other := newCA(t, "MPI peers CA"), newCA(t, "Another CA")
	certFile, keyFile := writePEM(t, filepath.Join(dir, "replica"), ca.issue(t, "mpid", true))
	caFile, otherFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "other.pem")
	os.WriteFile(caFile, ca.pem, 0o600)
	os.WriteFile(otherFile, other.pem, 0o600)

	const n = 3
	selfs := make([]string, n)
	for i := range selfs {
		selfs[i] = "https://" + proctest.FreeAddr(t)
	}
	tok := make([]byte, 16)
	rand.Read(tok)
	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)
	ds := make([]*daemon, n)
	for i := range ds {
		trust := caFile
		if i == n-1 {
			trust = otherFile // the odd one out
		}
		ds[i] = startMpid(t, t.TempDir(), "--database-url", dbURL, "--peers", strings.Join(selfs, ","), "--self", selfs[i],
			"--peer-token", hex.EncodeToString(tok), "--tls-cert", certFile, "--tls-key", keyFile, "--peer-ca", trust)
		ds[i].tls = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	ctx := t.Context()
	var eids []string
	families := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ"}
	for i := range 12 {
		res, err := mpiv1.NewHubServiceClient(ds[0].conn()).Resolve(bearer(ctx, ds[0].adminToken), &mpiv1.ResolveRequest{Record: &mpiv1.SourceRecord{
			Source: "BV79001", LocalId: strconv.Itoa(i), FullName: families[i%len(families)] + " Thị Hoa", Gender: "Nữ",
			BirthDate: fmt.Sprintf("19%02d-03-%02d", 50+i, 1+i), Province: "79"}})
		if err != nil {
			t.Fatalf("Resolve: %v", err)
		}
		eids = append(eids, res.Eid)
	}
	for _, eid := range eids {
		for i, d := range ds {
			p, err := mpiv1.NewClinicianServiceClient(d.conn()).GetPerson(bearer(ctx, d.adminToken), &mpiv1.GetPersonRequest{Eid: eid})
			if err != nil || p.GetEid() != eid {
				t.Fatalf("replica %d: GetPerson(%s): %v %v", i, eid, p.GetEid(), err)
			}
		}
	}
	var peerLoads, served int64
	for i, d := range ds[:n-1] {
		peerLoads += tlsMetric(t, d, "mpi_peercache_peer_loads_total")
		served += tlsMetric(t, d, "mpi_peercache_server_requests_total")
		if e := tlsMetric(t, d, "mpi_peercache_peer_errors_total"); e != 0 {
			t.Errorf("replica %d, trusting the peers' CA: %d failed peer loads", i, e)
		}
	}
	if peerLoads == 0 || served == 0 {
		t.Errorf("replicas trusting the peers' CA: %d peer loads, %d requests served; want both above 0", peerLoads, served)
	}
	if e := tlsMetric(t, ds[n-1], "mpi_peercache_peer_errors_total"); e == 0 {
		t.Error("the replica trusting another CA loaded from its peers without an error")
	}
}

// tlsMetric returns an unlabelled metric of d's /metrics over HTTPS.
func tlsMetric(t *testing.T, d *daemon, name string) int64 {
	t.Helper()
	status, body, _ := d.httpDo(&http.Client{Transport: &http.Transport{TLSClientConfig: d.tls}}, http.MethodGet, "/metrics", "", "")
	if status != http.StatusOK {
		t.Fatalf("/metrics: status %d", status)
	}
	return metricIn(t, strings.NewReader(body), name)
}
