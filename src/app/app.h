/* app.h — the application services: what a request or a command does, in
 * terms of the domain core and the store.  HTTP handlers and CLI commands
 * are thin wrappers around these.  JSON (jansson) is the shape records take
 * on their way out and into the audit log. */
#ifndef JN_APP_H
#define JN_APP_H

#include <jansson.h>
#include <stdio.h>

#include "core/err.h"
#include "core/model.h"
#include "store/store.h"

/* ---- persons (app/person.c) ---- */

/* What a person record may be created or changed from: text as the user gave
 * it (JSON values or spreadsheet cells).  NULL = not given. */
typedef struct person_input {
	const char *id_number, *name, *gender, *birth_date, *phone, *region, *occupation, *level, *employer,
		*education, *tags, *insured_from;
} person_input;

/* Validates in and fills out (all derived fields too).  For an update, base
 * is the current record and only given fields change; id_number cannot
 * change.  Field errors go to fe with API field names.  Catalogue lookups
 * (occupation names) go through t.  Returns JN_EINVAL when fe has errors. */
typedef struct occ_cache occ_cache; /* remembers catalogue lookups (imports) */
occ_cache *occ_cache_create(void);
void occ_cache_destroy(occ_cache *c);
jn_err person_from_input(stx *t, occ_cache *cache, const person_input *in, const person *base, int today,
			 person *out, jn_fields *fe);


/* JSON of a person: full (every field) or masked (list views). */
json_t *person_json(const person *p, int masked);

/* 1 when b would change nothing of a (the fields a person can change). */
int person_same(const person *a, const person *b);
/* Inside t: inserts p (before == NULL) or writes p over before, and
 * appends the audit entry with before and after (none when nothing
 * changed).  JN_EFORBIDDEN when the region is outside the scope. */
jn_err person_write(stx *t, const scope *sc, const person *before, person *p, int expect_version);
/* Inside t: inserts n new persons in bulk (imports), each with its
 * "person.create" audit entry as person_write would append. */
jn_err person_insert_many(stx *t, const scope *sc, person *ps, int n);
/* Validation only (for reporting every problem of a request at once). */
jn_err person_validate(store *s, const person_input *in, jn_fields *fe);
jn_err person_create(store *s, const scope *sc, const person_input *in, person *out, jn_fields *fe);
jn_err person_update(store *s, const scope *sc, int64_t id, const person_input *in, int expect_version,
		     person *out, jn_fields *fe);
/* Reads the full record and audits the read ("read.person"). */
jn_err person_read_full(store *s, const scope *sc, int64_t id, person *out);
/* A worker's photo (app/photo.c): JPEG or PNG up to PHOTO_MAX_BYTES that
 * the renderer can read, set by whoever may change the person (audited
 * "person.photo" with the old and new SHA-256); read back audited
 * ("read.person.photo"), *data malloc'd, JN_ENOTFOUND when none. */
#define PHOTO_MAX_BYTES (2u * 1024u * 1024u)
jn_err person_photo_put(store *s, const scope *sc, int64_t person_id, const unsigned char *data, size_t len,
			json_t **out, jn_fields *fe);
jn_err person_photo_get(store *s, const scope *sc, int64_t person_id, char **data, size_t *len, char mime[16]);
/* The same inside t, unscoped and unaudited (the caller has checked). */
jn_err person_photo_read(stx *t, int64_t person_id, char **data, size_t *len, char mime[16]);
/* Entries of the audit log about this person (writes), newest first. */
jn_err person_history(store *s, const scope *sc, int64_t id, json_t **out);

/* ---- organisations (app/org.c) ---- */
typedef struct org_input {
	const char *uscc, *name, *kind, *region, *phone;
} org_input;
jn_err org_create(store *s, const scope *sc, const org_input *in, org *out, jn_fields *fe);
json_t *org_json(const org *o);

/* ---- accounts and sign-in (app/auth.c) ---- */
#define SESSION_HOURS 12
/* Hashes with Argon2id (libsodium crypto_pwhash_str). */
jn_err password_hash(const char *password, char out[160]);
typedef struct user_input {
	const char *username, *role, *region, *password, *person_id_number;
	int64_t org_id;
} user_input;
jn_err user_add(store *s, const user_input *in, account *out, jn_fields *fe);
/* The rules every new password meets (8–128 characters, not only digits,
 * not one character repeated, not the user name); reasons go to fe under
 * "password".  0 when fe got one. */
int password_acceptable(const char *password, const char *username, jn_fields *fe);
/* The rules of user names (2–63 of A–Z a–z 0–9 _ . -), under "username". */
int username_acceptable(const char *username, jn_fields *fe);
/* The account and expiry of a live session (GET /session). */
jn_err session_info(store *s, const char *token, account *acct, char expires_at[32]);
/* The JSON of a signed-in account (without the token). */
json_t *session_json(const account *a, const char *expires_at);
/* Checks the password, slowing down repeated failures; on success writes
 * a fresh random token (hex, 64 chars) and its expiry. */
jn_err session_login(store *s, const char *username, const char *password, char token[65],
		     char expires_at[32], account *acct, int *retry_after);
/* Resolves a bearer token into the caller's scope. */
jn_err session_scope(store *s, const char *token, scope *out);
jn_err session_logout(store *s, const scope *sc, const char *token);
void scope_from_account(const account *a, scope *out);
scope scope_system(void);

/* ---- imports (app/import.c) ---- */
typedef struct import_opts {
	int dry_run;
	int partial;
	FILE *rejects;           /* the rejected rows (both modes), as CSV with a reason column */
	void (*progress)(void *ctx, long rows_done, long rows_total);
	void *progress_ctx;
} import_opts;

/* The report of one import, as both the CLI and the API give it. */
typedef struct import_report {
	long rows;        /* data rows read          */
	long created, updated, unchanged, rejected;
	int committed;    /* 1 when the good rows were written */
	char encoding[16];
	json_t *errors;   /* [{row, column, field, code, message}], owned */
} import_report;

/* data: the whole file (CSV in UTF-8/GB18030, or XLSX). */
jn_err import_persons(store *s, const scope *sc, const char *data, size_t len, const import_opts *o,
		      import_report *rep);
json_t *import_report_json(const import_report *rep);
void import_report_free(import_report *rep);

/* ---- checked tokens, remembered briefly (app/session_cache.c) ---- */
#define SESSION_CACHE_SECONDS 5
/* 1 and *out set when digest (a token's SHA-256, hex) was checked in the
 * last SESSION_CACHE_SECONDS and not forgotten since. */
int session_cache_get(const char *digest, scope *out);
void session_cache_put(const char *digest, const scope *sc);
void session_cache_forget(const char *digest); /* logout */
void session_cache_clear(void);                /* an account was disabled or re-keyed */

/* ---- accounts managed by administrators (app/account.c) ---- */
typedef struct account_input {
	const char *username, *password, *role, *region;
	int64_t org_id, person_id;
} account_input;
/* Creates an account within the caller's reach: a city administrator
 * creates accounts of its city only, with organisations and persons in
 * it.  Field errors name the fields (username "taken", password, role,
 * region, org_id, person_id).  Audited "account.create". */
jn_err account_create(store *s, const scope *sc, const account_input *in, account *out, jn_fields *fe);
/* Changes an account in scope: disabled (< 0 unchanged) and/or a new
 * password (NULL unchanged).  Disabling ends its sessions; a new password
 * ends all but the caller's own (except_token).  Audited "account.update". */
jn_err account_update(store *s, const scope *sc, int64_t id, int disabled, const char *password,
		      const char *except_token, account *out, jn_fields *fe);
json_t *account_json(const account *a);

/* ---- import jobs: imports in the background (app/import_job.c) ---- */
/* Starts an import of a copy of data in a thread of its own and returns
 * its id at once.  Jobs run one after another (imports write under one
 * lock anyway); the last 50 are kept for an hour.  JN_EBUSY when too many
 * are waiting. */
jn_err import_job_start(store *s, const scope *sc, const char *data, size_t len, const import_opts *o,
			const char *file_name, int64_t *id);
/* The job's JSON ({id, state, rows_done, rows_total, report, …}) when sc
 * may see it (the account that started it, or an administrator of the
 * whole system); JN_ENOTFOUND otherwise. */
jn_err import_job_json(const scope *sc, int64_t id, json_t **out);
/* A copy of the job's rejected rows as CSV (UTF-8 with BOM) and the file
 * name to offer; JN_ENOTFOUND when none.  Caller frees *csv. */
jn_err import_job_rejects(const scope *sc, int64_t id, char **csv, size_t *len, char name[256]);
/* Waits for the running job to finish (at shutdown, before the store closes). */
void import_jobs_shutdown(void);

/* ---- statistics and targets (app/stats.c) ---- */
/* GET /stats/overview: region "" = the caller's own (or the platform). */
jn_err stats_overview(store *s, const scope *sc, const char *region, json_t **out);
typedef struct employed_input {
	const char *region;
	int year;
	int64_t count;
	const char *source;
} employed_input;
jn_err stats_employed_put(store *s, const scope *sc, const employed_input *in, json_t **out, jn_fields *fe);
jn_err stats_employed_list(store *s, const scope *sc, const char *region, json_t **items);
json_t *employed_json(const employed_row *e);
/* Every target in reach with its current value where the registry can
 * count it (each target: the JSON of GET /targets). */
jn_err targets_list(store *s, const scope *sc, const char *region, json_t **items);

/* ---- exports of lists (app/export.c) ---- */
/* An export writes every row of a list to a temporary file (XLSX or CSV),
 * then is audited with its filter and row count before the file is handed
 * out.  At most EXPORT_MAX_ROWS rows. */
#define EXPORT_MAX_ROWS 1000000L
typedef struct exporter exporter;
/* fmt: "csv" or "xlsx". */
jn_err exporter_open(const char *fmt, const char *sheet, int ncols, const char *const *headers, exporter **out);
/* 0 go on; non-zero stop (too many rows, or a write failed). */
int exporter_row(exporter *x, int ncols, const char *const *cells);
/* Closes the file and audits the export (action, filter JSON owned by the
 * call); on success *fd is the file opened for reading (already removed
 * from the directory) and *size its length.  JN_ETOOLARGE past
 * EXPORT_MAX_ROWS.  Frees x in every case. */
jn_err exporter_finish(exporter *x, store *s, const scope *sc, const char *action, json_t *filter, int *fd,
		       long long *size, long *rows);
void exporter_abort(exporter *x);

/* ---- certification (app/condition.c, evaluator.c, batch.c, cert.c,
 * cert_import.c, demo_cert.c) ----
 * Every call checks the caller's role (the system may do everything) and
 * reaches data through the store's scope; every change is one transaction
 * with its audit entry; a refusal changes nothing.  Refusals: JN_EINVAL
 * with field errors, JN_ECONFLICT (wrong state, duplicate) and
 * JN_EFORBIDDEN with one field error saying why in Chinese. */

/* Writes p over before as the consequence of a certificate (reason, e.g.
 * "certificate:S04…"), whoever sc is: the change is the registry's, the
 * audit entry ("person.update", with the reason) names sc. */
jn_err person_write_because(stx *t, const scope *sc, const person *before, person *p, const char *reason);

/* The text of data/level-conditions.csv into the level_conditions table
 * (inside t, replacing what was there); a bad row is refused naming its
 * row and column in err. */
jn_err conditions_load(stx *t, const char *csv, size_t len, char *err, size_t errcap);
jn_err conditions_list(store *s, const char *occupation, json_t **items);
json_t *condition_json(const cert_condition *c);

typedef struct pair_input {
	const char *occupation; /* a code or a name */
	int level;
} pair_input;
typedef struct evaluator_input {
	const char *body_type, *body_code, *site_serial;
	int64_t employer_org_id; /* Y only */
	int npairs;
	const pair_input *pairs;
} evaluator_input;
/* PUT: registers (or re-registers) the organisation org_id (kind evaluator). */
jn_err evaluator_register(store *s, const scope *sc, int64_t org_id, const evaluator_input *in, json_t **out,
			  jn_fields *fe);
jn_err evaluator_list(store *s, const scope *sc, json_t **items);
/* The registration with its pairs and staff. */
jn_err evaluator_show(store *s, const scope *sc, int64_t org_id, json_t **out);
typedef struct staff_input {
	int64_t person_id;
	const char *id_number, *role;
} staff_input;
jn_err evaluator_staff_add(store *s, const scope *sc, int64_t org_id, const staff_input *in, json_t **out,
			   jn_fields *fe);

typedef struct batch_input {
	int64_t org_id; /* the body (the system and administrators name it; a body's account acts for itself) */
	const char *occupation, *level, *direction, *exam_from, *exam_to, *place;
	int nexaminers;          /* -1: not given */
	int64_t examiners[32];
	int64_t supervisor;      /* -1: not given */
	int pass_theory, pass_practical, pass_review, notice_days; /* -1: not given */
} batch_input;
#define BATCH_INPUT_EMPTY {.nexaminers = -1, .supervisor = -1, .pass_theory = -1, .pass_practical = -1, \
			   .pass_review = -1, .notice_days = -1}
jn_err batch_create(store *s, const scope *sc, const batch_input *in, json_t **out, jn_fields *fe);
/* PATCH: changes the plan while the body holds the batch. */
jn_err batch_update(store *s, const scope *sc, int64_t id, const batch_input *in, json_t **out, jn_fields *fe);
/* The batch with examiners, candidates (ID numbers masked), objections and events. */
jn_err batch_show(store *s, const scope *sc, int64_t id, json_t **out);
jn_err batch_list(store *s, const scope *sc, const batch_filter *f, json_t **items, int64_t *total);
/* 1 when sc reaches batch id (handlers answer 404 before reading a body). */
int batch_visible(store *s, const scope *sc, int64_t id);
typedef struct enrol_input {
	int64_t person_id;
	const char *id_number, *route, *diploma, *basis, *evidence_text;
	int years_in_occupation; /* -1: not given */
} enrol_input;
jn_err batch_enrol(store *s, const scope *sc, int64_t id, const enrol_input *in, json_t **out, jn_fields *fe);
jn_err batch_withdraw(store *s, const scope *sc, int64_t id, int64_t cid, jn_fields *fe);
#define EVIDENCE_MAX_BYTES (10u * 1024u * 1024u)
jn_err batch_evidence_put(store *s, const scope *sc, int64_t id, int64_t cid, const char *name, const char *data,
			  size_t len, json_t **out, jn_fields *fe);
/* The file (audited "read.evidence"); *data malloc'd. */
jn_err batch_evidence_get(store *s, const scope *sc, int64_t id, int64_t cid, char **data, size_t *len,
			  char name[256], char sha256[65]);
typedef struct score_input {
	int theory, practical, review; /* -1: not given */
} score_input;
jn_err batch_score(store *s, const scope *sc, int64_t id, int64_t cid, const score_input *in, json_t **out,
		   jn_fields *fe);
jn_err batch_submit(store *s, const scope *sc, int64_t id, json_t **out, jn_fields *fe);
/* decision "pass" or "return" (reason required for return). */
jn_err batch_review(store *s, const scope *sc, int64_t id, const char *decision, const char *reason, json_t **out,
		    jn_fields *fe);
jn_err batch_return(store *s, const scope *sc, int64_t id, const char *reason, json_t **out, jn_fields *fe);
jn_err batch_notice(store *s, const scope *sc, int64_t id, json_t **out, jn_fields *fe);
jn_err batch_object(store *s, const scope *sc, int64_t id, int64_t candidate_id, const char *content,
		    const char *contact, json_t **out, jn_fields *fe);
jn_err batch_answer(store *s, const scope *sc, int64_t id, int64_t objection_id, const char *answer, json_t **out,
		    jn_fields *fe);
jn_err batch_approve(store *s, const scope *sc, int64_t id, json_t **out, jn_fields *fe);
jn_err batch_issue(store *s, const scope *sc, int64_t id, json_t **out, jn_fields *fe);
jn_err batch_revoke(store *s, const scope *sc, int64_t id, const char *reason, json_t **out, jn_fields *fe);
/* The batches in public notice, candidates who passed masked (public). */
jn_err batch_notices(store *s, json_t **items);
/* The batch's certificates (what GET /batches/{id}/certificates lists). */
jn_err batch_certificates(store *s, const scope *sc, int64_t id, cert_fn fn, void *ctx);

/* Certificates (app/cert.c). */
json_t *cert_json(const certificate *c, int masked);
jn_err cert_list(store *s, const scope *sc, const cert_filter *f, json_t **items, int64_t *total, int *capped);
/* Every printed field, the ID number in full: an audited read ("read.certificate"). */
jn_err cert_read(store *s, const scope *sc, const char *number, json_t **out);
/* 1 when sc reaches the certificate (no audit: handlers answer 404 first). */
int cert_visible(store *s, const scope *sc, const char *number);
jn_err cert_revoke(store *s, const scope *sc, const char *number, const char *reason, json_t **out, jn_fields *fe);
/* A person's certificates (masked) and highest valid level per occupation. */
jn_err cert_of_person(store *s, const scope *sc, int64_t person_id, json_t **out);
/* Public verification: number + name.  A wrong name answers exactly as an
 * unknown number.  Counted per day and result, not audited. */
jn_err cert_verify(store *s, const char *number, const char *name, json_t **out, jn_fields *fe);
jn_err cert_verify_stats(store *s, const scope *sc, const char *from, const char *to, json_t **items);
/* Inside t: the next number of a prefix. */
jn_err cert_next_number(stx *t, char body_type, const char *body_code, const char *site_serial, int year, int level,
			char out[CERT_NUMBER_LEN + 1]);
/* Inside t: recomputes the person's highest valid level per occupation
 * (person_levels) and, from it, persons.level and persons.occupation
 * (audited "person.update" with the certificate as the reason). */
jn_err cert_recompute_person(stx *t, const scope *sc, int64_t person_id, const char *reason);
/* Historical certificates from a spreadsheet (app/cert_import.c): the
 * same options and report as import_persons. */
jn_err import_certificates(store *s, const scope *sc, const char *data, size_t len, const import_opts *o,
			   import_report *rep);
/* The demo's evaluation bodies, examiners, batches in every state and
 * certificates (app/demo_cert.c); skipped when batches exist. */
jn_err demo_cert_load(store *s, FILE *out);

/* ---- reference data and demo (app/refdata.c, app/demo.c) ---- */
/* Loads regions, levels and the occupation catalogue from datadir. */
jn_err refdata_load(store *s, const char *datadir, char *err, size_t errcap);
/* Creates the demo: organisations, a few hundred workers, one account per
 * role (passwords printed to out once). Skips when already present. */
jn_err demo_load(store *s, FILE *out);

/* ---- gen: synthetic data (app/gen.c, app/gen_db.c) ---- */
/* A deterministic generator of realistic persons and organisations of the
 * counties of 曲靖, 玉溪 and 红河: the same seed gives the same rows, in the
 * same order, on every machine, whatever N is. */
typedef struct gen gen;
/* datadir holds occupations-2022.csv (needed for persons; NULL for orgs
 * only).  expect: about how many records will be drawn (sizes the set of
 * numbers handed out; it grows past that if need be). */
jn_err gen_open(const char *datadir, uint64_t seed, int64_t expect, gen **out, char *err, size_t errcap);
void gen_close(gen *g);

typedef struct gen_person {
	person p;                    /* as `jineng import` stores it (no id, no times) */
	char id_text[19];            /* as written: 18 digits, or a 15-digit legacy number */
	char region_text[96];        /* the county's code, or its city's and its own name */
	const char *occupation_text; /* the code, or the (unambiguous) name */
	char gender_code[2];         /* "M" / "F" */
	char level_num[4];           /* "0" … "8" */
} gen_person;
#define GEN_PERSON_COLS 9
#define GEN_VALUES_COLS 13
#define GEN_ORG_COLS 5
extern const char *const GEN_PERSON_HEADER[GEN_PERSON_COLS]; /* 姓名,身份证号,性别,… */
extern const char *const GEN_VALUES_HEADER[GEN_VALUES_COLS]; /* id_number,name,… (persons table) */
extern const char *const GEN_ORG_HEADER[GEN_ORG_COLS];       /* 统一社会信用代码,名称,类型,所属地区,联系电话 */
/* The next person or organisation; JN_ETOOMANY when no unused ID number
 * (credit code) can be found, JN_EINVAL for persons from a gen opened
 * without datadir. */
jn_err gen_person_next(gen *g, gen_person *out);
/* The spreadsheet row, and the normalised row (created_at = updated_at = now). */
void gen_person_cells(const gen_person *gp, const char *cells[GEN_PERSON_COLS]);
void gen_values_cells(const gen_person *gp, const char *now, const char *cells[GEN_VALUES_COLS]);

typedef struct gen_org {
	org o;                /* kind, uscc, name, region, phone as stored */
	char region_text[96]; /* code or name, as written */
} gen_org;
jn_err gen_org_next(gen *g, gen_org *out);
void gen_org_cells(const gen_org *go, const char *cells[GEN_ORG_COLS]);

/* Writes n generated records straight into the store, GEN_TX_ROWS per
 * transaction, each transaction with one audit entry ("gen.persons" /
 * "gen.orgs", {"rows":…,"seed":…}).  *done = rows committed.  A record
 * whose key (ID number, credit code) is already stored fails its
 * transaction with JN_ECONFLICT; earlier transactions stay. */
#define GEN_TX_ROWS 50000
typedef void (*gen_progress_fn)(void *ctx, int64_t done, int64_t total);
jn_err gen_persons_into_db(store *s, gen *g, int64_t n, uint64_t seed, gen_progress_fn progress, void *ctx,
			   int64_t *done);
jn_err gen_orgs_into_db(store *s, gen *g, int64_t n, uint64_t seed, gen_progress_fn progress, void *ctx,
			int64_t *done);

#endif
