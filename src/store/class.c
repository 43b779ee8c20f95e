/* class.c — training classes (培训班): the plan and its sessions,
 * enrolments, attendance and check-in codes. */
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"
#include "store/store_training.h"

/* Classes (alias c): staff by the class's region, a trainer its own
 * organisation's, a worker those they are enrolled in. */
static void scope_classes(sqlb *q, const scope *sc)
{
	if (sc->system)
		return;
	switch (sc->role) {
	case ROLE_ADMIN:
	case ROLE_COUNTY:
		if (sc->region[0])
			sqlb_region_col(q, "c.region", sc->region);
		else if (sc->role == ROLE_COUNTY)
			sqlb_and(q, "1 = 0", 0);
		return;
	case ROLE_TRAINER:
		sqlb_and(q, "c.org_id = ?", 1, P_INT(sc->org_id));
		return;
	case ROLE_WORKER:
		sqlb_and(q, "EXISTS (SELECT 1 FROM enrolments w WHERE w.class_id = c.id AND w.person_id = ?)", 1,
			 P_INT(sc->person_id));
		return;
	default:
		sqlb_and(q, "1 = 0", 0);
		return;
	}
}

#define CLASS_COLS                                                                                              \
	"c.id, c.org_id, COALESCE(c.programme_id, 0), COALESCE(c.catalog_id, 0), c.region, c.name, c.occupation," \
	" c.level, c.category, c.mode, c.start_date, c.end_date, c.hours, c.teacher, c.place, c.capacity,"     \
	" c.standard_fen, c.min_attendance, c.state, c.created_by, c.created_at, c.updated_at, c.version,"      \
	" o.name, COALESCE(oc.name, ''), COALESCE(g.name, ''),"                                                 \
	" (SELECT COUNT(*) FROM enrolments e WHERE e.class_id = c.id AND e.state <> 'withdrawn'),"             \
	" (SELECT COUNT(*) FROM class_sessions s WHERE s.class_id = c.id)"
#define CLASS_FROM                                                                                             \
	" FROM classes c JOIN orgs o ON o.id = c.org_id LEFT JOIN occupations oc ON oc.code = c.occupation"     \
	" LEFT JOIN programmes g ON g.id = c.programme_id"

static void read_class(const db_driver *d, db_rows *r, training_class *c)
{
	memset(c, 0, sizeof *c);
	c->id = d->rows_int(r, 0);
	c->org_id = d->rows_int(r, 1);
	c->programme_id = d->rows_int(r, 2);
	c->catalog_id = d->rows_int(r, 3);
	rows_copy(d, r, 4, c->region, sizeof c->region);
	rows_copy(d, r, 5, c->name, sizeof c->name);
	rows_copy(d, r, 6, c->occupation, sizeof c->occupation);
	c->level = (int)d->rows_int(r, 7);
	rows_copy(d, r, 8, c->category, sizeof c->category);
	rows_copy(d, r, 9, c->mode, sizeof c->mode);
	rows_copy(d, r, 10, c->start_date, sizeof c->start_date);
	rows_copy(d, r, 11, c->end_date, sizeof c->end_date);
	c->hours = (int)d->rows_int(r, 12);
	rows_copy(d, r, 13, c->teacher, sizeof c->teacher);
	rows_copy(d, r, 14, c->place, sizeof c->place);
	c->capacity = (int)d->rows_int(r, 15);
	c->standard_fen = d->rows_int(r, 16);
	c->min_attendance = (int)d->rows_int(r, 17);
	rows_copy(d, r, 18, c->state, sizeof c->state);
	rows_copy(d, r, 19, c->created_by, sizeof c->created_by);
	rows_copy(d, r, 20, c->created_at, sizeof c->created_at);
	rows_copy(d, r, 21, c->updated_at, sizeof c->updated_at);
	c->version = (int)d->rows_int(r, 22);
	rows_copy(d, r, 23, c->org_name, sizeof c->org_name);
	rows_copy(d, r, 24, c->occupation_name, sizeof c->occupation_name);
	rows_copy(d, r, 25, c->programme_name, sizeof c->programme_name);
	c->enrolled = (int)d->rows_int(r, 26);
	c->nsessions = (int)d->rows_int(r, 27);
}
STORE_ROW_ADAPTER(class_row, class_cb, training_class, class_fn, read_class)

jn_err store_class_insert(stx *t, training_class *c)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_INT(c->org_id),
			c->programme_id ? P_INT(c->programme_id) : P_NULL,
			P_TEXT(c->region),
			P_TEXT(c->name),
			P_TEXT(c->occupation),
			P_INT(c->level),
			P_TEXT(c->category),
			P_TEXT(c->mode),
			P_TEXT(c->start_date),
			P_TEXT(c->end_date),
			P_INT(c->hours),
			P_TEXT(c->teacher),
			P_TEXT(c->place),
			P_INT(c->capacity),
			c->catalog_id ? P_INT(c->catalog_id) : P_NULL,
			P_INT(c->standard_fen),
			P_INT(c->min_attendance),
			P_TEXT(c->state),
			P_TEXT(c->created_by),
			P_TEXT(now)};
	jn_err e = store_insert_id(t,
				   "INSERT INTO classes (org_id, programme_id, region, name, occupation, level, category, mode,"
				   " start_date, end_date, hours, teacher, place, capacity, catalog_id, standard_fen,"
				   " min_attendance, state, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5,"
				   " $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) RETURNING id",
				   p, 20, &c->id);
	if (e)
		return e;
	snprintf(c->created_at, sizeof c->created_at, "%s", now);
	snprintf(c->updated_at, sizeof c->updated_at, "%s", now);
	c->version = 1;
	return JN_OK;
}

jn_err store_class_write(stx *t, training_class *c, const char *expect_state)
{
	char now[32];
	store_now(now);
	db_param p[] = {c->programme_id ? P_INT(c->programme_id) : P_NULL,
			P_TEXT(c->name),
			P_TEXT(c->occupation),
			P_INT(c->level),
			P_TEXT(c->category),
			P_TEXT(c->mode),
			P_TEXT(c->start_date),
			P_TEXT(c->end_date),
			P_INT(c->hours),
			P_TEXT(c->teacher),
			P_TEXT(c->place),
			P_INT(c->capacity),
			c->catalog_id ? P_INT(c->catalog_id) : P_NULL,
			P_INT(c->standard_fen),
			P_INT(c->min_attendance),
			P_TEXT(c->state),
			P_TEXT(now),
			P_INT(c->id),
			P_TEXT(expect_state)};
	int64_t changes = 0;
	db_rc rc = DRV(t)->exec(t->c,
				"UPDATE classes SET programme_id = $1, name = $2, occupation = $3, level = $4, category = $5,"
				" mode = $6, start_date = $7, end_date = $8, hours = $9, teacher = $10, place = $11,"
				" capacity = $12, catalog_id = $13, standard_fen = $14, min_attendance = $15, state = $16,"
				" updated_at = $17, version = version + 1 WHERE id = $18 AND state = $19",
				p, 19, &changes);
	if (rc != DB_OK)
		return store_db_err(rc);
	if (changes != 1)
		return JN_ECONFLICT;
	snprintf(c->updated_at, sizeof c->updated_at, "%s", now);
	c->version++;
	return JN_OK;
}

jn_err store_class_get(stx *t, const scope *sc, int64_t id, training_class *out)
{
	sqlb q;
	sqlb_init(&q, "SELECT " CLASS_COLS CLASS_FROM);
	sqlb_and(&q, "c.id = ?", 1, P_INT(id));
	scope_classes(&q, sc);
	return sqlb_one(t, &q, class_row_into, out);
}

static void class_where(sqlb *q, const scope *sc, const class_filter *f)
{
	scope_classes(q, sc);
	if (f->state[0])
		sqlb_and(q, "c.state = ?", 1, P_TEXT(f->state));
	if (f->org_id)
		sqlb_and(q, "c.org_id = ?", 1, P_INT(f->org_id));
	if (f->programme_id)
		sqlb_and(q, "c.programme_id = ?", 1, P_INT(f->programme_id));
	if (f->region[0])
		sqlb_region_col(q, "c.region", f->region);
	if (f->occupation[0]) {
		char hi[20];
		snprintf(hi, sizeof hi, "%s", f->occupation);
		size_t n = strlen(hi);
		hi[n - 1] = (char)(hi[n - 1] + 1);
		sqlb_and(q, "c.occupation >= ? AND c.occupation < ?", 2, P_TEXT(f->occupation), P_TEXT(hi));
	}
}

jn_err store_class_list(stx *t, const scope *sc, const class_filter *f, class_fn fn, void *ctx, int64_t *total)
{
	int per = f->per_page > 0 && f->per_page <= 200 ? f->per_page : 20;
	int page = f->page > 0 ? f->page : 1;
	sqlb q;
	sqlb_init(&q, "SELECT " CLASS_COLS CLASS_FROM);
	class_where(&q, sc, f);
	sqlb_fmt(&q, " ORDER BY c.id DESC LIMIT ? OFFSET ?", 2, P_INT(per), P_INT((int64_t)(page - 1) * per));
	class_cb cb = {fn, ctx};
	jn_err e = sqlb_each(t, &q, class_row, &cb);
	if (e || !total)
		return e;
	sqlb_init(&q, "SELECT COUNT(*) FROM classes c");
	class_where(&q, sc, f);
	return sqlb_count(t, &q, total);
}

/* ---- sessions ---- */

jn_err store_sessions_set(stx *t, int64_t class_id, int n, const class_session *s)
{
	const db_driver *d = DRV(t);
	db_param k[] = {P_INT(class_id)};
	db_rc rc = d->exec(t->c, "DELETE FROM checkin_codes WHERE class_id = $1", k, 1, NULL);
	if (rc == DB_OK)
		rc = d->exec(t->c, "DELETE FROM class_sessions WHERE class_id = $1", k, 1, NULL);
	for (int i = 0; rc == DB_OK && i < n; i++) {
		db_param p[] = {P_INT(class_id), P_INT(s[i].seq), P_TEXT(s[i].starts_at), P_TEXT(s[i].ends_at),
				P_TEXT(s[i].topic)};
		rc = d->exec(t->c,
			     "INSERT INTO class_sessions (class_id, seq, starts_at, ends_at, topic) VALUES ($1, $2, $3, $4, $5)",
			     p, 5, NULL);
	}
	return store_db_err(rc);
}

#define SESSION_COLS                                                                                          \
	"s.id, s.class_id, s.seq, s.starts_at, s.ends_at, s.topic,"                                            \
	" (SELECT COUNT(*) FROM attendance a WHERE a.session_id = s.id)"

static void read_session(const db_driver *d, db_rows *r, class_session *s)
{
	memset(s, 0, sizeof *s);
	s->id = d->rows_int(r, 0);
	s->class_id = d->rows_int(r, 1);
	s->seq = (int)d->rows_int(r, 2);
	rows_copy(d, r, 3, s->starts_at, sizeof s->starts_at);
	rows_copy(d, r, 4, s->ends_at, sizeof s->ends_at);
	rows_copy(d, r, 5, s->topic, sizeof s->topic);
	s->present = (int)d->rows_int(r, 6);
}
STORE_ROW_ADAPTER(session_row, session_cb, class_session, session_fn, read_session)

typedef struct presence_cb {
	presence_fn fn;
	void *ctx;
} presence_cb;

static int presence_row(void *ctx, const db_driver *d, db_rows *r)
{
	presence_cb *cb = ctx;
	return cb->fn(cb->ctx, d->rows_int(r, 0), (int)d->rows_int(r, 1));
}

jn_err store_class_presence(stx *t, int64_t class_id, presence_fn fn, void *ctx)
{
	sqlb b;
	sqlb_init(&b, "SELECT a.person_id, s.seq FROM attendance a JOIN class_sessions s ON s.id = a.session_id");
	sqlb_and(&b, "a.class_id = ?", 1, P_INT(class_id));
	sqlb_raw(&b, " ORDER BY a.person_id, s.seq");
	presence_cb cb = {fn, ctx};
	return sqlb_each(t, &b, presence_row, &cb);
}

jn_err store_sessions(stx *t, int64_t class_id, session_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, "SELECT " SESSION_COLS " FROM class_sessions s");
	sqlb_and(&q, "s.class_id = ?", 1, P_INT(class_id));
	sqlb_raw(&q, " ORDER BY s.seq");
	session_cb cb = {fn, ctx};
	return sqlb_each(t, &q, session_row, &cb);
}

jn_err store_session_by_seq(stx *t, int64_t class_id, int seq, class_session *out)
{
	sqlb q;
	sqlb_init(&q, "SELECT " SESSION_COLS " FROM class_sessions s");
	sqlb_and(&q, "s.class_id = ? AND s.seq = ?", 2, P_INT(class_id), P_INT(seq));
	return sqlb_one(t, &q, session_row_into, out);
}

static int clash_into(void *out, const db_driver *d, db_rows *r)
{
	class_clash *c = out;
	memset(c, 0, sizeof *c);
	c->person_id = d->rows_int(r, 0);
	c->other_class_id = d->rows_int(r, 1);
	rows_copy(d, r, 2, c->other_name, sizeof c->other_name);
	rows_copy(d, r, 3, c->other_starts, sizeof c->other_starts);
	rows_copy(d, r, 4, c->other_ends, sizeof c->other_ends);
	rows_copy(d, r, 5, c->mine_starts, sizeof c->mine_starts);
	rows_copy(d, r, 6, c->mine_ends, sizeof c->mine_ends);
	return 1;
}

int store_class_clash(stx *t, int64_t class_id, int64_t person_id, class_clash *out)
{
	sqlb q;
	if (person_id) {
		sqlb_init(&q, "SELECT e.person_id, c.id, c.name, s.starts_at, s.ends_at, x.starts_at, x.ends_at"
			      " FROM enrolments e JOIN classes c ON c.id = e.class_id"
			      " JOIN class_sessions s ON s.class_id = e.class_id CROSS JOIN class_sessions x");
		sqlb_and(&q, "x.class_id = ? AND e.person_id = ? AND e.class_id <> ? AND e.state <> 'withdrawn'", 3,
			 P_INT(class_id), P_INT(person_id), P_INT(class_id));
	} else {
		sqlb_init(&q, "SELECT e.person_id, c.id, c.name, s.starts_at, s.ends_at, x.starts_at, x.ends_at"
			      " FROM enrolments m JOIN enrolments e ON e.person_id = m.person_id AND e.class_id <> m.class_id"
			      " JOIN classes c ON c.id = e.class_id JOIN class_sessions s ON s.class_id = e.class_id"
			      " JOIN class_sessions x ON x.class_id = m.class_id");
		sqlb_and(&q, "m.class_id = ? AND m.state <> 'withdrawn' AND e.state <> 'withdrawn'", 1, P_INT(class_id));
	}
	sqlb_and(&q, "s.starts_at < x.ends_at AND x.starts_at < s.ends_at", 0);
	sqlb_raw(&q, " ORDER BY x.starts_at LIMIT 1");
	jn_err e = sqlb_one(t, &q, clash_into, out);
	return e == JN_ENOTFOUND ? 0 : e ? -1 : 1;
}

/* ---- enrolments ---- */

#define ENROL_COLS                                                                                             \
	"e.id, e.class_id, e.person_id, COALESCE(e.voucher_id, 0), e.state, e.attended, e.result,"             \
	" COALESCE(e.score, -1), e.cert_number, e.completed_on, e.enrolled_by, e.created_at, e.updated_at,"     \
	" p.name, p.id_number, c.name, o.name, c.org_id,"                                                       \
	" (SELECT COUNT(*) FROM class_sessions s WHERE s.class_id = e.class_id), c.occupation, c.level"
#define ENROL_FROM                                                                                             \
	" FROM enrolments e JOIN persons p ON p.id = e.person_id JOIN classes c ON c.id = e.class_id"           \
	" JOIN orgs o ON o.id = c.org_id"

static void read_enrol(const db_driver *d, db_rows *r, enrolment *e)
{
	memset(e, 0, sizeof *e);
	e->id = d->rows_int(r, 0);
	e->class_id = d->rows_int(r, 1);
	e->person_id = d->rows_int(r, 2);
	e->voucher_id = d->rows_int(r, 3);
	rows_copy(d, r, 4, e->state, sizeof e->state);
	e->attended = (int)d->rows_int(r, 5);
	rows_copy(d, r, 6, e->result, sizeof e->result);
	e->score = (int)d->rows_int(r, 7);
	rows_copy(d, r, 8, e->cert_number, sizeof e->cert_number);
	rows_copy(d, r, 9, e->completed_on, sizeof e->completed_on);
	rows_copy(d, r, 10, e->enrolled_by, sizeof e->enrolled_by);
	rows_copy(d, r, 11, e->created_at, sizeof e->created_at);
	rows_copy(d, r, 12, e->updated_at, sizeof e->updated_at);
	rows_copy(d, r, 13, e->name, sizeof e->name);
	rows_copy(d, r, 14, e->id_number, sizeof e->id_number);
	rows_copy(d, r, 15, e->class_name, sizeof e->class_name);
	rows_copy(d, r, 16, e->org_name, sizeof e->org_name);
	e->org_id = d->rows_int(r, 17);
	e->nsessions = (int)d->rows_int(r, 18);
	rows_copy(d, r, 19, e->occupation, sizeof e->occupation);
	e->level = (int)d->rows_int(r, 20);
}
STORE_ROW_ADAPTER(enrol_row, enrol_cb, enrolment, enrolment_fn, read_enrol)

jn_err store_enrolment_put(stx *t, enrolment *e)
{
	char now[32];
	store_now(now);
	const db_driver *d = DRV(t);
	db_param k[] = {P_TEXT(e->enrolled_by), P_TEXT(now), P_INT(e->class_id), P_INT(e->person_id)};
	int64_t changes = 0;
	db_rc rc = d->exec(t->c,
			   "UPDATE enrolments SET state = 'enrolled', voucher_id = NULL, attended = 0, result = '',"
			   " score = NULL, cert_number = '', completed_on = '', enrolled_by = $1, updated_at = $2"
			   " WHERE class_id = $3 AND person_id = $4 AND state = 'withdrawn'",
			   k, 4, &changes);
	if (rc != DB_OK)
		return store_db_err(rc);
	if (changes == 1) {
		sqlb q;
		sqlb_init(&q, "SELECT " ENROL_COLS ENROL_FROM);
		sqlb_and(&q, "e.class_id = ? AND e.person_id = ?", 2, P_INT(e->class_id), P_INT(e->person_id));
		return sqlb_one(t, &q, enrol_row_into, e);
	}
	db_param p[] = {P_INT(e->class_id), P_INT(e->person_id), P_TEXT(e->enrolled_by), P_TEXT(now)};
	jn_err err = store_insert_id(t,
				     "INSERT INTO enrolments (class_id, person_id, state, enrolled_by, created_at, updated_at)"
				     " VALUES ($1, $2, 'enrolled', $3, $4, $4) RETURNING id",
				     p, 4, &e->id);
	if (err)
		return err;
	snprintf(e->state, sizeof e->state, "enrolled");
	snprintf(e->created_at, sizeof e->created_at, "%s", now);
	snprintf(e->updated_at, sizeof e->updated_at, "%s", now);
	e->score = -1;
	return JN_OK;
}

jn_err store_enrolment_write(stx *t, const enrolment *e)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_TEXT(e->state),
			P_INT(e->attended),
			P_TEXT(e->result),
			e->score >= 0 ? P_INT(e->score) : P_NULL,
			P_TEXT(e->cert_number),
			P_TEXT(e->completed_on),
			P_TEXT(now),
			P_INT(e->id)};
	int64_t changes = 0;
	db_rc rc = DRV(t)->exec(t->c,
				"UPDATE enrolments SET state = $1, attended = $2, result = $3, score = $4, cert_number = $5,"
				" completed_on = $6, updated_at = $7 WHERE id = $8",
				p, 8, &changes);
	if (rc != DB_OK)
		return store_db_err(rc);
	return changes == 1 ? JN_OK : JN_ENOTFOUND;
}

jn_err store_enrolment_get(stx *t, const scope *sc, int64_t class_id, int64_t id, enrolment *out)
{
	sqlb q;
	sqlb_init(&q, "SELECT " ENROL_COLS ENROL_FROM);
	sqlb_and(&q, "e.id = ? AND e.class_id = ?", 2, P_INT(id), P_INT(class_id));
	scope_classes(&q, sc);
	if (!sc->system && sc->role == ROLE_WORKER)
		sqlb_and(&q, "e.person_id = ?", 1, P_INT(sc->person_id));
	return sqlb_one(t, &q, enrol_row_into, out);
}

jn_err store_enrolment_of(stx *t, int64_t class_id, int64_t person_id, enrolment *out)
{
	sqlb q;
	sqlb_init(&q, "SELECT " ENROL_COLS ENROL_FROM);
	sqlb_and(&q, "e.class_id = ? AND e.person_id = ?", 2, P_INT(class_id), P_INT(person_id));
	return sqlb_one(t, &q, enrol_row_into, out);
}

static void enrol_where(sqlb *q, const scope *sc, const enrolment_filter *f)
{
	scope_classes(q, sc);
	if (!sc->system && sc->role == ROLE_WORKER)
		sqlb_and(q, "e.person_id = ?", 1, P_INT(sc->person_id));
	if (f->class_id)
		sqlb_and(q, "e.class_id = ?", 1, P_INT(f->class_id));
	if (f->person_id)
		sqlb_and(q, "e.person_id = ?", 1, P_INT(f->person_id));
	if (f->state[0])
		sqlb_and(q, "e.state = ?", 1, P_TEXT(f->state));
}

jn_err store_enrolment_list(stx *t, const scope *sc, const enrolment_filter *f, enrolment_fn fn, void *ctx,
			    int64_t *total)
{
	int per = f->per_page > 0 && f->per_page <= 200 ? f->per_page : 20;
	int page = f->page > 0 ? f->page : 1;
	sqlb q;
	sqlb_init(&q, "SELECT " ENROL_COLS ENROL_FROM);
	enrol_where(&q, sc, f);
	sqlb_fmt(&q, " ORDER BY e.id DESC LIMIT ? OFFSET ?", 2, P_INT(per), P_INT((int64_t)(page - 1) * per));
	enrol_cb cb = {fn, ctx};
	jn_err e = sqlb_each(t, &q, enrol_row, &cb);
	if (e || !total)
		return e;
	sqlb_init(&q, "SELECT COUNT(*) FROM enrolments e JOIN classes c ON c.id = e.class_id");
	enrol_where(&q, sc, f);
	return sqlb_count(t, &q, total);
}

jn_err store_class_enrolments(stx *t, int64_t class_id, enrolment_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, "SELECT " ENROL_COLS ENROL_FROM);
	sqlb_and(&q, "e.class_id = ?", 1, P_INT(class_id));
	sqlb_raw(&q, " ORDER BY e.id");
	enrol_cb cb = {fn, ctx};
	return sqlb_each(t, &q, enrol_row, &cb);
}

/* ---- attendance and check-in codes ---- */

jn_err store_attendance_add(stx *t, int64_t session_id, int64_t class_id, int64_t person_id, const char *at,
			    const char *method, const char *device, const char *by, int *added)
{
	const db_driver *d = DRV(t);
	db_param p[] = {P_INT(session_id), P_INT(person_id), P_INT(class_id), P_TEXT(at),
			P_TEXT(method),	   P_TEXT(device),    P_TEXT(by)};
	int64_t changes = 0;
	db_rc rc = d->exec(t->c,
			   "INSERT INTO attendance (session_id, person_id, class_id, at, method, device, recorded_by)"
			   " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (session_id, person_id) DO NOTHING",
			   p, 7, &changes);
	if (rc != DB_OK)
		return store_db_err(rc);
	*added = changes == 1;
	if (changes == 1) {
		db_param k[] = {P_INT(class_id), P_INT(person_id)};
		rc = d->exec(t->c, "UPDATE enrolments SET attended = attended + 1 WHERE class_id = $1 AND person_id = $2", k,
			     2, NULL);
	}
	return store_db_err(rc);
}

static void read_att(const db_driver *d, db_rows *r, attendance_row *a)
{
	memset(a, 0, sizeof *a);
	a->session_id = d->rows_int(r, 0);
	a->person_id = d->rows_int(r, 1);
	a->seq = (int)d->rows_int(r, 2);
	rows_copy(d, r, 3, a->at, sizeof a->at);
	rows_copy(d, r, 4, a->method, sizeof a->method);
	rows_copy(d, r, 5, a->device, sizeof a->device);
	rows_copy(d, r, 6, a->recorded_by, sizeof a->recorded_by);
}
STORE_ROW_ADAPTER(att_row, att_cb, attendance_row, attendance_fn, read_att)

jn_err store_attendance_of(stx *t, int64_t class_id, int64_t person_id, attendance_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, "SELECT a.session_id, a.person_id, s.seq, a.at, a.method, a.device, a.recorded_by"
		      " FROM attendance a JOIN class_sessions s ON s.id = a.session_id");
	sqlb_and(&q, "a.class_id = ?", 1, P_INT(class_id));
	if (person_id)
		sqlb_and(&q, "a.person_id = ?", 1, P_INT(person_id));
	sqlb_raw(&q, " ORDER BY s.seq, a.person_id");
	att_cb cb = {fn, ctx};
	return sqlb_each(t, &q, att_row, &cb);
}

jn_err store_checkin_code_put(stx *t, int64_t session_id, int64_t class_id, const char *code, const char *expires_at,
			      const char *by)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_INT(session_id), P_INT(class_id), P_TEXT(code), P_TEXT(expires_at), P_TEXT(by), P_TEXT(now)};
	return store_db_err(DRV(t)->exec(t->c,
					 "INSERT INTO checkin_codes (session_id, class_id, code, expires_at, created_by, created_at)"
					 " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (session_id) DO UPDATE SET"
					 " code = excluded.code, expires_at = excluded.expires_at,"
					 " created_by = excluded.created_by, created_at = excluded.created_at",
					 p, 6, NULL));
}

jn_err store_checkin_code_find(stx *t, int64_t class_id, const char *code, int64_t *session_id, char expires_at[32])
{
	const db_driver *d = DRV(t);
	db_param p[] = {P_INT(class_id), P_TEXT(code)};
	db_rows *r;
	db_rc rc = d->query(t->c,
			    "SELECT session_id, expires_at FROM checkin_codes WHERE class_id = $1 AND code = $2"
			    " ORDER BY expires_at DESC LIMIT 1",
			    p, 2, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	int st = d->rows_next(r);
	if (st == 1) {
		*session_id = d->rows_int(r, 0);
		rows_copy(d, r, 1, expires_at, 32);
	}
	d->rows_free(r);
	return st == 1 ? JN_OK : st == 0 ? JN_ENOTFOUND : JN_EDB;
}
