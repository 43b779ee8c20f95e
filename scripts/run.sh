#!/bin/sh
# run.sh — what `make run` does after building: create var/jineng.db with the
# reference data and a demo on first use (printing the demo passwords once),
# migrate it on later runs (and add the demo of systems added since), and serve on http://127.0.0.1:8080.
set -eu
cd "$(dirname "$0")/.."
DB=${JINENG_DB:-sqlite:var/jineng.db}
LISTEN=${JINENG_LISTEN:-127.0.0.1:8080}
if [ "${DB#sqlite:}" != "$DB" ] && [ ! -f "${DB#sqlite:}" ]; then
	mkdir -p "$(dirname "${DB#sqlite:}")"
	build/jineng init --db "$DB" --demo
else
	# a demo database from an earlier version gets the demo of the systems
	# added since (new accounts' passwords are printed once); a real
	# register is only migrated
	build/jineng init --db "$DB" --demo | grep -v '^参考数据已装载\|^数据库结构\|已存在' || true
fi
echo "打开 http://$LISTEN/ ；接口说明 http://$LISTEN/api/v1/openapi.json ；按 Ctrl+C 停止。"
exec build/jineng serve --db "$DB" --listen "$LISTEN"
