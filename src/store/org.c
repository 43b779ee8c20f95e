/* org.c — the orgs table: employers, training providers, evaluation bodies,
 * technical schools. */
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"

#define ORG_COLS "id, uscc, name, kind, region, phone, created_at"

static void read_org(const db_driver *d, db_rows *r, org *o)
{
	memset(o, 0, sizeof *o);
	o->id = d->rows_int(r, 0);
	rows_copy(d, r, 1, o->uscc, sizeof o->uscc);
	rows_copy(d, r, 2, o->name, sizeof o->name);
	o->kind = org_kind_parse(d->rows_text(r, 3));
	rows_copy(d, r, 4, o->region, sizeof o->region);
	rows_copy(d, r, 5, o->phone, sizeof o->phone);
	rows_copy(d, r, 6, o->created_at, sizeof o->created_at);
}

jn_err store_org_insert(stx *t, const scope *sc, org *o)
{
	if (!sc->system) {
		if (sc->role != ROLE_ADMIN && sc->role != ROLE_COUNTY)
			return JN_EFORBIDDEN;
		if (sc->region[0]) {
			char lo[8], hi[8];
			region_range(sc->region, lo, hi);
			if (strcmp(o->region, lo) < 0 || strcmp(o->region, hi) >= 0)
				return JN_EFORBIDDEN;
		} else if (sc->role == ROLE_COUNTY) {
			return JN_EFORBIDDEN;
		}
	}
	char now[32];
	store_now(now);
	db_param p[] = {P_TEXT(o->uscc), P_TEXT(o->name), P_TEXT(org_kind_name(o->kind)), P_TEXT(o->region),
			P_TEXT(o->phone), P_TEXT(now)};
	jn_err e = store_insert_id(t,
				   "INSERT INTO orgs (uscc, name, kind, region, phone, created_at, updated_at)"
				   " VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
				   p, 6, &o->id);
	if (e)
		return e;
	snprintf(o->created_at, sizeof o->created_at, "%s", now);
	return JN_OK;
}

STORE_ROW_ADAPTER(org_row, org_cb, org, org_fn, read_org)

static jn_err each_org(stx *t, sqlb *b, org_fn fn, void *ctx)
{
	org_cb cb = {fn, ctx};
	return sqlb_each(t, b, org_row, &cb);
}

static int take_one(void *ctx, const org *o)
{
	*(org *)ctx = *o;
	return 1;
}

jn_err store_org_get(stx *t, const scope *sc, int64_t id, org *out)
{
	sqlb b;
	sqlb_init(&b, "SELECT " ORG_COLS " FROM orgs");
	sqlb_and(&b, "id = ?", 1, P_INT(id));
	scope_orgs(&b, sc);
	out->id = 0;
	jn_err e = each_org(t, &b, take_one, out);
	if (e)
		return e;
	return out->id ? JN_OK : JN_ENOTFOUND;
}

static void org_where(sqlb *b, const scope *sc, const org_filter *f)
{
	scope_orgs(b, sc);
	if (f->kind)
		sqlb_and(b, "kind = ?", 1, P_TEXT(org_kind_name(f->kind)));
	if (f->region[0])
		sqlb_region(b, f->region);
}

jn_err store_org_list(stx *t, const scope *sc, const org_filter *f, org_fn fn, void *ctx, int64_t *total)
{
	int per = f->per_page > 0 && f->per_page <= 200 ? f->per_page : 20;
	int page = f->page > 0 ? f->page : 1;
	sqlb b;
	if (f->all) {
		sqlb_init(&b, "/*stream*/ SELECT " ORG_COLS " FROM orgs");
		org_where(&b, sc, f);
		sqlb_raw(&b, " ORDER BY id");
		return each_org(t, &b, fn, ctx);
	}
	sqlb_init(&b, "SELECT " ORG_COLS " FROM orgs");
	org_where(&b, sc, f);
	sqlb_fmt(&b, " ORDER BY id LIMIT ? OFFSET ?", 2, P_INT(per), P_INT((int64_t)(page - 1) * per));
	jn_err e = each_org(t, &b, fn, ctx);
	if (e || !total)
		return e;
	sqlb_init(&b, "SELECT COUNT(*) FROM orgs");
	org_where(&b, sc, f);
	const db_driver *d = DRV(t);
	db_rows *r;
	db_rc rc = d->query(t->c, b.sql, b.p, b.n, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	*total = d->rows_next(r) == 1 ? d->rows_int(r, 0) : 0;
	d->rows_free(r);
	return JN_OK;
}
