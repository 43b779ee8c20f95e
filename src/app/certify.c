/* certify.c — helpers the certification services share (see certify.h). */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/certify.h"
#include "core/mask.h"
#include "core/text.h"

void fe_add(jn_fields *fe, const char *field, const char *code, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cert_utf8_fit(msg, sizeof fe->e[0].message);
	jn_fields_add(fe, field, code, "%s", msg);
}

jn_err file_encode(const void *data, size_t len, char sha256[65], char **b64)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(sha256, 65, h, sizeof h);
	size_t blen = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	if (!(*b64 = malloc(blen)))
		return JN_ENOMEM;
	sodium_bin2base64(*b64, blen, data, len, sodium_base64_VARIANT_ORIGINAL);
	return JN_OK;
}

jn_err file_decode(const char *b64, int64_t size, char **data, size_t *len)
{
	size_t cap = (size_t)size + 4;
	if (!(*data = malloc(cap)))
		return JN_ENOMEM;
	if (sodium_base642bin((unsigned char *)*data, cap, b64, strlen(b64), NULL, len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(*data);
		*data = NULL;
		return JN_EINTERNAL;
	}
	return JN_OK;
}

const char *actor_name(const scope *sc) { return sc->system || !sc->account_id ? "system" : sc->username; }

int role_may(const scope *sc, int roles) { return sc->system || (roles & (int)sc->role); }

jn_err refuse_role(jn_fields *fe, const scope *sc, const char *what)
{
	fe_add(fe, "role", "forbidden", "%s不能%s", role_name_zh(sc->role), what);
	return JN_EFORBIDDEN;
}

int take_text(jn_fields *fe, const char *field, const char *label, const char *in, size_t maxc, int required,
	      char *dst, size_t cap)
{
	dst[0] = '\0';
	if (!in || !in[0]) {
		if (required) {
			fe_add(fe, field, "required", "%s必须填写", label);
			return 0;
		}
		return 1;
	}
	char *out = NULL;
	text_status st = text_normalize(in, strlen(in), maxc, &out);
	if (st == TEXT_EMPTY) {
		if (required) {
			fe_add(fe, field, "required", "%s必须填写", label);
			return 0;
		}
		return 1;
	}
	if (st == TEXT_TOO_LONG) {
		fe_add(fe, field, text_status_code(st), "%s不能超过%zu个字", label, maxc);
		return 0;
	}
	if (st != TEXT_OK) {
		fe_add(fe, field, text_status_code(st), "%s%s", label, text_status_message(st));
		return 0;
	}
	if (strlen(out) >= cap) {
		fe_add(fe, field, "text_too_long", "%s过长", label);
		free(out);
		return 0;
	}
	memcpy(dst, out, strlen(out) + 1);
	free(out);
	return 1;
}

static int looks_like_code(const char *s)
{
	if (strlen(s) != 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if ((i == 1 || i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

int occupation_resolve(stx *t, const char *text, occupation *out)
{
	if (!text || !text[0])
		return 0;
	jn_err e = looks_like_code(text) ? store_occupation_get(t, text, out) : store_occupation_by_name(t, text, out);
	if (e == JN_ENOTFOUND)
		return 0;
	if (e)
		return -1;
	return strcmp(out->kind, "occupation") == 0;
}

int level_offered(stx *t, const char *occ, int level)
{
	/* 特级技师 and 首席技师 exist only where 高级技师 does.  Every occupation
	 * of the catalogue is taken to offer 2..6 unless its conditions say
	 * otherwise (a row with alternative 0). */
	int check = level >= 7 ? 6 : level;
	if (check < 2 || check > 6)
		return 0;
	cert_condition rows[16];
	int n = 0;
	if (store_conditions_for(t, occ, check, rows, 16, &n) != JN_OK)
		return -1;
	for (int i = 0; i < n; i++)
		if (rows[i].alternative == 0 && strcmp(rows[i].occupation, occ) == 0)
			return 0;
	return 1;
}

json_t *person_brief(int64_t id, const char *name, const char *id_number)
{
	char idm[40];
	mask_id(id_number, idm, sizeof idm);
	json_t *j = json_object();
	json_object_set_new(j, "person_id", json_integer(id));
	json_object_set_new(j, "name", json_string(name));
	json_object_set_new(j, "id_number", json_string(idm));
	return j;
}

char *audit_text(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

jn_err tx_end(stx *t, jn_err e)
{
	if (e) {
		stx_rollback(t);
		return e;
	}
	return stx_commit(t);
}

void ymd_text(int ymd, char out[11]) { cert_date_format(ymd, out); }
