#!/bin/sh
# run-all.sh — every test, as `make test` runs it: unit tests, the API and
# CLI suite and the kill test on SQLite and on a throwaway PostgreSQL 15
# cluster, all of it again under ASan + UBSan, then the fuzzers briefly.
# Ends with one line "N passed, M failed".
set -u
cd "$(dirname "$0")/.."
scripts/deps.sh test || { echo "cannot install the test dependencies"; exit 1; }
T=$(mktemp -d /tmp/jineng-test.XXXXXX)
chmod 755 "$T"
PG="$T/pg"
cleanup() { scripts/pg-test.sh stop "$PG" >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT INT TERM
pass=0; fail=0
tally() { # reads a command's output, adds its "N passed, M failed" lines
	out=$1
	p=$(printf '%s\n' "$out" | sed -n 's/.*: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/.*: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\2/p' | tail -1)
	[ -z "$p" ] && { p=0; f=1; }
	pass=$((pass + p)); fail=$((fail + f))
}
step() { # title command...
	title=$1; shift
	echo "== $title"
	out=$("$@" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -E 'FAIL|passed, |ERROR|error|Traceback|runtime error' | head -60
	[ $rc -ne 0 ] && ! printf '%s' "$out" | grep -q 'passed, [1-9]' && printf '%s\n' "$out" | tail -30
	tally "$out"
	[ $rc -ne 0 ] && [ "$f" -eq 0 ] && fail=$((fail + 1))
}

PGURL=$(scripts/pg-test.sh start "$PG") || { echo "PostgreSQL test cluster did not start"; echo "0 passed, 1 failed"; exit 1; }
db() { scripts/pg-test.sh newdb "$PG" "$1"; }

suite() { # flavour binary-dir
	B=$1
	step "unit ($B)" env JINENG_TEST_PG_URL="$(db unit_$2)" tests/run-unit.sh $B/tests/test_*
	step "api sqlite ($B)" python3 tests/api/test_api.py --bin $B/jineng --db "sqlite:$T/api_$2.db" \
		--db2 "sqlite:$T/api2_$2.db" --db3 "sqlite:$T/api3_$2.db"
	step "api postgresql ($B)" python3 tests/api/test_api.py --bin $B/jineng --db "$(db api_$2)" \
		--db2 "$(db api2_$2)" --db3 "$(db api3_$2)"
	step "web api sqlite ($B)" python3 tests/api/test_web_api.py --bin $B/jineng --db "sqlite:$T/wapi_$2.db" \
		--db2 "sqlite:$T/wapi2_$2.db" --db3 "sqlite:$T/wapi3_$2.db"
	step "web api postgresql ($B)" python3 tests/api/test_web_api.py --bin $B/jineng --db "$(db wapi_$2)" \
		--db2 "$(db wapi2_$2)" --db3 "$(db wapi3_$2)"
	step "credential jose ($B)" tests/credential/run.sh $B/jineng
	step "pdf ($B)" tests/pdf/check_pdf.sh $B
	step "cert api sqlite ($B)" python3 tests/api/test_cert_api.py --bin $B/jineng --db "sqlite:$T/capi_$2.db"
	step "cert api postgresql ($B)" python3 tests/api/test_cert_api.py --bin $B/jineng --db "$(db capi_$2)"
	step "training api sqlite ($B)" python3 tests/api/test_training_api.py --bin $B/jineng --db "sqlite:$T/tapi_$2.db"
	step "training api postgresql ($B)" python3 tests/api/test_training_api.py --bin $B/jineng --db "$(db tapi_$2)"
	step "record api sqlite ($B)" python3 tests/api/test_record_api.py --bin $B/jineng --db "sqlite:$T/rapi_$2.db"
	step "record api postgresql ($B)" python3 tests/api/test_record_api.py --bin $B/jineng --db "$(db rapi_$2)"
	step "money api sqlite ($B)" python3 tests/api/test_money_api.py --bin $B/jineng --db "sqlite:$T/mapi_$2.db"
	step "money api postgresql ($B)" python3 tests/api/test_money_api.py --bin $B/jineng --db "$(db mapi_$2)"
	step "kill sqlite ($B)" python3 tests/api/test_kill.py --bin $B/jineng --db "sqlite:$T/kill_$2.db" --rounds 10
	step "kill postgresql ($B)" python3 tests/api/test_kill.py --bin $B/jineng --db "$(db kill_$2)" --rounds 6
	step "web sqlite ($B)" tests/run-web.sh $B/jineng "sqlite:$T/web_$2.db" sqlite-$2
	step "web postgresql ($B)" tests/run-web.sh $B/jineng "$(db web_$2)" postgresql-$2
}

suite build rel
echo "== building the sanitizer flavour (ASan + UBSan)"
if make -s asan >"$T/asan.log" 2>&1; then
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1:fast_unwind_on_malloc=0 LSAN_OPTIONS=suppressions="$PWD/tests/lsan.supp" UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		suite build/asan san
else
	cat "$T/asan.log"; fail=$((fail + 1))
fi
step "fuzz" scripts/fuzz.sh
echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
