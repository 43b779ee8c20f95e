/* demo_training.c — the demo's training: an account for each of the three
 * training providers (玉溪, 曲靖, 红河), and in each city classes of its
 * programmes in every state — closed ones in the past with realistic
 * attendance (most complete, some do not reach 80%), results and, where a
 * demo certificate's holder fits, the certificate linked; one running with
 * the first sessions attended; one open for enrolment.  Vouchers and claims
 * are the money part's (it finds completed enrolments here). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/certify.h"
#include "app/training_internal.h"
#include "core/training.h"

#define N(a) (sizeof a / sizeof a[0])

static unsigned long long rs = 0x2545F4914F6CDD1Dull;
static unsigned rnd(unsigned n)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (unsigned)(rs % n);
}

typedef struct people {
	person p[400];
	int n;
} people;

static int take_person(void *ctx, const person *p)
{
	people *x = ctx;
	if (x->n < (int)N(x->p))
		x->p[x->n++] = *p;
	return 0;
}

static void date_plus(int days, char out[11])
{
	time_t t = time(NULL) + 8 * 3600 + (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

typedef struct plan {
	const char *city, *programme, *occupation, *name;
	int level, hours, start, days, trainees; /* start: days from today */
	const char *teacher, *place;
} plan;

static const plan PLANS[] = {
	/* 玉溪 */
	{"530400", "农村劳动者就业技能培训", "4-10-01-05", "养老护理员（初级）就业技能培训班", 2, 64, -75, 4, 10, "普丽芬",
	 "红塔区职业技能培训学校二楼实训室"},
	{"530400", "电子商务人员培训", "4-01-06-02", "互联网营销师（直播销售）培训班", 2, 64, -40, 4, 8, "李晓东",
	 "红塔区电商产业园培训中心"},
	{"530400", "农村劳动者就业技能培训", "4-03-02-01", "中式烹调师（中级）培训班", 3, 96, -2, 4, 6, "杨国庆",
	 "红塔区职业技能培训学校烹饪实训室"},
	{"530400", "展翅行动企业职工岗位技能培训", "6-18-02-04", "焊工（初级）岗位技能提升班", 2, 80, 14, 3, 4, "王建华",
	 "红塔区精工机械制造有限公司实训车间"},
	/* 曲靖 */
	{"530300", "乡村振兴技能人才计划", "5-01-02-01", "农艺工（初级）乡村振兴培训班", 2, 64, -60, 4, 9, "者兴富",
	 "宣威市人和职业培训学校"},
	{"530300", "服务重点产业企业技能人才计划", "6-31-01-03", "电工（中级）企业职工提升班", 3, 120, -30, 5, 8, "段成林",
	 "宣威市人和职业培训学校电工实训室"},
	{"530300", "乡村振兴技能人才计划", "6-29-01-01", "砌筑工（初级）培训班", 2, 64, -1, 4, 6, "马永红",
	 "宣威市城东实训基地"},
	/* 红河 */
	{"532500", "康养云师傅计划", "4-10-01-06", "家政服务员（初级）康养云师傅培训班", 2, 64, -50, 4, 9, "白金花",
	 "个旧市众创职业培训中心"},
	{"532500", "职业技能提升行动", "4-12-01-01", "汽车维修工（中级）技能提升班", 3, 120, -20, 5, 7, "孔德明",
	 "个旧市众创职业培训中心汽修车间"},
	{"532500", "康养云师傅计划", "4-10-01-03", "保育师（初级）培训班", 2, 64, 10, 4, 3, "尹美玲",
	 "个旧市众创职业培训中心"},
};

typedef struct provider {
	const char *city, *user;
	int64_t org_id;
	char name[256];
	scope sc;
} provider;

static int find_trainers(void *ctx, const org *o)
{
	provider *pv = ctx;
	for (int i = 0; i < 3; i++)
		if (!pv[i].org_id && strncmp(o->region, pv[i].city, 4) == 0) {
			pv[i].org_id = o->id;
			snprintf(pv[i].name, sizeof pv[i].name, "%s", o->name);
			break;
		}
	return 0;
}

static jn_err say(FILE *out, const char *what, jn_err e, const jn_fields *fe)
{
	if (e)
		fprintf(out, "%s失败：%s %s\n", what, fe->count ? fe->e[0].field : jn_err_code(e),
			fe->count ? fe->e[0].message : "");
	return e;
}

typedef struct cert_pick {
	certificate c;
	int found;
} cert_pick;

/* The first valid certificate (初级 to 高级) of a holder in the three cities. */
static int take_cert(void *ctx, const certificate *c)
{
	cert_pick *x = ctx;
	if (x->found || c->level < 2 || c->level > 4)
		return 0;
	if (strncmp(c->id_number, "5304", 4) && strncmp(c->id_number, "5303", 4) && strncmp(c->id_number, "5325", 4))
		return 0;
	x->c = *c;
	x->found = 1;
	return 1;
}

/* A short class the holder completed before the certificate, closed, the
 * result passed and the certificate linked. */
static jn_err linked_cert(store *s, FILE *out, const provider *pv, const certificate *c, int *done)
{
	int ci = strncmp(c->id_number, "5304", 4) == 0 ? 0 : strncmp(c->id_number, "5303", 4) == 0 ? 1 : 2;
	if (!pv[ci].sc.account_id)
		return JN_OK;
	scope sys = scope_system();
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	person p;
	e = store_person_get(t, &sys, c->person_id, &p);
	stx_rollback(t);
	if (e)
		return e == JN_ENOTFOUND ? JN_OK : e;
	char d1[11], d2[11], a1[24], b1[24], a2[24], b2[24], lv[4];
	date_plus(-150, d1);
	date_plus(-149, d2);
	snprintf(a1, sizeof a1, "%sT08:30", d1);
	snprintf(b1, sizeof b1, "%sT12:00", d1);
	snprintf(a2, sizeof a2, "%sT14:00", d2);
	snprintf(b2, sizeof b2, "%sT17:30", d2);
	snprintf(lv, sizeof lv, "%d", c->level);
	session_input ss[2] = {{a1, b1, "理论知识"}, {a2, b2, "操作技能"}};
	class_input in = CLASS_INPUT_EMPTY;
	in.category = "岗位技能提升培训";
	in.occupation = c->occupation;
	in.level = lv;
	in.start_date = d1;
	in.end_date = d2;
	in.hours = 200;
	in.teacher = "段绍文";
	in.place = "培训机构实训室";
	in.capacity = 20;
	in.nsessions = 2;
	in.sessions = ss;
	json_t *j = NULL;
	jn_fields fe = {0};
	if ((e = class_create(s, &pv[ci].sc, &in, &j, &fe)) != JN_OK) {
		/* an occupation the catalogue sets more hours for, or the like: skip */
		json_decref(j);
		return JN_OK;
	}
	int64_t cid = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	char on[11];
	date_plus(-157, on);
	enrol_person_input ei = {p.id_number, p.name, NULL, on};
	j = NULL;
	if (class_enrol(s, &pv[ci].sc, cid, &ei, &j, &fe) != JN_OK) {
		json_decref(j);
		return JN_OK;
	}
	int64_t eid = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	for (int k = 1; k <= 2; k++) {
		int64_t ids[1] = {p.id};
		attend_input ai = {k, k == 1 ? a1 : a2, 1, ids, NULL};
		j = NULL;
		if ((e = class_attend(s, &pv[ci].sc, cid, &ai, &j, &fe)) != JN_OK)
			return say(out, "登记演示签到", e, &fe);
		json_decref(j);
	}
	j = NULL;
	if ((e = class_close(s, &pv[ci].sc, cid, d2, &j, &fe)) != JN_OK)
		return say(out, "演示培训班结业", e, &fe);
	json_decref(j);
	result_input ri = {"passed", 86, c->number};
	j = NULL;
	if ((e = class_result(s, &pv[ci].sc, cid, eid, &ri, &j, &fe)) != JN_OK)
		return say(out, "关联演示证书", e, &fe);
	json_decref(j);
	*done = 1;
	return JN_OK;
}

jn_err demo_training_load(store *s, FILE *out)
{
	scope sys = scope_system();
	class_filter cf = {0};
	int64_t have = 0;
	json_t *tmp = NULL;
	jn_err e = class_list(s, &sys, &cf, &tmp, &have);
	json_decref(tmp);
	if (e)
		return e;
	stx *t;
	if ((e = stx_begin(s, 0, &t)) != JN_OK)
		return e;
	provider pv[3] = {{"530400", "peixun", 0, "", {0}}, {"530300", "peixun_qj", 0, "", {0}},
			  {"532500", "peixun_hh", 0, "", {0}}};
	org_filter of = {.kind = ORG_TRAINER, .all = 1};
	if (!e)
		e = store_org_list(t, &sys, &of, find_trainers, pv, NULL);
	int have_cert = 0;
	stx_rollback(t);
	if (e)
		return e;
	if (have > 0) {
		fprintf(out, "演示培训班已存在，未重复创建。\n");
		return JN_OK;
	}
	/* accounts of the providers ("peixun" exists: the 玉溪 school's) */
	fprintf(out, "\n培训机构账号（密码只显示这一次）：\n");
	for (int i = 0; i < 3; i++) {
		if (!pv[i].org_id)
			continue;
		if ((e = stx_begin(s, 0, &t)) != JN_OK)
			return e;
		account a;
		jn_err ae = store_account_by_username(t, pv[i].user, &a);
		stx_rollback(t);
		if (ae == JN_ENOTFOUND) {
			unsigned char raw[9];
			char pw[32];
			randombytes_buf(raw, sizeof raw);
			sodium_bin2base64(pw, sizeof pw, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
			user_input in = {.username = pv[i].user, .role = "trainer", .password = pw, .org_id = pv[i].org_id};
			jn_fields fe = {0};
			if ((e = user_add(s, &in, &a, &fe)) != JN_OK)
				return say(out, "创建培训机构账号", e, &fe);
			fprintf(out, "  %-11s 密码 %-14s 培训机构 · %s\n", pv[i].user, pw, pv[i].name);
		} else if (ae) {
			return ae;
		} else {
			fprintf(out, "  %-11s （见上）              培训机构 · %s\n", pv[i].user, pv[i].name);
		}
		scope_from_account(&a, &pv[i].sc);
	}
	/* trainees: registered workers of each city */
	people *pp = calloc(3, sizeof *pp);
	if (!pp)
		return JN_ENOMEM;
	if ((e = stx_begin(s, 0, &t)) != JN_OK) {
		free(pp);
		return e;
	}
	for (int i = 0; !e && i < 3; i++) {
		person_filter f = {0};
		snprintf(f.region, sizeof f.region, "%s", pv[i].city);
		f.all = 1;
		e = store_person_list(t, &sys, &f, take_person, &pp[i], NULL, NULL);
	}
	stx_rollback(t);
	int next[3] = {0, 0, 0}, classes = 0, enrolled = 0, completed = 0, incomplete = 0;
	for (size_t k = 0; !e && k < N(PLANS); k++) {
		const plan *pl = &PLANS[k];
		int ci = strcmp(pl->city, "530400") == 0 ? 0 : strcmp(pl->city, "530300") == 0 ? 1 : 2;
		if (!pv[ci].org_id || !pv[ci].sc.account_id)
			continue;
		const scope *psc = &pv[ci].sc;
		char start[11], end[11], lvtext[4];
		date_plus(pl->start, start);
		date_plus(pl->start + pl->days - 1, end);
		snprintf(lvtext, sizeof lvtext, "%d", pl->level);
		session_input ss[8];
		char sbuf[8][2][24];
		for (int d = 0; d < pl->days; d++) {
			char dd[11];
			date_plus(pl->start + d, dd);
			snprintf(sbuf[d][0], 24, "%sT%s", dd, d % 2 ? "14:00" : "08:30");
			snprintf(sbuf[d][1], 24, "%sT%s", dd, d % 2 ? "17:30" : "12:00");
			ss[d] = (session_input){sbuf[d][0], sbuf[d][1], d == 0 ? "理论知识与安全规范" : "实操训练"};
		}
		class_input in = CLASS_INPUT_EMPTY;
		in.programme = pl->programme;
		in.name = pl->name;
		in.occupation = pl->occupation;
		in.level = lvtext;
		in.start_date = start;
		in.end_date = end;
		in.hours = pl->hours;
		in.teacher = pl->teacher;
		in.place = pl->place;
		in.capacity = pl->trainees + 5;
		in.nsessions = pl->days;
		in.sessions = ss;
		if (strcmp(pl->programme, "展翅行动企业职工岗位技能培训") == 0)
			in.category = "岗位技能提升培训";
		/* programme by name in the city */
		stx *pt;
		if ((e = stx_begin(s, 0, &pt)) != JN_OK)
			break;
		programme prog;
		jn_err pe = store_programme_by_name(pt, &sys, pl->city, pl->programme, &prog);
		stx_rollback(pt);
		if (!pe) {
			in.programme_id = prog.id;
			in.programme = NULL;
			if (!tr_class_category_ok(prog.category) && !in.category)
				in.category = "职业技能培训";
		}
		json_t *j = NULL;
		jn_fields fe = {0};
		if ((e = class_create(s, psc, &in, &j, &fe)) != JN_OK) {
			say(out, "创建演示培训班", e, &fe);
			break;
		}
		int64_t cid = json_integer_value(json_object_get(j, "id"));
		json_decref(j);
		classes++;
		/* enrolment */
		int64_t ids[32];
		int n = 0;
		for (int m = 0; m < pl->trainees && next[ci] < pp[ci].n; m++) {
			const person *p = &pp[ci].p[next[ci]++];
			/* enrolled a week before the class starts (or today) */
			char on[11];
			date_plus(pl->start - 7 < 0 ? pl->start - 7 : 0, on);
			enrol_person_input ei = {p->id_number, p->name, NULL, on};
			jn_fields f2 = {0};
			json_t *ej = NULL;
			jn_err ee = class_enrol(s, psc, cid, &ei, &ej, &f2);
			json_decref(ej);
			if (ee == JN_OK)
				ids[n++] = p->id;
			else if (ee != JN_EINVAL && ee != JN_ECONFLICT) {
				e = ee;
				break;
			}
		}
		enrolled += n;
		/* attendance for the sessions already held */
		for (int d = 0; !e && d < pl->days && pl->start + d < 0; d++) {
			int64_t present[32];
			int np = 0;
			for (int m = 0; m < n; m++) {
				/* most come to every session; the last two of a class miss some */
				int miss = m == n - 1 ? d % 2 == 0 : m == n - 2 ? d == 1 : rnd(100) < 4;
				if (!miss)
					present[np++] = ids[m];
			}
			if (!np)
				continue;
			char at[21];
			tr_time_format(tr_time_parse(sbuf[d][0]) + 60 * (int64_t)rnd(9), at);
			attend_input ai = {d + 1, at, np, present, NULL};
			jn_fields f3 = {0};
			json_t *aj = NULL;
			e = class_attend(s, psc, cid, &ai, &aj, &f3);
			json_decref(aj);
			if (e)
				say(out, "登记演示签到", e, &f3);
		}
		/* classes whose last session is past are closed on their end date */
		if (!e && pl->start + pl->days - 1 < 0) {
			json_t *cj = NULL;
			jn_fields f4 = {0};
			if ((e = class_close(s, psc, cid, end, &cj, &f4)) != JN_OK) {
				say(out, "演示培训班结业", e, &f4);
				json_decref(cj);
				break;
			}
			json_t *counts = json_object_get(cj, "counts");
			completed += (int)json_integer_value(json_object_get(counts, "completed"));
			incomplete += (int)json_integer_value(json_object_get(counts, "incomplete"));
			json_t *ens = json_object_get(cj, "enrolments");
			size_t i;
			json_t *en;
			json_array_foreach(ens, i, en)
			{
				if (strcmp(json_string_value(json_object_get(en, "state")), "completed") != 0)
					continue;
				int score = 55 + (int)rnd(41);
				result_input ri = {score >= 60 ? "passed" : "failed", score, NULL};
				jn_fields f5 = {0};
				json_t *rj = NULL;
				jn_err re = class_result(s, psc, cid, json_integer_value(json_object_get(en, "id")), &ri, &rj, &f5);
				json_decref(rj);
				if (re) {
					e = re;
					break;
				}
			}
			json_decref(cj);
		}
	}
	/* a demo certificate's holder, trained before their certificate */
	if (!e && (e = stx_begin(s, 0, &t)) == JN_OK) {
		cert_pick pk = {.found = 0};
		cert_filter f = {.status = CERT_VALID, .all = 1};
		e = store_cert_list(t, &sys, &f, take_cert, &pk, NULL, NULL);
		stx_rollback(t);
		if (!e && pk.found)
			e = linked_cert(s, out, pv, &pk.c, &have_cert);
	}
	free(pp);
	if (e)
		return e;
	fprintf(out, "已创建演示培训班 %d 个（结业、培训中、报名中各有），报名 %d 人次，结业 %d 人次，未结业 %d 人次%s。\n", classes,
		enrolled, completed, incomplete, have_cert ? "，一名持证学员的证书已关联" : "");
	return JN_OK;
}
