/* api_import.c — POST /api/v1/imports/persons: the CLI's import, over HTTP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "http/http.h"

static int flag(req *r, const char *name, int *bad)
{
	const char *v = req_query(r, name, 5, bad);
	return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

int req_import(req *r, resp *out, import_opts *o)
{
	int bad = 0;
	o->dry_run = flag(r, "dry_run", &bad);
	o->partial = flag(r, "partial", &bad);
	if (bad) {
		resp_problem_code(out, 400, "bad_query", "查询参数无效", NULL);
		return -1;
	}
	if (!r->body_len) {
		resp_problem_code(out, 400, "empty_body", "请求体为空", "请在请求体中上传 CSV 或 XLSX 文件");
		return -1;
	}
	return 0;
}

void api_import_persons(req *r, resp *out)
{
	int bad = 0;
	import_opts o = {0};
	if (req_import(r, out, &o) != 0)
		return;
	if (flag(r, "async", &bad)) {
		/* In the background: the answer is the job, to be polled. */
		const char *name = req_query(r, "name", 180, &bad);
		if (bad) {
			resp_problem_code(out, 400, "bad_query", "查询参数无效", "文件名过长或不是 UTF-8");
			return;
		}
		int64_t id;
		jn_err e = import_job_start(r->store, &r->sc, r->body, r->body_len, &o, name, &id);
		if (e == JN_EBUSY) {
			resp_problem(out, e, NULL, "已有多个导入正在排队，请稍后再试");
			return;
		}
		json_t *j = NULL;
		if (!e)
			e = import_job_json(&r->sc, id, &j);
		if (e) {
			resp_problem(out, e, NULL, NULL);
			return;
		}
		char loc[64];
		snprintf(loc, sizeof loc, "/api/v1/imports/%lld", (long long)id);
		resp_header(out, "Location", loc);
		resp_json(out, 202, j);
		return;
	}
	import_report rep;
	jn_err e = import_persons(r->store, &r->sc, r->body, r->body_len, &o, &rep);
	json_t *j = import_report_json(&rep);
	import_report_free(&rep);
	if (e == JN_EINVAL) {
		/* The report is the problem's detail: every bad row, column, reason. */
		resp_problem(out, e, NULL, "导入被拒绝：%ld行有错误，未写入任何数据", rep.rejected);
		json_object_set_new(out->json, "report", j);
		return;
	}
	if (e) {
		json_decref(j);
		resp_problem(out, e, NULL, NULL);
		return;
	}
	resp_json(out, 200, j);
}

void api_import_job_get(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	json_t *j = NULL;
	jn_err e = id ? import_job_json(&r->sc, id, &j) : JN_ENOTFOUND;
	if (e) {
		resp_problem(out, e, NULL, e == JN_ENOTFOUND ? "没有这个导入任务（任务只保留一小时，且只有发起人能查看）" : NULL);
		return;
	}
	resp_json(out, 200, j);
}

void api_import_job_rejects(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	char *csv = NULL, name[256];
	size_t len = 0;
	jn_err e = id ? import_job_rejects(&r->sc, id, &csv, &len, name) : JN_ENOTFOUND;
	if (e) {
		resp_problem(out, e, NULL, e == JN_ENOTFOUND ? "这个导入任务没有错误行，或任务不存在" : NULL);
		return;
	}
	char ascii[64];
	snprintf(ascii, sizeof ascii, "import-%lld-rejects.csv", (long long)id);
	out->status = 200;
	out->raw = csv;
	out->raw_len = len;
	out->content_type = "text/csv; charset=utf-8";
	resp_attachment(out, name, ascii);
}
