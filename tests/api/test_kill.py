#!/usr/bin/env python3
"""test_kill.py — SIGKILL the server in the middle of an import, many times:
afterwards the database holds all of that file or none of it, and the audit
chain still verifies.   test_kill.py --bin build/jineng --db URL [--rounds N]"""
import argparse
import csv
import io
import os
import random
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import Result, Server, make_id  # noqa: E402

R = Result()
PW = "correct-horse-9"


def batch(k, n):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["姓名", "身份证号", "所属地区", "职业", "技能等级"])
    for i in range(n):
        region = ["530402", "530302", "532501"][i % 3]
        # Unique per round and row: the year is the round, the day and sequence the row.
        ymd = f"{1960 + k}{1 + (i // 28000) % 12:02d}{1 + (i // 1000) % 28:02d}"
        w.writerow([f"断电{k}-{i}", make_id(region, ymd, i % 1000), region, "6-18-02-04", "初级工"])
    return buf.getvalue().encode("utf-8-sig")


def count(srv):
    r = srv.cli("export", "persons", "--db", srv.db)
    return len(r.stdout.decode("utf-8-sig").strip().splitlines()) - 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--rows", type=int, default=6000)
    a = ap.parse_args()
    R.where = "kill"
    srv = Server(a.bin, a.db)
    srv.cli("init", "--db", a.db)
    srv.cli("user", "add", "--db", a.db, "--username", "admin", "--role", "admin", stdin=(PW + "\n").encode())
    rnd = random.Random(7)
    n0 = 0
    outcomes = {"all": 0, "none": 0}
    took = None
    for k in range(a.rounds):
        data = batch(k, a.rows)
        srv.start()
        st, j, _ = srv.request("POST", "/api/v1/session", {"username": "admin", "password": PW})
        tok = j["token"]
        done = {}

        def post():
            try:
                done["r"] = srv.request("POST", "/api/v1/imports/persons", data, tok, timeout=300)
            except Exception as e:  # the connection dies with the server
                done["e"] = e
        t = threading.Thread(target=post)
        t0 = time.time()
        t.start()
        if took is None:
            # Round 0 runs to the end: how long an import takes here.
            t.join()
            took = time.time() - t0
        else:
            # Kill at a random moment: early in parsing, mid-write or near commit.
            time.sleep(rnd.uniform(0.02, took * 1.1))
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        srv.stop()
        t.join()
        n = count(srv)
        ok = n in (n0, n0 + a.rows)
        R.check(ok, f"round {k}: all or nothing", f"before {n0}, after {n}, rows {a.rows}")
        outcomes["all" if n == n0 + a.rows else "none"] += 1
        r = srv.cli("audit", "verify", "--db", a.db)
        R.check(r.returncode == 0, f"round {k}: audit chain intact", r.stdout.decode())
        n0 = n
    print(f"kill: outcomes {outcomes}", file=sys.stderr)
    engine = "postgresql" if a.db.startswith("postgres") else "sqlite"
    print(f"kill[{engine}]: {R.passed} passed, {R.failed} failed")
    sys.exit(1 if R.failed else 0)


if __name__ == "__main__":
    main()
