#!/bin/sh
# run-unit.sh — runs each unit-test binary given, sums their counts.
pass=0; fail=0; rc=0
for t in "$@"; do
	out=$("$t" 2>&1); r=$?
	printf '%s\n' "$out" | grep -v 'passed, .* failed$' >&2
	line=$(printf '%s\n' "$out" | grep 'passed, .* failed$' | tail -1)
	p=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p'); f=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	[ -z "$p" ] && { p=0; f=1; echo "$t: crashed or printed no count (exit $r)" >&2; }
	[ "$r" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	pass=$((pass + p)); fail=$((fail + f))
	[ "$r" -ne 0 ] && rc=1
	echo "  $(basename "$t"): $p passed, $f failed"
done
echo "unit: $pass passed, $fail failed"
exit $rc
