package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/vnhealth/mpi/api/auth"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
)

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue makes a leaf certificate: a server's for 127.0.0.1, or a client's
// with a common name and URI SANs.
func (ca *testCA) issue(t *testing.T, cn string, server bool, uris ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	} else {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	for _, u := range uris {
		pu, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		tmpl.URIs = append(tmpl.URIs, pu)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func writePEM(t *testing.T, path string, c tls.Certificate) (certFile, keyFile string) {
	t.Helper()
	kder, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = path+".crt", path+".key"
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)
	return certFile, keyFile
}

// TestMTLS: over TLS with a client CA, a client certificate registered in
// the tokens file (by common name or URI SAN) authenticates its principal
// over gRPC and REST; an unregistered one, one from another CA, and a
// forged certificate header do not; tokens still work over TLS.
func TestMTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca, other := newCA(t, "MPI test CA"), newCA(t, "Another CA")
	certFile, keyFile := writePEM(t, filepath.Join(dir, "server"), ca.issue(t, "mpid", true))
	caFile := filepath.Join(dir, "ca.pem")
	os.WriteFile(caFile, ca.pem, 0o600)

	var f auth.File
	adminToken, err := f.AddToken("admin", auth.RoleAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Principals = append(f.Principals,
		auth.Entry{Name: "hub-tyt02", Role: auth.RoleIngest, Sources: []string{"TYT02"}, ClientCerts: []string{"hub-tyt02.mpi.test"}},
		auth.Entry{Name: "steward-lan", Role: auth.RoleSteward, ClientCerts: []string{"spiffe://mpi.test/steward/lan"}})
	if err := auth.WriteFile(filepath.Join(dir, "tokens.json"), &f); err != nil {
		t.Fatal(err)
	}
	d := startMpid(t, dir, "--tls-cert", certFile, "--tls-key", keyFile, "--client-ca", caFile)

	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)
	clientTLS := func(c *tls.Certificate) *tls.Config {
		cfg := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
		if c != nil {
			cfg.Certificates = []tls.Certificate{*c}
		}
		return cfg
	}
	hub := ca.issue(t, "hub-tyt02.mpi.test", false)
	stewardCert := ca.issue(t, "Lan", false, "spiffe://mpi.test/steward/lan")
	stranger := ca.issue(t, "stranger.mpi.test", false)
	forged := other.issue(t, "hub-tyt02.mpi.test", false)

	dial := func(c *tls.Certificate) *grpc.ClientConn {
		return d.conn(grpc.WithTransportCredentials(credentials.NewTLS(clientTLS(c))))
	}
	rec := &mpiv1.ResolveRequest{Record: &mpiv1.SourceRecord{Source: "TYT02", LocalId: "m1", FullName: "Le Thi Hoa", BirthDate: "1970-01-02", Province: "01"}}

	// gRPC.
	hubConn := dial(&hub)
	if r, err := mpiv1.NewHubServiceClient(hubConn).Resolve(t.Context(), rec); err != nil || r.GetEid() == "" {
		t.Errorf("resolve by a registered client certificate: %v %v", r, err)
	}
	if _, err := mpiv1.NewAdminServiceClient(hubConn).GetStats(t.Context(), &mpiv1.GetStatsRequest{}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("GetStats by an ingest certificate: %v, want PermissionDenied", err)
	}
	if _, err := mpiv1.NewStewardServiceClient(dial(&stewardCert)).ListTasks(t.Context(), &mpiv1.ListTasksRequest{}); err != nil {
		t.Errorf("ListTasks by a steward certificate (URI SAN): %v", err)
	}
	if _, err := mpiv1.NewHubServiceClient(dial(&stranger)).Resolve(t.Context(), rec); status.Code(err) != codes.Unauthenticated {
		t.Errorf("resolve by an unregistered certificate: %v, want Unauthenticated", err)
	}
	if _, err := mpiv1.NewHubServiceClient(dial(&forged)).Resolve(t.Context(), rec); err == nil || status.Code(err) == codes.OK {
		t.Errorf("resolve by a certificate of another CA: %v, want a failed handshake", err)
	}
	anon := dial(nil)
	ctx := metadata.AppendToOutgoingContext(t.Context(), auth.ForwardedCertHeader, "hub-tyt02.mpi.test")
	if _, err := mpiv1.NewHubServiceClient(anon).Resolve(ctx, rec); status.Code(err) != codes.Unauthenticated {
		t.Errorf("resolve with a forged certificate header: %v, want Unauthenticated", err)
	}
	if _, err := mpiv1.NewAdminServiceClient(anon).GetStats(bearer(t.Context(), adminToken), &mpiv1.GetStatsRequest{}); err != nil {
		t.Errorf("a token over TLS: %v", err)
	}

	// REST: the verified certificate reaches the interceptors through the
	// in-process connection; a forged header does not.
	d.tls = clientTLS(nil)
	client := func(c *tls.Certificate) *http.Client {
		return &http.Client{Transport: &http.Transport{TLSClientConfig: clientTLS(c)}}
	}
	body := `{"source":"TYT02","local_id":"m2","full_name":"Le Thi Hoa","birth_date":"1970-01-02","province":"01"}`
	if code, resp, _ := d.httpDo(client(&hub), "POST", "/v1/records:resolve", "", body); code != 200 {
		t.Errorf("REST resolve by a registered client certificate: %d %s", code, resp)
	}
	if code, resp, _ := d.httpDo(client(&hub), "GET", "/v1/stats", "", ""); code != 403 {
		t.Errorf("REST stats by an ingest certificate: %d %s, want 403", code, resp)
	}
	if code, resp, _ := d.httpDo(client(&stranger), "POST", "/v1/records:resolve", "", body); code != 401 {
		t.Errorf("REST resolve by an unregistered certificate: %d %s, want 401", code, resp)
	}
	for _, h := range []string{"Grpc-Metadata-X-Mpi-Client-Cert", "X-Mpi-Client-Cert"} {
		if code, resp, _ := d.httpDo(client(nil), "POST", "/v1/records:resolve", "", body, h, "hub-tyt02.mpi.test"); code != 401 {
			t.Errorf("REST resolve with a forged %s header: %d %s, want 401", h, code, resp)
		}
	}
}
