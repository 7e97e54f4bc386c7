package bolt

import (
	"bytes"
	"fmt"
	"slices"
	"sync"

	bbolt "go.etcd.io/bbolt"

	"github.com/vnhealth/mpi/store"
)

// blockIndex is the blocking-key index of active records (hash → the
// records it keys), held in memory and rebuilt from the records bucket
// when the store opens. On disk it would cost every new record about nine
// B+tree leaves scattered over the file (one per key) and their branch
// pages, rewritten and synced at each commit: the bulk of what a resolve
// wrote. The records bucket stays the truth: each record's value holds
// its keys and its ordinal, the small number the index names it by.
//
// Readers see the index as of their snapshot, writers see their own
// changes, and a rolled-back transaction leaves no trace:
//
//   - A write transaction collects its changes in an overlay private to
//     it (the functions of a commit group share one, one after the
//     other). Just before the bbolt commit the overlay is published as
//     pending changes tagged with the transaction's ID; if the commit
//     fails they are withdrawn. All write transactions run under
//     committer.wmu, so nothing commits in between.
//   - A View registers the last committed ID before it begins its bbolt
//     transaction (a lower bound of its snapshot) and sees the settled
//     postings plus the pending changes tagged at or below its snapshot.
//   - After each commit, pending changes that every registered reader
//     sees are folded into the settled postings.
type blockIndex struct {
	mu      sync.RWMutex
	arena   []byte              // record keys (recKey), back to back
	spans   []span              // ordinal → its record key in arena
	settled postings            // hash → ordinals, seen by every reader
	pending map[uint64][]change // hash → committed changes, oldest first
	queue   []published         // commits with pending changes, oldest first

	rmu       sync.Mutex
	readers   map[uint64]int // snapshot lower bounds of open Views
	committed uint64         // the last committed transaction ID
}

// span locates a record key in the arena.
type span struct{ off, end int }

// change is a committed change to one hash's postings.
type change struct {
	tx  uint64
	ord uint32
	del bool
}

// published lists the hashes a commit changed.
type published struct {
	tx     uint64
	hashes []uint64
	keys   []uint32 // ordinals it gave to new records
}

// op is a change in an overlay.
type op struct {
	ord uint32
	del bool
}

// overlay is what one write transaction changed in the index.
type overlay struct {
	ops   map[uint64][]op
	order []uint64          // hashes in the order first changed
	keys  map[uint32][]byte // record keys of the ordinals it handed out
}

func (o *overlay) add(h uint64, ord uint32, del bool) {
	if o.ops == nil {
		o.ops = make(map[uint64][]op)
	}
	if _, ok := o.ops[h]; !ok {
		o.order = append(o.order, h)
	}
	o.ops[h] = append(o.ops[h], op{ord, del})
}

func (o *overlay) setKey(ord uint32, rk []byte) {
	if o.keys == nil {
		o.keys = make(map[uint32][]byte)
	}
	o.keys[ord] = bytes.Clone(rk)
}

// apply adds ord to s or removes it. A change never adds an ordinal
// already listed (PutRecord adds only the keys the record did not have),
// so an addition is an append, whatever the length of the block.
func apply(s []uint32, ord uint32, del bool) []uint32 {
	if !del {
		return append(s, ord)
	}
	if i := slices.Index(s, ord); i >= 0 {
		return slices.Delete(s, i, i+1)
	}
	return s
}

func newBlockIndex() *blockIndex {
	return &blockIndex{
		settled: newPostings(),
		pending: make(map[uint64][]change),
		readers: make(map[uint64]int),
	}
}

// load builds the index from the records bucket of a snapshot.
func (ix *blockIndex) load(btx *bbolt.Tx) error {
	// About 2.5 distinct keys per record: sized at once, the map is not
	// rehashed as it grows.
	var n counters
	if v := btx.Bucket(bMeta).Get(mCounts); v != nil {
		d := dec{b: v}
		for _, f := range n.fields() {
			*f = d.varint()
		}
	}
	if len(ix.settled.m) == 0 && n.activeRecords > 0 {
		ix.settled.m = make(map[uint64]plist, n.activeRecords*5/2)
	}
	c := btx.Bucket(bRecords).Cursor()
	var hashes []uint64
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if tag, _ := ownedTag(k); tag != 0 {
			continue
		}
		h, err := decodeRecordHead(v)
		if err != nil {
			key, _ := parseRecKey(k)
			return fmt.Errorf("%w: record %s", err, key)
		}
		if h.status != store.RecordActive {
			continue
		}
		ix.setKey(h.ord, k)
		hashes = hashes[:0]
		for d := (dec{b: h.keys}); d.more(); {
			hashes = append(hashes, d.u64())
		}
		slices.Sort(hashes)
		for _, hash := range slices.Compact(hashes) {
			ix.settled.add(hash, h.ord, true)
		}
	}
	ix.committed = uint64(btx.ID())
	return nil
}

// setKey records ord's record key (ix.mu held for writing, or no
// concurrency).
func (ix *blockIndex) setKey(ord uint32, rk []byte) {
	if int(ord) >= len(ix.spans) {
		ix.spans = slices.Grow(ix.spans, int(ord)+1-len(ix.spans))[:int(ord)+1]
	}
	off := len(ix.arena)
	ix.arena = append(ix.arena, rk...)
	ix.spans[ord] = span{off, len(ix.arena)}
}

// register notes a View about to begin; it returns what to unregister.
func (ix *blockIndex) register() uint64 {
	ix.rmu.Lock()
	defer ix.rmu.Unlock()
	lb := ix.committed
	ix.readers[lb]++
	return lb
}

func (ix *blockIndex) unregister(lb uint64) {
	ix.rmu.Lock()
	defer ix.rmu.Unlock()
	if ix.readers[lb]--; ix.readers[lb] <= 0 {
		delete(ix.readers, lb)
	}
}

// publish makes a write transaction's changes pending under its ID, just
// before it commits.
func (ix *blockIndex) publish(id uint64, o *overlay) {
	if len(o.order) == 0 && len(o.keys) == 0 {
		return
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	p := published{tx: id, hashes: o.order}
	for ord, rk := range o.keys {
		ix.setKey(ord, rk)
		p.keys = append(p.keys, ord)
	}
	for _, h := range o.order {
		for _, op := range o.ops[h] {
			ix.pending[h] = append(ix.pending[h], change{tx: id, ord: op.ord, del: op.del})
		}
	}
	ix.queue = append(ix.queue, p)
}

// withdraw takes back what publish(id) added when the commit failed.
func (ix *blockIndex) withdraw(id uint64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := len(ix.queue)
	if n == 0 || ix.queue[n-1].tx != id {
		return
	}
	p := ix.queue[n-1]
	ix.queue = ix.queue[:n-1]
	for _, h := range p.hashes {
		cs := ix.pending[h]
		for len(cs) > 0 && cs[len(cs)-1].tx == id {
			cs = cs[:len(cs)-1]
		}
		if len(cs) == 0 {
			delete(ix.pending, h)
		} else {
			ix.pending[h] = cs
		}
	}
	for _, ord := range p.keys {
		ix.spans[ord] = span{}
	}
}

// committedAt records a commit and folds into the settled postings the
// pending changes that every open View sees.
func (ix *blockIndex) committedAt(id uint64) {
	ix.rmu.Lock()
	ix.committed = id
	bound := id
	for lb := range ix.readers {
		bound = min(bound, lb)
	}
	ix.rmu.Unlock()

	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := 0
	for ; n < len(ix.queue) && ix.queue[n].tx <= bound; n++ {
		p := ix.queue[n]
		for _, h := range p.hashes {
			cs := ix.pending[h]
			i := 0
			for ; i < len(cs) && cs[i].tx <= p.tx; i++ {
				ix.settled.apply(h, cs[i].ord, cs[i].del)
			}
			if i == len(cs) {
				delete(ix.pending, h)
			} else {
				ix.pending[h] = cs[i:]
			}
		}
	}
	ix.queue = slices.Delete(ix.queue, 0, n)
}

// view is how a transaction reads the index: a writer (ov set) sees every
// committed change and its own; a reader those up to its snapshot.
type view struct {
	ix   *blockIndex
	snap uint64
	ov   *overlay
}

// hit is a record the index lists under a key.
type hit struct {
	ord uint32
	rk  []byte
}

// lookup appends to dst the records under h, in record key order, or
// reports capped when there are more than perKey (> 0) of them. buf is
// scratch space, returned for reuse. ix.mu is held for reading.
func (v view) lookup(dst []hit, h uint64, perKey int, buf []uint32) (_ []hit, capped bool, _ []uint32) {
	ix := v.ix
	cs := ix.pending[h]
	var ops []op
	if v.ov != nil {
		ops = v.ov.ops[h]
	}
	if perKey > 0 && len(cs) == 0 && len(ops) == 0 && ix.settled.size(h) > perKey {
		return dst, true, buf
	}
	ords := ix.settled.appendTo(buf[:0], h)
	for _, c := range cs {
		if v.ov != nil || c.tx <= v.snap {
			ords = apply(ords, c.ord, c.del)
		}
	}
	for _, o := range ops {
		ords = apply(ords, o.ord, o.del)
	}
	if perKey > 0 && len(ords) > perKey {
		return dst, true, ords
	}
	start := len(dst)
	for _, ord := range ords {
		if rk, ok := v.ov.key(ord); ok {
			dst = append(dst, hit{ord, rk})
			continue
		}
		if int(ord) < len(ix.spans) {
			if sp := ix.spans[ord]; sp.end > sp.off {
				dst = append(dst, hit{ord, ix.arena[sp.off:sp.end:sp.end]})
			}
		}
	}
	slices.SortFunc(dst[start:], func(a, b hit) int { return bytes.Compare(a.rk, b.rk) })
	return dst, false, ords
}

// key returns the record key of an ordinal the overlay handed out.
func (o *overlay) key(ord uint32) ([]byte, bool) {
	if o == nil {
		return nil, false
	}
	rk, ok := o.keys[ord]
	return rk, ok
}
