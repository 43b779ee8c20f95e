/* person.c — the persons table: scoped reads, inserts and updates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

#define PERSON_COLS                                                                                  \
	"id, id_number, name, gender, birth_date, region, phone, occupation, level, employer, "      \
	"education, created_at, updated_at, version, tags, insured_from"

static void read_person(const db_driver *d, db_rows *r, person *p)
{
	memset(p, 0, sizeof *p);
	p->id = d->rows_int(r, 0);
	rows_copy(d, r, 1, p->id_number, sizeof p->id_number);
	rows_copy(d, r, 2, p->name, sizeof p->name);
	const char *g = d->rows_text(r, 3);
	p->gender = g[0] ? g[0] : '?';
	rows_copy(d, r, 4, p->birth_date, sizeof p->birth_date);
	rows_copy(d, r, 5, p->region, sizeof p->region);
	rows_copy(d, r, 6, p->phone, sizeof p->phone);
	rows_copy(d, r, 7, p->occupation, sizeof p->occupation);
	p->level = (int)d->rows_int(r, 8);
	rows_copy(d, r, 9, p->employer, sizeof p->employer);
	rows_copy(d, r, 10, p->education, sizeof p->education);
	rows_copy(d, r, 11, p->created_at, sizeof p->created_at);
	rows_copy(d, r, 12, p->updated_at, sizeof p->updated_at);
	p->version = (int)d->rows_int(r, 13);
	rows_copy(d, r, 14, p->tags, sizeof p->tags);
	rows_copy(d, r, 15, p->insured_from, sizeof p->insured_from);
}

STORE_ROW_ADAPTER(person_row, person_cb, person, person_fn, read_person)

/* Runs b and calls fn for each person; stops early when fn returns non-zero. */
static jn_err each_person(stx *t, sqlb *b, person_fn fn, void *ctx)
{
	person_cb cb = {fn, ctx};
	return sqlb_each(t, b, person_row, &cb);
}

/* hi such that s <= x < hi holds for exactly the strings x starting with s
 * (byte order; the code columns use the C collation on both engines). */
static void prefix_upper(const char *s, char *hi, size_t cap)
{
	snprintf(hi, cap, "%s", s);
	size_t n = strlen(hi);
	if (n)
		hi[n - 1] = (char)(hi[n - 1] + 1);
}

/* 1 when the scope's own region condition already implies region (the
 * filter would repeat it: same code). */
static int region_within_scope(const scope *sc, const char *region)
{
	return !sc->system && (sc->role == ROLE_ADMIN || sc->role == ROLE_COUNTY) && strcmp(sc->region, region) == 0;
}

static void filter_where(sqlb *b, const scope *sc, const person_filter *f)
{
	scope_persons(b, sc);
	/* A county or a single occupation is an equality, so the (column, id)
	 * index yields rows already in id order and a page stops after 20;
	 * a city or an occupation group is a range. */
	if (f->region[0] && !region_within_scope(sc, f->region))
		sqlb_region(b, f->region);
	if (f->occupation[0]) {
		if (strlen(f->occupation) == 10 && strcmp(f->occupation + 8, "00") != 0) {
			sqlb_and(b, "occupation = ?", 1, P_TEXT(f->occupation));
		} else {
			char hi[20];
			prefix_upper(f->occupation, hi, sizeof hi);
			sqlb_and(b, "occupation >= ? AND occupation < ?", 2, P_TEXT(f->occupation), P_TEXT(hi));
		}
	}
	if (f->level_min > 0)
		sqlb_and(b, "level >= ?", 1, P_INT(f->level_min));
	if (f->level_max_on)
		sqlb_and(b, "level <= ?", 1, P_INT(f->level_max));
	if (f->q[0]) {
		/* A name substring, or (digits) an ID-number prefix. */
		char like[2 * sizeof f->q + 3]; /* every byte may need an escape */
		size_t o = 0;
		like[o++] = '%';
		for (const char *c = f->q; *c; c++) {
			if (*c == '%' || *c == '_' || *c == '\\')
				like[o++] = '\\';
			like[o++] = *c;
		}
		like[o++] = '%';
		like[o] = '\0';
		int digits = 1;
		for (const char *c = f->q; *c; c++)
			if (!((*c >= '0' && *c <= '9') || *c == 'X' || *c == 'x'))
				digits = 0;
		if (digits) {
			char hi[100];
			prefix_upper(f->q, hi, sizeof hi);
			sqlb_and(b, "(id_number >= ? AND id_number < ?)", 2, P_TEXT(f->q), P_TEXT(hi));
		} else {
			sqlb_and(b, "name LIKE ? ESCAPE '\\'", 1, P_TEXT(like));
		}
	}
}

jn_err store_person_list(stx *t, const scope *sc, const person_filter *f, person_fn fn, void *ctx,
			 int64_t *total, int *capped)
{
	/* Counting stops here: a clerk needs "more than 1,000, narrow it
	 * down", not the exact size of a whole city, and the count is what a
	 * page would otherwise spend its time on. */
	enum { CAP = 1000 };
	int per = f->per_page > 0 && f->per_page <= 200 ? f->per_page : 20;
	int page = f->page > 0 ? f->page : 1;
	sqlb b;
	if (f->all) {
		/* An export: every match, streamed in id order. */
		sqlb_init(&b, "/*stream*/ SELECT " PERSON_COLS " FROM persons");
		filter_where(&b, sc, f);
		sqlb_raw(&b, " ORDER BY id");
		return each_person(t, &b, fn, ctx);
	}
	sqlb_init(&b, "SELECT " PERSON_COLS " FROM persons");
	filter_where(&b, sc, f);
	sqlb_fmt(&b, " ORDER BY id LIMIT ? OFFSET ?", 2, P_INT(per), P_INT((int64_t)(page - 1) * per));
	jn_err e = each_person(t, &b, fn, ctx);
	if (e || !total)
		return e;

	sqlb_init(&b, "SELECT COUNT(*) FROM (SELECT 1 FROM persons");
	b.counting = 1;
	filter_where(&b, sc, f);
	sqlb_fmt(&b, " LIMIT ?) AS m", 1, P_INT(CAP + 1));
	if (b.overflow)
		return JN_EINVAL;
	const db_driver *d = DRV(t);
	db_rows *r;
	db_rc rc = d->query(t->c, b.sql, b.p, b.n, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	*total = d->rows_next(r) == 1 ? d->rows_int(r, 0) : 0;
	d->rows_free(r);
	*capped = *total > CAP;
	if (*capped)
		*total = CAP;
	return JN_OK;
}

jn_err store_person_export(stx *t, const scope *sc, const char *region, person_fn fn, void *ctx)
{
	sqlb b;
	sqlb_init(&b, "/*stream*/ SELECT " PERSON_COLS " FROM persons");
	person_filter f = {0};
	if (region && region[0])
		snprintf(f.region, sizeof f.region, "%s", region);
	filter_where(&b, sc, &f);
	sqlb_raw(&b, " ORDER BY id");
	return each_person(t, &b, fn, ctx);
}

static int take_one(void *ctx, const person *p)
{
	*(person *)ctx = *p;
	((person *)ctx)->id = p->id ? p->id : -1;
	return 1;
}

static jn_err get_where(stx *t, const scope *sc, const char *cond, db_param v, person *out)
{
	sqlb b;
	sqlb_init(&b, "SELECT " PERSON_COLS " FROM persons");
	sqlb_and(&b, cond, 1, v);
	scope_persons(&b, sc);
	out->id = 0;
	jn_err e = each_person(t, &b, take_one, out);
	if (e)
		return e;
	return out->id ? JN_OK : JN_ENOTFOUND;
}

jn_err store_person_get(stx *t, const scope *sc, int64_t id, person *out)
{
	return get_where(t, sc, "id = ?", P_INT(id), out);
}

jn_err store_person_by_id_number(stx *t, const scope *sc, const char *id_number, person *out)
{
	return get_where(t, sc, "id_number = ?", P_TEXT(id_number), out);
}

int store_scope_allows_region(const scope *sc, const char *region)
{
	if (sc->system)
		return 1;
	if ((sc->role == ROLE_ADMIN && !sc->region[0]))
		return 1;
	if (sc->role != ROLE_ADMIN && sc->role != ROLE_COUNTY)
		return 0;
	char lo[8], hi[8];
	region_range(sc->region, lo, hi);
	return strcmp(region, lo) >= 0 && strcmp(region, hi) < 0;
}

jn_err store_person_insert(stx *t, const scope *sc, person *p)
{
	if (!store_scope_allows_region(sc, p->region))
		return JN_EFORBIDDEN;
	char now[32];
	store_now(now);
	char g[2] = {p->gender, '\0'};
	db_param prm[] = {P_TEXT(p->id_number), P_TEXT(p->name), P_TEXT(g), P_TEXT(p->birth_date),
			  P_TEXT(p->region), P_TEXT(p->phone), P_TEXT(p->occupation), P_INT(p->level),
			  P_TEXT(p->employer), P_TEXT(p->education), P_TEXT(now), P_TEXT(p->tags),
			  P_TEXT(p->insured_from)};
	jn_err e = store_insert_id(t,
				   "INSERT INTO persons (id_number, name, gender, birth_date, region, phone, occupation,"
				   " level, employer, education, created_at, updated_at, version, tags, insured_from)"
				   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 1, $12, $13) RETURNING id",
				   prm, 13, &p->id);
	if (e)
		return e;
	snprintf(p->created_at, sizeof p->created_at, "%s", now);
	snprintf(p->updated_at, sizeof p->updated_at, "%s", now);
	p->version = 1;
	return JN_OK;
}

/* Rows per multi-row statement: one round trip (and one statement step)
 * carries this many persons; well under both engines' parameter limits. */
#define MANY_BATCH 200

jn_err store_persons_by_id_numbers(stx *t, int n, const char *const *ids, person *out, int *found)
{
	const db_driver *d = DRV(t);
	for (int i = 0; i < n; i++)
		found[i] = 0;
	for (int base = 0; base < n; base += MANY_BATCH) {
		int m = n - base < MANY_BATCH ? n - base : MANY_BATCH;
		char sql[sizeof "SELECT " PERSON_COLS " FROM persons WHERE id_number IN ()" + MANY_BATCH * 8];
		int o = snprintf(sql, sizeof sql, "SELECT " PERSON_COLS " FROM persons WHERE id_number IN (");
		db_param p[MANY_BATCH];
		for (int k = 0; k < m; k++) {
			o += snprintf(sql + o, sizeof sql - (size_t)o, "%s$%d", k ? "," : "", k + 1);
			p[k] = P_TEXT(ids[base + k]);
		}
		snprintf(sql + o, sizeof sql - (size_t)o, ")");
		db_rows *r;
		db_rc rc = d->query(t->c, sql, p, m, &r);
		if (rc != DB_OK)
			return store_db_err(rc);
		int st;
		while ((st = d->rows_next(r)) == 1) {
			const char *idn = d->rows_text(r, 1);
			for (int k = 0; k < m; k++)
				if (!found[base + k] && strcmp(ids[base + k], idn) == 0) {
					read_person(d, r, &out[base + k]);
					found[base + k] = 1;
				}
		}
		d->rows_free(r);
		if (st < 0)
			return JN_EDB;
	}
	return JN_OK;
}

jn_err store_person_insert_many(stx *t, const scope *sc, person *ps, int n)
{
	for (int i = 0; i < n; i++)
		if (!store_scope_allows_region(sc, ps[i].region))
			return JN_EFORBIDDEN;
	const db_driver *d = DRV(t);
	char now[32];
	store_now(now);
	enum { PER = 12 };
	static const char head[] = "INSERT INTO persons (id_number, name, gender, birth_date, region, phone, occupation,"
				   " level, employer, education, tags, insured_from, created_at, updated_at, version)"
				   " VALUES ";
	size_t cap = sizeof head + (size_t)MANY_BATCH * 96 + 64;
	char *sql = malloc(cap);
	db_param *p = malloc(sizeof *p * (MANY_BATCH * PER + 1));
	char(*g)[2] = malloc(sizeof *g * MANY_BATCH);
	jn_err e = sql && p && g ? JN_OK : JN_ENOMEM;
	for (int base = 0; !e && base < n; base += MANY_BATCH) {
		int m = n - base < MANY_BATCH ? n - base : MANY_BATCH;
		size_t o = (size_t)snprintf(sql, cap, "%s", head);
		p[0] = P_TEXT(now);
		for (int k = 0; k < m; k++) {
			const person *x = &ps[base + k];
			int b = 2 + k * PER;
			o += (size_t)snprintf(sql + o, cap - o,
					      "%s($%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$1,$1,1)", k ? "," : "", b,
					      b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9, b + 10, b + 11);
			g[k][0] = x->gender;
			g[k][1] = '\0';
			db_param *q = p + 1 + k * PER;
			q[0] = P_TEXT(x->id_number), q[1] = P_TEXT(x->name), q[2] = P_TEXT(g[k]);
			q[3] = P_TEXT(x->birth_date), q[4] = P_TEXT(x->region), q[5] = P_TEXT(x->phone);
			q[6] = P_TEXT(x->occupation), q[7] = P_INT(x->level), q[8] = P_TEXT(x->employer);
			q[9] = P_TEXT(x->education), q[10] = P_TEXT(x->tags), q[11] = P_TEXT(x->insured_from);
		}
		snprintf(sql + o, cap - o, " RETURNING id, id_number");
		db_rows *r;
		db_rc rc = d->query(t->c, sql, p, 1 + m * PER, &r);
		if (rc != DB_OK) {
			e = store_db_err(rc);
			break;
		}
		/* Rows come back in insertion order on both engines, but match
		 * them by ID number rather than rely on it. */
		int st, got = 0, next = 0;
		while ((st = d->rows_next(r)) == 1) {
			const char *idn = d->rows_text(r, 1);
			int k = next < m && strcmp(ps[base + next].id_number, idn) == 0 ? next : -1;
			for (int j = 0; k < 0 && j < m; j++)
				if (strcmp(ps[base + j].id_number, idn) == 0)
					k = j;
			if (k >= 0) {
				person *x = &ps[base + k];
				x->id = d->rows_int(r, 0);
				snprintf(x->created_at, sizeof x->created_at, "%s", now);
				snprintf(x->updated_at, sizeof x->updated_at, "%s", now);
				x->version = 1;
				got++;
				next = k + 1;
			}
		}
		d->rows_free(r);
		if (st < 0 || got != m)
			e = JN_EDB;
	}
	free(sql);
	free(p);
	free(g);
	return e;
}

jn_err store_person_update(stx *t, const scope *sc, person *p, int expect_version)
{
	/* The row must be in scope now, and stay in scope after the change. */
	person cur;
	jn_err e = store_person_get(t, sc, p->id, &cur);
	if (e)
		return e;
	if (expect_version > 0 && cur.version != expect_version)
		return JN_ECONFLICT;
	if (!store_scope_allows_region(sc, p->region) && strcmp(p->region, cur.region) != 0)
		return JN_EFORBIDDEN;
	char now[32];
	store_now(now);
	char g[2] = {p->gender, '\0'};
	db_param prm[] = {P_TEXT(p->name), P_TEXT(g), P_TEXT(p->birth_date), P_TEXT(p->region),
			  P_TEXT(p->phone), P_TEXT(p->occupation), P_INT(p->level), P_TEXT(p->employer),
			  P_TEXT(p->education), P_TEXT(now), P_INT(p->id), P_INT(cur.version), P_TEXT(p->tags),
			  P_TEXT(p->insured_from)};
	int64_t changes = 0;
	db_rc rc = DRV(t)->exec(t->c,
				"UPDATE persons SET name = $1, gender = $2, birth_date = $3, region = $4,"
				" phone = $5, occupation = $6, level = $7, employer = $8, education = $9,"
				" tags = $13, insured_from = $14, updated_at = $10, version = version + 1"
				" WHERE id = $11 AND version = $12",
				prm, 14, &changes);
	if (rc != DB_OK)
		return store_db_err(rc);
	if (changes != 1)
		return JN_ECONFLICT;
	snprintf(p->updated_at, sizeof p->updated_at, "%s", now);
	snprintf(p->created_at, sizeof p->created_at, "%s", cur.created_at);
	snprintf(p->id_number, sizeof p->id_number, "%s", cur.id_number);
	p->version = cur.version + 1;
	return JN_OK;
}

int64_t store_person_count(stx *t)
{
	const db_driver *d = DRV(t);
	db_rows *r;
	if (d->query(t->c, "SELECT COUNT(*) FROM persons", NULL, 0, &r) != DB_OK)
		return -1;
	int64_t n = d->rows_next(r) == 1 ? d->rows_int(r, 0) : -1;
	d->rows_free(r);
	return n;
}
