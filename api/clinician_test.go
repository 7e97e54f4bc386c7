package api

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
)

var doctor = Actor{ID: "bs-minh", Role: "clinician"}

// More made-up people for look-ups.
var (
	// A namesake of An: same name and birth year, in Hà Nội.
	anNamesake = matching.Raw{Source: "BV01002", LocalID: "N-1", FullName: "Nguyễn Văn An", Gender: "Nam",
		BirthDate: "12/12/1990", Province: "01", Phone: "0977 000 111"}
	// An's wife, who gives the household's phone.
	binhWife = matching.Raw{Source: "BV79001", LocalID: "2400999", FullName: "Trần Thị Bình", Gender: "Nữ",
		BirthDate: "03/09/1992", Phone: "0912345678", Province: "79"}
)

// clinicFixture resolves the people the clinician tests look up and
// returns the EIDs by name.
func clinicFixture(t *testing.T, open opener) (*Service, map[string]store.EID) {
	t.Helper()
	s := newService(t, open, Options{})
	ids := map[string]store.EID{}
	for _, r := range []struct {
		name string
		raw  matching.Raw
	}{
		{"an", anBV}, {"an", anTYT}, {"tan", tanPK}, {"hong", hongBV}, {"hong", hongPK},
		{"namesake", anNamesake}, {"binh", binhWife}, {"ha", haHospital}, {"haClaims", haClaims},
	} {
		eid := resolve(t, s, r.raw).EID
		if prev, ok := ids[r.name]; ok && prev != eid {
			t.Fatalf("%s's records on %s and %s; the tests need one person", r.name, prev, eid)
		}
		ids[r.name] = eid
	}
	seen := map[store.EID]string{}
	for name, eid := range ids {
		if other, ok := seen[eid]; ok {
			t.Fatalf("%s and %s share person %s; the tests need them apart", name, other, eid)
		}
		seen[eid] = name
	}
	return s, ids
}

func TestClinician(t *testing.T) {
	t.Parallel()
	runWorkflowTests(t, []workflowTest{
		{"Search", testSearch},
		{"SearchInvalid", testSearchInvalid},
		{"Lookups", testLookups},
		{"PersonView", testPersonView},
		{"PersonAfterMerge", testPersonAfterMerge},
	})
}

func testSearch(t *testing.T, open opener) {
	s, ids := clinicFixture(t, open)
	type hit struct{ Who, Grade string }
	name := map[store.EID]string{}
	for n, e := range ids {
		name[e] = n
	}
	tests := []struct {
		name  string
		query matching.Raw
		limit int
		want  []hit
		tie   bool
	}{
		{"name, year and province: the near-duplicate above the namesake",
			matching.Raw{FullName: "Nguyen Van An", BirthDate: "1990", Province: "79"}, 0,
			[]hit{{"an", GradeCertain}, {"namesake", GradeProbable}}, false},
		{"the namesake's province puts him first",
			matching.Raw{FullName: "Nguyễn Văn An", BirthDate: "1990", Province: "Hà Nội"}, 0,
			[]hit{{"namesake", GradeCertain}, {"an", GradeProbable}}, false},
		{"name and birth year only: two namesakes, neither certain",
			matching.Raw{FullName: "NGUYEN VAN AN", BirthDate: "1990"}, 0,
			[]hit{{"an", GradeProbable}, {"namesake", GradeProbable}}, true},
		{"full date: another family with the same date ranks below",
			matching.Raw{FullName: "Nguyễn Văn An", BirthDate: "07/05/1990", Province: "79"}, 0,
			[]hit{{"an", GradeCertain}, {"tan", GradeProbable}}, false},
		{"limit",
			matching.Raw{FullName: "Nguyễn Văn An", BirthDate: "07/05/1990", Province: "79"}, 1,
			[]hit{{"an", GradeCertain}}, false},
		{"a wrong birth year and another phone: possible",
			matching.Raw{FullName: "Nguyen Van An", BirthDate: "07/05/1991", Province: "79", Phone: "0988 777 666"}, 0,
			[]hit{{"an", GradePossible}}, false},
		{"name and province, no date",
			matching.Raw{FullName: "Nguyen Van An", Province: "TP. Hồ Chí Minh"}, 0,
			[]hit{{"an", GradeProbable}}, false},
		{"names in another order",
			matching.Raw{FullName: "An Nguyen Van", Province: "79"}, 0,
			[]hit{{"an", GradeProbable}}, false},
		{"another given name: nothing",
			matching.Raw{FullName: "Nguyen Van Binh", BirthDate: "1990", Province: "79"}, 0, nil, false},
		{"a phone typed with the country code",
			matching.Raw{Phone: "+84 912 777 031"}, 0,
			[]hit{{"haClaims", GradeProbable}}, false},
	}
	for _, tc := range tests {
		hits, err := s.Search(t.Context(), doctor, tc.query, tc.limit)
		if err != nil {
			t.Errorf("%s: Search: %v", tc.name, err)
			continue
		}
		var got []hit
		for i, h := range hits {
			got = append(got, hit{name[h.EID], h.Grade})
			if i > 0 && h.Probability > hits[i-1].Probability {
				t.Errorf("%s: hit %d ranks above a more probable one", tc.name, i)
			}
			if h.Golden.Name.Value == "" || h.Probability < SearchFloor {
				t.Errorf("%s: hit %+v lacks a golden record or is below the floor", tc.name, h)
			}
			if e := h.Explanation; e == nil || e.Weight != h.Weight || e.Probability != h.Probability || len(e.Fields) == 0 {
				t.Errorf("%s: hit %d: explanation %+v does not explain its score (weight %v, probability %v)", tc.name, i, e, h.Weight, h.Probability)
			}
		}
		want := slices.Clone(tc.want)
		if tc.tie {
			// Equal probability and weight: EID order.
			slices.SortFunc(want, func(a, b hit) int { return strings.Compare(string(ids[a.Who]), string(ids[b.Who])) })
		}
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("%s: hits mismatch (-want +got):\n%s", tc.name, diff)
		}
		es := auditActions(t, s, "search")
		last := es[len(es)-1]
		var eids []store.EID
		for _, h := range hits {
			eids = append(eids, h.EID)
		}
		if last.Actor != doctor.ID || last.Role != "clinician" || last.Outcome != OutcomeOK || !slices.Equal(last.EIDs, eids) {
			t.Errorf("%s: audit entry %+v; want the doctor and EIDs %v", tc.name, last, eids)
		}
	}
}

func testSearchInvalid(t *testing.T, open opener) {
	s, _ := clinicFixture(t, open)
	tests := []struct {
		name  string
		actor Actor
		query matching.Raw
		limit int
		field string
	}{
		{"a name alone", doctor, matching.Raw{FullName: "Nguyễn Văn An"}, 0, "query"},
		{"a birth year alone", doctor, matching.Raw{BirthDate: "1990", Province: "79"}, 0, "query"},
		{"nothing", doctor, matching.Raw{}, 0, "query"},
		{"not UTF-8", doctor, matching.Raw{FullName: "Nguy\xffn", BirthDate: "1990"}, 0, "full_name"},
		{"negative limit", doctor, matching.Raw{Phone: "0912345678"}, -1, "limit"},
		{"no actor", Actor{}, matching.Raw{Phone: "0912345678"}, 0, "actor"},
	}
	for _, tc := range tests {
		_, err := s.Search(t.Context(), tc.actor, tc.query, tc.limit)
		wantField(t, tc.name, err, tc.field)
	}
}

func testLookups(t *testing.T, open opener) {
	s, ids := clinicFixture(t, open)
	ctx := t.Context()
	if _, err := s.Retract(ctx, hub, keyOf(haHospital), "sent in error"); err != nil {
		t.Fatal(err)
	}
	type call func() ([]PersonView, error)
	tests := []struct {
		name   string
		call   call
		action string
		want   []string // persons by fixture name, in EID order
		err    error
		field  string
	}{
		{"CCCD with spaces", func() ([]PersonView, error) { return s.LookupCitizenID(ctx, doctor, " 001 178 009 876 ") }, "lookup_citizen_id", []string{"hong"}, nil, ""},
		{"CCCD stored as a number", func() ([]PersonView, error) { return s.LookupCitizenID(ctx, doctor, "1178009876") }, "lookup_citizen_id", []string{"hong"}, nil, ""},
		{"placeholder CCCD", func() ([]PersonView, error) { return s.LookupCitizenID(ctx, doctor, "000000000000") }, "", nil, ErrInvalidArgument, "citizen_id"},
		{"CCCD without its leading zero", func() ([]PersonView, error) { return s.LookupCitizenID(ctx, doctor, "01178009876") }, "lookup_citizen_id", []string{"hong"}, nil, ""},
		{"CCCD one digit off", func() ([]PersonView, error) { return s.LookupCitizenID(ctx, doctor, "001178009875") }, "lookup_citizen_id", nil, nil, ""},
		{"empty CCCD", func() ([]PersonView, error) { return s.LookupCitizenID(ctx, doctor, " ") }, "", nil, ErrInvalidArgument, "citizen_id"},
		{"BHYT card", func() ([]PersonView, error) { return s.LookupInsurance(ctx, doctor, "GD4363621234567") }, "lookup_insurance", []string{"haClaims"}, nil, ""},
		{"BHXH number of the card", func() ([]PersonView, error) { return s.LookupInsurance(ctx, doctor, "3621234567") }, "lookup_insurance", []string{"haClaims"}, nil, ""},
		{"phone +84", func() ([]PersonView, error) { return s.LookupPhone(ctx, doctor, "+84 912 345 678") }, "lookup_phone", []string{"an", "binh"}, nil, ""},
		{"phone with dots", func() ([]PersonView, error) { return s.LookupPhone(ctx, doctor, "0912.345.678") }, "lookup_phone", []string{"an", "binh"}, nil, ""},
		{"phone nobody has", func() ([]PersonView, error) { return s.LookupPhone(ctx, doctor, "0909 000 001") }, "lookup_phone", nil, nil, ""},
		{"not a phone", func() ([]PersonView, error) { return s.LookupPhone(ctx, doctor, "call me") }, "", nil, ErrInvalidArgument, "phone"},
		{"no actor", func() ([]PersonView, error) { return s.LookupPhone(ctx, Actor{}, "0912345678") }, "", nil, ErrInvalidArgument, "actor"},
	}
	order := func(names []string) []string {
		slices.SortFunc(names, func(a, b string) int { return strings.Compare(string(ids[a]), string(ids[b])) })
		return names
	}
	for _, tc := range tests {
		before := len(auditActions(t, s, tc.action))
		views, err := tc.call()
		switch {
		case tc.field != "":
			wantField(t, tc.name, err, tc.field)
			continue
		case err != nil:
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		var got []string
		var disclosedKeys []store.RecordKey
		for _, v := range views {
			for n, e := range ids {
				if e == v.EID {
					got = append(got, n)
				}
			}
			for _, r := range v.Records {
				disclosedKeys = append(disclosedKeys, r.Key)
			}
		}
		if diff := gocmp.Diff(order(slices.Clone(tc.want)), got); diff != "" {
			t.Errorf("%s: persons mismatch (-want +got):\n%s", tc.name, diff)
		}
		es := auditActions(t, s, tc.action)
		if len(es) != before+1 {
			t.Errorf("%s: %d audit entries for %s, want %d", tc.name, len(es), tc.action, before+1)
			continue
		}
		if last := es[len(es)-1]; !slices.Equal(last.Records, disclosedKeys) || last.Actor != doctor.ID {
			t.Errorf("%s: audit entry %+v; want the doctor and records %v", tc.name, last, disclosedKeys)
		}
	}

	v, err := s.LookupSource(ctx, doctor, store.RecordKey{Source: " TYT79002 ", LocalID: "9"})
	if err != nil || v.EID != ids["an"] || len(v.Records) != 2 {
		t.Errorf("LookupSource(TYT79002/9) = %s with %d records, %v; want %s with 2", v.EID, len(v.Records), err, ids["an"])
	}
	wantErr(t, "source record unknown", second(s.LookupSource(ctx, doctor, store.RecordKey{Source: "BV1", LocalID: "0"})), ErrNotFound)
	wantErr(t, "source record retracted", second(s.LookupSource(ctx, doctor, keyOf(haHospital))), ErrNotFound)
	wantField(t, "source record without ID", second(s.LookupSource(ctx, doctor, store.RecordKey{Source: "BV1"})), "record.local_id")
	if es := auditActions(t, s, "lookup_source"); len(es) != 3 || es[1].Outcome != "not_found" {
		t.Errorf("lookup_source audit %+v; want 3 entries, the second not_found", es)
	}
}

func testPersonView(t *testing.T, open opener) {
	s, ids := clinicFixture(t, open)
	an := ids["an"]
	v, err := s.Person(t.Context(), doctor, store.EID(strings.ToLower(an.Display())))
	if err != nil {
		t.Fatalf("Person: %v", err)
	}
	if v.Asked != an || v.EID != an {
		t.Errorf("Person asked %s, live %s; want %s for both", v.Asked, v.EID, an)
	}
	p := person(t, s, an)
	if v.Golden != p.Golden || v.Version != p.Version {
		t.Errorf("view's golden record or version differs from the store's")
	}
	var got []matching.Raw
	for _, r := range v.Records {
		got = append(got, r.Raw)
		if r.Version != 1 || r.Received.IsZero() || r.Kind != store.LinkAuto {
			t.Errorf("record %s: version %d, received %v, kind %d", r.Key, r.Version, r.Received, r.Kind)
		}
	}
	if diff := gocmp.Diff([]matching.Raw{anBV, anTYT}, got); diff != "" {
		t.Errorf("records mismatch (-want +got):\n%s", diff)
	}
	if v.Records[1].Probability < 0.9 {
		t.Errorf("the linked record's probability %v; want the match's", v.Records[1].Probability)
	}
	unknown, _ := store.EIDFromSeq(987_654)
	tests := []struct {
		eid   store.EID
		err   error
		field string
	}{
		{"K7Q2M9XP", ErrInvalidArgument, "eid"},
		{"", ErrInvalidArgument, "eid"},
		{an[:8] + "Z", ErrInvalidArgument, "eid"},
		{unknown, ErrNotFound, ""},
	}
	for _, tc := range tests {
		_, err := s.Person(t.Context(), doctor, tc.eid)
		if tc.field != "" {
			wantField(t, string(tc.eid), err, tc.field)
		} else {
			wantErr(t, string(tc.eid), err, tc.err)
		}
	}
	es := auditActions(t, s, "person")
	if len(es) != 2 || !slices.Equal(es[0].EIDs, []store.EID{an}) || len(es[0].Records) != 2 || es[1].Outcome != "not_found" {
		t.Errorf("person audit %+v; want the read of %s with its records, then the unknown EID not_found", es, an)
	}
}

func testPersonAfterMerge(t *testing.T, open opener) {
	s, ids := clinicFixture(t, open)
	an, ns := ids["an"], ids["namesake"]
	if err := s.Merge(t.Context(), steward, ns, an, "the same man: Hà Nội record had a wrong birth date", ForceMerge); err != nil {
		t.Fatal(err)
	}
	v, err := s.Person(t.Context(), doctor, store.EID(ns.Display()))
	if err != nil {
		t.Fatalf("Person(loser): %v", err)
	}
	if v.Asked != ns || v.EID != an || len(v.Records) != 3 {
		t.Errorf("Person(%s) = asked %s, live %s, %d records; want %s → %s with 3", ns, v.Asked, v.EID, len(v.Records), ns, an)
	}
	es := auditActions(t, s, "person")
	if len(es) != 1 || !slices.Equal(es[0].EIDs, []store.EID{ns, an}) {
		t.Errorf("person audit %+v; want one entry naming %s and %s", es, ns, an)
	}
	// Search and look-ups find the survivor.
	views, err := s.LookupPhone(t.Context(), doctor, "0977000111")
	if err != nil || len(views) != 1 || views[0].EID != an {
		t.Errorf("LookupPhone after merge = %+v, %v; want %s", views, err, an)
	}
	if _, err := s.Person(t.Context(), doctor, ns); errors.Is(err, ErrNotFound) {
		t.Errorf("a merged EID must still be readable")
	}
	mustVerify(t, s)
}

// FuzzSearch: whatever a clinician types, Search and the look-ups answer
// with ranked hits above the floor or a FieldError that does not echo
// the value — never another error, never a panic.
func FuzzSearch(f *testing.F) {
	for _, r := range []matching.Raw{anBV, anTYT, hongBV, tanPK, anNamesake, haClaims, {FullName: "Nguyen Van An"}, {CitizenID: "000000000000"}} {
		f.Add(r.FullName, r.BirthDate, r.Gender, r.CitizenID, r.InsuranceNo, r.Phone, r.Province, r.Address)
	}
	s := newService(f, openBolt, Options{})
	for _, r := range []matching.Raw{anBV, anTYT, hongBV, hongPK, tanPK, anNamesake, haClaims} {
		resolve(f, s, r)
	}
	noEcho := func(t *testing.T, err error, values ...string) {
		t.Helper()
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Fatalf("error %v is not a FieldError", err)
		}
		for _, v := range values {
			if len(v) >= 6 && strings.Contains(err.Error(), v) {
				t.Fatalf("error %q echoes a value", err)
			}
		}
	}
	f.Fuzz(func(t *testing.T, name, birth, sex, citizen, insurance, phone, province, address string) {
		ctx := t.Context()
		q := matching.Raw{FullName: name, BirthDate: birth, Gender: sex, CitizenID: citizen,
			InsuranceNo: insurance, Phone: phone, Province: province, Address: address}
		hits, err := s.Search(ctx, doctor, q, 0)
		if err != nil {
			noEcho(t, err, name, birth, citizen, insurance, phone, address)
		}
		for i, h := range hits {
			if h.Probability < SearchFloor || i > 0 && h.Probability > hits[i-1].Probability ||
				!slices.Contains([]string{GradeCertain, GradeProbable, GradePossible}, h.Grade) {
				t.Fatalf("hit %d: %+v", i, h)
			}
		}
		for _, lookup := range []struct {
			fn    func(context.Context, Actor, string) ([]PersonView, error)
			value string
		}{{s.LookupCitizenID, citizen}, {s.LookupInsurance, insurance}, {s.LookupPhone, phone}} {
			if _, err := lookup.fn(ctx, doctor, lookup.value); err != nil {
				noEcho(t, err, lookup.value)
			}
		}
	})
}

// BenchmarkSearch measures a clinician's searches on a store of about
// 5,000 generated records: a name and birth year (one blocking key), a
// full query (several keys), and a look-up by phone.
func BenchmarkSearch(b *testing.B) {
	s := New(openBolt(b), Options{})
	raws := generated(b, 2000, 21)
	resolveAll(b, s, raws, 500)
	queries := raws[:200]
	partial := func(r matching.Raw) matching.Raw {
		return matching.Raw{FullName: r.FullName, FamilyName: r.FamilyName, MiddleName: r.MiddleName, GivenName: r.GivenName, BirthDate: r.BirthDate}
	}
	for _, bc := range []struct {
		name string
		run  func(r matching.Raw) (int, error)
	}{
		{"name+birth", func(r matching.Raw) (int, error) {
			hits, err := s.Search(b.Context(), doctor, partial(r), 0)
			return len(hits), err
		}},
		{"full", func(r matching.Raw) (int, error) {
			hits, err := s.Search(b.Context(), doctor, r, 0)
			return len(hits), err
		}},
		{"phone", func(r matching.Raw) (int, error) {
			views, err := s.LookupPhone(b.Context(), doctor, r.Phone)
			return len(views), err
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var n, found int
			for b.Loop() {
				k, err := bc.run(queries[n%len(queries)])
				if err != nil && !errors.Is(err, ErrInvalidArgument) {
					b.Fatal(err)
				}
				found += k
				n++
			}
			b.ReportMetric(float64(found)/float64(n), "hits/op")
		})
	}
}
