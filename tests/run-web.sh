#!/bin/sh
# run-web.sh BINARY DB-URL ENGINE — the browser tests: a fresh database with
# the demo (its passwords read from `jineng init --demo`), `jineng serve` on a
# free loopback port serving build/web, then web/e2e/run.mjs in Debian's
# Chromium.  Screenshots go to build/screenshots/.  Prints the "web[…]: N
# passed, M failed" line of run.mjs.
set -u
cd "$(dirname "$0")/.."
BIN=$1 DB=$2 ENGINE=$3
[ -f build/web/index.html ] || { echo "web[$ENGINE]: 0 passed, 1 failed (build/web missing: make web)"; exit 1; }
[ -x /usr/bin/chromium ] || { echo "web[$ENGINE]: 0 passed, 1 failed (/usr/bin/chromium missing: scripts/deps.sh test)"; exit 1; }
T=$(mktemp -d /tmp/jineng-web.XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT INT TERM
"$BIN" init --demo --db "$DB" >"$T/init.out" 2>&1 || { cat "$T/init.out"; echo "web[$ENGINE]: 0 passed, 1 failed (init)"; exit 1; }
PASSWORDS=$(python3 - "$T/init.out" <<'PY'
import json, re, sys
pw = dict(re.findall(r"^\s+(\w+)\s+密码\s+(\S+)", open(sys.argv[1], encoding="utf-8").read(), re.M))
print(json.dumps(pw))
PY
)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --web build/web --threads 4 2>"$T/serve.log" &
PID=$!
i=0
until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && { cat "$T/serve.log"; echo "web[$ENGINE]: 0 passed, 1 failed (server did not start)"; exit 1; }
	sleep 0.1
done
mkdir -p build/screenshots
BASE="http://127.0.0.1:$PORT" PASSWORDS="$PASSWORDS" SHOTS=build/screenshots ENGINE=$ENGINE \
	timeout -k 10 600 node web/e2e/run.mjs
rc=$?
kill "$PID" 2>/dev/null
wait "$PID" 2>/dev/null
PID=
# a sanitizer build reports on exit: show it
grep -E "ERROR: AddressSanitizer|runtime error|LeakSanitizer" "$T/serve.log" && exit 1
exit $rc
