#!/usr/bin/env python3
"""report.py RESULTS.jsonl OUT.md — turns bench/run.sh's raw measurements
into bench/results.md: machine, then each figure as the median and the
min–max over its runs, with the ratios.  stdlib only."""
import json
import os
import platform
import statistics
import subprocess
import sys
import time


def sh(cmd):
    try:
        r = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=20)
        return (r.stdout + r.stderr).strip()
    except Exception:
        return ""


def machine(figs, meta):
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            for ln in f:
                if ln.startswith("MemTotal:"):
                    mem = "%.1f GiB" % (int(ln.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    cpu = sh("lscpu | sed -n 's/^Model name: *//p' | head -1")
    rows = [
        ("CPUs (nproc)", sh("nproc") + (" — " + cpu if cpu else "")),
        ("memory", mem),
        ("kernel", platform.release()),
        ("load average (1, 5, 15 min) at the start of each part",
         "; ".join("%s: %s" % (r["phase"], r["loadavg"]) for r in sorted(figs.get("load", []), key=lambda r: r["run"]))
         or "not recorded by this run"),
        ("SQLite", sh("sqlite3 --version").split(" ")[0] + " (shell; jineng links " +
         sh("pkg-config --modversion sqlite3") + ")"),
        ("PostgreSQL", sh("/usr/lib/postgresql/15/bin/postgres --version")),
        ("libmicrohttpd", sh("pkg-config --modversion libmicrohttpd")),
        ("nginx", sh("nginx -v").replace("nginx version: ", "")),
        ("wrk", sh("wrk -v | head -1").split(" Copyright")[0]),
        ("Python", platform.python_version()),
        ("jineng", ("commit %s%s" % (meta["commit"], " plus uncommitted changes to %d files under src/, data/ or "
                                                       "the Makefile" % meta["dirty_files"] if meta["dirty_files"] else
                                                       ", no uncommitted changes to src/, data/ or the Makefile"))
         if "commit" in meta else "commit " + sh("git rev-parse --short HEAD") +
         " (as of the report; the working tree's state at run time was not recorded)"),
        ("run ended", time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(os.path.getmtime(sys.argv[1])))),
    ]
    return rows


def load(path):
    figs = {}
    notes = []
    with open(path) as f:
        for ln in f:
            ln = ln.strip()
            if not ln:
                continue
            d = json.loads(ln)
            if d["fig"] == "note":
                notes.append(d["text"])
                continue
            figs.setdefault(d["fig"], []).append(d)
    return figs, notes


def med(v):
    return statistics.median(v) if v else float("nan")


def fnum(x, digits=0):
    if x != x:
        return "–"
    if digits == 0:
        return "{:,.0f}".format(x)
    return "{:,.{}f}".format(x, digits)


def stat(v, digits=0):
    """'median (min–max)'"""
    if not v:
        return "–"
    if len(v) == 1:
        return fnum(v[0], digits)
    return "%s (%s–%s)" % (fnum(med(v), digits), fnum(min(v), digits), fnum(max(v), digits))


def spread(v):
    if len(v) < 2 or not med(v):
        return "–"
    return "%.0f%%" % ((max(v) - min(v)) / med(v) * 100)


def ms(us):
    return us / 1000.0

ENGINES = (("sqlite", "SQLite"), ("pg", "PostgreSQL"))


def cert_sections(figs, w):
    """Part e (bench/cert.sh): writes its sections; returns the rows of the
    certification figures for the table after the goals."""
    cm = figs.get("cert.meta", [None])[0]
    if not cm:
        return []
    cn = cm["n"]
    rows = []

    def res(key, field):
        return [r["res"][field] for r in figs.get(key, [])]

    w("## e. Certification")
    w("")
    w("On a database with %s issued certificates (one batch of %s, see e1), on each engine; runs of each figure "
      "as the other parts (`RUNS`), the batch issued `CERT_RUNS` times." % (fnum(cn), fnum(cn)))
    w("")

    # ---- e1. the batch
    w("### e1. Issuing one batch of %s certificates" % fnum(cn))
    w("")
    w("The database: `jineng gen persons M --into-db` (M = N + 2 %% + 100), then `jineng gen batch %d --into-db "
      "--state notice`: a registered S body, one batch, %s candidates scored passing (written directly), and the "
      "real steps submit → review → notice (0 days).  Each run takes a fresh copy of that database (SQLite: the "
      "file; PostgreSQL: `CREATE DATABASE … TEMPLATE`) and times the real CLI steps: `jineng batch approve` "
      "(numbers the certificates: one counter increment, one certificate row and one audit entry each; they are "
      "then pending) and `jineng batch issue` (each certificate valid with its audit entry, then each holder's "
      "derived level: the person's certificates read, person_levels rewritten, the person updated and audited "
      "when the level changes).  Both print the whole batch as JSON (the API answers the same); that is in the "
      "time.  Afterwards the run checks that the batch is issued with exactly %s valid certificates with %s "
      "distinct numbers." % (cn, fnum(cn), fnum(cn), fnum(cn)))
    w("")
    w("| engine | runs | approve, s | issue, s | approve + issue, s | certificates/s (issue) | peak RSS approve / issue, MB | checked |")
    w("|---|---:|---:|---:|---:|---:|---:|---|")
    for eng, title in ENGINES:
        rs = figs.get("cert.issue.%s" % eng, [])
        if not rs:
            continue
        ap = [r["approve_seconds"] for r in rs]
        iss = [r["issue_seconds"] for r in rs]
        both = [a + b for a, b in zip(ap, iss)]
        ok = all(r["certificates"] == cn and r["unique_numbers"] == cn and r["valid"] == cn and r["state"] == "issued"
                 for r in rs)
        w("| %s | %d | %s | %s | %s | %s | %s / %s | %s |" % (
            title, len(rs), stat(ap, 1), stat(iss, 1), stat(both, 1), stat([cn / x for x in iss]),
            stat([r["approve_rss_kb"] / 1024 for r in rs]), stat([r["issue_rss_kb"] / 1024 for r in rs]),
            ("%s valid, %s distinct numbers, batch issued" % (fnum(cn), fnum(cn))) if ok else "**NO**"))
        rows.append(("seconds to issue %s certificates in one batch (`jineng batch issue`)" % fnum(cn), title,
                     stat(iss, 1) + " s"))
        rows.append(("seconds to approve (number) them first (`jineng batch approve`)", title, stat(ap, 1) + " s"))
    w("")
    for eng, title in ENGINES:
        g = figs.get("cert.gen.%s" % eng, [None])[0]
        if g:
            b = g["batch"]
            w("%s fixture: %s persons in %.1f s; the batch (%s candidates written in %.1f s, then submit, review, "
              "notice) in %.1f s." % (title, fnum(g["persons"]), g["persons_seconds"], fnum(b["candidates"]),
                                      b["seconds_candidates"], b["seconds"]))
            w("")

    # ---- e2. verification
    if any(figs.get("cert.verify.%s" % e) for e, _ in ENGINES):
        hs = [figs.get("cert.http.%s" % e, [None])[0] for e, _ in ENGINES]
        h = next(x for x in hs if x)
        mix = h["sample"]["mix"]
        w("### e2. Online verification: wrk -t2 -c32 -d%ss" % figs.get("meta", [{}])[0].get("wrk_seconds", 10))
        w("")
        w("`jineng serve --verify-limit 0` (the per-address limit off: every request comes from 127.0.0.1) on the "
          "database of the last run of e1.  The wrk script (bench/cert.py) rotates over %s of the %s certificates: "
          "`GET /api/v1/verify?number=…&name=…` with the holder's name for %d %%, another holder's name for %d %% "
          "and an unknown number for %d %% (the last two answer `not_found`, with the same bytes).  Every "
          "verification is a write transaction: it counts the answer per day in `verify_counts` (one row per "
          "day and result, so all requests update the same two rows).  `GET /api/v1/certificates/{number}/credential?name=…` "
          "(anonymous, so with the holder's name, checked as /verify checks it) signs a VC-JWT (Ed25519) for each "
          "request.  Runs interleaved with the PDF runs (e4)."
          % (fnum(h["sample"]["paths"]), fnum(h["sample"]["certificates"]),
             round(100 * mix["valid"] / h["sample"]["paths"]), round(100 * mix["wrong_name"] / h["sample"]["paths"]),
             round(100 * mix["unknown_number"] / h["sample"]["paths"])))
        w("")
        w("| request | engine | requests/s | spread | p50 latency, ms | p99 latency, ms | errors |")
        w("|---|---|---:|---:|---:|---:|---:|")
        for fig, label in (("verify", "`GET /api/v1/verify`"), ("credential", "`GET …/{number}/credential?name=…`")):
            for eng, title in ENGINES:
                rs = [r["res"] for r in figs.get("cert.%s.%s" % (fig, eng), [])]
                if not rs:
                    continue
                rps = [r["rps"] for r in rs]
                errs = sum(r["non2xx"] for r in rs)
                sock = [r["socket_errors"] for r in rs if r["socket_errors"]]
                w("| %s | %s | %s | %s | %s | %s | %s |" % (
                    label, title, stat(rps), spread(rps), stat([ms(r["p50_us"]) for r in rs], 2),
                    stat([ms(r["p99_us"]) for r in rs], 2),
                    str(errs) + ((" non-2xx; " + "; ".join(sock)) if sock else "")))
                rows.append(("online verifications per second (`GET /api/v1/verify`, 32 connections)"
                             if fig == "verify" else
                             "credentials signed and served per second (`GET …/credential`, 32 connections)",
                             title, stat(rps)))
        w("")
        for eng, title in ENGINES:
            vc = figs.get("cert.verify_counts.%s" % eng, [None])[0]
            if not vc:
                continue

            def parse(t):
                d = {}
                for part in t.split(","):
                    if ":" in part:
                        k, v = part.split(":", 1)
                        d[k] = int(v)
                return d
            b, a = parse(vc["before"]), parse(vc["after"])
            diff = {k: a.get(k, 0) - b.get(k, 0) for k in a}
            tot = sum(diff.values())
            if tot:
                w("%s: the server counted %s verifications in the measured runs: %s." % (
                    title, fnum(tot), ", ".join("%s %s (%.1f %%)" % (k, fnum(v), 100 * v / tot)
                                                 for k, v in sorted(diff.items()))))
                w("")

    # ---- e3. signatures
    cb = [r["res"] for r in figs.get("cert.credbench", [])]
    if cb:
        w("### e3. Credential signature checks per second (bench/credbench, one thread)")
        w("")
        w("`credential_verify` is the whole check of a %s-byte VC-JWT as a verifier does it: parse the JWK Set and "
          "the token, base64url, JSON of the claims, Ed25519 verify; `credential_sign` builds and signs one.  Beside "
          "them the bare Ed25519 operations (libsodium) on the same bytes." % fnum(cb[0].get("jwt_bytes", 0)))
        w("")
        w("| operation | per second, one core | spread |")
        w("|---|---:|---:|")
        for key, label in (("verify", "`credential_verify` (whole check)"), ("sign", "`credential_sign`"),
                           ("raw_verify", "Ed25519 verify only"), ("raw_sign", "Ed25519 sign only")):
            v = [r[key] for r in cb]
            w("| %s | %s | %s |" % (label, stat(v), spread(v)))
        w("")
        rows.append(("credential signature checks per second, one core (`credential_verify`)", "–",
                     stat([r["verify"] for r in cb])))
        rows.append(("credentials signed per second, one core (`credential_sign`)", "–",
                     stat([r["sign"] for r in cb])))

    # ---- e4. PDF
    pb = [r["res"] for r in figs.get("cert.pdfbench", [])]
    if pb or any(figs.get("cert.pdf.%s" % e) for e, _ in ENGINES):
        w("### e4. PDF renders per second")
        w("")
        w("bench/pdfbench: `cert_pdf_render` over and over in one thread (a 1,500-byte QR payload and a photo).  "
          "Through the server: `GET %s` with an administrator's token, wrk -t2 -c2 (two clients, one request "
          "each at a time), rotating over the certificates; each request reads the certificate, signs its "
          "credential for the QR code, renders the PDF (the holder has no photo) and writes an audit entry."
          % next((figs["cert.http.%s" % e][0]["pdf_path"] for e, _ in ENGINES if figs.get("cert.http.%s" % e)),
                 "/api/v1/certificates/{number}.pdf"))
        w("")
        w("| what | PDFs/s | spread | ms each (p50) | p99, ms | PDF bytes |")
        w("|---|---:|---:|---:|---:|---:|")
        if pb:
            v = [r["rate"] for r in pb]
            w("| bench/pdfbench, one thread | %s | %s | %s | – | %s |" % (stat(v, 1), spread(v),
                                                                       stat([r["ms_each"] for r in pb], 1),
                                                                       fnum(pb[0]["pdf_bytes"])))
            rows.append(("PDF renders per second, one thread (pdfbench)", "–", stat(v, 1)))
        for eng, title in ENGINES:
            rs = [r["res"] for r in figs.get("cert.pdf.%s" % eng, [])]
            if not rs:
                continue
            h = figs.get("cert.http.%s" % eng, [{}])[0]
            v = [r["rps"] for r in rs]
            errs = sum(r["non2xx"] for r in rs)
            w("| `jineng serve`, %s, 2 clients%s | %s | %s | %s | %s | %s |" % (
                title, (" (%d errors)" % errs) if errs else "", stat(v, 1), spread(v),
                stat([ms(r["p50_us"]) for r in rs], 1), stat([ms(r["p99_us"]) for r in rs], 1),
                fnum(h.get("pdf_bytes", 0))))
            rows.append(("PDFs per second through the server, 2 clients", title, stat(v, 1)))
        w("")
    for eng, title in ENGINES:
        m = figs.get("mem.serve.cert.%s" % eng)
        if m:
            w("Peak RSS of `jineng serve` (%s) after the certification runs: %.0f MB (VmHWM)." % (
                title, m[0]["vmhwm_kb"] / 1024))
            w("")
    return rows


def main():
    res, out = sys.argv[1], sys.argv[2]
    figs, notes = load(res)
    meta = figs.get("meta", [{}])[0]
    n = meta.get("n", 0)
    L = []
    w = L.append
    w("# Jineng benchmark results")
    w("")
    parts = meta.get("parts", "main cert").split()
    cm = figs.get("cert.meta", [{}])[0]
    cmd = "bench/run.sh %d" % n
    if "main" not in parts:
        cmd = "PARTS=cert CERT_N=%d bench/run.sh" % cm.get("n", 0)
    elif "cert" not in parts:
        cmd = "PARTS=main bench/run.sh %d" % n
    elif cm:
        cmd = "CERT_N=%d bench/run.sh %d" % (cm.get("n", 0), n)
    w("Produced by `%s` (see bench/README.md for what each figure means); "
      "whole run took %d min.  Every figure is the **median (min–max) over its runs**."
      % (cmd, round(meta.get("total_seconds", 0) / 60)))
    if "main" not in parts:
        w("")
        w("This run measured only the certification figures (part e, `PARTS=cert`); the import, search, HTTP "
          "and memory figures (a–d) are in bench/results.md.")
    w("")
    w("## Machine")
    w("")
    w("| | |")
    w("|---|---|")
    for k, v in machine(figs, meta):
        w("| %s | %s |" % (k, v))
    w("")
    goals_at = len(L)
    goals = []  # (goal, measured, met)
    main_ran = "gen" in figs  # PARTS included main (a–d)
    if main_ran:
        g = figs.get("gen", [{}])[0]
        w("Data: %s persons from `jineng gen persons %d --seed %s` (%.0f MB CSV, UTF-8 with BOM), generated in %.1f s."
          % (fnum(n), n, meta.get("seed", 1), g.get("csv_bytes", 0) / 1e6, g.get("seconds", 0)))
        w("")

        # ---- a. import
        w("## a. Import")
        w("")
        w("| what | rows | runs | time, s | rows/s | spread | peak RSS, MB |")
        w("|---|---:|---:|---:|---:|---:|---:|")

        def imp_row(label, key):
            rs = figs.get(key, [])
            if not rs:
                return None
            secs = [r["seconds"] for r in rs]
            rps = [r["rows"] / r["seconds"] for r in rs]
            rss = [r["rss_kb"] / 1024 for r in rs if "rss_kb" in r]
            w("| %s | %s | %d | %s | %s | %s | %s |" % (label, fnum(rs[0]["rows"]), len(rs), stat(secs, 2), stat(rps),
                                                     spread(rps), stat(rss) if rss else "–"))
            return med(rps)

        a1 = imp_row("`jineng import persons` → SQLite", "import.sqlite.jineng")
        a2 = imp_row("`sqlite3` shell `.import` of the normalised CSV (temp table, one INSERT … SELECT, one transaction)",
                     "import.sqlite.shell")
        pg_sizes = sorted({int(k.rsplit(".", 1)[1]) for k in figs if k.startswith("import.pg.jineng.")})
        pg_ratios = []
        for rows in pg_sizes:
            p1 = imp_row("`jineng import persons` → PostgreSQL", "import.pg.jineng.%d" % rows)
            p2 = imp_row("`psql \\copy` of the normalised CSV → PostgreSQL", "import.pg.copy.%d" % rows)
            if p1 and p2:
                pg_ratios.append((rows, p1, p2))
        w("")
        if a1 and a2:
            goals.append(("import ≥ 70% of the raw engine's load rate (SQLite)", "%.0f%% (%s vs %s rows/s)" % (100 * a1 / a2, fnum(a1), fnum(a2)), a1 / a2 >= 0.7))
        if pg_ratios:
            rows, p1, p2 = pg_ratios[-1]
            goals.append(("import ≥ 70%% of the raw engine's load rate (PostgreSQL, %s rows)" % fnum(rows), "%.0f%% (%s vs %s rows/s)" % (100 * p1 / p2, fnum(p1), fnum(p2)), p1 / p2 >= 0.7))
        if a1 and a2:
            w("**SQLite: jineng imports %s rows/s, the sqlite3 shell loads %s rows/s — jineng is %.1f× slower "
              "(ratio %.3f).**" % (fnum(a1), fnum(a2), a2 / a1, a1 / a2))
        for rows, p1, p2 in pg_ratios:
            w("")
            w("PostgreSQL at %s rows: jineng %s rows/s, `\\copy` %s rows/s — jineng is %.0f× slower." %
              (fnum(rows), fnum(p1), fnum(p2), p2 / p1))
        if len(pg_ratios) >= 2 and pg_ratios[-1][1] < 0.8 * pg_ratios[0][1]:
            w("")
            w("jineng's PostgreSQL rate falls as the file grows (%s).  The import is one transaction that updates the "
              "single `audit_head` row once per person (src/store/audit.c, store_audit); every read of that row walks "
              "the chain of dead row versions the transaction has left behind, so the cost per row grows with the "
              "rows before it — quadratic." % ", ".join("%s rows/s at %s rows" % (fnum(p1), fnum(r)) for r, p1, _ in pg_ratios))
        if pg_sizes:
            w("")
            if len(pg_sizes) > 1:
                w("The PostgreSQL import runs first on the first %s rows of the file (a probe, to tell whether all %s "
                  "rows fit in the time allowed), then on %s rows." % (fnum(pg_sizes[0]), fnum(n),
                                                                      " and ".join(fnum(r) for r in pg_sizes[1:])))
            if max(pg_sizes) < n:
                w("The PostgreSQL import is **not** measured on all %s rows (see the notes at the end)." % fnum(n))
        same = figs.get("check.same_rows", [{}])[0]
        if same:
            w("")
            w("Check: the rows jineng stored equal the generator's normalised rows loaded by the shell "
              "(%s differing rows)." % same.get("differing_rows"))
        sz = figs.get("sizes", [{}])[0]
        if sz:
            w("")
            w("What jineng writes besides the persons: one audit entry per person (%s audit rows; the SQLite "
              "database is %.0f MB after the import)." % (fnum(sz.get("audit_rows", 0)), sz.get("sqlite_db_bytes", 0) / 1e6))
        w("")

        # ---- b. search
        w("## b. Search: `GET /api/v1/persons` against the same SQL run directly")
        w("")
        w("Sequential requests on one keep-alive connection (bench/lat.py, a minimal HTTP/1.1 client), admin "
          "token, per_page=20; the SQL side runs the two statements jineng runs for the filter (first page "
          "`… ORDER BY id LIMIT 20` and the count capped at 1 001) as many times, with jineng's pragmas "
          "(SQLite: Python's sqlite3 module; PostgreSQL: pgbench -M prepared with the values as parameters).  "
          "Up to %s requests per run, fewer when a run reaches %s s.  Latencies in ms."
          % (fnum(meta.get("reqs", 0)), meta.get("lat_maxsec", "?")))
        w("")
        for engine, title in (("sqlite", "SQLite"), ("pg", "PostgreSQL")):
            keys = sorted(k for k in figs if k.startswith("search.%s.http." % engine))
            if not keys:
                continue
            if engine == "pg" and "load.pg.jineng" in figs:
                w("### %s (the database of the last jineng import of all %s rows, then ANALYZE)" % (title, fnum(n)))
            elif engine == "pg":
                lp = figs.get("load.pg.copy", [{}])[0]
                w("### %s (%s rows loaded with `\\copy` in %.1f s, then ANALYZE)" % (title, fnum(lp.get("rows", 0)),
                                                                                 lp.get("seconds", 0)))
            else:
                w("### %s (the database of the last jineng import above)" % title)
            w("")
            w("| filter | matches | requests/run | HTTP p50 | HTTP p99 | SQL p50 | SQL p99 | p50 ratio | p99 ratio | same answer |")
            w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
            for k in keys:
                idx = k.rsplit(".", 1)[1]
                hs = [r["res"] for r in figs[k]]
                ss = [r["res"] for r in figs.get("search.%s.sql.%s" % (engine, idx), [])]
                flt = figs[k][0]["filter"].replace("%E5%BC%A0", "张")
                h50 = [ms(x["p50_us"]) for x in hs]
                h99 = [ms(x["p99_us"]) for x in hs]
                s50 = [ms(x["p50_us"]) for x in ss]
                s99 = [ms(x["p99_us"]) for x in ss]
                same = all(h.get("total") == s.get("total") and h.get("ids") == s.get("ids") for h, s in zip(hs, ss))
                goals.append(("search p99 ≤ 2 ms at 1,000,000 workers, and ≤ 1.5× the raw query (%s, `%s`)" % (title, figs[k][0]["filter"].replace("%E5%BC%A0", "张")),
                              "%.2f ms, %.2f× the SQL" % (med(h99), med(h99) / med(s99) if s99 else float("nan")),
                              med(h99) <= 2.0 and bool(s99) and med(h99) <= 1.5 * med(s99)))
                total = hs[0].get("total")
                w("| `%s` | %s%s | %s | %s | %s | %s | %s | %.2f | %.2f | %s |" % (
                    flt, fnum(total) if total is not None else "?", "+" if total == 10000 else "",
                    stat([x["n"] for x in hs]), stat(h50, 2), stat(h99, 2), stat(s50, 2), stat(s99, 2),
                    med(h50) / med(s50) if s50 else float("nan"), med(h99) / med(s99) if s99 else float("nan"),
                    "yes" if same and ss else "NO"))
            w("")
            m = figs.get("mem.serve.search.%s" % engine)
            if m:
                w("Peak RSS of `jineng serve` (%s) after the search runs: %.0f MB (VmHWM)." % (title, m[0]["vmhwm_kb"] / 1024))
                w("")
        few = [r["res"]["n"] for k in figs if k.startswith("search.") and ".http." in k for r in figs[k]]
        if few and min(few) < 200:
            w("Where a run managed fewer than 200 requests (the slow filters at this size), its p99 is close to its "
              "maximum: read it as “the worst of about %d”." % min(few))
            w("")
        w("“matches” is the API's `total` (capped at 1 000, shown as 1,000+).  The ratio is HTTP ÷ SQL: what "
          "jineng adds — HTTP, token check (one session lookup per request), transaction, JSON with masking — on top of the "
          "queries themselves.")
        w("")

        # ---- c. /health
        w("## c. HTTP: `GET /health`, wrk -t2 -c32 -d%ss" % meta.get("wrk_seconds", 10))
        w("")
        hs = figs.get("health.same", [{}])[0]
        w("Same body from all three: %s (`%s`).  jineng and httpref run libmicrohttpd with 8 pool threads + epoll; "
          "nginx serves a static file with the same bytes, `worker_processes %s` (= %s on this machine), access_log off.  "
          "Runs are interleaved (jineng, httpref, nginx, jineng, …)."
          % ("yes" if hs.get("same_body") else "NO", hs.get("body", ""), hs.get("nginx_workers", "?"),
             sh("nproc") if hs.get("nginx_workers") == "auto" else hs.get("nginx_workers")))
        w("")
        def rps_table(fig, rows):
            w("| server | requests/s | spread | p50 latency, ms | p99 latency, ms | errors | vs jineng |")
            w("|---|---:|---:|---:|---:|---:|---:|")
            base = None
            for name, label in rows:
                rs = [r["res"] for r in figs.get(fig + "." + name, [])]
                if not rs:
                    continue
                rps = [r["rps"] for r in rs]
                if base is None:
                    base = med(rps)
                errs = sum(r["non2xx"] for r in rs)
                sock = [r["socket_errors"] for r in rs if r["socket_errors"]]
                w("| %s | %s | %s | %s | %s | %s | %.2f× |" % (label, stat(rps), spread(rps),
                                                             stat([ms(r["p50_us"]) for r in rs], 3),
                                                             stat([ms(r["p99_us"]) for r in rs], 3),
                                                             str(errs) + ((" non-2xx; " + "; ".join(sock)) if sock else ""),
                                                             med(rps) / base))
            w("")

        rps_table("health", (("jineng", "jineng serve"), ("httpref", "bench/httpref (libmicrohttpd only)"),
                             ("nginx", "nginx, static file")))

        def med_rps(key):
            rs = figs.get(key, [])
            return med([r["res"]["rps"] for r in rs]) if rs else None

        hj, hr, hn = med_rps("health.jineng"), med_rps("health.httpref"), med_rps("health.nginx")
        if hj and hr:
            goals.append(("/health ≥ 70% of bench/httpref", "%.0f%% (%s vs %s req/s)" % (100 * hj / hr, fnum(hj), fnum(hr)), hj / hr >= 0.7))
        if hj and hn:
            goals.append(("/health ahead of nginx's static file", "%.2f× (%s vs %s req/s)" % (hj / hn, fnum(hj), fnum(hn)), hj > hn))
        for name in ("jineng", "httpref"):
            m = figs.get("mem.serve.health." + name)
            if m:
                w("Peak RSS of %s after the /health runs: %.1f MB (VmHWM)." % (name, m[0]["vmhwm_kb"] / 1024))
                w("")

        # ---- c2. a search under wrk
        sl = figs.get("searchload.same", [{}])[0]
        if figs.get("searchload.jineng"):
            w("## c2. HTTP: a search under wrk -t2 -c32 -d%ss" % meta.get("wrk_seconds", 10))
            w("")
            w("`GET %s` with the bench account's token (admin, no region: every request checks the session, "
              "runs the page and the capped count, masks and writes JSON) against nginx serving the same %s bytes "
              "as a static file.  Runs interleaved." % (sl.get("path", "?"), fnum(sl.get("bytes", 0))))
            w("")
            rps_table("searchload", (("jineng", "jineng serve, the search"), ("nginx", "nginx, the same bytes as a static file")))
            m = figs.get("mem.serve.searchload.jineng")
            if m:
                w("Peak RSS of jineng after the search under wrk: %.1f MB (VmHWM)." % (m[0]["vmhwm_kb"] / 1024))
                w("")

        # ---- d. memory
        w("## d. Memory (peak RSS)")
        w("")
        w("| process | peak RSS, MB |")
        w("|---|---:|")
        for label, key, field, kb in (
                ("`jineng import persons` (SQLite, %s rows; /usr/bin/time)" % fnum(n), "import.sqlite.jineng", "rss_kb", 1),
                ("`sqlite3` shell .import (%s rows)" % fnum(n), "import.sqlite.shell", "rss_kb", 1),
                ("`jineng serve`, SQLite, after the search runs (VmHWM)", "mem.serve.search.sqlite", "vmhwm_kb", 1),
                ("`jineng serve`, PostgreSQL, after the search runs (VmHWM)", "mem.serve.search.pg", "vmhwm_kb", 1),
                ("`jineng serve`, after the /health runs (VmHWM)", "mem.serve.health.jineng", "vmhwm_kb", 1),
                ("`jineng serve`, after the search under wrk (VmHWM)", "mem.serve.searchload.jineng", "vmhwm_kb", 1),
                ("bench/httpref, after the /health runs (VmHWM)", "mem.serve.health.httpref", "vmhwm_kb", 1)):
            rs = figs.get(key, [])
            v = [r[field] / 1024 for r in rs if field in r]
            if v:
                w("| %s | %s |" % (label, stat(v, 1)))
        for rows in pg_sizes:
            rs = figs.get("import.pg.jineng.%d" % rows, [])
            v = [r["rss_kb"] / 1024 for r in rs if "rss_kb" in r]
            if v:
                w("| `jineng import persons` (PostgreSQL, %s rows) | %s |" % (fnum(rows), stat(v, 1)))
        w("")
        peaks = [figs[k][0]["vmhwm_kb"] / 1024 for k in figs if k.startswith("mem.serve.") and k != "mem.serve.health.httpref"
                 and not k.startswith("mem.serve.cert.")]
        if peaks:
            goals.append(("server resident memory ≤ 256 MiB with 10,000,000 workers on SQLite (here %s workers)" % fnum(n),
                          "%.0f MB peak over all parts" % max(peaks), max(peaks) <= 256 and n >= 10000000))
    cert_figures = cert_sections(figs, w)
    G = ["## Goals", ""]
    if goals:
        G += ["| goal | measured | met |", "|---|---|---|"]
    for goal, got, met in goals:
        G.append("| %s | %s | %s |" % (goal, got, "yes" if met else "**no**"))
    if goals:
        G += ["", "Goals from the Benchmarks issue; they are reported here, never asserted by tests.  A goal stated "
              "for a size other than this run's cannot be met by this run.", ""]
    if cert_figures:
        G += ["### Certification figures the issue asks for (part e)", "",
              "| figure | engine | median (min–max) |", "|---|---|---|"]
        G += ["| %s | %s | %s |" % f for f in cert_figures]
        G += ["", "The issue names these figures without a target; they are reported, not judged.", ""]
    L[goals_at:goals_at] = G
    if notes:
        w("## Notes")
        w("")
        for t in notes:
            w("- " + t)
        w("")
    if main_ran:
        w("Runs: %s per search and /health figure and for the PostgreSQL probe; %s per import of all %s rows%s."
          % (meta.get("runs"), meta.get("import_runs"), fnum(n),
             " (fewer than %s because each takes about a minute or more; bounded run time)" % meta.get("runs")
             if meta.get("import_runs", 5) < meta.get("runs", 5) else ""))
        w("")
    with open(out, "w") as f:
        f.write("\n".join(L))


if __name__ == "__main__":
    main()
