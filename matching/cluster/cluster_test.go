package cluster_test

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/cluster"
)

func recs(raws ...matching.Raw) []matching.Record {
	out := make([]matching.Record, len(raws))
	for i := range raws {
		out[i] = matching.Normalize(&raws[i])
	}
	return out
}

// matchEdges scores every pair and returns those the model would link.
func matchEdges(model *matching.Model, rs []matching.Record) []cluster.Edge {
	var es []cluster.Edge
	for i := range rs {
		for j := i + 1; j < len(rs); j++ {
			if s := model.Score(&rs[i], &rs[j]); s.Decision == matching.Match {
				es = append(es, cluster.Edge{A: int32(i), B: int32(j), Weight: s.Weight})
			}
		}
	}
	return es
}

func TestBuildRefusesChains(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	home := matching.Raw{Phone: "0912345678", Province: "01", Ward: "00004", Address: "12 Hàng Bạc", Gender: "M"}
	father, gap, son := home, home, home
	father.FullName, father.BirthDate = "Đỗ Văn Minh", "1960-04-05"
	gap.FullName = "Đỗ Văn Minh"
	son.FullName, son.BirthDate = "Đỗ Văn Minh", "1988-10-20"
	rs := recs(father, gap, son)
	es := matchEdges(model, rs)
	if len(es) < 2 {
		t.Fatalf("want the gap record to match both sides, got edges %+v", es)
	}
	res := cluster.Build(model, rs, es, cluster.Options{})
	if res.Cluster[0] == res.Cluster[2] {
		t.Errorf("father and son merged through a record without a birth date: %v", res.Cluster)
	}
	if len(res.Held) != 1 || res.Held[0].Reason != cluster.ReasonGuardRail || res.Held[0].Guards&matching.GuardGenerations == 0 {
		t.Errorf("held = %+v, want one edge held by the different_generation guard rail", res.Held)
	}
}

func TestBuildRefusesTwoInsuranceNumbers(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	a := matching.Raw{FullName: "Lê Quốc Khánh", BirthDate: "1949-09-16", InsuranceNo: "GD4010117853825", Gender: "M"}
	b := matching.Raw{FullName: "Lê Quốc Khánh", BirthDate: "16/09/1949", Gender: "M"}
	c := matching.Raw{FullName: "Lê Quốc Khánh", BirthDate: "194909160000", InsuranceNo: "CN3010175799959", Gender: "1"}
	rs := recs(a, b, c)
	es := []cluster.Edge{{A: 0, B: 1, Weight: 30}, {A: 1, B: 2, Weight: 29}}
	res := cluster.Build(model, rs, es, cluster.Options{})
	if res.Cluster[0] == res.Cluster[2] {
		t.Errorf("two BHXH numbers in one cluster: %v", res.Cluster)
	}
	if len(res.Held) != 1 || res.Held[0].Reason != cluster.ReasonIdentifier {
		t.Errorf("held = %+v, want one edge held for the identifier", res.Held)
	}
}

func TestBuildMergesOnePerson(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	rs := recs(
		matching.Raw{FullName: "Nguyễn Thị Thu Hương", BirthDate: "07/05/1990", CitizenID: "001190012345", Phone: "0912345678"},
		matching.Raw{FullName: "NGUYEN THI THU HUONG", BirthDate: "1990-05-07", Phone: "+84 912 345 678"},
		matching.Raw{FullName: "Nguyễn Hương", BirthDate: "199005070000", CitizenID: "1190012345", Gender: "2"},
		matching.Raw{FullName: "Trần Văn Nam", BirthDate: "1990-05-07"},
	)
	res := cluster.Build(model, rs, matchEdges(model, rs), cluster.Options{})
	if diff := cmp.Diff([]int32{0, 0, 0, 1}, res.Cluster); diff != "" {
		t.Errorf("clusters mismatch (-want +got):\n%s", diff)
	}
	if res.Clusters != 2 || len(res.Held) != 0 {
		t.Errorf("clusters %d, held %+v; want 2 clusters, nothing held", res.Clusters, res.Held)
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	rs := recs(
		matching.Raw{FullName: "A B", BirthDate: "2000"},
		matching.Raw{FullName: "A B", BirthDate: "2000"},
		matching.Raw{FullName: "A B", BirthDate: "2000"},
	)
	es := []cluster.Edge{{A: 1, B: 2, Weight: 5}, {A: 0, B: 1, Weight: 5}, {A: 0, B: 2, Weight: 5}}
	first := cluster.Build(model, rs, es, cluster.Options{})
	es[0], es[2] = es[2], es[0]
	second := cluster.Build(model, rs, es, cluster.Options{})
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("edge order changed the result (-first +second):\n%s", diff)
	}
}

func TestBuildCapsSize(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	r := matching.Raw{FullName: "Phạm Văn Bình", BirthDate: "1980-01-02", Phone: "0912345678"}
	rs := recs(r, r, r, r)
	res := cluster.Build(model, rs, matchEdges(model, rs), cluster.Options{MaxSize: 2})
	sizes := map[int32]int{}
	for _, c := range res.Cluster {
		sizes[c]++
	}
	for c, n := range sizes {
		if n > 2 {
			t.Errorf("cluster %d holds %d records, cap 2", c, n)
		}
	}
	if len(res.Held) == 0 || res.Held[0].Reason != cluster.ReasonSize {
		t.Errorf("held = %+v, want size holds", res.Held)
	}
}

func TestCompatible(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	rs := recs(
		matching.Raw{FullName: "Nguyễn Văn Hùng", CitizenID: "001085012345"},
		matching.Raw{FullName: "Nguyễn Văn Hùng", CitizenID: "001085099999"},
		matching.Raw{FullName: "Nguyễn Văn Hùng"},
	)
	if r, g := cluster.Compatible(model, []*matching.Record{&rs[0]}, []*matching.Record{&rs[1]}, cluster.Options{}); r != cluster.ReasonGuardRail || g&matching.GuardDifferentCitizenID == 0 {
		t.Errorf("two CCCDs: reason %v guards %v, want the different_citizen_id guard rail", r, g)
	}
	if r, _ := cluster.Compatible(model, []*matching.Record{&rs[0]}, []*matching.Record{&rs[2]}, cluster.Options{}); r != cluster.ReasonNone {
		t.Errorf("one CCCD and none: reason %v, want compatible", r)
	}
}

// TestCompatibleScored: with the pairs scored beforehand, the verdict is
// Compatible's, group by group.
func TestCompatibleScored(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	rs := recs(
		matching.Raw{FullName: "Nguyễn Văn Hùng", BirthDate: "1985-03-02", CitizenID: "001085012345", InsuranceNo: "DN4010123456"},
		matching.Raw{FullName: "Nguyễn Văn Hùng", BirthDate: "1985-03-02", CitizenID: "001085099999"},
		matching.Raw{FullName: "Nguyễn Văn Hùng", BirthDate: "1985-03-02"},
		matching.Raw{FullName: "Nguyễn Văn Hùng", BirthDate: "1985-03-02", InsuranceNo: "DN4010999999"},
		matching.Raw{FullName: "Trần Thị Mai", BirthDate: "1990-11-20", Gender: "nữ"},
	)
	x := &rs[0]
	for _, group := range [][]int{{1}, {2}, {3}, {4}, {2, 4}, {2, 3}, {}} {
		var b []*matching.Record
		var scores []matching.Score
		for _, i := range group {
			b = append(b, &rs[i])
			scores = append(scores, model.Score(x, &rs[i]))
		}
		for _, opt := range []cluster.Options{{}, {MaxSize: 2}} {
			wr, wg := cluster.Compatible(model, []*matching.Record{x}, b, opt)
			gr, gg := cluster.CompatibleScored(model, x, scores, opt)
			if gr != wr || gg != wg {
				t.Errorf("group %v, options %+v: CompatibleScored = %v %v, Compatible = %v %v", group, opt, gr, gg, wr, wg)
			}
		}
	}
}

func TestBuildLeavesOpaqueIDsToTheWeights(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	// FEBRL-style: soc_sec_id is an opaque number that the data corrupts.
	a := matching.Raw{FamilyName: "nevin", GivenName: "maya", BirthDate: "19220204", CitizenID: "9920408", Address: "351 rapanea street chelsea house evanston 2033"}
	b := matching.Raw{FamilyName: "nevin", GivenName: "maya", BirthDate: "19220204", CitizenID: "5095261", Address: "351 rapanea street chelseahouse evanston 2033"}
	c := a
	c.CitizenID = ""
	rs := recs(a, c, b)
	es := []cluster.Edge{{A: 0, B: 1, Weight: 30}, {A: 1, B: 2, Weight: 29}}
	res := cluster.Build(model, rs, es, cluster.Options{})
	if res.Cluster[0] != res.Cluster[2] || len(res.Held) != 0 {
		t.Errorf("clusters %v, held %+v: two opaque IDs should not veto", res.Cluster, res.Held)
	}
}

func TestBuildPlaceholder(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	home := matching.Raw{BirthDate: "2025-03-01", Phone: "0912345678", Province: "01", Ward: "00004", Address: "12 Hàng Bạc", Gender: "M"}
	placeholder, placeholder2, named, twin := home, home, home, home
	placeholder.FullName = "CON BÀ Nguyễn Thị Lan"
	placeholder2.FullName = "CB Nguyen Thi Lan"
	named.FullName = "Trần Minh Khôi"
	twin.FullName = "Trần Minh Khang"
	tests := []struct {
		name     string
		rs       []matching.Record
		together [][2]int // pairs that must share a cluster
		apart    [][2]int // pairs that must not
	}{
		{"the baby named later", recs(placeholder, named), [][2]int{{0, 1}}, nil},
		// The placeholder matches both twins, who cannot be one person:
		// which baby it stands for is a steward's call.
		{"a placeholder and two named twins", recs(placeholder, named, twin), nil, [][2]int{{0, 1}, {0, 2}, {1, 2}}},
		// Two placeholders of twins and one named record: the named record
		// matches both, and the placeholders cannot be one.
		{"two placeholders and one named record", recs(placeholder, placeholder2, named), nil, [][2]int{{0, 1}, {0, 2}, {1, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			es := matchEdges(model, tt.rs)
			res := cluster.Build(model, tt.rs, es, cluster.Options{})
			for _, p := range tt.together {
				if res.Cluster[p[0]] != res.Cluster[p[1]] {
					t.Errorf("records %d and %d apart: %v (edges %+v)", p[0], p[1], res.Cluster, es)
				}
			}
			for _, p := range tt.apart {
				if res.Cluster[p[0]] == res.Cluster[p[1]] {
					t.Errorf("records %d and %d together: %v (edges %+v)", p[0], p[1], res.Cluster, es)
				}
			}
		})
	}
}

// TestPosterior: one group's probability is its pair's match probability;
// two groups matched alike share it; a group 10 bits stronger takes
// 1023/1024 of it; weights far beyond float range stay finite.
func TestPosterior(t *testing.T) {
	for _, c := range []struct {
		name    string
		weights []float64
		want    float64
	}{
		{"none", nil, 0},
		{"one", []float64{3}, 8.0 / 9},
		{"two alike", []float64{20, 20}, 1 / (2 + math.Exp2(-20))},
		{"ten bits apart", []float64{30, 20}, 1 / (1 + math.Exp2(-10) + math.Exp2(-30))},
		{"three", []float64{5, 5, 5}, 1 / (3 + math.Exp2(-5))},
		{"huge", []float64{5000, 4990}, 1 / (1 + math.Exp2(-10))},
		{"very negative", []float64{-5000}, 0},
	} {
		got := cluster.Posterior(c.weights)
		if math.IsNaN(got) || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: Posterior(%v) = %g, want %g", c.name, c.weights, got, c.want)
		}
	}
}
