/* api_export.c — what the list handlers share to answer format=csv|xlsx:
 * the whole filtered list as a download, audited before it leaves. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "http/http.h"

int req_format(req *r, resp *out, const char **fmt)
{
	int bad = 0;
	const char *v = req_query(r, "format", 8, &bad);
	if (bad) {
		resp_problem_code(out, 400, "bad_query", "查询参数无效", "参数过长或不是 UTF-8");
		return -1;
	}
	if (!v || !v[0] || strcmp(v, "json") == 0)
		return 0;
	if (strcmp(v, "csv") == 0 || strcmp(v, "xlsx") == 0) {
		*fmt = strcmp(v, "csv") == 0 ? "csv" : "xlsx";
		return 1;
	}
	jn_fields fe = {0};
	jn_fields_add(&fe, "format", "invalid", "导出格式应为 csv 或 xlsx（不给则为 JSON）");
	resp_problem(out, JN_EINVAL, &fe, NULL);
	return -1;
}

void resp_export(req *r, resp *out, exporter *x, const char *action, json_t *filter, const char *name_zh,
		 const char *name_ascii, const char *fmt)
{
	int fd;
	long long size;
	long rows;
	jn_err e = exporter_finish(x, r->store, &r->sc, action, filter, &fd, &size, &rows);
	if (e == JN_ETOOLARGE) {
		resp_problem(out, e, NULL, "结果超过%ld行，无法一次导出，请缩小筛选范围（如按地区、等级）后再导出",
			     EXPORT_MAX_ROWS);
		return;
	}
	if (e) {
		resp_problem(out, e, NULL, NULL);
		return;
	}
	int xlsx = strcmp(fmt, "xlsx") == 0;
	out->status = 200;
	out->has_fd = 1;
	out->fd = fd;
	out->fd_size = size;
	out->content_type = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
				 : "text/csv; charset=utf-8";
	int today = store_today();
	char name[160], ascii[96], n[24];
	snprintf(name, sizeof name, "%s_%d.%s", name_zh, today, fmt);
	snprintf(ascii, sizeof ascii, "%s_%d.%s", name_ascii, today, fmt);
	resp_attachment(out, name, ascii);
	snprintf(n, sizeof n, "%ld", rows);
	resp_header(out, "X-Export-Rows", n);
}

json_t *req_query_json(req *r, const char *names)
{
	json_t *j = json_object();
	char buf[256];
	snprintf(buf, sizeof buf, "%s", names);
	char *save = NULL;
	for (char *n = strtok_r(buf, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
		int bad = 0;
		const char *v = req_query(r, n, 200, &bad);
		if (v && v[0])
			json_object_set_new(j, n, json_string(v));
	}
	return j;
}
