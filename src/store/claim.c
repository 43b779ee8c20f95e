/* claim.c — subsidy rules (versioned data), subsidy claims, their fraud
 * flags and the facts the fraud checks look at. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cert.h"
#include "core/grow.h"
#include "store/store_internal.h"
#include "store/store_money.h"

/* ---- rules ---- */

static void read_rule(const db_driver *d, db_rows *r, subsidy_rule *x)
{
	memset(x, 0, sizeof *x);
	x->id = d->rows_int(r, 0);
	x->kind = subsidy_kind_parse(d->rows_text(r, 1));
	rows_copy(d, r, 2, x->code, sizeof x->code);
	x->level = (int)d->rows_int(r, 3);
	x->value = d->rows_int(r, 4);
	rows_copy(d, r, 5, x->region, sizeof x->region);
	x->effective_from = cert_date_parse(d->rows_text(r, 6));
	rows_copy(d, r, 7, x->description, sizeof x->description);
	rows_copy(d, r, 8, x->source, sizeof x->source);
}

static int take_rule(void *ctx, const db_driver *d, db_rows *r)
{
	rule_set *rs = ctx;
	subsidy_rule x;
	read_rule(d, r, &x);
	return grow_push((void **)&rs->r, &rs->n, &rs->cap, &x, sizeof x) ? 1 : 0;
}

jn_err store_rules_all(stx *t, rule_set *rs)
{
	memset(rs, 0, sizeof *rs);
	sqlb q;
	sqlb_init(&q, "SELECT id, kind, code, level, value, region, effective_from, description, source"
		      " FROM subsidy_rules ORDER BY kind, code, level, effective_from, region, id");
	jn_err e = sqlb_each(t, &q, take_rule, rs);
	if (e)
		rule_set_free(rs);
	return e;
}

void rule_set_free(rule_set *rs)
{
	free(rs->r);
	memset(rs, 0, sizeof *rs);
}

static void rule_params(const subsidy_rule *x, const char *by, char date[11], char now[32], db_param p[10])
{
	cert_date_format(x->effective_from, date);
	store_now(now);
	p[0] = P_TEXT(subsidy_kind_name(x->kind));
	p[1] = P_TEXT(x->code);
	p[2] = P_INT(x->level);
	p[3] = P_INT(x->value);
	p[4] = P_TEXT(x->region);
	p[5] = P_TEXT(date);
	p[6] = P_TEXT(x->description);
	p[7] = P_TEXT(x->source);
	p[8] = P_TEXT(by);
	p[9] = P_TEXT(now);
}

jn_err store_rule_insert(stx *t, subsidy_rule *x, const char *created_by)
{
	char date[11], now[32];
	db_param p[10];
	rule_params(x, created_by, date, now, p);
	jn_err e = store_insert_id(t,
				   "INSERT INTO subsidy_rules (kind, code, level, value, region, effective_from, description,"
				   " source, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
				   " RETURNING id",
				   p, 10, &x->id);
	return e;
}

jn_err store_rule_put(stx *t, const subsidy_rule *x)
{
	char date[11], now[32];
	db_param p[10];
	rule_params(x, "system", date, now, p);
	db_rc rc = DRV(t)->exec(t->c,
				"INSERT INTO subsidy_rules (kind, code, level, value, region, effective_from, description,"
				" source, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
				" ON CONFLICT (kind, code, level, region, effective_from) DO NOTHING",
				p, 10, NULL);
	return store_db_err(rc);
}

/* ---- claims ---- */

#define CLAIM_SELECT                                                                                            \
	"SELECT c.id, c.kind, c.person_id, COALESCE(c.org_id, 0), COALESCE(c.class_id, 0),"                    \
	" COALESCE(c.enrolment_id, 0), COALESCE(c.certificate_id, 0), COALESCE(c.programme_id, 0),"            \
	" COALESCE(c.fund_id, 0), COALESCE(c.rule_id, 0), COALESCE(c.ledger_id, 0), c.region, c.occupation,"    \
	" c.level, c.amount_fen, c.rules_as_of, c.state, c.refused_rule, c.refused_reason, c.submitted_by,"     \
	" c.submitted_at, c.reviewed_by, c.reviewed_at, c.approved_by, c.approved_at, c.paid_at, c.updated_at," \
	" c.version, p.name, p.id_number, COALESCE(o.name, ''), COALESCE(k.name, ''),"                         \
	" COALESCE(ct.number, e.cert_number, ''), COALESCE(oc.name, ''),"                                       \
	" (SELECT COUNT(*) FROM claim_flags f WHERE f.claim_id = c.id AND f.cleared_at = ''),"                  \
	" (SELECT COUNT(*) FROM claim_flags f WHERE f.claim_id = c.id)"                                         \
	" FROM claims c JOIN persons p ON p.id = c.person_id LEFT JOIN orgs o ON o.id = c.org_id"              \
	" LEFT JOIN classes k ON k.id = c.class_id LEFT JOIN certificates ct ON ct.id = c.certificate_id"       \
	" LEFT JOIN enrolments e ON e.id = c.enrolment_id LEFT JOIN occupations oc ON oc.code = c.occupation"

static void read_claim(const db_driver *d, db_rows *r, claim *c)
{
	memset(c, 0, sizeof *c);
	c->id = d->rows_int(r, 0);
	c->kind = subsidy_kind_parse(d->rows_text(r, 1));
	c->person_id = d->rows_int(r, 2);
	c->org_id = d->rows_int(r, 3);
	c->class_id = d->rows_int(r, 4);
	c->enrolment_id = d->rows_int(r, 5);
	c->certificate_id = d->rows_int(r, 6);
	c->programme_id = d->rows_int(r, 7);
	c->fund_id = d->rows_int(r, 8);
	c->rule_id = d->rows_int(r, 9);
	c->ledger_id = d->rows_int(r, 10);
	rows_copy(d, r, 11, c->region, sizeof c->region);
	rows_copy(d, r, 12, c->occupation, sizeof c->occupation);
	c->level = (int)d->rows_int(r, 13);
	c->amount_fen = d->rows_int(r, 14);
	rows_copy(d, r, 15, c->rules_as_of, sizeof c->rules_as_of);
	rows_copy(d, r, 16, c->state, sizeof c->state);
	rows_copy(d, r, 17, c->refused_rule, sizeof c->refused_rule);
	rows_copy(d, r, 18, c->refused_reason, sizeof c->refused_reason);
	rows_copy(d, r, 19, c->submitted_by, sizeof c->submitted_by);
	rows_copy(d, r, 20, c->submitted_at, sizeof c->submitted_at);
	rows_copy(d, r, 21, c->reviewed_by, sizeof c->reviewed_by);
	rows_copy(d, r, 22, c->reviewed_at, sizeof c->reviewed_at);
	rows_copy(d, r, 23, c->approved_by, sizeof c->approved_by);
	rows_copy(d, r, 24, c->approved_at, sizeof c->approved_at);
	rows_copy(d, r, 25, c->paid_at, sizeof c->paid_at);
	rows_copy(d, r, 26, c->updated_at, sizeof c->updated_at);
	c->version = (int)d->rows_int(r, 27);
	rows_copy(d, r, 28, c->person_name, sizeof c->person_name);
	rows_copy(d, r, 29, c->id_number, sizeof c->id_number);
	rows_copy(d, r, 30, c->org_name, sizeof c->org_name);
	rows_copy(d, r, 31, c->class_name, sizeof c->class_name);
	rows_copy(d, r, 32, c->cert_number, sizeof c->cert_number);
	rows_copy(d, r, 33, c->occupation_name, sizeof c->occupation_name);
	c->flags_open = (int)d->rows_int(r, 34);
	c->flags_total = (int)d->rows_int(r, 35);
}
STORE_ROW_ADAPTER(claim_row, claim_cb, claim, claim_fn, read_claim)

static db_param opt_id(int64_t v) { return v ? P_INT(v) : P_NULL; }

jn_err store_claim_insert(stx *t, claim *c)
{
	char now[32];
	store_now(now);
	snprintf(c->submitted_at, sizeof c->submitted_at, "%s", now);
	snprintf(c->updated_at, sizeof c->updated_at, "%s", now);
	db_param p[] = {P_TEXT(subsidy_kind_name(c->kind)),
			P_INT(c->person_id),
			opt_id(c->org_id),
			opt_id(c->class_id),
			opt_id(c->enrolment_id),
			opt_id(c->certificate_id),
			opt_id(c->programme_id),
			P_TEXT(c->region),
			P_TEXT(c->occupation),
			P_INT(c->level),
			P_INT(c->amount_fen),
			opt_id(c->rule_id),
			P_TEXT(c->rules_as_of),
			P_TEXT(c->state),
			P_TEXT(c->submitted_by),
			P_TEXT(now)};
	c->version = 1;
	return store_insert_id(t,
			       "INSERT INTO claims (kind, person_id, org_id, class_id, enrolment_id, certificate_id,"
			       " programme_id, region, occupation, level, amount_fen, rule_id, rules_as_of, state,"
			       " submitted_by, submitted_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
			       " $9, $10, $11, $12, $13, $14, $15, $16, $16, 1) RETURNING id",
			       p, 16, &c->id);
}

jn_err store_claim_get(stx *t, const scope *sc, int64_t id, claim *out)
{
	sqlb q;
	sqlb_init(&q, CLAIM_SELECT);
	sqlb_and(&q, "c.id = ?", 1, P_INT(id));
	scope_money(&q, sc, "c.region", "c.org_id", "c.person_id");
	return sqlb_one(t, &q, claim_row_into, out);
}

jn_err store_claim_write(stx *t, claim *c, const char *expect)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_TEXT(c->state),	  P_INT(c->amount_fen),	     opt_id(c->rule_id),
			opt_id(c->fund_id),	  opt_id(c->ledger_id),	     P_TEXT(c->refused_rule),
			P_TEXT(c->refused_reason), P_TEXT(c->reviewed_by),   P_TEXT(c->reviewed_at),
			P_TEXT(c->approved_by),	  P_TEXT(c->approved_at),    P_TEXT(c->paid_at),
			P_TEXT(now),		  P_INT(c->id),		     P_TEXT(expect),
			P_INT(c->version)};
	int64_t changes = 0;
	db_rc rc = DRV(t)->exec(t->c,
				"UPDATE claims SET state = $1, amount_fen = $2, rule_id = $3, fund_id = $4, ledger_id = $5,"
				" refused_rule = $6, refused_reason = $7, reviewed_by = $8, reviewed_at = $9,"
				" approved_by = $10, approved_at = $11, paid_at = $12, updated_at = $13,"
				" version = version + 1 WHERE id = $14 AND state = $15 AND version = $16",
				p, 16, &changes);
	if (rc != DB_OK)
		return store_db_err(rc);
	if (changes != 1)
		return JN_ECONFLICT;
	c->version++;
	snprintf(c->updated_at, sizeof c->updated_at, "%s", now);
	return JN_OK;
}

static void claim_where(sqlb *q, const scope *sc, const claim_filter *f)
{
	scope_money(q, sc, "c.region", "c.org_id", "c.person_id");
	if (f->state[0])
		sqlb_and(q, "c.state = ?", 1, P_TEXT(f->state));
	if (f->kind)
		sqlb_and(q, "c.kind = ?", 1, P_TEXT(subsidy_kind_name(f->kind)));
	if (f->flagged)
		sqlb_and(q, "EXISTS (SELECT 1 FROM claim_flags f WHERE f.claim_id = c.id AND f.cleared_at = '')", 0);
	if (f->org_id)
		sqlb_and(q, "c.org_id = ?", 1, P_INT(f->org_id));
	if (f->person_id)
		sqlb_and(q, "c.person_id = ?", 1, P_INT(f->person_id));
	if (f->class_id)
		sqlb_and(q, "c.class_id = ?", 1, P_INT(f->class_id));
	if (f->region[0])
		sqlb_region_col(q, "c.region", f->region);
}

jn_err store_claim_list(stx *t, const scope *sc, const claim_filter *f, claim_fn fn, void *ctx, int64_t *total)
{
	int per = f->per_page > 0 && f->per_page <= 200 ? f->per_page : 20;
	int page = f->page > 0 ? f->page : 1;
	sqlb q;
	sqlb_init(&q, CLAIM_SELECT);
	claim_where(&q, sc, f);
	sqlb_fmt(&q, " ORDER BY c.id DESC LIMIT ? OFFSET ?", 2, P_INT(per), P_INT((int64_t)(page - 1) * per));
	claim_cb cb = {fn, ctx};
	jn_err e = sqlb_each(t, &q, claim_row, &cb);
	if (e || !total)
		return e;
	sqlb_init(&q, "SELECT COUNT(*) FROM claims c");
	claim_where(&q, sc, f);
	return sqlb_count(t, &q, total);
}

static void read_prior(const db_driver *d, db_rows *r, subsidy_prior *p)
{
	memset(p, 0, sizeof *p);
	p->claim_id = d->rows_int(r, 0);
	p->kind = subsidy_kind_parse(d->rows_text(r, 1));
	rows_copy(d, r, 2, p->occupation, sizeof p->occupation);
	p->level = (int)d->rows_int(r, 3);
	p->date = cert_date_parse(d->rows_text(r, 4));
	rows_copy(d, r, 5, p->cert_number, sizeof p->cert_number);
	p->enrolment_id = d->rows_int(r, 6);
}
STORE_ROW_ADAPTER(prior_row, prior_cb, subsidy_prior, prior_fn, read_prior)

jn_err store_claim_priors(stx *t, int64_t person_id, int64_t except, prior_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, "SELECT c.id, c.kind, c.occupation, c.level, c.rules_as_of, COALESCE(ct.number, e.cert_number, ''),"
		      " COALESCE(c.enrolment_id, 0) FROM claims c LEFT JOIN certificates ct ON ct.id = c.certificate_id"
		      " LEFT JOIN enrolments e ON e.id = c.enrolment_id");
	sqlb_and(&q, "c.person_id = ? AND c.state <> 'refused' AND c.id <> ?", 2, P_INT(person_id), P_INT(except));
	sqlb_raw(&q, " ORDER BY c.id");
	prior_cb cb = {fn, ctx};
	return sqlb_each(t, &q, prior_row, &cb);
}

static int first_int(void *out, const db_driver *d, db_rows *r)
{
	*(int64_t *)out = d->rows_int(r, 0);
	return 1;
}

jn_err store_claim_of_enrolment(stx *t, int64_t enrolment_id, int64_t *claim_id)
{
	sqlb q;
	sqlb_init(&q, "SELECT id FROM claims");
	sqlb_and(&q, "enrolment_id = ? AND kind = 'training' AND state <> 'refused'", 1, P_INT(enrolment_id));
	*claim_id = 0;
	jn_err e = sqlb_one(t, &q, first_int, claim_id);
	return e == JN_ENOTFOUND ? JN_OK : e;
}

jn_err store_claim_of_certificate(stx *t, int64_t certificate_id, int64_t *claim_id)
{
	sqlb q;
	sqlb_init(&q, "SELECT id FROM claims");
	sqlb_and(&q, "certificate_id = ? AND state <> 'refused'", 1, P_INT(certificate_id));
	*claim_id = 0;
	jn_err e = sqlb_one(t, &q, first_int, claim_id);
	return e == JN_ENOTFOUND ? JN_OK : e;
}

/* ---- flags ---- */

jn_err store_flag_raise(stx *t, int64_t claim_id, const char *code, const char *detail, int *added)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_INT(claim_id), P_TEXT(code), P_TEXT(detail), P_TEXT(now)};
	int64_t changes = 0;
	db_rc rc = DRV(t)->exec(t->c,
				"INSERT INTO claim_flags (claim_id, code, detail, raised_at) VALUES ($1, $2, $3, $4)"
				" ON CONFLICT (claim_id, code) DO NOTHING",
				p, 4, &changes);
	if (added)
		*added = changes == 1;
	return store_db_err(rc);
}

static void read_flag(const db_driver *d, db_rows *r, claim_flag *f)
{
	memset(f, 0, sizeof *f);
	f->id = d->rows_int(r, 0);
	f->claim_id = d->rows_int(r, 1);
	rows_copy(d, r, 2, f->code, sizeof f->code);
	rows_copy(d, r, 3, f->detail, sizeof f->detail);
	rows_copy(d, r, 4, f->raised_at, sizeof f->raised_at);
	rows_copy(d, r, 5, f->cleared_by, sizeof f->cleared_by);
	rows_copy(d, r, 6, f->cleared_at, sizeof f->cleared_at);
	rows_copy(d, r, 7, f->clear_reason, sizeof f->clear_reason);
}
STORE_ROW_ADAPTER(flag_row, flag_cb, claim_flag, flag_fn, read_flag)

#define FLAG_SELECT "SELECT id, claim_id, code, detail, raised_at, cleared_by, cleared_at, clear_reason FROM claim_flags"

jn_err store_flags(stx *t, int64_t claim_id, flag_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, FLAG_SELECT);
	sqlb_and(&q, "claim_id = ?", 1, P_INT(claim_id));
	sqlb_raw(&q, " ORDER BY id");
	flag_cb cb = {fn, ctx};
	return sqlb_each(t, &q, flag_row, &cb);
}

jn_err store_flag_clear(stx *t, int64_t claim_id, const char *code, const char *by, const char *reason,
			claim_flag *out)
{
	sqlb q;
	sqlb_init(&q, FLAG_SELECT);
	sqlb_and(&q, "claim_id = ? AND code = ?", 2, P_INT(claim_id), P_TEXT(code));
	jn_err e = sqlb_one(t, &q, flag_row_into, out);
	if (e)
		return e;
	if (out->cleared_at[0])
		return JN_ECONFLICT;
	char now[32];
	store_now(now);
	db_param p[] = {P_TEXT(by), P_TEXT(now), P_TEXT(reason), P_INT(out->id)};
	int64_t changes = 0;
	db_rc rc = DRV(t)->exec(t->c,
				"UPDATE claim_flags SET cleared_by = $1, cleared_at = $2, clear_reason = $3"
				" WHERE id = $4 AND cleared_at = ''",
				p, 4, &changes);
	if (rc != DB_OK)
		return store_db_err(rc);
	if (changes != 1)
		return JN_ECONFLICT;
	snprintf(out->cleared_by, sizeof out->cleared_by, "%s", by);
	snprintf(out->cleared_at, sizeof out->cleared_at, "%s", now);
	snprintf(out->clear_reason, sizeof out->clear_reason, "%s", reason);
	return JN_OK;
}

/* ---- fraud facts ---- */

typedef struct other_ctx {
	int64_t id;
	char name[256], org[256];
} other_ctx;

static int read_other(void *out, const db_driver *d, db_rows *r)
{
	other_ctx *o = out;
	o->id = d->rows_int(r, 0);
	rows_copy(d, r, 1, o->name, sizeof o->name);
	rows_copy(d, r, 2, o->org, sizeof o->org);
	return 1;
}

int store_fraud_overlap(stx *t, int64_t class_id, int64_t person_id, int64_t *other_id, char *other_name,
			size_t cap)
{
	sqlb q;
	sqlb_init(&q, "");
	sqlb_fmt(&q,
		 "SELECT k.id, k.name, '' FROM enrolments e JOIN classes k ON k.id = e.class_id"
		 " JOIN class_sessions s2 ON s2.class_id = k.id JOIN class_sessions s1 ON s1.class_id = ?",
		 1, P_INT(class_id));
	sqlb_and(&q, "e.person_id = ? AND e.class_id <> ? AND e.state <> 'withdrawn'", 2, P_INT(person_id),
		 P_INT(class_id));
	sqlb_and(&q, "s1.starts_at < s2.ends_at AND s2.starts_at < s1.ends_at", 0);
	sqlb_raw(&q, " ORDER BY k.id LIMIT 1");
	other_ctx o = {0};
	jn_err e = sqlb_one(t, &q, read_other, &o);
	if (e == JN_ENOTFOUND)
		return 0;
	if (e)
		return -1;
	*other_id = o.id;
	snprintf(other_name, cap, "%s", o.name);
	return 1;
}

int store_fraud_two_providers(stx *t, int64_t class_id, int64_t person_id, int64_t *other_id, char *other_name,
			      size_t cap, char *org_name, size_t org_cap)
{
	sqlb q;
	sqlb_init(&q, "");
	sqlb_fmt(&q,
		 "SELECT k.id, k.name, o.name FROM enrolments e JOIN classes k ON k.id = e.class_id"
		 " JOIN orgs o ON o.id = k.org_id JOIN classes c1 ON c1.id = ?",
		 1, P_INT(class_id));
	sqlb_and(&q, "e.person_id = ? AND e.class_id <> ? AND e.state <> 'withdrawn' AND k.org_id <> c1.org_id", 2,
		 P_INT(person_id), P_INT(class_id));
	sqlb_and(&q,
		 "substr(k.start_date, 1, 7) <= substr(c1.end_date, 1, 7)"
		 " AND substr(k.end_date, 1, 7) >= substr(c1.start_date, 1, 7)",
		 0);
	sqlb_raw(&q, " ORDER BY k.id LIMIT 1");
	other_ctx o = {0};
	jn_err e = sqlb_one(t, &q, read_other, &o);
	if (e == JN_ENOTFOUND)
		return 0;
	if (e)
		return -1;
	*other_id = o.id;
	snprintf(other_name, cap, "%s", o.name);
	snprintf(org_name, org_cap, "%s", o.org);
	return 1;
}

typedef struct checkin_ctx {
	int64_t n, devices, no_device;
	char first[32], last[32], device[128];
} checkin_ctx;

static int read_checkins(void *out, const db_driver *d, db_rows *r)
{
	checkin_ctx *c = out;
	c->n = d->rows_int(r, 0);
	rows_copy(d, r, 1, c->first, sizeof c->first);
	rows_copy(d, r, 2, c->last, sizeof c->last);
	c->devices = d->rows_int(r, 3);
	c->no_device = d->rows_int(r, 4);
	rows_copy(d, r, 5, c->device, sizeof c->device);
	return 1;
}

jn_err store_fraud_checkins(stx *t, int64_t class_id, int64_t *n, char first[32], char last[32], int64_t *devices,
			    int64_t *no_device, char device[128])
{
	sqlb q;
	sqlb_init(&q, "SELECT COUNT(*), COALESCE(MIN(at), ''), COALESCE(MAX(at), ''),"
		      " COUNT(DISTINCT CASE WHEN device <> '' THEN device END),"
		      " COALESCE(SUM(CASE WHEN device = '' THEN 1 ELSE 0 END), 0), COALESCE(MAX(device), '')"
		      " FROM attendance");
	sqlb_and(&q, "class_id = ?", 1, P_INT(class_id));
	checkin_ctx c = {0};
	jn_err e = sqlb_one(t, &q, read_checkins, &c);
	if (e)
		return e;
	*n = c.n;
	*devices = c.devices;
	*no_device = c.no_device;
	snprintf(first, 32, "%s", c.first);
	snprintf(last, 32, "%s", c.last);
	snprintf(device, 128, "%s", c.device);
	return JN_OK;
}

static int read_two(void *out, const db_driver *d, db_rows *r)
{
	int64_t *v = out;
	v[0] = d->rows_int(r, 0);
	v[1] = d->rows_int(r, 1);
	return 1;
}

jn_err store_fraud_capacity(stx *t, int64_t class_id, int64_t *capacity, int64_t *completed)
{
	sqlb q;
	sqlb_init(&q, "SELECT k.capacity, (SELECT COUNT(*) FROM enrolments e WHERE e.class_id = k.id"
		      " AND e.state = 'completed') FROM classes k");
	sqlb_and(&q, "k.id = ?", 1, P_INT(class_id));
	int64_t v[2] = {0, 0};
	jn_err e = sqlb_one(t, &q, read_two, v);
	*capacity = v[0];
	*completed = v[1];
	return e;
}

typedef struct month_cb {
	month_count_fn fn;
	void *ctx;
} month_cb;

static int month_row(void *ctx, const db_driver *d, db_rows *r)
{
	month_cb *m = ctx;
	return m->fn(m->ctx, d->rows_text(r, 0), d->rows_int(r, 1));
}

jn_err store_fraud_org_months(stx *t, int64_t org_id, const char *from_month, month_count_fn fn, void *ctx)
{
	sqlb q;
	sqlb_init(&q, "SELECT substr(rules_as_of, 1, 7), COUNT(*) FROM claims");
	sqlb_and(&q, "org_id = ? AND kind = 'training' AND rules_as_of >= ?", 2, P_INT(org_id), P_TEXT(from_month));
	sqlb_raw(&q, " GROUP BY substr(rules_as_of, 1, 7) ORDER BY 1");
	month_cb m = {fn, ctx};
	return sqlb_each(t, &q, month_row, &m);
}

typedef struct ins_ctx {
	char from[11], tags[256];
} ins_ctx;

static int read_ins(void *out, const db_driver *d, db_rows *r)
{
	ins_ctx *c = out;
	rows_copy(d, r, 0, c->from, sizeof c->from);
	rows_copy(d, r, 1, c->tags, sizeof c->tags);
	return 1;
}

jn_err store_person_insurance(stx *t, int64_t person_id, char insured_from[11], char tags[256])
{
	sqlb q;
	sqlb_init(&q, "SELECT insured_from, tags FROM persons");
	sqlb_and(&q, "id = ?", 1, P_INT(person_id));
	ins_ctx c = {{0}, {0}};
	jn_err e = sqlb_one(t, &q, read_ins, &c);
	snprintf(insured_from, 11, "%s", c.from);
	snprintf(tags, 256, "%s", c.tags);
	return e;
}
