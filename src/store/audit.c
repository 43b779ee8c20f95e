/* audit.c — the append-only, hash-chained audit log.
 *
 * Appenders are serialised (lock_chain) so each entry links to the one
 * before it; audit_head keeps the last seq and hash so that removing the
 * newest entries is noticed too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/chain.h"
#include "store/store_internal.h"

static void actor_of(const scope *sc, char *out, size_t cap)
{
	if (sc->system || !sc->account_id)
		snprintf(out, cap, "system");
	else
		snprintf(out, cap, "%s", sc->username);
}

/* Reads the chain's head once per transaction, taking the chain lock. */
static jn_err chain_load(stx *t)
{
	const db_driver *d = DRV(t);
	db_rc rc;
	if (t->chain_loaded)
		return JN_OK;
	if ((rc = d->lock_chain(t->c)) != DB_OK)
		return store_db_err(rc);
	db_rows *r;
	if ((rc = d->query(t->c, "SELECT seq, hash FROM audit_head WHERE id = 1", NULL, 0, &r)) != DB_OK)
		return store_db_err(rc);
	t->chain_exists = d->rows_next(r) == 1;
	t->chain_seq = 0;
	memcpy(t->chain_hash, CHAIN_GENESIS, sizeof t->chain_hash);
	if (t->chain_exists) {
		t->chain_seq = d->rows_int(r, 0);
		rows_copy(d, r, 1, t->chain_hash, sizeof t->chain_hash);
	}
	d->rows_free(r);
	t->chain_loaded = 1;
	return JN_OK;
}

#define AUDIT_INSERT "INSERT INTO audit (seq, at, actor, action, subject, before_json, after_json, prev_hash, hash) VALUES "
enum { AUDIT_PER = 9, AUDIT_BATCH = 200 };

jn_err store_audit_many(stx *t, const scope *sc, const char *action, int n, const char *const *subjects,
			const char *const *befores, const char *const *afters)
{
	jn_err e = chain_load(t);
	if (e)
		return e;
	const db_driver *d = DRV(t);
	char at[32], actor[96];
	store_now(at);
	actor_of(sc, actor, sizeof actor);
	size_t cap = sizeof AUDIT_INSERT + (size_t)AUDIT_BATCH * 64;
	char *sql = malloc(cap);
	db_param *p = malloc(sizeof *p * (AUDIT_BATCH * AUDIT_PER));
	char(*hashes)[2][65] = malloc(sizeof *hashes * AUDIT_BATCH);
	e = sql && p && hashes ? JN_OK : JN_ENOMEM;
	for (int base = 0; !e && base < n; base += AUDIT_BATCH) {
		int m = n - base < AUDIT_BATCH ? n - base : AUDIT_BATCH;
		size_t o = (size_t)snprintf(sql, cap, "%s", AUDIT_INSERT);
		int64_t seq = t->chain_seq;
		char prev[65];
		memcpy(prev, t->chain_hash, sizeof prev);
		for (int k = 0; k < m; k++) {
			const char *b = befores ? befores[base + k] : NULL, *a = afters ? afters[base + k] : NULL;
			chain_fields f = {++seq, at, actor, action, subjects[base + k], b, a};
			memcpy(hashes[k][0], prev, 65);
			chain_hash(prev, &f, hashes[k][1]);
			memcpy(prev, hashes[k][1], 65);
			int q = k * AUDIT_PER;
			o += (size_t)snprintf(sql + o, cap - o, "%s($%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d)", k ? "," : "",
					      q + 1, q + 2, q + 3, q + 4, q + 5, q + 6, q + 7, q + 8, q + 9);
			db_param *x = p + q;
			x[0] = P_INT(seq), x[1] = P_TEXT(at), x[2] = P_TEXT(actor), x[3] = P_TEXT(action);
			x[4] = P_TEXT(subjects[base + k]), x[5] = P_TEXT(b), x[6] = P_TEXT(a);
			x[7] = P_TEXT(hashes[k][0]), x[8] = P_TEXT(hashes[k][1]);
		}
		db_rc rc = d->exec(t->c, sql, p, m * AUDIT_PER, NULL);
		if (rc != DB_OK) {
			e = store_db_err(rc);
			break;
		}
		t->chain_seq = seq;
		memcpy(t->chain_hash, prev, sizeof t->chain_hash);
		t->chain_dirty = 1;
	}
	free(sql);
	free(p);
	free(hashes);
	return e;
}

jn_err store_audit(stx *t, const scope *sc, const char *action, const char *subject, const char *before,
		   const char *after)
{
	return store_audit_many(t, sc, action, 1, &subject, &before, &after);
}

jn_err audit_flush_head(stx *t)
{
	if (!t->chain_dirty)
		return JN_OK;
	db_param h[] = {P_INT(t->chain_seq), P_TEXT(t->chain_hash)};
	db_rc rc = DRV(t)->exec(t->c,
				t->chain_exists ? "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1"
						: "INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)",
				h, 2, NULL);
	t->chain_dirty = 0;
	return store_db_err(rc);
}

static void read_entry(const db_driver *d, db_rows *r, audit_entry *e)
{
	memset(e, 0, sizeof *e);
	e->seq = d->rows_int(r, 0);
	rows_copy(d, r, 1, e->at, sizeof e->at);
	rows_copy(d, r, 2, e->actor, sizeof e->actor);
	rows_copy(d, r, 3, e->action, sizeof e->action);
	rows_copy(d, r, 4, e->subject, sizeof e->subject);
	e->before = d->rows_is_null(r, 5) ? NULL : d->rows_text(r, 5);
	e->after = d->rows_is_null(r, 6) ? NULL : d->rows_text(r, 6);
	rows_copy(d, r, 7, e->prev_hash, sizeof e->prev_hash);
	rows_copy(d, r, 8, e->hash, sizeof e->hash);
}

#define AUDIT_COLS "seq, at, actor, action, subject, before_json, after_json, prev_hash, hash"

STORE_ROW_ADAPTER(audit_row, audit_cb, audit_entry, audit_fn, read_entry)

static void audit_where(sqlb *b, const audit_filter *f)
{
	if (f->actor[0])
		sqlb_and(b, "actor = ?", 1, P_TEXT(f->actor));
	if (f->subject[0])
		sqlb_and(b, "subject = ?", 1, P_TEXT(f->subject));
	if (f->from[0])
		sqlb_and(b, "at >= ?", 1, P_TEXT(f->from));
	if (f->to[0]) {
		/* A bare date includes the whole day. */
		char to[40];
		snprintf(to, sizeof to, "%s%s", f->to, strlen(f->to) == 10 ? "T99" : "");
		sqlb_and(b, "at <= ?", 1, P_TEXT(to));
	}
	if (f->action_prefix[0]) {
		char hi[56];
		snprintf(hi, sizeof hi, "%s", f->action_prefix);
		size_t n = strlen(hi);
		hi[n - 1] = (char)(hi[n - 1] + 1);
		sqlb_and(b, "action >= ? AND action < ?", 2, P_TEXT(f->action_prefix), P_TEXT(hi));
	}
}

jn_err store_audit_list(stx *t, const audit_filter *f, audit_fn fn, void *ctx)
{
	int per = f->per_page > 0 && f->per_page <= 500 ? f->per_page : 50;
	int page = f->page > 0 ? f->page : 1;
	sqlb b;
	sqlb_init(&b, f->all ? "/*stream*/ SELECT " AUDIT_COLS " FROM audit" : "SELECT " AUDIT_COLS " FROM audit");
	audit_where(&b, f);
	if (f->all)
		sqlb_raw(&b, " ORDER BY seq DESC");
	else
		sqlb_fmt(&b, " ORDER BY seq DESC LIMIT ? OFFSET ?", 2, P_INT(per), P_INT((int64_t)(page - 1) * per));
	audit_cb cb = {fn, ctx};
	return sqlb_each(t, &b, audit_row, &cb);
}

jn_err store_audit_count(stx *t, const audit_filter *f, int64_t cap, int64_t *total, int *capped)
{
	sqlb b;
	sqlb_init(&b, "SELECT COUNT(*) FROM (SELECT 1 FROM audit");
	audit_where(&b, f);
	sqlb_fmt(&b, " LIMIT ?) AS m", 1, P_INT(cap + 1));
	if (b.overflow)
		return JN_EINVAL;
	const db_driver *d = DRV(t);
	db_rows *r;
	db_rc rc = d->query(t->c, b.sql, b.p, b.n, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	*total = d->rows_next(r) == 1 ? d->rows_int(r, 0) : 0;
	d->rows_free(r);
	*capped = *total > cap;
	if (*capped)
		*total = cap;
	return JN_OK;
}

jn_err store_audit_verify(stx *t, int64_t *checked, int64_t *bad_seq, char *why, size_t whycap)
{
	const db_driver *d = DRV(t);
	db_rows *r;
	*checked = 0;
	*bad_seq = 0;
	why[0] = '\0';
	/* The head first: on a live system entries appended after this moment
	 * are not looked at, so a verify never mistakes a fresh commit for a
	 * removed tail. */
	int64_t head_seq = 0;
	char head_hash[65] = "";
	int have_head = 0;
	db_rc rc = d->query(t->c, "SELECT seq, hash FROM audit_head WHERE id = 1", NULL, 0, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	if (d->rows_next(r) == 1) {
		have_head = 1;
		head_seq = d->rows_int(r, 0);
		rows_copy(d, r, 1, head_hash, sizeof head_hash);
	}
	d->rows_free(r);
	db_param lim[] = {P_INT(have_head ? head_seq : INT64_MAX)};
	rc = d->query(t->c, "/*stream*/ SELECT " AUDIT_COLS " FROM audit WHERE seq <= $1 ORDER BY seq", lim, 1, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	char prev[65] = CHAIN_GENESIS, h[65];
	int64_t expect = 1;
	int st;
	audit_entry e;
	while ((st = d->rows_next(r)) == 1) {
		read_entry(d, r, &e);
		chain_fields f = {e.seq, e.at, e.actor, e.action, e.subject, e.before, e.after};
		if (e.seq != expect) {
			*bad_seq = expect;
			snprintf(why, whycap, "第%lld条记录缺失（下一条是第%lld条）", (long long)expect, (long long)e.seq);
			break;
		}
		if (strcmp(e.prev_hash, prev) != 0) {
			*bad_seq = e.seq;
			snprintf(why, whycap, "第%lld条记录的前序哈希与上一条不符（上一条被改动或删除）", (long long)e.seq);
			break;
		}
		chain_hash(prev, &f, h);
		if (strcmp(h, e.hash) != 0) {
			*bad_seq = e.seq;
			snprintf(why, whycap, "第%lld条记录的内容与其哈希不符（记录被改动）", (long long)e.seq);
			break;
		}
		memcpy(prev, e.hash, sizeof prev);
		expect++;
		(*checked)++;
	}
	d->rows_free(r);
	if (st < 0)
		return JN_EDB;
	if (*bad_seq)
		return JN_OK;
	/* The newest entries removed: the head still remembers them. */
	if (have_head && (head_seq != expect - 1 || strcmp(head_hash, prev) != 0)) {
		*bad_seq = head_seq >= expect ? expect : head_seq;
		snprintf(why, whycap, "日志末尾与记录的链头（第%lld条）不符：末尾记录被删除或改动", (long long)head_seq);
	} else if (!have_head && expect > 1) {
		*bad_seq = 1;
		snprintf(why, whycap, "链头记录缺失");
	}
	return JN_OK;
}
