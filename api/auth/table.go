package auth

import "slices"

// Service name prefixes of the full gRPC method names.
const (
	hub       = "/mpi.v1.HubService/"
	clinician = "/mpi.v1.ClinicianService/"
	steward   = "/mpi.v1.StewardService/"
	admin     = "/mpi.v1.AdminService/"
)

var (
	hubRoles       = []Role{RoleIngest, RoleAdmin}
	clinicianRoles = []Role{RoleClinician, RoleSteward, RoleAdmin}
	stewardRoles   = []Role{RoleSteward, RoleAdmin}
	adminRoles     = []Role{RoleAdmin}
)

// Authorization returns the authorization table: full gRPC method name →
// the roles allowed to call it. A method missing from it is denied to
// every role (default deny); a test checks that every RPC of the mpi.v1
// services is listed. Public methods (Public) need no principal at all.
func Authorization() map[string][]Role {
	return map[string][]Role{
		hub + "Resolve":       hubRoles,
		hub + "ResolveBatch":  hubRoles,
		hub + "ResolveStream": hubRoles,
		hub + "Retract":       hubRoles,

		clinician + "SearchPersons":     clinicianRoles,
		clinician + "LookupPersons":     clinicianRoles,
		clinician + "GetPersonBySource": clinicianRoles,
		clinician + "GetPerson":         clinicianRoles,

		steward + "ListTasks":        stewardRoles,
		steward + "ClaimTask":        stewardRoles,
		steward + "ResolveTask":      stewardRoles,
		steward + "LinkRecord":       stewardRoles,
		steward + "UnlinkRecord":     stewardRoles,
		steward + "MergePersons":     stewardRoles,
		steward + "UnmergePerson":    stewardRoles,
		steward + "GetPersonHistory": stewardRoles,

		admin + "QueryAudit":   adminRoles,
		admin + "GetModelInfo": adminRoles,
		admin + "GetStats":     adminRoles,
	}
}

// Public returns the methods anyone may call unauthenticated: the
// standard gRPC health service, which says nothing but whether the server
// serves.
func Public() map[string]bool {
	return map[string]bool{
		"/grpc.health.v1.Health/Check": true,
		"/grpc.health.v1.Health/Watch": true,
		"/grpc.health.v1.Health/List":  true,
	}
}

// Allowed reports whether role may call method under table t.
func Allowed(t map[string][]Role, method string, role Role) bool {
	return slices.Contains(t[method], role)
}
