# bench/cert.sh — part e of bench/run.sh (sourced by it, which provides
# BIN, WORK, RES, SEED, RUNS, WRK_SECONDS, HAVE_PG and the helpers record,
# log, die, note, lat, now_ns, loadavg, start_jineng, stop_pid, wrk_run,
# fresh_sqlite, pg_up, pgdb_url, newdb, dropdb_): the certification figures.
#
#   e1  credential signature checks per second: bench/credbench.c (one core)
#   e2  PDF renders per second: bench/pdfbench.c (one thread), and
#       GET /api/v1/certificates/{number}.pdf through the server, 2 clients
#   e3  issuing one batch of CERT_N certificates: `jineng gen batch` makes the
#       batch (CERT_N scored candidates, notice over), then the real CLI steps
#       `jineng batch approve` (numbers the certificates) and `jineng batch
#       issue` are timed, on a fresh copy of that database each run
#   e4  online verification under wrk: GET /api/v1/verify?number=&name= and
#       GET /api/v1/certificates/{number}/credential?name= over the issued batch,
#       the server started with --verify-limit 0
# on SQLite and (unless SKIP_PG=1) PostgreSQL.  Knobs:
#   CERT_N=100000           candidates (= certificates) in the batch
#   CERT_RUNS=3             approve + issue runs per engine (each on a fresh copy)
#   CERT_STEP_TIMEOUT=1800  seconds one approve or issue may take
#   CERT_BUDGET=3600        seconds for part e; PostgreSQL runs after the
#                           first stop once it is spent (noted in the report)
#   CERT_PATHS=20000        certificates the wrk scripts rotate over
CERT_N=${CERT_N:-100000}
CERT_RUNS=${CERT_RUNS:-3}
CERT_STEP_TIMEOUT=${CERT_STEP_TIMEOUT:-1800}
CERT_BUDGET=${CERT_BUDGET:-3600}
CERT_PATHS=${CERT_PATHS:-20000}
case $CERT_N in '' | *[!0-9]*) die "CERT_N must be a number" ;; esac
[ "$CERT_N" -ge 100 ] || die "CERT_N must be at least 100"

cert_py() { python3 "$ROOT/bench/cert.py" "$@"; }
cert_over_budget() { [ $(($(date +%s) - CERT_START)) -gt "$CERT_BUDGET" ]; }
# cert_sql ENGINE URL SQL: one value (or tab-separated rows)
cert_sql() {
	if [ "$1" = sqlite ]; then sqlite3 -separator $'\t' "${2#sqlite:}" "$3"; else psql -X -Atq -F $'\t' "$2" -c "$3"; fi
}

# ---- e1, e2: the per-core figures ---------------------------------------------
cert_micro() {
	local pk="libmicrohttpd jansson libsodium sqlite3 libpq xlsxwriter libzip expat libutf8proc cairo pangocairo fontconfig libqrencode libjpeg"
	local b
	for b in credbench pdfbench; do
		cc -O2 -std=c17 -D_GNU_SOURCE -Isrc -o "$WORK/$b" "bench/$b.c" "$WORK/libjineng.a" \
			$(pkg-config --cflags --libs $pk) -lpthread -lm 2>"$WORK/$b.log" ||
			{ cat "$WORK/$b.log" >&2; die "cannot build bench/$b.c"; }
	done
	local i j
	for i in $(seq 1 "$RUNS"); do
		timeout -k 5 120 "$WORK/credbench" 2 >"$WORK/credbench.out" 2>&1 || { cat "$WORK/credbench.out" >&2; die "credbench"; }
		j=$(cert_py credbench "$WORK/credbench.out") || die "credbench output"
		record cert.credbench "$i" "\"res\": $j"
		log "credbench run $i: $j"
		timeout -k 5 120 "$WORK/pdfbench" 3 >"$WORK/pdfbench.out" 2>&1 || { cat "$WORK/pdfbench.out" >&2; die "pdfbench"; }
		j=$(cert_py pdfbench "$WORK/pdfbench.out") || die "pdfbench output"
		record cert.pdfbench "$i" "\"res\": $j"
		log "pdfbench run $i: $j"
	done
}

# ---- e3: the batch --------------------------------------------------------------
# cert_issue ENGINE -> CERT_URL (the database of the last run, issued), CERT_BID
cert_issue() {
	local engine=$1 tmpl persons bid gb t0 t1 i url
	persons=$((CERT_N + CERT_N / 50 + 100)) # gen batch skips those working where an examiner works
	if [ "$engine" = sqlite ]; then
		tmpl=sqlite:$WORK/cert-tmpl.db
		fresh_sqlite "$WORK/cert-tmpl.db"
	else
		newdb cert_tmpl || die "cannot make the PostgreSQL database cert_tmpl"
		tmpl=$(pgdb_url cert_tmpl)
	fi
	t0=$(now_ns)
	timeout -k 5 "$CERT_STEP_TIMEOUT" "$BIN" gen persons "$persons" --seed "$SEED" --into-db --db "$tmpl" \
		>/dev/null 2>"$WORK/gen.err" || { cat "$WORK/gen.err" >&2; die "jineng gen persons --into-db ($engine)"; }
	t1=$(now_ns)
	gb=$(timeout -k 5 "$CERT_STEP_TIMEOUT" "$BIN" gen batch "$CERT_N" --seed "$SEED" --state notice --into-db --db "$tmpl" \
		2>"$WORK/gen.err") || { cat "$WORK/gen.err" >&2; die "jineng gen batch --into-db ($engine)"; }
	bid=$(cert_py field "$gb" batch_id)
	[ "$(cert_py field "$gb" candidates)" = "$CERT_N" ] || die "gen batch made $(cert_py field "$gb" candidates) candidates, not $CERT_N"
	[ "$(cert_sql "$engine" "$tmpl" "SELECT COUNT(*) FROM candidates WHERE batch_id = $bid AND passed = 1")" = "$CERT_N" ] ||
		die "the generated batch has not $CERT_N passing candidates"
	record "cert.gen.$engine" 1 "\"persons\": $persons, \"persons_seconds\": $(((t1 - t0) / 1000))e-6, \"batch\": $gb"
	log "cert $engine: $persons persons and a batch of $CERT_N candidates generated: $gb"
	for i in $(seq 1 "$CERT_RUNS"); do
		if [ "$i" -gt 1 ] && cert_over_budget; then
			note "certification, $engine: issued $((i - 1)) of $CERT_RUNS times (CERT_BUDGET of $CERT_BUDGET s spent)"
			break
		fi
		# a fresh copy of the batch, approval due
		if [ "$engine" = sqlite ]; then
			rm -f "$WORK"/cert-run.db*
			cp "$WORK/cert-tmpl.db" "$WORK/cert-run.db"
			[ -e "$WORK/cert-tmpl.db-wal" ] && cp "$WORK/cert-tmpl.db-wal" "$WORK/cert-run.db-wal"
			url=sqlite:$WORK/cert-run.db
		else
			[ "$i" -gt 1 ] && dropdb_ cert_run
			psql -X -q "$(pgdb_url postgres)" -c "CREATE DATABASE cert_run TEMPLATE cert_tmpl" >/dev/null ||
				die "cannot copy cert_tmpl"
			url=$(pgdb_url cert_run)
		fi
		local step secs=() rss=()
		for step in approve issue; do
			t0=$(now_ns)
			timeout -k 5 "$CERT_STEP_TIMEOUT" /usr/bin/time -f "%M" -o "$WORK/time.out" \
				"$BIN" batch "$step" "$bid" --db "$url" >"$WORK/step.json" 2>"$WORK/step.err" ||
				{ cat "$WORK/step.err" >&2; die "jineng batch $step ($engine, run $i; over $CERT_STEP_TIMEOUT s?)"; }
			t1=$(now_ns)
			secs+=("$(((t1 - t0) / 1000))e-6")
			rss+=("$(tail -1 "$WORK/time.out")")
			log "cert $engine run $i: jineng batch $step: $(((t1 - t0) / 1000000)) ms"
		done
		local out_bytes
		out_bytes=$(stat -c %s "$WORK/step.json")
		rm -f "$WORK/step.json"
		# exactly CERT_N valid certificates of the batch, with unique numbers
		local chk
		chk=$(cert_sql "$engine" "$url" "SELECT (SELECT state FROM batches WHERE id = $bid), COUNT(*), COUNT(DISTINCT number),
			SUM(CASE WHEN status = 'valid' THEN 1 ELSE 0 END), (SELECT COUNT(*) FROM certificates) FROM certificates WHERE batch_id = $bid")
		local st n uniq valid all
		IFS=$'\t' read -r st n uniq valid all <<<"$chk"
		[ "$st" = issued ] && [ "$n" = "$CERT_N" ] && [ "$uniq" = "$CERT_N" ] && [ "$valid" = "$CERT_N" ] ||
			die "after the issue ($engine, run $i): state $st, $n certificates, $uniq numbers, $valid valid (want $CERT_N)"
		record "cert.issue.$engine" "$i" "\"certificates\": $n, \"unique_numbers\": $uniq, \"valid\": $valid, \"state\": \"$st\", \"approve_seconds\": ${secs[0]}, \"issue_seconds\": ${secs[1]}, \"approve_rss_kb\": ${rss[0]}, \"issue_rss_kb\": ${rss[1]}, \"issue_output_bytes\": $out_bytes"
	done
	if [ "$engine" = sqlite ]; then rm -f "$WORK"/cert-tmpl.db*; else dropdb_ cert_tmpl; fi
	CERT_URL=$url CERT_BID=$bid
}

# ---- e4 and the server side of e2 --------------------------------------------------
# cert_http ENGINE URL BATCH
cert_http() {
	local engine=$1 url=$2 bid=$3
	echo password123 | "$BIN" user add --username certbench --role admin --db "$url" >/dev/null || die "user add ($engine)"
	cert_sql "$engine" "$url" "SELECT number, holder_name FROM certificates WHERE batch_id = $bid AND status = 'valid' ORDER BY id" \
		>"$WORK/pairs.tsv"
	local s
	s=$(cert_py lua "$WORK/pairs.tsv" "$WORK" "$SEED" "$CERT_PATHS") || die "cert.py lua"
	start_jineng "$url" --verify-limit 0 --web none
	local port=$SPORT base="http://127.0.0.1:$SPORT" token
	token=$(lat login "$port" certbench password123) || die "login ($engine)"
	# the answers are what they should be
	local p
	p=$(cert_py field "$s" valid)
	curl -s "$base$p" | grep -q '"result": *"valid"' || die "GET $p does not answer valid"
	for k in wrong_name unknown_number; do
		p=$(cert_py field "$s" $k)
		curl -s "$base$p" | grep -q '"result": *"not_found"' || die "GET $p ($k) does not answer not_found"
	done
	p=$(cert_py field "$s" credential)
	[ "$(curl -s -o "$WORK/cred.jwt" -w '%{http_code} %{content_type}' "$base$p")" = "200 application/jwt" ] ||
		die "GET $p is not a credential"
	local pdf=pdf
	p=$(cert_py field "$s" pdf)
	if [ "$(curl -s -o "$WORK/c.pdf" -w '%{http_code}' -H "Authorization: Bearer $token" "$base$p")" != 200 ]; then
		pdf=pdf_slash # the route before it ended in .pdf
		p=$(cert_py field "$s" pdf_slash)
		[ "$(curl -s -o "$WORK/c.pdf" -w '%{http_code}' -H "Authorization: Bearer $token" "$base$p")" = 200 ] ||
			die "neither GET …/{number}.pdf nor …/{number}/pdf answers 200"
	fi
	[ "$(head -c 5 "$WORK/c.pdf")" = "%PDF-" ] || die "GET $p is not a PDF"
	record "cert.http.$engine" 1 "\"sample\": $s, \"pdf_path\": \"$(python3 -c 'import re,sys; print(re.sub(r"/[A-Z0-9]{22}", "/{number}", sys.argv[1]))' "$p")\", \"pdf_bytes\": $(stat -c %s "$WORK/c.pdf"), \"jwt_bytes\": $(stat -c %s "$WORK/cred.jwt")"
	# warm-ups
	wrk -t2 -c32 -d2s -s "$WORK/verify.lua" "$base/" >/dev/null
	wrk -t2 -c32 -d2s -s "$WORK/credential.lua" "$base/" >/dev/null
	wrk -t2 -c2 -d2s --timeout 10s -s "$WORK/$pdf.lua" -H "Authorization: Bearer $token" "$base/" >/dev/null
	local before after i
	before=$(cert_sql "$engine" "$url" "SELECT result, SUM(count) FROM verify_counts GROUP BY result ORDER BY result" | tr '\t\n' ':,')
	for i in $(seq 1 "$RUNS"); do
		wrk_run cert.verify "$engine" "$base/" "$i" -s "$WORK/verify.lua"
		wrk_run cert.credential "$engine" "$base/" "$i" -s "$WORK/credential.lua"
		WRK_C=2 wrk_run cert.pdf "$engine" "$base/" "$i" --timeout 10s -s "$WORK/$pdf.lua" -H "Authorization: Bearer $token"
	done
	after=$(cert_sql "$engine" "$url" "SELECT result, SUM(count) FROM verify_counts GROUP BY result ORDER BY result" | tr '\t\n' ':,')
	record "cert.verify_counts.$engine" 1 "\"before\": \"$before\", \"after\": \"$after\""
	record "mem.serve.cert.$engine" 1 "\"vmhwm_kb\": $(lat vmhwm "$SPID")"
	stop_pid "$SPID"
}

cert_part() {
	CERT_START=$(date +%s)
	loadavg "certification" 8
	record cert.meta 1 "\"n\": $CERT_N, \"runs\": $CERT_RUNS, \"paths\": $CERT_PATHS, \"budget\": $CERT_BUDGET"
	cert_micro
	loadavg "certification (SQLite)" 9
	cert_issue sqlite
	cert_http sqlite "$CERT_URL" "$CERT_BID"
	rm -f "$WORK"/cert-run.db*
	if [ "$HAVE_PG" = 1 ]; then
		loadavg "certification (PostgreSQL)" 10
		pg_up
		cert_issue pg
		cert_http pg "$CERT_URL" "$CERT_BID"
		dropdb_ cert_run
	else
		note "certification on PostgreSQL left out (SKIP_PG=1 or not installed)"
	fi
}
