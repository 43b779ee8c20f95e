/* gen_training.h — ten years of training written through the platform's
 * own paths (app/gen_training.c): `jineng gen training --enrolments N
 * --years Y --into-db`, for the bench (bench/training.sh) and for trying
 * the statistics at scale.
 *
 * On the persons already registered (`jineng gen persons M --into-db`
 * first), as the system:
 *   - providers: GEN_TR_PROVIDERS_PER_CITY training organisations in each
 *     of 曲靖, 玉溪 and 红河 (org_create, kind trainer, credit codes from
 *     the generator, spread over the city's counties);
 *   - classes of 20–60 trainees (40 on average) spread evenly over the last
 *     Y years (the last one ending a month before today), each at one
 *     provider, under one of its city's training programmes (round robin),
 *     occupation and level from the subsidised-training catalogue (so the
 *     standard of the version in force applies from its effective date),
 *     4–8 sessions of a day (08:30–17:30 Beijing time) on consecutive days;
 *     built and inserted with class_build and class_insert_tx (every check
 *     of class_create, its audit entry);
 *   - enrolment of the provider's city's registered persons in turn
 *     (enrol_tx: real-name check of ID number and name, capacity, already
 *     enrolled, the overlap check against the person's other classes,
 *     the lifelong-record entry and the audit entry — a person refused for
 *     an overlap is skipped and counted);
 *   - attendance: each trainee present at each session with probability
 *     0.95 (3 % drop out after the first sessions), checked in 0–20 minutes
 *     after the start (attend_tx per trainee, one class.attend audit entry
 *     per session, as class_attend);
 *   - closing (class_close, the real service, one transaction per class,
 *     on the class's end date): completion by attendance against the
 *     class's minimum, a record entry per trainee;
 *   - results: 92 % of those completed passed (score 60–100), the rest
 *     failed — written as class_result writes them (the enrolment, an
 *     enrolment.result audit entry), GEN_TX_ROWS-ish per transaction;
 *   - claims (with_claims): claim_submit for each closed class on its end
 *     date + 7 days (the rules evaluated per trainee, the claims, their
 *     audit entries and fraud checks) — classes the rules refuse whole
 *     (before the catalogue's date: no standard) are counted, not errors.
 * Classes go in chunks of about GEN_TX_ROWS / 10 enrolments: one
 * transaction for the chunk's classes and enrolments, one for its
 * attendance, one per class for closing, one for the results.  Each phase
 * is timed on its own.  Deterministic for a seed and a registry. */
#ifndef JN_GEN_TRAINING_H
#define JN_GEN_TRAINING_H

#include "app/app.h"

#define GEN_TR_PROVIDERS_PER_CITY 20

typedef struct gen_training_opts {
	int64_t enrolments;  /* N: about this many (the last class fills it exactly) */
	int years;           /* 1..30, default 10 */
	int with_results;    /* 1: results for the completed */
	int with_claims;     /* 1: claim_submit per closed class */
	uint64_t seed;
} gen_training_opts;

typedef struct gen_training_result {
	int64_t providers, classes, enrolments, overlap_skipped, attendance, completed, incomplete;
	int64_t passed, failed, claims, claim_classes_refused, claims_refused;
	char first_date[11], last_date[11];
	double s_classes_enrol, s_attend, s_close, s_results, s_claims;
} gen_training_result;

/* err: a sentence (Chinese) when it fails: too few persons, no programme,
 * or the step that refused and why. */
jn_err gen_training_into_db(store *s, const gen_training_opts *o, gen_progress_fn progress, void *ctx,
			    gen_training_result *out, char *err, size_t errcap);

#endif
