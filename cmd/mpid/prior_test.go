package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vnhealth/mpi/matching"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
)

// TestPriorFollowsTheStore: mpid scales the model's prior to the records
// stored, at start and as hubs add records — so that a service started on
// a small store does not keep the prior of a small population (links on
// weaker evidence) as the store grows — and never above the model's own.
// The model here says it was estimated on 4 records, so that a few
// records make a population to scale to.
func TestPriorFollowsTheStore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	model := *matching.DefaultModel()
	training := *model.Training
	training.Records = 4
	model.Training = &training
	path := filepath.Join(dir, "model.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := model.WriteJSON(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	d := startMpid(t, dir, "--model", path, "--rescale-interval", "20ms")
	ctx := bearer(t.Context(), d.adminToken)
	admin := mpiv1.NewAdminServiceClient(d.conn())
	hub := mpiv1.NewHubServiceClient(d.conn())
	prior := func() float64 {
		t.Helper()
		info, err := admin.GetModelInfo(ctx, &mpiv1.GetModelInfoRequest{})
		if err != nil {
			t.Fatalf("GetModelInfo: %v", err)
		}
		return info.GetPrior()
	}
	if got := prior(); got != model.Prior {
		t.Fatalf("prior on an empty store: %g, want the model's own %g", got, model.Prior)
	}
	resolve := func(from, to int) {
		t.Helper()
		for i := from; i < to; i++ {
			if _, err := hub.Resolve(ctx, &mpiv1.ResolveRequest{Record: &mpiv1.SourceRecord{Source: "BV79001", LocalId: fmt.Sprint(i),
				FullName: "Trần Thị Mai", BirthDate: fmt.Sprintf("19%02d-01-%02d", 40+i, 1+i%28), Province: "79", Gender: "Nữ"}}); err != nil {
				t.Fatalf("Resolve: %v", err)
			}
		}
	}
	waitFor := func(n int) {
		t.Helper()
		want := model.Prior * 3 / float64(n-1) // matching.Model.ForPopulation
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			got := prior()
			if math.Abs(got-want) <= 1e-12*want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("prior with %d records stored: %g, want %g", n, got, want)
			}
		}
	}
	resolve(0, 3)
	time.Sleep(100 * time.Millisecond) // a few rescale ticks: 3 records are fewer than the model's 4
	if got := prior(); got != model.Prior {
		t.Errorf("prior with 3 records stored: %g, want the model's own %g (never raised)", got, model.Prior)
	}
	resolve(3, 10)
	waitFor(10)
	resolve(10, 40)
	waitFor(40)
}
