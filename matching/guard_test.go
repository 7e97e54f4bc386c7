package matching_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vnhealth/mpi/matching"
)

// TestGuardRails checks each patient-safety rule on pairs whose weights
// alone would auto-link them: the rule must fire, be named, and hold the
// decision at review.
func TestGuardRails(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	tests := []struct {
		name string
		a, b []string
		want []string
	}{
		{
			"two valid different CCCDs",
			[]string{"full_name", "Nguyễn Văn Hùng", "birth_date", "12/03/1985", "citizen_id", "001085012345", "phone", "0912345678", "province", "01", "address", "12 Hàng Bạc", "gender", "M"},
			[]string{"full_name", "Nguyễn Văn Hùng", "birth_date", "12/03/1985", "citizen_id", "001085099999", "phone", "0912345678", "province", "01", "address", "12 Hàng Bạc", "gender", "M"},
			[]string{"different_citizen_id"},
		},
		{
			"newborn placeholder and its mother",
			[]string{"full_name", "CON BÀ Nguyễn Thị Lan", "birth_date", "2025-03-01", "phone", "0912345678", "province", "01", "address", "12 Hàng Bạc"},
			[]string{"full_name", "Nguyễn Thị Lan", "birth_date", "2025-03-01", "phone", "0912345678", "province", "01", "address", "12 Hàng Bạc"},
			[]string{"newborn_placeholder"},
		},
		{
			"two placeholders of one mother and birth date (one baby, or twins)",
			[]string{"full_name", "CON BÀ Nguyễn Thị Lan", "birth_date", "2025-03-01", "phone", "0912345678", "province", "01", "address", "12 Hàng Bạc"},
			[]string{"full_name", "CB Nguyen Thi Lan", "birth_date", "2025-03-01", "phone", "0912345678", "province", "01", "address", "12 Hàng Bạc"},
			[]string{"newborn_placeholder"},
		},
		{
			"twins with a day/month swap and a family-name typo",
			[]string{"full_name", "Nguyễn Phương Ngọc", "birth_date", "2016-03-05", "phone", "0942425737", "province", "30", "address", "Thôn Đông, Xã Minh Hòa", "gender", "F"},
			[]string{"full_name", "Nguyn Phương Ngân", "birth_date", "05/03/2016", "phone", "0942425737", "province", "30", "address", "Thôn Đông, Xã Minh Hòa", "gender", "F"},
			[]string{"twins"},
		},
		{
			"twins named Vy and Vi",
			[]string{"full_name", "Rơ Châm Quốc Vy", "birth_date", "2024-12-03", "phone", "0965628809", "ward", "23317"},
			[]string{"family_name", "RO CHAM", "middle_name", "QUOC", "given_name", "VI", "birth_date", "03/12/2024", "phone", "+84965628809", "ward", "23317"},
			[]string{"twins"},
		},
		{
			"grandfather and grandson with one name under one roof",
			[]string{"full_name", "Mai Văn Bình", "birth_date", "1947-02-16", "phone", "0395973110", "province", "24", "ward", "07291", "gender", "M"},
			[]string{"full_name", "Mai Văn Bình", "birth_date", "202011010000", "phone", "01695973110", "province", "24", "ward", "07291", "gender", "1"},
			[]string{"different_generation"},
		},
		{
			"sisters with one given name",
			[]string{"full_name", "Trần Kim Anh", "birth_date", "14/07/2020", "phone", "01645562656", "province", "01", "address", "Số 134 đường Phan Đình Phùng", "gender", "F"},
			[]string{"full_name", "Trần Thùy Anh", "birth_date", "17/08/2020", "phone", "0345562656", "province", "01", "address", "Số 134 đường Phan Đình Phùng, Xã Phù Đổng", "gender", "F"},
			[]string{"siblings"},
		},
		{
			"twins, one name written given-first",
			[]string{"full_name", "Thơ Phạm Ngọc", "birth_date", "13/04/2002", "phone", "0791514513", "ward", "28891"},
			[]string{"full_name", "Phạm Ngọc Thảo", "birth_date", "200204130000", "phone", "0791514513", "ward", "28891"},
			[]string{"twins"},
		},
		{
			"twins",
			[]string{"full_name", "Lê Văn Long", "birth_date", "2010-09-09", "phone", "0987654321", "province", "79", "address", "45 Lê Lợi", "gender", "M"},
			[]string{"full_name", "Lê Văn Lân", "birth_date", "2010-09-09", "phone", "0987654321", "province", "79", "address", "45 Lê Lợi", "gender", "M"},
			[]string{"twins"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, b := norm(tt.a...), norm(tt.b...)
			for _, pair := range [][2]*matching.Record{{&a, &b}, {&b, &a}} {
				s := model.Score(pair[0], pair[1])
				if diff := cmp.Diff(tt.want, s.Guards.Names()); diff != "" {
					t.Errorf("guard rails mismatch (-want +got):\n%s", diff)
				}
				if s.Decision == matching.Match {
					t.Errorf("decision = match despite %v (p=%.6f)", tt.want, s.Probability())
				}
			}
		})
	}
}

func TestGuardRailsDoNotFire(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	tests := []struct {
		name string
		a, b []string
	}{
		{"same CCCD, one repaired", []string{"full_name", "Nguyễn Văn Hùng", "citizen_id", "001085012345"}, []string{"full_name", "Nguyen Van Hung", "citizen_id", "1085012345"}},
		{"CCCD and old CMND", []string{"full_name", "Nguyễn Văn Hùng", "citizen_id", "001085012345"}, []string{"full_name", "Nguyen Van Hung", "citizen_id", "012345678"}},
		{"opaque IDs that differ are left to the weights", []string{"full_name", "Mitchell Green", "citizen_id", "1804974"}, []string{"full_name", "Mitchell Green", "citizen_id", "1804947"}},
		{"same person, same given name, same household", []string{"full_name", "Lê Văn Long", "birth_date", "2010-09-09", "phone", "0987654321"}, []string{"full_name", "Le Long", "birth_date", "2010-09-09", "phone", "0987654321"}},
		{"given name typo, one household, same BHXH number", []string{"full_name", "Lê Văn Long", "birth_date", "2010-09-09", "phone", "0987654321", "insurance_no", "HS4797912345678"}, []string{"full_name", "Lê Văn Lonh", "birth_date", "2010-09-09", "phone", "0987654321", "insurance_no", "7912345678"}},
		{"a given name mistyped into a non-word", []string{"full_name", "Lâm Minh Phi", "birth_date", "1956-11-13", "phone", "0985137420", "ward", "00628"}, []string{"full_name", "Lâm Minh Pih", "birth_date", "13/11/1956", "phone", "0985137420", "ward", "00628"}},
		{"a doubled letter", []string{"full_name", "Nguyễn Xuân Bình", "birth_date", "2004-10-20", "phone", "0931856833"}, []string{"full_name", "Nguyễn Xuân Bìnnh", "birth_date", "20/10/2004", "phone", "0931856833"}},
		{"the same words in another order", []string{"full_name", "Sơn Nguyễn Hoàng", "birth_date", "27/04/2005", "phone", "0760585069"}, []string{"full_name", "Nguyễn Hoàng Sơn", "birth_date", "2005-04-27", "phone", "0760585069"}},
		{"given name differs but same CCCD", []string{"full_name", "Lê Văn Long", "birth_date", "2010-09-09", "phone", "0987654321", "citizen_id", "079210001234"}, []string{"full_name", "Lê Văn Lonh", "birth_date", "2010-09-09", "phone", "0987654321", "citizen_id", "079210001234"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, b := norm(tt.a...), norm(tt.b...)
			if g := model.Score(&a, &b).Guards; g != 0 {
				t.Errorf("guard rails %v fired", g.Names())
			}
		})
	}
}

func TestTypo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"phi", "pih", true},
		{"binh", "binnh", true},
		{"vuong", "vunog", true},
		{"hoa", "hao", false},        // two real names: maybe twins
		{"long", "lan", false},       // two real names
		{"tara", "tra", true},        // tra is a syllable, tara is not: one letter dropped
		{"mary", "mara", false},      // neither is a syllable; a changed letter: twins' names
		{"hayden", "hayedn", true},   // neither is a syllable; neighbours swapped
		{"michael", "michal", true},  // neither is a syllable; a letter dropped
		{"rebecca", "rebecac", true}, // neighbours swapped at the end
		{"aiden", "aidan", false},    // a changed letter
		{"hayden", "haydne", true},   // the last two swapped
		{"hayden", "yahden", false},  // two letters swapped, not neighbours
		{"an", "xyzq", false},
	}
	for _, tt := range tests {
		if got := matching.Typo(tt.a, tt.b); got != tt.want {
			t.Errorf("typo(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
