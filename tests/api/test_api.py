#!/usr/bin/env python3
"""test_api.py — the API and CLI suite, run against a real server for one
engine:  test_api.py --bin build/jineng --db sqlite:/tmp/x.db | postgresql://…

Cases are grouped by what a user relies on; the route × role walk is
generated from the OpenAPI document, which is generated from the route table."""
import argparse
import csv
import io
import json
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import Result, Server, make_id, make_uscc, tmpdir  # noqa: E402

R = Result()
PW = "correct-horse-9"


def login(srv, user, pw=PW):
    st, j, _ = srv.request("POST", "/api/v1/session", {"username": user, "password": pw})
    assert st == 201, (user, st, j)
    return j["token"]


def setup(srv):
    """Accounts for every role, organisations and people in two counties."""
    R.where = "setup"
    r = srv.cli("init", "--db", srv.db)
    R.check(r.returncode == 0, "init", r.stderr.decode())
    r = srv.cli("init", "--db", srv.db)
    R.check(r.returncode == 0 and "本次升级 0 步" in r.stdout.decode(), "init twice changes nothing", r.stdout.decode())
    r = srv.cli("user", "add", "--db", srv.db, "--username", "admin", "--role", "admin", stdin=(PW + "\n").encode())
    R.check(r.returncode == 0, "user add admin", r.stderr.decode())
    srv.start()
    T = {"admin": login(srv, "admin")}
    orgs = {}
    for i, (kind, region) in enumerate([("employer", "530402"), ("trainer", "530402"), ("evaluator", "530302"),
                                        ("school", "532502"), ("employer", "530302")]):
        st, j, _ = srv.request("POST", "/api/v1/orgs", {"uscc": make_uscc(region, f"MA{i:07d}"), "name": f"测试机构{i}",
                                                       "kind": kind, "region": region}, T["admin"])
        R.check(st == 201, "create org", j)
        orgs[i] = j["id"]
    people = {}
    for key, region, ymd, seq, name in [("ht1", "530402", "19850312", 101, "张三"), ("ht2", "530402", "19900101", 202, "李四"),
                                        ("ql1", "530302", "19780615", 303, "王五"), ("hh1", "532501", "19950909", 404, "赵六")]:
        st, j, _ = srv.request("POST", "/api/v1/persons", {"id_number": make_id(region, ymd, seq), "name": name,
                                                          "region": region, "phone": "13812345678",
                                                          "occupation": "6-18-02-04", "level": "中级工"}, T["admin"])
        R.check(st == 201, "create person " + key, j)
        people[key] = j
    users = [("hongta", "county", ["--region", "530402"]), ("qilin", "county", ["--region", "530302"]),
             ("qiye", "employer", ["--org", str(orgs[0])]), ("peixun", "trainer", ["--org", str(orgs[1])]),
             ("pingjia", "evaluator", ["--org", str(orgs[2])]),
             ("worker", "worker", ["--person", people["ht1"]["id_number"]]),
             ("victim", "county", ["--region", "530402"]), ("yuxi", "admin", ["--region", "530400"])]
    for u, role, extra in users:
        r = srv.cli("user", "add", "--db", srv.db, "--username", u, "--role", role, *extra, stdin=(PW + "\n").encode())
        R.check(r.returncode == 0, "user add " + u, r.stderr.decode())
        if u == "yuxi":
            T["cityadmin"] = login(srv, u)
        elif u != "victim":
            T[role if role != "county" or u == "hongta" else "county2"] = login(srv, u)
    return T, orgs, people


def test_cli(srv):
    R.where = "cli"
    r = srv.cli("check", "id", "11010519491231002X")
    R.check(r.returncode == 0 and "1949-12-31" in r.stdout.decode(), "check id valid")
    for bad, word in [("110105194912310021", "校验码应为X"), ("1101051949123100", "位"), ("11010519491331002X", "日期"),
                      ("99010519491231002X", "地址码"), ("11010520991231002X", ""), ("11010519491231A02X", "字符")]:
        r = srv.cli("check", "id", bad)
        R.check(r.returncode == 1 and word in r.stdout.decode(), "check id rejects " + bad, r.stdout.decode())
    r = srv.cli("check", "id", "530421700101001")  # 15 digits, historical 江川县
    R.check(r.returncode == 0 and "530421197001010" in r.stdout.decode(), "check id 15-digit", r.stdout.decode())
    r = srv.cli("check", "uscc", "91110000600037341L")
    R.check(r.returncode == 0, "check uscc valid")
    r = srv.cli("check", "uscc", "91110000600037341M")
    R.check(r.returncode == 1 and "L" in r.stdout.decode(), "check uscc names expected", r.stdout.decode())
    r = srv.cli("check", "uscc", "91110000600O37341L")
    R.check(r.returncode == 1, "check uscc bad char")
    for args in [["frobnicate"], ["check"], ["check", "id"], ["import", "persons"], ["serve", "--bogus"], ["export", "orgs"]]:
        r = srv.cli(*args)
        R.check(r.returncode == 2, "usage error exits 2: " + " ".join(args), r.returncode)
    for cmd in ["serve", "init", "user", "import", "export", "check", "audit"]:
        r = srv.cli(cmd, "--help")
        R.check(r.returncode == 0 and "用法" in r.stdout.decode(), cmd + " --help")
    r = srv.cli("user", "add", "--db", srv.db, "--username", "x y", "--role", "boss", stdin=b"short\n")
    R.check(r.returncode == 1 and "role" in r.stderr.decode(), "user add rejected exits 1", r.stderr.decode())


def test_catalogs(srv):
    R.where = "catalogs"
    st, j, _ = srv.request("GET", "/health")
    R.check(st == 200 and j["status"] == "ok", "health")
    st, j, _ = srv.request("GET", "/api/v1/regions?parent=530400")
    R.check(st == 200 and any(x["code"] == "530402" and x["name"] == "红塔区" for x in j["items"]), "regions under 玉溪")
    R.check(all(x["current"] for x in j["items"]), "historical codes hidden by default")
    st, j, _ = srv.request("GET", "/api/v1/regions?parent=530400&include_historical=1")
    R.check(any(x["code"] == "530421" and not x["current"] for x in j["items"]), "historical 江川县 listed on request")
    st, j, _ = srv.request("GET", "/api/v1/occupations?q=%E7%84%8A%E5%B7%A5")  # 焊工
    R.check(st == 200 and any(x["code"] == "6-18-02-04" for x in j["items"]), "occupations q=焊工")
    st, j, _ = srv.request("GET", "/api/v1/occupations?q=6-18-02")
    R.check(st == 200 and j["items"] and all(x["code"].startswith("6-18-02") for x in j["items"]), "occupations by code prefix")
    st, j, _ = srv.request("GET", "/api/v1/occupations?limit=9999")
    R.check(st == 422 and j["errors"][0]["field"] == "limit", "occupations limit out of range")
    st, j, _ = srv.request("GET", "/api/v1/levels")
    R.check(st == 200 and [x["name"] for x in j["items"]] == ["学徒工", "初级工", "中级工", "高级工", "技师", "高级技师", "特级技师", "首席技师"], "eight levels")
    R.check(j["items"][2]["national_level"] == "四级" and j["items"][2]["certificate_digit"] == 4, "中级工 = 四级")


def test_sessions(srv):
    R.where = "sessions"
    st, j, _ = srv.request("POST", "/api/v1/session", {"username": "admin", "password": "wrong"})
    R.check(st == 401 and j["code"] == "unauthorized", "wrong password 401")
    st, j, _ = srv.request("POST", "/api/v1/session", {"username": "nobody", "password": "x"})
    R.check(st == 401, "unknown user 401")
    statuses = []
    for _ in range(7):
        st, j, h = srv.request("POST", "/api/v1/session", {"username": "victim", "password": "nope"})
        statuses.append(st)
    R.check(statuses[-1] == 429 and "retry-after" in h, "repeated failures slowed down", statuses)
    st, j, _ = srv.request("POST", "/api/v1/session", {"username": "victim", "password": PW})
    R.check(st == 429, "even the right password waits while locked")
    tok = login(srv, "admin")
    st, _, _ = srv.request("GET", "/api/v1/persons", token=tok)
    R.check(st == 200, "fresh token works")
    st, _, _ = srv.request("DELETE", "/api/v1/session", token=tok)
    R.check(st == 204, "logout 204")
    st, j, _ = srv.request("GET", "/api/v1/persons", token=tok)
    R.check(st == 401, "revoked token refused")
    st, j, _ = srv.request("GET", "/api/v1/persons", token="f" * 64)
    R.check(st == 401, "forged token refused")


def test_persons(srv, T, people):
    R.where = "persons"
    A = T["admin"]
    idn = make_id("530423", "19880808", 111)
    st, j, _ = srv.request("POST", "/api/v1/persons", {"id_number": idn, "name": "\u3000孙  七\u3000", "region": "通海县",
                                                      "phone": "+86 139-1234-5678", "level": 3}, A)
    R.check(st == 201, "create with region name and phone forms", j)
    if st == 201:
        R.check(j["gender"] == "M" and j["birth_date"] == "1988-08-08", "gender and birth date derived", j)
        R.check(j["region"] == "530423" and j["phone"] == "13912345678" and j["level_name"] == "中级工", "normalised", j)
        R.check(j["name"] in ("孙七", "孙 七"), "name trimmed", j["name"])
    st, j, _ = srv.request("POST", "/api/v1/persons", {"id_number": idn, "name": "孙七", "region": "530423"}, A)
    R.check(st == 409 and j["code"] == "conflict" and j["errors"][0]["field"] == "id_number", "duplicate ID 409", j)
    st, j, _ = srv.request("POST", "/api/v1/persons", {"id_number": idn[:-1] + ("0" if idn[-1] != "0" else "1"),
                                                      "name": "x", "region": "530423"}, A)
    R.check(st == 422 and j["errors"][0]["code"] == "id_check_mismatch" and "校验码应为" in j["errors"][0]["message"], "bad check char", j)
    old15 = "530421" + "750203" + "123"
    st, j, _ = srv.request("POST", "/api/v1/persons", {"id_number": old15, "name": "周八", "region": "530403"}, A)
    R.check(st == 201 and len(j.get("id_number", "")) == 18 and j["id_number"].startswith("53042119750203123"), "15-digit converted; historical address code valid", j)
    st, j, _ = srv.request("POST", "/api/v1/persons", {"id_number": make_id("530402", "19900101", 555), "name": "吴九", "region": "530421"}, A)
    R.check(st == 422 and j["errors"][0]["code"] == "region_historical", "historical region refused as residence", j)
    st, j, _ = srv.request("POST", "/api/v1/persons", {"id_number": make_id("530402", "19900101", 557), "name": "吴九",
                                                      "region": "530402", "gender": "女"}, A)
    R.check(st == 422 and j["errors"][0]["field"] == "gender" and j["errors"][0]["code"] == "mismatch", "typed gender must agree", j)
    bad = {"id_number": "12", "name": "", "region": "999999", "phone": "12345", "occupation": "不存在的职业", "level": "九级", "color": "red"}
    st, j, _ = srv.request("POST", "/api/v1/persons", bad, A)
    fields = {e["field"] for e in j.get("errors", [])}
    R.check(st == 422 and {"id_number", "name", "region", "phone", "occupation", "level", "color"} <= fields, "every bad field named", j)
    R.check(all(e["message"] and e["code"] for e in j.get("errors", [])), "each with code and Chinese message")
    st, j, _ = srv.request("POST", "/api/v1/persons", {"id_number": ["x"], "name": 5, "region": {}}, A)
    R.check(st == 422 and any(e["code"] == "wrong_type" for e in j["errors"]), "wrong types 422", j)
    st, j, _ = srv.request("POST", "/api/v1/persons", {"id_number": make_id("530402", "19900101", 559), "name": "长" * 40, "region": "530402"}, A)
    R.check(st == 422 and j["errors"][0]["field"] == "name", "over-long name", j)
    st, j, _ = srv.request("POST", "/api/v1/persons", '{"name": "x",', A)
    R.check(st == 400 and j["code"] == "malformed_json", "malformed JSON 400")
    st, j, _ = srv.request("POST", "/api/v1/persons", b'{"name": "\xff\xfe", "id_number": "1"}', A)
    R.check(st == 400, "invalid UTF-8 400", j)
    st, j, _ = srv.request("POST", "/api/v1/persons", "[1,2]", A)
    R.check(st == 400, "non-object JSON 400")
    st, j, _ = srv.request("POST", "/api/v1/persons", "", A)
    R.check(st == 400, "empty body 400")
    st, j, _ = srv.request("POST", "/api/v1/persons", {"name": "x" * 20000}, A)
    R.check(st == 413 and j["code"] == "too_large", "body over limit 413", st)
    st, j, _ = srv.request("POST", "/api/v1/persons", '{"id_number": "1", "id_number": "2"}', A)
    R.check(st == 400, "duplicate keys 400")
    st, j, _ = srv.request("GET", "/api/v1/persons?level_min=abc", token=A)
    R.check(st == 422 and j["errors"][0]["field"] == "level_min", "bad query param 422")
    st, j, _ = srv.request("GET", "/api/v1/persons?q=%FF%FE", token=A)
    R.check(st == 400, "invalid UTF-8 query 400")
    st, j, _ = srv.request("GET", "/api/v1/persons/abc", token=A)
    R.check(st == 404, "non-numeric id 404")
    st, j, _ = srv.request("GET", "/api/v1/persons/99999999", token=A)
    R.check(st == 404, "missing id 404")

    # Search: masked, filtered.
    st, j, _ = srv.request("GET", "/api/v1/persons?per_page=200", token=A)
    R.check(st == 200 and j["total"] >= 5, "list all", j.get("total"))
    R.check(all("*" in x["id_number"] and x["masked"] for x in j["items"]), "ID numbers masked in lists")
    R.check(all(x["phone"] == "" or "****" in x["phone"] for x in j["items"]), "phones masked in lists")
    R.check(any(x["id_number"].startswith("530402") and x["id_number"].endswith(people["ht1"]["id_number"][-4:]) for x in j["items"]), "mask keeps first 6 and last 4")
    R.check(all(x["birth_date"] is None and x["birth_year"] > 1900 for x in j["items"]), "masked rows give the birth year only (the mask hides the date)")
    st, j, _ = srv.request("GET", "/api/v1/persons?per_page=200", token=T["cityadmin"])
    R.check(st == 200 and j["items"] and all(x["region"].startswith("5304") for x in j["items"]), "city admin sees the city only")
    st, j, _ = srv.request("GET", f"/api/v1/persons/{people['ql1']['id']}", token=T["cityadmin"])
    R.check(st == 404, "city admin: another city's person is 404")
    st, j, _ = srv.request("GET", "/api/v1/persons?occupation=abc", token=A)
    R.check(st == 422 and j["errors"][0]["field"] == "occupation", "occupation filter must be a code", j)
    st, j, _ = srv.request("GET", "/api/v1/persons?occupation=%C2%BF", token=A)
    R.check(st == 422, "non-ASCII occupation filter 422, not 500", st)
    st, j, _ = srv.request("GET", "/api/v1/occupations?q=%C2%BF", token=A)
    R.check(st == 200, "non-ASCII occupation search is a name search", st)
    st, j, _ = srv.request("GET", "/api/v1/persons?q=" + "%25_" * 40, token=A)
    R.check(st == 200 and not j["items"], "long pattern-like q is literal", st)
    st, j, h = srv.request("GET", "/health", "x" * 10)
    R.check(st == 413, "a body on a route that takes none is refused", st)
    st, j, _ = srv.request("GET", "/api/v1/persons?region=530400", token=A)
    regions = {x["region"] for x in j["items"]}
    R.check(st == 200 and regions and all(r.startswith("5304") for r in regions) and "530402" in regions, "region matches everything under it", regions)
    st, j, _ = srv.request("GET", "/api/v1/persons?q=%E5%BC%A0", token=A)  # 张
    R.check(st == 200 and j["items"] and all("张" in x["name"] for x in j["items"]), "q name substring")
    st, j, _ = srv.request("GET", "/api/v1/persons?q=" + people["ql1"]["id_number"][:10], token=A)
    R.check(st == 200 and len(j["items"]) == 1 and j["items"][0]["name"] == "王五", "q ID-number prefix", j)
    st, j, _ = srv.request("GET", "/api/v1/persons?q=%25", token=A)
    R.check(st == 200 and not j["items"], "q is literal, not a pattern")
    st, j, _ = srv.request("GET", "/api/v1/persons?occupation=6-18-02-04&level_min=3", token=A)
    R.check(st == 200 and j["items"] and all(x["level"] >= 3 and x["occupation"] == "6-18-02-04" for x in j["items"]), "occupation + level_min")
    st, j, _ = srv.request("GET", "/api/v1/persons?level_min=9", token=A)
    R.check(st == 422, "level_min out of range")

    # Full read: unmasked and audited.
    pid = people["ht1"]["id"]
    st, j, _ = srv.request("GET", f"/api/v1/persons/{pid}", token=T["county"])
    R.check(st == 200 and j["id_number"] == people["ht1"]["id_number"] and not j["masked"], "full record for the county", j)
    st, j, _ = srv.request("GET", f"/api/v1/audit?actor=hongta&subject=person:{pid}", token=A)
    R.check(st == 200 and any(e["action"] == "read.person" for e in j["items"]), "full read audited with the reader", j)

    # Change and history.
    st, j, _ = srv.request("PATCH", f"/api/v1/persons/{pid}", {"phone": "0877-2012345", "version": 1}, T["county"])
    R.check(st == 200 and j["phone"] == "0877-2012345" and j["version"] == 2, "patch phone (landline)", j)
    st, j, _ = srv.request("PATCH", f"/api/v1/persons/{pid}", {"phone": "13800000000", "version": 1}, T["county"])
    R.check(st == 409, "stale version 409", j)
    st, j, _ = srv.request("PATCH", f"/api/v1/persons/{pid}", {"phone": "0877-2012345"}, T["county"])
    R.check(st == 200 and j["version"] == 2, "a PATCH that changes nothing makes no new version", j)
    st, j, _ = srv.request("PATCH", f"/api/v1/persons/{pid}", {"id_number": people["ht2"]["id_number"]}, T["county"])
    R.check(st == 422 and j["errors"][0]["code"] == "immutable", "ID number immutable", j)
    st, j, _ = srv.request("PATCH", f"/api/v1/persons/{pid}", {"region": "530302"}, T["county"])
    R.check(st == 422 and j["errors"][0]["code"] == "out_of_scope", "cannot move a person out of the county", j)
    st, j, _ = srv.request("GET", f"/api/v1/persons/{pid}/history", token=T["county"])
    ch = [c for e in j.get("items", []) for c in e["changes"] if c["field"] == "phone"]
    R.check(st == 200 and ch and ch[0]["to"] == "0877-2012345" and ch[0]["from"] == "13812345678", "history shows the change", j)
    R.check(len([e for e in j.get("items", []) if e["action"] == "person.update"]) == 1, "one update, one history entry")
    # Groups and insurance: what voucher rules and subsidies select on.
    st, j, _ = srv.request("PATCH", f"/api/v1/persons/{pid}", {"tags": ["残疾人", "脱贫户", "残疾人"], "insured_from": "2023/5/1"}, T["county"])
    R.check(st == 200 and j["tags"] == ["脱贫户", "残疾人"] and j["insured_from"] == "2023-05-01" and j["version"] == 3,
            "tags kept once each in canonical order; insurance date normalised", j)
    st, j, _ = srv.request("PATCH", f"/api/v1/persons/{pid}", {"tags": "脱贫户、贫困户", "insured_from": "2023-02-30"}, T["county"])
    codes = {(e["field"], e["code"]) for e in j.get("errors", [])}
    R.check(st == 422 and codes == {("tags", "unknown_tag"), ("insured_from", "invalid_date")}, "unknown group and impossible date named", j)
    st, j, _ = srv.request("GET", f"/api/v1/persons/{pid}", token=T["county"])
    R.check(j.get("tags") == ["脱贫户", "残疾人"] and j.get("version") == 3, "a refused PATCH changes nothing", j)
    st, j, _ = srv.request("PATCH", f"/api/v1/persons/{pid}", {"tags": [], "insured_from": ""}, T["county"])
    R.check(st == 200 and j["tags"] == [] and j["insured_from"] is None, "groups and insurance can be cleared", j)
    st, j, _ = srv.request("GET", f"/api/v1/audit?actor=hongta&subject=person:{pid}", token=A)
    R.check(any(e["action"] == "read.person.history" for e in j.get("items", [])), "reading the history is audited")

    # Scope.
    other = people["ql1"]["id"]
    for method, path, body in [("GET", f"/api/v1/persons/{other}", None), ("PATCH", f"/api/v1/persons/{other}", {"phone": "13800000000"}),
                               ("GET", f"/api/v1/persons/{other}/history", None)]:
        st, j, _ = srv.request(method, path, body, T["county"])
        R.check(st == 404, f"county: other county's person is 404 ({method} {path})", st)
    st, j, _ = srv.request("GET", "/api/v1/persons?per_page=200", token=T["county"])
    R.check(st == 200 and j["items"] and all(x["region"].startswith("530402") for x in j["items"]), "county list scoped")
    st, j, _ = srv.request("GET", "/api/v1/persons?region=530302", token=T["county"])
    R.check(st == 200 and not j["items"], "county cannot widen scope by filter")
    st, j, _ = srv.request("POST", "/api/v1/persons", {"id_number": make_id("530302", "19800101", 777), "name": "钱十", "region": "530302"}, T["county"])
    R.check(st == 422 and j["errors"][0]["code"] == "out_of_scope", "county cannot register in another county", j)
    W = T["worker"]
    st, j, _ = srv.request("GET", f"/api/v1/persons/{pid}", token=W)
    R.check(st == 200 and j["id_number"] == people["ht1"]["id_number"], "worker reads own record")
    st, j, _ = srv.request("GET", f"/api/v1/persons/{people['ht2']['id']}", token=W)
    R.check(st == 404, "worker: someone else is 404")
    st, j, _ = srv.request("PATCH", f"/api/v1/persons/{pid}", {"phone": "13700000000"}, W)
    R.check(st == 200 and j["phone"] == "13700000000", "worker changes own phone", j)
    st, j, _ = srv.request("PATCH", f"/api/v1/persons/{pid}", {"name": "张四"}, W)
    R.check(st == 422 and j["errors"][0]["code"] == "not_editable", "worker cannot change own name", j)


def test_orgs(srv, T, orgs):
    R.where = "orgs"
    A = T["admin"]
    st, j, _ = srv.request("POST", "/api/v1/orgs", {"uscc": "91110000600037341M", "name": "某公司", "kind": "employer", "region": "530402"}, A)
    R.check(st == 422 and j["errors"][0]["code"] == "uscc_check_mismatch", "bad credit code", j)
    st, j, _ = srv.request("POST", "/api/v1/orgs", {"uscc": make_uscc("530402", "MA0000000"), "name": "重复", "kind": "employer", "region": "530402"}, A)
    R.check(st == 409, "duplicate credit code 409", j)
    st, j, _ = srv.request("POST", "/api/v1/orgs", {"uscc": make_uscc("530402", "MA9999999"), "name": "某培训学校", "kind": "培训机构", "region": "红塔区"}, T["county"])
    R.check(st == 201 and j["kind"] == "trainer", "county registers a trainer, kind in Chinese", j)
    st, j, _ = srv.request("GET", "/api/v1/orgs?kind=trainer", token=A)
    R.check(st == 200 and j["items"] and all(x["kind"] == "trainer" for x in j["items"]), "orgs by kind")
    st, j, _ = srv.request("GET", "/api/v1/orgs?kind=bank", token=A)
    R.check(st == 422, "unknown kind 422")
    st, j, _ = srv.request("GET", f"/api/v1/orgs/{orgs[0]}", token=T["employer"])
    R.check(st == 200, "employer reads own org")
    st, j, _ = srv.request("GET", f"/api/v1/orgs/{orgs[4]}", token=T["employer"])
    R.check(st == 404, "employer: another org is 404")
    st, j, _ = srv.request("GET", f"/api/v1/orgs/{orgs[2]}", token=T["county"])
    R.check(st == 404, "county: org in another county is 404")


def count_persons(srv):
    r = srv.cli("export", "persons", "--db", srv.db)
    return len(r.stdout.decode("utf-8-sig").strip().splitlines()) - 1


def csv_bytes(rows, header=("姓名", "身份证号", "性别", "手机号", "所属地区", "职业", "技能等级", "工作单位"), enc="utf-8-sig"):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue().encode(enc)


def test_imports(srv, T):
    R.where = "imports"
    A = T["admin"]
    rows = [[f"导入{i}号", make_id("530402", "19910101", 100 + i), "", "13900000%03d" % i, "530402", "焊工", "初级工",
             "红塔区某厂, 二车间"] for i in range(30)]
    rows[3][7] = "多行\n单位名称"
    before = count_persons(srv)
    st, j, _ = srv.request("POST", "/api/v1/imports/persons", csv_bytes(rows), A, headers={"Content-Type": "text/csv"})
    R.check(st == 200 and j["created"] == 30 and j["committed"], "import UTF-8 CSV with BOM", j)
    R.check(count_persons(srv) == before + 30, "30 more people")
    st, j, _ = srv.request("POST", "/api/v1/imports/persons", csv_bytes(rows), A)
    R.check(st == 200 and j["created"] == 0 and j["unchanged"] == 30, "same file twice: no duplicates", j)
    rows[5][3] = "13711112222"
    st, j, _ = srv.request("POST", "/api/v1/imports/persons", csv_bytes(rows, enc="gb18030"), A)
    R.check(st == 200 and j["updated"] == 1 and j["encoding"] == "gb18030", "GB18030 detected; changed row updated", j)
    st, jj, _ = srv.request("GET", "/api/v1/persons?q=" + rows[5][1][:17], token=A)
    pid = jj["items"][0]["id"] if jj.get("items") else 0
    hdr = ("姓名", "身份证号", "所属地区", "人员类别", "参保起始日期")
    trows = [["类别甲", make_id("530402", "19920202", 301), "530402", "脱贫户，退役军人", "2020-07-01"],
             ["类别乙", make_id("530402", "19920202", 302), "530402", "贫困户", "2020-07-01"]]
    n0 = count_persons(srv)
    st, j, _ = srv.request("POST", "/api/v1/imports/persons", csv_bytes(trows, header=hdr), A)
    errs = j.get("report", {}).get("errors", [])
    R.check(st == 422 and any(e["row"] == 3 and e["column"] == "人员类别" and e["code"] == "unknown_tag" for e in errs)
            and count_persons(srv) == n0,
            "import: unknown group refused with its row and column; nothing written", j)
    trows[1][3] = "高校毕业生"
    st, j, _ = srv.request("POST", "/api/v1/imports/persons", csv_bytes(trows, header=hdr), A)
    R.check(st == 200 and j.get("created") == 2, "import with groups and insurance dates", j)
    st, jj2, _ = srv.request("GET", "/api/v1/persons?q=" + trows[0][1], token=A)
    tid = jj2["items"][0]["id"] if jj2.get("items") else 0
    st, one, _ = srv.request("GET", f"/api/v1/persons/{tid}", token=A)
    R.check(one.get("tags") == ["脱贫户", "退役军人"] and one.get("insured_from") == "2020-07-01", "imported groups and insurance date stored", one)
    st, h, _ = srv.request("GET", f"/api/v1/persons/{pid}/history", token=A)
    R.check(any(c["field"] == "phone" and c["to"] == "13711112222" for e in h.get("items", []) for c in e["changes"]), "import change in history", h)

    bad = [r[:] for r in rows[:5]]
    bad.append(["新人甲", make_id("530402", "19920202", 901), "", "", "530402", "", "", ""])
    bad.append(["新人乙", make_id("530402", "19920202", 903)[:-1] + "0", "", "", "530402", "", "", ""])
    bad.append(["", make_id("530402", "19920202", 905), "", "1234", "火星", "", "十级", ""])
    bad.append(["新人丙", make_id("530402", "19920202", 901), "", "", "530402", "", "", ""])
    n0 = count_persons(srv)
    st, j, _ = srv.request("POST", "/api/v1/imports/persons", csv_bytes(bad), A)
    errs = j.get("report", {}).get("errors", [])
    R.check(st == 422 and j["report"]["rejected"] == 3 and not j["report"]["committed"], "one bad row rejects the file", j)
    R.check(count_persons(srv) == n0, "nothing written on rejection")
    R.check(any(e["row"] == 8 and e["column"] == "身份证号" and e["code"] == "id_check_mismatch" for e in errs), "row and column named (check digit)", errs)
    R.check({e["column"] for e in errs if e["row"] == 9} >= {"姓名", "手机号", "所属地区", "技能等级"}, "every bad cell of row 9 named", errs)
    R.check(any(e["row"] == 10 and e["code"] == "duplicate_in_file" for e in errs), "duplicate within file", errs)
    st, j, _ = srv.request("POST", "/api/v1/imports/persons?partial=1", csv_bytes(bad), A)
    R.check(st == 200 and j["created"] == 1 and j["rejected"] == 3 and j["committed"], "partial imports the good rows", j)
    R.check(count_persons(srv) == n0 + 1, "partial wrote exactly the good new row")
    st, j, _ = srv.request("POST", "/api/v1/imports/persons?dry_run=1", csv_bytes([["试运行", make_id("530402", "19930303", 11), "", "", "530402", "", "", ""]]), A)
    R.check(st == 200 and j["created"] == 1 and not j["committed"] and count_persons(srv) == n0 + 1, "dry run writes nothing", j)
    st, j, _ = srv.request("POST", "/api/v1/imports/persons", csv_bytes([["x"]], header=("名字", "地址")), A)
    R.check(st == 422 and any(e["code"] == "missing_column" for e in j["report"]["errors"]), "missing columns named", j)
    st, j, _ = srv.request("POST", "/api/v1/imports/persons", b"\"unterminated,a\r\n1,2", A)
    R.check(st == 422, "broken CSV 422", j)
    st, j, _ = srv.request("POST", "/api/v1/imports/persons", b"\x80\x81\xff\xfe\x00garbage", A)
    R.check(st == 422, "undecodable bytes 422", j)
    eng = csv_bytes([[f"Name{i}", make_id("530402", "19940404", 501 + 2 * i), "M", "", "530402", "6-18-02-04", "3", ""] for i in range(3)],
                    header=("name", "id_number", "gender", "phone", "region", "occupation", "level", "employer"), enc="utf-8")
    st, j, _ = srv.request("POST", "/api/v1/imports/persons", eng, A)
    R.check(st == 200 and j["created"] == 3, "API field names as headers; no BOM", j)
    # County clerk: rows outside the county are rejected.
    st, j, _ = srv.request("POST", "/api/v1/imports/persons", csv_bytes([["外县人", make_id("530302", "19950505", 21), "", "", "530302", "", "", ""]]), T["county"])
    R.check(st == 422 and j["report"]["errors"][0]["code"] == "out_of_scope", "county import scoped", j)

    # CLI: export to XLSX and import it back; --partial rejects file; exit codes.
    d = tmpdir()
    x = os.path.join(d, "all.xlsx")
    r = srv.cli("export", "persons", "--db", srv.db, "--format", "xlsx", "-o", x)
    R.check(r.returncode == 0 and os.path.getsize(x) > 1000, "export xlsx", r.stderr.decode())
    r = srv.cli("import", "persons", x, "--db", srv.db)
    R.check(r.returncode == 0 and '"created": 0' in r.stdout.decode(), "XLSX round trip: nothing new", r.stdout.decode()[:300] + r.stderr.decode()[:500])
    r = srv.cli("export", "persons", "--db", srv.db, "--region", "532500")
    lines = r.stdout.decode("utf-8-sig").strip().splitlines()
    R.check(r.returncode == 0 and len(lines) >= 2 and all(",532" in l for l in lines[1:]), "export --region", lines[:3])
    f = os.path.join(d, "bad.csv")
    with open(f, "wb") as fh:
        fh.write(csv_bytes(bad, enc="gb18030"))
    r = srv.cli("import", "persons", f, "--db", srv.db)
    R.check(r.returncode == 1 and "第8行" in r.stderr.decode(), "CLI import rejects with row numbers, exit 1", r.stderr.decode()[:400])
    r = srv.cli("import", "persons", f, "--db", srv.db, "--partial")
    rej = f + ".rejects.csv"
    R.check(r.returncode == 1 and os.path.exists(rej), "CLI --partial writes rejects", r.stderr.decode()[:300])
    if os.path.exists(rej):
        txt = open(rej, encoding="utf-8-sig").read()
        R.check("错误原因" in txt and "校验码" in txt and txt.count("\n") >= 4, "rejects file has reasons", txt[:300])
    r = srv.cli("import", "persons", os.path.join(d, "missing.csv"), "--db", srv.db)
    R.check(r.returncode == 1, "missing file exit 1")


def test_openapi_and_roles(srv, T, people, orgs):
    R.where = "openapi"
    st, doc, _ = srv.request("GET", "/api/v1/openapi.json")
    R.check(st == 200 and doc["openapi"].startswith("3.1"), "openapi 3.1 served")
    ops = [(m.upper(), p, op) for p, item in doc["paths"].items() for m, op in item.items()]
    R.check(len(ops) >= 17, "every route documented", len(ops))
    for m, p, op in ops:
        path = p.replace("{id}", "1")
        tok = login(srv, "admin") if m == "DELETE" else T["admin"]
        st, j, _ = srv.request(m, path, {} if m in ("POST", "PATCH") else None, tok)
        R.check(not (j and j.get("code") in ("no_route", "method_not_allowed")), f"documented {m} {p} is served", j)
    for m, p in [("GET", "/api/v1/nothing"), ("GET", "/api/v1/persons/1/2"), ("PUT", "/api/v1/persons")]:
        st, j, _ = srv.request(m, p, token=T["admin"])
        R.check(st in (404, 405) and j["code"] in ("no_route", "method_not_allowed"), f"undocumented {m} {p} not served")

    R.where = "route x role"
    roles = ["anon", "admin", "county", "evaluator", "trainer", "employer", "worker"]
    far = {"/api/v1/persons/{id}": people["hh1"]["id"], "/api/v1/orgs/{id}": orgs[3]}
    st, pj, _ = srv.request("GET", "/api/v1/programmes?region=532500", token=T["admin"])
    far["/api/v1/programmes/{id}"] = pj["items"][0]["id"]  # 红河's: out of reach of 红塔 and its trainer
    for m, p, op in ops:
        allowed = op.get("x-roles")
        for role in roles:
            tok = T.get(role)
            pid = far.get(p.split("/history")[0] if "/history" in p else p, people["hh1"]["id"])
            path = p.replace("{id}", str(pid))
            if m == "DELETE" and role != "anon":
                tok = login(srv, {"admin": "admin", "county": "hongta", "evaluator": "pingjia", "trainer": "peixun",
                                  "employer": "qiye", "worker": "worker"}[role])
            body = b"" if "imports" in p else ({} if m in ("POST", "PATCH") else None)
            st, j, _ = srv.request(m, path, body, tok)
            if allowed is None:
                R.check(st not in (401, 403), f"{role} {m} {p} public", st)
            elif role == "anon":
                R.check(st == 401, f"anon {m} {p} → 401", st)
            elif role not in allowed:
                R.check(st == 403, f"{role} {m} {p} → 403", st)
            else:
                R.check(st not in (401, 403), f"{role} {m} {p} allowed", (st, j))
                if "{id}" in p and role != "admin":
                    R.check(st == 404, f"{role} {m} {p}: out of scope → 404", (st, j))


def test_audit(srv, T):
    R.where = "audit"
    st, j, _ = srv.request("GET", "/api/v1/audit?per_page=500", token=T["admin"])
    R.check(st == 200 and len(j["items"]) > 20, "audit list")
    acts = {e["action"] for e in j["items"]}
    R.check({"person.create", "person.update", "read.person", "org.create", "import.persons", "session.delete", "session.create", "session.fail"} <= acts, "writes, reads and sign-ins logged", acts)
    upd = [e for e in j["items"] if e["action"] == "person.update"]
    R.check(upd and upd[0]["before"] and upd[0]["after"], "updates carry before and after")
    st, j, _ = srv.request("GET", "/api/v1/audit?from=2000-01-01&to=2999-12-31&actor=admin", token=T["admin"])
    R.check(st == 200 and j["items"] and all(e["actor"] == "admin" for e in j["items"]), "audit by actor and dates")
    st, j, _ = srv.request("GET", "/api/v1/audit", token=T["cityadmin"])
    R.check(st == 403, "a city's administrator does not read the whole system's log", st)
    st, j, _ = srv.request("GET", "/api/v1/audit?from=yesterday", token=T["admin"])
    R.check(st == 422 and j["errors"][0]["field"] == "from", "bad date 422")
    r = srv.cli("audit", "verify", "--db", srv.db)
    R.check(r.returncode == 0 and "完好" in r.stdout.decode(), "audit chain verifies", r.stdout.decode() + r.stderr.decode())



def test_gen(srv, T):
    """jineng gen: spreadsheets jineng import takes whole in every format, the
    normalised rows equal to what import stored, and straight into the database."""
    R.where = "gen"
    d = tmpdir()
    r = srv.cli("gen", "--help")
    R.check(r.returncode == 0 and "用法" in r.stdout.decode(), "gen --help")
    for args in [["persons", "-1"], ["persons", "5", "--format", "xls"], ["persons", "5", "--format", "xlsx"],
                 ["persons"], ["people", "5"], ["persons", "5", "--seed", "x"], ["orgs", "5", "--normalised", "v.csv"]]:
        r = srv.cli("gen", *args)
        R.check(r.returncode == 2 and "jineng gen" in r.stderr.decode(), "gen usage error exits 2: " + " ".join(args),
                (r.returncode, r.stderr.decode()))
    a = srv.cli("gen", "persons", "300", "--seed", "5").stdout
    b = srv.cli("gen", "persons", "300", "--seed", "5").stdout
    c = srv.cli("gen", "persons", "300", "--seed", "6").stdout
    R.check(a == b and a != c and a.startswith(b"\xef\xbb\xbf\xe5\xa7\x93\xe5\x90\x8d") and b"\r\n" in a,
            "same seed, same bytes; UTF-8 with BOM and CRLF", a[:80])

    before = count_persons(srv)
    for fmt, name, seed in [("csv", "g.csv", 101), ("csv-gb18030", "g-gb.csv", 102), ("xlsx", "g.xlsx", 103)]:
        f = os.path.join(d, name)
        extra = ["--normalised", os.path.join(d, "v.csv")] if fmt == "csv" else []
        r = srv.cli("gen", "persons", "500", "--seed", str(seed), "--format", fmt, "-o", f, *extra)
        R.check(r.returncode == 0 and os.path.getsize(f) > 10000, f"gen persons 500 --format {fmt}", r.stderr.decode())
        r = srv.cli("import", "persons", f, "--db", srv.db)
        j = json.loads(r.stdout) if r.stdout.strip().startswith(b"{") else {}
        R.check(r.returncode == 0 and j.get("created") == 500 and j.get("rejected") == 0, f"gen {fmt}: all 500 imported",
                r.stdout.decode()[:300] + r.stderr.decode()[:600])
        if fmt == "csv-gb18030":
            raw = open(f, "rb").read()
            R.check(j.get("encoding") == "gb18030" and not raw.startswith(b"\xef\xbb\xbf"), "GB18030 without BOM", j.get("encoding"))
    R.check(count_persons(srv) == before + 1500, "1500 more people", count_persons(srv) - before)

    # The normalised file is exactly what import stored (export shows it all).
    r = srv.cli("export", "persons", "--db", srv.db)
    stored = {row["身份证号"]: row for row in csv.DictReader(io.StringIO(r.stdout.decode("utf-8-sig")))}
    levels = {0: ""} | {i + 1: n for i, n in enumerate(["学徒工", "初级工", "中级工", "高级工", "技师", "高级技师", "特级技师", "首席技师"])}
    diff = []
    with open(os.path.join(d, "v.csv"), encoding="utf-8", newline="") as fh:
        vals = list(csv.DictReader(fh))
    for v in vals:
        s = stored.get(v["id_number"])
        want = (v["name"], "男" if v["gender"] == "M" else "女", v["birth_date"], v["phone"], v["region"], v["occupation"],
                levels[int(v["level"])], v["employer"], v["education"])
        got = s and (s["姓名"], s["性别"], s["出生日期"], s["手机号"], s["所属地区"], s["职业"], s["技能等级"], s["工作单位"], s["文化程度"])
        if want != got or v["version"] != "1":
            diff.append((v, s))
    R.check(len(vals) == 500 and not diff, "normalised rows equal the imported records", diff[:2])
    R.check(sum(len(v["id_number"]) == 18 for v in vals) == 500, "normalised ID numbers have 18 digits")

    # Straight into the database: once, then the same seed again is refused.
    n0 = count_persons(srv)
    r = srv.cli("gen", "persons", "300", "--seed", "104", "--into-db", "--db", srv.db)
    R.check(r.returncode == 0 and "已写入数据库 300 人" in r.stderr.decode(), "gen persons --into-db", r.stderr.decode())
    R.check(count_persons(srv) == n0 + 300, "300 people written")
    r = srv.cli("gen", "persons", "300", "--seed", "104", "--into-db", "--db", srv.db)
    R.check(r.returncode == 1 and "已在数据库中" in r.stderr.decode(), "same IDs again: refused, exit 1", r.stderr.decode())
    R.check(count_persons(srv) == n0 + 300, "nothing written the second time")
    st, j0, _ = srv.request("GET", "/api/v1/orgs", token=T["admin"])
    r = srv.cli("gen", "orgs", "40", "--seed", "105", "--into-db", "--db", srv.db)
    st, j1, _ = srv.request("GET", "/api/v1/orgs", token=T["admin"])
    R.check(r.returncode == 0 and j1["total"] == j0["total"] + 40, "gen orgs --into-db", r.stderr.decode())
    f = os.path.join(d, "orgs.csv")
    r = srv.cli("gen", "orgs", "200", "--seed", "106", "-o", f)
    rows = list(csv.DictReader(open(f, encoding="utf-8-sig", newline="")))
    R.check(r.returncode == 0 and len(rows) == 200 and list(rows[0]) == ["统一社会信用代码", "名称", "类型", "所属地区", "联系电话"],
            "gen orgs header", rows[:1])
    bad = [x for x in rows[:40] if srv.request("POST", "/api/v1/orgs", {"uscc": x["统一社会信用代码"], "name": x["名称"],
           "kind": x["类型"], "region": x["所属地区"], "phone": x["联系电话"]}, T["admin"])[0] != 201]
    R.check(not bad, "generated organisations are accepted by POST /orgs", bad[:2])
    st, j, _ = srv.request("GET", "/api/v1/audit?per_page=500", token=T["admin"])
    gens = [e for e in j.get("items", []) if e["action"] in ("gen.persons", "gen.orgs")]
    R.check(len(gens) == 2 and {"rows": 300, "seed": 104} in [e["after"] for e in gens], "one audit entry per transaction", gens)
    r = srv.cli("audit", "verify", "--db", srv.db)
    R.check(r.returncode == 0, "audit chain verifies after gen", r.stdout.decode())


def tamper(db, sql):
    """Edits the audit table behind the application's back."""
    if db.startswith("sqlite:"):
        c = sqlite3.connect(db[7:])
        c.executescript("DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;" + sql)
        c.commit()
        c.close()
    else:
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", db, "-c",
                        "ALTER TABLE audit DISABLE TRIGGER audit_no_change; " + sql], check=True, capture_output=True)


def test_tamper(srv):
    R.where = "tamper"
    if srv.db.startswith("sqlite:"):
        c = sqlite3.connect(srv.db[7:])
        try:
            c.execute("UPDATE audit SET actor = 'x' WHERE seq = 3")
            R.check(False, "audit rows cannot be updated through SQL")
        except sqlite3.DatabaseError:
            R.check(True, "audit rows cannot be updated through SQL")
        c.close()
    tamper(srv.db, "UPDATE audit SET actor = 'mallory' WHERE seq = 5;")
    r = srv.cli("audit", "verify", "--db", srv.db)
    R.check(r.returncode == 1 and "第 5 条" in r.stdout.decode(), "edited entry found", r.stdout.decode())


def test_tamper_delete(binary, db):
    R.where = "tamper-delete"
    srv = Server(binary, db)
    tamper(db, "DELETE FROM audit WHERE seq = 7;")
    r = srv.cli("audit", "verify", "--db", db)
    R.check(r.returncode == 1 and "第 7 条" in r.stdout.decode(), "deleted entry found", r.stdout.decode())


def test_tamper_tail(binary, db):
    R.where = "tamper-tail"
    srv = Server(binary, db)
    tamper(db, "DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit);")
    r = srv.cli("audit", "verify", "--db", db)
    R.check(r.returncode == 1, "removed newest entry found", r.stdout.decode())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--db", required=True, help="sqlite:PATH or postgresql://… (empty database)")
    ap.add_argument("--db2", help="a second empty database for the tamper tests")
    ap.add_argument("--db3")
    a = ap.parse_args()
    srv = Server(a.bin, a.db)
    try:
        T, orgs, people = setup(srv)
        test_cli(srv)
        test_catalogs(srv)
        test_persons(srv, T, people)
        test_orgs(srv, T, orgs)
        test_imports(srv, T)
        test_openapi_and_roles(srv, T, people, orgs)
        test_sessions(srv)
        test_audit(srv, T)
        test_gen(srv, T)
        err = srv.stop()
        R.check("ERROR" not in err and "runtime error" not in err, "server stderr clean", err[-6000:])
        test_tamper(srv)
        for extra, fn in [(a.db2, test_tamper_delete), (a.db3, test_tamper_tail)]:
            if extra:
                s2 = Server(a.bin, extra)
                s2.cli("init", "--db", extra)
                s2.cli("user", "add", "--db", extra, "--username", "a", "--role", "admin", stdin=(PW + "\n").encode())
                for i in range(10):
                    s2.cli("user", "add", "--db", extra, "--username", f"u{i}", "--role", "admin", stdin=(PW + "\n").encode())
                fn(a.bin, extra)
    except Exception as e:  # a crash of the harness is a failure, not a pass
        import traceback
        traceback.print_exc()
        R.failed += 1
    finally:
        srv.stop()
    engine = "postgresql" if a.db.startswith("postgres") else "sqlite"
    print(f"api[{engine}]: {R.passed} passed, {R.failed} failed")
    sys.exit(1 if R.failed else 0)


if __name__ == "__main__":
    main()
