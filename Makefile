# make proto regenerates proto/mpi/v1's generated code (see proto/generate.sh).
.PHONY: proto
proto:
	proto/generate.sh
