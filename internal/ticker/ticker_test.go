package ticker

import (
	"context"
	"testing"
	"time"
)

// TestEvery: fn runs repeatedly, and Every returns once ctx ends, with no
// call after that.
func TestEvery(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	calls := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		Every(ctx, time.Millisecond, func() {
			if calls++; calls == 3 {
				cancel()
			}
		})
	}()
	<-done
	if calls != 3 {
		t.Errorf("%d calls, want 3: Every went on after its context ended", calls)
	}
}
