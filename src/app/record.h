/* record.h — the lifelong record (终身职业技能培训电子档案) as people read
 * it, its downloads and corrections (app/record.c); and the training
 * statistics measured against the seed documents' targets (app/stats.c).
 *
 * The record is append-only: systems that change what a worker's record
 * shows append an entry in the same transaction (record_certificate for
 * certificates; store_record_add for the rest).  A correction is a new
 * entry of kind "correction" whose `corrects` names the entry it corrects;
 * the corrected entry stays and is read with `corrected_by`. */
#ifndef JN_APP_RECORD_H
#define JN_APP_RECORD_H

#include "app/app.h"
#include "store/store_record.h"

/* The Chinese name of an entry kind ("certificate" → 取得证书); the kind
 * itself when it is not one the platform knows. */
const char *record_kind_name(const char *kind);

/* Appends the entry of a certificate issued (or imported) — or, with
 * revoked, of its revocation — to its holder's record, in t. */
jn_err record_certificate(stx *t, const scope *sc, const certificate *c, int revoked);

/* The record of a person in scope (JN_ENOTFOUND otherwise): an object
 * {person: {id, name, id_number_masked, region, region_name},
 *  items: [entry…] newest first, count, generated_at}.  A read by anyone
 * but the worker themself is audited as read.person.record, with the
 * format ("json", "pdf", "xlsx") it was read in. */
jn_err record_read(store *s, const scope *sc, int64_t person_id, const char *format, json_t **out);
/* The same record as a PDF or an XLSX file in memory (*data malloc'd).
 * JN_EIO with a Chinese reason in err when the file cannot be made (no
 * Chinese font installed for the PDF). */
jn_err record_pdf(store *s, const scope *sc, int64_t person_id, char **data, size_t *len, char *err, size_t errcap);
jn_err record_xlsx(store *s, const scope *sc, int64_t person_id, char **data, size_t *len, char *err, size_t errcap);

typedef struct record_correction {
	const char *title;  /* what the corrected fact reads now (required)   */
	json_t *detail;     /* a JSON object, or NULL                          */
	const char *reason; /* why (required)                                  */
} record_correction;
/* Staff in scope append a correction of entry_id (an entry of person_id);
 * *out is the new entry.  JN_ECONFLICT (field "entry_id", code
 * already_corrected) when the entry has a correction: correct that one. */
jn_err record_correct(store *s, const scope *sc, int64_t person_id, int64_t entry_id, const record_correction *in,
		      json_t **out, jn_fields *fe);

/* ---- training statistics (app/stats.c) ---- */
/* GET /stats/targets: every target in reach with its actual figure for
 * year (0: the current year) — {year, region, items: [target…]}. */
jn_err stats_targets(store *s, const scope *sc, const char *region, int year, json_t **out);
/* GET /stats/training: person-times and persons trained (completed
 * enrolments) by programme, county (the class's) and year; year 0 = every
 * year.  {region, year, items, total: {person_times, persons}}. */
jn_err stats_training(store *s, const scope *sc, const char *region, int year, json_t **out);
/* GET /stats/training-share: by county (the person's), registered workers,
 * those with a training completed in the three years up to as_of
 * (YYYY-MM-DD; NULL or "" = today) and their share. */
jn_err stats_training_share(store *s, const scope *sc, const char *region, const char *as_of, json_t **out,
			    jn_fields *fe);

#endif
