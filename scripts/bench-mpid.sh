#!/usr/bin/env bash
# bench-mpid.sh: mpid's throughput, latency and memory with a store already
# loaded (mpictl import), measured by mpictl bench over loopback.
#
#   scripts/bench-mpid.sh STORE RECORDS SKIP [RUNS]
#
# STORE is a bolt file or a postgres:// URL. RECORDS is the exchange file
# whose first SKIP records were imported into it: the next 3,000 are
# resolved and searched for (as a clinician would: name, birth date, sex,
# province), and the persons of the imported ones read by source key. Each resolve run gets
# a fresh copy of the store (the file copied; CREATE DATABASE … TEMPLATE),
# so that every run resolves the same records into the same state; the
# searches and reads run on one more copy (they are audited: the audit log
# of STORE itself is left as it was). Each
# configuration runs RUNS times (default 3); the output is one JSON report
# per run, prefixed by the configuration, then the idle memory of mpid.
# WORKERS (default "1 4 16") sets the concurrent callers of each
# configuration, TRANSPORTS (default "grpc rest") the transports;
# READS=0 skips the searches and reads.
# Needs mpid and mpictl on PATH (go install ./cmd/...), and psql for
# PostgreSQL.
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib.sh"

store=$1 records=$2 skip=$3 runs=${4:-3}
workers=${WORKERS:-1 4 16}
transports=${TRANSPORTS:-grpc rest}
[[ -f $records ]] || { echo "bench-mpid: no records file $records" >&2; exit 2; }
pg=false
[[ $store == postgres://* || $store == postgresql://* ]] && pg=true
if $pg; then
	pg_parse "$store"
	pg_exists "$pg_template" || { echo "bench-mpid: no database $pg_template" >&2; exit 2; }
else
	[[ -f $store ]] || { echo "bench-mpid: no bolt file $store" >&2; exit 2; }
fi
work=$(mktemp -d)
pid=
copies=()
cleanup() {
	[[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	for db in "${copies[@]}"; do pg_drop "$db"; done
	rm -rf "$work"
}
trap cleanup EXIT

# copy N sets db to a fresh copy of the store for run N.
copy() {
	if $pg; then
		local name="mpi_bench_$1"
		copies+=("$name")
		pg_copy "$name"
		db=$(pg_url "$name")
	else
		cp "$store" "$work/run.db"
		db=$work/run.db
	fi
}

# start runs mpid on STORE ($1) and sets pid, grpc, http and token.
start() {
	rm -f "$work/tokens.json" "$work/mpid.err"
	local flag=--db
	$pg && flag=--database-url
	mpid_start "$work/addrs" "$work/mpid.err" "$flag" "$1" --tokens "$work/tokens.json" --log-level warn
	pid=$mpid_pid
	grpc=$(addr grpc "$work/addrs")
	http=$(addr http "$work/addrs")
	token=$(admin_token "$work/mpid.err")
}

stop() {
	kill "$pid"
	wait "$pid" || true
	pid=
}

target() { # transport → bench flags
	if [[ $1 == grpc ]]; then echo "--grpc $grpc --metrics http://$http"; else echo "--rest http://$http"; fi
}

for transport in $transports; do
	for w in $workers; do
		for run in $(seq "$runs"); do
			copy "$run"
			start "$db"
			echo -n "resolve $transport W=$w run $run: "
			MPI_TOKEN=$token mpictl bench $(target "$transport") --in "$records" --skip "$skip" --limit 3000 --workers "$w" --json
			stop
		done
	done
done
[[ ${READS:-1} == 0 ]] && exit 0
copy reads
start "$db"
# RssFile is the part of the store file bolt has mapped and read (the
# kernel's page cache, shared and reclaimable); RssAnon is mpid's own.
echo "idle: mpid before any call:" $(grep -E '^(VmRSS|RssAnon|RssFile)' "/proc/$pid/status")
for transport in $transports; do
	for w in $workers; do
		for run in $(seq "$runs"); do
			echo -n "search $transport W=$w run $run: "
			MPI_TOKEN=$token mpictl bench $(target "$transport") --op search --in "$records" --skip "$skip" --limit 3000 --workers "$w" --json
		done
	done
done
for run in $(seq "$runs"); do
	echo -n "get grpc W=16 run $run: "
	MPI_TOKEN=$token mpictl bench $(target grpc) --op get --in "$records" --limit "$skip" --calls 20000 --seed "$run" --workers 16 --json
done
echo "after the calls: mpid" $(grep -E '^(VmRSS|RssAnon|RssFile)' "/proc/$pid/status")
stop
