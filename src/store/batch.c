/* batch.c — evaluation batches (认定批次): the plan, its state, its
 * examiners, its event log and the objections raised during its notice. */
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"

/* The scope's limit on batches (alias b): administrators and county clerks
 * by the body's region, a body's own accounts its own batches, nobody
 * else any. */
static void scope_batches(sqlb *q, const scope *sc) { scope_region_or_body(q, sc, "b.region", "b.org_id"); }

#define BATCH_SELECT                                                                                         \
	"SELECT b.id, b.org_id, b.region, b.occupation, b.level, b.direction, b.exam_from, b.exam_to, b.place," \
	" b.supervisor_id, b.pass_theory, b.pass_practical, b.pass_review, b.notice_days, b.state,"          \
	" b.notice_from, b.notice_until, b.approved_on, b.issued_on, b.return_reason, b.created_by,"         \
	" b.created_at, b.updated_at, b.version, o.name, e.body_type, COALESCE(c.name, '')"                  \
	" FROM batches b JOIN orgs o ON o.id = b.org_id JOIN evaluators e ON e.org_id = b.org_id"           \
	" LEFT JOIN occupations c ON c.code = b.occupation"

static void read_batch(const db_driver *d, db_rows *r, batch *x)
{
	memset(x, 0, sizeof *x);
	x->id = d->rows_int(r, 0);
	x->org_id = d->rows_int(r, 1);
	rows_copy(d, r, 2, x->region, sizeof x->region);
	rows_copy(d, r, 3, x->occupation, sizeof x->occupation);
	x->level = (int)d->rows_int(r, 4);
	rows_copy(d, r, 5, x->direction, sizeof x->direction);
	rows_copy(d, r, 6, x->exam_from, sizeof x->exam_from);
	rows_copy(d, r, 7, x->exam_to, sizeof x->exam_to);
	rows_copy(d, r, 8, x->place, sizeof x->place);
	x->supervisor_id = d->rows_int(r, 9);
	x->pass_theory = (int)d->rows_int(r, 10);
	x->pass_practical = (int)d->rows_int(r, 11);
	x->pass_review = (int)d->rows_int(r, 12);
	x->notice_days = (int)d->rows_int(r, 13);
	x->state = batch_state_parse(d->rows_text(r, 14));
	rows_copy(d, r, 15, x->notice_from, sizeof x->notice_from);
	rows_copy(d, r, 16, x->notice_until, sizeof x->notice_until);
	rows_copy(d, r, 17, x->approved_on, sizeof x->approved_on);
	rows_copy(d, r, 18, x->issued_on, sizeof x->issued_on);
	rows_copy(d, r, 19, x->return_reason, sizeof x->return_reason);
	rows_copy(d, r, 20, x->created_by, sizeof x->created_by);
	rows_copy(d, r, 21, x->created_at, sizeof x->created_at);
	rows_copy(d, r, 22, x->updated_at, sizeof x->updated_at);
	x->version = (int)d->rows_int(r, 23);
	rows_copy(d, r, 24, x->body_name, sizeof x->body_name);
	x->body_type = d->rows_text(r, 25)[0];
	rows_copy(d, r, 26, x->occupation_name, sizeof x->occupation_name);
}

STORE_ROW_ADAPTER(batch_row, batch_cb, batch, batch_fn, read_batch)

jn_err store_batch_insert(stx *t, batch *b)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_INT(b->org_id),	  P_TEXT(b->region),	  P_TEXT(b->occupation),
			P_INT(b->level),	  P_TEXT(b->direction),	  P_TEXT(b->exam_from),
			P_TEXT(b->exam_to),	  P_TEXT(b->place),	  P_INT(b->supervisor_id),
			P_INT(b->pass_theory),	  P_INT(b->pass_practical), P_INT(b->pass_review),
			P_INT(b->notice_days),	  P_TEXT(batch_state_name(b->state)), P_TEXT(b->created_by),
			P_TEXT(now)};
	jn_err e = store_insert_id(t,
				   "INSERT INTO batches (org_id, region, occupation, level, direction, exam_from, exam_to,"
				   " place, supervisor_id, pass_theory, pass_practical, pass_review, notice_days, state,"
				   " created_by, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
				   " $9, $10, $11, $12, $13, $14, $15, $16, $16, 1) RETURNING id",
				   p, 16, &b->id);
	if (e)
		return e;
	snprintf(b->created_at, sizeof b->created_at, "%s", now);
	snprintf(b->updated_at, sizeof b->updated_at, "%s", now);
	b->version = 1;
	return JN_OK;
}

jn_err store_batch_get(stx *t, const scope *sc, int64_t id, batch *out)
{
	sqlb q;
	sqlb_init(&q, BATCH_SELECT);
	sqlb_and(&q, "b.id = ?", 1, P_INT(id));
	scope_batches(&q, sc);
	return sqlb_one(t, &q, batch_row_into, out);
}

static void batch_where(sqlb *q, const scope *sc, const batch_filter *f)
{
	scope_batches(q, sc);
	if (f->state)
		sqlb_and(q, "b.state = ?", 1, P_TEXT(batch_state_name(f->state)));
	if (f->org_id)
		sqlb_and(q, "b.org_id = ?", 1, P_INT(f->org_id));
	if (f->occupation[0]) {
		char hi[20];
		snprintf(hi, sizeof hi, "%s", f->occupation);
		size_t n = strlen(hi);
		hi[n - 1] = (char)(hi[n - 1] + 1);
		sqlb_and(q, "b.occupation >= ? AND b.occupation < ?", 2, P_TEXT(f->occupation), P_TEXT(hi));
	}
}

jn_err store_batch_list(stx *t, const scope *sc, const batch_filter *f, batch_fn fn, void *ctx, int64_t *total)
{
	int per = f->per_page > 0 && f->per_page <= 200 ? f->per_page : 20;
	int page = f->page > 0 ? f->page : 1;
	sqlb q;
	sqlb_init(&q, BATCH_SELECT);
	batch_where(&q, sc, f);
	sqlb_fmt(&q, " ORDER BY b.id DESC LIMIT ? OFFSET ?", 2, P_INT(per), P_INT((int64_t)(page - 1) * per));
	batch_cb cb = {fn, ctx};
	jn_err e = sqlb_each(t, &q, batch_row, &cb);
	if (e || !total)
		return e;
	sqlb_init(&q, "SELECT COUNT(*) FROM batches b");
	batch_where(&q, sc, f);
	return sqlb_count(t, &q, total);
}

jn_err store_batch_notices(stx *t, batch_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, BATCH_SELECT);
	sqlb_and(&q, "b.state = ?", 1, P_TEXT(batch_state_name(BS_NOTICE)));
	sqlb_raw(&q, " ORDER BY b.notice_from DESC, b.id DESC LIMIT 200");
	batch_cb cb = {fn, ctx};
	return sqlb_each(t, &q, batch_row, &cb);
}

jn_err store_batch_write(stx *t, batch *b, batch_state expect)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_TEXT(b->direction),	  P_TEXT(b->exam_from),	   P_TEXT(b->exam_to),
			P_TEXT(b->place),	  P_INT(b->supervisor_id), P_INT(b->pass_theory),
			P_INT(b->pass_practical), P_INT(b->pass_review),   P_INT(b->notice_days),
			P_TEXT(batch_state_name(b->state)), P_TEXT(b->notice_from), P_TEXT(b->notice_until),
			P_TEXT(b->approved_on),	  P_TEXT(b->issued_on),	   P_TEXT(b->return_reason),
			P_TEXT(now),		  P_INT(b->id),		   P_TEXT(batch_state_name(expect)),
			P_INT(b->version)};
	int64_t changes = 0;
	db_rc rc = DRV(t)->exec(t->c,
				"UPDATE batches SET direction = $1, exam_from = $2, exam_to = $3, place = $4,"
				" supervisor_id = $5, pass_theory = $6, pass_practical = $7, pass_review = $8,"
				" notice_days = $9, state = $10, notice_from = $11, notice_until = $12,"
				" approved_on = $13, issued_on = $14, return_reason = $15, updated_at = $16,"
				" version = version + 1 WHERE id = $17 AND state = $18 AND version = $19",
				p, 19, &changes);
	if (rc != DB_OK)
		return store_db_err(rc);
	if (changes != 1)
		return JN_ECONFLICT;
	b->version++;
	snprintf(b->updated_at, sizeof b->updated_at, "%s", now);
	return JN_OK;
}

jn_err store_batch_examiners_set(stx *t, int64_t batch_id, int n, const int64_t *person_ids)
{
	const db_driver *d = DRV(t);
	db_param k[] = {P_INT(batch_id)};
	db_rc rc = d->exec(t->c, "DELETE FROM batch_examiners WHERE batch_id = $1", k, 1, NULL);
	for (int i = 0; rc == DB_OK && i < n; i++) {
		db_param p[] = {P_INT(batch_id), P_INT(person_ids[i])};
		rc = d->exec(t->c, "INSERT INTO batch_examiners (batch_id, person_id) VALUES ($1, $2)", p, 2, NULL);
	}
	return store_db_err(rc);
}

static void read_examiner(const db_driver *d, db_rows *r, person *p)
{
	memset(p, 0, sizeof *p);
	p->id = d->rows_int(r, 0);
	rows_copy(d, r, 1, p->id_number, sizeof p->id_number);
	rows_copy(d, r, 2, p->name, sizeof p->name);
	rows_copy(d, r, 3, p->region, sizeof p->region);
	rows_copy(d, r, 4, p->employer, sizeof p->employer);
}
STORE_ROW_ADAPTER(examiner_row, pers_cb, person, person_fn, read_examiner)

jn_err store_batch_examiners(stx *t, int64_t batch_id, person_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, "SELECT p.id, p.id_number, p.name, p.region, p.employer FROM batch_examiners x"
		      " JOIN persons p ON p.id = x.person_id");
	sqlb_and(&q, "x.batch_id = ?", 1, P_INT(batch_id));
	sqlb_raw(&q, " ORDER BY p.id");
	pers_cb cb = {fn, ctx};
	return sqlb_each(t, &q, examiner_row, &cb);
}

jn_err store_batch_event(stx *t, int64_t batch_id, const char *actor, const char *from, const char *to,
			 const char *note)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_INT(batch_id), P_TEXT(now), P_TEXT(actor), P_TEXT(from), P_TEXT(to), P_TEXT(note ? note : "")};
	return store_db_err(DRV(t)->exec(t->c,
					 "INSERT INTO batch_events (batch_id, at, actor, from_state, to_state, note)"
					 " VALUES ($1, $2, $3, $4, $5, $6)",
					 p, 6, NULL));
}

static void read_event(const db_driver *d, db_rows *r, batch_event *e)
{
	memset(e, 0, sizeof *e);
	e->id = d->rows_int(r, 0);
	rows_copy(d, r, 1, e->at, sizeof e->at);
	rows_copy(d, r, 2, e->actor, sizeof e->actor);
	rows_copy(d, r, 3, e->from, sizeof e->from);
	rows_copy(d, r, 4, e->to, sizeof e->to);
	rows_copy(d, r, 5, e->note, sizeof e->note);
}
STORE_ROW_ADAPTER(event_row, event_cb, batch_event, batch_event_fn, read_event)

jn_err store_batch_events(stx *t, int64_t batch_id, batch_event_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, "SELECT id, at, actor, from_state, to_state, note FROM batch_events");
	sqlb_and(&q, "batch_id = ?", 1, P_INT(batch_id));
	sqlb_raw(&q, " ORDER BY id");
	event_cb cb = {fn, ctx};
	return sqlb_each(t, &q, event_row, &cb);
}

/* ---- objections ---- */

#define OBJ_COLS                                                                                        \
	"id, batch_id, COALESCE(candidate_id, 0), content, contact, recorded_by, recorded_at, answer,"  \
	" answered_by, answered_at"

static void read_obj(const db_driver *d, db_rows *r, objection *o)
{
	memset(o, 0, sizeof *o);
	o->id = d->rows_int(r, 0);
	o->batch_id = d->rows_int(r, 1);
	o->candidate_id = d->rows_int(r, 2);
	rows_copy(d, r, 3, o->content, sizeof o->content);
	rows_copy(d, r, 4, o->contact, sizeof o->contact);
	rows_copy(d, r, 5, o->recorded_by, sizeof o->recorded_by);
	rows_copy(d, r, 6, o->recorded_at, sizeof o->recorded_at);
	rows_copy(d, r, 7, o->answer, sizeof o->answer);
	rows_copy(d, r, 8, o->answered_by, sizeof o->answered_by);
	rows_copy(d, r, 9, o->answered_at, sizeof o->answered_at);
}

STORE_ROW_ADAPTER(obj_row, obj_cb, objection, objection_fn, read_obj)

jn_err store_objection_insert(stx *t, objection *o)
{
	store_now(o->recorded_at);
	db_param p[] = {P_INT(o->batch_id),	 o->candidate_id ? P_INT(o->candidate_id) : P_NULL,
			P_TEXT(o->content),	 P_TEXT(o->contact),
			P_TEXT(o->recorded_by), P_TEXT(o->recorded_at)};
	return store_insert_id(t,
			       "INSERT INTO objections (batch_id, candidate_id, content, contact, recorded_by, recorded_at)"
			       " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			       p, 6, &o->id);
}

jn_err store_objection_get(stx *t, int64_t batch_id, int64_t id, objection *out)
{
	sqlb q;
	sqlb_init(&q, "SELECT " OBJ_COLS " FROM objections");
	sqlb_and(&q, "id = ?", 1, P_INT(id));
	sqlb_and(&q, "batch_id = ?", 1, P_INT(batch_id));
	return sqlb_one(t, &q, obj_row_into, out);
}

jn_err store_objection_answer(stx *t, objection *o)
{
	store_now(o->answered_at);
	db_param p[] = {P_TEXT(o->answer), P_TEXT(o->answered_by), P_TEXT(o->answered_at), P_INT(o->id),
			P_INT(o->batch_id)};
	int64_t changes = 0;
	db_rc rc = DRV(t)->exec(t->c,
				"UPDATE objections SET answer = $1, answered_by = $2, answered_at = $3"
				" WHERE id = $4 AND batch_id = $5 AND answered_at = ''",
				p, 5, &changes);
	if (rc != DB_OK)
		return store_db_err(rc);
	return changes == 1 ? JN_OK : JN_ECONFLICT;
}

jn_err store_objections(stx *t, int64_t batch_id, objection_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, "SELECT " OBJ_COLS " FROM objections");
	sqlb_and(&q, "batch_id = ?", 1, P_INT(batch_id));
	sqlb_raw(&q, " ORDER BY id");
	obj_cb cb = {fn, ctx};
	return sqlb_each(t, &q, obj_row, &cb);
}
