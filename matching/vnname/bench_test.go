package vnname

import "testing"

const (
	benchASCII     = "Nguyen Thi Minh Khai"
	benchDiacritic = "Nguyễn Thị Minh Khai"
)

func BenchmarkFold(b *testing.B) {
	for _, bc := range []struct{ name, in string }{{"ascii", benchASCII}, {"diacritic", benchDiacritic}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Fold(bc.in)
			}
		})
	}
}

func BenchmarkAppendFold(b *testing.B) {
	for _, bc := range []struct{ name, in string }{{"ascii", benchASCII}, {"diacritic", benchDiacritic}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 64)
			for b.Loop() {
				buf = AppendFold(buf[:0], bc.in)
			}
		})
	}
}

func BenchmarkRepair(b *testing.B) {
	for _, bc := range []struct{ name, in string }{{"plain", benchDiacritic}, {"tcvn3", "NguyÔn ThÞ Minh Khai"}, {"telex", "Nguyeenx Thij Minh Khai"}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Repair(bc.in)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct{ name, in string }{{"ascii", benchASCII}, {"diacritic", benchDiacritic}, {"reordered", "Khai Minh Thi Nguyen"}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Parse(bc.in)
			}
		})
	}
}
