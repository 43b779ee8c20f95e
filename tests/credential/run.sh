#!/bin/sh
# run.sh — signed certificates end to end, checked by someone else's code:
# `jineng keygen` makes a key, a sample certificate is signed with it, the
# key is rotated and a second one signed; then `jineng verify-credential`
# and the jose npm package (tests/credential/verify_jose.mjs, jose from
# web/node_modules) must accept both with the saved jwks.json and refuse
# them changed.  Builds nothing:
#
#   tests/credential/run.sh build/jineng        (or build/asan/jineng)
#
# The signing is done by the unit test binary next to the given jineng
# (BUILD/tests/test_credential --sign).  Ends "credential: N passed, M failed".
set -u
J=${1:?usage: tests/credential/run.sh path/to/jineng}
J=$(cd "$(dirname "$J")" && pwd)/$(basename "$J") # before the cd below
cd "$(dirname "$0")/../.."
SIGN=$(dirname "$J")/tests/test_credential
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
finish() { echo "credential: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }
[ -x "$J" ] && [ -x "$SIGN" ] || { bad "need $J and $SIGN (make $J $SIGN)"; finish; }

T=$(mktemp -d /tmp/jineng-cred.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
K=$T/keys

# expect: name, wanted exit status, text the output must hold, command...
expect() {
	name=$1; want=$2; text=$3; shift 3
	out=$("$@" 2>&1); rc=$?
	if [ "$rc" -eq "$want" ] && { [ -z "$text" ] || printf '%s' "$out" | grep -q -- "$text"; }; then ok
	else bad "$name (exit $rc, want $want): $out"; fi
}

expect "keygen" 0 "已生成新的签名密钥" "$J" keygen --keys "$K"
expect "sign with the first key" 0 "" "$SIGN" --sign "$K" "$T/old.jwt" Y530400202611210001
expect "keygen again (rotation)" 0 "已停用" "$J" keygen --keys "$K"
expect "sign with the second key" 0 "" "$SIGN" --sign "$K" "$T/new.jwt" Y530400202611210002
expect "keys list" 0 "已停用" "$J" keys list --keys "$K"
[ "$("$J" keys list --keys "$K" | grep -c '在用')" -eq 1 ] && ok || bad "keys list: not exactly one key in use"
expect "old certificate, saved jwks.json" 0 "有效" "$J" verify-credential "$T/old.jwt" --jwks "$K/jwks.json"
expect "new certificate, key directory" 0 "Y530400202611210002" "$J" verify-credential "$T/new.jwt" --keys "$K"
# Two characters of the payload swapped (the first dot is the header's end).
sed 's/\.\(.\)\(.\)/.\2\1/' "$T/new.jwt" >"$T/swapped.jwt"
expect "changed payload refused" 1 "无效" "$J" verify-credential "$T/swapped.jwt" --jwks "$K/jwks.json"
printf '{"keys":[]}' >"$T/empty.json"
expect "unknown key refused" 1 "unknown_kid" "$J" verify-credential "$T/old.jwt" --jwks "$T/empty.json"

if ! command -v node >/dev/null 2>&1; then
	bad "node not found"
else
	out=$(node tests/credential/verify_jose.mjs "$K/jwks.json" "$T/old.jwt" "$T/new.jwt" 2>&1)
	printf '%s\n' "$out" | grep -E 'FAIL|Error|jose:'
	line=$(printf '%s\n' "$out" | grep '^jose: [0-9]* passed, [0-9]* failed$' | tail -1)
	if [ -z "$line" ]; then
		bad "verify_jose.mjs printed no count (is jose installed? cd web && npm ci)"
	else
		pass=$((pass + $(echo "$line" | sed 's/jose: \([0-9]*\) passed.*/\1/')))
		fail=$((fail + $(echo "$line" | sed 's/.* \([0-9]*\) failed/\1/')))
	fi
fi
finish
