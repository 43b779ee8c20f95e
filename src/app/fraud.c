/* fraud.c — the checks a reviewer sees on each training claim (补贴申请的
 *风险提示).  A flag explains what was seen, in Chinese; it never blocks a
 * claim.  A reviewer clears one with a reason (audited).  Checks:
 *
 *   overlap_classes      the trainee is in another class whose sessions overlap this class's
 *   two_providers_month  the trainee is in a class of another provider in the same month(s)
 *   checkins_one_minute  every check-in of the class (at least 3) arrived within one minute
 *   checkins_one_device  every check-in of the class (at least 3) came from one device
 *   over_capacity        more completed enrolments than the class's capacity
 *   provider_spike       the provider's training claims this month are more than
 *                        SPIKE_FACTOR times its monthly average over the previous six
 *                        months and more than SPIKE_FLOOR (one class's worth: a new
 *                        provider's first classes are not a spike)
 *
 * Upgrade claims (a worker's own certificate) have no class: no checks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/certify.h"
#include "app/money.h"

#define SPIKE_FACTOR 3
#define SPIKE_FLOOR 30
#define CHECKIN_MIN 3

const char *fraud_flag_name_zh(const char *code)
{
	static const char *const names[][2] = {
		{"overlap_classes", "同一学员同时段参加两个培训班"},
		{"two_providers_month", "同一学员同月在两家培训机构参训"},
		{"checkins_one_minute", "全班签到集中在一分钟内"},
		{"checkins_one_device", "全班签到来自同一设备"},
		{"over_capacity", "结业人数超过班级容量"},
		{"provider_spike", "培训机构本月申请量异常激增"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i][0], code) == 0)
			return names[i][1];
	return code;
}

/* Seconds since 1970 of "YYYY-MM-DDTHH:MM:SS…" (UTC); -1 when malformed. */
static int64_t iso_seconds(const char *s)
{
	int y, mo, d, h, mi, se;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) != 6)
		return -1;
	/* days from civil (Howard Hinnant) */
	y -= mo <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;
	return days * 86400 + h * 3600 + mi * 60 + se;
}

typedef struct months {
	char month[8][8];
	int64_t n[8];
	int count;
} months;

static int month_take(void *ctx, const char *month, int64_t n)
{
	months *m = ctx;
	if (m->count < 8) {
		snprintf(m->month[m->count], 8, "%.7s", month);
		m->n[m->count++] = n;
	}
	return 0;
}

static jn_err raise(stx *t, const claim *c, const char *code, int *raised, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static jn_err raise(stx *t, const claim *c, const char *code, int *raised, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	cert_utf8_fit(detail, sizeof detail);
	int added = 0;
	jn_err e = store_flag_raise(t, c->id, code, detail, &added);
	if (raised)
		*raised += added;
	return e;
}

jn_err fraud_check(stx *t, const claim *c, int *raised)
{
	if (raised)
		*raised = 0;
	if (c->kind != SUBSIDY_TRAINING || !c->class_id)
		return JN_OK;
	jn_err e = JN_OK;
	int64_t other = 0;
	char name[256], oname[256];
	int rc = store_fraud_overlap(t, c->class_id, c->person_id, &other, name, sizeof name);
	if (rc < 0)
		return JN_EDB;
	if (rc)
		e = raise(t, c, "overlap_classes", raised, "学员%s同时参加了培训班“%s”（第%lld号），两个班的课时有重叠",
			  c->person_name, name, (long long)other);
	rc = e ? 0 : store_fraud_two_providers(t, c->class_id, c->person_id, &other, name, sizeof name, oname, sizeof oname);
	if (rc < 0)
		return JN_EDB;
	if (rc)
		e = raise(t, c, "two_providers_month", raised,
			  "学员%s同月还在另一家培训机构“%s”参加培训班“%s”（第%lld号）", c->person_name, oname, name,
			  (long long)other);
	int64_t n = 0, devices = 0, no_device = 0;
	char first[32], last[32], device[128];
	if (!e)
		e = store_fraud_checkins(t, c->class_id, &n, first, last, &devices, &no_device, device);
	if (!e && n >= CHECKIN_MIN) {
		int64_t a = iso_seconds(first), b = iso_seconds(last);
		if (a >= 0 && b >= 0 && b - a < 60)
			e = raise(t, c, "checkins_one_minute", raised, "全班%lld次签到都在一分钟内（%s 至 %s），不像真实上课",
				  (long long)n, first, last);
		if (!e && devices == 1 && no_device == 0)
			e = raise(t, c, "checkins_one_device", raised, "全班%lld次签到都来自同一设备（%s）", (long long)n, device);
	}
	int64_t cap = 0, done = 0;
	if (!e)
		e = store_fraud_capacity(t, c->class_id, &cap, &done);
	if (!e && done > cap)
		e = raise(t, c, "over_capacity", raised, "培训班容量%lld人，结业%lld人，超出容量", (long long)cap, (long long)done);
	if (!e && c->org_id) {
		/* The claim's month and the six before it. */
		int y = atoi(c->rules_as_of), mo = atoi(c->rules_as_of + 5);
		int t0 = y * 12 + mo - 1 - 6;
		char from[32], cur[8];
		snprintf(from, sizeof from, "%04d-%02d-01", t0 / 12, t0 % 12 + 1);
		snprintf(cur, sizeof cur, "%.7s", c->rules_as_of);
		months m = {0};
		e = store_fraud_org_months(t, c->org_id, from, month_take, &m);
		int64_t now = 0, before = 0;
		for (int i = 0; i < m.count; i++) {
			if (strcmp(m.month[i], cur) == 0)
				now = m.n[i];
			else if (strcmp(m.month[i], cur) < 0)
				before += m.n[i];
		}
		double avg = before / 6.0;
		if (!e && now > SPIKE_FLOOR && (double)now > SPIKE_FACTOR * avg)
			e = raise(t, c, "provider_spike", raised,
				  "培训机构%s本月（%s）已申请%lld人次，前6个月月均%.1f人次，超过%d倍", c->org_name, cur,
				  (long long)now, avg, SPIKE_FACTOR);
	}
	return e;
}

jn_err claim_flags_recheck(store *s, const scope *sc, int64_t id, json_t **out, jn_fields *fe)
{
	if (!role_may(sc, ROLE_ADMIN | ROLE_COUNTY))
		return refuse_role(fe, sc, "重新检查风险提示（审核人员）");
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	claim c;
	int raised = 0;
	e = store_claim_get(t, sc, id, &c);
	if (!e)
		e = fraud_check(t, &c, &raised);
	if (!e && raised) {
		char subj[64], after[64];
		snprintf(subj, sizeof subj, "claim:%lld", (long long)id);
		snprintf(after, sizeof after, "{\"raised\":%d}", raised);
		e = store_audit(t, sc, "claim.flags.check", subj, NULL, after);
	}
	if (!e)
		e = tx_end(t, e);
	else
		stx_rollback(t);
	if (e)
		return e;
	return claim_show(s, sc, id, out);
}

jn_err claim_flag_clear(store *s, const scope *sc, int64_t id, const char *code, const char *reason, json_t **out,
			jn_fields *fe)
{
	if (!role_may(sc, ROLE_ADMIN | ROLE_COUNTY))
		return refuse_role(fe, sc, "解除风险提示（审核人员）");
	char why[512];
	if (!take_text(fe, "reason", "解除原因", reason, 200, 1, why, sizeof why))
		return JN_EINVAL;
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	claim c;
	claim_flag f;
	e = store_claim_get(t, sc, id, &c);
	if (!e) {
		e = store_flag_clear(t, id, code, actor_name(sc), why, &f);
		if (e == JN_ENOTFOUND)
			fe_add(fe, "code", "no_flag", "这份申请没有“%s”风险提示", fraud_flag_name_zh(code));
		else if (e == JN_ECONFLICT)
			fe_add(fe, "code", "already_cleared", "“%s”风险提示已于 %s 由 %s 解除", fraud_flag_name_zh(code),
			       f.cleared_at, f.cleared_by);
		if (e == JN_ENOTFOUND)
			e = JN_EINVAL;
	}
	if (!e) {
		char subj[64];
		snprintf(subj, sizeof subj, "claim:%lld", (long long)id);
		char *after = audit_text(json_pack("{s:s, s:s, s:s}", "flag", code, "reason", why, "detail", f.detail));
		e = store_audit(t, sc, "claim.flag.clear", subj, "{\"cleared\":false}", after);
		free(after);
	}
	e = tx_end(t, e);
	if (e)
		return e;
	return claim_show(s, sc, id, out);
}
