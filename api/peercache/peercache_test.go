package peercache_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/api/peercache"
	"github.com/vnhealth/mpi/internal/pgtest"
	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/bolt"
	"github.com/vnhealth/mpi/store/postgres"
)

// The records are synthetic: made-up people, numbers and addresses.
var (
	anBV = matching.Raw{Source: "BV79001", LocalID: "2400123", FullName: "NGUYỄN VĂN AN", Gender: "Nam",
		BirthDate: "07/05/1990", Phone: "0912 345 678", Province: "79", Address: "12 Nguyễn Trãi, Phường Bến Thành"}
	anTYT = matching.Raw{Source: "TYT79002", LocalID: "9", FamilyName: "Nguyen", MiddleName: "Van", GivenName: "An",
		Gender: "M", BirthDate: "19900507", Phone: "+84912345678", Province: "TP. Hồ Chí Minh", Address: "12 Nguyen Trai"}
	anPK = matching.Raw{Source: "PK79555", LocalID: "31", FullName: "Nguyễn Văn An", Gender: "Nam",
		BirthDate: "1990-05-07", Phone: "0912345678", Province: "79"}
	// A namesake in Hà Nội: another person until a steward merges them.
	anHN = matching.Raw{Source: "BV01002", LocalID: "N-1", FullName: "Nguyễn Văn An", Gender: "Nam",
		BirthDate: "12/12/1990", Province: "01", Phone: "0977 000 111"}
	hongBV = matching.Raw{Source: "BV01002", LocalID: "A-77", FullName: "Lê Thị Hồng", Gender: "Nữ",
		BirthDate: "1978-11-02", CitizenID: "001178009876", Phone: "0983 111 222", Province: "01"}
)

var (
	hub     = api.Actor{ID: "hub-hcm", Role: "ingest"}
	doctor  = api.Actor{ID: "bs-minh", Role: "clinician"}
	steward = api.Actor{ID: "steward-lan", Role: "steward"}
)

func key(r matching.Raw) store.RecordKey {
	return store.RecordKey{Source: r.Source, LocalID: r.LocalID}
}

// backends opens a fresh store: bolt in a temporary directory, PostgreSQL
// on the server named by MPI_TEST_DATABASE_URL (skipped without it,
// failing without it when CI is set).
var backends = []struct {
	name string
	open func(t testing.TB) store.Store
}{
	{"bolt", func(t testing.TB) store.Store {
		s, err := bolt.Open(filepath.Join(t.TempDir(), "mpi.db"), bolt.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}},
	{"postgres", func(t testing.TB) store.Store {
		s, err := postgres.Open(context.Background(), pgtest.NewDatabase(t), postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}},
}

// groupSeq names each test Cache's group: groupcache's registry is
// process-wide and never forgets a name.
var groupSeq atomic.Int64

func groupName() string { return fmt.Sprintf("test-persons-%d", groupSeq.Add(1)) }

// replica is one "mpid" of a test: a Cache serving its peers on a
// loopback listener of its own, and a Service reading through it.
type replica struct {
	url   string
	cache *peercache.Cache
	svc   *api.Service
	srv   *http.Server
}

// startReplicas starts n replicas over st, peers of each other.
func startReplicas(t testing.TB, st store.Store, n int) []*replica {
	t.Helper()
	tok := make([]byte, 16)
	_, _ = rand.Read(tok)
	token := hex.EncodeToString(tok)
	ls := make([]net.Listener, n)
	urls := make([]string, n)
	for i := range ls {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls[i], urls[i] = l, "http://"+l.Addr().String()
	}
	rs := make([]*replica, n)
	for i := range rs {
		c, err := peercache.New(st, peercache.Options{Group: groupName(), Self: urls[i], Peers: urls, Token: token})
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: c.Handler()}
		go func() { _ = srv.Serve(ls[i]) }()
		t.Cleanup(func() { _ = srv.Close() })
		rs[i] = &replica{url: urls[i], cache: c, svc: api.New(st, api.Options{Persons: c}), srv: srv}
	}
	return rs
}

func resolve(t testing.TB, s *api.Service, r matching.Raw) store.EID {
	t.Helper()
	res, err := s.Resolve(t.Context(), hub, r)
	if err != nil {
		t.Fatalf("Resolve(%s): %v", key(r), err)
	}
	return res.EID
}

// total sums a counter over replicas.
func total(rs []*replica, f func(peercache.Stats) int64) int64 {
	var n int64
	for _, r := range rs {
		n += f(r.cache.Stats())
	}
	return n
}

func storeLoads(s peercache.Stats) int64 { return s.StoreLoads }

// readAll reads eid on every replica and checks each view against the
// store's (an uncached Service).
func readAll(t *testing.T, rs []*replica, plain *api.Service, eid store.EID) api.PersonView {
	t.Helper()
	want, err := plain.Person(t.Context(), doctor, eid)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rs {
		got, err := r.svc.Person(t.Context(), doctor, eid)
		if err != nil {
			t.Fatalf("replica %d: Person(%s): %v", i, eid, err)
		}
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("replica %d: Person(%s) mismatch (-store +cache):\n%s", i, eid, diff)
		}
	}
	return want
}

// TestReplicas: three replicas over one store. A person read on one is
// loaded from the store once and served to the others from its owner's
// cache; after a new link or a merge through any replica, every replica
// returns the new version, and the merged-away EID the survivor.
func TestReplicas(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			st := b.open(t)
			plain := api.New(st, api.Options{})
			rs := startReplicas(t, st, 3)
			ctx := t.Context()
			an := resolve(t, rs[0].svc, anBV)
			if got := resolve(t, rs[1].svc, anTYT); got != an {
				t.Fatalf("An's second record went to %s, want %s", got, an)
			}
			ns := resolve(t, rs[2].svc, anHN)
			if ns == an {
				t.Fatalf("the namesake joined An; the test needs two persons")
			}
			reads := 0

			// First read on A, then B and C: one store load, and the two
			// reads after the first are hits at the owner.
			v := readAll(t, rs, plain, an)
			reads += 3
			if n := total(rs, storeLoads); n != 1 {
				t.Errorf("store loads after one read per replica: %d, want 1", n)
			}
			owner := rs[0].cache.Owner(an, v.Version)
			for i, r := range rs {
				s := r.cache.Stats()
				if r.url == owner {
					if s.Hits != 2 || s.ServerRequests != int64(len(rs)-1) {
						t.Errorf("owner (replica %d): %d hits, %d peer requests; want 2 and %d", i, s.Hits, s.ServerRequests, len(rs)-1)
					}
				} else if s.PeerLoads != 1 || s.Hits != 0 {
					t.Errorf("replica %d: %d peer loads, %d hits; want 1 and 0", i, s.PeerLoads, s.Hits)
				}
			}
			for range 10 {
				readAll(t, rs, plain, an)
				reads += 3
			}
			if n := total(rs, storeLoads); n != 1 {
				t.Errorf("store loads after 33 reads of one version: %d, want 1", n)
			}
			readAll(t, rs, plain, ns)
			reads += 3

			// A new link through C: the next read anywhere is the new
			// version.
			if got := resolve(t, rs[2].svc, anPK); got != an {
				t.Fatalf("An's third record went to %s, want %s", got, an)
			}
			linked := readAll(t, rs, plain, an)
			reads += 3
			if linked.Version <= v.Version || len(linked.Records) != 3 {
				t.Errorf("after a new link: version %d → %d, %d records; want a later version with 3", v.Version, linked.Version, len(linked.Records))
			}

			// A merge through B: both EIDs read as the survivor.
			if err := rs[1].svc.Merge(ctx, steward, ns, an, "one man: the Hà Nội record had a wrong birth date", api.ForceMerge); err != nil {
				t.Fatal(err)
			}
			merged := readAll(t, rs, plain, ns)
			readAll(t, rs, plain, an)
			reads += 6
			if merged.Asked != ns || merged.EID != an || merged.Version <= linked.Version || len(merged.Records) != 4 {
				t.Errorf("Person(loser) after the merge: %s → %s@%d with %d records; want %s → %s@>%d with 4",
					merged.Asked, merged.EID, merged.Version, len(merged.Records), ns, an, linked.Version)
			}
			for i, r := range rs {
				got, err := r.svc.LookupSource(ctx, doctor, key(anHN))
				if err != nil || got.EID != an || got.Version != merged.Version {
					t.Errorf("replica %d: LookupSource(%s) = %s@%d, %v; want %s@%d", i, key(anHN), got.EID, got.Version, err, an, merged.Version)
				}
				reads++
			}

			// One store load per person version read: An at 3 versions,
			// the namesake at 1.
			if n := total(rs, storeLoads); n != 4 {
				t.Errorf("store loads: %d, want 4 (one per person version)", n)
			}
			if n := total(rs, func(s peercache.Stats) int64 { return s.VersionMoved }); n != 0 {
				t.Errorf("%d loads found the version moved; nothing wrote concurrently", n)
			}
			var hits int64
			for _, r := range rs {
				hits += r.cache.Stats().Hits
			}
			t.Logf("%d reads on 3 replicas: %d store loads (%.1f%% served from cache), %d cache hits, %d peer loads",
				reads, total(rs, storeLoads), 100*(1-float64(total(rs, storeLoads))/float64(reads)), hits,
				total(rs, func(s peercache.Stats) int64 { return s.PeerLoads }))

			// Every read was audited, cached or not.
			es, err := st.AuditLog(ctx, store.AuditFilter{Action: "person", Actor: doctor.ID})
			if err != nil {
				t.Fatal(err)
			}
			lookups, err := st.AuditLog(ctx, store.AuditFilter{Action: "lookup_source", Actor: doctor.ID})
			if err != nil {
				t.Fatal(err)
			}
			// readAll reads once more through plain each time: 15 calls.
			if got, want := len(es)+len(lookups), reads+15; got != want {
				t.Errorf("audit entries for reads: %d, want %d", got, want)
			}
		})
	}
}

// TestOwnerDown: with the owner of a key unreachable, a replica loads the
// view itself and still serves the current version.
func TestOwnerDown(t *testing.T) {
	t.Parallel()
	st := backends[0].open(t)
	plain := api.New(st, api.Options{})
	rs := startReplicas(t, st, 3)
	hong := resolve(t, rs[0].svc, hongBV)
	h, err := plain.Person(t.Context(), doctor, hong)
	if err != nil {
		t.Fatal(err)
	}
	var down *replica
	var up []*replica
	for _, r := range rs {
		if r.url == rs[0].cache.Owner(hong, h.Version) {
			down = r
		} else {
			up = append(up, r)
		}
	}
	if err := down.srv.Close(); err != nil {
		t.Fatal(err)
	}
	readAll(t, up, plain, hong)
	for i, r := range up {
		if s := r.cache.Stats(); s.PeerErrors != 1 || s.StoreLoads != 1 {
			t.Errorf("replica %d: %d peer errors, %d store loads; want 1 and 1", i, s.PeerErrors, s.StoreLoads)
		}
	}
}

// TestInProcess: without peers the Cache is this process's own.
func TestInProcess(t *testing.T) {
	t.Parallel()
	st := backends[0].open(t)
	c, err := peercache.New(st, peercache.Options{Group: groupName()})
	if err != nil {
		t.Fatal(err)
	}
	svc := api.New(st, api.Options{Persons: c})
	hong := resolve(t, svc, hongBV)
	readAll(t, []*replica{{svc: svc}, {svc: svc}}, api.New(st, api.Options{}), hong)
	if s := c.Stats(); s.StoreLoads != 1 || s.Hits != 1 || s.Gets != 2 {
		t.Errorf("stats %+v; want 2 gets, 1 store load, 1 hit", s)
	}
	if got := c.Owner(hong, 1); got != "" {
		t.Errorf("Owner without peers = %q, want \"\"", got)
	}
}

func TestNewInvalid(t *testing.T) {
	t.Parallel()
	st := backends[0].open(t)
	taken := groupName()
	if _, err := peercache.New(st, peercache.Options{Group: taken}); err != nil {
		t.Fatal(err)
	}
	peers := []string{"http://127.0.0.1:1", "http://127.0.0.1:2"}
	for name, opt := range map[string]peercache.Options{
		"group taken":      {Group: taken},
		"no token":         {Group: groupName(), Self: peers[0], Peers: peers},
		"self not a peer":  {Group: groupName(), Self: "http://127.0.0.1:3", Peers: peers, Token: "t"},
		"peer not a URL":   {Group: groupName(), Self: peers[0], Peers: append(peers, "127.0.0.1:3"), Token: "t"},
		"peer with a path": {Group: groupName(), Self: peers[0], Peers: append(peers, "http://127.0.0.1:3/x"), Token: "t"},
		"peer twice":       {Group: groupName(), Self: peers[0], Peers: append(peers, peers[1]), Token: "t"},
	} {
		if _, err := peercache.New(st, opt); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}

// TestHandler: the peer endpoint answers only GETs of well-formed keys
// carrying the token.
func TestHandler(t *testing.T) {
	t.Parallel()
	st := backends[0].open(t)
	rs := startReplicas(t, st, 1)
	r := rs[0]
	hong := resolve(t, r.svc, hongBV)
	unknown, _ := store.EIDFromSeq(987_654)
	// The token is not exported: the replica's own requests carry it, so
	// requests made here do not — except through a second Cache.
	tests := []struct {
		name, method, key, auth string
		want                    int
	}{
		{"no token", "GET", peercache.Key(hong, 1), "", http.StatusUnauthorized},
		{"wrong token", "GET", peercache.Key(hong, 1), "Bearer nope", http.StatusUnauthorized},
		{"POST", "POST", peercache.Key(hong, 1), "", http.StatusMethodNotAllowed},
	}
	for _, tc := range tests {
		req, _ := http.NewRequestWithContext(t.Context(), tc.method, r.url+peercache.BasePath+tc.key, nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, res.StatusCode, tc.want)
		}
	}
	// With the token (a replica's requests): a view, a moved version, an
	// unknown person, a malformed key.
	const token = "a-peer-token"
	srv := startWithToken(t, st, token)
	for _, tc := range []struct {
		key  string
		want int
	}{
		{peercache.Key(hong, 1), http.StatusOK},
		{peercache.Key(hong, 7), http.StatusConflict},
		{peercache.Key(unknown, 1), http.StatusNotFound},
		{string(hong) + "@0", http.StatusBadRequest},
		{string(hong), http.StatusBadRequest},
		{"not-an-eid@1", http.StatusBadRequest},
	} {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", srv+peercache.BasePath+tc.key, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("GET %s: status %d, want %d", tc.key, res.StatusCode, tc.want)
		}
	}
}

// startWithToken serves a one-peer Cache with a known token and returns
// its URL.
func startWithToken(t testing.TB, st store.Store, token string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + l.Addr().String()
	c, err := peercache.New(st, peercache.Options{Group: groupName(), Self: u, Peers: []string{u}, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: c.Handler()}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return u
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	eid, _ := store.EIDFromSeq(42)
	if e, v, err := peercache.ParseKey(peercache.Key(eid, 9)); err != nil || e != eid || v != 9 {
		t.Errorf("ParseKey(Key(%s, 9)) = %s, %d, %v", eid, e, v, err)
	}
	for _, k := range []string{"", "@", "@1", string(eid), string(eid) + "@", string(eid) + "@-1", string(eid) + "@x", string(eid) + "@+1", string(eid) + "@01", "x@1", string(eid) + "@1@2"} {
		if _, _, err := peercache.ParseKey(k); !errors.Is(err, peercache.ErrBadKey) {
			t.Errorf("ParseKey(%q): error %v, want ErrBadKey", k, err)
		}
	}
}

// FuzzParseKey: any string parses to a key that round-trips, or to
// ErrBadKey; never a panic.
func FuzzParseKey(f *testing.F) {
	eid, _ := store.EIDFromSeq(42)
	for _, k := range []string{peercache.Key(eid, 1), "", "@", string(eid) + "@9223372036854775807", "x@1"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, k string) {
		e, v, err := peercache.ParseKey(k)
		if err != nil {
			if !errors.Is(err, peercache.ErrBadKey) {
				t.Fatalf("ParseKey(%q): %v", k, err)
			}
			return
		}
		if got := peercache.Key(e, v); got != k {
			t.Fatalf("Key(ParseKey(%q)) = %q", k, got)
		}
	})
}

// TestConcurrentNoStaleRead: while writers link new records to a person
// through every replica, readers on every replica never see a version
// older than the store held when their read began, nor older than their
// previous read; afterwards every replica serves the final version.
func TestConcurrentNoStaleRead(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			st := b.open(t)
			plain := api.New(st, api.Options{})
			rs := startReplicas(t, st, 3)
			an := resolve(t, rs[0].svc, anBV)
			head := func() int64 {
				var h store.PersonHead
				err := st.View(t.Context(), func(tx store.Tx) error {
					var err error
					h, err = tx.PersonHead(t.Context(), an)
					return err
				})
				if err != nil {
					t.Error(err)
				}
				return h.Version
			}
			const writes = 12
			done := make(chan struct{})
			var wg sync.WaitGroup
			var reads atomic.Int64
			for i, r := range rs {
				wg.Go(func() {
					last := int64(0)
					for {
						select {
						case <-done:
							return
						default:
						}
						before := head()
						v, err := r.svc.Person(t.Context(), doctor, an)
						if err != nil {
							t.Errorf("replica %d: Person: %v", i, err)
							return
						}
						reads.Add(1)
						if v.Version < before || v.Version < last {
							t.Errorf("replica %d: read version %d; the store was at %d when the read began, the previous read saw %d", i, v.Version, before, last)
						}
						if len(v.Records) < 1 {
							t.Errorf("replica %d: version %d without records", i, v.Version)
						}
						last = v.Version
					}
				})
			}
			var ww sync.WaitGroup
			for w := range writes {
				ww.Go(func() {
					r := anPK
					r.LocalID = fmt.Sprintf("c%d", w)
					if got := resolve(t, rs[w%len(rs)].svc, r); got != an {
						t.Errorf("record %s went to %s, want %s", key(r), got, an)
					}
				})
			}
			ww.Wait()
			close(done)
			wg.Wait()
			final := readAll(t, rs, plain, an)
			if len(final.Records) != writes+1 {
				t.Errorf("final view has %d records, want %d", len(final.Records), writes+1)
			}
			t.Logf("%d concurrent reads, %d store loads, %d found the version moved",
				reads.Load(), total(rs, storeLoads), total(rs, func(s peercache.Stats) int64 { return s.VersionMoved }))
		})
	}
}

// TestBadPeerValue: a value a peer sends that does not decode (a peer of
// another build) is not served: the view is read from the store.
func TestBadPeerValue(t *testing.T) {
	t.Parallel()
	st := backends[0].open(t)
	plain := api.New(st, api.Options{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	other := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte{99, 1, 2, 3})
	})}
	go func() { _ = other.Serve(l) }()
	t.Cleanup(func() { _ = other.Close() })
	self, peer := "http://127.0.0.1:1", "http://"+l.Addr().String()
	c, err := peercache.New(st, peercache.Options{Group: groupName(), Self: self, Peers: []string{self, peer}, Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	svc := api.New(st, api.Options{Persons: c})
	// A person whose key the other peer owns.
	var eid store.EID
	for i := 0; eid == ""; i++ {
		r := hongBV
		r.Source, r.LocalID, r.CitizenID = "BV01002", fmt.Sprintf("P%d", i), ""
		r.FullName = []string{"Lê Thị Hồng", "Phạm Văn Đức", "Võ Thị Mai", "Đỗ Văn Hùng", "Hoàng Thị Lan"}[i%5]
		r.BirthDate = fmt.Sprintf("19%02d-01-02", 50+i)
		e := resolve(t, plain, r)
		if c.Owner(e, 1) == peer {
			eid = e
		}
		if i > 40 {
			t.Fatal("no person owned by the other peer")
		}
	}
	readAll(t, []*replica{{svc: svc}}, plain, eid)
	if s := c.Stats(); s.BadValues != 1 || s.StoreLoads != 1 || s.PeerLoads != 1 {
		t.Errorf("stats %+v; want 1 peer load, 1 bad value, 1 store load", s)
	}
}
