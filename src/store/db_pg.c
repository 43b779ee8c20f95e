/* db_pg.c — the PostgreSQL engine driver (see db.h), on libpq.
 *
 * Statements are prepared once per connection under generated names ("s1",
 * "s2", ...) kept in a small open-addressing table keyed by SQL text, and run
 * with PQexecPrepared; parameters go as text and the server infers their
 * types from context (so write CAST($1 AS BIGINT) where nothing else tells).
 * Results are materialised, except for statements that start with the
 * comment STREAM_MARK: those are read one row at a time in single-row mode,
 * for exports of millions of rows.  While such a stream is open the
 * connection can do nothing else until rows_free (or rollback).
 *
 * Error classes come from SQLSTATE: 23xxx is a constraint violation;
 * 40001, 40P01 and 55P03 mean "retry".  After an error inside a transaction
 * PostgreSQL refuses everything but ROLLBACK; rolling back is the caller's
 * business. */
#include "store/db.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_SLOTS 512 /* power of two, twice the most entries */
#define PG_MAX_ENTRIES 256
#define PG_STACK_PARAMS 16
#define STREAM_MARK "/*stream*/"

typedef struct pg_stmt {
	char *sql;
	uint64_t hash;
	char name[24];
} pg_stmt;

typedef struct pg_rows pg_rows;

typedef struct pg_conn {
	db_conn base;
	PGconn *pg;
	pg_stmt *slots[PG_SLOTS];
	int count;
	unsigned long next_id;
	int in_tx;        /* between a successful begin and commit/rollback */
	pg_rows *stream;  /* the open streamed query, if any */
	char err[1024];
} pg_conn;

struct pg_rows {
	pg_conn *c;
	PGresult *res; /* the current chunk: all rows, or one in stream mode */
	int row, nrows;
	int stream;    /* rows come from PQgetResult one at a time */
	int done;      /* stream mode: the server has nothing more */
	int in_tx;     /* stream mode: a transaction was open when it began */
};

static void set_err(pg_conn *c, const char *msg)
{
	snprintf(c->err, sizeof c->err, "%s", msg && *msg ? msg : "unknown error");
	/* libpq messages end in a newline. */
	size_t len = strlen(c->err);
	while (len > 0 && (c->err[len - 1] == '\n' || c->err[len - 1] == ' '))
		c->err[--len] = '\0';
}

/* Records the error of res (or of the connection when res is NULL), frees
 * res and returns the error class. */
static db_rc fail(pg_conn *c, PGresult *res)
{
	db_rc r = DB_ERROR;
	if (!res) {
		set_err(c, PQerrorMessage(c->pg));
		return r;
	}
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (state) {
		if (strncmp(state, "23", 2) == 0)
			r = DB_CONSTRAINT;
		else if (!strcmp(state, "40001") || !strcmp(state, "40P01") ||
			 !strcmp(state, "55P03"))
			r = DB_BUSY;
	}
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	if (primary && detail)
		snprintf(c->err, sizeof c->err, "%s (%s) [%s]", primary, detail, state ? state : "");
	else if (primary)
		snprintf(c->err, sizeof c->err, "%s [%s]", primary, state ? state : "");
	else
		set_err(c, PQresultErrorMessage(res)[0] ? PQresultErrorMessage(res)
							: PQerrorMessage(c->pg));
	PQclear(res);
	return r;
}

static int res_ok(PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);
	return res && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
}

static uint64_t hash_sql(const char *s)
{
	uint64_t h = 14695981039346656037ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void cache_clear(pg_conn *c)
{
	for (size_t i = 0; i < PG_SLOTS; i++) {
		if (c->slots[i]) {
			free(c->slots[i]->sql);
			free(c->slots[i]);
			c->slots[i] = NULL;
		}
	}
	c->count = 0;
}

/* Checks that the connection can take a command: no stream is open, and a
 * connection lost outside a transaction is re-established. */
static db_rc conn_ready(pg_conn *c)
{
	if (c->stream) {
		set_err(c, "connection busy: a streamed query is still open");
		return DB_ERROR;
	}
	if (PQstatus(c->pg) == CONNECTION_OK)
		return DB_OK;
	if (c->in_tx) {
		set_err(c, "connection lost inside a transaction");
		return DB_ERROR;
	}
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		set_err(c, PQerrorMessage(c->pg));
		return DB_ERROR;
	}
	cache_clear(c); /* the new session has no prepared statements */
	return DB_OK;
}

/* Finds or prepares the statement for sql; *name is its server-side name. */
static db_rc stmt_get(pg_conn *c, const char *sql, const char **name)
{
	uint64_t h = hash_sql(sql);
	size_t i = (size_t)h & (PG_SLOTS - 1);
	for (pg_stmt *s; (s = c->slots[i]) != NULL; i = (i + 1) & (PG_SLOTS - 1)) {
		if (s->hash == h && strcmp(s->sql, sql) == 0) {
			*name = s->name;
			return DB_OK;
		}
	}
	if (c->count >= PG_MAX_ENTRIES) {
		/* Start over.  Names are never reused, so should DEALLOCATE
		 * fail (aborted transaction) nothing can clash. */
		PQclear(PQexec(c->pg, "DEALLOCATE ALL"));
		cache_clear(c);
		i = (size_t)h & (PG_SLOTS - 1);
	}
	pg_stmt *s = calloc(1, sizeof *s);
	size_t len = strlen(sql);
	if (s)
		s->sql = malloc(len + 1);
	if (!s || !s->sql) {
		free(s);
		set_err(c, "out of memory");
		return DB_ERROR;
	}
	memcpy(s->sql, sql, len + 1);
	s->hash = h;
	snprintf(s->name, sizeof s->name, "s%lu", ++c->next_id);
	PGresult *res = PQprepare(c->pg, s->name, sql, 0, NULL);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		free(s->sql);
		free(s);
		return fail(c, res);
	}
	PQclear(res);
	while (c->slots[i])
		i = (i + 1) & (PG_SLOTS - 1);
	c->slots[i] = s;
	c->count++;
	*name = s->name;
	return DB_OK;
}

/* Parameter values as text; small lists live on the caller's stack. */
typedef struct pg_params {
	const char **v;
	char (*buf)[24];
	const char *sv[PG_STACK_PARAMS];
	char sbuf[PG_STACK_PARAMS][24];
} pg_params;

static db_rc params_make(pg_conn *c, pg_params *pp, const db_param *p, int n)
{
	pp->v = pp->sv;
	pp->buf = pp->sbuf;
	if (n < 0 || (n > 0 && !p)) {
		set_err(c, "bad parameter list");
		return DB_ERROR;
	}
	if (n > PG_STACK_PARAMS) {
		pp->v = malloc((size_t)n * sizeof *pp->v);
		pp->buf = malloc((size_t)n * sizeof *pp->buf);
		if (!pp->v || !pp->buf) {
			free(pp->v);
			free(pp->buf);
			pp->v = pp->sv;
			pp->buf = pp->sbuf;
			set_err(c, "out of memory");
			return DB_ERROR;
		}
	}
	for (int i = 0; i < n; i++) {
		switch (p[i].type) {
		case DB_INT:
			snprintf(pp->buf[i], sizeof pp->buf[i], "%lld", (long long)p[i].i);
			pp->v[i] = pp->buf[i];
			break;
		case DB_TEXT:
			pp->v[i] = p[i].s;
			break;
		default:
			pp->v[i] = NULL;
			break;
		}
	}
	return DB_OK;
}

static void params_free(pg_params *pp)
{
	if (pp->v != pp->sv) {
		free(pp->v);
		free(pp->buf);
	}
}

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static db_rc pg_open(const char *url, db_conn **out, char *err, size_t errcap)
{
	*out = NULL;
	if (!url || !*url) {
		if (err && errcap)
			snprintf(err, errcap, "postgresql: no connection URL");
		return DB_ERROR;
	}
	pg_conn *c = calloc(1, sizeof *c);
	if (!c) {
		if (err && errcap)
			snprintf(err, errcap, "postgresql: out of memory");
		return DB_ERROR;
	}
	c->base.drv = &db_pg_driver;
	c->pg = PQconnectdb(url);
	if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
		if (err && errcap) {
			snprintf(err, errcap, "postgresql: %s",
				 c->pg ? PQerrorMessage(c->pg) : "out of memory");
			size_t len = strlen(err);
			while (len > 0 && err[len - 1] == '\n')
				err[--len] = '\0';
		}
		PQfinish(c->pg);
		free(c);
		return DB_ERROR;
	}
	if (PQsetClientEncoding(c->pg, "UTF8") != 0) {
		if (err && errcap)
			snprintf(err, errcap, "postgresql: cannot set client encoding UTF8");
		PQfinish(c->pg);
		free(c);
		return DB_ERROR;
	}
	/* NOTICEs and WARNINGs ("... already exists, skipping") are no errors. */
	PQsetNoticeProcessor(c->pg, quiet_notices, NULL);
	/* Statements are prepared once per connection; a generic plan chosen
	 * while a table was small (at the start of a bulk import, say) would be
	 * kept after it has grown: a lookup of 200 ID numbers scanned every
	 * row.  Planning each execution for its values costs far less. */
	PGresult *set = PQexec(c->pg, "SET plan_cache_mode = force_custom_plan");
	int set_ok = PQresultStatus(set) == PGRES_COMMAND_OK;
	PQclear(set);
	if (!set_ok) {
		if (err && errcap)
			snprintf(err, errcap, "postgresql: cannot set plan_cache_mode");
		PQfinish(c->pg);
		free(c);
		return DB_ERROR;
	}
	*out = &c->base;
	return DB_OK;
}

static void stream_finish(pg_rows *r)
{
	PGresult *res;
	while ((res = PQgetResult(r->c->pg)) != NULL)
		PQclear(res);
	r->done = 1;
	if (r->c->stream == r)
		r->c->stream = NULL;
}

/* Ends a stream that was not read to the end.  Cancelling is quick, but
 * would abort an open transaction; then the rest is read and dropped. */
static void stream_abandon(pg_rows *r, int may_cancel)
{
	if (may_cancel) {
		PGcancel *cancel = PQgetCancel(r->c->pg);
		char buf[256];
		if (cancel) {
			PQcancel(cancel, buf, (int)sizeof buf);
			PQfreeCancel(cancel);
		}
	}
	stream_finish(r);
}

static void pg_rows_free(db_rows *rows)
{
	pg_rows *r = (pg_rows *)rows;
	if (!r)
		return;
	PQclear(r->res);
	if (r->stream && !r->done)
		stream_abandon(r, !r->in_tx);
	free(r);
}

static void pg_close(db_conn *conn)
{
	pg_conn *c = (pg_conn *)conn;
	if (!c)
		return;
	if (c->stream)
		pg_rows_free((db_rows *)c->stream);
	cache_clear(c);
	PQfinish(c->pg);
	free(c);
}

static db_rc pg_exec_script(db_conn *conn, const char *sql)
{
	pg_conn *c = (pg_conn *)conn;
	db_rc r = conn_ready(c);
	if (r != DB_OK)
		return r;
	PGresult *res = PQexec(c->pg, sql);
	if (!res_ok(res))
		return fail(c, res);
	PQclear(res);
	/* A script may change tables under cached statements ("cached plan must
	 * not change result type"): start the cache over. */
	if (c->count > 0) {
		PQclear(PQexec(c->pg, "DEALLOCATE ALL"));
		cache_clear(c);
	}
	return DB_OK;
}

static int is_stream(const char *sql)
{
	while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r')
		sql++;
	return strncmp(sql, STREAM_MARK, sizeof STREAM_MARK - 1) == 0;
}

static db_rc query_stream(pg_conn *c, const char *name, pg_params *pp, int n, db_rows **out)
{
	pg_rows *r = calloc(1, sizeof *r);
	if (!r) {
		set_err(c, "out of memory");
		return DB_ERROR;
	}
	r->c = c;
	r->stream = 1;
	r->row = -1;
	r->in_tx = PQtransactionStatus(c->pg) != PQTRANS_IDLE;
	if (!PQsendQueryPrepared(c->pg, name, n, pp->v, NULL, NULL, 0)) {
		free(r);
		return fail(c, NULL);
	}
	PQsetSingleRowMode(c->pg); /* if refused, the result simply comes whole */
	c->stream = r;
	/* Fetch the first chunk now so errors are reported by query(). */
	PGresult *res = PQgetResult(c->pg);
	ExecStatusType st = PQresultStatus(res);
	if (res && (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)) {
		r->res = res;
		r->nrows = PQntuples(res);
		if (st != PGRES_SINGLE_TUPLE)
			stream_finish(r);
	} else {
		if (!res && PQstatus(c->pg) == CONNECTION_OK) {
			stream_finish(r); /* no result at all: nothing to read */
		} else {
			db_rc rc = fail(c, res);
			stream_finish(r);
			free(r);
			return rc;
		}
	}
	if (out) {
		*out = (db_rows *)r;
	} else {
		r->in_tx = 1; /* read to the end: the caller asked for it to run */
		pg_rows_free((db_rows *)r);
	}
	return DB_OK;
}

static db_rc pg_query(db_conn *conn, const char *sql, const db_param *p, int n, db_rows **out)
{
	pg_conn *c = (pg_conn *)conn;
	if (out)
		*out = NULL;
	db_rc r = conn_ready(c);
	if (r != DB_OK)
		return r;
	const char *name;
	r = stmt_get(c, sql, &name);
	if (r != DB_OK)
		return r;
	pg_params pp;
	r = params_make(c, &pp, p, n);
	if (r != DB_OK)
		return r;
	if (is_stream(sql)) {
		r = query_stream(c, name, &pp, n, out);
		params_free(&pp);
		return r;
	}
	PGresult *res = PQexecPrepared(c->pg, name, n, pp.v, NULL, NULL, 0);
	params_free(&pp);
	if (!res_ok(res))
		return fail(c, res);
	if (!out) {
		PQclear(res);
		return DB_OK;
	}
	pg_rows *rows = calloc(1, sizeof *rows);
	if (!rows) {
		PQclear(res);
		set_err(c, "out of memory");
		return DB_ERROR;
	}
	rows->c = c;
	rows->res = res;
	rows->row = -1;
	rows->nrows = PQntuples(res);
	*out = (db_rows *)rows;
	return DB_OK;
}

static db_rc pg_exec(db_conn *conn, const char *sql, const db_param *p, int n, int64_t *changes)
{
	pg_conn *c = (pg_conn *)conn;
	if (changes)
		*changes = 0;
	db_rc r = conn_ready(c);
	if (r != DB_OK)
		return r;
	const char *name;
	r = stmt_get(c, sql, &name);
	if (r != DB_OK)
		return r;
	pg_params pp;
	r = params_make(c, &pp, p, n);
	if (r != DB_OK)
		return r;
	PGresult *res = PQexecPrepared(c->pg, name, n, pp.v, NULL, NULL, 0);
	params_free(&pp);
	if (!res_ok(res))
		return fail(c, res);
	if (changes) {
		const char *t = PQcmdTuples(res);
		*changes = t && *t ? (int64_t)strtoll(t, NULL, 10) : 0;
	}
	PQclear(res);
	return DB_OK;
}

static int pg_rows_next(db_rows *rows)
{
	pg_rows *r = (pg_rows *)rows;
	if (!r)
		return -1;
	for (;;) {
		if (r->res && r->row + 1 < r->nrows) {
			r->row++;
			return 1;
		}
		if (!r->stream || r->done)
			return 0;
		PQclear(r->res);
		r->res = NULL;
		r->row = -1;
		r->nrows = 0;
		PGresult *res = PQgetResult(r->c->pg);
		if (!res) {
			stream_finish(r);
			if (PQstatus(r->c->pg) != CONNECTION_OK) {
				set_err(r->c, PQerrorMessage(r->c->pg));
				return -1;
			}
			return 0;
		}
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			r->res = res;
			r->nrows = PQntuples(res);
			if (st != PGRES_SINGLE_TUPLE)
				stream_finish(r);
			continue;
		}
		fail(r->c, res);
		stream_finish(r);
		return -1;
	}
}

static int cell_ok(pg_rows *r, int col)
{
	return r && r->res && r->row >= 0 && r->row < r->nrows && col >= 0 &&
	       col < PQnfields(r->res);
}

static int pg_rows_is_null(db_rows *rows, int col)
{
	pg_rows *r = (pg_rows *)rows;
	if (!cell_ok(r, col))
		return 1;
	return PQgetisnull(r->res, r->row, col);
}

static const char *pg_rows_text(db_rows *rows, int col)
{
	pg_rows *r = (pg_rows *)rows;
	if (!cell_ok(r, col))
		return "";
	return PQgetvalue(r->res, r->row, col); /* "" for NULL */
}

static int64_t pg_rows_int(db_rows *rows, int col)
{
	const char *t = pg_rows_text(rows, col);
	if (t[0] == 't' && t[1] == '\0') /* a boolean, e.g. from EXISTS */
		return 1;
	return (int64_t)strtoll(t, NULL, 10);
}

static db_rc simple(pg_conn *c, const char *sql)
{
	db_rc r = conn_ready(c);
	if (r != DB_OK)
		return r;
	PGresult *res = PQexec(c->pg, sql);
	if (!res_ok(res))
		return fail(c, res);
	PQclear(res);
	return DB_OK;
}

static db_rc pg_begin(db_conn *conn, int write)
{
	pg_conn *c = (pg_conn *)conn;
	(void)write; /* READ COMMITTED; writers serialise on row locks */
	db_rc r = simple(c, "BEGIN");
	if (r == DB_OK)
		c->in_tx = 1;
	return r;
}

static db_rc pg_commit(db_conn *conn)
{
	pg_conn *c = (pg_conn *)conn;
	db_rc r = conn_ready(c);
	if (r != DB_OK)
		return r;
	PGresult *res = PQexec(c->pg, "COMMIT");
	c->in_tx = 0; /* a failed COMMIT ends the transaction too */
	if (!res_ok(res))
		return fail(c, res);
	/* COMMIT of a transaction that had failed succeeds as a ROLLBACK. */
	int rolled_back = strcmp(PQcmdStatus(res), "ROLLBACK") == 0;
	PQclear(res);
	if (rolled_back) {
		set_err(c, "transaction was aborted by an earlier error and rolled back");
		return DB_ERROR;
	}
	return DB_OK;
}

static db_rc pg_rollback(db_conn *conn)
{
	pg_conn *c = (pg_conn *)conn;
	if (c->stream) /* its db_rows stays valid, and ends at once */
		stream_abandon(c->stream, 1);
	c->in_tx = 0;
	if (PQstatus(c->pg) != CONNECTION_OK)
		return DB_OK; /* the server has dropped the transaction with the session */
	PGresult *res = PQexec(c->pg, "ROLLBACK");
	if (!res_ok(res))
		return fail(c, res);
	PQclear(res);
	return DB_OK;
}

static db_rc pg_lock_chain(db_conn *conn)
{
	return simple((pg_conn *)conn, "SELECT pg_advisory_xact_lock(7031)");
}

static const char *pg_errmsg(db_conn *conn)
{
	return conn ? ((pg_conn *)conn)->err : "no connection";
}

const db_driver db_pg_driver = {
	.kind = DB_PG,
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.exec_script = pg_exec_script,
	.query = pg_query,
	.exec = pg_exec,
	.rows_next = pg_rows_next,
	.rows_is_null = pg_rows_is_null,
	.rows_int = pg_rows_int,
	.rows_text = pg_rows_text,
	.rows_free = pg_rows_free,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.lock_chain = pg_lock_chain,
	.errmsg = pg_errmsg,
};
