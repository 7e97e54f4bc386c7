package api

import (
	"context"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vnhealth/mpi/matching"
	"github.com/vnhealth/mpi/store"
)

// Made-up twins of one sex, Nguyễn Thanh Tuệ and Nguyễn Thanh Tâm, born on
// one day to Trần Ngọc Hương, and the newborn placeholder a maternity ward
// wrote for one of them under the mother's name: it matches either baby's
// named record as well as the other's.
var (
	twinPlaceholder = matching.Raw{Source: "BV79008", LocalID: "SS-913", FullName: "Con bà Trần Ngọc Hương", Gender: "Nữ",
		BirthDate: "30/12/2025", Phone: "0948 702 465", Province: "79", Address: "Tổ 27, khu phố 10, Phường Tân Hưng"}
	twinTue = matching.Raw{Source: "BV79001", LocalID: "302206", FullName: "Nguyễn Thanh Tuệ", Gender: "Nữ",
		BirthDate: "2025-12-30", Phone: "0948702465", Province: "79", Address: "Tổ 27, khu phố 10, Phường Tân Hưng"}
	twinTam = matching.Raw{Source: "BHXH-CLAIMS", LocalID: "KCB.15493", FullName: "Nguyễn Thanh Tâm", Gender: "2",
		BirthDate: "202512300000", Phone: "0948702465", Province: "79", Address: "Tổ 27, khu phố 10, Phường Tân Hưng"}
	// twinPlaceholder2 is the other twin's placeholder, written at another
	// hospital: nothing tells the two babies' placeholders apart.
	twinPlaceholder2 = matching.Raw{Source: "BV79010", LocalID: "BN-600459", FullName: "CB Trần Ngọc Hương", Gender: "2",
		BirthDate: "2025-12-30", Phone: "0948702465", Province: "79", Address: "Tổ 27, khu phố 10, Phường Tân Hưng"}
	// twinTueClinic is Tuệ at a clinic that kept neither phone nor
	// street: it is Tuệ by name and date, but nothing ties it to the
	// placeholder's home, so the newborn guard rail fires between them.
	twinTueClinic = matching.Raw{Source: "PK79101", LocalID: "T-5", FullName: "Nguyễn Thanh Tuệ", Gender: "Nữ",
		BirthDate: "30/12/2025", Province: "79"}
)

func TestPlaceholders(t *testing.T) {
	t.Parallel()
	runWorkflowTests(t, []workflowTest{
		{"PlaceholderFirst", func(t *testing.T, open opener) {
			testAmbiguousPlaceholder(t, open, []matching.Raw{twinPlaceholder, twinTam, twinTue})
		}},
		{"NamedTwinFirst", func(t *testing.T, open opener) {
			testAmbiguousPlaceholder(t, open, []matching.Raw{twinTam, twinPlaceholder, twinTue})
		}},
		{"ManualLinkKept", testPlaceholderManualLink},
		{"PlaceholderLast", testPlaceholderLast},
		{"SecondPlaceholder", testSecondPlaceholder},
		{"OtherTwinInBatch", testPlaceholderBatch},
	})
}

// tasksOf returns the tasks raised for a record.
func tasksOf(t testing.TB, s *Service, k store.RecordKey) []store.Task {
	t.Helper()
	var out []store.Task
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		out, err = tx.Tasks(ctx, store.TaskFilter{Record: k})
		return err
	})
	return out
}

func candidateEIDs(tk store.Task) []store.EID {
	var out []store.EID
	for _, c := range tk.Candidates {
		out = append(out, c.EID)
	}
	slices.Sort(out)
	return out
}

// testAmbiguousPlaceholder resolves the placeholder and Tâm's record in
// the given order (they become one person), then Tuệ's record, which
// matches the placeholder but not Tâm: the placeholder must leave Tâm for
// a person of its own, with a task listing both twins.
func testAmbiguousPlaceholder(t *testing.T, open opener, order []matching.Raw) {
	s := newService(t, open, Options{})
	first, second := resolve(t, s, order[0]), resolve(t, s, order[1])
	if second.Decision != DecisionLinked || second.EID != first.EID {
		t.Fatalf("setup: the placeholder and one twin should link (the test needs it): %+v", second)
	}
	tam := first.EID
	tue := resolve(t, s, twinTue)
	ph := activeLink(t, s, keyOf(twinPlaceholder))
	if ph.EID == tam || ph.EID == tue.EID || ph.Kind != store.LinkAuto || ph.Reason != reasonAmbiguous {
		t.Fatalf("placeholder link %+v; want a person of its own (not %s nor %s), automatic, reason %q", ph, tam, tue.EID, reasonAmbiguous)
	}
	if tue.EID == tam || tue.Decision == DecisionLinked {
		t.Errorf("the other twin's record: %q %s; want kept out of %s", tue.Decision, tue.EID, tam)
	}
	// Tâm's person holds only her record now, and both golden records
	// were rebuilt.
	view(t, s, func(ctx context.Context, tx store.Tx) error {
		ls, err := tx.LinksTo(ctx, tam)
		if len(ls) != 1 || ls[0].Record != keyOf(twinTam) {
			t.Errorf("links to %s: %+v, want only %s", tam, ls, keyOf(twinTam))
		}
		return err
	})
	if g := person(t, s, tam).Golden; g.Name.From != keyOf(twinTam) || g.Phone.From != keyOf(twinTam) {
		t.Errorf("golden record of %s: %+v, want it from %s alone", tam, g, keyOf(twinTam))
	}
	if g := person(t, s, ph.EID).Golden; g.BirthDate.From != keyOf(twinPlaceholder) {
		t.Errorf("golden record of the placeholder's person: %+v", g)
	}
	// One open possible-match task on the placeholder, listing both twins'
	// persons with scores and explanations.
	tasks := tasksOf(t, s, keyOf(twinPlaceholder))
	if len(tasks) != 1 {
		t.Fatalf("%d tasks on the placeholder, want 1", len(tasks))
	}
	tk := tasks[0]
	want := []store.EID{tam, tue.EID}
	slices.Sort(want)
	if diff := gocmp.Diff(want, candidateEIDs(tk)); diff != "" || tk.Kind != store.TaskPossibleMatch || tk.Status != store.TaskOpen {
		t.Errorf("placeholder task kind %d status %d; candidates mismatch (-want +got):\n%s", tk.Kind, tk.Status, diff)
	}
	for _, c := range tk.Candidates {
		if c.Probability < s.Model().Thresholds.Match || len(c.Explanation) == 0 {
			t.Errorf("candidate %s: probability %g, explanation %d bytes; want a strong match, explained", c.EID, c.Probability, len(c.Explanation))
		}
	}
	// Tuệ's own task, if any, does not offer the placeholder's person.
	if tue.TaskID != 0 && slices.Contains(candidateEIDs(task(t, s, tue.TaskID)), ph.EID) {
		t.Errorf("the other twin's task lists the placeholder's person %s", ph.EID)
	}
	mustVerify(t, s)

	// A steward decides: the placeholder is Tuệ's.
	got, err := s.ResolveTask(t.Context(), steward, tk.ID, TaskResolution{Outcome: OutcomeLink, EID: tue.EID}, "birth register: the placeholder is the first-born, Tuệ")
	if err != nil {
		t.Fatalf("ResolveTask: %v", err)
	}
	if got.EID != tue.EID || linkOf(t, s, keyOf(twinPlaceholder)) != tue.EID {
		t.Errorf("after the steward's link the placeholder is on %s, want %s", got.EID, tue.EID)
	}
	// Re-sending the twins' records changes nothing now.
	for _, r := range []matching.Raw{twinTam, twinTue} {
		if res := resolve(t, s, r); res.Decision != DecisionUnchanged {
			t.Errorf("re-sent %s: %q", keyOf(r), res.Decision)
		}
	}
	mustVerify(t, s)
}

// testPlaceholderManualLink: a steward linked the placeholder to Tâm; the
// other twin's record does not move it.
func testPlaceholderManualLink(t *testing.T, open opener) {
	s := newService(t, open, Options{})
	p := resolve(t, s, twinPlaceholder).EID
	tam := resolve(t, s, twinTam).EID
	if p != tam {
		t.Fatalf("setup: placeholder on %s, Tâm on %s; the test needs one person", p, tam)
	}
	if _, err := s.Link(t.Context(), steward, keyOf(twinPlaceholder), tam, "the ward's register names Tâm"); err != nil {
		t.Fatal(err)
	}
	before := activeLink(t, s, keyOf(twinPlaceholder))
	tue := resolve(t, s, twinTue)
	if tue.EID == tam {
		t.Errorf("the other twin linked to %s", tam)
	}
	if diff := gocmp.Diff(before, activeLink(t, s, keyOf(twinPlaceholder))); diff != "" {
		t.Errorf("a steward's link moved: mismatch (-want +got):\n%s", diff)
	}
	if tasks := tasksOf(t, s, keyOf(twinPlaceholder)); len(tasks) != 0 {
		t.Errorf("%d tasks on a placeholder a steward linked, want none", len(tasks))
	}
	mustVerify(t, s)
}

// testPlaceholderBatch: all three in one batch, placeholder first; the
// same outcome as one by one.
func testPlaceholderBatch(t *testing.T, open opener) {
	s := newService(t, open, Options{})
	res, err := s.ResolveBatch(t.Context(), hub, []matching.Raw{twinPlaceholder, twinTam, twinTue})
	if err != nil {
		t.Fatal(err)
	}
	ph := linkOf(t, s, keyOf(twinPlaceholder))
	if ph == res[1].EID || ph == res[2].EID || res[1].EID == res[2].EID {
		t.Errorf("placeholder on %s, Tâm on %s, Tuệ on %s: want three persons", ph, res[1].EID, res[2].EID)
	}
	if tasks := tasksOf(t, s, keyOf(twinPlaceholder)); len(tasks) != 1 {
		t.Errorf("%d tasks on the placeholder, want 1", len(tasks))
	}
	mustVerify(t, s)
}

// testPlaceholderLast: both twins are known — Tuệ through a record the
// placeholder may not join — when the placeholder arrives. It matches
// each twin strongly, so it links to neither, and a possible-match task
// lists both.
func testPlaceholderLast(t *testing.T, open opener) {
	s := newService(t, open, Options{})
	tue := resolve(t, s, twinTue).EID
	if got := resolve(t, s, twinTueClinic); got.EID != tue {
		t.Fatalf("setup: Tuệ's records on %s and %s; the test needs one person", tue, got.EID)
	}
	tam := resolve(t, s, twinTam).EID
	if tam == tue {
		t.Fatalf("setup: the twins on one person %s", tam)
	}
	res := resolve(t, s, twinPlaceholder)
	if res.Decision != DecisionReview || res.EID == tam || res.EID == tue || res.TaskID == 0 {
		t.Fatalf("placeholder matching both twins: %+v; want a person of its own under review", res)
	}
	want := []store.EID{tam, tue}
	slices.Sort(want)
	tk := task(t, s, res.TaskID)
	if diff := gocmp.Diff(want, candidateEIDs(tk)); diff != "" || tk.Kind != store.TaskPossibleMatch {
		t.Errorf("task kind %d; candidates mismatch (-want +got):\n%s", tk.Kind, diff)
	}
	if l := activeLink(t, s, keyOf(twinPlaceholder)); l.Reason != reasonAmbiguous {
		t.Errorf("placeholder link reason %q, want %q", l.Reason, reasonAmbiguous)
	}
	mustVerify(t, s)
}

// testSecondPlaceholder: Tâm's record and a placeholder are one person
// when the other twin's placeholder arrives. It matches Tâm strongly but
// may not join the first placeholder (two placeholders of one mother and
// day may be twins): which baby Tâm is, is unknown, so the first
// placeholder leaves Tâm too, and the second links to no one.
func testSecondPlaceholder(t *testing.T, open opener) {
	s := newService(t, open, Options{})
	tam := resolve(t, s, twinTam).EID
	if got := resolve(t, s, twinPlaceholder).EID; got != tam {
		t.Fatalf("setup: placeholder on %s, Tâm on %s; the test needs one person", got, tam)
	}
	res := resolve(t, s, twinPlaceholder2)
	if res.EID == tam || res.Decision == DecisionLinked {
		t.Fatalf("second placeholder: %+v; want it kept out of %s", res, tam)
	}
	first := activeLink(t, s, keyOf(twinPlaceholder))
	if first.EID == tam || first.EID == res.EID || first.Reason != reasonAmbiguous {
		t.Errorf("first placeholder link %+v; want a person of its own", first)
	}
	tasks := tasksOf(t, s, keyOf(twinPlaceholder))
	if len(tasks) != 1 {
		t.Fatalf("%d tasks on the first placeholder, want 1", len(tasks))
	}
	want := []store.EID{tam, res.EID}
	slices.Sort(want)
	if diff := gocmp.Diff(want, candidateEIDs(tasks[0])); diff != "" {
		t.Errorf("first placeholder's task candidates mismatch (-want +got):\n%s", diff)
	}
	mustVerify(t, s)
}
