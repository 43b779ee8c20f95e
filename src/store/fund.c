/* fund.c — funds per programme and region, and the append-only ledger
 * (the database refuses UPDATE and DELETE on it).  A payment is drawn with
 * one conditional UPDATE, so two concurrent payments can never take the
 * balance below zero; the CHECK (paid_fen <= budget_fen) is the backstop. */
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"
#include "store/store_money.h"

#define FUND_SELECT                                                                                              \
	"SELECT f.id, COALESCE(f.programme_id, 0), f.region, f.name, f.budget_fen, f.paid_fen, f.created_by,"   \
	" f.created_at, f.updated_at, COALESCE(g.name, '') FROM funds f LEFT JOIN programmes g ON g.id = f.programme_id"

static void read_fund(const db_driver *d, db_rows *r, fund *f)
{
	memset(f, 0, sizeof *f);
	f->id = d->rows_int(r, 0);
	f->programme_id = d->rows_int(r, 1);
	rows_copy(d, r, 2, f->region, sizeof f->region);
	rows_copy(d, r, 3, f->name, sizeof f->name);
	f->budget_fen = d->rows_int(r, 4);
	f->paid_fen = d->rows_int(r, 5);
	rows_copy(d, r, 6, f->created_by, sizeof f->created_by);
	rows_copy(d, r, 7, f->created_at, sizeof f->created_at);
	rows_copy(d, r, 8, f->updated_at, sizeof f->updated_at);
	rows_copy(d, r, 9, f->programme_name, sizeof f->programme_name);
}
STORE_ROW_ADAPTER(fund_row, fund_cb, fund, fund_fn, read_fund)

jn_err store_fund_insert(stx *t, fund *f)
{
	char now[32];
	store_now(now);
	/* UNIQUE (programme_id, region) does not hold for NULL programmes:
	 * say so here for both engines. */
	if (!f->programme_id) {
		sqlb q;
		sqlb_init(&q, "SELECT id FROM funds");
		sqlb_and(&q, "programme_id IS NULL AND region = ?", 1, P_TEXT(f->region));
		const db_driver *d = DRV(t);
		db_rows *r;
		db_rc rc = d->query(t->c, q.sql, q.p, q.n, &r);
		if (rc != DB_OK)
			return store_db_err(rc);
		int found = d->rows_next(r) == 1;
		d->rows_free(r);
		if (found)
			return JN_ECONFLICT;
	}
	db_param p[] = {f->programme_id ? P_INT(f->programme_id) : P_NULL, P_TEXT(f->region), P_TEXT(f->name),
			P_TEXT(f->created_by), P_TEXT(now)};
	jn_err e = store_insert_id(t,
				   "INSERT INTO funds (programme_id, region, name, budget_fen, paid_fen, created_by,"
				   " created_at, updated_at) VALUES ($1, $2, $3, 0, 0, $4, $5, $5) RETURNING id",
				   p, 5, &f->id);
	if (!e) {
		snprintf(f->created_at, sizeof f->created_at, "%s", now);
		snprintf(f->updated_at, sizeof f->updated_at, "%s", now);
	}
	return e;
}

jn_err store_fund_get(stx *t, const scope *sc, int64_t id, fund *out)
{
	sqlb q;
	sqlb_init(&q, FUND_SELECT);
	sqlb_and(&q, "f.id = ?", 1, P_INT(id));
	scope_money(&q, sc, "f.region", NULL, NULL);
	return sqlb_one(t, &q, fund_row_into, out);
}

jn_err store_fund_list(stx *t, const scope *sc, int64_t programme_id, const char *region, fund_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, FUND_SELECT);
	scope_money(&q, sc, "f.region", NULL, NULL);
	if (programme_id)
		sqlb_and(&q, "f.programme_id = ?", 1, P_INT(programme_id));
	if (region && region[0])
		sqlb_region_col(&q, "f.region", region);
	sqlb_raw(&q, " ORDER BY f.id LIMIT 1000");
	fund_cb cb = {fn, ctx};
	return sqlb_each(t, &q, fund_row, &cb);
}

jn_err store_fund_for(stx *t, int64_t programme_id, const char *region, fund *out)
{
	char county[7], city[7], province[7];
	snprintf(county, sizeof county, "%s", region);
	snprintf(city, sizeof city, "%.4s00", region);
	snprintf(province, sizeof province, "%.2s0000", region);
	sqlb q;
	sqlb_init(&q, FUND_SELECT);
	if (programme_id)
		sqlb_and(&q, "f.programme_id = ?", 1, P_INT(programme_id));
	else
		sqlb_and(&q, "f.programme_id IS NULL", 0);
	sqlb_and(&q, "f.region IN (?, ?, ?)", 3, P_TEXT(county), P_TEXT(city), P_TEXT(province));
	sqlb_fmt(&q, " ORDER BY CASE WHEN f.region = ? THEN 0 WHEN f.region = ? THEN 1 ELSE 2 END LIMIT 1", 2,
		 P_TEXT(county), P_TEXT(city));
	return sqlb_one(t, &q, fund_row_into, out);
}

static jn_err fund_update(stx *t, const char *sql, int64_t id, int64_t amount)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_INT(amount), P_TEXT(now), P_INT(id)};
	int64_t changes = 0;
	db_rc rc = DRV(t)->exec(t->c, sql, p, 3, &changes);
	if (rc == DB_CONSTRAINT)
		return JN_ECONFLICT;
	if (rc != DB_OK)
		return store_db_err(rc);
	return changes == 1 ? JN_OK : JN_ECONFLICT;
}

jn_err store_fund_add_budget(stx *t, int64_t id, int64_t amount)
{
	return fund_update(t, "UPDATE funds SET budget_fen = budget_fen + $1, updated_at = $2 WHERE id = $3", id, amount);
}

jn_err store_fund_draw(stx *t, int64_t id, int64_t amount)
{
	return fund_update(t,
			   "UPDATE funds SET paid_fen = paid_fen + $1, updated_at = $2"
			   " WHERE id = $3 AND budget_fen - paid_fen >= $1",
			   id, amount);
}

jn_err store_fund_undraw(stx *t, int64_t id, int64_t amount)
{
	return fund_update(t,
			   "UPDATE funds SET paid_fen = paid_fen - $1, updated_at = $2 WHERE id = $3 AND paid_fen >= $1",
			   id, amount);
}

jn_err store_ledger_add(stx *t, ledger_row *x)
{
	if (!x->at[0])
		store_now(x->at);
	db_param p[] = {P_INT(x->fund_id),   P_TEXT(x->at),	P_TEXT(x->kind),     P_INT(x->amount_fen),
			P_TEXT(x->ref_kind), x->ref_id ? P_INT(x->ref_id) : P_NULL, P_TEXT(x->rule_ref),
			P_TEXT(x->note),     P_TEXT(x->recorded_by)};
	return store_insert_id(t,
			       "INSERT INTO ledger (fund_id, at, kind, amount_fen, ref_kind, ref_id, rule_ref, note,"
			       " recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
			       p, 9, &x->id);
}

static void read_ledger(const db_driver *d, db_rows *r, ledger_row *x)
{
	memset(x, 0, sizeof *x);
	x->id = d->rows_int(r, 0);
	x->fund_id = d->rows_int(r, 1);
	rows_copy(d, r, 2, x->at, sizeof x->at);
	rows_copy(d, r, 3, x->kind, sizeof x->kind);
	x->amount_fen = d->rows_int(r, 4);
	rows_copy(d, r, 5, x->ref_kind, sizeof x->ref_kind);
	x->ref_id = d->rows_int(r, 6);
	rows_copy(d, r, 7, x->rule_ref, sizeof x->rule_ref);
	rows_copy(d, r, 8, x->note, sizeof x->note);
	rows_copy(d, r, 9, x->recorded_by, sizeof x->recorded_by);
}
STORE_ROW_ADAPTER(ledger_row_cb, ledger_cb, ledger_row, ledger_fn, read_ledger)

static void ledger_where(sqlb *q, int64_t fund_id, const char *ref_kind, int64_t ref_id)
{
	if (fund_id)
		sqlb_and(q, "fund_id = ?", 1, P_INT(fund_id));
	if (ref_kind && ref_kind[0])
		sqlb_and(q, "ref_kind = ?", 1, P_TEXT(ref_kind));
	if (ref_id)
		sqlb_and(q, "ref_id = ?", 1, P_INT(ref_id));
}

jn_err store_ledger_list(stx *t, int64_t fund_id, const char *ref_kind, int64_t ref_id, int page, int per_page,
			 ledger_fn fn, void *ctx, int64_t *total)
{
	int per = per_page > 0 && per_page <= 200 ? per_page : 20;
	page = page > 0 ? page : 1;
	sqlb q;
	sqlb_init(&q, "SELECT id, fund_id, at, kind, amount_fen, ref_kind, COALESCE(ref_id, 0), rule_ref, note,"
		      " recorded_by FROM ledger");
	ledger_where(&q, fund_id, ref_kind, ref_id);
	sqlb_fmt(&q, " ORDER BY id DESC LIMIT ? OFFSET ?", 2, P_INT(per), P_INT((int64_t)(page - 1) * per));
	ledger_cb cb = {fn, ctx};
	jn_err e = sqlb_each(t, &q, ledger_row_cb, &cb);
	if (e || !total)
		return e;
	sqlb_init(&q, "SELECT COUNT(*) FROM ledger");
	ledger_where(&q, fund_id, ref_kind, ref_id);
	return sqlb_count(t, &q, total);
}
