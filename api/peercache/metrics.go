package peercache

import "github.com/prometheus/client_golang/prometheus"

// Collector exports a Cache's Stats as Prometheus metrics, mpi_peercache_*,
// without labels (no key, EID or peer URL is exported).
type Collector struct {
	c     *Cache
	descs []metricDesc
}

type metricDesc struct {
	d     *prometheus.Desc
	kind  prometheus.ValueType
	value func(*Stats) int64
}

// NewCollector returns the Collector of c; register it with a
// prometheus.Registerer.
func NewCollector(c *Cache) *Collector {
	counter := func(name, help string, v func(*Stats) int64) metricDesc {
		return metricDesc{prometheus.NewDesc("mpi_peercache_"+name, help, nil, nil), prometheus.CounterValue, v}
	}
	gauge := func(name, help string, v func(*Stats) int64) metricDesc {
		return metricDesc{prometheus.NewDesc("mpi_peercache_"+name, help, nil, nil), prometheus.GaugeValue, v}
	}
	return &Collector{c: c, descs: []metricDesc{
		counter("gets_total", "Person view reads on this replica's cache, peers' included.", func(s *Stats) int64 { return s.Gets }),
		counter("hits_total", "Reads answered from this replica's caches.", func(s *Stats) int64 { return s.Hits }),
		counter("peer_loads_total", "Views fetched from the peer that owns them.", func(s *Stats) int64 { return s.PeerLoads }),
		counter("peer_errors_total", "Failed fetches from peers (the view was then loaded here).", func(s *Stats) int64 { return s.PeerErrors }),
		counter("server_requests_total", "Peers' reads this replica answered.", func(s *Stats) int64 { return s.ServerRequests }),
		counter("store_loads_total", "Views read from the store.", func(s *Stats) int64 { return s.StoreLoads }),
		counter("version_moved_total", "Store loads that found the person at another version (nothing cached).", func(s *Stats) int64 { return s.VersionMoved }),
		counter("bad_values_total", "Cached values that did not decode (a peer of another build); read from the store instead.", func(s *Stats) int64 { return s.BadValues }),
		gauge("bytes", "Bytes the caches hold (owned keys and hot copies).", func(s *Stats) int64 { return s.Bytes }),
		gauge("items", "Views the caches hold (owned keys and hot copies).", func(s *Stats) int64 { return s.Items }),
	}}
}

// Describe sends the metrics' descriptions.
func (m *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range m.descs {
		ch <- d.d
	}
}

// Collect sends the current values.
func (m *Collector) Collect(ch chan<- prometheus.Metric) {
	s := m.c.Stats()
	for _, d := range m.descs {
		ch <- prometheus.MustNewConstMetric(d.d, d.kind, float64(d.value(&s)))
	}
}
