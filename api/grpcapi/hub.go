package grpcapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/matching"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
	"github.com/vnhealth/mpi/store"
)

// Resolve implements mpiv1.HubServiceServer.
func (s *Server) Resolve(ctx context.Context, req *mpiv1.ResolveRequest) (*mpiv1.ResolveResponse, error) {
	a, err := s.actor(ctx)
	if err != nil {
		return nil, err
	}
	return s.resolve(ctx, a, req)
}

// resolve resolves one request's record; errors are status errors.
func (s *Server) resolve(ctx context.Context, a api.Actor, req *mpiv1.ResolveRequest) (*mpiv1.ResolveResponse, error) {
	raw := rawFromProto(req.GetRecord())
	// An empty source is the api's INVALID_ARGUMENT, not a denial.
	if src := strings.TrimSpace(raw.Source); src != "" {
		if err := s.checkSource(ctx, "record.source", src); err != nil {
			return nil, err
		}
	}
	res, err := s.svc.Resolve(ctx, a, raw)
	if err != nil {
		return nil, s.fail(ctx, renamed(err, prefixed("record.")))
	}
	return resultToProto(&res), nil
}

// ResolveBatch implements mpiv1.HubServiceServer.
func (s *Server) ResolveBatch(ctx context.Context, req *mpiv1.ResolveBatchRequest) (*mpiv1.ResolveBatchResponse, error) {
	a, err := s.actor(ctx)
	if err != nil {
		return nil, err
	}
	if len(req.GetRecords()) > MaxBatch {
		return nil, invalid("records", fmt.Sprintf("more than %d records", MaxBatch))
	}
	raws := make([]matching.Raw, len(req.GetRecords()))
	for i, r := range req.GetRecords() {
		raws[i] = rawFromProto(r)
		if src := strings.TrimSpace(raws[i].Source); src != "" {
			if err := s.checkSource(ctx, fmt.Sprintf("records[%d].source", i), src); err != nil {
				return nil, err
			}
		}
	}
	results, err := s.svc.ResolveBatch(ctx, a, raws)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &mpiv1.ResolveBatchResponse{Results: make([]*mpiv1.ResolveResponse, len(results))}
	for i := range results {
		out.Results[i] = resultToProto(&results[i])
	}
	return out, nil
}

// ResolveStream implements mpiv1.HubServiceServer: each record in order,
// one answer each. An error that concerns only that record is answered
// in ResolveResponse.error and the stream goes on; others end it.
func (s *Server) ResolveStream(stream mpiv1.HubService_ResolveStreamServer) error {
	ctx := stream.Context()
	a, err := s.actor(ctx)
	if err != nil {
		return err
	}
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		resp, err := s.resolve(ctx, a, req)
		if err != nil {
			st := status.Convert(err)
			switch st.Code() {
			case codes.InvalidArgument, codes.PermissionDenied, codes.NotFound, codes.FailedPrecondition:
			default:
				return err
			}
			resp = &mpiv1.ResolveResponse{Error: st.Proto()}
			if k := (store.RecordKey{Source: req.GetRecord().GetSource(), LocalID: req.GetRecord().GetLocalId()}); k.Valid() {
				resp.Key = keyToProto(k)
			}
		}
		if err := stream.Send(resp); err != nil {
			return err
		}
	}
}

// Retract implements mpiv1.HubServiceServer.
func (s *Server) Retract(ctx context.Context, req *mpiv1.RetractRequest) (*mpiv1.RetractResponse, error) {
	a, err := s.actor(ctx)
	if err != nil {
		return nil, err
	}
	if src := strings.TrimSpace(req.GetSource()); src != "" {
		if err := s.checkSource(ctx, "source", src); err != nil {
			return nil, err
		}
	}
	res, err := s.svc.Retract(ctx, a, store.RecordKey{Source: req.GetSource(), LocalID: req.GetLocalId()}, req.GetReason())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &mpiv1.RetractResponse{Key: keyToProto(res.Key), Eid: string(res.EID), Decision: res.Decision, Version: res.Version}, nil
}
