/* catalog.c — reference catalogues: regions, the eight levels, occupations. */
#include <stdio.h>
#include <string.h>

#include "core/regions.h"
#include "store/store_internal.h"

jn_err store_load_regions_levels(stx *t)
{
	const db_driver *d = DRV(t);
	db_rc rc = d->exec(t->c, "DELETE FROM regions", NULL, 0, NULL);
	for (int i = 0; rc == DB_OK && i < REGIONS_COUNT; i++) {
		const region_entry *e = &REGIONS[i];
		const char *kind = e->kind == 'P' ? "province" : e->kind == 'C' ? "prefecture" : "county";
		db_param p[] = {P_TEXT(e->code), P_TEXT(e->name), P_TEXT(kind), P_TEXT(e->parent), P_INT(e->current)};
		rc = d->exec(t->c, "INSERT INTO regions (code, name, kind, parent, current) VALUES ($1, $2, $3, $4, $5)",
			     p, 5, NULL);
	}
	if (rc == DB_OK)
		rc = d->exec(t->c, "DELETE FROM levels", NULL, 0, NULL);
	for (int i = 0; rc == DB_OK && i < 8; i++) {
		const level_info *l = &LEVELS[i];
		db_param p[] = {P_INT(l->rank), P_TEXT(l->name), P_TEXT(l->national), P_INT(l->cert_digit)};
		rc = d->exec(t->c, "INSERT INTO levels (rank, name, national, cert_digit) VALUES ($1, $2, $3, $4)", p, 4,
			     NULL);
	}
	return store_db_err(rc);
}

jn_err store_put_occupation(stx *t, const occupation_row *o)
{
	db_param p[] = {P_TEXT(o->code), P_TEXT(o->name), P_TEXT(o->kind), P_TEXT(o->parent ? o->parent : ""),
			P_TEXT(o->mark ? o->mark : "")};
	return store_db_err(DRV(t)->exec(t->c,
					 "INSERT INTO occupations (code, name, kind, parent, mark) VALUES ($1, $2, $3, $4, $5)"
					 " ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,"
					 " parent = excluded.parent, mark = excluded.mark",
					 p, 5, NULL));
}

static void read_occ(const db_driver *d, db_rows *r, occupation *o)
{
	rows_copy(d, r, 0, o->code, sizeof o->code);
	rows_copy(d, r, 1, o->name, sizeof o->name);
	rows_copy(d, r, 2, o->kind, sizeof o->kind);
	rows_copy(d, r, 3, o->parent, sizeof o->parent);
	rows_copy(d, r, 4, o->mark, sizeof o->mark);
}

STORE_ROW_ADAPTER(occ_row, occ_cb, occupation, occupation_fn, read_occ)

jn_err store_occupations(stx *t, const char *q, int limit, occupation_fn fn, void *ctx)
{
	if (limit <= 0 || limit > 500)
		limit = 500;
	sqlb b;
	sqlb_init(&b, "SELECT code, name, kind, parent, mark FROM occupations");
	if (q && q[0]) {
		char like[2 * 128 + 3], hi[128];
		size_t o = 0;
		like[o++] = '%';
		for (const char *c = q; *c && o < sizeof like - 3; c++) {
			if (*c == '%' || *c == '_' || *c == '\\')
				like[o++] = '\\';
			like[o++] = *c;
		}
		like[o++] = '%';
		like[o] = '\0';
		int code_like = strlen(q) < sizeof hi;
		for (const char *c = q; *c; c++)
			code_like &= (*c >= '0' && *c <= '9') || *c == '-';
		if (code_like) {
			/* A code prefix: a range on the code (ASCII, so the bound
			 * stays valid text). */
			snprintf(hi, sizeof hi, "%s", q);
			size_t n = strlen(hi);
			hi[n - 1] = (char)(hi[n - 1] + 1);
			sqlb_and(&b, "code >= ? AND code < ?", 2, P_TEXT(q), P_TEXT(hi));
		} else {
			sqlb_and(&b, "name LIKE ? ESCAPE '\\'", 1, P_TEXT(like));
		}
	}
	sqlb_fmt(&b, " ORDER BY code LIMIT ?", 1, P_INT(limit));
	occ_cb cb = {fn, ctx};
	return sqlb_each(t, &b, occ_row, &cb);
}

static jn_err one_occ(stx *t, const char *sql, const char *v, occupation *out)
{
	const db_driver *d = DRV(t);
	db_param p[] = {P_TEXT(v)};
	db_rows *r;
	db_rc rc = d->query(t->c, sql, p, 1, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	int st = d->rows_next(r);
	if (st == 1)
		read_occ(d, r, out);
	d->rows_free(r);
	return st == 1 ? JN_OK : st == 0 ? JN_ENOTFOUND : JN_EDB;
}

jn_err store_occupation_get(stx *t, const char *code, occupation *out)
{
	return one_occ(t, "SELECT code, name, kind, parent, mark FROM occupations WHERE code = $1", code, out);
}

jn_err store_occupation_by_name(stx *t, const char *name, occupation *out)
{
	return one_occ(t,
		       "SELECT code, name, kind, parent, mark FROM occupations WHERE name = $1"
		       " ORDER BY CASE kind WHEN 'occupation' THEN 0 ELSE 1 END, code LIMIT 1",
		       name, out);
}
