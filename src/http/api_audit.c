/* api_audit.c — GET /api/v1/audit: who did what, and who looked at whom. */
#include <stdio.h>
#include <string.h>

#include "http/http.h"

static int audit_one(void *ctx, const audit_entry *e)
{
	json_t *j = json_object();
	json_object_set_new(j, "seq", json_integer(e->seq));
	json_object_set_new(j, "at", json_string(e->at));
	json_object_set_new(j, "actor", json_string(e->actor));
	json_object_set_new(j, "action", json_string(e->action));
	json_object_set_new(j, "subject", json_string(e->subject));
	json_object_set_new(j, "before", e->before ? json_loads(e->before, 0, NULL) : json_null());
	json_object_set_new(j, "after", e->after ? json_loads(e->after, 0, NULL) : json_null());
	json_object_set_new(j, "hash", json_string(e->hash));
	json_array_append_new((json_t *)ctx, j);
	return 0;
}

static int iso_ok(const char *s)
{
	/* YYYY-MM-DD, optionally followed by a time */
	size_t n = strlen(s);
	if (n < 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	return n == 10 || s[10] == 'T';
}

void api_audit_list(req *r, resp *out)
{
	/* Entries carry full before/after records of every region, and have
	 * no region of their own yet: only an administrator of the whole
	 * system reads them.  A city's administrator is refused, not shown
	 * other cities' people. */
	if (r->sc.region[0]) {
		resp_problem(out, JN_EFORBIDDEN, NULL, "审计日志只对全系统管理员开放");
		return;
	}
	int bad = 0;
	jn_fields fe = {0};
	audit_filter f = {0};
	const char *actor = req_query(r, "actor", 90, &bad);
	const char *subject = req_query(r, "subject", 60, &bad);
	const char *from = req_query(r, "from", 30, &bad);
	const char *to = req_query(r, "to", 30, &bad);
	f.page = req_int(r, "page", 1, 1, 100000, &fe, &bad);
	f.per_page = req_int(r, "per_page", 50, 1, 500, &fe, &bad);
	if (bad) {
		resp_problem_code(out, 400, "bad_query", "查询参数无效", NULL);
		return;
	}
	if (actor)
		snprintf(f.actor, sizeof f.actor, "%s", actor);
	if (subject)
		snprintf(f.subject, sizeof f.subject, "%s", subject);
	if (from && !iso_ok(from))
		jn_fields_add(&fe, "from", "invalid_date", "应为 ISO 8601 日期，如 2026-11-01");
	else if (from)
		snprintf(f.from, sizeof f.from, "%s", from);
	if (to && !iso_ok(to))
		jn_fields_add(&fe, "to", "invalid_date", "应为 ISO 8601 日期，如 2026-11-30");
	else if (to)
		snprintf(f.to, sizeof f.to, "%s", to);
	if (fe.count) {
		resp_problem(out, JN_EINVAL, &fe, NULL);
		return;
	}
	stx *t;
	if (!(t = read_tx(r, out)))
		return;
	jn_err e;
	json_t *items = json_array();
	e = store_audit_list(t, &f, audit_one, items);
	stx_rollback(t);
	resp_list(out, e, items);
}
