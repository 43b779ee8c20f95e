/* api_credential.c — a certificate as something to show: the platform's
 * public keys (GET /.well-known/jwks.json), the certificate as a signed
 * credential (VC-JWT, public, the ID number masked) and as the printable
 * PDF (the holder, the issuing body and staff in scope; audited).  The
 * credential is public to whoever knows the number and the holder's name,
 * as /verify is; a signed-in caller gets those in their scope without.
 *
 * The keyring is loaded once by `jineng serve` (--keys, default var/keys)
 * and only read here, from every worker thread (keyring.h allows that).
 *
 * The documents themselves are made in app/cert_doc.c; here are the
 * rate limit, the name an anonymous caller must give, and the site part of
 * the verification URL, "http(s)://<Host>" when the request's Host header
 * is a plain host[:port] (X-Forwarded-Proto "https" gives https). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/cert_doc.h"
#include "app/keyring.h"
#include "http/http.h"

static keyring *g_keyring;

void http_set_keyring(keyring *kr) { g_keyring = kr; }

/* The same bucket and limit as /verify (ratelimit_take_public): a
 * credential names its holder, so it is handed out no faster than
 * verifications. */

void api_jwks(req *r, resp *out)
{
	(void)r;
	char *j = g_keyring ? keyring_jwks_json(g_keyring) : NULL;
	if (!j) {
		resp_problem_code(out, 503, "no_keys", "签名密钥不可用", "服务器没有装载证书签名密钥");
		return;
	}
	out->status = 200;
	out->raw = j;
	out->raw_len = strlen(j);
	out->content_type = "application/jwk-set+json";
	resp_header(out, "Cache-Control", "public, max-age=300");
}

/* host[:port] or [v6]:port, nothing else (it ends up signed). */
static int host_ok(const char *h)
{
	size_t n = h ? strlen(h) : 0;
	if (n == 0 || n > 255)
		return 0;
	for (const char *p = h; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr(".-:[]", *p)))
			return 0;
	return 1;
}

/* What goes before "/verify?number=…": "http(s)://<Host>" when the Host
 * header is a plain host[:port] (X-Forwarded-Proto "https" gives https),
 * else "" (a relative URL). */
static void site_of(req *r, char out[300])
{
	const char *host = req_header(r, "Host");
	const char *proto = req_header(r, "X-Forwarded-Proto");
	if (host_ok(host))
		snprintf(out, 300, "%s://%s", proto && strcmp(proto, "https") == 0 ? "https" : "http", host);
	else
		out[0] = '\0';
}

static void doc_problem(resp *out, jn_err e, const char *why)
{
	if (e == JN_ENOTFOUND)
		resp_problem(out, e, NULL, "没有这个证书，或证书尚未发放");
	else if (e == JN_EINVAL)
		resp_problem_code(out, 422, "pdf_failed", "无法生成证书 PDF", why);
	else if (e == JN_EINTERNAL && why[0])
		resp_problem_code(out, 500, "document_failed", "无法生成电子证书", why);
	else
		resp_problem(out, e, NULL, NULL);
}

void api_cert_credential(req *r, resp *out)
{
	if (resp_rate_limited(r, out))
		return;
	/* Anyone may have the credential of a certificate whose number and
	 * holder's name they know — the same test as /verify, so a number
	 * alone never reveals whose it is; a signed-in caller gets those in
	 * their scope (the holder their own) without the name. */
	const char *name = NULL;
	if (!r->authed) {
		int bad = 0;
		name = req_query(r, "name", 200, &bad);
		jn_fields fe = {0};
		if (!bad && (!name || !name[0]))
			jn_fields_add(&fe, "name", "required", "请输入持证人姓名（未登录时，凭证书编号和姓名领取电子证书）");
		if (resp_bad_query(out, bad, &fe))
			return;
	}
	char site[300], why[256] = "", *jwt = NULL;
	site_of(r, site);
	scope sys = scope_system();
	jn_err e = cert_credential(r->store, r->authed ? &r->sc : &sys, g_keyring, r->params[0], name, site, &jwt, why,
				   sizeof why);
	if (e) {
		doc_problem(out, e, why);
		return;
	}
	out->status = 200;
	out->raw = jwt;
	out->raw_len = strlen(jwt);
	out->content_type = "application/jwt";
}

/* Content-Disposition: inline, 证书_<number>.pdf (RFC 6266/5987). */
static void inline_name(resp *out, const char *number)
{
	char buf[256];
	snprintf(buf, sizeof buf,
		 "inline; filename=\"certificate_%s.pdf\"; filename*=UTF-8''%%E8%%AF%%81%%E4%%B9%%A6_%s.pdf", number,
		 number);
	resp_header(out, "Content-Disposition", buf);
}

void api_cert_pdf(req *r, resp *out)
{
	char site[300], why[256] = "";
	site_of(r, site);
	unsigned char *pdf = NULL;
	size_t len = 0;
	jn_err e = cert_pdf(r->store, &r->sc, g_keyring, r->params[0], site, &pdf, &len, why, sizeof why);
	if (e) {
		doc_problem(out, e, why);
		return;
	}
	out->status = 200;
	out->raw = (char *)pdf;
	out->raw_len = len;
	out->content_type = "application/pdf";
	inline_name(out, r->params[0]);
}
