// Package ticker runs a function at a fixed interval until its context
// ends: the loop mpid's watchers, the PostgreSQL store's audit sealer and
// mpictl bench's /metrics monitor share.
package ticker

import (
	"context"
	"time"
)

// Every calls fn every interval (the first call one interval from now)
// until ctx ends; it returns then. fn runs on the caller's goroutine, one
// call at a time.
func Every(ctx context.Context, interval time.Duration, fn func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}
