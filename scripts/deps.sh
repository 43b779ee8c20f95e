#!/bin/sh
# deps.sh — installs what building, running and testing need, from Debian's
# packages, when it is missing.  `deps.sh` = build and run; `deps.sh test`
# adds what the tests need (PostgreSQL 15, clang's sanitizers and libFuzzer).
set -eu
BUILD="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsodium-dev libsqlite3-dev libpq-dev
libxlsxwriter-dev libzip-dev libexpat1-dev libutf8proc-dev sqlite3"
TEST="postgresql-15 postgresql-client-15 clang libclang-rt-14-dev python3 procps"
want=$BUILD
[ "${1:-}" = test ] && want="$BUILD $TEST"
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# The postgresql package would start a system cluster; the tests run their
# own throwaway cluster instead, so keep it from starting one.
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
