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
# so that every run resolves the same records into the same state. Each
# configuration runs RUNS times (default 3); the output is one JSON report
# per run, prefixed by the configuration, then the idle memory of mpid.
# Needs mpid and mpictl on PATH (go install ./cmd/...), and psql for
# PostgreSQL.
set -euo pipefail

store=$1 records=$2 skip=$3 runs=${4:-3}
work=$(mktemp -d)
pid=
cleanup() {
	[[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

pg=false
[[ $store == postgres://* || $store == postgresql://* ]] && pg=true

# copy prints the store a run uses: a fresh copy for resolve runs.
copy() {
	if $pg; then
		local db="mpi_bench_$1" base=${store%%\?*}
		local admin="${base%/*}/postgres" query=${store#"$base"}
		psql -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE ${base##*/}" >/dev/null
		echo "${base%/*}/$db$query"
	else
		cp "$store" "$work/run.db"
		echo "$work/run.db"
	fi
}

# start runs mpid on STORE ($1) and sets pid, grpc, http and token.
start() {
	rm -f "$work/addrs" "$work/tokens.json"
	local flag=--db
	$pg && flag=--database-url
	mpid "$flag" "$1" --grpc-addr 127.0.0.1:0 --http-addr 127.0.0.1:0 --addr-file "$work/addrs" \
		--tokens "$work/tokens.json" --log-level warn 2>"$work/mpid.err" &
	pid=$!
	until [[ -f $work/addrs ]] && [[ $(wc -l <"$work/addrs") == 2 ]]; do
		kill -0 "$pid" 2>/dev/null || { cat "$work/mpid.err" >&2; exit 1; }
		sleep 0.1
	done
	grpc=$(sed -n 's/^grpc=//p' "$work/addrs")
	http=$(sed -n 's/^http=//p' "$work/addrs")
	token=$(grep -oE '^\s+mpi_[A-Za-z0-9_-]{43}$' "$work/mpid.err" | tr -d ' ')
}

stop() {
	kill "$pid"
	wait "$pid" || true
	pid=
}

target() { # transport → bench flags
	if [[ $1 == grpc ]]; then echo "--grpc $grpc --metrics http://$http"; else echo "--rest http://$http"; fi
}

for transport in grpc rest; do
	for w in 1 4 16; do
		for run in $(seq "$runs"); do
			start "$(copy "$run")"
			echo -n "resolve $transport W=$w run $run: "
			MPI_TOKEN=$token mpictl bench $(target "$transport") --in "$records" --skip "$skip" --limit 3000 --workers "$w" --json
			stop
		done
	done
done
start "$store"
# RssFile is the part of the store file bolt has mapped and read (the
# kernel's page cache, shared and reclaimable); RssAnon is mpid's own.
echo "idle: mpid before any call:" $(grep -E '^(VmRSS|RssAnon|RssFile)' "/proc/$pid/status")
for transport in grpc rest; do
	for w in 1 4 16; do
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
if $pg; then
	for run in $(seq "$runs"); do psql -q "${store%/*}/postgres" -c "DROP DATABASE IF EXISTS mpi_bench_$run WITH (FORCE)" >/dev/null; done
fi
