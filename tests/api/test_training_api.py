#!/usr/bin/env python3
"""test_training_api.py — programmes, the subsidy catalogue and training classes
against a real server for one engine:
    test_training_api.py --bin build/jineng --db sqlite:/tmp/x.db | postgresql://…

Seed programmes with targets and seed references; admin-made programmes and
their limits; the catalogue version in force on a date; classes (sessions
within the dates and not overlapping, the standard from the catalogue);
real-name enrolment (wrong name, unregistered, capacity, a clash with another
class's sessions, a refused voucher changes nothing); attendance by the trainer
and by check-in code (wrong, malformed, expired); completion against each
programme's threshold and the worker's record; results and certificates;
trainer and worker scoping; imports of classes, rosters and attendance with row
and column errors and nothing changed; the CLI."""
import argparse
import datetime
import os
import sqlite3
import subprocess
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import Result, Server, make_id, make_uscc, tmpdir  # noqa: E402

R = Result()
PW = "correct-horse-9"
WELDER, COOK = "6-18-02-04", "4-03-02-01"
TODAY = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()


class T:
    pass


def login(user):
    st, j, _ = T.srv.request("POST", "/api/v1/session", {"username": user, "password": PW})
    assert st == 201, (user, st, j)
    return j["token"]


def call(m, path, body=None, tok=None):
    return T.srv.request(m, path, body, tok)


def codes(j):
    return {(e.get("field"), e.get("code")) for e in (j or {}).get("errors", [])}


def sql(query):
    """Runs one statement on the test database (to age a check-in code)."""
    db = T.srv.db
    if db.startswith("sqlite:"):
        c = sqlite3.connect(db[len("sqlite:"):])
        c.execute(query)
        c.commit()
        c.close()
    else:
        subprocess.run(["psql", db, "-q", "-c", query], check=True, capture_output=True)


def count(query):
    db = T.srv.db
    if db.startswith("sqlite:"):
        c = sqlite3.connect(db[len("sqlite:"):])
        v = c.execute(query).fetchone()[0]
        c.close()
        return v
    r = subprocess.run(["psql", db, "-tAq", "-c", query], check=True, capture_output=True)
    return int(r.stdout.decode().strip())


def day(n):
    return (TODAY + datetime.timedelta(days=n)).isoformat()


def sess(d, h1, h2):
    return {"starts_at": f"{d}T{h1}", "ends_at": f"{d}T{h2}"}


def setup(srv):
    R.where = "setup"
    r = srv.cli("init", "--db", srv.db)
    R.check(r.returncode == 0, "init", r.stderr.decode())
    r = srv.cli("user", "add", "--db", srv.db, "--username", "admin", "--role", "admin", stdin=(PW + "\n").encode())
    R.check(r.returncode == 0, "admin", r.stderr.decode())
    srv.start()
    T.admin = login("admin")
    T.orgs = {}
    for key, kind, region in [("ta", "trainer", "530402"), ("tb", "trainer", "530302"), ("emp", "employer", "530402"),
                              ("school", "school", "530402")]:
        st, j, _ = call("POST", "/api/v1/orgs", {"uscc": make_uscc(region, f"MA{len(T.orgs):07d}"),
                                                 "name": f"培训测试机构{key}", "kind": kind, "region": region}, T.admin)
        R.check(st == 201, "org " + key, j)
        T.orgs[key] = j["id"]
    T.p = {}
    for i, (region, ymd, name) in enumerate([("530402", "19850312", "张三"), ("530402", "19900101", "李四"),
                                             ("530402", "19880808", "王五"), ("530402", "19920202", "赵六"),
                                             ("530302", "19950505", "钱七"), ("530402", "19930303", "孙八")]):
        st, j, _ = call("POST", "/api/v1/persons", {"id_number": make_id(region, ymd, 100 + i), "name": name,
                                                    "region": region}, T.admin)
        R.check(st == 201, "person " + name, j)
        T.p[i] = j
    for u, role, extra in [("peixun", "trainer", ["--org", str(T.orgs["ta"])]),
                           ("peixun2", "trainer", ["--org", str(T.orgs["tb"])]),
                           ("hongta", "county", ["--region", "530402"]),
                           ("qilin", "county", ["--region", "530302"]),
                           ("zhang", "worker", ["--person", T.p[0]["id_number"]]),
                           ("li", "worker", ["--person", T.p[1]["id_number"]])]:
        r = srv.cli("user", "add", "--db", srv.db, "--username", u, "--role", role, *extra, stdin=(PW + "\n").encode())
        R.check(r.returncode == 0, "user " + u, r.stderr.decode())
    T.ta, T.tb, T.county, T.county2 = login("peixun"), login("peixun2"), login("hongta"), login("qilin")
    T.w0, T.w1 = login("zhang"), login("li")


def test_programmes():
    R.where = "programmes"
    st, j, _ = call("GET", "/api/v1/programmes", tok=T.admin)
    R.check(st == 200 and len(j["items"]) >= 30, "seed programmes listed", (st, j and len(j.get("items", []))))
    by = {(p["region"], p["name"]): p for p in j["items"]}
    rural = by.get(("530400", "农村劳动者就业技能培训"))
    R.check(rural and rural["category"] == "就业技能培训" and rural["seed"].startswith("002_")
            and rural["item"] == "（三）1" and rural["targets"] and rural["targets"][0]["target"] == 100000,
            "a seed programme carries its category, seed reference and targets", rural)
    R.check(by.get(("530300", "马兰花计划"), {}).get("category") == "创业培训", "马兰花计划 is 创业培训")
    R.check(by.get(("530300", "企业新型学徒制计划"), {}).get("category") == "企业新型学徒制", "学徒制")
    R.check(by.get(("530300", "培训基地"), {}).get("category") == "载体建设", "bases are 载体建设")
    R.check(by.get(("530400", "技能玉溪"), {}).get("category") == "规划目标", "headline plan is 规划目标")
    R.check(all(p["targets"] for p in j["items"]), "every seed programme has its targets")
    T.rural = rural["id"]
    T.qj = by[("530300", "马兰花计划")]["id"]
    st, j, _ = call("GET", "/api/v1/programmes?region=532500", tok=T.admin)
    R.check(st == 200 and j["items"] and all(p["region"].startswith("53") and p["region"] in ("532500", "530000")
                                             for p in j["items"]), "filter by region", j)
    st, j, _ = call("GET", "/api/v1/programmes?category=" + quote("创业培训"), tok=T.admin)
    R.check(st == 200 and len(j["items"]) == 2, "filter by category", j)
    st, j, _ = call("GET", "/api/v1/programmes?category=nonsense", tok=T.admin)
    R.check(st == 422 and ("category", "invalid_category") in codes(j), "bad category filter")
    # scope: a trainer and a county clerk see their city's, not another city's
    for who, tok in [("trainer", T.ta), ("county", T.county)]:
        st, j, _ = call("GET", "/api/v1/programmes", tok=tok)
        regions = {p["region"][:4] for p in j["items"]}
        R.check(st == 200 and regions == {"5304"}, f"{who} sees only 玉溪's programmes", regions)
        st, j, _ = call("GET", f"/api/v1/programmes/{T.qj}", tok=tok)
        R.check(st == 404, f"{who}: another city's programme is not found", st)
    st, j, _ = call("GET", "/api/v1/programmes", tok=T.w0)
    R.check(st == 403, "workers do not read programmes", st)
    # create
    bad = {"name": "", "category": "随便", "region": "999999", "min_attendance": 40,
           "targets": [{"unit": "people", "period": "20x5", "target": -1}]}
    st, j, _ = call("POST", "/api/v1/programmes", bad, T.admin)
    R.check(st == 422 and {("name", "required"), ("category", "invalid_category"), ("region", "unknown_region"),
                           ("min_attendance", "out_of_range"), ("targets[0].unit", "invalid_unit"),
                           ("targets[0].period", "invalid_period"), ("targets[0].target", "out_of_range")} <= codes(j),
            "bad programme: every field named", codes(j))
    good = {"name": "红塔区家政服务专项培训", "category": "就业技能培训", "region": "530402",
            "target_groups": "农村转移劳动力", "units": "红塔区人社局", "period_from": "2025-01-01",
            "period_to": "2026-12-31", "min_attendance": 50,
            "targets": [{"unit": "person-times", "period": "2026", "target": 800},
                        {"unit": "persons", "period": "yearly", "target": 300, "metric": "结业"}]}
    st, j, _ = call("POST", "/api/v1/programmes", good, T.county)
    R.check(st == 403, "a county clerk cannot make programmes", st)
    st, j, _ = call("POST", "/api/v1/programmes", good, T.admin)
    R.check(st == 201 and j["min_attendance"] == 50 and len(j["targets"]) == 2 and j["seed"] is None,
            "programme created with targets", j)
    T.p50 = j["id"]
    st, j2, _ = call("POST", "/api/v1/programmes", good, T.admin)
    R.check(st == 422 and ("name", "duplicate") in codes(j2), "same name in the same region refused")
    st, j, _ = call("PATCH", f"/api/v1/programmes/{T.p50}", {"min_attendance": 101}, T.admin)
    R.check(st == 422 and ("min_attendance", "out_of_range") in codes(j), "min_attendance over 100 refused")
    st, j, _ = call("PATCH", f"/api/v1/programmes/{T.p50}", {"units": "红塔区人社局、红塔区财政局",
                                                             "targets": [{"unit": "persons", "period": 2026, "target": 500}]},
                    T.admin)
    R.check(st == 200 and j["units"].endswith("财政局") and len(j["targets"]) == 1 and j["targets"][0]["target"] == 500
            and j["min_attendance"] == 50, "programme patched, targets replaced", j)
    st, j, _ = call("GET", f"/api/v1/programmes/{T.p50}", tok=T.ta)
    R.check(st == 200 and j["name"] == good["name"], "a trainer reads a programme of its city")


def test_catalog():
    R.where = "catalog"
    q = f"/api/v1/subsidy-catalog?region=530402&occupation={WELDER}&level=2"
    st, j, _ = call("GET", q + "&on=2024-06-01", tok=T.ta)
    R.check(st == 200 and len(j["items"]) == 1 and j["items"][0]["standard_fen"] == 150000, "version in force in 2024", j)
    st, j, _ = call("GET", q + "&on=2025-06-01", tok=T.ta)
    R.check(st == 200 and len(j["items"]) == 1 and j["items"][0]["standard_fen"] == 170000, "newer version from 2025", j)
    st, j, _ = call("GET", q, tok=T.admin)
    R.check(st == 200 and len(j["items"]) == 2, "every version without on=", j)
    st, j, _ = call("GET", "/api/v1/subsidy-catalog?on=2025-13-01", tok=T.admin)
    R.check(st == 422 and ("on", "invalid_date") in codes(j), "bad date")
    bad = {"region": "530402", "effective_from": "2026-01-01", "source": "测试",
           "rows": [{"occupation": "不存在的职业", "level": 2, "standard_fen": 100}, {"occupation": WELDER, "level": 9, "standard_fen": 0}]}
    st, j, _ = call("POST", "/api/v1/subsidy-catalog", bad, T.admin)
    R.check(st == 422 and {("region", "not_city"), ("rows[0].occupation", "unknown_occupation"),
                           ("rows[1].level", "invalid_level"), ("rows[1].standard_fen", "out_of_range")} <= codes(j)
            or (st == 422 and ("region", "not_city") in codes(j)), "bad catalogue version refused", codes(j))
    good = {"region": "530400", "effective_from": day(400), "source": "玉政办〔2026〕1号（测试）",
            "rows": [{"occupation": WELDER, "level": "初级工", "standard_fen": 180000, "min_hours": 80}]}
    st, j, _ = call("POST", "/api/v1/subsidy-catalog", good, T.county)
    R.check(st == 403, "county cannot publish the catalogue", st)
    st, j, _ = call("POST", "/api/v1/subsidy-catalog", good, T.admin)
    R.check(st == 201 and j["items"][0]["standard_fen"] == 180000, "a new version published", j)
    st, j, _ = call("POST", "/api/v1/subsidy-catalog", good, T.admin)
    R.check(st == 422 and ("rows[0]", "exists") in codes(j), "the same version twice refused", codes(j))


def class_body(**kw):
    b = {"occupation": WELDER, "level": 2, "start_date": day(10), "end_date": day(12), "hours": 90,
         "teacher": "周老师", "place": "红塔区实训基地", "capacity": 3, "programme_id": T.rural,
         "sessions": [sess(day(10), "09:00", "12:00"), sess(day(11), "09:00", "12:00")]}
    b.update(kw)
    return b


def test_classes():
    R.where = "classes"
    n0 = count("SELECT COUNT(*) FROM classes")
    bad = class_body(level=0, mode="空中", hours=10, capacity=0, end_date=day(9),
                     sessions=[sess(day(10), "09:00", "12:00"), sess(day(10), "11:00", "13:00"),
                               {"starts_at": "明天", "ends_at": "x"}])
    st, j, _ = call("POST", "/api/v1/classes", bad, T.ta)
    c = codes(j)
    R.check(st == 422 and {("level", "invalid_level"), ("mode", "invalid_mode"), ("capacity", "out_of_range"),
                           ("end_date", "before_start"), ("sessions[2].starts_at", "invalid_time")} <= c,
            "bad class: every field named", c)
    st, j, _ = call("POST", "/api/v1/classes", class_body(sessions=[sess(day(10), "09:00", "12:00"),
                                                                    sess(day(10), "11:30", "13:00")]), T.ta)
    R.check(st == 422 and ("sessions[1]", "session_overlap") in codes(j), "overlapping sessions refused", j)
    st, j, _ = call("POST", "/api/v1/classes", class_body(sessions=[sess(day(15), "09:00", "12:00")]), T.ta)
    R.check(st == 422 and ("sessions[0].starts_at", "outside_dates") in codes(j), "a session outside the dates refused")
    st, j, _ = call("POST", "/api/v1/classes", class_body(hours=20), T.ta)
    R.check(st == 422 and ("hours", "below_min_hours") in codes(j), "fewer hours than the catalogue asks refused", j)
    st, j, _ = call("POST", "/api/v1/classes", class_body(org_id=T.orgs["tb"]), T.ta)
    R.check(st == 422 and ("org_id", "not_own_org") in codes(j), "a trainer cannot open another's class")
    st, j, _ = call("POST", "/api/v1/classes", class_body(org_id=T.orgs["emp"]), T.admin)
    R.check(st == 422 and ("org_id", "not_trainer") in codes(j), "an employer cannot run classes")
    st, j, _ = call("POST", "/api/v1/classes", class_body(programme_id=T.qj), T.ta)
    R.check(st == 422 and ("programme_id", "unknown_programme") in codes(j), "another city's programme is unknown to a trainer", j)
    R.check(count("SELECT COUNT(*) FROM classes") == n0, "refusals created nothing")
    st, j, _ = call("POST", "/api/v1/classes", class_body(), T.ta)
    R.check(st == 201 and j["org_id"] == T.orgs["ta"] and j["category"] == "就业技能培训" and j["standard_fen"] ==
            (170000 if TODAY.year >= 2025 else 150000) and j["min_attendance"] == 80 and len(j["sessions"]) == 2
            and j["state"] == "open" and j["sessions"][0]["starts_at"].endswith("Z"), "class created", j)
    T.c1 = j["id"]
    # an overlapping class of the same provider, and one in the 50% programme
    st, j, _ = call("POST", "/api/v1/classes", class_body(name="焊工夜班", capacity=10,
                                                          sessions=[sess(day(11), "11:00", "14:00")]), T.ta)
    R.check(st == 201, "second class", j)
    T.c2 = j["id"]
    st, j, _ = call("POST", "/api/v1/classes", class_body(programme_id=T.p50, occupation=COOK, capacity=10,
                                                          start_date=day(20), end_date=day(21),
                                                          sessions=[sess(day(20), "09:00", "12:00"),
                                                                    sess(day(21), "09:00", "12:00")]), T.admin)
    R.check(st == 422 and ("org_id", "required") in codes(j), "staff name the provider")
    st, j, _ = call("POST", "/api/v1/classes", class_body(programme_id=T.p50, occupation="中式烹调师", capacity=10,
                                                          org_id=T.orgs["school"], start_date=day(20), end_date=day(21),
                                                          sessions=[sess(day(20), "09:00", "12:00"),
                                                                    sess(day(21), "09:00", "12:00")]), T.county)
    R.check(st == 201 and j["min_attendance"] == 50 and j["occupation"] == COOK, "a school's class in the 50% programme", j)
    T.c3 = j["id"]
    st, j, _ = call("PATCH", f"/api/v1/classes/{T.c1}", {"teacher": "吴老师", "capacity": 4}, T.ta)
    R.check(st == 200 and j["teacher"] == "吴老师" and j["capacity"] == 4, "class patched", j)
    st, j, _ = call("PATCH", f"/api/v1/classes/{T.c1}", {"capacity": 3}, T.ta)
    R.check(st == 200, "capacity back to 3")
    st, j, _ = call("GET", f"/api/v1/classes/{T.c1}", tok=T.tb)
    R.check(st == 404, "another provider's class is not found", st)
    st, j, _ = call("PATCH", f"/api/v1/classes/{T.c1}", {"teacher": "x"}, T.tb)
    R.check(st == 404, "nor can it be changed", st)
    st, j, _ = call("GET", f"/api/v1/classes/{T.c1}", tok=T.county2)
    R.check(st == 404, "a county clerk elsewhere does not see it", st)
    st, j, _ = call("GET", "/api/v1/classes", tok=T.tb)
    R.check(st == 200 and j["items"] == [], "trainer B lists none of A's classes", j)
    st, j, _ = call("GET", "/api/v1/classes", tok=T.ta)
    R.check(st == 200 and {c["id"] for c in j["items"]} == {T.c1, T.c2}, "trainer A lists its own", j)
    st, j, _ = call("GET", "/api/v1/classes?state=open", tok=T.county)
    R.check(st == 200 and {T.c1, T.c2, T.c3} <= {c["id"] for c in j["items"]}, "county lists its region's", j)


def enrol(cid, i, tok=None, name=None, **kw):
    b = {"id_number": T.p[i]["id_number"], "name": name or T.p[i]["name"]}
    b.update(kw)
    return call("POST", f"/api/v1/classes/{cid}/enrolments", b, tok or T.ta)


def test_enrolment():
    R.where = "enrolment"
    st, j, _ = enrol(T.c1, 0, name="张三丰")
    R.check(st == 422 and ("name", "name_mismatch") in codes(j) and T.p[0]["id_number"] in j["errors"][0]["message"],
            "a wrong name is refused naming the ID number", j)
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/enrolments", {"id_number": make_id("530402", "19700101", 901),
                                                                   "name": "无名"}, T.ta)
    R.check(st == 422 and ("id_number", "not_registered") in codes(j), "an unregistered person is refused", j)
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/enrolments", {"id_number": "530402198503121234", "name": "x"}, T.ta)
    R.check(st == 422 and any(f == "id_number" for f, _ in codes(j)), "a bad ID number is refused", j)
    n0 = count("SELECT COUNT(*) FROM enrolments")
    st, j, _ = enrol(T.c1, 0, voucher_number="NO-SUCH-VOUCHER")
    R.check(st == 422 and any(f == "voucher_number" for f, _ in codes(j)), "a refused voucher refuses the enrolment", j)
    R.check(count("SELECT COUNT(*) FROM enrolments") == n0, "and nothing was enrolled")
    st, j, _ = enrol(T.c1, 0)
    R.check(st == 201 and j["state"] == "enrolled" and "*" in j["id_number"], "enrolled", j)
    T.e0 = j["id"]
    st, j, _ = enrol(T.c1, 0)
    R.check(st == 409 and ("id_number", "already_enrolled") in codes(j), "twice refused")
    for i in (1, 2):
        st, j, _ = enrol(T.c1, i)
        R.check(st == 201, f"enrol {i}", j)
    st, j, _ = enrol(T.c1, 3)
    R.check(st == 409 and ("capacity", "class_full") in codes(j), "capacity enforced", j)
    st, j, _ = enrol(T.c2, 0)
    R.check(st == 409 and ("id_number", "session_overlap") in codes(j), "overlapping classes refused", j)
    msg = j["errors"][0]["message"] if j.get("errors") else ""
    R.check("培训班" in msg or "焊工" in msg, "the clash names the other class", msg)
    R.check(":" in msg and "11:00" in msg, "and the clashing session times (China time)", msg)
    st, j, _ = enrol(T.c2, 3)
    R.check(st == 201, "someone else may join the second class", j)
    T.e3 = j["id"]
    # withdraw frees the place, then the clash no longer applies
    st, j, _ = call("DELETE", f"/api/v1/classes/{T.c2}/enrolments/{T.e3}", tok=T.ta)
    R.check(st == 200 and j["state"] == "withdrawn", "withdrawn", j)
    st, j, _ = call("DELETE", f"/api/v1/classes/{T.c2}/enrolments/{T.e3}", tok=T.ta)
    R.check(st == 409, "withdrawn twice refused", st)
    st, j, _ = call("DELETE", f"/api/v1/classes/{T.c1}/enrolments/{T.e3}", tok=T.ta)
    R.check(st == 404, "an enrolment of another class is not found", st)
    st, j, _ = enrol(T.c2, 3)
    R.check(st == 201, "re-enrolled after withdrawal", j)
    for i in (0, 1, 3):
        st, j, _ = enrol(T.c3, i, tok=T.county)
        R.check(st == 201, f"enrol {i} in the 50% class", j)
    # the worker's record
    st, j, _ = call("GET", f"/api/v1/persons/{T.p[0]['id']}/record", tok=T.w0)
    titles = [e["title"] for e in (j or {}).get("items", j if isinstance(j, list) else [])] if st == 200 else []
    if st == 200:
        R.check(any(t.startswith("参加培训：") for t in titles), "enrolment entered the worker's record", titles)
    else:
        R.check(count(f"SELECT COUNT(*) FROM record_entries WHERE person_id = {T.p[0]['id']} AND kind = 'training'")
                >= 2, "enrolment entered the worker's record")
    # workers see their own
    st, j, _ = call("GET", "/api/v1/enrolments", tok=T.w0)
    R.check(st == 200 and j["items"] and all(e["person_id"] == T.p[0]["id"] for e in j["items"]), "worker: own enrolments", j)
    st, j, _ = call("GET", "/api/v1/classes", tok=T.w0)
    R.check(st == 200 and {c["id"] for c in j["items"]} == {T.c1, T.c3}, "worker: classes enrolled in", j)
    st, j, _ = call("GET", f"/api/v1/classes/{T.c2}", tok=T.w0)
    R.check(st == 404, "worker: another class is not found")
    st, j, _ = call("GET", f"/api/v1/classes/{T.c1}", tok=T.w0)
    R.check(st == 200 and len(j["enrolments"]) == 1 and j["enrolments"][0]["person_id"] == T.p[0]["id"],
            "worker sees only their own enrolment in a class", j)
    st, j, _ = call("GET", f"/api/v1/enrolments?class={T.c1}", tok=T.tb)
    R.check(st == 200 and j["items"] == [], "trainer B sees no trainees of A", j)
    st, j, _ = call("GET", f"/api/v1/enrolments?class={T.c1}", tok=T.ta)
    R.check(st == 200 and len(j["items"]) == 3, "trainer A sees its trainees", j)


def test_attendance():
    R.where = "attendance"
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/sessions/9/code", tok=T.ta)
    R.check(st == 422 and ("seq", "no_session") in codes(j), "code for a missing session", j)
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/sessions/1/code", tok=T.tb)
    R.check(st == 404, "another provider cannot make codes", st)
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/sessions/1/code", tok=T.ta)
    R.check(st == 201 and len(j["code"]) == 6 and j["code"].isdigit() and j["expires_at"].endswith("Z"), "code made", j)
    code = j["code"]
    wrong = "%06d" % ((int(code) + 1) % 1000000)
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/checkin", {"code": wrong}, T.w0)
    R.check(st == 422 and ("code", "checkin_code_wrong") in codes(j), "wrong code", j)
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/checkin", {"code": "12ab"}, T.w0)
    R.check(st == 422 and ("code", "malformed") in codes(j), "malformed code", j)
    st, j, _ = call("POST", f"/api/v1/classes/{T.c2}/checkin", {"code": code}, T.w0)
    R.check(st == 404, "a class one is not in is not found", st)
    R.check(count(f"SELECT COUNT(*) FROM attendance WHERE class_id = {T.c1}") == 0, "refused check-ins recorded nothing")
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/checkin", {"code": code, "device_id": "phone-zhang"}, T.w0)
    R.check(st == 200 and j["added"] is True and j["seq"] == 1, "checked in with the code", j)
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/checkin", {"code": code}, T.w0)
    R.check(st == 200 and j["added"] is False, "a second check-in changes nothing", j)
    R.check(count(f"SELECT COUNT(*) FROM attendance WHERE class_id = {T.c1} AND method = 'code' AND device = 'phone-zhang'")
            == 1, "method and device recorded")
    st, j, _ = call("GET", f"/api/v1/classes/{T.c1}", tok=T.ta)
    R.check(st == 200 and j["state"] == "running", "the first attendance starts the class", j.get("state"))
    mine = [x for x in j.get("enrolments", []) if x["person_id"] == T.p[0]["id"]]
    R.check(mine and mine[0]["attended_seqs"] == [1] and all(x["attended_seqs"] == [] for x in j["enrolments"] if x is not mine[0]),
            "the class shows who was at which session", j.get("enrolments"))
    st, j, _ = call("PATCH", f"/api/v1/classes/{T.c1}", {"teacher": "x"}, T.ta)
    R.check(st == 409, "a running class's plan is fixed", st)
    # an expired code
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/sessions/2/code", tok=T.ta)
    code2 = j["code"]
    sql(f"UPDATE checkin_codes SET expires_at = '2000-01-01T00:00:00Z' WHERE class_id = {T.c1} AND code = '{code2}'")
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/checkin", {"code": code2}, T.w1)
    R.check(st == 422 and ("code", "checkin_code_expired") in codes(j), "expired code refused", j)
    # guessing: a worker gets a handful of tries a minute, then 429
    sts = [call("POST", f"/api/v1/classes/{T.c1}/checkin", {"code": "%06d" % k}, T.w1)[0] for k in range(12)]
    R.check(429 in sts and 200 not in sts and sts.index(429) <= 10, "guessing the code is rate-limited", sts)
    # the trainer's list
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/attendance",
                    {"seq": 2, "persons": [T.p[0]["id_number"], T.p[4]["id_number"]]}, T.ta)
    R.check(st == 422 and ("persons[1]", "not_enrolled") in codes(j), "a non-trainee refused", j)
    R.check(count(f"SELECT COUNT(*) FROM attendance WHERE class_id = {T.c1}") == 1, "and nothing recorded")
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/attendance",
                    {"seq": 2, "persons": [T.p[0]["id_number"], T.p[1]["id"]]}, T.ta)
    R.check(st == 200 and j["added"] == 2, "trainer marks two present", j)
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/attendance", {"seq": 1, "persons": [T.p[2]["id"]], "at": "nonsense"}, T.ta)
    R.check(st == 422 and ("at", "invalid_time") in codes(j), "a bad time refused", j)
    # the 50% class: person 0 both sessions, 1 one session, 3 none
    for seq, who in [(1, [0, 1]), (2, [0])]:
        st, j, _ = call("POST", f"/api/v1/classes/{T.c3}/attendance", {"seq": seq, "persons": [T.p[i]["id"] for i in who]},
                        T.county)
        R.check(st == 200, f"c3 session {seq}", j)


def test_close_and_results():
    R.where = "completion"
    # c1 (80%): p0 2/2 completed, p1 1/2 = 50% incomplete, p2 0/2 incomplete
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/close", {}, T.tb)
    R.check(st == 404, "another provider cannot close it", st)
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/close", {}, T.ta)
    R.check(st == 200 and j["state"] == "closed" and j["counts"]["completed"] == 1 and j["counts"]["incomplete"] == 2,
            "c1 closed at 80%", j.get("counts"))
    es = {e["person_id"]: e for e in j["enrolments"]}
    R.check(es[T.p[0]["id"]]["state"] == "completed" and es[T.p[0]["id"]]["completed_on"] == TODAY.isoformat()
            and es[T.p[0]["id"]]["attendance_pct"] == 100, "full attendance completes", es[T.p[0]["id"]])
    R.check(es[T.p[1]["id"]]["state"] == "incomplete" and es[T.p[1]["id"]]["attendance_pct"] == 50
            and es[T.p[1]["id"]]["completed_on"] is None, "50% is not enough at 80%", es[T.p[1]["id"]])
    st, j, _ = call("POST", f"/api/v1/classes/{T.c1}/close", {}, T.ta)
    R.check(st == 409, "closing twice refused", st)
    st, j, _ = enrol(T.c1, 3)
    R.check(st == 409, "no enrolment after closing", st)
    st, j, _ = call("POST", f"/api/v1/classes/{T.c3}/close", {}, T.county)
    es = {e["person_id"]: e for e in j["enrolments"]}
    R.check(st == 200 and es[T.p[1]["id"]]["state"] == "completed" and es[T.p[3]["id"]]["state"] == "incomplete",
            "50% completes where the programme asks 50%", es)
    n = count(f"SELECT COUNT(*) FROM record_entries WHERE person_id = {T.p[1]['id']} AND title LIKE '培训未结业：%'")
    m = count(f"SELECT COUNT(*) FROM record_entries WHERE person_id = {T.p[1]['id']} AND title LIKE '培训结业：%'")
    R.check(n == 1 and m == 1, "completion and non-completion entered the record", (n, m))
    # results
    st, j, _ = call("PUT", f"/api/v1/classes/{T.c1}/enrolments/{T.e0}/result",
                    {"result": "passed", "score": 88, "cert_number": "S000053000000000000001"}, T.ta)
    R.check(st == 422 and ("cert_number", "cert_not_found") in codes(j), "unknown certificate refused", j)
    st, j, _ = call("PUT", f"/api/v1/classes/{T.c1}/enrolments/{T.e0}/result", {"result": "maybe", "score": 101}, T.ta)
    R.check(st == 422 and {("result", "invalid"), ("score", "out_of_range")} <= codes(j), "bad result refused", j)
    st, j, _ = call("PUT", f"/api/v1/classes/{T.c1}/enrolments/{T.e0}/result", {"result": "passed", "score": 88}, T.ta)
    R.check(st == 200 and j["result"] == "passed" and j["score"] == 88, "result recorded", j)
    st, e2, _ = call("GET", f"/api/v1/enrolments?class={T.c1}&state=incomplete", tok=T.ta)
    eid = e2["items"][0]["id"]
    st, j, _ = call("PUT", f"/api/v1/classes/{T.c1}/enrolments/{eid}/result", {"result": "passed"}, T.ta)
    R.check(st == 409 and ("state", "not_completed") in codes(j), "no result for an incomplete trainee", j)


def test_imports():
    R.where = "imports"
    head = "班级名称,职业,等级,开班日期,结业日期,课时,授课教师,培训地点,人数上限,培训计划,课程安排\n"
    good = f"导入焊工班,{WELDER},初级工,{day(30)},{day(31)},90,刘老师,红塔区实训基地,20,农村劳动者就业技能培训,{day(30)} 09:00-12:00；{day(31)} 09:00-12:00\n"
    badrow = f"导入坏班,{WELDER},九级,{day(30)},{day(31)},90,刘老师,红塔区实训基地,20,,{day(30)} 09:00-12:00\n"
    n0 = count("SELECT COUNT(*) FROM classes")
    st, j, _ = call("POST", "/api/v1/imports/classes", (head + good + badrow).encode(), T.ta)
    errs = (j or {}).get("report", {}).get("errors", [])
    R.check(st == 422 and any(e["row"] == 3 and e["column"] == "等级" for e in errs), "bad row named by row and column", j)
    R.check(count("SELECT COUNT(*) FROM classes") == n0, "nothing imported")
    st, j, _ = call("POST", "/api/v1/imports/classes?dry_run=1", (head + good).encode(), T.ta)
    R.check(st == 200 and j["created"] == 1 and not j["committed"], "dry run", j)
    R.check(count("SELECT COUNT(*) FROM classes") == n0, "dry run wrote nothing")
    st, j, _ = call("POST", "/api/v1/imports/classes?partial=1", (head + good + badrow).encode(), T.ta)
    R.check(st == 200 and j["created"] == 1 and j["rejected"] == 1, "partial import", j)
    st, j, _ = call("GET", "/api/v1/classes?state=open", tok=T.ta)
    imp = [c for c in j["items"] if c["name"] == "导入焊工班"]
    R.check(len(imp) == 1 and imp[0]["sessions_count"] == 2 and imp[0]["programme_name"] == "农村劳动者就业技能培训"
            and imp[0]["org_id"] == T.orgs["ta"], "imported class is the trainer's own with its sessions", imp)
    cid = imp[0]["id"]
    # roster
    rh = "身份证号,姓名\n"
    rows = f"{T.p[2]['id_number']},{T.p[2]['name']}\n{T.p[5]['id_number']},错名字\n"
    n1 = count("SELECT COUNT(*) FROM enrolments")
    st, j, _ = call("POST", f"/api/v1/classes/{cid}/imports/roster", (rh + rows).encode(), T.ta)
    errs = (j or {}).get("report", {}).get("errors", [])
    R.check(st == 422 and any(e["row"] == 3 and e["column"] == "姓名" and e["code"] == "name_mismatch" for e in errs),
            "roster: wrong name named by row and column", j)
    R.check(count("SELECT COUNT(*) FROM enrolments") == n1, "roster: nothing enrolled")
    st, j, _ = call("POST", f"/api/v1/classes/{cid}/imports/roster", (rh + f"{T.p[2]['id_number']},{T.p[2]['name']}\n"
                                                                       f"{T.p[5]['id_number']},{T.p[5]['name']}\n").encode(), T.ta)
    R.check(st == 200 and j["created"] == 2, "roster imported", j)
    st, j, _ = call("POST", f"/api/v1/classes/{cid}/imports/roster", (rh + rows).encode(), T.tb)
    R.check(st == 404, "another provider cannot import a roster", st)
    # attendance
    ah = "身份证号,课次,签到时间\n"
    st, j, _ = call("POST", f"/api/v1/classes/{cid}/imports/attendance",
                    (ah + f"{T.p[2]['id_number']},1,{day(30)} 09:03\n{T.p[5]['id_number']},9,\n").encode(), T.ta)
    errs = (j or {}).get("report", {}).get("errors", [])
    R.check(st == 422 and any(e["row"] == 3 and e["column"] == "课次" for e in errs), "attendance: bad session named", j)
    R.check(count(f"SELECT COUNT(*) FROM attendance WHERE class_id = {cid}") == 0, "attendance: nothing recorded")
    st, j, _ = call("POST", f"/api/v1/classes/{cid}/imports/attendance",
                    (ah + f"{T.p[2]['id_number']},1,{day(30)} 09:03\n{T.p[5]['id_number']},2,\n").encode(), T.ta)
    R.check(st == 200 and j["created"] == 2, "attendance imported", j)
    R.check(count(f"SELECT COUNT(*) FROM attendance WHERE class_id = {cid} AND method = 'import'") == 2, "method import")


def test_cli():
    R.where = "cli"
    srv = T.srv
    r = srv.cli("train", "programmes", "--db", srv.db, "--region", "530300")
    R.check(r.returncode == 0 and "马兰花计划" in r.stdout.decode(), "train programmes", r.stderr.decode())
    r = srv.cli("train", "catalog", "--db", srv.db, "--region", "530300", "--occupation", WELDER, "--on", "2024-01-01")
    R.check(r.returncode == 0 and "150000" in r.stdout.decode(), "train catalog", r.stderr.decode())
    r = srv.cli("train", "class-add", "--db", srv.db, "--as", "peixun", "--occupation", COOK, "--level", "3",
                "--start", day(40), "--end", day(40), "--hours", "100", "--teacher", "何老师", "--place", "红塔区",
                "--capacity", "5", "--session", f"{day(40)}T09:00/{day(40)}T17:00")
    R.check(r.returncode == 1 and "category" in r.stderr.decode(), "a class outside any programme names its category",
            r.stderr.decode())
    r = srv.cli("train", "class-add", "--db", srv.db, "--as", "peixun", "--occupation", COOK, "--level", "3",
                "--start", day(40), "--end", day(40), "--hours", "100", "--teacher", "何老师", "--place", "红塔区",
                "--capacity", "5", "--session", f"{day(40)}T09:00/{day(40)}T17:00", "--category", "职业技能培训")
    R.check(r.returncode == 0 and '"state": "open"' in r.stdout.decode(), "train class-add --as trainer", r.stderr.decode())
    import json
    cid = json.loads(r.stdout.decode())["id"] if r.returncode == 0 else 0
    r = srv.cli("train", "enrol", str(cid), "--db", srv.db, "--as", "peixun", "--id-number", T.p[4]["id_number"],
                "--name", "错名")
    R.check(r.returncode == 1 and "name_mismatch" in r.stderr.decode(), "train enrol refused exits 1", r.stderr.decode())
    r = srv.cli("train", "enrol", str(cid), "--db", srv.db, "--as", "peixun2", "--id-number", T.p[4]["id_number"],
                "--name", T.p[4]["name"])
    R.check(r.returncode == 1, "another provider cannot enrol via CLI", r.stderr.decode())
    r = srv.cli("train", "enrol", str(cid), "--db", srv.db, "--as", "peixun", "--id-number", T.p[4]["id_number"],
                "--name", T.p[4]["name"])
    R.check(r.returncode == 0, "train enrol", r.stderr.decode())
    r = srv.cli("train", "attend", str(cid), "1", "--db", srv.db, "--person", T.p[4]["id_number"])
    R.check(r.returncode == 0 and '"added": 1' in r.stdout.decode(), "train attend", r.stdout.decode() + r.stderr.decode())
    r = srv.cli("train", "close", str(cid), "--db", srv.db)
    R.check(r.returncode == 0 and '"completed": 1' in r.stdout.decode(), "train close", r.stderr.decode())
    r = srv.cli("train", "nonsense", "--db", srv.db)
    R.check(r.returncode == 2, "unknown subcommand exits 2")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--db", required=True)
    a = ap.parse_args()
    srv = Server(a.bin, a.db)
    T.srv = srv
    try:
        setup(srv)
        test_programmes()
        test_catalog()
        test_classes()
        test_enrolment()
        test_attendance()
        test_close_and_results()
        test_imports()
        test_cli()
        err = srv.stop()
        R.check("ERROR" not in err and "runtime error" not in err and "AddressSanitizer" not in err,
                "server stderr clean", err[-4000:])
        r = srv.cli("audit", "verify", "--db", a.db)
        R.check(r.returncode == 0, "audit chain verifies", r.stdout.decode() + r.stderr.decode())
    except Exception:
        import traceback
        traceback.print_exc()
        R.failed += 1
    finally:
        srv.stop()
    engine = "postgresql" if a.db.startswith("postgres") else "sqlite"
    print(f"training-api[{engine}]: {R.passed} passed, {R.failed} failed")
    sys.exit(1 if R.failed else 0)


if __name__ == "__main__":
    main()
