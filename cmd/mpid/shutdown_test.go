package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/vnhealth/mpi/internal/pgtest"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
)

// backends run a test on the embedded store and, when
// MPI_TEST_DATABASE_URL names a server, on PostgreSQL.
func backends(t *testing.T, fn func(t *testing.T, args ...string)) {
	t.Run("bolt", func(t *testing.T) {
		t.Parallel()
		fn(t)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, "--database-url", pgtest.NewDatabase(t))
	})
}

// TestShutdownLosesNothing sends SIGTERM to mpid while hubs resolve
// records concurrently, over gRPC and REST: mpid exits cleanly, and after a restart every
// record whose resolve was acknowledged is there, linked to the EID the
// acknowledgement named.
func TestShutdownLosesNothing(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, args ...string) {
		dir := t.TempDir()
		d := startMpid(t, dir, args...)
		token := d.adminToken
		hub := mpiv1.NewHubServiceClient(d.conn())

		const writers, signalAfter, perWriter = 4, 40, 1000
		var (
			mu    sync.Mutex
			acked = map[string]string{} // local ID → EID
			once  sync.Once
			wg    sync.WaitGroup
		)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perWriter {
					id := fmt.Sprintf("w%d-%d", w, i)
					birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, w*perWriter+i)
					rec := &mpiv1.SourceRecord{
						Source: "BV01", LocalId: id, FullName: "Pham Van Minh", BirthDate: birth.Format("2006-01-02"), Province: "01",
					}
					var eid string
					if w%2 == 0 { // over gRPC
						r, err := hub.Resolve(bearer(t.Context(), token), &mpiv1.ResolveRequest{Record: rec})
						if err != nil {
							if c := status.Code(err); c != codes.Unavailable && c != codes.Canceled {
								t.Errorf("resolve %s: %v (want success or Unavailable while stopping)", id, err)
							}
							return
						}
						eid = r.GetEid()
					} else { // over REST
						var ok bool
						if eid, ok = restResolve(t, d, token, rec); !ok {
							return
						}
					}
					mu.Lock()
					acked[id] = eid
					n := len(acked)
					mu.Unlock()
					if n == signalAfter {
						once.Do(func() { go d.stop() })
					}
				}
			}()
		}
		wg.Wait()
		if err := d.stop(); err != nil {
			t.Fatalf("mpid exited with %v after SIGTERM:\n%s", err, d.stderr)
		}
		if len(acked) < signalAfter {
			t.Fatalf("only %d resolves acknowledged", len(acked))
		}

		d2 := startMpid(t, dir, args...)
		if code, body, _ := d2.httpDo(nil, "GET", "/readyz", "", ""); code != 200 {
			t.Errorf("GET /readyz after the restart: %d %s", code, body)
		}
		cl := mpiv1.NewClinicianServiceClient(d2.conn())
		for id, eid := range acked {
			p, err := cl.GetPersonBySource(bearer(t.Context(), token), &mpiv1.GetPersonBySourceRequest{Source: "BV01", LocalId: id})
			if err != nil {
				t.Errorf("acknowledged record BV01/%s after restart: %v", id, err)
				continue
			}
			if p.GetEid() != eid {
				t.Errorf("acknowledged record BV01/%s: person %s after restart, %s acknowledged", id, p.GetEid(), eid)
			}
		}
		t.Logf("%d resolves acknowledged, all found after the restart", len(acked))
	})
}

// restResolve resolves rec over REST; ok is false once mpid stops
// answering (the connection refused or closed, or 503 while stopping).
func restResolve(t *testing.T, d *daemon, token string, rec *mpiv1.SourceRecord) (eid string, ok bool) {
	body, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), "POST", "http://"+d.httpAddr+"/v1/records:resolve", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", false // mpid stopped listening
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	switch resp.StatusCode {
	case http.StatusOK:
		var r mpiv1.ResolveResponse
		if err := protojson.Unmarshal(b, &r); err != nil {
			t.Errorf("REST resolve %s: %v", rec.GetLocalId(), err)
			return "", false
		}
		return r.GetEid(), true
	case http.StatusServiceUnavailable:
		return "", false
	}
	t.Errorf("REST resolve %s: %d %s (want 200, or 503 while stopping)", rec.GetLocalId(), resp.StatusCode, b)
	return "", false
}
