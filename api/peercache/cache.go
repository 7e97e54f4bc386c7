package peercache

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang/groupcache"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/store"
)

// Options configure a Cache. The zero value is an in-process cache of
// DefaultCacheBytes under DefaultGroup.
type Options struct {
	// Group names the groupcache group; default DefaultGroup. Group names
	// are process-wide and never freed (doc.go): a second Cache in one
	// process needs a name of its own.
	Group string
	// CacheBytes bounds what the Cache holds: the views of the keys this
	// replica owns and hot copies of others'. Default DefaultCacheBytes.
	CacheBytes int64
	// Self is this replica's peer URL as the others reach it, for
	// example "http://10.0.0.5:8081"; it must be one of Peers.
	Self string
	// Peers lists every replica's peer URL, Self included, each a base
	// URL (scheme, host, port) the replica serves Handler on. Empty: the
	// cache is this process's alone.
	Peers []string
	// Token is the secret the replicas present to each other; required
	// with Peers.
	Token string
	// Client sends the requests to peers; default a client with a
	// DefaultPeerTimeout timeout. Give it a TLS transport where the
	// network between replicas is not trusted.
	Client *http.Client
}

// Defaults.
const (
	DefaultGroup       = "mpi-persons"
	DefaultCacheBytes  = 64 << 20
	DefaultPeerTimeout = 5 * time.Second
)

// Cache is an api.PersonCache shared by the replicas named in
// Options.Peers. It serves peers' requests through Handler.
type Cache struct {
	st     store.Store
	group  *groupcache.Group
	ring   *ring // nil without peers
	token  string
	client *http.Client

	storeLoads   atomic.Int64
	versionMoved atomic.Int64
	badValues    atomic.Int64
}

var _ api.PersonCache = (*Cache)(nil)

// New returns a Cache over st. It fails when Options.Group is taken in
// this process, or when Peers is set without Self among them or without
// a Token.
func New(st store.Store, opt Options) (*Cache, error) {
	if opt.Group == "" {
		opt.Group = DefaultGroup
	}
	if opt.CacheBytes <= 0 {
		opt.CacheBytes = DefaultCacheBytes
	}
	if opt.Client == nil {
		opt.Client = &http.Client{Timeout: DefaultPeerTimeout}
	}
	c := &Cache{st: st, token: opt.Token, client: opt.Client}
	if len(opt.Peers) > 0 {
		if opt.Token == "" {
			return nil, errors.New("peercache: peers need a token")
		}
		r, err := newRing(c, opt.Self, opt.Peers)
		if err != nil {
			return nil, err
		}
		c.ring = r
	}
	g, err := newGroup(opt.Group, opt.CacheBytes, groupcache.GetterFunc(c.load), c.ring)
	if err != nil {
		return nil, err
	}
	c.group = g
	return c, nil
}

// PersonView returns the view of live person eid at version, from this
// replica's cache, the owner's, or the store.
func (c *Cache) PersonView(ctx context.Context, eid store.EID, version int64) (api.PersonView, error) {
	var b []byte
	if err := c.group.Get(ctx, Key(eid, version), groupcache.AllocatingByteSliceSink(&b)); err != nil {
		return api.PersonView{}, err
	}
	v, err := decodeView(b)
	if err != nil {
		// A peer of another build (another codecFormat) or a damaged
		// value: read the view from the store instead.
		c.badValues.Add(1)
		c.storeLoads.Add(1)
		return api.LoadPersonView(ctx, c.st, eid, version)
	}
	return v, nil
}

// load is the group's getter: the view from the store.
func (c *Cache) load(ctx context.Context, key string, dest groupcache.Sink) error {
	eid, version, err := ParseKey(key)
	if err != nil {
		return err
	}
	c.storeLoads.Add(1)
	v, err := api.LoadPersonView(ctx, c.st, eid, version)
	if errors.Is(err, api.ErrVersionMoved) {
		c.versionMoved.Add(1)
	}
	if err != nil {
		return err
	}
	return dest.SetBytes(encodeView(&v))
}

// Key returns the cache key of a person version: "EID@version".
func Key(eid store.EID, version int64) string {
	return string(eid) + "@" + strconv.FormatInt(version, 10)
}

// ErrBadKey: a key is not "EID@version" with a well-formed EID and a
// positive version.
var ErrBadKey = errors.New("peercache: malformed key")

// ParseKey splits a key Key made; any other string is ErrBadKey.
func ParseKey(key string) (store.EID, int64, error) {
	e, v, ok := strings.Cut(key, "@")
	version, err := strconv.ParseInt(v, 10, 64)
	if !ok || err != nil || version < 1 || strconv.FormatInt(version, 10) != v || !store.EID(e).Valid() {
		return "", 0, ErrBadKey
	}
	return store.EID(e), version, nil
}

// Stats are a Cache's counters since it was made.
type Stats struct {
	// Gets counts reads: this replica's and its peers' (ServerRequests).
	Gets int64
	// Hits counts reads answered from this replica's caches.
	Hits int64
	// PeerLoads counts views fetched from their owner; PeerErrors failed
	// fetches, after which this replica loaded the view itself.
	PeerLoads  int64
	PeerErrors int64
	// ServerRequests counts peers' reads this replica answered.
	ServerRequests int64
	// StoreLoads counts views read from the store, VersionMoved those
	// that found the person moved on (nothing cached).
	StoreLoads   int64
	VersionMoved int64
	// BadValues counts values that did not decode (from a peer of
	// another build): the view was read from the store instead.
	BadValues int64
	// Bytes and Items are what the caches hold now (owned and hot).
	Bytes int64
	Items int64
}

// Stats returns the Cache's counters.
func (c *Cache) Stats() Stats {
	g := &c.group.Stats
	main, hot := c.group.CacheStats(groupcache.MainCache), c.group.CacheStats(groupcache.HotCache)
	return Stats{
		Gets: g.Gets.Get(), Hits: g.CacheHits.Get(),
		PeerLoads: g.PeerLoads.Get(), PeerErrors: g.PeerErrors.Get(),
		ServerRequests: g.ServerRequests.Get(),
		StoreLoads:     c.storeLoads.Load(), VersionMoved: c.versionMoved.Load(), BadValues: c.badValues.Load(),
		Bytes: main.Bytes + hot.Bytes, Items: main.Items + hot.Items,
	}
}

// groups is the package's side of groupcache's process-wide state: the
// peer picker of each group this package made (doc.go).
var groups struct {
	once    sync.Once
	mu      sync.Mutex
	pickers map[string]groupcache.PeerPicker
}

// newGroup makes a groupcache group whose peers are r (nil: none).
func newGroup(name string, cacheBytes int64, getter groupcache.Getter, r *ring) (*groupcache.Group, error) {
	groups.once.Do(func() {
		groups.pickers = map[string]groupcache.PeerPicker{}
		groupcache.RegisterPerGroupPeerPicker(func(name string) groupcache.PeerPicker {
			groups.mu.Lock()
			defer groups.mu.Unlock()
			return groups.pickers[name] // nil: groupcache.NoPeers
		})
	})
	groups.mu.Lock()
	defer groups.mu.Unlock()
	if groupcache.GetGroup(name) != nil {
		return nil, fmt.Errorf("peercache: group %q already exists in this process", name)
	}
	if r != nil {
		groups.pickers[name] = r
	}
	return groupcache.NewGroup(name, cacheBytes, getter), nil
}
