package api

import (
	"container/list"
	"hash/maphash"
	"strconv"
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

func cacheKey(k store.RecordKey, version int32, hash string) string {
	b := make([]byte, 0, len(k.Source)+len(k.LocalID)+len(hash)+14)
	b = append(b, k.Source...)
	b = append(b, 0)
	b = append(b, k.LocalID...)
	b = append(b, 0)
	b = strconv.AppendInt(b, int64(version), 10)
	b = append(b, 0)
	b = append(b, hash...)
	return string(b)
}

// normCache is a sharded LRU cache of normalized records, safe for
// concurrent use. A nil *normCache caches nothing.
type normCache struct {
	seed   maphash.Seed
	shards []cacheShard
}

type cacheShard struct {
	mu    sync.Mutex
	max   int
	items map[string]*list.Element
	order list.List // front: most recently used
}

type cacheEntry struct {
	key string
	rec *matching.Record
}

const cacheShards = 16

// newNormCache returns a cache of about size entries; nil when size <= 0.
func newNormCache(size int) *normCache {
	if size <= 0 {
		return nil
	}
	c := &normCache{seed: maphash.MakeSeed(), shards: make([]cacheShard, cacheShards)}
	per := max(1, (size+cacheShards-1)/cacheShards)
	for i := range c.shards {
		c.shards[i].max = per
		c.shards[i].items = make(map[string]*list.Element)
	}
	return c
}

func (c *normCache) shard(k string) *cacheShard {
	return &c.shards[maphash.String(c.seed, k)%cacheShards]
}

func (c *normCache) get(k string) *matching.Record {
	if c == nil {
		return nil
	}
	sh := c.shard(k)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	el, ok := sh.items[k]
	if !ok {
		return nil
	}
	sh.order.MoveToFront(el)
	return el.Value.(*cacheEntry).rec
}

func (c *normCache) put(k string, m *matching.Record) {
	if c == nil {
		return
	}
	sh := c.shard(k)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if el, ok := sh.items[k]; ok {
		el.Value.(*cacheEntry).rec = m
		sh.order.MoveToFront(el)
		return
	}
	sh.items[k] = sh.order.PushFront(&cacheEntry{key: k, rec: m})
	for sh.order.Len() > sh.max {
		el := sh.order.Back()
		sh.order.Remove(el)
		delete(sh.items, el.Value.(*cacheEntry).key)
	}
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
		n += sh.order.Len()
		sh.mu.Unlock()
	}
	return n
}
