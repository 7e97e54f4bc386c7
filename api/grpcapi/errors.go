package grpcapi

import (
	"context"
	"errors"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/store"
)

// Status maps an error of package api to a gRPC status error:
//
//   - a *api.FieldError: INVALID_ARGUMENT "invalid argument: field:
//     problem" with a google.rpc.BadRequest detail naming the field (the
//     problem never holds the value); other api.ErrInvalidArgument and
//     store.ErrInvalid errors: INVALID_ARGUMENT;
//   - api.ErrNotFound (store.ErrNotFound): NOT_FOUND;
//   - api.ErrFailedPrecondition: FAILED_PRECONDITION;
//   - store.ErrConflict: ABORTED (the store gave up retrying: try again);
//   - store.ErrExists: ALREADY_EXISTS;
//   - store.ErrClosed: UNAVAILABLE (the server is shutting down);
//   - context.Canceled, context.DeadlineExceeded: CANCELED,
//     DEADLINE_EXCEEDED;
//   - an error that already is a status: unchanged;
//   - anything else: INTERNAL "internal error", without detail.
//
// Messages are the api errors' own, which name fields, record keys, EIDs
// and task IDs, never demographics.
func Status(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	var fe *api.FieldError
	switch {
	case errors.As(err, &fe):
		st := status.New(codes.InvalidArgument, fe.Error())
		if d, derr := st.WithDetails(&errdetails.BadRequest{
			FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: fe.Field, Description: fe.Problem}},
		}); derr == nil {
			st = d
		}
		return st.Err()
	case errors.Is(err, api.ErrInvalidArgument), errors.Is(err, store.ErrInvalid):
		return status.Error(codes.InvalidArgument, err.Error())
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, "canceled")
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, "deadline exceeded")
	case errors.Is(err, store.ErrNotFound):
		return status.Error(codes.NotFound, err.Error())
	case errors.Is(err, api.ErrFailedPrecondition):
		return status.Error(codes.FailedPrecondition, err.Error())
	case errors.Is(err, store.ErrConflict):
		return status.Error(codes.Aborted, err.Error())
	case errors.Is(err, store.ErrExists):
		return status.Error(codes.AlreadyExists, err.Error())
	case errors.Is(err, store.ErrClosed):
		return status.Error(codes.Unavailable, "unavailable: the store is closed")
	}
	return status.Error(codes.Internal, "internal error")
}

// fail maps err with Status and logs what is answered as INTERNAL.
func (s *Server) fail(ctx context.Context, err error) error {
	st := Status(err)
	if status.Code(st) == codes.Internal {
		if _, ok := status.FromError(err); !ok {
			method, _ := grpc.Method(ctx)
			s.cfg.Logger.ErrorContext(ctx, "internal error", "method", method, "request_id", api.RequestID(ctx), "err", err)
		}
	}
	return st
}

// renamed returns err with the field of its *api.FieldError renamed by f
// (the api's names → the request's proto field paths); other errors come
// back unchanged.
func renamed(err error, f func(string) string) error {
	var fe *api.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	return &api.FieldError{Field: f(fe.Field), Problem: fe.Problem}
}

// prefixed renames every field to prefix+field.
func prefixed(prefix string) func(string) string {
	return func(f string) string { return prefix + f }
}

// rename renames the fields listed in m.
func rename(m map[string]string) func(string) string {
	return func(f string) string {
		if to, ok := m[f]; ok {
			return to
		}
		return f
	}
}

// invalid is an INVALID_ARGUMENT status naming field.
func invalid(field, problem string) error {
	return Status(&api.FieldError{Field: field, Problem: problem})
}
