package grpcapi

import (
	"context"

	"github.com/vnhealth/mpi/api"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
	"github.com/vnhealth/mpi/store"
)

// SearchPersons implements mpiv1.ClinicianServiceServer.
func (s *Server) SearchPersons(ctx context.Context, req *mpiv1.SearchPersonsRequest) (*mpiv1.SearchPersonsResponse, error) {
	a, err := s.actor(ctx)
	if err != nil {
		return nil, err
	}
	hits, err := s.svc.Search(ctx, a, queryFromProto(req.GetQuery()), int(req.GetLimit()))
	if err != nil {
		return nil, s.fail(ctx, renamed(err, func(f string) string {
			if f == "query" || f == "limit" {
				return f
			}
			return "query." + f
		}))
	}
	out := &mpiv1.SearchPersonsResponse{Hits: make([]*mpiv1.SearchHit, len(hits))}
	for i := range hits {
		out.Hits[i] = hitToProto(&hits[i])
	}
	return out, nil
}

// LookupPersons implements mpiv1.ClinicianServiceServer.
func (s *Server) LookupPersons(ctx context.Context, req *mpiv1.LookupPersonsRequest) (*mpiv1.LookupPersonsResponse, error) {
	a, err := s.actor(ctx)
	if err != nil {
		return nil, err
	}
	type lookup struct {
		field, value string
		fn           func(context.Context, api.Actor, string) ([]api.PersonView, error)
	}
	var given []lookup
	for _, l := range []lookup{
		{"citizen_id", req.GetCitizenId(), s.svc.LookupCitizenID},
		{"insurance_no", req.GetInsuranceNo(), s.svc.LookupInsurance},
		{"phone", req.GetPhone(), s.svc.LookupPhone},
	} {
		if l.value != "" {
			given = append(given, l)
		}
	}
	switch len(given) {
	case 0:
		return nil, invalid("citizen_id", "one of citizen_id, insurance_no or phone is required")
	case 1:
	default:
		return nil, invalid(given[1].field, "only one of citizen_id, insurance_no or phone may be given")
	}
	views, err := given[0].fn(ctx, a, given[0].value)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &mpiv1.LookupPersonsResponse{Persons: personsToProto(views)}, nil
}

// recordFields renames the api's "record.source" and "record.local_id" to
// a request's flat source and local_id.
var recordFields = rename(map[string]string{"record.source": "source", "record.local_id": "local_id"})

// GetPersonBySource implements mpiv1.ClinicianServiceServer.
func (s *Server) GetPersonBySource(ctx context.Context, req *mpiv1.GetPersonBySourceRequest) (*mpiv1.Person, error) {
	a, err := s.actor(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.svc.LookupSource(ctx, a, store.RecordKey{Source: req.GetSource(), LocalID: req.GetLocalId()})
	if err != nil {
		return nil, s.fail(ctx, renamed(err, recordFields))
	}
	return personToProto(&v), nil
}

// GetPerson implements mpiv1.ClinicianServiceServer.
func (s *Server) GetPerson(ctx context.Context, req *mpiv1.GetPersonRequest) (*mpiv1.Person, error) {
	a, err := s.actor(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.svc.Person(ctx, a, store.EID(req.GetEid()))
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return personToProto(&v), nil
}
