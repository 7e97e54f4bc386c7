package matching_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/synth"
)

// norm normalizes a raw record built from key=value pairs.
func norm(kv ...string) matching.Record {
	var r matching.Raw
	for i := 0; i+1 < len(kv); i += 2 {
		v := kv[i+1]
		switch kv[i] {
		case "source":
			r.Source = v
		case "local_id":
			r.LocalID = v
		case "full_name":
			r.FullName = v
		case "family_name":
			r.FamilyName = v
		case "middle_name":
			r.MiddleName = v
		case "given_name":
			r.GivenName = v
		case "gender":
			r.Gender = v
		case "birth_date":
			r.BirthDate = v
		case "citizen_id":
			r.CitizenID = v
		case "insurance_no":
			r.InsuranceNo = v
		case "phone":
			r.Phone = v
		case "province":
			r.Province = v
		case "ward":
			r.Ward = v
		case "address":
			r.Address = v
		default:
			panic(fmt.Sprintf("norm: unknown key %q", kv[i]))
		}
	}
	return matching.Normalize(&r)
}

func TestCompareLevels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		a, b  []string
		field matching.Field
		want  string
	}{
		{"name exact across diacritics and case", []string{"full_name", "NGUYỄN VĂN AN"}, []string{"full_name", "Nguyen Van An"}, matching.FieldName, "exact"},
		{"name NFD equals NFC", []string{"full_name", "Nguy\u1ec5n Th\u1ecb Lan"}, []string{"full_name", "Nguye\u0302\u0303n Thi\u0323 Lan"}, matching.FieldName, "exact"},
		{"middle name dropped", []string{"full_name", "Nguyễn Thị Hoa"}, []string{"full_name", "Nguyễn Hoa"}, matching.FieldName, "family_given"},
		{"Huỳnh is Hoàng", []string{"full_name", "Huỳnh Văn Tâm"}, []string{"full_name", "Hoàng Văn Tâm"}, matching.FieldName, "exact"},
		{"Võ is Vũ", []string{"full_name", "Võ Thị Mai"}, []string{"full_name", "Vũ Thị Mai"}, matching.FieldName, "exact"},
		{"family and given in swapped fields", []string{"family_name", "anika", "given_name", "spicer"}, []string{"family_name", "spicer", "given_name", "anika"}, matching.FieldName, "family_given"},
		{"the same words in another order", []string{"full_name", "Sơn Nguyễn Hoàng"}, []string{"full_name", "Nguyễn Hoàng Sơn"}, matching.FieldName, "family_given"},
		{"one typo in given name", []string{"full_name", "Trần Minh Khoa"}, []string{"full_name", "Trần Minh Khao"}, matching.FieldName, "jw_high"},
		{"different people", []string{"full_name", "Trần Minh Khoa"}, []string{"full_name", "Lê Thị Hồng"}, matching.FieldName, "else"},
		{"name missing", []string{"full_name", "Trần Minh Khoa"}, []string{"gender", "M"}, matching.FieldName, "missing"},
		{"parts equal full name", []string{"family_name", "Phạm", "middle_name", "Quốc", "given_name", "Bảo"}, []string{"full_name", "PHAM QUOC BAO"}, matching.FieldName, "exact"},

		{"date exact across formats", []string{"birth_date", "07/05/1990"}, []string{"birth_date", "199005070000"}, matching.FieldBirthDate, "exact"},
		{"date day differs", []string{"birth_date", "1990-05-07"}, []string{"birth_date", "1990-05-17"}, matching.FieldBirthDate, "year_month"},
		{"date transposed", []string{"birth_date", "1990-05-07"}, []string{"birth_date", "1990-07-05"}, matching.FieldBirthDate, "transposed"},
		{"year only one side", []string{"birth_date", "1950"}, []string{"birth_date", "1950-03-02"}, matching.FieldBirthDate, "year_only"},
		{"claims year only", []string{"birth_date", "195000000000"}, []string{"birth_date", "02/03/1950"}, matching.FieldBirthDate, "year_only"},
		{"same year other month", []string{"birth_date", "1990-02-01"}, []string{"birth_date", "1990-05-17"}, matching.FieldBirthDate, "year"},
		{"01/01 placeholder", []string{"birth_date", "01/01/1990"}, []string{"birth_date", "1990-05-17"}, matching.FieldBirthDate, "year_only"},
		{"two 01/01 placeholders", []string{"birth_date", "01/01/1990"}, []string{"birth_date", "19900101"}, matching.FieldBirthDate, "year_only"},
		{"year off by one", []string{"birth_date", "1990-05-07"}, []string{"birth_date", "1991-05-07"}, matching.FieldBirthDate, "year_pm1"},
		{"dates far apart", []string{"birth_date", "1960-05-07"}, []string{"birth_date", "1990-05-07"}, matching.FieldBirthDate, "else"},
		{"date missing", []string{"birth_date", ""}, []string{"birth_date", "1990-05-07"}, matching.FieldBirthDate, "missing"},

		{"sex codes agree", []string{"gender", "Nữ"}, []string{"gender", "2"}, matching.FieldSex, "agree"},
		{"sex codes disagree", []string{"gender", "M"}, []string{"gender", "female"}, matching.FieldSex, "disagree"},
		{"sex undetermined is missing", []string{"gender", "3"}, []string{"gender", "F"}, matching.FieldSex, "missing"},

		{"CCCD lost leading zeros", []string{"citizen_id", "001090012345"}, []string{"citizen_id", "1090012345"}, matching.FieldCitizenID, "exact"},
		{"CCCD one digit", []string{"citizen_id", "001090012345"}, []string{"citizen_id", "001090012346"}, matching.FieldCitizenID, "one_digit"},
		{"CCCD adjacent swap", []string{"citizen_id", "001090012345"}, []string{"citizen_id", "001090012354"}, matching.FieldCitizenID, "one_digit"},
		{"CCCD different", []string{"citizen_id", "001090012345"}, []string{"citizen_id", "079185000111"}, matching.FieldCitizenID, "different"},
		{"CCCD vs CMND is no evidence", []string{"citizen_id", "001090012345"}, []string{"citizen_id", "012345678"}, matching.FieldCitizenID, "missing"},
		{"opaque IDs compared as such", []string{"citizen_id", "5304218"}, []string{"citizen_id", "5304218"}, matching.FieldCitizenID, "exact"},

		{"BHYT vs BHXH", []string{"insurance_no", "DN4797912345678"}, []string{"insurance_no", "7912345678"}, matching.FieldInsurance, "exact"},
		{"BHYT changed group keeps number", []string{"insurance_no", "DN4797912345678"}, []string{"insurance_no", "HT2797912345678"}, matching.FieldInsurance, "exact"},

		{"old mobile number", []string{"phone", "01662345678"}, []string{"phone", "+84 362 345 678"}, matching.FieldPhone, "agree"},
		{"phone lost its zero", []string{"phone", "912345678"}, []string{"phone", "0912.345.678"}, matching.FieldPhone, "agree"},
		{"placeholder phone is missing", []string{"phone", "0123456789"}, []string{"phone", "0123456789"}, matching.FieldPhone, "missing"},

		{"merged province", []string{"province", "74"}, []string{"province", "TP. Hồ Chí Minh"}, matching.FieldAddress, "province"},
		{"old and new code of one unit", []string{"province", "Bình Dương"}, []string{"province", "079"}, matching.FieldAddress, "province"},
		{"different provinces", []string{"province", "01"}, []string{"province", "79"}, matching.FieldAddress, "different"},
		{"same address text", []string{"province", "01", "address", "12 Hàng Bạc"}, []string{"province", "01", "address", "12 HANG BAC"}, matching.FieldAddress, "address"},
		{"address missing", []string{"gender", "M"}, []string{"province", "01"}, matching.FieldAddress, "missing"},
	}
	model := matching.DefaultModel()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, b := norm(tt.a...), norm(tt.b...)
			ex := model.Explain(&a, &b)
			got := ex.Fields[tt.field].Level
			if got != tt.want {
				t.Errorf("%s level = %q, want %q", tt.field, got, tt.want)
			}
			// Comparison is symmetric.
			ex2 := model.Explain(&b, &a)
			if ex2.Fields[tt.field].Level != got {
				t.Errorf("%s level not symmetric: %q vs %q", tt.field, got, ex2.Fields[tt.field].Level)
			}
		})
	}
}

// TestJWBoundNeverSkipsABand checks that the pruning bound in compareName
// never changes a level: the level with pruning equals the level computed
// from the full Jaro-Winkler score, over many name pairs.
func TestJWBoundNeverSkipsABand(t *testing.T) {
	t.Parallel()
	names := []string{
		"nguyen van an", "nguyen van anh", "nguyen thi an", "tran van an", "nguyen an",
		"le thi hong", "le thi hong nhung", "pham quoc bao", "pham quoc bao anh", "hoang van tam",
		"ngo van tam", "nguyen van nam", "nguyen nam", "van an nguyen", "an", "a", "nguyen van a",
		"do thi thu huong", "do thi thu huong", "do thu huong", "duong thi thu huong", "mitchell green",
		"michaela neumann", "michael neumann", "ton that thuyet", "ton nu thi thu",
	}
	for _, x := range names {
		for _, y := range names {
			a, b := norm("full_name", x), norm("full_name", y)
			got := matching.Compare(&a, &b)[matching.FieldName]
			want := matching.NameLevelWithoutBound(&a, &b)
			if got != want {
				t.Errorf("%q vs %q: level %d with bound, %d without", x, y, got, want)
			}
		}
	}
}

func FuzzCommonLetters(f *testing.F) {
	f.Add("nguyen van an", "tran thi anh")
	f.Add(strings.Repeat("a", 300), strings.Repeat("a", 200)+"zzz")
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := matching.CommonLetters(a, b), matching.CommonLettersSlow(a, b); got != want {
			t.Fatalf("commonLetters = %d, want %d", got, want)
		}
	})
}

// TestScoreIsSymmetric scores generated pairs and hand-made ones both ways:
// the order of two records must never change a score.
func TestScoreIsSymmetric(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	recs := []matching.Record{
		norm("family_name", "Vũ", "middle_name", "Minh", "given_name", "Thảo", "birth_date", "1990"),
		norm("full_name", "Thảo Vũ Minh", "birth_date", "1990"),
		norm("family_name", "anika", "given_name", "spicer"),
		norm("family_name", "spicer", "given_name", "anika"),
		norm("full_name", "Sơn Nguyễn Hoàng", "phone", "0760585069"),
		norm("full_name", "Nguyễn Hoàng Sơn", "phone", "0760585069"),
	}
	gen, err := synth.Generate(synth.Options{Persons: 300, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	for i := range gen {
		recs = append(recs, matching.Normalize(&gen[i].Raw))
	}
	for i := range recs {
		for j := i + 1; j < len(recs) && j < i+40; j++ {
			x, y := model.Score(&recs[i], &recs[j]), model.Score(&recs[j], &recs[i])
			if x != y {
				t.Fatalf("pair %d,%d: %+v one way, %+v the other", i, j, x, y)
			}
		}
	}
}

// TestAddressHashCollision: two tokens of one address that share a
// signature bit must not make the address disagree with itself.
func TestAddressHashCollision(t *testing.T) {
	t.Parallel()
	model := matching.DefaultModel()
	a := norm("address", "so5 so10", "province", "01")
	if got := model.Explain(&a, &a).Fields[matching.FieldAddress].Level; got != "address" {
		t.Errorf("an address compared with itself: level %q, want address", got)
	}
}
