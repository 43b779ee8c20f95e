/* cert.c — certificates: numbers, the JSON of every printed field, lists,
 * audited reads, revocation, each worker's derived level, and the public
 * verification by number and name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/certify.h"
#include "app/record.h"
#include "core/idcard.h"
#include "core/mask.h"
#include "core/text.h"

json_t *cert_json(const certificate *c, int masked)
{
	const level_info *l = level_by_rank(c->level);
	char idn[40], label[64];
	if (masked)
		mask_id(c->id_number, idn, sizeof idn);
	else
		snprintf(idn, sizeof idn, "%s", c->id_number);
	cert_level_label(c->level, label, sizeof label);
	json_t *j = json_object();
	json_object_set_new(j, "number", json_string(c->number));
	json_object_set_new(j, "status", json_string(cert_status_name(c->status)));
	json_object_set_new(j, "status_name", json_string(cert_status_name_zh(c->status)));
	json_object_set_new(j, "person_id", json_integer(c->person_id));
	json_object_set_new(j, "holder_name", json_string(c->holder_name));
	json_object_set_new(j, "id_type", json_string(c->id_type));
	json_object_set_new(j, "id_number", json_string(idn));
	const char *g = id_gender_zh(c->id_number);
	json_object_set_new(j, "gender", g ? json_string(g) : json_null());
	json_object_set_new(j, "occupation", json_string(c->occupation));
	json_object_set_new(j, "occupation_name", json_string(c->occupation_name));
	json_object_set_new(j, "direction", json_string(c->direction));
	json_object_set_new(j, "level", json_integer(c->level));
	json_object_set_new(j, "level_name", json_string(l ? l->name : ""));
	json_object_set_new(j, "national_level", json_string(l ? l->national : ""));
	json_object_set_new(j, "level_label", json_string(label));
	json_object_set_new(j, "route", json_string(cert_route_name(c->route)));
	json_object_set_new(j, "route_name", json_string(cert_route_name_zh(c->route)));
	json_object_set_new(j, "body_org_id", c->body_org_id ? json_integer(c->body_org_id) : json_null());
	json_object_set_new(j, "body_name", json_string(c->body_name));
	json_object_set_new(j, "body_type", json_string((char[2]){c->body_type, 0}));
	json_object_set_new(j, "body_code", json_string(c->body_code));
	json_object_set_new(j, "approved_on", c->approved_on[0] ? json_string(c->approved_on) : json_null());
	json_object_set_new(j, "issued_on", c->issued_on[0] ? json_string(c->issued_on) : json_null());
	json_object_set_new(j, "revoked_on", c->revoked_on[0] ? json_string(c->revoked_on) : json_null());
	json_object_set_new(j, "revoke_reason", c->revoke_reason[0] ? json_string(c->revoke_reason) : json_null());
	json_object_set_new(j, "batch_id", c->batch_id ? json_integer(c->batch_id) : json_null());
	json_object_set_new(j, "candidate_id", c->candidate_id ? json_integer(c->candidate_id) : json_null());
	json_object_set_new(j, "imported", json_boolean(c->imported));
	json_object_set_new(j, "masked", json_boolean(masked));
	json_object_set_new(j, "created_at", json_string(c->created_at));
	json_object_set_new(j, "updated_at", json_string(c->updated_at));
	return j;
}

jn_err cert_next_number(stx *t, char body_type, const char *body_code, const char *site_serial, int year, int level,
			char out[CERT_NUMBER_LEN + 1])
{
	char prefix[CERT_PREFIX_LEN + 1];
	if (cert_prefix(body_type, body_code, CERT_PROVINCE, site_serial, year, level, prefix) != 0)
		return JN_EINTERNAL;
	int serial = 0;
	jn_err e = store_cert_next_serial(t, prefix, &serial);
	if (e)
		return e;
	return cert_number_make(prefix, serial, out) == 0 ? JN_OK : JN_ETOOMANY;
}

/* ---- derived levels ---- */

typedef struct levels_ctx {
	person_level rows[64];
	char issued[64][11];
	int n;
	int best;            /* index of the highest (then latest) */
} levels_ctx;

static int level_cert(void *ctx, const certificate *c)
{
	levels_ctx *x = ctx;
	if (c->status != CERT_VALID)
		return 0;
	int k;
	for (k = 0; k < x->n; k++)
		if (strcmp(x->rows[k].occupation, c->occupation) == 0)
			break;
	if (k == x->n) {
		if (x->n == 64)
			return 0;
		x->n++;
		x->rows[k].level = 0;
		snprintf(x->rows[k].occupation, sizeof x->rows[k].occupation, "%s", c->occupation);
		x->issued[k][0] = '\0';
	}
	person_level *r = &x->rows[k];
	if (c->level > r->level || (c->level == r->level && strcmp(c->issued_on, x->issued[k]) > 0)) {
		r->level = c->level;
		snprintf(r->number, sizeof r->number, "%s", c->number);
		snprintf(x->issued[k], sizeof x->issued[k], "%s", c->issued_on);
	}
	return 0;
}

static int count_level(void *ctx, const person_level *l)
{
	(void)l;
	(*(int *)ctx)++;
	return 0;
}

jn_err cert_recompute_person(stx *t, const scope *sc, int64_t person_id, const char *reason)
{
	levels_ctx x = {.n = 0, .best = -1};
	jn_err e = store_certs_of_person(t, person_id, level_cert, &x);
	int had = 0;
	if (!e)
		e = store_person_levels(t, person_id, count_level, &had);
	if (!e)
		e = store_person_levels_set(t, person_id, x.n, x.rows);
	if (e)
		return e;
	for (int k = 0; k < x.n; k++)
		if (x.best < 0 || x.rows[k].level > x.rows[x.best].level ||
		    (x.rows[k].level == x.rows[x.best].level && strcmp(x.issued[k], x.issued[x.best]) > 0))
			x.best = k;
	scope sys = scope_system();
	person p, np;
	if ((e = store_person_get(t, &sys, person_id, &p)) != JN_OK)
		return e;
	np = p;
	if (x.best >= 0) {
		/* The registry's level is the highest valid certificate. */
		np.level = x.rows[x.best].level;
		snprintf(np.occupation, sizeof np.occupation, "%s", x.rows[x.best].occupation);
	} else if (had) {
		/* The last valid certificate is gone: the level it gave goes too. */
		np.level = 0;
	}
	if (np.level == p.level && strcmp(np.occupation, p.occupation) == 0)
		return JN_OK;
	return person_write_because(t, sc, &p, &np, reason);
}

/* ---- lists and reads ---- */

static int list_one(void *ctx, const certificate *c)
{
	json_array_append_new((json_t *)ctx, cert_json(c, 1));
	return 0;
}

jn_err cert_list(store *s, const scope *sc, const cert_filter *f, json_t **items, int64_t *total, int *capped)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	json_t *a = json_array();
	e = store_cert_list(t, sc, f, list_one, a, total, capped);
	stx_rollback(t);
	if (e) {
		json_decref(a);
		return e;
	}
	*items = a;
	return JN_OK;
}

static void subject_of(const char *number, char out[64]) { snprintf(out, 64, "certificate:%s", number); }

jn_err cert_read(store *s, const scope *sc, const char *number, json_t **out)
{
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	certificate c;
	e = store_cert_get(t, sc, number, &c);
	if (!e) {
		char subj[64];
		subject_of(c.number, subj);
		e = store_audit(t, sc, "read.certificate", subj, NULL, NULL);
	}
	if (!e)
		*out = cert_json(&c, 0);
	return tx_end(t, e);
}

int cert_visible(store *s, const scope *sc, const char *number)
{
	stx *t;
	if (stx_begin(s, 0, &t) != JN_OK)
		return 0;
	certificate c;
	int ok = store_cert_get(t, sc, number, &c) == JN_OK;
	stx_rollback(t);
	return ok;
}

jn_err cert_revoke(store *s, const scope *sc, const char *number, const char *reason, json_t **out, jn_fields *fe)
{
	if (!role_may(sc, ROLE_ADMIN))
		return refuse_role(fe, sc, "注销证书");
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	certificate c;
	if ((e = store_cert_get(t, sc, number, &c)) != JN_OK)
		return tx_end(t, e);
	if (c.status == CERT_REVOKED) {
		fe_add(fe, "status", "already_revoked", "证书%s已于%s注销", c.number, c.revoked_on);
		return tx_end(t, JN_ECONFLICT);
	}
	char why[512];
	if (!take_text(fe, "reason", "注销原因", reason, 150, 1, why, sizeof why))
		return tx_end(t, JN_EINVAL);
	cert_status from = c.status;
	c.status = CERT_REVOKED;
	cert_date_format(store_today(), c.revoked_on);
	snprintf(c.revoke_reason, sizeof c.revoke_reason, "%s", why);
	e = store_cert_set_status(t, &c, from);
	char subj[64];
	subject_of(c.number, subj);
	if (!e) {
		char *before = audit_text(json_pack("{s:s}", "status", cert_status_name(from)));
		char *after = audit_text(json_pack("{s:s, s:s, s:s}", "status", "revoked", "revoked_on", c.revoked_on,
						   "revoke_reason", why));
		e = store_audit(t, sc, "certificate.revoke", subj, before, after);
		free(before);
		free(after);
	}
	if (!e && from == CERT_VALID) /* a pending one never was on the record */
		e = record_certificate(t, sc, &c, 1);
	if (!e)
		e = cert_recompute_person(t, sc, c.person_id, subj);
	if (!e)
		*out = cert_json(&c, 0);
	return tx_end(t, e);
}

static int level_json(void *ctx, const person_level *l)
{
	const level_info *li = level_by_rank(l->level);
	json_array_append_new((json_t *)ctx, json_pack("{s:s, s:i, s:s, s:s}", "occupation", l->occupation, "level",
						       l->level, "level_name", li ? li->name : "", "number", l->number));
	return 0;
}

jn_err cert_of_person(store *s, const scope *sc, int64_t person_id, json_t **out)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	person p;
	e = store_person_get(t, sc, person_id, &p);
	json_t *items = json_array(), *levels = json_array();
	if (!e) {
		cert_filter f = {.person_id = person_id, .per_page = 200};
		int64_t total = 0;
		int capped = 0;
		e = store_cert_list(t, sc, &f, list_one, items, &total, &capped);
	}
	if (!e)
		e = store_person_levels(t, person_id, level_json, levels);
	stx_rollback(t);
	if (e) {
		json_decref(items);
		json_decref(levels);
		return e;
	}
	*out = json_pack("{s:I, s:s, s:o, s:o}", "person_id", (json_int_t)p.id, "name", p.name, "levels", levels, "items",
			 items);
	return JN_OK;
}

/* ---- public verification ---- */

jn_err cert_verify(store *s, const char *number, const char *name, json_t **out, jn_fields *fe)
{
	char num[40] = "";
	if (!number || !number[0])
		fe_add(fe, "number", "required", "请输入证书编号");
	else if (strlen(number) > 30)
		fe_add(fe, "number", "too_long", "证书编号为22位");
	else {
		/* Spaces people copy along, and a lower-case letter, are forgiven. */
		size_t o = 0;
		for (const char *c = number; *c && o < sizeof num - 1; c++)
			if (*c != ' ')
				num[o++] = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
		num[o] = '\0';
	}
	char *nm = NULL;
	if (!name || !name[0])
		fe_add(fe, "name", "required", "请输入持证人姓名");
	else if (text_normalize_name(name, strlen(name), 30, &nm) != TEXT_OK)
		fe_add(fe, "name", "invalid", "姓名无效");
	if (fe->count) {
		free(nm);
		return JN_EINVAL;
	}
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e) {
		free(nm);
		return e;
	}
	scope sys = scope_system();
	certificate c;
	jn_err ge = store_cert_get(t, &sys, num, &c);
	int found = ge == JN_OK && strcmp(c.holder_name, nm) == 0;
	free(nm);
	if (ge && ge != JN_ENOTFOUND)
		return tx_end(t, ge);
	const char *result = found ? cert_status_name(c.status) : "not_found";
	char day[11];
	cert_date_format(store_today(), day);
	e = store_verify_count(t, day, result);
	e = tx_end(t, e);
	if (e)
		return e;
	if (!found) {
		/* The same bytes whether the number is unknown or the name wrong. */
		*out = json_pack("{s:s, s:s}", "result", "not_found", "message", "未查到该证书：请核对证书编号和持证人姓名");
		return JN_OK;
	}
	char holder[128], label[64];
	mask_name(c.holder_name, holder, sizeof holder);
	cert_level_label(c.level, label, sizeof label);
	json_t *j = json_object();
	json_object_set_new(j, "result", json_string(result));
	json_object_set_new(j, "result_name", json_string(c.status == CERT_PENDING ? "已审批，待发证"
							  : c.status == CERT_VALID ? "有效"
										   : "已注销"));
	json_object_set_new(j, "number", json_string(c.number));
	json_object_set_new(j, "holder", json_string(holder));
	json_object_set_new(j, "occupation_name", json_string(c.occupation_name));
	json_object_set_new(j, "level_name", json_string(label));
	json_object_set_new(j, "body_name", json_string(c.body_name));
	json_object_set_new(j, "issued_on", c.issued_on[0] ? json_string(c.issued_on) : json_null());
	json_object_set_new(j, "revoked_on", c.revoked_on[0] ? json_string(c.revoked_on) : json_null());
	*out = j;
	return JN_OK;
}

static int vc_one(void *ctx, const char *day, const char *result, int64_t count)
{
	json_array_append_new((json_t *)ctx, json_pack("{s:s, s:s, s:I}", "day", day, "result", result, "count",
						      (json_int_t)count));
	return 0;
}

jn_err cert_verify_stats(store *s, const scope *sc, const char *from, const char *to, json_t **items)
{
	jn_fields fe = {0};
	if (!role_may(sc, ROLE_ADMIN))
		return refuse_role(&fe, sc, "查看查验统计");
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	json_t *a = json_array();
	e = store_verify_counts(t, from, to, vc_one, a);
	stx_rollback(t);
	if (e) {
		json_decref(a);
		return e;
	}
	*items = a;
	return JN_OK;
}
