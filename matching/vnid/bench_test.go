package vnid

import "testing"

// The benchmarks parse values in the forms most common in Vietnamese source systems; the
// "clean" cases are already in comparison form and should not allocate.

func BenchmarkParseCitizenID(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"clean", "001099012345"},
		{"spaced", "001 099 012 345"},
		{"repaired", "1099012345"},
		{"CMND", "025123456"},
		{"junk", "KHONG RO"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = ParseCitizenID(bc.in)
			}
		})
	}
}

func BenchmarkParseInsurance(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"card", "DN4797912345678"},
		{"card lower spaced", "dn 4 79 7912345678"},
		{"bare", "7912345678"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _, _ = ParseInsurance(bc.in)
			}
		})
	}
}

func BenchmarkParsePhone(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"clean", "0912345678"},
		{"+84 spaced", "+84 912 345 678"},
		{"missing 0", "912345678"},
		{"converted", "0168 123 4567"},
		{"landline", "(024) 3825 1234"},
		{"junk", "0000000000"},
		{"foreign", "+33 6 12 34 56 78"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = ParsePhone(bc.in)
			}
		})
	}
}
