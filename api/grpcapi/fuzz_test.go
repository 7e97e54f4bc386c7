package grpcapi_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/api/grpcapi"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
	"github.com/vnhealth/mpi/store/bolt"
)

// fieldProblem is what an INVALID_ARGUMENT of Resolve may say: a record
// field's proto path and one of the api's fixed problems — nothing taken
// from the request.
var fieldProblem = regexp.MustCompile(`^invalid argument: (record\.(source|local_id|full_name|birth_date|citizen_id|phone|address)): ` +
	`(required|longer than \d+ bytes|not valid UTF-8 text|contains control characters)$`)

// FuzzResolve: any record sent to Resolve either resolves, under its
// trimmed key, or fails with INVALID_ARGUMENT naming a record field — in
// the message and in a BadRequest detail — and a fixed problem.
func FuzzResolve(f *testing.F) {
	for _, r := range []*mpiv1.SourceRecord{anBV, anTYT, hongBV, tanPK, {Source: " ", LocalId: "x"}, {Source: "BV\x00", LocalId: "1"},
		{Source: "BV1", LocalId: "2", FullName: strings.Repeat("Ă", 600)}} {
		f.Add(r.Source, r.LocalId, r.FullName, r.BirthDate, r.CitizenId, r.Phone, r.Address)
	}
	st, err := bolt.Open(filepath.Join(f.TempDir(), "mpi.db"), bolt.Options{NoSync: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	s := grpcapi.New(api.New(st, api.Options{}), grpcapi.Config{Actor: actorFrom})
	f.Fuzz(func(t *testing.T, source, localID, name, birth, citizen, phone, address string) {
		ctx := metadata.NewIncomingContext(t.Context(), metadata.Pairs("authorization", "Bearer "+hubHCM))
		res, err := s.Resolve(ctx, &mpiv1.ResolveRequest{Record: &mpiv1.SourceRecord{
			Source: source, LocalId: localID, FullName: name, BirthDate: birth, CitizenId: citizen, Phone: phone, Address: address,
		}})
		if err == nil {
			if k := res.GetKey(); k.GetSource() != strings.TrimSpace(source) || k.GetLocalId() != strings.TrimSpace(localID) || res.Eid == "" {
				t.Fatalf("resolved as %v / %q", k, res.Eid)
			}
			return
		}
		st := status.Convert(err)
		m := fieldProblem.FindStringSubmatch(st.Message())
		if st.Code() != codes.InvalidArgument || m == nil {
			t.Fatalf("error %v: want INVALID_ARGUMENT naming a record field and a fixed problem", err)
		}
		if got := badRequestField(st); got != m[1] {
			t.Fatalf("BadRequest detail names %q, the message %q", got, m[1])
		}
	})
}
