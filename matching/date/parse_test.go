package date

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Date
		problem string // "" when Parse must succeed
	}{
		{in: "", want: Date{}},
		{in: "   ", want: Date{}},
		{in: "1990-05-07", want: Date{1990, 5, 7}},
		{in: " 1990-05-07\t", want: Date{1990, 5, 7}},
		{in: "1990-05-07T00:00:00Z", want: Date{1990, 5, 7}},
		{in: "1990-05-07T07:30:00.000+07:00", want: Date{1990, 5, 7}},
		{in: "1990-05-07 00:00:00", want: Date{1990, 5, 7}},
		{in: "1990-5-7", want: Date{1990, 5, 7}},
		{in: "1990/05/07", want: Date{1990, 5, 7}},
		{in: "1990-05", want: Date{1990, 5, 0}},
		{in: "1990", want: Date{1990, 0, 0}},
		{in: "07/05/1990", want: Date{1990, 5, 7}},
		{in: "7/5/1990", want: Date{1990, 5, 7}},
		{in: "07-05-1990", want: Date{1990, 5, 7}},
		{in: "07.05.1990", want: Date{1990, 5, 7}},
		{in: "05/1990", want: Date{1990, 5, 0}},
		{in: "5/1990", want: Date{1990, 5, 0}},
		{in: "19900507", want: Date{1990, 5, 7}},
		{in: "199005071230", want: Date{1990, 5, 7}},
		{in: "19500000", want: Date{1950, 0, 0}},
		{in: "195000000000", want: Date{1950, 0, 0}},
		{in: "195005000000", want: Date{1950, 5, 0}},
		{in: "00/00/1950", want: Date{1950, 0, 0}},
		{in: "00/05/1950", want: Date{1950, 5, 0}},
		{in: "1950-00-00", want: Date{1950, 0, 0}},
		{in: "00000000", want: Date{}},
		{in: "0000", want: Date{}},
		{in: "29/02/2000", want: Date{2000, 2, 29}},
		{in: "29/02/2024", want: Date{2024, 2, 29}},
		{in: "31/12/2100", want: Date{2100, 12, 31}},
		{in: "01/01/1850", want: Date{1850, 1, 1}},
		{in: "29/02/1900", problem: "day out of range"},
		{in: "29/02/2023", problem: "day out of range"},
		{in: "31/04/1990", problem: "day out of range"},
		{in: "00/13/1990", problem: "month out of range"},
		{in: "1990-13-01", problem: "month out of range"},
		{in: "19901301", problem: "month out of range"},
		{in: "1990-00-07", problem: "day without a month"},
		{in: "1849", problem: "year out of range"},
		{in: "2101-01-01", problem: "year out of range"},
		{in: "00000507", problem: "month or day without a year"},
		{in: "07/05/90", problem: "unrecognised date format"},
		{in: "07/05-1990", problem: "unrecognised date format"},
		{in: "1990-05-07T", problem: "unrecognised date format"},
		{in: "1990-05-07Tnoon", problem: "unrecognised date format"},
		{in: "1990-05-07-01", problem: "unrecognised date format"},
		{in: "199005", problem: "unrecognised date format"},
		{in: "1990 05 07", problem: "unrecognised date format"},
		{in: "May 7, 1990", problem: "unrecognised date format"},
		{in: "07//1990", problem: "unrecognised date format"},
		{in: "/05/1990", problem: "unrecognised date format"},
		{in: "05/1990/", problem: "unrecognised date format"},
		{in: "１９９０", problem: "unrecognised date format"}, // full-width digits
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tt.in)
			if tt.problem != "" {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("Parse(%q) error = %v, want one wrapping ErrInvalid", tt.in, err)
				}
				if want := "invalid date: " + tt.problem; err.Error() != want {
					t.Errorf("Parse(%q) error = %q, want %q", tt.in, err, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   Date
		want string
	}{
		{Date{}, ""},
		{Date{1990, 0, 0}, "1990"},
		{Date{1990, 5, 0}, "1990-05"},
		{Date{1990, 5, 7}, "1990-05-07"},
		{Date{2000, 12, 31}, "2000-12-31"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.in.String()); diff != "" {
			t.Errorf("%#v.String() mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	ordered := []Date{{}, {1950, 0, 0}, {1950, 1, 0}, {1950, 1, 1}, {1950, 2, 0}, {1951, 0, 0}}
	for i, a := range ordered {
		for j, b := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("%v.Compare(%v) = %d, want %d", a, b, got, want)
			}
		}
	}
}

func TestDaysIn(t *testing.T) {
	t.Parallel()
	tests := []struct{ year, month, want int }{
		{2023, 2, 28}, {2024, 2, 29}, {1900, 2, 28}, {2000, 2, 29},
		{2023, 1, 31}, {2023, 4, 30}, {2023, 12, 31}, {2023, 0, 0}, {2023, 13, 0},
	}
	for _, tt := range tests {
		if got := DaysIn(tt.year, tt.month); got != tt.want {
			t.Errorf("DaysIn(%d, %d) = %d, want %d", tt.year, tt.month, got, tt.want)
		}
	}
}

// problems lists every message Parse may put after "invalid date: ".
var problems = []error{errFormat, errYear, errNoYear, errMonth, errDay, errDayAlone}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "1990-05-07", "07/05/1990", "5/1990", "1990", "19900507", "195000000000",
		"00/00/1950", "1990-05-07T00:00:00Z", "29/02/2000", "31/04/1990", " 1990-05 ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse(%q) error %v does not wrap ErrInvalid", s, err)
			}
			known := false
			for _, p := range problems {
				known = known || err == p
			}
			if !known {
				t.Fatalf("Parse(%q) returned an unlisted error %v", s, err)
			}
			if d != (Date{}) {
				t.Fatalf("Parse(%q) returned %v with an error", s, d)
			}
			return
		}
		if !d.IsZero() {
			if d.Year < MinYear || d.Year > MaxYear || d.Month > 12 ||
				(d.Month == 0 && d.Day != 0) || int(d.Day) > DaysIn(int(d.Year), int(d.Month)) {
				t.Fatalf("Parse(%q) = %#v breaks the Date invariants", s, d)
			}
		} else if d != (Date{}) {
			t.Fatalf("Parse(%q) = %#v: a zero year with other parts", s, d)
		}
		again, err := Parse(d.String())
		if err != nil {
			t.Fatalf("Parse(%q) of String() of Parse(%q): %v", d.String(), s, err)
		}
		if diff := cmp.Diff(d, again); diff != "" {
			t.Fatalf("Parse(String()) round trip of %q mismatch (-want +got):\n%s", s, diff)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	inputs := []string{"1990-05-07", "07/05/1990", "199005070000", "1950", "00/00/1950", "1990-05-07T00:00:00Z"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := Parse(inputs[i%len(inputs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
