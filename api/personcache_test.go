package api

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vnhealth/mpi/store"
)

// mapCache is a PersonCache in a map, counting loads and hits. before, if
// set, runs before each load (a writer racing the reader).
type mapCache struct {
	st     store.Store
	mu     sync.Mutex
	views  map[string]PersonView
	loads  int
	hits   int
	before func()
}

func (c *mapCache) PersonView(ctx context.Context, eid store.EID, version int64) (PersonView, error) {
	k := fmt.Sprintf("%s@%d", eid, version)
	c.mu.Lock()
	v, ok := c.views[k]
	before := c.before
	c.before = nil
	if ok {
		c.hits++
	} else {
		c.loads++
	}
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	if before != nil {
		before()
	}
	v, err := LoadPersonView(ctx, c.st, eid, version)
	if err != nil {
		return PersonView{}, err
	}
	c.mu.Lock()
	c.views[k] = v
	c.mu.Unlock()
	return v, nil
}

func TestPersonCache(t *testing.T) {
	t.Parallel()
	runWorkflowTests(t, []workflowTest{
		{"SameAsUncached", testCacheSameAsUncached},
		{"NoStaleRead", testCacheNoStaleRead},
		{"VersionMovedWhileLoading", testCacheVersionMoved},
	})
}

// cached returns a Service over s's store reading persons through a
// mapCache.
func cached(s *Service) (*Service, *mapCache) {
	c := &mapCache{st: s.store, views: map[string]PersonView{}}
	return New(s.store, Options{Now: s.now, Persons: c}), c
}

// auditOpts ignores what differs between two audit entries of the same
// read: when, and where in the chain.
var auditOpts = cmpopts.IgnoreFields(store.AuditEntry{}, "Seq", "At", "Prev", "Hash")

// testCacheSameAsUncached: Person and LookupSource return the same views
// and write the same audit entries with a cache as without, hits included.
func testCacheSameAsUncached(t *testing.T, open opener) {
	s, ids := clinicFixture(t, open)
	c, mc := cached(s)
	ctx := t.Context()
	for name, eid := range ids {
		want, err := s.Person(ctx, doctor, eid)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			got, err := c.Person(ctx, doctor, eid)
			if err != nil {
				t.Fatal(err)
			}
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("%s: cached Person mismatch (-uncached +cached):\n%s", name, diff)
			}
		}
		key := want.Records[0].Key
		want, err = s.LookupSource(ctx, doctor, key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.LookupSource(ctx, doctor, key)
		if err != nil {
			t.Fatal(err)
		}
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("%s: cached LookupSource mismatch (-uncached +cached):\n%s", name, diff)
		}
	}
	if mc.loads != len(ids) || mc.hits != 2*len(ids) {
		t.Errorf("cache loads %d, hits %d; want %d and %d", mc.loads, mc.hits, len(ids), 2*len(ids))
	}
	// The look-ups by identifier too.
	for _, q := range []struct {
		name   string
		lookup func(*Service) ([]PersonView, error)
	}{
		{"phone", func(s *Service) ([]PersonView, error) { return s.LookupPhone(ctx, doctor, "0912 345 678") }},
		{"citizen ID", func(s *Service) ([]PersonView, error) { return s.LookupCitizenID(ctx, doctor, "001178009876") }},
	} {
		want, err := q.lookup(s)
		if err != nil || len(want) == 0 {
			t.Fatalf("lookup by %s: %d views, %v", q.name, len(want), err)
		}
		got, err := q.lookup(c)
		if err != nil {
			t.Fatal(err)
		}
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("cached lookup by %s mismatch (-uncached +cached):\n%s", q.name, diff)
		}
	}
	if mc.loads != len(ids) {
		t.Errorf("cache loads after the look-ups: %d, want %d (the persons were cached)", mc.loads, len(ids))
	}
	// Misses go to the store the same way.
	unknown, _ := store.EIDFromSeq(987_654)
	_, errU := s.Person(ctx, doctor, unknown)
	_, errC := c.Person(ctx, doctor, unknown)
	if errU == nil || errC == nil || errU.Error() != errC.Error() {
		t.Errorf("unknown EID: uncached %v, cached %v; want the same not-found", errU, errC)
	}
	gone := store.RecordKey{Source: "BV99", LocalID: "none"}
	_, errU = s.LookupSource(ctx, doctor, gone)
	_, errC = c.LookupSource(ctx, doctor, gone)
	if errU == nil || errC == nil || errU.Error() != errC.Error() {
		t.Errorf("unknown record: uncached %v, cached %v; want the same not-found", errU, errC)
	}

	// Audit: every uncached read is followed by its cached twins, entry
	// for entry.
	for _, action := range []string{"person", "lookup_source", "lookup_phone", "lookup_citizen_id"} {
		es := auditActions(t, s, action)
		var byEIDs = map[string][]store.AuditEntry{}
		for _, e := range es {
			k := fmt.Sprint(e.EIDs, e.Records, e.Outcome)
			byEIDs[k] = append(byEIDs[k], e)
		}
		for k, group := range byEIDs {
			for _, e := range group[1:] {
				if diff := gocmp.Diff(group[0], e, auditOpts); diff != "" {
					t.Errorf("%s audit %s: cached entry differs (-uncached +cached):\n%s", action, k, diff)
				}
			}
			want := 2
			if action == "person" && group[0].Outcome == OutcomeOK {
				want = 3
			}
			if len(group) != want {
				t.Errorf("%s audit %s: %d entries, want %d", action, k, len(group), want)
			}
		}
	}
}

// testCacheNoStaleRead: after a new link and after a merge, a cached
// reader sees the new version at once, and a merged-away EID reads as its
// survivor.
func testCacheNoStaleRead(t *testing.T, open opener) {
	s, ids := clinicFixture(t, open)
	c, _ := cached(s)
	ctx := t.Context()
	an, ns := ids["an"], ids["namesake"]
	before, err := c.Person(ctx, doctor, an)
	if err != nil {
		t.Fatal(err)
	}
	third := withKey(anBV, "PK79555", "31")
	if got := resolve(t, s, third).EID; got != an {
		t.Fatalf("a third record of An went to %s, want %s", got, an)
	}
	after, err := c.Person(ctx, doctor, an)
	if err != nil {
		t.Fatal(err)
	}
	if after.Version <= before.Version || len(after.Records) != len(before.Records)+1 {
		t.Errorf("after a new link: version %d → %d, records %d → %d; want both up", before.Version, after.Version, len(before.Records), len(after.Records))
	}
	if _, err := c.Person(ctx, doctor, ns); err != nil {
		t.Fatal(err)
	}
	if err := s.Merge(ctx, steward, ns, an, "one man", ForceMerge); err != nil {
		t.Fatal(err)
	}
	want, err := s.Person(ctx, doctor, an)
	if err != nil {
		t.Fatal(err)
	}
	for _, asked := range []store.EID{an, ns} {
		got, err := c.Person(ctx, doctor, asked)
		if err != nil {
			t.Fatal(err)
		}
		want.Asked = asked
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("Person(%s) after the merge mismatch (-store +cached):\n%s", asked, diff)
		}
	}
	got, err := c.LookupSource(ctx, doctor, keyOf(anNamesake))
	if err != nil || got.EID != an || got.Version != want.Version {
		t.Errorf("LookupSource of the loser's record = %s@%d, %v; want %s@%d", got.EID, got.Version, err, an, want.Version)
	}
}

// testCacheVersionMoved: a write between the version read and the load
// makes the load fail with ErrVersionMoved; the Service reads the version
// again and returns the new view, and nothing stale was cached.
func testCacheVersionMoved(t *testing.T, open opener) {
	s, ids := clinicFixture(t, open)
	c, mc := cached(s)
	ctx := t.Context()
	an := ids["an"]
	old := person(t, s, an).Version
	mc.before = func() { resolve(t, s, withKey(anTYT, "TYT79777", "5")) }
	v, err := c.Person(ctx, doctor, an)
	if err != nil {
		t.Fatal(err)
	}
	now := person(t, s, an).Version
	if now == old || v.Version != now || len(v.Records) != 3 {
		t.Errorf("view at version %d with %d records; store went %d → %d, want the new version with 3", v.Version, len(v.Records), old, now)
	}
	if _, ok := mc.views[fmt.Sprintf("%s@%d", an, old)]; ok {
		t.Errorf("the old version's key holds a view")
	}
	_, err = LoadPersonView(ctx, s.store, an, old)
	wantErr(t, "LoadPersonView of an old version", err, ErrVersionMoved)

	// A look-up whose person moves on while the views load (the cache
	// emptied: the first load, An's or his wife's, lets the writer in).
	mc.views = map[string]PersonView{}
	mc.before = func() { resolve(t, s, withKey(anTYT, "TYT79777", "6")) }
	views, err := c.LookupPhone(ctx, doctor, anBV.Phone)
	if err != nil {
		t.Fatal(err)
	}
	now = person(t, s, an).Version
	i := slices.IndexFunc(views, func(v PersonView) bool { return v.EID == an })
	if i < 0 || views[i].Version != now || len(views[i].Records) != 4 {
		t.Errorf("LookupPhone while the person moved: %d views; want %s among them at version %d with 4 records", len(views), an, now)
	}
}
