package place

import "testing"

func BenchmarkProvince(b *testing.B) {
	for _, bm := range []struct{ name, in string }{
		{"code", "79"},
		{"cccd-prefix", "079"},
		{"name", "Tỉnh Bà Rịa - Vũng Tàu"},
		{"name-ascii", "Thanh pho Ho Chi Minh"},
		{"abbrev", "TP.HCM"},
		{"unknown", "Atlantis"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			if _, err := tables(); err != nil { // parse outside the measurement
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Province(bm.in)
			}
		})
	}
}

func BenchmarkWard(b *testing.B) {
	for _, bm := range []struct{ name, prov, in string }{
		{"new-code", "79", "26740"},
		{"old-code", "", "26734"},
		{"new-name", "79", "Phường Sài Gòn"},
		{"old-name", "Hồ Chí Minh", "P. Bến Nghé"},
		{"accent-tie", "19", "Xã Văn Lăng"},
		{"ambiguous", "", "Tân Phú"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			if _, err := tables(); err != nil { // parse outside the measurement
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				_, _, _ = Ward(bm.prov, bm.in)
			}
		})
	}
}
