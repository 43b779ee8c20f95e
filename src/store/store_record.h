/* store_record.h — the lifelong record (终身职业技能培训电子档案): one
 * append-only timeline per worker.  Every system that changes something a
 * worker's record shows (a training completed, a certificate issued or
 * revoked, a voucher issued or used, a subsidy paid, later contests and
 * honours) appends an entry in the same transaction as the change.  An
 * entry is never updated or deleted (the database refuses both); a
 * correction is a new entry whose `corrects` names the one it corrects. */
#ifndef JN_STORE_RECORD_H
#define JN_STORE_RECORD_H

#include "store/store.h"

typedef struct record_entry {
	int64_t id;
	int64_t person_id;
	char on_date[11];     /* when it happened (ISO date) */
	char kind[24];        /* training, certificate, voucher, subsidy, correction, ... */
	char title[256];      /* what a person reads, Chinese */
	const char *detail;   /* JSON object text; NULL = "{}" (valid during a callback only) */
	char ref_kind[24];    /* the row it is about: "enrolment", "certificate", "voucher", "claim", ... */
	int64_t ref_id;       /* 0 none */
	char source[256];     /* who the fact comes from: the provider, the evaluation body, "导入", ... */
	char recorded_by[96]; /* the account (username) or "system" */
	char recorded_at[32];
	int64_t corrects;     /* 0 none; else the entry this one corrects */
} record_entry;

/* Appends e (id and recorded_at set on return; recorded_at taken from the
 * clock when empty).  Not scoped: the caller has already decided that the
 * change it records may happen. */
jn_err store_record_add(stx *t, record_entry *e);

typedef int (*record_fn)(void *ctx, const record_entry *e);
/* The person's entries, newest first (on_date, then id, descending).  The
 * caller checks the person is in scope first (store_person_get). */
jn_err store_record_list(stx *t, int64_t person_id, record_fn fn, void *ctx);
/* One entry of the person; JN_ENOTFOUND when it is not theirs. */
jn_err store_record_get(stx *t, int64_t person_id, int64_t id, record_entry *out);

/* ---- training statistics (store/stats.c) ----
 * Counted from completed enrolments (state 'completed', completed_on a
 * date), scoped by the class's region for staff (a county clerk counts its
 * county's classes, an administrator its city's). */

/* Completions in [from, to] (ISO dates, inclusive) of classes under region
 * ("" any) of programme_id (0: every programme): person-times, distinct
 * persons, and the number of classes the programme has there (any state). */
jn_err store_training_count(stx *t, const scope *sc, int64_t programme_id, const char *region, const char *from,
			    const char *to, int64_t *person_times, int64_t *persons, int64_t *classes);

typedef int (*training_group_fn)(void *ctx, int64_t programme_id, const char *programme_name, const char *county,
				 int year, int64_t person_times, int64_t persons);
/* The same grouped by programme, the class's county and the year of
 * completion; and the totals over them (*persons distinct overall). */
jn_err store_training_groups(stx *t, const scope *sc, const char *region, const char *from, const char *to,
			     training_group_fn fn, void *ctx, int64_t *person_times, int64_t *persons);

typedef struct target_link {
	int64_t target_id, programme_id;
	char period_from[11], period_to[11]; /* the programme's period, "" when not set */
} target_link;
typedef int (*target_link_fn)(void *ctx, const target_link *l);
/* Every target linked to a programme (targets.programme_id), with the
 * programme's period.  Policy, not personal data: not scoped. */
jn_err store_target_links(stx *t, target_link_fn fn, void *ctx);

typedef int (*trained_fn)(void *ctx, const char *county, int64_t persons);
/* Distinct persons registered under region (the person's own county, in
 * scope like the registry) with a training completed in (after, upto]. */
jn_err store_trained_by_county(stx *t, const scope *sc, const char *region, const char *after, const char *upto,
			       trained_fn fn, void *ctx);

#endif
