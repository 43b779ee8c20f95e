/* err.h — the one error type of the platform.
 *
 * Every fallible function returns a jn_err and hands results back through
 * out-parameters.  Exactly one place (src/http/problem.c) maps a jn_err to an
 * HTTP status and an RFC 9457 body; the CLI maps it to an exit status. */
#ifndef JN_ERR_H
#define JN_ERR_H

#include <stddef.h>

typedef enum jn_err {
	JN_OK = 0,
	JN_EINVAL,     /* the input was rejected; details in a jn_fields list    */
	JN_ENOTFOUND,  /* no such object, or not in the caller's scope           */
	JN_ECONFLICT,  /* unique key taken, or a concurrent change               */
	JN_EAUTH,      /* not signed in, bad credentials, expired token          */
	JN_EFORBIDDEN, /* signed in, but the role may not do this               */
	JN_ETOOMANY,   /* too many failed attempts; retry later                  */
	JN_ETOOLARGE,  /* body or field over its limit                           */
	JN_EBUSY,      /* the data is locked by a long write (an import): retry */
	JN_ENOMEM,
	JN_EDB,        /* the storage engine failed                              */
	JN_EIO,
	JN_EINTERNAL,
} jn_err;

/* Stable machine code ("invalid_input", "not_found", ...) and Chinese title. */
const char *jn_err_code(jn_err e);
const char *jn_err_title_zh(jn_err e);

/* A list of field-level reasons collected while validating one object or
 * one import row.  Fixed capacity: validation of one object never needs more,
 * and extra entries are dropped (count keeps counting). */
#define JN_FIELDS_MAX 32
typedef struct jn_field_error {
	char field[48];    /* API field name, e.g. "id_number"               */
	char code[40];     /* stable reason code, e.g. "id_check_mismatch"   */
	char message[256]; /* Chinese, for people                            */
} jn_field_error;

typedef struct jn_fields {
	int count;
	jn_field_error e[JN_FIELDS_MAX];
} jn_fields;

void jn_fields_add(jn_fields *f, const char *field, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
