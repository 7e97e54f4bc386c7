#!/usr/bin/env bash
# ab-load.sh: two builds of mpictl compared in the same hour — `mpictl load`
# runs alternating between them, each on a fresh copy of a loaded store —
# for a machine whose speed swings too much for figures taken at different
# times to be compared.
#
#   scripts/ab-load.sh OLD_MPICTL NEW_MPICTL STORE RECORDS SKIP [OP] [WORKERS] [RUNS] [LIMIT]
#
# STORE is a bolt file or a postgres:// URL (its database is the template of
# the copies: CREATE DATABASE … TEMPLATE). RECORDS is the exchange file whose
# first SKIP records were imported into it; the next LIMIT (default 3,000)
# are resolved (OP resolve, the default) or searched for (OP search) by
# WORKERS goroutines (default 16), RUNS times per build (default 3). Output:
# one line per run, "old|new JSON report", then the medians per build.
# Build the old one from a worktree, e.g.
#   git worktree add /tmp/old REV && (cd /tmp/old && go build -o /tmp/mpictl-old ./cmd/mpictl)
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib.sh"

old=$1 new=$2 store=$3 records=$4 skip=$5 op=${6:-resolve} workers=${7:-16} runs=${8:-3} limit=${9:-3000}
for bin in "$old" "$new"; do
	[[ -x $bin ]] || { echo "ab-load: $bin is not an executable" >&2; exit 2; }
done
[[ -f $records ]] || { echo "ab-load: no records file $records" >&2; exit 2; }
pg=false
[[ $store == postgres://* || $store == postgresql://* ]] && pg=true
copyname=mpi_ab_copy
if $pg; then
	pg_parse "$store"
	pg_exists "$pg_template" || { echo "ab-load: no database $pg_template" >&2; exit 2; }
else
	[[ -f $store ]] || { echo "ab-load: no bolt file $store" >&2; exit 2; }
fi
work=$(mktemp -d)
cleanup() {
	$pg && pg_drop "$copyname"
	rm -rf "$work"
}
trap cleanup EXIT

# fresh prints the store flags of a fresh copy of STORE.
fresh() {
	if $pg; then
		pg_copy "$copyname"
		echo "--database-url $(pg_url "$copyname")"
	else
		cp "$store" "$work/run.db"
		echo "--db $work/run.db"
	fi
}

for run in $(seq "$runs"); do
	for build in old new; do
		bin=$old
		[[ $build == new ]] && bin=$new
		flags=$(fresh)
		# shellcheck disable=SC2086 # flags are two words
		echo "$build $("$bin" load $flags --in "$records" --skip "$skip" --limit "$limit" --workers "$workers" --op "$op" --json)" |
			tee -a "$work/reports"
	done
done
for build in old new; do
	grep "^$build " "$work/reports" | sed "s/^$build //" |
		sed -E 's/.*"per_second":([0-9.]+).*"p50_ms":([0-9.]+).*"p99_ms":([0-9.]+).*/\1 \2 \3/' |
		sort -n | awk -v b="$build" '{ r[NR] = $0 } END { split(r[int((NR + 1) / 2)], m, " ");
			printf "%s: median of %d runs: %.0f/s, p50 %.1f ms, p99 %.1f ms\n", b, NR, m[1], m[2], m[3] }'
done
