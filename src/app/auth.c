/* auth.c — accounts, passwords (Argon2id) and bearer-token sessions.
 *
 * Tokens are 32 random bytes shown once as hex; only their SHA-256 is
 * stored, so a copy of the database does not let anyone sign in.  After
 * five failed sign-ins in a row an account waits, doubling from 2 s up to
 * 15 min, before the next attempt is even checked. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app/app.h"
#include "core/idcard.h"
#include "core/regions.h"
#include "core/text.h"

#define FREE_ATTEMPTS 5
#define MAX_WAIT_S (15 * 60)

jn_err password_hash(const char *password, char out[160])
{
	if (sodium_init() < 0)
		return JN_EINTERNAL;
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return JN_ENOMEM;
	return JN_OK;
}

static void iso_after(long seconds, char out[32])
{
	time_t t = time(NULL) + seconds;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

static void token_digest(const char *token, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hex, 65, h, sizeof h);
}

void scope_from_account(const account *a, scope *out)
{
	memset(out, 0, sizeof *out);
	out->account_id = a->id;
	snprintf(out->username, sizeof out->username, "%s", a->username);
	out->role = a->role;
	snprintf(out->region, sizeof out->region, "%s", a->region);
	out->org_id = a->org_id;
	out->person_id = a->person_id;
}

scope scope_system(void)
{
	scope s;
	memset(&s, 0, sizeof s);
	s.system = 1;
	s.role = ROLE_ADMIN;
	snprintf(s.username, sizeof s.username, "system");
	return s;
}

int username_acceptable(const char *username, jn_fields *fe)
{
	if (!username || !username[0]) {
		jn_fields_add(fe, "username", "required", "用户名必须填写");
		return 0;
	}
	size_t n = strlen(username);
	int ok = n >= 2 && n < sizeof((account *)0)->username;
	for (size_t i = 0; ok && i < n; i++) {
		char c = username[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		     c == '-';
	}
	if (!ok)
		jn_fields_add(fe, "username", "invalid", "用户名应为2-63个英文字母、数字或 _ . -");
	return ok;
}

int password_acceptable(const char *password, const char *username, jn_fields *fe)
{
	if (!password || !password[0]) {
		jn_fields_add(fe, "password", "required", "密码必须填写");
		return 0;
	}
	size_t n = strlen(password);
	if (n < 8) {
		jn_fields_add(fe, "password", "too_short", "密码至少8个字符");
		return 0;
	}
	if (n > 128) {
		jn_fields_add(fe, "password", "too_long", "密码不能超过128个字符");
		return 0;
	}
	int digits = 1, same = 1;
	for (size_t i = 0; i < n; i++) {
		digits &= password[i] >= '0' && password[i] <= '9';
		same &= password[i] == password[0];
	}
	if (same || digits || (username && strcasecmp(password, username) == 0)) {
		jn_fields_add(fe, "password", "weak",
			      "密码太弱：不能全是数字、不能是同一字符重复、不能与用户名相同，请混用字母、数字和符号");
		return 0;
	}
	return 1;
}

jn_err user_add(store *s, const user_input *in, account *out, jn_fields *fe)
{
	memset(out, 0, sizeof *out);
	if (username_acceptable(in->username, fe))
		memcpy(out->username, in->username, strlen(in->username) + 1);
	out->role = in->role ? role_parse(in->role) : ROLE_NONE;
	if (!out->role)
		jn_fields_add(fe, "role", "invalid", "角色应为 admin、county、evaluator、trainer、employer 或 worker");
	password_acceptable(in->password, in->username, fe);
	if (in->region && in->region[0]) {
		const region_entry *r = region_find(in->region);
		if (!r || !r->current)
			jn_fields_add(fe, "region", "unknown_region", "地区代码%.20s不存在", in->region);
		else
			memcpy(out->region, r->code, 7);
	}
	if (out->role == ROLE_COUNTY && !out->region[0])
		jn_fields_add(fe, "region", "required", "县级经办员必须指定所辖地区代码");
	if ((out->role == ROLE_EMPLOYER || out->role == ROLE_TRAINER || out->role == ROLE_EVALUATOR) && !in->org_id)
		jn_fields_add(fe, "org", "required", "机构账号必须指定所属机构（--org）");
	if (out->role == ROLE_WORKER && (!in->person_id_number || !in->person_id_number[0]))
		jn_fields_add(fe, "person", "required", "劳动者账号必须关联本人身份证号（--person）");
	if (fe->count)
		return JN_EINVAL;

	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	scope sys = scope_system();
	if (in->org_id) {
		org o;
		if (store_org_get(t, &sys, in->org_id, &o) != JN_OK)
			jn_fields_add(fe, "org", "not_found", "机构%lld不存在", (long long)in->org_id);
		else
			out->org_id = o.id;
	}
	if (in->person_id_number && in->person_id_number[0]) {
		id_info info;
		person p;
		if (id_parse(in->person_id_number, strlen(in->person_id_number), store_today(), &info) != ID_OK ||
		    store_person_by_id_number(t, &sys, info.number, &p) != JN_OK)
			jn_fields_add(fe, "person", "not_found", "身份证号%.20s的人员未登记", in->person_id_number);
		else
			out->person_id = p.id;
	}
	if (!fe->count && (e = password_hash(in->password, out->pw_hash)) == JN_OK) {
		e = store_account_insert(t, out);
		if (e == JN_ECONFLICT)
			jn_fields_add(fe, "username", "duplicate", "用户名%s已存在", out->username);
	}
	if (fe->count && !e)
		e = JN_EINVAL;
	if (!e) {
		char subj[64], after[256];
		snprintf(subj, sizeof subj, "account:%lld", (long long)out->id);
		snprintf(after, sizeof after, "{\"username\":\"%s\",\"role\":\"%s\",\"region\":\"%s\"}", out->username,
			 role_name(out->role), out->region);
		e = store_audit(t, &sys, "account.create", subj, NULL, after);
	}
	if (e) {
		stx_rollback(t);
		return e == JN_ECONFLICT ? JN_EINVAL : e;
	}
	return stx_commit(t);
}

jn_err session_login(store *s, const char *username, const char *password, char token[65],
		     char expires_at[32], account *acct, int *retry_after)
{
	*retry_after = 0;
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	e = store_account_by_username(t, username, acct);
	stx_rollback(t);
	if (e == JN_ENOTFOUND) {
		/* Same cost as a real check, so timing does not tell who exists. */
		char dummy[160];
		password_hash("x-not-an-account-x", dummy);
		return JN_EAUTH;
	}
	if (e)
		return e;
	char now[32];
	store_now(now);
	if (acct->locked_until[0] && strcmp(acct->locked_until, now) > 0) {
		struct tm tm = {0};
		int Y, M, D, h, m, sec;
		if (sscanf(acct->locked_until, "%d-%d-%dT%d:%d:%d", &Y, &M, &D, &h, &m, &sec) == 6) {
			tm.tm_year = Y - 1900, tm.tm_mon = M - 1, tm.tm_mday = D, tm.tm_hour = h, tm.tm_min = m,
			tm.tm_sec = sec;
			long left = (long)(timegm(&tm) - time(NULL));
			*retry_after = left > 0 ? (int)left : 1;
		} else {
			*retry_after = 1;
		}
		return JN_ETOOMANY;
	}
	int ok = crypto_pwhash_str_verify(acct->pw_hash, password, strlen(password)) == 0;
	if (ok && acct->disabled)
		return JN_EFORBIDDEN; /* told only to whoever knows the password */
	if ((e = stx_begin(s, 1, &t)) != JN_OK)
		return e;
	scope sc;
	scope_from_account(acct, &sc);
	char subj[64];
	snprintf(subj, sizeof subj, "account:%lld", (long long)acct->id);
	if (!ok) {
		/* Counted in the database, so parallel guesses all count. */
		int failed = 0;
		e = store_account_fail(t, acct->id, &failed);
		if (!e && failed >= FREE_ATTEMPTS) {
			char until[32];
			int shift = failed - FREE_ATTEMPTS;
			long wait = shift >= 10 ? MAX_WAIT_S : (2L << shift);
			if (wait > MAX_WAIT_S)
				wait = MAX_WAIT_S;
			iso_after(wait, until);
			*retry_after = (int)wait;
			e = store_account_set_failed(t, acct->id, failed, until);
		}
		if (!e)
			e = store_audit(t, &sc, "session.fail", subj, NULL, NULL);
		if (e)
			stx_rollback(t);
		else
			e = stx_commit(t);
		return e ? e : JN_EAUTH;
	}
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, 65, raw, sizeof raw);
	char digest[65];
	token_digest(token, digest);
	iso_after(SESSION_HOURS * 3600L, expires_at);
	e = store_session_insert(t, digest, acct->id, now, expires_at);
	if (!e && acct->failed)
		e = store_account_set_failed(t, acct->id, 0, "");
	if (!e)
		e = store_audit(t, &sc, "session.create", subj, NULL, NULL);
	if (e) {
		stx_rollback(t);
		return e;
	}
	return stx_commit(t);
}

jn_err session_scope(store *s, const char *token, scope *out)
{
	if (!token || strlen(token) != 64)
		return JN_EAUTH;
	char digest[65], now[32];
	token_digest(token, digest);
	if (session_cache_get(digest, out))
		return JN_OK;
	store_now(now);
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	account a;
	e = store_session_account(t, digest, now, &a);
	stx_rollback(t);
	if (e)
		return e;
	scope_from_account(&a, out);
	session_cache_put(digest, out);
	return JN_OK;
}

jn_err session_logout(store *s, const scope *sc, const char *token)
{
	char digest[65];
	token_digest(token, digest);
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	session_cache_forget(digest);
	e = store_session_revoke(t, digest);
	if (!e && sc) {
		char subj[64];
		snprintf(subj, sizeof subj, "account:%lld", (long long)sc->account_id);
		e = store_audit(t, sc, "session.delete", subj, NULL, NULL);
	}
	if (e) {
		stx_rollback(t);
		return e;
	}
	return stx_commit(t);
}

jn_err session_info(store *s, const char *token, account *acct, char expires_at[32])
{
	if (!token || strlen(token) != 64)
		return JN_EAUTH;
	char digest[65], now[32];
	token_digest(token, digest);
	store_now(now);
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	e = store_session_account(t, digest, now, acct);
	if (!e)
		e = store_session_expires(t, digest, expires_at);
	stx_rollback(t);
	return e == JN_ENOTFOUND ? JN_EAUTH : e;
}

json_t *session_json(const account *a, const char *expires_at)
{
	const region_entry *r = a->region[0] ? region_find(a->region) : NULL;
	json_t *j = json_object();
	json_object_set_new(j, "username", json_string(a->username));
	json_object_set_new(j, "role", json_string(role_name(a->role)));
	json_object_set_new(j, "role_name", json_string(role_name_zh(a->role)));
	json_object_set_new(j, "region", json_string(a->region));
	json_object_set_new(j, "region_name", json_string(r ? r->name : ""));
	json_object_set_new(j, "org_id", a->org_id ? json_integer(a->org_id) : json_null());
	json_object_set_new(j, "person_id", a->person_id ? json_integer(a->person_id) : json_null());
	json_object_set_new(j, "expires_at", json_string(expires_at));
	return j;
}
