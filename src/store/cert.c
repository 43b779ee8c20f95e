/* cert.c — certificates, the serial counter of each number prefix, each
 * worker's highest valid level per occupation, and the public
 * verification's daily counts. */
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"

/* The scope's limit on certificates (alias c, joined with persons p):
 * administrators and county clerks by the holder's region, a body's own
 * accounts the certificates it issued, a worker their own. */
static void scope_certs(sqlb *q, const scope *sc)
{
	if (sc->system)
		return;
	switch (sc->role) {
	case ROLE_ADMIN:
	case ROLE_COUNTY:
		if (sc->region[0])
			sqlb_region_col(q, "p.region", sc->region);
		else if (sc->role == ROLE_COUNTY)
			sqlb_and(q, "1 = 0", 0);
		return;
	case ROLE_EVALUATOR:
		sqlb_and(q, "c.body_org_id = ?", 1, P_INT(sc->org_id));
		return;
	case ROLE_WORKER:
		sqlb_and(q, "c.person_id = ?", 1, P_INT(sc->person_id));
		return;
	default:
		sqlb_and(q, "1 = 0", 0);
		return;
	}
}

/* The same limit on the batches (alias b) whose certificates are listed. */
static void scope_batch_of_certs(sqlb *q, const scope *sc) { scope_region_or_body(q, sc, "b.region", "b.org_id"); }

#define CERT_COLS                                                                                            \
	"c.id, c.number, c.person_id, c.holder_name, c.id_type, c.id_number, c.occupation, c.occupation_name,"  \
	" c.direction, c.level, c.route, COALESCE(c.body_org_id, 0), c.body_name, c.body_type, c.body_code,"   \
	" c.approved_on, c.issued_on, c.status, c.revoked_on, c.revoke_reason, COALESCE(c.batch_id, 0),"      \
	" COALESCE(c.candidate_id, 0), c.imported, c.created_at, c.updated_at"

static void read_cert(const db_driver *d, db_rows *r, certificate *c)
{
	memset(c, 0, sizeof *c);
	c->id = d->rows_int(r, 0);
	rows_copy(d, r, 1, c->number, sizeof c->number);
	c->person_id = d->rows_int(r, 2);
	rows_copy(d, r, 3, c->holder_name, sizeof c->holder_name);
	rows_copy(d, r, 4, c->id_type, sizeof c->id_type);
	rows_copy(d, r, 5, c->id_number, sizeof c->id_number);
	rows_copy(d, r, 6, c->occupation, sizeof c->occupation);
	rows_copy(d, r, 7, c->occupation_name, sizeof c->occupation_name);
	rows_copy(d, r, 8, c->direction, sizeof c->direction);
	c->level = (int)d->rows_int(r, 9);
	c->route = cert_route_parse(d->rows_text(r, 10));
	c->body_org_id = d->rows_int(r, 11);
	rows_copy(d, r, 12, c->body_name, sizeof c->body_name);
	c->body_type = d->rows_text(r, 13)[0];
	rows_copy(d, r, 14, c->body_code, sizeof c->body_code);
	rows_copy(d, r, 15, c->approved_on, sizeof c->approved_on);
	rows_copy(d, r, 16, c->issued_on, sizeof c->issued_on);
	c->status = cert_status_parse(d->rows_text(r, 17));
	rows_copy(d, r, 18, c->revoked_on, sizeof c->revoked_on);
	rows_copy(d, r, 19, c->revoke_reason, sizeof c->revoke_reason);
	c->batch_id = d->rows_int(r, 20);
	c->candidate_id = d->rows_int(r, 21);
	c->imported = (int)d->rows_int(r, 22);
	rows_copy(d, r, 23, c->created_at, sizeof c->created_at);
	rows_copy(d, r, 24, c->updated_at, sizeof c->updated_at);
}

STORE_ROW_ADAPTER(cert_row, cert_cb, certificate, cert_fn, read_cert)

jn_err store_cert_insert(stx *t, certificate *c)
{
	char now[32], type[2] = {c->body_type, '\0'};
	store_now(now);
	db_param p[] = {P_TEXT(c->number),
			P_INT(c->person_id),
			P_TEXT(c->holder_name),
			P_TEXT(c->id_type),
			P_TEXT(c->id_number),
			P_TEXT(c->occupation),
			P_TEXT(c->occupation_name),
			P_TEXT(c->direction),
			P_INT(c->level),
			P_TEXT(cert_route_name(c->route)),
			c->body_org_id ? P_INT(c->body_org_id) : P_NULL,
			P_TEXT(c->body_name),
			P_TEXT(type),
			P_TEXT(c->body_code),
			P_TEXT(c->approved_on),
			P_TEXT(c->issued_on),
			P_TEXT(cert_status_name(c->status)),
			P_TEXT(c->revoked_on),
			P_TEXT(c->revoke_reason),
			c->batch_id ? P_INT(c->batch_id) : P_NULL,
			c->candidate_id ? P_INT(c->candidate_id) : P_NULL,
			P_INT(c->imported),
			P_TEXT(now)};
	jn_err e = store_insert_id(t,
				   "INSERT INTO certificates (number, person_id, holder_name, id_type, id_number, occupation,"
				   " occupation_name, direction, level, route, body_org_id, body_name, body_type, body_code,"
				   " approved_on, issued_on, status, revoked_on, revoke_reason, batch_id, candidate_id,"
				   " imported, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
				   " $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $23) RETURNING id",
				   p, 23, &c->id);
	if (e)
		return e;
	snprintf(c->created_at, sizeof c->created_at, "%s", now);
	snprintf(c->updated_at, sizeof c->updated_at, "%s", now);
	return JN_OK;
}

jn_err store_cert_get(stx *t, const scope *sc, const char *number, certificate *out)
{
	sqlb q;
	sqlb_init(&q, "SELECT " CERT_COLS " FROM certificates c JOIN persons p ON p.id = c.person_id");
	sqlb_and(&q, "c.number = ?", 1, P_TEXT(number));
	scope_certs(&q, sc);
	return sqlb_one(t, &q, cert_row_into, out);
}

static void cert_where(sqlb *q, const scope *sc, const cert_filter *f)
{
	scope_certs(q, sc);
	if (f->status)
		sqlb_and(q, "c.status = ?", 1, P_TEXT(cert_status_name(f->status)));
	if (f->person_id)
		sqlb_and(q, "c.person_id = ?", 1, P_INT(f->person_id));
	if (f->batch_id)
		sqlb_and(q, "c.batch_id = ?", 1, P_INT(f->batch_id));
	if (f->occupation[0]) {
		if (strlen(f->occupation) == 10 && strcmp(f->occupation + 8, "00") != 0) {
			sqlb_and(q, "c.occupation = ?", 1, P_TEXT(f->occupation));
		} else {
			char hi[20];
			snprintf(hi, sizeof hi, "%s", f->occupation);
			size_t n = strlen(hi);
			hi[n - 1] = (char)(hi[n - 1] + 1);
			sqlb_and(q, "c.occupation >= ? AND c.occupation < ?", 2, P_TEXT(f->occupation), P_TEXT(hi));
		}
	}
}

jn_err store_cert_list(stx *t, const scope *sc, const cert_filter *f, cert_fn fn, void *ctx, int64_t *total,
		       int *capped)
{
	enum { CAP = 1000 };
	int per = f->per_page > 0 && f->per_page <= 200 ? f->per_page : 20;
	int page = f->page > 0 ? f->page : 1;
	sqlb q;
	cert_cb cb = {fn, ctx};
	if (f->all) {
		sqlb_init(&q, "/*stream*/ SELECT " CERT_COLS " FROM certificates c JOIN persons p ON p.id = c.person_id");
		cert_where(&q, sc, f);
		sqlb_raw(&q, " ORDER BY c.id");
		return sqlb_each(t, &q, cert_row, &cb);
	}
	sqlb_init(&q, "SELECT " CERT_COLS " FROM certificates c JOIN persons p ON p.id = c.person_id");
	cert_where(&q, sc, f);
	sqlb_fmt(&q, " ORDER BY c.id DESC LIMIT ? OFFSET ?", 2, P_INT(per), P_INT((int64_t)(page - 1) * per));
	jn_err e = sqlb_each(t, &q, cert_row, &cb);
	if (e || !total)
		return e;
	sqlb_init(&q, "SELECT COUNT(*) FROM (SELECT 1 FROM certificates c JOIN persons p ON p.id = c.person_id");
	cert_where(&q, sc, f);
	sqlb_fmt(&q, " LIMIT ?) AS m", 1, P_INT(CAP + 1));
	if (q.overflow)
		return JN_EINVAL;
	const db_driver *d = DRV(t);
	db_rows *r;
	db_rc rc = d->query(t->c, q.sql, q.p, q.n, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	*total = d->rows_next(r) == 1 ? d->rows_int(r, 0) : 0;
	d->rows_free(r);
	if (capped)
		*capped = *total > CAP;
	if (*total > CAP)
		*total = CAP;
	return JN_OK;
}

jn_err store_batch_certs(stx *t, const scope *sc, int64_t batch_id, cert_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, "/*stream*/ SELECT " CERT_COLS " FROM certificates c JOIN batches b ON b.id = c.batch_id");
	sqlb_and(&q, "c.batch_id = ?", 1, P_INT(batch_id));
	scope_batch_of_certs(&q, sc);
	sqlb_raw(&q, " ORDER BY c.number");
	cert_cb cb = {fn, ctx};
	return sqlb_each(t, &q, cert_row, &cb);
}

jn_err store_cert_set_status(stx *t, certificate *c, cert_status expect)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_TEXT(cert_status_name(c->status)), P_TEXT(c->issued_on), P_TEXT(c->revoked_on),
			P_TEXT(c->revoke_reason), P_TEXT(now), P_INT(c->id), P_TEXT(cert_status_name(expect))};
	int64_t changes = 0;
	db_rc rc = DRV(t)->exec(t->c,
				"UPDATE certificates SET status = $1, issued_on = $2, revoked_on = $3, revoke_reason = $4,"
				" updated_at = $5 WHERE id = $6 AND status = $7",
				p, 7, &changes);
	if (rc != DB_OK)
		return store_db_err(rc);
	if (changes != 1)
		return JN_ECONFLICT;
	snprintf(c->updated_at, sizeof c->updated_at, "%s", now);
	return JN_OK;
}

jn_err store_cert_next_serial(stx *t, const char *prefix, int *serial)
{
	const db_driver *d = DRV(t);
	db_param p[] = {P_TEXT(prefix)};
	db_rows *r;
	db_rc rc = d->query(t->c,
			    "INSERT INTO cert_counters (prefix, last_serial) VALUES ($1, 1) ON CONFLICT (prefix)"
			    " DO UPDATE SET last_serial = cert_counters.last_serial + 1 RETURNING last_serial",
			    p, 1, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	int st = d->rows_next(r);
	if (st == 1)
		*serial = (int)d->rows_int(r, 0);
	d->rows_free(r);
	if (st != 1)
		return JN_EDB;
	return *serial > CERT_SERIAL_MAX ? JN_ETOOMANY : JN_OK;
}

jn_err store_cert_serial_seen(stx *t, const char *prefix, int serial)
{
	db_param p[] = {P_TEXT(prefix), P_INT(serial)};
	return store_db_err(DRV(t)->exec(t->c,
					 "INSERT INTO cert_counters (prefix, last_serial) VALUES ($1, $2) ON CONFLICT (prefix)"
					 " DO UPDATE SET last_serial = CASE WHEN excluded.last_serial > cert_counters.last_serial"
					 " THEN excluded.last_serial ELSE cert_counters.last_serial END",
					 p, 2, NULL));
}

jn_err store_certs_of_person(stx *t, int64_t person_id, cert_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, "SELECT " CERT_COLS " FROM certificates c");
	sqlb_and(&q, "c.person_id = ?", 1, P_INT(person_id));
	sqlb_raw(&q, " ORDER BY c.id");
	cert_cb cb = {fn, ctx};
	return sqlb_each(t, &q, cert_row, &cb);
}

jn_err store_person_levels_set(stx *t, int64_t person_id, int n, const person_level *rows)
{
	const db_driver *d = DRV(t);
	db_param k[] = {P_INT(person_id)};
	db_rc rc = d->exec(t->c, "DELETE FROM person_levels WHERE person_id = $1", k, 1, NULL);
	for (int i = 0; rc == DB_OK && i < n; i++) {
		db_param p[] = {P_INT(person_id), P_TEXT(rows[i].occupation), P_INT(rows[i].level), P_TEXT(rows[i].number)};
		rc = d->exec(t->c, "INSERT INTO person_levels (person_id, occupation, level, number) VALUES ($1, $2, $3, $4)",
			     p, 4, NULL);
	}
	return store_db_err(rc);
}

static void read_level(const db_driver *d, db_rows *r, person_level *l)
{
	rows_copy(d, r, 0, l->occupation, sizeof l->occupation);
	l->level = (int)d->rows_int(r, 1);
	rows_copy(d, r, 2, l->number, sizeof l->number);
}
STORE_ROW_ADAPTER(level_row, level_cb, person_level, person_level_fn, read_level)

jn_err store_person_levels(stx *t, int64_t person_id, person_level_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, "SELECT occupation, level, number FROM person_levels");
	sqlb_and(&q, "person_id = ?", 1, P_INT(person_id));
	sqlb_raw(&q, " ORDER BY level DESC, occupation");
	level_cb cb = {fn, ctx};
	return sqlb_each(t, &q, level_row, &cb);
}

jn_err store_verify_count(stx *t, const char *day, const char *result)
{
	db_param p[] = {P_TEXT(day), P_TEXT(result)};
	return store_db_err(DRV(t)->exec(t->c,
					 "INSERT INTO verify_counts (day, result, count) VALUES ($1, $2, 1)"
					 " ON CONFLICT (day, result) DO UPDATE SET count = verify_counts.count + 1",
					 p, 2, NULL));
}

typedef struct vc_cb {
	verify_count_fn fn;
	void *ctx;
} vc_cb;

static int vc_row(void *ctx, const db_driver *d, db_rows *r)
{
	vc_cb *cb = ctx;
	return cb->fn(cb->ctx, d->rows_text(r, 0), d->rows_text(r, 1), d->rows_int(r, 2));
}

jn_err store_verify_counts(stx *t, const char *from, const char *to, verify_count_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, "SELECT day, result, count FROM verify_counts");
	if (from && from[0])
		sqlb_and(&q, "day >= ?", 1, P_TEXT(from));
	if (to && to[0])
		sqlb_and(&q, "day <= ?", 1, P_TEXT(to));
	sqlb_raw(&q, " ORDER BY day DESC, result LIMIT 3660");
	vc_cb cb = {fn, ctx};
	return sqlb_each(t, &q, vc_row, &cb);
}
