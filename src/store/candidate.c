/* candidate.c — the candidates of a batch (their route, declared facts,
 * scores and result) and their evidence files.  Reached only through a
 * batch the caller's scope already reached. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

#define CAND_SELECT                                                                                        \
	"SELECT c.id, c.batch_id, c.person_id, c.route, c.years_in_occupation, c.diploma, c.basis,"        \
	" c.evidence_text, c.evidence_name, c.evidence_sha256, c.evidence_size, c.theory, c.practical,"    \
	" c.review, c.passed, c.created_at, c.updated_at, p.name, p.id_number, p.employer, p.region"       \
	" FROM candidates c JOIN persons p ON p.id = c.person_id"

static int int_or(const db_driver *d, db_rows *r, int col, int dflt)
{
	return d->rows_is_null(r, col) ? dflt : (int)d->rows_int(r, col);
}

static void read_cand(const db_driver *d, db_rows *r, candidate *c)
{
	memset(c, 0, sizeof *c);
	c->id = d->rows_int(r, 0);
	c->batch_id = d->rows_int(r, 1);
	c->person_id = d->rows_int(r, 2);
	c->route = cert_route_parse(d->rows_text(r, 3));
	c->years_in_occupation = (int)d->rows_int(r, 4);
	int dip = diploma_parse(d->rows_text(r, 5));
	c->dip = dip < 0 ? DIP_NONE : (diploma)dip;
	rows_copy(d, r, 6, c->basis, sizeof c->basis);
	rows_copy(d, r, 7, c->evidence_text, sizeof c->evidence_text);
	rows_copy(d, r, 8, c->evidence_name, sizeof c->evidence_name);
	rows_copy(d, r, 9, c->evidence_sha256, sizeof c->evidence_sha256);
	c->evidence_size = d->rows_int(r, 10);
	c->theory = int_or(d, r, 11, -1);
	c->practical = int_or(d, r, 12, -1);
	c->review = int_or(d, r, 13, -1);
	c->passed = int_or(d, r, 14, -1);
	rows_copy(d, r, 15, c->created_at, sizeof c->created_at);
	rows_copy(d, r, 16, c->updated_at, sizeof c->updated_at);
	rows_copy(d, r, 17, c->name, sizeof c->name);
	rows_copy(d, r, 18, c->id_number, sizeof c->id_number);
	rows_copy(d, r, 19, c->employer, sizeof c->employer);
	rows_copy(d, r, 20, c->region, sizeof c->region);
}

STORE_ROW_ADAPTER(cand_row, cand_cb, candidate, candidate_fn, read_cand)

static db_param opt_int(int v) { return v >= 0 ? P_INT(v) : P_NULL; }

jn_err store_candidate_insert(stx *t, candidate *c)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_INT(c->batch_id),
			P_INT(c->person_id),
			P_TEXT(cert_route_name(c->route)),
			P_INT(c->years_in_occupation),
			P_TEXT(diploma_name(c->dip)),
			P_TEXT(c->basis),
			P_TEXT(c->evidence_text),
			P_TEXT(now)};
	jn_err e = store_insert_id(t,
				   "INSERT INTO candidates (batch_id, person_id, route, years_in_occupation, diploma, basis,"
				   " evidence_text, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"
				   " RETURNING id",
				   p, 8, &c->id);
	if (e)
		return e;
	c->theory = c->practical = c->review = c->passed = -1;
	snprintf(c->created_at, sizeof c->created_at, "%s", now);
	snprintf(c->updated_at, sizeof c->updated_at, "%s", now);
	return JN_OK;
}

jn_err store_candidate_get(stx *t, int64_t batch_id, int64_t id, candidate *out)
{
	sqlb q;
	sqlb_init(&q, CAND_SELECT);
	sqlb_and(&q, "c.id = ?", 1, P_INT(id));
	sqlb_and(&q, "c.batch_id = ?", 1, P_INT(batch_id));
	return sqlb_one(t, &q, cand_row_into, out);
}

jn_err store_candidates(stx *t, int64_t batch_id, candidate_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, CAND_SELECT);
	sqlb_and(&q, "c.batch_id = ?", 1, P_INT(batch_id));
	sqlb_raw(&q, " ORDER BY c.id");
	cand_cb cb = {fn, ctx};
	return sqlb_each(t, &q, cand_row, &cb);
}

jn_err store_candidate_write(stx *t, candidate *c)
{
	char now[32];
	store_now(now);
	db_param p[] = {opt_int(c->theory),	      opt_int(c->practical),	 opt_int(c->review),
			opt_int(c->passed),	      P_TEXT(c->evidence_name),	 P_TEXT(c->evidence_sha256),
			P_INT(c->evidence_size),      P_TEXT(now),		 P_INT(c->id),
			P_INT(c->batch_id)};
	int64_t changes = 0;
	db_rc rc = DRV(t)->exec(t->c,
				"UPDATE candidates SET theory = $1, practical = $2, review = $3, passed = $4,"
				" evidence_name = $5, evidence_sha256 = $6, evidence_size = $7, updated_at = $8"
				" WHERE id = $9 AND batch_id = $10",
				p, 10, &changes);
	if (rc != DB_OK)
		return store_db_err(rc);
	if (changes != 1)
		return JN_ENOTFOUND;
	snprintf(c->updated_at, sizeof c->updated_at, "%s", now);
	return JN_OK;
}

jn_err store_candidate_delete(stx *t, int64_t batch_id, int64_t id)
{
	const db_driver *d = DRV(t);
	db_param p[] = {P_INT(id)};
	db_rc rc = d->exec(t->c, "DELETE FROM evidence_files WHERE candidate_id = $1", p, 1, NULL);
	if (rc == DB_OK)
		rc = d->exec(t->c, "UPDATE objections SET candidate_id = NULL WHERE candidate_id = $1", p, 1, NULL);
	if (rc != DB_OK)
		return store_db_err(rc);
	db_param q[] = {P_INT(id), P_INT(batch_id)};
	int64_t changes = 0;
	rc = d->exec(t->c, "DELETE FROM candidates WHERE id = $1 AND batch_id = $2", q, 2, &changes);
	if (rc != DB_OK)
		return store_db_err(rc);
	return changes == 1 ? JN_OK : JN_ENOTFOUND;
}

jn_err store_evidence_put(stx *t, int64_t candidate_id, const char *name, int64_t size, const char *sha256,
			  const char *b64)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_INT(candidate_id), P_TEXT(name), P_INT(size), P_TEXT(sha256), P_TEXT(b64), P_TEXT(now)};
	return store_db_err(DRV(t)->exec(t->c,
					 "INSERT INTO evidence_files (candidate_id, name, size, sha256, data_b64, created_at)"
					 " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (candidate_id) DO UPDATE SET"
					 " name = excluded.name, size = excluded.size, sha256 = excluded.sha256,"
					 " data_b64 = excluded.data_b64, created_at = excluded.created_at",
					 p, 6, NULL));
}

jn_err store_evidence_get(stx *t, int64_t candidate_id, char name[256], char **b64, int64_t *size, char sha256[65])
{
	return store_blob_get(t, "SELECT name, size, sha256, data_b64 FROM evidence_files WHERE candidate_id = $1",
			      candidate_id, name, 256, b64, size, sha256);
}
