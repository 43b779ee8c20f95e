/* account.c — accounts as administrators manage them over the API:
 * create (with the same name and password rules and the same Argon2id
 * hashing as `jineng user add`), switch off and on, set a new password.
 *
 * A city administrator reaches only the accounts of its city (the store
 * scopes every read and write), and what it creates stays in the city:
 * the region, the organisation and the person are all looked up with the
 * caller's own scope. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/regions.h"

json_t *account_json(const account *a)
{
	const region_entry *r = a->region[0] ? region_find(a->region) : NULL;
	char now[32];
	store_now(now);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(a->id));
	json_object_set_new(j, "username", json_string(a->username));
	json_object_set_new(j, "role", json_string(role_name(a->role)));
	json_object_set_new(j, "role_name", json_string(role_name_zh(a->role)));
	json_object_set_new(j, "region", json_string(a->region));
	json_object_set_new(j, "region_name", json_string(r ? r->name : ""));
	json_object_set_new(j, "org_id", a->org_id ? json_integer(a->org_id) : json_null());
	json_object_set_new(j, "person_id", a->person_id ? json_integer(a->person_id) : json_null());
	json_object_set_new(j, "disabled", json_boolean(a->disabled));
	/* Only a lock still in force is worth showing. */
	json_object_set_new(j, "locked_until",
			    a->locked_until[0] && strcmp(a->locked_until, now) > 0 ? json_string(a->locked_until)
										     : json_null());
	json_object_set_new(j, "created_at", json_string(a->created_at));
	return j;
}

/* The audit form: the account without secrets or counters. */
static char *audit_text(const account *a)
{
	json_t *j = json_object();
	json_object_set_new(j, "username", json_string(a->username));
	json_object_set_new(j, "role", json_string(role_name(a->role)));
	json_object_set_new(j, "region", json_string(a->region));
	if (a->org_id)
		json_object_set_new(j, "org_id", json_integer(a->org_id));
	if (a->person_id)
		json_object_set_new(j, "person_id", json_integer(a->person_id));
	json_object_set_new(j, "disabled", json_boolean(a->disabled));
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

static org_kind kind_for(role r)
{
	return r == ROLE_EVALUATOR ? ORG_EVALUATOR : r == ROLE_TRAINER ? ORG_TRAINER : r == ROLE_EMPLOYER ? ORG_EMPLOYER : 0;
}

/* Checks what needs no database; fills out->username, role, region. */
static void check_input(const scope *sc, const account_input *in, account *out, jn_fields *fe)
{
	if (username_acceptable(in->username, fe))
		snprintf(out->username, sizeof out->username, "%s", in->username);
	password_acceptable(in->password, in->username, fe);
	out->role = in->role && in->role[0] ? role_parse(in->role) : ROLE_NONE;
	if (!out->role)
		jn_fields_add(fe, "role", in->role && in->role[0] ? "invalid" : "required",
			      "角色应为 admin、county、evaluator、trainer、employer 或 worker");
	if (in->region && in->region[0]) {
		const char *code = region_resolve(in->region);
		if (!code)
			jn_fields_add(fe, "region", "unknown_region", "地区%.40s不是现行的区划代码或名称", in->region);
		else if (!store_scope_allows_account_region(sc, code))
			jn_fields_add(fe, "region", "out_of_scope", "所属地区不在您的管辖范围内");
		else
			snprintf(out->region, sizeof out->region, "%s", code);
	}
	if (out->role == ROLE_COUNTY) {
		const region_entry *r = out->region[0] ? region_find(out->region) : NULL;
		if (!in->region || !in->region[0])
			jn_fields_add(fe, "region", "required", "县级经办员必须指定所辖县（市、区）");
		else if (r && r->kind != 'X')
			jn_fields_add(fe, "region", "not_county", "县级经办员的地区必须是一个县（市、区），不能是市或省");
	} else if (out->role == ROLE_ADMIN && sc->region[0] && !sc->system && (!in->region || !in->region[0])) {
		jn_fields_add(fe, "region", "required", "您只能创建本地区的管理员，请指定所属地区");
	}
	if (kind_for(out->role)) {
		if (!in->org_id)
			jn_fields_add(fe, "org_id", "required", "机构账号必须指定所属机构");
	} else if (in->org_id && out->role) {
		jn_fields_add(fe, "org_id", "not_applicable", "只有评价机构、培训机构、用人单位账号关联机构");
	}
	if (out->role == ROLE_WORKER) {
		if (!in->person_id)
			jn_fields_add(fe, "person_id", "required", "劳动者账号必须关联本人的人员编号");
	} else if (in->person_id && out->role) {
		jn_fields_add(fe, "person_id", "not_applicable", "只有劳动者账号关联人员");
	}
}

jn_err account_create(store *s, const scope *sc, const account_input *in, account *out, jn_fields *fe)
{
	memset(out, 0, sizeof *out);
	if (!sc->system && sc->role != ROLE_ADMIN)
		return JN_EFORBIDDEN;
	check_input(sc, in, out, fe);
	int region_given = in->region && in->region[0];
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	/* The organisation and the person are looked up with the caller's
	 * scope: a city administrator cannot bind an account to another
	 * city's organisation or worker (not found, as elsewhere). */
	if (in->org_id && kind_for(out->role)) {
		org o;
		jn_err ge = store_org_get(t, sc, in->org_id, &o);
		if (ge == JN_ENOTFOUND)
			jn_fields_add(fe, "org_id", "not_found", "机构%lld不存在或不在您的管辖范围内", (long long)in->org_id);
		else if (ge)
			e = ge;
		else if (o.kind != kind_for(out->role))
			jn_fields_add(fe, "org_id", "wrong_kind", "机构“%s”是%s，不能开%s账号", o.name, org_kind_name_zh(o.kind),
				      role_name_zh(out->role));
		else {
			out->org_id = o.id;
			if (!region_given)
				snprintf(out->region, sizeof out->region, "%s", o.region);
		}
	}
	if (!e && in->person_id && out->role == ROLE_WORKER) {
		person p;
		jn_err ge = store_person_get(t, sc, in->person_id, &p);
		if (ge == JN_ENOTFOUND)
			jn_fields_add(fe, "person_id", "not_found", "人员%lld不存在或不在您的管辖范围内",
				      (long long)in->person_id);
		else if (ge)
			e = ge;
		else {
			out->person_id = p.id;
			if (!region_given)
				snprintf(out->region, sizeof out->region, "%s", p.region);
		}
	}
	if (!e && !fe->count && !store_scope_allows_account_region(sc, out->region))
		jn_fields_add(fe, "region", region_given ? "out_of_scope" : "required",
			      "账号的所属地区必须在您的管辖范围内");
	if (!e && !fe->count) {
		account other;
		jn_err ge = store_account_by_username(t, out->username, &other);
		if (ge == JN_OK)
			jn_fields_add(fe, "username", "taken", "用户名%s已被使用", out->username);
		else if (ge != JN_ENOTFOUND)
			e = ge;
	}
	if (!e && !fe->count) {
		e = password_hash(in->password, out->pw_hash);
		if (!e)
			e = store_account_insert(t, out);
		if (e == JN_ECONFLICT) {
			jn_fields_add(fe, "username", "taken", "用户名%s已被使用", out->username);
			e = JN_OK;
		}
	}
	if (!e && !fe->count) {
		char subj[64];
		snprintf(subj, sizeof subj, "account:%lld", (long long)out->id);
		char *after = audit_text(out);
		e = after ? store_audit(t, sc, "account.create", subj, NULL, after) : JN_ENOMEM;
		free(after);
	}
	memset(out->pw_hash, 0, sizeof out->pw_hash);
	if (e || fe->count) {
		stx_rollback(t);
		return e ? e : JN_EINVAL;
	}
	return stx_commit(t);
}

jn_err account_update(store *s, const scope *sc, int64_t id, int disabled, const char *password,
		      const char *except_token, account *out, jn_fields *fe)
{
	if (!sc->system && sc->role != ROLE_ADMIN)
		return JN_EFORBIDDEN;
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	account cur;
	e = store_account_get_scoped(t, sc, id, &cur);
	if (e) {
		stx_rollback(t);
		return e;
	}
	if (disabled > 0 && !cur.disabled && cur.id == sc->account_id)
		jn_fields_add(fe, "disabled", "self", "不能停用自己正在使用的账号");
	if (password)
		password_acceptable(password, cur.username, fe);
	if (fe->count) {
		stx_rollback(t);
		return JN_EINVAL;
	}
	account next = cur;
	if (disabled >= 0)
		next.disabled = disabled ? 1 : 0;
	char hash[160];
	if (password && (e = password_hash(password, hash)) != JN_OK) {
		stx_rollback(t);
		return e;
	}
	int changed = next.disabled != cur.disabled || password;
	if (changed)
		e = store_account_update(t, sc, id, next.disabled, password ? hash : NULL);
	/* Switching an account off ends its sessions at once; a new password
	 * ends every other session (the caller's own stays signed in). */
	if (!e && next.disabled && !cur.disabled)
		e = store_account_end_sessions(t, id, NULL);
	else if (!e && password) {
		char digest[65] = "";
		if (except_token && id == sc->account_id) {
			unsigned char h[crypto_hash_sha256_BYTES];
			crypto_hash_sha256(h, (const unsigned char *)except_token, strlen(except_token));
			sodium_bin2hex(digest, sizeof digest, h, sizeof h);
		}
		e = store_account_end_sessions(t, id, digest[0] ? digest : NULL);
	}
	if (!e && changed) {
		char subj[64];
		snprintf(subj, sizeof subj, "account:%lld", (long long)id);
		char *before = audit_text(&cur);
		json_t *aj = json_object();
		json_object_set_new(aj, "disabled", json_boolean(next.disabled));
		if (password)
			json_object_set_new(aj, "password_changed", json_true());
		char *after = json_dumps(aj, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(aj);
		e = before && after ? store_audit(t, sc, "account.update", subj, before, after) : JN_ENOMEM;
		free(before);
		free(after);
	}
	if (!e)
		e = store_account_get_scoped(t, sc, id, out);
	if (e) {
		stx_rollback(t);
		return e;
	}
	memset(out->pw_hash, 0, sizeof out->pw_hash);
	memset(hash, 0, sizeof hash);
	e = stx_commit(t);
	/* After the commit, so no request can cache the old state again. */
	if (!e && changed)
		session_cache_clear();
	return e;
}
