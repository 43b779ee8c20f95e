#!/usr/bin/env python3
"""test_cert_api.py — skill-level certification against a real server for one
engine:  test_cert_api.py --bin build/jineng --db sqlite:/tmp/x.db | postgresql://…

Evaluation bodies and their limits, examiners and the S-type rule, the
application conditions of each level (each refusal naming the condition) and
the routes that bypass them, the batch state machine (every wrong-state call
409), return and resubmission, notice and objections, numbers (format,
uniqueness, serials never reused), issue and revocation, derived levels in the
person search, evidence files, the public verification (valid, revoked,
pending, not found, a wrong name answered byte for byte like an unknown
number, the rate limit), the import of historical certificates, scope, the
route × role expectations of every new route, and the CLI."""
import argparse
import csv
import datetime
import hashlib
import io
import os
import re
import shutil
import socket
import sys
import zipfile
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import ROOT, Result, Server, make_id, make_uscc, tmpdir  # noqa: E402

R = Result()
PW = "correct-horse-9"
WELDER, ELECTRICIAN, MECHANIC = "6-18-02-04", "6-31-01-03", "4-12-01-01"
NUMBER_RE = re.compile(r"^[YS]\d{4}53\d{6}\d{2}[0-59]\d{6}$")
TODAY = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()


def months_ago(n, d=TODAY):
    y, m = divmod(d.year * 12 + d.month - 1 - n, 12)
    day = min(d.day, 28)
    return datetime.date(y, m + 1, day)


def elapsed(frm, to=TODAY):
    """Whole years and months, to the day (as core/cert.c counts)."""
    m = (to.year - frm.year) * 12 + (to.month - frm.month) - (1 if to.day < frm.day else 0)
    return divmod(max(m, 0), 12)


class T:
    """Everything the cases share: server, tokens, ids."""
    pass


def login(srv, user):
    st, j, _ = srv.request("POST", "/api/v1/session", {"username": user, "password": PW})
    assert st == 201, (user, st, j)
    return j["token"]


def call(m, path, body=None, tok=None, raw=False):
    return T.srv.request(m, path, body, tok, raw=raw)


def headers_only(m, path, length, tok):
    """Sends a request's headers announcing length bytes and reads the status
    the server answers before any body (413 for a body over the limit)."""
    s = socket.create_connection(("127.0.0.1", T.srv.port), timeout=30)
    s.sendall(f"{m} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {tok}\r\nContent-Length: {length}\r\n"
              f"Connection: close\r\n\r\n".encode())
    data = b""
    while b"\r\n" not in data:
        b = s.recv(4096)
        if not b:
            break
        data += b
    s.close()
    return int(data.split(b" ")[1]) if data else 0


def codes(j):
    return {(e.get("field"), e.get("code")) for e in (j or {}).get("errors", [])}


def fields(j):
    return {e.get("field") for e in (j or {}).get("errors", [])}


_seq = [100]


def person(name, region="530402", employer="", occupation=None, level=None, ymd="19850101"):
    _seq[0] += 1
    body = {"id_number": make_id(region, ymd, _seq[0]), "name": name, "region": region, "employer": employer}
    if occupation:
        body["occupation"] = occupation
    if level:
        body["level"] = level
    st, j, _ = call("POST", "/api/v1/persons", body, T.A)
    assert st == 201, (st, j)
    return j


def number(kind, site, yy, digit, serial, code="0400"):
    return f"{kind}{code}53{site}{yy:02d}{digit}{serial:06d}"


def import_csv(rows, tok=None, query=""):
    head = ["证书编号", "姓名", "身份证号", "职业编码", "技能等级", "评价机构", "发证日期", "状态", "注销日期", "注销原因"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(head)
    for r in rows:
        w.writerow(r)
    return call("POST", "/api/v1/imports/certificates" + query, buf.getvalue().encode("utf-8"), tok or T.A)


def hist(p, num, level, issued, occ=WELDER, body=None, status="有效", revoked="", reason=""):
    return [num, p["name"], p["id_number"], occ, level, body or "红塔评价中心", str(issued), status, revoked, reason]


def setup(srv):
    R.where = "setup"
    r = srv.cli("init", "--db", srv.db)
    m = re.search(r"版本 (\d+)", r.stdout.decode())
    R.check(r.returncode == 0 and m and int(m.group(1)) >= 6, "init: schema with certification and photos (version 6 or later)",
            r.stdout.decode() + r.stderr.decode())
    r = srv.cli("user", "add", "--db", srv.db, "--username", "admin", "--role", "admin", stdin=(PW + "\n").encode())
    R.check(r.returncode == 0, "user add admin", r.stderr.decode())
    srv.start()
    T.srv = srv
    T.A = login(srv, "admin")
    orgs = {}
    for i, (key, kind, region, name) in enumerate([
            ("s", "evaluator", "530402", "红塔评价中心"), ("y", "evaluator", "530402", "精工认定站"),
            ("q", "evaluator", "530302", "麒麟评价中心"), ("emp", "employer", "530402", "云南精工（玉溪）机械有限公司"),
            ("emp2", "employer", "530302", "曲靖重工有限公司"), ("tr", "trainer", "530402", "红塔培训学校")]):
        st, j, _ = call("POST", "/api/v1/orgs", {"uscc": make_uscc(region, f"MA{i:07d}"), "name": name, "kind": kind,
                                                   "region": region}, T.A)
        R.check(st == 201, "create org " + key, j)
        orgs[key] = j["id"]
    T.orgs = orgs
    P = {}
    # The S body's examiners work for the body itself; one of them shares an employer with a candidate.
    P["ex1"] = person("考评甲", employer="红塔评价中心")
    P["ex2"] = person("考评乙", employer="滇中建设有限公司")
    P["sup"] = person("督导丙", employer="红塔评价中心")
    P["yex"] = person("周德明", employer="云南精工（玉溪）机械有限公司")
    P["ysup"] = person("郑春梅", employer="云南精工（玉溪）机械有限公司")
    P["qex"] = person("麒麟考评", region="530302", employer="曲靖评价")
    P["qsup"] = person("麒麟督导", region="530302", employer="曲靖评价")
    for k in ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10"]:
        P[k] = person("考生" + k, employer="红塔某厂")
    P["same"] = person("同事丁", employer=" 滇中建设 有限公司 ")  # same employer as ex2, written differently
    for k in ["y1", "y2", "y3", "y4", "y5"]:
        P[k] = person("职工" + k, employer="云南精工 (玉溪) 机械有限公司")
    P["outsider"] = person("外单位", employer="别的公司")
    P["wk"] = person("劳动者本人", employer="红塔某厂", level=1)
    P["far"] = person("曲靖人", region="530302", employer="曲靖重工有限公司")
    P["lv"] = person("等级人", employer="红塔某厂", level="高级技师", occupation=WELDER)
    T.P = P
    for u, role, extra in [("yuxi", "admin", ["--region", "530400"]), ("hongta", "county", ["--region", "530402"]),
                           ("qilin", "county", ["--region", "530302"]), ("pj", "evaluator", ["--org", str(orgs["s"])]),
                           ("zp", "evaluator", ["--org", str(orgs["y"])]), ("qp", "evaluator", ["--org", str(orgs["q"])]),
                           ("worker", "worker", ["--person", P["wk"]["id_number"]]), ("peixun", "trainer", ["--org", str(orgs["tr"])]),
                           ("qiye", "employer", ["--org", str(orgs["emp"])])]:
        r = srv.cli("user", "add", "--db", srv.db, "--username", u, "--role", role, *extra, stdin=(PW + "\n").encode())
        R.check(r.returncode == 0, "user add " + u, r.stderr.decode())
    T.tok = {u: login(srv, u) for u in ["yuxi", "hongta", "qilin", "pj", "zp", "qp", "worker", "peixun", "qiye"]}
    T.C, T.city, T.E, T.Y, T.Q = T.tok["hongta"], T.tok["yuxi"], T.tok["pj"], T.tok["zp"], T.tok["qp"]


def test_registration():
    R.where = "registration"
    o = T.orgs
    good_s = {"body_type": "S", "body_code": "0400", "site_serial": "000001",
              "pairs": [{"occupation": WELDER, "level": lv} for lv in (2, 3, 4, 5, 6)] +
                       [{"occupation": "电工", "level": 3}, {"occupation": MECHANIC, "level": 2}]}
    for who in ["hongta", "pj", "worker"]:
        st, j, _ = call("PUT", f"/api/v1/evaluators/{o['s']}", good_s, T.tok[who])
        R.check(st == 403, f"{who} cannot register a body", st)
    st, j, _ = call("PUT", f"/api/v1/evaluators/{o['s']}", {"body_type": "X", "body_code": "12", "site_serial": "abc", "pairs": []}, T.A)
    R.check(st == 422 and {"body_type", "body_code", "site_serial", "pairs"} <= fields(j), "bad type, code, serial, no pairs: each named", j)
    st, j, _ = call("PUT", f"/api/v1/evaluators/{o['emp']}", good_s, T.A)
    R.check(st == 422 and ("org_id", "not_evaluator") in codes(j), "an employer org is not an evaluation body", j)
    bad = dict(good_s, pairs=[{"occupation": WELDER, "level": 7}, {"occupation": "不存在的职业", "level": 3},
                              {"occupation": WELDER, "level": 1}])
    st, j, _ = call("PUT", f"/api/v1/evaluators/{o['s']}", bad, T.A)
    R.check(st == 422 and ("pairs[0].level", "level_y_only") in codes(j) and ("pairs[1].occupation", "unknown_occupation") in codes(j)
            and ("pairs[2].level", "invalid_level") in codes(j), "S: no 特级技师; unknown occupation; 学徒工 not evaluated", j)
    st, j, _ = call("PUT", f"/api/v1/evaluators/{o['s']}", dict(good_s, employer_org_id=o["emp"]), T.A)
    R.check(st == 422 and ("employer_org_id", "not_applicable") in codes(j), "S body has no employer", j)
    st, j, _ = call("PUT", f"/api/v1/evaluators/{o['s']}", good_s, T.A)
    R.check(st == 200 and j["number_prefix"] == "S040053000001" and len(j["pairs"]) == 7, "S body registered", j)
    R.check(any(p["occupation"] == ELECTRICIAN and p["occupation_name"] == "电工" for p in j["pairs"]), "occupation by name resolved", j.get("pairs"))
    good_y = {"body_type": "Y", "body_code": "0400", "site_serial": "000002",
              "pairs": [{"occupation": WELDER, "level": lv} for lv in range(2, 9)]}
    st, j, _ = call("PUT", f"/api/v1/evaluators/{o['y']}", good_y, T.A)
    R.check(st == 422 and ("employer_org_id", "required") in codes(j), "Y body needs its employer", j)
    st, j, _ = call("PUT", f"/api/v1/evaluators/{o['y']}", dict(good_y, employer_org_id=o["tr"]), T.A)
    R.check(st == 422 and ("employer_org_id", "not_employer") in codes(j), "Y body's employer must be an employer", j)
    st, j, _ = call("PUT", f"/api/v1/evaluators/{o['y']}", dict(good_y, site_serial="000001", body_type="S", employer_org_id=None,
                                                                pairs=[{"occupation": WELDER, "level": 2}]), T.A)
    R.check(st == 409 and ("site_serial", "duplicate") in codes(j), "same type, code and site serial: 409", (st, j))
    st, j, _ = call("PUT", f"/api/v1/evaluators/{o['y']}", dict(good_y, employer_org_id=o["emp"]), T.A)
    R.check(st == 200 and j["body_type"] == "Y" and j["employer_name"] == "云南精工（玉溪）机械有限公司", "Y body registered", j)
    st, j, _ = call("PUT", f"/api/v1/evaluators/{o['q']}", {"body_type": "S", "body_code": "0300", "site_serial": "000009",
                                                          "pairs": [{"occupation": WELDER, "level": 2}]}, T.city)
    R.check(st == 404, "a city admin cannot register a body of another city", st)
    st, j, _ = call("PUT", f"/api/v1/evaluators/{o['q']}", {"body_type": "S", "body_code": "0300", "site_serial": "000009",
                                                          "pairs": [{"occupation": WELDER, "level": lv} for lv in (2, 3)]}, T.A)
    R.check(st == 200, "Q body registered", j)
    # Staff.
    for k, role in [("ex1", "examiner"), ("ex2", "examiner"), ("sup", "supervisor")]:
        st, j, _ = call("POST", f"/api/v1/evaluators/{o['s']}/staff", {"id_number": T.P[k]["id_number"], "role": role}, T.E)
        R.check(st == 201, f"body adds its {role} {k}", j)
    st, j, _ = call("POST", f"/api/v1/evaluators/{o['s']}/staff", {"person_id": T.P["ex1"]["id"], "role": "examiner"}, T.E)
    R.check(st == 409 and ("person_id", "duplicate") in codes(j), "same examiner twice: 409", (st, j))
    st, j, _ = call("POST", f"/api/v1/evaluators/{o['s']}/staff", {"id_number": make_id("530402", "19990101", 999), "role": "examiner"}, T.E)
    R.check(st == 422 and ("id_number", "not_registered") in codes(j), "unregistered person refused", j)
    st, j, _ = call("POST", f"/api/v1/evaluators/{o['s']}/staff", {"person_id": T.P["c1"]["id"], "role": "boss"}, T.E)
    R.check(st == 422 and ("role", "invalid") in codes(j), "role examiner|supervisor", j)
    st, j, _ = call("POST", f"/api/v1/evaluators/{o['y']}/staff", {"person_id": T.P["c1"]["id"], "role": "examiner"}, T.E)
    R.check(st == 404, "a body cannot add staff to another body", st)
    for k, role in [("yex", "examiner"), ("ysup", "supervisor")]:
        st, j, _ = call("POST", f"/api/v1/evaluators/{o['y']}/staff", {"person_id": T.P[k]["id"], "role": role}, T.A)
        R.check(st == 201, f"admin adds Y {role}", j)
    for k, role in [("qex", "examiner"), ("qsup", "supervisor")]:
        st, j, _ = call("POST", f"/api/v1/evaluators/{o['q']}/staff", {"person_id": T.P[k]["id"], "role": role}, T.Q)
        R.check(st == 201, f"Q body adds {role}", j)
    st, j, _ = call("GET", f"/api/v1/evaluators/{o['s']}", tok=T.E)
    R.check(st == 200 and len(j["staff"]) == 3 and all("*" in s["id_number"] for s in j["staff"]), "registration with staff (masked)", j)
    st, j, _ = call("GET", "/api/v1/evaluators", tok=T.E)
    R.check(st == 200 and [x["org_id"] for x in j["items"]] == [o["s"]], "a body sees only its own registration", j)
    st, j, _ = call("GET", "/api/v1/evaluators", tok=T.tok["qilin"])
    R.check(st == 200 and [x["org_id"] for x in j["items"]] == [o["q"]], "a county clerk sees its region's bodies", j)
    st, j, _ = call("GET", f"/api/v1/evaluators/{o['q']}", tok=T.C)
    R.check(st == 404, "other region's body: 404", st)


def new_batch(tok, occ=WELDER, level=2, examiners=None, sup=None, **kw):
    examiners = examiners if examiners is not None else [T.P["ex1"]["id"], T.P["ex2"]["id"]]
    body = {"occupation": occ, "level": level, "exam_from": str(TODAY + datetime.timedelta(days=10)), "place": "红塔区考场",
            "examiners": examiners, "supervisor": sup or T.P["sup"]["id"]}
    body.update(kw)
    return call("POST", "/api/v1/batches", body, tok)


def enrol(bid, pid, tok=None, **kw):
    body = {"person_id": pid}
    body.update(kw)
    return call("POST", f"/api/v1/batches/{bid}/candidates", body, tok or T.E)


def score(bid, cid, tok=None, **kw):
    return call("PUT", f"/api/v1/batches/{bid}/candidates/{cid}/scores", kw, tok or T.E)


def step(bid, name, tok, body=None):
    return call("POST", f"/api/v1/batches/{bid}/{name}", body, tok)


def through(bid, body_tok=None):
    """submit → county pass → city notice → (0 days) approve."""
    body_tok = body_tok or T.E
    for name, tok, body in [("submit", body_tok, None), ("review", T.C, {"decision": "pass"}), ("notice", T.city, None),
                            ("approve", T.city, None)]:
        st, j, _ = step(bid, name, tok, body)
        if not R.check(st == 200, f"batch {bid} {name}", (st, j)):
            return None
    return j


def test_batches_and_conditions():
    R.where = "batch create"
    P = T.P
    st, j, _ = new_batch(T.E, level=7)
    R.check(st == 422 and ("level", "level_y_only") in codes(j), "S body: no 特级技师 batch", j)
    st, j, _ = new_batch(T.E, occ=MECHANIC, level=3)
    R.check(st == 422 and ("level", "not_registered_pair") in codes(j), "a pair the body is not registered for", j)
    st, j, _ = new_batch(T.E, examiners=[P["c1"]["id"]], sup=P["ex1"]["id"], exam_from="2026-02-30")
    R.check(st == 422 and {"examiners[0]", "supervisor", "exam_from"} <= fields(j), "examiner and supervisor must be the body's; real date", j)
    st, j, _ = new_batch(T.E, examiners=[], sup=P["sup"]["id"])
    R.check(st == 422 and ("examiners", "required") in codes(j), "at least one examiner", j)
    st, j, _ = new_batch(T.E, exam_from="2026-12-10", exam_to="2026-12-01")
    R.check(st == 422 and ("exam_to", "before_start") in codes(j), "exam_to before exam_from", j)
    st, j, _ = new_batch(T.E, pass_marks={"theory": 101}, notice_days=31)
    R.check(st == 422 and {"theory", "notice_days"} <= fields(j), "pass marks 0-100, notice days 0-30", j)
    st, j, _ = new_batch(T.C)
    R.check(st == 403, "county cannot create a batch", st)
    st, j, _ = new_batch(T.Q, examiners=[P["qex"]["id"]], sup=P["qsup"]["id"])
    R.check(st == 201 and j["state"] == "planned" and j["region"] == "530302", "Q body batch", j)
    T.qbatch = j["id"]

    R.where = "S-type rule"
    st, b, _ = new_batch(T.E, level=2)
    R.check(st == 201 and b["pass_marks"] == {"theory": 60, "practical": 60, "review": 60} and b["notice_days"] == 5,
            "defaults: pass marks 60, notice 5 days", b)
    bid = b["id"]
    st, j, _ = enrol(bid, P["same"]["id"], years_in_occupation=3)
    R.check(st == 422 and ("person_id", "examiner_same_employer") in codes(j) and "考评乙" in j["detail"] and "同事丁" in j["detail"],
            "candidate of an examiner's employer (spaces differ) refused, naming both", j)
    st, j, _ = enrol(bid, P["ex1"]["id"], years_in_occupation=3)
    R.check(st == 422 and ("person_id", "examiner_is_candidate") in codes(j), "an examiner cannot be a candidate", j)
    st, c, _ = enrol(bid, P["c1"]["id"], years_in_occupation=2)
    R.check(st == 201 and c["route"] == "normal" and "*" in c["id_number"], "candidate enrolled (masked ID)", c)
    st, j, _ = call("PATCH", f"/api/v1/batches/{bid}", {"examiners": [P["ex1"]["id"], P["ex2"]["id"]]}, T.E)
    R.check(st == 200, "examiners unchanged: fine", j)
    st, j, _ = enrol(bid, P["c1"]["id"], years_in_occupation=2)
    R.check(st == 409 and ("person_id", "duplicate") in codes(j), "same candidate twice: 409", (st, j))
    T.b_planned, T.c_planned = bid, c["id"]
    # Adding an examiner who shares an employer with an enrolled candidate.
    st, j, _ = call("POST", f"/api/v1/evaluators/{T.orgs['s']}/staff", {"person_id": P["c2"]["id"], "role": "examiner"}, T.E)
    R.check(st == 201, "c2 becomes an examiner", j)
    st, j, _ = call("PATCH", f"/api/v1/batches/{bid}", {"examiners": [P["ex1"]["id"], P["c2"]["id"]]}, T.E)
    R.check(st == 422 and ("examiners[1]", "examiner_same_employer") in codes(j) and "考生c1" in j["detail"],
            "adding an examiner of a candidate's employer refused", j)
    st, j, _ = call("PATCH", f"/api/v1/batches/{bid}", {"level": 3}, T.E)
    R.check(st == 422 and ("level", "immutable") in codes(j), "level cannot change", j)

    R.where = "conditions"
    st, j, _ = enrol(bid, P["c3"]["id"], years_in_occupation=0)
    R.check(st == 422 and ("conditions", "conditions_not_met") in codes(j) and "申报五级（初级工）需满足其一" in j["detail"]
            and "累计从事本职业工作满1年（申报从事本职业0年）" in j["detail"] and "本职业学徒期满" in j["detail"],
            "五级: 1 year or apprenticeship, both named", j)
    st, j, _ = enrol(bid, P["c3"]["id"], years_in_occupation=0, diploma="apprenticeship")
    R.check(st == 201, "五级 by apprenticeship", j)
    # Prior certificates, imported with chosen dates.
    two_half = months_ago(30)
    y, m = elapsed(two_half)
    st, j, _ = import_csv([hist(P["c4"], number("S", "000001", 20, 4, 9001), "四级", two_half),
                           hist(P["c5"], number("S", "000001", 15, 4, 9002), "四级", months_ago(62)),
                           hist(P["c6"], number("S", "000001", 20, 5, 9003), "五级", months_ago(49)),
                           hist(P["c7"], number("S", "000001", 20, 5, 9004), "五级", months_ago(47)),
                           hist(P["c8"], number("S", "000001", 20, 3, 9005), "三级", months_ago(48)),
                           hist(P["c9"], number("S", "000001", 20, 2, 9006), "二级", months_ago(48))])
    R.check(st == 200 and j["created"] == 6, "prior certificates imported", j)
    st, b3, _ = new_batch(T.E, level=3)
    st, b4, _ = new_batch(T.E, level=4)
    st, b5, _ = new_batch(T.E, level=5)
    st, b6, _ = new_batch(T.E, level=6)
    T.b3, T.b4, T.b5, T.b6 = b3["id"], b4["id"], b5["id"], b6["id"]
    st, j, _ = enrol(b4["id"], P["c4"]["id"], years_in_occupation=3)
    want = f"取得四级证书后从事本职业满5年（现有四级证书{two_half.isoformat()}，满{y}年{m}个月）"
    R.check(st == 422 and j["detail"].startswith("申报三级（高级工）需满足其一：" + want) and "；或" in j["detail"],
            "三级 refused: 四级 held 2½ years, the condition and the standing named", j.get("detail"))
    R.check(sum(1 for e in j.get("errors", []) if e["code"] == "condition_not_met") == 3 and
            any(e["message"] == want for e in j["errors"]), "one error per unmet alternative", j.get("errors"))
    st, j, _ = enrol(b4["id"], P["c4"]["id"], years_in_occupation=3, diploma="college_in_field")
    R.check(st == 201, "三级: 四级 + 大专 + 2 years after 四级", j)
    st, j, _ = enrol(b4["id"], P["c5"]["id"], years_in_occupation=3)
    R.check(st == 201, "三级: 5 years after 四级", j)
    st, j, _ = enrol(b4["id"], P["c1"]["id"], years_in_occupation=20, diploma="senior_technical_school")
    R.check(st == 422 and "无四级证书" in j["detail"], "三级 without 四级: refused whatever the years", j)
    st, j, _ = enrol(b3["id"], P["c6"]["id"], years_in_occupation=1)
    R.check(st == 201, "四级: 4 years after 五级 (49 months)", j)
    st, j, _ = enrol(b3["id"], P["c7"]["id"], years_in_occupation=1)
    R.check(st == 422 and "取得五级证书后从事本职业满4年" in j["detail"] and "满3年11个月" in j["detail"], "四级: 47 months is not 4 years", j)
    st, j, _ = enrol(b3["id"], P["c7"]["id"], years_in_occupation=6)
    R.check(st == 201, "四级: 6 years in the occupation", j)
    st, j, _ = enrol(b3["id"], P["c2"]["id"], diploma="technical_school")
    R.check(st == 201, "四级 by a technical-school diploma (c2 examines for the body, not in this batch)", j)
    st, j, _ = enrol(b3["id"], P["outsider"]["id"], diploma="technical_school")
    R.check(st == 201, "四级: technical-school diploma", j)
    st, j, _ = enrol(b5["id"], P["c8"]["id"], years_in_occupation=4)
    R.check(st == 201, "二级: 4 years after 三级", j)
    st, j, _ = enrol(b5["id"], P["c5"]["id"], years_in_occupation=9)
    R.check(st == 422 and "申报二级（技师）需满足其一" in j["detail"] and "预备技师" in j["detail"], "二级 refused", j)
    st, j, _ = enrol(b5["id"], P["c3"]["id"], years_in_occupation=2, diploma="preparatory_technician")
    R.check(st == 201, "二级: 预备技师 + 2 years", j)
    st, j, _ = enrol(b6["id"], P["c9"]["id"], years_in_occupation=4)
    R.check(st == 201, "一级: 4 years after 二级", j)
    st, j, _ = enrol(b6["id"], P["c8"]["id"], years_in_occupation=30)
    R.check(st == 422 and j["detail"].startswith("申报一级（高级技师）需满足：") and "无二级证书" in j["detail"], "一级 refused", j)
    st, j, _ = enrol(b3["id"], P["c4"]["id"], years_in_occupation=10)
    R.check(st == 422 and ("person_id", "already_certified") in codes(j), "holder of 四级 cannot apply for 四级", j)
    st, j, _ = enrol(b3["id"], P["c1"]["id"], years_in_occupation=2, diploma="phd", route="lucky")
    R.check(st == 422 and {("diploma", "invalid"), ("route", "invalid")} <= codes(j), "unknown diploma and route", j)
    st, j, _ = enrol(b3["id"], P["c1"]["id"], years_in_occupation=99)
    R.check(st == 422 and ("years_in_occupation", "out_of_range") in codes(j), "years 0-60", j)

    R.where = "conditions as data"
    d = tmpdir()
    shutil.copytree(os.path.join(ROOT, "data"), os.path.join(d, "data"))
    with open(os.path.join(d, "data", "level-conditions.csv"), "a", encoding="utf-8") as f:
        f.write(f"{WELDER},3,1,0,2,occupation,,焊工：从事本职业满2年\n")
        f.write(f"{MECHANIC},6,0,,,,,\n")
    r = T.srv.cli("init", "--db", T.srv.db, "--data", os.path.join(d, "data"))
    R.check(r.returncode == 0, "init with an occupation's own conditions", r.stderr.decode())
    st, j, _ = enrol(b3["id"], P["c1"]["id"], years_in_occupation=2)
    R.check(st == 201, "焊工 四级 now needs 2 years only (the occupation's row replaces the defaults)", j)
    st, j, _ = call("GET", f"/api/v1/level-conditions?occupation={WELDER}", tok=None)
    R.check(st == 200 and any(c["occupation"] == WELDER and c["level"] == 3 for c in j["items"]), "conditions listed", j)
    st, j, _ = call("PUT", f"/api/v1/evaluators/{T.orgs['y']}", {"body_type": "Y", "body_code": "0400", "site_serial": "000002",
                                                                 "employer_org_id": T.orgs["emp"],
                                                                 "pairs": [{"occupation": MECHANIC, "level": 6}, {"occupation": MECHANIC, "level": 7}]}, T.A)
    R.check(st == 422 and ("pairs[0].level", "level_not_offered") in codes(j) and ("pairs[1].level", "level_not_offered") in codes(j),
            "an occupation without 高级技师: neither it nor 特级技师 may be registered", j)
    with open(os.path.join(d, "data", "level-conditions.csv"), "a", encoding="utf-8") as f:
        f.write(",9,1,0,1,occupation,,坏行\n")
    r = T.srv.cli("init", "--db", T.srv.db, "--data", os.path.join(d, "data"))
    R.check(r.returncode != 0 and "level-conditions.csv" in r.stderr.decode() and "level" in r.stderr.decode(),
            "a bad conditions row names its row and column", r.stderr.decode())
    r = T.srv.cli("init", "--db", T.srv.db)
    R.check(r.returncode == 0, "init with the shipped conditions again", r.stderr.decode())
    st, j, _ = enrol(b3["id"], P["c10"]["id"], years_in_occupation=2)
    R.check(st == 422 and ("conditions", "conditions_not_met") in codes(j), "defaults back: 2 years is not enough", j)


def test_routes():
    R.where = "routes"
    P = T.P
    st, j, _ = enrol(T.b4, P["c2"]["id"], route="direct", basis="业绩突出", evidence_text="证明")
    R.check(st == 422 and ("route", "route_y_only") in codes(j), "S body: no direct recognition", j)
    st, j, _ = new_batch(T.Y, level=3, examiners=[P["yex"]["id"]], sup=P["ysup"]["id"])
    yb3 = j["id"]
    st, j, _ = enrol(yb3, P["y1"]["id"], tok=T.Y, route="direct", basis="业绩突出", evidence_text="证明")
    R.check(st == 422 and ("route", "direct_level") in codes(j), "direct only at 高级工 and above", j)
    st, j, _ = enrol(yb3, P["outsider"]["id"], tok=T.Y, years_in_occupation=7)
    R.check(st == 422 and ("person_id", "not_own_staff") in codes(j), "Y body: only its employer's staff", j)
    st, j, _ = enrol(yb3, P["y1"]["id"], tok=T.Y, years_in_occupation=7)
    R.check(st == 201, "Y body: own staff (employer written with other spaces and brackets)", j)
    st, yb4, _ = new_batch(T.Y, level=4, examiners=[P["yex"]["id"]], sup=P["ysup"]["id"], notice_days=0)
    T.yb4 = yb4["id"]
    st, j, _ = enrol(T.yb4, P["y2"]["id"], tok=T.Y, route="direct")
    R.check(st == 422 and {("basis", "required"), ("evidence_text", "required")} <= codes(j), "direct needs basis and evidence text", j)
    st, cd, _ = enrol(T.yb4, P["y2"]["id"], tok=T.Y, route="direct", basis="技能高超、业绩突出的一线职工", evidence_text="主持工艺改进三项")
    R.check(st == 201 and cd["route"] == "direct", "direct recognition at 高级工 without any prior certificate", cd)
    st, j, _ = enrol(T.yb4, P["y3"]["id"], tok=T.Y, route="exceptional", basis="because", evidence_text="x")
    R.check(st == 422 and ("basis", "invalid_basis") in codes(j), "exceptional needs a basis category", j)
    st, ce, _ = enrol(T.yb4, P["y3"]["id"], tok=T.Y, route="exceptional", basis="major_technical_problem", evidence_text="解决焊缝开裂难题")
    R.check(st == 201 and ce["basis_name"] == "解决重大工艺技术难题和重大质量问题", "exceptional promotion with a category", ce)
    for cid in (cd["id"], ce["id"]):
        score(T.yb4, cid, tok=T.Y, theory=80, practical=85)
    st, j, _ = step(T.yb4, "submit", T.Y)
    R.check(st == 422 and len([e for e in j["errors"] if e["code"] == "evidence_missing"]) == 2, "evidence files required before submit", j)
    data = os.urandom(1000) + "证明".encode()
    st, j, _ = call("PUT", f"/api/v1/batches/{T.yb4}/candidates/{cd['id']}/evidence?name=%E8%AF%81%E6%98%8E.pdf", data, T.Y)
    R.check(st == 200 and j["sha256"] == hashlib.sha256(data).hexdigest() and j["size"] == len(data) and j["name"] == "证明.pdf",
            "evidence stored with its SHA-256", j)
    st, j, _ = call("PUT", f"/api/v1/batches/{T.yb4}/candidates/{ce['id']}/evidence", b"x", T.Y)
    R.check(st == 422 and ("name", "required") in codes(j), "evidence needs a file name", j)
    st = headers_only("PUT", f"/api/v1/batches/{T.yb4}/candidates/{ce['id']}/evidence?name=a.pdf", 10 * 1024 * 1024 + 1, T.Y)
    R.check(st == 413, "evidence over 10 MiB: 413 before the body is read", st)
    st, j, _ = call("PUT", f"/api/v1/batches/{T.yb4}/candidates/{ce['id']}/evidence?name=a.pdf", b"\0" * (10 * 1024 * 1024), T.Y)
    R.check(st == 200 and j["size"] == 10 * 1024 * 1024, "exactly 10 MiB accepted", (st, j))
    st, body, h = call("GET", f"/api/v1/batches/{T.yb4}/candidates/{cd['id']}/evidence", tok=T.C, raw=True)
    R.check(st == 200 and body == data and h.get("x-content-sha256") == hashlib.sha256(data).hexdigest(), "county downloads the evidence", (st, h))
    st, j, _ = call("GET", f"/api/v1/audit?action=read.evidence", tok=T.A)
    R.check(st == 200 and any(e["actor"] == "hongta" for e in j["items"]), "evidence read audited", j.get("items", [])[:1])
    j = through(T.yb4, T.Y)
    st, j, _ = step(T.yb4, "issue", T.Y)
    R.check(st == 200 and j["state"] == "issued", "Y body issues its batch", j)
    st, j, _ = call("GET", f"/api/v1/batches/{T.yb4}/certificates", tok=T.Y)
    R.check(st == 200 and {c["route"] for c in j["items"]} == {"direct", "exceptional"} and all(c["number"].startswith("Y040053000002") for c in j["items"]),
            "certificates record their route, Y numbers", j)

    R.where = "特级技师 / 首席技师"
    st, j, _ = new_batch(T.Y, level=7, examiners=[P["yex"]["id"]], sup=P["ysup"]["id"], notice_days=0)
    R.check(st == 201, "Y body: 特级技师 batch", j)
    b7 = j["id"]
    st, j, _ = enrol(b7, P["y4"]["id"], tok=T.Y, years_in_occupation=30)
    R.check(st == 422 and ("route", "special_required") in codes(j), "特级技师 only by appointment (special)", j)
    st, j, _ = enrol(b7, P["y4"]["id"], tok=T.Y, route="special", basis="评聘决定", evidence_text="带徒30名")
    R.check(st == 422 and ("route", "needs_senior_technician") in codes(j), "special needs a valid 高级技师 certificate", j)
    st, j, _ = import_csv([hist(P["y4"], number("Y", "000002", 14, 1, 9100), "高级技师", "2014-06-01", body="精工认定站")])
    R.check(st == 200 and j["created"] == 1, "高级技师 imported for y4", j)
    st, cs, _ = enrol(b7, P["y4"]["id"], tok=T.Y, route="special", basis="企业评聘决定", evidence_text="带徒30名")
    R.check(st == 201 and cs["route"] == "special", "特级技师 appointed for a 高级技师 holder", cs)
    st, j, _ = enrol(T.yb4, P["y5"]["id"], tok=T.Y, route="special", basis="x", evidence_text="y")
    R.check(st == 409, "(issued batch: enrolment refused 409)", st)
    st, j, _ = score(b7, cs["id"], tok=T.Y, theory=90, practical=90)
    R.check(st == 422 and ("review", "required") in codes(j), "review required from 技师 up", j)
    st, j, _ = score(b7, cs["id"], tok=T.Y, theory=90, practical=90, review=95)
    st, j, _ = call("PUT", f"/api/v1/batches/{b7}/candidates/{cs['id']}/evidence?name=appoint.pdf", b"appointment", T.Y)
    through(b7, T.Y)
    st, j, _ = step(b7, "issue", T.city)
    st, j, _ = call("GET", f"/api/v1/batches/{b7}/certificates", tok=T.city)
    n7 = j["items"][0]["number"] if st == 200 and j["items"] else ""
    R.check(n7[15:16] == "0" and NUMBER_RE.match(n7) and j["items"][0]["level_name"] == "特级技师", "特级技师 number: level digit 0", n7)
    st, j, _ = call("GET", f"/api/v1/persons/{P['y4']['id']}", tok=T.A)
    R.check(st == 200 and j["level"] == 7 and j["occupation"] == WELDER, "derived level: 特级技师", j)


def test_scores_and_states():
    R.where = "scores"
    bid, cid = T.b_planned, T.c_planned
    st, j, _ = score(bid, cid, theory=101, practical=-1)
    R.check(st == 422 and {"theory", "practical"} <= fields(j), "scores 0-100", j)
    st, j, _ = score(bid, cid, theory=70, practical=80, review=90)
    R.check(st == 422 and ("review", "not_applicable") in codes(j), "no review below 技师", j)
    st, j, _ = score(bid, cid, theory=70)
    R.check(st == 422 and ("practical", "required") in codes(j), "practical required", j)
    st, j, _ = score(bid, cid, theory=59, practical=80)
    R.check(st == 200 and j["passed"] is False, "59 fails", j)
    st, j, _ = step(bid, "submit", T.E)
    R.check(st == 422 and any(e["code"] == "not_scored" for e in j["errors"]), "submit refused while a candidate has no scores", j)
    st, j, _ = call("GET", f"/api/v1/batches/{bid}", tok=T.E)
    for c in j["candidates"]:
        score(bid, c["id"], theory=75, practical=70)

    R.where = "state machine"
    reason = {"reason": "原因"}
    actions = {
        "enrol": lambda: enrol(bid, T.P["c7"]["id"], years_in_occupation=5),
        "score": lambda: score(bid, cid, theory=70, practical=70),
        "patch": lambda: call("PATCH", f"/api/v1/batches/{bid}", {"place": "新地点"}, T.E),
        "submit": lambda: step(bid, "submit", T.E),
        "review": lambda: step(bid, "review", T.C, {"decision": "pass"}),
        "return": lambda: step(bid, "return", T.city, reason),
        "notice": lambda: step(bid, "notice", T.city),
        "object": lambda: step(bid, "objections", T.C, {"content": "异议", "contact": "13800000000"}),
        "answer": lambda: call("POST", f"/api/v1/batches/{bid}/objections/999/answer", {"answer": "答复"}, T.city),
        "approve": lambda: step(bid, "approve", T.city),
        "issue": lambda: step(bid, "issue", T.E),
        "revoke": lambda: step(bid, "revoke", T.city, reason),
    }

    def wrong(state, names):
        for n in names:
            st, j, _ = actions[n]()
            R.check(st == 409 and j.get("code") == "conflict" and "批次当前为" in (j.get("detail") or ""),
                    f"{state}: {n} → 409 with the reason", (st, j))

    wrong("planned", ["review", "return", "notice", "object", "answer", "approve", "issue", "revoke"])
    st, j, _ = step(bid, "submit", T.E)
    R.check(st == 200 and j["state"] == "submitted", "submit", j)
    wrong("submitted", ["enrol", "score", "patch", "submit", "return", "notice", "object", "answer", "approve", "issue", "revoke"])
    st, j, _ = step(bid, "review", T.tok["qilin"], {"decision": "pass"})
    R.check(st == 404, "a county clerk of another region cannot review", st)
    st, j, _ = step(bid, "review", T.C, {"decision": "return"})
    R.check(st == 422 and ("reason", "required") in codes(j), "return needs a reason", j)
    st, j, _ = step(bid, "review", T.C, {"decision": "maybe"})
    R.check(st == 422 and ("decision", "invalid") in codes(j), "decision pass|return", j)
    st, j, _ = step(bid, "review", T.C, {"decision": "return", "reason": "成绩单缺少考评员签字"})
    R.check(st == 200 and j["state"] == "returned" and j["return_reason"] == "成绩单缺少考评员签字", "county returns with a reason", j)
    wrong("returned", ["review", "return", "notice", "approve", "issue", "object"])
    st, j, _ = score(bid, cid, theory=88, practical=90)
    R.check(st == 200 and j["passed"] is True, "the body fixes a score after the return", j)
    st, j, _ = call("PATCH", f"/api/v1/batches/{bid}", {"place": "红塔区第二考场"}, T.E)
    R.check(st == 200 and j["place"] == "红塔区第二考场", "and its plan", j)
    st, j, _ = step(bid, "submit", T.E)
    R.check(st == 200 and j["state"] == "submitted" and j["return_reason"] is None, "resubmitted", j)
    st, j, _ = step(bid, "review", T.C, {"decision": "pass"})
    R.check(st == 200 and j["state"] == "reviewed", "county passes", j)
    wrong("reviewed", ["enrol", "submit", "review", "object", "approve", "issue", "revoke"])
    st, j, _ = step(bid, "notice", T.C)
    R.check(st == 403, "a county clerk cannot start the notice", st)
    st, j, _ = step(bid, "notice", T.city)
    R.check(st == 200 and j["state"] == "notice" and j["notice_until"] > j["notice_from"], "city starts a 5-day notice", j)
    wrong("notice", ["enrol", "score", "submit", "review", "notice", "issue", "revoke"])
    st, j, _ = call("GET", "/api/v1/notices")
    mine = [x for x in j["items"] if x["batch_id"] == bid]
    R.check(st == 200 and mine and all("*" in c["name"] and "*" in c["id_number"] for c in mine[0]["candidates"]),
            "the notice is public, names and ID numbers masked", mine)
    st, j, _ = step(bid, "approve", T.city)
    R.check(st == 409 and "公示期" in j["detail"] and ("notice_until", "notice_running") in codes(j), "approve refused while the notice runs", j)
    # City returns during the notice; the body resubmits; a notice of 0 days this time.
    st, j, _ = step(bid, "return", T.city, {"reason": "公示期间发现考场记录不全"})
    R.check(st == 200 and j["state"] == "returned" and j["notice_from"] is None, "city returns during the notice", j)
    st, j, _ = call("PATCH", f"/api/v1/batches/{bid}", {"notice_days": 0}, T.E)
    for name, tok, body in [("submit", T.E, None), ("review", T.C, {"decision": "pass"}), ("notice", T.city, None)]:
        st, j, _ = step(bid, name, tok, body)
        R.check(st == 200, "again: " + name, j)
    st, o1, _ = step(bid, "objections", T.C, {"candidate_id": cid, "content": "反映考生成绩有误", "contact": "0877-2012345"})
    R.check(st == 201 and o1["candidate_id"] == cid and o1["answer"] is None, "county records an objection", o1)
    st, j, _ = step(bid, "objections", T.C, {"candidate_id": 999999, "content": "x", "contact": "y"})
    R.check(st == 422 and ("candidate_id", "not_found") in codes(j), "objection about an unknown candidate", j)
    st, j, _ = step(bid, "objections", T.C, {"content": ""})
    R.check(st == 422 and {"content", "contact"} <= fields(j), "objection needs content and contact", j)
    st, j, _ = step(bid, "approve", T.city)
    R.check(st == 409 and ("objections", "unanswered") in codes(j) and str(o1["id"]) in j["detail"], "approve refused with an unanswered objection", j)
    st, j, _ = call("POST", f"/api/v1/batches/{bid}/objections/{o1['id']}/answer", {"answer": "已核实，成绩无误"}, T.C)
    R.check(st == 403, "county cannot answer", st)
    st, j, _ = call("POST", f"/api/v1/batches/{bid}/objections/{o1['id']}/answer", {"answer": "已核实，成绩无误"}, T.city)
    R.check(st == 200 and j["answer"] == "已核实，成绩无误" and j["answered_by"] == "yuxi", "city answers", j)
    st, j, _ = call("POST", f"/api/v1/batches/{bid}/objections/{o1['id']}/answer", {"answer": "again"}, T.city)
    R.check(st == 409, "answered twice: 409", st)
    st, j, _ = step(bid, "approve", T.C)
    R.check(st == 403, "county cannot approve", st)
    st, j, _ = step(bid, "approve", T.city)
    R.check(st == 200 and j["state"] == "approved" and j["approved_on"] == TODAY.isoformat(), "approved after the notice and the answer", j)
    wrong("approved", ["enrol", "submit", "review", "return", "notice", "object", "answer", "approve"])
    st, j, _ = call("GET", f"/api/v1/batches/{bid}/certificates", tok=T.E)
    R.check(st == 200 and j["items"] and all(c["status"] == "pending" for c in j["items"]), "approved: certificates pending", j)
    T.pending = j["items"][0]["number"] if j.get("items") else ""
    T.pending_holder = j["items"][0]["holder_name"] if j.get("items") else ""
    T.b_flow = bid
    st, j, _ = call("GET", f"/api/v1/batches/{bid}", tok=T.E)
    ev = [(e["from"], e["to"]) for e in j["events"]]
    R.check(("submitted", "returned") in ev and ("notice", "returned") in ev and ev[-1] == ("notice", "approved")
            and all(e["actor"] and e["at"] for e in j["events"]), "event log: who, when, from, to", ev)


def test_numbers_issue_revoke():
    R.where = "numbers"
    P = T.P
    R.check(bool(NUMBER_RE.match(T.pending)) and T.pending.startswith(f"S040053000001{TODAY.year % 100:02d}5"),
            "22 characters: S, body code, 53, site, year of approval, level digit 5 (初级工)", T.pending)
    # An imported serial moves the counter on; a later approval continues after it.
    yy = TODAY.year % 100
    st, j, _ = import_csv([hist(P["lv"], number("S", "000001", yy, 3, 500), "三级", TODAY)])
    R.check(st == 200 and j["created"] == 1, "a certificate with serial 500 imported", j)
    st, j, _ = call("GET", f"/api/v1/batches/{T.b4}", tok=T.E)
    for c in j["candidates"]:
        score(T.b4, c["id"], theory=90, practical=90)
    call("PATCH", f"/api/v1/batches/{T.b4}", {"notice_days": 0}, T.E)
    through(T.b4)
    st, j, _ = call("GET", f"/api/v1/batches/{T.b4}/certificates", tok=T.E)
    serials = sorted(int(c["number"][-6:]) for c in j["items"])
    R.check(st == 200 and serials and serials[0] == 501 and serials == list(range(501, 501 + len(serials))),
            "serials continue after the imported one", serials)
    R.check(all(c["number"][:16] == f"S040053000001{yy:02d}3" for c in j["items"]), "三级 digit 3", [c["number"] for c in j["items"]])
    T.b4_certs = j["items"]
    st, j, _ = step(T.b4, "issue", T.E)
    R.check(st == 200 and j["issued_on"] == TODAY.isoformat(), "the body issues", j)
    st, j, _ = call("GET", f"/api/v1/certificates?batch={T.b4}", tok=T.E)
    R.check(st == 200 and j["items"] and all(c["status"] == "valid" and c["issued_on"] == TODAY.isoformat() for c in j["items"]),
            "issued: valid with issued_on", j)
    # Every printed field on the full record.
    num = T.b4_certs[0]["number"]
    st, j, _ = call("GET", f"/api/v1/certificates/{num}", tok=T.C)
    printed = {"holder_name", "id_type", "id_number", "occupation", "occupation_name", "direction", "level", "level_name",
               "national_level", "number", "body_name", "body_code", "body_type", "issued_on", "route", "status"}
    R.check(st == 200 and printed <= set(j) and j["id_type"] == "居民身份证" and "*" not in j["id_number"] and j["national_level"] == "三级",
            "the full record: every printed field, the ID number whole", j)
    st, a, _ = call("GET", f"/api/v1/audit?action=read.certificate&subject=certificate:{num}", tok=T.A)
    R.check(st == 200 and any(e["actor"] == "hongta" for e in a["items"]), "full read audited", a)
    st, j, _ = call("GET", "/api/v1/certificates?per_page=200", tok=T.A)
    nums = [c["number"] for c in j["items"]]
    R.check(st == 200 and len(nums) == len(set(nums)) and all("*" in c["id_number"] for c in j["items"]), "numbers unique; lists masked", len(nums))

    R.where = "derived levels"
    holder = T.b4_certs[0]["person_id"]
    st, p, _ = call("GET", f"/api/v1/persons/{holder}", tok=T.A)
    R.check(st == 200 and p["level"] == 4 and p["occupation"] == WELDER, "persons.level follows the highest valid certificate", p)
    st, j, _ = call("GET", f"/api/v1/persons?level_min=4&q={quote(p['name'])}", tok=T.C)
    R.check(st == 200 and [x["id"] for x in j["items"]] == [holder], "search finds the certified level", j)
    st, h, _ = call("GET", f"/api/v1/persons/{holder}/history", tok=T.A)
    upd = [e for e in h["items"] if e["action"] == "person.update" and (e["after"] or {}).get("reason", "").startswith("certificate:")]
    R.check(st == 200 and upd, "person.update audited with the certificate as the reason", h["items"][:2])
    st, j, _ = call("GET", f"/api/v1/persons/{holder}/certificates", tok=T.C)
    R.check(st == 200 and j["levels"] == [{"occupation": WELDER, "level": 4, "level_name": "高级工", "number": num}] or
            any(lv["level"] == 4 for lv in j.get("levels", [])), "person_levels: highest per occupation", j.get("levels"))
    # A higher certificate in another occupation, imported: the highest valid wins.
    st, j, _ = import_csv([hist(p, number("S", "000001", 24, 2, 777), "技师", "2024-01-15", occ=ELECTRICIAN)])
    st, p2, _ = call("GET", f"/api/v1/persons/{holder}", tok=T.A)
    R.check(p2["level"] == 5 and p2["occupation"] == ELECTRICIAN, "import raises the derived level", p2)

    R.where = "revoke"
    st, j, _ = call("POST", f"/api/v1/certificates/{number('S', '000001', 24, 2, 777)}/revoke", {"reason": "x"}, T.C)
    R.check(st == 403, "county cannot revoke", st)
    st, j, _ = call("POST", f"/api/v1/certificates/{number('S', '000001', 24, 2, 777)}/revoke", {}, T.city)
    R.check(st == 422 and ("reason", "required") in codes(j), "revoke needs a reason", j)
    st, j, _ = call("POST", f"/api/v1/certificates/{number('S', '000001', 24, 2, 777)}/revoke", {"reason": "材料造假"}, T.city)
    R.check(st == 200 and j["status"] == "revoked" and j["revoked_on"] == TODAY.isoformat() and j["revoke_reason"] == "材料造假", "revoked", j)
    st, j, _ = call("POST", f"/api/v1/certificates/{number('S', '000001', 24, 2, 777)}/revoke", {"reason": "again"}, T.city)
    R.check(st == 409, "revoked twice: 409", st)
    st, p3, _ = call("GET", f"/api/v1/persons/{holder}", tok=T.A)
    R.check(p3["level"] == 4 and p3["occupation"] == WELDER, "back to the next highest valid certificate", p3)
    # The whole batch.
    st, j, _ = step(T.b4, "revoke", T.C, {"reason": "x"})
    R.check(st == 403, "county cannot revoke a batch", st)
    st, j, _ = step(T.b4, "revoke", T.city, {"reason": "考场组织违规，整批撤销"})
    R.check(st == 200 and j["state"] == "revoked", "batch revoked", j)
    st, j, _ = call("GET", f"/api/v1/batches/{T.b4}/certificates", tok=T.city)
    R.check(st == 200 and j["items"] and all(c["status"] == "revoked" and c["revoke_reason"] == "考场组织违规，整批撤销" for c in j["items"]),
            "every certificate of the batch revoked", j)
    st, p4, _ = call("GET", f"/api/v1/persons/{holder}", tok=T.A)
    st, pc, _ = call("GET", f"/api/v1/persons/{holder}/certificates", tok=T.A)
    R.check(p4["level"] == 3 or (p4["level"] == 0 and not pc["levels"]), "derived level falls back (四级 held before, or none)", (p4["level"], pc.get("levels")))
    st, j, _ = step(T.b4, "revoke", T.city, {"reason": "again"})
    R.check(st == 409, "revoked batch: revoke again 409", st)
    st, j, _ = step(T.b4, "issue", T.E)
    R.check(st == 409, "revoked batch: issue 409", st)
    # Serials are never reused: the next approval at that prefix goes on from the highest.
    st, b, _ = new_batch(T.E, level=4, notice_days=0)
    st, c, _ = enrol(b["id"], P["c5"]["id"], years_in_occupation=3)
    if st != 201:  # c5's certificate in the revoked batch is gone; 四级 + 5 years still holds
        R.check(False, "enrol c5 again", c)
    else:
        score(b["id"], c["id"], theory=90, practical=90)
        through(b["id"])
        st, j, _ = call("GET", f"/api/v1/batches/{b['id']}/certificates", tok=T.E)
        s = int(j["items"][0]["number"][-6:]) if j.get("items") else 0
        R.check(s == serials[-1] + 1, "after revocation the serial is not reused", (s, serials))
        T.b_pending2 = b["id"]
    # An XLSX of the batch's certificates.
    st, body, h = call("GET", f"/api/v1/batches/{T.b4}/certificates?format=xlsx", tok=T.E, raw=True)
    ok = st == 200 and body[:2] == b"PK"
    if ok:
        z = zipfile.ZipFile(io.BytesIO(body))
        ok = any("证书编号" in z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    R.check(ok and h.get("x-export-rows") == str(len(T.b4_certs)), "XLSX export of the batch's certificates", (st, h))
    st, a, _ = call("GET", "/api/v1/audit?action=export.certificates", tok=T.A)
    R.check(st == 200 and a["items"], "export audited", a)


def test_verify_and_import():
    R.where = "verify"
    st, j, _ = call("GET", f"/api/v1/certificates?status=valid&per_page=1", tok=T.A)
    valid = j["items"][0]
    st, j, _ = call("GET", f"/api/v1/verify?number={valid['number']}&name={quote(valid['holder_name'])}")
    R.check(st == 200 and j["result"] == "valid" and j["holder"] != valid["holder_name"] and "*" in j["holder"]
            and j["occupation_name"] and j["body_name"] and j["issued_on"], "verify: valid, holder masked", j)
    R.check(set(j) >= {"result", "number", "holder", "occupation_name", "level_name", "body_name", "issued_on", "revoked_on"}, "verify fields", j)
    st, j, _ = call("GET", f"/api/v1/verify?number={valid['number'].lower()}&name={quote(valid['holder_name'])}")
    R.check(st == 200 and j["result"] == "valid", "lower-case letter forgiven", j)
    st, j, _ = call("GET", f"/api/v1/certificates?status=revoked&per_page=1", tok=T.A)
    rv = j["items"][0]
    st, j, _ = call("GET", f"/api/v1/verify?number={rv['number']}&name={quote(rv['holder_name'])}")
    R.check(st == 200 and j["result"] == "revoked" and j["revoked_on"], "verify: revoked", j)
    st, j, _ = call("GET", f"/api/v1/verify?number={T.pending}&name={quote(T.pending_holder)}")
    R.check(st == 200 and j["result"] == "pending" and j["issued_on"] is None, "verify: pending (approved, not issued)", j)
    st1, b1, h1 = call("GET", f"/api/v1/verify?number={valid['number']}&name=%E9%94%99%E5%90%8D", raw=True)
    st2, b2, h2 = call("GET", "/api/v1/verify?number=S040053000001269999999&name=%E9%94%99%E5%90%8D", raw=True)
    st3, b3, h3 = call("GET", f"/api/v1/verify?number=S040053000001269999999&name={quote(valid['holder_name'])}", raw=True)
    R.check(st1 == st2 == st3 == 200 and b1 == b2 == b3 and b"not_found" in b1 and h1.get("content-type") == h2.get("content-type"),
            "a wrong name answers exactly the bytes of an unknown number", (b1, b2))
    st, j, _ = call("GET", "/api/v1/verify")
    R.check(st == 422 and {"number", "name"} <= fields(j), "number and name required", j)
    st, j, _ = call("GET", "/api/v1/verify/stats", tok=T.A)
    got = {x["result"]: x["count"] for x in j["items"] if x["day"] == TODAY.isoformat()}
    R.check(st == 200 and got.get("valid", 0) >= 2 and got.get("not_found", 0) >= 3 and got.get("pending") == 1, "verifications counted", got)
    st, j, _ = call("GET", "/api/v1/verify/stats", tok=T.C)
    R.check(st == 403, "counts: administrators only", st)
    st, a, _ = call("GET", "/api/v1/audit?action=read.certificate&actor=system", tok=T.A)
    R.check(st == 200, "(audit list)", st)

    R.where = "import"
    P = T.P
    far = P["far"]
    bad = [
        ["S04005300000126", P["c1"]["name"], P["c1"]["id_number"], WELDER, "五级", "红塔评价中心", "2020-01-01", "", "", ""],
        [number("S", "000001", 20, 4, 8001), P["c1"]["name"], P["c1"]["id_number"], WELDER, "三级", "红塔评价中心", "2020-01-01", "", "", ""],
        [number("S", "000001", 20, 5, 8002), "别人", P["c1"]["id_number"], WELDER, "五级", "红塔评价中心", "2020-01-01", "", "", ""],
        [number("S", "000001", 20, 5, 8003), "无名", make_id("530402", "19990101", 998), WELDER, "五级", "红塔评价中心", "2020-01-01", "", "", ""],
        [number("S", "000001", 20, 5, 8004), P["c1"]["name"], P["c1"]["id_number"], WELDER, "五级", "红塔评价中心", "2020-01-01", "", "", ""],
        [number("S", "000001", 20, 5, 8004), P["c2"]["name"], P["c2"]["id_number"], WELDER, "五级", "红塔评价中心", "2020-01-01", "", "", ""],
        [number("S", "000001", 20, 5, 8005), P["c2"]["name"], P["c2"]["id_number"], WELDER, "五级", "红塔评价中心", "2020-01-01", "已注销", "", ""],
        [number("S", "000001", 20, 5, 8006), P["c3"]["name"], P["c3"]["id_number"], WELDER, "五级", "红塔评价中心", "2020-13-01", "", "", ""],
        [number("S", "000001", 20, 5, 8007), P["c3"]["name"], P["c3"]["id_number"], WELDER, "五级", make_uscc("530402", "MA9999999"), "2020-01-01", "", "", ""],
        [number("S", "000001", 20, 4, 9001), P["c3"]["name"], P["c3"]["id_number"], WELDER, "四级", "红塔评价中心", "2020-01-01", "", "", ""],
        [number("S", "000001", 20, 5, 8008), P["c3"]["name"], P["c3"]["id_number"], "不存在", "五级", "红塔评价中心", "2020-01-01", "", "", ""],
    ]
    st, j, _ = import_csv(bad)
    rep = j.get("report", {})
    got = {(e["row"], e["column"], e["code"]) for e in rep.get("errors", [])}
    want = {(2, "证书编号", "number_length"), (3, "证书编号", "level_mismatch"), (4, "姓名", "name_mismatch"),
            (5, "身份证号", "not_registered"), (7, "证书编号", "duplicate_in_file"), (8, "注销日期", "required"),
            (8, "注销原因", "required"), (9, "发证日期", "invalid_date"), (10, "评价机构", "unknown_body"),
            (11, "证书编号", "duplicate"), (12, "职业编码", "unknown_occupation")}
    R.check(st == 422 and want <= got and rep["rejected"] == 10 and not rep["committed"], "every bad row by row and column", sorted(got))
    st, j, _ = call("GET", f"/api/v1/certificates?person={P['c1']['id']}", tok=T.A)
    R.check(st == 200 and not any(c["number"] == number("S", "000001", 20, 5, 8004) for c in j["items"]), "all or nothing: nothing written", j)
    st, j, _ = import_csv(bad, query="?partial=1")
    R.check(st == 200 and j["created"] == 1 and j["rejected"] == 10 and j["committed"], "partial: the good row written", j)
    st, j, _ = import_csv([hist(far, number("S", "000009", 21, 5, 1, code="0300"), "初级工", "2021-03-01", body="麒麟评价中心")], query="?dry_run=1")
    R.check(st == 200 and j["created"] == 1 and not j["committed"], "dry run: checked, not written", j)
    st, j, _ = import_csv([hist(far, number("S", "000009", 21, 5, 1, code="0300"), "初级工", "2021-03-01", body="麒麟评价中心")], tok=T.C)
    R.check(st == 422 and j["report"]["errors"][0]["code"] == "not_registered", "a county clerk imports only people of its county", j)
    gb = ("证书编号,姓名,身份证号,职业名称,技能等级,评价机构,发证日期,状态\r\n" +
          f"{number('S', '000009', 21, 5, 1, code='0300')},{far['name']},{far['id_number']},焊工,五级/初级工,麒麟评价中心,2021/3/1,有效\r\n").encode("gb18030")
    st, j, _ = call("POST", "/api/v1/imports/certificates", gb, T.A)
    R.check(st == 200 and j["created"] == 1 and j["encoding"] == "gb18030", "GB18030 CSV, 职业名称, 2021/3/1", j)
    T.far_number = number('S', '000009', 21, 5, 1, code='0300')
    st, j, _ = call("POST", "/api/v1/imports/certificates", gb, T.A)
    R.check(st == 422 and j["report"]["errors"][0]["code"] == "duplicate", "the same file twice: refused as duplicates", j)
    st, j, _ = call("POST", "/api/v1/imports/certificates", b"", T.A)
    R.check(st == 400, "empty body 400", st)
    d = tmpdir()
    path = os.path.join(d, "历史证书.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("证书编号,姓名,身份证号,职业编码,技能等级,评价机构,发证日期\n")
        f.write(f"{number('S', '000001', 19, 5, 8100)},{P['c2']['name']},{P['c2']['id_number']},{WELDER},五级,红塔评价中心,2019-05-01\n")
    r = T.srv.cli("import", "certificates", path, "--db", T.srv.db)
    R.check(r.returncode == 0 and '"created": 1' in r.stdout.decode(), "CLI: jineng import certificates", r.stdout.decode() + r.stderr.decode())
    r = T.srv.cli("import", "certificates", path, "--db", T.srv.db)
    R.check(r.returncode == 1 and "第2行" in r.stderr.decode() and "证书编号" in r.stderr.decode(), "CLI: duplicate refused with row and column", r.stderr.decode())


def test_scope():
    R.where = "scope"
    st, j, _ = call("GET", "/api/v1/batches?per_page=200", tok=T.E)
    R.check(st == 200 and j["items"] and all(b["org_id"] == T.orgs["s"] for b in j["items"]), "a body lists only its own batches", j.get("total"))
    st, j, _ = call("GET", f"/api/v1/batches/{T.yb4}", tok=T.E)
    R.check(st == 404, "another body's batch: 404", st)
    st, j, _ = enrol(T.qbatch, T.P["c1"]["id"], years_in_occupation=3)
    R.check(st == 404, "enrolling into another body's batch: 404", st)
    st, j, _ = call("GET", f"/api/v1/batches/{T.yb4}/candidates/1/evidence", tok=T.E)
    R.check(st == 404, "another body's evidence: 404", st)
    st, j, _ = call("GET", "/api/v1/certificates?per_page=200", tok=T.E)
    R.check(st == 200 and j["items"] and all(c["body_org_id"] == T.orgs["s"] for c in j["items"]), "a body lists its own certificates", j.get("total"))
    st, j, _ = call("GET", f"/api/v1/certificates/{T.far_number}", tok=T.E)
    R.check(st == 404, "a body cannot read another's certificate", st)
    st, j, _ = call("GET", "/api/v1/batches?per_page=200", tok=T.tok["qilin"])
    R.check(st == 200 and [b["id"] for b in j["items"]] == [T.qbatch], "a county clerk sees its region's batches", j)
    st, j, _ = call("GET", f"/api/v1/batches/{T.b_flow}", tok=T.tok["qilin"])
    R.check(st == 404, "and no other region's", st)
    st, j, _ = call("GET", "/api/v1/certificates?per_page=200", tok=T.C)
    R.check(st == 200 and j["items"] and T.far_number not in [c["number"] for c in j["items"]], "county: certificates of its region's holders", j.get("total"))
    st, j, _ = call("GET", f"/api/v1/certificates/{T.far_number}", tok=T.tok["qilin"])
    R.check(st == 200, "qilin reads its holder's certificate", st)
    st, j, _ = call("GET", f"/api/v1/certificates/{T.far_number}", tok=T.C)
    R.check(st == 404, "hongta cannot", st)
    st, j, _ = call("GET", "/api/v1/certificates?per_page=200", tok=T.tok["worker"])
    R.check(st == 200 and all(c["person_id"] == T.P["wk"]["id"] for c in j["items"]), "a worker sees only their own", j)
    st, j, _ = call("GET", f"/api/v1/persons/{T.P['wk']['id']}/certificates", tok=T.tok["worker"])
    R.check(st == 200 and j["person_id"] == T.P["wk"]["id"], "a worker's own certificates", j)
    st, j, _ = call("GET", f"/api/v1/persons/{T.P['c1']['id']}/certificates", tok=T.tok["worker"])
    R.check(st == 404, "nobody else's", st)
    st, j, _ = call("GET", "/api/v1/batches", tok=T.tok["qiye"])
    R.check(st == 403, "an employer has no batches", st)


NEW = ("/api/v1/evaluators", "/api/v1/batches", "/api/v1/certificates", "/api/v1/verify", "/api/v1/notices",
       "/api/v1/level-conditions", "/api/v1/imports/certificates", "/api/v1/persons/{id}/certificates")


def test_route_roles():
    R.where = "route x role"
    st, doc, _ = call("GET", "/api/v1/openapi.json")
    ops = [(m.upper(), p, op) for p, item in doc["paths"].items() for m, op in item.items() if p.startswith(NEW)]
    R.check(len(ops) >= 31, "the certification routes are documented", len(ops))
    for m, p, op in ops:
        params = {x["name"] for x in op.get("parameters", []) if x["in"] == "path"}
        R.check(params == set(re.findall(r"{(\w+)}", p)), f"{m} {p}: path parameters documented", params)
        if op.get("requestBody"):
            ref = list(op["requestBody"]["content"].values())[0]["schema"].get("$ref", "")
            R.check(not ref or ref.split("/")[-1] in doc["components"]["schemas"], f"{m} {p}: body schema exists", ref)
    tokens = {"anon": None, "admin": T.A, "county": T.C, "evaluator": T.E, "trainer": T.tok["peixun"],
              "employer": T.tok["qiye"], "worker": T.tok["worker"]}
    subst = {"{id}": "999999", "{cid}": "1", "{oid}": "1", "{org_id}": str(T.orgs["q"]), "{number}": T.far_number}
    for m, p, op in ops:
        allowed = op.get("x-roles")
        for role, tok in tokens.items():
            path = p.replace("/persons/{id}", f"/persons/{T.P['far']['id']}")
            for k, v in subst.items():
                path = path.replace(k, v)
            body = b"" if "imports" in p else ({} if m in ("POST", "PATCH", "PUT") else None)
            st, j, _ = call(m, path, body, tok)
            if allowed is None:
                R.check(st not in (401, 403), f"{role} {m} {p} public", st)
            elif role == "anon":
                R.check(st == 401, f"anon {m} {p} → 401", st)
            elif role not in allowed:
                R.check(st == 403, f"{role} {m} {p} → 403", st)
            else:
                R.check(st not in (401, 403), f"{role} {m} {p} allowed", (st, j))
                if "{" in p and role != "admin":
                    R.check(st == 404, f"{role} {m} {p}: out of scope → 404", (st, j))


def test_cli():
    R.where = "cli"
    db = T.srv.db
    P = T.P

    def cli(*args):
        return T.srv.cli(*args, "--db", db)

    r = cli("batch", "create", "--as", "pj", "--occupation", WELDER, "--level", "2", "--exam-from", str(TODAY),
            "--place", "命令行考场", "--examiner", str(P["ex1"]["id"]), "--supervisor", str(P["sup"]["id"]), "--notice-days", "0")
    R.check(r.returncode == 0 and '"state": "planned"' in r.stdout.decode(), "batch create --as pj", r.stdout.decode() + r.stderr.decode())
    import json
    bid = json.loads(r.stdout)["id"] if r.returncode == 0 else 0
    r = cli("batch", "enrol", str(bid), "--as", "pj", "--person", str(P["y5"]["id"]), "--years", "0")
    R.check(r.returncode == 1 and "conditions" in r.stderr.decode() and "满1年" in r.stderr.decode(), "enrol refused: conditions on stderr, exit 1", r.stderr.decode())
    r = cli("batch", "enrol", str(bid), "--as", "pj", "--id-number", P["y5"]["id_number"], "--years", "3")
    R.check(r.returncode == 0, "enrol", r.stderr.decode())
    cid = json.loads(r.stdout)["id"] if r.returncode == 0 else 0
    for args in [("score", str(bid), str(cid), "--as", "pj", "--theory", "80", "--practical", "85"),
                 ("submit", str(bid), "--as", "pj"), ("review", str(bid), "--as", "hongta", "--decision", "pass"),
                 ("notice", str(bid), "--as", "yuxi"),
                 ("object", str(bid), "--as", "hongta", "--content", "命令行异议", "--contact", "13800000000")]:
        r = cli("batch", *args)
        R.check(r.returncode == 0, "batch " + args[0], r.stderr.decode())
    oid = json.loads(r.stdout)["id"] if r.returncode == 0 else 0
    r = cli("batch", "approve", str(bid), "--as", "yuxi")
    R.check(r.returncode == 1 and "异议" in r.stderr.decode(), "approve refused with an open objection", r.stderr.decode())
    for args in [("answer", str(bid), str(oid), "--as", "yuxi", "--answer", "已核实"), ("approve", str(bid), "--as", "yuxi"),
                 ("issue", str(bid), "--as", "pj")]:
        r = cli("batch", *args)
        R.check(r.returncode == 0, "batch " + args[0], r.stderr.decode())
    r = cli("batch", "show", str(bid), "--as", "qilin")
    R.check(r.returncode == 1, "show out of scope: exit 1", r.returncode)
    r = cli("batch", "list", "--as", "pj", "--state", "issued")
    R.check(r.returncode == 0 and str(bid) in r.stdout.decode(), "batch list", r.stderr.decode())
    r = cli("cert", "list", "--batch", str(bid))
    num = json.loads(r.stdout)["items"][0]["number"] if r.returncode == 0 else ""
    R.check(r.returncode == 0 and NUMBER_RE.match(num), "cert list (system)", r.stdout.decode()[:200])
    r = cli("cert", "show", num, "--as", "worker")
    R.check(r.returncode == 1, "a worker cannot see another's certificate", r.returncode)
    r = cli("cert", "revoke", num, "--as", "hongta", "--reason", "x")
    R.check(r.returncode == 1 and "forbidden" in r.stderr.decode(), "county cannot revoke (CLI)", r.stderr.decode())
    r = cli("cert", "revoke", num, "--as", "yuxi", "--reason", "命令行注销")
    R.check(r.returncode == 0 and '"status": "revoked"' in r.stdout.decode(), "cert revoke --as yuxi", r.stderr.decode())
    r = cli("evaluator", "show", str(T.orgs["s"]), "--as", "pj")
    R.check(r.returncode == 0 and "S040053000001" in r.stdout.decode(), "evaluator show", r.stderr.decode())
    r = cli("evaluator", "register", str(T.orgs["q"]), "--as", "qilin", "--type", "S", "--code", "0300", "--site", "000009",
            "--pair", f"{WELDER}:2-3")
    R.check(r.returncode == 1, "county cannot register (CLI)", r.returncode)
    r = cli("evaluator", "register", str(T.orgs["q"]), "--type", "S", "--code", "0300", "--site", "000009", "--pair", f"{WELDER}:2-3",
            "--pair", "电工:2,3")
    R.check(r.returncode == 0 and r.stdout.decode().count('"level"') == 4, "evaluator register (system) with ranges and names", r.stdout.decode()[-300:])
    r = cli("evaluator", "staff", str(T.orgs["q"]), "--id-number", P["far"]["id_number"], "--role", "supervisor")
    R.check(r.returncode == 0, "evaluator staff", r.stderr.decode())
    for args in [("batch", "frobnicate", "1"), ("batch",), ("cert", "show"), ("evaluator", "register", "x"), ("batch", "submit", "1", "--bogus", "1")]:
        r = cli(*args)
        R.check(r.returncode == 2, "usage error exits 2: " + " ".join(args), r.returncode)
    r = cli("batch", "submit", "1", "--as", "nobody")
    R.check(r.returncode == 1 and "nobody" in r.stderr.decode(), "unknown --as account refused", (r.returncode, r.stderr.decode()))
    for cmd in ["evaluator", "batch", "cert"]:
        r = T.srv.cli(cmd, "--help")
        R.check(r.returncode == 0 and "--as" in r.stdout.decode(), f"{cmd} --help documents --as", r.stdout.decode()[:100])


def test_rate_limit():
    R.where = "rate limit"
    statuses, last = [], None
    for i in range(60):
        st, j, h = call("GET", "/api/v1/verify?number=S040053000001269999999&name=x")
        statuses.append(st)
        if st == 429:
            last = (j, h)
            break
    R.check(429 in statuses and statuses.count(200) >= 5, "the bucket empties: 429", statuses)
    if last:
        j, h = last
        R.check(h.get("retry-after", "").isdigit() and int(h["retry-after"]) >= 1, "Retry-After", h)
        R.check(j.get("code") == "rate_limited" and "秒" in j.get("detail", "") and h["content-type"].startswith("application/problem+json"),
                "a Chinese message", j)
    st, j, _ = call("GET", "/api/v1/notices")
    R.check(st == 200, "other public routes unaffected", st)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--db", required=True, help="sqlite:PATH or postgresql://… (empty database)")
    ap.add_argument("--db2")
    ap.add_argument("--db3")
    a = ap.parse_args()
    srv = Server(a.bin, a.db)
    try:
        setup(srv)
        test_registration()
        test_batches_and_conditions()
        test_routes()
        test_scores_and_states()
        test_numbers_issue_revoke()
        test_verify_and_import()
        test_scope()
        test_route_roles()
        test_cli()
        test_credentials()  # before the rate limit empties the address's bucket
        test_rate_limit()
        err = srv.stop()
        R.check("ERROR" not in err and "runtime error" not in err and "AddressSanitizer" not in err, "server stderr clean", err[-4000:])
        r = srv.cli("audit", "verify", "--db", a.db)
        R.check(r.returncode == 0, "audit chain verifies", r.stdout.decode() + r.stderr.decode())
    except Exception:  # a crash of the harness is a failure, not a pass
        import traceback
        traceback.print_exc()
        R.failed += 1
    finally:
        srv.stop()
    engine = "postgresql" if a.db.startswith("postgres") else "sqlite"
    print(f"cert-api[{engine}]: {R.passed} passed, {R.failed} failed")
    sys.exit(1 if R.failed else 0)



# ---- signed credentials (VC-JWT), the JWK Set and the printable PDF ----

def b64url_json(part):
    import base64
    import json
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_credentials():
    import json
    R.where = "credential"
    st, body, h = call("GET", "/.well-known/jwks.json", raw=True)
    jwks = json.loads(body) if st == 200 else {}
    keys = jwks.get("keys") or []
    R.check(st == 200 and keys and all(k.get("kid") and k.get("alg") == "EdDSA" and k.get("kty") == "OKP" and "d" not in k
                                       for k in keys), "GET /.well-known/jwks.json: ≥1 public EdDSA key with kid", (st, body[:300]))
    st, j, _ = call("GET", "/api/v1/certificates?status=valid&per_page=1", tok=T.C)
    cert = (j.get("items") or [{}])[0] if st == 200 else {}
    num = cert.get("number", "")
    R.check(bool(NUMBER_RE.match(num)), "a valid certificate of 红塔's region", j)
    nm = quote(cert.get("holder_name", ""))
    st, j, _ = call("GET", f"/api/v1/certificates/{num}/credential")
    R.check(st == 422 and j.get("code") == "invalid_input" and any(e["field"] == "name" and e["code"] == "required"
                                                                for e in j.get("errors", [])),
            "credential without login and without the holder's name: 422 naming the field", (st, j))
    st1, b1, _ = call("GET", f"/api/v1/certificates/{num}/credential?name=%E9%94%99%E5%90%8D", raw=True)
    st2, b2, _ = call("GET", f"/api/v1/certificates/{number('S', '000001', 26, 5, 999997)}/credential?name={nm}", raw=True)
    R.check(st1 == st2 == 404 and b1 == b2, "a wrong name gets exactly the answer of an unknown number", (st1, b1, st2, b2))
    st, jwt_own, _ = call("GET", f"/api/v1/certificates/{num}/credential", tok=T.C, raw=True)
    R.check(st == 200 and jwt_own.count(b".") == 2, "signed in, in scope: the credential without the name", (st, jwt_own[:200]))
    st, j, _ = call("GET", f"/api/v1/certificates/{num}/credential", tok=T.tok["qilin"])
    R.check(st == 404, "signed in, out of scope (another county): 404", (st, j))
    st, jwt, h = call("GET", f"/api/v1/certificates/{num}/credential?name={nm}", raw=True)
    parts = jwt.decode(errors="replace").split(".")
    R.check(st == 200 and h.get("content-type", "").startswith("application/jwt") and len(parts) == 3,
            "credential: 200 application/jwt, a compact JWS (public)", (st, h.get("content-type"), jwt[:200]))
    if len(parts) == 3:
        hd, pl = b64url_json(parts[0]), b64url_json(parts[1])
        subj = pl.get("vc", {}).get("credentialSubject", {})
        R.check(hd.get("alg") == "EdDSA" and hd.get("kid") in {k.get("kid") for k in keys}, "header: EdDSA, a kid of the JWK Set", hd)
        R.check(pl.get("sub") == num and pl.get("iss", "").startswith("urn:jineng:issuer:") and subj.get("certificateNumber") == num
                and subj.get("name") == cert.get("holder_name") and "*" in subj.get("idNumberMasked", ""),
                "payload: number, issuer, holder, the ID number masked", pl)
        st2, full, _ = call("GET", f"/api/v1/certificates/{num}", tok=T.C)
        R.check(st2 == 200 and full["id_number"] not in jwt.decode(errors="replace") and
                full["id_number"] not in json.dumps(pl, ensure_ascii=False), "the full ID number is nowhere in the credential", pl)
        status_url = pl.get("vc", {}).get("credentialStatus", {}).get("id", "")
        R.check(status_url.endswith(f"/verify?number={num}") and "/api/" not in status_url and "127.0.0.1" in status_url,
                "credentialStatus: the verification URL with the request's Host", status_url)
    d = tmpdir()
    try:
        jf, cf, bf = os.path.join(d, "jwks.json"), os.path.join(d, "cert.jwt"), os.path.join(d, "bad.jwt")
        with open(jf, "wb") as f:
            f.write(body if keys else b"{}")
        with open(cf, "wb") as f:
            f.write(jwt)
        bad = bytearray(jwt)
        if len(parts) == 3:  # one byte of the payload changed
            i = len(parts[0]) + 1 + len(parts[1]) // 2
            bad[i] = ord("A") if bad[i] != ord("A") else ord("B")
        with open(bf, "wb") as f:
            f.write(bytes(bad))
        r = T.srv.cli("verify-credential", cf, "--jwks", jf)
        R.check(r.returncode == 0, "jineng verify-credential FILE --jwks: the credential verifies offline",
                r.stdout.decode() + r.stderr.decode())
        r = T.srv.cli("verify-credential", bf, "--jwks", jf)
        R.check(r.returncode != 0, "one changed byte: refused", (r.returncode, r.stdout.decode() + r.stderr.decode()))
    finally:
        shutil.rmtree(d, ignore_errors=True)
    st, j, _ = call("GET", "/api/v1/certificates?status=pending&per_page=1", tok=T.A)
    pending = (j.get("items") or [{}])[0].get("number", "")
    st, j, _ = call("GET", f"/api/v1/certificates/{pending}/credential", tok=T.A)
    R.check(bool(pending) and st == 404 and j.get("code") == "not_found", "a pending certificate: 404 problem", (pending, st, j))
    st, j, _ = call("GET", f"/api/v1/certificates/{number('S', '000001', 26, 5, 999998)}/credential?name={nm}")
    R.check(st == 404 and j.get("code") == "not_found", "an unknown number: 404 problem", (st, j))

    R.where = "certificate pdf"
    st, pdf, h = call("GET", f"/api/v1/certificates/{num}.pdf", tok=T.C, raw=True)
    cd = h.get("content-disposition", "")
    R.check(st == 200 and pdf[:5] == b"%PDF-" and h.get("content-type") == "application/pdf",
            "the county clerk in scope: a PDF", (st, h, pdf[:200]))
    R.check(cd.startswith("inline;") and f"filename*=UTF-8''%E8%AF%81%E4%B9%A6_{num}.pdf" in cd,
            "Content-Disposition inline, 证书_<number>.pdf (RFC 5987)", cd)
    st, a, _ = call("GET", f"/api/v1/audit?action=read.certificate.pdf&subject=certificate:{num}", tok=T.A)
    R.check(st == 200 and any(e["actor"] == "hongta" for e in a["items"]), "the PDF is audited read.certificate.pdf", a)
    st, j, _ = call("GET", f"/api/v1/certificates/{num}.pdf", tok=T.tok["qilin"])
    R.check(st in (403, 404), "another county's clerk: refused", st)
    st, j, _ = call("GET", f"/api/v1/certificates/{num}.pdf")
    R.check(st in (401, 403, 404), "anonymous: refused", st)
    st, j, _ = call("GET", f"/api/v1/certificates/{num}.pdf", tok=T.tok["qiye"])
    R.check(st == 403, "an employer: 403", st)
    st, j, _ = call("GET", f"/api/v1/certificates/{pending}.pdf", tok=T.A)
    R.check(st == 404, "a pending certificate has no PDF", st)
    st, j, _ = call("GET", "/api/v1/certificates?status=valid&per_page=1", tok=T.E)
    own = (j.get("items") or [{}])[0].get("number", "")
    st, pdf, _ = call("GET", f"/api/v1/certificates/{own}.pdf", tok=T.E, raw=True)
    R.check(bool(own) and st == 200 and pdf[:5] == b"%PDF-", "the issuing body: a PDF", (own, st))
    test_photo(num, cert)


def png(w, h, rgb=(200, 120, 60)):
    """A small valid PNG, made here."""
    import struct
    import zlib
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_photo(num, cert):
    """A worker's photo: uploaded by a clerk in scope or the worker, checked, audited, printed on the PDF."""
    R.where = "photo"
    st, full, _ = call("GET", f"/api/v1/certificates/{num}", tok=T.C)
    pid = full.get("person_id")
    st, pdf0, _ = call("GET", f"/api/v1/certificates/{num}.pdf", tok=T.C, raw=True)
    images0 = pdf0.count(b"/Subtype /Image")
    st, j, _ = call("GET", f"/api/v1/persons/{pid}/photo", tok=T.C)
    R.check(st == 404, "no photo yet: 404", (st, j))
    st, j, _ = call("PUT", f"/api/v1/persons/{pid}/photo", b"GIF89a not a photo", T.C)
    R.check(st == 422 and any(e["field"] == "photo" and e["code"] == "invalid_format" for e in j.get("errors", [])),
            "a GIF: 422 naming the photo and why", (st, j))
    st, j, _ = call("PUT", f"/api/v1/persons/{pid}/photo", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, T.C)
    R.check(st == 422 and any(e["code"] == "unreadable" for e in j.get("errors", [])),
            "a broken PNG: 422 unreadable with the renderer's reason", (st, j))
    st, j, _ = call("PUT", f"/api/v1/persons/{pid}/photo", b"", T.C)
    R.check(st == 422 and any(e["code"] == "empty" for e in j.get("errors", [])), "no body: 422 empty", (st, j))
    st = headers_only("PUT", f"/api/v1/persons/{pid}/photo", 2 * 1024 * 1024 + 1, T.C)
    R.check(st == 413, "more than 2 MiB: 413 before the body is read", st)
    st, j, _ = call("GET", f"/api/v1/persons/{pid}/photo", tok=T.C)
    R.check(st == 404, "rejected uploads left nothing behind", (st, j))
    img = png(358, 441)
    st, j, _ = call("PUT", f"/api/v1/persons/{pid}/photo", img, T.tok["qilin"])
    R.check(st == 404, "another county's clerk: 404", (st, j))
    st, j, _ = call("PUT", f"/api/v1/persons/{pid}/photo", img, T.tok["qiye"])
    R.check(st == 403, "an employer: 403", (st, j))
    st, j, _ = call("PUT", f"/api/v1/persons/{pid}/photo", img, T.C)
    R.check(st == 200 and j.get("mime") == "image/png" and j.get("size") == len(img) and
            j.get("sha256") == hashlib.sha256(img).hexdigest(), "the county clerk in scope: stored, with its SHA-256", (st, j))
    st, back, h = call("GET", f"/api/v1/persons/{pid}/photo", tok=T.C, raw=True)
    R.check(st == 200 and back == img and h.get("content-type") == "image/png", "read back byte for byte", (st, h))
    st, a, _ = call("GET", f"/api/v1/audit?subject=person:{pid}&action=person.photo", tok=T.A)
    R.check(st == 200 and a["items"] and a["items"][0]["actor"] == "hongta", "the upload is audited person.photo", a)
    st, a, _ = call("GET", f"/api/v1/audit?subject=person:{pid}&action=read.person.photo", tok=T.A)
    R.check(st == 200 and len(a["items"]) >= 1, "reading it is audited read.person.photo", a)
    st, pdf1, _ = call("GET", f"/api/v1/certificates/{num}.pdf", tok=T.C, raw=True)
    R.check(st == 200 and pdf1.count(b"/Subtype /Image") == images0 + 1,
            "the certificate PDF now carries the photo (one image more)", (images0, pdf1.count(b"/Subtype /Image")))
    wk = T.P["wk"]["id"]
    st, j, _ = call("PUT", f"/api/v1/persons/{wk}/photo", png(40, 50, (10, 10, 10)), T.tok["worker"])
    R.check(st == 200, "a worker sets their own photo", (st, j))
    st, j, _ = call("PUT", f"/api/v1/persons/{pid}/photo", img, T.tok["worker"]) if pid != wk else (404, {}, {})
    R.check(st == 404, "a worker cannot touch another's photo", (st, j))

    R.where = "cli documents"
    d = tmpdir()
    try:
        out = os.path.join(d, "c.pdf")
        r = T.srv.cli("cert", "pdf", num, "--out", out, "--site", "https://jineng.example.cn", "--as", "hongta",
                      "--db", T.srv.db)
        data = open(out, "rb").read() if os.path.exists(out) else b""
        R.check(r.returncode == 0 and data[:5] == b"%PDF-" and data.count(b"/Subtype /Image") == images0 + 1,
                "jineng cert pdf --as a clerk in scope: the PDF with the photo", r.stderr.decode())
        r = T.srv.cli("cert", "pdf", num, "--out", os.path.join(d, "x.pdf"), "--as", "qilin", "--db", T.srv.db)
        R.check(r.returncode == 1 and "not_found" in r.stderr.decode(), "jineng cert pdf --as another county: refused",
                r.stderr.decode())
        r = T.srv.cli("cert", "credential", num, "--db", T.srv.db)
        jf = os.path.join(d, "c.jwt")
        with open(jf, "wb") as f:
            f.write(r.stdout.strip())
        v = T.srv.cli("verify-credential", jf)
        R.check(r.returncode == 0 and r.stdout.count(b".") == 2 and v.returncode == 0,
                "jineng cert credential prints a credential that jineng verify-credential accepts",
                r.stderr.decode() + v.stdout.decode() + v.stderr.decode())
        r = T.srv.cli("cert", "photo", str(pid), jf, "--db", T.srv.db)
        R.check(r.returncode == 1 and "invalid_format" in r.stderr.decode(), "jineng cert photo with a non-image: refused",
                r.stderr.decode())
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
