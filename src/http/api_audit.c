/* api_audit.c — GET /api/v1/audit: who did what, and who looked at whom. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
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

/* The log grows by one entry per imported person: counts stop here
 * ("more than 10,000"), as person searches stop at 1,000. */
#define AUDIT_COUNT_CAP 10000

static int export_one(void *ctx, const audit_entry *e)
{
	char seq[24];
	snprintf(seq, sizeof seq, "%lld", (long long)e->seq);
	const char *row[] = {seq, e->at, e->actor, e->action, e->subject, e->before ? e->before : "",
			     e->after ? e->after : "", e->hash};
	return exporter_row(ctx, (int)(sizeof row / sizeof row[0]), row);
}

static void export_audit(req *r, resp *out, audit_filter *f, const char *fmt)
{
	static const char *const head[] = {"序号", "时间（UTC）", "操作人", "操作", "对象", "变更前", "变更后", "哈希"};
	exporter *x;
	jn_err e = exporter_open(fmt, "审计日志", (int)(sizeof head / sizeof head[0]), head, &x);
	if (e) {
		resp_problem(out, e, NULL, NULL);
		return;
	}
	stx *t;
	if (!(t = read_tx(r, out))) {
		exporter_abort(x);
		return;
	}
	f->all = 1;
	e = store_audit_list(t, f, export_one, x);
	stx_rollback(t);
	if (e) {
		exporter_abort(x);
		resp_problem(out, e, NULL, NULL);
		return;
	}
	resp_export(r, out, x, "export.audit", req_query_json(r, "actor,action,subject,from,to"), "审计日志", "audit",
		    fmt);
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
	const char *action = req_query(r, "action", 40, &bad);
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
	if (action)
		snprintf(f.action_prefix, sizeof f.action_prefix, "%s", action);
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
	const char *fmt;
	int exp = req_format(r, out, &fmt);
	if (exp < 0)
		return;
	if (exp) {
		export_audit(r, out, &f, fmt);
		return;
	}
	stx *t;
	if (!(t = read_tx(r, out)))
		return;
	jn_err e;
	json_t *items = json_array();
	int64_t total = 0;
	int capped = 0;
	e = store_audit_list(t, &f, audit_one, items);
	if (!e)
		e = store_audit_count(t, &f, AUDIT_COUNT_CAP, &total, &capped);
	stx_rollback(t);
	json_t *j = resp_list(out, e, items);
	if (!j)
		return;
	resp_page(j, total, capped, f.page, f.per_page);
}
