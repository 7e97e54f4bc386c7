package exchange

import (
	"bytes"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vnhealth/mpi/matching"
)

func TestWriterRoundTrip(t *testing.T) {
	t.Parallel()
	in := []matching.Raw{
		{Source: "bv1", LocalID: "42", FullName: "Nguyễn Văn An", Gender: "Nam", BirthDate: "07/05/1990",
			CitizenID: "001090012345", InsuranceNo: "DN4010123456789", Phone: "0912345678", Province: "01",
			Ward: "00004", Address: "12 Lý Thái Tổ, \"Hoàn Kiếm\"\nHà Nội"},
		{Source: "bv1", LocalID: "43", FamilyName: "Trần", MiddleName: " ", GivenName: "Bình"},
		{Source: "bv1", LocalID: " 44", FullName: " leading space"},
	}
	want := in // the name parts survive as they were sent
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, r := range in {
		if err := w.Write(r); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	r, err := NewReader(&buf, ReaderOptions{})
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var got []matching.Raw
	for {
		raw, _, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		got = append(got, raw)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestWriterEmpty(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := NewWriter(&buf).Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	want := "source,local_id,full_name,family_name,middle_name,given_name,gender,birth_date,citizen_id,insurance_no,phone,province,ward,address,recorded_at\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
