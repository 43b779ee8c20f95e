#!/bin/sh
# pg-test.sh — a throwaway PostgreSQL 15 cluster for tests.
#
#   scripts/pg-test.sh start DIR       new cluster in DIR on a free port of
#                                      127.0.0.1; prints its URL (also DIR/url)
#   scripts/pg-test.sh newdb DIR NAME  another empty database; prints its URL
#   scripts/pg-test.sh stop DIR        stops the cluster at once, removes DIR
#
# The URL is postgresql://jineng:jineng@127.0.0.1:PORT/jineng_test; the role
# jineng is the cluster's superuser.  Run as root, the server runs as the
# postgres OS user (PostgreSQL refuses root); otherwise as the current user.
# Only the URL goes to stdout; on failure the server log goes to stderr.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
MARK=.jineng-pg-test

die() { echo "pg-test: $*" >&2; exit 1; }

usage() { die "usage: $0 start DIR | stop DIR | newdb DIR NAME"; }

# as_pg CMD...: runs CMD as the cluster's owner.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

free_port() {
	if command -v python3 >/dev/null 2>&1 &&
		python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null; then
		return 0
	fi
	p=$((20000 + $$ % 20000))
	while [ "$p" -lt 65000 ]; do
		if ! ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then
			echo "$p"
			return 0
		fi
		p=$((p + 1))
	done
	return 1
}

# psql_admin DIR DB SQL: runs SQL as jineng over the cluster's Unix socket.
psql_admin() {
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$1" -p "$(cat "$1/port")" -U jineng -d "$2" \
		-c "$3" >/dev/null
}

show_log() {
	[ -f "$1/log" ] && { echo "pg-test: ---- server log ($1/log) ----" >&2; cat "$1/log" >&2; }
	return 0
}

cmd_start() {
	dir=$1
	case $dir in /*) ;; *) dir=$(pwd)/$dir ;; esac
	[ -x "$PGBIN/initdb" ] || die "no PostgreSQL 15 binaries in $PGBIN"
	if [ -e "$dir" ]; then
		if [ -f "$dir/$MARK" ]; then
			cmd_stop "$dir" # a leftover of ours: start afresh
		elif [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
			die "$dir exists and is not empty"
		fi
	fi
	mkdir -p "$dir"
	touch "$dir/$MARK"
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || die "running as root but there is no postgres user"
		chown postgres: "$dir"
		chmod 700 "$dir"
		# Directories under /tmp on the way there must let postgres pass.
		p=$(dirname "$dir")
		while [ "$p" != / ] && [ "$p" != /tmp ]; do
			case $p in /tmp/*) runuser -u postgres -- test -x "$p" || chmod o+x "$p" ;; esac
			p=$(dirname "$p")
		done
		runuser -u postgres -- test -w "$dir" ||
			die "the postgres user cannot reach $dir (a parent directory is closed); use a directory under /tmp"
	fi
	printf 'jineng\n' >"$dir/pw"
	chmod 644 "$dir/pw"
	if ! as_pg "$PGBIN/initdb" -D "$dir/data" -U jineng --pwfile="$dir/pw" -E UTF8 --locale=C \
		--auth-local=trust --auth-host=scram-sha-256 --no-sync >"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		die "initdb failed"
	fi
	rm -f "$dir/pw"
	tries=0
	while :; do
		tries=$((tries + 1))
		port=$(free_port) || die "no free TCP port"
		echo "$port" >"$dir/port"
		if as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 -s \
			-o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir'" \
			start >/dev/null 2>&1; then
			break
		fi
		# Someone may have taken the port in between: try another.
		if [ "$tries" -ge 3 ] || ! grep -q 'Address already in use' "$dir/log" 2>/dev/null; then
			show_log "$dir"
			die "the server did not start"
		fi
	done
	if ! psql_admin "$dir" postgres "CREATE DATABASE jineng_test" 2>"$dir/psql.err"; then
		cat "$dir/psql.err" >&2
		show_log "$dir"
		die "cannot create database jineng_test"
	fi
	url="postgresql://jineng:jineng@127.0.0.1:$port/jineng_test"
	echo "$url" >"$dir/url"
	echo "$url"
}

cmd_stop() {
	dir=$1
	[ -d "$dir" ] || return 0
	[ -f "$dir/$MARK" ] || die "$dir is not a pg-test cluster; not touching it"
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w -s stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

cmd_newdb() {
	dir=$1 name=$2
	case $name in *[!A-Za-z0-9_]* | '' | [0-9]*) die "bad database name: $name" ;; esac
	if [ ! -f "$dir/$MARK" ] || [ ! -f "$dir/port" ]; then die "$dir is not a running pg-test cluster"; fi
	psql_admin "$dir" postgres "CREATE DATABASE $name" || die "cannot create database $name"
	echo "postgresql://jineng:jineng@127.0.0.1:$(cat "$dir/port")/$name"
}

[ $# -ge 2 ] || usage
case $1 in
start) [ $# -eq 2 ] || usage; cmd_start "$2" ;;
stop) [ $# -eq 2 ] || usage; cmd_stop "$2" ;;
newdb) [ $# -eq 3 ] || usage; cmd_newdb "$2" "$3" ;;
*) usage ;;
esac
