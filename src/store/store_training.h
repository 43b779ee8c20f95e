/* store_training.h — programmes, the subsidised-training catalogue,
 * classes with their sessions, enrolments, attendance and check-in codes
 * (store/programme.c, store/class.c).
 *
 * Scope (store-level, out of scope = JN_ENOTFOUND):
 *  - programmes are policy: administrators and county clerks see those of
 *    the regions in their reach and of the regions above their own (as
 *    targets); a trainer those of its organisation's city and province;
 *  - classes: administrators and county clerks by the class's region (the
 *    provider's), a trainer its own organisation's, a worker the classes
 *    they are enrolled in;
 *  - enrolments through their class, a worker only their own. */
#ifndef JN_STORE_TRAINING_H
#define JN_STORE_TRAINING_H

#include "store/store.h"

typedef struct programme {
	int64_t id;
	char region[7];
	char name[128];
	char category[48];
	char target_groups[256];
	char units[256];
	char seed[96];
	char item[128];
	char period_from[11], period_to[11];
	int min_attendance;
	char created_by[64], created_at[32], updated_at[32];
	int version;
} programme;
typedef int (*programme_fn)(void *ctx, const programme *p);
typedef struct programme_filter {
	char region[7];   /* "" any; else that region, under it and above it */
	char category[48];
} programme_filter;
/* Inserts p; JN_ECONFLICT when (region, name) exists. */
jn_err store_programme_insert(stx *t, programme *p);
/* Writes p over its row when its version is expect_version (bumped on return). */
jn_err store_programme_update(stx *t, programme *p, int expect_version);
jn_err store_programme_get(stx *t, const scope *sc, int64_t id, programme *out);
jn_err store_programme_by_name(stx *t, const scope *sc, const char *region, const char *name, programme *out);
jn_err store_programme_list(stx *t, const scope *sc, const programme_filter *f, programme_fn fn, void *ctx);
/* The programme's targets (targets.programme_id). */
jn_err store_programme_targets(stx *t, int64_t programme_id, target_fn fn, void *ctx);
/* Replaces the programme's own targets (seed ""); the seed's stay. */
jn_err store_programme_targets_set(stx *t, const programme *p, int n, const target_row *rows);
/* init: one programme per (region, programme) of the seed targets not yet
 * having one (category by rule), then every target linked to its programme.
 * *created = how many programmes were added. */
typedef const char *(*category_rule_fn)(const char *name, const char *metrics, const char *units);
jn_err store_programmes_from_targets(stx *t, category_rule_fn rule, int *created);

/* The subsidised-training catalogue (补贴工种目录), versioned by
 * effective date per region (a city, or the province for all). */
typedef struct catalog_row {
	int64_t id;
	char region[7];
	char effective_from[11];
	char occupation[16];
	int level;
	int64_t standard_fen;
	int min_hours;
	char source[256];
	char created_at[32];
	char occupation_name[160]; /* read */
} catalog_row;
typedef int (*catalog_fn)(void *ctx, const catalog_row *c);
/* Inserts c; *inserted = 0 when (region, effective_from, occupation,
 * level) already exists (the row is left as it was). */
jn_err store_catalog_put(stx *t, catalog_row *c, int *inserted);
/* The row in force on date `on` (YYYY-MM-DD) for the occupation and level
 * in region: the latest effective_from <= on among the region's city and
 * the province, the city's first on a tie.  JN_ENOTFOUND when none. */
jn_err store_catalog_in_force(stx *t, const char *region, const char *occupation, int level, const char *on,
			      catalog_row *out);
/* Rows (occupation "" any, level 0 any, region "" any: else the region's
 * city and province); on "" every version, else only those in force then. */
jn_err store_catalog_list(stx *t, const char *region, const char *occupation, int level, const char *on,
			  catalog_fn fn, void *ctx);
jn_err store_catalog_get(stx *t, int64_t id, catalog_row *out);

/* Classes. */
typedef struct training_class {
	int64_t id;
	int64_t org_id;
	int64_t programme_id; /* 0 none */
	int64_t catalog_id;   /* 0 none */
	char region[7];
	char name[128];
	char occupation[16];
	int level;
	char category[48];
	char mode[8];
	char start_date[11], end_date[11];
	int hours;
	char teacher[96];
	char place[256];
	int capacity;
	int64_t standard_fen;
	int min_attendance;
	char state[12];
	char created_by[64], created_at[32], updated_at[32];
	int version;
	/* read: joined names and counts */
	char org_name[256];
	char occupation_name[160];
	char programme_name[128];
	int enrolled;  /* enrolments not withdrawn */
	int nsessions;
} training_class;
typedef int (*class_fn)(void *ctx, const training_class *c);
typedef struct class_filter {
	char state[12];
	int64_t org_id, programme_id;
	char occupation[16];
	char region[7];
	int page, per_page;
} class_filter;

typedef struct class_session {
	int64_t id;
	int64_t class_id;
	int seq;
	char starts_at[21], ends_at[21];
	char topic[128];
	int present; /* read: attendance count */
} class_session;
typedef int (*session_fn)(void *ctx, const class_session *s);

jn_err store_class_insert(stx *t, training_class *c);
/* Writes the plan fields and state when the row has expect_state. */
jn_err store_class_write(stx *t, training_class *c, const char *expect_state);
jn_err store_class_get(stx *t, const scope *sc, int64_t id, training_class *out);
jn_err store_class_list(stx *t, const scope *sc, const class_filter *f, class_fn fn, void *ctx, int64_t *total);
/* Replaces every session of the class (only before any attendance). */
jn_err store_sessions_set(stx *t, int64_t class_id, int n, const class_session *s);
jn_err store_sessions(stx *t, int64_t class_id, session_fn fn, void *ctx);
/* Who was present at which session of the class: fn(ctx, person_id, seq). */
typedef int (*presence_fn)(void *ctx, int64_t person_id, int seq);
jn_err store_class_presence(stx *t, int64_t class_id, presence_fn fn, void *ctx);
jn_err store_session_by_seq(stx *t, int64_t class_id, int seq, class_session *out);

/* A clash: another class (not withdrawn from) of the same person whose
 * session overlaps one of this class's. */
typedef struct class_clash {
	int64_t person_id;
	int64_t other_class_id;
	char other_name[128];
	char other_starts[21], other_ends[21];
	char mine_starts[21], mine_ends[21];
} class_clash;
/* 1 (with *out) when person_id, if enrolled in class_id, would clash;
 * person_id 0: any person enrolled in class_id (after a change of its
 * sessions).  0 none, -1 storage error. */
int store_class_clash(stx *t, int64_t class_id, int64_t person_id, class_clash *out);

typedef struct enrolment {
	int64_t id;
	int64_t class_id;
	int64_t person_id;
	int64_t voucher_id; /* 0 none */
	char state[12];     /* enrolled, withdrawn, completed, incomplete */
	int attended;
	char result[8];     /* "", passed, failed */
	int score;          /* -1 none */
	char cert_number[24];
	char completed_on[11];
	char enrolled_by[64], created_at[32], updated_at[32];
	/* read */
	char name[96];
	char id_number[19];
	char class_name[128];
	char org_name[256];
	int64_t org_id;
	int nsessions;
	char occupation[16];
	int level;
} enrolment;
typedef int (*enrolment_fn)(void *ctx, const enrolment *e);
typedef struct enrolment_filter {
	int64_t class_id, person_id;
	char state[12];
	int page, per_page;
} enrolment_filter;
/* Inserts (or, for a withdrawn row of the same person and class, brings
 * back) an enrolment. */
jn_err store_enrolment_put(stx *t, enrolment *e);
jn_err store_enrolment_write(stx *t, const enrolment *e);
/* The enrolment of a class, reached through the class's scope (a worker: only their own). */
jn_err store_enrolment_get(stx *t, const scope *sc, int64_t class_id, int64_t id, enrolment *out);
jn_err store_enrolment_of(stx *t, int64_t class_id, int64_t person_id, enrolment *out);
jn_err store_enrolment_list(stx *t, const scope *sc, const enrolment_filter *f, enrolment_fn fn, void *ctx,
			    int64_t *total);
/* Every enrolment of the class (not scoped: the caller reached the class). */
jn_err store_class_enrolments(stx *t, int64_t class_id, enrolment_fn fn, void *ctx);

/* Records attendance; *added = 0 when the person was already marked
 * for the session (then nothing changes). */
jn_err store_attendance_add(stx *t, int64_t session_id, int64_t class_id, int64_t person_id, const char *at,
			    const char *method, const char *device, const char *by, int *added);
typedef struct attendance_row {
	int64_t session_id, person_id;
	int seq;
	char at[32], method[12], device[64], recorded_by[64];
} attendance_row;
typedef int (*attendance_fn)(void *ctx, const attendance_row *a);
jn_err store_attendance_of(stx *t, int64_t class_id, int64_t person_id, attendance_fn fn, void *ctx);

jn_err store_checkin_code_put(stx *t, int64_t session_id, int64_t class_id, const char *code, const char *expires_at,
			      const char *by);
/* The newest code of the class equal to `code`: its session and expiry. */
jn_err store_checkin_code_find(stx *t, int64_t class_id, const char *code, int64_t *session_id, char expires_at[32]);

#endif
