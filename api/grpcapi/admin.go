package grpcapi

import (
	"context"

	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
	"github.com/vnhealth/mpi/store"
)

// QueryAudit implements mpiv1.AdminServiceServer. Reading the audit log is
// not itself audited: it holds identifiers, never demographics.
func (s *Server) QueryAudit(ctx context.Context, req *mpiv1.QueryAuditRequest) (*mpiv1.QueryAuditResponse, error) {
	if _, err := s.actor(ctx); err != nil {
		return nil, err
	}
	f := store.AuditFilter{Actor: req.GetActor(), Action: req.GetAction(), AfterSeq: req.GetAfterSeq()}
	if e := req.GetEid(); e != "" {
		p, err := store.ParseEID(e)
		if err != nil {
			return nil, invalid("eid", "not an EID")
		}
		f.EID = p
	}
	if f.AfterSeq < 0 {
		return nil, invalid("after_seq", "negative")
	}
	if ts := req.GetSince(); ts != nil {
		if err := ts.CheckValid(); err != nil {
			return nil, invalid("since", "not a valid time")
		}
		f.Since = ts.AsTime()
	}
	switch l := req.GetLimit(); {
	case l < 0:
		return nil, invalid("limit", "negative")
	case l == 0 || l > maxAuditPage:
		f.Limit = maxAuditPage
	default:
		f.Limit = int(l)
	}
	entries, err := s.svc.Store().AuditLog(ctx, f)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &mpiv1.QueryAuditResponse{Entries: make([]*mpiv1.AuditEntry, len(entries))}
	for i := range entries {
		out.Entries[i] = auditToProto(&entries[i])
	}
	return out, nil
}

// GetModelInfo implements mpiv1.AdminServiceServer.
func (s *Server) GetModelInfo(ctx context.Context, _ *mpiv1.GetModelInfoRequest) (*mpiv1.ModelInfo, error) {
	if _, err := s.actor(ctx); err != nil {
		return nil, err
	}
	return modelToProto(s.svc.Model()), nil
}

// GetStats implements mpiv1.AdminServiceServer.
func (s *Server) GetStats(ctx context.Context, _ *mpiv1.GetStatsRequest) (*mpiv1.Stats, error) {
	if _, err := s.actor(ctx); err != nil {
		return nil, err
	}
	var c store.Counts
	err := s.svc.Store().View(ctx, func(tx store.Tx) error {
		var err error
		c, err = tx.Counts(ctx)
		return err
	})
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &mpiv1.Stats{
		Records: c.Records, ActiveRecords: c.ActiveRecords, Persons: c.Persons, ActivePersons: c.ActivePersons,
		Links: c.Links, OpenTasks: c.OpenTasks, Events: c.Events,
	}, nil
}
