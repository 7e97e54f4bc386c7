package blocking

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vnhealth/mpi/matching"
)

// splitSet is five records with one year_province key (1990, 79, male,
// given initial "a"): three of family initial "n" (two born in May, one in
// June) and two of "t".
func splitSet() []matching.Record {
	raws := []matching.Raw{
		{FullName: "Nguyễn Văn An", Gender: "M", BirthDate: "1990-05-07", Province: "79"},
		{FullName: "Nguyễn Văn Anh", Gender: "M", BirthDate: "1990-05-08", Province: "79"},
		{FullName: "Nguyễn Văn An", Gender: "M", BirthDate: "1990-06-01", Province: "79"},
		{FullName: "Trần Văn Anh", Gender: "M", BirthDate: "1990-05-09", Province: "79"},
		{FullName: "Trần Văn An", Gender: "M", BirthDate: "1990-05-10", Province: "79"},
	}
	recs := make([]matching.Record, len(raws))
	for i := range raws {
		recs[i] = matching.Normalize(&raws[i])
	}
	return recs
}

func sortedPairs(p [][2]int32) [][2]int32 {
	slices.SortFunc(p, func(a, b [2]int32) int {
		if a[0] != b[0] {
			return int(a[0] - b[0])
		}
		return int(a[1] - b[1])
	})
	return p
}

func TestSplit(t *testing.T) {
	t.Parallel()
	all := [][2]int32{{0, 1}, {0, 2}, {0, 3}, {0, 4}, {1, 2}, {1, 3}, {1, 4}, {2, 3}, {2, 4}, {3, 4}}
	tests := []struct {
		name      string
		opt       Options
		wantRule  [][2]int32 // year_province's own pairs
		wantSizes []int      // year_province's block sizes
		wantSplit int
		wantUnion [][2]int32 // every candidate pair
	}{
		{
			name:      "block within the split size",
			wantRule:  all,
			wantSizes: []int{5},
			wantUnion: all,
		},
		{
			name:      "splitting off",
			opt:       Options{SplitBlock: -1},
			wantRule:  all,
			wantSizes: []int{5},
			wantUnion: all,
		},
		{
			// 5 > 2: split by family initial into {0,1,2} and {3,4}; 3 > 2:
			// {0,1,2} by birth month into {0,1} and {2}. Pair 02 is still
			// found by given_year (an:1990:n), 13 and 24 are not: no
			// other rule puts them together.
			name:      "split in two stages",
			opt:       Options{SplitBlock: 2},
			wantRule:  [][2]int32{{0, 1}, {3, 4}},
			wantSizes: []int{2, 2},
			wantSplit: 1,
			wantUnion: [][2]int32{{0, 1}, {0, 2}, {3, 4}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ix := NewIndex(splitSet(), tt.opt)
			if diff := cmp.Diff(tt.wantRule, sortedPairs(ix.RulePairs(RuleYearProvince))); diff != "" {
				t.Errorf("year_province pairs mismatch (-want +got):\n%s", diff)
			}
			sizes := ix.BlockSizes(RuleYearProvince)
			slices.Sort(sizes)
			if diff := cmp.Diff(tt.wantSizes, sizes); diff != "" {
				t.Errorf("block sizes mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantUnion, sortedPairs(ix.Pairs())); diff != "" {
				t.Errorf("pairs mismatch (-want +got):\n%s", diff)
			}
			st := ix.Stats(nil)
			if got := st.Rules[RuleYearProvince].Split; got != tt.wantSplit {
				t.Errorf("Split = %d, want %d", got, tt.wantSplit)
			}
			if st.Union.Pairs != int64(len(tt.wantUnion)) {
				t.Errorf("union pairs = %d, want %d", st.Union.Pairs, len(tt.wantUnion))
			}
		})
	}
}

func TestExtendHash(t *testing.T) {
	t.Parallel()
	h := hashKey("yp:1990:79:m:a")
	if extendHash(h, "") == h || extendHash(h, "n") == extendHash(h, "t") || extendHash(h, "n") != extendHash(hashKey("yp:1990:79:m:a"), "n") {
		t.Error("extendHash does not tell parts apart deterministically")
	}
}
