/* store.h — the one storage interface of the platform.
 *
 * Everything above this line (app/, http/, cli/) talks to data only through
 * these functions and never sees SQL or the engine.  Two engines sit below
 * (db_sqlite.c, db_pg.c behind db.h); the SQL in the store files is written
 * once for both.
 *
 * Scope: every call that reads or changes registry data takes the caller's
 * scope and adds it to the WHERE clause, so an object outside it is simply
 * not found (JN_ENOTFOUND) — its existence does not leak.
 *
 * Transactions: work happens inside a stx (a pooled connection with an open
 * transaction).  Writes and their audit entries commit together. */
#ifndef JN_STORE_H
#define JN_STORE_H

#include <stdint.h>

#include "core/cert.h"
#include "core/err.h"
#include "core/model.h"

typedef struct store store;
typedef struct stx stx;

/* url: "sqlite:PATH" or "postgresql://..." (also "postgres://").
 * pool: connections kept (one per concurrently served request). */
jn_err store_open(const char *url, int pool, store **out, char *err, size_t errcap);
void store_close(store *s);
const char *store_engine(const store *s); /* "sqlite" / "postgresql" */

/* Checks out a connection and begins a transaction.  write = 1 for anything
 * that may write (including audited reads).  Blocks while the pool is empty. */
jn_err stx_begin(store *s, int write, stx **out);
jn_err stx_commit(stx *t);   /* commits and returns the connection (also on failure) */
void stx_rollback(stx *t);   /* rolls back and returns the connection; NULL is fine */
const char *stx_errmsg(stx *t);

/* ---- schema and reference data (store/migrate.c, store/catalog.c) ---- */
/* Applies the migrations not yet applied; *applied = how many. */
jn_err store_migrate(store *s, int *applied, int *version);
/* Replaces the regions table with the compiled-in REGIONS and the levels with
 * LEVELS; occupations with the rows given (idempotent). */
typedef struct occupation_row {
	const char *code, *name, *kind, *parent, *mark;
} occupation_row;
jn_err store_load_regions_levels(stx *t);
jn_err store_put_occupation(stx *t, const occupation_row *o);

typedef struct occupation {
	char code[16];
	char name[160];
	char kind[16];
	char parent[16];
	char mark[8];
} occupation;
typedef int (*occupation_fn)(void *ctx, const occupation *o);
/* q matches a code prefix or a name substring; kinds: "" all. limit <= 500. */
jn_err store_occupations(stx *t, const char *q, int limit, occupation_fn fn, void *ctx);
jn_err store_occupation_get(stx *t, const char *code, occupation *out);
/* Exact name lookup among occupations (kind occupation, then minor). */
jn_err store_occupation_by_name(stx *t, const char *name, occupation *out);

/* Refreshes the planner's statistics after a bulk change (ANALYZE). */
jn_err store_analyze(store *s);

/* ---- persons (store/person.c) ---- */
typedef struct person_filter {
	char region[7];       /* "" any; else the code and everything under it */
	char occupation[16];  /* "" any; a code prefix ("6-18" matches the group) */
	int level_min;        /* 0 any */
	int level_max_on;     /* 1: level <= level_max as well */
	int level_max;
	char q[96];           /* name substring or ID-number prefix */
	int page, per_page;   /* 1-based; per_page <= 200 */
	int all;              /* 1: every match streamed, no page, no count (exports) */
} person_filter;

typedef int (*person_fn)(void *ctx, const person *p);
/* Lists matching persons in id order; *total is the number of matches,
 * counted up to cap+1 so a huge region never costs a full count
 * (*total_capped = 1 when there were more than cap). */
jn_err store_person_list(stx *t, const scope *sc, const person_filter *f, person_fn fn, void *ctx,
			 int64_t *total, int *capped);
/* Streams every person in scope under region (""=all) in id order. */
jn_err store_person_export(stx *t, const scope *sc, const char *region, person_fn fn, void *ctx);
jn_err store_person_get(stx *t, const scope *sc, int64_t id, person *out);
jn_err store_person_by_id_number(stx *t, const scope *sc, const char *id_number, person *out);
/* Inserts p (id, created_at, updated_at, version set on return).
 * JN_ECONFLICT when the ID number exists. */
jn_err store_person_insert(stx *t, const scope *sc, person *p);
/* Writes every field of p over the row p->id (version bumped on return).
 * When expect_version > 0 and the row has another version: JN_ECONFLICT. */
jn_err store_person_update(stx *t, const scope *sc, person *p, int expect_version);
int64_t store_person_count(stx *t);
/* Bulk forms for imports: a few statements (round trips) per hundreds of
 * rows.  by_id_numbers looks every number up regardless of scope: out[i]
 * and found[i] answer ids[i].  insert_many inserts all of ps (ids set on
 * return) or, when any is outside sc, none (JN_EFORBIDDEN). */
jn_err store_persons_by_id_numbers(stx *t, int n, const char *const *ids, person *out, int *found);
jn_err store_person_insert_many(stx *t, const scope *sc, person *ps, int n);
/* 1 when sc may hold a person registered in region. */
int store_scope_allows_region(const scope *sc, const char *region);

/* ---- organisations (store/org.c) ---- */
typedef struct org_filter {
	org_kind kind;       /* 0 any */
	char region[7];
	int page, per_page;
	int all;             /* 1: every match streamed, no page, no count (exports) */
} org_filter;
typedef int (*org_fn)(void *ctx, const org *o);
jn_err store_org_insert(stx *t, const scope *sc, org *o);
jn_err store_org_get(stx *t, const scope *sc, int64_t id, org *out);
jn_err store_org_list(stx *t, const scope *sc, const org_filter *f, org_fn fn, void *ctx, int64_t *total);

/* ---- accounts and sessions (store/account.c) ---- */
typedef struct account {
	int64_t id;
	char username[64];
	char pw_hash[160];
	role role;
	char region[7];
	int64_t org_id;
	int64_t person_id;
	int failed;             /* consecutive failed sign-ins */
	char locked_until[32];  /* ISO time, "" none */
	int disabled;           /* switched off by an administrator */
	char created_at[32];
} account;
jn_err store_account_insert(stx *t, account *a);
jn_err store_account_by_username(stx *t, const char *username, account *out);
jn_err store_account_get(stx *t, int64_t id, account *out);
/* Counts one more failed sign-in, atomically; *failed = the new count. */
jn_err store_account_fail(stx *t, int64_t id, int *failed);
jn_err store_account_set_failed(stx *t, int64_t id, int failed, const char *locked_until);
jn_err store_session_insert(stx *t, const char *token_hash, int64_t account_id, const char *now,
			    const char *expires_at);
/* The account of a live session (not revoked, expires_at > now). */
jn_err store_session_account(stx *t, const char *token_hash, const char *now, account *out);
jn_err store_session_revoke(stx *t, const char *token_hash);
/* The expiry of a live session ("" none). */
jn_err store_session_expires(stx *t, const char *token_hash, char out[32]);

/* Accounts as administrators manage them (store/account.c): scoped by
 * scope_accounts — an administrator with a region reaches the accounts
 * whose region is within it, one without reaches all, nobody else any. */
typedef struct account_filter {
	role role;           /* 0 any */
	char region[7];      /* "" any; else the code and everything under it */
	char q[64];          /* username substring */
	int page, per_page;
	int all;             /* 1: every match, no page, no count (exports) */
} account_filter;
typedef int (*account_fn)(void *ctx, const account *a);
jn_err store_account_list(stx *t, const scope *sc, const account_filter *f, account_fn fn, void *ctx,
			  int64_t *total);
jn_err store_account_get_scoped(stx *t, const scope *sc, int64_t id, account *out);
/* Writes disabled and, when pw_hash is not NULL, a new hash (which also
 * clears the failed sign-ins).  The row must be in scope. */
jn_err store_account_update(stx *t, const scope *sc, int64_t id, int disabled, const char *pw_hash);
/* Revokes every live session of the account but the one except_hash
 * (NULL: all). */
jn_err store_account_end_sessions(stx *t, int64_t account_id, const char *except_hash);
/* 1 when sc (an administrator) may manage an account of that region. */
int store_scope_allows_account_region(const scope *sc, const char *region);

/* ---- statistics (store/stats.c) ---- */
/* Persons in scope under region ("" all) counted per (county, level). */
typedef int (*stats_region_level_fn)(void *ctx, const char *region, int level, int64_t count);
jn_err store_stats_region_level(stx *t, const scope *sc, const char *region, stats_region_level_fn fn, void *ctx);
/* The most common occupations (not empty) of the persons in scope under region. */
typedef int (*stats_occupation_fn)(void *ctx, const char *code, const char *name, int64_t count);
jn_err store_stats_occupations(stx *t, const scope *sc, const char *region, int limit, stats_occupation_fn fn,
			       void *ctx);
/* Persons in scope under region with level >= level_min. */
jn_err store_stats_count_level(stx *t, const scope *sc, const char *region, int level_min, int64_t *out);
/* Organisations of a kind in scope under region. */
jn_err store_stats_count_orgs(stx *t, const scope *sc, const char *region, org_kind kind, int64_t *out);

/* The employed-persons baseline (就业人员数, from the statistics yearbook). */
typedef struct employed_row {
	char region[7];
	int year;
	int64_t count;
	char source[256];
	char updated_at[32];
	char updated_by[64];
} employed_row;
typedef int (*employed_fn)(void *ctx, const employed_row *e);
/* Inserts or replaces the (region, year) row; *before gets the old row
 * (had_before = 0 when none).  JN_EFORBIDDEN outside the scope. */
jn_err store_employed_put(stx *t, const scope *sc, employed_row *e, employed_row *before, int *had_before);
/* Rows in scope under region ("" all), by region and year (newest first). */
jn_err store_employed_list(stx *t, const scope *sc, const char *region, employed_fn fn, void *ctx);
/* The newest row of exactly region; JN_ENOTFOUND when none. */
jn_err store_employed_latest(stx *t, const scope *sc, const char *region, employed_row *out);

/* The seed documents' targets (store/target.c). */
typedef struct target_row {
	int64_t id;
	char region[7];
	char seed[96];
	char item[64];
	char programme[128];
	char metric[128];
	char unit[64];
	char target[32];
	char by[16];          /* a year, or "yearly" */
} target_row;
typedef int (*target_fn)(void *ctx, const target_row *x);
/* Inserts or updates by (region, seed, item, programme, metric). */
jn_err store_target_put(stx *t, const target_row *x);
/* Targets of regions within the scope, and of the regions above the
 * caller's own (a city's targets concern its counties); when region is
 * given, those of it, under it and above it.  In region, then file order. */
jn_err store_target_list(stx *t, const scope *sc, const char *region, target_fn fn, void *ctx);

/* ---- certification (store/evaluator.c, condition.c, batch.c, cert.c) ----
 * Scope: registrations, batches and their candidates are reached through
 * the evaluation body — by its region (admin, county) or by the body's own
 * accounts (evaluator); certificates through their holder's region (admin,
 * county), the issuing body (evaluator) or the holder (worker).  Out of
 * scope is JN_ENOTFOUND. */
typedef struct evaluator_reg {
	int64_t org_id;
	char body_type;          /* 'Y' 用人单位自主评价 / 'S' 社会培训评价组织 */
	char body_code[5];       /* "0000" when registered at province level */
	char site_serial[7];     /* 认定站点编号 */
	int64_t employer_org_id; /* Y: the employer whose own staff it evaluates; 0 for S */
	char created_at[32], updated_at[32];
	char name[256];          /* read: the organisation's name and region */
	char region[7];
	char employer_name[256];
} evaluator_reg;
typedef struct eval_pair {
	char occupation[16];
	int level;
} eval_pair;
typedef struct eval_staff {
	int64_t person_id;
	char role[16];           /* "examiner" 考评员 / "supervisor" 质量督导员 */
	char name[96];
	char id_number[19];
	char employer[256];
	char region[7];
	char created_at[32];
} eval_staff;
typedef int (*evaluator_fn)(void *ctx, const evaluator_reg *r);
typedef int (*eval_pair_fn)(void *ctx, const eval_pair *p);
typedef int (*eval_staff_fn)(void *ctx, const eval_staff *s);
jn_err store_evaluator_get(stx *t, const scope *sc, int64_t org_id, evaluator_reg *out);
jn_err store_evaluator_list(stx *t, const scope *sc, evaluator_fn fn, void *ctx);
/* Inserts or replaces the registration of r->org_id; JN_ECONFLICT when
 * another body has the same type, body code and site serial. */
jn_err store_evaluator_put(stx *t, evaluator_reg *r);
jn_err store_evaluator_pairs_set(stx *t, int64_t org_id, int n, const eval_pair *pairs);
jn_err store_evaluator_pairs(stx *t, int64_t org_id, eval_pair_fn fn, void *ctx);
int store_evaluator_has_pair(stx *t, int64_t org_id, const char *occupation, int level); /* 1, 0, -1 error */
/* JN_ECONFLICT when the person already has that role there. */
jn_err store_evaluator_staff_add(stx *t, int64_t org_id, int64_t person_id, const char *role);
jn_err store_evaluator_staff(stx *t, int64_t org_id, eval_staff_fn fn, void *ctx);
int store_evaluator_is_staff(stx *t, int64_t org_id, int64_t person_id, const char *role); /* 1, 0, -1 */
/* An organisation by credit code (uscc != NULL) or exact name, any scope
 * (the body named on an imported certificate). */
jn_err store_org_find(stx *t, const char *uscc, const char *name, org *out);

/* Application conditions (data/level-conditions.csv, loaded by init). */
jn_err store_conditions_replace(stx *t, int n, const cert_condition *rows);
/* The rows of (occupation, level): the occupation's own when it has any,
 * else the defaults; in alternative order.  *n = rows (at most cap). */
jn_err store_conditions_for(stx *t, const char *occupation, int level, cert_condition *out, int cap, int *n);
typedef int (*condition_fn)(void *ctx, const cert_condition *c);
/* Every row (occupation "" = the defaults only, NULL = all). */
jn_err store_conditions_list(stx *t, const char *occupation, condition_fn fn, void *ctx);

typedef struct batch {
	int64_t id, org_id;
	char region[7];          /* the body's region: what scope reaches */
	char occupation[16];
	int level;
	char direction[96];      /* 工种/职业方向, may be "" */
	char exam_from[11], exam_to[11];
	char place[256];
	int64_t supervisor_id;
	int pass_theory, pass_practical, pass_review, notice_days;
	batch_state state;
	char notice_from[32], notice_until[32];
	char approved_on[11], issued_on[11];
	char return_reason[512];
	char created_by[64];
	char created_at[32], updated_at[32];
	int version;
	char body_name[256];     /* read with it */
	char body_type;
	char occupation_name[160];
} batch;
typedef struct batch_filter {
	batch_state state;       /* 0 any */
	int64_t org_id;          /* 0 any */
	char occupation[16];
	int page, per_page;
} batch_filter;
typedef int (*batch_fn)(void *ctx, const batch *b);
jn_err store_batch_insert(stx *t, batch *b);
jn_err store_batch_get(stx *t, const scope *sc, int64_t id, batch *out);
jn_err store_batch_list(stx *t, const scope *sc, const batch_filter *f, batch_fn fn, void *ctx, int64_t *total);
/* Batches in public notice (公示), any scope: the public sees them masked. */
jn_err store_batch_notices(stx *t, batch_fn fn, void *ctx);
/* Writes b's changeable fields (plan, state, dates, reason) over its row,
 * provided the row is still in state expect at version b->version;
 * JN_ECONFLICT otherwise.  b->version is the new one on return. */
jn_err store_batch_write(stx *t, batch *b, batch_state expect);
jn_err store_batch_examiners_set(stx *t, int64_t batch_id, int n, const int64_t *person_ids);
jn_err store_batch_examiners(stx *t, int64_t batch_id, person_fn fn, void *ctx);
typedef struct batch_event {
	int64_t id;
	char at[32], actor[96], from[16], to[16];
	char note[600];
} batch_event;
typedef int (*batch_event_fn)(void *ctx, const batch_event *e);
jn_err store_batch_event(stx *t, int64_t batch_id, const char *actor, const char *from, const char *to,
			 const char *note);
jn_err store_batch_events(stx *t, int64_t batch_id, batch_event_fn fn, void *ctx);

typedef struct candidate {
	int64_t id, batch_id, person_id;
	cert_route route;
	int years_in_occupation;
	diploma dip;
	char basis[512];
	char evidence_text[2048];
	char evidence_name[256];
	char evidence_sha256[65];
	int64_t evidence_size;
	int theory, practical, review; /* -1 when not given */
	int passed;                    /* -1 not scored, 0, 1 */
	char created_at[32], updated_at[32];
	char name[96];                 /* the person, read with it */
	char id_number[19];
	char employer[256];
	char region[7];
} candidate;
typedef int (*candidate_fn)(void *ctx, const candidate *c);
/* JN_ECONFLICT when the person is already in the batch. */
jn_err store_candidate_insert(stx *t, candidate *c);
jn_err store_candidate_get(stx *t, int64_t batch_id, int64_t id, candidate *out);
jn_err store_candidates(stx *t, int64_t batch_id, candidate_fn fn, void *ctx);
/* Writes the scores, result and evidence fields. */
jn_err store_candidate_write(stx *t, candidate *c);
jn_err store_candidate_delete(stx *t, int64_t batch_id, int64_t id);
/* The evidence file, base64 (binary-safe in a TEXT column on both engines). */
jn_err store_evidence_put(stx *t, int64_t candidate_id, const char *name, int64_t size, const char *sha256,
			  const char *b64);
/* *b64 is malloc'd (caller frees). */
jn_err store_evidence_get(stx *t, int64_t candidate_id, char name[256], char **b64, int64_t *size, char sha256[65]);

/* A worker's photo, base64; *b64 malloc'd (caller frees).  JN_ENOTFOUND
 * when there is none.  Callers check the person is in scope first. */
jn_err store_photo_put(stx *t, int64_t person_id, const char *mime, int64_t size, const char *sha256,
		       const char *b64, const char *by);
jn_err store_photo_get(stx *t, int64_t person_id, char mime[16], char **b64, int64_t *size, char sha256[65]);

typedef struct objection {
	int64_t id, batch_id, candidate_id; /* candidate 0: about the batch */
	char content[1024], contact[256];
	char recorded_by[96], recorded_at[32];
	char answer[1024], answered_by[96], answered_at[32];
} objection;
typedef int (*objection_fn)(void *ctx, const objection *o);
jn_err store_objection_insert(stx *t, objection *o);
jn_err store_objection_get(stx *t, int64_t batch_id, int64_t id, objection *out);
/* Records the answer when the objection has none yet; JN_ECONFLICT otherwise. */
jn_err store_objection_answer(stx *t, objection *o);
jn_err store_objections(stx *t, int64_t batch_id, objection_fn fn, void *ctx);

typedef struct certificate {
	int64_t id;
	char number[23];
	int64_t person_id;
	char holder_name[96];
	char id_type[32];        /* 居民身份证 */
	char id_number[19];
	char occupation[16];
	char occupation_name[160];
	char direction[96];
	int level;
	cert_route route;
	int64_t body_org_id;     /* 0 when imported from a body not registered here */
	char body_name[256];
	char body_type;
	char body_code[5];
	char approved_on[11], issued_on[11];
	cert_status status;
	char revoked_on[11];
	char revoke_reason[512];
	int64_t batch_id, candidate_id;
	int imported;
	char created_at[32], updated_at[32];
} certificate;
typedef struct cert_filter {
	cert_status status;      /* 0 any */
	int64_t person_id, batch_id;
	char occupation[16];     /* a code or a group prefix */
	int page, per_page;
	int all;                 /* every match, no page, no count */
} cert_filter;
typedef int (*cert_fn)(void *ctx, const certificate *c);
/* JN_ECONFLICT when the number exists. */
jn_err store_cert_insert(stx *t, certificate *c);
jn_err store_cert_get(stx *t, const scope *sc, const char *number, certificate *out);
jn_err store_cert_list(stx *t, const scope *sc, const cert_filter *f, cert_fn fn, void *ctx, int64_t *total,
		       int *capped);
/* The certificates of a batch the scope reaches (through the batch). */
jn_err store_batch_certs(stx *t, const scope *sc, int64_t batch_id, cert_fn fn, void *ctx);
/* Writes status, dates and reason when the row is still in status expect. */
jn_err store_cert_set_status(stx *t, certificate *c, cert_status expect);
/* The next serial of a 16-character prefix (1, 2, …; never one handed out
 * before), and raising the counter past a serial seen on an import. */
jn_err store_cert_next_serial(stx *t, const char *prefix, int *serial);
jn_err store_cert_serial_seen(stx *t, const char *prefix, int serial);
/* Every certificate of a person (unscoped: for the rules), by id. */
jn_err store_certs_of_person(stx *t, int64_t person_id, cert_fn fn, void *ctx);
typedef struct person_level {
	char occupation[16];
	int level;
	char number[23];
} person_level;
typedef int (*person_level_fn)(void *ctx, const person_level *l);
jn_err store_person_levels_set(stx *t, int64_t person_id, int n, const person_level *rows);
jn_err store_person_levels(stx *t, int64_t person_id, person_level_fn fn, void *ctx);
/* Public verification: one more of result on day; the counts per day. */
jn_err store_verify_count(stx *t, const char *day, const char *result);
typedef int (*verify_count_fn)(void *ctx, const char *day, const char *result, int64_t count);
jn_err store_verify_counts(stx *t, const char *from, const char *to, verify_count_fn fn, void *ctx);

/* ---- audit (store/audit.c) ---- */
/* Appends one chained entry.  before/after are JSON text or NULL. */
jn_err store_audit(stx *t, const scope *sc, const char *action, const char *subject, const char *before,
		   const char *after);
/* Appends n entries of one action in a few statements (imports);
 * befores/afters may be NULL for all-NULL. */
jn_err store_audit_many(stx *t, const scope *sc, const char *action, int n, const char *const *subjects,
			const char *const *befores, const char *const *afters);
typedef struct audit_entry {
	int64_t seq;
	char at[32];
	char actor[96];
	char action[48];
	char subject[64];
	const char *before; /* valid during the callback */
	const char *after;
	char prev_hash[65];
	char hash[65];
} audit_entry;
typedef int (*audit_fn)(void *ctx, const audit_entry *e);
typedef struct audit_filter {
	char actor[96];
	char subject[64];
	char from[32], to[32]; /* ISO dates or times; "" open */
	char action_prefix[48];
	int page, per_page;
	int all;               /* 1: every match streamed, no page (exports) */
} audit_filter;
jn_err store_audit_list(stx *t, const audit_filter *f, audit_fn fn, void *ctx);
/* The number of matches, counted up to cap (*capped = 1 when more). */
jn_err store_audit_count(stx *t, const audit_filter *f, int64_t cap, int64_t *total, int *capped);
/* Walks the whole chain: *checked entries; on a break *bad_seq is the first
 * broken entry and why[] says what is wrong (Chinese). */
jn_err store_audit_verify(stx *t, int64_t *checked, int64_t *bad_seq, char *why, size_t whycap);

/* Current time as ISO 8601 UTC with milliseconds ("2026-11-21T10:00:00.123Z"),
 * and today as YYYYMMDD (local date in China, UTC+8). */
void store_now(char out[32]);
int store_today(void);

#endif
