/* cert_doc.c — an issued certificate as a signed credential and as the
 * printable PDF (see cert_doc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cert_doc.h"
#include "app/certify.h"
#include "app/credential.h"
#include "core/cert.h"
#include "core/idcard.h"
#include "core/mask.h"
#include "core/text.h"
#include "io/cert_pdf.h"

/* The issued certificate in sc, its issuer, and (when photo is not NULL)
 * the holder's photo; JN_ENOTFOUND for unknown, out of scope or pending. */
static jn_err load(stx *t, const scope *sc, const char *number, certificate *c, char issuer[64], char **photo,
		   size_t *photo_len)
{
	if (!number || strlen(number) != CERT_NUMBER_LEN)
		return JN_ENOTFOUND;
	jn_err e = store_cert_get(t, sc, number, c);
	if (!e && (c->status == CERT_PENDING || !c->issued_on[0]))
		e = JN_ENOTFOUND;
	if (e)
		return e;
	snprintf(issuer, 64, "urn:jineng:issuer:53");
	scope sys = scope_system();
	org o;
	if (c->body_org_id && store_org_get(t, &sys, c->body_org_id, &o) == JN_OK && strlen(o.region) == 6)
		snprintf(issuer, 64, "urn:jineng:issuer:%s", o.region);
	if (photo) {
		char mime[16];
		e = person_photo_read(t, c->person_id, photo, photo_len, mime);
		if (e == JN_ENOTFOUND)
			e = JN_OK;
	}
	return e;
}

static char *sign(const keyring *kr, const certificate *c, const char *issuer, const char *url)
{
	const level_info *l = level_by_rank(c->level);
	char masked[40];
	mask_id(c->id_number, masked, sizeof masked);
	cert_claims cl = {
		.number = c->number,
		.holder_name = c->holder_name,
		.holder_id_masked = masked,
		.gender = id_gender_zh(c->id_number),
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
	return kr ? credential_sign(kr, &cl, issuer, NULL) : NULL;
}

static void verify_url(const char *site, const char *number, char out[512])
{
	snprintf(out, 512, "%s/verify?number=%s", site ? site : "", number);
}

jn_err cert_credential(store *s, const scope *sc, const keyring *kr, const char *number, const char *holder_name,
		       const char *site, char **jwt, char *why, size_t whycap)
{
	*jwt = NULL;
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	certificate c;
	char issuer[64];
	e = load(t, sc, number, &c, issuer, NULL, NULL);
	stx_rollback(t);
	if (e)
		return e;
	if (holder_name) {
		char *nm = NULL;
		int same = text_normalize_name(holder_name, strlen(holder_name), 30, &nm) == TEXT_OK &&
			   strcmp(nm, c.holder_name) == 0;
		free(nm);
		if (!same)
			return JN_ENOTFOUND;
	}
	char url[512];
	verify_url(site, c.number, url);
	if (!(*jwt = sign(kr, &c, issuer, url))) {
		snprintf(why, whycap, "签名密钥不可用，或证书字段不完整");
		return JN_EINTERNAL;
	}
	return JN_OK;
}

jn_err cert_pdf(store *s, const scope *sc, const keyring *kr, const char *number, const char *site,
		unsigned char **pdf, size_t *len, char *why, size_t whycap)
{
	*pdf = NULL;
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	certificate c;
	char issuer[64], *photo = NULL;
	size_t photo_len = 0;
	e = load(t, sc, number, &c, issuer, &photo, &photo_len);
	stx_rollback(t);
	if (e)
		return e;
	char url[512];
	verify_url(site, c.number, url);
	char *jwt = sign(kr, &c, issuer, url);
	size_t qn = strlen(url) + strlen("&credential=") + (jwt ? strlen(jwt) : 0) + 1;
	char *qr = jwt ? malloc(qn) : NULL;
	if (!qr) {
		free(jwt);
		free(photo);
		snprintf(why, whycap, "%s", jwt ? "内存不足" : "签名密钥不可用，或证书字段不完整");
		return jwt ? JN_ENOMEM : JN_EINTERNAL;
	}
	snprintf(qr, qn, "%s&credential=%s", url, jwt);
	free(jwt);
	const level_info *l = level_by_rank(c.level);
	cert_print p = {
		.number = c.number,
		.holder_name = c.holder_name,
		.gender = id_gender_zh(c.id_number),
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
		.photo = (const unsigned char *)photo,
		.photo_len = photo_len,
		.qr_text = qr,
	};
	int rc = cert_pdf_render(&p, pdf, len, why, whycap);
	free(qr);
	free(photo);
	if (rc != CERT_PDF_OK)
		return rc == CERT_PDF_EINPUT ? JN_EINVAL : rc == CERT_PDF_ENOMEM ? JN_ENOMEM : JN_EINTERNAL;
	/* Audited before anything is handed out: no PDF leaves without its entry. */
	if ((e = stx_begin(s, 1, &t)) == JN_OK) {
		char subj[64];
		snprintf(subj, sizeof subj, "certificate:%s", c.number);
		e = tx_end(t, store_audit(t, sc, "read.certificate.pdf", subj, NULL, NULL));
	}
	if (e) {
		free(*pdf);
		*pdf = NULL;
	}
	return e;
}
