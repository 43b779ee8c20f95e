/* programme.c — training programmes (培训计划) with their targets, and the
 * subsidised-training catalogue (补贴工种目录), versioned by effective date. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "store/store_training.h"

#define PROG_COLS                                                                                             \
	"g.id, g.region, g.name, g.category, g.target_groups, g.units, g.seed, g.item, g.period_from,"        \
	" g.period_to, g.min_attendance, g.created_by, g.created_at, g.updated_at, g.version"

static void read_prog(const db_driver *d, db_rows *r, programme *p)
{
	memset(p, 0, sizeof *p);
	p->id = d->rows_int(r, 0);
	rows_copy(d, r, 1, p->region, sizeof p->region);
	rows_copy(d, r, 2, p->name, sizeof p->name);
	rows_copy(d, r, 3, p->category, sizeof p->category);
	rows_copy(d, r, 4, p->target_groups, sizeof p->target_groups);
	rows_copy(d, r, 5, p->units, sizeof p->units);
	rows_copy(d, r, 6, p->seed, sizeof p->seed);
	rows_copy(d, r, 7, p->item, sizeof p->item);
	rows_copy(d, r, 8, p->period_from, sizeof p->period_from);
	rows_copy(d, r, 9, p->period_to, sizeof p->period_to);
	p->min_attendance = (int)d->rows_int(r, 10);
	rows_copy(d, r, 11, p->created_by, sizeof p->created_by);
	rows_copy(d, r, 12, p->created_at, sizeof p->created_at);
	rows_copy(d, r, 13, p->updated_at, sizeof p->updated_at);
	p->version = (int)d->rows_int(r, 14);
}
STORE_ROW_ADAPTER(prog_row, prog_cb, programme, programme_fn, read_prog)

/* The region, what is under it and the regions above it. */
static void around(sqlb *b, const char *col, const char *region)
{
	char lo[8], hi[8], city[7], prov[7], cond[200];
	region_range(region, lo, hi);
	snprintf(city, sizeof city, "%.4s00", region);
	snprintf(prov, sizeof prov, "%.2s0000", region);
	snprintf(cond, sizeof cond, "((%s >= ? AND %s < ?) OR %s = ? OR %s = ?)", col, col, col, col);
	sqlb_and(b, cond, 4, P_TEXT(lo), P_TEXT(hi), P_TEXT(city), P_TEXT(prov));
}

/* Programmes are policy, read like the targets: staff those of the regions
 * in reach and above their own; a trainer those of its organisation's
 * city and province; nobody else. */
static void scope_programmes(sqlb *b, const scope *sc)
{
	if (sc->system || (sc->role == ROLE_ADMIN && !sc->region[0]))
		return;
	if ((sc->role == ROLE_ADMIN || sc->role == ROLE_COUNTY) && sc->region[0]) {
		around(b, "g.region", sc->region);
		return;
	}
	if (sc->role == ROLE_TRAINER && sc->org_id) {
		sqlb_and(b,
			 "(substr(g.region, 1, 4) = (SELECT substr(o.region, 1, 4) FROM orgs o WHERE o.id = ?)"
			 " OR g.region = (SELECT substr(o.region, 1, 2) || '0000' FROM orgs o WHERE o.id = ?))",
			 2, P_INT(sc->org_id), P_INT(sc->org_id));
		return;
	}
	sqlb_and(b, "1 = 0", 0);
}

jn_err store_programme_insert(stx *t, programme *p)
{
	char now[32];
	store_now(now);
	db_param q[] = {P_TEXT(p->region),	 P_TEXT(p->name),	 P_TEXT(p->category), P_TEXT(p->target_groups),
			P_TEXT(p->units),	 P_TEXT(p->seed),	 P_TEXT(p->item),     P_TEXT(p->period_from),
			P_TEXT(p->period_to),	 P_INT(p->min_attendance), P_TEXT(p->created_by), P_TEXT(now)};
	jn_err e = store_insert_id(t,
				   "INSERT INTO programmes (region, name, category, target_groups, units, seed, item,"
				   " period_from, period_to, min_attendance, created_by, created_at, updated_at)"
				   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
				   q, 12, &p->id);
	if (e)
		return e;
	snprintf(p->created_at, sizeof p->created_at, "%s", now);
	snprintf(p->updated_at, sizeof p->updated_at, "%s", now);
	p->version = 1;
	return JN_OK;
}

jn_err store_programme_update(stx *t, programme *p, int expect_version)
{
	char now[32];
	store_now(now);
	db_param q[] = {P_TEXT(p->region),  P_TEXT(p->name),	   P_TEXT(p->category),    P_TEXT(p->target_groups),
			P_TEXT(p->units),   P_TEXT(p->period_from), P_TEXT(p->period_to),  P_INT(p->min_attendance),
			P_TEXT(now),	    P_INT(p->id),	   P_INT(expect_version)};
	int64_t changes = 0;
	db_rc rc = DRV(t)->exec(t->c,
				"UPDATE programmes SET region = $1, name = $2, category = $3, target_groups = $4, units = $5,"
				" period_from = $6, period_to = $7, min_attendance = $8, updated_at = $9,"
				" version = version + 1 WHERE id = $10 AND version = $11",
				q, 11, &changes);
	if (rc != DB_OK)
		return store_db_err(rc);
	if (changes != 1)
		return JN_ECONFLICT;
	db_param k[] = {P_TEXT(p->name), P_INT(p->id)};
	rc = DRV(t)->exec(t->c, "UPDATE targets SET programme = $1 WHERE programme_id = $2 AND seed = ''", k, 2, NULL);
	if (rc != DB_OK)
		return store_db_err(rc);
	snprintf(p->updated_at, sizeof p->updated_at, "%s", now);
	p->version = expect_version + 1;
	return JN_OK;
}

jn_err store_programme_get(stx *t, const scope *sc, int64_t id, programme *out)
{
	sqlb q;
	sqlb_init(&q, "SELECT " PROG_COLS " FROM programmes g");
	sqlb_and(&q, "g.id = ?", 1, P_INT(id));
	scope_programmes(&q, sc);
	return sqlb_one(t, &q, prog_row_into, out);
}

jn_err store_programme_by_name(stx *t, const scope *sc, const char *region, const char *name, programme *out)
{
	sqlb q;
	sqlb_init(&q, "SELECT " PROG_COLS " FROM programmes g");
	sqlb_and(&q, "g.name = ?", 1, P_TEXT(name));
	if (region && region[0])
		around(&q, "g.region", region);
	scope_programmes(&q, sc);
	/* The most local first (a county's own over its city's). */
	sqlb_raw(&q, " ORDER BY g.region DESC, g.id");
	return sqlb_one(t, &q, prog_row_into, out);
}

jn_err store_programme_list(stx *t, const scope *sc, const programme_filter *f, programme_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, "SELECT " PROG_COLS " FROM programmes g");
	scope_programmes(&q, sc);
	if (f->region[0])
		around(&q, "g.region", f->region);
	if (f->category[0])
		sqlb_and(&q, "g.category = ?", 1, P_TEXT(f->category));
	sqlb_raw(&q, " ORDER BY g.region, g.id");
	prog_cb cb = {fn, ctx};
	return sqlb_each(t, &q, prog_row, &cb);
}

static void read_target(const db_driver *d, db_rows *r, target_row *x)
{
	memset(x, 0, sizeof *x);
	x->id = d->rows_int(r, 0);
	rows_copy(d, r, 1, x->region, sizeof x->region);
	rows_copy(d, r, 2, x->seed, sizeof x->seed);
	rows_copy(d, r, 3, x->item, sizeof x->item);
	rows_copy(d, r, 4, x->programme, sizeof x->programme);
	rows_copy(d, r, 5, x->metric, sizeof x->metric);
	rows_copy(d, r, 6, x->unit, sizeof x->unit);
	rows_copy(d, r, 7, x->target, sizeof x->target);
	rows_copy(d, r, 8, x->by, sizeof x->by);
}
STORE_ROW_ADAPTER(ptarget_row, ptarget_cb, target_row, target_fn, read_target)

jn_err store_programme_targets(stx *t, int64_t programme_id, target_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, "SELECT id, region, seed, item, programme, metric, unit, target, due FROM targets");
	sqlb_and(&q, "programme_id = ?", 1, P_INT(programme_id));
	sqlb_raw(&q, " ORDER BY id");
	ptarget_cb cb = {fn, ctx};
	return sqlb_each(t, &q, ptarget_row, &cb);
}

jn_err store_programme_targets_set(stx *t, const programme *p, int n, const target_row *rows)
{
	const db_driver *d = DRV(t);
	db_param k[] = {P_INT(p->id)};
	db_rc rc = d->exec(t->c, "DELETE FROM targets WHERE programme_id = $1 AND seed = ''", k, 1, NULL);
	for (int i = 0; rc == DB_OK && i < n; i++) {
		db_param q[] = {P_TEXT(p->region), P_TEXT(rows[i].item),   P_TEXT(p->name), P_TEXT(rows[i].metric),
				P_TEXT(rows[i].unit), P_TEXT(rows[i].target), P_TEXT(rows[i].by), P_INT(p->id)};
		rc = d->exec(t->c,
			     "INSERT INTO targets (region, seed, item, programme, metric, unit, target, due, programme_id)"
			     " VALUES ($1, '', $2, $3, $4, $5, $6, $7, $8)",
			     q, 8, NULL);
	}
	return store_db_err(rc);
}

typedef struct seed_group {
	char region[7];
	char name[128];
	char seed[96];
	char items[128];
	char metrics[1024];
	char units[512];
	char due_max[8];
} seed_group;

typedef struct groups {
	seed_group g[256];
	int n;
} groups;

static void append(char *dst, size_t cap, const char *sep, const char *s)
{
	size_t n = strlen(dst);
	if (strstr(dst, s) && strcmp(sep, "|"))
		return;
	if (n + strlen(sep) + strlen(s) + 1 > cap)
		return;
	snprintf(dst + n, cap - n, "%s%s", n ? sep : "", s);
}

static int group_row(void *ctx, const db_driver *d, db_rows *r)
{
	groups *gs = ctx;
	const char *region = d->rows_text(r, 0), *name = d->rows_text(r, 1);
	seed_group *g = NULL;
	for (int i = 0; i < gs->n; i++)
		if (strcmp(gs->g[i].region, region) == 0 && strcmp(gs->g[i].name, name) == 0)
			g = &gs->g[i];
	if (!g) {
		if (gs->n >= 256)
			return 0;
		g = &gs->g[gs->n++];
		memset(g, 0, sizeof *g);
		snprintf(g->region, sizeof g->region, "%s", region);
		snprintf(g->name, sizeof g->name, "%s", name);
		snprintf(g->seed, sizeof g->seed, "%s", d->rows_text(r, 2));
	}
	append(g->items, sizeof g->items, "、", d->rows_text(r, 3));
	append(g->metrics, sizeof g->metrics, "|", d->rows_text(r, 4));
	append(g->units, sizeof g->units, "|", d->rows_text(r, 5));
	const char *due = d->rows_text(r, 6);
	if (strlen(due) == 4 && strcmp(due, g->due_max) > 0)
		snprintf(g->due_max, sizeof g->due_max, "%s", due);
	return 0;
}

jn_err store_programmes_from_targets(stx *t, category_rule_fn rule, int *created)
{
	*created = 0;
	groups *gs = calloc(1, sizeof *gs);
	if (!gs)
		return JN_ENOMEM;
	sqlb q;
	sqlb_init(&q, "SELECT region, programme, seed, item, metric, unit, due FROM targets");
	sqlb_and(&q, "seed <> ''", 0);
	sqlb_raw(&q, " ORDER BY region, id");
	jn_err e = sqlb_each(t, &q, group_row, gs);
	char now[32];
	store_now(now);
	for (int i = 0; !e && i < gs->n; i++) {
		seed_group *g = &gs->g[i];
		char to[11] = "";
		if (g->due_max[0])
			snprintf(to, sizeof to, "%.4s-12-31", g->due_max);
		db_param p[] = {P_TEXT(g->region), P_TEXT(g->name), P_TEXT(rule(g->name, g->metrics, g->units)),
				P_TEXT(g->seed),   P_TEXT(g->items), P_TEXT(to), P_TEXT(now)};
		int64_t changes = 0;
		db_rc rc = DRV(t)->exec(t->c,
					"INSERT INTO programmes (region, name, category, seed, item, period_to, created_by,"
					" created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'system', $7, $7)"
					" ON CONFLICT (region, name) DO NOTHING",
					p, 7, &changes);
		if (rc != DB_OK)
			e = store_db_err(rc);
		*created += (int)changes;
	}
	free(gs);
	if (!e)
		e = store_db_err(DRV(t)->exec(t->c,
					      "UPDATE targets SET programme_id = (SELECT p.id FROM programmes p WHERE"
					      " p.region = targets.region AND p.name = targets.programme)"
					      " WHERE programme_id IS NULL",
					      NULL, 0, NULL));
	return e;
}

/* ---- the subsidised-training catalogue ---- */

#define CAT_COLS                                                                                              \
	"k.id, k.region, k.effective_from, k.occupation, k.level, k.standard_fen, k.min_hours, k.source,"      \
	" k.created_at, COALESCE(o.name, '')"
#define CAT_FROM " FROM subsidy_catalog k LEFT JOIN occupations o ON o.code = k.occupation"

static void read_cat(const db_driver *d, db_rows *r, catalog_row *c)
{
	memset(c, 0, sizeof *c);
	c->id = d->rows_int(r, 0);
	rows_copy(d, r, 1, c->region, sizeof c->region);
	rows_copy(d, r, 2, c->effective_from, sizeof c->effective_from);
	rows_copy(d, r, 3, c->occupation, sizeof c->occupation);
	c->level = (int)d->rows_int(r, 4);
	c->standard_fen = d->rows_int(r, 5);
	c->min_hours = (int)d->rows_int(r, 6);
	rows_copy(d, r, 7, c->source, sizeof c->source);
	rows_copy(d, r, 8, c->created_at, sizeof c->created_at);
	rows_copy(d, r, 9, c->occupation_name, sizeof c->occupation_name);
}
STORE_ROW_ADAPTER(cat_row, cat_cb, catalog_row, catalog_fn, read_cat)

jn_err store_catalog_put(stx *t, catalog_row *c, int *inserted)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_TEXT(c->region),	  P_TEXT(c->effective_from), P_TEXT(c->occupation), P_INT(c->level),
			P_INT(c->standard_fen), P_INT(c->min_hours),	     P_TEXT(c->source),	    P_TEXT(now)};
	const db_driver *d = DRV(t);
	db_rows *r;
	db_rc rc = d->query(t->c,
			    "INSERT INTO subsidy_catalog (region, effective_from, occupation, level, standard_fen,"
			    " min_hours, source, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
			    " ON CONFLICT (region, effective_from, occupation, level) DO NOTHING RETURNING id",
			    p, 8, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	int st = d->rows_next(r);
	*inserted = st == 1;
	if (st == 1)
		c->id = d->rows_int(r, 0);
	d->rows_free(r);
	if (st < 0)
		return JN_EDB;
	snprintf(c->created_at, sizeof c->created_at, "%s", now);
	return JN_OK;
}

static void city_or_province(sqlb *q, const char *region)
{
	char city[7], prov[7];
	snprintf(city, sizeof city, "%.4s00", region);
	snprintf(prov, sizeof prov, "%.2s0000", region);
	sqlb_and(q, "(k.region = ? OR k.region = ?)", 2, P_TEXT(city), P_TEXT(prov));
}

jn_err store_catalog_in_force(stx *t, const char *region, const char *occ, int level, const char *on,
			      catalog_row *out)
{
	sqlb q;
	sqlb_init(&q, "SELECT " CAT_COLS CAT_FROM);
	sqlb_and(&q, "k.occupation = ? AND k.level = ? AND k.effective_from <= ?", 3, P_TEXT(occ), P_INT(level),
		 P_TEXT(on));
	city_or_province(&q, region);
	sqlb_raw(&q, " ORDER BY k.effective_from DESC, k.region DESC LIMIT 1");
	return sqlb_one(t, &q, cat_row_into, out);
}

jn_err store_catalog_list(stx *t, const char *region, const char *occ, int level, const char *on,
			  catalog_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, "SELECT " CAT_COLS CAT_FROM);
	if (region && region[0])
		city_or_province(&q, region);
	if (occ && occ[0])
		sqlb_and(&q, "k.occupation = ?", 1, P_TEXT(occ));
	if (level > 0)
		sqlb_and(&q, "k.level = ?", 1, P_INT(level));
	if (on && on[0]) {
		/* Only the version in force: no later version of the same
		 * region, occupation and level has begun by then. */
		sqlb_and(&q,
			 "k.effective_from <= ? AND NOT EXISTS (SELECT 1 FROM subsidy_catalog k2 WHERE"
			 " k2.region = k.region AND k2.occupation = k.occupation AND k2.level = k.level"
			 " AND k2.effective_from > k.effective_from AND k2.effective_from <= ?)",
			 2, P_TEXT(on), P_TEXT(on));
	}
	sqlb_raw(&q, " ORDER BY k.region, k.occupation, k.level, k.effective_from DESC LIMIT 5000");
	cat_cb cb = {fn, ctx};
	return sqlb_each(t, &q, cat_row, &cb);
}

jn_err store_catalog_get(stx *t, int64_t id, catalog_row *out)
{
	sqlb q;
	sqlb_init(&q, "SELECT " CAT_COLS CAT_FROM);
	sqlb_and(&q, "k.id = ?", 1, P_INT(id));
	return sqlb_one(t, &q, cat_row_into, out);
}
