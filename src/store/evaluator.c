/* evaluator.c — evaluation bodies: their registration (type, body code,
 * site serial), the occupation x level pairs they may evaluate, and their
 * examiners (考评员) and quality supervisors (质量督导员). */
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"

/* The scope's limit on registrations (evaluators e joined with orgs o):
 * administrators and county clerks by the body's region, a body's own
 * accounts their own registration, nobody else any. */
static void scope_evaluators(sqlb *b, const scope *sc) { scope_region_or_body(b, sc, "o.region", "e.org_id"); }

#define REG_SELECT                                                                                          \
	"SELECT e.org_id, e.body_type, e.body_code, e.site_serial, COALESCE(e.employer_org_id, 0),"         \
	" e.created_at, e.updated_at, o.name, o.region, COALESCE(m.name, '')"                               \
	" FROM evaluators e JOIN orgs o ON o.id = e.org_id LEFT JOIN orgs m ON m.id = e.employer_org_id"

static void read_reg(const db_driver *d, db_rows *r, evaluator_reg *x)
{
	memset(x, 0, sizeof *x);
	x->org_id = d->rows_int(r, 0);
	x->body_type = d->rows_text(r, 1)[0];
	rows_copy(d, r, 2, x->body_code, sizeof x->body_code);
	rows_copy(d, r, 3, x->site_serial, sizeof x->site_serial);
	x->employer_org_id = d->rows_int(r, 4);
	rows_copy(d, r, 5, x->created_at, sizeof x->created_at);
	rows_copy(d, r, 6, x->updated_at, sizeof x->updated_at);
	rows_copy(d, r, 7, x->name, sizeof x->name);
	rows_copy(d, r, 8, x->region, sizeof x->region);
	rows_copy(d, r, 9, x->employer_name, sizeof x->employer_name);
}

STORE_ROW_ADAPTER(reg_row, reg_cb, evaluator_reg, evaluator_fn, read_reg)

static int take_reg(void *ctx, const evaluator_reg *r)
{
	*(evaluator_reg *)ctx = *r;
	return 1;
}

jn_err store_evaluator_get(stx *t, const scope *sc, int64_t org_id, evaluator_reg *out)
{
	sqlb b;
	sqlb_init(&b, REG_SELECT);
	sqlb_and(&b, "e.org_id = ?", 1, P_INT(org_id));
	scope_evaluators(&b, sc);
	out->org_id = 0;
	reg_cb cb = {take_reg, out};
	jn_err e = sqlb_each(t, &b, reg_row, &cb);
	if (e)
		return e;
	return out->org_id ? JN_OK : JN_ENOTFOUND;
}

jn_err store_evaluator_list(stx *t, const scope *sc, evaluator_fn fn, void *ctx)
{
	sqlb b;
	sqlb_init(&b, REG_SELECT);
	scope_evaluators(&b, sc);
	sqlb_raw(&b, " ORDER BY e.org_id");
	reg_cb cb = {fn, ctx};
	return sqlb_each(t, &b, reg_row, &cb);
}

jn_err store_evaluator_put(stx *t, evaluator_reg *r)
{
	char now[32], type[2] = {r->body_type, '\0'};
	store_now(now);
	db_param p[] = {P_INT(r->org_id),
			P_TEXT(type),
			P_TEXT(r->body_code),
			P_TEXT(r->site_serial),
			r->employer_org_id ? P_INT(r->employer_org_id) : P_NULL,
			P_TEXT(now)};
	db_rc rc = DRV(t)->exec(t->c,
				"INSERT INTO evaluators (org_id, body_type, body_code, site_serial, employer_org_id,"
				" created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)"
				" ON CONFLICT (org_id) DO UPDATE SET body_type = excluded.body_type,"
				" body_code = excluded.body_code, site_serial = excluded.site_serial,"
				" employer_org_id = excluded.employer_org_id, updated_at = excluded.updated_at",
				p, 6, NULL);
	if (rc != DB_OK)
		return store_db_err(rc);
	snprintf(r->updated_at, sizeof r->updated_at, "%s", now);
	return JN_OK;
}

jn_err store_evaluator_pairs_set(stx *t, int64_t org_id, int n, const eval_pair *pairs)
{
	const db_driver *d = DRV(t);
	db_param k[] = {P_INT(org_id)};
	db_rc rc = d->exec(t->c, "DELETE FROM evaluator_pairs WHERE org_id = $1", k, 1, NULL);
	for (int i = 0; rc == DB_OK && i < n; i++) {
		db_param p[] = {P_INT(org_id), P_TEXT(pairs[i].occupation), P_INT(pairs[i].level)};
		rc = d->exec(t->c, "INSERT INTO evaluator_pairs (org_id, occupation, level) VALUES ($1, $2, $3)", p, 3,
			     NULL);
	}
	return store_db_err(rc);
}

static void read_pair(const db_driver *d, db_rows *r, eval_pair *p)
{
	rows_copy(d, r, 0, p->occupation, sizeof p->occupation);
	p->level = (int)d->rows_int(r, 1);
}
STORE_ROW_ADAPTER(pair_row, pair_cb, eval_pair, eval_pair_fn, read_pair)

jn_err store_evaluator_pairs(stx *t, int64_t org_id, eval_pair_fn fn, void *ctx)
{
	sqlb b;
	sqlb_init(&b, "SELECT occupation, level FROM evaluator_pairs");
	sqlb_and(&b, "org_id = ?", 1, P_INT(org_id));
	sqlb_raw(&b, " ORDER BY occupation, level");
	pair_cb cb = {fn, ctx};
	return sqlb_each(t, &b, pair_row, &cb);
}

/* 1 when the query's first column of its first row is non-zero. */
static int exists(stx *t, const char *sql, const db_param *p, int n)
{
	const db_driver *d = DRV(t);
	db_rows *r;
	if (d->query(t->c, sql, p, n, &r) != DB_OK)
		return -1;
	int st = d->rows_next(r);
	int v = st == 1 ? (int)d->rows_int(r, 0) : 0;
	d->rows_free(r);
	return st < 0 ? -1 : v != 0;
}

int store_evaluator_has_pair(stx *t, int64_t org_id, const char *occ, int level)
{
	db_param p[] = {P_INT(org_id), P_TEXT(occ), P_INT(level)};
	return exists(t, "SELECT COUNT(*) FROM evaluator_pairs WHERE org_id = $1 AND occupation = $2 AND level = $3", p,
		      3);
}

jn_err store_evaluator_staff_add(stx *t, int64_t org_id, int64_t person_id, const char *staff_role)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_INT(org_id), P_INT(person_id), P_TEXT(staff_role), P_TEXT(now)};
	return store_db_err(DRV(t)->exec(t->c,
					 "INSERT INTO evaluator_staff (org_id, person_id, staff_role, created_at)"
					 " VALUES ($1, $2, $3, $4)",
					 p, 4, NULL));
}

static void read_staff(const db_driver *d, db_rows *r, eval_staff *s)
{
	memset(s, 0, sizeof *s);
	s->person_id = d->rows_int(r, 0);
	rows_copy(d, r, 1, s->role, sizeof s->role);
	rows_copy(d, r, 2, s->name, sizeof s->name);
	rows_copy(d, r, 3, s->id_number, sizeof s->id_number);
	rows_copy(d, r, 4, s->employer, sizeof s->employer);
	rows_copy(d, r, 5, s->region, sizeof s->region);
	rows_copy(d, r, 6, s->created_at, sizeof s->created_at);
}
STORE_ROW_ADAPTER(staff_row, staff_cb, eval_staff, eval_staff_fn, read_staff)

jn_err store_evaluator_staff(stx *t, int64_t org_id, eval_staff_fn fn, void *ctx)
{
	sqlb b;
	sqlb_init(&b, "SELECT s.person_id, s.staff_role, p.name, p.id_number, p.employer, p.region, s.created_at"
		      " FROM evaluator_staff s JOIN persons p ON p.id = s.person_id");
	sqlb_and(&b, "s.org_id = ?", 1, P_INT(org_id));
	sqlb_raw(&b, " ORDER BY s.staff_role, s.person_id");
	staff_cb cb = {fn, ctx};
	return sqlb_each(t, &b, staff_row, &cb);
}

int store_evaluator_is_staff(stx *t, int64_t org_id, int64_t person_id, const char *staff_role)
{
	db_param p[] = {P_INT(org_id), P_INT(person_id), P_TEXT(staff_role)};
	return exists(t,
		      "SELECT COUNT(*) FROM evaluator_staff WHERE org_id = $1 AND person_id = $2 AND staff_role = $3",
		      p, 3);
}

jn_err store_org_find(stx *t, const char *uscc, const char *name, org *out)
{
	const db_driver *d = DRV(t);
	db_param p[] = {P_TEXT(uscc ? uscc : name)};
	db_rows *r;
	db_rc rc = d->query(t->c,
			    uscc ? "SELECT id, uscc, name, kind, region FROM orgs WHERE uscc = $1"
				 : "SELECT id, uscc, name, kind, region FROM orgs WHERE name = $1 ORDER BY id LIMIT 1",
			    p, 1, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	int st = d->rows_next(r);
	if (st == 1) {
		memset(out, 0, sizeof *out);
		out->id = d->rows_int(r, 0);
		rows_copy(d, r, 1, out->uscc, sizeof out->uscc);
		rows_copy(d, r, 2, out->name, sizeof out->name);
		out->kind = org_kind_parse(d->rows_text(r, 3));
		rows_copy(d, r, 4, out->region, sizeof out->region);
	}
	d->rows_free(r);
	return st == 1 ? JN_OK : st == 0 ? JN_ENOTFOUND : JN_EDB;
}
