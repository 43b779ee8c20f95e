/* gen_batch.h — a certification fixture written straight into the store
 * (app/gen_db.c): `jineng gen batch N --into-db`, for the bench and for
 * trying the issue step at scale.
 *
 * What it makes, all as the system:
 *   - an organisation of kind evaluator (credit code from the generator,
 *     named after its county) registered as an S body (body code 0400,
 *     site serial 9xxxxx from the organisation's id) for one occupation x
 *     level, through the real services (org_create, evaluator_register,
 *     evaluator_staff_add): the registry's first person and second person
 *     as examiners, its third as quality supervisor;
 *   - one batch (batch_create, notice of 0 days);
 *   - N candidates — the registry's next persons in id order, skipping any
 *     who work where an examiner works — on the normal route, each scored
 *     (theory and practical 60–100, review too at 技师 and above) and so
 *     passing.  These are written directly (store_candidate_insert and
 *     store_candidate_write, GEN_TX_ROWS per transaction, one "gen.batch"
 *     audit entry per transaction): no conditions are checked and no
 *     per-candidate audit entry is written, as `gen persons --into-db`
 *     skips what an import checks;
 *   - then the real steps submit, review (pass), notice (0 days, so it is
 *     over at once) and, unless stop_at_notice, approve — which numbers
 *     the N certificates (pending).  The batch is then "approved": the
 *     next step is issuing.
 *
 * Deterministic for a seed and a registry: the same persons, scores and
 * credit code.  Run again on the same database it makes another body and
 * another batch of the same persons. */
#ifndef JN_GEN_BATCH_H
#define JN_GEN_BATCH_H

#include "app/app.h"

#define GEN_BATCH_OCCUPATION "6-18-02-04" /* 焊工 */
#define GEN_BATCH_LEVEL 3                 /* 中级工 (四级) */

typedef struct gen_batch_opts {
	int64_t candidates;     /* N */
	const char *occupation; /* code or name; NULL: GEN_BATCH_OCCUPATION */
	int level;              /* 2..6; 0: GEN_BATCH_LEVEL */
	int stop_at_notice;     /* 1: end in notice (over), approval due; 0: end approved */
	uint64_t seed;
} gen_batch_opts;

typedef struct gen_batch_result {
	int64_t org_id, batch_id;
	int64_t candidates;       /* written */
	int64_t persons_skipped;  /* same employer as an examiner */
	const char *state;        /* "notice" or "approved" */
	double seconds_candidates, seconds_approve;
} gen_batch_result;

/* err gets a sentence (Chinese) on failure: too few persons, an unknown
 * occupation or level, or the step that refused and why. */
jn_err gen_batch_into_db(store *s, const gen_batch_opts *o, gen_progress_fn progress, void *ctx,
			 gen_batch_result *out, char *err, size_t errcap);

#endif
