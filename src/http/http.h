/* http.h — what the HTTP handlers see: a parsed request with the caller's
 * scope already resolved, and a response to fill.  The server (server.c)
 * owns the connection, the body buffer and the route table (routes.c);
 * handlers (api_*.c, one file per resource) never touch libmicrohttpd. */
#ifndef JN_HTTP_H
#define JN_HTTP_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"
#include "app/app.h"
#include "app/keyring.h"
#include "core/model.h"
#include "store/store.h"

typedef struct req {
	const char *method;
	const char *path;
	const char *params[4];  /* path parameters ({id}) in order */
	int nparams;
	const char *body;
	size_t body_len;
	const char *content_type;
	void *conn;             /* opaque, for req_query */
	store *store;
	scope sc;               /* the caller (valid when authed) */
	int authed;
	const char *token;
} req;

typedef struct resp {
	int status;
	json_t *json;           /* owned; serialised by the server */
	char *raw;              /* or raw bytes (owned, malloc'd) */
	size_t raw_len;
	const char *content_type;
	int retry_after;        /* seconds, for 429 */
	int raw_static;         /* raw is not owned (static files held for the process) */
	int has_fd;             /* or a file to send: fd (owned, closed after), fd_size bytes */
	int fd;
	long long fd_size;
	char *headers[8][2];    /* extra headers (owned), see resp_header */
	int nheaders;
} resp;

/* Adds a header to the response (copied).  Cache-Control given here
 * replaces the default no-store. */
void resp_header(resp *out, const char *name, const char *value);
/* Content-Disposition: attachment with a UTF-8 file name (RFC 6266/5987)
 * and an ASCII fallback. */
void resp_attachment(resp *out, const char *filename, const char *ascii_fallback);

typedef void (*handler_fn)(req *r, resp *out);

typedef struct route {
	const char *method;
	const char *path;       /* "/api/v1/persons/{id}" */
	int roles;              /* ROLE_PUBLIC (0) or a mask of roles */
	size_t body_limit;      /* bytes; 0 = no body accepted */
	handler_fn fn;
	const char *summary;    /* Chinese, for the OpenAPI document */
	const char *tag;
	const char *query;      /* documented query parameters, "region,occupation,…" */
	const char *body_schema;/* name of the request schema, or NULL */
} route;

extern const route ROUTES[];
extern const int ROUTES_COUNT;

/* A query-string value, or NULL.  Rejects (returns NULL and sets *bad) a
 * value that is not well-formed UTF-8 or longer than maxlen bytes. */
const char *req_query(req *r, const char *name, size_t maxlen, int *bad);
/* A request header, NULL when absent (handlers never touch libmicrohttpd). */
const char *req_header(req *r, const char *name);
/* An integer query parameter in lo..hi (def when absent); a bad one is
 * added to fe under its name. */
int req_int(req *r, const char *name, int def, int lo, int hi, jn_fields *fe, int *bad);
/* page (1..100000, default 1) and per_page (1..200, default 20). */
void req_paging(req *r, int *page, int *per_page, jn_fields *fe, int *bad);
/* The "occupation" filter: a catalogue code or a prefix of one (digits and
 * hyphens), copied to out (cap bytes); a bad one is added to fe. */
void req_occupation(req *r, char *out, size_t cap, jn_fields *fe, int *bad);
/* An id filter such as ?person=12: 0 when absent; a value that is not a
 * positive id adds "应为<what>编号" to fe under name. */
int64_t req_id(req *r, const char *name, const char *what, jn_fields *fe, int *bad);
/* Answers a query that failed: 400 bad_query when bad (too long or not
 * UTF-8), else 422 with fe when it holds reasons.  1 when it answered. */
int resp_bad_query(resp *out, int bad, const jn_fields *fe);
/* An import's query (dry_run, partial) into o, and a body to import; 0, or
 * -1 with out answered (api_import.c). */
int req_import(req *r, resp *out, import_opts *o);
/* A region filter: six digits, copied to out, or a reason in fe. */
void req_region(const char *v, char out[7], jn_fields *fe);
/* Parses the body as a JSON object; on failure fills out with a 400. */
json_t *req_json(req *r, resp *out);

/* A read-only transaction for the handler, or NULL with out answered. */
stx *read_tx(req *r, resp *out);

/* Response helpers (problem.c). */
void resp_json(resp *out, int status, json_t *j);
/* An RFC 9457 problem: status from the error, stable code, Chinese title
 * and detail, and the field errors when given. */
void resp_problem(resp *out, jn_err e, const jn_fields *fe, const char *detail_fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Ends a list handler: on error frees items and answers the problem;
 * otherwise answers 200 {"items": items} and returns that object so the
 * caller may add fields (total, page).  NULL after an error. */
json_t *resp_list(resp *out, jn_err e, json_t *items);
/* Adds a page's position to a list response: total (counted up to a cap;
 * capped < 0 leaves total_capped out), page and per_page. */
void resp_page(json_t *j, int64_t total, int capped, int page, int per_page);
/* The same with an explicit status and code (malformed bodies, 404 routes). */
void resp_problem_code(resp *out, int status, const char *code, const char *title, const char *detail);
int http_status_of(jn_err e);

/* JSON field readers: type and length checked, reasons go to fe.  The
 * returned string belongs to the JSON object.  Absent → NULL; JSON null →
 * "" (clears the field on PATCH). */
const char *json_field_str(json_t *obj, const char *name, size_t maxlen, jn_fields *fe);
/* The same, also taking an integer (written into buf): "level": 3. */
const char *json_field_str_or_int(json_t *obj, const char *name, size_t maxlen, char buf[24], jn_fields *fe);
/* Rejects fields of obj not in the NULL-terminated list allowed. */
void json_only_fields(json_t *obj, const char *const *allowed, jn_fields *fe);
/* Parses a positive 64-bit id from a path parameter; 0 when invalid. */
int64_t parse_id(const char *s);

/* Lists as downloads (api_export.c): format=json (default), csv or xlsx.
 * Returns 0 for JSON, 1 for a file (*fmt "csv"/"xlsx"), -1 when out was
 * answered (a bad format). */
int req_format(req *r, resp *out, const char **fmt);
/* The query parameters named ("region,q,…") that were given, as a JSON
 * object (the filter an export is audited with). */
json_t *req_query_json(req *r, const char *names);
/* Ends an export: audits it (action, filter) and answers the file, named
 * "<name_zh>_YYYYMMDD.<ext>"; or the problem (413 past the row limit). */
typedef struct exporter exporter;
void resp_export(req *r, resp *out, exporter *x, const char *action, json_t *filter, const char *name_zh,
		 const char *name_ascii, const char *fmt);

/* The web front-end's files (api_web.c), held in memory. */
/* Loads every regular file under dir (at startup); 0 on success. */
int web_load(const char *dir, char *err, size_t errcap);
/* --web's default: $JINENG_WEB, build/web, <binary's directory>/web —
 * the first that exists; NULL for none.  "none" turns it off. */
const char *web_default_dir(char *buf, size_t cap);
int web_enabled(void);
/* Answers GET/HEAD of a path outside /api/ and /health from the files;
 * 0 when the request is not one for the web files. */
int web_serve(const char *method, const char *url, const char *accept_encoding, resp *out);

/* The OpenAPI 3.1 document of ROUTES (openapi.c). */
json_t *openapi_document(void);

/* server.c */
typedef struct http_server http_server;
jn_err http_start(store *s, const char *addr, int port, int threads, http_server **out, char *err, size_t errcap);
void http_stop(http_server *h);

/* Handlers (one group per file). */
void api_index(req *r, resp *out);
void api_health(req *r, resp *out);
void api_openapi(req *r, resp *out);
void api_session_create(req *r, resp *out);
void api_session_delete(req *r, resp *out);
void api_regions(req *r, resp *out);
void api_occupations(req *r, resp *out);
void api_levels(req *r, resp *out);
void api_person_create(req *r, resp *out);
void api_person_get(req *r, resp *out);
void api_person_patch(req *r, resp *out);
void api_person_history(req *r, resp *out);
void api_person_photo_put(req *r, resp *out);
void api_person_photo_get(req *r, resp *out);
void api_person_list(req *r, resp *out);
void api_org_create(req *r, resp *out);
void api_org_get(req *r, resp *out);
void api_org_list(req *r, resp *out);
void api_import_persons(req *r, resp *out);
void api_audit_list(req *r, resp *out);
void api_session_get(req *r, resp *out);
void api_account_list(req *r, resp *out);
void api_account_create(req *r, resp *out);
void api_account_patch(req *r, resp *out);
void api_import_job_get(req *r, resp *out);
void api_import_job_rejects(req *r, resp *out);
void api_stats_overview(req *r, resp *out);
void api_stats_employed_put(req *r, resp *out);
void api_stats_employed_list(req *r, resp *out);
void api_targets_list(req *r, resp *out);

/* ---- the lifelong record and training statistics (api_record.c) ---- */
void api_person_record(req *r, resp *out);
void api_person_record_pdf(req *r, resp *out);
void api_person_record_xlsx(req *r, resp *out);
void api_record_correct(req *r, resp *out);
void api_stats_targets(req *r, resp *out);
void api_stats_training(req *r, resp *out);
void api_stats_training_share(req *r, resp *out);
void record_openapi_schemas(json_t *schemas);

/* ---- training: programmes, catalogue, classes (api_programme.c, api_class.c) ---- */
void training_openapi_schemas(json_t *schemas);
void api_programme_list(req *r, resp *out);
void api_programme_get(req *r, resp *out);
void api_programme_create(req *r, resp *out);
void api_programme_patch(req *r, resp *out);
void api_catalog_list(req *r, resp *out);
void api_catalog_add(req *r, resp *out);
void api_class_create(req *r, resp *out);
void api_class_list(req *r, resp *out);
void api_class_get(req *r, resp *out);
void api_class_patch(req *r, resp *out);
void api_class_enrol(req *r, resp *out);
void api_class_withdraw(req *r, resp *out);
void api_class_result(req *r, resp *out);
void api_class_code(req *r, resp *out);
void api_class_attend(req *r, resp *out);
void api_class_checkin(req *r, resp *out);
void api_class_close(req *r, resp *out);
void api_enrolment_list(req *r, resp *out);
void api_import_classes(req *r, resp *out);
void api_import_roster(req *r, resp *out);
void api_import_attendance(req *r, resp *out);

/* ---- certification (api_evaluator.c, api_batch.c, api_cert.c, api_verify.c) ---- */
/* The caller's IP address as the socket gives it (never a header). */
int req_client_addr(req *r, char *out, size_t cap);
/* An optional integer field in lo..hi: absent → def, JSON null → def;
 * a wrong type or range is added to fe. */
int json_field_int(json_t *obj, const char *name, int def, int lo, int hi, jn_fields *fe);
/* Answers j with status when e is JN_OK (taking j), else the problem, its
 * detail the first field error's message (a wrong state's reason). */
void resp_outcome(resp *out, jn_err e, const jn_fields *fe, json_t *j, int status);
/* A token bucket per client address (ratelimit.c): 0 when a request may
 * go ahead, else the seconds to wait. */
int ratelimit_take(const char *addr, double per_minute, double burst);
/* The public routes' limit (/verify and /credential share each address's
 * bucket): per_minute a minute, bursts of twice that; 0 turns it off.
 * RATELIMIT_PUBLIC_DEFAULT unless `jineng serve --verify-limit` says
 * otherwise (set before the server starts). */
#define RATELIMIT_PUBLIC_DEFAULT 20
void ratelimit_public_set(int per_minute);
int ratelimit_public_per_minute(void);
/* ratelimit_take with that limit; always 0 when it is off. */
int ratelimit_take_public(const char *addr);
/* Takes a token of the public limit for the request's client address; 1
 * (with out answered 429 and Retry-After) when there is none left. */
int resp_rate_limited(req *r, resp *out);
/* The request and response schemas of these routes (openapi.c adds them). */
void cert_openapi_schemas(json_t *schemas);
void api_conditions_list(req *r, resp *out);
void api_evaluator_put(req *r, resp *out);
void api_evaluator_list(req *r, resp *out);
void api_evaluator_get(req *r, resp *out);
void api_evaluator_staff(req *r, resp *out);
void api_batch_create(req *r, resp *out);
void api_batch_list(req *r, resp *out);
void api_batch_get(req *r, resp *out);
void api_batch_patch(req *r, resp *out);
void api_batch_enrol(req *r, resp *out);
void api_batch_withdraw(req *r, resp *out);
void api_batch_evidence_put(req *r, resp *out);
void api_batch_evidence_get(req *r, resp *out);
void api_batch_score(req *r, resp *out);
void api_batch_submit(req *r, resp *out);
void api_batch_review(req *r, resp *out);
void api_batch_return(req *r, resp *out);
void api_batch_notice(req *r, resp *out);
void api_batch_object(req *r, resp *out);
void api_batch_answer(req *r, resp *out);
void api_batch_approve(req *r, resp *out);
void api_batch_issue(req *r, resp *out);
void api_batch_revoke(req *r, resp *out);
void api_batch_certs(req *r, resp *out);
void api_cert_list(req *r, resp *out);
void api_cert_get(req *r, resp *out);
void api_cert_revoke(req *r, resp *out);
void api_person_certs(req *r, resp *out);
void api_import_certs(req *r, resp *out);
void api_verify(req *r, resp *out);
void api_verify_stats(req *r, resp *out);
void api_notices(req *r, resp *out);

/* ---- credentials (api_credential.c) ---- */
/* The signing keys the handlers use (read only); set by `serve` before http_start. */
void http_set_keyring(keyring *kr);
void api_jwks(req *r, resp *out);
void api_cert_credential(req *r, resp *out);
void api_cert_pdf(req *r, resp *out);

/* ---- vouchers, subsidies, funds (api_voucher.c, api_subsidy.c) ---- */
void money_openapi_schemas(json_t *schemas);
void api_voucher_issue(req *r, resp *out);
void api_voucher_issues(req *r, resp *out);
void api_voucher_list(req *r, resp *out);
void api_voucher_get(req *r, resp *out);
void api_voucher_stats(req *r, resp *out);
void api_rule_list(req *r, resp *out);
void api_rule_add(req *r, resp *out);
void api_claim_create(req *r, resp *out);
void api_claim_list(req *r, resp *out);
void api_claim_get(req *r, resp *out);
void api_claim_review(req *r, resp *out);
void api_claim_approve(req *r, resp *out);
void api_claim_pay(req *r, resp *out);
void api_claim_refuse(req *r, resp *out);
void api_claim_flags_check(req *r, resp *out);
void api_claim_flag_clear(req *r, resp *out);
void api_fund_create(req *r, resp *out);
void api_fund_list(req *r, resp *out);
void api_fund_get(req *r, resp *out);
void api_fund_budget(req *r, resp *out);
void api_fund_ledger(req *r, resp *out);

#endif
