/* voucher.c — electronic training vouchers (职业技能电子培训券): who an
 * issuance selects, the issuances and vouchers, their use and redemption,
 * and the counts by programme and county.  A voucher's stored state is
 * issued, used or redeemed; "expired" is an issued voucher past its
 * expiry, computed on read against the day the caller gives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "store/store_internal.h"
#include "store/store_money.h"

void scope_money(sqlb *q, const scope *sc, const char *region_col, const char *org_col, const char *person_col)
{
	if (sc->system)
		return;
	char cond[96];
	switch (sc->role) {
	case ROLE_ADMIN:
	case ROLE_COUNTY:
		if (sc->region[0])
			sqlb_region_col(q, region_col, sc->region);
		else if (sc->role == ROLE_COUNTY)
			sqlb_and(q, "1 = 0", 0);
		return;
	case ROLE_TRAINER:
		if (!org_col)
			break;
		snprintf(cond, sizeof cond, "%s = ?", org_col);
		sqlb_and(q, cond, 1, P_INT(sc->org_id));
		return;
	case ROLE_WORKER:
		if (!person_col)
			break;
		snprintf(cond, sizeof cond, "%s = ?", person_col);
		sqlb_and(q, cond, 1, P_INT(sc->person_id));
		return;
	default:
		break;
	}
	sqlb_and(q, "1 = 0", 0);
}

/* ---- selecting persons ---- */

static void rule_where(sqlb *q, const scope *sc, const voucher_rule *r)
{
	/* The persons table's own scope clause names bare columns. */
	scope_persons(q, sc);
	if (r->person_id > 0) {
		sqlb_and(q, "id = ?", 1, P_INT(r->person_id));
		return;
	}
	if (r->region[0])
		sqlb_region_col(q, "region", r->region);
	if (r->ntags) {
		sqlb_raw(q, q->nwhere++ ? " AND (" : " WHERE (");
		for (int i = 0; i < r->ntags; i++) {
			char pat[40];
			snprintf(pat, sizeof pat, "%%,%s,%%", r->tags[i]);
			if (i)
				sqlb_raw(q, r->tags_all ? " AND " : " OR ");
			sqlb_fmt(q, "(',' || tags || ',') LIKE ?", 1, P_TEXT(pat));
		}
		sqlb_raw(q, ")");
	}
	if (r->born_from[0])
		sqlb_and(q, "birth_date >= ?", 1, P_TEXT(r->born_from));
	if (r->born_to[0])
		sqlb_and(q, "birth_date <= ?", 1, P_TEXT(r->born_to));
	if (r->level_max >= 0)
		sqlb_and(q, "level <= ?", 1, P_INT(r->level_max));
}

jn_err store_voucher_select_count(stx *t, const scope *sc, const voucher_rule *r, int64_t *count)
{
	sqlb q;
	sqlb_init(&q, "SELECT COUNT(*) FROM persons");
	rule_where(&q, sc, r);
	if (q.overflow)
		return JN_EINVAL;
	const db_driver *d = DRV(t);
	db_rows *rows;
	db_rc rc = d->query(t->c, q.sql, q.p, q.n, &rows);
	if (rc != DB_OK)
		return store_db_err(rc);
	*count = d->rows_next(rows) == 1 ? d->rows_int(rows, 0) : 0;
	d->rows_free(rows);
	return JN_OK;
}

typedef struct ids_ctx {
	int64_t *v;
	int n, cap;
} ids_ctx;

static int take_id(void *ctx, const db_driver *d, db_rows *r)
{
	ids_ctx *c = ctx;
	int64_t id = d->rows_int(r, 0);
	return grow_push((void **)&c->v, &c->n, &c->cap, &id, sizeof id) ? 1 : 0;
}

jn_err store_voucher_select(stx *t, const scope *sc, const voucher_rule *r, int64_t **ids, int *n)
{
	sqlb q;
	sqlb_init(&q, "SELECT id FROM persons");
	rule_where(&q, sc, r);
	sqlb_raw(&q, " ORDER BY id");
	ids_ctx c = {0};
	jn_err e = sqlb_each(t, &q, take_id, &c);
	if (e) {
		free(c.v);
		return e;
	}
	*ids = c.v;
	*n = c.n;
	return JN_OK;
}

jn_err store_counter_take(stx *t, const char *prefix, int n, int64_t *first)
{
	db_param p[] = {P_TEXT(prefix), P_INT(n)};
	int64_t last = 0;
	jn_err e = store_insert_id(t,
				   "INSERT INTO cert_counters (prefix, last_serial) VALUES ($1, $2) ON CONFLICT (prefix)"
				   " DO UPDATE SET last_serial = cert_counters.last_serial + $2 RETURNING last_serial",
				   p, 2, &last);
	if (!e)
		*first = last - n + 1;
	return e;
}

jn_err store_voucher_issue_insert(stx *t, voucher_issue_row *x)
{
	if (!x->issued_at[0])
		store_now(x->issued_at);
	db_param p[] = {x->programme_id ? P_INT(x->programme_id) : P_NULL,
			P_TEXT(x->region),
			P_TEXT(x->rule),
			P_TEXT(x->occupations),
			P_INT(x->amount_fen),
			P_TEXT(x->expires_on),
			P_INT(x->count),
			P_TEXT(x->issued_by),
			P_TEXT(x->issued_at)};
	return store_insert_id(t,
			       "INSERT INTO voucher_issues (programme_id, region, rule, occupations, amount_fen, expires_on,"
			       " count, issued_by, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
			       p, 9, &x->id);
}

jn_err store_voucher_insert(stx *t, voucher *v)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_TEXT(v->number),
			P_INT(v->person_id),
			v->programme_id ? P_INT(v->programme_id) : P_NULL,
			v->issue_id ? P_INT(v->issue_id) : P_NULL,
			P_TEXT(v->occupations),
			P_INT(v->amount_fen),
			P_TEXT(v->issued_on),
			P_TEXT(v->expires_on),
			P_TEXT(v->issued_by),
			P_TEXT(now)};
	jn_err e = store_insert_id(t,
				   "INSERT INTO vouchers (number, person_id, programme_id, issue_id, region, occupations,"
				   " amount_fen, issued_on, expires_on, state, issued_by, created_at, updated_at)"
				   " SELECT $1, $2, $3, $4, p.region, $5, $6, $7, $8, 'issued', $9, $10, $10"
				   " FROM persons p WHERE p.id = $2 RETURNING id",
				   p, 10, &v->id);
	if (!e) {
		snprintf(v->state, sizeof v->state, "issued");
		snprintf(v->created_at, sizeof v->created_at, "%s", now);
		snprintf(v->updated_at, sizeof v->updated_at, "%s", now);
	}
	return e;
}

/* ---- reading ---- */

#define VOUCHER_SELECT                                                                                          \
	"SELECT v.id, v.number, v.person_id, COALESCE(v.programme_id, 0), COALESCE(v.issue_id, 0),"           \
	" COALESCE(v.enrolment_id, 0), v.region, v.occupations, v.amount_fen, v.issued_on, v.expires_on,"      \
	" v.state, v.used_on, v.redeemed_on, v.issued_by, v.created_at, v.updated_at, p.name, p.id_number,"    \
	" COALESCE(g.name, '') FROM vouchers v JOIN persons p ON p.id = v.person_id"                             \
	" LEFT JOIN programmes g ON g.id = v.programme_id"

static void read_voucher(const db_driver *d, db_rows *r, voucher *v)
{
	memset(v, 0, sizeof *v);
	v->id = d->rows_int(r, 0);
	rows_copy(d, r, 1, v->number, sizeof v->number);
	v->person_id = d->rows_int(r, 2);
	v->programme_id = d->rows_int(r, 3);
	v->issue_id = d->rows_int(r, 4);
	v->enrolment_id = d->rows_int(r, 5);
	rows_copy(d, r, 6, v->region, sizeof v->region);
	rows_copy(d, r, 7, v->occupations, sizeof v->occupations);
	v->amount_fen = d->rows_int(r, 8);
	rows_copy(d, r, 9, v->issued_on, sizeof v->issued_on);
	rows_copy(d, r, 10, v->expires_on, sizeof v->expires_on);
	rows_copy(d, r, 11, v->state, sizeof v->state);
	rows_copy(d, r, 12, v->used_on, sizeof v->used_on);
	rows_copy(d, r, 13, v->redeemed_on, sizeof v->redeemed_on);
	rows_copy(d, r, 14, v->issued_by, sizeof v->issued_by);
	rows_copy(d, r, 15, v->created_at, sizeof v->created_at);
	rows_copy(d, r, 16, v->updated_at, sizeof v->updated_at);
	rows_copy(d, r, 17, v->person_name, sizeof v->person_name);
	rows_copy(d, r, 18, v->id_number, sizeof v->id_number);
	rows_copy(d, r, 19, v->programme_name, sizeof v->programme_name);
}
STORE_ROW_ADAPTER(voucher_row, voucher_cb, voucher, voucher_fn, read_voucher)

static void voucher_where(sqlb *q, const scope *sc, const voucher_filter *f)
{
	scope_money(q, sc, "v.region", NULL, "v.person_id");
	if (f->person_id)
		sqlb_and(q, "v.person_id = ?", 1, P_INT(f->person_id));
	if (f->programme_id)
		sqlb_and(q, "v.programme_id = ?", 1, P_INT(f->programme_id));
	if (f->issue_id)
		sqlb_and(q, "v.issue_id = ?", 1, P_INT(f->issue_id));
	if (f->region[0])
		sqlb_region_col(q, "v.region", f->region);
	if (strcmp(f->state, "issued") == 0)
		sqlb_and(q, "v.state = 'issued' AND v.expires_on >= ?", 1, P_TEXT(f->today));
	else if (strcmp(f->state, "expired") == 0)
		sqlb_and(q, "v.state = 'issued' AND v.expires_on < ?", 1, P_TEXT(f->today));
	else if (f->state[0])
		sqlb_and(q, "v.state = ?", 1, P_TEXT(f->state));
}

jn_err store_voucher_list(stx *t, const scope *sc, const voucher_filter *f, voucher_fn fn, void *ctx,
			  int64_t *total)
{
	int per = f->per_page > 0 && f->per_page <= 200 ? f->per_page : 20;
	int page = f->page > 0 ? f->page : 1;
	sqlb q;
	sqlb_init(&q, VOUCHER_SELECT);
	voucher_where(&q, sc, f);
	sqlb_fmt(&q, " ORDER BY v.id DESC LIMIT ? OFFSET ?", 2, P_INT(per), P_INT((int64_t)(page - 1) * per));
	voucher_cb cb = {fn, ctx};
	jn_err e = sqlb_each(t, &q, voucher_row, &cb);
	if (e || !total)
		return e;
	sqlb_init(&q, "SELECT COUNT(*) FROM vouchers v");
	voucher_where(&q, sc, f);
	return sqlb_count(t, &q, total);
}

jn_err store_voucher_get(stx *t, const scope *sc, const char *number, voucher *out)
{
	sqlb q;
	sqlb_init(&q, VOUCHER_SELECT);
	sqlb_and(&q, "v.number = ?", 1, P_TEXT(number));
	scope_money(&q, sc, "v.region", NULL, "v.person_id");
	return sqlb_one(t, &q, voucher_row_into, out);
}

jn_err store_voucher_by_id(stx *t, int64_t id, voucher *out)
{
	sqlb q;
	sqlb_init(&q, VOUCHER_SELECT);
	sqlb_and(&q, "v.id = ?", 1, P_INT(id));
	return sqlb_one(t, &q, voucher_row_into, out);
}

jn_err store_voucher_move(stx *t, int64_t id, const char *from, const char *to, int64_t enrolment_id,
			  const char *day)
{
	char now[32];
	store_now(now);
	int used = strcmp(to, "used") == 0;
	db_param p[] = {P_TEXT(to), enrolment_id ? P_INT(enrolment_id) : P_NULL, P_TEXT(day), P_TEXT(now), P_INT(id),
			P_TEXT(from)};
	int64_t changes = 0;
	db_rc rc = DRV(t)->exec(t->c,
				used ? "UPDATE vouchers SET state = $1, enrolment_id = $2, used_on = $3, updated_at = $4"
				       " WHERE id = $5 AND state = $6"
				     : "UPDATE vouchers SET state = $1, enrolment_id = COALESCE($2, enrolment_id),"
				       " redeemed_on = $3, updated_at = $4 WHERE id = $5 AND state = $6",
				p, 6, &changes);
	if (rc != DB_OK)
		return store_db_err(rc);
	return changes == 1 ? JN_OK : JN_ECONFLICT;
}

jn_err store_voucher_release(stx *t, int64_t id)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_TEXT(now), P_INT(id)};
	int64_t changes = 0;
	db_rc rc = DRV(t)->exec(t->c,
				"UPDATE vouchers SET state = 'issued', enrolment_id = NULL, used_on = '', updated_at = $1"
				" WHERE id = $2 AND state = 'used'",
				p, 2, &changes);
	if (rc != DB_OK)
		return store_db_err(rc);
	return changes == 1 ? JN_OK : JN_ECONFLICT;
}

static void read_issue(const db_driver *d, db_rows *r, voucher_issue_row *x)
{
	memset(x, 0, sizeof *x);
	x->id = d->rows_int(r, 0);
	x->programme_id = d->rows_int(r, 1);
	rows_copy(d, r, 2, x->region, sizeof x->region);
	rows_copy(d, r, 3, x->rule, sizeof x->rule);
	rows_copy(d, r, 4, x->occupations, sizeof x->occupations);
	x->amount_fen = d->rows_int(r, 5);
	rows_copy(d, r, 6, x->expires_on, sizeof x->expires_on);
	x->count = (int)d->rows_int(r, 7);
	rows_copy(d, r, 8, x->issued_by, sizeof x->issued_by);
	rows_copy(d, r, 9, x->issued_at, sizeof x->issued_at);
}
STORE_ROW_ADAPTER(issue_row, issue_cb, voucher_issue_row, voucher_issue_fn, read_issue)

jn_err store_voucher_issues(stx *t, const scope *sc, int page, int per_page, voucher_issue_fn fn, void *ctx,
			    int64_t *total)
{
	int per = per_page > 0 && per_page <= 200 ? per_page : 20;
	page = page > 0 ? page : 1;
	sqlb q;
	sqlb_init(&q, "SELECT i.id, COALESCE(i.programme_id, 0), i.region, i.rule, i.occupations, i.amount_fen,"
		      " i.expires_on, i.count, i.issued_by, i.issued_at FROM voucher_issues i");
	scope_money(&q, sc, "i.region", NULL, NULL);
	sqlb_fmt(&q, " ORDER BY i.id DESC LIMIT ? OFFSET ?", 2, P_INT(per), P_INT((int64_t)(page - 1) * per));
	issue_cb cb = {fn, ctx};
	jn_err e = sqlb_each(t, &q, issue_row, &cb);
	if (e || !total)
		return e;
	sqlb_init(&q, "SELECT COUNT(*) FROM voucher_issues i");
	scope_money(&q, sc, "i.region", NULL, NULL);
	return sqlb_count(t, &q, total);
}

static void read_stat(const db_driver *d, db_rows *r, voucher_stat *s)
{
	memset(s, 0, sizeof *s);
	s->programme_id = d->rows_int(r, 0);
	rows_copy(d, r, 1, s->programme_name, sizeof s->programme_name);
	rows_copy(d, r, 2, s->region, sizeof s->region);
	int64_t *v[] = {&s->issued, &s->issued_fen, &s->open,     &s->open_fen,    &s->used,
			&s->used_fen, &s->redeemed, &s->redeemed_fen, &s->expired, &s->expired_fen};
	for (int i = 0; i < 10; i++)
		*v[i] = d->rows_int(r, 3 + i);
}
STORE_ROW_ADAPTER(stat_row, stat_cb, voucher_stat, voucher_stat_fn, read_stat)

jn_err store_voucher_stats(stx *t, const scope *sc, const char *region, int64_t programme_id, const char *today,
			   voucher_stat_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, "SELECT COALESCE(v.programme_id, 0), COALESCE(MAX(g.name), ''), v.region, COUNT(*),"
		      " SUM(v.amount_fen)");
	sqlb_fmt(&q,
		 ", SUM(CASE WHEN v.state = 'issued' AND v.expires_on >= ? THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN v.state = 'issued' AND v.expires_on >= ? THEN v.amount_fen ELSE 0 END),"
		 " SUM(CASE WHEN v.state = 'used' THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN v.state = 'used' THEN v.amount_fen ELSE 0 END),"
		 " SUM(CASE WHEN v.state = 'redeemed' THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN v.state = 'redeemed' THEN v.amount_fen ELSE 0 END),"
		 " SUM(CASE WHEN v.state = 'issued' AND v.expires_on < ? THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN v.state = 'issued' AND v.expires_on < ? THEN v.amount_fen ELSE 0 END)"
		 " FROM vouchers v LEFT JOIN programmes g ON g.id = v.programme_id",
		 4, P_TEXT(today), P_TEXT(today), P_TEXT(today), P_TEXT(today));
	scope_money(&q, sc, "v.region", NULL, NULL);
	if (region && region[0])
		sqlb_region_col(&q, "v.region", region);
	if (programme_id)
		sqlb_and(&q, "v.programme_id = ?", 1, P_INT(programme_id));
	sqlb_raw(&q, " GROUP BY COALESCE(v.programme_id, 0), v.region ORDER BY COALESCE(v.programme_id, 0), v.region");
	stat_cb cb = {fn, ctx};
	return sqlb_each(t, &q, stat_row, &cb);
}

jn_err store_voucher_of_enrolment(stx *t, int64_t enrolment_id, voucher *out)
{
	sqlb q;
	sqlb_init(&q, VOUCHER_SELECT);
	sqlb_and(&q, "v.enrolment_id = ?", 1, P_INT(enrolment_id));
	sqlb_raw(&q, " ORDER BY v.id LIMIT 1");
	jn_err e = sqlb_one(t, &q, voucher_row_into, out);
	if (e == JN_ENOTFOUND) {
		memset(out, 0, sizeof *out);
		return JN_OK;
	}
	return e;
}
