package api

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
)

// goldenRecord is an active stored record received n hours after clockBase.
func goldenRecord(raw matching.Raw, hours int) store.Record {
	return store.Record{
		Key: keyOf(raw), Version: 1, Raw: raw, Hash: ContentHash(raw), Status: store.RecordActive,
		Received: clockBase.Add(time.Duration(hours) * time.Hour),
	}
}

func TestGoldenSurvivorship(t *testing.T) {
	t.Parallel()
	trust := map[string]int{"BV01001": 2} // the central hospital is trusted most
	k := func(source, id string) store.RecordKey { return store.RecordKey{Source: source, LocalID: id} }
	f := func(v string, from store.RecordKey) store.GoldenField { return store.GoldenField{Value: v, From: from} }
	tests := []struct {
		name string
		recs []store.Record
		want store.Golden
	}{
		{
			name: "no records",
			want: store.Golden{},
		},
		{
			name: "normalized display values",
			recs: []store.Record{goldenRecord(matching.Raw{Source: "TYT79002", LocalID: "9",
				FamilyName: "nguyễn", MiddleName: "văn", GivenName: "an", Gender: "Nam", BirthDate: "7/5/1990",
				Phone: "+84 912 345 678", Province: "TP.HCM", InsuranceNo: "DN4797912345678",
				Address: "  12   Nguyễn Trãi "}, 0)},
			want: store.Golden{
				Name:        f("nguyễn văn an", k("TYT79002", "9")),
				Sex:         f("male", k("TYT79002", "9")),
				BirthDate:   f("1990-05-07", k("TYT79002", "9")),
				InsuranceNo: f("7912345678", k("TYT79002", "9")),
				Phone:       f("0912345678", k("TYT79002", "9")),
				Province:    f("79", k("TYT79002", "9")),
				Address:     f("12 Nguyễn Trãi", k("TYT79002", "9")),
			},
		},
		{
			// The trusted hospital typed the CCCD with an impossible
			// century digit; the valid one wins although the hospital is
			// more trusted and two records agree on the wrong one.
			name: "verified citizen ID wins",
			recs: []store.Record{
				goldenRecord(matching.Raw{Source: "BV01001", LocalID: "1", FullName: "Lê Thị Hồng", CitizenID: "001878009876"}, 0),
				goldenRecord(matching.Raw{Source: "PK01101", LocalID: "2", FullName: "Lê Thị Hồng", CitizenID: "001878009876"}, 1),
				goldenRecord(matching.Raw{Source: "TYT01003", LocalID: "3", FullName: "Le Thi Hong", CitizenID: "001178009876"}, 2),
			},
			want: store.Golden{
				Name:      f("Lê Thị Hồng", k("BV01001", "1")),
				Sex:       f("female", k("TYT01003", "3")), // read from the valid CCCD
				BirthDate: store.GoldenField{},
				CitizenID: f("001178009876", k("TYT01003", "3")),
			},
		},
		{
			// Equally trusted: of the two records that agree on the name,
			// the one written in full with diacritics wins over the more
			// recent folded one (recency decides the birth date).
			name: "fullest name before recency",
			recs: []store.Record{
				goldenRecord(matching.Raw{Source: "TYT01003", LocalID: "3", FullName: "NGUYỄN VĂN AN", BirthDate: "1990"}, 0),
				goldenRecord(matching.Raw{Source: "TYT79002", LocalID: "9", FullName: "Nguyen An", BirthDate: "19900507"}, 1),
				goldenRecord(matching.Raw{Source: "PK01101", LocalID: "2", FullName: "Nguyen Van An"}, 2),
			},
			want: store.Golden{
				Name:      f("NGUYỄN VĂN AN", k("TYT01003", "3")),
				BirthDate: f("1990-05-07", k("TYT79002", "9")),
			},
		},
		{
			// Two less trusted records agree on a birth date; the trusted
			// hospital's wins.
			name: "trust before frequency",
			recs: []store.Record{
				goldenRecord(matching.Raw{Source: "PK01101", LocalID: "2", FullName: "Lê Thị Hồng", BirthDate: "1978-11-20"}, 0),
				goldenRecord(matching.Raw{Source: "TYT01003", LocalID: "3", FullName: "LE THI HONG", BirthDate: "20/11/1978"}, 1),
				goldenRecord(matching.Raw{Source: "BV01001", LocalID: "1", FullName: "Lê Thị Hồng", BirthDate: "02/11/1978"}, 0),
			},
			want: store.Golden{
				Name:      f("Lê Thị Hồng", k("BV01001", "1")),
				BirthDate: f("1978-11-02", k("BV01001", "1")),
			},
		},
		{
			// Equal trust: the value two records share beats the latest.
			name: "frequency before recency",
			recs: []store.Record{
				goldenRecord(matching.Raw{Source: "PK01101", LocalID: "2", FullName: "Lê Thị Hồng", Phone: "0983111222"}, 0),
				goldenRecord(matching.Raw{Source: "TYT01003", LocalID: "3", FullName: "Lê Thị Hồng", Phone: "0983 111 222"}, 1),
				goldenRecord(matching.Raw{Source: "PK01102", LocalID: "4", FullName: "Lê Thị Hồng", Phone: "0977000111"}, 5),
			},
			want: store.Golden{
				Name:  f("Lê Thị Hồng", k("PK01102", "4")), // all agree: the latest
				Phone: f("0983111222", k("TYT01003", "3")),
			},
		},
		{
			// Equal trust and frequency: the most recent record wins; the
			// name is shown as the record wrote it, legacy encoding repaired.
			name: "recency",
			recs: []store.Record{
				goldenRecord(matching.Raw{Source: "PK01101", LocalID: "2", FullName: "Lê Thị Hồng", Address: "5 ngõ Huế"}, 0),
				goldenRecord(matching.Raw{Source: "TYT01003", LocalID: "3", FullName: "Lee Thij Hoongf", Address: "18 phố Huế"}, 3),
			},
			want: store.Golden{
				Name:    f("Lê Thị Hồng", k("TYT01003", "3")),
				Address: f("18 phố Huế", k("TYT01003", "3")),
			},
		},
		{
			name: "retracted records do not count",
			recs: func() []store.Record {
				r := goldenRecord(matching.Raw{Source: "PK01101", LocalID: "2", FullName: "Lê Thị Hồng"}, 0)
				r.Status = store.RecordRetracted
				return []store.Record{r}
			}(),
			want: store.Golden{},
		},
	}
	s := New(nil, Options{SourceTrust: trust})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := s.golden(tc.recs)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("golden: mismatch (-want +got):\n%s", diff)
			}
			// The order records are read in does not matter.
			rev := make([]store.Record, len(tc.recs))
			for i, r := range tc.recs {
				rev[len(rev)-1-i] = r
			}
			if diff := cmp.Diff(got, s.golden(rev)); diff != "" {
				t.Errorf("golden depends on record order: (-forward +reversed):\n%s", diff)
			}
		})
	}
}
