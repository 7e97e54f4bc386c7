# lib.sh: what the bench scripts share. Sourced by them, not run:
#   source "$(dirname "$0")/lib.sh"

# pg_parse URL sets pg_base (postgres://user@host:port/db), pg_query (the
# ?… part, kept on every URL made from it), pg_admin (the same server's
# postgres database) and pg_template (the database's name).
pg_parse() {
	pg_base=${1%%\?*}
	pg_query=${1#"$pg_base"}
	pg_admin="${pg_base%/*}/postgres$pg_query"
	pg_template=${pg_base##*/}
}

# pg_url NAME prints the URL of database NAME on pg_parse's server.
pg_url() { echo "${pg_base%/*}/$1$pg_query"; }

# pg_exists NAME succeeds when database NAME exists.
pg_exists() { psql -Atq "$pg_admin" -c "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1; }

# pg_copy NAME makes database NAME a fresh copy of pg_template.
pg_copy() {
	psql -q "$pg_admin" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" \
		-c "CREATE DATABASE \"$1\" TEMPLATE \"$pg_template\"" >/dev/null
}

# pg_drop NAME drops database NAME if it exists (for cleanup traps).
pg_drop() {
	psql -q "$pg_admin" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" \
		>/dev/null 2>&1 || true
}

# mpid_start ADDRS LOG [mpid flags…] starts mpid (from PATH) on loopback
# ports with its log appended to LOG, waits until it has written its
# addresses to ADDRS, and sets mpid_pid; if mpid exits first, the script
# exits with its log.
mpid_start() {
	local addrs=$1 log=$2
	shift 2
	rm -f "$addrs"
	mpid --grpc-addr 127.0.0.1:0 --http-addr 127.0.0.1:0 --addr-file "$addrs" "$@" 2>>"$log" &
	mpid_pid=$!
	until [[ -f $addrs ]] && [[ $(wc -l <"$addrs") == 2 ]]; do
		kill -0 "$mpid_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
		sleep 0.1
	done
}

# addr KIND ADDRS prints the grpc or http address of an addresses file.
addr() { sed -n "s/^$1=//p" "$2"; }

# admin_token LOG prints the last admin token mpid printed to LOG (on a
# first run, when it created the tokens file).
admin_token() { grep -oE '^\s+mpi_[A-Za-z0-9_-]{43}$' "$1" | tail -n1 | tr -d ' '; }
