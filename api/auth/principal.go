package auth

import (
	"context"
	"fmt"
	"slices"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/vnhealth/mpi/api"
)

// Role is what a principal may do.
type Role string

// The roles.
const (
	RoleIngest    Role = "ingest"
	RoleClinician Role = "clinician"
	RoleSteward   Role = "steward"
	RoleAdmin     Role = "admin"
)

// Roles lists every role.
var Roles = []Role{RoleIngest, RoleClinician, RoleSteward, RoleAdmin}

// ParseRole returns the role named s, or an error naming the roles.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown role %q (want ingest, clinician, steward or admin)", s)
}

// Principal is an authenticated caller.
type Principal struct {
	// Name identifies the caller in the audit log, links and events.
	Name string
	Role Role
	// Sources are the source codes an ingest principal may resolve and
	// retract records for.
	Sources []string
	// Via says how the caller proved who it is: "token" or "certificate".
	Via string
}

// Actor is the principal as package api records it.
func (p *Principal) Actor() api.Actor { return api.Actor{ID: p.Name, Role: string(p.Role)} }

// MaySource reports whether p may ingest for source: any source for an
// admin, its own for an ingest principal, none for the other roles.
func (p *Principal) MaySource(source string) bool {
	switch p.Role {
	case RoleAdmin:
		return true
	case RoleIngest:
		return slices.Contains(p.Sources, source)
	}
	return false
}

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal the interceptors put in ctx, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// ErrNoPrincipal: the context carries no principal (a handler reached
// without the interceptors). It is a gRPC Unauthenticated status.
var ErrNoPrincipal = status.Error(codes.Unauthenticated, "no authenticated principal")

// ActorFrom returns the api.Actor of the principal in ctx — the ActorFunc
// the gRPC services take.
func ActorFrom(ctx context.Context) (api.Actor, error) {
	p := PrincipalFrom(ctx)
	if p == nil {
		return api.Actor{}, ErrNoPrincipal
	}
	return p.Actor(), nil
}
