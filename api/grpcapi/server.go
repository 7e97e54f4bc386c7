// Package grpcapi serves package api's Service over gRPC (the services of
// proto/mpi/v1) and, through grpc-gateway, over REST.
//
// It is a thin layer: it converts messages, takes the caller's identity
// from the context (Config.Actor; package auth's interceptors put it
// there), checks that an ingest principal resolves only records of its own
// sources (Config.CheckSource), calls the Service and maps its errors to
// gRPC status codes (Status). Authorization by role is not done here: the
// interceptors do it per full method name before a handler runs.
//
// Request field names in errors are the proto field paths: a Resolve whose
// record lacks a local ID fails with INVALID_ARGUMENT "invalid argument:
// record.local_id: required" and a google.rpc.BadRequest detail naming
// record.local_id — never the value.
package grpcapi

import (
	"context"
	"errors"
	"log/slog"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/vnhealth/mpi/api"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
)

// ActorFunc returns the authenticated caller of a request from its
// context. An error ends the call: a *status.Status error is returned as
// is, any other as UNAUTHENTICATED.
type ActorFunc func(ctx context.Context) (api.Actor, error)

// SourceFunc reports whether the caller may resolve or retract records of
// source (an ingest principal: only its own source codes). A nil error
// allows it; a *status.Status error is returned as is (naming the request
// field), any other as PERMISSION_DENIED.
type SourceFunc func(ctx context.Context, source string) error

// Config configures a Server.
type Config struct {
	// Actor identifies the caller (required).
	Actor ActorFunc
	// CheckSource, when set, is asked before every record a HubService
	// call resolves or retracts.
	CheckSource SourceFunc
	// Logger receives the errors answered as INTERNAL (their messages
	// name record keys and EIDs, never demographics); default
	// slog.Default().
	Logger *slog.Logger
}

// MaxBatch bounds the records of one ResolveBatch.
const MaxBatch = 1000

// maxAuditPage bounds the entries of one QueryAudit.
const maxAuditPage = 1000

// Server implements mpiv1.HubServiceServer, ClinicianServiceServer,
// StewardServiceServer and AdminServiceServer over an *api.Service.
type Server struct {
	mpiv1.UnimplementedHubServiceServer
	mpiv1.UnimplementedClinicianServiceServer
	mpiv1.UnimplementedStewardServiceServer
	mpiv1.UnimplementedAdminServiceServer

	svc *api.Service
	cfg Config
}

var (
	_ mpiv1.HubServiceServer       = (*Server)(nil)
	_ mpiv1.ClinicianServiceServer = (*Server)(nil)
	_ mpiv1.StewardServiceServer   = (*Server)(nil)
	_ mpiv1.AdminServiceServer     = (*Server)(nil)
)

// New returns a Server over svc. cfg.Actor is required.
func New(svc *api.Service, cfg Config) *Server {
	if cfg.Actor == nil {
		panic("grpcapi: Config.Actor is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Server{svc: svc, cfg: cfg}
}

// Register registers the four services on r (a *grpc.Server).
func (s *Server) Register(r grpc.ServiceRegistrar) {
	mpiv1.RegisterHubServiceServer(r, s)
	mpiv1.RegisterClinicianServiceServer(r, s)
	mpiv1.RegisterStewardServiceServer(r, s)
	mpiv1.RegisterAdminServiceServer(r, s)
}

// RegisterGateway registers the REST mapping of the four services on mux,
// calling them through conn — a connection to the gRPC server, so that
// its interceptors (authentication, authorization, audit of denials,
// request IDs) apply to REST calls too. (mpiv1.RegisterXxxHandlerServer
// would call the Server directly and bypass them.)
func RegisterGateway(ctx context.Context, mux *runtime.ServeMux, conn grpc.ClientConnInterface) error {
	return errors.Join(
		mpiv1.RegisterHubServiceHandlerClient(ctx, mux, mpiv1.NewHubServiceClient(conn)),
		mpiv1.RegisterClinicianServiceHandlerClient(ctx, mux, mpiv1.NewClinicianServiceClient(conn)),
		mpiv1.RegisterStewardServiceHandlerClient(ctx, mux, mpiv1.NewStewardServiceClient(conn)),
		mpiv1.RegisterAdminServiceHandlerClient(ctx, mux, mpiv1.NewAdminServiceClient(conn)),
	)
}

// GatewayOptions are the runtime.ServeMux options the REST API needs: JSON
// with the proto field names (the record exchange format's: local_id,
// birth_date...), as the OpenAPI document describes; unknown fields
// ignored (as the exchange format ignores unknown columns); and paths
// matched before they are unescaped, so that a local ID holding a slash
// ("2024/00123") goes escaped in its path segment (2024%2F00123) — the
// gateway's default, legacy mode unescapes first and finds no route.
func GatewayOptions() []runtime.ServeMuxOption {
	return []runtime.ServeMuxOption{
		runtime.WithUnescapingMode(runtime.UnescapingModeAllExceptReserved),
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.HTTPBodyMarshaler{
			Marshaler: &runtime.JSONPb{
				MarshalOptions:   protojson.MarshalOptions{UseProtoNames: true},
				UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: true},
			},
		}),
	}
}

// actor returns the caller, or the error to answer with.
func (s *Server) actor(ctx context.Context) (api.Actor, error) {
	a, err := s.cfg.Actor(ctx)
	if err != nil {
		if _, ok := status.FromError(err); ok {
			return api.Actor{}, err
		}
		return api.Actor{}, status.Error(codes.Unauthenticated, "unauthenticated")
	}
	if a.ID == "" {
		return api.Actor{}, status.Error(codes.Unauthenticated, "unauthenticated")
	}
	return a, nil
}

// checkSource asks cfg.CheckSource whether the caller may send records of
// source; field names the request field for the error.
func (s *Server) checkSource(ctx context.Context, field, source string) error {
	if s.cfg.CheckSource == nil {
		return nil
	}
	err := s.cfg.CheckSource(ctx, source)
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	return status.Error(codes.PermissionDenied, field+": not a source this caller may send records of")
}
