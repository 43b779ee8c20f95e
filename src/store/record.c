/* record.c — the lifelong record's append-only entries (record_entries). */
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"
#include "store/store_record.h"

#define RECORD_COLS                                                                                             \
	"id, person_id, on_date, kind, title, detail, ref_kind, ref_id, source, recorded_by, recorded_at, corrects"

jn_err store_record_add(stx *t, record_entry *e)
{
	if (!e->recorded_at[0])
		store_now(e->recorded_at);
	db_param p[] = {P_INT(e->person_id),
			P_TEXT(e->on_date),
			P_TEXT(e->kind),
			P_TEXT(e->title),
			P_TEXT(e->detail ? e->detail : "{}"),
			P_TEXT(e->ref_kind),
			e->ref_id ? P_INT(e->ref_id) : P_NULL,
			P_TEXT(e->source),
			P_TEXT(e->recorded_by[0] ? e->recorded_by : "system"),
			P_TEXT(e->recorded_at),
			e->corrects ? P_INT(e->corrects) : P_NULL};
	return store_insert_id(t,
			       "INSERT INTO record_entries (person_id, on_date, kind, title, detail, ref_kind, ref_id,"
			       " source, recorded_by, recorded_at, corrects)"
			       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
			       p, 11, &e->id);
}

/* The detail text is only valid while the row is: list callbacks get it,
 * a single-row read (store_record_get) does not keep it. */
static void read_entry(const db_driver *d, db_rows *r, record_entry *e)
{
	memset(e, 0, sizeof *e);
	e->id = d->rows_int(r, 0);
	e->person_id = d->rows_int(r, 1);
	rows_copy(d, r, 2, e->on_date, sizeof e->on_date);
	rows_copy(d, r, 3, e->kind, sizeof e->kind);
	rows_copy(d, r, 4, e->title, sizeof e->title);
	e->detail = d->rows_text(r, 5);
	rows_copy(d, r, 6, e->ref_kind, sizeof e->ref_kind);
	e->ref_id = d->rows_int(r, 7);
	rows_copy(d, r, 8, e->source, sizeof e->source);
	rows_copy(d, r, 9, e->recorded_by, sizeof e->recorded_by);
	rows_copy(d, r, 10, e->recorded_at, sizeof e->recorded_at);
	e->corrects = d->rows_int(r, 11);
}
STORE_ROW_ADAPTER(record_row_cb, record_cb, record_entry, record_fn, read_entry)

jn_err store_record_list(stx *t, int64_t person_id, record_fn fn, void *ctx)
{
	sqlb b;
	sqlb_init(&b, "SELECT " RECORD_COLS " FROM record_entries");
	sqlb_and(&b, "person_id = ?", 1, P_INT(person_id));
	sqlb_raw(&b, " ORDER BY on_date DESC, id DESC");
	record_cb cb = {fn, ctx};
	return sqlb_each(t, &b, record_row_cb, &cb);
}

jn_err store_record_get(stx *t, int64_t person_id, int64_t id, record_entry *out)
{
	sqlb b;
	sqlb_init(&b, "SELECT " RECORD_COLS " FROM record_entries");
	sqlb_and(&b, "person_id = ? AND id = ?", 2, P_INT(person_id), P_INT(id));
	jn_err e = sqlb_one(t, &b, record_row_cb_into, out);
	out->detail = NULL;
	return e;
}
