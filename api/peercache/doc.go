// Package peercache is the person cache mpid replicas share: an
// api.PersonCache backed by a github.com/golang/groupcache group whose keys
// are versioned, "EID@version", so that no replica ever serves a person
// that changed.
//
// # How a read goes
//
// api.Service (Options.Persons) first reads, in a small transaction, the
// live person a request stands for and its version (store.Tx.PersonHead,
// following merge redirects), then asks the cache for "EID@version".
// groupcache hashes the key onto a ring of the replicas (Options.Peers):
// the replica that owns the key answers from its cache or loads the view
// from the store (api.LoadPersonView) and keeps it; the others ask the
// owner over HTTP, and now and then keep a hot copy of what they were
// sent. A view is loaded from the store once per person version for the
// whole set of replicas — many more times only if the owner is down, when
// a replica loads it itself.
//
// groupcache never invalidates, and need not: every change to a person, its
// golden record or its links raises its version, so after a merge or a new
// link every replica asks for a key no cache has seen. Old versions age out
// of the LRU. A load that finds the person at another version than asked
// for — a writer came between the version read and the load — fails with
// api.ErrVersionMoved and caches nothing; the Service reads the version
// again.
//
// Example: replicas A, B and C; person 8K3M2P9QX at version 7 hashes to B.
// A clinician's read on A reads the head (version 7) and asks B for
// "8K3M2P9QX@7"; B loads it from the store and keeps it. Reads on B and C
// are cache hits at B. A steward merges 4TQ7… into 8K3M2P9QX through C: the
// person is now at version 8, the loser at version 3 redirecting to it.
// The next read on any replica, of either EID, asks for "8K3M2P9QX@8",
// which hashes to (say) A: A loads it once and serves the others.
//
// A version names one content only while the store's history runs
// forward: all replicas must serve one store, and after a store is
// restored from a backup (which can bring a person back to a version it
// has since passed, and then to another content at that number) every
// replica must be restarted, which empties the caches.
//
// Values are the views in a compact binary encoding (codec.go); Asked is
// set by the Service per request, not cached.
//
// # Transport, and groupcache's process-wide state
//
// groupcache keeps a process-wide registry of groups (a name can be
// registered once and never removed) and lets a process register one peer
// picker; its HTTPPool can be made once per process and mounts itself by
// group name. This package does not use HTTPPool: each Cache is its own
// groupcache.PeerPicker (a consistent-hash ring, groupcache/consistenthash,
// 50 points per peer) and its own http.Handler, which serves its own group
// whatever the group's name. The package registers one per-group picker
// with groupcache, on first use, that finds each group's Cache by name. So:
//
//   - a process may hold several Caches, each under its own group name
//     (Options.Group) — the tests run three replicas in one process this
//     way, each with its own listener; in production each mpid has one;
//   - replicas need not agree on group names, only on the peer list;
//   - nothing else in the process may call groupcache.RegisterPeerPicker,
//     RegisterPerGroupPeerPicker or NewHTTPPool (groupcache panics on a
//     second registration).
//
// # Security
//
// A peer request returns patient data, so the handler answers only
// requests carrying the shared Options.Token (a bearer token, compared in
// constant time) and only GETs of well-formed keys; serve it on an address
// only the replicas reach, with TLS (Options.Client's transport) where the
// network is not trusted. A peer fetch is not audited: it moves a view
// between replicas of one service, and the replica that returns it to a
// user audits that read, exactly as it would an uncached one.
//
// All replicas must be given the same peer list: with lists that disagree
// two replicas can each think the other owns a key, and a read then waits
// for the peer timeout (Options.Client) before the replica loads the view
// itself.
package peercache
