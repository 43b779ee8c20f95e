/* account.c — accounts (who may sign in, with which role and scope) and
 * sessions (bearer tokens, stored only as their SHA-256). */
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"

#define ACCOUNT_COLS "id, username, pw_hash, role, region, org_id, person_id, failed, locked_until, disabled, created_at"

static void read_account(const db_driver *d, db_rows *r, account *a)
{
	memset(a, 0, sizeof *a);
	a->id = d->rows_int(r, 0);
	rows_copy(d, r, 1, a->username, sizeof a->username);
	rows_copy(d, r, 2, a->pw_hash, sizeof a->pw_hash);
	a->role = role_parse(d->rows_text(r, 3));
	rows_copy(d, r, 4, a->region, sizeof a->region);
	a->org_id = d->rows_is_null(r, 5) ? 0 : d->rows_int(r, 5);
	a->person_id = d->rows_is_null(r, 6) ? 0 : d->rows_int(r, 6);
	a->failed = (int)d->rows_int(r, 7);
	rows_copy(d, r, 8, a->locked_until, sizeof a->locked_until);
	a->disabled = (int)d->rows_int(r, 9);
	rows_copy(d, r, 10, a->created_at, sizeof a->created_at);
}

static jn_err one_account(stx *t, const char *sql, db_param p, account *out)
{
	const db_driver *d = DRV(t);
	db_rows *r;
	db_rc rc = d->query(t->c, sql, &p, 1, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	int st = d->rows_next(r);
	if (st == 1)
		read_account(d, r, out);
	d->rows_free(r);
	return st == 1 ? JN_OK : st == 0 ? JN_ENOTFOUND : JN_EDB;
}

jn_err store_account_insert(stx *t, account *a)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_TEXT(a->username), P_TEXT(a->pw_hash), P_TEXT(role_name(a->role)), P_TEXT(a->region),
			a->org_id ? P_INT(a->org_id) : P_NULL, a->person_id ? P_INT(a->person_id) : P_NULL,
			P_TEXT(now)};
	jn_err e = store_insert_id(t,
				   "INSERT INTO accounts (username, pw_hash, role, region, org_id, person_id, created_at)"
				   " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
				   p, 7, &a->id);
	if (!e)
		snprintf(a->created_at, sizeof a->created_at, "%s", now);
	return e;
}

jn_err store_account_by_username(stx *t, const char *username, account *out)
{
	return one_account(t, "SELECT " ACCOUNT_COLS " FROM accounts WHERE username = $1", P_TEXT(username), out);
}

jn_err store_account_get(stx *t, int64_t id, account *out)
{
	return one_account(t, "SELECT " ACCOUNT_COLS " FROM accounts WHERE id = $1", P_INT(id), out);
}

jn_err store_account_set_failed(stx *t, int64_t id, int failed, const char *locked_until)
{
	db_param p[] = {P_INT(failed), P_TEXT(locked_until ? locked_until : ""), P_INT(id)};
	return store_db_err(
		DRV(t)->exec(t->c, "UPDATE accounts SET failed = $1, locked_until = $2 WHERE id = $3", p, 3, NULL));
}

jn_err store_account_fail(stx *t, int64_t id, int *failed)
{
	const db_driver *d = DRV(t);
	db_param p[] = {P_INT(id)};
	db_rows *r;
	db_rc rc = d->query(t->c, "UPDATE accounts SET failed = failed + 1 WHERE id = $1 RETURNING failed", p, 1, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	int st = d->rows_next(r);
	if (st == 1)
		*failed = (int)d->rows_int(r, 0);
	d->rows_free(r);
	return st == 1 ? JN_OK : JN_EDB;
}

jn_err store_session_insert(stx *t, const char *token_hash, int64_t account_id, const char *now,
			    const char *expires_at)
{
	db_param p[] = {P_TEXT(token_hash), P_INT(account_id), P_TEXT(now), P_TEXT(expires_at)};
	return store_db_err(DRV(t)->exec(
		t->c, "INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
		p, 4, NULL));
}

jn_err store_session_account(stx *t, const char *token_hash, const char *now, account *out)
{
	const db_driver *d = DRV(t);
	db_param p[] = {P_TEXT(token_hash), P_TEXT(now)};
	db_rows *r;
	db_rc rc = d->query(t->c,
			    "SELECT a.id, a.username, a.pw_hash, a.role, a.region, a.org_id, a.person_id, a.failed,"
			    " a.locked_until, a.disabled, a.created_at FROM sessions s JOIN accounts a ON a.id = s.account_id"
			    " WHERE s.token_hash = $1 AND s.revoked = 0 AND s.expires_at > $2 AND a.disabled = 0",
			    p, 2, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	int st = d->rows_next(r);
	if (st == 1)
		read_account(d, r, out);
	d->rows_free(r);
	return st == 1 ? JN_OK : st == 0 ? JN_EAUTH : JN_EDB;
}

jn_err store_session_revoke(stx *t, const char *token_hash)
{
	db_param p[] = {P_TEXT(token_hash)};
	int64_t n = 0;
	db_rc rc = DRV(t)->exec(t->c, "UPDATE sessions SET revoked = 1 WHERE token_hash = $1", p, 1, &n);
	if (rc != DB_OK)
		return store_db_err(rc);
	return n ? JN_OK : JN_EAUTH;
}

jn_err store_session_expires(stx *t, const char *token_hash, char out[32])
{
	const db_driver *d = DRV(t);
	db_param p[] = {P_TEXT(token_hash)};
	db_rows *r;
	out[0] = '\0';
	db_rc rc = d->query(t->c, "SELECT expires_at FROM sessions WHERE token_hash = $1 AND revoked = 0", p, 1, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	int st = d->rows_next(r);
	if (st == 1)
		rows_copy(d, r, 0, out, 32);
	d->rows_free(r);
	return st == 1 ? JN_OK : st == 0 ? JN_ENOTFOUND : JN_EDB;
}

/* ---- accounts as administrators see them ---- */

/* The scope's limit on accounts: an administrator with a region reaches
 * the accounts registered under it, one without reaches all. */
static void scope_accounts(sqlb *b, const scope *sc)
{
	if (sc->system)
		return;
	if (sc->role != ROLE_ADMIN)
		sqlb_and(b, "1 = 0", 0);
	else if (sc->region[0]) {
		char lo[8], hi[8];
		region_range(sc->region, lo, hi);
		sqlb_and(b, "region >= ? AND region < ?", 2, P_TEXT(lo), P_TEXT(hi));
	}
}

int store_scope_allows_account_region(const scope *sc, const char *region)
{
	if (sc->system || (sc->role == ROLE_ADMIN && !sc->region[0]))
		return 1;
	if (sc->role != ROLE_ADMIN || !region[0])
		return 0;
	char lo[8], hi[8];
	region_range(sc->region, lo, hi);
	return strcmp(region, lo) >= 0 && strcmp(region, hi) < 0;
}

static void account_where(sqlb *b, const scope *sc, const account_filter *f)
{
	scope_accounts(b, sc);
	if (f->role)
		sqlb_and(b, "role = ?", 1, P_TEXT(role_name(f->role)));
	if (f->region[0]) {
		char lo[8], hi[8];
		region_range(f->region, lo, hi);
		sqlb_and(b, "region >= ? AND region < ?", 2, P_TEXT(lo), P_TEXT(hi));
	}
	if (f->q[0]) {
		char like[2 * sizeof f->q + 3];
		size_t o = 0;
		like[o++] = '%';
		for (const char *c = f->q; *c; c++) {
			if (*c == '%' || *c == '_' || *c == '\\')
				like[o++] = '\\';
			like[o++] = *c;
		}
		like[o++] = '%';
		like[o] = '\0';
		sqlb_and(b, "lower(username) LIKE lower(?) ESCAPE '\\'", 1, P_TEXT(like));
	}
}

STORE_ROW_ADAPTER(account_row, account_cb, account, account_fn, read_account)

jn_err store_account_list(stx *t, const scope *sc, const account_filter *f, account_fn fn, void *ctx,
			  int64_t *total)
{
	int per = f->per_page > 0 && f->per_page <= 200 ? f->per_page : 20;
	int page = f->page > 0 ? f->page : 1;
	sqlb b;
	sqlb_init(&b, "SELECT " ACCOUNT_COLS " FROM accounts");
	account_where(&b, sc, f);
	if (f->all)
		sqlb_raw(&b, " ORDER BY id");
	else
		sqlb_fmt(&b, " ORDER BY id LIMIT ? OFFSET ?", 2, P_INT(per), P_INT((int64_t)(page - 1) * per));
	account_cb cb = {fn, ctx};
	jn_err e = sqlb_each(t, &b, account_row, &cb);
	if (e || !total || f->all)
		return e;
	sqlb_init(&b, "SELECT COUNT(*) FROM accounts");
	account_where(&b, sc, f);
	if (b.overflow)
		return JN_EINVAL;
	const db_driver *d = DRV(t);
	db_rows *r;
	db_rc rc = d->query(t->c, b.sql, b.p, b.n, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	*total = d->rows_next(r) == 1 ? d->rows_int(r, 0) : 0;
	d->rows_free(r);
	return JN_OK;
}

jn_err store_account_get_scoped(stx *t, const scope *sc, int64_t id, account *out)
{
	sqlb b;
	sqlb_init(&b, "SELECT " ACCOUNT_COLS " FROM accounts");
	sqlb_and(&b, "id = ?", 1, P_INT(id));
	scope_accounts(&b, sc);
	return sqlb_one(t, &b, account_row_into, out);
}

jn_err store_account_update(stx *t, const scope *sc, int64_t id, int disabled, const char *pw_hash)
{
	account cur;
	jn_err e = store_account_get_scoped(t, sc, id, &cur);
	if (e)
		return e;
	db_rc rc;
	if (pw_hash) {
		db_param p[] = {P_INT(disabled ? 1 : 0), P_TEXT(pw_hash), P_INT(id)};
		rc = DRV(t)->exec(t->c,
				  "UPDATE accounts SET disabled = $1, pw_hash = $2, failed = 0, locked_until = ''"
				  " WHERE id = $3",
				  p, 3, NULL);
	} else {
		db_param p[] = {P_INT(disabled ? 1 : 0), P_INT(id)};
		rc = DRV(t)->exec(t->c, "UPDATE accounts SET disabled = $1 WHERE id = $2", p, 2, NULL);
	}
	return store_db_err(rc);
}

jn_err store_account_end_sessions(stx *t, int64_t account_id, const char *except_hash)
{
	db_param p[] = {P_INT(account_id), P_TEXT(except_hash ? except_hash : "")};
	return store_db_err(DRV(t)->exec(t->c,
					 "UPDATE sessions SET revoked = 1 WHERE account_id = $1 AND revoked = 0"
					 " AND token_hash <> $2",
					 p, 2, NULL));
}
