/* gen_db.c — generated records written straight into the store.
 *
 * GEN_TX_ROWS rows per transaction, so a large run commits as it goes and
 * the engines never hold one giant transaction; each transaction appends
 * one audit entry naming the rows and the seed, so the log says where bulk
 * synthetic data came from (one entry per row would double the work and
 * tell nothing more).  Persons go in through the bulk insert, a chunk at a
 * time, so memory stays small whatever N is. */
#include <stdio.h>
#include <stdlib.h>

#include "app/app.h"

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
