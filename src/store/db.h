/* db.h — the engine driver table (like sqlite3_vfs or curl's vtls).
 *
 * The store code above speaks one SQL dialect with $1..$n placeholders; each
 * driver hides its engine: placeholder syntax, statement caching, type
 * mapping, transactions, error classes.  Dialect differences that cannot be
 * hidden (DDL) are asked for with db_kind() inside src/store/ only.
 *
 * A db_conn is used by one thread at a time (the pool in store.c hands them
 * out).  Text values are UTF-8, NUL-terminated. */
#ifndef JN_DB_H
#define JN_DB_H

#include <stddef.h>
#include <stdint.h>

typedef enum db_kind { DB_SQLITE = 1, DB_PG = 2 } db_kind;

typedef enum db_rc {
	DB_OK = 0,
	DB_ERROR,      /* anything else; db_errmsg() says what          */
	DB_CONSTRAINT, /* unique / foreign-key / check violation        */
	DB_BUSY,       /* lock timeout or serialization failure: retry  */
} db_rc;

typedef enum db_type { DB_NULL = 0, DB_INT, DB_TEXT } db_type;

typedef struct db_param {
	db_type type;
	int64_t i;
	const char *s; /* for DB_TEXT; NULL is bound as NULL */
} db_param;

static inline db_param db_int(int64_t v) { return (db_param){.type = DB_INT, .i = v}; }
/* NULL is bound as SQL NULL. */
static inline db_param db_text(const char *s) { return (db_param){.type = s ? DB_TEXT : DB_NULL, .s = s}; }
#define P_INT(v) db_int((int64_t)(v))
#define P_TEXT(v) db_text(v)
#define P_NULL ((db_param){.type = DB_NULL})

typedef struct db_conn db_conn;
typedef struct db_rows db_rows;

typedef struct db_driver {
	db_kind kind;
	const char *name;
	/* url without the scheme for sqlite ("var/jineng.db"), whole for pg. */
	db_rc (*open)(const char *url, db_conn **out, char *err, size_t errcap);
	void (*close)(db_conn *c);
	/* Runs a script of statements without parameters (DDL, migrations). */
	db_rc (*exec_script)(db_conn *c, const char *sql);
	/* Runs one statement; rows (if out != NULL) are read with rows_next.
	 * Statements are prepared once per connection and cached by SQL text. */
	db_rc (*query)(db_conn *c, const char *sql, const db_param *p, int n, db_rows **out);
	/* Runs one statement that returns no rows; *changes = rows affected. */
	db_rc (*exec)(db_conn *c, const char *sql, const db_param *p, int n, int64_t *changes);
	/* 1 = a row is ready, 0 = done, -1 = error (db_errmsg). */
	int (*rows_next)(db_rows *r);
	int (*rows_is_null)(db_rows *r, int col);
	int64_t (*rows_int)(db_rows *r, int col);
	const char *(*rows_text)(db_rows *r, int col); /* valid until next/free; "" for NULL */
	void (*rows_free)(db_rows *r);
	/* write = 1 takes the write lock at once (SQLite BEGIN IMMEDIATE). */
	db_rc (*begin)(db_conn *c, int write);
	db_rc (*commit)(db_conn *c);
	db_rc (*rollback)(db_conn *c);
	/* Serialises appenders to the audit chain inside a write transaction
	 * (SQLite: already serialised by BEGIN IMMEDIATE; PostgreSQL: an
	 * advisory transaction lock). */
	db_rc (*lock_chain)(db_conn *c);
	const char *(*errmsg)(db_conn *c);
	/* Fast bulk path for benchmarks and loaders may come later. */
} db_driver;

extern const db_driver db_sqlite_driver;
extern const db_driver db_pg_driver;

/* Every db_conn starts with this header so generic code can find its driver. */
struct db_conn {
	const db_driver *drv;
};

static inline db_kind db_kind_of(db_conn *c) { return c->drv->kind; }

#endif
