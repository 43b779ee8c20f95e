/* demo_money.c — the demo's vouchers, subsidy claims and funds, built on
 * the classes app/demo_training.c made: a fund with a budget for every
 * programme and city that has closed classes, and one per city for the
 * upgrade subsidy; vouchers issued by rule to 红塔区's 脱贫户 aged 16–60 and
 * to single people, in every state (open, used at an enrolment, redeemed
 * when the provider's claim is paid, expired); training claims for every
 * closed class moved to every step (submitted, county reviewed, city
 * approved, paid, refused by a reviewer); a crash course whose check-ins all
 * arrived within one minute, so its claims carry a fraud flag (one of them
 * cleared with a reason); and upgrade claims for the demo certificates the
 * rules allow.  Everything goes through the services the API uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/certify.h"
#include "app/money.h"
#include "app/training.h"
#include "app/voucher.h"

static void date_plus(int days, char out[11])
{
	time_t t = time(NULL) + 8 * 3600 + (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static jn_err say(FILE *out, const char *what, jn_err e, const jn_fields *fe)
{
	fprintf(out, "演示数据（%s）失败：%s%s%s\n", what, jn_err_title_zh(e), fe && fe->count ? "：" : "",
		fe && fe->count ? fe->e[0].message : "");
	return e;
}

typedef struct closed {
	training_class c[64];
	int n;
} closed;

static int take_class(void *ctx, const training_class *c)
{
	closed *x = ctx;
	if (x->n < 64 && strcmp(c->state, "closed") == 0)
		x->c[x->n++] = *c;
	return 0;
}

typedef struct ens {
	enrolment e[64];
	int n;
} ens;

static int take_enrolment(void *ctx, const enrolment *e)
{
	ens *x = ctx;
	if (x->n < 64)
		x->e[x->n++] = *e;
	return 0;
}

static int64_t jid(json_t *j, const char *k) { return json_integer_value(json_object_get(j, k)); }

typedef struct certs_any {
	certificate c[60];
	int n;
} certs_any;

static int take_cert(void *ctx, const certificate *c)
{
	certs_any *x = ctx;
	if (x->n < 60)
		x->c[x->n++] = *c;
	return x->n >= 60;
}

typedef struct pick {
	person p[40];
	int n;
} pick;

static int take_person(void *ctx, const person *p)
{
	pick *x = ctx;
	if (x->n < 40)
		x->p[x->n++] = *p;
	return 0;
}

/* One city's crash course: 3 trainees ticked present at once, closed, passed. */
static jn_err crash_course(store *s, const training_class *like, const scope *psc, int64_t *cid, FILE *out)
{
	scope sys = scope_system();
	char d1[11], d2[11], s1[24], e1[24], s2[24], e2[24];
	date_plus(-12, d1);
	date_plus(-11, d2);
	snprintf(s1, sizeof s1, "%sT08:30", d1);
	snprintf(e1, sizeof e1, "%sT12:00", d1);
	snprintf(s2, sizeof s2, "%sT08:30", d2);
	snprintf(e2, sizeof e2, "%sT12:00", d2);
	session_input ss[2] = {{s1, e1, "理论知识"}, {s2, e2, "实操训练"}};
	char lv[4];
	snprintf(lv, sizeof lv, "%d", like->level);
	class_input in = CLASS_INPUT_EMPTY;
	in.programme_id = like->programme_id;
	in.name = "速成班（演示：签到集中）";
	in.occupation = like->occupation;
	in.level = lv;
	in.category = like->category;
	in.mode = "offline";
	in.start_date = d1;
	in.end_date = d2;
	in.hours = like->hours;
	in.teacher = like->teacher;
	in.place = like->place;
	in.capacity = 5;
	in.nsessions = 2;
	in.sessions = ss;
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e = class_create(s, psc, &in, &j, &fe);
	if (e)
		return say(out, "创建速成班", e, &fe);
	*cid = jid(j, "id");
	json_decref(j);
	/* three registered people of the class's county, ticked present at once */
	pick pk = {.n = 0};
	person_filter pf = {.all = 1};
	snprintf(pf.region, sizeof pf.region, "%s", like->region);
	stx *t;
	if ((e = stx_begin(s, 0, &t)))
		return e;
	e = store_person_list(t, &sys, &pf, take_person, &pk, NULL, NULL);
	stx_rollback(t);
	int64_t ids[3];
	int n = 0;
	for (int i = pk.n - 1; !e && i >= 0 && n < 3; i--) {
		enrol_person_input ei = {pk.p[i].id_number, pk.p[i].name, NULL};
		fe.count = 0;
		json_t *ej = NULL;
		jn_err ee = class_enrol(s, psc, *cid, &ei, &ej, &fe);
		json_decref(ej);
		if (!ee)
			ids[n++] = pk.p[i].id;
		else if (ee != JN_EINVAL && ee != JN_ECONFLICT)
			e = ee;
	}
	for (int seq = 1; !e && seq <= 2 && n; seq++) {
		attend_input ai = {seq, "", n, ids, NULL};
		fe.count = 0;
		json_t *aj = NULL;
		e = class_attend(s, psc, *cid, &ai, &aj, &fe);
		json_decref(aj);
	}
	json_t *cj = NULL;
	if (!e)
		e = class_close(s, psc, *cid, d2, &cj, &fe);
	json_t *list = json_object_get(cj, "enrolments");
	size_t i;
	json_t *en;
	json_array_foreach(list, i, en)
	{
		if (e)
			break;
		if (strcmp(json_string_value(json_object_get(en, "state")), "completed") != 0)
			continue;
		result_input ri = {"passed", 80, NULL};
		json_t *rj = NULL;
		fe.count = 0;
		e = class_result(s, psc, *cid, jid(en, "id"), &ri, &rj, &fe);
		json_decref(rj);
	}
	json_decref(cj);
	if (e)
		return say(out, "演示速成班", e, &fe);
	return JN_OK;
}

jn_err demo_money_load(store *s, FILE *out)
{
	scope sys = scope_system();
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	int64_t nclaims = 0;
	claim_filter cf0 = {0};
	json_t *tmp = NULL;
	stx_rollback(t);
	if ((e = claim_list(s, &sys, &cf0, &tmp, &nclaims)))
		return e;
	json_decref(tmp);
	if (nclaims > 0) {
		fprintf(out, "演示补贴申请已存在，未重复创建。\n");
		return JN_OK;
	}
	closed cl = {.n = 0};
	class_filter f = {.per_page = 200};
	if ((e = stx_begin(s, 0, &t)))
		return e;
	e = store_class_list(t, &sys, &f, take_class, &cl, NULL);
	stx_rollback(t);
	if (e)
		return e;
	jn_fields fe = {0};
	json_t *j = NULL;
	/* funds: each programme and city of a closed class, and one per city for upgrade subsidies */
	int funds = 0;
	for (int i = 0; i < cl.n; i++) {
		char city[7];
		snprintf(city, sizeof city, "%.4s00", cl.c[i].region);
		for (int k = 0; k < 2; k++) {
			fund_input fi = {k ? 0 : cl.c[i].programme_id, city, k ? "失业保险基金（技能提升补贴）" : "",
					 k ? 5000000 : 3000000, "年度预算（演示）"};
			char name[256];
			if (!k) {
				snprintf(name, sizeof name, "%s职业培训补贴资金", cl.c[i].programme_name[0] ? cl.c[i].programme_name : "职业培训");
				fi.name = name;
			}
			if (!k && !fi.programme_id)
				continue;
			fe.count = 0;
			jn_err fe2 = fund_create(s, &sys, &fi, &j, &fe);
			if (!fe2) {
				funds++;
				json_decref(j);
			} else if (fe2 != JN_EINVAL) {
				return say(out, "建立资金", fe2, &fe);
			}
		}
	}
	/* vouchers by rule: 红塔区's 脱贫户 aged 16–60, for care, cooking and welding */
	voucher_issue_input vi = VOUCHER_ISSUE_EMPTY;
	vi.region = "530402";
	vi.tags[0] = "脱贫户";
	vi.ntags = 1;
	vi.age_min = 16;
	vi.age_max = 60;
	vi.occupations[0] = "4-10";
	vi.occupations[1] = "4-03-02";
	vi.occupations[2] = "6-18-02-04";
	vi.noccupations = 3;
	vi.amount_fen = 100000;
	char exp[11];
	date_plus(180, exp);
	vi.expires_on = exp;
	int issued = 0;
	fe.count = 0;
	e = voucher_issue(s, &sys, &vi, &j, &fe);
	if (!e) {
		issued = (int)jid(j, "count");
		json_decref(j);
	} else if (e != JN_EINVAL) {
		return say(out, "发放培训券", e, &fe);
	}
	e = JN_OK;
	/* one expired: issued half a year ago, due three weeks ago */
	pick pk = {.n = 0};
	person_filter pf = {.all = 1};
	snprintf(pf.region, sizeof pf.region, "530402");
	if ((e = stx_begin(s, 0, &t)))
		return e;
	e = store_person_list(t, &sys, &pf, take_person, &pk, NULL, NULL);
	stx_rollback(t);
	if (e)
		return e;
	if (pk.n) {
		voucher_issue_input one = VOUCHER_ISSUE_EMPTY;
		char on[11], due[11];
		date_plus(-180, on);
		date_plus(-21, due);
		one.person_id = pk.p[pk.n - 1].id;
		one.occupations[0] = "4-10";
		one.noccupations = 1;
		one.amount_fen = 80000;
		one.expires_on = due;
		one.issued_on = on;
		fe.count = 0;
		if (!voucher_issue(s, &sys, &one, &j, &fe)) {
			json_decref(j);
			issued++;
		}
	}
	/* training claims for every closed class, a voucher used at one enrolment of each of the first two */
	int steps[5] = {0};
	for (int i = 0; i < cl.n; i++) {
		const training_class *k = &cl.c[i];
		ens en = {.n = 0};
		if ((e = stx_begin(s, 1, &t)))
			return e;
		e = store_class_enrolments(t, k->id, take_enrolment, &en);
		/* the voucher the first completed trainee "used" when enrolling (issued to them before the class) */
		for (int m = 0; !e && i < 2 && m < en.n; m++) {
			if (strcmp(en.e[m].state, "completed") || strcmp(en.e[m].result, "passed"))
				continue;
			stx_rollback(t);
			t = NULL;
			voucher_issue_input one = VOUCHER_ISSUE_EMPTY;
			char on[11];
			snprintf(on, sizeof on, "%s", k->start_date);
			one.person_id = en.e[m].person_id;
			one.occupations[0] = k->occupation;
			one.noccupations = 1;
			one.amount_fen = 100000;
			char due[11];
			date_plus(120, due);
			one.expires_on = due;
			one.issued_on = on;
			fe.count = 0;
			json_t *vj = NULL;
			if ((e = voucher_issue(s, &sys, &one, &vj, &fe)))
				break;
			const char *number = json_string_value(json_object_get(vj, "first_number"));
			if ((e = stx_begin(s, 1, &t)))
				break;
			fe.count = 0;
			e = voucher_use(t, &sys, number, en.e[m].person_id, k->occupation, en.e[m].id, k->start_date, &fe);
			json_decref(vj);
			if (!e) {
				e = tx_end(t, e);
				t = NULL;
			}
			break;
		}
		if (t)
			stx_rollback(t);
		if (e)
			return say(out, "使用培训券", e, &fe);
		char on[11];
		snprintf(on, sizeof on, "%s", k->end_date);
		claim_input ci = {"training", k->id, NULL, on};
		fe.count = 0;
		json_t *cj = NULL;
		jn_err ce = claim_submit(s, &sys, &ci, &cj, &fe);
		if (ce == JN_EINVAL)
			continue;
		if (ce)
			return say(out, "申请职业培训补贴", ce, &fe);
		json_t *created = json_object_get(cj, "created");
		size_t x;
		json_t *c;
		json_array_foreach(created, x, c)
		{
			int64_t id = jid(c, "id");
			/* class 0: paid; 1: approved; 2: reviewed; 3: one refused, rest submitted; later ones as they come */
			int stage = i == 0 ? 3 : i == 1 ? 2 : i == 2 ? 1 : 0;
			if (i == 3 && x == 0)
				stage = -1;
			claim_action path[3] = {CLAIM_REVIEW, CLAIM_APPROVE, CLAIM_PAY};
			jn_err se = JN_OK;
			for (int st = 0; st < stage && !se; st++) {
				fe.count = 0;
				se = claim_step(s, &sys, id, path[st], NULL, 0, NULL, &fe);
			}
			if (stage < 0) {
				fe.count = 0;
				se = claim_step(s, &sys, id, CLAIM_REFUSE, "学员签到表与身份证复印件不符，请培训机构核实后重新申请", 0, NULL, &fe);
			}
			if (se && se != JN_EINVAL && se != JN_ECONFLICT) {
				json_decref(cj);
				return say(out, "补贴审核", se, &fe);
			}
			steps[stage < 0 ? 4 : stage]++;
		}
		json_decref(cj);
	}
	/* the crash course: check-ins all within a minute, its claims flagged, one flag cleared */
	int flagged = 0;
	for (int i = 0; i < cl.n; i++) {
		if (strncmp(cl.c[i].region, "5304", 4) != 0)
			continue;
		scope psc = sys;
		account a;
		if (!(e = stx_begin(s, 0, &t))) {
			jn_err ae = store_account_by_username(t, "peixun", &a);
			stx_rollback(t);
			if (!ae && a.org_id == cl.c[i].org_id)
				scope_from_account(&a, &psc);
		}
		int64_t cid = 0;
		fe.count = 0;
		if ((e = crash_course(s, &cl.c[i], &psc, &cid, out)))
			return e;
		char on[11];
		date_plus(-10, on);
		claim_input ci = {"training", cid, NULL, on};
		fe.count = 0;
		json_t *cj = NULL;
		if (claim_submit(s, &sys, &ci, &cj, &fe) == JN_OK) {
			json_t *created = json_object_get(cj, "created");
			size_t x;
			json_t *c;
			json_array_foreach(created, x, c)
			{
				flagged += jid(c, "flags_open") > 0;
				if (x == 0 && jid(c, "flags_open") > 0) {
					json_t *cleared = NULL;
					fe.count = 0;
					if (claim_flag_clear(s, &sys, jid(c, "id"), "checkins_one_minute",
							     "已电话回访三名学员并查看课堂照片，确认到课；培训机构统一代签", &cleared, &fe) == JN_OK)
						json_decref(cleared);
				}
			}
			json_decref(cj);
		}
		break;
	}
	/* upgrade claims for the demo certificates the rules allow */
	int upgrades = 0;
	{
		certs_any *cs = calloc(1, sizeof *cs);
		if (!cs)
			return JN_ENOMEM;
		cert_filter cf = {.status = CERT_VALID, .all = 1};
		if (!(e = stx_begin(s, 0, &t))) {
			e = store_cert_list(t, &sys, &cf, take_cert, cs, NULL, NULL);
			stx_rollback(t);
		}
		for (int i = 0; !e && i < cs->n; i++) {
			claim_input ci = {"upgrade", 0, cs->c[i].number, NULL};
			fe.count = 0;
			json_t *cj = NULL;
			if (claim_submit(s, &sys, &ci, &cj, &fe) != JN_OK)
				continue;
			int64_t id = jid(cj, "id");
			json_decref(cj);
			/* the first paid, the second approved, the third reviewed, the rest submitted */
			claim_action path[3] = {CLAIM_REVIEW, CLAIM_APPROVE, CLAIM_PAY};
			int stage = upgrades == 0 ? 3 : upgrades == 1 ? 2 : upgrades == 2 ? 1 : 0;
			for (int st = 0; st < stage; st++) {
				fe.count = 0;
				if (claim_step(s, &sys, id, path[st], NULL, 0, NULL, &fe) != JN_OK)
					break;
			}
			upgrades++;
		}
		free(cs);
		if (e)
			return e;
	}
	fprintf(out, "已建立演示资金 %d 项，发放培训券 %d 张；职业培训补贴申请：已提交 %d、县级已审核 %d、市级已审批 %d、已拨付 %d、驳回 %d，"
		"签到集中被提示风险 %d 份；技能提升补贴申请 %d 份。\n",
		funds, issued, steps[0], steps[1], steps[2], steps[3], steps[4], flagged, upgrades);
	return JN_OK;
}
