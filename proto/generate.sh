#!/usr/bin/env bash
# Regenerates the Go, gRPC, grpc-gateway and OpenAPI code of proto/mpi/v1
# from its .proto files: `make proto` or `go generate ./proto/...` run it.
#
# protoc is Debian's (apt-get install protobuf-compiler
# golang-github-grpc-ecosystem-grpc-gateway-dev — the latter holds the
# google/api and google/rpc protos; set GOOGLEAPIS to use another copy); the
# plugins are the versions pinned as tools in go.mod, built by `go tool -n`.
set -euo pipefail
cd "$(dirname "$0")"
googleapis=${GOOGLEAPIS:-/usr/share/gocode/src/github.com/grpc-ecosystem/grpc-gateway/third_party/googleapis}
if [ ! -f "$googleapis/google/api/annotations.proto" ]; then
	echo "no google/api/annotations.proto under $googleapis: apt-get install golang-github-grpc-ecosystem-grpc-gateway-dev or set GOOGLEAPIS" >&2
	exit 1
fi
plugin() { echo "--plugin=$1=$(go tool -n "$1")"; }
rm -f mpi/v1/*.pb.go mpi/v1/*.pb.gw.go mpi/v1/*.swagger.json
protoc -I . -I "$googleapis" \
	"$(plugin protoc-gen-go)" "$(plugin protoc-gen-go-grpc)" \
	"$(plugin protoc-gen-grpc-gateway)" "$(plugin protoc-gen-openapiv2)" \
	--go_out=. --go_opt=paths=source_relative \
	--go-grpc_out=. --go-grpc_opt=paths=source_relative \
	--grpc-gateway_out=. --grpc-gateway_opt=paths=source_relative \
	--openapiv2_out=. \
	--openapiv2_opt=allow_merge=true,merge_file_name=mpi/v1/mpi,json_names_for_fields=false,openapi_configuration=mpi/v1/openapi.yaml \
	mpi/v1/*.proto
