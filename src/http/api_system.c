/* api_system.c — health, the OpenAPI document, and sign-in / sign-out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "http/http.h"

/* Until the web interface arrives: a page that tells a person where they
 * are and what they can do.  Every asset is inline (intranets have no
 * internet). */
void api_index(req *r, resp *out)
{
	static const char PAGE[] =
		"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		"<title>技能人才服务管理平台</title><style>body{font:15px/1.7 system-ui,\"Noto Sans CJK SC\","
		"\"Microsoft YaHei\",sans-serif;max-width:760px;margin:2em auto;padding:0 1em;color:#222}"
		"h1{font-size:22px}code{background:#f3f3f3;padding:1px 4px}td{padding:2px 10px 2px 0}</style></head><body>"
		"<h1>技能人才服务管理平台</h1><p>服务运行正常（数据库：%s）。网页界面将在后续版本提供；"
		"目前可通过 JSON 接口和命令行使用。</p><table>"
		"<tr><td>接口说明</td><td><a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>（OpenAPI 3.1）</td></tr>"
		"<tr><td>健康检查</td><td><a href=\"/health\">/health</a></td></tr>"
		"<tr><td>登录</td><td><code>POST /api/v1/session</code> {\"username\", \"password\"} → 令牌</td></tr>"
		"<tr><td>八级工</td><td><a href=\"/api/v1/levels\">/api/v1/levels</a></td></tr>"
		"<tr><td>行政区划</td><td><a href=\"/api/v1/regions?parent=530000\">/api/v1/regions?parent=530000</a></td></tr>"
		"</table><p>命令行：<code>build/jineng --help</code></p></body></html>";
	size_t cap = sizeof PAGE + 32;
	char *html = malloc(cap);
	if (!html) {
		resp_problem(out, JN_ENOMEM, NULL, NULL);
		return;
	}
	int n = snprintf(html, cap, PAGE, store_engine(r->store));
	out->status = 200;
	out->raw = html;
	out->raw_len = n > 0 ? (size_t)n : 0;
	out->content_type = "text/html; charset=utf-8";
}

void api_health(req *r, resp *out)
{
	json_t *j = json_object();
	json_object_set_new(j, "status", json_string("ok"));
	json_object_set_new(j, "engine", json_string(store_engine(r->store)));
	resp_json(out, 200, j);
}

void api_openapi(req *r, resp *out)
{
	(void)r;
	resp_json(out, 200, openapi_document());
}

void api_session_create(req *r, resp *out)
{
	json_t *body = req_json(r, out);
	if (!body)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"username", "password", NULL};
	json_only_fields(body, allowed, &fe);
	const char *user = json_field_str(body, "username", 63, &fe);
	const char *pw = json_field_str(body, "password", 128, &fe);
	if (!user && !fe.count)
		jn_fields_add(&fe, "username", "required", "用户名必须填写");
	if (!pw && !fe.count)
		jn_fields_add(&fe, "password", "required", "密码必须填写");
	if (fe.count) {
		resp_problem(out, JN_EINVAL, &fe, NULL);
		json_decref(body);
		return;
	}
	char token[65], expires[32];
	account a;
	int retry = 0;
	jn_err e = session_login(r->store, user, pw, token, expires, &a, &retry);
	json_decref(body);
	if (e == JN_ETOOMANY) {
		resp_problem(out, e, NULL, "连续登录失败次数过多，请%d秒后再试", retry);
		out->retry_after = retry;
		return;
	}
	if (e == JN_EAUTH) {
		resp_problem(out, e, NULL, "用户名或密码不正确");
		return;
	}
	if (e == JN_EFORBIDDEN) {
		resp_problem(out, e, NULL, "账号已停用，请联系管理员");
		return;
	}
	if (e) {
		resp_problem(out, e, NULL, NULL);
		return;
	}
	json_t *j = session_json(&a, expires);
	json_object_set_new(j, "token", json_string(token));
	json_object_set_new(j, "token_type", json_string("Bearer"));
	resp_json(out, 201, j);
}

void api_session_get(req *r, resp *out)
{
	account a;
	char expires[32];
	jn_err e = session_info(r->store, r->token, &a, expires);
	if (e) {
		resp_problem(out, e, NULL, e == JN_EAUTH ? "登录已失效，请重新登录" : NULL);
		return;
	}
	resp_json(out, 200, session_json(&a, expires));
}

void api_session_delete(req *r, resp *out)
{
	jn_err e = session_logout(r->store, &r->sc, r->token);
	if (e) {
		resp_problem(out, e, NULL, NULL);
		return;
	}
	out->status = 204;
}
