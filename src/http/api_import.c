/* api_import.c — POST /api/v1/imports/persons: the CLI's import, over HTTP. */
#include <string.h>

#include "app/app.h"
#include "http/http.h"

static int flag(req *r, const char *name, int *bad)
{
	const char *v = req_query(r, name, 5, bad);
	return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

void api_import_persons(req *r, resp *out)
{
	int bad = 0;
	import_opts o = {0};
	o.dry_run = flag(r, "dry_run", &bad);
	o.partial = flag(r, "partial", &bad);
	if (bad) {
		resp_problem_code(out, 400, "bad_query", "查询参数无效", NULL);
		return;
	}
	if (!r->body_len) {
		resp_problem_code(out, 400, "empty_body", "请求体为空", "请在请求体中上传 CSV 或 XLSX 文件");
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
