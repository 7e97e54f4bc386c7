package grpcapi

import (
	"encoding/json"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/matching"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
	"github.com/vnhealth/mpi/store"
)

// Conversions between package api's types and the proto messages. Field
// by field; a nil message converts to the zero value.

func rawFromProto(r *mpiv1.SourceRecord) matching.Raw {
	if r == nil {
		return matching.Raw{}
	}
	return matching.Raw{
		Source: r.GetSource(), LocalID: r.GetLocalId(),
		FullName: r.GetFullName(), FamilyName: r.GetFamilyName(), MiddleName: r.GetMiddleName(), GivenName: r.GetGivenName(),
		Gender: r.GetGender(), BirthDate: r.GetBirthDate(), CitizenID: r.GetCitizenId(), InsuranceNo: r.GetInsuranceNo(),
		Phone: r.GetPhone(), Province: r.GetProvince(), Ward: r.GetWard(), Address: r.GetAddress(), RecordedAt: r.GetRecordedAt(),
	}
}

// RecordToProto is a record as the SourceRecord message a client sends
// (the inverse of what the server reads of a ResolveRequest).
func RecordToProto(r *matching.Raw) *mpiv1.SourceRecord {
	return &mpiv1.SourceRecord{
		Source: r.Source, LocalId: r.LocalID,
		FullName: r.FullName, FamilyName: r.FamilyName, MiddleName: r.MiddleName, GivenName: r.GivenName,
		Gender: r.Gender, BirthDate: r.BirthDate, CitizenId: r.CitizenID, InsuranceNo: r.InsuranceNo,
		Phone: r.Phone, Province: r.Province, Ward: r.Ward, Address: r.Address, RecordedAt: r.RecordedAt,
	}
}

func queryFromProto(q *mpiv1.PersonQuery) matching.Raw {
	if q == nil {
		return matching.Raw{}
	}
	return matching.Raw{
		FullName: q.GetFullName(), FamilyName: q.GetFamilyName(), MiddleName: q.GetMiddleName(), GivenName: q.GetGivenName(),
		Gender: q.GetGender(), BirthDate: q.GetBirthDate(), CitizenID: q.GetCitizenId(), InsuranceNo: q.GetInsuranceNo(),
		Phone: q.GetPhone(), Province: q.GetProvince(), Ward: q.GetWard(), Address: q.GetAddress(),
	}
}

func keyToProto(k store.RecordKey) *mpiv1.RecordKey {
	if k == (store.RecordKey{}) {
		return nil
	}
	return &mpiv1.RecordKey{Source: k.Source, LocalId: k.LocalID}
}

func keysToProto(ks []store.RecordKey) []*mpiv1.RecordKey {
	if len(ks) == 0 {
		return nil
	}
	out := make([]*mpiv1.RecordKey, len(ks))
	for i, k := range ks {
		out[i] = &mpiv1.RecordKey{Source: k.Source, LocalId: k.LocalID}
	}
	return out
}

func eidsToStrings(eids []store.EID) []string {
	if len(eids) == 0 {
		return nil
	}
	out := make([]string, len(eids))
	for i, e := range eids {
		out[i] = string(e)
	}
	return out
}

// timestamp converts t; the zero time is absent.
func timestamp(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func thresholdsToProto(t matching.Thresholds) *mpiv1.Thresholds {
	return &mpiv1.Thresholds{Match: t.Match, Review: t.Review}
}

func explanationToProto(e *matching.Explanation) *mpiv1.Explanation {
	if e == nil {
		return nil
	}
	out := &mpiv1.Explanation{
		Decision:    e.Decision.String(),
		Probability: e.Probability,
		Weight:      e.Weight,
		PriorWeight: e.PriorWeight,
		GuardRails:  e.GuardRails,
		Thresholds:  thresholdsToProto(e.Thresholds),
		Fields:      make([]*mpiv1.FieldExplanation, len(e.Fields)),
	}
	for i, f := range e.Fields {
		pf := &mpiv1.FieldExplanation{
			Field: f.Field, Level: f.Level, M: f.M, U: f.U, Weight: f.Weight, TfAdjustment: f.TFAdjustment,
		}
		if f.TFDetail != nil {
			pf.TfDetail = &mpiv1.TermFrequencyDetail{Family: f.TFDetail.Family, Given: f.TFDetail.Given}
		}
		out.Fields[i] = pf
	}
	return out
}

func issuesToProto(is []matching.Issue) []*mpiv1.Issue {
	if len(is) == 0 {
		return nil
	}
	out := make([]*mpiv1.Issue, len(is))
	for i, x := range is {
		out[i] = &mpiv1.Issue{Field: x.Field, Problem: x.Problem}
	}
	return out
}

func resultToProto(r *api.Result) *mpiv1.ResolveResponse {
	return &mpiv1.ResolveResponse{
		Key:         keyToProto(r.Key),
		Eid:         string(r.EID),
		Decision:    r.Decision,
		Probability: r.Probability,
		Weight:      r.Weight,
		Explanation: explanationToProto(r.Explanation),
		TaskId:      r.TaskID,
		Version:     r.Version,
		Candidates:  int32(r.Candidates),
		Capped:      int32(r.Capped),
		Issues:      issuesToProto(r.Issues),
	}
}

func goldenFieldToProto(f store.GoldenField) *mpiv1.GoldenField {
	if f == (store.GoldenField{}) {
		return nil
	}
	return &mpiv1.GoldenField{Value: f.Value, From: keyToProto(f.From)}
}

func goldenToProto(g *store.Golden) *mpiv1.Golden {
	return &mpiv1.Golden{
		Name:        goldenFieldToProto(g.Name),
		Sex:         goldenFieldToProto(g.Sex),
		BirthDate:   goldenFieldToProto(g.BirthDate),
		CitizenId:   goldenFieldToProto(g.CitizenID),
		InsuranceNo: goldenFieldToProto(g.InsuranceNo),
		Phone:       goldenFieldToProto(g.Phone),
		Province:    goldenFieldToProto(g.Province),
		Ward:        goldenFieldToProto(g.Ward),
		Address:     goldenFieldToProto(g.Address),
	}
}

func linkKindToProto(k store.LinkKind) mpiv1.LinkKind {
	switch k {
	case store.LinkAuto:
		return mpiv1.LinkKind_LINK_KIND_AUTO
	case store.LinkManual:
		return mpiv1.LinkKind_LINK_KIND_MANUAL
	}
	return mpiv1.LinkKind_LINK_KIND_UNSPECIFIED
}

func personToProto(v *api.PersonView) *mpiv1.Person {
	p := &mpiv1.Person{
		AskedEid:   string(v.Asked),
		Eid:        string(v.EID),
		Version:    v.Version,
		CreateTime: timestamp(v.Created),
		UpdateTime: timestamp(v.Updated),
		Golden:     goldenToProto(&v.Golden),
		Records:    make([]*mpiv1.LinkedRecord, len(v.Records)),
	}
	for i := range v.Records {
		r := &v.Records[i]
		p.Records[i] = &mpiv1.LinkedRecord{
			Key:         keyToProto(r.Key),
			Version:     r.Version,
			ReceiveTime: timestamp(r.Received),
			LinkKind:    linkKindToProto(r.Kind),
			Probability: r.Probability,
			Weight:      r.Weight,
			Record:      RecordToProto(&r.Raw),
		}
	}
	return p
}

func personsToProto(vs []api.PersonView) []*mpiv1.Person {
	out := make([]*mpiv1.Person, len(vs))
	for i := range vs {
		out[i] = personToProto(&vs[i])
	}
	return out
}

func hitToProto(h *api.Hit) *mpiv1.SearchHit {
	return &mpiv1.SearchHit{
		Eid:         string(h.EID),
		Probability: h.Probability,
		Weight:      h.Weight,
		Grade:       h.Grade,
		Golden:      goldenToProto(&h.Golden),
		Explanation: explanationToProto(h.Explanation),
	}
}

// taskKindFromProto and taskStatusFromProto map the filter enums; an
// unknown value is an INVALID_ARGUMENT naming field.
func taskKindFromProto(field string, k mpiv1.TaskKind) (store.TaskKind, error) {
	switch k {
	case mpiv1.TaskKind_TASK_KIND_UNSPECIFIED:
		return 0, nil
	case mpiv1.TaskKind_TASK_KIND_POSSIBLE_MATCH:
		return store.TaskPossibleMatch, nil
	case mpiv1.TaskKind_TASK_KIND_POSSIBLE_DUPLICATE:
		return store.TaskPossibleDuplicate, nil
	}
	return 0, invalid(field, "unknown task kind")
}

func taskStatusFromProto(field string, s mpiv1.TaskStatus) (store.TaskStatus, error) {
	switch s {
	case mpiv1.TaskStatus_TASK_STATUS_UNSPECIFIED:
		return 0, nil
	case mpiv1.TaskStatus_TASK_STATUS_OPEN:
		return store.TaskOpen, nil
	case mpiv1.TaskStatus_TASK_STATUS_CLAIMED:
		return store.TaskClaimed, nil
	case mpiv1.TaskStatus_TASK_STATUS_RESOLVED:
		return store.TaskResolved, nil
	}
	return 0, invalid(field, "unknown task status")
}

func taskKindToProto(k store.TaskKind) mpiv1.TaskKind {
	switch k {
	case store.TaskPossibleMatch:
		return mpiv1.TaskKind_TASK_KIND_POSSIBLE_MATCH
	case store.TaskPossibleDuplicate:
		return mpiv1.TaskKind_TASK_KIND_POSSIBLE_DUPLICATE
	}
	return mpiv1.TaskKind_TASK_KIND_UNSPECIFIED
}

func taskStatusToProto(s store.TaskStatus) mpiv1.TaskStatus {
	switch s {
	case store.TaskOpen:
		return mpiv1.TaskStatus_TASK_STATUS_OPEN
	case store.TaskClaimed:
		return mpiv1.TaskStatus_TASK_STATUS_CLAIMED
	case store.TaskResolved:
		return mpiv1.TaskStatus_TASK_STATUS_RESOLVED
	}
	return mpiv1.TaskStatus_TASK_STATUS_UNSPECIFIED
}

// taskToProto converts t; a candidate's stored explanation (JSON) that
// does not decode is an error naming the task.
func taskToProto(t *store.Task) (*mpiv1.Task, error) {
	out := &mpiv1.Task{
		Id:          t.ID,
		Kind:        taskKindToProto(t.Kind),
		Status:      taskStatusToProto(t.Status),
		Record:      keyToProto(t.Record),
		Candidates:  make([]*mpiv1.TaskCandidate, len(t.Candidates)),
		CreateTime:  timestamp(t.Created),
		Assignee:    t.Assignee,
		Outcome:     t.Outcome,
		Resolver:    t.Resolver,
		Reason:      t.Reason,
		ResolveTime: timestamp(t.Resolved),
	}
	for i, c := range t.Candidates {
		pc := &mpiv1.TaskCandidate{Eid: string(c.EID), Probability: c.Probability, Weight: c.Weight}
		if len(c.Explanation) > 0 && string(c.Explanation) != "null" {
			// matching.Decision marshals as text but does not unmarshal:
			// the outer Decision shadows it.
			var e struct {
				matching.Explanation
				Decision string `json:"decision"`
			}
			if err := json.Unmarshal(c.Explanation, &e); err != nil {
				return nil, fmt.Errorf("task %d: candidate %s: explanation: %w", t.ID, c.EID, err)
			}
			pc.Explanation = explanationToProto(&e.Explanation)
			pc.Explanation.Decision = e.Decision
		}
		out.Candidates[i] = pc
	}
	return out, nil
}

// eventToProto converts e; its Data (a JSON object) becomes a Struct.
func eventToProto(e *store.Event) (*mpiv1.Event, error) {
	out := &mpiv1.Event{
		Seq:       e.Seq,
		EventTime: timestamp(e.At),
		Kind:      string(e.Kind),
		Actor:     e.Actor,
		Reason:    e.Reason,
		Eids:      eidsToStrings(e.EIDs),
		Record:    keyToProto(e.Record),
		TaskId:    e.TaskID,
	}
	if len(e.Data) > 0 && string(e.Data) != "null" {
		var m map[string]any
		if err := json.Unmarshal(e.Data, &m); err != nil {
			return nil, fmt.Errorf("event %d: data: %w", e.Seq, err)
		}
		st, err := structpb.NewStruct(m)
		if err != nil {
			return nil, fmt.Errorf("event %d: data: %w", e.Seq, err)
		}
		out.Data = st
	}
	return out, nil
}

func auditToProto(e *store.AuditEntry) *mpiv1.AuditEntry {
	return &mpiv1.AuditEntry{
		Seq:       e.Seq,
		Time:      timestamp(e.At),
		Actor:     e.Actor,
		Role:      e.Role,
		Action:    e.Action,
		RequestId: e.RequestID,
		Outcome:   e.Outcome,
		Eids:      eidsToStrings(e.EIDs),
		Records:   keysToProto(e.Records),
		PrevHash:  e.Prev,
		Hash:      e.Hash,
	}
}

func modelToProto(m *matching.Model) *mpiv1.ModelInfo {
	out := &mpiv1.ModelInfo{
		Version:     int32(m.Version),
		Description: m.Description,
		Prior:       m.Prior,
		Thresholds:  thresholdsToProto(m.Thresholds),
		Fields:      make([]*mpiv1.FieldParams, len(m.Fields)),
	}
	for i, f := range m.Fields {
		pf := &mpiv1.FieldParams{Field: f.Field, Levels: make([]*mpiv1.LevelParams, len(f.Levels))}
		for j, l := range f.Levels {
			pf.Levels[j] = &mpiv1.LevelParams{Level: l.Level, M: l.M, U: l.U}
		}
		out.Fields[i] = pf
	}
	return out
}
