package synth

import (
	"testing"
	"time"
)

func TestDayRoundTrip(t *testing.T) {
	t.Parallel()
	for d := day(0); d < 60000; d += 7 {
		want := epoch.AddDate(0, 0, int(d))
		y, m, dd := d.ymd()
		if y != want.Year() || time.Month(m) != want.Month() || dd != want.Day() {
			t.Fatalf("day %d: got %d-%d-%d, want %s", d, y, m, dd, want.Format(time.DateOnly))
		}
		if got := dayOf(y, m, dd); got != d {
			t.Fatalf("dayOf(%d-%d-%d) = %d, want %d", y, m, dd, got, d)
		}
	}
}
