package bolt

import (
	"sync"
	"sync/atomic"

	"github.com/vnhealth/mpi/store"
)

// candCache keeps recently read candidates (a record decoded, with the
// EID of its link) by record ordinal, so that a resolve's write
// transaction — bbolt's one writer, which every other writer waits for —
// takes the candidates its read snapshot decoded a moment before instead
// of seeking and decoding each again in a B+tree of a million records.
//
// An entry is the candidate as of the snapshot (bbolt transaction ID) that
// read it; written holds, per ordinal, the ID of the last write
// transaction that changed the record or its link (PutRecord, SetLink,
// RemoveLink — set as the change is made, before the transaction
// commits, and left in place if it rolls back). A transaction whose view
// is snapshot R may use an entry read at snapshot `at` when the record was
// last written at or before both: nothing changed it between the two
// snapshots. A writer's view is its own ID (it sees every commit and its
// own changes, which set written to that ID). Only read-only snapshots
// add entries: what a write transaction reads may yet roll back.
//
// Entries are shared by every caller and must not be modified. Each shard
// holds two generations of at most max/2/shards entries, like api's
// normalized-record cache: nearly LRU without a list.
type candCache struct {
	shards [candShards]candShard
	gen    int // entries per generation and shard

	// written[ord>>16][ord&0xffff]: chunks allocated as ordinals are
	// written, never moved, read without a lock — 512 KiB of chunk
	// pointers, then 8 bytes per ordinal (8 MB at a million records)
	// whatever the cache's size.
	written [1 << 16]atomic.Pointer[writtenChunk]
}

type writtenChunk [1 << 16]atomic.Uint64

const candShards = 32

type candShard struct {
	mu       sync.Mutex
	cur, old map[uint32]candEntry
}

type candEntry struct {
	c  store.Candidate
	at uint64
}

// newCandCache returns a cache of about size entries; nil (caching
// nothing) when size <= 0.
func newCandCache(size int) *candCache {
	if size <= 0 {
		return nil
	}
	c := &candCache{gen: max(1, size/2/candShards)}
	for i := range c.shards {
		c.shards[i].cur = make(map[uint32]candEntry)
	}
	return c
}

// lastWrite returns the ID of the last transaction that wrote ord (0:
// none since the store opened).
func (c *candCache) lastWrite(ord uint32) uint64 {
	ch := c.written[ord>>16].Load()
	if ch == nil {
		return 0
	}
	return ch[ord&0xffff].Load()
}

// touch records that write transaction tx changed ord's record or link.
// Write transactions run one at a time (committer.wmu), so touches never
// race each other.
func (c *candCache) touch(ord uint32, tx uint64) {
	if c == nil {
		return
	}
	ch := c.written[ord>>16].Load()
	if ch == nil {
		ch = new(writtenChunk)
		c.written[ord>>16].Store(ch)
	}
	ch[ord&0xffff].Store(tx)
}

// get returns ord's candidate as a transaction viewing snapshot view sees
// it, if an entry holds it.
func (c *candCache) get(ord uint32, view uint64) (store.Candidate, bool) {
	if c == nil {
		return store.Candidate{}, false
	}
	sh := &c.shards[ord%candShards]
	sh.mu.Lock()
	e, ok := sh.cur[ord]
	if !ok {
		if e, ok = sh.old[ord]; ok {
			sh.putLocked(ord, e, c.gen)
		}
	}
	sh.mu.Unlock()
	if !ok {
		return store.Candidate{}, false
	}
	if w := c.lastWrite(ord); w > e.at || w > view {
		return store.Candidate{}, false
	}
	return e.c, true
}

// put adds ord's candidate as read-only snapshot at read it.
func (c *candCache) put(ord uint32, at uint64, cand store.Candidate) {
	if c == nil {
		return
	}
	sh := &c.shards[ord%candShards]
	sh.mu.Lock()
	// A reader on an older snapshot keeps the newer entry: whatever a
	// write invalidates in it, it invalidates in the older one too.
	if e, ok := sh.cur[ord]; !ok || e.at < at {
		sh.putLocked(ord, candEntry{c: cand, at: at}, c.gen)
	}
	sh.mu.Unlock()
}

func (sh *candShard) putLocked(ord uint32, e candEntry, gen int) {
	if len(sh.cur) >= gen {
		sh.old, sh.cur = sh.cur, make(map[uint32]candEntry, gen)
	}
	sh.cur[ord] = e
}
