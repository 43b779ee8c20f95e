/* store.c — opening a store, the connection pool, transactions, time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/regions.h"
#include "store/store_internal.h"

jn_err store_db_err(db_rc rc)
{
	switch (rc) {
	case DB_OK:
		return JN_OK;
	case DB_CONSTRAINT:
		return JN_ECONFLICT;
	case DB_BUSY:
		return JN_EBUSY;
	default:
		return JN_EDB;
	}
}

void rows_copy(const db_driver *d, db_rows *r, int col, char *dst, size_t cap)
{
	const char *s = d->rows_text(r, col);
	size_t n = s ? strlen(s) : 0;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, s, n);
	dst[n] = '\0';
}

void region_range(const char *code6, char lo[8], char hi[8])
{
	char p[8];
	region_prefix(code6, p);
	size_t n = strlen(p);
	memcpy(lo, p, n + 1);
	memcpy(hi, p, n + 1);
	if (n > 0)
		hi[n - 1] = (char)(hi[n - 1] + 1); /* '9' + 1 = ':' sorts after every digit */
}

/* The page cache of all of a store's SQLite connections together. */
#define SQLITE_CACHE_BUDGET_KIB (128 * 1024)

jn_err store_open(const char *url, int pool, store **out, char *err, size_t errcap)
{
	const db_driver *drv;
	const char *target;
	if (strncmp(url, "sqlite:", 7) == 0) {
		drv = &db_sqlite_driver;
		target = url + 7;
	} else if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		drv = &db_pg_driver;
		target = url;
	} else {
		snprintf(err, errcap, "数据库地址应为 sqlite:路径 或 postgresql://…");
		return JN_EINVAL;
	}
	if (pool < 1)
		pool = 1;
	store *s = calloc(1, sizeof *s);
	if (!s)
		return JN_ENOMEM;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->drv = drv;
	s->url = strdup(url);
	s->n = pool;
	s->conns = calloc((size_t)pool, sizeof *s->conns);
	s->busy = calloc((size_t)pool, sizeof *s->busy);
	if (!s->url || !s->conns || !s->busy) {
		store_close(s);
		return JN_ENOMEM;
	}
	/* SQLite caches pages per connection: a pool shares one budget, so a
	 * server's memory stays bounded however large the database grows
	 * (one connection, as the CLI's import uses, gets all of it). */
	char cache[64];
	snprintf(cache, sizeof cache, "PRAGMA cache_size = -%d;", SQLITE_CACHE_BUDGET_KIB / pool);
	for (int i = 0; i < pool; i++) {
		if (drv->open(target, &s->conns[i], err, errcap) != DB_OK ||
		    (drv->kind == DB_SQLITE && drv->exec_script(s->conns[i], cache) != DB_OK)) {
			store_close(s);
			return JN_EDB;
		}
	}
	*out = s;
	return JN_OK;
}

void store_close(store *s)
{
	if (!s)
		return;
	for (int i = 0; s->conns && i < s->n; i++)
		if (s->conns[i])
			s->drv->close(s->conns[i]);
	free(s->conns);
	free(s->busy);
	free(s->url);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}

const char *store_engine(const store *s) { return s->drv->kind == DB_PG ? "postgresql" : "sqlite"; }

jn_err stx_begin(store *s, int write, stx **out)
{
	stx *t = calloc(1, sizeof *t);
	if (!t)
		return JN_ENOMEM;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		int i;
		for (i = 0; i < s->n && s->busy[i]; i++)
			;
		if (i < s->n) {
			s->busy[i] = 1;
			t->slot = i;
			break;
		}
		pthread_cond_wait(&s->cv, &s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	t->s = s;
	t->c = s->conns[t->slot];
	t->write = write;
	db_rc rc = s->drv->begin(t->c, write);
	if (rc != DB_OK) {
		/* A PostgreSQL connection may have dropped: reconnect once. */
		if (s->drv->kind == DB_PG) {
			char err[256];
			db_conn *nc;
			if (s->drv->open(s->url, &nc, err, sizeof err) == DB_OK) {
				s->drv->close(t->c);
				s->conns[t->slot] = t->c = nc;
				rc = s->drv->begin(t->c, write);
			}
		}
		if (rc != DB_OK) {
			jn_err e = store_db_err(rc);
			pthread_mutex_lock(&s->mu);
			s->busy[t->slot] = 0;
			pthread_cond_signal(&s->cv);
			pthread_mutex_unlock(&s->mu);
			free(t);
			return e;
		}
	}
	/* Writers take the audit chain's lock before their first write, so two
	 * writers never hold a row lock and wait for the chain in opposite
	 * order (SQLite's BEGIN IMMEDIATE already serialises writers). */
	if (write && (rc = s->drv->lock_chain(t->c)) != DB_OK) {
		stx_rollback(t);
		return store_db_err(rc);
	}
	*out = t;
	return JN_OK;
}

static void release(stx *t)
{
	store *s = t->s;
	pthread_mutex_lock(&s->mu);
	s->busy[t->slot] = 0;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	free(t);
}

jn_err stx_commit(stx *t)
{
	jn_err e = audit_flush_head(t);
	if (e) {
		stx_rollback(t);
		return e;
	}
	db_rc rc = t->s->drv->commit(t->c);
	if (rc != DB_OK)
		t->s->drv->rollback(t->c);
	release(t);
	return store_db_err(rc);
}

void stx_rollback(stx *t)
{
	if (!t)
		return;
	t->s->drv->rollback(t->c);
	release(t);
}

jn_err store_analyze(store *s)
{
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	db_rc rc = s->drv->exec_script(t->c, "ANALYZE persons");
	if (rc != DB_OK) {
		stx_rollback(t);
		return store_db_err(rc);
	}
	return stx_commit(t);
}

const char *stx_errmsg(stx *t) { return t->s->drv->errmsg(t->c); }

void store_now(char out[32])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char base[24];
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%.19s.%03dZ", base, (int)(ts.tv_nsec / 1000000));
}

int store_today(void)
{
	time_t now = time(NULL) + 8 * 3600; /* China Standard Time, no DST */
	struct tm tm;
	gmtime_r(&now, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}
