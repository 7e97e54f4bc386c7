// Package auth decides who calls the MPI's gRPC services and what they may
// do: principals (a name, a role and, for hubs, the source codes they may
// ingest for), a tokens file that maps SHA-256 hashes of bearer tokens and
// names of client certificates to principals, the authorization table
// (full gRPC method name → roles; a method missing from it is denied to
// everyone), and the unary and stream interceptors that apply them.
//
// # Roles
//
//   - ingest: hubs resolving and retracting records (HubService), and only
//     for the source codes listed for them (CheckSource);
//   - clinician: search, look-ups and persons (ClinicianService);
//   - steward: the review queue, links, merges and history
//     (StewardService), and what clinicians may;
//   - admin: everything, the audit log, model info and statistics
//     (AdminService) included.
//
// # Tokens file
//
// A JSON document, kept with mode 0600, holding no token — only the
// hex SHA-256 of each:
//
//	{"principals": [
//	  {"name": "admin", "role": "admin", "token_sha256": ["9f86d0…"]},
//	  {"name": "hub-bv01", "role": "ingest", "sources": ["BV01"], "token_sha256": ["…"]},
//	  {"name": "hub-tyt02", "role": "ingest", "sources": ["TYT02"], "client_certs": ["hub-tyt02.mpi.local"]}
//	]}
//
// A bearer token is hashed and compared in constant time with every hash
// of the file (no early exit). A client certificate that the TLS layer
// verified against the client CA names its principal by a URI SAN or its
// subject common name, which must be listed under client_certs. When a
// call carries both, the token decides.
//
// # Interceptors
//
// Guard.Unary and Guard.Stream attach a request ID (the caller's
// x-request-id when it is 1–64 characters of letters, digits and ._:-,
// else a random one; sent back as the x-request-id header) with
// api.WithRequestID, authenticate, authorize by the table, put the
// Principal in the context (PrincipalFrom, ActorFrom) and write every
// refusal to the audit log: who (or nobody), role, the full method name as
// the action, the request ID and the outcome "unauthenticated" or
// "denied" (throttled calls are audited in aggregate: below). Nothing of
// the request's content is logged or audited here; package api audits
// the reads and writes of patient data themselves with the actor and
// request ID this package put in the context.
//
// # Calls without valid credentials
//
// Failed authentications are limited per client address (FailureLimit;
// by default 10 a second, in bursts of 50): a token bucket each, taken
// from only after authentication failed, so a caller with valid
// credentials is never refused for what others at its address (behind
// the same NAT) do. Beyond the limit a call is answered ResourceExhausted
// (HTTP 429 through the gateway), its response metadata RetryAfterHeader
// giving the whole seconds until its address's bucket holds a token
// again (Retry-After through the gateway). The address is the network peer's IP;
// for REST calls, which reach the interceptors through the in-process
// gateway, the HTTP client's IP the gateway forwards as ClientAddrHeader —
// believed, like ForwardedCertHeader, only from Options.TrustedPeer. An
// IPv6 client is limited by its /64, which its holder may use all of.
//
// Throttled calls are audited in aggregate, not one entry each: of an
// address's throttled calls at most one a second is written (outcome
// "throttled", its method and request ID), and at most one a minute
// logged, with the client IP and how many were throttled since. A flood
// from one address thus adds at most one audit entry a second besides
// the "unauthenticated" ones the limit lets through; every call within
// the limit keeps its own entry. The limiter tracks at most 65,536
// addresses (MaxAddrs), dropping those whose buckets have refilled;
// addresses beyond share one bucket.
package auth
