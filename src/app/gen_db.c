/* gen_db.c — generated records written straight into the store.
 *
 * GEN_TX_ROWS rows per transaction, so a large run commits as it goes and
 * the engines never hold one giant transaction; each transaction appends
 * one audit entry naming the rows and the seed, so the log says where bulk
 * synthetic data came from (one entry per row would double the work and
 * tell nothing more).  Persons go in through the bulk insert, a chunk at a
 * time, so memory stays small whatever N is.
 *
 * gen_batch_into_db (app/gen_batch.h) builds a certification fixture on
 * the persons already there: a registered body, one batch, N scored
 * candidates written directly, then the real steps up to approval. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/certify.h"
#include "app/gen_batch.h"
#include "core/regions.h"

#define CHUNK 1000 /* persons generated and inserted per store call */

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static jn_err audit_batch(stx *t, const char *action, const char *subject, int64_t rows, uint64_t seed)
{
	scope sys = scope_system();
	char after[96];
	snprintf(after, sizeof after, "{\"rows\":%lld,\"seed\":%llu}", (long long)rows, (unsigned long long)seed);
	return store_audit(t, &sys, action, subject, NULL, after);
}

/* Draws and inserts m persons inside t; ps holds CHUNK. */
static jn_err persons_tx(stx *t, gen *g, int64_t m, person *ps, int64_t before, int64_t n,
			 gen_progress_fn progress, void *ctx)
{
	scope sys = scope_system();
	for (int64_t k = 0; k < m; k += CHUNK) {
		int c = (int)min64(m - k, CHUNK);
		for (int i = 0; i < c; i++) {
			gen_person gp;
			jn_err e = gen_person_next(g, &gp);
			if (e)
				return e;
			ps[i] = gp.p;
		}
		jn_err e = store_person_insert_many(t, &sys, ps, c);
		if (e)
			return e;
		if (progress)
			progress(ctx, before + k + c, n);
	}
	return JN_OK;
}

static jn_err orgs_tx(stx *t, gen *g, int64_t m, int64_t before, int64_t n, gen_progress_fn progress, void *ctx)
{
	scope sys = scope_system();
	for (int64_t k = 0; k < m; k++) {
		gen_org go;
		jn_err e = gen_org_next(g, &go);
		if (!e)
			e = store_org_insert(t, &sys, &go.o);
		if (e)
			return e;
		if (progress && (k + 1) % CHUNK == 0)
			progress(ctx, before + k + 1, n);
	}
	return JN_OK;
}

typedef enum { GEN_PERSONS, GEN_ORGS } gen_what;

static jn_err into_db(store *s, gen *g, gen_what what, int64_t n, uint64_t seed, gen_progress_fn progress,
		      void *ctx, int64_t *done)
{
	*done = 0;
	person *ps = what == GEN_PERSONS ? malloc(sizeof *ps * CHUNK) : NULL;
	if (what == GEN_PERSONS && !ps)
		return JN_ENOMEM;
	jn_err e = JN_OK;
	while (!e && *done < n) {
		int64_t m = min64(n - *done, GEN_TX_ROWS);
		stx *t;
		if ((e = stx_begin(s, 1, &t)) != JN_OK)
			break;
		e = what == GEN_PERSONS ? persons_tx(t, g, m, ps, *done, n, progress, ctx)
					: orgs_tx(t, g, m, *done, n, progress, ctx);
		if (!e)
			e = what == GEN_PERSONS ? audit_batch(t, "gen.persons", "persons", m, seed)
						: audit_batch(t, "gen.orgs", "orgs", m, seed);
		if (e) {
			stx_rollback(t);
			break;
		}
		if ((e = stx_commit(t)) == JN_OK)
			*done += m;
	}
	free(ps);
	/* A bulk load changes what the query planner should choose. */
	if (*done >= 10000)
		store_analyze(s);
	return e;
}

jn_err gen_persons_into_db(store *s, gen *g, int64_t n, uint64_t seed, gen_progress_fn progress, void *ctx,
			   int64_t *done)
{
	return into_db(s, g, GEN_PERSONS, n, seed, progress, ctx, done);
}

jn_err gen_orgs_into_db(store *s, gen *g, int64_t n, uint64_t seed, gen_progress_fn progress, void *ctx,
			int64_t *done)
{
	return into_db(s, g, GEN_ORGS, n, seed, progress, ctx, done);
}

/* ---- gen batch: a certification fixture (app/gen_batch.h) ---------------- */

/* The first sentence of a refusal, or the error's code. */
static void why(char *err, size_t cap, const char *step, jn_err e, const jn_fields *fe)
{
	snprintf(err, cap, "%s失败：%s", step, fe && fe->count ? fe->e[0].message : jn_err_code(e));
}

typedef struct pick {
	int64_t staff[3];      /* examiner, examiner, supervisor */
	char staff_emp[2][256]; /* the examiners' employers, normalised */
	int nstaff;
	int64_t *ids;          /* the candidates */
	int64_t n, want, skipped;
} pick;

static int pick_one(void *ctx, const person *p)
{
	pick *x = ctx;
	if (x->nstaff < 3) {
		if (x->nstaff < 2)
			cert_employer_norm(p->employer, x->staff_emp[x->nstaff], sizeof x->staff_emp[0]);
		x->staff[x->nstaff++] = p->id;
		return 0;
	}
	char emp[256];
	cert_employer_norm(p->employer, emp, sizeof emp);
	if (emp[0] && (strcmp(emp, x->staff_emp[0]) == 0 || strcmp(emp, x->staff_emp[1]) == 0)) {
		x->skipped++;
		return 0;
	}
	x->ids[x->n++] = p->id;
	return x->n >= x->want;
}

/* A score 60..100 from a splitmix64 stream. */
static int score_of(uint64_t *st)
{
	uint64_t z = (*st += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	z ^= z >> 31;
	return 60 + (int)(z % 41);
}

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The evaluation body: an organisation of kind evaluator with a credit code
 * from the generator (the next one when a code is taken), registered as an
 * S body for occupation x level, with its examiners and supervisor. */
static jn_err make_body(store *s, const gen_batch_opts *o, const pick *pk, int level, int64_t *org_id, char *err,
			size_t errcap)
{
	scope sys = scope_system();
	gen *g;
	jn_err e = gen_open(NULL, o->seed ^ 0x6261746368ull, 64, &g, err, errcap);
	if (e)
		return e;
	org made;
	jn_fields fe = {0};
	for (int tries = 0; tries < 64; tries++) {
		gen_org go;
		if ((e = gen_org_next(g, &go)) != JN_OK)
			break;
		const region_entry *re = region_find(go.o.region);
		char name[160];
		snprintf(name, sizeof name, "%s职业技能等级认定中心", re ? re->name : "");
		org_input in = {go.o.uscc, name, "evaluator", go.o.region, NULL};
		memset(&fe, 0, sizeof fe);
		e = org_create(s, &sys, &in, &made, &fe);
		if (!(e == JN_EINVAL && fe.count && strcmp(fe.e[0].code, "duplicate") == 0))
			break;
	}
	gen_close(g);
	if (e) {
		why(err, errcap, "登记评价机构（机构）", e, &fe);
		return e;
	}
	char site[8];
	snprintf(site, sizeof site, "9%05lld", (long long)(made.id % 100000));
	pair_input pair = {o->occupation ? o->occupation : GEN_BATCH_OCCUPATION, level};
	evaluator_input ei = {"S", "0400", site, 0, 1, &pair};
	json_t *j = NULL;
	memset(&fe, 0, sizeof fe);
	if ((e = evaluator_register(s, &sys, made.id, &ei, &j, &fe)) != JN_OK) {
		why(err, errcap, "登记评价机构", e, &fe);
		return e;
	}
	json_decref(j);
	static const char *const ROLE[3] = {"examiner", "examiner", "supervisor"};
	for (int i = 0; i < 3; i++) {
		staff_input si = {pk->staff[i], NULL, ROLE[i]};
		j = NULL;
		memset(&fe, 0, sizeof fe);
		if ((e = evaluator_staff_add(s, &sys, made.id, &si, &j, &fe)) != JN_OK) {
			why(err, errcap, "登记考评人员", e, &fe);
			return e;
		}
		json_decref(j);
	}
	*org_id = made.id;
	return JN_OK;
}

/* Candidates ids[from..to), scored passing, inside t. */
static jn_err candidates_tx(stx *t, const batch *b, const int64_t *ids, int64_t from, int64_t to, uint64_t *rng)
{
	int review = cert_review_required(b->level);
	for (int64_t i = from; i < to; i++) {
		candidate c;
		memset(&c, 0, sizeof c);
		c.batch_id = b->id;
		c.person_id = ids[i];
		c.route = ROUTE_NORMAL;
		c.dip = DIP_NONE;
		c.years_in_occupation = 3 + (score_of(rng) - 60) % 18;
		jn_err e = store_candidate_insert(t, &c);
		if (e)
			return e;
		c.theory = score_of(rng);
		c.practical = score_of(rng);
		c.review = review ? score_of(rng) : -1;
		c.passed = cert_scores_pass(b->level, c.theory, c.practical, c.review, b->pass_theory, b->pass_practical,
					    b->pass_review);
		if (c.passed != 1)
			return JN_EINTERNAL; /* pass marks above 60: cannot happen with batch_create's */
		if ((e = store_candidate_write(t, &c)) != JN_OK)
			return e;
	}
	return JN_OK;
}

typedef jn_err (*gen_step_fn)(store *s, const scope *sc, int64_t id, json_t **out, jn_fields *fe);

static jn_err step(store *s, gen_step_fn fn, int64_t id, const char *what, char *err, size_t errcap)
{
	scope sys = scope_system();
	jn_fields fe = {0};
	jn_err e = fn(s, &sys, id, NULL, &fe);
	if (e)
		why(err, errcap, what, e, &fe);
	return e;
}

jn_err gen_batch_into_db(store *s, const gen_batch_opts *o, gen_progress_fn progress, void *ctx,
			 gen_batch_result *out, char *err, size_t errcap)
{
	memset(out, 0, sizeof *out);
	err[0] = '\0';
	int level = o->level ? o->level : GEN_BATCH_LEVEL;
	if (level < 2 || level > 6) {
		snprintf(err, errcap, "等级应为2（初级工）到6（高级技师）");
		return JN_EINVAL;
	}
	if (o->candidates < 1 || o->candidates > CERT_SERIAL_MAX) {
		snprintf(err, errcap, "考生人数应在1到%d之间（一个证书编号前缀一年最多%d个序号）", CERT_SERIAL_MAX,
			 CERT_SERIAL_MAX);
		return JN_EINVAL;
	}
	scope sys = scope_system();
	/* Who: the registry's first persons in id order. */
	pick pk = {.want = o->candidates};
	pk.ids = malloc(sizeof *pk.ids * (size_t)o->candidates);
	if (!pk.ids)
		return JN_ENOMEM;
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (!e) {
		e = store_person_export(t, &sys, "", pick_one, &pk);
		stx_rollback(t);
	}
	/* The occupation first: a failure later would leave the body behind. */
	occupation occ;
	if (!e && (e = stx_begin(s, 0, &t)) == JN_OK) {
		int rc = occupation_resolve(t, o->occupation ? o->occupation : GEN_BATCH_OCCUPATION, &occ);
		stx_rollback(t);
		if (rc < 0)
			e = JN_EDB;
		else if (!rc) {
			snprintf(err, errcap, "职业“%s”不在职业分类大典（2022）中",
				 o->occupation ? o->occupation : GEN_BATCH_OCCUPATION);
			e = JN_EINVAL;
		}
	}
	if (!e && pk.n < o->candidates) {
		snprintf(err, errcap,
			 "数据库中的人员不够：需要 %lld 名考生和 3 名考评人员，只找到 %lld 名可作考生的人员"
			 "（先用 jineng gen persons N --into-db 生成）",
			 (long long)o->candidates, (long long)pk.n);
		e = JN_EINVAL;
	}
	int64_t org_id = 0;
	if (!e)
		e = make_body(s, o, &pk, level, &org_id, err, errcap);
	/* The batch, through the service. */
	batch b;
	memset(&b, 0, sizeof b);
	if (!e) {
		char lv[4], from[11];
		snprintf(lv, sizeof lv, "%d", level);
		cert_date_format(cert_date_add_days(store_today(), -30), from);
		batch_input in = BATCH_INPUT_EMPTY;
		in.org_id = org_id;
		in.occupation = o->occupation ? o->occupation : GEN_BATCH_OCCUPATION;
		in.level = lv;
		in.exam_from = from;
		in.place = "生成数据考场";
		in.nexaminers = 2;
		in.examiners[0] = pk.staff[0];
		in.examiners[1] = pk.staff[1];
		in.supervisor = pk.staff[2];
		in.notice_days = 0;
		json_t *j = NULL;
		jn_fields fe = {0};
		if ((e = batch_create(s, &sys, &in, &j, &fe)) != JN_OK)
			why(err, errcap, "创建批次", e, &fe);
		else
			b.id = json_integer_value(json_object_get(j, "id"));
		json_decref(j);
	}
	if (!e && (e = stx_begin(s, 0, &t)) == JN_OK) {
		e = store_batch_get(t, &sys, b.id, &b);
		stx_rollback(t);
	}
	out->org_id = org_id;
	out->batch_id = b.id;
	out->persons_skipped = pk.skipped;
	/* The candidates, written directly. */
	double t0 = mono_s();
	uint64_t rng = o->seed ^ 0x63616e64ull;
	for (int64_t done = 0; !e && done < pk.n;) {
		int64_t m = min64(pk.n - done, GEN_TX_ROWS);
		if ((e = stx_begin(s, 1, &t)) != JN_OK)
			break;
		e = candidates_tx(t, &b, pk.ids, done, done + m, &rng);
		if (!e) {
			char subj[64];
			snprintf(subj, sizeof subj, "batch:%lld", (long long)b.id);
			e = audit_batch(t, "gen.batch", subj, m, o->seed);
		}
		if (e) {
			stx_rollback(t);
			why(err, errcap, "写入考生", e, NULL);
			break;
		}
		if ((e = stx_commit(t)) != JN_OK) {
			why(err, errcap, "写入考生", e, NULL);
			break;
		}
		done += m;
		out->candidates = done;
		if (progress)
			progress(ctx, done, pk.n);
	}
	out->seconds_candidates = mono_s() - t0;
	free(pk.ids);
	if (!e && out->candidates >= 10000)
		store_analyze(s);
	/* The real steps up to approval. */
	if (!e)
		e = step(s, batch_submit, b.id, "提交", err, errcap);
	if (!e) {
		jn_fields fe = {0};
		if ((e = batch_review(s, &sys, b.id, "pass", "生成数据", NULL, &fe)) != JN_OK)
			why(err, errcap, "县级审核", e, &fe);
	}
	if (!e)
		e = step(s, batch_notice, b.id, "公示", err, errcap);
	out->state = "notice";
	if (!e && !o->stop_at_notice) {
		t0 = mono_s();
		e = step(s, batch_approve, b.id, "审批", err, errcap);
		out->seconds_approve = mono_s() - t0;
		if (!e)
			out->state = "approved";
	}
	return e;
}
