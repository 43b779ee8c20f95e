/* db_sqlite.c — the SQLite engine driver (see db.h).
 *
 * The store writes PostgreSQL-style $1..$n placeholders.  SQLite reads "$1"
 * as a *named* parameter, so each prepared statement gets a map from SQLite's
 * parameter index to our parameter number, built from the parameter names;
 * "$1" used twice is one SQLite parameter, and a "$2" inside a string literal
 * is never a parameter at all, so nothing has to be rewritten.
 *
 * Prepared statements are cached per connection by SQL text in a small
 * open-addressing table.  A statement stays "busy" while a db_rows steps it;
 * asking for the same text meanwhile prepares a private copy.  When the cache
 * is full, every idle statement is finalised and the table starts over. */
#include "store/db.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SQ_SLOTS 512 /* power of two, twice the most entries */
#define SQ_MAX_ENTRIES 256

typedef struct sq_stmt {
	char *sql;
	uint64_t hash;
	sqlite3_stmt *st;
	int busy;  /* a db_rows is stepping it                */
	int nmap;  /* sqlite3_bind_parameter_count()          */
	int *map;  /* map[i - 1] = our number for SQLite's i  */
	int owned; /* private copy, finalised after one use   */
} sq_stmt;

typedef struct sq_conn {
	db_conn base;
	sqlite3 *db;
	sq_stmt *slots[SQ_SLOTS];
	int count;
	char err[512];
} sq_conn;

typedef struct sq_rows {
	sq_conn *c;
	sq_stmt *s;
	int pending; /* the first row was stepped by query() and not yet seen */
	int done;
} sq_rows;

static void set_err(sq_conn *c, const char *msg)
{
	snprintf(c->err, sizeof c->err, "%s", msg ? msg : "unknown error");
}

static db_rc map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return DB_OK;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_BUSY;
	default:
		return DB_ERROR;
	}
}

/* Records the connection's current error and maps rc. */
static db_rc fail(sq_conn *c, int rc)
{
	set_err(c, sqlite3_errmsg(c->db));
	db_rc r = map_rc(rc);
	return r == DB_OK ? DB_ERROR : r;
}

static uint64_t hash_sql(const char *s)
{
	uint64_t h = 14695981039346656037ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void stmt_free(sq_stmt *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->st);
	free(s->map);
	free(s->sql);
	free(s);
}

/* Parses a parameter name: "$N" (also "$N::type", SQLite's TCL syntax) or
 * "?N"; anonymous "?" takes its position.  Returns 0 for anything else. */
static int param_number(const char *name, int pos)
{
	if (!name)
		return pos;
	if (name[0] != '$' && name[0] != '?')
		return 0;
	long v = 0;
	const char *p = name + 1;
	if (*p < '1' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > INT_MAX)
			return 0;
	}
	if (*p && !(p[0] == ':' && p[1] == ':'))
		return 0;
	return (int)v;
}

static db_rc stmt_prepare(sq_conn *c, const char *sql, int owned, sq_stmt **out)
{
	sq_stmt *s = calloc(1, sizeof *s);
	if (!s) {
		set_err(c, "out of memory");
		return DB_ERROR;
	}
	s->owned = owned;
	const char *tail = NULL;
	int rc = sqlite3_prepare_v3(c->db, sql, -1, owned ? 0 : SQLITE_PREPARE_PERSISTENT, &s->st,
				    &tail);
	if (rc != SQLITE_OK) {
		db_rc r = fail(c, rc);
		stmt_free(s);
		return r;
	}
	if (!s->st) {
		set_err(c, "empty statement");
		stmt_free(s);
		return DB_ERROR;
	}
	if (tail && *tail) {
		/* Anything but blanks and comments after the first statement
		 * would be silently ignored: refuse it. */
		sqlite3_stmt *extra = NULL;
		rc = sqlite3_prepare_v2(c->db, tail, -1, &extra, NULL);
		sqlite3_finalize(extra);
		if (rc != SQLITE_OK || extra) {
			set_err(c, "more than one statement (use exec_script)");
			stmt_free(s);
			return DB_ERROR;
		}
	}
	s->nmap = sqlite3_bind_parameter_count(s->st);
	if (s->nmap > 0) {
		s->map = malloc((size_t)s->nmap * sizeof *s->map);
		if (!s->map) {
			set_err(c, "out of memory");
			stmt_free(s);
			return DB_ERROR;
		}
		for (int i = 1; i <= s->nmap; i++) {
			const char *name = sqlite3_bind_parameter_name(s->st, i);
			s->map[i - 1] = param_number(name, i);
			if (s->map[i - 1] == 0) {
				snprintf(c->err, sizeof c->err, "unsupported parameter %s (use $1..$n)",
					 name);
				stmt_free(s);
				return DB_ERROR;
			}
		}
	}
	if (!owned) {
		size_t len = strlen(sql);
		s->sql = malloc(len + 1);
		if (!s->sql) {
			set_err(c, "out of memory");
			stmt_free(s);
			return DB_ERROR;
		}
		memcpy(s->sql, sql, len + 1);
		s->hash = hash_sql(sql);
	}
	*out = s;
	return DB_OK;
}

static void table_put(sq_conn *c, sq_stmt *s)
{
	size_t i = (size_t)s->hash & (SQ_SLOTS - 1);
	while (c->slots[i])
		i = (i + 1) & (SQ_SLOTS - 1);
	c->slots[i] = s;
	c->count++;
}

/* Finalises every idle cached statement and re-inserts the busy ones. */
static void cache_flush(sq_conn *c)
{
	sq_stmt *keep[SQ_SLOTS];
	int nkeep = 0;
	for (size_t i = 0; i < SQ_SLOTS; i++) {
		sq_stmt *s = c->slots[i];
		c->slots[i] = NULL;
		if (!s)
			continue;
		if (s->busy)
			keep[nkeep++] = s;
		else
			stmt_free(s);
	}
	c->count = 0;
	for (int i = 0; i < nkeep; i++)
		table_put(c, keep[i]);
}

/* Finds or prepares the statement for sql and marks it busy. */
static db_rc stmt_get(sq_conn *c, const char *sql, sq_stmt **out)
{
	uint64_t h = hash_sql(sql);
	size_t i = (size_t)h & (SQ_SLOTS - 1);
	for (sq_stmt *s; (s = c->slots[i]) != NULL; i = (i + 1) & (SQ_SLOTS - 1)) {
		if (s->hash == h && strcmp(s->sql, sql) == 0) {
			if (s->busy)
				return stmt_prepare(c, sql, 1, out);
			s->busy = 1;
			*out = s;
			return DB_OK;
		}
	}
	sq_stmt *s;
	db_rc r = stmt_prepare(c, sql, 0, &s);
	if (r != DB_OK)
		return r;
	if (c->count >= SQ_MAX_ENTRIES)
		cache_flush(c);
	if (c->count >= SQ_MAX_ENTRIES) {
		/* Every cached statement is busy: use this one once. */
		free(s->sql);
		s->sql = NULL;
		s->owned = 1;
	} else {
		table_put(c, s);
	}
	s->busy = 1;
	*out = s;
	return DB_OK;
}

static void stmt_release(sq_stmt *s)
{
	if (s->owned) {
		stmt_free(s);
		return;
	}
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
	s->busy = 0;
}

static db_rc stmt_bind(sq_conn *c, sq_stmt *s, const db_param *p, int n)
{
	for (int i = 1; i <= s->nmap; i++) {
		int k = s->map[i - 1];
		if (k > n || !p) {
			snprintf(c->err, sizeof c->err, "no value for parameter $%d (%d given)", k, n);
			return DB_ERROR;
		}
		const db_param *v = &p[k - 1];
		int rc;
		switch (v->type) {
		case DB_INT:
			rc = sqlite3_bind_int64(s->st, i, v->i);
			break;
		case DB_TEXT:
			/* Copied: rows may be stepped after the caller's strings die. */
			rc = v->s ? sqlite3_bind_text(s->st, i, v->s, -1, SQLITE_TRANSIENT)
				  : sqlite3_bind_null(s->st, i);
			break;
		default:
			rc = sqlite3_bind_null(s->st, i);
			break;
		}
		if (rc != SQLITE_OK)
			return fail(c, rc);
	}
	return DB_OK;
}

/* Before SQLite's first use: no allocation statistics (each malloc would
 * take a global mutex for them; a bulk import makes millions).  The page
 * caches are bounded per store instead (store_open sets cache_size). */
static pthread_once_t sq_config_once = PTHREAD_ONCE_INIT;
static void sq_config(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

static db_rc sq_open(const char *url, db_conn **out, char *err, size_t errcap)
{
	pthread_once(&sq_config_once, sq_config);
	*out = NULL;
	if (!url) {
		if (err && errcap)
			snprintf(err, errcap, "sqlite: no database path");
		return DB_ERROR;
	}
	/* Create the parent directory (one level) if it is missing. */
	const char *slash = strrchr(url, '/');
	if (slash && slash != url) {
		size_t len = (size_t)(slash - url);
		char *dir = malloc(len + 1);
		if (!dir) {
			if (err && errcap)
				snprintf(err, errcap, "sqlite: out of memory");
			return DB_ERROR;
		}
		memcpy(dir, url, len);
		dir[len] = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			if (err && errcap)
				snprintf(err, errcap, "sqlite: cannot create %s: %s", dir,
					 strerror(errno));
			free(dir);
			return DB_ERROR;
		}
		free(dir);
	}
	sq_conn *c = calloc(1, sizeof *c);
	if (!c) {
		if (err && errcap)
			snprintf(err, errcap, "sqlite: out of memory");
		return DB_ERROR;
	}
	c->base.drv = &db_sqlite_driver;
	int rc = sqlite3_open_v2(url, &c->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		if (err && errcap)
			snprintf(err, errcap, "sqlite: %s: %s", url,
				 c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		sqlite3_close_v2(c->db);
		free(c);
		return DB_ERROR;
	}
	sqlite3_extended_result_codes(c->db, 1);
	/* synchronous=FULL: in WAL mode NORMAL already survives a killed
	 * process, but may lose the last commits on power loss or an OS crash;
	 * FULL syncs the WAL at every commit, so committed means on disk. */
	static const char *const pragmas =
		"PRAGMA busy_timeout = 10000;"
		"PRAGMA journal_mode = WAL;"
		"PRAGMA synchronous = FULL;"
		"PRAGMA foreign_keys = ON;"
		"PRAGMA temp_store = MEMORY;"
		"PRAGMA cache_size = -65536;"; /* store_open divides a budget among its pool */
	char *msg = NULL;
	rc = sqlite3_exec(c->db, pragmas, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		if (err && errcap)
			snprintf(err, errcap, "sqlite: %s: %s", url, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sqlite3_close_v2(c->db);
		free(c);
		return DB_ERROR;
	}
	*out = &c->base;
	return DB_OK;
}

static void sq_close(db_conn *conn)
{
	sq_conn *c = (sq_conn *)conn;
	if (!c)
		return;
	for (size_t i = 0; i < SQ_SLOTS; i++)
		stmt_free(c->slots[i]);
	sqlite3_close_v2(c->db);
	free(c);
}

static db_rc run_plain(sq_conn *c, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		return DB_OK;
	set_err(c, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	db_rc r = map_rc(rc);
	return r == DB_OK ? DB_ERROR : r;
}

static db_rc sq_exec_script(db_conn *conn, const char *sql)
{
	return run_plain((sq_conn *)conn, sql);
}

static db_rc sq_query(db_conn *conn, const char *sql, const db_param *p, int n, db_rows **out)
{
	sq_conn *c = (sq_conn *)conn;
	if (out)
		*out = NULL;
	sq_stmt *s;
	db_rc r = stmt_get(c, sql, &s);
	if (r != DB_OK)
		return r;
	r = stmt_bind(c, s, p, n);
	if (r != DB_OK) {
		stmt_release(s);
		return r;
	}
	/* The first step runs now, so a failing INSERT ... RETURNING reports
	 * its error class here rather than as -1 from rows_next. */
	int rc = sqlite3_step(s->st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		r = fail(c, rc);
		stmt_release(s);
		return r;
	}
	if (!out) {
		while (rc == SQLITE_ROW)
			rc = sqlite3_step(s->st);
		r = rc == SQLITE_DONE ? DB_OK : fail(c, rc);
		stmt_release(s);
		return r;
	}
	sq_rows *rows = calloc(1, sizeof *rows);
	if (!rows) {
		set_err(c, "out of memory");
		stmt_release(s);
		return DB_ERROR;
	}
	rows->c = c;
	rows->s = s;
	rows->pending = rc == SQLITE_ROW;
	rows->done = rc == SQLITE_DONE;
	if (rows->done)
		sqlite3_reset(s->st);
	*out = (db_rows *)rows;
	return DB_OK;
}

static db_rc sq_exec(db_conn *conn, const char *sql, const db_param *p, int n, int64_t *changes)
{
	sq_conn *c = (sq_conn *)conn;
	if (changes)
		*changes = 0;
	sq_stmt *s;
	db_rc r = stmt_get(c, sql, &s);
	if (r != DB_OK)
		return r;
	r = stmt_bind(c, s, p, n);
	if (r == DB_OK) {
		/* sqlite3_changes64() keeps the count of the last INSERT, UPDATE
		 * or DELETE, so anything else would report a stale number. */
		sqlite3_int64 total = sqlite3_total_changes64(c->db);
		int rc;
		while ((rc = sqlite3_step(s->st)) == SQLITE_ROW)
			;
		if (rc == SQLITE_DONE) {
			if (changes && sqlite3_total_changes64(c->db) != total)
				*changes = (int64_t)sqlite3_changes64(c->db);
		} else {
			r = fail(c, rc);
		}
	}
	stmt_release(s);
	return r;
}

static int sq_rows_next(db_rows *rows)
{
	sq_rows *r = (sq_rows *)rows;
	if (!r)
		return -1;
	if (r->pending) {
		r->pending = 0;
		return 1;
	}
	if (r->done)
		return 0;
	int rc = sqlite3_step(r->s->st);
	if (rc == SQLITE_ROW)
		return 1;
	r->done = 1;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(r->s->st); /* let go of the read snapshot early */
		return 0;
	}
	fail(r->c, rc);
	return -1;
}

static int col_ok(sq_rows *r, int col)
{
	return r && !r->done && col >= 0 && col < sqlite3_column_count(r->s->st);
}

static int sq_rows_is_null(db_rows *rows, int col)
{
	sq_rows *r = (sq_rows *)rows;
	if (!col_ok(r, col))
		return 1;
	return sqlite3_column_type(r->s->st, col) == SQLITE_NULL;
}

static int64_t sq_rows_int(db_rows *rows, int col)
{
	sq_rows *r = (sq_rows *)rows;
	if (!col_ok(r, col))
		return 0;
	return (int64_t)sqlite3_column_int64(r->s->st, col);
}

static const char *sq_rows_text(db_rows *rows, int col)
{
	sq_rows *r = (sq_rows *)rows;
	if (!col_ok(r, col))
		return "";
	const unsigned char *t = sqlite3_column_text(r->s->st, col);
	return t ? (const char *)t : "";
}

static void sq_rows_free(db_rows *rows)
{
	sq_rows *r = (sq_rows *)rows;
	if (!r)
		return;
	stmt_release(r->s);
	free(r);
}

static db_rc sq_begin(db_conn *conn, int write)
{
	return run_plain((sq_conn *)conn, write ? "BEGIN IMMEDIATE" : "BEGIN");
}

static db_rc sq_commit(db_conn *conn)
{
	return run_plain((sq_conn *)conn, "COMMIT");
}

static db_rc sq_rollback(db_conn *conn)
{
	sq_conn *c = (sq_conn *)conn;
	/* Some errors (SQLITE_FULL, IOERR, ...) end the transaction already. */
	if (sqlite3_get_autocommit(c->db))
		return DB_OK;
	return run_plain(c, "ROLLBACK");
}

static db_rc sq_lock_chain(db_conn *conn)
{
	(void)conn; /* BEGIN IMMEDIATE already holds the only write lock */
	return DB_OK;
}

static const char *sq_errmsg(db_conn *conn)
{
	return conn ? ((sq_conn *)conn)->err : "no connection";
}

const db_driver db_sqlite_driver = {
	.kind = DB_SQLITE,
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.exec_script = sq_exec_script,
	.query = sq_query,
	.exec = sq_exec,
	.rows_next = sq_rows_next,
	.rows_is_null = sq_rows_is_null,
	.rows_int = sq_rows_int,
	.rows_text = sq_rows_text,
	.rows_free = sq_rows_free,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.lock_chain = sq_lock_chain,
	.errmsg = sq_errmsg,
};
