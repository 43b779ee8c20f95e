/* training.h — training services (app/programme.c, app/training.c,
 * app/training_import.c, app/demo_training.c): programmes and their
 * targets, the subsidised-training catalogue, classes with sessions,
 * real-name enrolment, attendance (by the trainer or with a check-in code),
 * completion and results.
 *
 * Every call checks the caller's role (the system may do everything),
 * reaches data through the store's scope (out of reach: JN_ENOTFOUND),
 * writes its audit entry and the worker's record entries in the same
 * transaction; a refusal changes nothing.  Refusals: JN_EINVAL with field
 * errors, JN_ECONFLICT (wrong state) and JN_EFORBIDDEN (the role). */
#ifndef JN_APP_TRAINING_H
#define JN_APP_TRAINING_H

#include "app/app.h"
#include "store/store_training.h"

/* ---- programmes (app/programme.c) ---- */
typedef struct target_input {
	const char *metric; /* default "培训" */
	const char *unit;   /* person-times | persons */
	const char *period; /* a year "2025" or "yearly" */
	int64_t target;     /* > 0 */
	char period_buf[16];/* room for a period given as a number */
} target_input;
typedef struct programme_input {
	const char *name, *category, *target_groups, *units, *region, *period_from, *period_to;
	int min_attendance; /* -1 not given */
	int ntargets;       /* -1 not given */
	target_input targets[32];
	int version;        /* PATCH: 0 any */
} programme_input;
#define PROGRAMME_INPUT_EMPTY {.min_attendance = -1, .ntargets = -1}
jn_err programme_create(store *s, const scope *sc, const programme_input *in, json_t **out, jn_fields *fe);
jn_err programme_update(store *s, const scope *sc, int64_t id, const programme_input *in, json_t **out,
			jn_fields *fe);
jn_err programme_show(store *s, const scope *sc, int64_t id, json_t **out);
jn_err programme_list(store *s, const scope *sc, const programme_filter *f, json_t **items);

/* The catalogue: rows in force on `on` ("" every version). */
jn_err catalog_list(store *s, const scope *sc, const char *region, const char *occ, int level, const char *on,
		    json_t **items);
typedef struct catalog_input {
	const char *occupation; /* code or name */
	const char *level;
	int64_t standard_fen;   /* -1 not given */
	int min_hours;          /* -1 not given */
} catalog_input;
/* Adds a version: rows for region (a city or the province) effective from
 * a date, with their source.  Refused whole when any row is bad (rows[i]
 * fields) or already exists. */
jn_err catalog_add(store *s, const scope *sc, const char *region, const char *effective_from, const char *source,
		   int n, const catalog_input *rows, json_t **out, jn_fields *fe);
json_t *catalog_json(const catalog_row *c);

/* init (inside t): data/subsidy-catalog.csv into the catalogue and one
 * programme per seed programme, targets linked. */
jn_err training_refdata_load(stx *t, const char *datadir, char *err, size_t errcap);

/* ---- classes (app/training.c) ---- */
typedef struct session_input {
	const char *starts_at, *ends_at, *topic;
} session_input;
#define CLASS_MAX_SESSIONS 200
typedef struct class_input {
	int64_t org_id;          /* staff and the system name it; a trainer acts for its own */
	int64_t programme_id;    /* 0 none / not given */
	const char *programme;   /* or by name (imports) */
	const char *name, *occupation, *level, *category, *mode, *start_date, *end_date, *teacher, *place;
	int hours, capacity, min_attendance; /* -1 not given */
	int nsessions;           /* -1 not given */
	const session_input *sessions;
	int clear_programme;     /* PATCH: programme_id null */
} class_input;
#define CLASS_INPUT_EMPTY {.hours = -1, .capacity = -1, .min_attendance = -1, .nsessions = -1}
jn_err class_create(store *s, const scope *sc, const class_input *in, json_t **out, jn_fields *fe);
jn_err class_update(store *s, const scope *sc, int64_t id, const class_input *in, json_t **out, jn_fields *fe);
/* The class with its sessions and its enrolments (a worker: only their own). */
jn_err class_show(store *s, const scope *sc, int64_t id, json_t **out);
jn_err class_list(store *s, const scope *sc, const class_filter *f, json_t **items, int64_t *total);
int class_visible(store *s, const scope *sc, int64_t id);
json_t *class_json(const training_class *c);

/* Real-name enrolment: the ID number of a registered person and the name
 * registered with it; an optional voucher is used in the same transaction. */
typedef struct enrol_person_input {
	const char *id_number, *name, *voucher_number;
	const char *on; /* the enrolment's day (demo only; the API never sets it); NULL today */
} enrol_person_input;
jn_err class_enrol(store *s, const scope *sc, int64_t id, const enrol_person_input *in, json_t **out, jn_fields *fe);
jn_err class_withdraw(store *s, const scope *sc, int64_t id, int64_t enrolment_id, json_t **out, jn_fields *fe);
/* A fresh code for session seq, valid TR_CODE_MINUTES: {code, expires_at, session}. */
jn_err class_code(store *s, const scope *sc, int64_t id, int seq, json_t **out, jn_fields *fe);
/* The trainer marks persons (ids or ID numbers) present at session seq; at
 * "" = now. */
typedef struct attend_input {
	int seq;
	const char *at;
	int n;
	const int64_t *person_ids;     /* n of them, or */
	const char *const *id_numbers; /* n of them (NULL entries: use the id) */
} attend_input;
jn_err class_attend(store *s, const scope *sc, int64_t id, const attend_input *in, json_t **out, jn_fields *fe);
/* The worker checks in with the code shown in class. */
jn_err class_checkin(store *s, const scope *sc, int64_t id, const char *code, const char *device, json_t **out,
		     jn_fields *fe);
/* Closes the class: each enrolment completed (attendance >= the class's
 * minimum) or not, its record entry, the class closed.  on: the closing
 * date ("" today; the demo closes classes in the past). */
jn_err class_close(store *s, const scope *sc, int64_t id, const char *on, json_t **out, jn_fields *fe);
typedef struct result_input {
	const char *result;      /* passed | failed; NULL not given */
	int score;               /* -1 not given */
	const char *cert_number; /* NULL not given, "" clears */
} result_input;
jn_err class_result(store *s, const scope *sc, int64_t id, int64_t enrolment_id, const result_input *in,
		    json_t **out, jn_fields *fe);
jn_err enrolment_list(store *s, const scope *sc, const enrolment_filter *f, json_t **items, int64_t *total);
json_t *enrolment_json(const enrolment *e, int masked);

/* ---- imports (app/training_import.c): the same options and report as
 * import_persons ---- */
jn_err import_classes(store *s, const scope *sc, const char *data, size_t len, const import_opts *o,
		      import_report *rep);
jn_err import_roster(store *s, const scope *sc, int64_t class_id, const char *data, size_t len, const import_opts *o,
		     import_report *rep);
jn_err import_attendance(store *s, const scope *sc, int64_t class_id, const char *data, size_t len,
			 const import_opts *o, import_report *rep);

/* ---- demo (app/demo_training.c) ---- */
/* Providers' accounts, classes in every state across programmes in 曲靖,
 * 玉溪 and 红河 with sessions, attendance, completions and results;
 * skipped when classes exist. */
jn_err demo_training_load(store *s, FILE *out);

#endif
