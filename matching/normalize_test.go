package matching_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vnhealth/mpi/matching"
)

func TestParseSex(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    matching.Sex
		wantErr bool
	}{
		{"", matching.SexUnknown, false},
		{"M", matching.SexMale, false},
		{"f", matching.SexFemale, false},
		{"Nam", matching.SexMale, false},
		{"Nữ", matching.SexFemale, false},
		{"NỮ", matching.SexFemale, false},
		{"Nu\u0303", matching.SexFemale, false},
		{"1", matching.SexMale, false},
		{"2", matching.SexFemale, false},
		{"3", matching.SexUnknown, false},
		{"male", matching.SexMale, false},
		{"Female", matching.SexFemale, false},
		{" nam ", matching.SexMale, false},
		{"9", matching.SexUnknown, true},
		{"yes", matching.SexUnknown, true},
	}
	for _, tt := range tests {
		got, err := matching.ParseSex(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseSex(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// TestNormalizeKeepsTheRecord checks that bad values are reported by field
// and problem, left out, and never echoed — and that the rest of the record
// survives.
func TestNormalizeKeepsTheRecord(t *testing.T) {
	t.Parallel()
	raw := matching.Raw{
		Source: "BV01", LocalID: "42", FullName: "Nguyễn Văn An",
		Gender: "Q7", BirthDate: "31/02/1990", CitizenID: "12-AB-??-%%%%%%%%%%%%%%%%%%%%", Phone: "0000000000",
		Province: "01", InsuranceNo: "XX",
	}
	r := matching.Normalize(&raw)
	if r.FullName != "nguyen van an" || r.Province != "01" || r.Source != "BV01" || r.LocalID != "42" {
		t.Errorf("good values lost: %+v", r)
	}
	var fields []string
	for _, is := range r.Issues {
		fields = append(fields, is.Field)
		for _, v := range []string{raw.Gender, raw.BirthDate, raw.CitizenID, raw.Phone, raw.InsuranceNo} {
			if strings.Contains(is.Problem, v) {
				t.Errorf("issue %q echoes the value", is)
			}
		}
	}
	want := []string{"gender", "birth_date", "citizen_id", "insurance_no", "phone"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("issue fields mismatch (-want +got):\n%s", diff)
	}
}

func TestNormalizeExamples(t *testing.T) {
	t.Parallel()
	r := norm("full_name", "CON BÀ Nguyễn Thị Lan", "citizen_id", "1090012345", "phone", "01662345678",
		"insurance_no", "TE1797912345678", "province", "Tỉnh Bình Dương", "gender", "")
	if !r.Placeholder() {
		t.Error("newborn placeholder not flagged")
	}
	if r.CitizenID.Value != "001090012345" || !r.CitizenID.Repaired {
		t.Errorf("citizen ID = %+v, want 001090012345 repaired", r.CitizenID)
	}
	if r.Sex != matching.SexMale || !r.SexFromID {
		t.Errorf("sex = %v (from ID %v), want male read from the CCCD", r.Sex, r.SexFromID)
	}
	if r.Phone != "0362345678" {
		t.Errorf("phone = %q, want the 2018 conversion 0362345678", r.Phone)
	}
	if r.SocialInsurance != "7912345678" {
		t.Errorf("insurance = %q, want the BHXH number 7912345678", r.SocialInsurance)
	}
	if r.Province != "79" {
		t.Errorf("province = %q, want 79 (Bình Dương merged into Hồ Chí Minh)", r.Province)
	}
	if r.BirthYear() != 1990 {
		t.Errorf("birth year from CCCD = %d, want 1990", r.BirthYear())
	}
	febrl := norm("family_name", "green", "given_name", "mitchell", "province", "nsw", "citizen_id", "1804974")
	if febrl.Province != matching.OpaquePrefix+"nsw" {
		t.Errorf("foreign state = %q, want it kept opaque", febrl.Province)
	}
	if len(febrl.Issues) != 0 {
		t.Errorf("FEBRL record has issues %v", febrl.Issues)
	}
}

// FuzzNormalize feeds arbitrary values to every field: no panic, the
// documented invariants hold, and normalizing the normalized values again
// changes nothing.
func FuzzNormalize(f *testing.F) {
	f.Add("Nguyễn Văn An", "M", "07/05/1990", "001090012345", "DN4797912345678", "0912345678", "79", "00004", "12 Hàng Bạc")
	f.Add("CON BÀ NguyÔn ThÞ Lan", "Nữ", "199005070000", "1090012345", "0123456789", "+84 162 345 6789", "TP.HCM", "Phường Bến Nghé", "")
	f.Add("An Nguyen Van", "3", "0000", "5304218", "", "84912345678", "nsw", "", "light setreet")
	f.Fuzz(func(t *testing.T, name, gender, birth, id, ins, phone, prov, ward, addr string) {
		raw := matching.Raw{Source: "S", LocalID: "1", FullName: name, Gender: gender, BirthDate: birth,
			CitizenID: id, InsuranceNo: ins, Phone: phone, Province: prov, Ward: ward, Address: addr}
		r := matching.Normalize(&raw)
		for _, c := range r.FullName + r.Address {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == ' ') {
				t.Fatalf("folded text holds %q", c)
			}
		}
		if r.Province != "" && !strings.HasPrefix(r.Province, matching.OpaquePrefix) && len(r.Province) != 2 {
			t.Fatalf("province %q is neither a code nor opaque", r.Province)
		}
		again := matching.Raw{Source: "S", LocalID: "1", FullName: r.FullName, BirthDate: birthString(r),
			CitizenID: r.CitizenID.Value, InsuranceNo: r.SocialInsurance, Phone: r.Phone}
		r2 := matching.Normalize(&again)
		if r2.Name != r.Name && !r.Placeholder() {
			t.Fatalf("name not stable: %+v then %+v", r.Name, r2.Name)
		}
		if r2.Birth != r.Birth || r2.CitizenID.Value != r.CitizenID.Value || r2.Phone != r.Phone || r2.SocialInsurance != r.SocialInsurance {
			t.Fatalf("normalizing twice changed the record: %+v then %+v", r, r2)
		}
	})
}

func birthString(r matching.Record) string {
	if r.Birth.IsZero() {
		return ""
	}
	return r.Birth.String()
}

func FuzzParseSex(f *testing.F) {
	for _, s := range []string{"", "M", "Nữ", "3", "female"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := matching.ParseSex(s)
		if err != nil && got != matching.SexUnknown {
			t.Fatalf("error with a sex: %v %v", got, err)
		}
		if err != nil && !errors.Is(err, matching.ErrInvalidSex) {
			t.Fatalf("error %v is not ErrInvalidSex", err)
		}
	})
}
