package grpcapi

import (
	"context"

	"github.com/vnhealth/mpi/api"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
	"github.com/vnhealth/mpi/store"
)

// ListTasks implements mpiv1.StewardServiceServer.
func (s *Server) ListTasks(ctx context.Context, req *mpiv1.ListTasksRequest) (*mpiv1.ListTasksResponse, error) {
	a, err := s.actor(ctx)
	if err != nil {
		return nil, err
	}
	var f store.TaskFilter
	if f.Kind, err = taskKindFromProto("kind", req.GetKind()); err != nil {
		return nil, err
	}
	if f.Status, err = taskStatusFromProto("status", req.GetStatus()); err != nil {
		return nil, err
	}
	switch src, id := req.GetSource(), req.GetLocalId(); {
	case src == "" && id != "":
		return nil, invalid("source", "required with local_id")
	case src != "" && id == "":
		return nil, invalid("local_id", "required with source")
	default:
		f.Record = store.RecordKey{Source: src, LocalID: id}
	}
	f.EID = store.EID(req.GetEid())
	if f.AfterID = req.GetAfterId(); f.AfterID < 0 {
		return nil, invalid("after_id", "negative")
	}
	if req.GetLimit() < 0 {
		return nil, invalid("limit", "negative")
	}
	f.Limit = int(req.GetLimit())
	tasks, err := s.svc.Tasks(ctx, a, f)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &mpiv1.ListTasksResponse{Tasks: make([]*mpiv1.Task, len(tasks))}
	for i := range tasks {
		if out.Tasks[i], err = taskToProto(&tasks[i]); err != nil {
			return nil, s.fail(ctx, err)
		}
	}
	return out, nil
}

// ClaimTask implements mpiv1.StewardServiceServer.
func (s *Server) ClaimTask(ctx context.Context, req *mpiv1.ClaimTaskRequest) (*mpiv1.Task, error) {
	a, err := s.actor(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.svc.ClaimTask(ctx, a, req.GetId())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	pt, err := taskToProto(&t)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return pt, nil
}

// ResolveTask implements mpiv1.StewardServiceServer.
func (s *Server) ResolveTask(ctx context.Context, req *mpiv1.ResolveTaskRequest) (*mpiv1.ResolveTaskResponse, error) {
	a, err := s.actor(ctx)
	if err != nil {
		return nil, err
	}
	r := api.TaskResolution{
		Outcome:  req.GetOutcome(),
		EID:      store.EID(req.GetEid()),
		Loser:    store.EID(req.GetLoser()),
		Survivor: store.EID(req.GetSurvivor()),
		Force:    req.GetForce(),
	}
	done, err := s.svc.ResolveTask(ctx, a, req.GetId(), r, req.GetReason())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	pt, err := taskToProto(&done.Task)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &mpiv1.ResolveTaskResponse{Task: pt, Eid: string(done.EID)}, nil
}

// LinkRecord implements mpiv1.StewardServiceServer.
func (s *Server) LinkRecord(ctx context.Context, req *mpiv1.LinkRecordRequest) (*mpiv1.LinkRecordResponse, error) {
	a, err := s.actor(ctx)
	if err != nil {
		return nil, err
	}
	k := store.RecordKey{Source: req.GetSource(), LocalID: req.GetLocalId()}
	eid, err := s.svc.Link(ctx, a, k, store.EID(req.GetEid()), req.GetReason())
	if err != nil {
		return nil, s.fail(ctx, renamed(err, recordFields))
	}
	return &mpiv1.LinkRecordResponse{Eid: string(eid)}, nil
}

// UnlinkRecord implements mpiv1.StewardServiceServer.
func (s *Server) UnlinkRecord(ctx context.Context, req *mpiv1.UnlinkRecordRequest) (*mpiv1.UnlinkRecordResponse, error) {
	a, err := s.actor(ctx)
	if err != nil {
		return nil, err
	}
	k := store.RecordKey{Source: req.GetSource(), LocalID: req.GetLocalId()}
	eid, err := s.svc.Unlink(ctx, a, k, req.GetReason())
	if err != nil {
		return nil, s.fail(ctx, renamed(err, recordFields))
	}
	return &mpiv1.UnlinkRecordResponse{Eid: string(eid)}, nil
}

// MergePersons implements mpiv1.StewardServiceServer.
func (s *Server) MergePersons(ctx context.Context, req *mpiv1.MergePersonsRequest) (*mpiv1.MergePersonsResponse, error) {
	a, err := s.actor(ctx)
	if err != nil {
		return nil, err
	}
	var opts []api.MergeOption
	if req.GetForce() {
		opts = append(opts, api.ForceMerge)
	}
	loser, survivor := store.EID(req.GetLoser()), store.EID(req.GetSurvivor())
	if err := s.svc.Merge(ctx, a, loser, survivor, req.GetReason(), opts...); err != nil {
		return nil, s.fail(ctx, err)
	}
	return &mpiv1.MergePersonsResponse{Loser: canonicalEID(loser), Survivor: canonicalEID(survivor)}, nil
}

// UnmergePerson implements mpiv1.StewardServiceServer.
func (s *Server) UnmergePerson(ctx context.Context, req *mpiv1.UnmergePersonRequest) (*mpiv1.UnmergePersonResponse, error) {
	a, err := s.actor(ctx)
	if err != nil {
		return nil, err
	}
	eid := store.EID(req.GetEid())
	if err := s.svc.Unmerge(ctx, a, eid, req.GetReason()); err != nil {
		return nil, s.fail(ctx, renamed(err, rename(map[string]string{"loser": "eid"})))
	}
	return &mpiv1.UnmergePersonResponse{Eid: canonicalEID(eid)}, nil
}

// GetPersonHistory implements mpiv1.StewardServiceServer.
func (s *Server) GetPersonHistory(ctx context.Context, req *mpiv1.GetPersonHistoryRequest) (*mpiv1.GetPersonHistoryResponse, error) {
	a, err := s.actor(ctx)
	if err != nil {
		return nil, err
	}
	events, err := s.svc.History(ctx, a, store.EID(req.GetEid()))
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &mpiv1.GetPersonHistoryResponse{Events: make([]*mpiv1.Event, len(events))}
	for i := range events {
		if out.Events[i], err = eventToProto(&events[i]); err != nil {
			return nil, s.fail(ctx, err)
		}
	}
	return out, nil
}

// canonicalEID is an EID as the store writes it (the api accepted it, so
// it parses).
func canonicalEID(e store.EID) string {
	if p, err := store.ParseEID(string(e)); err == nil {
		return string(p)
	}
	return string(e)
}
