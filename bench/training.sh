# bench/training.sh — part t of bench/run.sh (PARTS=training; sourced by
# it, which provides BIN, WORK, RES, SEED, RUNS, HAVE_PG, ROOT and the
# helpers record, log, die, note, lat, now_ns, start_jineng, stop_pid,
# fresh_sqlite, pg_up, pgdb_url, newdb, dropdb_): the training figures of
# issue 5, written to bench/results-training.md (TR_OUT).
#
#   t1  recording N enrolments with completions: `jineng gen training
#       --enrolments N --years 10 --into-db --claims` on M = 2N/5 persons
#       (app/gen_training.h: classes, real-name enrolment with the overlap
#       check and record entries, attendance, closing by attendance %,
#       results, then claim_submit per class), each phase timed
#   t2  the subsidy rules: bench/subsidybench.c pure (1,000,000 synthetic
#       claims in memory, one core) and db (every stored claim re-evaluated
#       with its facts read from the database); the claims the generator
#       submitted (rules evaluated, claims written with audit and fraud
#       checks) are the end-to-end figure
#   t3  GET /api/v1/stats/targets?region=&year= over that database: a city
#       (admin) and a county (county clerk), three years, TR_REQS sequential
#       requests per run, RUNS runs
# Knobs:
#   TR_N=1000000     enrolments on SQLite
#   TR_PG_N=50000    enrolments on PostgreSQL (its generator runs at about
#                    100 enrolments/s here: 1,000,000 would take hours)
#   TR_PG_COPY=1     also copy the SQLite database's persons, orgs, classes
#                    and enrolments into PostgreSQL (psql \copy) for t3 at
#                    the full N
#   TR_YEARS=10 TR_REQS=300 TR_LAT_MAXSEC=20 TR_PURE_N=1000000
#   TR_OUT=bench/results-training.md
TR_N=${TR_N:-1000000}
TR_PG_N=${TR_PG_N:-50000}
TR_PG_COPY=${TR_PG_COPY:-1}
TR_YEARS=${TR_YEARS:-10}
TR_REQS=${TR_REQS:-300}
TR_LAT_MAXSEC=${TR_LAT_MAXSEC:-20}
TR_PURE_N=${TR_PURE_N:-1000000}
TR_OUT=${TR_OUT:-$ROOT/bench/results-training.md}

tr_sql() {
	if [ "$1" = sqlite ]; then sqlite3 -separator $'\t' "${2#sqlite:}" "$3"; else psql -X -Atq -F $'\t' "$2" -c "$3"; fi
}

tr_build() {
	local pk="libmicrohttpd jansson libsodium sqlite3 libpq xlsxwriter libzip expat libutf8proc cairo pangocairo fontconfig libqrencode libjpeg"
	cc -O2 -std=c17 -D_GNU_SOURCE -Isrc -Ibuild/gen -o "$WORK/subsidybench" bench/subsidybench.c "$WORK/libjineng.a" \
		$(pkg-config --cflags --libs $pk) -lpthread -lm 2>"$WORK/subsidybench.log" ||
		{ cat "$WORK/subsidybench.log" >&2; die "cannot build bench/subsidybench.c"; }
}

tr_pure() {
	local i j
	for i in $(seq 1 "$RUNS"); do
		j=$(timeout -k 5 300 "$WORK/subsidybench" pure "$ROOT/data/subsidy-rules.csv" "$TR_PURE_N") || die "subsidybench pure"
		record tr.pure "$i" "\"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"res\": $j"
		log "subsidybench pure run $i: $j"
	done
}

# tr_gen ENGINE URL N: persons, then the training; recorded as tr.gen.ENGINE
tr_gen() {
	local engine=$1 url=$2 n=$3 persons t0 t1 j
	persons=$((n * 2 / 5))
	[ "$persons" -ge 5000 ] || persons=5000
	t0=$(now_ns)
	"$BIN" gen persons "$persons" --seed "$SEED" --into-db --db "$url" >/dev/null 2>"$WORK/gen.err" ||
		{ cat "$WORK/gen.err" >&2; die "jineng gen persons --into-db ($engine)"; }
	t1=$(now_ns)
	record "tr.persons.$engine" 1 "\"persons\": $persons, \"seconds\": $(((t1 - t0) / 1000))e-6"
	local load0
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	log "training $engine: $n enrolments on $persons persons (load $load0)"
	t0=$(now_ns)
	j=$(timeout -k 5 14400 /usr/bin/time -f "%M" -o "$WORK/time.out" "$BIN" gen training --enrolments "$n" \
		--years "$TR_YEARS" --seed "$SEED" --into-db --claims --db "$url" 2>"$WORK/gen.err") ||
		{ cat "$WORK/gen.err" >&2; die "jineng gen training ($engine)"; }
	t1=$(now_ns)
	record "tr.gen.$engine" 1 "\"n\": $n, \"persons\": $persons, \"wall_seconds\": $(((t1 - t0) / 1000))e-6, \"rss_kb\": $(tail -1 "$WORK/time.out"), \"load_start\": \"$load0\", \"load_end\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"res\": $j"
	log "training $engine: $j"
	# what the database now holds
	local chk
	chk=$(tr_sql "$engine" "$url" "SELECT (SELECT COUNT(*) FROM enrolments), (SELECT COUNT(*) FROM enrolments WHERE state = 'completed'),
		(SELECT COUNT(*) FROM attendance), (SELECT COUNT(*) FROM record_entries WHERE kind = 'training'),
		(SELECT COUNT(*) FROM claims), (SELECT COUNT(*) FROM classes WHERE state = 'closed'), (SELECT COUNT(*) FROM audit)")
	local ne nc na nr ncl ncls nau
	IFS=$'\t' read -r ne nc na nr ncl ncls nau <<<"$chk"
	[ "$ne" = "$n" ] || die "after gen training ($engine): $ne enrolments, not $n"
	record "tr.check.$engine" 1 "\"enrolments\": $ne, \"completed\": $nc, \"attendance\": $na, \"record_entries\": $nr, \"claims\": $ncl, \"closed_classes\": $ncls, \"audit\": $nau"
}

tr_db_eval() {
	local engine=$1 url=$2 i j
	for i in $(seq 1 "$RUNS"); do
		j=$(timeout -k 5 3600 "$WORK/subsidybench" db "$url") || die "subsidybench db ($engine)"
		record "tr.dbeval.$engine" "$i" "\"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"res\": $j"
		log "subsidybench db $engine run $i: $j"
		if [ "$engine" = pg ] && [ "$i" -ge 3 ]; then break; fi # slow there: 3 runs
	done
}

# tr_targets ENGINE URL TAG: the report under load-free sequential requests
tr_targets() {
	local engine=$1 url=$2 tag=$3
	echo password123 | "$BIN" user add --username trbench --role admin --db "$url" >/dev/null 2>&1 || true
	echo password123 | "$BIN" user add --username trcounty --role county --region 530402 --db "$url" >/dev/null 2>&1 || true
	start_jineng "$url" --web none
	local port=$SPORT ta tc
	ta=$(lat login "$port" trbench password123) || die "login trbench ($engine)"
	tc=$(lat login "$port" trcounty password123) || die "login trcounty ($engine)"
	local last_year y0 i who region year tok h
	last_year=$(date +%Y)
	y0=$((last_year - 1))
	for i in $(seq 1 "$RUNS"); do
		for who in city county; do
			if [ "$who" = city ]; then region=530400 tok=$ta; else region=530402 tok=$tc; fi
			for year in $((y0 - 6)) $((y0 - 3)) "$y0"; do
				h=$(timeout -k 5 $((TR_LAT_MAXSEC * 4 + 120)) python3 "$ROOT/bench/lat.py" http "$port" \
					"/api/v1/stats/targets?region=$region&year=$year" "$tok" "$TR_REQS" "$TR_LAT_MAXSEC") ||
					die "GET /api/v1/stats/targets?region=$region&year=$year ($engine)"
				record "tr.targets.$engine.$tag.$who.$year" "$i" "\"region\": \"$region\", \"year\": $year, \"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"res\": $h"
				log "targets $engine $tag $who $year run $i: $(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["n"], d["p50_us"], d["p99_us"])' "$h")"
			done
		done
	done
	# one answer kept, to show what was measured
	curl -s -H "Authorization: Bearer $ta" "http://127.0.0.1:$port/api/v1/stats/targets?region=530400&year=$y0" >"$WORK/targets-$engine-$tag.json"
	python3 - "$WORK/targets-$engine-$tag.json" "$engine" "$tag" >>"$RES" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
items = d.get("items", [])
tr = [x for x in items if x.get("counted_as") == "training"]
print(json.dumps({"fig": "tr.targets.sample.%s.%s" % (sys.argv[2], sys.argv[3]), "run": 1, "items": len(items),
                  "training_items": len(tr), "bytes": len(open(sys.argv[1], "rb").read()),
                  "example": [{"programme": x["programme"], "metric": x["metric"], "target": x["target"],
                               "actual": x["actual"], "window": x.get("window")} for x in tr[:4]]}, ensure_ascii=False))
PY
	stop_pid "$SPID"
}

# The SQLite database's rows the report reads, copied into PostgreSQL.
tr_copy_pg() {
	local db=$1 name=$2 url t cols
	newdb "$name" || die "newdb $name"
	url=$(pgdb_url "$name")
	for t in persons orgs classes enrolments; do
		cols=$(sqlite3 "$db" "SELECT group_concat(name, ', ') FROM pragma_table_info('$t')")
		sqlite3 -csv "$db" "SELECT $cols FROM $t ORDER BY id" |
			psql -X -q -v ON_ERROR_STOP=1 "$url" -c "\\copy $t ($cols) FROM STDIN WITH (FORMAT csv)" ||
			die "copy of $t into PostgreSQL"
		psql -X -q "$url" -c "SELECT setval(pg_get_serial_sequence('$t', 'id'), (SELECT MAX(id) FROM $t))" >/dev/null
	done
	psql -X -q "$url" -c "ANALYZE" >/dev/null
	TR_COPY_URL=$url
}

tr_report() {
	python3 - "$RES" "$TR_OUT" "$TR_N" "$TR_PG_N" "$TR_PURE_N" "$JN_COMMIT" "$JN_DIRTY" "$(elapsed)" "$TR_REQS" "$TR_LAT_MAXSEC" <<'PY'
import json, statistics, sys, time
res, out, n_sq, n_pg, n_pure, commit, dirty, secs, reqs, maxsec = sys.argv[1:11]
rows = [json.loads(l) for l in open(res) if l.strip()]
def runs(prefix): return [r for r in rows if r["fig"] == prefix]
def mm(v, fmt="{:,.0f}"):
    v = sorted(v)
    if not v: return "–"
    m = statistics.median(v)
    return fmt.format(m) if len(v) == 1 else (fmt.format(m) + " (" + fmt.format(v[0]) + "–" + fmt.format(v[-1]) + ")")
L = []
L.append("# Jineng benchmark results: training (issue 5)\n")
L.append("Produced by `PARTS=training bench/run.sh` (bench/training.sh; see bench/README.md, part t); whole run took %d min.  "
         "Median (min–max) over the runs where there are several.\n" % (int(secs) // 60))
L.append("Machine: %s; jineng commit %s, %s uncommitted files under src/, data/ or the Makefile (other helpers were still working in the tree); "
         "run ended %s UTC.  The machine is shared: other helpers built and tested during the run — the load average is given with each figure.\n"
         % (open("/proc/cpuinfo").read().count("processor\t:") and "%d CPUs" % open("/proc/cpuinfo").read().count("processor\t:"),
            commit, dirty, time.strftime("%Y-%m-%d %H:%M", time.gmtime())))
L.append("## The figures the issue asks for\n")
L.append("| figure | engine | N | result | load (1, 5, 15 min) |\n|---|---|---:|---:|---|")
gens = {}
for eng in ("sqlite", "pg"):
    g = runs("tr.gen." + eng)
    if g: gens[eng] = g[0]
name = {"sqlite": "SQLite", "pg": "PostgreSQL"}
for eng, g in gens.items():
    r = g["res"]
    rec = r["seconds_classes_enrol"] + r["seconds_attend"] + r["seconds_close"] + r["seconds_results"]
    L.append("| recording enrolments with completions (classes, enrolment, attendance, closing, results), records/s | %s | %s | **%s** | %s → %s |"
             % (name[eng], format(g["n"], ","), format(g["n"] / rec, ",.0f"), g["load_start"], g["load_end"]))
p = runs("tr.pure")
if p:
    L.append("| subsidy rules evaluated, pure core (`subsidy_in_force` + `subsidy_evaluate`), claims/s, one core | – | %s | **%s** | %s |"
             % (format(int(n_pure), ","), mm([x["res"]["claims_per_s"] for x in p]), p[0]["load"]))
for eng, g in gens.items():
    r = g["res"]
    sub = r["claims"] + r["claims_refused"]
    if r["seconds_claims"] > 0:
        L.append("| training claims submitted through `claim_submit` (rules evaluated per trainee, claim + audit + fraud checks written), trainees evaluated/s | %s | %s | %s | %s |"
                 % (name[eng], format(sub, ","), format(sub / r["seconds_claims"], ",.0f"), g["load_end"]))
for eng in ("sqlite", "pg"):
    d = runs("tr.dbeval." + eng)
    if d:
        L.append("| stored claims re-evaluated with their facts read from the database (subsidybench db), claims/s | %s | %s | %s | %s |"
                 % (name[eng], format(d[0]["res"]["claims"], ","), mm([x["res"]["claims_per_s"] for x in d]), d[0]["load"]))
tg = {}
for r in rows:
    if r["fig"].startswith("tr.targets.") and not r["fig"].startswith("tr.targets.sample"):
        _, _, eng, tag, who, year = r["fig"].split(".")
        tg.setdefault((eng, tag, who, year), []).append(r)
for (eng, tag, who, year), rs in sorted(tg.items()):
    L.append("| `GET /api/v1/stats/targets?region=%s&year=%s` (%s), p50 / p99 ms | %s%s | %s | %s / %s | %s |"
             % (rs[0]["region"], year, "city, administrator" if who == "city" else "county, county clerk",
                name[eng], "" if tag == "gen" else " (rows copied from SQLite)", format(int(n_sq if tag == "copy" or eng == "sqlite" else n_pg), ","),
                mm([x["res"]["p50_us"] / 1000 for x in rs], "{:.2f}"), mm([x["res"]["p99_us"] / 1000 for x in rs], "{:.2f}"), rs[0]["load"]))
L.append("")
L.append("## t1. Recording enrolments with completions\n")
L.append("`jineng gen training --enrolments N --years 10 --into-db --claims` (app/gen_training.c) on `jineng gen persons 2N/5 --into-db`: 60 providers "
         "(org_create), classes of 20–60 with 4–8 day-long sessions spread over ten years under the cities' training programmes (class_build + "
         "class_insert_tx, each class's checks and audit entry), real-name enrolment through enrol_tx (ID number and name checked against the "
         "registry, capacity, already enrolled, the session-overlap check against the person's other classes, the lifelong-record entry and the "
         "audit entry), attendance through attend_tx (95 % per session, 3 % drop out; one class.attend audit entry per session), closing through "
         "class_close (the service, one transaction per class: completion by attendance against the class's minimum, a record entry per trainee), "
         "results as class_result writes them (enrolment + audit entry), then claim_submit per closed class.  One run per engine (the runs are long); "
         "the phases are timed inside the process.\n")
L.append("| engine | N enrolments | classes | attendance rows | completed / incomplete | overlap refusals | classes + enrolment, s | attendance, s | closing, s | results, s | records/s (all four) | enrolments/s | attendance rows/s | closings/s (enrolments) | peak RSS, MB |")
L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for eng, g in gens.items():
    r = g["res"]
    rec = r["seconds_classes_enrol"] + r["seconds_attend"] + r["seconds_close"] + r["seconds_results"]
    L.append("| %s | %s | %s | %s | %s / %s | %s | %.1f | %.1f | %.1f | %.1f | %s | %s | %s | %s | %d |" % (
        name[eng], format(g["n"], ","), format(r["classes"], ","), format(r["attendance"], ","), format(r["completed"], ","),
        format(r["incomplete"], ","), format(r["overlap_skipped"], ","), r["seconds_classes_enrol"], r["seconds_attend"],
        r["seconds_close"], r["seconds_results"], format(g["n"] / rec, ",.0f"), format(g["n"] / r["seconds_classes_enrol"], ",.0f"),
        format(r["attendance"] / r["seconds_attend"], ",.0f"), format(g["n"] / r["seconds_close"], ",.0f"), g["rss_kb"] // 1024))
for eng in gens:
    c = runs("tr.check." + eng)
    pe = runs("tr.persons." + eng)
    if c:
        c = c[0]
        L.append("\n%s: afterwards the database holds %s enrolments (%s completed), %s attendance rows, %s training entries in the lifelong record, "
                 "%s claims, %s closed classes and %s audit entries; classes from %s to %s; persons: %s in %.1f s."
                 % (name[eng], format(c["enrolments"], ","), format(c["completed"], ","), format(c["attendance"], ","),
                    format(c["record_entries"], ","), format(c["claims"], ","), format(c["closed_classes"], ","), format(c["audit"], ","),
                    gens[eng]["res"]["first_date"], gens[eng]["res"]["last_date"], format(pe[0]["persons"], ",") if pe else "?",
                    pe[0]["seconds"] if pe else 0))
L.append("\n## t2. The subsidy rules\n")
if p:
    x = p[0]["res"]
    L.append("bench/subsidybench.c `pure`: %s synthetic claims (60 %% 技能提升补贴, 40 %% 职业培训补贴, 2019–2026, 0–4 prior claims each) against "
             "the %d rules of data/subsidy-rules.csv; for each the set in force on its date for its region is chosen and evaluated, as "
             "app/subsidy.c does.  %s runs, one core.\n" % (format(int(n_pure), ","), x["rules"], len(p)))
    L.append("| what | claims/s |\n|---|---:|")
    L.append("| rules in force chosen + evaluated | %s |" % mm([y["res"]["claims_per_s"] for y in p]))
    L.append("| evaluation only (set in force chosen once) | %s |" % mm([y["res"]["evaluate_only_per_s"] for y in p]))
    L.append("\nDecisions of one run: %s eligible, %s refused (%s).\n" % (format(x["eligible"], ","), format(x["refused"], ","),
             ", ".join("%s %s" % (k, format(v, ",")) for k, v in x["refused_by"].items())))
for eng, g in gens.items():
    r = g["res"]
    if r["seconds_claims"] > 0:
        L.append("%s, end to end at submission: `claim_submit` for each of the %s closed classes (one transaction each: the class and its "
                 "enrolments read, the rules, per trainee the person's other claims read and the rules evaluated; for each eligible trainee the "
                 "claim and its audit entry written, then the fraud checks): %s claims created, %s trainees refused by a rule (%s classes refused "
                 "whole: before the catalogue's first version, no standard), %.1f s → **%s trainees evaluated/s**, %s claims created/s.\n"
                 % (name[eng], format(r["classes"], ","), format(r["claims"], ","), format(r["claims_refused"], ","),
                    format(r["claim_classes_refused"], ","), r["seconds_claims"],
                    format((r["claims"] + r["claims_refused"]) / r["seconds_claims"], ",.0f"),
                    format(r["claims"] / r["seconds_claims"], ",.0f")))
for eng in ("sqlite", "pg"):
    d = runs("tr.dbeval." + eng)
    if d:
        x = d[0]["res"]
        L.append("%s, stored claims re-evaluated (subsidybench `db`, read-only, 1,000 claims per read transaction): per claim the claim, its "
                 "class and enrolment (training) or certificate and insurance (upgrade), and the person's other live claims read, then the rules "
                 "in force evaluated — what app/subsidy.c does at approval: %s claims, **%s claims/s** (%d runs); %s still eligible, %s refused.\n"
                 % (name[eng], format(x["claims"], ","), mm([y["res"]["claims_per_s"] for y in d]), len(d), format(x["eligible"], ","),
                    format(x["refused"], ",")))
L.append("## t3. The targets report over ten years\n")
L.append("`GET /api/v1/stats/targets?region=&year=` on the database of t1: every target of the region with its actual figure (the training "
         "targets counted from the completed enrolments of their programme's classes in the region over the target's window).  A city "
         "(玉溪 530400, administrator) and a county (红塔区 530402, county clerk), three years; per run up to %s sequential keep-alive "
         "requests (bench/lat.py, 20 warm-up requests first, stopped after %s s).\n" % (reqs, maxsec))
L.append("| engine | data | region | year | requests per run | p50, ms | p99, ms | load |\n|---|---|---|---|---:|---:|---:|---|")
for (eng, tag, who, year), rs in sorted(tg.items()):
    L.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
        name[eng], "generated here (%s enrolments)" % format(int(n_pg if eng == "pg" and tag == "gen" else n_sq), ",")
        if tag == "gen" else "SQLite's %s enrolments copied in (\\copy)" % format(int(n_sq), ","),
        rs[0]["region"], year, mm([x["res"]["n"] for x in rs]), mm([x["res"]["p50_us"] / 1000 for x in rs], "{:.2f}"),
        mm([x["res"]["p99_us"] / 1000 for x in rs], "{:.2f}"), rs[0]["load"]))
for r in rows:
    if r["fig"].startswith("tr.targets.sample"):
        L.append("\n%s: the answer for 530400 has %d targets (%d counted from training), %s bytes; e.g. %s" % (
            r["fig"][18:], r["items"], r["training_items"], format(r["bytes"], ","),
            "; ".join("%s %s: target %s, actual %s" % (e["programme"], e["metric"], e["target"], e["actual"]) for e in r["example"])))
notes = [r["text"] for r in rows if r["fig"] == "note"]
if notes:
    L.append("\n## Notes\n")
    L.extend("* " + t for t in notes)
open(out, "w").write("\n".join(L) + "\n")
PY
}

training_part() {
	TR_START=$(date +%s)
	tr_build
	loadavg "training (pure)" 20
	tr_pure
	# SQLite
	loadavg "training (SQLite)" 21
	fresh_sqlite "$WORK/tr.db"
	tr_gen sqlite "sqlite:$WORK/tr.db" "$TR_N"
	tr_db_eval sqlite "sqlite:$WORK/tr.db"
	tr_targets sqlite "sqlite:$WORK/tr.db" gen
	if [ "$HAVE_PG" = 1 ]; then
		loadavg "training (PostgreSQL)" 22
		pg_up
		newdb tr_pg || die "newdb tr_pg"
		tr_gen pg "$(pgdb_url tr_pg)" "$TR_PG_N"
		tr_db_eval pg "$(pgdb_url tr_pg)"
		tr_targets pg "$(pgdb_url tr_pg)" gen
		if [ "$TR_PG_COPY" = 1 ]; then
			tr_copy_pg "$WORK/tr.db" tr_copy
			note "PostgreSQL, targets report at the full N: the persons, orgs, classes and enrolments of the SQLite database (N = $TR_N) copied into a fresh PostgreSQL database with psql \\copy (the generator there runs at about a hundred enrolments/s); sessions, attendance, audit and record entries are not copied (the report does not read them)."
			tr_targets pg "$TR_COPY_URL" copy
		fi
	else
		note "training on PostgreSQL left out (SKIP_PG=1 or not installed)"
	fi
	rm -f "$WORK"/tr.db*
	loadavg "training end" 29
	tr_report
	log "wrote $TR_OUT"
}
