package peercache_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/api/peercache"
	"github.com/vnhealth/mpi/store"
)

// BenchmarkPerson reads one person of 5 records. Service.Person (the
// version read, the view and the audit entry, which is a write) from the
// store and through an in-process Cache; the view alone from the store
// (api.LoadPersonView), from the Cache, and as a peer fetches it from its
// owner (a loopback HTTP GET of a cached view).
func BenchmarkPerson(b *testing.B) {
	for _, bk := range backends {
		b.Run(bk.name, func(b *testing.B) {
			st := bk.open(b)
			plain := api.New(st, api.Options{})
			var eid store.EID
			for i := range 5 {
				r := anBV
				r.LocalID = fmt.Sprintf("b%d", i)
				eid = resolve(b, plain, r)
			}
			local, err := peercache.New(st, peercache.Options{Group: groupName()})
			if err != nil {
				b.Fatal(err)
			}
			cached := api.New(st, api.Options{Persons: local})
			v, err := plain.Person(b.Context(), doctor, eid)
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range []struct {
				name string
				svc  *api.Service
			}{{"service/store", plain}, {"service/cache", cached}} {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						if _, err := c.svc.Person(b.Context(), doctor, eid); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			b.Run("view/store", func(b *testing.B) {
				for b.Loop() {
					if _, err := api.LoadPersonView(b.Context(), st, eid, v.Version); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("view/cache", func(b *testing.B) {
				for b.Loop() {
					if _, err := local.PersonView(b.Context(), eid, v.Version); err != nil {
						b.Fatal(err)
					}
				}
			})
			const token = "bench-token"
			u := startWithToken(b, st, token) + peercache.BasePath + peercache.Key(eid, v.Version)
			b.Run("view/peer-http", func(b *testing.B) {
				for b.Loop() {
					req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, u, nil)
					req.Header.Set("Authorization", "Bearer "+token)
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					_, _ = io.Copy(io.Discard, res.Body)
					_ = res.Body.Close()
					if res.StatusCode != http.StatusOK {
						b.Fatal(res.Status)
					}
				}
			})
		})
	}
}
