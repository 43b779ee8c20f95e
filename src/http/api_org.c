/* api_org.c — /api/v1/orgs: register, read and list organisations. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "core/regions.h"
#include "http/http.h"

void api_org_create(req *r, resp *out)
{
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"uscc", "name", "kind", "region", "phone", NULL};
	json_only_fields(b, allowed, &fe);
	org_input in = {json_field_str(b, "uscc", 40, &fe), json_field_str(b, "name", 400, &fe),
			json_field_str(b, "kind", 40, &fe), json_field_str(b, "region", 100, &fe),
			json_field_str(b, "phone", 40, &fe)};
	org o;
	jn_err e = fe.count ? JN_EINVAL : org_create(r->store, &r->sc, &in, &o, &fe);
	json_decref(b);
	if (e) {
		int dup = e == JN_EINVAL && fe.count == 1 && strcmp(fe.e[0].code, "duplicate") == 0;
		resp_problem(out, dup ? JN_ECONFLICT : e, &fe, NULL);
		return;
	}
	resp_json(out, 201, org_json(&o));
}

void api_org_get(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	if (!id) {
		resp_problem(out, JN_ENOTFOUND, NULL, NULL);
		return;
	}
	stx *t;
	if (!(t = read_tx(r, out)))
		return;
	jn_err e;
	org o;
	e = store_org_get(t, &r->sc, id, &o);
	stx_rollback(t);
	if (e) {
		resp_problem(out, e, NULL, NULL);
		return;
	}
	resp_json(out, 200, org_json(&o));
}

static int org_one(void *ctx, const org *o)
{
	json_array_append_new((json_t *)ctx, org_json(o));
	return 0;
}

static int export_one(void *ctx, const org *o)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)o->id);
	const region_entry *re = region_find(o->region);
	const char *row[] = {id, o->uscc, o->name, org_kind_name_zh(o->kind), o->region, re ? re->name : "", o->phone,
			     o->created_at};
	return exporter_row(ctx, (int)(sizeof row / sizeof row[0]), row);
}

static void export_orgs(req *r, resp *out, org_filter *f, const char *fmt)
{
	static const char *const head[] = {"编号", "统一社会信用代码", "名称", "类型", "所属地区", "地区名称", "联系电话",
					   "登记时间"};
	exporter *x;
	jn_err e = exporter_open(fmt, "机构", (int)(sizeof head / sizeof head[0]), head, &x);
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
	e = store_org_list(t, &r->sc, f, export_one, x, NULL);
	stx_rollback(t);
	if (e) {
		exporter_abort(x);
		resp_problem(out, e, NULL, NULL);
		return;
	}
	resp_export(r, out, x, "export.orgs", req_query_json(r, "kind,region"), "机构", "orgs", fmt);
}

void api_org_list(req *r, resp *out)
{
	int bad = 0;
	jn_fields fe = {0};
	org_filter f = {0};
	const char *kind = req_query(r, "kind", 20, &bad);
	const char *region = req_query(r, "region", 6, &bad);
	req_paging(r, &f.page, &f.per_page, &fe, &bad);
	if (resp_bad_query(out, bad, NULL))
		return;
	if (kind && !(f.kind = org_kind_parse(kind)))
		jn_fields_add(&fe, "kind", "invalid", "机构类型应为 employer、trainer、evaluator 或 school");
	if (region)
		req_region(region, f.region, &fe);
	if (fe.count) {
		resp_problem(out, JN_EINVAL, &fe, NULL);
		return;
	}
	const char *fmt;
	int exp = req_format(r, out, &fmt);
	if (exp < 0)
		return;
	if (exp) {
		export_orgs(r, out, &f, fmt);
		return;
	}
	stx *t;
	if (!(t = read_tx(r, out)))
		return;
	jn_err e;
	json_t *items = json_array();
	int64_t total = 0;
	e = store_org_list(t, &r->sc, &f, org_one, items, &total);
	stx_rollback(t);
	json_t *j = resp_list(out, e, items);
	if (!j)
		return;
	resp_page(j, total, -1, f.page, f.per_page);
}
