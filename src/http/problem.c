/* problem.c — the one place where errors become HTTP: status codes and
 * RFC 9457 problem+json bodies; plus the JSON field readers that produce
 * field-level reasons. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "http/http.h"

int http_status_of(jn_err e)
{
	switch (e) {
	case JN_OK:
		return 200;
	case JN_EINVAL:
		return 422;
	case JN_ENOTFOUND:
		return 404;
	case JN_ECONFLICT:
		return 409;
	case JN_EAUTH:
		return 401;
	case JN_EFORBIDDEN:
		return 403;
	case JN_ETOOMANY:
		return 429;
	case JN_ETOOLARGE:
		return 413;
	case JN_EBUSY:
		return 503;
	case JN_EDB:
	case JN_EIO:
	case JN_ENOMEM:
	case JN_EINTERNAL:
	default:
		return 500;
	}
}

void resp_json(resp *out, int status, json_t *j)
{
	out->status = status;
	out->json = j;
	out->content_type = "application/json; charset=utf-8";
}

void resp_problem_code(resp *out, int status, const char *code, const char *title, const char *detail)
{
	json_t *j = json_object();
	json_object_set_new(j, "type", json_sprintf("urn:jineng:problem:%s", code));
	json_object_set_new(j, "title", json_string(title));
	json_object_set_new(j, "status", json_integer(status));
	json_object_set_new(j, "code", json_string(code));
	if (detail && detail[0])
		json_object_set_new(j, "detail", json_string(detail));
	resp_json(out, status, j);
	out->content_type = "application/problem+json; charset=utf-8";
}

void resp_problem(resp *out, jn_err e, const jn_fields *fe, const char *detail_fmt, ...)
{
	char detail[512] = "";
	if (detail_fmt) {
		va_list ap;
		va_start(ap, detail_fmt);
		vsnprintf(detail, sizeof detail, detail_fmt, ap);
		va_end(ap);
		if (!utf8_valid(detail, strlen(detail)))
			detail[0] = '\0';
	}
	if (e == JN_EINVAL && fe && fe->count && !detail[0])
		snprintf(detail, sizeof detail, "%s", fe->e[0].message);
	resp_problem_code(out, http_status_of(e), jn_err_code(e), jn_err_title_zh(e), detail);
	if (e == JN_EBUSY)
		out->retry_after = 5;
	if (fe && fe->count) {
		json_t *errs = json_array();
		for (int i = 0; i < fe->count && i < JN_FIELDS_MAX; i++) {
			json_t *x = json_object();
			json_object_set_new(x, "field", json_string(fe->e[i].field));
			json_object_set_new(x, "code", json_string(fe->e[i].code));
			/* Messages quote user input: make sure what goes out is UTF-8. */
			const char *m = fe->e[i].message;
			json_object_set_new(x, "message", utf8_valid(m, strlen(m)) ? json_string(m) : json_string("输入有误"));
			json_array_append_new(errs, x);
		}
		json_object_set_new(out->json, "errors", errs);
	}
}

json_t *resp_list(resp *out, jn_err e, json_t *items)
{
	if (e) {
		json_decref(items);
		resp_problem(out, e, NULL, NULL);
		return NULL;
	}
	json_t *j = json_object();
	json_object_set_new(j, "items", items);
	resp_json(out, 200, j);
	return j;
}

void resp_page(json_t *j, int64_t total, int capped, int page, int per_page)
{
	json_object_set_new(j, "total", json_integer(total));
	if (capped >= 0)
		json_object_set_new(j, "total_capped", json_boolean(capped));
	json_object_set_new(j, "page", json_integer(page));
	json_object_set_new(j, "per_page", json_integer(per_page));
}

const char *json_field_str(json_t *obj, const char *name, size_t maxlen, jn_fields *fe)
{
	json_t *v = json_object_get(obj, name);
	if (!v)
		return NULL;
	if (json_is_null(v))
		return "";
	if (!json_is_string(v)) {
		jn_fields_add(fe, name, "wrong_type", "应为字符串");
		return NULL;
	}
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (strlen(s) != n) {
		jn_fields_add(fe, name, "nul_char", "不能包含空字符");
		return NULL;
	}
	if (n > maxlen) {
		jn_fields_add(fe, name, "too_long", "过长（最多%zu字节）", maxlen);
		return NULL;
	}
	return s;
}

const char *json_field_str_or_int(json_t *obj, const char *name, size_t maxlen, char buf[24], jn_fields *fe)
{
	json_t *v = json_object_get(obj, name);
	if (v && json_is_integer(v)) {
		snprintf(buf, 24, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return json_field_str(obj, name, maxlen, fe);
}

void json_only_fields(json_t *obj, const char *const *allowed, jn_fields *fe)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
	{
		int ok = 0;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, k) == 0)
				ok = 1;
		if (!ok) {
			char name[48];
			snprintf(name, sizeof name, "%.40s", k);
			if (!utf8_valid(name, strlen(name)))
				snprintf(name, sizeof name, "?");
			jn_fields_add(fe, name, "unknown_field", "不认识的字段");
		}
	}
}

int64_t parse_id(const char *s)
{
	if (!s || !*s || strlen(s) > 18)
		return 0;
	int64_t v = 0;
	for (const char *c = s; *c; c++) {
		if (*c < '0' || *c > '9')
			return 0;
		v = v * 10 + (*c - '0');
	}
	return v;
}

void resp_header(resp *out, const char *name, const char *value)
{
	if (out->nheaders >= (int)(sizeof out->headers / sizeof out->headers[0]))
		return;
	char *n = strdup(name), *v = strdup(value);
	if (!n || !v) {
		free(n);
		free(v);
		return;
	}
	out->headers[out->nheaders][0] = n;
	out->headers[out->nheaders][1] = v;
	out->nheaders++;
}

void resp_attachment(resp *out, const char *filename, const char *ascii_fallback)
{
	/* RFC 6266 with RFC 5987's filename*: every byte outside attr-char
	 * percent-encoded, so any UTF-8 name survives every browser. */
	char buf[1024];
	size_t o = (size_t)snprintf(buf, sizeof buf, "attachment; filename=\"%s\"; filename*=UTF-8''", ascii_fallback);
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)filename; *p && o + 4 < sizeof buf; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("!#$&+-.^_`|~", *p)) {
			buf[o++] = (char)*p;
		} else {
			buf[o++] = '%';
			buf[o++] = hex[*p >> 4];
			buf[o++] = hex[*p & 15];
		}
	}
	buf[o] = '\0';
	resp_header(out, "Content-Disposition", buf);
}

int json_field_int(json_t *obj, const char *name, int def, int lo, int hi, jn_fields *fe)
{
	json_t *v = json_object_get(obj, name);
	if (!v || json_is_null(v))
		return def;
	if (!json_is_integer(v)) {
		jn_fields_add(fe, name, "wrong_type", "应为整数");
		return def;
	}
	json_int_t x = json_integer_value(v);
	if (x < lo || x > hi) {
		jn_fields_add(fe, name, "out_of_range", "应在%d到%d之间", lo, hi);
		return def;
	}
	return (int)x;
}

void resp_outcome(resp *out, jn_err e, const jn_fields *fe, json_t *j, int status)
{
	if (!e) {
		resp_json(out, status, j);
		return;
	}
	json_decref(j);
	if (e != JN_EINVAL && fe && fe->count)
		resp_problem(out, e, fe, "%s", fe->e[0].message);
	else
		resp_problem(out, e, fe, NULL);
}
