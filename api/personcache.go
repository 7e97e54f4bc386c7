package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/vnhealth/mpi/store"
)

// Person views through a cache (Options.Persons): Person, LookupSource
// and the look-ups by identifier (LookupCitizenID, LookupInsurance,
// LookupPhone) first read, in a small transaction of their own, which live person the
// request stands for and its version — store.Tx.PersonHead, following
// merge redirects, with no golden record and no linked records — and then
// ask the cache for the view of that person at that version. A cache
// keyed on EID@Version never needs invalidating: every change to a person,
// its golden record or its links raises its version (rebuildGolden; a
// merge or unmerge raises the loser's too), so a changed person is asked
// for under a key no cache has seen, and a merged-away EID resolves to its
// survivor before the cache is asked. A view that a cache loaded is the
// one LoadPersonView builds, byte for byte what the uncached path returns.
//
// Between the version read and the cache's load a writer may move the
// person on: the loader then finds another version than asked for and
// fails with ErrVersionMoved (nothing is cached), and the Service reads
// the version again — up to maxViewTries times, then the view straight
// from the store, as without a cache.
//
// Auditing does not change: the Service audits what it returns, the same
// entry whether the view came from a cache, a peer's cache or the store.

// PersonCache serves person views by the live EID and version of the
// person (package api/peercache: a groupcache group shared by replicas).
type PersonCache interface {
	// PersonView returns the view of live person eid at version —
	// LoadPersonView's result, with Asked equal to eid. ErrVersionMoved
	// when the store no longer holds that version.
	PersonView(ctx context.Context, eid store.EID, version int64) (PersonView, error)
}

// ErrVersionMoved is a PersonCache's answer when the person asked for is
// at another version in the store (or was merged away) by the time the
// cache loads it: the caller reads the version again.
var ErrVersionMoved = errors.New("api: person version moved")

// maxViewTries bounds the version reads of one cached view.
const maxViewTries = 3

// LoadPersonView reads from st the view of the live person eid at version
// (Asked equal to eid): ErrVersionMoved when the person is at another
// version or was merged away, ErrNotFound when there is no such person.
// It is what a PersonCache loads on a miss. It writes no audit entry: a
// cache serves its result to the Service, which audits what it returns.
func LoadPersonView(ctx context.Context, st store.Store, eid store.EID, version int64) (PersonView, error) {
	var v PersonView
	err := st.View(ctx, func(tx store.Tx) error {
		var err error
		v, err = personView(ctx, tx, eid)
		return err
	})
	if err != nil {
		return PersonView{}, err
	}
	if v.EID != eid || v.Version != version {
		return PersonView{}, fmt.Errorf("person %s at version %d: %w (now %s at %d)", eid, version, ErrVersionMoved, v.EID, v.Version)
	}
	return v, nil
}

// view returns the view of the live person that pick, run in a read
// transaction, names (an EID as asked, merged-away ones included): from
// the Service's PersonCache when it has one, else from the store.
func (s *Service) view(ctx context.Context, pick func(tx store.Tx) (store.EID, error)) (PersonView, error) {
	if s.persons != nil {
		for range maxViewTries {
			var asked store.EID
			var h store.PersonHead
			err := s.store.View(ctx, func(tx store.Tx) error {
				var err error
				if asked, err = pick(tx); err != nil {
					return err
				}
				h, err = followHead(ctx, tx, asked)
				return err
			})
			if err != nil {
				return PersonView{}, err
			}
			v, err := s.persons.PersonView(ctx, h.EID, h.Version)
			if errors.Is(err, ErrVersionMoved) {
				continue
			}
			if err != nil {
				return PersonView{}, err
			}
			v.Asked = asked
			return v, nil
		}
	}
	var v PersonView
	err := s.store.View(ctx, func(tx store.Tx) error {
		asked, err := pick(tx)
		if err != nil {
			return err
		}
		v, err = personView(ctx, tx, asked)
		return err
	})
	return v, err
}

// cachedViews returns the views of live persons from the Service's
// PersonCache, each at the version of its head or, when that moved, a
// later one.
func (s *Service) cachedViews(ctx context.Context, heads []store.PersonHead) ([]PersonView, error) {
	views := make([]PersonView, 0, len(heads))
	for _, h := range heads {
		v, err := s.persons.PersonView(ctx, h.EID, h.Version)
		if errors.Is(err, ErrVersionMoved) {
			v, err = s.view(ctx, func(store.Tx) (store.EID, error) { return h.EID, nil })
		}
		if err != nil {
			return nil, err
		}
		v.Asked = h.EID
		views = append(views, v)
	}
	return views, nil
}

// followHead is follow reading only the persons' heads.
func followHead(ctx context.Context, tx store.Tx, eid store.EID) (store.PersonHead, error) {
	cur := eid
	for range maxFollow {
		h, err := tx.PersonHead(ctx, cur)
		if err != nil {
			return store.PersonHead{}, notFound(err, "person "+string(cur))
		}
		if h.Status != store.PersonMerged {
			return h, nil
		}
		if h.MergedInto == "" || h.MergedInto == cur {
			return store.PersonHead{}, fmt.Errorf("person %s: merged without a survivor", cur)
		}
		cur = h.MergedInto
	}
	return store.PersonHead{}, fmt.Errorf("person %s: redirect chain too long or cyclic", eid)
}
