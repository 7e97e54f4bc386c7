package bolt

import (
	"fmt"
	"slices"
	"sync"

	bbolt "go.etcd.io/bbolt"
)

// committer runs write transactions with group commit. bbolt has one
// writer at a time and each commit costs an fsync, so writers that arrive
// while a commit is in progress queue up; the next of them to run takes
// the whole queue and runs every function in one bolt transaction, one
// after the other (so they still serialize: each sees the writes of those
// before it), with one fsync for all. A writer that finds no commit in
// progress runs at once, alone: unlike bbolt's DB.Batch there is no timer,
// so a lone writer waits for nothing. Every write transaction, grouped or
// not, goes through write, which keeps the block index in step with what
// commits.
//
// A function that fails in a group cannot be undone on its own: the group
// transaction is rolled back, the others run again without it, and it
// runs again alone to return its own error. So a function may run more
// than once — which store.Store's Update allows.
type committer struct {
	db   *bbolt.DB
	ix   *blockIndex
	mode writeMode
	// wmu is held by every write transaction, from Begin until its
	// block-index changes are settled as committed or withdrawn.
	wmu   sync.Mutex
	mu    sync.Mutex
	queue []*call
	busy  bool // a leader is running the queue
}

// wtx is a write transaction: the bbolt transaction and the changes to
// the block index it has made so far.
type wtx struct {
	btx *bbolt.Tx
	ov  overlay
}

// writeMode chooses how Update commits; only the benchmark changes it.
type writeMode uint8

const (
	writeGroup  writeMode = iota // group commit (the default)
	writeSingle                  // one transaction per call
)

// call is a queued write.
type call struct {
	fn   func(*wtx) error
	done chan outcome
}

// outcome is what a leader tells a queued writer.
type outcome struct {
	err  error
	solo bool // run again alone
	lead bool // lead the next group
}

// write runs fn in a write transaction of its own and commits it when fn
// succeeds; the block index takes the transaction's changes only then.
func (c *committer) write(fn func(*wtx) error) (err error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	btx, err := c.db.Begin(true)
	if err != nil {
		return err
	}
	w := &wtx{btx: btx}
	open := true
	defer func() {
		if open { // fn failed or panicked
			_ = btx.Rollback()
		}
	}()
	if err := fn(w); err != nil {
		return err
	}
	id := uint64(btx.ID())
	c.ix.publish(id, &w.ov)
	open = false
	if err := btx.Commit(); err != nil {
		c.ix.withdraw(id)
		return err
	}
	c.ix.committedAt(id)
	return nil
}

// do runs fn in a write transaction, alone or in a group.
func (c *committer) do(fn func(*wtx) error) error {
	if c.mode == writeSingle {
		return c.write(fn)
	}
	own := &call{fn: fn, done: make(chan outcome, 1)}
	c.mu.Lock()
	c.queue = append(c.queue, own)
	if c.busy {
		c.mu.Unlock()
		o := <-own.done
		switch {
		case o.solo:
			return c.write(fn)
		case !o.lead:
			return o.err
		}
		c.mu.Lock()
	}
	c.busy = true
	group := c.queue
	c.queue = nil
	c.mu.Unlock()
	solo, err := c.lead(own, group)
	if solo {
		return c.write(fn)
	}
	return err
}

// lead runs a group that includes own, tells the others their outcome and
// hands the lead on to the first writer that queued meanwhile. It reports
// own's error, or that own failed in the group and must run alone.
func (c *committer) lead(own *call, group []*call) (solo bool, err error) {
	defer c.handOff()
	if len(group) == 1 {
		return false, c.write(own.fn)
	}
	for len(group) > 0 {
		failed := -1
		err := c.write(func(w *wtx) error {
			for i, cl := range group {
				if err := safely(cl.fn, w); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			for _, cl := range group {
				if cl != own {
					cl.done <- outcome{err: err}
				}
			}
			if solo {
				return true, nil
			}
			return false, err
		}
		if cl := group[failed]; cl == own {
			solo = true
		} else {
			cl.done <- outcome{solo: true}
		}
		group = slices.Delete(group, failed, failed+1)
	}
	return solo, nil
}

// handOff makes the first queued writer the next leader, or marks the
// committer idle.
func (c *committer) handOff() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) == 0 {
		c.busy = false
		return
	}
	c.queue[0].done <- outcome{lead: true}
}

// safely runs fn, turning a panic into an error (the function then runs
// again alone, where the panic reaches its caller).
func safely(fn func(*wtx) error, w *wtx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("bolt: panic in a grouped transaction: %v", p)
		}
	}()
	return fn(w)
}
