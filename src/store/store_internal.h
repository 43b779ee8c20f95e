/* store_internal.h — what the store's own files share: the pool, the
 * transaction handle and small SQL helpers.  Not for use outside src/store/. */
#ifndef JN_STORE_INTERNAL_H
#define JN_STORE_INTERNAL_H

#include <pthread.h>

#include "store/db.h"
#include "store/store.h"

struct stx {
	store *s;
	db_conn *c;
	int slot;
	int write;
	/* The audit chain's head, read once per transaction (the chain lock is
	 * held until it ends) and written back once at commit. */
	int chain_loaded, chain_dirty, chain_exists;
	int64_t chain_seq;
	char chain_hash[65];
};

/* Writes the audit head back if this transaction appended to the chain. */
jn_err audit_flush_head(stx *t);

struct store {
	const db_driver *drv;
	char *url;
	int n;
	db_conn **conns;
	int *busy;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

#define DRV(t) ((t)->c->drv)

/* Maps a driver result to the platform's error. */
jn_err store_db_err(db_rc rc);

/* Copies the text of column col into dst (cap bytes, always terminated). */
void rows_copy(const db_driver *d, db_rows *r, int col, char *dst, size_t cap);

/* STORE_ROW_ADAPTER(row_fn, cb_type, T, fn_type, reader) defines the row
 * callback a list query hands to the driver: row_fn reads one row into a T
 * with reader(d, r, &row) and passes it on to the caller's typed callback,
 * which travels with its context in a cb_type {fn, ctx}.  row_fn##_into
 * reads a row straight into a T, for sqlb_one. */
#define STORE_ROW_ADAPTER(row_fn, cb_type, T, fn_type, reader)                                                  \
	typedef struct cb_type {                                                                                \
		fn_type fn;                                                                                     \
		void *ctx;                                                                                      \
	} cb_type;                                                                                              \
	static int row_fn(void *ctx, const db_driver *d, db_rows *r)                                            \
	{                                                                                                       \
		cb_type *cb = ctx;                                                                              \
		T row;                                                                                          \
		reader(d, r, &row);                                                                             \
		return cb->fn(cb->ctx, &row);                                                                   \
	}                                                                                                       \
	__attribute__((unused)) static int row_fn##_into(void *out, const db_driver *d, db_rows *r)             \
	{                                                                                                       \
		reader(d, r, out);                                                                              \
		return 1;                                                                                       \
	}

/* Reads the one row of sql ($1 = key) with the columns label, size,
 * sha256, data_b64 (a file kept as base64); *b64 malloc'd.  JN_ENOTFOUND
 * when there is no row. */
jn_err store_blob_get(stx *t, const char *sql, int64_t key, char *label, size_t labelcap, char **b64,
		      int64_t *size, char sha256[65]);

/* Fills lo/hi so that "col >= lo AND col < hi" selects every code under the
 * region code given (see region_prefix). */
void region_range(const char *code6, char lo[8], char hi[8]);

#endif

/* A WHERE-clause builder: conditions with "?" for each parameter become
 * "$k" in order; text parameters are copied in, so callers' buffers need
 * not outlive the query. */
#define SQLB_MAX_PARAMS 48
typedef struct sqlb {
	char sql[2048];
	size_t len;
	int overflow;
	int n;
	db_param p[SQLB_MAX_PARAMS];
	char text[SQLB_MAX_PARAMS][256];
	int nwhere;
	int counting; /* building a count: region prefixes as index ranges */
} sqlb;

void sqlb_init(sqlb *b, const char *head);
void sqlb_raw(sqlb *b, const char *text);
/* Appends " WHERE cond" or " AND cond"; params given as db_param values. */
void sqlb_and(sqlb *b, const char *cond, int nparams, ...);
/* Appends text with "?" markers replaced by new parameters. */
void sqlb_fmt(sqlb *b, const char *text, int nparams, ...);

/* Runs b and calls row(ctx, driver, rows) for each row until it returns
 * non-zero: the one loop over query results in the store. */
typedef int (*sqlb_row_fn)(void *ctx, const db_driver *d, db_rows *r);
jn_err sqlb_each(stx *t, const sqlb *b, sqlb_row_fn row, void *ctx);
/* The first row only, read by into (a STORE_ROW_ADAPTER's row_fn##_into)
 * into out; JN_ENOTFOUND when there is none. */
jn_err sqlb_one(stx *t, const sqlb *b, sqlb_row_fn into, void *out);
/* Runs b, a SELECT COUNT(*) (or any one-number query), into *out (0 when
 * it gives no row). */
jn_err sqlb_count(stx *t, const sqlb *b, int64_t *out);

/* Runs an INSERT … RETURNING id and hands back the new id. */
jn_err store_insert_id(stx *t, const char *sql, const db_param *p, int n, int64_t *id);

/* Appends the condition "region is this code or under it". */
void sqlb_region(sqlb *b, const char *region);
/* The same on a named (qualified) column, e.g. "o.region", for joins: a
 * county is an equality, a city or province a range of codes. */
void sqlb_region_col(sqlb *b, const char *col, const char *region);

/* The scope's limit on rows of a table whose region column is `region_col`
 * and whose own-record column (for workers / organisations) is `self_col`. */
void scope_persons(sqlb *b, const scope *sc);
void scope_orgs(sqlb *b, const scope *sc);
/* Rows of an evaluation body's work: administrators and county clerks by
 * region_col under their region, the body's own accounts by org_col,
 * nobody else. */
void scope_region_or_body(sqlb *b, const scope *sc, const char *region_col, const char *org_col);
