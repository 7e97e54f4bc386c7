package bolt

import (
	"math/bits"
	"slices"
)

// postings maps hashes to lists of ordinals without a pointer in sight,
// so that the garbage collector never scans the block index however large
// it grows (2.4 million lists for a million records). A list of one
// ordinal is kept in its map entry; a longer one in a region of arena
// whose size is the power of two at or above its length; regions given
// up are reused by size.
type postings struct {
	m     map[uint64]plist
	arena []uint32
	free  [33][]uint32 // offsets of free regions, by log2 of their size
}

// plist is a list: one ordinal in off when n == 1, else n ordinals at
// arena[off:].
type plist struct{ off, n uint32 }

func newPostings() postings { return postings{m: make(map[uint64]plist)} }

// capClass is log2 of the region size for a list of n >= 2.
func capClass(n uint32) int { return bits.Len32(n - 1) }

func (p *postings) alloc(class int) uint32 {
	if f := p.free[class]; len(f) > 0 {
		off := f[len(f)-1]
		p.free[class] = f[:len(f)-1]
		return off
	}
	off := uint32(len(p.arena))
	p.arena = append(p.arena, make([]uint32, 1<<class)...)
	return off
}

func (p *postings) release(off uint32, class int) { p.free[class] = append(p.free[class], off) }

// size returns the length of h's list.
func (p *postings) size(h uint64) int { return int(p.m[h].n) }

// appendTo appends h's ordinals to dst.
func (p *postings) appendTo(dst []uint32, h uint64) []uint32 {
	l := p.m[h]
	switch l.n {
	case 0:
		return dst
	case 1:
		return append(dst, l.off)
	}
	return append(dst, p.arena[l.off:l.off+l.n]...)
}

// add puts ord in h's list unless it is there already; fresh says it
// cannot be (as when the index is built), which skips the search.
func (p *postings) add(h uint64, ord uint32, fresh bool) {
	l, ok := p.m[h]
	switch {
	case !ok:
		p.m[h] = plist{off: ord, n: 1}
		return
	case l.n == 1:
		if l.off == ord {
			return
		}
		off := p.alloc(1)
		p.arena[off], p.arena[off+1] = l.off, ord
		p.m[h] = plist{off: off, n: 2}
		return
	}
	if !fresh && slices.Contains(p.arena[l.off:l.off+l.n], ord) {
		return
	}
	if l.n&(l.n-1) == 0 { // full: move to a region twice the size
		class := capClass(l.n)
		off := p.alloc(class + 1)
		copy(p.arena[off:], p.arena[l.off:l.off+l.n])
		p.release(l.off, class)
		l.off = off
	}
	p.arena[l.off+l.n] = ord
	l.n++
	p.m[h] = l
}

// remove takes ord out of h's list.
func (p *postings) remove(h uint64, ord uint32) {
	l, ok := p.m[h]
	switch {
	case !ok:
		return
	case l.n == 1:
		if l.off == ord {
			delete(p.m, h)
		}
		return
	}
	list := p.arena[l.off : l.off+l.n]
	i := slices.Index(list, ord)
	if i < 0 {
		return
	}
	list[i] = list[l.n-1]
	class := capClass(l.n)
	l.n--
	if l.n == 1 {
		p.release(l.off, class)
		p.m[h] = plist{off: list[0], n: 1}
		return
	}
	if c := capClass(l.n); c < class { // move to a region half the size
		off := p.alloc(c)
		copy(p.arena[off:], p.arena[l.off:l.off+l.n])
		p.release(l.off, class)
		l.off = off
	}
	p.m[h] = l
}

// apply makes a change; as in the index's changes, an added ordinal is
// never listed already.
func (p *postings) apply(h uint64, ord uint32, del bool) {
	if del {
		p.remove(h, ord)
	} else {
		p.add(h, ord, true)
	}
}
