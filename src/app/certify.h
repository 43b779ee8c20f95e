/* certify.h — what the certification services share (app/certify.c):
 * who the actor is, role checks, text fields, occupation lookups, and
 * ending a transaction.  Private to src/app/. */
#ifndef JN_CERTIFY_H
#define JN_CERTIFY_H

#include "app/app.h"

/* jn_fields_add, cut at a character boundary when the message is long
 * (messages quote names and employers people typed). */
void fe_add(jn_fields *fe, const char *field, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* "system" or the account's user name (batch events, objections). */
const char *actor_name(const scope *sc);
/* 1 when sc is the system or has one of the roles. */
int role_may(const scope *sc, int roles);
/* Adds the field error a refused role gets; returns JN_EFORBIDDEN. */
jn_err refuse_role(jn_fields *fe, const scope *sc, const char *what);
/* Normalised text (NFC, trimmed, no control characters) of at most maxc
 * characters into dst; reasons under field.  Empty: "" (an error when
 * required).  0 when fe got an error. */
int take_text(jn_fields *fe, const char *field, const char *label, const char *in, size_t maxc, int required,
	      char *dst, size_t cap);
/* An occupation code ("6-18-02-04") or exact name of kind occupation:
 * 1 found, 0 not, -1 storage error. */
int occupation_resolve(stx *t, const char *text, occupation *out);
/* 1 when the occupation offers the level (no "not offered" row in the
 * conditions; 特级技师 and 首席技师 need 高级技师); 0 not; -1 error. */
int level_offered(stx *t, const char *occ, int level);
/* A person as lists show them: id, name, masked ID number. */
json_t *person_brief(int64_t id, const char *name, const char *id_number);
/* Compact JSON with sorted keys (the audit's form); consumes j. */
char *audit_text(json_t *j);
/* Commits t when e is JN_OK (returning the commit's result), else rolls back. */
jn_err tx_end(stx *t, jn_err e);
/* A file as the store keeps it: its SHA-256 (hex) and base64 (*b64
 * malloc'd).  JN_ENOMEM, else JN_OK. */
jn_err file_encode(const void *data, size_t len, char sha256[65], char **b64);
/* Back from base64 to *data (malloc'd, size bytes expected), *len set. */
jn_err file_decode(const char *b64, int64_t size, char **data, size_t *len);
/* YYYYMMDD -> "YYYY-MM-DD" into a static-free buffer. */
void ymd_text(int ymd, char out[11]);

#endif
