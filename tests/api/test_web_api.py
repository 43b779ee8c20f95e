#!/usr/bin/env python3
"""test_web_api.py — what the web front-end relies on, against a real server
for one engine:  test_web_api.py --bin build/jineng --db sqlite:/tmp/x.db | postgresql://…

The web files (types, caching, gzip, the single-page app's fallback, no way
out of the directory), who am I, accounts, background imports with progress
and rejected rows, the dashboards' statistics and targets, XLSX/CSV exports
of every list, and the audit list's paging and filters."""
import argparse
import csv
import gzip
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import ROOT, Result, Server, free_port, make_id, make_uscc, tmpdir  # noqa: E402

R = Result()
PW = "correct-horse-9"


class WebServer(Server):
    """A server started with extra arguments and environment."""

    def __init__(self, binary, db, extra=(), env=None):
        super().__init__(binary, db)
        self.extra = list(extra)
        self.env = env or {}

    def start(self):
        self.port = free_port()
        e = dict(os.environ)
        e.pop("JINENG_DB", None)
        e.pop("JINENG_WEB", None)
        e.update(self.env)
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--db", self.db, "--listen", f"127.0.0.1:{self.port}", "--threads", "4", *self.extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=e)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("server exited: " + self.proc.stderr.read().decode(errors="replace"))
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def raw_path(self, method, path, headers=None):
        """Sends the path byte for byte (no client-side normalisation)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        h = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        s.sendall(f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{h}\r\n".encode())
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
        s.close()
        head, _, body = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ")[1])
        return status, body


def clean(err):
    R.check("ERROR" not in err and "runtime error" not in err, "server stderr clean", err[-3000:])


def login(srv, user, pw=PW):
    st, j, _ = srv.request("POST", "/api/v1/session", {"username": user, "password": pw})
    assert st == 201, (user, st, j)
    return j["token"]


def make_web_dir():
    d = tmpdir()
    os.makedirs(os.path.join(d, "assets"))
    with open(os.path.join(d, "index.html"), "w") as f:
        f.write("<!doctype html><title>技能</title><div id=app></div>")
    js = b"console.log('jineng');" * 200
    with open(os.path.join(d, "assets", "a.js"), "wb") as f:
        f.write(js)
    with open(os.path.join(d, "assets", "a.js.gz"), "wb") as f:
        f.write(gzip.compress(js))
    for name, data in [("favicon.ico", b"\0\0\1\0"), ("robots.txt", b"User-agent: *\n"), ("assets/s.css", b"a{}"),
                       ("assets/f.woff2", b"wOF2"), ("logo.svg", b"<svg/>"), ("app.webmanifest", b"{}")]:
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    with open(os.path.join(d, ".env"), "w") as f:
        f.write("SECRET=1")
    os.symlink("/etc/passwd", os.path.join(d, "passwd.txt"))
    return d, js


def test_web(binary, db, T_admin_pw):
    R.where = "web"
    d, js = make_web_dir()
    srv = WebServer(binary, db, ["--web", d]).start()
    try:
        st, body, h = srv.request("GET", "/", raw=True)
        R.check(st == 200 and b"id=app" in body and h["content-type"].startswith("text/html"), "/ serves index.html", (st, h))
        R.check("default-src 'self'" in h.get("content-security-policy", "") and "frame-ancestors 'none'" in h.get("content-security-policy", ""), "CSP on HTML", h)
        R.check(h.get("x-content-type-options") == "nosniff" and h.get("referrer-policy") == "no-referrer", "nosniff, no-referrer", h)
        R.check(h.get("cache-control") == "no-cache", "index.html: no-cache", h.get("cache-control"))
        for p in ["/persons/12", "/accounts", "/imports/3/report"]:
            st, body, h = srv.request("GET", p, raw=True)
            R.check(st == 200 and b"id=app" in body and h.get("cache-control") == "no-cache", f"app route {p} → index.html", st)
        st, body, h = srv.request("GET", "/assets/a.js", raw=True)
        R.check(st == 200 and body == js and h["content-type"].startswith("text/javascript"), "js served plain without Accept-Encoding", h)
        R.check(h.get("cache-control") == "public, max-age=31536000, immutable", "assets immutable", h.get("cache-control"))
        R.check(h.get("vary") == "Accept-Encoding" and "content-encoding" not in h, "Vary without encoding", h)
        st, body, h = srv.request("GET", "/assets/a.js", headers={"Accept-Encoding": "gzip, deflate, br"}, raw=True)
        R.check(st == 200 and h.get("content-encoding") == "gzip" and gzip.decompress(body) == js and len(body) < len(js), "gzip variant sent", h)
        R.check(h["content-type"].startswith("text/javascript") and h.get("vary") == "Accept-Encoding", "gzip keeps the type, Vary", h)
        st, body, h = srv.request("GET", "/assets/a.js", headers={"Accept-Encoding": "gzip;q=0, identity"}, raw=True)
        R.check(st == 200 and body == js and "content-encoding" not in h, "gzip;q=0 refused: plain", h)
        st, body, h = srv.request("HEAD", "/assets/a.js", raw=True)
        R.check(st == 200 and body == b"" and h.get("content-length") == str(len(js)), "HEAD", (st, h))
        for p, t in [("/favicon.ico", "image/x-icon"), ("/robots.txt", "text/plain"), ("/assets/s.css", "text/css"),
                     ("/assets/f.woff2", "font/woff2"), ("/logo.svg", "image/svg+xml")]:
            st, body, h = srv.request("GET", p, raw=True)
            R.check(st == 200 and h["content-type"].startswith(t), f"type of {p}", h.get("content-type"))
            R.check(h.get("cache-control") == ("public, max-age=31536000, immutable" if p.startswith("/assets/") else "no-cache"), f"cache of {p}", h.get("cache-control"))
        st, j, h = srv.request("GET", "/assets/missing.js")
        R.check(st == 404 and h["content-type"].startswith("application/problem+json") and j["code"] == "no_file", "missing asset: 404 problem", (st, j))
        st, j, h = srv.request("GET", "/.env")
        R.check(st == 404, "hidden files not served", st)
        st, j, h = srv.request("GET", "/passwd.txt")
        R.check(st == 404, "symbolic links not followed", st)
        for p in ["/../etc/passwd", "/%2e%2e/etc/passwd", "/%2E%2E/%2e%2e/etc/passwd", "/assets/..%2f..%2fetc/passwd",
                  "/assets/../../etc/passwd", "/..%5c..%5cetc/passwd", "/./index.html"]:
            st, body = srv.raw_path("GET", p)
            R.check(st in (400, 404) and b"root:" not in body and b"id=app" not in body, f"traversal refused: {p}", (st, body[:80]))
        st, j, h = srv.request("GET", "/api/v1/nope")
        R.check(st == 404 and j["code"] == "no_route" and h["content-type"].startswith("application/problem+json"), "/api/v1/nope still a JSON 404", (st, j))
        st, j, h = srv.request("GET", "/health")
        R.check(st == 200 and j["status"] == "ok", "/health still JSON")
        st, j, h = srv.request("POST", "/persons/12", {})
        R.check(st in (404, 405) and j.get("code") in ("no_route", "method_not_allowed"), "POST to a page path is not served", st)
        tok = login(srv, "admin")
        st, j, _ = srv.request("GET", "/api/v1/session", token=tok)
        R.check(st == 200 and j["username"] == "admin", "API works alongside the web files")
    finally:
        err = srv.stop()
    R.check("ERROR" not in err and "runtime error" not in err, "web server stderr clean", err[-2000:])

    # JINENG_WEB chooses the directory; none turns it off; without it the landing page stays.
    srv = WebServer(binary, db, env={"JINENG_WEB": d}).start()
    st, body, h = srv.request("GET", "/imports", raw=True)
    clean(srv.stop())
    R.check(st == 200 and b"id=app" in body, "JINENG_WEB used", st)
    srv = WebServer(binary, db, ["--web", "none"]).start()
    st, body, h = srv.request("GET", "/", raw=True)
    st2, j2, _ = srv.request("GET", "/persons/12")
    clean(srv.stop())
    R.check(st == 200 and "技能人才服务管理平台".encode() in body and b"id=app" not in body, "no web directory: the landing page", st)
    R.check(st2 == 404 and j2["code"] == "no_route", "no web directory: app routes are 404", st2)
    r = subprocess.run([binary, "serve", "--db", db, "--listen", f"127.0.0.1:{free_port()}", "--web", "/nonexistent-dir"],
                       capture_output=True, timeout=30)
    R.check(r.returncode != 0 and "网页" in r.stderr.decode(), "--web with a missing directory refused", r.stderr.decode())


def setup(srv):
    R.where = "setup"
    r = srv.cli("init", "--db", srv.db)
    R.check(r.returncode == 0, "init", r.stderr.decode())
    r = srv.cli("user", "add", "--db", srv.db, "--username", "admin", "--role", "admin", stdin=(PW + "\n").encode())
    R.check(r.returncode == 0, "user add admin", r.stderr.decode())
    srv.start()
    T = {"admin": login(srv, "admin")}
    orgs = {}
    for key, kind, region in [("ev_yx", "evaluator", "530402"), ("tr_yx", "trainer", "530402"), ("ev_qj", "evaluator", "530302"),
                              ("em_yx", "employer", "530403"), ("ev_hh", "evaluator", "532501")]:
        st, j, _ = srv.request("POST", "/api/v1/orgs", {"uscc": make_uscc(region, f"MA{len(orgs):07d}"), "name": f"机构{key}",
                                                       "kind": kind, "region": region}, T["admin"])
        R.check(st == 201, "create org " + key, j)
        orgs[key] = j.get("id")
    people = {}
    for key, region, ymd, seq, level in [("ht1", "530402", "19850312", 101, 3), ("ht2", "530402", "19900101", 202, 5),
                                         ("jc1", "530403", "19870101", 303, 2), ("ql1", "530302", "19780615", 303, 4),
                                         ("ql2", "530302", "19790615", 305, 1), ("hh1", "532501", "19950909", 404, 6)]:
        st, j, _ = srv.request("POST", "/api/v1/persons", {"id_number": make_id(region, ymd, seq), "name": "测试" + key,
                                                          "region": region, "phone": "13812345678",
                                                          "occupation": "6-18-02-04", "level": level}, T["admin"])
        R.check(st == 201, "create person " + key, j)
        people[key] = j
    for u, role, extra in [("yuxi", "admin", ["--region", "530400"]), ("hongta", "county", ["--region", "530402"]),
                           ("qilin", "county", ["--region", "530302"]), ("pingjia", "evaluator", ["--org", str(orgs["ev_yx"])]),
                           ("worker", "worker", ["--person", people["ht1"]["id_number"]])]:
        r = srv.cli("user", "add", "--db", srv.db, "--username", u, "--role", role, *extra, stdin=(PW + "\n").encode())
        R.check(r.returncode == 0, "user add " + u, r.stderr.decode())
        T[u] = login(srv, u)
    return T, orgs, people


def test_session(srv, T):
    R.where = "session"
    st, j, _ = srv.request("GET", "/api/v1/session", token=T["hongta"])
    R.check(st == 200 and j == {**j, "username": "hongta", "role": "county", "role_name": "县级经办员", "region": "530402",
                                "region_name": "红塔区", "org_id": None, "person_id": None}, "who am I: county", j)
    R.check("token" not in j and re.match(r"\d{4}-\d\d-\d\dT", j.get("expires_at", "")), "no token, an expiry", j)
    st, j, _ = srv.request("GET", "/api/v1/session", token=T["pingjia"])
    R.check(st == 200 and j["role"] == "evaluator" and isinstance(j["org_id"], int), "who am I: organisation account", j)
    st, j, _ = srv.request("GET", "/api/v1/session", token=T["worker"])
    R.check(st == 200 and j["role"] == "worker" and isinstance(j["person_id"], int), "who am I: worker", j)
    st, j, _ = srv.request("POST", "/api/v1/session", {"username": "yuxi", "password": PW})
    R.check(st == 201 and j["region_name"] == "玉溪市" and {"username", "role", "role_name", "region", "region_name", "org_id",
                                                          "person_id", "expires_at", "token"} <= set(j), "POST /session has the same fields", j)
    tok = j["token"]
    st, j2, _ = srv.request("GET", "/api/v1/session", token=tok)
    R.check(st == 200 and j2 == {k: v for k, v in j.items() if k not in ("token", "token_type")}, "GET = POST minus the token", (j, j2))
    srv.request("DELETE", "/api/v1/session", token=tok)
    st, j, _ = srv.request("GET", "/api/v1/session", token=tok)
    R.check(st == 401, "signed out: 401", st)
    st, j, _ = srv.request("GET", "/api/v1/session")
    R.check(st == 401, "anonymous: 401", st)


def test_accounts(srv, T, orgs, people):
    R.where = "accounts"
    A, Y = T["admin"], T["yuxi"]
    st, j, _ = srv.request("GET", "/api/v1/accounts?per_page=200", token=A)
    R.check(st == 200 and j["total"] >= 6 and j["page"] == 1 and j["per_page"] == 200, "list accounts", j)
    keys = {"id", "username", "role", "role_name", "region", "region_name", "org_id", "person_id", "disabled", "locked_until", "created_at"}
    R.check(all(keys <= set(x) for x in j.get("items", [])), "account fields", j.get("items", [])[:1])
    R.check(all("pw_hash" not in x and "password" not in x for x in j.get("items", [])), "no password hashes")
    st, j, _ = srv.request("GET", "/api/v1/accounts?per_page=200", token=Y)
    R.check(st == 200 and j["items"] and all(x["region"].startswith("5304") for x in j["items"]), "city admin sees its city's accounts only", j)
    R.check(not any(x["username"] in ("admin", "qilin") for x in j["items"]), "…not the platform's or another city's")
    st, j, _ = srv.request("GET", "/api/v1/accounts?role=county", token=A)
    R.check(st == 200 and j["items"] and all(x["role"] == "county" for x in j["items"]), "role filter")
    st, j, _ = srv.request("GET", "/api/v1/accounts?q=IL", token=A)
    R.check(st == 200 and [x["username"] for x in j["items"]] == ["qilin"], "q: username substring, any case", j)
    st, j, _ = srv.request("GET", "/api/v1/accounts?region=530300", token=A)
    R.check(st == 200 and [x["username"] for x in j["items"]] == ["qilin"], "region filter", j)
    st, j, _ = srv.request("GET", "/api/v1/accounts?role=boss", token=A)
    R.check(st == 422 and j["errors"][0]["field"] == "role", "bad role filter 422")
    for who in ("hongta", "pingjia", "worker"):
        st, j, _ = srv.request("GET", "/api/v1/accounts", token=T[who])
        R.check(st == 403, f"{who} cannot list accounts", st)

    # Create.
    st, j, _ = srv.request("POST", "/api/v1/accounts", {"username": "jiangchuan", "password": "Jc-pass-2026", "role": "county",
                                                       "region": "530403"}, Y)
    R.check(st == 201 and j["username"] == "jiangchuan" and j["region"] == "530403" and j["region_name"] == "江川区"
            and j["disabled"] is False and j["role_name"] == "县级经办员", "city admin creates a county clerk", j)
    jc_id = j.get("id")
    st, j2, _ = srv.request("POST", "/api/v1/session", {"username": "jiangchuan", "password": "Jc-pass-2026"})
    R.check(st == 201, "the new account signs in", j2)
    bad = [({"username": "jiangchuan", "password": "Another-pass-1", "role": "county", "region": "530403"}, "username", "taken", 409),
           ({"username": "weak1", "password": "12345678", "role": "county", "region": "530403"}, "password", "weak", 422),
           ({"username": "weak2", "password": "aaaaaaaaaa", "role": "county", "region": "530403"}, "password", "weak", 422),
           ({"username": "weak3", "password": "short", "role": "county", "region": "530403"}, "password", "too_short", 422),
           ({"username": "weak4", "password": "weak4", "role": "county", "region": "530403"}, "password", "too_short", 422),
           ({"username": "x y", "password": "Good-pass-1", "role": "county", "region": "530403"}, "username", "invalid", 422),
           ({"username": "boss1", "password": "Good-pass-1", "role": "boss", "region": "530403"}, "role", "invalid", 422),
           ({"username": "cty1", "password": "Good-pass-1", "role": "county", "region": "530400"}, "region", "not_county", 422),
           ({"username": "cty2", "password": "Good-pass-1", "role": "county"}, "region", "required", 422),
           ({"username": "cty3", "password": "Good-pass-1", "role": "county", "region": "530302"}, "region", "out_of_scope", 422),
           ({"username": "cty4", "password": "Good-pass-1", "role": "county", "region": "999999"}, "region", "unknown_region", 422),
           ({"username": "adm1", "password": "Good-pass-1", "role": "admin"}, "region", "required", 422),
           ({"username": "ev1", "password": "Good-pass-1", "role": "evaluator"}, "org_id", "required", 422),
           ({"username": "ev2", "password": "Good-pass-1", "role": "evaluator", "org_id": orgs["tr_yx"]}, "org_id", "wrong_kind", 422),
           ({"username": "ev3", "password": "Good-pass-1", "role": "evaluator", "org_id": orgs["ev_qj"]}, "org_id", "not_found", 422),
           ({"username": "ev4", "password": "Good-pass-1", "role": "evaluator", "org_id": "1"}, "org_id", "wrong_type", 422),
           ({"username": "wk1", "password": "Good-pass-1", "role": "worker", "person_id": people["ql1"]["id"]}, "person_id", "not_found", 422),
           ({"username": "wk2", "password": "Good-pass-1", "role": "worker"}, "person_id", "required", 422),
           ({"username": "wk3", "password": "Good-pass-1", "role": "county", "region": "530403", "person_id": people["ht1"]["id"]}, "person_id", "not_applicable", 422),
           ({"username": "extra", "password": "Good-pass-1", "role": "county", "region": "530403", "colour": "red"}, "colour", "unknown_field", 422)]
    for body, field, code, status in bad:
        st, j, _ = srv.request("POST", "/api/v1/accounts", body, Y)
        errs = {(e["field"], e["code"]) for e in j.get("errors", [])}
        R.check(st == status and (field, code) in errs and all(e["message"] for e in j.get("errors", [])),
                f"create refused: {field} {code}", (st, j))
    st, j, _ = srv.request("POST", "/api/v1/accounts", {"username": "", "password": 5, "role": "county"}, Y)
    R.check(st == 422 and {"username", "password"} <= {e["field"] for e in j.get("errors", [])}, "several bad fields at once", j)
    st, j, _ = srv.request("POST", "/api/v1/accounts", {"username": "ev-yx", "password": "Good-pass-1", "role": "evaluator",
                                                       "org_id": orgs["ev_yx"]}, Y)
    R.check(st == 201 and j["org_id"] == orgs["ev_yx"] and j["region"] == "530402", "organisation account takes the org's region", j)
    st, j, _ = srv.request("POST", "/api/v1/accounts", {"username": "wk-ht2", "password": "Good-pass-1", "role": "worker",
                                                       "person_id": people["ht2"]["id"]}, Y)
    R.check(st == 201 and j["person_id"] == people["ht2"]["id"], "worker account bound to a person in the city", j)
    st, j, _ = srv.request("POST", "/api/v1/accounts", {"username": "yuxi2", "password": "Good-pass-1", "role": "admin",
                                                       "region": "530400"}, Y)
    R.check(st == 201 and j["role"] == "admin", "city admin creates another admin of the city", j)
    st, j, _ = srv.request("POST", "/api/v1/accounts", {"username": "ev-qj", "password": "Good-pass-1", "role": "evaluator",
                                                       "org_id": orgs["ev_qj"]}, A)
    R.check(st == 201 and j["region"] == "530302", "platform admin binds any organisation", j)
    st, j, _ = srv.request("POST", "/api/v1/accounts", {"username": "padmin", "password": "Good-pass-1", "role": "admin"}, A)
    R.check(st == 201 and j["region"] == "", "platform admin creates a platform admin", j)
    st, j, _ = srv.request("GET", "/api/v1/audit?action=account.create&per_page=100", token=A)
    ents = [e for e in j.get("items", []) if e["subject"] == f"account:{jc_id}"]
    R.check(st == 200 and len(ents) == 1 and ents[0]["actor"] == "yuxi" and ents[0]["after"]["username"] == "jiangchuan", "account.create audited with the creator", ents)
    R.check("Jc-pass-2026" not in json.dumps(j) and "argon2" not in json.dumps(j) and "password" not in json.dumps(ents), "no password in the audit", ents)

    # Change: switch off, on; new password; scope.
    tok = login(srv, "jiangchuan", "Jc-pass-2026")
    st, j, _ = srv.request("PATCH", f"/api/v1/accounts/{jc_id}", {"disabled": True}, Y)
    R.check(st == 200 and j["disabled"] is True, "disable", j)
    st, j, _ = srv.request("GET", "/api/v1/persons", token=tok)
    R.check(st == 401, "disabling ends the account's sessions", st)
    st, j, _ = srv.request("POST", "/api/v1/session", {"username": "jiangchuan", "password": "Jc-pass-2026"})
    R.check(st == 403 and "停用" in j.get("detail", ""), "a disabled account cannot sign in (Chinese reason)", j)
    st, j, _ = srv.request("POST", "/api/v1/session", {"username": "jiangchuan", "password": "wrong-pass-1"})
    R.check(st == 401, "…and a wrong password still says only that", st)
    st, j, _ = srv.request("PATCH", f"/api/v1/accounts/{jc_id}", {"disabled": False, "password": "New-pass-2027"}, Y)
    R.check(st == 200 and j["disabled"] is False, "enable and set a new password", j)
    st, _, _ = srv.request("POST", "/api/v1/session", {"username": "jiangchuan", "password": "Jc-pass-2026"})
    R.check(st == 401, "old password refused", st)
    tok = login(srv, "jiangchuan", "New-pass-2027")
    st, _, _ = srv.request("GET", "/api/v1/persons", token=tok)
    R.check(st == 200, "new password works", st)
    st, j, _ = srv.request("PATCH", f"/api/v1/accounts/{jc_id}", {"password": "123456789"}, Y)
    R.check(st == 422 and j["errors"][0]["field"] == "password", "weak new password refused", j)
    st, j, _ = srv.request("PATCH", f"/api/v1/accounts/{jc_id}", {"disabled": "yes"}, Y)
    R.check(st == 422 and j["errors"][0]["field"] == "disabled", "disabled must be a boolean", j)
    st, j, _ = srv.request("PATCH", f"/api/v1/accounts/{jc_id}", {"role": "admin"}, Y)
    R.check(st == 422 and j["errors"][0]["code"] == "unknown_field", "only disabled and password change", j)
    st, j, _ = srv.request("GET", "/api/v1/accounts?q=qilin", token=A)
    qilin_id = j["items"][0]["id"]
    st, j, _ = srv.request("PATCH", f"/api/v1/accounts/{qilin_id}", {"disabled": True}, Y)
    R.check(st == 404, "city admin: another city's account is 404", st)
    st, j, _ = srv.request("GET", "/api/v1/session", token=Y)
    st, j2, _ = srv.request("GET", "/api/v1/accounts?q=yuxi", token=Y)
    me = [x for x in j2.get("items", []) if x["username"] == "yuxi"]
    st, j, _ = srv.request("PATCH", f"/api/v1/accounts/{me[0]['id'] if me else 0}", {"disabled": True}, Y)
    R.check(st == 422 and j["errors"][0]["code"] == "self", "cannot disable oneself", j)
    st, j, _ = srv.request("PATCH", f"/api/v1/accounts/{jc_id}", {"disabled": True}, T["hongta"])
    R.check(st == 403, "a clerk cannot manage accounts", st)
    st, j, _ = srv.request("GET", f"/api/v1/audit?subject=account:{jc_id}&action=account.update", token=A)
    R.check(st == 200 and len(j["items"]) == 2 and j["items"][0]["after"].get("password_changed") is True, "account.update audited", j)


def import_csv(n, bad_rows=(), region="530402", seq0=0):
    """n data rows; the rows in bad_rows (1-based data rows) carry errors."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["姓名", "身份证号", "所属地区", "手机号", "技能等级", "工作单位"])
    for i in range(1, n + 1):
        k = seq0 + i
        idn = make_id(region, f"19{60 + k % 40:02d}{1 + k % 12:02d}{1 + k % 28:02d}", k % 997)
        row = [f"导入{k}", idn, region, "139%08d" % k, str(1 + k % 8), "某厂"]
        if i == bad_rows[0] if bad_rows else False:
            row[1] = idn[:-1] + ("0" if idn[-1] != "0" else "1")
        if len(bad_rows) > 1 and i == bad_rows[1]:
            row[4] = "九级"
        w.writerow(row)
    return buf.getvalue().encode("utf-8-sig")


def poll(srv, tok, job_id, timeout=300):
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        st, j, _ = srv.request("GET", f"/api/v1/imports/{job_id}", token=tok)
        if st != 200:
            return st, j, seen
        seen.append((j["state"], j["rows_done"], j["rows_total"]))
        if j["state"] != "running":
            return st, j, seen
        time.sleep(0.05)
    return 0, None, seen


def test_imports(srv, T):
    R.where = "imports"
    A, C = T["admin"], T["hongta"]
    # The two-thousand-nine-hundred-ninety-eight good rows need unique ID numbers.
    data = import_csv(3000, bad_rows=(17, 2500), seq0=100000)
    ids = set(re.findall(rb"\d{17}[\dX]", data))
    R.check(len(ids) >= 2999, "fixture: unique ID numbers", len(ids))
    t0 = time.time()
    st, j, h = srv.request("POST", "/api/v1/imports/persons?async=1&name=%E5%90%8D%E5%86%8C.csv", data, C)
    took = time.time() - t0
    R.check(st == 202 and j["state"] == "running" and j["rows_done"] == 0 and j["rows_total"] == 3000 and j["report"] is None,
            "202 with a running job", (st, j))
    R.check(took < 2.0, "the request does not wait for the import", took)
    R.check(h.get("location") == f"/api/v1/imports/{j.get('id')}", "Location of the job", h.get("location"))
    job = j["id"]
    st, j, seen = poll(srv, C, job)
    R.check(st == 200 and j["state"] == "rejected", "all-or-nothing with bad rows: rejected", (st, j and j["state"]))
    rep = j["report"]
    R.check(rep["rows"] == 3000 and rep["rejected"] == 2 and not rep["committed"] and rep["created"] == 2998, "report: rows and counts", {k: rep[k] for k in rep if k != "errors"})
    R.check({(e["row"], e["column"]) for e in rep["errors"]} == {(18, "身份证号"), (2501, "技能等级")}, "report names rows (as Excel shows them) and columns", rep["errors"])
    R.check(j["rows_done"] == 3000 and j["rows_total"] == 3000 and j["rejects_rows"] == 2 and j["file_name"] == "名册.csv", "job fields", j)
    R.check(j["started_at"] and j["finished_at"] and j["finished_at"] >= j["started_at"], "start and end times", j)
    st, body, h = srv.request("GET", f"/api/v1/imports/{job}/rejects", token=C, raw=True)
    R.check(st == 200 and h["content-type"].startswith("text/csv") and body.startswith(b"\xef\xbb\xbf"), "rejects CSV with BOM", h)
    R.check("attachment" in h.get("content-disposition", "") and "filename*=UTF-8''%E5%90%8D%E5%86%8C_" in h.get("content-disposition", ""),
            "rejects file named after the upload", h.get("content-disposition"))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    R.check(rows and rows[0] == ["原行号", "姓名", "身份证号", "所属地区", "手机号", "技能等级", "工作单位", "错误原因"], "the file's header, 原行号 first, 错误原因 last", rows[:1])
    R.check(len(rows) == 3 and [r[0] for r in rows[1:]] == ["18", "2501"] and "校验码" in rows[1][-1] and "技能等级" in rows[2][-1], "one line per rejected row, with the reason", rows)
    # Fix the rows and import them again (the round trip a clerk makes).
    st, j, _ = srv.request("GET", "/api/v1/persons?region=530402&q=%E5%AF%BC%E5%85%A5", token=C)
    R.check(st == 200 and j["total"] == 0, "nothing written by the rejected import", j.get("total"))

    st, j, _ = srv.request("POST", "/api/v1/imports/persons?async=1&partial=1", data, C)
    st, j, seen = poll(srv, C, j["id"])
    rep = j["report"]
    R.check(j["state"] == "done" and rep["created"] == 2998 and rep["rejected"] == 2 and rep["committed"], "partial: done, 2,998 created", {k: rep[k] for k in rep if k != "errors"})
    R.check(j["file_name"] is None, "no name given: file_name null", j["file_name"])
    R.check(all(a <= b for a, b in zip([s[1] for s in seen], [s[1] for s in seen[1:]])), "rows_done only grows", seen[-5:])
    st, body, h = srv.request("GET", f"/api/v1/imports/{j['id']}/rejects", token=C, raw=True)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    R.check(st == 200 and len(rows) == 3 and "filename*=UTF-8''" in h.get("content-disposition", ""), "partial: rejects has the 2 rows", (st, rows[:3]))
    fixed = [r[1:-1] for r in rows[1:]]
    fixed[0][1] = make_id("530402", "19700101", 11)
    fixed[1][4] = "3"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([rows[0][1:-1]] + fixed)
    st, j2, _ = srv.request("POST", "/api/v1/imports/persons", buf.getvalue().encode(), C)
    R.check(st == 200 and j2["created"] == 2, "the corrected rejects import (synchronous form unchanged)", j2)
    partial_job = j["id"]
    for who in ("qilin", "yuxi"):
        st, j, _ = srv.request("GET", f"/api/v1/imports/{partial_job}", token=T[who])
        R.check(st == 404, f"{who}: another account's job is 404", st)
        st, j, _ = srv.request("GET", f"/api/v1/imports/{partial_job}/rejects", token=T[who])
        R.check(st == 404, f"{who}: another account's rejects are 404", st)
    st, j, _ = srv.request("GET", f"/api/v1/imports/{partial_job}", token=A)
    R.check(st == 200 and j["started_by"] == "hongta", "the platform admin sees every job", j)
    st, j, _ = srv.request("GET", "/api/v1/imports/99999", token=C)
    R.check(st == 404, "unknown job 404", st)
    good = import_csv(5, seq0=200000)
    st, j, _ = srv.request("POST", "/api/v1/imports/persons?async=1&dry_run=1", good, C)
    st, j, _ = poll(srv, C, j["id"])
    R.check(j["state"] == "done" and j["report"]["created"] == 5 and not j["report"]["committed"] and j["dry_run"], "async dry run", j)
    st, j2, _ = srv.request("GET", f"/api/v1/imports/{j['id']}/rejects", token=C)
    R.check(st == 404, "no rejected rows: rejects 404", st)
    st, j, _ = srv.request("POST", "/api/v1/imports/persons?async=1", b"\x80\x81garbage\xff", C)
    st, j, _ = poll(srv, C, j["id"])
    R.check(j["state"] == "rejected" and j["report"]["errors"], "an unreadable file: rejected with a report", j)
    st, j, _ = srv.request("POST", "/api/v1/imports/persons?async=1", b"", C)
    R.check(st == 400, "empty body 400", st)
    # The synchronous form answers as before: 422 with the report.
    st, j, _ = srv.request("POST", "/api/v1/imports/persons", import_csv(3, bad_rows=(2,), seq0=300000), C)
    R.check(st == 422 and j["report"]["rejected"] == 1, "synchronous import unchanged", j)
    # XLSX: rows_total unknown until done.
    st, body, _ = srv.request("GET", "/api/v1/persons?format=xlsx&region=530403", token=A, raw=True)
    st, j, _ = srv.request("POST", "/api/v1/imports/persons?async=1", body, A)
    R.check(st == 202 and j["rows_total"] is None, "XLSX: rows_total null while running", j)


def xlsx_rows(data):
    """The first sheet's rows (inline or shared strings)."""
    z = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        shared = [re.sub(r"<[^>]+>", "", m) for m in re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode(), re.S)]
    xml = z.read("xl/worksheets/sheet1.xml").decode()
    out = []
    for row in re.findall(r"<row[^>]*>(.*?)</row>", xml, re.S):
        cells = []
        for attrs, inner in re.findall(r"<c([^>]*)>(.*?)</c>", row, re.S):
            if 't="s"' in attrs:
                cells.append(shared[int(re.search(r"<v>(\d+)</v>", inner).group(1))])
            else:
                cells.append(re.sub(r"<[^>]+>", "", inner))
        out.append([c.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"') for c in cells])
    return out


def test_stats(srv, T, people):
    R.where = "stats"
    A, Y, C = T["admin"], T["yuxi"], T["hongta"]
    st, all_, _ = srv.request("GET", "/api/v1/persons?per_page=1", token=A)
    st, j, _ = srv.request("GET", "/api/v1/stats/overview", token=A)
    R.check(st == 200 and j["region"] is None and j["total_workers"] > 3000, "platform overview", j)
    keys = {"region", "region_name", "total_workers", "skilled", "high_skilled", "high_share_of_skilled", "employed",
            "skilled_share_of_employed", "by_level", "by_region", "by_occupation"}
    R.check(keys <= set(j), "overview fields", set(j))
    R.check([x["level"] for x in j["by_level"]] == list(range(9)) and sum(x["count"] for x in j["by_level"]) == j["total_workers"], "by_level 0..8 sums to the total", j["by_level"])
    R.check(j["by_level"][3]["level_name"] == "中级工", "level names", j["by_level"][3])
    R.check(j["skilled"] == sum(x["count"] for x in j["by_level"][2:]) and j["high_skilled"] == sum(x["count"] for x in j["by_level"][4:]), "skilled ≥ 2, high ≥ 4")
    R.check([x["region"] for x in j["by_region"]][:3] == ["530300", "530400", "532500"] and sum(x["count"] for x in j["by_region"]) == j["total_workers"], "the three prefectures", j["by_region"])
    R.check(abs(j["high_share_of_skilled"] - j["high_skilled"] / j["skilled"]) < 1e-9, "high share of skilled")
    R.check(j["employed"] is None and j["skilled_share_of_employed"] is None, "no baseline yet: null", j["employed"])
    R.check(j["by_occupation"] and j["by_occupation"][0]["code"] == "6-18-02-04" and j["by_occupation"][0]["name"] == "焊工", "top occupations with names", j["by_occupation"][:2])
    st, j, _ = srv.request("GET", "/api/v1/stats/overview?region=530400", token=Y)
    counties = [x["region"] for x in j.get("by_region", [])]
    R.check(st == 200 and j["region"] == "530400" and j["region_name"] == "玉溪市" and len(counties) == 9 and "530402" in counties, "a city: one row per county", counties)
    R.check(any(x["count"] == 0 for x in j["by_region"]), "zero rows included", j["by_region"])
    st, j2, _ = srv.request("GET", "/api/v1/stats/overview", token=Y)
    R.check(st == 200 and j2["region"] == "530400" and j2["total_workers"] == j["total_workers"], "city admin: own city by default")
    st, j, _ = srv.request("GET", "/api/v1/stats/overview", token=C)
    R.check(st == 200 and j["region"] == "530402" and j["by_region"] == [], "county: own county, no children", j.get("region"))
    ht = j
    st, jp, _ = srv.request("GET", "/api/v1/persons?region=530402&level_min=2&per_page=1", token=C)
    R.check(jp["total"] == min(ht["skilled"], 1000), "skilled count agrees with the person search", (jp["total"], ht["skilled"]))
    for tok, reg in [(C, "530400"), (C, "530302"), (Y, "530300"), (Y, "530000")]:
        st, j, _ = srv.request("GET", f"/api/v1/stats/overview?region={reg}", token=tok)
        R.check(st == 403, f"out of scope region {reg} → 403", st)
    st, j, _ = srv.request("GET", "/api/v1/stats/overview?region=5304", token=A)
    R.check(st == 422, "malformed region 422", st)
    st, j, _ = srv.request("GET", "/api/v1/stats/overview?region=530000", token=A)
    R.check(st == 200 and len(j["by_region"]) >= 16, "province: its prefectures", len(j.get("by_region", [])))
    for who in ("pingjia", "worker"):
        st, j, _ = srv.request("GET", "/api/v1/stats/overview", token=T[who])
        R.check(st == 403, f"{who} has no dashboard", st)

    # Drill-down by one level.
    st, j, _ = srv.request("GET", "/api/v1/persons?level_min=3&level_max=3&per_page=200", token=A)
    R.check(st == 200 and j["items"] and all(x["level"] == 3 for x in j["items"]), "level_min = level_max", j.get("total"))
    st, j, _ = srv.request("GET", "/api/v1/persons?level_max=0&per_page=200", token=A)
    R.check(st == 200 and all(x["level"] == 0 for x in j["items"]), "level_max=0: no level")
    st, j, _ = srv.request("GET", "/api/v1/persons?level_min=5&level_max=3", token=A)
    R.check(st == 422 and j["errors"][0]["field"] == "level_max", "level_max below level_min 422", j)

    # Before any baseline: the employed share cannot be computed.
    st, j, _ = srv.request("GET", "/api/v1/targets?region=530400", token=A)
    t = [x for x in j.get("items", []) if x["metric"] == "技能人才占就业人员比例"]
    R.check(t and t[0]["actual"] is None and t[0]["actual_note"] == "尚未录入就业人员数", "no baseline: null with a note", t)

    # The employed baseline.
    st, j, _ = srv.request("PUT", "/api/v1/stats/employed", {"region": "530400", "year": 2024, "count": 1350000, "source": "玉溪统计年鉴2024"}, Y)
    R.check(st == 200 and j["region_name"] == "玉溪市" and j["updated_by"] == "yuxi" and j["count"] == 1350000, "PUT baseline", j)
    st, j, _ = srv.request("PUT", "/api/v1/stats/employed", {"region": "530400", "year": 2025, "count": 1400000, "source": "玉溪统计年鉴2025"}, Y)
    st, j, _ = srv.request("PUT", "/api/v1/stats/employed", {"region": "530400", "year": 2025, "count": 1410000, "source": "玉溪统计年鉴2025（修订）"}, Y)
    R.check(st == 200 and j["count"] == 1410000, "PUT again replaces the year's figure", j)
    st, j, _ = srv.request("GET", "/api/v1/stats/employed?region=530400", token=Y)
    R.check(st == 200 and [(x["year"], x["count"]) for x in j["items"]] == [(2025, 1410000), (2024, 1350000)], "GET baseline", j)
    for body, field in [({"region": "530302", "year": 2025, "count": 1, "source": "x"}, "region"),
                        ({"region": "530400", "year": 1800, "count": 1, "source": "x"}, "year"),
                        ({"region": "530400", "year": 2025, "count": -5, "source": "x"}, "count"),
                        ({"region": "530400", "year": 2025, "count": 5}, "source"),
                        ({"region": "530400", "year": "twenty", "count": 5, "source": "x"}, "year")]:
        st, j, _ = srv.request("PUT", "/api/v1/stats/employed", body, Y)
        R.check(st == 422 and field in {e["field"] for e in j.get("errors", [])}, f"PUT refused: {field}", (st, j))
    st, j, _ = srv.request("PUT", "/api/v1/stats/employed", {"region": "530402", "year": 2025, "count": 5, "source": "x"}, C)
    R.check(st == 403, "a clerk cannot enter the baseline", st)
    st, j, _ = srv.request("GET", "/api/v1/stats/employed", token=C)
    R.check(st == 200 and j["items"] == [], "a clerk sees the baselines of the county only", j)
    st, j, _ = srv.request("GET", "/api/v1/stats/overview?region=530400", token=Y)
    R.check(j["employed"] == {"count": 1410000, "year": 2025, "source": "玉溪统计年鉴2025（修订）"}, "overview: the newest year", j["employed"])
    R.check(abs(j["skilled_share_of_employed"] - j["skilled"] / 1410000) < 1e-12, "skilled share of employed", j["skilled_share_of_employed"])
    st, j, _ = srv.request("GET", "/api/v1/audit?action=employed.&per_page=10", token=A)
    R.check(st == 200 and len(j["items"]) == 3 and j["items"][0]["before"]["count"] == 1400000, "baseline changes audited with before/after", j)

    # Targets.
    st, j, _ = srv.request("GET", "/api/v1/targets", token=A)
    items = j.get("items", [])
    R.check(st == 200 and len(items) == 76, "every target", len(items))
    keys = {"id", "region", "region_name", "seed", "item", "programme", "metric", "unit", "target", "by", "actual", "actual_note", "drill"}
    R.check(all(keys <= set(x) for x in items), "target fields", items[:1])
    by = {(x["region"], x["metric"]): x for x in items}
    st, yx, _ = srv.request("GET", "/api/v1/stats/overview?region=530400", token=A)
    st, qj, _ = srv.request("GET", "/api/v1/stats/overview?region=530300", token=A)
    st, hh, _ = srv.request("GET", "/api/v1/stats/overview?region=532500", token=A)
    t = by[("530300", "技能人才总量")]
    R.check(t["actual"] == qj["skilled"] and t["target"] == 600000 and t["by"] == "2025" and t["drill"] == "region=530300&level_min=2", "技能人才总量", t)
    t = by[("532500", "高技能人才总量")]
    R.check(t["actual"] == hh["high_skilled"] and t["drill"] == "region=532500&level_min=4", "高技能人才总量", t)
    st, jd, _ = srv.request("GET", "/api/v1/persons?" + t["drill"], token=A)
    R.check(jd["total"] == t["actual"], "drill lists the records behind the figure", (jd.get("total"), t["actual"]))
    t = by[("530400", "高技能人才占技能人才比例")]
    R.check(t["actual"] == round(100 * yx["high_skilled"] / yx["skilled"], 1) and t["unit"] == "percent", "高技能人才占技能人才比例 (percent, one decimal)", t)
    t = by[("530400", "技能人才占就业人员比例")]
    R.check(t["actual"] == round(100 * yx["skilled"] / 1410000, 1) and t["actual_note"] is None, "技能人才占就业人员比例 with the baseline", t)
    t = by[("532500", "推荐社会培训评价组织")]
    R.check(t["actual"] == 1 and t.get("drill_orgs") == "kind=evaluator&region=532500", "evaluation bodies counted", t)
    t = by[("530300", "市级公共实训基地")]
    R.check(t["actual"] is None and t["actual_note"] == "待竞赛、基地等模块上线后统计" and t["drill"] is None, "not yet countable", t)
    st, j, _ = srv.request("GET", "/api/v1/targets?region=530400", token=A)
    R.check(st == 200 and j["items"] and all(x["region"] == "530400" for x in j["items"]), "targets of one region")
    st, j, _ = srv.request("GET", "/api/v1/targets", token=C)
    regs = {x["region"] for x in j.get("items", [])}
    R.check(st == 200 and regs == {"530400"}, "a clerk sees the city's targets", regs)
    t = [x for x in j["items"] if x["metric"] == "技能人才占就业人员比例"][0]
    R.check(t["actual"] is None and t["actual_note"], "…but no figures beyond the county", t)
    st, j, _ = srv.request("GET", "/api/v1/targets", token=T["qilin"])
    regs = {x["region"] for x in j.get("items", [])}
    R.check(st == 200 and regs == {"530300"}, "another clerk: that city's targets", regs)


def test_exports(srv, T):
    R.where = "exports"
    A, Y, C = T["admin"], T["yuxi"], T["hongta"]
    st, jl, _ = srv.request("GET", "/api/v1/persons?region=530402&level_min=7&per_page=1", token=C)
    st, body, h = srv.request("GET", "/api/v1/persons?region=530402&level_min=7&format=xlsx&page=3&per_page=5", token=C, raw=True)
    R.check(st == 200 and h["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "persons xlsx", (st, h))
    cd = h.get("content-disposition", "")
    R.check(cd.startswith("attachment;") and re.search(r"filename\*=UTF-8''%E5%8A%B3%E5%8A%A8%E8%80%85_20\d{6}\.xlsx", cd), "Chinese file name 劳动者_YYYYMMDD.xlsx", cd)
    rows = xlsx_rows(body) if st == 200 else []
    R.check(rows and rows[0][:3] == ["编号", "姓名", "身份证号（脱敏）"], "Chinese headers", rows[:1])
    R.check(len(rows) - 1 == jl["total"] and jl["total"] > 5, "the whole filtered list, not a page", (len(rows) - 1, jl["total"]))
    R.check(all("*" in r[2] and len(r[2]) == 18 for r in rows[1:]), "ID numbers masked", rows[1:3])
    R.check(all(("****" in r[5]) or r[5] == "" for r in rows[1:]), "phones masked", rows[1:3])
    R.check(all(len(r[4]) == 4 for r in rows[1:]), "birth year only", rows[1:3])
    st, j, _ = srv.request("GET", "/api/v1/audit?action=export.persons&per_page=5", token=A)
    e = j["items"][0] if j.get("items") else {}
    R.check(e.get("actor") == "hongta" and e["after"]["rows"] == jl["total"] and e["after"]["filter"] == {"region": "530402", "level_min": "7"} and e["after"]["format"] == "xlsx",
            "export audited with filter and row count", e)
    st, body, h = srv.request("GET", "/api/v1/persons?region=530302&format=csv", token=C, raw=True)
    R.check(st == 200 and body.count(b"\r\n") == 1 and body.startswith(b"\xef\xbb\xbf"), "a county exports nothing outside it (header only)", body[:200])
    st, body, h = srv.request("GET", "/api/v1/persons?format=csv&q=%E6%B5%8B%E8%AF%95", token=A, raw=True)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    R.check(st == 200 and h["content-type"].startswith("text/csv") and len(rows) == 7 and rows[0][1] == "姓名", "persons csv with BOM, q filter", rows[:2])
    st, body, h = srv.request("GET", "/api/v1/orgs?format=csv&kind=evaluator", token=A, raw=True)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    R.check(st == 200 and len(rows) == 4 and rows[0][:3] == ["编号", "统一社会信用代码", "名称"] and all(r[3] == "评价机构" for r in rows[1:]), "orgs csv", rows)
    R.check("%E6%9C%BA%E6%9E%84_" in h.get("content-disposition", ""), "机构_ file name", h.get("content-disposition"))
    st, body, h = srv.request("GET", "/api/v1/orgs?format=xlsx", token=Y, raw=True)
    rows = xlsx_rows(body)
    R.check(st == 200 and len(rows) == 4 and all(r[4].startswith("5304") for r in rows[1:]), "orgs xlsx scoped to the city", rows)
    st, body, h = srv.request("GET", "/api/v1/accounts?format=xlsx", token=Y, raw=True)
    rows = xlsx_rows(body)
    R.check(st == 200 and rows[0][:3] == ["编号", "用户名", "角色"] and all(r[3].startswith("5304") for r in rows[1:]) and len(rows) > 3, "accounts xlsx", rows[:3])
    R.check("argon2" not in body.decode(errors="replace"), "no hashes in the accounts export")
    st, body, h = srv.request("GET", "/api/v1/audit?format=csv&action=account.", token=A, raw=True)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    R.check(st == 200 and len(rows) > 5 and all(r[3].startswith("account.") for r in rows[1:]), "audit csv with the action filter", rows[:2])
    st, body, h = srv.request("GET", "/api/v1/targets?format=xlsx", token=A, raw=True)
    rows = xlsx_rows(body)
    R.check(st == 200 and len(rows) == 77 and rows[0][5] == "指标", "targets xlsx", rows[:2])
    R.check("%E8%A7%84%E5%88%92%E7%9B%AE%E6%A0%87_" in h.get("content-disposition", ""), "规划目标_ file name", h.get("content-disposition"))
    st, j, _ = srv.request("GET", "/api/v1/persons?format=pdf", token=A)
    R.check(st == 422 and j["errors"][0]["field"] == "format", "unknown format 422", j)
    st, j, _ = srv.request("GET", "/api/v1/audit?action=export.&per_page=100", token=A)
    acts = {e["action"] for e in j.get("items", [])}
    R.check({"export.persons", "export.orgs", "export.accounts", "export.audit", "export.targets"} <= acts, "every export audited", acts)
    st, j, _ = srv.request("GET", "/api/v1/persons?format=xlsx", token=T["pingjia"])
    R.check(st == 403, "roles apply to exports", st)


def test_export_limit(binary, db, T):
    R.where = "export limit"
    srv = WebServer(binary, db, ["--web", "none"], env={"JINENG_EXPORT_MAX_ROWS": "100"}).start()
    try:
        tok = login(srv, "admin")
        st, j, h = srv.request("GET", "/api/v1/persons?format=xlsx", token=tok)
        R.check(st == 413 and h["content-type"].startswith("application/problem+json") and "缩小" in j.get("detail", ""), "over the limit: 413 asking to narrow the filter", (st, j))
        st, body, h = srv.request("GET", "/api/v1/persons?format=csv&region=530403", token=tok, raw=True)
        R.check(st == 200, "under the limit: served", st)
    finally:
        clean(srv.stop())


def test_audit(srv, T):
    R.where = "audit"
    A = T["admin"]
    st, j, _ = srv.request("GET", "/api/v1/audit?per_page=10&page=2", token=A)
    R.check(st == 200 and j["page"] == 2 and j["per_page"] == 10 and len(j["items"]) == 10 and j["total"] > 20, "total, page, per_page", {k: j[k] for k in j if k != "items"})
    st, j1, _ = srv.request("GET", "/api/v1/audit?per_page=10&page=1", token=A)
    R.check(j1["items"][-1]["seq"] > j["items"][0]["seq"], "pages follow one another")
    st, j, _ = srv.request("GET", "/api/v1/audit?action=session.&actor=hongta&per_page=500", token=A)
    R.check(st == 200 and j["items"] and all(e["action"].startswith("session.") and e["actor"] == "hongta" for e in j["items"]) and j["total"] == len(j["items"]), "action prefix and actor", j.get("total"))
    st, j, _ = srv.request("GET", "/api/v1/audit?from=2999-01-01", token=A)
    R.check(st == 200 and j["items"] == [] and j["total"] == 0, "from in the future: none")
    st, j, _ = srv.request("GET", "/api/v1/audit?to=2000-01-01&format=csv", token=A, raw=True)
    R.check(st == 200, "export of an empty selection", st)


def test_openapi(srv, T):
    R.where = "openapi"
    st, doc, _ = srv.request("GET", "/api/v1/openapi.json")
    p = doc["paths"]
    want = [("get", "/api/v1/session", None), ("get", "/api/v1/accounts", ["admin"]), ("post", "/api/v1/accounts", ["admin"]),
            ("patch", "/api/v1/accounts/{id}", ["admin"]), ("get", "/api/v1/imports/{id}", ["admin", "county"]),
            ("get", "/api/v1/imports/{id}/rejects", ["admin", "county"]), ("get", "/api/v1/stats/overview", ["admin", "county"]),
            ("put", "/api/v1/stats/employed", ["admin"]), ("get", "/api/v1/stats/employed", ["admin", "county"]),
            ("get", "/api/v1/targets", ["admin", "county"])]
    for m, path, roles in want:
        op = p.get(path, {}).get(m)
        R.check(op and op["summary"] and (roles is None or op["x-roles"] == roles), f"{m.upper()} {path} documented", op)
    q = {x["name"] for x in p["/api/v1/persons"]["get"].get("parameters", [])}
    R.check({"level_max", "format"} <= q, "persons: level_max, format documented", q)
    q = {x["name"] for x in p["/api/v1/audit"]["get"].get("parameters", [])}
    R.check({"action", "actor", "subject", "from", "to", "format"} <= q, "audit filters documented", q)
    R.check({"AccountInput", "AccountPatch", "EmployedInput"} <= set(doc["components"]["schemas"]), "body schemas")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--db", required=True, help="sqlite:PATH or postgresql://… (empty database)")
    ap.add_argument("--db2")
    ap.add_argument("--db3")
    a = ap.parse_args()
    srv = WebServer(a.bin, a.db, ["--web", "none"])
    try:
        T, orgs, people = setup(srv)
        test_session(srv, T)
        test_accounts(srv, T, orgs, people)
        test_imports(srv, T)
        test_stats(srv, T, people)
        test_exports(srv, T)
        test_audit(srv, T)
        test_openapi(srv, T)
        err = srv.stop()
        R.check("ERROR" not in err and "runtime error" not in err, "server stderr clean", err[-6000:])
        test_export_limit(a.bin, a.db, T)
        test_web(a.bin, a.db, PW)
        r = srv.cli("audit", "verify", "--db", a.db)
        R.check(r.returncode == 0, "audit chain verifies", r.stdout.decode() + r.stderr.decode())
    except Exception:  # a crash of the harness is a failure, not a pass
        import traceback
        traceback.print_exc()
        R.failed += 1
    finally:
        srv.stop()
    engine = "postgresql" if a.db.startswith("postgres") else "sqlite"
    print(f"web-api[{engine}]: {R.passed} passed, {R.failed} failed")
    sys.exit(1 if R.failed else 0)


if __name__ == "__main__":
    main()
