package api

import (
	"fmt"
	"sync"
	"testing"

	"github.com/vnhealth/mpi/matching"
)

// TestSetModel: a swapped model serves the operations that start after
// the swap; one under way keeps the model it started with, for every
// pair it scores. Resolves running while the model is swapped over and
// over race with nothing (go test -race) and all complete.
func TestSetModel(t *testing.T) {
	t.Parallel()
	s := newService(t, openBolt, Options{})
	base := s.Model()
	small := base.ForPopulation(5_000_000)
	if small.Prior >= base.Prior {
		t.Fatalf("the default model has no training count to scale: prior %g → %g", base.Prior, small.Prior)
	}

	in, err := s.prepare(anBV, "")
	if err != nil {
		t.Fatal(err)
	}
	s.SetModel(small)
	if s.Model() != small {
		t.Fatal("Model() is not the model just set")
	}
	if in.model != base {
		t.Error("an operation prepared before SetModel changed model")
	}
	if in2, _ := s.prepare(anTYT, ""); in2.model != small {
		t.Error("an operation prepared after SetModel did not take the new model")
	}
	s.SetModel(nil)
	if s.Model().Prior != matching.DefaultModel().Prior {
		t.Error("SetModel(nil) did not stand for the default model")
	}

	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if i%2 == 0 {
				s.SetModel(small)
			} else {
				s.SetModel(base)
			}
		}
	})
	var rw sync.WaitGroup
	for w := range 4 {
		rw.Go(func() {
			for i := range 20 {
				r := withKey(anTYT, "TYT79002", fmt.Sprintf("%d-%d", w, i))
				if _, err := s.Resolve(t.Context(), hub, r); err != nil {
					t.Errorf("Resolve while the model is swapped: %v", err)
				}
			}
		})
	}
	rw.Wait()
	close(stop)
	wg.Wait()
	mustVerify(t, s)
}
