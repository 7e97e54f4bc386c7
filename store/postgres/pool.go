package postgres

import (
	"context"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/vnhealth/mpi/store"
)

// pool is a bounded set of connections: at most max are in use at once,
// idle ones are kept for reuse, broken ones are dropped.
//
// It stands in for pgxpool, which needs github.com/jackc/puddle/v2, a module
// go.mod does not require yet. It keeps to the two calls the store uses
// (acquire, release), so swapping pgxpool in touches this file only.
type pool struct {
	cfg *pgx.ConnConfig
	// slots holds one token per connection in use.
	slots chan struct{}
	// idle holds open connections not in use.
	idle chan *pgx.Conn

	mu     sync.Mutex
	closed bool
}

func newPool(cfg *pgx.ConnConfig, max int) *pool {
	return &pool{cfg: cfg, slots: make(chan struct{}, max), idle: make(chan *pgx.Conn, max)}
}

// acquire returns a connection for the caller's sole use until release.
func (p *pool) acquire(ctx context.Context) (*pgx.Conn, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		<-p.slots
		return nil, store.ErrClosed
	}
	for {
		select {
		case c := <-p.idle:
			if c.IsClosed() {
				continue
			}
			return c, nil
		default:
		}
		c, err := pgx.ConnectConfig(ctx, p.cfg.Copy())
		if err != nil {
			<-p.slots
			return nil, err
		}
		return c, nil
	}
}

// release gives c back. A connection that broke, or that is still inside
// a transaction (its rollback failed), is closed instead of kept.
func (p *pool) release(c *pgx.Conn) {
	defer func() { <-p.slots }()
	p.mu.Lock()
	keep := !p.closed && !c.IsClosed() && c.PgConn().TxStatus() == 'I'
	if keep {
		select {
		case p.idle <- c:
		default:
			keep = false
		}
	}
	p.mu.Unlock()
	if !keep {
		c.Close(context.Background())
	}
}

// close closes the idle connections; connections in use are closed as
// they are released.
func (p *pool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for {
		select {
		case c := <-p.idle:
			c.Close(context.Background())
		default:
			return
		}
	}
}
