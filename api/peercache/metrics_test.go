package peercache_test

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/api/peercache"
)

func TestCollector(t *testing.T) {
	t.Parallel()
	st := backends[0].open(t)
	c, err := peercache.New(st, peercache.Options{Group: groupName()})
	if err != nil {
		t.Fatal(err)
	}
	svc := api.New(st, api.Options{Persons: c})
	hong := resolve(t, svc, hongBV)
	for range 3 {
		if _, err := svc.Person(t.Context(), doctor, hong); err != nil {
			t.Fatal(err)
		}
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(peercache.NewCollector(c))
	want := `
# HELP mpi_peercache_gets_total Person view reads on this replica's cache, peers' included.
# TYPE mpi_peercache_gets_total counter
mpi_peercache_gets_total 3
# HELP mpi_peercache_hits_total Reads answered from this replica's caches.
# TYPE mpi_peercache_hits_total counter
mpi_peercache_hits_total 2
# HELP mpi_peercache_store_loads_total Views read from the store.
# TYPE mpi_peercache_store_loads_total counter
mpi_peercache_store_loads_total 1
# HELP mpi_peercache_items Views the caches hold (owned keys and hot copies).
# TYPE mpi_peercache_items gauge
mpi_peercache_items 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"mpi_peercache_gets_total", "mpi_peercache_hits_total", "mpi_peercache_store_loads_total", "mpi_peercache_items"); err != nil {
		t.Error(err)
	}
	if n, err := testutil.GatherAndCount(reg); err != nil || n != 10 {
		t.Errorf("%d metrics, %v; want 10", n, err)
	}
}
