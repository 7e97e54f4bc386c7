package api

import (
	"fmt"
	"sync"
	"testing"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
)

func TestNormCacheBounded(t *testing.T) {
	t.Parallel()
	c := newNormCache(64)
	for i := range 1000 {
		m := &matching.Record{LocalID: fmt.Sprint(i)}
		c.put(cacheKey(store.RecordKey{Source: "BV01", LocalID: fmt.Sprint(i)}, 1, "h"), m)
	}
	if n := c.len(); n > 64 || n < 16 {
		t.Errorf("cache holds %d entries, want at most 64 (and not nearly empty)", n)
	}
	// The most recent entry is still there.
	k := cacheKey(store.RecordKey{Source: "BV01", LocalID: "999"}, 1, "h")
	if got := c.get(k); got == nil || got.LocalID != "999" {
		t.Errorf("most recent entry evicted")
	}
}

func TestNormCacheKeysOnVersionAndHash(t *testing.T) {
	t.Parallel()
	s := New(nil, Options{})
	r := store.Record{Key: store.RecordKey{Source: "BV01", LocalID: "7"}, Version: 1,
		Raw: matching.Raw{Source: "BV01", LocalID: "7", FullName: "Nguyễn Văn An"}}
	r.Hash = ContentHash(r.Raw)
	a := s.normalized(&r)
	if b := s.normalized(&r); a != b {
		t.Errorf("second call did not come from the cache")
	}
	r2 := r
	r2.Raw.FullName = "Trần Thị Bích"
	r2.Hash = ContentHash(r2.Raw)
	if got := s.normalized(&r2); got.FullName != "tran thi bich" {
		t.Errorf("changed content returned the cached form: %q", got.FullName)
	}
}

func TestNormCacheOff(t *testing.T) {
	t.Parallel()
	s := New(nil, Options{CacheSize: -1})
	r := store.Record{Key: store.RecordKey{Source: "BV01", LocalID: "7"}, Version: 1,
		Raw: matching.Raw{FullName: "Lê Văn Long"}}
	if got := s.normalized(&r); got.FullName != "le van long" {
		t.Errorf("normalized without cache: %q", got.FullName)
	}
	if n := s.cache.len(); n != 0 {
		t.Errorf("disabled cache holds %d entries", n)
	}
}

func TestNormCacheConcurrent(t *testing.T) {
	t.Parallel()
	s := New(nil, Options{CacheSize: 100})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				r := store.Record{Key: store.RecordKey{Source: "S", LocalID: fmt.Sprint((g * i) % 150)}, Version: 1,
					Raw: matching.Raw{FullName: "Phạm Thị Hoa"}}
				if got := s.normalized(&r); got.FullName != "pham thi hoa" {
					t.Errorf("normalized: %q", got.FullName)
					return
				}
			}
		})
	}
	wg.Wait()
}
