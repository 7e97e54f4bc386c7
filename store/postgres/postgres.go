package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vnhealth/mpi/internal/ticker"
	"github.com/vnhealth/mpi/store"
)

var (
	_ store.Store   = (*Store)(nil)
	_ store.Advisor = (*Store)(nil)
)

// Options tunes a Store. The zero value is sensible.
type Options struct {
	// MaxConns bounds the connections the store opens; 0 means
	// max(4, GOMAXPROCS).
	MaxConns int
	// MaxTries bounds how often Update runs fn when its transaction fails
	// to serialize; 0 means 20.
	MaxTries int
	// SealInterval is how often the store chains the audit entries
	// written since (Store.Audit); 0 means every second. AuditLog chains
	// what is pending first in any case.
	SealInterval time.Duration
}

// defaultSealInterval: how stale the audit chain may get on its own.
const defaultSealInterval = time.Second

// Retry policy of Update.
const (
	defaultMaxTries = 20
	// exclusiveAfter: once an Update has failed to serialize this many
	// times, its further tries run alone within this process (Updates in
	// flight finish first, new ones wait), so that a hot spot drains
	// instead of starving the unlucky.
	exclusiveAfter = 3
	backoffBase    = time.Millisecond
	backoffMax     = 50 * time.Millisecond
)

// Store is a store.Store in a PostgreSQL database.
type Store struct {
	url      string
	pool     *pool
	maxTries int
	// gate admits Update tries: shared normally, exclusive for an Update
	// that kept failing to serialize.
	gate   sync.RWMutex
	closed atomic.Bool
	// growth decides when to analyze the tables (analyze.go).
	growth growth
	// settings are the server's, read at Open (advice.go).
	settings serverSettings
	// stopSealer ends the background sealer; sealerDone closes when it has.
	stopSealer context.CancelFunc
	sealerDone chan struct{}
}

// Open connects to the database at url (a libpq URL or key=value string),
// brings its schema up to date and returns the store. It refuses a
// database whose schema is newer than this program (ErrSchemaTooNew).
// Concurrent Opens of one database are safe: migrations run one at a time.
func Open(ctx context.Context, url string, opt Options) (*Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		// pgx's message quotes the connection string with the password
		// masked; it holds no patient data.
		return nil, fmt.Errorf("postgres: %w", err)
	}
	// The store's statements are index look-ups whose best plan does not
	// depend on their parameters; planning each execution anew (what
	// PostgreSQL does for a prepared statement whose generic plan looks
	// costlier than the custom ones it tried) cost 0.9 ms of a resolve's
	// 6.5 ms of server time for the person-records join alone.
	if _, set := cfg.RuntimeParams["plan_cache_mode"]; !set {
		cfg.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	}
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	max := opt.MaxConns
	if max <= 0 {
		max = runtime.GOMAXPROCS(0)
		if max < 4 {
			max = 4
		}
	}
	tries := opt.MaxTries
	if tries <= 0 {
		tries = defaultMaxTries
	}
	s := &Store{url: url, pool: newPool(cfg, max), maxTries: tries}
	conn, err := s.pool.acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: connecting: %w", safeError(err))
	}
	_, err = migrate(ctx, conn, ms)
	if err == nil {
		err = s.growth.readKnown(ctx, conn)
	}
	if err == nil {
		s.settings, err = readSettings(ctx, conn)
	}
	s.pool.release(conn)
	if err != nil {
		s.pool.close()
		return nil, err
	}
	every := opt.SealInterval
	if every <= 0 {
		every = defaultSealInterval
	}
	sctx, stop := context.WithCancel(context.Background())
	s.stopSealer, s.sealerDone = stop, make(chan struct{})
	go s.sealEvery(sctx, every)
	return s, nil
}

// sealEvery chains pending audit entries every interval until ctx ends. A
// failure (the database away for a while) is left for the next tick: the
// entries stay pending, durable, and AuditLog seals before it reads.
func (s *Store) sealEvery(ctx context.Context, every time.Duration) {
	defer close(s.sealerDone)
	ticker.Every(ctx, every, func() { _ = s.seal(ctx) })
}

// Close closes the store's connections. Transactions in flight finish on
// theirs.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return store.ErrClosed
	}
	s.stopSealer()
	<-s.sealerDone
	// Leave the chain up to date; what fails here stays pending, and the
	// next Open's sealer chains it.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	_ = s.seal(ctx)
	cancel()
	s.pool.close()
	return nil
}

// Update runs fn in a SERIALIZABLE transaction. When the transaction fails
// to serialize (SQLSTATE 40001) or is chosen as a deadlock victim
// (40P01), it is rolled back and fn runs again after a short jittered
// backoff, up to Options.MaxTries times; then ErrConflict.
func (s *Store) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	for try := 1; ; try++ {
		if s.closed.Load() {
			return store.ErrClosed
		}
		exclusive := try > exclusiveAfter
		if exclusive {
			s.gate.Lock()
		} else {
			s.gate.RLock()
		}
		err := s.run(ctx, false, fn)
		if exclusive {
			s.gate.Unlock()
		} else {
			s.gate.RUnlock()
		}
		if err == nil || !retryable(err) {
			return err
		}
		if try >= s.maxTries {
			return fmt.Errorf("postgres: transaction failed to serialize (or found the lock tables full) %d times: %w", try, store.ErrConflict)
		}
		if err := backoff(ctx, try); err != nil {
			return err
		}
	}
}

// View runs fn in a REPEATABLE READ, READ ONLY transaction: one
// consistent snapshot, never a serialization failure.
func (s *Store) View(ctx context.Context, fn func(tx store.Tx) error) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	return s.run(ctx, true, fn)
}

// run runs fn in one transaction and commits it when fn returns nil. A
// failure to serialize comes back retryable, whether fn returned it, fn
// swallowed it, or the commit reported it.
func (s *Store) run(ctx context.Context, readOnly bool, fn func(tx store.Tx) error) (err error) {
	conn, err := s.pool.acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: %w", safeError(err))
	}
	defer s.pool.release(conn)
	if err := ctx.Err(); err != nil {
		// Nothing reaches the server before fn's first statement.
		return err
	}
	t := &tx{conn: conn, begin: "begin isolation level serializable", readOnly: readOnly}
	if readOnly {
		t.begin = "begin isolation level repeatable read read only"
	}
	committed := false
	defer func() {
		t.done = true
		if !committed {
			t.rollback(ctx)
			t.forgetAssigned()
		}
	}()
	err = fn(t)
	switch {
	case t.retry:
		// fn met a serialization failure; whatever it made of it, the
		// transaction is aborted and worth another try.
		return t.failed
	case err != nil:
		return err
	case t.failed != nil:
		// fn swallowed an error of a statement: the transaction is
		// aborted and cannot commit.
		return fmt.Errorf("postgres: transaction aborted by an earlier error that fn ignored: %w", t.failed)
	}
	if err := t.commit(ctx); err != nil {
		return err
	}
	committed = true
	if t.puts > 0 && s.growth.wrote(t.puts) {
		s.growth.analyze(ctx, conn)
	}
	return nil
}

// backoff sleeps before try+1: a random time up to an exponentially
// growing bound, so that contenders spread out.
func backoff(ctx context.Context, try int) error {
	d := backoffBase << min(try, 10)
	if d > backoffMax {
		d = backoffMax
	}
	d = d/2 + rand.N(d/2+1)
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
