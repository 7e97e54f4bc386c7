#!/usr/bin/env bash
# bench-refusals.sh: legitimate resolves while callers without valid
# credentials flood mpid, every refusal of which is audited.
#
#   scripts/bench-refusals.sh DATABASE_URL RECORDS SKIP
#
# mpid runs on a copy of DATABASE_URL (CREATE DATABASE … TEMPLATE), which
# holds the first SKIP records of RECORDS. 8 callers with an unknown token
# send 40,000 searches; a second after they start, 4 callers resolve the
# next 1,500 records. Prints the resolves' report, the refusals per second
# and the refusals audited. Needs mpid, mpictl and psql on PATH.
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib.sh"

store=$1 records=$2 skip=$3
pg_parse "$store"
db=mpi_bench_refusals
work=$(mktemp -d)
pid=
cleanup() {
	[[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	pg_drop "$db"
	rm -rf "$work"
}
trap cleanup EXIT
pg_copy "$db"
copy=$(pg_url "$db")
mpid_start "$work/addrs" "$work/mpid.err" --database-url "$copy" --tokens "$work/tokens.json" --log-level error \
	--auth-failure-rate 0 # measure the audited refusals, not the limit that spares most of them
pid=$mpid_pid
grpc=$(addr grpc "$work/addrs")
token=$(admin_token "$work/mpid.err")
MPI_TOKEN=mpi_unknown mpictl bench --grpc "$grpc" --op search --in "$records" --limit 40000 --workers 8 --json >"$work/flood.json" 2>/dev/null &
flood=$!
sleep 1
MPI_TOKEN=$token mpictl bench --grpc "$grpc" --in "$records" --skip "$skip" --limit 1500 --workers 4
wait "$flood" || true # every call of the flood fails, by design
refused=$(grep -oE '"Unauthenticated":[0-9]+' "$work/flood.json" | cut -d: -f2)
seconds=$(grep -oE '"seconds":[0-9.]+' "$work/flood.json" | cut -d: -f2)
echo "flood: $refused calls refused in $seconds s"
# Chained entries and those still waiting for the sealer (audit_pending),
# counted in one snapshot.
echo "audited refusals: $(psql -Atq "$copy" -c "SELECT (SELECT count(*) FROM audit WHERE outcome = 'unauthenticated')
	+ (SELECT count(*) FROM audit_pending, jsonb_array_elements(entries) AS e WHERE e->>'outcome' = 'unauthenticated')")"
