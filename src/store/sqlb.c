/* sqlb.c — building WHERE clauses with numbered parameters, and the scope
 * clauses every registry query carries. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/regions.h"
#include "store/store_internal.h"

void sqlb_init(sqlb *b, const char *head)
{
	memset(b, 0, sizeof *b);
	sqlb_raw(b, head);
}

void sqlb_raw(sqlb *b, const char *text)
{
	size_t n = strlen(text);
	if (b->len + n >= sizeof b->sql) {
		b->overflow = 1;
		return;
	}
	memcpy(b->sql + b->len, text, n + 1);
	b->len += n;
}

static void add_param(sqlb *b, db_param p)
{
	if (b->n >= SQLB_MAX_PARAMS) {
		b->overflow = 1;
		return;
	}
	if (p.type == DB_TEXT) {
		size_t n = strlen(p.s);
		if (n >= sizeof b->text[0]) {
			b->overflow = 1;
			n = sizeof b->text[0] - 1;
		}
		memcpy(b->text[b->n], p.s, n);
		b->text[b->n][n] = '\0';
		p.s = b->text[b->n];
	}
	b->p[b->n++] = p;
	char num[16];
	num[0] = '$';
	int k = b->n, i = 15;
	char tmp[16];
	tmp[i] = '\0';
	do {
		tmp[--i] = (char)('0' + k % 10);
		k /= 10;
	} while (k);
	size_t len = strlen(tmp + i);
	memcpy(num + 1, tmp + i, len + 1);
	sqlb_raw(b, num);
}

static void vfmt(sqlb *b, const char *text, int nparams, va_list ap)
{
	char piece[2];
	piece[1] = '\0';
	for (const char *c = text; *c; c++) {
		if (*c == '?' && nparams > 0) {
			add_param(b, va_arg(ap, db_param));
			nparams--;
		} else {
			piece[0] = *c;
			sqlb_raw(b, piece);
		}
	}
}

void sqlb_fmt(sqlb *b, const char *text, int nparams, ...)
{
	va_list ap;
	va_start(ap, nparams);
	vfmt(b, text, nparams, ap);
	va_end(ap);
}

void sqlb_and(sqlb *b, const char *cond, int nparams, ...)
{
	sqlb_raw(b, b->nwhere++ ? " AND " : " WHERE ");
	va_list ap;
	va_start(ap, nparams);
	vfmt(b, cond, nparams, ap);
	va_end(ap);
}

/* Rows under a region code.  A county is an equality: the (region, id)
 * index then yields rows in id order and a page stops after 20 of them.
 * A city or province is a prefix test the index cannot serve, on purpose:
 * it covers a large share of the table, so walking the primary key in id
 * order and filtering finds a page in a few dozen rows, where a range scan
 * of the index would sort the whole city first (measured: 20-290 ms at
 * 1,000,000 workers, against about 1 ms this way).  A count has no order,
 * so there the index range is right: it reaches the city's rows at once. */
void sqlb_region(sqlb *b, const char *region)
{
	char p[8];
	region_prefix(region, p);
	size_t n = strlen(p);
	const char *codes[SQLB_MAX_PARAMS - 8];
	int ncodes = n == 4 ? region_codes_under(p, codes, SQLB_MAX_PARAMS - 8) : -1;
	if (b->counting && ncodes > 0 && b->n + ncodes <= SQLB_MAX_PARAMS - 4) {
		/* A city's counties one by one: with "AND level >= ?" each is a
		 * seek in the (region, level, id) index, where a range over the
		 * whole city would first walk every lower level of its first
		 * county. */
		sqlb_raw(b, b->nwhere++ ? " AND region IN (" : " WHERE region IN (");
		for (int i = 0; i < ncodes; i++) {
			if (i)
				sqlb_raw(b, ", ");
			add_param(b, P_TEXT(codes[i]));
		}
		sqlb_raw(b, ")");
	} else if (b->counting && n < 6) {
		char lo[8], hi[8];
		region_range(region, lo, hi);
		sqlb_and(b, "region >= ? AND region < ?", 2, P_TEXT(lo), P_TEXT(hi));
	} else if (n == 6)
		sqlb_and(b, "region = ?", 1, P_TEXT(p));
	else if (n == 4)
		sqlb_and(b, "substr(region, 1, 4) = ?", 1, P_TEXT(p));
	else
		sqlb_and(b, "substr(region, 1, 2) = ?", 1, P_TEXT(p));
}

void sqlb_region_col(sqlb *b, const char *col, const char *region)
{
	char lo[8], hi[8], cond[96];
	region_range(region, lo, hi);
	if (strlen(lo) == 6) {
		snprintf(cond, sizeof cond, "%s = ?", col);
		sqlb_and(b, cond, 1, P_TEXT(lo));
	} else {
		snprintf(cond, sizeof cond, "%s >= ? AND %s < ?", col, col);
		sqlb_and(b, cond, 2, P_TEXT(lo), P_TEXT(hi));
	}
}

jn_err sqlb_each(stx *t, const sqlb *b, sqlb_row_fn row, void *ctx)
{
	if (b->overflow)
		return JN_EINVAL;
	const db_driver *d = DRV(t);
	db_rows *r;
	db_rc rc = d->query(t->c, b->sql, b->p, b->n, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	int st;
	while ((st = d->rows_next(r)) == 1)
		if (row(ctx, d, r))
			break;
	d->rows_free(r);
	return st < 0 ? JN_EDB : JN_OK;
}

typedef struct one_ctx {
	sqlb_row_fn into;
	void *out;
	int found;
} one_ctx;

static int one_row(void *ctx, const db_driver *d, db_rows *r)
{
	one_ctx *o = ctx;
	o->found = 1;
	return o->into(o->out, d, r);
}

jn_err sqlb_one(stx *t, const sqlb *b, sqlb_row_fn into, void *out)
{
	one_ctx o = {into, out, 0};
	jn_err e = sqlb_each(t, b, one_row, &o);
	return e ? e : o.found ? JN_OK : JN_ENOTFOUND;
}

jn_err store_insert_id(stx *t, const char *sql, const db_param *p, int n, int64_t *id)
{
	const db_driver *d = DRV(t);
	db_rows *r;
	db_rc rc = d->query(t->c, sql, p, n, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	int st = d->rows_next(r);
	if (st == 1)
		*id = d->rows_int(r, 0);
	d->rows_free(r);
	return st == 1 ? JN_OK : JN_EDB;
}

static void region_limit(sqlb *b, const char *region) { sqlb_region(b, region); }

void scope_persons(sqlb *b, const scope *sc)
{
	if (sc->system)
		return;
	switch (sc->role) {
	case ROLE_ADMIN:
	case ROLE_COUNTY:
		if (sc->region[0])
			region_limit(b, sc->region);
		else if (sc->role == ROLE_COUNTY)
			sqlb_and(b, "1 = 0", 0);
		return;
	case ROLE_WORKER:
		sqlb_and(b, "id = ?", 1, P_INT(sc->person_id));
		return;
	default:
		/* Evaluators, trainers and employers reach people only through
		 * what later parts give them (their classes, evaluations, the
		 * opt-in talent pool), never the registry itself. */
		sqlb_and(b, "1 = 0", 0);
		return;
	}
}

void scope_orgs(sqlb *b, const scope *sc)
{
	if (sc->system)
		return;
	switch (sc->role) {
	case ROLE_ADMIN:
	case ROLE_COUNTY:
		if (sc->region[0])
			region_limit(b, sc->region);
		else if (sc->role == ROLE_COUNTY)
			sqlb_and(b, "1 = 0", 0);
		return;
	case ROLE_EVALUATOR:
	case ROLE_TRAINER:
	case ROLE_EMPLOYER:
		sqlb_and(b, "id = ?", 1, P_INT(sc->org_id));
		return;
	default:
		sqlb_and(b, "1 = 0", 0);
		return;
	}
}

void scope_region_or_body(sqlb *b, const scope *sc, const char *region_col, const char *org_col)
{
	if (sc->system)
		return;
	switch (sc->role) {
	case ROLE_ADMIN:
	case ROLE_COUNTY:
		if (sc->region[0])
			sqlb_region_col(b, region_col, sc->region);
		else if (sc->role == ROLE_COUNTY)
			sqlb_and(b, "1 = 0", 0);
		return;
	case ROLE_EVALUATOR: {
		char cond[96];
		snprintf(cond, sizeof cond, "%s = ?", org_col);
		sqlb_and(b, cond, 1, P_INT(sc->org_id));
		return;
	}
	default:
		sqlb_and(b, "1 = 0", 0);
		return;
	}
}

jn_err sqlb_count(stx *t, const sqlb *b, int64_t *out)
{
	if (b->overflow)
		return JN_EINVAL;
	const db_driver *d = DRV(t);
	db_rows *r;
	db_rc rc = d->query(t->c, b->sql, b->p, b->n, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	int st = d->rows_next(r);
	*out = st == 1 ? d->rows_int(r, 0) : 0;
	d->rows_free(r);
	return st < 0 ? JN_EDB : JN_OK;
}
