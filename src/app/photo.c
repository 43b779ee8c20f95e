/* photo.c — a worker's photo: set by a clerk in scope or by the worker,
 * read back (audited) and printed on their certificates (cert_doc.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/certify.h"
#include "io/cert_pdf.h"

/* "image/jpeg", "image/png", or NULL for anything else. */
static const char *photo_mime(const unsigned char *p, size_t n)
{
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return "image/jpeg";
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	return NULL;
}

static void subject_of(int64_t id, char out[64]) { snprintf(out, 64, "person:%lld", (long long)id); }

jn_err person_photo_put(store *s, const scope *sc, int64_t person_id, const unsigned char *data, size_t len,
			json_t **out, jn_fields *fe)
{
	if (len > PHOTO_MAX_BYTES)
		return JN_ETOOLARGE;
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	person p;
	char sha[65], *b64 = NULL, before[65] = "", old_mime[16];
	/* out of scope is "no such person" before anything about the photo */
	if ((e = store_person_get(t, sc, person_id, &p)) != JN_OK)
		return tx_end(t, e);
	const char *mime = photo_mime(data, len);
	char why[256] = "";
	if (len == 0)
		fe_add(fe, "photo", "empty", "请在请求体中上传照片（JPEG 或 PNG）");
	else if (!mime)
		fe_add(fe, "photo", "invalid_format", "照片应为 JPEG 或 PNG 图片");
	else if (cert_photo_check(data, len, why, sizeof why) != CERT_PDF_OK)
		fe_add(fe, "photo", "unreadable", "照片无法读取：%s", why);
	if (fe->count)
		return tx_end(t, JN_EINVAL);
	char *old = NULL;
	int64_t old_size = 0;
	jn_err ge = store_photo_get(t, p.id, old_mime, &old, &old_size, before);
	free(old);
	if (ge != JN_OK && ge != JN_ENOTFOUND)
		return tx_end(t, ge);
	if ((e = file_encode(data, len, sha, &b64)) != JN_OK)
		return tx_end(t, e);
	e = store_photo_put(t, p.id, mime, (int64_t)len, sha, b64, actor_name(sc));
	free(b64);
	if (!e) {
		char subj[64];
		subject_of(p.id, subj);
		char *b = before[0] ? audit_text(json_pack("{s:s}", "photo_sha256", before)) : NULL;
		char *a = audit_text(json_pack("{s:s, s:I, s:s}", "photo_sha256", sha, "size", (json_int_t)len, "mime",
					       mime));
		e = store_audit(t, sc, "person.photo", subj, b, a);
		free(b);
		free(a);
	}
	if (!e)
		*out = json_pack("{s:I, s:s, s:I, s:s}", "person_id", (json_int_t)p.id, "mime", mime, "size",
				 (json_int_t)len, "sha256", sha);
	return tx_end(t, e);
}

jn_err person_photo_read(stx *t, int64_t person_id, char **data, size_t *len, char mime[16])
{
	char *b64 = NULL, sha[65];
	int64_t size = 0;
	*data = NULL;
	jn_err e = store_photo_get(t, person_id, mime, &b64, &size, sha);
	if (!e)
		e = file_decode(b64, size, data, len);
	free(b64);
	return e;
}

jn_err person_photo_get(store *s, const scope *sc, int64_t person_id, char **data, size_t *len, char mime[16])
{
	stx *t;
	*data = NULL;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	person p;
	e = store_person_get(t, sc, person_id, &p);
	if (!e)
		e = person_photo_read(t, p.id, data, len, mime);
	if (!e) {
		char subj[64];
		subject_of(p.id, subj);
		e = store_audit(t, sc, "read.person.photo", subj, NULL, NULL);
	}
	if ((e = tx_end(t, e)) != JN_OK && *data) {
		free(*data);
		*data = NULL;
	}
	return e;
}
