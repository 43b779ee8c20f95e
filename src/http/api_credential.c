/* api_credential.c — a certificate as something to show: the platform's
 * public keys (GET /.well-known/jwks.json), the certificate as a signed
 * credential (VC-JWT, public, the ID number masked) and as the printable
 * PDF (the holder, the issuing body and staff in scope; audited).
 *
 * The keyring is loaded once by `jineng serve` (--keys, default var/keys)
 * and only read here, from every worker thread (keyring.h allows that).
 *
 * The verification URL written into the credential and the PDF's QR code
 * is the public verification page, "/verify?number=<number>" (the QR code
 * adds "&credential=<JWT>" for the page to check offline, then online),
 * prefixed by "http(s)://<Host>" when
 * the request's Host header is a plain host[:port] (X-Forwarded-Proto
 * "https" gives https).  The issuer is "urn:jineng:issuer:<region>", the
 * issuing body's six-digit region, or "urn:jineng:issuer:53" (the
 * province) for a body not registered here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/credential.h"
#include "app/keyring.h"
#include "core/cert.h"
#include "core/mask.h"
#include "http/http.h"
#include "io/cert_pdf.h"

static keyring *g_keyring;

void http_set_keyring(keyring *kr) { g_keyring = kr; }

/* The same bucket as /verify: a credential names its holder, so it is
 * handed out no faster than verifications. */
#define CREDENTIAL_PER_MINUTE 20.0
#define CREDENTIAL_BURST 40.0

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

static void verify_url(req *r, const char *number, char *out, size_t cap)
{
	const char *host = req_header(r, "Host");
	const char *proto = req_header(r, "X-Forwarded-Proto");
	if (host_ok(host))
		snprintf(out, cap, "%s://%s/verify?number=%s", proto && strcmp(proto, "https") == 0 ? "https" : "http",
			 host, number);
	else
		snprintf(out, cap, "/verify?number=%s", number);
}

static const char *gender_of(const char *id)
{
	if (strlen(id) != 18 || id[16] < '0' || id[16] > '9')
		return NULL;
	return (id[16] - '0') % 2 ? "男" : "女";
}

/* Reads the certificate in sc; 0, or -1 with out answered (404 for
 * unknown or out of scope, and for pending ones). */
static int load_cert(req *r, const scope *sc, certificate *c, char issuer[64], resp *out)
{
	const char *number = r->params[0];
	if (!number || strlen(number) != CERT_NUMBER_LEN) {
		resp_problem(out, JN_ENOTFOUND, NULL, "没有这个证书");
		return -1;
	}
	stx *t = read_tx(r, out);
	if (!t)
		return -1;
	jn_err e = store_cert_get(t, sc, number, c);
	snprintf(issuer, 64, "urn:jineng:issuer:53");
	if (!e && c->body_org_id) {
		scope sys = scope_system();
		org o;
		if (store_org_get(t, &sys, c->body_org_id, &o) == JN_OK && strlen(o.region) == 6)
			snprintf(issuer, 64, "urn:jineng:issuer:%s", o.region);
	}
	stx_rollback(t);
	if (e == JN_ENOTFOUND || (!e && (c->status == CERT_PENDING || !c->issued_on[0]))) {
		resp_problem(out, JN_ENOTFOUND, NULL, "没有这个证书，或证书尚未发放");
		return -1;
	}
	if (e) {
		resp_problem(out, e, NULL, NULL);
		return -1;
	}
	return 0;
}

/* The signed credential of c (malloc'd), or NULL. */
static char *sign(req *r, const certificate *c, const char *issuer)
{
	const level_info *l = level_by_rank(c->level);
	char masked[40], url[512];
	mask_id(c->id_number, masked, sizeof masked);
	verify_url(r, c->number, url, sizeof url);
	cert_claims cl = {
		.number = c->number,
		.holder_name = c->holder_name,
		.holder_id_masked = masked,
		.gender = gender_of(c->id_number),
		.occupation_code = c->occupation[0] ? c->occupation : NULL,
		.occupation_name = c->occupation_name[0] ? c->occupation_name : NULL,
		.level_name = l ? l->name : NULL,
		.national_level = l && l->national[0] ? l->national : NULL,
		.body_name = c->body_name[0] ? c->body_name : NULL,
		.body_code = c->body_code[0] ? c->body_code : NULL,
		.issued_on = c->issued_on,
		.route = cert_route_name(c->route),
		.verify_url = url,
		.level = l ? c->level : 0,
	};
	return g_keyring ? credential_sign(g_keyring, &cl, issuer, NULL) : NULL;
}

void api_cert_credential(req *r, resp *out)
{
	char addr[64];
	if (req_client_addr(r, addr, sizeof addr) != 0)
		snprintf(addr, sizeof addr, "unknown");
	int wait = ratelimit_take(addr, CREDENTIAL_PER_MINUTE, CREDENTIAL_BURST);
	if (wait > 0) {
		char detail[160];
		snprintf(detail, sizeof detail, "查询过于频繁，请%d秒后再试（每个地址每分钟最多%d次）", wait,
			 (int)CREDENTIAL_PER_MINUTE);
		resp_problem_code(out, 429, "rate_limited", "查询过于频繁", detail);
		out->retry_after = wait;
		return;
	}
	certificate c;
	char issuer[64];
	scope sys = scope_system();
	if (load_cert(r, &sys, &c, issuer, out) != 0)
		return;
	char *jwt = sign(r, &c, issuer);
	if (!jwt) {
		resp_problem_code(out, 500, "sign_failed", "无法签发电子证书", "签名密钥不可用，或证书字段不完整");
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
	certificate c;
	char issuer[64];
	if (load_cert(r, &r->sc, &c, issuer, out) != 0)
		return;
	char *jwt = sign(r, &c, issuer);
	if (!jwt) {
		resp_problem_code(out, 500, "sign_failed", "无法签发电子证书", "签名密钥不可用，或证书字段不完整");
		return;
	}
	char url[512];
	verify_url(r, c.number, url, sizeof url);
	size_t qn = strlen(url) + strlen("&credential=") + strlen(jwt) + 1;
	char *qr = malloc(qn);
	if (!qr) {
		free(jwt);
		resp_problem(out, JN_ENOMEM, NULL, NULL);
		return;
	}
	snprintf(qr, qn, "%s&credential=%s", url, jwt);
	free(jwt);
	const level_info *l = level_by_rank(c.level);
	cert_print p = {
		.number = c.number,
		.holder_name = c.holder_name,
		.gender = gender_of(c.id_number),
		.id_number = c.id_number,
		.occupation_code = c.occupation,
		.occupation_name = c.occupation_name,
		.level_name = l ? l->name : NULL,
		.national_level = l ? l->national : NULL,
		.body_name = c.body_name,
		.body_code = c.body_code,
		.issued_on = c.issued_on,
		.route_name = cert_route_name_zh(c.route),
		.status_name = cert_status_name_zh(c.status),
		.qr_text = qr,
	};
	unsigned char *pdf = NULL;
	size_t len = 0;
	char err[256] = "";
	int rc = cert_pdf_render(&p, &pdf, &len, err, sizeof err);
	free(qr);
	if (rc != CERT_PDF_OK) {
		resp_problem_code(out, rc == CERT_PDF_EINPUT ? 422 : 500, "pdf_failed", "无法生成证书 PDF", err);
		return;
	}
	/* Audited before anything is sent: no PDF leaves without its entry. */
	stx *t;
	jn_err e = stx_begin(r->store, 1, &t);
	if (!e) {
		char subj[64];
		snprintf(subj, sizeof subj, "certificate:%s", c.number);
		e = store_audit(t, &r->sc, "read.certificate.pdf", subj, NULL, NULL);
		e = e ? (stx_rollback(t), e) : stx_commit(t);
	}
	if (e) {
		free(pdf);
		resp_problem(out, e, NULL, NULL);
		return;
	}
	out->status = 200;
	out->raw = (char *)pdf;
	out->raw_len = len;
	out->content_type = "application/pdf";
	inline_name(out, c.number);
}
