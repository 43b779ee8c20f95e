/* test_db.c — conformance test for the engine drivers in db.h: the same
 * checks run against SQLite on a temporary file and, when JINENG_TEST_PG_URL
 * is set (see scripts/pg-test.sh), against PostgreSQL. */
#include "store/db.h"
#include "unit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NP(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define NO_INT INT64_MIN

static const db_driver *D;

/* First column of the first row as an integer, NO_INT on error/no row. */
static int64_t q_int(db_conn *c, const char *sql, const db_param *p, int n)
{
	db_rows *r = NULL;
	if (D->query(c, sql, p, n, &r) != DB_OK) {
		fprintf(stderr, "  query failed: %s: %s\n", sql, D->errmsg(c));
		return NO_INT;
	}
	int64_t v = D->rows_next(r) == 1 ? D->rows_int(r, 0) : NO_INT;
	D->rows_free(r);
	return v;
}

/* First column of the first row as text, copied into buf; "?" on error. */
static const char *q_text(db_conn *c, const char *sql, const db_param *p, int n, char *buf,
			  size_t cap)
{
	db_rows *r = NULL;
	snprintf(buf, cap, "?");
	if (D->query(c, sql, p, n, &r) != DB_OK) {
		fprintf(stderr, "  query failed: %s: %s\n", sql, D->errmsg(c));
		return buf;
	}
	if (D->rows_next(r) == 1)
		snprintf(buf, cap, "%s", D->rows_text(r, 0));
	D->rows_free(r);
	return buf;
}

static db_rc ins(db_conn *c, int64_t id, const char *name, const db_param n)
{
	db_param p[] = {P_INT(id), P_TEXT(name), n};
	int64_t ch = -1;
	db_rc rc = D->exec(c, "INSERT INTO t (id, name, n) VALUES ($1, $2, $3)", p, 3, &ch);
	if (rc == DB_OK && ch != 1)
		return DB_ERROR;
	return rc;
}

static int64_t count_t(db_conn *c)
{
	return q_int(c, "SELECT COUNT(*) FROM t", NULL, 0);
}

static db_conn *reopen(db_conn *c, const char *url)
{
	char err[256] = "";
	D->close(c);
	db_conn *n = NULL;
	CHECK(D->open(url, &n, err, sizeof err) == DB_OK);
	if (!n)
		fprintf(stderr, "  reopen failed: %s\n", err);
	return n;
}

static void basics(db_conn *c)
{
	char buf[256];
	CHECK(D->exec_script(c, "DROP TABLE IF EXISTS big;\n"
				"DROP TABLE IF EXISTS t;\n"
				"CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
				"n BIGINT);\n"
				"CREATE TABLE big (id BIGINT PRIMARY KEY, name TEXT NOT NULL);") ==
	      DB_OK);
	CHECK(ins(c, 1, "alpha", P_INT(10)) == DB_OK);
	CHECK(ins(c, 2, "北京市朝阳区", P_INT(20)) == DB_OK);
	CHECK(ins(c, 3, "gamma", P_NULL) == DB_OK);
	CHECK(ins(c, 4, "delta", P_TEXT(NULL)) == DB_OK);
	CHECK(ins(c, 5, "epsilon", P_INT(50)) == DB_OK);
	CHECK(count_t(c) == 5);

	/* Chinese text round trip, both as parameter and as result. */
	db_param zh[] = {P_TEXT("北京市朝阳区")};
	CHECK(q_int(c, "SELECT id FROM t WHERE name = $1", zh, 1) == 2);
	db_param two[] = {P_INT(2)};
	CHECK_STR(q_text(c, "SELECT name FROM t WHERE id = $1", two, 1, buf, sizeof buf),
		  "北京市朝阳区");
	CHECK(q_int(c, "SELECT LENGTH(name) FROM t WHERE id = $1", two, 1) == 6);

	/* Parameters out of order in the text. */
	db_param ord[] = {P_TEXT("alpha"), P_INT(5)};
	db_rows *r = NULL;
	CHECK(D->query(c, "SELECT id, name FROM t WHERE n > $2 AND name <> $1 ORDER BY id", ord, 2,
		       &r) == DB_OK);
	int64_t ids[8];
	int k = 0;
	int rc;
	while ((rc = D->rows_next(r)) == 1 && k < 8)
		ids[k++] = D->rows_int(r, 0);
	CHECK(rc == 0);
	CHECK(k == 2 && ids[0] == 2 && ids[1] == 5);
	CHECK(D->rows_next(r) == 0); /* stays done */
	D->rows_free(r);

	/* The same parameter used twice, in a query and in an insert. */
	db_param same[] = {P_INT(10)};
	CHECK(q_int(c, "SELECT COUNT(*) FROM t WHERE id = $1 OR n = $1", same, 1) == 1);
	db_param same2[] = {P_INT(60), P_TEXT("zeta")};
	CHECK(D->exec(c, "INSERT INTO t (id, name, n) VALUES ($1, $2, $1)", same2, 2, NULL) == DB_OK);
	db_param sixty[] = {P_INT(60)};
	CHECK(q_int(c, "SELECT n FROM t WHERE id = $1", sixty, 1) == 60);

	/* "$2" inside a string literal is text, not a parameter. */
	db_param lit[] = {P_INT(1)};
	CHECK_STR(q_text(c, "SELECT name || '$2' FROM t WHERE id = $1", lit, 1, buf, sizeof buf),
		  "alpha$2");

	/* NULL handling. */
	CHECK(q_int(c, "SELECT COUNT(*) FROM t WHERE n IS NULL", NULL, 0) == 2);
	db_param three[] = {P_INT(3)};
	CHECK(D->query(c, "SELECT n, name FROM t WHERE id = $1", three, 1, &r) == DB_OK);
	CHECK(D->rows_next(r) == 1);
	CHECK(D->rows_is_null(r, 0));
	CHECK(!D->rows_is_null(r, 1));
	CHECK_STR(D->rows_text(r, 0), "");
	CHECK(D->rows_int(r, 0) == 0);
	CHECK_STR(D->rows_text(r, 1), "gamma");
	CHECK(D->rows_next(r) == 0);
	D->rows_free(r);

	/* Extremes of int64 survive. */
	db_param ext[] = {P_INT(INT64_MAX), P_INT(INT64_MIN)};
	CHECK(D->query(c, "SELECT CAST($1 AS BIGINT), CAST($2 AS BIGINT) FROM t WHERE id = 1", ext, 2, &r) ==
	      DB_OK);
	CHECK(r && D->rows_next(r) == 1);
	CHECK(D->rows_int(r, 0) == INT64_MAX);
	CHECK(D->rows_int(r, 1) == INT64_MIN);
	D->rows_free(r);

	/* No rows at all. */
	db_param none[] = {P_INT(999)};
	CHECK(D->query(c, "SELECT id FROM t WHERE id = $1", none, 1, &r) == DB_OK);
	CHECK(D->rows_next(r) == 0);
	D->rows_free(r);

	/* exec reports rows affected; query with out == NULL just runs. */
	int64_t ch = -1;
	db_param upd[] = {P_INT(5)};
	CHECK(D->exec(c, "UPDATE t SET n = n + 1 WHERE n > $1", upd, 1, &ch) == DB_OK);
	CHECK(ch == 4);
	CHECK(D->query(c, "UPDATE t SET n = n - 1 WHERE n > $1", upd, 1, NULL) == DB_OK);
	CHECK(q_int(c, "SELECT SUM(n) FROM t", NULL, 0) == 10 + 20 + 50 + 60);
	CHECK(D->exec(c, "DELETE FROM t WHERE id = $1", none, 1, &ch) == DB_OK);
	CHECK(ch == 0);
	ch = -1;
	CHECK(D->exec(c, "CREATE INDEX t_n ON t (n)", NULL, 0, &ch) == DB_OK);
	CHECK(ch == 0);
}

static void errors(db_conn *c)
{
	/* Unique, primary key and NOT NULL violations are constraint errors. */
	CHECK(ins(c, 100, "alpha", P_NULL) == DB_CONSTRAINT);
	CHECK(strlen(D->errmsg(c)) > 0);
	CHECK(ins(c, 1, "other", P_NULL) == DB_CONSTRAINT);
	CHECK(ins(c, 101, NULL, P_NULL) == DB_CONSTRAINT);
	CHECK(count_t(c) == 6);

	/* A violation reported by INSERT ... RETURNING comes from query(). */
	db_param dup[] = {P_INT(102), P_TEXT("alpha")};
	db_rows *r = NULL;
	CHECK(D->query(c, "INSERT INTO t (id, name) VALUES ($1, $2) RETURNING id", dup, 2, &r) ==
	      DB_CONSTRAINT);
	CHECK(r == NULL);

	/* Other errors. */
	CHECK(D->query(c, "SELEKT 1", NULL, 0, &r) == DB_ERROR);
	CHECK(strlen(D->errmsg(c)) > 0);
	CHECK(D->exec(c, "SELECT * FROM no_such_table", NULL, 0, NULL) == DB_ERROR);
	CHECK(D->exec_script(c, "CREATE TABLE t (x BIGINT)") == DB_ERROR);
	db_param one[] = {P_INT(1)};
	CHECK(D->query(c, "SELECT id FROM t WHERE id = $1 OR id = $2", one, 1, &r) == DB_ERROR);
	/* The connection is still fine afterwards. */
	CHECK(count_t(c) == 6);
}

static void transactions(db_conn **pc, const char *url)
{
	db_conn *c = *pc;
	/* Rollback really discards, and the statement first prepared inside the
	 * rolled-back transaction still works afterwards. */
	CHECK(D->begin(c, 1) == DB_OK);
	CHECK(ins(c, 200, "rolled back", P_INT(1)) == DB_OK);
	db_param p200[] = {P_INT(200)};
	CHECK(q_int(c, "SELECT n FROM t WHERE id = $1 AND 1 = 1", p200, 1) == 1);
	CHECK(D->lock_chain(c) == DB_OK);
	CHECK(D->rollback(c) == DB_OK);
	CHECK(count_t(c) == 6);
	CHECK(q_int(c, "SELECT COUNT(*) FROM t WHERE id = $1 AND 1 = 1", p200, 1) == 0);
	CHECK(q_int(c, "SELECT n FROM t WHERE id = $1 AND 1 = 1", p200, 1) == NO_INT);

	/* A failed statement inside a transaction; the caller rolls back. */
	CHECK(D->begin(c, 1) == DB_OK);
	CHECK(ins(c, 201, "in failed tx", P_NULL) == DB_OK);
	CHECK(ins(c, 202, "alpha", P_NULL) == DB_CONSTRAINT);
	CHECK(D->rollback(c) == DB_OK);
	CHECK(count_t(c) == 6);
	CHECK(D->rollback(c) == DB_OK); /* no transaction: harmless */

	/* Read transaction. */
	CHECK(D->begin(c, 0) == DB_OK);
	CHECK(count_t(c) == 6);
	CHECK(D->commit(c) == DB_OK);

	/* Commit persists across reopen; lock_chain inside it. */
	CHECK(D->begin(c, 1) == DB_OK);
	CHECK(D->lock_chain(c) == DB_OK);
	CHECK(ins(c, 300, "committed", P_INT(3)) == DB_OK);
	CHECK(D->commit(c) == DB_OK);
	c = *pc = reopen(c, url);
	if (!c)
		return;
	db_param p300[] = {P_INT(300)};
	CHECK(q_int(c, "SELECT n FROM t WHERE id = $1", p300, 1) == 3);
	CHECK(count_t(c) == 7);
}

static void cache(db_conn *c)
{
	/* The same statement 1000 times with changing parameters. */
	int good = 0;
	for (int i = 0; i < 1000; i++) {
		db_param p[] = {P_INT(i % 7), P_TEXT("alpha")};
		int64_t v = q_int(c, "SELECT COUNT(*) + $1 FROM t WHERE name = $2", p, 2);
		good += v == 1 + i % 7;
	}
	CHECK(good == 1000);

	/* More distinct statements than the cache holds, then the first again. */
	char sql[128];
	good = 0;
	for (int i = 0; i < 600; i++) {
		snprintf(sql, sizeof sql, "SELECT id + %d FROM t WHERE id = $1", i);
		db_param p[] = {P_INT(1)};
		good += q_int(c, sql, p, 1) == 1 + i;
	}
	CHECK(good == 600);
	db_param p1[] = {P_INT(1)};
	CHECK(q_int(c, "SELECT id + 0 FROM t WHERE id = $1", p1, 1) == 1);

	/* Nested: a second query (also the very same text) while rows are open,
	 * past a cache flush. */
	db_rows *outer = NULL;
	CHECK(D->query(c, "SELECT id FROM t ORDER BY id", NULL, 0, &outer) == DB_OK);
	int n = 0, inner_ok = 0;
	while (D->rows_next(outer) == 1) {
		db_param p[] = {P_INT(D->rows_int(outer, 0))};
		inner_ok += q_int(c, "SELECT id FROM t WHERE id = $1", p, 1) == p[0].i;
		inner_ok += q_int(c, "SELECT COUNT(*) FROM t", NULL, 0) == 7;
		if (n == 0) {
			for (int i = 0; i < 300; i++) {
				snprintf(sql, sizeof sql, "SELECT %d", i);
				q_int(c, sql, NULL, 0);
			}
		}
		db_rows *same = NULL;
		if (D->query(c, "SELECT id FROM t ORDER BY id", NULL, 0, &same) == DB_OK) {
			int m = 0;
			while (D->rows_next(same) == 1)
				m++;
			inner_ok += m == 7;
			D->rows_free(same);
		}
		n++;
	}
	D->rows_free(outer);
	CHECK(n == 7);
	CHECK(inner_ok == 3 * 7);
}

static void returning(db_conn *c)
{
	db_param p[] = {P_INT(400), P_TEXT("returned")};
	db_rows *r = NULL;
	CHECK(D->query(c, "INSERT INTO t (id, name) VALUES ($1, $2) RETURNING id, name", p, 2, &r) ==
	      DB_OK);
	CHECK(r && D->rows_next(r) == 1);
	CHECK(D->rows_int(r, 0) == 400);
	CHECK_STR(D->rows_text(r, 1), "returned");
	CHECK(D->rows_next(r) == 0);
	D->rows_free(r);
	CHECK(count_t(c) == 8);
}

static void streaming(db_conn *c)
{
	enum { N = 10000 };
	CHECK(D->begin(c, 1) == DB_OK);
	int good = 0;
	for (int i = 1; i <= N; i++) {
		char name[32];
		snprintf(name, sizeof name, "行%d", i);
		const char *nm = name; /* P_TEXT(array) trips -Waddress */
		db_param p[] = {P_INT(i), P_TEXT(nm)};
		good += D->exec(c, "INSERT INTO big (id, name) VALUES ($1, $2)", p, 2, NULL) == DB_OK;
	}
	CHECK(good == N);
	CHECK(D->commit(c) == DB_OK);

	db_rows *r = NULL;
	db_param lo[] = {P_INT(0)};
	CHECK(D->query(c, "/*stream*/ SELECT id, name FROM big WHERE id > $1 ORDER BY id", lo, 1,
		       &r) == DB_OK);
	int64_t n = 0, sum = 0, names_ok = 0;
	int rc;
	while ((rc = D->rows_next(r)) == 1) {
		int64_t id = D->rows_int(r, 0);
		char want[32];
		snprintf(want, sizeof want, "行%" PRId64, id);
		names_ok += strcmp(D->rows_text(r, 1), want) == 0;
		n++;
		sum += id;
	}
	CHECK(rc == 0);
	D->rows_free(r);
	CHECK(n == N);
	CHECK(names_ok == N);
	CHECK(sum == (int64_t)N * (N + 1) / 2);

	/* Abandoned early, outside and inside a transaction; the connection goes
	 * on working, and the transaction survives. */
	CHECK(D->query(c, "/*stream*/ SELECT id FROM big ORDER BY id", NULL, 0, &r) == DB_OK);
	for (int i = 0; i < 10; i++)
		CHECK(D->rows_next(r) == 1);
	D->rows_free(r);
	CHECK(q_int(c, "SELECT COUNT(*) FROM big", NULL, 0) == N);
	CHECK(D->begin(c, 1) == DB_OK);
	CHECK(D->exec(c, "DELETE FROM big WHERE id > 5000", NULL, 0, NULL) == DB_OK);
	CHECK(D->query(c, "/*stream*/ SELECT id FROM big ORDER BY id", NULL, 0, &r) == DB_OK);
	CHECK(D->rows_next(r) == 1);
	CHECK(D->rows_int(r, 0) == 1);
	D->rows_free(r);
	CHECK(D->commit(c) == DB_OK);
	CHECK(q_int(c, "SELECT COUNT(*) FROM big", NULL, 0) == 5000);

	/* A stream with no rows, and one that fails. */
	db_param hi[] = {P_INT(N)};
	CHECK(D->query(c, "/*stream*/ SELECT id, name FROM big WHERE id > $1 ORDER BY id", hi, 1,
		       &r) == DB_OK);
	CHECK(D->rows_next(r) == 0);
	D->rows_free(r);
	r = NULL;
	CHECK(D->query(c, "/*stream*/ SELECT nope FROM big", NULL, 0, &r) == DB_ERROR);
	CHECK(r == NULL);
	CHECK(q_int(c, "SELECT COUNT(*) FROM big", NULL, 0) == 5000);
	if (D->kind == DB_PG) {
		/* An error half-way through (SQLite divides by zero into NULL). */
		CHECK(D->query(c, "/*stream*/ SELECT 1 / (id - 4000) FROM big ORDER BY id", NULL, 0,
			       &r) == DB_OK);
		n = 0;
		while ((rc = D->rows_next(r)) == 1)
			n++;
		CHECK(rc == -1 && n == 3999);
		CHECK(strstr(D->errmsg(c), "division by zero") != NULL);
		D->rows_free(r);
		CHECK(q_int(c, "SELECT COUNT(*) FROM big", NULL, 0) == 5000);

		/* Rows really come one at a time: a huge result, abandoned (the
		 * query is cancelled), and the connection refuses other work
		 * while the stream is open. */
		CHECK(D->query(c, "/*stream*/ SELECT generate_series(1, 50000000)", NULL, 0,
			       &r) == DB_OK);
		CHECK(D->rows_next(r) == 1 && D->rows_int(r, 0) == 1);
		CHECK(D->rows_next(r) == 1 && D->rows_int(r, 0) == 2);
		CHECK(D->query(c, "SELECT 1", NULL, 0, NULL) == DB_ERROR);
		CHECK(strstr(D->errmsg(c), "stream") != NULL);
		D->rows_free(r);
		CHECK(q_int(c, "SELECT COUNT(*) FROM big", NULL, 0) == 5000);
		/* rollback ends an open stream too */
		CHECK(D->begin(c, 0) == DB_OK);
		CHECK(D->query(c, "/*stream*/ SELECT generate_series(1, 50000000)", NULL, 0,
			       &r) == DB_OK);
		CHECK(D->rows_next(r) == 1);
		CHECK(D->rollback(c) == DB_OK);
		D->rows_free(r);
		CHECK(q_int(c, "SELECT COUNT(*) FROM big", NULL, 0) == 5000);
	}
}

/* Engine-specific: the chain lock excludes other writers (PostgreSQL), and
 * lock waits end in DB_BUSY. */
static void concurrency(db_conn *c, const char *url)
{
	char err[256] = "";
	db_conn *c2 = NULL;
	CHECK(D->open(url, &c2, err, sizeof err) == DB_OK);
	if (!c2)
		return;
	if (D->kind == DB_PG) {
		CHECK(D->begin(c, 1) == DB_OK);
		CHECK(D->lock_chain(c) == DB_OK);
		CHECK(q_int(c2, "SELECT CASE WHEN pg_try_advisory_xact_lock(7031) THEN 1 ELSE 0 END",
			    NULL, 0) == 0);
		CHECK(D->commit(c) == DB_OK);
		CHECK(q_int(c2, "SELECT CASE WHEN pg_try_advisory_xact_lock(7031) THEN 1 ELSE 0 END",
			    NULL, 0) == 1);

		/* A row lock held by c times out in c2 as DB_BUSY. */
		CHECK(D->exec_script(c2, "SET lock_timeout = '100ms'") == DB_OK);
		CHECK(D->begin(c, 1) == DB_OK);
		CHECK(D->exec(c, "UPDATE t SET n = 7 WHERE id = 1", NULL, 0, NULL) == DB_OK);
		CHECK(D->begin(c2, 1) == DB_OK);
		CHECK(D->exec(c2, "UPDATE t SET n = 8 WHERE id = 1", NULL, 0, NULL) == DB_BUSY);
		/* COMMIT of the failed transaction is refused. */
		CHECK(D->commit(c2) != DB_OK);
		CHECK(D->rollback(c) == DB_OK);
	} else {
		CHECK(D->exec_script(c2, "PRAGMA busy_timeout = 100") == DB_OK);
		CHECK(D->begin(c, 1) == DB_OK);
		CHECK(D->begin(c2, 1) == DB_BUSY);
		CHECK(D->rollback(c2) == DB_OK);
		/* Readers go on while a write transaction is open (WAL). */
		CHECK(q_int(c2, "SELECT COUNT(*) FROM t", NULL, 0) == 8);
		CHECK(D->rollback(c) == DB_OK);
		char buf[32];
		CHECK_STR(q_text(c, "PRAGMA journal_mode", NULL, 0, buf, sizeof buf), "wal");
		CHECK(q_int(c, "PRAGMA foreign_keys", NULL, 0) == 1);
		CHECK(q_int(c, "PRAGMA synchronous", NULL, 0) == 2);
	}
	CHECK(q_int(c2, "SELECT n FROM t WHERE id = 1", NULL, 0) == 10);
	D->close(c2);
}

static void suite(const db_driver *d, const char *url)
{
	D = d;
	int before = unit_pass + unit_fail;
	char err[256] = "";
	db_conn *c = NULL;
	CHECK(d->open(url, &c, err, sizeof err) == DB_OK);
	if (!c) {
		fprintf(stderr, "%s: cannot open %s: %s\n", d->name, url, err);
		return;
	}
	CHECK(db_kind_of(c) == d->kind);
	basics(c);
	errors(c);
	transactions(&c, url);
	if (!c)
		return;
	cache(c);
	returning(c);
	streaming(c);
	concurrency(c, url);
	CHECK(d->exec_script(c, "DROP TABLE big; DROP TABLE t;") == DB_OK);
	d->close(c);
	printf("%s: %d checks\n", d->name, unit_pass + unit_fail - before);
}

int main(void)
{
	char err[256] = "";
	db_conn *c = NULL;
	CHECK(db_sqlite_driver.open("/nonexistent-dir/a/b/x.db", &c, err, sizeof err) != DB_OK);
	CHECK(c == NULL && err[0] != '\0');

	char dir[] = "/tmp/jineng-test-db-XXXXXX";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	char path[sizeof dir + 32];
	snprintf(path, sizeof path, "%s/sub/test.db", dir); /* sub/ is made by open */
	suite(&db_sqlite_driver, path);
	char f[sizeof path + 8];
	static const char *const suffix[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(f, sizeof f, "%s%s", path, suffix[i]);
		unlink(f);
	}
	snprintf(f, sizeof f, "%s/sub", dir);
	rmdir(f);
	rmdir(dir);

	const char *url = getenv("JINENG_TEST_PG_URL");
	if (url && *url) {
		CHECK(db_pg_driver.open("postgresql://nobody@127.0.0.1:1/none", &c, err, sizeof err) !=
		      DB_OK);
		CHECK(c == NULL && err[0] != '\0');
		suite(&db_pg_driver, url);
	} else {
		printf("postgresql: skipped (set JINENG_TEST_PG_URL, see scripts/pg-test.sh)\n");
	}
	UNIT_END();
}
