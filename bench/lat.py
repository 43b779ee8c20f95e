#!/usr/bin/env python3
"""lat.py — the small measuring clients bench/run.sh uses (stdlib only).

  lat.py free-port                          a free TCP port on 127.0.0.1
  lat.py wait PORT [SECONDS]                waits until GET /health answers 200
  lat.py login PORT USER PASSWORD           POST /api/v1/session; prints the token
  lat.py http PORT PATH TOKEN N MAXSEC      N sequential keep-alive GETs (stops early
                                            after MAXSEC, at least 50); prints JSON
                                            {"n", "p50_us", "p99_us", "mean_us", "total", "ids"}
  lat.py sqlite DB FILTER N                 the SQL jineng runs for that filter
                                            (page query + capped count), N times,
                                            same pragmas as jineng; prints the same JSON
  lat.py pg-script FILTER OUT.sql          the same for pgbench: writes the script,
                                            prints its -D options one per line
  lat.py pg-check FILTER                    SQL giving {"total", "ids"} of the filter (PostgreSQL)
  lat.py pgbench-log FILE...                p50/p99 of pgbench -l logs; prints JSON
  lat.py vmhwm PID                          peak RSS in KiB (VmHWM of /proc/PID/status)

FILTER is the query string of GET /api/v1/persons (region=…&level_min=…&q=…),
turned into SQL exactly as src/store/person.c filter_where() does for an
administrator without a region.

The HTTP client speaks just enough HTTP/1.1 over one socket (Content-Length
bodies, keep-alive) to add as little as possible to what it measures;
http.client's header parsing alone costs tens of microseconds.
"""
import json
import os
import socket
import sqlite3
import sys
import time
import urllib.parse

PERSON_COLS = ("id, id_number, name, gender, birth_date, region, phone, occupation, level, employer, "
               "education, created_at, updated_at, version")
COUNT_CAP = 1000


def pct(sorted_vals, p):
    if not sorted_vals:
        return 0.0
    k = (len(sorted_vals) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(sorted_vals) - 1)
    return sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (k - lo)


def summary(us):
    s = sorted(us)
    return {"n": len(s), "p50_us": round(pct(s, 50), 1), "p99_us": round(pct(s, 99), 1),
            "mean_us": round(sum(s) / len(s), 1) if s else 0.0, "min_us": round(s[0], 1) if s else 0.0,
            "max_us": round(s[-1], 1) if s else 0.0}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    print(p)


class Conn:
    def __init__(self, port):
        self.port = port
        self.s = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def request(self, raw):
        self.s.sendall(raw)
        while True:
            i = self.buf.find(b"\r\n\r\n")
            if i >= 0:
                break
            chunk = self.s.recv(65536)
            if not chunk:
                raise IOError("connection closed")
            self.buf += chunk
        head = self.buf[:i].decode("latin-1")
        lines = head.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            if k.strip().lower() == "content-length":
                length = int(v.strip())
            elif k.strip().lower() == "transfer-encoding":
                raise IOError("chunked responses are not handled")
        end = i + 4 + length
        while len(self.buf) < end:
            chunk = self.s.recv(65536)
            if not chunk:
                raise IOError("connection closed")
            self.buf += chunk
        body = self.buf[i + 4:end]
        self.buf = self.buf[end:]
        return status, body


def raw_request(method, path, port, token=None, body=None):
    h = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1:%d" % port]
    if token:
        h.append("Authorization: Bearer " + token)
    if body is not None:
        h.append("Content-Type: application/json")
        h.append("Content-Length: %d" % len(body))
    return ("\r\n".join(h) + "\r\n\r\n").encode() + (body or b"")


def wait(port, seconds=15.0):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            c = Conn(port)
            st, _ = c.request(raw_request("GET", "/health", port))
            if st == 200:
                return 0
        except OSError:
            pass
        time.sleep(0.1)
    print("lat.py: nothing answers on port %d" % port, file=sys.stderr)
    return 1


def login(port, user, password):
    c = Conn(port)
    st, body = c.request(raw_request("POST", "/api/v1/session", port,
                                     body=json.dumps({"username": user, "password": password}).encode()))
    if st != 201 and st != 200:
        print("lat.py: login failed: %d %s" % (st, body[:300]), file=sys.stderr)
        return 1
    print(json.loads(body)["token"])
    return 0


def http(port, path, token, n, maxsec):
    c = Conn(port)
    raw = raw_request("GET", path, port, token)
    # warm-up (and the answer, to check it against the SQL)
    for _ in range(20):
        st, body = c.request(raw)
        if st != 200:
            print("lat.py: GET %s answered %d: %s" % (path, st, body[:300]), file=sys.stderr)
            return 1
    first = json.loads(body)
    us = []
    clock = time.perf_counter_ns
    deadline = time.monotonic() + maxsec
    for i in range(n):
        t0 = clock()
        st, body = c.request(raw)
        t1 = clock()
        if st != 200:
            print("lat.py: GET %s answered %d" % (path, st), file=sys.stderr)
            return 1
        us.append((t1 - t0) / 1000.0)
        if i >= 49 and (i & 15) == 0 and time.monotonic() > deadline:
            break
    out = summary(us)
    if "items" in first:
        out["total"] = first.get("total")
        out["ids"] = [x["id"] for x in first["items"]]
    print(json.dumps(out))
    return 0


_CODES = None


def current_codes(prefix):
    """The current division codes under prefix, in code order (as
    region_codes_under() in src/core/regions.c reads data/divisions.csv)."""
    global _CODES
    if _CODES is None:
        import csv
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "divisions.csv")
        with open(path, encoding="utf-8", newline="") as f:
            _CODES = sorted(r["code"] for r in csv.DictReader(f) if r["current"] == "1")
    return [c for c in _CODES if c.startswith(prefix)]


def filter_sql(qs, counting=False):
    """(where, params) as src/store/person.c filter_where() builds them: a
    county or a single occupation is an equality; a city or province is a
    substr() test for the page (walks the primary key in id order); for the
    count a city is the list of its current codes and a province an index
    range (src/store/sqlb.c sqlb_region)."""
    q = urllib.parse.parse_qs(qs)
    conds, params = [], []
    if "region" in q:
        code = q["region"][0]
        # region_prefix(): a province or prefecture code stands for its
        # children (trailing "00" pairs dropped); a county code for itself.
        p = code
        if p.endswith("0000"):
            p = p[:2]
        elif p.endswith("00"):
            p = p[:4]
        if len(p) == 6:
            conds.append("region = ?")
            params.append(p)
        elif counting and len(p) == 4:
            codes = current_codes(p)
            conds.append("region IN (%s)" % ", ".join("?" * len(codes)))
            params += codes
        elif counting:
            conds.append("region >= ? AND region < ?")
            params += [p, p[:-1] + chr(ord(p[-1]) + 1)]
        else:
            conds.append("substr(region, 1, %d) = ?" % len(p))
            params.append(p)
    if "occupation" in q:
        o = q["occupation"][0]
        if len(o) == 10 and not o.endswith("00"):
            conds.append("occupation = ?")
            params.append(o)
        else:
            conds.append("occupation >= ? AND occupation < ?")
            params += [o, o[:-1] + chr(ord(o[-1]) + 1)]
    if "level_min" in q and int(q["level_min"][0]) > 0:
        conds.append("level >= ?")
        params.append(int(q["level_min"][0]))
    if "q" in q:
        s = q["q"][0].strip(" ")
        if all(ch.isdigit() or ch in "Xx" for ch in s):
            conds.append("(id_number >= ? AND id_number < ?)")
            params += [s, s[:-1] + chr(ord(s[-1]) + 1)]
        else:
            like = "%" + "".join("\\" + ch if ch in "%_\\" else ch for ch in s) + "%"
            conds.append("name LIKE ? ESCAPE '\\'")
            params.append(like)
    per = int(q.get("per_page", ["20"])[0])
    page = int(q.get("page", ["1"])[0])
    where = (" WHERE " + " AND ".join(conds)) if conds else ""
    return where, params, per, page


def sqlite_lat(db, qs, n):
    where, params, per, page = filter_sql(qs)
    cwhere, cparams, _, _ = filter_sql(qs, counting=True)
    page_sql = "SELECT " + PERSON_COLS + " FROM persons" + where + " ORDER BY id LIMIT ? OFFSET ?"
    count_sql = "SELECT COUNT(*) FROM (SELECT 1 FROM persons" + cwhere + " LIMIT ?) AS m"
    con = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    # a jineng server connection's settings (src/store/db_sqlite.c; store_open
    # gives each of the 8 pooled connections 128 MiB / 8 of page cache)
    con.executescript("PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;"
                      " PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384;")
    p1 = params + [per, (page - 1) * per]
    p2 = cparams + [COUNT_CAP + 1]
    for _ in range(20):
        rows = con.execute(page_sql, p1).fetchall()
        total = con.execute(count_sql, p2).fetchone()[0]
    us = []
    clock = time.perf_counter_ns
    for _ in range(n):
        t0 = clock()
        con.execute(page_sql, p1).fetchall()
        con.execute(count_sql, p2).fetchone()
        us.append((clock() - t0) / 1000.0)
    out = summary(us)
    out["total"] = min(total, COUNT_CAP)
    out["ids"] = [r[0] for r in rows]
    print(json.dumps(out))
    return 0


def pg_script(qs):
    """A pgbench script (and its -D variables) running the same two statements."""
    defs = []
    sqls = []
    per = page = 0
    for tag, counting in (("p", False), ("c", True)):
        where, params, per, page = filter_sql(qs, counting)
        parts = where.split("?")
        sql = parts[0]
        for i, part in enumerate(parts[1:]):
            sql += ":%s%d" % (tag, i) + part
            defs += ["-D", "%s%d=%s" % (tag, i, params[i])]
        sqls.append(sql)
    defs += ["-D", "lim=%d" % per, "-D", "off=%d" % ((page - 1) * per), "-D", "cap=%d" % (COUNT_CAP + 1)]
    out = ["SELECT " + PERSON_COLS + " FROM persons" + sqls[0] + " ORDER BY id LIMIT :lim OFFSET :off;",
           "SELECT COUNT(*) FROM (SELECT 1 FROM persons" + sqls[1] + " LIMIT :cap) AS m;"]
    return "\n".join(out) + "\n", defs


def pg_check(qs):
    """One SQL statement answering {"total", "ids"} for the filter (literals inlined)."""
    wh = []
    per = page = 0
    for counting in (False, True):
        where, params, per, page = filter_sql(qs, counting)
        for v in params:
            lit = str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'"
            where = where.replace("?", lit, 1)
        wh.append(where)
    return ("SELECT json_build_object('total', LEAST((SELECT COUNT(*) FROM (SELECT 1 FROM persons" + wh[1] +
            " LIMIT %d) AS m), %d), 'ids', (SELECT COALESCE(json_agg(id ORDER BY id), '[]') FROM (SELECT id FROM persons"
            % (COUNT_CAP + 1, COUNT_CAP) + wh[0] + " ORDER BY id LIMIT %d OFFSET %d) AS p))" % (per, (page - 1) * per))


def pgbench_log(files):
    us = []
    for f in files:
        with open(f) as fh:
            for ln in fh:
                parts = ln.split()
                if len(parts) >= 3:
                    us.append(float(parts[2]))
    print(json.dumps(summary(us)))
    return 0


def vmhwm(pid):
    with open("/proc/%s/status" % pid) as f:
        for ln in f:
            if ln.startswith("VmHWM:"):
                print(ln.split()[1])
                return 0
    return 1


def main(a):
    if not a:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = a[0]
    if cmd == "free-port":
        free_port()
        return 0
    if cmd == "wait":
        return wait(int(a[1]), float(a[2]) if len(a) > 2 else 15.0)
    if cmd == "login":
        return login(int(a[1]), a[2], a[3])
    if cmd == "http":
        return http(int(a[1]), a[2], a[3], int(a[4]), float(a[5]))
    if cmd == "sqlite":
        return sqlite_lat(a[1], a[2], int(a[3]))
    if cmd == "pg-script":
        script, defs = pg_script(a[1])
        with open(a[2], "w") as f:
            f.write(script)
        print("\n".join(defs))
        return 0
    if cmd == "pg-check":
        print(pg_check(a[1]))
        return 0
    if cmd == "pgbench-log":
        return pgbench_log(a[1:])
    if cmd == "vmhwm":
        return vmhwm(a[1])
    print("lat.py: unknown command %s" % cmd, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
