#!/usr/bin/env bash
# bench/run.sh [N] — jineng's benchmark: import, search, HTTP and memory
# figures next to the engines' and servers' own, and the certification
# figures (bench/cert.sh) — see bench/README.md.
#
#   bench/run.sh            N = 100000 persons
#   bench/run.sh 1000000    the figures the issue asks for
#   PARTS=cert OUT=bench/results-cert.md bench/run.sh
#                           only the certification figures
#   PARTS=training bench/run.sh
#                           only the training figures (bench/results-training.md)
#
# Writes bench/results.md (OUT=… to write elsewhere).  Everything runs on
# 127.0.0.1 on free ports in a temporary directory; every process started
# here is stopped on exit, whatever happens.  Knobs (environment):
#   RUNS=5            runs per figure (search, /health)
#   IMPORT_RUNS=5     runs per import figure
#   PG_PROBE_N=20000  PostgreSQL import: first a probe on this many rows, then
#                     all N rows if one run should take < PG_MAX_RUN_SECONDS=600
#                     (else as many rows as fit in that)
#   PG_IMPORT_N="…"   or exactly these row counts for the PostgreSQL import
#   REQS=2000 LAT_MAXSEC=6|10  requests per latency run, and its time cap in
#                     whole seconds (10 when N >= 500000)
#   WRK_SECONDS=10 NGINX_WORKERS=auto
#   SKIP_PG=1         leave out PostgreSQL
#   BUDGET=2100       seconds; optional parts are skipped once past it
#   KEEP_WORK=1       keep the temporary directory
#   PARTS="main cert" which parts: main = import, search, HTTP, memory (a–d);
#                     cert = certification (e, bench/cert.sh); SKIP_CERT=1
#                     is PARTS=main
#                     training = the training figures (bench/training.sh,
#                     written to bench/results-training.md; not in the default)
#   CERT_N=100000     candidates in the batch issued (e); its other knobs
#                     (CERT_RUNS, CERT_STEP_TIMEOUT, CERT_BUDGET, CERT_PATHS)
#                     are described at the top of bench/cert.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

N=${1:-100000}
case $N in '' | *[!0-9]*) echo "usage: bench/run.sh [N]" >&2; exit 2 ;; esac
[ "$N" -ge 1000 ] || { echo "bench/run.sh: N must be at least 1000" >&2; exit 2; }
RUNS=${RUNS:-5}
IMPORT_RUNS=${IMPORT_RUNS:-5}
PG_IMPORT_N=${PG_IMPORT_N:-}
PG_PROBE_N=${PG_PROBE_N:-20000}
PG_MAX_RUN_SECONDS=${PG_MAX_RUN_SECONDS:-600}
REQS=${REQS:-2000}
if [ "$N" -ge 500000 ]; then LAT_MAXSEC=${LAT_MAXSEC:-10}; else LAT_MAXSEC=${LAT_MAXSEC:-6}; fi
WRK_SECONDS=${WRK_SECONDS:-10}
NGINX_WORKERS=${NGINX_WORKERS:-auto}
SKIP_PG=${SKIP_PG:-0}
BUDGET=${BUDGET:-2100}
OUT=${OUT:-$ROOT/bench/results.md}
SEED=${SEED:-1}
BENCH_B=${BENCH_B:-build} # the build directory (make B=…)
PARTS=${PARTS:-main cert}
if [ "${SKIP_CERT:-0}" = 1 ]; then PARTS=${PARTS//cert/}; fi
for p in $PARTS; do case $p in main | cert | training) ;; *) echo "bench/run.sh: PARTS: unknown part $p (main, cert, training)" >&2; exit 2 ;; esac; done
[ -n "${PARTS// /}" ] || { echo "bench/run.sh: PARTS is empty" >&2; exit 2; }
want() { case " $PARTS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
FILTERS=("region=530402&level_min=3&per_page=20" "region=530400&level_min=4&per_page=20" "occupation=6-18-02-04&per_page=20" "q=%E5%BC%A0&per_page=20")

START=$(date +%s)
WORK=$(mktemp -d /tmp/jineng-bench.XXXXXX)
RES=$WORK/results.jsonl
: >"$RES"
PIDS=()
PGDIR=

log() { printf '[%4ds] %s\n' $(($(date +%s) - START)) "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
elapsed() { echo $(($(date +%s) - START)); }
over_budget() { [ "$(elapsed)" -gt "$BUDGET" ]; }
lat() { python3 "$ROOT/bench/lat.py" "$@"; }
now_ns() { date +%s%N; }
# record FIG RUN JSON-OBJECT-BODY   (e.g. record import.x 1 '"seconds": 1.2')
record() { printf '{"fig": "%s", "run": %s, %s}\n' "$1" "$2" "$3" >>"$RES"; }
loadavg() { record load "$2" "\"phase\": \"$1\", \"loadavg\": \"$(cut -d' ' -f1-3 /proc/loadavg)\""; }
note() { printf '{"fig": "note", "run": 0, "text": %s}\n' "$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1")" >>"$RES"; }

stop_pid() {
	local p=$1 i
	kill "$p" 2>/dev/null || return 0
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.3
	done
	kill -9 "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	for p in "${PIDS[@]:-}"; do [ -n "$p" ] && stop_pid "$p"; done
	if [ -n "$PGDIR" ] && [ -d "$PGDIR" ]; then "$ROOT/scripts/pg-test.sh" stop "$PGDIR" >/dev/null 2>&1 || true; fi
	if [ "${KEEP_WORK:-0}" = 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

count_sqlite() { sqlite3 "$1" "SELECT COUNT(*) FROM persons"; }
fresh_sqlite() { rm -f "$1" "$1-wal" "$1-shm"; "$BIN" init --db "sqlite:$1" >/dev/null; }

start_jineng() { # URL [serve options] -> sets SPORT SPID
	SPORT=$(lat free-port)
	"$BIN" serve --db "$1" --listen "127.0.0.1:$SPORT" "${@:2}" 2>>"$WORK/serve.log" &
	SPID=$!
	PIDS+=("$SPID")
	lat wait "$SPORT" 20 || die "jineng serve did not come up (see $WORK/serve.log)"
}

# wrk_run FIG NAME URL RUN [wrk options]: one wrk run, recorded as FIG.NAME
# (WRK_C connections, 32 unless set)
wrk_run() {
	local fig=$1 name=$2 url=$3 i=$4
	shift 4
	timeout -k 5 $((WRK_SECONDS + 60)) wrk -t2 -c"${WRK_C:-32}" -d"${WRK_SECONDS}s" --latency "$@" "$url" >"$WORK/wrk.out" 2>&1 ||
		die "wrk against $name"
	local j
	j=$(python3 - "$WORK/wrk.out" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read()
def us(s):
    m = re.match(r"([\d.]+)(us|ms|s)", s)
    v = float(m.group(1))
    return v * {"us": 1, "ms": 1000, "s": 1e6}[m.group(2)]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
reqs = int(re.search(r"(\d+) requests in", t).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
errs = re.search(r"Socket errors: (.*)", t)
lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", t, re.M))
print(json.dumps({"rps": rps, "requests": reqs, "non2xx": int(non2xx.group(1)) if non2xx else 0,
                  "socket_errors": errs.group(1) if errs else "", "p50_us": us(lat["50"]), "p99_us": us(lat["99"])}))
PY
)
	record "$fig.$name" "$i" "\"res\": $j"
	log "$fig $name run $i: $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["rps"])' "$j") req/s"
}

# The throwaway PostgreSQL cluster, started by the first part that needs it.
PGURL=
PGPORT=
pg_up() {
	[ -n "$PGURL" ] && return 0
	PGDIR=$WORK/pg
	PGURL=$("$ROOT/scripts/pg-test.sh" start "$PGDIR") || die "cannot start PostgreSQL"
	PGPORT=$(cat "$PGDIR/port")
}
pgdb_url() { echo "postgresql://jineng:jineng@127.0.0.1:$PGPORT/$1"; }
newdb() { "$ROOT/scripts/pg-test.sh" newdb "$PGDIR" "$1" >/dev/null && "$BIN" init --db "$(pgdb_url "$1")" >/dev/null; }
dropdb_() { psql -X -q "$(pgdb_url postgres)" -c "DROP DATABASE $1" >/dev/null; }
count_pg() { psql -X -Atq "$(pgdb_url "$1")" -c "SELECT COUNT(*) FROM persons"; }

# ---------------------------------------------------------------- build
build_ok=0
for try in 1 2 3 4 5; do
	if make -s B="$BENCH_B" "$BENCH_B/jineng" >"$WORK/make.log" 2>&1; then build_ok=1; break; fi
	log "make build/jineng failed (someone mid-edit?); retrying in 60 s ($try/5)"
	sleep 60
done
[ "$build_ok" = 1 ] || { cat "$WORK/make.log" >&2; die "cannot build build/jineng"; }
# Our own copy: others may rebuild build/jineng while we measure (and of
# the library, for bench/credbench.c and bench/pdfbench.c).
cp "$BENCH_B/jineng" "$WORK/jineng"
cp "$BENCH_B/libjineng.a" "$WORK/libjineng.a"
JN_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
JN_DIRTY=$(git status --porcelain -uno -- src data Makefile 2>/dev/null | wc -l)
BIN=$WORK/jineng
cc -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -o "$WORK/httpref" bench/httpref.c \
	$(pkg-config --cflags --libs libmicrohttpd) || die "cannot build bench/httpref.c"
for t in python3 sqlite3 wrk /usr/bin/time; do command -v "$t" >/dev/null || die "missing $t"; done
HAVE_PG=1
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [ "$SKIP_PG" = 1 ] || [ ! -x "$PGBIN/initdb" ] || ! command -v psql >/dev/null; then HAVE_PG=0; fi
HAVE_NGINX=1
command -v nginx >/dev/null || HAVE_NGINX=0
log "N=$N, work directory $WORK"

# The main part (a–d), not indented: everything down to part e.
if want main; then
# ---------------------------------------------------------------- data
CSV=$WORK/persons.csv
VALUES=$WORK/values.csv
t0=$(now_ns)
"$BIN" gen persons "$N" --seed "$SEED" -o "$CSV" --normalised "$VALUES" || die "jineng gen persons"
t1=$(now_ns)
record gen 1 "\"seconds\": $(((t1 - t0) / 1000000))e-3, \"csv_bytes\": $(stat -c %s "$CSV"), \"values_bytes\": $(stat -c %s "$VALUES")"
log "generated $N persons ($(stat -c %s "$CSV") bytes)"

COLS="id_number, name, gender, birth_date, region, phone, occupation, level, employer, education, created_at, updated_at, version"
cat >"$WORK/load.sql" <<EOF
PRAGMA cache_size = -131072;
PRAGMA temp_store = MEMORY;
BEGIN;
CREATE TEMP TABLE v (id_number TEXT, name TEXT, gender TEXT, birth_date TEXT, region TEXT, phone TEXT,
  occupation TEXT, level INTEGER, employer TEXT, education TEXT, created_at TEXT, updated_at TEXT, version INTEGER);
.mode csv
.import --skip 1 $VALUES v
INSERT INTO persons ($COLS) SELECT $COLS FROM v;
COMMIT;
EOF

# ---------------------------------------------------------------- a. import, SQLite
loadavg "import (SQLite)" 1
IMPORT_TIMEOUT=$((N / 500 + 300))
for i in $(seq 1 "$IMPORT_RUNS"); do
	db=$WORK/imp.db
	fresh_sqlite "$db"
	t0=$(now_ns)
	timeout -k 5 "$IMPORT_TIMEOUT" /usr/bin/time -f "%M" -o "$WORK/time.out" \
		"$BIN" import persons "$CSV" --db "sqlite:$db" >"$WORK/imp.json" 2>"$WORK/imp.err" ||
		{ cat "$WORK/imp.err" >&2; die "jineng import (SQLite) run $i"; }
	t1=$(now_ns)
	[ "$(count_sqlite "$db")" = "$N" ] || die "jineng import left $(count_sqlite "$db") rows, not $N"
	record import.sqlite.jineng "$i" "\"rows\": $N, \"seconds\": $(((t1 - t0) / 1000))e-6, \"rss_kb\": $(tail -1 "$WORK/time.out")"
	log "import sqlite jineng run $i: $(((t1 - t0) / 1000000)) ms"
	# sqlite3 shell bulk load of the normalised rows into the same schema
	fresh_sqlite "$WORK/shell.db"
	t0=$(now_ns)
	timeout -k 5 "$IMPORT_TIMEOUT" /usr/bin/time -f "%M" -o "$WORK/time.out" \
		sqlite3 -bail "$WORK/shell.db" <"$WORK/load.sql" >"$WORK/shell.out" 2>&1 ||
		{ cat "$WORK/shell.out" >&2; die "sqlite3 .import run $i"; }
	t1=$(now_ns)
	[ "$(count_sqlite "$WORK/shell.db")" = "$N" ] || die "sqlite3 .import left the wrong row count"
	record import.sqlite.shell "$i" "\"rows\": $N, \"seconds\": $(((t1 - t0) / 1000))e-6, \"rss_kb\": $(tail -1 "$WORK/time.out")"
	log "import sqlite shell run $i: $(((t1 - t0) / 1000000)) ms"
done
# jineng must have stored exactly the generator's normalised rows
NORM="id_number, name, gender, birth_date, region, phone, occupation, level, employer, education"
diff_rows=$(sqlite3 "$WORK/imp.db" "ATTACH '$WORK/shell.db' AS s; SELECT COUNT(*) FROM (SELECT $NORM FROM main.persons EXCEPT SELECT $NORM FROM s.persons)")
record check.same_rows 1 "\"differing_rows\": $diff_rows"
[ "$diff_rows" = 0 ] || log "WARNING: $diff_rows rows stored by jineng differ from the generator's normalised rows"
SDB=$WORK/search.db
for x in "" -wal -shm; do if [ -e "$WORK/imp.db$x" ]; then mv "$WORK/imp.db$x" "$SDB$x"; fi; done
rm -f "$WORK"/shell.db*
record sizes 1 "\"sqlite_db_bytes\": $(stat -c %s "$SDB"), \"audit_rows\": $(sqlite3 "$SDB" 'SELECT COUNT(*) FROM audit')"

# ---------------------------------------------------------------- a. import, PostgreSQL
PG_KEEP_DB=
if [ "$HAVE_PG" = 1 ] && ! over_budget; then
	loadavg "import (PostgreSQL)" 2
	pg_up
	# PG_KEEP_DB: a database jineng imported all N rows into, kept for the search figure
	pg_import_runs() { # ROWS RUNS
		local rows=$1 runs=$2 i src=$CSV vsrc=$VALUES
		if [ "$rows" -lt "$N" ]; then
			head -n $((rows + 1)) "$CSV" >"$WORK/pg.csv"
			head -n $((rows + 1)) "$VALUES" >"$WORK/pgvalues.csv"
			src=$WORK/pg.csv vsrc=$WORK/pgvalues.csv
		fi
		for i in $(seq 1 "$runs"); do
			if [ "$i" -gt 1 ] && over_budget; then note "PostgreSQL import at $rows rows: stopped after $((i - 1)) runs (time budget)"; break; fi
			newdb "imp_${rows}_$i"
			t0=$(now_ns)
			timeout -k 5 "$PG_MAX_RUN_SECONDS" /usr/bin/time -f "%M" -o "$WORK/time.out" \
				"$BIN" import persons "$src" --db "$(pgdb_url "imp_${rows}_$i")" >"$WORK/imp.json" 2>"$WORK/imp.err" ||
				{ cat "$WORK/imp.err" >&2; die "jineng import (PostgreSQL, $rows rows) run $i (over $PG_MAX_RUN_SECONDS s?)"; }
			t1=$(now_ns)
			[ "$(count_pg "imp_${rows}_$i")" = "$rows" ] || die "jineng import (PostgreSQL) left the wrong row count"
			record "import.pg.jineng.$rows" "$i" "\"rows\": $rows, \"seconds\": $(((t1 - t0) / 1000))e-6, \"rss_kb\": $(tail -1 "$WORK/time.out")"
			log "import pg jineng $rows run $i: $(((t1 - t0) / 1000000)) ms"
			if [ "$rows" = "$N" ]; then
				[ -n "$PG_KEEP_DB" ] && dropdb_ "$PG_KEEP_DB"
				PG_KEEP_DB=imp_${rows}_$i
			else
				dropdb_ "imp_${rows}_$i"
			fi
			newdb "cp_$i"
			t0=$(now_ns)
			timeout -k 5 "$PG_MAX_RUN_SECONDS" psql -X -q -v ON_ERROR_STOP=1 "$(pgdb_url "cp_$i")" -c "\\copy persons ($COLS) FROM '$vsrc' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (phone, occupation, employer, education))" ||
				die "psql \\copy run $i"
			t1=$(now_ns)
			[ "$(count_pg "cp_$i")" = "$rows" ] || die "psql \\copy left the wrong row count"
			record "import.pg.copy.$rows" "$i" "\"rows\": $rows, \"seconds\": $(((t1 - t0) / 1000))e-6"
			dropdb_ "cp_$i"
		done
		rm -f "$WORK/pg.csv" "$WORK/pgvalues.csv"
	}
	if [ -n "$PG_IMPORT_N" ]; then
		for rows in $PG_IMPORT_N; do
			[ "$rows" -le "$N" ] && pg_import_runs "$rows" "$IMPORT_RUNS"
		done
	else
		# A probe on the first PG_PROBE_N rows, then all N rows when one run
		# is expected to take under PG_MAX_RUN_SECONDS; else as many rows as fit.
		probe=$((PG_PROBE_N < N ? PG_PROBE_N : N))
		pg_import_runs "$probe" "$RUNS"
		if [ "$probe" -lt "$N" ]; then
			rate=$(python3 -c '
import json, statistics, sys
v = [r["rows"] / r["seconds"] for r in map(json.loads, open(sys.argv[1])) if r["fig"] == sys.argv[2]]
print(int(statistics.median(v)))' "$RES" "import.pg.jineng.$probe")
			# one run of N rows, with a margin for the indexes growing
			est=$((N * 13 / 10 / (rate > 0 ? rate : 1)))
			rows=$N
			if [ "$est" -gt "$PG_MAX_RUN_SECONDS" ]; then
				rows=$((PG_MAX_RUN_SECONDS * rate * 10 / 13 / 10000 * 10000))
				[ "$rows" -ge 10000 ] || rows=10000
				note "PostgreSQL import: $probe rows went at $rate rows/s, so one run of all $N rows would take about $est s (over $PG_MAX_RUN_SECONDS s); measured on the first $rows rows instead."
			fi
			if [ "$rows" -gt "$probe" ]; then
				log "PostgreSQL import of $rows rows: about $((rows * 13 / 10 / (rate > 0 ? rate : 1))) s per run"
				pg_import_runs "$rows" "$IMPORT_RUNS"
			fi
		fi
	fi
elif [ "$HAVE_PG" = 1 ]; then
	note "PostgreSQL left out: time budget spent"
else
	note "PostgreSQL left out (SKIP_PG=1 or not installed)"
fi

# ---------------------------------------------------------------- b. search
search_bench() { # ENGINE URL SQLKIND
	local engine=$1 url=$2 kind=$3
	echo password123 | "$BIN" user add --username bench --role admin --db "$url" >/dev/null || die "user add"
	start_jineng "$url"
	local token
	token=$(lat login "$SPORT" bench password123) || die "login"
	for i in $(seq 1 "$RUNS"); do
		local k=0
		for f in "${FILTERS[@]}"; do
			k=$((k + 1))
			local h s n
			h=$(timeout -k 5 $((LAT_MAXSEC * 4 + 60)) python3 bench/lat.py http "$SPORT" "/api/v1/persons?$f" "$token" "$REQS" "$LAT_MAXSEC") ||
				die "GET /api/v1/persons?$f"
			n=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["n"])' "$h")
			if [ "$kind" = sqlite ]; then
				s=$(timeout -k 5 $((LAT_MAXSEC * 6 + 60)) python3 bench/lat.py sqlite "$SDB" "$f" "$n") || die "sqlite SQL for $f"
			else
				lat pg-script "$f" "$WORK/q.sql" >"$WORK/q.defs"
				local defs
				mapfile -t defs <"$WORK/q.defs"
				"$PGBIN/pgbench" -n -M prepared -c 1 -j 1 -t 20 "${defs[@]}" -f "$WORK/q.sql" "$url" >/dev/null 2>&1 ||
					die "pgbench warm-up for $f"
				rm -f "$WORK"/pgb.*
				timeout -k 5 $((LAT_MAXSEC * 6 + 60)) "$PGBIN/pgbench" -n -M prepared -c 1 -j 1 -t "$n" -l --log-prefix="$WORK/pgb" \
					"${defs[@]}" -f "$WORK/q.sql" "$url" >"$WORK/pgbench.out" 2>&1 || { cat "$WORK/pgbench.out" >&2; die "pgbench for $f"; }
				s=$(lat pgbench-log "$WORK"/pgb.*)
				# the same answer as the API: count and first page
				local check
				check=$(psql -X -Atq "$url" -c "$(lat pg-check "$f")") || die "check query for $f"
				s=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d.update(json.loads(sys.argv[2])); print(json.dumps(d))' "$s" "$check")
			fi
			record "search.$engine.http.$k" "$i" "\"filter\": \"$f\", \"res\": $h"
			record "search.$engine.sql.$k" "$i" "\"filter\": \"$f\", \"res\": $s"
			log "search $engine run $i $f: http $(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["n"], d["p50_us"], d["p99_us"])' "$h"), sql $(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["n"], d["p50_us"], d["p99_us"])' "$s")"
		done
	done
	record "mem.serve.search.$engine" 1 "\"vmhwm_kb\": $(lat vmhwm "$SPID")"
	stop_pid "$SPID"
}

loadavg "search (SQLite)" 3
search_bench sqlite "sqlite:$SDB" sqlite
loadavg "search (PostgreSQL)" 4

if [ -n "$PGURL" ] && [ -n "$PG_KEEP_DB" ]; then
	SURL=$(pgdb_url "$PG_KEEP_DB")
	psql -X -q "$SURL" -c "ANALYZE" >/dev/null
	record load.pg.jineng 1 "\"rows\": $N, \"db\": \"$PG_KEEP_DB\""
	search_bench pg "$SURL" pg
elif [ -n "$PGURL" ] && ! over_budget; then
	newdb search
	SURL=$(pgdb_url search)
	t0=$(now_ns)
	psql -X -q -v ON_ERROR_STOP=1 "$SURL" -c "\\copy persons ($COLS) FROM '$VALUES' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (phone, occupation, employer, education))" ||
		die "psql \\copy of $N rows"
	psql -X -q "$SURL" -c "ANALYZE" >/dev/null
	t1=$(now_ns)
	record load.pg.copy "1" "\"rows\": $N, \"seconds\": $(((t1 - t0) / 1000))e-6"
	log "PostgreSQL search database: $N rows loaded with \\copy"
	search_bench pg "$SURL" pg
elif [ -n "$PGURL" ]; then
	note "PostgreSQL search left out: time budget spent"
fi

# ---------------------------------------------------------------- c. /health
loadavg "/health" 5
start_jineng "sqlite:$SDB"
JPORT=$SPORT JPID=$SPID
RPORT=$(lat free-port)
"$WORK/httpref" "$RPORT" 8 2>>"$WORK/httpref.log" &
RPID=$!
PIDS+=("$RPID")
lat wait "$RPORT" 10 || die "httpref did not come up"
SERVERS=("jineng $JPORT" "httpref $RPORT")
if [ "$HAVE_NGINX" = 1 ]; then
	NG=$WORK/nginx
	mkdir -p "$NG/www" "$NG/tmp"
	curl -s "http://127.0.0.1:$JPORT/health" >"$NG/www/health"
	NPORT=$(lat free-port)
	cat >"$NG/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes $NGINX_WORKERS;
pid $NG/nginx.pid;
error_log $NG/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  server_tokens off;
  etag off;
  client_body_temp_path $NG/tmp/body;
  proxy_temp_path $NG/tmp/proxy;
  fastcgi_temp_path $NG/tmp/fastcgi;
  uwsgi_temp_path $NG/tmp/uwsgi;
  scgi_temp_path $NG/tmp/scgi;
  keepalive_requests 100000000;
  server {
    listen 127.0.0.1:$NPORT;
    location = /health {
      root $NG/www;
      default_type "application/json; charset=utf-8";
      add_header Cache-Control no-store;
      add_header X-Content-Type-Options nosniff;
    }
    location = /search.json {
      root $NG/www;
      default_type "application/json; charset=utf-8";
      add_header Cache-Control no-store;
      add_header X-Content-Type-Options nosniff;
    }
  }
}
EOF
	chmod o+x "$WORK"
	chmod o+rx "$NG" "$NG/www"
	chmod o+r "$NG/www/health"
	nginx -p "$NG" -c "$NG/nginx.conf" -e "$NG/error.log" &
	NPID=$!
	PIDS+=("$NPID")
	lat wait "$NPORT" 10 || { cat "$NG/error.log" >&2; die "nginx did not come up"; }
	SERVERS+=("nginx $NPORT")
fi
same=1
jb=$(curl -s "http://127.0.0.1:$JPORT/health")
for s in "${SERVERS[@]}"; do
	set -- $s
	[ "$(curl -s "http://127.0.0.1:$2/health")" = "$jb" ] || same=0
	wrk -t2 -c32 -d2s "http://127.0.0.1:$2/health" >/dev/null # warm-up
done
record health.same 1 "\"same_body\": $same, \"body\": $(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$jb"), \"nginx_workers\": \"$NGINX_WORKERS\""
for i in $(seq 1 "$RUNS"); do
	for s in "${SERVERS[@]}"; do
		set -- $s
		wrk_run health "$1" "http://127.0.0.1:$2/health" "$i"
	done
done
record mem.serve.health.jineng 1 "\"vmhwm_kb\": $(lat vmhwm "$JPID")"

# ---------------------------------------------------------------- c. a search under wrk
# The first filter's page, with the bench account's token, against nginx
# serving the very same bytes as a static file.
loadavg "search under wrk" 7
TOKEN=$(lat login "$JPORT" bench password123) || die "login for the search under wrk"
SEARCH_URL="http://127.0.0.1:$JPORT/api/v1/persons?${FILTERS[0]}"
curl -s -H "Authorization: Bearer $TOKEN" "$SEARCH_URL" >"$WORK/search.json"
record searchload.same 1 "\"bytes\": $(stat -c %s "$WORK/search.json"), \"path\": \"/api/v1/persons?${FILTERS[0]}\""
wrk -t2 -c32 -d2s -H "Authorization: Bearer $TOKEN" "$SEARCH_URL" >/dev/null # warm-up
if [ "$HAVE_NGINX" = 1 ]; then
	cp "$WORK/search.json" "$NG/www/search.json"
	chmod o+r "$NG/www/search.json"
	[ "$(curl -s "http://127.0.0.1:$NPORT/search.json")" = "$(cat "$WORK/search.json")" ] || die "nginx serves another search.json"
fi
for i in $(seq 1 "$RUNS"); do
	wrk_run searchload jineng "$SEARCH_URL" "$i" -H "Authorization: Bearer $TOKEN"
	if [ "$HAVE_NGINX" = 1 ]; then wrk_run searchload nginx "http://127.0.0.1:$NPORT/search.json" "$i"; fi
done
record mem.serve.searchload.jineng 1 "\"vmhwm_kb\": $(lat vmhwm "$JPID")"
record mem.serve.health.httpref 1 "\"vmhwm_kb\": $(lat vmhwm "$RPID")"
for p in "${PIDS[@]}"; do stop_pid "$p"; done
PIDS=()

fi # want main

# ---------------------------------------------------------------- e. certification
if want cert; then
	source "$ROOT/bench/cert.sh"
	cert_part
fi

# ---------------------------------------------------------------- t. training
if want training; then
	source "$ROOT/bench/training.sh"
	training_part
	if ! want main && ! want cert; then
		log "done"
		exit 0
	fi
fi

# ---------------------------------------------------------------- report
loadavg "end" 99
record meta 1 "\"n\": $N, \"runs\": $RUNS, \"import_runs\": $IMPORT_RUNS, \"reqs\": $REQS, \"lat_maxsec\": $LAT_MAXSEC, \"wrk_seconds\": $WRK_SECONDS, \"seed\": $SEED, \"total_seconds\": $(elapsed), \"pg_import_n\": \"$PG_IMPORT_N\", \"commit\": \"$JN_COMMIT\", \"dirty_files\": $JN_DIRTY, \"parts\": \"$PARTS\""
python3 bench/report.py "$RES" "$OUT" || die "report.py"
log "wrote $OUT"
