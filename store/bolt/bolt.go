package bolt

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/vnhealth/mpi/store"
)

// layoutVersion is the version of the file layout (buckets, keys, value
// encodings) this package reads and writes. A file with another version
// is refused: it needs a migration, not a guess.
const layoutVersion = 5

// ErrLayout: the file was written with a layout this build does not read,
// or is not an MPI store at all.
var ErrLayout = errors.New("bolt: incompatible store layout")

// Options configures Open. The zero value is durable and sensible.
type Options struct {
	// NoSync skips fsync at commit: much faster, but a machine crash may
	// lose committed transactions or corrupt the file. For tests and for
	// bulk loads that can start over; never for a store of record.
	NoSync bool
	// LockTimeout is how long Open waits for another process to release
	// the file (bbolt locks it); zero means 2 s.
	LockTimeout time.Duration
	// MmapSize is the initial size of the memory map in bytes (the file
	// does not grow to it). Until the file outgrows it, readers such as a
	// long Backup never make a writer wait; zero means twice the size
	// of the file, at least 256 MiB.
	MmapSize int
	// CandidateCache bounds the cache of decoded candidates (entries,
	// about 400 bytes each; candcache.go); zero means
	// DefaultCandidateCache, negative none.
	CandidateCache int
}

// DefaultCandidateCache is the candidate cache's size unless Options
// sets it (about 13 MB when full, beside 8 bytes per record for the
// write marks). It need only span the moments between
// a resolve's read snapshot and its write transaction — at 1,000
// resolves a second of 40 candidates, the last half second or more —
// and a larger one was no faster (1<<18: more for the garbage collector
// to mark, and searches, which fill it too, gain nothing from it).
const DefaultCandidateCache = 1 << 15

// Store is a store.Store on one bbolt file. See the package comment for
// the layout and the transaction model.
type Store struct {
	db     *bbolt.DB
	closed atomic.Bool
	commit committer
	eid    eidSeq
	index  *blockIndex
	cands  *candCache
}

var _ store.Store = (*Store)(nil)

// OneWriter marks the store as running one write transaction at a time
// (store.OneWriter).
func (*Store) OneWriter() {}

// Open opens the store in the file at path, creating it (mode 0600) and
// its buckets when it does not exist. It refuses a file of another layout
// version (ErrLayout) and one that another process holds open.
func Open(path string, opt Options) (*Store, error) {
	timeout := opt.LockTimeout
	if timeout == 0 {
		timeout = 2 * time.Second
	}
	mmap := opt.MmapSize
	if mmap == 0 {
		// Twice the file: bbolt remaps (waiting for every reader to
		// finish) each time the file outgrows the map.
		mmap = 256 << 20
		if fi, err := os.Stat(path); err == nil {
			mmap = max(mmap, int(2*fi.Size()))
		}
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout:         timeout,
		NoSync:          opt.NoSync,
		InitialMmapSize: mmap,
		FreelistType:    bbolt.FreelistMapType,
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("bolt: open %s: the file is locked by another process", path)
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	cache := opt.CandidateCache
	if cache == 0 {
		cache = DefaultCandidateCache
	}
	s := &Store{db: db, index: newBlockIndex(), cands: newCandCache(cache)}
	s.commit.db, s.commit.ix = db, s.index
	if err := db.Update(s.init); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	if err := db.View(s.index.load); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("bolt: open %s: building the block index: %w", path, err)
	}
	return s, nil
}

// init creates the buckets of a new file, or checks an existing file's
// layout, and loads the EID sequence.
func (s *Store) init(tx *bbolt.Tx) error {
	meta := tx.Bucket(bMeta)
	if meta == nil {
		var other bool
		_ = tx.ForEach(func([]byte, *bbolt.Bucket) error { other = true; return nil })
		if other {
			return fmt.Errorf("%w: a bolt file, but not an MPI store", ErrLayout)
		}
		for _, name := range buckets {
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		meta = tx.Bucket(bMeta)
		if err := meta.Put(mLayout, u64Key(layoutVersion)); err != nil {
			return err
		}
	}
	v := meta.Get(mLayout)
	if len(v) != 8 {
		return fmt.Errorf("%w: no layout version", ErrLayout)
	}
	if got := binary.BigEndian.Uint64(v); got != layoutVersion {
		return fmt.Errorf("%w: the file has layout %d, this build reads layout %d", ErrLayout, got, layoutVersion)
	}
	for _, name := range buckets {
		if tx.Bucket(name) == nil {
			return fmt.Errorf("%w: bucket %s missing", ErrLayout, name)
		}
	}
	s.eid.floor = getU64(meta.Get(mEIDNext))
	return nil
}

// check returns ErrClosed after Close and the context's error when it is
// done.
func (s *Store) check(ctx context.Context) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	return ctx.Err()
}

// translate maps bbolt's errors to the store's sentinels.
func translate(err error) error {
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return fmt.Errorf("%w: %w", store.ErrClosed, err)
	}
	return err
}

// Update runs fn in a read-write transaction; see the package comment for
// how concurrent Updates are grouped into one commit, which may run fn
// more than once.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) (err error) {
	if err := s.check(ctx); err != nil {
		return err
	}
	var use eidUse
	defer func() {
		// EIDs handed out to an attempt that did not commit must stay
		// used: persist the sequence before anyone can see the outcome.
		if p := recover(); p != nil {
			if use.max > 0 {
				_ = s.eid.persist(&s.commit, use.max)
			}
			panic(p)
		}
		if use.max > 0 && (err != nil || use.last < use.max) {
			if perr := s.eid.persist(&s.commit, use.max); perr != nil && err != nil {
				err = errors.Join(err, perr)
			}
		}
	}()
	err = s.commit.do(func(w *wtx) error {
		use.last = 0
		t := &tx{s: s, btx: w.btx, w: w, use: &use}
		if err := fn(t); err != nil {
			return err
		}
		return t.flush()
	})
	return translate(err)
}

// View runs fn in a read-only transaction over a snapshot, the block
// index's included.
func (s *Store) View(ctx context.Context, fn func(store.Tx) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	defer s.index.unregister(s.index.register())
	return translate(s.db.View(func(btx *bbolt.Tx) error {
		return fn(&tx{s: s, btx: btx})
	}))
}

// Backup writes the whole file as of one read transaction to w: the bytes
// are a bolt file that Open reads. Writers go on meanwhile.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	return translate(s.db.View(func(btx *bbolt.Tx) error {
		_, err := btx.WriteTo(ctxWriter{ctx, w})
		return err
	}))
}

// ctxWriter stops a long write when its context is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// Close closes the file, after the transactions in flight. Further calls
// return ErrClosed.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return store.ErrClosed
	}
	err := s.eid.persist(&s.commit, 0)
	return errors.Join(err, s.db.Close())
}

// getU64 reads an 8-byte big-endian number (0 when absent).
func getU64(v []byte) uint64 {
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}
