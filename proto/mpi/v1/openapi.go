// Package mpiv1 is the MPI's API, version 1: the messages and services of
// proto/mpi/v1/*.proto (HubService, ClinicianService, StewardService,
// AdminService), their gRPC and grpc-gateway code, and the OpenAPI
// document of the REST mapping. Everything here but this file is
// generated: edit the .proto files and run `make proto`.
package mpiv1

import _ "embed"

//go:generate ../../generate.sh

// OpenAPI is the OpenAPI (Swagger 2.0) document of the REST API, all
// services merged; JSON field names are the proto field names.
//
//go:embed mpi.swagger.json
var OpenAPI []byte
