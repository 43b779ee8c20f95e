/* api_record.c — /api/v1/persons/{id}/record (the lifelong record, its PDF
 * and XLSX, corrections) and /api/v1/stats/targets, /stats/training and
 * /stats/training-share (training against the targets). */
#include <stdio.h>
#include <string.h>

#include "app/record.h"
#include "http/http.h"

static void not_found(resp *out, const char *id)
{
	resp_problem(out, JN_ENOTFOUND, NULL, "没有编号为%s的人员，或不在您的管辖范围内", id);
}

void api_person_record(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	json_t *j = NULL;
	jn_err e = id ? record_read(r->store, &r->sc, id, "json", &j) : JN_ENOTFOUND;
	if (e == JN_ENOTFOUND) {
		not_found(out, r->params[0]);
		return;
	}
	if (e) {
		resp_problem(out, e, NULL, NULL);
		return;
	}
	resp_json(out, 200, j);
}

static void record_file(req *r, resp *out, int pdf)
{
	int64_t id = parse_id(r->params[0]);
	char *data = NULL, why[256] = "";
	size_t len = 0;
	jn_err e = !id ? JN_ENOTFOUND
	     : pdf     ? record_pdf(r->store, &r->sc, id, &data, &len, why, sizeof why)
		       : record_xlsx(r->store, &r->sc, id, &data, &len, why, sizeof why);
	if (e == JN_ENOTFOUND) {
		not_found(out, r->params[0]);
		return;
	}
	if (e == JN_EIO) {
		resp_problem_code(out, 500, "document_failed", pdf ? "无法生成档案 PDF" : "无法生成档案表格",
				  why[0] ? why : "生成文件失败");
		return;
	}
	if (e) {
		resp_problem(out, e, NULL, NULL);
		return;
	}
	out->status = 200;
	out->raw = data;
	out->raw_len = len;
	out->content_type = pdf ? "application/pdf" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	char name[96], ascii[64];
	snprintf(name, sizeof name, "终身职业技能培训电子档案_%lld.%s", (long long)id, pdf ? "pdf" : "xlsx");
	snprintf(ascii, sizeof ascii, "record_%lld.%s", (long long)id, pdf ? "pdf" : "xlsx");
	resp_attachment(out, name, ascii);
}

void api_person_record_pdf(req *r, resp *out) { record_file(r, out, 1); }
void api_person_record_xlsx(req *r, resp *out) { record_file(r, out, 0); }

void api_record_correct(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]), entry = parse_id(r->params[1]);
	if (!id || !entry) {
		resp_problem(out, JN_ENOTFOUND, NULL, "没有这条档案记录，或不在您的管辖范围内");
		return;
	}
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"title", "detail", "reason", NULL};
	json_only_fields(b, allowed, &fe);
	record_correction in = {0};
	in.title = json_field_str(b, "title", 400, &fe);
	in.reason = json_field_str(b, "reason", 800, &fe);
	json_t *d = json_object_get(b, "detail");
	if (d && !json_is_null(d)) {
		if (json_is_object(d))
			in.detail = d;
		else
			jn_fields_add(&fe, "detail", "wrong_type", "详情应为 JSON 对象");
	}
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : record_correct(r->store, &r->sc, id, entry, &in, &j, &fe);
	json_decref(b);
	if (e == JN_ENOTFOUND) {
		resp_problem(out, e, NULL, "没有这条档案记录，或不在您的管辖范围内");
		return;
	}
	resp_outcome(out, e, &fe, j, 201);
}

/* ---- statistics ---- */

/* region and year (or another integer) of a statistics query; 0 when out
 * was answered. */
static int stats_query(req *r, resp *out, char region[7], int *year)
{
	int bad = 0;
	jn_fields fe = {0};
	region[0] = '\0';
	const char *v = req_query(r, "region", 6, &bad);
	if (v && v[0])
		req_region(v, region, &fe);
	if (year) {
		const char *y = req_query(r, "year", 9, &bad);
		*year = y && y[0] ? req_int(r, "year", 0, 1949, 2100, &fe, &bad) : 0;
	}
	return !resp_bad_query(out, bad, &fe);
}

static void stats_answer(resp *out, jn_err e, const jn_fields *fe, json_t *j, const char *region)
{
	if (e == JN_ENOTFOUND) {
		jn_fields f = {0};
		jn_fields_add(&f, "region", "unknown_region", "区划代码%s不存在或已撤销", region);
		resp_problem(out, JN_EINVAL, &f, NULL);
		return;
	}
	if (e == JN_EFORBIDDEN) {
		resp_problem(out, e, NULL, "地区%s不在您的管辖范围内", region[0] ? region : "（全平台）");
		return;
	}
	if (e) {
		resp_problem(out, e, fe, NULL);
		return;
	}
	resp_json(out, 200, j);
}

void api_stats_targets(req *r, resp *out)
{
	char region[7];
	int year;
	if (!stats_query(r, out, region, &year))
		return;
	json_t *j = NULL;
	jn_err e = stats_targets(r->store, &r->sc, region, year, &j);
	stats_answer(out, e, NULL, j, region);
}

void api_stats_training(req *r, resp *out)
{
	char region[7];
	int year;
	if (!stats_query(r, out, region, &year))
		return;
	json_t *j = NULL;
	jn_err e = stats_training(r->store, &r->sc, region, year, &j);
	stats_answer(out, e, NULL, j, region);
}

void api_stats_training_share(req *r, resp *out)
{
	char region[7];
	if (!stats_query(r, out, region, NULL))
		return;
	int bad = 0;
	const char *as_of = req_query(r, "as_of", 20, &bad);
	if (bad) {
		resp_problem_code(out, 400, "bad_query", "查询参数无效", "参数过长或不是 UTF-8");
		return;
	}
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e = stats_training_share(r->store, &r->sc, region, as_of, &j, &fe);
	stats_answer(out, e, &fe, j, region);
}

#define STR json_pack("{s:s}", "type", "string")

void record_openapi_schemas(json_t *s)
{
	json_object_set_new(s, "RecordCorrectionInput",
			    json_pack("{s:s, s:[s,s], s:{s:o, s:{s:s}, s:o}, s:b}", "type", "object", "required", "title",
				      "reason", "properties", "title", STR, "detail", "type", "object", "reason", STR,
				      "additionalProperties", 0));
}
