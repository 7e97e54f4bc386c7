package place

import "testing"

// TestTablesOnce checks that the embedded data is parsed once: every call sees the same table, and lookups after the
// first allocate nothing.
func TestTablesOnce(t *testing.T) { // not parallel: AllocsPerRun forbids it
	a, err := tables()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := tables(); a != b {
		t.Error("tables() returned a different table on the second call")
	}
	for _, tt := range []struct {
		name string
		f    func()
	}{
		{"Province code", func() { _, _ = Province("079") }},
		{"Province name", func() { _, _ = Province("Tỉnh Bà Rịa - Vũng Tàu") }},
		{"Province unknown", func() { _, _ = Province("Atlantis") }},
		{"Ward code", func() { _, _, _ = Ward("79", "26734") }},
		{"Ward name", func() { _, _, _ = Ward("79", "P. Bến Nghé") }},
		{"ProvinceName", func() { _ = ProvinceName("79") }},
		{"WardProvince", func() { _ = WardProvince("26740") }},
	} {
		if n := testing.AllocsPerRun(20, tt.f); n != 0 {
			t.Errorf("%s: %v allocations per call, want 0", tt.name, n)
		}
	}
}
