package grpcapi_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/vnhealth/mpi/api"
	"github.com/vnhealth/mpi/api/grpcapi"
	mpiv1 "github.com/vnhealth/mpi/proto/mpi/v1"
	"github.com/vnhealth/mpi/store/bolt"
)

// Example wires a server as mpid does, without its authentication: the
// gRPC services on a loopback port, and the REST gateway calling them
// through a client connection (so that gRPC interceptors would see REST
// calls too), serving the OpenAPI document beside them.
func Example() {
	dir, _ := os.MkdirTemp("", "grpcapi-example")
	defer os.RemoveAll(dir)
	st, err := bolt.Open(filepath.Join(dir, "mpi.db"), bolt.Options{})
	if err != nil {
		panic(err)
	}
	defer st.Close()

	// Package auth provides these from the authenticated principal.
	actor := func(context.Context) (api.Actor, error) { return api.Actor{ID: "hub-hcm", Role: "ingest"}, nil }
	sources := func(_ context.Context, source string) error { return nil }

	srv := grpc.NewServer() // mpid adds its interceptors here
	grpcapi.New(api.New(st, api.Options{}), grpcapi.Config{Actor: actor, CheckSource: sources}).Register(srv)
	lis, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(lis)
	defer srv.Stop()

	conn, _ := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	defer conn.Close()
	gw := runtime.NewServeMux(grpcapi.GatewayOptions()...)
	if err := grpcapi.RegisterGateway(context.Background(), gw, conn); err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", gw)
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(mpiv1.OpenAPI)
	})
	web := httptest.NewServer(mux)
	defer web.Close()

	resp, err := http.Post(web.URL+"/v1/records:resolve", "application/json",
		strings.NewReader(`{"source":"BV79001","local_id":"2400123","full_name":"NGUYỄN VĂN AN","birth_date":"07/05/1990"}`))
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, strings.Contains(string(body), `"decision":"new"`))
	// Output: 200 true
}
