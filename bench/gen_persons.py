#!/usr/bin/env python3
"""gen_persons.py — deterministic generator of realistic persons for the bench.

    bench/gen_persons.py N [-o persons.csv] [--seed 1] [--encoding utf-8-sig|utf-8|gb18030]
                         [--sql-values values.csv] [--data data] [--now 2025-01-01T00:00:00.000Z]

Writes N persons as the spreadsheet a county office would send: the header
姓名,身份证号,性别,手机号,所属地区,职业,技能等级,工作单位,文化程度 and one row
per person, UTF-8 with a BOM by default (--encoding gb18030: no BOM).  The same
seed always gives the same file.

  * ID numbers are valid 18-digit GB 11643 numbers (check character
    "10X98765432"[sum % 11]), unique (every number handed out is remembered),
    with the address code of a current county of 曲靖 (5303xx), 玉溪 (5304xx)
    or 红河 (5325xx), chosen roughly by population; births 1960-2006; odd 17th
    digit = male, and 性别 agrees.
  * 所属地区 is usually the county of the ID number (some people moved within
    the three prefectures); mostly written as the 6-digit code, sometimes as
    "city name + county name" (which jineng resolves by name).
  * 职业 follows a Zipf-like distribution over the occupations of
    data/occupations-2022.csv (kind = occupation), common trades first;
    mostly the code, sometimes the (unambiguous) name.
  * 技能等级 is a pyramid written by its Chinese name (初级工 most, 首席技师
    almost never; a few rows leave it blank).

--sql-values FILE also writes the same persons *normalised*, as a plain CSV
whose columns are exactly the persons table minus its id:
id_number,name,gender,birth_date,region,phone,occupation,level,employer,
education,created_at,updated_at,version — what `jineng import` stores, for
loading with the engines' own bulk loaders (sqlite3 .import, psql \\copy).
"""
import argparse
import bisect
import csv
import io
import os
import random
import sys

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECKS = "10X98765432"


def check_char(first17):
    return CHECKS[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


# Approximate resident population (10,000s, 2020 census, rounded); only the
# proportions matter.  Counties not listed get DEFAULT_POP.
POPULATION = {
    # 曲靖
    "530302": 87, "530303": 44, "530304": 19, "530322": 62, "530323": 39, "530324": 55,
    "530325": 72, "530326": 92, "530381": 130,
    # 玉溪
    "530402": 61, "530403": 27, "530423": 30, "530424": 21, "530425": 17, "530426": 16,
    "530427": 27, "530428": 20, "530481": 17,
    # 红河
    "532501": 41, "532502": 33, "532503": 61, "532504": 56, "532523": 15, "532524": 53,
    "532525": 31, "532527": 41, "532528": 40, "532529": 30, "532530": 36, "532531": 23,
    "532532": 11,
}
DEFAULT_POP = 25

# Surnames, most common first (weights fall off Zipf-like); a few local ones.
SURNAMES = (
    "李王张刘杨陈赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
    "薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常"
    "武乔贺赖龚文普字李沙刀者矣起施"
)
GIVEN_MALE = "伟强磊军勇杰涛明超华刚平辉鹏斌波建国庆文志忠海林峰宇浩俊凯鑫昊然亮成龙飞云翔东兴旺福贵才荣"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英华玲红梅燕琳雪丹萍倩婷琴慧莉洁颖欣怡佳晶蓉凤兰桂珍云月琼美彩香春"
GIVEN_ANY = "永家子晓小学春建金德玉立世光天正国明新少会绍朝"

EDUCATION = (("小学", 8), ("初中", 34), ("高中", 16), ("中专", 14), ("技工学校", 6), ("大专", 13),
             ("本科", 8), ("硕士研究生", 1))
# rank, weight: 学徒工, 初级工 … 首席技师; 0 = blank
LEVELS = ((0, 3), (1, 5), (2, 40), (3, 27), (4, 16), (5, 6.5), (6, 2.2), (7, 0.25), (8, 0.05))
LEVEL_NAMES = {1: "学徒工", 2: "初级工", 3: "中级工", 4: "高级工", 5: "技师", 6: "高级技师", 7: "特级技师",
               8: "首席技师"}

# Trades most people are certified in; first in the Zipf order when present.
COMMON_OCCUPATIONS = ("焊工", "电工", "中式烹调师", "家政服务员", "养老护理员", "保育师", "中式面点师",
                      "汽车维修工", "美发师", "美容师", "农艺工", "茶叶加工工", "砌筑工", "钢筋工",
                      "电子商务师", "餐厅服务员", "保安员", "装饰装修工", "车工", "家畜饲养员", "茶艺师",
                      "混凝土工", "架子工", "健康管理师", "电梯安装维修工", "铣工", "农业技术员")

EMPLOYER_WORDS = ("兴达", "恒通", "鑫源", "宏远", "华泰", "金鼎", "顺发", "永盛", "云岭", "红土", "滇中", "彩云",
                  "南盘江", "抚仙", "珠江源", "高原", "同创", "联丰", "瑞丰", "天和", "民生", "康泰", "锦程", "新城")
EMPLOYER_TRADES = ("机械制造", "建筑工程", "汽车维修", "餐饮管理", "家政服务", "物业服务", "电力安装",
                   "茶业", "烟草", "农业科技", "劳务派遣", "商贸", "化工", "矿业", "物流", "养老服务", "酒店管理",
                   "装饰工程", "食品加工", "电子科技")
EMPLOYER_SUFFIX = (("有限公司", 60), ("有限责任公司", 15), ("股份有限公司", 5), ("厂", 8), ("合作社", 5),
                   ("经营部", 7))
PUBLIC_EMPLOYERS = ("人民医院", "第一中学", "职业技术学校", "供电局", "自来水公司", "人民政府", "卷烟厂")
PHONE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                  "155", "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "187", "188",
                  "189", "191", "198", "199")

HEADER = ("姓名", "身份证号", "性别", "手机号", "所属地区", "职业", "技能等级", "工作单位", "文化程度")
VALUES_HEADER = ("id_number", "name", "gender", "birth_date", "region", "phone", "occupation", "level",
                 "employer", "education", "created_at", "updated_at", "version")


class Weighted:
    """Draws from (item, weight) pairs with one random() and a bisect."""

    def __init__(self, pairs):
        self.items = [p[0] for p in pairs]
        self.cum = []
        t = 0.0
        for _, w in pairs:
            t += w
            self.cum.append(t)
        self.total = t

    def draw(self, rnd):
        return self.items[bisect.bisect_right(self.cum, rnd.random() * self.total)]


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_reference(datadir, rnd):
    div = read_csv(os.path.join(datadir, "divisions.csv"))
    names = {r["code"]: r["name"] for r in div}
    counties = [r for r in div if r["code"][:4] in ("5303", "5304", "5325") and r["kind"] == "county"
                and r["current"] == "1" and r["name"] != "市辖区"]
    if not counties:
        sys.exit("gen_persons: no counties of 5303/5304/5325 in divisions.csv")
    # (code, city+county name) with population weights
    county_pairs = [((r["code"], names.get(r["parent"], "") + r["name"]), POPULATION.get(r["code"], DEFAULT_POP))
                    for r in counties]

    occ = read_csv(os.path.join(datadir, "occupations-2022.csv"))
    name_count = {}
    for r in occ:
        name_count[r["name"]] = name_count.get(r["name"], 0) + 1
    occupations = [r for r in occ if r["kind"] == "occupation"]
    by_name = {r["name"]: r for r in occupations}
    head = [by_name[n] for n in COMMON_OCCUPATIONS if n in by_name]
    head_codes = {r["code"] for r in head}
    rest = [r for r in occupations if r["code"] not in head_codes]
    rnd.shuffle(rest)
    ordered = head + rest
    # Zipf-like: weight 1 / (rank + 2)^1.05
    occ_pairs = [((r["code"], r["name"] if name_count[r["name"]] == 1 else None), 1.0 / (i + 3) ** 1.05)
                 for i, r in enumerate(ordered)]
    return county_pairs, occ_pairs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("-o", "--output", default="-", help="the spreadsheet CSV (default stdout)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--encoding", default="utf-8-sig", choices=("utf-8-sig", "utf-8", "gb18030"),
                    help="utf-8-sig (UTF-8 with BOM, default), utf-8, gb18030")
    ap.add_argument("--sql-values", help="also write the normalised rows here, columns of the persons table")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data"))
    ap.add_argument("--now", default="2025-01-01T00:00:00.000Z", help="created_at/updated_at in --sql-values")
    a = ap.parse_args()
    if a.n < 0:
        sys.exit("gen_persons: N must be >= 0")

    rnd = random.Random(a.seed)
    county_pairs, occ_pairs = load_reference(a.data, rnd)
    counties = Weighted(county_pairs)
    occs = Weighted(occ_pairs)
    levels = Weighted(LEVELS)
    edus = Weighted(EDUCATION)
    sur = Weighted([(s, 1.0 / (i + 2) ** 0.9) for i, s in enumerate(SURNAMES)])
    suffix = Weighted(EMPLOYER_SUFFIX)
    used = set()

    out = sys.stdout.buffer if a.output == "-" else open(a.output, "wb")
    text = io.TextIOWrapper(out, encoding=a.encoding, newline="", write_through=False)
    w = csv.writer(text, lineterminator="\r\n")
    w.writerow(HEADER)
    vals = None
    if a.sql_values:
        vf = open(a.sql_values, "w", encoding="utf-8", newline="")
        vals = csv.writer(vf, lineterminator="\n")
        vals.writerow(VALUES_HEADER)

    r = rnd.random
    ri = rnd.randrange
    for _ in range(a.n):
        (home, home_name) = counties.draw(rnd)
        male = r() < 0.52
        # a unique ID number
        while True:
            y = 1960 + ri(47)
            m = 1 + ri(12)
            d = 1 + ri(31 if m in (1, 3, 5, 7, 8, 10, 12) else 30 if m != 2 else
                       (29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28))
            seq = ri(100)
            g = ri(5) * 2 + (1 if male else 0)
            first17 = "%s%04d%02d%02d%02d%d" % (home, y, m, d, seq, g)
            if first17 not in used:
                used.add(first17)
                break
        idn = first17 + check_char(first17)

        s = sur.draw(rnd)
        pool = GIVEN_MALE if male else GIVEN_FEMALE
        if r() < 0.3:
            name = s + pool[ri(len(pool))]
        else:
            name = s + (GIVEN_ANY[ri(len(GIVEN_ANY))] if r() < 0.4 else pool[ri(len(pool))]) + pool[ri(len(pool))]

        phone = "" if r() < 0.04 else PHONE_PREFIXES[ri(len(PHONE_PREFIXES))] + "%08d" % ri(100000000)

        if r() < 0.85:
            region, region_name = home, home_name
        else:
            region, region_name = counties.draw(rnd)
        region_text = region_name if r() < 0.1 else region

        occ_code, occ_name = occs.draw(rnd)
        occ_text = occ_name if occ_name and r() < 0.15 else occ_code

        level = levels.draw(rnd)
        level_text = LEVEL_NAMES.get(level, "")

        x = r()
        if x < 0.08:
            employer = ""
        elif x < 0.16:
            employer = region_name + PUBLIC_EMPLOYERS[ri(len(PUBLIC_EMPLOYERS))]
        else:
            employer = (region_name[:2] + EMPLOYER_WORDS[ri(len(EMPLOYER_WORDS))] +
                        EMPLOYER_TRADES[ri(len(EMPLOYER_TRADES))] + suffix.draw(rnd))
        edu = edus.draw(rnd)

        w.writerow((name, idn, "男" if male else "女", phone, region_text, occ_text, level_text, employer, edu))
        if vals:
            vals.writerow((idn, name, "M" if male else "F", "%04d-%02d-%02d" % (y, m, d), region, phone,
                           occ_code, level, employer, edu, a.now, a.now, 1))
    text.flush()
    if out is not sys.stdout.buffer:
        text.close()
    if vals:
        vf.close()


if __name__ == "__main__":
    main()
