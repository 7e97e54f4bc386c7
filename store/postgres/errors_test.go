package postgres

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestRetryable: serialization failures, deadlocks and full lock tables
// are worth another try, raw or translated; other server errors are not.
func TestRetryable(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]bool{
		"40001": true, "40P01": true, "53200": true,
		"23505": false, "22001": false, "53100": false, "57014": false,
	} {
		pe := &pgconn.PgError{Code: code, Message: "m"}
		if got := retryable(fmt.Errorf("wrapped: %w", pe)); got != want {
			t.Errorf("retryable(%s) = %v, want %v", code, got, want)
		}
		if got := retryable(translate("op", pe)); got != want {
			t.Errorf("retryable(translate(%s)) = %v, want %v", code, got, want)
		}
	}
	if retryable(errors.New("connection reset")) {
		t.Error("a network error is retryable")
	}
}
