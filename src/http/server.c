/* server.c — the HTTP server on libmicrohttpd: accepts connections on a
 * thread pool, gathers the body up to the route's limit, resolves the
 * bearer token into a scope, calls the handler and sends its JSON.
 * A handler never sees a body over its limit, invalid UTF-8 in a JSON body,
 * or a caller without the role the route needs. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/text.h"
#include "app/app.h"
#include "http/http.h"

struct http_server {
	struct MHD_Daemon *d;
	store *s;
};

/* Per-request state kept by MHD between calls. */
typedef struct conn_state {
	const route *rt;
	const char *params[4];
	char pbuf[4][64];
	int nparams;
	int status_early;     /* 404/405/413 decided before the body arrived */
	char *body;
	size_t len, cap;
	int too_large;
	scope sc;             /* the caller, resolved from the headers */
	int authed;
} conn_state;

/* Matches path against a pattern with {x} segments ("{x}.pdf": a
 * parameter with a literal suffix in the same segment). */
static int match(const char *pattern, const char *path, conn_state *cs)
{
	int n = 0;
	while (*pattern && *path) {
		if (*pattern == '{') {
			const char *end = strchr(pattern, '}');
			if (!end)
				return 0;
			size_t k = strcspn(path, "/");
			/* "{number}.pdf": the literal rest of the segment is a suffix */
			size_t suf = strcspn(end + 1, "/");
			if (suf) {
				if (k <= suf || memcmp(path + k - suf, end + 1, suf) != 0)
					return 0;
				k -= suf;
			}
			if (k == 0 || k >= sizeof cs->pbuf[0] || n >= 4)
				return 0;
			memcpy(cs->pbuf[n], path, k);
			cs->pbuf[n][k] = '\0';
			cs->params[n] = cs->pbuf[n];
			n++;
			pattern = end + 1;
			path += k;
		} else if (*pattern++ != *path++) {
			return 0;
		}
	}
	if (*pattern || *path)
		return 0;
	cs->nparams = n;
	return 1;
}

static const route *find_route(const char *method, const char *path, conn_state *cs, int *path_known)
{
	*path_known = 0;
	for (int i = 0; i < ROUTES_COUNT; i++) {
		conn_state tmp = {0};
		if (!match(ROUTES[i].path, path, &tmp))
			continue;
		*path_known = 1;
		if (strcmp(ROUTES[i].method, method) == 0) {
			memcpy(cs->pbuf, tmp.pbuf, sizeof cs->pbuf);
			cs->nparams = tmp.nparams;
			for (int k = 0; k < tmp.nparams; k++)
				cs->params[k] = cs->pbuf[k];
			return &ROUTES[i];
		}
	}
	return NULL;
}

const char *req_header(req *r, const char *name)
{
	return r->conn ? MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_HEADER_KIND, name) : NULL;
}

const char *req_query(req *r, const char *name, size_t maxlen, int *bad)
{
	const char *v = MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_GET_ARGUMENT_KIND, name);
	if (!v)
		return NULL;
	size_t n = strlen(v);
	if (n > maxlen || !utf8_valid(v, n)) {
		*bad = 1;
		return NULL;
	}
	return v;
}

int req_client_addr(req *r, char *out, size_t cap)
{
	out[0] = '\0';
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info((struct MHD_Connection *)r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return -1;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)cap);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)cap);
	return out[0] ? 0 : -1;
}

/* Reads a small positive integer query parameter. */
int req_int(req *r, const char *name, int def, int lo, int hi, jn_fields *fe, int *bad)
{
	const char *v = req_query(r, name, 9, bad);
	if (!v)
		return def;
	int64_t n = parse_id(v);
	if (!n && strcmp(v, "0") != 0) {
		jn_fields_add(fe, name, "not_integer", "应为整数");
		return def;
	}
	if (n < lo || n > hi) {
		jn_fields_add(fe, name, "out_of_range", "应在%d到%d之间", lo, hi);
		return def;
	}
	return (int)n;
}

void req_paging(req *r, int *page, int *per_page, jn_fields *fe, int *bad)
{
	*page = req_int(r, "page", 1, 1, 100000, fe, bad);
	*per_page = req_int(r, "per_page", 20, 1, 200, fe, bad);
}

void req_occupation(req *r, char *out, size_t cap, jn_fields *fe, int *bad)
{
	const char *occ = req_query(r, "occupation", 15, bad);
	if (!occ)
		return;
	int ok = occ[0] != '\0';
	for (const char *c = occ; *c; c++)
		ok &= (*c >= '0' && *c <= '9') || *c == '-';
	if (!ok)
		jn_fields_add(fe, "occupation", "invalid", "职业应为职业编码或其前缀，如 6-18-02-04");
	else
		snprintf(out, cap, "%s", occ);
}

int64_t req_id(req *r, const char *name, const char *what, jn_fields *fe, int *bad)
{
	const char *v = req_query(r, name, 18, bad);
	int64_t id = v ? parse_id(v) : 0;
	if (v && !id)
		jn_fields_add(fe, name, "invalid", "应为%s编号", what);
	return id;
}

int resp_bad_query(resp *out, int bad, const jn_fields *fe)
{
	if (bad) {
		resp_problem_code(out, 400, "bad_query", "查询参数无效", "参数过长或不是 UTF-8");
		return 1;
	}
	if (fe && fe->count) {
		resp_problem(out, JN_EINVAL, fe, NULL);
		return 1;
	}
	return 0;
}

void req_region(const char *v, char out[7], jn_fields *fe)
{
	int ok = strlen(v) == 6;
	for (const char *c = v; ok && *c; c++)
		ok = *c >= '0' && *c <= '9';
	if (!ok)
		jn_fields_add(fe, "region", "invalid", "地区应为6位区划代码");
	else
		memcpy(out, v, 7);
}

json_t *req_json(req *r, resp *out)
{
	if (!r->body_len) {
		resp_problem_code(out, 400, "empty_body", "请求体为空", "需要一个 JSON 对象");
		return NULL;
	}
	json_error_t err;
	json_t *j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		char detail[256];
		snprintf(detail, sizeof detail, "JSON 格式错误（第%d行第%d列）", err.line, err.column);
		resp_problem_code(out, 400, "malformed_json", "请求体不是有效的 JSON", detail);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		resp_problem_code(out, 400, "malformed_json", "请求体不是有效的 JSON", "请求体应为 JSON 对象");
		return NULL;
	}
	return j;
}

stx *read_tx(req *r, resp *out)
{
	stx *t;
	jn_err e = stx_begin(r->store, 0, &t);
	if (e) {
		resp_problem(out, e, NULL, NULL);
		return NULL;
	}
	return t;
}

static void resp_free_headers(resp *out)
{
	for (int i = 0; i < out->nheaders; i++) {
		free(out->headers[i][0]);
		free(out->headers[i][1]);
	}
	out->nheaders = 0;
}

static enum MHD_Result send_resp(struct MHD_Connection *c, resp *out)
{
	char *text;
	size_t len;
	struct MHD_Response *r = NULL;
	if (out->has_fd) {
		r = MHD_create_response_from_fd64((uint64_t)out->fd_size, out->fd);
		if (!r) {
			close(out->fd);
			resp_free_headers(out);
			return MHD_NO;
		}
		goto headers;
	}
	if (out->raw && out->raw_static) {
		r = MHD_create_response_from_buffer(out->raw_len, out->raw, MHD_RESPMEM_PERSISTENT);
		if (!r) {
			resp_free_headers(out);
			return MHD_NO;
		}
		goto headers;
	}
	if (out->json) {
		text = json_dumps(out->json, JSON_COMPACT);
		json_decref(out->json);
		out->json = NULL;
		if (!text) {
			text = strdup("{\"code\":\"internal_error\",\"status\":500}");
			out->status = 500;
		}
		len = strlen(text);
	} else if (out->raw) {
		text = out->raw;
		len = out->raw_len;
	} else {
		text = strdup("");
		len = 0;
	}
	r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		resp_free_headers(out);
		return MHD_NO;
	}
headers:
	MHD_add_response_header(r, "Content-Type", out->content_type ? out->content_type : "application/json; charset=utf-8");
	int own_cache = 0;
	for (int i = 0; i < out->nheaders; i++) {
		MHD_add_response_header(r, out->headers[i][0], out->headers[i][1]);
		own_cache |= strcasecmp(out->headers[i][0], "Cache-Control") == 0;
	}
	resp_free_headers(out);
	if (!own_cache)
		MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (out->retry_after > 0) {
		char ra[16];
		snprintf(ra, sizeof ra, "%d", out->retry_after);
		MHD_add_response_header(r, "Retry-After", ra);
	}
	if (out->status == 401)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)out->status, r);
	MHD_destroy_response(r);
	return ret;
}

static void authenticate(req *r, struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return;
	r->token = h + 7;
	if (session_scope(r->store, r->token, &r->sc) == JN_OK)
		r->authed = 1;
}

/* Answers an early problem, before any body is read. */
static enum MHD_Result early(struct MHD_Connection *c, conn_state *cs, const char *url, const char *method)
{
	resp out = {0};
	switch (cs->status_early) {
	case 404:
		resp_problem_code(&out, 404, "no_route", "没有这个接口", url);
		break;
	case 405:
		resp_problem_code(&out, 405, "method_not_allowed", "此接口不支持该请求方法", method);
		break;
	case 413:
		resp_problem_code(&out, 413, "too_large", "内容超过大小限制", "请求体超过此接口允许的大小");
		break;
	case 401:
		resp_problem(&out, JN_EAUTH, NULL, "请先登录（Authorization: Bearer 令牌）");
		break;
	default:
		resp_problem(&out, JN_EFORBIDDEN, NULL, "%s无权使用此功能", role_name_zh(cs->sc.role));
		break;
	}
	return send_resp(c, &out);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)version;
	http_server *h = cls;
	conn_state *cs = *con_cls;
	if (!cs) {
		/* First call: headers only.  Everything that can be refused
		 * without the body is refused now, so nobody can make the
		 * server hold a body it was never going to accept. */
		cs = calloc(1, sizeof *cs);
		if (!cs)
			return MHD_NO;
		*con_cls = cs;
		if (web_enabled()) {
			/* The web front-end's files: everything outside /api/ and /health. */
			resp w = {0};
			if (web_serve(method, url, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding"), &w))
				return send_resp(c, &w);
		}
		int known;
		cs->rt = find_route(method, url, cs, &known);
		if (!cs->rt) {
			cs->status_early = known ? 405 : 404;
			return early(c, cs, url, method);
		}
		if (cs->rt->roles == ROLE_PUBLIC) {
			/* a public route may still answer a signed-in caller more
			 * (their own credential without the name); a bad token is
			 * simply anonymous here */
			req r = {.store = h->s};
			authenticate(&r, c);
			cs->sc = r.authed ? r.sc : cs->sc;
			cs->authed = r.authed;
		} else {
			req r = {.store = h->s};
			authenticate(&r, c);
			cs->sc = r.sc;
			cs->authed = r.authed;
			if (!r.authed)
				cs->status_early = 401;
			else if (!(cs->rt->roles & (int)r.sc.role))
				cs->status_early = 403;
			if (cs->status_early)
				return early(c, cs, url, method);
		}
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > cs->rt->body_limit) {
			cs->status_early = 413;
			return early(c, cs, url, method);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		/* A body without Content-Length (chunked) is checked as it comes. */
		size_t limit = cs->rt->body_limit;
		if (!cs->too_large) {
			if (cs->len + *upload_size > limit) {
				cs->too_large = 1;
				free(cs->body);
				cs->body = NULL;
				cs->len = cs->cap = 0;
			} else {
				if (cs->len + *upload_size + 1 > cs->cap) {
					size_t ncap = cs->cap ? cs->cap : 4096;
					while (ncap < cs->len + *upload_size + 1)
						ncap *= 2;
					if (ncap > limit + 1)
						ncap = limit + 1;
					char *nb = realloc(cs->body, ncap);
					if (!nb)
						return MHD_NO;
					cs->body = nb;
					cs->cap = ncap;
				}
				memcpy(cs->body + cs->len, upload, *upload_size);
				cs->len += *upload_size;
				cs->body[cs->len] = '\0';
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (cs->too_large) {
		cs->status_early = 413;
		return early(c, cs, url, method);
	}

	resp out = {0};
	req r = {0};
	r.method = method;
	r.path = url;
	for (int i = 0; i < cs->nparams; i++)
		r.params[i] = cs->params[i];
	r.nparams = cs->nparams;
	r.body = cs->body ? cs->body : "";
	r.body_len = cs->len;
	r.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	r.conn = c;
	r.store = h->s;
	r.sc = cs->sc;
	r.authed = cs->authed;
	if (r.authed) {
		const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
		r.token = a ? a + 7 : NULL;
	}
	cs->rt->fn(&r, &out);
	if (!out.status)
		resp_problem(&out, JN_EINTERNAL, NULL, NULL);
	return send_resp(c, &out);
}

static void on_complete(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)c, (void)toe;
	conn_state *cs = *con_cls;
	if (cs) {
		free(cs->body);
		free(cs);
		*con_cls = NULL;
	}
}

jn_err http_start(store *s, const char *addr, int port, int threads, http_server **out, char *err, size_t errcap)
{
	http_server *h = calloc(1, sizeof *h);
	if (!h)
		return JN_ENOMEM;
	h->s = s;
	struct sockaddr_in sa = {0};
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		snprintf(err, errcap, "监听地址无效：%s", addr);
		free(h);
		return JN_EINVAL;
	}
	h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, (uint16_t)port,
				NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_NOTIFY_COMPLETED,
				on_complete, h, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_LISTENING_ADDRESS_REUSE,
				(unsigned)1, MHD_OPTION_END);
	if (!h->d) {
		snprintf(err, errcap, "无法在 %s:%d 上监听（端口被占用？）", addr, port);
		free(h);
		return JN_EIO;
	}
	*out = h;
	return JN_OK;
}

void http_stop(http_server *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	/* Background imports use the store: let the running one finish. */
	import_jobs_shutdown();
	free(h);
}
