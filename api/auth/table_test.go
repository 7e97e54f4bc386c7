package auth

import (
	"slices"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
)

// TestEveryRPCIsAuthorized: every RPC of every mpi.v1 service in the
// generated descriptors has a row in the authorization table (a method
// without one is denied to everyone), and the table names no RPC that
// does not exist.
func TestEveryRPCIsAuthorized(t *testing.T) {
	t.Parallel()
	_ = mpiv1.OpenAPI // link the generated descriptors
	rules := Authorization()
	rpcs := map[string]bool{}
	protoregistry.GlobalFiles.RangeFilesByPackage("mpi.v1", func(fd protoreflect.FileDescriptor) bool {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			for j := range sd.Methods().Len() {
				m := "/" + string(sd.FullName()) + "/" + string(sd.Methods().Get(j).Name())
				rpcs[m] = true
				roles, ok := rules[m]
				if !ok || len(roles) == 0 {
					t.Errorf("%s: not in the authorization table", m)
				}
				if !slices.Contains(roles, RoleAdmin) {
					t.Errorf("%s: the admin role may not call it", m)
				}
			}
		}
		return true
	})
	if len(rpcs) < 19 {
		t.Errorf("found %d RPCs in the mpi.v1 descriptors, want at least 19", len(rpcs))
	}
	for m := range rules {
		if !rpcs[m] {
			t.Errorf("%s: in the table but no such RPC", m)
		}
	}
}
