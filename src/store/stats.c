/* stats.c — counts for the dashboards, grouped in the database and scoped
 * like every other registry read; and the employed-persons baseline they
 * are measured against.
 *
 * A region is a range of codes here (counting form of sqlb_region): the
 * (region, level, id) index answers the counts per county and level by
 * itself, and (region, occupation) the occupation counts, without reading
 * a row of the table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "store/store_record.h"

/* Persons in scope, under region when it narrows the scope. */
static void persons_where(sqlb *b, const scope *sc, const char *region)
{
	b->counting = 1;
	scope_persons(b, sc);
	if (region && region[0] && !(sc->region[0] && strcmp(sc->region, region) == 0))
		sqlb_region(b, region);
}

typedef struct rl_ctx {
	stats_region_level_fn fn;
	void *ctx;
} rl_ctx;

static int rl_row(void *ctx, const db_driver *d, db_rows *r)
{
	rl_ctx *c = ctx;
	return c->fn(c->ctx, d->rows_text(r, 0), (int)d->rows_int(r, 1), d->rows_int(r, 2));
}

jn_err store_stats_region_level(stx *t, const scope *sc, const char *region, stats_region_level_fn fn, void *ctx)
{
	sqlb b;
	sqlb_init(&b, "SELECT region, level, COUNT(*) FROM persons");
	persons_where(&b, sc, region);
	sqlb_raw(&b, " GROUP BY region, level");
	rl_ctx c = {fn, ctx};
	return sqlb_each(t, &b, rl_row, &c);
}

typedef struct occ_ctx {
	stats_occupation_fn fn;
	void *ctx;
} occ_ctx;

static int occ_row(void *ctx, const db_driver *d, db_rows *r)
{
	occ_ctx *c = ctx;
	char code[16], name[160];
	rows_copy(d, r, 0, code, sizeof code);
	rows_copy(d, r, 1, name, sizeof name);
	return c->fn(c->ctx, code, name, d->rows_int(r, 2));
}

/* Counts per occupation merged from counts per (county, occupation). */
#define OCC_SLOTS 4096
typedef struct occ_merge {
	char code[OCC_SLOTS][16];
	int64_t n[OCC_SLOTS];
	int used;
} occ_merge;

static int merge_row(void *ctx, const db_driver *d, db_rows *r)
{
	occ_merge *m = ctx;
	const char *code = d->rows_text(r, 0);
	unsigned h = 2166136261u;
	for (const char *c = code; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	for (unsigned k = 0; k < OCC_SLOTS; k++) {
		unsigned i = (h + k) % OCC_SLOTS;
		if (!m->code[i][0]) {
			if (m->used >= OCC_SLOTS / 2)
				return 0; /* more codes than the catalogue has: ignore */
			snprintf(m->code[i], sizeof m->code[i], "%s", code);
			m->used++;
		}
		if (strcmp(m->code[i], code) == 0) {
			m->n[i] += d->rows_int(r, 1);
			return 0;
		}
	}
	return 0;
}

static int by_count(const void *a, const void *b, void *base)
{
	const occ_merge *m = base;
	int x = *(const int *)a, y = *(const int *)b;
	if (m->n[x] != m->n[y])
		return m->n[x] > m->n[y] ? -1 : 1;
	return strcmp(m->code[x], m->code[y]);
}

jn_err store_stats_occupations(stx *t, const scope *sc, const char *region, int limit, stats_occupation_fn fn,
			       void *ctx)
{
	sqlb b;
	if (!(region && region[0]) && !sc->region[0]) {
		/* The whole registry: the (occupation, id) index in order. */
		sqlb_init(&b, "SELECT x.occupation, COALESCE(o.name, ''), x.n FROM (SELECT occupation, COUNT(*) AS n"
			      " FROM persons");
		persons_where(&b, sc, region);
		sqlb_and(&b, "occupation <> ''", 0);
		sqlb_fmt(&b,
			 " GROUP BY occupation ORDER BY n DESC, occupation LIMIT ?) AS x"
			 " LEFT JOIN occupations o ON o.code = x.occupation ORDER BY x.n DESC, x.occupation",
			 1, P_INT(limit));
		occ_ctx c = {fn, ctx};
		return sqlb_each(t, &b, occ_row, &c);
	}
	/* A region: grouped by (county, occupation), the order of the
	 * (region, occupation) index, so no sort; merged here. */
	occ_merge *m = calloc(1, sizeof *m);
	if (!m)
		return JN_ENOMEM;
	sqlb_init(&b, "SELECT occupation, COUNT(*) FROM persons");
	persons_where(&b, sc, region);
	sqlb_and(&b, "occupation <> ''", 0);
	sqlb_raw(&b, " GROUP BY region, occupation");
	jn_err e = sqlb_each(t, &b, merge_row, m);
	int idx[OCC_SLOTS], n = 0;
	for (int i = 0; i < OCC_SLOTS; i++)
		if (m->code[i][0])
			idx[n++] = i;
	qsort_r(idx, (size_t)n, sizeof idx[0], by_count, m);
	if (n > limit)
		n = limit;
	for (int k = 0; !e && k < n; k++) {
		occupation o;
		jn_err ge = store_occupation_get(t, m->code[idx[k]], &o);
		if (ge && ge != JN_ENOTFOUND) {
			e = ge;
			break;
		}
		if (fn(ctx, m->code[idx[k]], ge ? "" : o.name, m->n[idx[k]]))
			break;
	}
	free(m);
	return e;
}

jn_err store_stats_count_level(stx *t, const scope *sc, const char *region, int level_min, int64_t *out)
{
	sqlb b;
	sqlb_init(&b, "SELECT COUNT(*) FROM persons");
	persons_where(&b, sc, region);
	if (level_min > 0)
		sqlb_and(&b, "level >= ?", 1, P_INT(level_min));
	return sqlb_count(t, &b, out);
}

jn_err store_stats_count_orgs(stx *t, const scope *sc, const char *region, org_kind kind, int64_t *out)
{
	sqlb b;
	sqlb_init(&b, "SELECT COUNT(*) FROM orgs");
	b.counting = 1;
	scope_orgs(&b, sc);
	if (region && region[0])
		sqlb_region(&b, region);
	if (kind)
		sqlb_and(&b, "kind = ?", 1, P_TEXT(org_kind_name(kind)));
	return sqlb_count(t, &b, out);
}

/* ---- the employed-persons baseline ---- */

#define EMPLOYED_COLS "region, year, count, source, updated_at, updated_by"

/* The scope's limit on baseline rows: the administrators' and clerks' own
 * region and everything under it. */
static void scope_employed(sqlb *b, const scope *sc)
{
	if (sc->system)
		return;
	if (sc->role != ROLE_ADMIN && sc->role != ROLE_COUNTY) {
		sqlb_and(b, "1 = 0", 0);
		return;
	}
	if (sc->region[0]) {
		char lo[8], hi[8];
		region_range(sc->region, lo, hi);
		sqlb_and(b, "region >= ? AND region < ?", 2, P_TEXT(lo), P_TEXT(hi));
	} else if (sc->role == ROLE_COUNTY) {
		sqlb_and(b, "1 = 0", 0);
	}
}

static void read_employed(const db_driver *d, db_rows *r, employed_row *e)
{
	memset(e, 0, sizeof *e);
	rows_copy(d, r, 0, e->region, sizeof e->region);
	e->year = (int)d->rows_int(r, 1);
	e->count = d->rows_int(r, 2);
	rows_copy(d, r, 3, e->source, sizeof e->source);
	rows_copy(d, r, 4, e->updated_at, sizeof e->updated_at);
	rows_copy(d, r, 5, e->updated_by, sizeof e->updated_by);
}

typedef struct emp_ctx {
	employed_fn fn;
	void *ctx;
	int found;
} emp_ctx;

static int emp_row(void *ctx, const db_driver *d, db_rows *r)
{
	emp_ctx *c = ctx;
	employed_row e;
	read_employed(d, r, &e);
	c->found = 1;
	return c->fn(c->ctx, &e);
}

static int take_employed(void *ctx, const employed_row *e)
{
	*(employed_row *)ctx = *e;
	return 1;
}

jn_err store_employed_list(stx *t, const scope *sc, const char *region, employed_fn fn, void *ctx)
{
	sqlb b;
	sqlb_init(&b, "SELECT " EMPLOYED_COLS " FROM employed");
	scope_employed(&b, sc);
	if (region && region[0]) {
		char lo[8], hi[8];
		region_range(region, lo, hi);
		sqlb_and(&b, "region >= ? AND region < ?", 2, P_TEXT(lo), P_TEXT(hi));
	}
	sqlb_raw(&b, " ORDER BY region, year DESC");
	emp_ctx c = {fn, ctx, 0};
	return sqlb_each(t, &b, emp_row, &c);
}

jn_err store_employed_latest(stx *t, const scope *sc, const char *region, employed_row *out)
{
	sqlb b;
	sqlb_init(&b, "SELECT " EMPLOYED_COLS " FROM employed");
	sqlb_and(&b, "region = ?", 1, P_TEXT(region));
	scope_employed(&b, sc);
	sqlb_raw(&b, " ORDER BY year DESC LIMIT 1");
	emp_ctx c = {take_employed, out, 0};
	jn_err e = sqlb_each(t, &b, emp_row, &c);
	if (e)
		return e;
	return c.found ? JN_OK : JN_ENOTFOUND;
}

jn_err store_employed_put(stx *t, const scope *sc, employed_row *e, employed_row *before, int *had_before)
{
	if (!sc->system) {
		if (sc->role != ROLE_ADMIN)
			return JN_EFORBIDDEN;
		if (sc->region[0]) {
			char lo[8], hi[8];
			region_range(sc->region, lo, hi);
			if (strcmp(e->region, lo) < 0 || strcmp(e->region, hi) >= 0)
				return JN_EFORBIDDEN;
		}
	}
	*had_before = 0;
	sqlb b;
	sqlb_init(&b, "SELECT " EMPLOYED_COLS " FROM employed");
	sqlb_and(&b, "region = ? AND year = ?", 2, P_TEXT(e->region), P_INT(e->year));
	emp_ctx c = {take_employed, before, 0};
	jn_err err = sqlb_each(t, &b, emp_row, &c);
	if (err)
		return err;
	*had_before = c.found;
	store_now(e->updated_at);
	snprintf(e->updated_by, sizeof e->updated_by, "%s", sc->system || !sc->account_id ? "system" : sc->username);
	db_param p[] = {P_TEXT(e->region), P_INT(e->year), P_INT(e->count), P_TEXT(e->source), P_TEXT(e->updated_at),
			P_TEXT(e->updated_by)};
	return store_db_err(DRV(t)->exec(t->c,
					 "INSERT INTO employed (region, year, count, source, updated_at, updated_by)"
					 " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (region, year) DO UPDATE SET"
					 " count = excluded.count, source = excluded.source,"
					 " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
					 p, 6, NULL));
}

/* ---- training (completed enrolments) ---- */

/* Staff reach the rows of their region through col; the system everything;
 * nobody else anything (the routes are staff-only). */
static void scope_staff_region(sqlb *b, const scope *sc, const char *col)
{
	if (sc->system || (sc->role == ROLE_ADMIN && !sc->region[0]))
		return;
	if ((sc->role == ROLE_ADMIN || sc->role == ROLE_COUNTY) && sc->region[0])
		sqlb_region_col(b, col, sc->region);
	else
		sqlb_and(b, "1 = 0", 0);
}

static void completed_where(sqlb *b, const scope *sc, int64_t programme_id, const char *region, const char *from,
			    const char *to)
{
	sqlb_and(b, "e.state = 'completed' AND e.completed_on >= ? AND e.completed_on <= ?", 2, P_TEXT(from),
		 P_TEXT(to));
	if (programme_id)
		sqlb_and(b, "c.programme_id = ?", 1, P_INT(programme_id));
	scope_staff_region(b, sc, "c.region");
	if (region && region[0])
		sqlb_region_col(b, "c.region", region);
}

typedef struct two_counts {
	int64_t a, b;
} two_counts;

static int two_row(void *ctx, const db_driver *d, db_rows *r)
{
	two_counts *c = ctx;
	c->a = d->rows_int(r, 0);
	c->b = d->rows_int(r, 1);
	return 1;
}

jn_err store_training_count(stx *t, const scope *sc, int64_t programme_id, const char *region, const char *from,
			    const char *to, int64_t *person_times, int64_t *persons, int64_t *classes)
{
	sqlb b;
	sqlb_init(&b, "SELECT COUNT(*), COUNT(DISTINCT e.person_id) FROM enrolments e JOIN classes c ON c.id = e.class_id");
	completed_where(&b, sc, programme_id, region, from, to);
	two_counts n = {0, 0};
	jn_err e = sqlb_each(t, &b, two_row, &n);
	*person_times = n.a;
	*persons = n.b;
	if (e || !classes)
		return e;
	sqlb_init(&b, "SELECT COUNT(*) FROM classes c");
	if (programme_id)
		sqlb_and(&b, "c.programme_id = ?", 1, P_INT(programme_id));
	scope_staff_region(&b, sc, "c.region");
	if (region && region[0])
		sqlb_region_col(&b, "c.region", region);
	return sqlb_count(t, &b, classes);
}

typedef struct group_ctx {
	training_group_fn fn;
	void *ctx;
} group_ctx;

static int group_row(void *ctx, const db_driver *d, db_rows *r)
{
	group_ctx *g = ctx;
	char name[256], county[8], year[8];
	rows_copy(d, r, 1, name, sizeof name);
	rows_copy(d, r, 2, county, sizeof county);
	rows_copy(d, r, 3, year, sizeof year);
	return g->fn(g->ctx, d->rows_int(r, 0), name, county, atoi(year), d->rows_int(r, 4), d->rows_int(r, 5));
}

jn_err store_training_groups(stx *t, const scope *sc, const char *region, const char *from, const char *to,
			     training_group_fn fn, void *ctx, int64_t *person_times, int64_t *persons)
{
	sqlb b;
	sqlb_init(&b, "SELECT c.programme_id, COALESCE(p.name, ''), c.region, substr(e.completed_on, 1, 4),"
		      " COUNT(*), COUNT(DISTINCT e.person_id) FROM enrolments e JOIN classes c ON c.id = e.class_id"
		      " LEFT JOIN programmes p ON p.id = c.programme_id");
	completed_where(&b, sc, 0, region, from, to);
	sqlb_raw(&b, " GROUP BY c.programme_id, p.name, c.region, substr(e.completed_on, 1, 4)"
		     " ORDER BY 4 DESC, 1, 3");
	group_ctx g = {fn, ctx};
	jn_err e = sqlb_each(t, &b, group_row, &g);
	if (!e)
		e = store_training_count(t, sc, 0, region, from, to, person_times, persons, NULL);
	return e;
}

typedef struct trained_ctx {
	trained_fn fn;
	void *ctx;
} trained_ctx;

static int trained_row(void *ctx, const db_driver *d, db_rows *r)
{
	trained_ctx *c = ctx;
	return c->fn(c->ctx, d->rows_text(r, 0), d->rows_int(r, 1));
}

jn_err store_trained_by_county(stx *t, const scope *sc, const char *region, const char *after, const char *upto,
			       trained_fn fn, void *ctx)
{
	sqlb b;
	sqlb_init(&b, "SELECT p.region, COUNT(DISTINCT e.person_id) FROM enrolments e JOIN persons p ON p.id = e.person_id");
	sqlb_and(&b, "e.state = 'completed' AND e.completed_on > ? AND e.completed_on <= ?", 2, P_TEXT(after),
		 P_TEXT(upto));
	scope_staff_region(&b, sc, "p.region");
	if (region && region[0])
		sqlb_region_col(&b, "p.region", region);
	sqlb_raw(&b, " GROUP BY p.region ORDER BY p.region");
	trained_ctx c = {fn, ctx};
	return sqlb_each(t, &b, trained_row, &c);
}

static void read_link(const db_driver *d, db_rows *r, target_link *l)
{
	memset(l, 0, sizeof *l);
	l->target_id = d->rows_int(r, 0);
	l->programme_id = d->rows_int(r, 1);
	rows_copy(d, r, 2, l->period_from, sizeof l->period_from);
	rows_copy(d, r, 3, l->period_to, sizeof l->period_to);
}
STORE_ROW_ADAPTER(link_row_cb, link_cb, target_link, target_link_fn, read_link)

jn_err store_target_links(stx *t, target_link_fn fn, void *ctx)
{
	sqlb b;
	sqlb_init(&b, "SELECT t.id, t.programme_id, p.period_from, p.period_to FROM targets t"
		      " JOIN programmes p ON p.id = t.programme_id ORDER BY t.id");
	link_cb cb = {fn, ctx};
	return sqlb_each(t, &b, link_row_cb, &cb);
}
