package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/matching/synth"
	"github.com/vnhealth/mpi/store"
)

// Made-up records of Phạm Thị Thu Hà: a hospital record with her birth
// date and province, a claims record with only her phone and insurance
// card (no blocking key in common with the first: a person of its own),
// and a clinic record holding both kinds of field, which matches both
// persons strongly — a possible duplicate.
var (
	haHospital = matching.Raw{Source: "BV36002", LocalID: "H-1", FullName: "Phạm Thị Thu Hà", Gender: "Nữ",
		BirthDate: "12/03/1985", Province: "36", Address: "8 Trần Hưng Đạo"}
	haClaims = matching.Raw{Source: "BHXH-CLAIMS", LocalID: "C-88", FullName: "Phạm Thị Thu Hà", Gender: "F",
		Phone: "0912 777 031", InsuranceNo: "GD4363621234567"}
	haClinic = matching.Raw{Source: "PK36101", LocalID: "K-5", FullName: "Pham Thi Thu Ha", Gender: "F",
		BirthDate: "1985-03-12", Province: "36", Phone: "+84 912 777 031"}
	// hongTypo is Hồng's record at another clinic with one digit of her
	// CCCD mistyped: the different_citizen_id guard rail keeps it apart.
	hongTypo = matching.Raw{Source: "PK01102", LocalID: "X9", FullName: "Lê Thị Hồng", Gender: "Nữ",
		BirthDate: "1978-11-02", CitizenID: "001178009875", Province: "01"}
)

var otherSteward = Actor{ID: "steward-binh", Role: "steward"}

func TestSteward(t *testing.T) {
	t.Parallel()
	runWorkflowTests(t, []workflowTest{
		{"UnlinkLink", testUnlinkLink},
		{"StewardErrors", testStewardErrors},
		{"MergeUnmerge", testMergeUnmerge},
		{"MergeRefused", testMergeRefused},
		{"MergeGuardRail", testMergeGuardRail},
		{"MergeCannotLink", testMergeCannotLink},
		{"UnmergeAfterChanges", testUnmergeAfterChanges},
		{"TaskLink", testTaskLink},
		{"TaskNewPerson", testTaskNewPerson},
		{"TaskMerge", testTaskMerge},
		{"TaskDistinct", testTaskDistinct},
		{"History", testHistory},
	})
}

// stewardSetup resolves An's two records (one person) and Hồng's two
// (another) and returns the service and the two EIDs.
func stewardSetup(t *testing.T, open opener) (s *Service, an, hong store.EID) {
	t.Helper()
	s = newService(t, open, Options{})
	an = resolve(t, s, anBV).EID
	if got := resolve(t, s, anTYT).EID; got != an {
		t.Fatalf("An's records on %s and %s; the tests need them on one person", an, got)
	}
	hong = resolve(t, s, hongBV).EID
	if got := resolve(t, s, hongPK).EID; got != hong {
		t.Fatalf("Hồng's records on %s and %s; the tests need them on one person", hong, got)
	}
	return s, an, hong
}

func constraintsOf(t testing.TB, s *Service, k store.RecordKey) []store.Constraint {
	t.Helper()
	var cs []store.Constraint
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		cs, err = tx.Constraints(ctx, k)
		return err
	})
	slices.SortFunc(cs, func(a, b store.Constraint) int { return cmp.Compare(a.EID, b.EID) })
	return cs
}

// constraintKinds summarises a record's constraints as "kind:EID".
func constraintKinds(t testing.TB, s *Service, k store.RecordKey) []string {
	t.Helper()
	var out []string
	for _, c := range constraintsOf(t, s, k) {
		name := map[store.ConstraintKind]string{store.MustLink: "must", store.CannotLink: "cannot"}[c.Kind]
		out = append(out, name+":"+string(c.EID))
	}
	return out
}

func activeLink(t testing.TB, s *Service, k store.RecordKey) store.Link {
	t.Helper()
	var l store.Link
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		l, err = tx.Link(ctx, k)
		return err
	})
	return l
}

// auditActions returns the audit entries of one action.
func auditActions(t testing.TB, s *Service, action string) []store.AuditEntry {
	t.Helper()
	es, err := s.Store().AuditLog(t.Context(), store.AuditFilter{Action: action})
	if err != nil {
		t.Fatalf("AuditLog: %v", err)
	}
	return es
}

func wantErr(t testing.TB, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

func wantField(t testing.TB, what string, err error, field string) {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != field {
		t.Fatalf("%s: error %v, want a FieldError on %q", what, err, field)
	}
}

func testUnlinkLink(t *testing.T, open opener) {
	s, an, _ := stewardSetup(t, open)
	ctx := t.Context()
	tyt := keyOf(anTYT)

	neu, err := s.Unlink(ctx, steward, tyt, "different mother's name on the ID card")
	if err != nil {
		t.Fatalf("Unlink: %v", err)
	}
	if neu == an || !neu.Valid() {
		t.Fatalf("Unlink returned %q; want a new EID other than %s", neu, an)
	}
	if l := activeLink(t, s, tyt); l.EID != neu || l.Kind != store.LinkManual || l.Actor != steward.ID {
		t.Errorf("after Unlink the link is %+v; want a manual link to %s by %s", l, neu, steward.ID)
	}
	if diff := gocmp.Diff([]string{"cannot:" + string(an)}, constraintKinds(t, s, tyt)); diff != "" {
		t.Errorf("constraints after Unlink mismatch (-want +got):\n%s", diff)
	}
	mustVerify(t, s)

	// Re-matching a new version never puts it back.
	moved := anTYT
	moved.Address = "14 Nguyen Trai"
	if res := resolve(t, s, moved); res.EID == an {
		t.Errorf("a new version after Unlink went back to %s (%s)", an, res.Decision)
	}

	live, err := s.Link(ctx, steward, tyt, an, "same mother's name after all")
	if err != nil {
		t.Fatalf("Link: %v", err)
	}
	if live != an {
		t.Errorf("Link returned %s, want %s", live, an)
	}
	l := activeLink(t, s, tyt)
	if l.EID != an || l.Kind != store.LinkManual || l.Probability < 0.9 {
		t.Errorf("after Link the link is %+v; want manual to %s scored against anBV", l, an)
	}
	if diff := gocmp.Diff([]string{"must:" + string(an)}, constraintKinds(t, s, tyt)); diff != "" {
		t.Errorf("constraints after Link mismatch (-want +got):\n%s", diff)
	}
	// Linking again changes nothing.
	before := counts(t, s).Events
	if _, err := s.Link(ctx, steward, tyt, an, "again"); err != nil {
		t.Fatalf("Link again: %v", err)
	}
	if after := counts(t, s).Events; after != before {
		t.Errorf("a repeated Link appended %d events", after-before)
	}
	mustVerify(t, s)

	for _, action := range []string{"link", "unlink"} {
		es := auditActions(t, s, action)
		if len(es) == 0 || es[0].Actor != steward.ID || es[0].Outcome != OutcomeOK || !slices.Contains(es[0].Records, tyt) {
			t.Errorf("audit of %s: %+v; want an ok entry by %s naming %s", action, es, steward.ID, tyt)
		}
	}
}

func testStewardErrors(t *testing.T, open opener) {
	s, an, _ := stewardSetup(t, open)
	ctx := t.Context()
	unknown, _ := store.EIDFromSeq(987_654)
	missing := store.RecordKey{Source: "BV00000", LocalID: "none"}
	// Hồng's clinic record leaves her: her hospital record is then her
	// person's only one.
	if _, err := s.Unlink(ctx, steward, keyOf(hongPK), "r"); err != nil {
		t.Fatalf("Unlink: %v", err)
	}
	tests := []struct {
		name  string
		err   error
		want  error
		field string // for ErrInvalidArgument: the FieldError's field
	}{
		{"link without actor", second(s.Link(ctx, Actor{}, keyOf(anBV), an, "r")), ErrInvalidArgument, "actor"},
		{"link without reason", second(s.Link(ctx, steward, keyOf(anBV), an, "  ")), ErrInvalidArgument, "reason"},
		{"link malformed EID", second(s.Link(ctx, steward, keyOf(anBV), "K7Q2-M9XP-5", "r")), ErrInvalidArgument, "eid"},
		{"link without source", second(s.Link(ctx, steward, store.RecordKey{LocalID: "1"}, an, "r")), ErrInvalidArgument, "record.source"},
		{"link unknown record", second(s.Link(ctx, steward, missing, an, "r")), ErrNotFound, ""},
		{"link unknown person", second(s.Link(ctx, steward, keyOf(anBV), unknown, "r")), ErrNotFound, ""},
		{"unlink only record", second(s.Unlink(ctx, steward, keyOf(hongBV), "r")), ErrFailedPrecondition, ""},
		{"unlink unknown record", second(s.Unlink(ctx, steward, missing, "r")), ErrNotFound, ""},
		{"unlink without reason", second(s.Unlink(ctx, steward, keyOf(anBV), "")), ErrInvalidArgument, "reason"},
		{"claim task 0", second(s.ClaimTask(ctx, steward, 0)), ErrInvalidArgument, "id"},
		{"claim unknown task", second(s.ClaimTask(ctx, steward, 99)), ErrNotFound, ""},
		{"resolve unknown task", second(s.ResolveTask(ctx, steward, 99, TaskResolution{Outcome: OutcomeDistinct}, "r")), ErrNotFound, ""},
		{"resolve without outcome", second(s.ResolveTask(ctx, steward, 1, TaskResolution{}, "r")), ErrInvalidArgument, "outcome"},
		{"resolve bad outcome", second(s.ResolveTask(ctx, steward, 1, TaskResolution{Outcome: "maybe"}, "r")), ErrInvalidArgument, "outcome"},
		{"resolve merge into itself", second(s.ResolveTask(ctx, steward, 1, TaskResolution{Outcome: OutcomeMerge, Loser: an, Survivor: an}, "r")), ErrInvalidArgument, "survivor"},
		{"tasks malformed EID", second(s.Tasks(ctx, steward, store.TaskFilter{EID: "nope"})), ErrInvalidArgument, "eid"},
		{"history malformed EID", second(s.History(ctx, steward, "12")), ErrInvalidArgument, "eid"},
		{"history unknown person", second(s.History(ctx, steward, unknown)), ErrNotFound, ""},
	}
	for _, tc := range tests {
		if tc.field != "" {
			wantField(t, tc.name, tc.err, tc.field)
		} else {
			wantErr(t, tc.name, tc.err, tc.want)
		}
		if strings.Contains(tc.err.Error(), "Hồng") || strings.Contains(tc.err.Error(), "An ") {
			t.Errorf("%s: error carries patient data: %v", tc.name, tc.err)
		}
	}
	mustVerify(t, s)
}

// second returns the error of a two-result call.
func second[T any](_ T, err error) error { return err }

func testMergeUnmerge(t *testing.T, open opener) {
	s, an, _ := stewardSetup(t, open)
	ctx := t.Context()
	// Nguyễn Văn An of another hospital, without phone or address: a
	// person of his own, compatible with An's.
	anHN := matching.Raw{Source: "BV79003", LocalID: "7", FullName: "Nguyễn Văn An", Gender: "Nam", BirthDate: "1990", Province: "75"}
	other := resolve(t, s, anHN).EID
	if other == an {
		t.Fatalf("the third An record linked to %s; the test needs a person of its own", an)
	}
	before := snapshot(t, s)
	prev := activeLink(t, s, keyOf(anHN))
	if err := s.Merge(ctx, steward, other, an, "same man: the hospital had no birth date"); err != nil {
		t.Fatalf("Merge: %v", err)
	}
	if p := person(t, s, other); p.Status != store.PersonMerged || p.MergedInto != an {
		t.Errorf("loser after Merge: status %d into %q; want merged into %s", p.Status, p.MergedInto, an)
	}
	if l := activeLink(t, s, keyOf(anHN)); l.EID != an || l.Kind != store.LinkManual {
		t.Errorf("moved record's link %+v; want manual to %s", l, an)
	}
	v, err := s.Person(ctx, steward, other)
	if err != nil {
		t.Fatalf("Person(loser): %v", err)
	}
	if v.Asked != other || v.EID != an || len(v.Records) != 3 {
		t.Errorf("Person(loser) = asked %s, live %s, %d records; want %s → %s with 3", v.Asked, v.EID, len(v.Records), other, an)
	}
	var evs []store.Event
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		evs, err = tx.Events(ctx, store.EventFilter{EID: other})
		return err
	})
	var md MergeData
	for _, e := range evs {
		if e.Kind == store.EventMerged {
			if err := json.Unmarshal(e.Data, &md); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := MergeData{Loser: other, Survivor: an, Moved: []MovedLink{MovedFrom(prev)}}
	if diff := gocmp.Diff(want, md); diff != "" {
		t.Errorf("merge event data mismatch (-want +got):\n%s", diff)
	}
	mustVerify(t, s)

	if err := s.Unmerge(ctx, steward, other, "the hospital's record is his father's"); err != nil {
		t.Fatalf("Unmerge: %v", err)
	}
	if diff := gocmp.Diff(before, snapshot(t, s)); diff != "" {
		t.Errorf("store after merge and unmerge mismatch (-before +after):\n%s", diff)
	}
	mustVerify(t, s)
	wantErr(t, "unmerge again", s.Unmerge(ctx, steward, other, "again"), ErrFailedPrecondition)
	for _, action := range []string{"merge", "unmerge"} {
		es := auditActions(t, s, action)
		if len(es) == 0 || !slices.Contains(es[0].EIDs, other) || !slices.Contains(es[0].EIDs, an) {
			t.Errorf("audit of %s: %+v; want an entry naming %s and %s", action, es, other, an)
		}
	}
}

func testMergeRefused(t *testing.T, open opener) {
	s, an, hong := stewardSetup(t, open)
	ctx := t.Context()
	unknown, _ := store.EIDFromSeq(987_654)

	err := s.Merge(ctx, steward, hong, an, "looks alike")
	wantErr(t, "merge of two different people", err, ErrFailedPrecondition)
	if !strings.Contains(err.Error(), "refused") || strings.Contains(err.Error(), "Hồng") {
		t.Errorf("refusal %q should name the veto and no patient data", err)
	}
	if p := person(t, s, hong); p.Status != store.PersonActive {
		t.Fatalf("a refused merge changed the loser: %+v", p)
	}
	wantField(t, "merge into itself", s.Merge(ctx, steward, an, an, "r"), "survivor")
	wantField(t, "merge without reason", s.Merge(ctx, steward, hong, an, ""), "reason")
	wantField(t, "merge malformed loser", s.Merge(ctx, steward, "hello", an, "r"), "loser")
	wantErr(t, "merge unknown person", s.Merge(ctx, steward, unknown, an, "r"), ErrNotFound)
	wantErr(t, "unmerge a live person", s.Unmerge(ctx, steward, an, "r"), ErrFailedPrecondition)

	if err := s.Merge(ctx, steward, hong, an, "steward is sure", ForceMerge); err != nil {
		t.Fatalf("forced Merge: %v", err)
	}
	third := resolve(t, s, tanPK).EID
	wantErr(t, "merge a merged person", s.Merge(ctx, steward, hong, third, "r", ForceMerge), ErrFailedPrecondition)
	wantErr(t, "merge into a merged person", s.Merge(ctx, steward, third, hong, "r", ForceMerge), ErrFailedPrecondition)
	mustVerify(t, s)
}

func testMergeGuardRail(t *testing.T, open opener) {
	s, _, hong := stewardSetup(t, open)
	ctx := t.Context()
	typo := resolve(t, s, hongTypo).EID
	if typo == hong {
		t.Fatalf("a record with another valid CCCD linked to %s automatically", hong)
	}
	before := snapshot(t, s)
	err := s.Merge(ctx, steward, typo, hong, "one digit of the CCCD mistyped")
	wantErr(t, "merge across two CCCDs", err, ErrFailedPrecondition)
	if !strings.Contains(err.Error(), "different_citizen_id") {
		t.Errorf("refusal %q should name the guard rail", err)
	}
	if err := s.Merge(ctx, steward, typo, hong, "CCCD card seen at the desk: the clinic mistyped it", ForceMerge); err != nil {
		t.Fatalf("forced Merge: %v", err)
	}
	ev := lastEvent(t, s, hong, store.EventMerged)
	var d MergeData
	if err := json.Unmarshal(ev.Data, &d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Forced, "different_citizen_id") || ev.Actor != steward.ID || !strings.Contains(ev.Reason, "desk") {
		t.Errorf("merge event %+v (forced %q); want the overridden guard rail, the steward and the reason", ev, d.Forced)
	}
	mustVerify(t, s)
	if err := s.Unmerge(ctx, steward, typo, "undo"); err != nil {
		t.Fatalf("Unmerge: %v", err)
	}
	if diff := gocmp.Diff(before, snapshot(t, s)); diff != "" {
		t.Errorf("store after forced merge and unmerge mismatch (-before +after):\n%s", diff)
	}
	mustVerify(t, s)
}

func lastEvent(t testing.TB, s *Service, eid store.EID, kind store.EventKind) store.Event {
	t.Helper()
	var out store.Event
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		evs, err := tx.Events(ctx, store.EventFilter{EID: eid})
		for _, e := range evs {
			if e.Kind == kind {
				out = e
			}
		}
		return err
	})
	if out.Seq == 0 {
		t.Fatalf("no %s event for %s", kind, eid)
	}
	return out
}

func testMergeCannotLink(t *testing.T, open opener) {
	s, an, _ := stewardSetup(t, open)
	ctx := t.Context()
	q, err := s.Unlink(ctx, steward, keyOf(anTYT), "not the same An")
	if err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, s)
	err = s.Merge(ctx, steward, q, an, "same An after all")
	wantErr(t, "merge across a cannot-link", err, ErrFailedPrecondition)
	if !strings.Contains(err.Error(), "cannot_link") {
		t.Errorf("refusal %q should name the constraint", err)
	}
	if err := s.Merge(ctx, steward, q, an, "same An after all", ForceMerge); err != nil {
		t.Fatalf("forced Merge: %v", err)
	}
	if got := constraintKinds(t, s, keyOf(anTYT)); len(got) != 0 {
		t.Errorf("a forced merge left the constraints %v in its way", got)
	}
	// The merge event holds what the unmerge puts back.
	var d MergeData
	if err := json.Unmarshal(lastEvent(t, s, an, store.EventMerged).Data, &d); err != nil {
		t.Fatal(err)
	}
	var removed []string
	for _, c := range d.Constraints {
		removed = append(removed, fmt.Sprintf("%s %d %s %s", c.Record, c.Kind, c.EID, c.Actor))
	}
	want := []string{fmt.Sprintf("%s %d %s %s", keyOf(anTYT), store.CannotLink, an, steward.ID)}
	if diff := gocmp.Diff(want, removed); diff != "" || !strings.Contains(d.Forced, "cannot_link") {
		t.Errorf("merge event: forced %q, removed constraints mismatch (-want +got):\n%s", d.Forced, diff)
	}
	mustVerify(t, s)
	if err := s.Unmerge(ctx, steward, q, "they differ"); err != nil {
		t.Fatalf("Unmerge: %v", err)
	}
	if diff := gocmp.Diff(before, snapshot(t, s)); diff != "" {
		t.Errorf("store after merge and unmerge mismatch (-before +after):\n%s", diff)
	}
	mustVerify(t, s)
}

func testUnmergeAfterChanges(t *testing.T, open opener) {
	ctx := t.Context()
	t.Run("record moved since", func(t *testing.T) {
		s, an, hong := stewardSetup(t, open)
		if err := s.Merge(ctx, steward, hong, an, "r", ForceMerge); err != nil {
			t.Fatal(err)
		}
		third := resolve(t, s, tanPK).EID
		if _, err := s.Link(ctx, steward, keyOf(hongPK), third, "belongs elsewhere"); err != nil {
			t.Fatal(err)
		}
		err := s.Unmerge(ctx, steward, hong, "undo")
		wantErr(t, "unmerge with a record moved", err, ErrFailedPrecondition)
		if !strings.Contains(err.Error(), keyOf(hongPK).String()) {
			t.Errorf("refusal %q should name the record", err)
		}
		mustVerify(t, s)
	})
	t.Run("survivor merged since", func(t *testing.T) {
		s, an, hong := stewardSetup(t, open)
		before := snapshot(t, s)
		third := resolve(t, s, tanPK).EID
		beforeThird := snapshot(t, s)
		_ = before
		if err := s.Merge(ctx, steward, hong, an, "r", ForceMerge); err != nil {
			t.Fatal(err)
		}
		if err := s.Merge(ctx, steward, an, third, "r", ForceMerge); err != nil {
			t.Fatal(err)
		}
		if v, err := s.Person(ctx, steward, hong); err != nil || v.EID != third {
			t.Errorf("Person(%s) through two redirects = %s, %v; want %s", hong, v.EID, err, third)
		}
		err := s.Unmerge(ctx, steward, hong, "undo")
		wantErr(t, "unmerge under a later merge", err, ErrFailedPrecondition)
		if !strings.Contains(err.Error(), string(an)) {
			t.Errorf("refusal %q should name the survivor merged since", err)
		}
		if err := s.Unmerge(ctx, steward, an, "undo"); err != nil {
			t.Fatal(err)
		}
		if err := s.Unmerge(ctx, steward, hong, "undo"); err != nil {
			t.Fatal(err)
		}
		if diff := gocmp.Diff(beforeThird, snapshot(t, s)); diff != "" {
			t.Errorf("store after two merges undone mismatch (-before +after):\n%s", diff)
		}
		mustVerify(t, s)
	})
	t.Run("record retracted since", func(t *testing.T) {
		s, an, hong := stewardSetup(t, open)
		if err := s.Merge(ctx, steward, hong, an, "r", ForceMerge); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Retract(ctx, hub, keyOf(hongPK), "sent in error"); err != nil {
			t.Fatal(err)
		}
		if err := s.Unmerge(ctx, steward, hong, "undo"); err != nil {
			t.Fatalf("Unmerge: %v", err)
		}
		if got := linkOf(t, s, keyOf(hongBV)); got != hong {
			t.Errorf("hongBV on %s after unmerge, want %s", got, hong)
		}
		if got := linkOf(t, s, keyOf(hongPK)); got != "" {
			t.Errorf("retracted hongPK linked to %s after unmerge", got)
		}
		mustVerify(t, s)
	})
}

// reviewTask resolves An's hospital record, then Trần Văn An's, which
// scores in the review band against An: a possible-match task.
func reviewTask(t *testing.T, open opener) (s *Service, an, tan store.EID, id int64) {
	t.Helper()
	s = newService(t, open, Options{})
	an = resolve(t, s, anBV).EID
	res := resolve(t, s, tanPK)
	if res.Decision != DecisionReview || res.TaskID == 0 {
		t.Fatalf("Trần Văn An: %s, task %d; the test needs a review task", res.Decision, res.TaskID)
	}
	return s, an, res.EID, res.TaskID
}

func testTaskLink(t *testing.T, open opener) {
	s, an, tan, id := reviewTask(t, open)
	ctx := t.Context()
	_ = resolve(t, s, hongBV)

	open1, err := s.Tasks(ctx, steward, store.TaskFilter{Status: store.TaskOpen})
	if err != nil || len(open1) != 1 || open1[0].ID != id {
		t.Fatalf("Tasks(open) = %+v, %v; want task %d", open1, err, id)
	}
	tk, err := s.ClaimTask(ctx, steward, id)
	if err != nil || tk.Status != store.TaskClaimed || tk.Assignee != steward.ID {
		t.Fatalf("ClaimTask = %+v, %v", tk, err)
	}
	if _, err := s.ClaimTask(ctx, steward, id); err != nil {
		t.Errorf("claiming one's own task again: %v", err)
	}
	wantErr(t, "claim by another", second(s.ClaimTask(ctx, otherSteward, id)), ErrFailedPrecondition)
	wantErr(t, "resolve by another", second(s.ResolveTask(ctx, otherSteward, id, TaskResolution{Outcome: OutcomeLink, EID: an}, "r")), ErrFailedPrecondition)
	wantField(t, "merge outcome on a possible match", second(s.ResolveTask(ctx, steward, id, TaskResolution{Outcome: OutcomeMerge, Loser: tan, Survivor: an}, "r")), "outcome")
	hong := linkOf(t, s, keyOf(hongBV))
	wantField(t, "link to a non-candidate", second(s.ResolveTask(ctx, steward, id, TaskResolution{Outcome: OutcomeLink, EID: hong}, "r")), "eid")
	wantField(t, "link without reason", second(s.ResolveTask(ctx, steward, id, TaskResolution{Outcome: OutcomeLink, EID: an}, "")), "reason")

	got, err := s.ResolveTask(ctx, steward, id, TaskResolution{Outcome: OutcomeLink, EID: store.EID(strings.ToLower(an.Display()))}, "family name misspelt by the clinic")
	if err != nil {
		t.Fatalf("ResolveTask: %v", err)
	}
	if got.EID != an || got.Task.Status != store.TaskResolved || got.Task.Outcome != OutcomeLink || got.Task.Resolver != steward.ID {
		t.Errorf("ResolveTask = %+v; want resolved, link, to %s", got, an)
	}
	if tk := task(t, s, id); tk.Status != store.TaskResolved || tk.Reason != "family name misspelt by the clinic" {
		t.Errorf("stored task %+v", tk)
	}
	if l := activeLink(t, s, keyOf(tanPK)); l.EID != an || l.Kind != store.LinkManual {
		t.Errorf("record after link outcome: %+v", l)
	}
	if diff := gocmp.Diff([]string{"must:" + string(an)}, constraintKinds(t, s, keyOf(tanPK))); diff != "" {
		t.Errorf("constraints mismatch (-want +got):\n%s", diff)
	}
	wantErr(t, "resolve twice", second(s.ResolveTask(ctx, steward, id, TaskResolution{Outcome: OutcomeLink, EID: an}, "r")), ErrFailedPrecondition)
	wantErr(t, "claim a resolved task", second(s.ClaimTask(ctx, steward, id)), ErrFailedPrecondition)
	kinds := map[store.EventKind]int{}
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		evs, err := tx.Events(ctx, store.EventFilter{Record: keyOf(tanPK)})
		for _, e := range evs {
			if e.TaskID == id {
				kinds[e.Kind]++
			}
		}
		return err
	})
	if diff := gocmp.Diff(map[store.EventKind]int{store.EventTaskOpened: 1, store.EventTaskClaimed: 1, store.EventTaskResolved: 1}, kinds); diff != "" {
		t.Errorf("task events mismatch (-want +got):\n%s", diff)
	}
	if len(auditActions(t, s, "tasks")) != 1 || len(auditActions(t, s, "resolve_task")) == 0 {
		t.Errorf("task reads and resolutions are not audited")
	}
	_ = tan
	mustVerify(t, s)
}

func testTaskNewPerson(t *testing.T, open opener) {
	s, an, tan, id := reviewTask(t, open)
	ctx := t.Context()
	got, err := s.ResolveTask(ctx, steward, id, TaskResolution{Outcome: OutcomeNewPerson}, "another family")
	if err != nil {
		t.Fatalf("ResolveTask: %v", err)
	}
	if got.EID != tan {
		t.Errorf("the record moved to %s; it should keep its own person %s", got.EID, tan)
	}
	if diff := gocmp.Diff([]string{"cannot:" + string(an)}, constraintKinds(t, s, keyOf(tanPK))); diff != "" {
		t.Errorf("constraints mismatch (-want +got):\n%s", diff)
	}
	changed := tanPK
	changed.Phone = "0903 123 456"
	if res := resolve(t, s, changed); res.EID != tan || res.TaskID != 0 {
		t.Errorf("a new version after new_person: %s on %s, task %d; want it kept on %s with no task", res.Decision, res.EID, res.TaskID, tan)
	}
	mustVerify(t, s)
}

// duplicateTask resolves Hà's three records: the clinic's matches the
// hospital's person and the claims' person, a possible duplicate.
func duplicateTask(t *testing.T, open opener) (s *Service, p1, p2, own store.EID, id int64) {
	t.Helper()
	s = newService(t, open, Options{})
	p1 = resolve(t, s, haHospital).EID
	p2 = resolve(t, s, haClaims).EID
	res := resolve(t, s, haClinic)
	if p1 == p2 || res.Decision != DecisionDuplicate {
		t.Fatalf("Hà's records: %s, %s, then %s; the test needs two persons and a duplicate", p1, p2, res.Decision)
	}
	return s, p1, p2, res.EID, res.TaskID
}

func testTaskMerge(t *testing.T, open opener) {
	s, p1, p2, own, id := duplicateTask(t, open)
	ctx := t.Context()
	wantField(t, "link outcome on a duplicate", second(s.ResolveTask(ctx, steward, id, TaskResolution{Outcome: OutcomeLink, EID: p1}, "r")), "outcome")
	stranger := resolve(t, s, hongBV).EID
	wantField(t, "merge a stranger", second(s.ResolveTask(ctx, steward, id, TaskResolution{Outcome: OutcomeMerge, Loser: stranger, Survivor: p1}, "r")), "loser")
	got, err := s.ResolveTask(ctx, steward, id, TaskResolution{Outcome: OutcomeMerge, Loser: p2, Survivor: p1}, "same phone, same name, same card")
	if err != nil {
		t.Fatalf("ResolveTask: %v", err)
	}
	if got.EID != p1 {
		t.Errorf("task record on %s, want the survivor %s", got.EID, p1)
	}
	for _, r := range []matching.Raw{haHospital, haClaims, haClinic} {
		if e := linkOf(t, s, keyOf(r)); e != p1 {
			t.Errorf("%s on %s, want %s", keyOf(r), e, p1)
		}
	}
	for _, e := range []store.EID{p2, own} {
		if p := person(t, s, e); p.MergedInto != p1 {
			t.Errorf("%s redirects to %q, want %s", e, p.MergedInto, p1)
		}
	}
	mustVerify(t, s)
	// Each merge can be undone on its own.
	if err := s.Unmerge(ctx, steward, p2, "two women after all"); err != nil {
		t.Fatalf("Unmerge: %v", err)
	}
	if e := linkOf(t, s, keyOf(haClaims)); e != p2 {
		t.Errorf("claims record on %s after unmerge, want %s", e, p2)
	}
	mustVerify(t, s)
}

func testTaskDistinct(t *testing.T, open opener) {
	s, p1, p2, own, id := duplicateTask(t, open)
	ctx := t.Context()
	distinct := func() bool {
		var ok bool
		view(t, s, func(ctx context.Context, tx store.Tx) error {
			var err error
			ok, err = s.declaredDistinct(ctx, tx, p2, p1)
			return err
		})
		return ok
	}
	if distinct() {
		t.Fatal("declared distinct before any decision")
	}
	before := snapshot(t, s)
	got, err := s.ResolveTask(ctx, steward, id, TaskResolution{Outcome: OutcomeDistinct}, "mother and daughter")
	if err != nil {
		t.Fatalf("ResolveTask: %v", err)
	}
	if got.EID != own || got.Task.Outcome != OutcomeDistinct {
		t.Errorf("ResolveTask = %+v", got)
	}
	if diff := gocmp.Diff(before, snapshot(t, s)); diff != "" {
		t.Errorf("distinct changed the store (-before +after):\n%s", diff)
	}
	if !distinct() {
		t.Error("the distinct decision is not remembered")
	}
	// It holds for the person a candidate is merged into.
	stranger := resolve(t, s, hongBV).EID
	if err := s.Merge(ctx, steward, p1, stranger, "r", ForceMerge); err != nil {
		t.Fatal(err)
	}
	var ok bool
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		ok, err = s.declaredDistinct(ctx, tx, stranger, p2)
		return err
	})
	if !ok {
		t.Error("the distinct decision is lost when a candidate is merged")
	}
	mustVerify(t, s)
}

func testHistory(t *testing.T, open opener) {
	s, an, hong := stewardSetup(t, open)
	ctx := t.Context()
	if err := s.Merge(ctx, steward, hong, an, "r", ForceMerge); err != nil {
		t.Fatal(err)
	}
	evs, err := s.History(ctx, steward, an)
	if err != nil {
		t.Fatalf("History: %v", err)
	}
	created := map[store.EID]bool{}
	for i, e := range evs {
		if i > 0 && e.Seq <= evs[i-1].Seq {
			t.Errorf("History out of order at %d: %d after %d", i, e.Seq, evs[i-1].Seq)
		}
		if e.Kind == store.EventPersonCreated {
			created[e.EIDs[0]] = true
		}
	}
	if !created[an] || !created[hong] || evs[len(evs)-1].Kind != store.EventMerged {
		t.Errorf("History(survivor) should hold both creations and end with the merge: %v", created)
	}
	own, err := s.History(ctx, steward, hong)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range own {
		if !slices.Contains(e.EIDs, hong) {
			t.Errorf("History(loser) holds event %d of %v", e.Seq, e.EIDs)
		}
	}
	if len(own) >= len(evs) {
		t.Errorf("History(loser) has %d events, the survivor's %d", len(own), len(evs))
	}
	if es := auditActions(t, s, "history"); len(es) != 2 || !slices.Contains(es[0].EIDs, hong) {
		t.Errorf("history audit %+v; want two entries, the first naming both persons", es)
	}
}

// storeSnapshot is what a merge followed by its unmerge must leave as it
// was: every record's link, every person's status, redirect and golden
// record, every constraint. (Versions, times and the event log move on.)
type storeSnapshot struct {
	Links       map[store.RecordKey]linkState
	Persons     map[store.EID]personState
	Constraints map[store.RecordKey][]store.Constraint
}

type linkState struct {
	EID         store.EID
	Kind        store.LinkKind
	Weight      float64
	Probability float64
}

type personState struct {
	Status     store.PersonStatus
	MergedInto store.EID
	Golden     store.Golden
}

func snapshot(t testing.TB, s *Service) storeSnapshot {
	t.Helper()
	snap := storeSnapshot{
		Links: map[store.RecordKey]linkState{}, Persons: map[store.EID]personState{},
		Constraints: map[store.RecordKey][]store.Constraint{},
	}
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.ForEachLink(ctx, func(l store.Link) error {
			snap.Links[l.Record] = linkState{l.EID, l.Kind, l.Weight, l.Probability}
			return nil
		}); err != nil {
			return err
		}
		if err := tx.ForEachPerson(ctx, func(p store.Person) error {
			snap.Persons[p.EID] = personState{p.Status, p.MergedInto, p.Golden}
			return nil
		}); err != nil {
			return err
		}
		return tx.ForEachRecord(ctx, func(r store.Record) error {
			cs, err := tx.Constraints(ctx, r.Key)
			if len(cs) > 0 {
				slices.SortFunc(cs, func(a, b store.Constraint) int { return cmp.Compare(a.EID, b.EID) })
				snap.Constraints[r.Key] = cs
			}
			return err
		})
	})
	return snap
}

// TestMergeUnmergeProperty: on stores of generated records resolved by
// Resolve, random chains of merges (forced where the check vetoes) undone
// in reverse order leave the store as it was; after each merge the loser's
// EID reads as the survivor; Verify passes after every operation.
func TestMergeUnmergeProperty(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			for seed := range uint64(2) {
				t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
					t.Parallel()
					mergeUnmergeProperty(t, b.open, seed)
				})
			}
		})
	}
}

func mergeUnmergeProperty(t *testing.T, open opener, seed uint64) {
	ctx := t.Context()
	s := newService(t, open, Options{})
	// Three times the usual errors: some people end up split over two
	// EIDs, the merges a steward makes without forcing.
	recs, err := synth.Generate(synth.Options{Persons: 14, Seed: seed + 11, ErrorScale: 3})
	if err != nil {
		t.Fatal(err)
	}
	raws := make([]matching.Raw, len(recs))
	for i := range recs {
		raws[i] = recs[i].Raw
	}
	results, err := s.ResolveBatch(ctx, hub, raws)
	if err != nil {
		t.Fatalf("ResolveBatch: %v", err)
	}
	// The pairs of EIDs one true person was split over.
	var split [][2]store.EID
	first := map[string]store.EID{}
	for i, r := range results {
		pid := recs[i].PersonID
		if e, ok := first[pid]; !ok {
			first[pid] = r.EID
		} else if e != r.EID && !slices.Contains(split, [2]store.EID{r.EID, e}) {
			split = append(split, [2]store.EID{r.EID, e})
		}
	}
	// A steward's decisions too, so constraints are part of the state.
	if _, err := s.Unlink(ctx, steward, keyOf(raws[0]), "r"); err != nil && !errors.Is(err, ErrFailedPrecondition) {
		t.Fatal(err)
	}
	mustVerify(t, s)
	rng := rand.New(rand.NewPCG(seed, 99))
	forced, plain := 0, 0
	for round := range len(split) + 6 {
		before := snapshot(t, s)
		var chain [][2]store.EID // loser, survivor
		if round < len(split) {
			chain = append(chain, split[round])
		} else {
			var live []store.EID
			for eid, p := range before.Persons {
				if p.Status == store.PersonActive {
					live = append(live, eid)
				}
			}
			slices.Sort(live)
			rng.Shuffle(len(live), func(i, j int) { live[i], live[j] = live[j], live[i] })
			depth := 1 + rng.IntN(3)
			for i := range depth {
				survivor := live[i+1] // merged itself next: a chain of redirects
				if i > 0 && rng.IntN(2) == 0 {
					survivor = live[depth] // a person no merge of the round takes away
				}
				chain = append(chain, [2]store.EID{live[i], survivor})
			}
		}
		for i, m := range chain {
			loser, survivor := m[0], m[1]
			err := s.Merge(ctx, steward, loser, survivor, fmt.Sprintf("round %d merge %d", round, i))
			if errors.Is(err, ErrFailedPrecondition) {
				err = s.Merge(ctx, steward, loser, survivor, "forced", ForceMerge)
				forced++
			} else {
				plain++
			}
			if err != nil {
				t.Fatalf("round %d: Merge(%s into %s): %v", round, loser, survivor, err)
			}
			v, err := s.Person(ctx, steward, loser)
			if err != nil {
				t.Fatal(err)
			}
			if v.EID == loser || person(t, s, v.EID).Status != store.PersonActive {
				t.Fatalf("round %d: Person(%s) reads %s, want its live survivor", round, loser, v.EID)
			}
			mustVerify(t, s)
		}
		for i := len(chain) - 1; i >= 0; i-- {
			if err := s.Unmerge(ctx, steward, chain[i][0], "undo"); err != nil {
				t.Fatalf("round %d: Unmerge(%s): %v", round, chain[i][0], err)
			}
			mustVerify(t, s)
		}
		if diff := gocmp.Diff(before, snapshot(t, s)); diff != "" {
			t.Fatalf("round %d (%d merges): store after merges and unmerges mismatch (-before +after):\n%s", round, len(chain), diff)
		}
	}
	if plain == 0 || forced == 0 {
		t.Errorf("%d plain and %d forced merges: the test needs both kinds", plain, forced)
	}
	t.Logf("%d merges checked, %d forced", forced+plain, forced)
}
