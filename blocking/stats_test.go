package blocking

import (
	stdcmp "cmp"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vnhealth/mpi/matching"
)

// smallSet is six records of four persons, built so that every figure of
// its Stats can be counted by hand (see the comments of TestStats).
func smallSet() ([]matching.Record, []string) {
	raws := []matching.Raw{
		{FullName: "Nguyễn Văn An", Gender: "M", BirthDate: "1990-05-07", Province: "79", Phone: "0912345678"},
		{FullName: "Nguyễn Văn An", Gender: "M", BirthDate: "1990-05-07", Province: "79"},
		{FullName: "Nguyễn Văn Anh", Gender: "M", BirthDate: "1990-01-01", Province: "79", Phone: "0912345678"},
		{FullName: "Trần Thị Bình", Gender: "F", BirthDate: "1985-03-03", Province: "01"},
		{FullName: "Trần Bình", Gender: "F", BirthDate: "1986-03-03", Province: "01"}, // wrong year
		{FullName: "Lê Hoa", Gender: "F", Province: "48"},
	}
	persons := []string{"P1", "P1", "P2", "P3", "P3", "P4"}
	recs := make([]matching.Record, len(raws))
	for i := range raws {
		recs[i] = matching.Normalize(&raws[i])
	}
	return recs, persons
}

func rs(rule string, keyed, blocks, p50, p90, p99, maxSize int, pairs, truePairs int64, capped []int) RuleStats {
	s := RuleStats{Rule: rule, Keyed: keyed, Blocks: blocks, P50: p50, P90: p90, P99: p99, Max: maxSize,
		Pairs: pairs, Capped: capped, Reduction: 1 - float64(pairs)/15, TruePairs: truePairs}
	s.Completeness = float64(truePairs) / 2
	return s
}

func TestStats(t *testing.T) {
	t.Parallel()
	recs, persons := smallSet()
	truth := func(i int) string { return persons[i] }
	tests := []struct {
		name string
		opt  Options
		want *Stats
	}{
		{
			// Blocks: year_province {0,1,2}; phone {0,2}; given_year,
			// date_family, date_province, name_province {0,1}; day_given
			// {0,1} and {3,4}. Distinct pairs: 01, 02, 12, 34. True pairs:
			// 01 (P1) and 34 (P3).
			name: "default caps",
			want: &Stats{Records: 6, AllPairs: 15, MaxBlock: 1000, MaxIDBlock: 100, Truth: true, TruePairs: 2,
				Rules: []RuleStats{
					rs("year_province", 5, 1, 3, 3, 3, 3, 3, 1, nil),
					rs("citizen_id", 0, 0, 0, 0, 0, 0, 0, 0, nil),
					rs("insurance", 0, 0, 0, 0, 0, 0, 0, 0, nil),
					rs("phone", 2, 1, 2, 2, 2, 2, 1, 0, nil),
					rs("given_year", 5, 1, 2, 2, 2, 2, 1, 1, nil),
					rs("date_family", 5, 1, 2, 2, 2, 2, 1, 1, nil),
					rs("date_province", 5, 1, 2, 2, 2, 2, 1, 1, nil),
					rs("day_given", 5, 2, 2, 2, 2, 2, 2, 2, nil),
					rs("name_province", 6, 1, 2, 2, 2, 2, 1, 1, nil),
					rs("address", 0, 0, 0, 0, 0, 0, 0, 0, nil),
					rs("street", 0, 0, 0, 0, 0, 0, 0, 0, nil),
				},
				Union: rs("union", 6, 8, 2, 3, 3, 3, 4, 2, nil),
			},
		},
		{
			// The year_province block of three is capped: pair 12 is lost,
			// 02 is still found by phone.
			name: "capped block",
			opt:  Options{MaxBlock: 2},
			want: &Stats{Records: 6, AllPairs: 15, MaxBlock: 2, MaxIDBlock: 2, Truth: true, TruePairs: 2,
				Rules: []RuleStats{
					rs("year_province", 5, 0, 0, 0, 0, 0, 0, 0, []int{3}),
					rs("citizen_id", 0, 0, 0, 0, 0, 0, 0, 0, nil),
					rs("insurance", 0, 0, 0, 0, 0, 0, 0, 0, nil),
					rs("phone", 2, 1, 2, 2, 2, 2, 1, 0, nil),
					rs("given_year", 5, 1, 2, 2, 2, 2, 1, 1, nil),
					rs("date_family", 5, 1, 2, 2, 2, 2, 1, 1, nil),
					rs("date_province", 5, 1, 2, 2, 2, 2, 1, 1, nil),
					rs("day_given", 5, 2, 2, 2, 2, 2, 2, 2, nil),
					rs("name_province", 6, 1, 2, 2, 2, 2, 1, 1, nil),
					rs("address", 0, 0, 0, 0, 0, 0, 0, 0, nil),
					rs("street", 0, 0, 0, 0, 0, 0, 0, 0, nil),
				},
				Union: rs("union", 6, 7, 2, 2, 2, 2, 3, 2, []int{3}),
			},
		},
		{
			// A phone shared by two records is over an identifier cap of 1.
			name: "identifier cap",
			opt:  Options{MaxIDBlock: 1},
			want: &Stats{Records: 6, AllPairs: 15, MaxBlock: 1000, MaxIDBlock: 1, Truth: true, TruePairs: 2,
				Rules: []RuleStats{
					rs("year_province", 5, 1, 3, 3, 3, 3, 3, 1, nil),
					rs("citizen_id", 0, 0, 0, 0, 0, 0, 0, 0, nil),
					rs("insurance", 0, 0, 0, 0, 0, 0, 0, 0, nil),
					rs("phone", 2, 0, 0, 0, 0, 0, 0, 0, []int{2}),
					rs("given_year", 5, 1, 2, 2, 2, 2, 1, 1, nil),
					rs("date_family", 5, 1, 2, 2, 2, 2, 1, 1, nil),
					rs("date_province", 5, 1, 2, 2, 2, 2, 1, 1, nil),
					rs("day_given", 5, 2, 2, 2, 2, 2, 2, 2, nil),
					rs("name_province", 6, 1, 2, 2, 2, 2, 1, 1, nil),
					rs("address", 0, 0, 0, 0, 0, 0, 0, 0, nil),
					rs("street", 0, 0, 0, 0, 0, 0, 0, 0, nil),
				},
				Union: rs("union", 6, 7, 2, 3, 3, 3, 4, 2, []int{2}),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := NewIndex(recs, tt.opt).Stats(truth)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Stats mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStatsWithoutTruth(t *testing.T) {
	t.Parallel()
	recs, _ := smallSet()
	got := NewIndex(recs, Options{}).Stats(nil)
	if got.Truth || got.TruePairs != 0 || got.Union.Completeness != 0 || got.Union.TruePairs != 0 {
		t.Errorf("Stats(nil) reports completeness: %+v", got.Union)
	}
	if got.Union.Pairs != 4 {
		t.Errorf("Stats(nil).Union.Pairs = %d, want 4", got.Union.Pairs)
	}
}

// TestStatsMatchForEachPair checks the union count, and its true pairs,
// against ForEachPair on a set where many pairs meet under several rules,
// and records without a person belong to no true pair.
func TestStatsMatchForEachPair(t *testing.T) {
	t.Parallel()
	var recs []matching.Record
	var persons []string
	names := []string{"Nguyễn Văn An", "Nguyễn Văn Anh", "Trần Văn An", "Lê Thị Hoa"}
	for i := range 120 {
		raw := matching.Raw{FullName: names[i%4], Gender: "M", BirthDate: []string{"1990-05-07", "1990-06-07", "1991-05-07"}[i%3],
			Province: []string{"79", "01"}[i%2], Phone: []string{"0912345678", "", "0987654321"}[i%3]}
		recs = append(recs, matching.Normalize(&raw))
		persons = append(persons, []string{"A", "B", "C", "D", "E", ""}[i%6])
	}
	ix := NewIndex(recs, Options{MaxBlock: 25})
	var pairs, truePairs int64
	ix.ForEachPair(func(i, j int32) {
		pairs++
		if persons[i] != "" && persons[i] == persons[j] {
			truePairs++
		}
	})
	st := ix.Stats(func(i int) string { return persons[i] })
	if diff := cmp.Diff([2]int64{pairs, truePairs}, [2]int64{st.Union.Pairs, st.Union.TruePairs}); diff != "" {
		t.Errorf("union pairs, true pairs mismatch (-ForEachPair +Stats):\n%s", diff)
	}
	// 100 records of five persons, 20 each: 5·C(20,2) = 950 true pairs.
	if st.TruePairs != 950 {
		t.Errorf("TruePairs = %d, want 950", st.TruePairs)
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	sorted := []int{2, 2, 3, 4, 5, 6, 7, 8, 9, 100}
	got := []int{percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99), percentile(nil, 50), percentile([]int{7}, 99)}
	if diff := cmp.Diff([]int{5, 9, 100, 0, 7}, got); diff != "" {
		t.Errorf("percentile mismatch (-want +got):\n%s", diff)
	}
}

func TestSortEntries(t *testing.T) {
	t.Parallel()
	var in []entry
	h := uint64(1)
	for i := range 5000 {
		h = h*6364136223846793005 + 1442695040888963407
		in = append(in, entry{h >> (uint(i%4) * 16) % 97 << (uint(i%3) * 20), int32(i)})
	}
	want := slices.Clone(in)
	slices.SortFunc(want, func(a, b entry) int {
		if c := stdcmp.Compare(a.h, b.h); c != 0 {
			return c
		}
		return stdcmp.Compare(a.idx, b.idx)
	})
	got := slices.Clone(in)
	sortEntries(got, nil)
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(entry{})); diff != "" {
		t.Errorf("sortEntries mismatch (-want +got):\n%s", diff)
	}
}
