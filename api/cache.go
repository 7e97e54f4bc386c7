package api

import (
	"hash/maphash"
	"sync"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
)

// normalized returns the normalized form of a stored record version,
// from a bounded cache keyed by record key, version and content hash:
// normalizing is the costliest step of scoring a candidate, and the same
// candidates come back for every record of their block. The result is
// shared and must not be modified.
func (s *Service) normalized(r *store.Record) *matching.Record {
	k := cacheKey(r.Key, r.Version, r.Hash)
	if m := s.cache.get(k); m != nil {
		return m
	}
	m := matching.Normalize(&r.Raw)
	s.cache.put(k, &m)
	return &m
}

// remember caches the normalized form of a record version computed
// elsewhere (Resolve normalizes before the transaction), so that later
// records of a batch find it. The key includes the content hash, so an
// entry of a transaction that rolled back is still right for that content.
func (s *Service) remember(r *store.Record, m *matching.Record) {
	s.cache.put(cacheKey(r.Key, r.Version, r.Hash), m)
}

func cacheKey(k store.RecordKey, version int32, hash string) normKey {
	return normKey{key: k, version: version, hash: hash}
}

// normKey identifies a record version's content. It holds the stored
// record's strings, so looking one up allocates nothing.
type normKey struct {
	key     store.RecordKey
	version int32
	hash    string
}

// normCache is a sharded cache of normalized records, safe for concurrent
// use, that keeps about the most recently used entries: each shard holds
// two generations of at most max/2 entries, a hit in the older one moves
// the entry to the newer, and when the newer is full the older is dropped
// — nearly LRU, without a list or an allocation per entry. A nil
// *normCache caches nothing.
type normCache struct {
	seed   maphash.Seed
	shards []cacheShard
}

type cacheShard struct {
	mu       sync.Mutex
	gen      int // entries per generation
	cur, old map[normKey]*matching.Record
}

const cacheShards = 16

// newNormCache returns a cache of about size entries; nil when size <= 0.
func newNormCache(size int) *normCache {
	if size <= 0 {
		return nil
	}
	c := &normCache{seed: maphash.MakeSeed(), shards: make([]cacheShard, cacheShards)}
	per := max(2, (size+cacheShards-1)/cacheShards)
	for i := range c.shards {
		c.shards[i].gen = per / 2
		c.shards[i].cur = make(map[normKey]*matching.Record)
	}
	return c
}

func (c *normCache) shard(k normKey) *cacheShard {
	return &c.shards[maphash.Comparable(c.seed, k)%cacheShards]
}

func (c *normCache) get(k normKey) *matching.Record {
	if c == nil {
		return nil
	}
	sh := c.shard(k)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if m, ok := sh.cur[k]; ok {
		return m
	}
	m, ok := sh.old[k]
	if ok {
		delete(sh.old, k)
		sh.add(k, m)
	}
	return m
}

func (c *normCache) put(k normKey, m *matching.Record) {
	if c == nil {
		return
	}
	sh := c.shard(k)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	delete(sh.old, k)
	sh.add(k, m)
}

// add puts an entry in the newer generation, first retiring it when full.
func (sh *cacheShard) add(k normKey, m *matching.Record) {
	if _, ok := sh.cur[k]; !ok && len(sh.cur) >= sh.gen {
		sh.old, sh.cur = sh.cur, make(map[normKey]*matching.Record, sh.gen)
	}
	sh.cur[k] = m
}

// len returns the number of cached entries.
func (c *normCache) len() int {
	if c == nil {
		return 0
	}
	n := 0
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		n += len(sh.cur) + len(sh.old)
		sh.mu.Unlock()
	}
	return n
}
