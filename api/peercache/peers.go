package peercache

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/golang/groupcache"
	"github.com/golang/groupcache/consistenthash"
	pb "github.com/golang/groupcache/groupcachepb"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/store"
)

// BasePath is the path under which Handler serves peers: a peer's read of
// a key is GET <peer URL>/_peercache/<key>.
const BasePath = "/_peercache/"

// maxValue bounds a view sent by a peer (a person with thousands of
// records stays well below).
const maxValue = 16 << 20

// replicas is the number of points each peer has on the ring.
const replicas = 50

// ring is a Cache's groupcache.PeerPicker: the peers on a consistent-hash
// ring.
type ring struct {
	self  string
	hash  *consistenthash.Map
	peers map[string]*peer
}

// newRing places peers (base URLs) on a ring; self must be among them.
func newRing(c *Cache, self string, peers []string) (*ring, error) {
	r := &ring{self: strings.TrimRight(self, "/"), hash: consistenthash.New(replicas, nil), peers: map[string]*peer{}}
	for _, p := range peers {
		p = strings.TrimRight(p, "/")
		u, err := url.Parse(p)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return nil, fmt.Errorf("peercache: peer %q: want a base URL such as http://10.0.0.5:8081", p)
		}
		if r.peers[p] != nil {
			return nil, fmt.Errorf("peercache: peer %q listed twice", p)
		}
		r.peers[p] = &peer{c: c, base: p}
	}
	if r.peers[r.self] == nil {
		return nil, fmt.Errorf("peercache: self %q is not among the peers", self)
	}
	names := make([]string, 0, len(r.peers))
	for p := range r.peers {
		names = append(names, p)
	}
	slices.Sort(names)
	r.hash.Add(names...)
	return r, nil
}

// PickPeer returns the owner of key, unless it is this replica.
func (r *ring) PickPeer(key string) (groupcache.ProtoGetter, bool) {
	owner := r.hash.Get(key)
	if owner == r.self {
		return nil, false
	}
	return r.peers[owner], true
}

// Owner returns the peer URL that owns key ("" without peers).
func (c *Cache) Owner(eid store.EID, version int64) string {
	if c.ring == nil {
		return ""
	}
	return c.ring.hash.Get(Key(eid, version))
}

// peer fetches keys from one replica.
type peer struct {
	c    *Cache
	base string
}

// Get fetches a key's value from the peer.
func (p *peer) Get(ctx context.Context, in *pb.GetRequest, out *pb.GetResponse) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+BasePath+url.PathEscape(in.GetKey()), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+p.c.token)
	res, err := p.c.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("peercache: peer %s: %s", p.base, res.Status)
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, maxValue+1))
	if err != nil {
		return fmt.Errorf("peercache: peer %s: %w", p.base, err)
	}
	if len(b) > maxValue {
		return fmt.Errorf("peercache: peer %s: value over %d bytes", p.base, maxValue)
	}
	out.Value = b
	return nil
}

// Handler returns the handler that serves peers' reads under BasePath.
// Mount it on an address only the replicas reach.
func (c *Cache) Handler() http.Handler { return http.HandlerFunc(c.serveHTTP) }

func (c *Cache) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if c.ring == nil || !c.authorized(r) {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	key, ok := strings.CutPrefix(r.URL.Path, BasePath)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if _, _, err := ParseKey(key); err != nil {
		http.Error(w, "malformed key", http.StatusBadRequest)
		return
	}
	c.group.Stats.ServerRequests.Add(1)
	var b []byte
	err := c.group.Get(r.Context(), key, groupcache.AllocatingByteSliceSink(&b))
	switch {
	case err == nil:
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(b)
	case errors.Is(err, api.ErrVersionMoved):
		http.Error(w, "version moved", http.StatusConflict)
	case errors.Is(err, store.ErrNotFound):
		http.Error(w, "not found", http.StatusNotFound)
	default:
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

// authorized reports whether r carries the peers' token.
func (c *Cache) authorized(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(c.token))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}
