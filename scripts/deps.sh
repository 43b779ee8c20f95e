#!/bin/sh
# deps.sh — installs what building, running and testing need, from Debian's
# packages, when it is missing.  `deps.sh` = build and run; `deps.sh test`
# adds what the tests need (PostgreSQL 15, clang's sanitizers and libFuzzer).
set -eu
if [ "${1:-}" = --check-node ]; then
	major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
	[ "$major" -ge 20 ] && exit 0
	echo "deps: Node.js $(node --version 2>/dev/null || echo '?') is too old to build the web interface (need 20.19 or later)" >&2
	exit 1
fi
BUILD="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsodium-dev libsqlite3-dev libpq-dev
libxlsxwriter-dev libzip-dev libexpat1-dev libutf8proc-dev sqlite3
libcairo2-dev libpango1.0-dev libfontconfig-dev libqrencode-dev libjpeg62-turbo-dev fonts-noto-cjk"
TEST="postgresql-15 postgresql-client-15 clang libclang-rt-14-dev python3 procps chromium poppler-utils zbar-tools"
want=$BUILD
[ "${1:-}" = test ] && want="$BUILD $TEST"
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# The web interface is built with Node.js and npm (Vite needs Node 20.19+).
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
[ -z "$missing" ] && exec "$0" --check-node
echo "deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# The postgresql package would start a system cluster; the tests run their
# own throwaway cluster instead, so keep it from starting one.
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
exec "$0" --check-node
