/* target.c — the targets of the seed documents (技能玉溪, 技能曲靖, …),
 * loaded by `jineng init` and read by the dashboards. */
#include <stdio.h>
#include <string.h>

#include "core/regions.h"
#include "store/store_internal.h"

#define TARGET_COLS "id, region, seed, item, programme, metric, unit, target, due"

jn_err store_target_put(stx *t, const target_row *x)
{
	db_param p[] = {P_TEXT(x->region), P_TEXT(x->seed),   P_TEXT(x->item),   P_TEXT(x->programme),
			P_TEXT(x->metric), P_TEXT(x->unit),   P_TEXT(x->target), P_TEXT(x->by)};
	return store_db_err(DRV(t)->exec(t->c,
					 "INSERT INTO targets (region, seed, item, programme, metric, unit, target, due)"
					 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
					 " ON CONFLICT (region, seed, item, programme, metric) DO UPDATE SET"
					 " unit = excluded.unit, target = excluded.target, due = excluded.due",
					 p, 8, NULL));
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
STORE_ROW_ADAPTER(target_row_cb, target_cb, target_row, target_fn, read_target)

/* Targets are policy, not personal data: a caller sees those of the
 * regions in their scope and those set for the regions above their own
 * (a county clerk sees the city's and the province's). */
static void scope_targets(sqlb *b, const scope *sc)
{
	if (sc->system || (sc->role == ROLE_ADMIN && !sc->region[0]))
		return;
	if ((sc->role != ROLE_ADMIN && sc->role != ROLE_COUNTY) || !sc->region[0]) {
		sqlb_and(b, "1 = 0", 0);
		return;
	}
	char lo[8], hi[8], city[7], prov[7];
	region_range(sc->region, lo, hi);
	snprintf(city, sizeof city, "%.4s00", sc->region);
	snprintf(prov, sizeof prov, "%.2s0000", sc->region);
	sqlb_and(b, "((region >= ? AND region < ?) OR region = ? OR region = ?)", 4, P_TEXT(lo), P_TEXT(hi),
		 P_TEXT(city), P_TEXT(prov));
}

jn_err store_target_list(stx *t, const scope *sc, const char *region, target_fn fn, void *ctx)
{
	sqlb b;
	sqlb_init(&b, "SELECT " TARGET_COLS " FROM targets");
	scope_targets(&b, sc);
	if (region && region[0]) {
		/* The region's own targets, those under it, and those of the
		 * regions above it (a city's targets are a county's too). */
		char lo[8], hi[8], city[7], prov[7];
		region_range(region, lo, hi);
		snprintf(city, sizeof city, "%.4s00", region);
		snprintf(prov, sizeof prov, "%.2s0000", region);
		sqlb_and(&b, "((region >= ? AND region < ?) OR region = ? OR region = ?)", 4, P_TEXT(lo), P_TEXT(hi),
			 P_TEXT(city), P_TEXT(prov));
	}
	sqlb_raw(&b, " ORDER BY region, id");
	target_cb cb = {fn, ctx};
	return sqlb_each(t, &b, target_row_cb, &cb);
}
