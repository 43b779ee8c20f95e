/* demo_cert.c — the demo's certification: an S body (the demo's 评价机构,
 * account pingjia) and a Y body (an employer's own self-assessment, account
 * zipingjia), their examiners and supervisors, some historical
 * certificates imported, and batches in every state, made through the same
 * services and accounts a newcomer will use — so the audit log and each
 * batch's event log read as real work:
 *
 *   planned, submitted, returned (by the county), reviewed, in notice with an
 *   open objection, approved with pending certificates, issued (the demo
 *   worker laodongzhe among the holders), issued with a certificate since
 *   revoked, and a 特级技师 appointed by the Y body. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/certify.h"
#include "core/idcard.h"
#include "core/uscc.h"

#define S_BODY "玉溪市职业技能鉴定评价中心"
#define EMPLOYER "玉溪市红塔区精工机械制造有限公司"
#define Y_BODY "玉溪市红塔区精工机械制造有限公司技能等级认定站"
#define WELDER "6-18-02-04"
#define ELECTRICIAN "6-31-01-03"
#define MECHANIC "4-12-01-01"

typedef struct demo {
	store *s;
	FILE *out;
	jn_err e;
	scope sys, body_s, body_y, county, city;
	int today;
} demo;

static int failed(demo *d, jn_err e, const jn_fields *fe, const char *what)
{
	if (!e)
		return 0;
	fprintf(d->out, "创建认证演示数据失败（%s）：%s %s %s\n", what, jn_err_code(e), fe && fe->count ? fe->e[0].field : "",
		fe && fe->count ? fe->e[0].message : "");
	d->e = e;
	return 1;
}

static int as_account(demo *d, const char *username, scope *sc)
{
	stx *t;
	account a;
	jn_err e = stx_begin(d->s, 0, &t);
	if (!e) {
		e = store_account_by_username(t, username, &a);
		stx_rollback(t);
	}
	if (failed(d, e, NULL, username))
		return 1;
	scope_from_account(&a, sc);
	return 0;
}

/* A person of the cast, with a valid, fixed ID number (the next sequence
 * number when the demo's random workers took one). */
static int64_t cast(demo *d, const char *name, const char *region, const char *ymd, const char *employer,
		    const char *education)
{
	for (int seq = 901; seq < 999 && !d->e; seq += 2) {
		char first[18], idn[19];
		snprintf(first, sizeof first, "%s%s%03d", region, ymd, seq);
		memcpy(idn, first, 17);
		idn[17] = id_check_char(first);
		idn[18] = '\0';
		person_input in = {.id_number = idn, .name = name, .region = region, .employer = employer,
				   .education = education, .occupation = WELDER};
		person p;
		jn_fields fe = {0};
		jn_err e = person_create(d->s, &d->sys, &in, &p, &fe);
		if (e == JN_EINVAL && fe.count && strcmp(fe.e[0].code, "duplicate") == 0)
			continue;
		if (failed(d, e, &fe, name))
			return 0;
		return p.id;
	}
	return 0;
}

static const char *idn_of(demo *d, int64_t id, char out[19])
{
	stx *t;
	person p;
	out[0] = '\0';
	if (stx_begin(d->s, 0, &t) == JN_OK) {
		if (store_person_get(t, &d->sys, id, &p) == JN_OK)
			snprintf(out, 19, "%s", p.id_number);
		stx_rollback(t);
	}
	return out;
}

/* Workers of Yuxi from the demo's registry, for the S body's batches. */
typedef struct pool {
	int64_t id[40];
	int n;
	int64_t skip;
} pool;

static int pool_one(void *ctx, const person *p)
{
	pool *x = ctx;
	if (p->id != x->skip && strcmp(p->employer, EMPLOYER) != 0 && strcmp(p->employer, S_BODY) != 0 && x->n < 40)
		x->id[x->n++] = p->id;
	return x->n >= 40;
}

static int any_batch(void *ctx, const batch *b)
{
	(void)ctx, (void)b;
	return 1;
}

static int64_t make_batch(demo *d, const scope *sc, const char *occ, int level, int days_ahead, const char *place,
			  int64_t ex1, int64_t ex2, int64_t sup, int notice_days)
{
	if (d->e)
		return 0;
	batch_input in = BATCH_INPUT_EMPTY;
	char lv[4], from[11];
	snprintf(lv, sizeof lv, "%d", level);
	cert_date_format(cert_date_add_days(d->today, days_ahead), from);
	in.occupation = occ;
	in.level = lv;
	in.exam_from = from;
	in.place = place;
	in.nexaminers = ex2 ? 2 : 1;
	in.examiners[0] = ex1;
	in.examiners[1] = ex2;
	in.supervisor = sup;
	in.notice_days = notice_days;
	json_t *j = NULL;
	jn_fields fe = {0};
	jn_err e = batch_create(d->s, sc, &in, &j, &fe);
	if (failed(d, e, &fe, "批次"))
		return 0;
	int64_t id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	return id;
}

static int64_t enrol(demo *d, int64_t bid, int64_t pid, const char *route, int years, const char *dip,
		     const char *basis, const char *evidence)
{
	if (d->e)
		return 0;
	const scope *sc = &d->body_s;
	stx *t;
	batch b;
	if (stx_begin(d->s, 0, &t) == JN_OK) {
		if (store_batch_get(t, &d->sys, bid, &b) == JN_OK && b.body_type == 'Y')
			sc = &d->body_y;
		stx_rollback(t);
	}
	enrol_input in = {pid, NULL, route, dip, basis, evidence, years};
	json_t *j = NULL;
	jn_fields fe = {0};
	jn_err e = batch_enrol(d->s, sc, bid, &in, &j, &fe);
	if (failed(d, e, &fe, "报名"))
		return 0;
	int64_t id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	if (strcmp(route, "normal") != 0) {
		static const char DOC[] = "演示用证明材料（扫描件）：业绩证明、获奖证书、单位推荐意见。";
		j = NULL;
		e = batch_evidence_put(d->s, sc, bid, id, "业绩证明材料.pdf", DOC, sizeof DOC - 1, &j, &fe);
		json_decref(j);
		if (failed(d, e, &fe, "证明文件"))
			return 0;
	}
	return id;
}

static void score(demo *d, const scope *sc, int64_t bid, int64_t cand, int th, int pr, int rv)
{
	if (d->e)
		return;
	score_input in = {th, pr, rv};
	json_t *j = NULL;
	jn_fields fe = {0};
	failed(d, batch_score(d->s, sc, bid, cand, &in, &j, &fe), &fe, "成绩");
	json_decref(j);
}

typedef jn_err (*step_fn)(store *s, const scope *sc, int64_t id, json_t **out, jn_fields *fe);

static void step(demo *d, step_fn fn, const scope *sc, int64_t bid, const char *what)
{
	if (d->e)
		return;
	json_t *j = NULL;
	jn_fields fe = {0};
	failed(d, fn(d->s, sc, bid, &j, &fe), &fe, what);
	json_decref(j);
}

static void review(demo *d, int64_t bid, const char *decision, const char *reason)
{
	if (d->e)
		return;
	json_t *j = NULL;
	jn_fields fe = {0};
	failed(d, batch_review(d->s, &d->county, bid, decision, reason, &j, &fe), &fe, "县级审核");
	json_decref(j);
}

/* Submits, passes the county, starts the notice and (notice of 0 days) approves. */
static void to_approved(demo *d, const scope *body, int64_t bid)
{
	step(d, batch_submit, body, bid, "提交");
	review(d, bid, "pass", "材料齐全，成绩有效");
	step(d, batch_notice, &d->city, bid, "公示");
	step(d, batch_approve, &d->city, bid, "审批");
}

static void historical(demo *d, int64_t worker, int64_t wang, int64_t li, int64_t chen, int64_t liu)
{
	char a[19], b[19], c[19], e[19], f[19];
	char csv[2048];
	stx *t;
	person p[5];
	int64_t ids[5] = {worker, wang, li, chen, liu};
	const char *idn[5] = {idn_of(d, worker, a), idn_of(d, wang, b), idn_of(d, li, c), idn_of(d, chen, e),
			      idn_of(d, liu, f)};
	if (stx_begin(d->s, 0, &t) != JN_OK)
		return;
	for (int i = 0; i < 5; i++)
		store_person_get(t, &d->sys, ids[i], &p[i]);
	stx_rollback(t);
	snprintf(csv, sizeof csv,
		 "证书编号,姓名,身份证号,职业编码,技能等级,评价机构,发证日期,状态,注销日期,注销原因\n"
		 "S040053000001184000101,%s,%s," WELDER ",四级,%s,2018-06-30,有效,,\n"
		 "Y040053000002151000001,%s,%s," WELDER ",高级技师,%s,2015-12-20,有效,,\n"
		 "Y040053000002202000002,%s,%s," WELDER ",技师,%s,2020-06-15,有效,,\n"
		 "S040053000001184000102,%s,%s," WELDER ",四级,%s,2018-09-01,有效,,\n"
		 "S040053000001195000103,%s,%s," WELDER ",五级,%s,2019-05-10,已注销,2021-03-01,证书信息有误，已重新认定\n",
		 p[0].name, idn[0], S_BODY, p[1].name, idn[1], Y_BODY, p[2].name, idn[2], Y_BODY, p[3].name, idn[3], S_BODY,
		 p[4].name, idn[4], S_BODY);
	import_opts o = {0};
	import_report rep;
	jn_err err = import_certificates(d->s, &d->sys, csv, strlen(csv), &o, &rep);
	if (err && rep.errors && json_array_size(rep.errors)) {
		json_t *x = json_array_get(rep.errors, 0);
		fprintf(d->out, "导入演示历史证书失败：第%lld行 %s\n", (long long)json_integer_value(json_object_get(x, "row")),
			json_string_value(json_object_get(x, "message")));
	}
	failed(d, err, NULL, "历史证书");
	import_report_free(&rep);
}

jn_err demo_cert_load(store *s, FILE *out)
{
	demo d = {.s = s, .out = out, .sys = scope_system(), .today = store_today()};
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	batch_filter bf = {0};
	int64_t have = 0;
	e = store_batch_list(t, &d.sys, &bf, any_batch, NULL, &have);
	org s_org, emp;
	jn_err oe1 = store_org_find(t, NULL, S_BODY, &s_org), oe2 = store_org_find(t, NULL, EMPLOYER, &emp);
	stx_rollback(t);
	if (e)
		return e;
	if (have > 0 || oe1 || oe2)
		return JN_OK; /* already there, or not the demo's registry */

	/* The Y body: the employer's own assessment station, with its account. */
	char code[19], first[18] = "91530402MA6JN0001";
	memcpy(code, first, 17);
	code[17] = uscc_check_char(first);
	code[18] = '\0';
	org_input oi = {code, Y_BODY, "evaluator", "530402", NULL};
	org y_org;
	jn_fields fe = {0};
	if (failed(&d, org_create(s, &d.sys, &oi, &y_org, &fe), &fe, "Y类评价机构"))
		return d.e;
	unsigned char raw[9];
	char pw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(pw, sizeof pw, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	user_input ui = {.username = "zipingjia", .role = "evaluator", .password = pw, .org_id = y_org.id};
	account acct;
	if (failed(&d, user_add(s, &ui, &acct, &fe), &fe, "zipingjia"))
		return d.e;

	/* Registrations. */
	pair_input sp[] = {{WELDER, 2}, {WELDER, 3}, {WELDER, 4}, {WELDER, 5}, {ELECTRICIAN, 2},
			   {ELECTRICIAN, 3}, {ELECTRICIAN, 4}, {MECHANIC, 2}, {MECHANIC, 3}};
	pair_input yp[] = {{WELDER, 2}, {WELDER, 3}, {WELDER, 4}, {WELDER, 5}, {WELDER, 6}, {WELDER, 7},
			   {WELDER, 8}, {ELECTRICIAN, 4}, {ELECTRICIAN, 5}, {ELECTRICIAN, 6}};
	evaluator_input si = {"S", "0400", "000001", 0, (int)(sizeof sp / sizeof sp[0]), sp};
	evaluator_input yi = {"Y", "0400", "000002", emp.id, (int)(sizeof yp / sizeof yp[0]), yp};
	json_t *j = NULL;
	if (failed(&d, evaluator_register(s, &d.sys, s_org.id, &si, &j, &fe), &fe, "登记S类"))
		return d.e;
	json_decref(j);
	if (failed(&d, evaluator_register(s, &d.sys, y_org.id, &yi, &j, &fe), &fe, "登记Y类"))
		return d.e;
	json_decref(j);

	/* The cast: examiners, supervisors and the Y body's candidates. */
	int64_t s_ex1 = cast(&d, "赵建国", "530402", "19700312", S_BODY, "本科");
	int64_t s_ex2 = cast(&d, "钱志明", "530423", "19720805", S_BODY, "大专");
	int64_t s_sup = cast(&d, "孙丽华", "530402", "19750420", S_BODY, "本科");
	int64_t y_ex1 = cast(&d, "周德明", "530402", "19680115", EMPLOYER, "大专");
	int64_t y_ex2 = cast(&d, "吴海燕", "530402", "19760609", EMPLOYER, "本科");
	int64_t y_sup = cast(&d, "郑春梅", "530402", "19740922", EMPLOYER, "本科");
	int64_t wang = cast(&d, "王永红", "530402", "19710318", EMPLOYER, "高中");
	int64_t li = cast(&d, "李国庆", "530402", "19791001", EMPLOYER, "中专");
	int64_t zhang = cast(&d, "张明亮", "530402", "19880512", EMPLOYER, "高中");
	int64_t chen = cast(&d, "陈俊杰", "530402", "19850707", EMPLOYER, "技工学校");
	int64_t liu = cast(&d, "刘玉兰", "530402", "19900211", EMPLOYER, "大专");
	struct {
		int64_t org, person;
		const char *role;
	} staff[] = {{s_org.id, s_ex1, "examiner"}, {s_org.id, s_ex2, "examiner"}, {s_org.id, s_sup, "supervisor"},
		     {y_org.id, y_ex1, "examiner"}, {y_org.id, y_ex2, "examiner"}, {y_org.id, y_sup, "supervisor"}};
	for (size_t i = 0; i < sizeof staff / sizeof staff[0] && !d.e; i++) {
		staff_input in = {staff[i].person, NULL, staff[i].role};
		j = NULL;
		failed(&d, evaluator_staff_add(s, &d.sys, staff[i].org, &in, &j, &fe), &fe, "考评人员");
		json_decref(j);
	}
	if (d.e)
		return d.e;

	/* Who acts. */
	if (as_account(&d, "pingjia", &d.body_s) || as_account(&d, "zipingjia", &d.body_y) ||
	    as_account(&d, "hongta", &d.county) || as_account(&d, "yuxi", &d.city))
		return d.e;
	account worker;
	if (stx_begin(s, 0, &t) == JN_OK) {
		e = store_account_by_username(t, "laodongzhe", &worker);
		pool p = {.n = 0, .skip = e ? 0 : worker.person_id};
		person_filter pf = {.region = "530400", .per_page = 200};
		if (!e)
			e = store_person_list(t, &d.sys, &pf, pool_one, &p, NULL, NULL);
		stx_rollback(t);
		if (failed(&d, e, NULL, "演示人员") || p.n < 12)
			return d.e ? d.e : JN_EINTERNAL;
		historical(&d, worker.person_id, wang, li, chen, liu);
		if (d.e)
			return d.e;

		/* 1 planned: 电工 初级工, enrolled, not yet scored. */
		int64_t b1 = make_batch(&d, &d.body_s, ELECTRICIAN, 2, 20, "玉溪市职业技能鉴定评价中心第一考场", s_ex1, s_ex2,
					s_sup, 5);
		enrol(&d, b1, p.id[0], "normal", 2, "none", NULL, NULL);
		enrol(&d, b1, p.id[1], "normal", 0, "apprenticeship", NULL, NULL);
		/* 2 submitted: 电工 中级工. */
		int64_t b2 = make_batch(&d, &d.body_s, ELECTRICIAN, 3, -10, "玉溪市职业技能鉴定评价中心第二考场", s_ex1, s_ex2,
					s_sup, 5);
		score(&d, &d.body_s, b2, enrol(&d, b2, p.id[2], "normal", 7, "none", NULL, NULL), 78, 82, -1);
		score(&d, &d.body_s, b2, enrol(&d, b2, p.id[3], "normal", 3, "technical_school", NULL, NULL), 66, 71, -1);
		step(&d, batch_submit, &d.body_s, b2, "提交");
		/* 3 returned by the county. */
		int64_t b3 = make_batch(&d, &d.body_s, MECHANIC, 2, -15, "红塔区汽车维修实训基地", s_ex1, 0, s_sup, 5);
		score(&d, &d.body_s, b3, enrol(&d, b3, p.id[4], "normal", 2, "none", NULL, NULL), 72, 68, -1);
		step(&d, batch_submit, &d.body_s, b3, "提交");
		review(&d, b3, "return", "缺少考评员签字的成绩单扫描件，请补充后重新提交");
		/* 4 reviewed by the county, waiting for the city's notice. */
		int64_t b4 = make_batch(&d, &d.body_s, WELDER, 2, -20, "玉溪市职业技能鉴定评价中心焊接实训室", s_ex1, s_ex2,
					s_sup, 5);
		score(&d, &d.body_s, b4, enrol(&d, b4, p.id[5], "normal", 1, "none", NULL, NULL), 81, 90, -1);
		score(&d, &d.body_s, b4, enrol(&d, b4, p.id[6], "normal", 3, "none", NULL, NULL), 55, 70, -1);
		step(&d, batch_submit, &d.body_s, b4, "提交");
		review(&d, b4, "pass", "材料齐全，成绩有效");
		/* 5 in notice with an objection: the Y body's 高级工, one direct recognition. */
		int64_t b5 = make_batch(&d, &d.body_y, WELDER, 4, -25, "精工机械焊接车间", y_ex1, y_ex2, y_sup, 5);
		score(&d, &d.body_y, b5, enrol(&d, b5, chen, "normal", 8, "none", NULL, NULL), 84, 88, -1);
		int64_t cz = enrol(&d, b5, zhang, "direct", 12, "none", "技能高超、业绩突出的一线职工，打破学历、资历限制直接认定",
				   "主持压力容器焊缝返修工艺改进，一次合格率由92%提高到99.3%");
		score(&d, &d.body_y, b5, cz, 80, 93, -1);
		score(&d, &d.body_y, b5,
		      enrol(&d, b5, liu, "exceptional", 6, "college_in_field", "competition_placing",
			    "2025年玉溪市职工职业技能大赛焊工项目第二名"),
		      79, 91, -1);
		step(&d, batch_submit, &d.body_y, b5, "提交");
		review(&d, b5, "pass", "材料齐全");
		step(&d, batch_notice, &d.city, b5, "公示");
		if (!d.e) {
			j = NULL;
			failed(&d,
			       batch_object(s, &d.county, b5, cz, "反映张明亮的获奖证书年份与车间记录不一致，请核实",
					    "0877-2012345", &j, &fe),
			       &fe, "异议");
			json_decref(j);
		}
		/* 6 approved, certificates pending. */
		int64_t b6 = make_batch(&d, &d.body_s, WELDER, 3, -30, "玉溪市职业技能鉴定评价中心焊接实训室", s_ex1, s_ex2,
					s_sup, 0);
		score(&d, &d.body_s, b6, enrol(&d, b6, p.id[7], "normal", 6, "none", NULL, NULL), 75, 77, -1);
		score(&d, &d.body_s, b6, enrol(&d, b6, p.id[8], "normal", 9, "none", NULL, NULL), 88, 79, -1);
		to_approved(&d, &d.body_s, b6);
		/* 7 issued by the body: the demo worker's 高级工. */
		int64_t b7 = make_batch(&d, &d.body_s, WELDER, 4, -40, "玉溪市职业技能鉴定评价中心焊接实训室", s_ex1, s_ex2,
					s_sup, 0);
		score(&d, &d.body_s, b7, enrol(&d, b7, worker.person_id, "normal", 8, "none", NULL, NULL), 86, 91, -1);
		to_approved(&d, &d.body_s, b7);
		step(&d, batch_issue, &d.body_s, b7, "发证");
		/* 8 issued, then one certificate revoked by the city. */
		int64_t b8 = make_batch(&d, &d.body_y, WELDER, 6, -50, "精工机械技能大师工作室", y_ex1, y_ex2, y_sup, 0);
		score(&d, &d.body_y, b8, enrol(&d, b8, li, "normal", 18, "none", NULL, NULL), 82, 85, 88);
		to_approved(&d, &d.body_y, b8);
		step(&d, batch_issue, &d.city, b8, "发证");
		if (!d.e) {
			cert_filter cf = {.batch_id = b8, .per_page = 5};
			json_t *items = NULL;
			int64_t total = 0;
			int capped = 0;
			e = cert_list(s, &d.sys, &cf, &items, &total, &capped);
			const char *num = json_string_value(json_object_get(json_array_get(items, 0), "number"));
			if (!e && num) {
				j = NULL;
				e = cert_revoke(s, &d.city, num, "经复核，申报材料中的工作年限证明不实", &j, &fe);
				json_decref(j);
			}
			json_decref(items);
			failed(&d, e, &fe, "注销证书");
		}
		/* 9 the Y body appoints a 特级技师 (confirmed by the city). */
		int64_t b9 = make_batch(&d, &d.body_y, WELDER, 7, -60, "精工机械技能大师工作室", y_ex1, y_ex2, y_sup, 0);
		score(&d, &d.body_y, b9,
		      enrol(&d, b9, wang, "special", 30, "none", "企业评聘决定（精工〔2026〕3号），持焊工高级技师证书10年",
			    "带徒32名，主持完成大型压力容器焊接工艺攻关3项"),
		      90, 92, 95);
		to_approved(&d, &d.body_y, b9);
		step(&d, batch_issue, &d.city, b9, "发证");
	}
	if (d.e)
		return d.e;
	fprintf(out, "认证演示：评价机构 S 类（%s，账号 pingjia）和 Y 类（%s，账号 zipingjia），\n"
		     "  9 个认定批次（计划中、已提交、已退回、县级已审核、公示中含异议、已审批待发证、已发证、含已注销证书、特级技师评聘），\n"
		     "  劳动者 laodongzhe 持有焊工三级（高级工）有效证书。\n",
		S_BODY, Y_BODY);
	fprintf(out, "  %-11s 密码 %-14s %s · Y类自主评价\n\n", "zipingjia", pw, role_name_zh(ROLE_EVALUATOR));
	return JN_OK;
}
