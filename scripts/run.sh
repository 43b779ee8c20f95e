#!/bin/sh
# run.sh — what `make run` does after building: create var/jineng.db with the
# reference data and a demo on first use (printing the demo passwords once),
# migrate it on later runs, and serve on http://127.0.0.1:8080.
set -eu
cd "$(dirname "$0")/.."
DB=${JINENG_DB:-sqlite:var/jineng.db}
LISTEN=${JINENG_LISTEN:-127.0.0.1:8080}
if [ "${DB#sqlite:}" != "$DB" ] && [ ! -f "${DB#sqlite:}" ]; then
	mkdir -p "$(dirname "${DB#sqlite:}")"
	build/jineng init --db "$DB" --demo
else
	build/jineng init --db "$DB" >/dev/null
fi
echo "打开 http://$LISTEN/ ；接口说明 http://$LISTEN/api/v1/openapi.json ；按 Ctrl+C 停止。"
exec build/jineng serve --db "$DB" --listen "$LISTEN"
