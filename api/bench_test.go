package api

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store/bolt"
)

// BenchmarkResolve resolves generated records, one Resolve per op, into a
// bolt store preloaded with a generated population (about 5,000 records),
// without and with fsync at commit. Each op sends a record not seen before
// under its key: two in five are records of the preloaded people from
// another facility (they link), the rest new people. It reports the
// candidate records scored and the oversized blocks skipped per op.
func BenchmarkResolve(b *testing.B) {
	for _, durable := range []bool{false, true} {
		b.Run(map[bool]string{false: "nosync", true: "durable"}[durable], func(b *testing.B) {
			st, err := bolt.Open(filepath.Join(b.TempDir(), "mpi.db"), bolt.Options{NoSync: !durable})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { closeStore(b, st) })
			benchResolve(b, New(st, Options{}))
		})
	}
}

func benchResolve(b *testing.B, s *Service) {
	pre := generated(b, 2000, 21)
	resolveAll(b, s, pre, 500)
	fresh := generated(b, 20000, 22)
	// Records of preloaded people under new keys, interleaved with new people.
	var pool []matching.Raw
	for i := range fresh {
		if i%5 < 2 {
			r := pre[i%len(pre)]
			r.Source, r.LocalID = "BENCH-REPEAT", fmt.Sprint(i)
			r.Phone = ""
			pool = append(pool, r)
			continue
		}
		pool = append(pool, fresh[i])
	}
	var scored, capped, n int
	for b.Loop() {
		r := pool[n%len(pool)]
		r.LocalID = fmt.Sprintf("%s#%d", r.LocalID, n)
		res, err := s.Resolve(b.Context(), hub, r)
		if err != nil {
			b.Fatal(err)
		}
		scored += res.Candidates
		capped += res.Capped
		n++
	}
	b.ReportMetric(float64(scored)/float64(n), "pairs/op")
	b.ReportMetric(float64(capped)/float64(n), "capped/op")
}

// BenchmarkResolveLargeBlock measures what a large block costs: the store
// holds size different men named Nguyễn Văn T… born in 1990 in one
// province — one year/province/sex/initial block — and each op resolves a
// new version of another such man's record, scored against all of them
// (no cap). It sizes Options.PerKey: the cost of a candidate is the
// difference in ns/op over the difference in pairs/op.
func BenchmarkResolveLargeBlock(b *testing.B) {
	for _, size := range []int{50, 200, 1000} {
		b.Run(fmt.Sprintf("size=%d", size), func(b *testing.B) {
			s := New(openBolt(b), Options{PerKey: -1})
			resolveAll(b, s, blockOf(size, 0), 500)
			var scored, n int
			r := blockOf(1, size)[0]
			phones := [2]string{r.Phone, "0987000111"}
			for b.Loop() {
				r.Phone = phones[n%2]
				res, err := s.Resolve(b.Context(), hub, r)
				if err != nil {
					b.Fatal(err)
				}
				scored += res.Candidates
				n++
			}
			b.ReportMetric(float64(scored)/float64(n), "pairs/op")
		})
	}
}

// blockOf returns n records of different men who share one blocking key
// of the year/province rule, numbered from first.
func blockOf(n, first int) []matching.Raw {
	given := []string{"Tâm", "Tú", "Tuấn", "Thắng", "Thành", "Trung", "Tùng", "Tiến", "Toàn", "Thịnh", "Thái", "Tín"}
	middle := []string{"Văn", "Minh", "Quốc", "Đức", "Hữu", "Thanh", "Công", "Xuân"}
	out := make([]matching.Raw, n)
	for i := range out {
		k := first + i
		out[i] = matching.Raw{
			Source: "BV79001", LocalID: fmt.Sprintf("B%06d", k),
			FullName:  "Nguyễn " + middle[k%len(middle)] + " " + given[(k/len(middle))%len(given)],
			Gender:    "Nam",
			BirthDate: fmt.Sprintf("1990-%02d-%02d", 1+k%12, 1+(k/12)%28),
			Phone:     fmt.Sprintf("09%08d", 10000000+k*7919%89999999),
			Province:  "79",
			Address:   fmt.Sprintf("%d Lê Lợi", 1+k),
		}
	}
	return out
}
