/* api_account.c — /api/v1/accounts: administrators list, create, switch
 * off and reset accounts (a city's administrator only those of its city). */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "core/regions.h"
#include "http/http.h"

static int list_one(void *ctx, const account *a)
{
	json_array_append_new((json_t *)ctx, account_json(a));
	return 0;
}

static int export_one(void *ctx, const account *a)
{
	char id[24], oid[24] = "", pid[24] = "", now[32];
	snprintf(id, sizeof id, "%lld", (long long)a->id);
	if (a->org_id)
		snprintf(oid, sizeof oid, "%lld", (long long)a->org_id);
	if (a->person_id)
		snprintf(pid, sizeof pid, "%lld", (long long)a->person_id);
	store_now(now);
	const region_entry *re = a->region[0] ? region_find(a->region) : NULL;
	const char *locked = a->locked_until[0] && strcmp(a->locked_until, now) > 0 ? a->locked_until : "";
	const char *row[] = {id,     a->username, role_name_zh(a->role), a->region, re ? re->name : "", oid, pid,
			     a->disabled ? "已停用" : "正常", locked, a->created_at};
	return exporter_row(ctx, (int)(sizeof row / sizeof row[0]), row);
}

static void export_accounts(req *r, resp *out, account_filter *f, const char *fmt)
{
	static const char *const head[] = {"编号",	 "用户名", "角色",   "所属地区", "地区名称",
					   "所属机构编号", "人员编号", "状态", "锁定至", "创建时间"};
	exporter *x;
	jn_err e = exporter_open(fmt, "账号", (int)(sizeof head / sizeof head[0]), head, &x);
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
	e = store_account_list(t, &r->sc, f, export_one, x, NULL);
	stx_rollback(t);
	if (e) {
		exporter_abort(x);
		resp_problem(out, e, NULL, NULL);
		return;
	}
	resp_export(r, out, x, "export.accounts", req_query_json(r, "role,region,q"), "账号", "accounts", fmt);
}

void api_account_list(req *r, resp *out)
{
	int bad = 0;
	jn_fields fe = {0};
	account_filter f = {0};
	const char *rl = req_query(r, "role", 20, &bad);
	const char *region = req_query(r, "region", 6, &bad);
	const char *q = req_query(r, "q", 63, &bad);
	req_paging(r, &f.page, &f.per_page, &fe, &bad);
	if (resp_bad_query(out, bad, NULL))
		return;
	if (rl && rl[0] && !(f.role = role_parse(rl)))
		jn_fields_add(&fe, "role", "invalid", "角色应为 admin、county、evaluator、trainer、employer 或 worker");
	if (region && region[0])
		req_region(region, f.region, &fe);
	if (q)
		snprintf(f.q, sizeof f.q, "%s", q);
	if (fe.count) {
		resp_problem(out, JN_EINVAL, &fe, NULL);
		return;
	}
	const char *fmt;
	int exp = req_format(r, out, &fmt);
	if (exp < 0)
		return;
	if (exp) {
		export_accounts(r, out, &f, fmt);
		return;
	}
	stx *t;
	if (!(t = read_tx(r, out)))
		return;
	json_t *items = json_array();
	int64_t total = 0;
	jn_err e = store_account_list(t, &r->sc, &f, list_one, items, &total);
	stx_rollback(t);
	json_t *j = resp_list(out, e, items);
	if (!j)
		return;
	resp_page(j, total, -1, f.page, f.per_page);
}

/* An id field: a positive integer, or null / absent (0). */
static int64_t json_field_id(json_t *b, const char *name, jn_fields *fe)
{
	json_t *v = json_object_get(b, name);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		jn_fields_add(fe, name, "wrong_type", "应为正整数编号");
		return 0;
	}
	return (int64_t)json_integer_value(v);
}

void api_account_create(req *r, resp *out)
{
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"username", "password", "role", "region", "org_id", "person_id", NULL};
	json_only_fields(b, allowed, &fe);
	account_input in = {0};
	in.username = json_field_str(b, "username", 63, &fe);
	in.password = json_field_str(b, "password", 128, &fe);
	in.role = json_field_str(b, "role", 20, &fe);
	in.region = json_field_str(b, "region", 60, &fe);
	in.org_id = json_field_id(b, "org_id", &fe);
	in.person_id = json_field_id(b, "person_id", &fe);
	account a;
	jn_err e;
	if (fe.count) {
		/* Report the other fields' problems too, in one answer. */
		jn_fields more = {0};
		if (!json_object_get(b, "username") || in.username)
			username_acceptable(in.username, &more);
		if (!json_object_get(b, "password") || in.password)
			password_acceptable(in.password, in.username, &more);
		for (int i = 0; i < more.count && i < JN_FIELDS_MAX; i++)
			jn_fields_add(&fe, more.e[i].field, more.e[i].code, "%s", more.e[i].message);
		e = JN_EINVAL;
	} else {
		e = account_create(r->store, &r->sc, &in, &a, &fe);
	}
	json_decref(b);
	if (e) {
		int taken = e == JN_EINVAL && fe.count == 1 && strcmp(fe.e[0].code, "taken") == 0;
		resp_problem(out, taken ? JN_ECONFLICT : e, &fe, NULL);
		return;
	}
	resp_json(out, 201, account_json(&a));
}

void api_account_patch(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	if (!id) {
		resp_problem(out, JN_ENOTFOUND, NULL, "没有这个账号，或不在您的管辖范围内");
		return;
	}
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"disabled", "password", NULL};
	json_only_fields(b, allowed, &fe);
	int disabled = -1;
	json_t *d = json_object_get(b, "disabled");
	if (d && !json_is_boolean(d))
		jn_fields_add(&fe, "disabled", "wrong_type", "应为 true 或 false");
	else if (d)
		disabled = json_is_true(d);
	const char *pw = json_field_str(b, "password", 128, &fe);
	if (pw && !pw[0])
		jn_fields_add(&fe, "password", "required", "新密码不能为空");
	account a;
	jn_err e = fe.count ? JN_EINVAL : account_update(r->store, &r->sc, id, disabled, pw, r->token, &a, &fe);
	json_decref(b);
	if (e == JN_ENOTFOUND) {
		resp_problem(out, e, NULL, "没有编号为%s的账号，或不在您的管辖范围内", r->params[0]);
		return;
	}
	if (e) {
		resp_problem(out, e, &fe, NULL);
		return;
	}
	resp_json(out, 200, account_json(&a));
}
