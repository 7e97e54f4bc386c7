package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	runWorkflowTests(t, []workflowTest{
		{"NewThenLinked", testNewThenLinked},
		{"Idempotent", testIdempotent},
		{"NewVersionReevaluated", testNewVersion},
		{"ConstraintsSurviveNewVersion", testConstraints},
		{"StrongMatchTwoPersonsLinksToNeither", testDuplicate},
		{"FarStrongerMatchLinksAndRaisesDuplicate", testDominant},
		{"FarStrongerMatchDeclaredDistinct", testDominantDistinct},
		{"ReviewBand", testReviewBand},
		{"Retract", testRetract},
		{"Batch", testBatch},
		{"BatchInvalid", testBatchInvalid},
		{"InvalidArgument", testInvalidArgument},
		{"ConcurrentSamePerson", testConcurrentSamePerson},
		{"Audited", testAudited},
	})
}

func testNewThenLinked(t *testing.T, open opener) {
	s := newService(t, open, Options{})
	a := resolve(t, s, anBV)
	if a.Decision != DecisionNew || !a.EID.Valid() || a.Version != 1 || a.TaskID != 0 {
		t.Fatalf("first record: %+v, want a new person", a)
	}
	b := resolve(t, s, anTYT)
	if b.Decision != DecisionLinked || b.EID != a.EID {
		t.Fatalf("second record: decision %q EID %s, want linked to %s", b.Decision, b.EID, a.EID)
	}
	if b.Probability < s.Model().Thresholds.Match || b.Explanation == nil || b.Candidates != 1 {
		t.Errorf("second record: probability %g, explanation %v, candidates %d", b.Probability, b.Explanation != nil, b.Candidates)
	}
	if h := resolve(t, s, hongBV); h.Decision != DecisionNew || h.EID == a.EID {
		t.Errorf("unrelated record: %q %s", h.Decision, h.EID)
	}
	p := person(t, s, a.EID)
	if p.Golden.Phone.Value != "0912345678" || p.Golden.Province.Value != "79" || p.Golden.Sex.Value != "male" {
		t.Errorf("golden record: %+v", p.Golden)
	}
	mustVerify(t, s)
}

func testIdempotent(t *testing.T, open opener) {
	s := newService(t, open, Options{})
	first := resolve(t, s, anBV)
	resolve(t, s, anTYT)
	before := counts(t, s)
	for _, raw := range []matching.Raw{
		anBV,
		func() matching.Raw { r := anBV; r.RecordedAt = "2026-03-15T10:00:00+07:00"; return r }(),
		func() matching.Raw { r := anBV; r.Source = " BV79001 "; return r }(),
	} {
		again := resolve(t, s, raw)
		want := Result{Key: keyOf(anBV), EID: first.EID, Decision: DecisionUnchanged, Version: 1}
		if diff := cmp.Diff(want, again); diff != "" {
			t.Errorf("re-send: mismatch (-want +got):\n%s", diff)
		}
	}
	if diff := cmp.Diff(before, counts(t, s)); diff != "" {
		t.Errorf("re-sends changed the store: mismatch (-want +got):\n%s", diff)
	}
	// A batch of re-sends writes nothing either.
	res, err := s.ResolveBatch(t.Context(), hub, []matching.Raw{anBV, anTYT})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Decision != DecisionUnchanged || r.EID != first.EID {
			t.Errorf("batch re-send %d: %q %s", i, r.Decision, r.EID)
		}
	}
	if diff := cmp.Diff(before, counts(t, s)); diff != "" {
		t.Errorf("batch re-send changed the store: mismatch (-want +got):\n%s", diff)
	}
}

func testNewVersion(t *testing.T, open opener) {
	s := newService(t, open, Options{})
	an := resolve(t, s, anBV).EID
	resolve(t, s, anTYT)
	hong := resolve(t, s, hongBV).EID

	// A corrected phone: still An.
	v2 := anTYT
	v2.Phone = "0912345679"
	r := resolve(t, s, v2)
	if r.Decision != DecisionLinked || r.EID != an || r.Version != 2 {
		t.Errorf("corrected version: %q %s v%d, want linked to %s v2", r.Decision, r.EID, r.Version, an)
	}

	// The station reused its local ID for Hồng: the record moves to her.
	v3 := withKey(hongPK, anTYT.Source, anTYT.LocalID)
	r = resolve(t, s, v3)
	if r.Decision != DecisionLinked || r.EID != hong || r.Version != 3 {
		t.Errorf("reused ID: %q %s v%d, want moved to %s v3", r.Decision, r.EID, r.Version, hong)
	}
	if got := person(t, s, an).Golden; got.Name.From != keyOf(anBV) || got.Phone.Value != "0912345678" {
		t.Errorf("An's golden record still uses the moved record: %+v", got)
	}

	// Now it describes someone nobody knows: a new person.
	v4 := withKey(matching.Raw{FullName: "Phạm Minh Khôi", BirthDate: "2012-01-30", Gender: "Nam",
		Province: "48", Phone: "0905 000 111"}, anTYT.Source, anTYT.LocalID)
	r = resolve(t, s, v4)
	if r.Decision != DecisionNew || r.EID == an || r.EID == hong || r.Version != 4 {
		t.Errorf("unknown person: %q %s v%d", r.Decision, r.EID, r.Version)
	}
	if g := person(t, s, hong).Golden; g.Name.From != keyOf(hongBV) {
		t.Errorf("Hồng's golden record after the record left: %+v", g)
	}

	// Every version is kept, and each was logged.
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		vs, err := tx.RecordVersions(ctx, keyOf(anTYT))
		if len(vs) != 4 {
			t.Errorf("%d versions, want 4", len(vs))
		}
		return err
	})
	mustVerify(t, s)
}

func testConstraints(t *testing.T, open opener) {
	s := newService(t, open, Options{})
	an := resolve(t, s, anBV).EID
	if r := resolve(t, s, anTYT); r.EID != an {
		t.Fatalf("setup: %s not linked to %s", keyOf(anTYT), an)
	}
	// A steward decides the station's record is not An (a cannot-link
	// constraint and a person of its own), and that Hồng's clinic record
	// belongs to An after all (a must-link, against the matcher).
	var own store.EID
	update(t, s, func(ctx context.Context, tx store.Tx) error {
		for _, c := range []store.Constraint{
			{Kind: store.CannotLink, Record: keyOf(anTYT), EID: an, Actor: steward.ID, Reason: "different patient", At: clockBase},
			{Kind: store.MustLink, Record: keyOf(hongPK), EID: an, Actor: steward.ID, Reason: "test", At: clockBase},
		} {
			if err := tx.PutConstraint(ctx, c); err != nil {
				return err
			}
		}
		p, err := s.newPerson(ctx, tx, steward, "unlink")
		if err != nil {
			return err
		}
		own = p.EID
		return s.setLink(ctx, tx, store.Link{Record: keyOf(anTYT), EID: own, Kind: store.LinkManual, Actor: steward.ID}, "unlink")
	})

	// A new version of the station record still matches An strongly; the
	// constraint keeps it out.
	v2 := anTYT
	v2.Address = "12 Nguyễn Trãi, P. Bến Thành, Q.1"
	r := resolve(t, s, v2)
	if r.EID != own || r.Decision != DecisionLinked {
		t.Errorf("new version of a cannot-link record: %q %s, want kept in %s", r.Decision, r.EID, own)
	}
	// The must-link record goes to An whatever its score, as a manual link,
	// and stays there in its next version.
	for i, raw := range []matching.Raw{hongPK, func() matching.Raw { r := hongPK; r.Phone = "0983111222"; return r }()} {
		r := resolve(t, s, raw)
		if r.EID != an || r.Decision != DecisionLinked {
			t.Errorf("must-link record, version %d: %q %s, want %s", i+1, r.Decision, r.EID, an)
		}
		view(t, s, func(ctx context.Context, tx store.Tx) error {
			l, err := tx.Link(ctx, keyOf(hongPK))
			if err == nil && l.Kind != store.LinkManual {
				t.Errorf("must-link record linked with kind %d, want manual", l.Kind)
			}
			return err
		})
	}
	// Hồng's own record does not follow: it is not constrained.
	if r := resolve(t, s, hongBV); r.EID == an {
		t.Errorf("unconstrained record linked to %s", an)
	}
	mustVerify(t, s)
}

// Two records of one man that the matcher keeps apart (different social
// insurance numbers: one person has one), and a third record, without
// the number, that matches both strongly.
var (
	minhBV  = matching.Raw{Source: "BV36002", LocalID: "M1", FullName: "Đỗ Quang Minh", Gender: "Nam", BirthDate: "1962-08-19", Phone: "0936 222 444", Province: "36", InsuranceNo: "HT3363621234567"}
	minhTYT = matching.Raw{Source: "TYT36011", LocalID: "M2", FullName: "Do Quang Minh", Gender: "Nam", BirthDate: "19/08/1962", Phone: "0936222444", Province: "Nam Định", InsuranceNo: "3698765432"}
	minhPK  = matching.Raw{Source: "PK36101", LocalID: "M3", FullName: "Đỗ Quang Minh", Gender: "Nam", BirthDate: "19620819", Phone: "0936222444", Province: "36"}
)

func testDuplicate(t *testing.T, open opener) {
	s := newService(t, open, Options{})
	x := resolve(t, s, minhBV)
	y := resolve(t, s, minhTYT)
	if y.Decision != DecisionReview || y.EID == x.EID || y.TaskID == 0 {
		t.Fatalf("record with another BHXH number: %+v, want a new person under review", y)
	}
	if tk := task(t, s, y.TaskID); tk.Kind != store.TaskPossibleMatch || len(tk.Candidates) != 1 || tk.Candidates[0].EID != x.EID {
		t.Errorf("review task: %+v", tk)
	}
	z := resolve(t, s, minhPK)
	if z.Decision != DecisionDuplicate || z.EID == x.EID || z.EID == y.EID || z.TaskID == 0 {
		t.Fatalf("record matching two persons: %+v, want a new person and a duplicate task", z)
	}
	tk := task(t, s, z.TaskID)
	var listed []store.EID
	for _, c := range tk.Candidates {
		listed = append(listed, c.EID)
		if c.Probability < s.Model().Thresholds.Match || len(c.Explanation) == 0 {
			t.Errorf("candidate %s: probability %g, explanation %d bytes", c.EID, c.Probability, len(c.Explanation))
		}
	}
	want := []store.EID{x.EID, y.EID}
	if cmp.Diff(want, listed) != "" && cmp.Diff([]store.EID{y.EID, x.EID}, listed) != "" {
		t.Errorf("duplicate task lists %v, want %v", listed, want)
	}
	if tk.Kind != store.TaskPossibleDuplicate || tk.Status != store.TaskOpen || tk.Record != keyOf(minhPK) {
		t.Errorf("duplicate task: kind %d status %d record %s", tk.Kind, tk.Status, tk.Record)
	}
	// Neither person gained the record.
	for _, eid := range []store.EID{x.EID, y.EID} {
		view(t, s, func(ctx context.Context, tx store.Tx) error {
			ls, err := tx.LinksTo(ctx, eid)
			if len(ls) != 1 {
				t.Errorf("person %s has %d links, want 1", eid, len(ls))
			}
			return err
		})
	}
	mustVerify(t, s)
}

// haFull is Hà's hospital record again from another hospital, with the
// phone of her insurance claim: it matches her hospital record on name,
// birth date, sex, province and street, and the claim on name, sex and
// phone only.
var haFull = matching.Raw{Source: "BV36001", LocalID: "H-7", FullName: "Phạm Thị Thu Hà", Gender: "Nữ",
	BirthDate: "1985-03-12", Province: "36", Address: "8 Trần Hưng Đạo", Phone: "0912777031"}

// testDominant: Hà's hospital record and her insurance claim are two
// persons (they share only name and sex). A record that matches both
// strongly but the hospital person far more strongly — the probability it
// is hers rather than the claim's person's reaches the match threshold —
// links to the hospital person, and the claim's person becomes a possible
// duplicate of it: a task for a steward, nothing merged.
func testDominant(t *testing.T, open opener) {
	// By default the ingest contract holds: strongly matching two persons,
	// however unequally, the record links to neither.
	s0 := newService(t, open, Options{})
	resolve(t, s0, haHospital)
	resolve(t, s0, haClaims)
	if res := resolve(t, s0, haFull); res.Decision != DecisionDuplicate || res.TaskID == 0 {
		t.Fatalf("without LinkDominant: %+v; want a duplicate with a task", res)
	}

	s := newService(t, open, Options{LinkDominant: true})
	p1 := resolve(t, s, haHospital).EID
	p2 := resolve(t, s, haClaims).EID
	if p1 == p2 {
		t.Fatal("setup: Hà's hospital record and claim on one person")
	}
	w1 := s.Model().Score(normalized(haFull), normalized(haHospital))
	w2 := s.Model().Score(normalized(haFull), normalized(haClaims))
	if w1.Decision != matching.Match || w2.Decision != matching.Match || w1.Weight-w2.Weight < 4 {
		t.Fatalf("setup: weights %.1f (%v) and %.1f (%v); want two matches, the first 4 bits or more stronger", w1.Weight, w1.Decision, w2.Weight, w2.Decision)
	}
	res := resolve(t, s, haFull)
	if res.Decision != DecisionLinked || res.EID != p1 || res.TaskID == 0 {
		t.Fatalf("record matching %s far more strongly than %s: %+v; want linked to %s with a task", p1, p2, res, p1)
	}
	tk := task(t, s, res.TaskID)
	want := []store.EID{p1, p2}
	slices.Sort(want)
	if diff := cmp.Diff(want, candidateEIDs(tk)); diff != "" || tk.Kind != store.TaskPossibleDuplicate || tk.Record != keyOf(haFull) {
		t.Errorf("task: kind %d record %s; candidates mismatch (-want +got):\n%s", tk.Kind, tk.Record, diff)
	}
	if e := linkOf(t, s, keyOf(haClaims)); e != p2 {
		t.Errorf("the claim moved to %s; want it left on %s", e, p2)
	}
	if p := person(t, s, p2); p.MergedInto != "" {
		t.Errorf("%s merged into %s automatically", p2, p.MergedInto)
	}
	mustVerify(t, s)
}

// testDominantDistinct: with LinkDominant, once a steward declared the two
// persons distinct, the record still links to the far stronger one, with no task.
func testDominantDistinct(t *testing.T, open opener) {
	s, p1, p2, _, id := duplicateTask(t, open)
	s.linkDominant = true // Options.LinkDominant
	ctx := t.Context()
	if _, err := s.ResolveTask(ctx, steward, id, TaskResolution{Outcome: OutcomeDistinct}, "two women"); err != nil {
		t.Fatal(err)
	}
	// The clinic record, which matched both alike, leaves.
	if _, err := s.Retract(ctx, hub, keyOf(haClinic), "sent in error"); err != nil {
		t.Fatal(err)
	}
	res := resolve(t, s, haFull)
	if res.Decision != DecisionLinked || res.EID != p1 || res.TaskID != 0 {
		t.Errorf("record matching %s far more strongly than %s (declared distinct): %+v; want linked to %s, no task", p1, p2, res, p1)
	}
	mustVerify(t, s)
}

func testReviewBand(t *testing.T, open opener) {
	s := newService(t, open, Options{})
	an := resolve(t, s, anBV).EID
	r := resolve(t, s, tanPK)
	if r.Decision != DecisionReview || r.EID == an || r.TaskID == 0 {
		t.Fatalf("review-band record: %+v", r)
	}
	if r.Explanation == nil || r.Explanation.Decision != matching.Review || r.Probability != r.Explanation.Probability {
		t.Errorf("result explanation: %+v (probability %g)", r.Explanation, r.Probability)
	}
	tk := task(t, s, r.TaskID)
	if tk.Kind != store.TaskPossibleMatch || len(tk.Candidates) != 1 || tk.Candidates[0].EID != an {
		t.Fatalf("task: %+v", tk)
	}
	var e struct { // matching.Decision has no UnmarshalText
		Decision    string
		Probability float64
		Fields      []json.RawMessage
	}
	if err := json.Unmarshal(tk.Candidates[0].Explanation, &e); err != nil {
		t.Fatalf("task explanation: %v", err)
	}
	if e.Decision != "review" || len(e.Fields) == 0 || e.Probability != tk.Candidates[0].Probability {
		t.Errorf("task explanation: %+v", e)
	}
	var n int
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		evs, err := tx.Events(ctx, store.EventFilter{Record: keyOf(tanPK)})
		for _, ev := range evs {
			if ev.Kind == store.EventTaskOpened && ev.TaskID == r.TaskID {
				n++
			}
		}
		return err
	})
	if n != 1 {
		t.Errorf("%d task.opened events for the task, want 1", n)
	}
	mustVerify(t, s)
}

func testRetract(t *testing.T, open opener) {
	s := newService(t, open, Options{})
	an := resolve(t, s, anBV).EID
	resolve(t, s, anTYT)
	r, err := s.Retract(t.Context(), hub, keyOf(anBV), "entered in error")
	if err != nil {
		t.Fatal(err)
	}
	want := Result{Key: keyOf(anBV), EID: an, Decision: DecisionRetracted, Version: 2}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("Retract: mismatch (-want +got):\n%s", diff)
	}
	if l := linkOf(t, s, keyOf(anBV)); l != "" {
		t.Errorf("retracted record still linked to %s", l)
	}
	if g := person(t, s, an).Golden; g.Name.From != keyOf(anTYT) || g.Address.From != keyOf(anTYT) {
		t.Errorf("golden record after retraction: %+v", g)
	}
	// Retracting again writes nothing.
	before := counts(t, s)
	if r2, err := s.Retract(t.Context(), hub, keyOf(anBV), "again"); err != nil || r2.Version != 2 || r2.EID != an {
		t.Errorf("second Retract: %+v, %v", r2, err)
	}
	if diff := cmp.Diff(before, counts(t, s)); diff != "" {
		t.Errorf("second Retract wrote: (-want +got):\n%s", diff)
	}
	mustVerify(t, s)
	// The record sent again comes back as a new version, linked again.
	r = resolve(t, s, anBV)
	if r.Decision != DecisionLinked || r.EID != an || r.Version != 3 {
		t.Errorf("re-sent after retraction: %+v", r)
	}
	if _, err := s.Retract(t.Context(), hub, store.RecordKey{Source: "BV79001", LocalID: "nope"}, ""); !errors.Is(err, ErrNotFound) || !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Retract of an unknown record: %v, want ErrNotFound", err)
	}
	mustVerify(t, s)
}

func testBatch(t *testing.T, open opener) {
	s := newService(t, open, Options{})
	an2 := anBV
	an2.Phone = "0912345670"
	res, err := s.ResolveBatch(t.Context(), hub, []matching.Raw{anBV, hongBV, anTYT, an2, hongPK, tanPK})
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		Decision string
		Same     int // index of the first result with this EID
		Version  int32
	}
	want := []got{
		{DecisionNew, 0, 1},
		{DecisionNew, 1, 1},
		{DecisionLinked, 0, 1}, // sees anBV, resolved before it in the batch
		{DecisionLinked, 0, 2}, // a second version of anBV
		{DecisionLinked, 1, 1},
		{DecisionReview, 5, 1},
	}
	var gots []got
	for _, r := range res {
		g := got{Decision: r.Decision, Version: r.Version}
		for j := range res {
			if res[j].EID == r.EID {
				g.Same = j
				break
			}
		}
		gots = append(gots, g)
	}
	if diff := cmp.Diff(want, gots); diff != "" {
		t.Errorf("batch: mismatch (-want +got):\n%s", diff)
	}
	c := counts(t, s)
	if c.Records != 5 || c.ActivePersons != 3 || c.OpenTasks != 1 {
		t.Errorf("counts after the batch: %+v", c)
	}
	mustVerify(t, s)
}

func testBatchInvalid(t *testing.T, open opener) {
	s := newService(t, open, Options{})
	bad := hongPK
	bad.LocalID = "  "
	_, err := s.ResolveBatch(t.Context(), hub, []matching.Raw{anBV, anTYT, bad})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "records[2].local_id" || !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("batch with an empty local ID: %v, want a FieldError for records[2].local_id", err)
	}
	if c := counts(t, s); c.Records != 0 || c.Events != 0 {
		t.Errorf("a refused batch wrote: %+v", c)
	}
}

func testInvalidArgument(t *testing.T, open opener) {
	s := newService(t, open, Options{})
	long := anBV
	long.FullName = strings.Repeat("Nguyễn ", 300)
	badUTF8 := anBV
	badUTF8.Address = "12 Nguy\xffn Trãi"
	for _, tc := range []struct {
		name  string
		actor Actor
		raw   matching.Raw
		field string
	}{
		{"no actor", Actor{}, anBV, "actor"},
		{"no source", hub, withKey(anBV, "", "1"), "source"},
		{"no local ID", hub, withKey(anBV, "BV79001", ""), "local_id"},
		{"control character", hub, withKey(anBV, "BV79001", "1\n2"), "local_id"},
		{"long name", hub, long, "full_name"},
		{"invalid UTF-8", hub, badUTF8, "address"},
	} {
		_, err := s.Resolve(t.Context(), tc.actor, tc.raw)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: %v, want a FieldError for %s", tc.name, err, tc.field)
			continue
		}
		if strings.Contains(err.Error(), "Nguy") {
			t.Errorf("%s: error carries patient data: %v", tc.name, err)
		}
	}
	if c := counts(t, s); c.Records != 0 {
		t.Errorf("invalid records were stored: %+v", c)
	}
}

// testConcurrentSamePerson: 100 hubs send the same new person at once,
// each under its own source code. They must end with one EID.
func testConcurrentSamePerson(t *testing.T, open opener) {
	s := newService(t, open, Options{})
	const n = 100
	res := make([]Result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			res[i], errs[i] = s.Resolve(t.Context(), hub, withKey(hongBV, fmt.Sprintf("TYT01%03d", i), "HS-1"))
		})
	}
	close(start)
	wg.Wait()
	eids := make(map[store.EID]int)
	for i := range n {
		if errs[i] != nil {
			t.Errorf("hub %d: %v", i, errs[i])
			continue
		}
		eids[res[i].EID]++
	}
	if len(eids) != 1 {
		t.Errorf("%d EIDs for one person: %v", len(eids), eids)
	}
	c := counts(t, s)
	if c.Persons != 1 || c.Links != n || c.OpenTasks != 0 {
		t.Errorf("counts: %+v, want 1 person, %d links, no tasks", c, n)
	}
	mustVerify(t, s)
}

func testAudited(t *testing.T, open opener) {
	s := newService(t, open, Options{})
	ctx := WithRequestID(t.Context(), "req-42")
	r, err := s.Resolve(ctx, hub, anBV)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Resolve(ctx, hub, withKey(anBV, "", "")); err == nil {
		t.Fatal("Resolve without a key succeeded")
	}
	log, err := s.store.AuditLog(t.Context(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	type entry struct {
		Actor, Role, Action, RequestID, Outcome string
		EIDs                                    []store.EID
		Records                                 []store.RecordKey
	}
	var got []entry
	for _, e := range log {
		got = append(got, entry{e.Actor, e.Role, e.Action, e.RequestID, e.Outcome, e.EIDs, e.Records})
	}
	want := []entry{
		{hub.ID, hub.Role, "resolve", "req-42", "ok", []store.EID{r.EID}, []store.RecordKey{keyOf(anBV)}},
		{hub.ID, hub.Role, "resolve", "req-42", "invalid_argument", nil, nil},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("audit log: mismatch (-want +got):\n%s", diff)
	}
}
