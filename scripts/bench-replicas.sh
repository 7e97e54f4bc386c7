#!/usr/bin/env bash
# bench-replicas.sh: three mpid replicas over one PostgreSQL database,
# sharing their person cache, measured by mpictl bench over loopback.
#
#   scripts/bench-replicas.sh DATABASE_URL RECORDS SKIP
#
# DATABASE_URL holds the first SKIP records of RECORDS (mpictl import); it
# is copied (CREATE DATABASE … TEMPLATE) and the replicas run on the copy.
# The calls go to the replicas in turn: the next 3,000 records are
# resolved, then the persons of 20,000 imported records drawn at random
# are read three times (seeds 1, 2, 3: each run draws other records, so
# hits come from persons read before, on any replica). Then the same reads
# on one replica alone, for the ratio. Prints one JSON report per run.
# Needs mpid, mpictl and psql on PATH.
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib.sh"

store=$1 records=$2 skip=$3
[[ -f $records ]] || { echo "bench-replicas: no records file $records" >&2; exit 2; }
work=$(mktemp -d)
pids=()
pg_parse "$store"
db=mpi_bench_replicas
copy=$(pg_url "$db")
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	pg_drop "$db"
	rm -rf "$work"
}
trap cleanup EXIT
pg_copy "$db"

free_port() { # a port nothing listens on now, below the kernel's ephemeral range
	local p lo
	read -r lo _ </proc/sys/net/ipv4/ip_local_port_range
	while p=$((10000 + RANDOM % (lo - 10000))); (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do :; done
	echo "$p"
}

# start N [peer flags…]: replica N on the copy, its addresses in
# $work/N.addrs; the first one run writes the shared tokens file.
start() {
	local n=$1
	shift
	mpid_start "$work/$n.addrs" "$work/mpid.err" --database-url "$copy" --tokens "$work/tokens.json" --log-level warn "$@"
	pids+=("$mpid_pid")
}
stop_all() {
	for p in "${pids[@]}"; do kill "$p" && wait "$p" || true; done
	pids=()
	rm -f "$work"/*.addrs
}
addrs() { # kind (grpc|http) → comma-separated addresses of the running replicas
	local out=()
	for f in "$work"/*.addrs; do out+=("$(addr "$1" "$f")"); done
	(IFS=,; echo "${out[*]}")
}

peers=()
for i in 1 2 3; do peers+=("http://127.0.0.1:$(free_port)"); done
list=$(IFS=,; echo "${peers[*]}")
secret=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
for i in 1 2 3; do
	start "$i" --peers "$list" --self "${peers[$((i - 1))]}" --peer-token "$secret"
done
token=$(admin_token "$work/mpid.err")
metrics=$(addrs http | sed 's#\([^,]*\)#http://\1#g')
export MPI_TOKEN=$token
echo -n "resolve grpc W=16, 3 replicas: "
mpictl bench --grpc "$(addrs grpc)" --metrics "$metrics" --in "$records" --skip "$skip" --limit 3000 --workers 16 --json
for seed in 1 2 3; do
	echo -n "get grpc W=16, 3 replicas, seed $seed: "
	mpictl bench --grpc "$(addrs grpc)" --metrics "$metrics" --op get --in "$records" --limit "$skip" --calls 20000 --seed "$seed" --workers 16 --json
done
stop_all
start 1
metrics=$(addrs http | sed 's#\([^,]*\)#http://\1#g')
for seed in 1 2 3; do
	echo -n "get grpc W=16, 1 replica, seed $seed: "
	mpictl bench --grpc "$(addrs grpc)" --metrics "$metrics" --op get --in "$records" --limit "$skip" --calls 20000 --seed "$seed" --workers 16 --json
done
