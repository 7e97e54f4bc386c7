package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/vnhealth/mpi/internal/pgtest"
	"github.com/vnhealth/mpi/store"
)

// TestGenericPlans: the store's sessions reuse generic plans for their
// prepared statements, unless the URL chooses otherwise.
func TestGenericPlans(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	for _, tc := range []struct{ url, want string }{
		{url, "force_generic_plan"},
		{url + sep + "plan_cache_mode=auto", "auto"},
	} {
		s, err := Open(t.Context(), tc.url, Options{})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		var got string
		err = s.View(t.Context(), func(stx store.Tx) error {
			return stx.(*tx).pg.QueryRow(context.Background(), `SHOW plan_cache_mode`).Scan(&got)
		})
		s.Close()
		if err != nil {
			t.Fatalf("SHOW plan_cache_mode: %v", err)
		}
		if got != tc.want {
			t.Errorf("plan_cache_mode %q, want %q", got, tc.want)
		}
	}
}
