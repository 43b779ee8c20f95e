/* api_stats.c — /api/v1/stats and /api/v1/targets: the dashboards'
 * figures, the employed-persons baseline, and the seed documents' targets. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "http/http.h"

/* An optional region query parameter; 0 when out was answered. */
static int region_param(req *r, resp *out, char region[7])
{
	int bad = 0;
	jn_fields fe = {0};
	region[0] = '\0';
	const char *v = req_query(r, "region", 6, &bad);
	if (bad) {
		resp_problem_code(out, 400, "bad_query", "查询参数无效", "参数过长或不是 UTF-8");
		return 0;
	}
	if (v && v[0])
		req_region(v, region, &fe);
	if (fe.count) {
		resp_problem(out, JN_EINVAL, &fe, NULL);
		return 0;
	}
	return 1;
}

void api_stats_overview(req *r, resp *out)
{
	char region[7];
	if (!region_param(r, out, region))
		return;
	json_t *j = NULL;
	jn_err e = stats_overview(r->store, &r->sc, region, &j);
	if (e == JN_ENOTFOUND) {
		jn_fields fe = {0};
		jn_fields_add(&fe, "region", "unknown_region", "区划代码%s不存在或已撤销", region);
		resp_problem(out, JN_EINVAL, &fe, NULL);
		return;
	}
	if (e == JN_EFORBIDDEN) {
		resp_problem(out, e, NULL, "地区%s不在您的管辖范围内", region[0] ? region : "（全平台）");
		return;
	}
	if (e) {
		resp_problem(out, e, NULL, NULL);
		return;
	}
	resp_json(out, 200, j);
}

/* An integer field (JSON integer, or digits in a string); 0 and a reason
 * when it is something else. */
static int64_t int_field(json_t *b, const char *name, jn_fields *fe)
{
	json_t *v = json_object_get(b, name);
	if (!v) {
		jn_fields_add(fe, name, "required", "必须填写");
		return 0;
	}
	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_string(v)) {
		int64_t n = parse_id(json_string_value(v));
		if (n)
			return n;
	}
	jn_fields_add(fe, name, "wrong_type", "应为整数");
	return 0;
}

void api_stats_employed_put(req *r, resp *out)
{
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"region", "year", "count", "source", NULL};
	json_only_fields(b, allowed, &fe);
	char rbuf[24];
	employed_input in = {0};
	in.region = json_field_str_or_int(b, "region", 60, rbuf, &fe);
	if (!in.region && !json_object_get(b, "region"))
		jn_fields_add(&fe, "region", "required", "地区必须填写");
	in.year = (int)int_field(b, "year", &fe);
	in.count = int_field(b, "count", &fe);
	in.source = json_field_str(b, "source", 400, &fe);
	jn_err e;
	json_t *j = NULL;
	if (fe.count)
		e = JN_EINVAL;
	else
		e = stats_employed_put(r->store, &r->sc, &in, &j, &fe);
	json_decref(b);
	if (e) {
		resp_problem(out, e, &fe, NULL);
		return;
	}
	resp_json(out, 200, j);
}

void api_stats_employed_list(req *r, resp *out)
{
	char region[7];
	if (!region_param(r, out, region))
		return;
	json_t *items = NULL;
	jn_err e = stats_employed_list(r->store, &r->sc, region, &items);
	resp_list(out, e, items);
}

static const char *const TARGET_HEAD[] = {"地区", "地区名称", "来源文件", "条目", "项目", "指标",
					  "单位", "目标值", "期限", "当前值", "说明"};

static void export_targets(req *r, resp *out, json_t *items, const char *fmt)
{
	exporter *x;
	jn_err e = exporter_open(fmt, "规划目标", (int)(sizeof TARGET_HEAD / sizeof TARGET_HEAD[0]), TARGET_HEAD, &x);
	if (e) {
		json_decref(items);
		resp_problem(out, e, NULL, NULL);
		return;
	}
	size_t i;
	json_t *t;
	json_array_foreach(items, i, t)
	{
		char target[32] = "", actual[32] = "";
		json_t *tv = json_object_get(t, "target"), *av = json_object_get(t, "actual");
		if (json_is_integer(tv))
			snprintf(target, sizeof target, "%lld", (long long)json_integer_value(tv));
		else if (json_is_real(tv))
			snprintf(target, sizeof target, "%g", json_real_value(tv));
		if (json_is_integer(av))
			snprintf(actual, sizeof actual, "%lld", (long long)json_integer_value(av));
		else if (json_is_real(av))
			snprintf(actual, sizeof actual, "%.1f", json_real_value(av));
		const char *note = json_string_value(json_object_get(t, "actual_note"));
		const char *row[] = {json_string_value(json_object_get(t, "region")),
				     json_string_value(json_object_get(t, "region_name")),
				     json_string_value(json_object_get(t, "seed")),
				     json_string_value(json_object_get(t, "item")),
				     json_string_value(json_object_get(t, "programme")),
				     json_string_value(json_object_get(t, "metric")),
				     json_string_value(json_object_get(t, "unit")),
				     target,
				     json_string_value(json_object_get(t, "by")),
				     actual,
				     note ? note : ""};
		if (exporter_row(x, (int)(sizeof row / sizeof row[0]), row))
			break;
	}
	json_decref(items);
	resp_export(r, out, x, "export.targets", req_query_json(r, "region"), "规划目标", "targets", fmt);
}

void api_targets_list(req *r, resp *out)
{
	char region[7];
	if (!region_param(r, out, region))
		return;
	const char *fmt;
	int exp = req_format(r, out, &fmt);
	if (exp < 0)
		return;
	json_t *items = NULL;
	jn_err e = targets_list(r->store, &r->sc, region, &items);
	if (!e && exp) {
		export_targets(r, out, items, fmt);
		return;
	}
	resp_list(out, e, items);
}
