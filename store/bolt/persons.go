package bolt

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync"

	bbolt "go.etcd.io/bbolt"

	"github.com/vnhealth/mpi/store"
)

// eidSeq hands out EID sequence numbers that are never handed out again,
// not even after a rolled-back transaction or a restart.
//
// The stored sequence (meta eid_next) is written by the transaction that
// takes a number, so a commit makes it durable together with whatever the
// EID was used for. A rollback undoes that write, so the store also keeps
// floor, the next number in memory, which only grows: no later
// transaction of this process gets a number below it. Before an Update
// whose fn took numbers returns without having committed them (fn failed,
// the commit failed, fn panicked, or fn ran again in a commit group and
// took none the last time), the store writes the sequence up to what was
// taken in a transaction of its own; Close does the same. A number can
// thus be reused only after a crash in the moment between a rollback and
// that write — when no caller has seen the outcome of the Update that
// took it, and fn had no effect outside the transaction.
type eidSeq struct {
	mu    sync.Mutex
	floor uint64
}

// eidUse is what one Update took: max is one past the largest number any
// run of fn took, last one past the largest the latest run took (0: none).
type eidUse struct{ max, last uint64 }

// take returns the next number given the stored sequence.
func (e *eidSeq) take(stored uint64) (uint64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	seq := max(stored, e.floor)
	if seq > store.MaxEIDSeq {
		return 0, fmt.Errorf("bolt: EID sequence exhausted at %d", seq)
	}
	e.floor = seq + 1
	return seq, nil
}

// persist makes the stored sequence at least want (0: the floor), in a
// transaction of its own.
func (e *eidSeq) persist(c *committer, want uint64) error {
	if want == 0 {
		e.mu.Lock()
		want = e.floor
		e.mu.Unlock()
	}
	var stored uint64
	_ = c.db.View(func(tx *bbolt.Tx) error {
		stored = getU64(tx.Bucket(bMeta).Get(mEIDNext))
		return nil
	})
	if stored >= want {
		return nil
	}
	return c.write(func(w *wtx) error {
		meta := w.btx.Bucket(bMeta)
		if getU64(meta.Get(mEIDNext)) >= want {
			return nil
		}
		return meta.Put(mEIDNext, u64Key(want))
	})
}

// NewEID allocates an EID never handed out before.
func (t *tx) NewEID(ctx context.Context) (store.EID, error) {
	if err := t.writing("NewEID"); err != nil {
		return "", err
	}
	meta := t.bucket(bMeta)
	seq, err := t.s.eid.take(getU64(meta.Get(mEIDNext)))
	if err != nil {
		return "", err
	}
	if err := meta.Put(mEIDNext, u64Key(seq+1)); err != nil {
		return "", err
	}
	t.use.last = seq + 1
	t.use.max = max(t.use.max, seq+1)
	return store.EIDFromSeq(seq)
}

// Person returns a person by EID, merged ones included.
func (t *tx) Person(ctx context.Context, eid store.EID) (store.Person, error) {
	v := t.bucket(bPersons).Get(personBase(eid))
	if v == nil {
		return store.Person{}, fmt.Errorf("%w: person %s", store.ErrNotFound, eid)
	}
	return decodePerson(eid, v)
}

// PersonHead returns a person's status, redirect and version without
// decoding its golden record.
func (t *tx) PersonHead(ctx context.Context, eid store.EID) (store.PersonHead, error) {
	v := t.bucket(bPersons).Get(personBase(eid))
	if v == nil {
		return store.PersonHead{}, fmt.Errorf("%w: person %s", store.ErrNotFound, eid)
	}
	return decodePersonHead(eid, v)
}

// PutPerson creates a person (version 1) or replaces one (stored + 1).
func (t *tx) PutPerson(ctx context.Context, p store.Person) error {
	if err := t.writing("PutPerson"); err != nil {
		return err
	}
	if err := checkEID("person EID", p.EID); err != nil {
		return err
	}
	if p.Status != store.PersonActive && p.Status != store.PersonMerged {
		return fmt.Errorf("%w: person %s: unknown status %d", store.ErrInvalid, p.EID, p.Status)
	}
	if p.MergedInto != "" {
		if err := checkEID("person "+string(p.EID)+" merged into", p.MergedInto); err != nil {
			return err
		}
	}
	persons := t.bucket(bPersons)
	key := personBase(p.EID)
	c := t.change()
	if v := persons.Get(key); v == nil {
		if p.Version != 1 {
			return fmt.Errorf("%w: person %s: version %d, want 1 for a new person", store.ErrConflict, p.EID, p.Version)
		}
		c.persons++
	} else {
		old, err := decodePerson(p.EID, v)
		if err != nil {
			return err
		}
		if p.Version != old.Version+1 {
			return fmt.Errorf("%w: person %s: version %d, want %d", store.ErrConflict, p.EID, p.Version, old.Version+1)
		}
		c.activePersons -= b2i(old.Status == store.PersonActive)
	}
	c.activePersons += b2i(p.Status == store.PersonActive)
	p.Created = store.StoredTime(p.Created)
	p.Updated = store.StoredTime(p.Updated)
	return persons.Put(key, encodePerson(&p))
}

// ForEachPerson calls fn with every person in EID order. Persons are
// stored in sequence order (eidkey.go), so the walk lists their EIDs
// first (about 24 bytes each) and sorts them.
func (t *tx) ForEachPerson(ctx context.Context, fn func(store.Person) error) error {
	type entry struct {
		eid store.EID
		key [8]byte
	}
	var all []entry
	c := t.bucket(bPersons).Cursor()
	n := 0
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if n++; n%walkCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if !isPersonKey(k) {
			continue
		}
		eid, err := store.EIDFromSeq(binary.BigEndian.Uint64(k))
		if err != nil {
			return fmt.Errorf("%w: person key %x", errCorrupt, k)
		}
		all = append(all, entry{eid: eid, key: [8]byte(k)})
	}
	slices.SortFunc(all, func(a, b entry) int { return strings.Compare(string(a.eid), string(b.eid)) })
	persons := t.bucket(bPersons)
	for i, e := range all {
		if i%walkCheckEvery == walkCheckEvery-1 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		p, err := decodePerson(e.eid, persons.Get(e.key[:]))
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}
