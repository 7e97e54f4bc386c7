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

store=$1 records=$2 skip=$3
base=${store%%\?*}
query=${store#"$base"}
admin="${base%/*}/postgres$query"
db=mpi_bench_refusals
work=$(mktemp -d)
pid=
cleanup() {
	[[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	psql -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
psql -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE \"${base##*/}\"" >/dev/null
copy="${base%/*}/$db$query"
mpid --database-url "$copy" --tokens "$work/tokens.json" --grpc-addr 127.0.0.1:0 --http-addr 127.0.0.1:0 \
	--addr-file "$work/addrs" --log-level error 2>"$work/mpid.err" &
pid=$!
until [[ -f $work/addrs ]] && [[ $(wc -l <"$work/addrs") == 2 ]]; do
	kill -0 "$pid" 2>/dev/null || { cat "$work/mpid.err" >&2; exit 1; }
	sleep 0.1
done
grpc=$(sed -n 's/^grpc=//p' "$work/addrs")
token=$(grep -oE '^\s+mpi_[A-Za-z0-9_-]{43}$' "$work/mpid.err" | tr -d ' ')
MPI_TOKEN=mpi_unknown mpictl bench --grpc "$grpc" --op search --in "$records" --limit 40000 --workers 8 --json >"$work/flood.json" 2>/dev/null &
flood=$!
sleep 1
MPI_TOKEN=$token mpictl bench --grpc "$grpc" --in "$records" --skip "$skip" --limit 1500 --workers 4
wait "$flood" || true # every call of the flood fails, by design
refused=$(grep -oE '"Unauthenticated":[0-9]+' "$work/flood.json" | cut -d: -f2)
seconds=$(grep -oE '"seconds":[0-9.]+' "$work/flood.json" | cut -d: -f2)
echo "flood: $refused calls refused in $seconds s"
echo "audited refusals: $(psql -Atq "$copy" -c "SELECT count(*) FROM audit WHERE outcome = 'unauthenticated'")"
