package grpcapi_test

import (
	"context"
	"errors"
	"io"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/api/grpcapi"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
	"github.com/vnhealth/mpi/store"
	"github.com/vnhealth/mpi/store/bolt"
)

// The fixtures are synthetic: made-up people, numbers and addresses.
var (
	anBV = &mpiv1.SourceRecord{Source: "BV79001", LocalId: "2400123", FullName: "NGUYỄN VĂN AN", Gender: "Nam",
		BirthDate: "07/05/1990", Phone: "0912 345 678", Province: "79", Address: "12 Nguyễn Trãi, Phường Bến Thành"}
	anTYT = &mpiv1.SourceRecord{Source: "TYT79002", LocalId: "9", FamilyName: "Nguyen", MiddleName: "Van", GivenName: "An",
		Gender: "M", BirthDate: "19900507", Phone: "+84912345678", Province: "TP. Hồ Chí Minh", Address: "12 Nguyen Trai"}
	hongBV = &mpiv1.SourceRecord{Source: "BV01002", LocalId: "A-77", FullName: "Lê Thị Hồng", Gender: "Nữ",
		BirthDate: "1978-11-02", CitizenId: "001178009876", Phone: "0983 111 222", Province: "01",
		Address: "5 ngõ Huế, phường Hai Bà Trưng"}
	hongPK = &mpiv1.SourceRecord{Source: "PK01101", LocalId: "H5", FullName: "Le Thi Hong", Gender: "F",
		BirthDate: "02/11/1978", CitizenId: "001178009876", Province: "Hà Nội"}
	// Same birth date, province and given name as An, another family: a
	// possible match at most.
	tanPK = &mpiv1.SourceRecord{Source: "PK79101", LocalId: "77", FullName: "Trần Văn An", Gender: "Nam",
		BirthDate: "1990-05-07", Province: "79"}
)

// Principals of the tests: "Bearer id:role" in the authorization header.
// Ingest principals may send records of their sources only.
var sourcesOf = map[string][]string{
	"hub-hcm": {"BV79001", "TYT79002", "PK79101"},
	"hub-hn":  {"BV01002", "PK01101"},
}

const (
	hubHCM    = "hub-hcm:ingest"
	hubHN     = "hub-hn:ingest"
	doctor    = "dr-minh:clinician"
	steward   = "steward-lan:steward"
	admin     = "admin-1:admin"
	anonymous = ""
)

// actorFrom stands in for package auth: the principal is read from the
// authorization metadata, unverified.
func actorFrom(ctx context.Context) (api.Actor, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	for _, v := range md.Get("authorization") {
		if id, role, ok := strings.Cut(strings.TrimPrefix(v, "Bearer "), ":"); ok {
			return api.Actor{ID: id, Role: role}, nil
		}
	}
	return api.Actor{}, status.Error(codes.Unauthenticated, "no credentials")
}

func checkSource(ctx context.Context, source string) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	if a.Role != "ingest" || slices.Contains(sourcesOf[a.ID], source) {
		return nil
	}
	return status.Error(codes.PermissionDenied, "source not allowed") // the default message names the field instead
}

// env is a gRPC server on a loopback port over a bolt store in a
// temporary directory, and a client connection to it.
type env struct {
	conn      *grpc.ClientConn
	hub       mpiv1.HubServiceClient
	clinician mpiv1.ClinicianServiceClient
	steward   mpiv1.StewardServiceClient
	admin     mpiv1.AdminServiceClient
}

func newEnv(t *testing.T, cfg grpcapi.Config) *env {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "mpi.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if cfg.Actor == nil {
		cfg.Actor = actorFrom
	}
	srv := grpc.NewServer()
	grpcapi.New(api.New(st, api.Options{}), cfg).Register(srv)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &env{
		conn:      conn,
		hub:       mpiv1.NewHubServiceClient(conn),
		clinician: mpiv1.NewClinicianServiceClient(conn),
		steward:   mpiv1.NewStewardServiceClient(conn),
		admin:     mpiv1.NewAdminServiceClient(conn),
	}
}

// as returns a context carrying principal's credentials.
func as(t *testing.T, principal string) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	if principal == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+principal)
}

func (e *env) resolve(t *testing.T, principal string, r *mpiv1.SourceRecord) *mpiv1.ResolveResponse {
	t.Helper()
	res, err := e.hub.Resolve(as(t, principal), &mpiv1.ResolveRequest{Record: r})
	if err != nil {
		t.Fatalf("Resolve %s/%s: %v", r.Source, r.LocalId, err)
	}
	return res
}

func recordKeys(p *mpiv1.Person) []string {
	var ks []string
	for _, r := range p.GetRecords() {
		ks = append(ks, r.GetKey().GetSource()+"/"+r.GetKey().GetLocalId())
	}
	slices.Sort(ks)
	return ks
}

// TestResolveAndRead: two records of one man from two facilities resolve
// to one EID, which search, the look-ups and both person reads find.
func TestResolveAndRead(t *testing.T) {
	t.Parallel()
	e := newEnv(t, grpcapi.Config{CheckSource: checkSource})
	first := e.resolve(t, hubHCM, anBV)
	second := e.resolve(t, hubHCM, anTYT)
	if first.Decision != api.DecisionNew || second.Decision != api.DecisionLinked {
		t.Fatalf("decisions %q, %q; want new, linked", first.Decision, second.Decision)
	}
	eid := first.Eid
	if second.Eid != eid || eid == "" {
		t.Fatalf("EIDs %q and %q: want one person", eid, second.Eid)
	}
	if diff := cmp.Diff(&mpiv1.RecordKey{Source: "TYT79002", LocalId: "9"}, second.Key, protocmp.Transform()); diff != "" {
		t.Errorf("key (-want +got):\n%s", diff)
	}
	x := second.Explanation
	if x == nil || x.Decision != "match" || x.Weight != second.Weight || x.Probability != second.Probability || len(x.Fields) == 0 {
		t.Fatalf("explanation %v does not explain the link (weight %v, probability %v)", x, second.Weight, second.Probability)
	}
	if x.Thresholds.GetMatch() == 0 {
		t.Errorf("explanation lacks thresholds")
	}
	if again := e.resolve(t, hubHCM, anTYT); again.Decision != api.DecisionUnchanged || again.Eid != eid {
		t.Errorf("re-sent record: %q %q, want unchanged %q", again.Decision, again.Eid, eid)
	}

	ctx := as(t, doctor)
	found, err := e.clinician.SearchPersons(ctx, &mpiv1.SearchPersonsRequest{
		Query: &mpiv1.PersonQuery{FullName: "Nguyen Van An", BirthDate: "1990", Province: "79"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found.Hits) != 1 || found.Hits[0].Eid != eid || found.Hits[0].Grade != api.GradeCertain {
		t.Fatalf("search hits %v, want %s certain", found.Hits, eid)
	}
	if h := found.Hits[0]; h.Explanation == nil || h.Explanation.Weight != h.Weight || h.Golden.GetName().GetValue() == "" {
		t.Errorf("hit lacks its explanation or golden record: %v", h)
	}

	want := []string{"BV79001/2400123", "TYT79002/9"}
	p, err := e.clinician.GetPerson(ctx, &mpiv1.GetPersonRequest{Eid: eid})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, recordKeys(p)); diff != "" || p.Eid != eid || p.AskedEid != eid {
		t.Errorf("GetPerson %s: eid %s asked %s, records (-want +got):\n%s", eid, p.Eid, p.AskedEid, diff)
	}
	for _, r := range p.Records {
		if r.Key.Source == anBV.Source {
			if diff := cmp.Diff(anBV, r.Record, protocmp.Transform()); diff != "" {
				t.Errorf("linked record as sent (-want +got):\n%s", diff)
			}
			if r.LinkKind != mpiv1.LinkKind_LINK_KIND_AUTO || r.Version != 1 || r.ReceiveTime == nil {
				t.Errorf("linked record %v: want an auto link of version 1 with a receive time", r)
			}
		}
	}
	byKey, err := e.clinician.GetPersonBySource(ctx, &mpiv1.GetPersonBySourceRequest{Source: "TYT79002", LocalId: "9"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, byKey, protocmp.Transform()); diff != "" {
		t.Errorf("GetPersonBySource differs from GetPerson (-want +got):\n%s", diff)
	}

	for _, req := range []*mpiv1.LookupPersonsRequest{{Phone: "0912345678"}, {Phone: "+84 912 345 678"}} {
		got, err := e.clinician.LookupPersons(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Persons) != 1 || got.Persons[0].Eid != eid {
			t.Errorf("LookupPersons(%v): %d persons, want %s", req, len(got.Persons), eid)
		}
	}
	if got, err := e.clinician.LookupPersons(ctx, &mpiv1.LookupPersonsRequest{CitizenId: "001178009876"}); err != nil || len(got.Persons) != 0 {
		t.Errorf("LookupPersons(another citizen ID): %v, %v; want none", got, err)
	}

	// The batch: Hồng from two facilities in one call.
	batch, err := e.hub.ResolveBatch(as(t, admin), &mpiv1.ResolveBatchRequest{Records: []*mpiv1.SourceRecord{hongBV, hongPK}})
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.Results) != 2 || batch.Results[0].Eid != batch.Results[1].Eid || batch.Results[0].Eid == eid {
		t.Errorf("batch: %v; want one new person", batch.Results)
	}

	stats, err := e.admin.GetStats(as(t, admin), &mpiv1.GetStatsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&mpiv1.Stats{Records: 4, ActiveRecords: 4, Persons: 2, ActivePersons: 2, Links: 4, Events: stats.Events},
		stats, protocmp.Transform()); diff != "" || stats.Events == 0 {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	audit, err := e.admin.QueryAudit(as(t, admin), &mpiv1.QueryAuditRequest{Actor: "dr-minh", Action: "person"})
	if err != nil {
		t.Fatal(err)
	}
	if len(audit.Entries) != 1 || !slices.Equal(audit.Entries[0].Eids, []string{eid}) || audit.Entries[0].Role != "clinician" || len(audit.Entries[0].Hash) == 0 {
		t.Errorf("audit of the doctor's GetPerson: %v", audit.Entries)
	}
	model, err := e.admin.GetModelInfo(as(t, admin), &mpiv1.GetModelInfoRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if model.Thresholds.GetMatch() <= model.Thresholds.GetReview() || len(model.Fields) == 0 {
		t.Errorf("model info: thresholds %v, %d fields", model.Thresholds, len(model.Fields))
	}
}

// TestSteward: unlink, a refused and a forced merge, unmerge, link,
// history; and a review task listed, claimed and resolved.
func TestSteward(t *testing.T) {
	t.Parallel()
	e := newEnv(t, grpcapi.Config{})
	an := e.resolve(t, hubHCM, anBV).Eid
	e.resolve(t, hubHCM, anTYT)
	ctx := as(t, steward)

	un, err := e.steward.UnlinkRecord(ctx, &mpiv1.UnlinkRecordRequest{Source: "TYT79002", LocalId: "9", Reason: "two people"})
	if err != nil {
		t.Fatal(err)
	}
	other := un.Eid
	if other == an || other == "" {
		t.Fatalf("unlink gave %q", other)
	}
	// The cannot-link constraint the unlink left refuses a plain merge.
	_, err = e.steward.MergePersons(ctx, &mpiv1.MergePersonsRequest{Loser: other, Survivor: an, Reason: "one man after all"})
	if status.Code(err) != codes.FailedPrecondition {
		t.Fatalf("merge against a cannot-link constraint: %v, want FailedPrecondition", err)
	}
	merged, err := e.steward.MergePersons(ctx, &mpiv1.MergePersonsRequest{Loser: strings.ToLower(other), Survivor: an, Reason: "one man after all", Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if merged.Loser != other || merged.Survivor != an {
		t.Errorf("merge answered %v, want loser %s survivor %s", merged, other, an)
	}
	p, err := e.clinician.GetPerson(as(t, doctor), &mpiv1.GetPersonRequest{Eid: other})
	if err != nil {
		t.Fatal(err)
	}
	if p.AskedEid != other || p.Eid != an || len(p.Records) != 2 {
		t.Errorf("merged-away %s reads as %s with %d records; want %s with 2", other, p.Eid, len(p.Records), an)
	}
	if _, err := e.steward.UnmergePerson(ctx, &mpiv1.UnmergePersonRequest{Eid: other, Reason: "merged by mistake"}); err != nil {
		t.Fatal(err)
	}
	p, err = e.clinician.GetPerson(as(t, doctor), &mpiv1.GetPersonRequest{Eid: other})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"TYT79002/9"}, recordKeys(p)); p.Eid != other || diff != "" {
		t.Errorf("after unmerge %s reads as %s, records (-want +got):\n%s", other, p.Eid, diff)
	}
	linked, err := e.steward.LinkRecord(ctx, &mpiv1.LinkRecordRequest{Eid: an, Source: "TYT79002", LocalId: "9", Reason: "confirmed at the desk"})
	if err != nil || linked.Eid != an {
		t.Fatalf("LinkRecord: %v, %v; want %s", linked, err, an)
	}
	hist, err := e.steward.GetPersonHistory(ctx, &mpiv1.GetPersonHistoryRequest{Eid: an})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ev := range hist.Events {
		if ev.Actor == "steward-lan" && !slices.Contains(kinds, ev.Kind) {
			kinds = append(kinds, ev.Kind)
		}
	}
	for _, k := range []string{"person.merged", "person.unmerged", "link.set", "constraint.put"} {
		if !slices.Contains(kinds, k) {
			t.Errorf("history of %s lacks a steward's %s event (has %v)", an, k, kinds)
		}
	}
	for _, ev := range hist.Events {
		if ev.Kind == "person.merged" && (ev.Data == nil || ev.Data.Fields["loser"].GetStringValue() != other) {
			t.Errorf("merge event data %v does not name the loser %s", ev.Data, other)
		}
	}

	// A possible match: Trần Văn An shares An's birth date, province and
	// given name.
	tan := e.resolve(t, hubHCM, tanPK)
	if tan.Decision != api.DecisionReview || tan.TaskId == 0 {
		t.Fatalf("Trần Văn An: %q task %d, want review with a task", tan.Decision, tan.TaskId)
	}
	tasks, err := e.steward.ListTasks(ctx, &mpiv1.ListTasksRequest{Status: mpiv1.TaskStatus_TASK_STATUS_OPEN, Kind: mpiv1.TaskKind_TASK_KIND_POSSIBLE_MATCH})
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks.Tasks) != 1 || tasks.Tasks[0].Id != tan.TaskId || len(tasks.Tasks[0].Candidates) != 1 ||
		tasks.Tasks[0].Candidates[0].Eid != an || tasks.Tasks[0].Candidates[0].Explanation == nil {
		t.Fatalf("open tasks %v, want task %d with candidate %s explained", tasks.Tasks, tan.TaskId, an)
	}
	claimed, err := e.steward.ClaimTask(ctx, &mpiv1.ClaimTaskRequest{Id: tan.TaskId})
	if err != nil || claimed.Status != mpiv1.TaskStatus_TASK_STATUS_CLAIMED || claimed.Assignee != "steward-lan" {
		t.Fatalf("ClaimTask: %v, %v", claimed, err)
	}
	done, err := e.steward.ResolveTask(ctx, &mpiv1.ResolveTaskRequest{Id: tan.TaskId, Outcome: api.OutcomeNewPerson, Reason: "different family"})
	if err != nil {
		t.Fatal(err)
	}
	if done.Task.Status != mpiv1.TaskStatus_TASK_STATUS_RESOLVED || done.Task.Outcome != api.OutcomeNewPerson ||
		done.Task.ResolveTime == nil || done.Eid != tan.Eid {
		t.Errorf("ResolveTask: %v", done)
	}
	if _, err := e.steward.ClaimTask(ctx, &mpiv1.ClaimTaskRequest{Id: tan.TaskId}); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("claiming a resolved task: %v, want FailedPrecondition", err)
	}
}

// badRequestField returns the field a status's google.rpc.BadRequest
// detail names.
func badRequestField(st *status.Status) string {
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok && len(br.FieldViolations) == 1 {
			return br.FieldViolations[0].Field
		}
	}
	return ""
}

// TestErrors: bad input fails with the right code, naming the field and
// never the value.
func TestErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, grpcapi.Config{CheckSource: checkSource})
	an := e.resolve(t, hubHCM, anBV).Eid
	missing, err := store.EIDFromSeq(987_654)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("NGUYỄN VĂN AN ", 100)
	noLocalID := &mpiv1.SourceRecord{Source: "BV79001", FullName: "NGUYỄN VĂN AN", BirthDate: "07/05/1990"}
	tests := []struct {
		name   string
		call   func() error
		code   codes.Code
		field  string // the field named in the message and BadRequest detail
		secret string // a value the message must not hold
	}{
		{"resolve without local_id", func() error {
			_, err := e.hub.Resolve(as(t, hubHCM), &mpiv1.ResolveRequest{Record: noLocalID})
			return err
		}, codes.InvalidArgument, "record.local_id", "NGUYỄN"},
		{"resolve with an overlong name", func() error {
			_, err := e.hub.Resolve(as(t, hubHCM), &mpiv1.ResolveRequest{Record: &mpiv1.SourceRecord{Source: "BV79001", LocalId: "1", FullName: long}})
			return err
		}, codes.InvalidArgument, "record.full_name", "NGUYỄN"},
		{"resolve without a record", func() error {
			_, err := e.hub.Resolve(as(t, hubHCM), &mpiv1.ResolveRequest{})
			return err
		}, codes.InvalidArgument, "record.source", ""},
		{"batch with a bad record", func() error {
			_, err := e.hub.ResolveBatch(as(t, hubHCM), &mpiv1.ResolveBatchRequest{Records: []*mpiv1.SourceRecord{anTYT, noLocalID}})
			return err
		}, codes.InvalidArgument, "records[1].local_id", "NGUYỄN"},
		{"resolve for another facility", func() error {
			_, err := e.hub.Resolve(as(t, hubHN), &mpiv1.ResolveRequest{Record: anTYT})
			return err
		}, codes.PermissionDenied, "", "Nguyen"},
		{"retract for another facility", func() error {
			_, err := e.hub.Retract(as(t, hubHN), &mpiv1.RetractRequest{Source: "BV79001", LocalId: "2400123", Reason: "x"})
			return err
		}, codes.PermissionDenied, "", ""},
		{"no credentials", func() error {
			_, err := e.clinician.GetPerson(as(t, anonymous), &mpiv1.GetPersonRequest{Eid: an})
			return err
		}, codes.Unauthenticated, "", ""},
		{"search by a name alone", func() error {
			_, err := e.clinician.SearchPersons(as(t, doctor), &mpiv1.SearchPersonsRequest{Query: &mpiv1.PersonQuery{FullName: "Nguyễn Văn An"}})
			return err
		}, codes.InvalidArgument, "query", "Nguyễn"},
		{"search with an overlong address", func() error {
			_, err := e.clinician.SearchPersons(as(t, doctor), &mpiv1.SearchPersonsRequest{Query: &mpiv1.PersonQuery{Phone: "0912345678", Address: long}})
			return err
		}, codes.InvalidArgument, "query.address", "NGUYỄN"},
		{"search with a negative limit", func() error {
			_, err := e.clinician.SearchPersons(as(t, doctor), &mpiv1.SearchPersonsRequest{Query: &mpiv1.PersonQuery{Phone: "0912345678"}, Limit: -1})
			return err
		}, codes.InvalidArgument, "limit", ""},
		{"look-up by a placeholder citizen ID", func() error {
			_, err := e.clinician.LookupPersons(as(t, doctor), &mpiv1.LookupPersonsRequest{CitizenId: "000000000000"})
			return err
		}, codes.InvalidArgument, "citizen_id", "000000000000"},
		{"look-up by two identifiers", func() error {
			_, err := e.clinician.LookupPersons(as(t, doctor), &mpiv1.LookupPersonsRequest{CitizenId: "001178009876", Phone: "0912345678"})
			return err
		}, codes.InvalidArgument, "phone", "0912345678"},
		{"look-up by nothing", func() error {
			_, err := e.clinician.LookupPersons(as(t, doctor), &mpiv1.LookupPersonsRequest{})
			return err
		}, codes.InvalidArgument, "citizen_id", ""},
		{"person by a malformed EID", func() error {
			_, err := e.clinician.GetPerson(as(t, doctor), &mpiv1.GetPersonRequest{Eid: "NOT-AN-EID!"})
			return err
		}, codes.InvalidArgument, "eid", "NOT-AN-EID!"},
		{"person never allocated", func() error {
			_, err := e.clinician.GetPerson(as(t, doctor), &mpiv1.GetPersonRequest{Eid: string(missing)})
			return err
		}, codes.NotFound, "", ""},
		{"person of an unknown record", func() error {
			_, err := e.clinician.GetPersonBySource(as(t, doctor), &mpiv1.GetPersonBySourceRequest{Source: "BV79001", LocalId: "nope"})
			return err
		}, codes.NotFound, "", ""},
		{"person by a record key without local_id", func() error {
			_, err := e.clinician.GetPersonBySource(as(t, doctor), &mpiv1.GetPersonBySourceRequest{Source: "BV79001"})
			return err
		}, codes.InvalidArgument, "local_id", ""},
		{"unlink without a reason", func() error {
			_, err := e.steward.UnlinkRecord(as(t, steward), &mpiv1.UnlinkRecordRequest{Source: "BV79001", LocalId: "2400123"})
			return err
		}, codes.InvalidArgument, "reason", ""},
		{"unmerge of a person never merged", func() error {
			_, err := e.steward.UnmergePerson(as(t, steward), &mpiv1.UnmergePersonRequest{Eid: an, Reason: "r"})
			return err
		}, codes.FailedPrecondition, "", ""},
		{"unmerge of a malformed EID", func() error {
			_, err := e.steward.UnmergePerson(as(t, steward), &mpiv1.UnmergePersonRequest{Eid: "x", Reason: "r"})
			return err
		}, codes.InvalidArgument, "eid", ""},
		{"merge into itself", func() error {
			_, err := e.steward.MergePersons(as(t, steward), &mpiv1.MergePersonsRequest{Loser: an, Survivor: an, Reason: "r"})
			return err
		}, codes.InvalidArgument, "survivor", ""},
		{"tasks of half a record key", func() error {
			_, err := e.steward.ListTasks(as(t, steward), &mpiv1.ListTasksRequest{Source: "BV79001"})
			return err
		}, codes.InvalidArgument, "local_id", ""},
		{"tasks of an unknown status", func() error {
			_, err := e.steward.ListTasks(as(t, steward), &mpiv1.ListTasksRequest{Status: 42})
			return err
		}, codes.InvalidArgument, "status", ""},
		{"claim of task 0", func() error {
			_, err := e.steward.ClaimTask(as(t, steward), &mpiv1.ClaimTaskRequest{})
			return err
		}, codes.InvalidArgument, "id", ""},
		{"claim of a task that does not exist", func() error {
			_, err := e.steward.ClaimTask(as(t, steward), &mpiv1.ClaimTaskRequest{Id: 99})
			return err
		}, codes.NotFound, "", ""},
		{"audit by a malformed EID", func() error {
			_, err := e.admin.QueryAudit(as(t, admin), &mpiv1.QueryAuditRequest{Eid: "zz"})
			return err
		}, codes.InvalidArgument, "eid", ""},
	}
	for _, tc := range tests {
		err := tc.call()
		st := status.Convert(err)
		if st.Code() != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
			continue
		}
		if tc.field != "" {
			if !strings.Contains(st.Message(), tc.field+": ") {
				t.Errorf("%s: message %q does not name %s", tc.name, st.Message(), tc.field)
			}
			if got := badRequestField(st); got != tc.field {
				t.Errorf("%s: BadRequest detail names %q, want %q", tc.name, got, tc.field)
			}
		}
		if tc.secret != "" && strings.Contains(st.Message(), tc.secret) {
			t.Errorf("%s: message %q holds the value", tc.name, st.Message())
		}
	}
}

// TestResolveStream: records are answered in order; a bad one is answered
// with its error and the stream goes on.
func TestResolveStream(t *testing.T) {
	t.Parallel()
	e := newEnv(t, grpcapi.Config{CheckSource: checkSource})
	stream, err := e.hub.ResolveStream(as(t, hubHCM))
	if err != nil {
		t.Fatal(err)
	}
	reqs := []*mpiv1.SourceRecord{
		anBV,
		{Source: "BV79001", FullName: "NGUYỄN VĂN AN"},
		hongBV, // another hub's facility
		anTYT,
	}
	for _, r := range reqs {
		if err := stream.Send(&mpiv1.ResolveRequest{Record: r}); err != nil {
			t.Fatal(err)
		}
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatal(err)
	}
	var got []*mpiv1.ResolveResponse
	for {
		res, err := stream.Recv()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("stream ended with %v", err)
			}
			break
		}
		got = append(got, res)
	}
	if len(got) != len(reqs) {
		t.Fatalf("%d answers to %d records", len(got), len(reqs))
	}
	if got[0].Decision != api.DecisionNew || got[3].Decision != api.DecisionLinked || got[3].Eid != got[0].Eid {
		t.Errorf("answers 0 and 3: %v, %v; want new, then linked to it", got[0], got[3])
	}
	bad := status.FromProto(got[1].Error)
	if bad.Code() != codes.InvalidArgument || badRequestField(bad) != "record.local_id" || got[1].Eid != "" {
		t.Errorf("answer 1: %v; want INVALID_ARGUMENT naming record.local_id", got[1])
	}
	denied := status.FromProto(got[2].Error)
	if denied.Code() != codes.PermissionDenied || got[2].Key.GetLocalId() != "A-77" {
		t.Errorf("answer 2: %v; want PERMISSION_DENIED with its key", got[2])
	}
}
