/* migrate.c — the schema as numbered migrations, applied once each.
 *
 * Each migration is one script for both engines; "{{ID}}" stands for an
 * auto-assigned 64-bit primary key, the one DDL difference that matters.
 * Append new migrations at the end; never edit an applied one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

typedef struct migration {
	int version;
	const char *name;
	const char *sql;         /* both engines */
	const char *sql_sqlite;  /* extra, SQLite only */
	const char *sql_pg;      /* extra, PostgreSQL only */
} migration;

static const migration MIGRATIONS[] = {
	{1, "registry",
	 "CREATE TABLE regions (code TEXT{{C}} PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,"
	 " parent TEXT{{C}} NOT NULL, current INTEGER NOT NULL);\n"
	 "CREATE TABLE levels (rank INTEGER PRIMARY KEY, name TEXT NOT NULL, national TEXT NOT NULL,"
	 " cert_digit INTEGER NOT NULL);\n"
	 "CREATE TABLE occupations (code TEXT{{C}} PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,"
	 " parent TEXT{{C}} NOT NULL, mark TEXT NOT NULL);\n"
	 "CREATE INDEX occupations_name ON occupations(name);\n"
	 "CREATE TABLE orgs (id {{ID}}, uscc TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	 " kind TEXT NOT NULL, region TEXT{{C}} NOT NULL, phone TEXT NOT NULL DEFAULT '',"
	 " created_at TEXT NOT NULL, updated_at TEXT NOT NULL);\n"
	 "CREATE INDEX orgs_region ON orgs(region, id);\n"
	 "CREATE TABLE persons (id {{ID}}, id_number TEXT{{C}} NOT NULL UNIQUE, name TEXT NOT NULL,"
	 " gender TEXT NOT NULL, birth_date TEXT NOT NULL, region TEXT{{C}} NOT NULL,"
	 " phone TEXT NOT NULL DEFAULT '', occupation TEXT{{C}} NOT NULL DEFAULT '',"
	 " level INTEGER NOT NULL DEFAULT 0, employer TEXT NOT NULL DEFAULT '',"
	 " education TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
	 " version INTEGER NOT NULL DEFAULT 1);\n"
	 "CREATE INDEX persons_region ON persons(region, id);\n"
	 "CREATE INDEX persons_occupation ON persons(occupation, level, id);\n"
	 "CREATE INDEX persons_name ON persons(name);\n"
	 "CREATE TABLE accounts (id {{ID}}, username TEXT NOT NULL UNIQUE, pw_hash TEXT NOT NULL,"
	 " role TEXT NOT NULL, region TEXT{{C}} NOT NULL DEFAULT '', org_id BIGINT REFERENCES orgs(id),"
	 " person_id BIGINT REFERENCES persons(id), failed INTEGER NOT NULL DEFAULT 0,"
	 " locked_until TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL);\n"
	 "CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, account_id BIGINT NOT NULL"
	 " REFERENCES accounts(id), created_at TEXT NOT NULL, expires_at TEXT NOT NULL,"
	 " revoked INTEGER NOT NULL DEFAULT 0);\n"
	 "CREATE TABLE audit (seq BIGINT PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
	 " action TEXT NOT NULL, subject TEXT NOT NULL, before_json TEXT, after_json TEXT,"
	 " prev_hash TEXT NOT NULL, hash TEXT NOT NULL);\n"
	 "CREATE INDEX audit_subject ON audit(subject, seq);\n"
	 "CREATE INDEX audit_actor ON audit(actor, seq);\n"
	 "CREATE INDEX audit_at ON audit(at);\n"
	 "CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL,"
	 " hash TEXT NOT NULL);\n",
	 /* Append-only: the application never updates or deletes audit rows. */
	 "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN"
	 " SELECT RAISE(ABORT, 'audit log is append-only'); END;\n"
	 "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN"
	 " SELECT RAISE(ABORT, 'audit log is append-only'); END;\n",
	 "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
	 " BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$;\n"
	 "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit"
	 " FOR EACH ROW EXECUTE FUNCTION audit_append_only();\n"},
	{2, "search-order",
	 /* Equality on a county or an occupation, rows in id order: no sort. */
	 "DROP INDEX persons_occupation;\n"
	 "CREATE INDEX persons_occupation ON persons(occupation, id);\n",
	 NULL, NULL},
	{3, "region-level-count",
	 /* Counting a city (a range of codes) at a minimum level reads this
	  * index alone instead of looking every row of the city up. */
	 "CREATE INDEX persons_region_level ON persons(region, level, id);\n",
	 NULL, NULL},
	{4, "web-console",
	 /* Accounts an administrator can switch off; the employed-persons
	  * baseline from the statistics yearbook; the seed documents'
	  * targets; the dashboards' occupation counts per region read an
	  * index instead of the table. */
	 "ALTER TABLE accounts ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;\n"
	 "CREATE INDEX accounts_region ON accounts(region, id);\n"
	 "CREATE TABLE employed (region TEXT{{C}} NOT NULL, year INTEGER NOT NULL, count BIGINT NOT NULL,"
	 " source TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, PRIMARY KEY (region, year));\n"
	 "CREATE TABLE targets (id {{ID}}, region TEXT{{C}} NOT NULL, seed TEXT NOT NULL, item TEXT NOT NULL,"
	 " programme TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL, target TEXT NOT NULL,"
	 " due TEXT NOT NULL, UNIQUE (region, seed, item, programme, metric));\n"
	 "CREATE INDEX persons_region_occupation ON persons(region, occupation);\n",
	 /* SQLite: without statistics for the new index the planner takes
	  * it to be very selective and prefers it to (region, level, id)
	  * even for the level counts it does not cover. */
	 "ANALYZE persons;\n", NULL},
};
#define NMIGRATIONS ((int)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]))

/* Replaces every {{ID}} by the engine's auto primary key and every {{C}}
 * by the byte-order collation (prefix ranges on codes rely on it).  Caller
 * frees. */
static char *subst(const char *sql, const char *token, const char *id);
static char *dialect(const char *sql, db_kind kind)
{
	char *a = subst(sql, "{{ID}}", kind == DB_PG ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
						: "INTEGER PRIMARY KEY AUTOINCREMENT");
	if (!a)
		return NULL;
	char *b = subst(a, "{{C}}", kind == DB_PG ? " COLLATE \"C\"" : "");
	free(a);
	return b;
}

static char *subst(const char *sql, const char *token, const char *id)
{
	size_t tn = strlen(token);
	size_t idn = strlen(id), n = strlen(sql), count = 0;
	for (const char *p = sql; (p = strstr(p, token)); p += tn)
		count++;
	char *out = malloc(n + count * idn + 1), *o = out;
	if (!out)
		return NULL;
	for (const char *p = sql;;) {
		const char *q = strstr(p, token);
		size_t k = q ? (size_t)(q - p) : strlen(p);
		memcpy(o, p, k);
		o += k;
		if (!q)
			break;
		memcpy(o, id, idn);
		o += idn;
		p = q + tn;
	}
	*o = '\0';
	return out;
}

jn_err store_migrate(store *s, int *applied, int *version)
{
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	const db_driver *d = DRV(t);
	*applied = 0;
	db_rc rc = d->exec_script(t->c, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER"
					 " PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
	if (rc != DB_OK)
		goto fail;
	int current = 0;
	db_rows *r;
	if ((rc = d->query(t->c, "SELECT COALESCE(MAX(version), 0) FROM schema_version", NULL, 0, &r)) != DB_OK)
		goto fail;
	if (d->rows_next(r) == 1)
		current = (int)d->rows_int(r, 0);
	d->rows_free(r);
	for (int i = 0; i < NMIGRATIONS; i++) {
		const migration *m = &MIGRATIONS[i];
		if (m->version <= current)
			continue;
		const char *parts[3] = {m->sql, d->kind == DB_PG ? m->sql_pg : m->sql_sqlite, NULL};
		for (int k = 0; k < 2; k++) {
			if (!parts[k])
				continue;
			char *sql = dialect(parts[k], d->kind);
			if (!sql) {
				stx_rollback(t);
				return JN_ENOMEM;
			}
			rc = d->exec_script(t->c, sql);
			free(sql);
			if (rc != DB_OK)
				goto fail;
		}
		char now[32];
		store_now(now);
		db_param p[] = {P_INT(m->version), P_TEXT(m->name), P_TEXT(now)};
		if ((rc = d->exec(t->c, "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)",
				  p, 3, NULL)) != DB_OK)
			goto fail;
		current = m->version;
		(*applied)++;
	}
	*version = current;
	return stx_commit(t);
fail:
	fprintf(stderr, "jineng: migration failed: %s\n", d->errmsg(t->c));
	stx_rollback(t);
	return store_db_err(rc);
}
