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
	{5, "certification",
	 /* Evaluation bodies (their registration, occupation x level pairs,
	  * examiners and supervisors), the application conditions of each
	  * level, batches with their event log, candidates, evidence files,
	  * objections, certificates with a serial counter per number prefix
	  * (never reused), each worker's highest valid level per occupation,
	  * and the public verification's daily counts. */
	 "CREATE TABLE evaluators (org_id BIGINT PRIMARY KEY REFERENCES orgs(id), body_type TEXT NOT NULL,"
	 " body_code TEXT NOT NULL, site_serial TEXT NOT NULL, employer_org_id BIGINT REFERENCES orgs(id),"
	 " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (body_type, body_code, site_serial));\n"
	 "CREATE TABLE evaluator_pairs (org_id BIGINT NOT NULL REFERENCES evaluators(org_id),"
	 " occupation TEXT{{C}} NOT NULL, level INTEGER NOT NULL, PRIMARY KEY (org_id, occupation, level));\n"
	 "CREATE TABLE evaluator_staff (org_id BIGINT NOT NULL REFERENCES evaluators(org_id),"
	 " person_id BIGINT NOT NULL REFERENCES persons(id), staff_role TEXT NOT NULL, created_at TEXT NOT NULL,"
	 " PRIMARY KEY (org_id, person_id, staff_role));\n"
	 "CREATE TABLE level_conditions (occupation TEXT{{C}} NOT NULL, level INTEGER NOT NULL,"
	 " alternative INTEGER NOT NULL, prior_level INTEGER NOT NULL, years INTEGER NOT NULL,"
	 " years_from TEXT NOT NULL, diplomas TEXT NOT NULL, description TEXT NOT NULL,"
	 " PRIMARY KEY (occupation, level, alternative));\n"
	 "CREATE TABLE batches (id {{ID}}, org_id BIGINT NOT NULL REFERENCES evaluators(org_id),"
	 " region TEXT{{C}} NOT NULL, occupation TEXT{{C}} NOT NULL, level INTEGER NOT NULL,"
	 " direction TEXT NOT NULL DEFAULT '', exam_from TEXT NOT NULL, exam_to TEXT NOT NULL, place TEXT NOT NULL,"
	 " supervisor_id BIGINT NOT NULL REFERENCES persons(id), pass_theory INTEGER NOT NULL,"
	 " pass_practical INTEGER NOT NULL, pass_review INTEGER NOT NULL, notice_days INTEGER NOT NULL,"
	 " state TEXT NOT NULL, notice_from TEXT NOT NULL DEFAULT '', notice_until TEXT NOT NULL DEFAULT '',"
	 " approved_on TEXT NOT NULL DEFAULT '', issued_on TEXT NOT NULL DEFAULT '',"
	 " return_reason TEXT NOT NULL DEFAULT '', created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	 " updated_at TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1);\n"
	 "CREATE INDEX batches_region ON batches(region, id);\n"
	 "CREATE INDEX batches_org ON batches(org_id, id);\n"
	 "CREATE INDEX batches_state ON batches(state, id);\n"
	 "CREATE TABLE batch_examiners (batch_id BIGINT NOT NULL REFERENCES batches(id),"
	 " person_id BIGINT NOT NULL REFERENCES persons(id), PRIMARY KEY (batch_id, person_id));\n"
	 "CREATE TABLE batch_events (id {{ID}}, batch_id BIGINT NOT NULL REFERENCES batches(id), at TEXT NOT NULL,"
	 " actor TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL, note TEXT NOT NULL);\n"
	 "CREATE INDEX batch_events_batch ON batch_events(batch_id, id);\n"
	 "CREATE TABLE candidates (id {{ID}}, batch_id BIGINT NOT NULL REFERENCES batches(id),"
	 " person_id BIGINT NOT NULL REFERENCES persons(id), route TEXT NOT NULL,"
	 " years_in_occupation INTEGER NOT NULL, diploma TEXT NOT NULL, basis TEXT NOT NULL,"
	 " evidence_text TEXT NOT NULL, evidence_name TEXT NOT NULL DEFAULT '',"
	 " evidence_sha256 TEXT NOT NULL DEFAULT '', evidence_size BIGINT NOT NULL DEFAULT 0,"
	 " theory INTEGER, practical INTEGER, review INTEGER, passed INTEGER,"
	 " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (batch_id, person_id));\n"
	 "CREATE INDEX candidates_person ON candidates(person_id);\n"
	 "CREATE TABLE evidence_files (candidate_id BIGINT PRIMARY KEY REFERENCES candidates(id),"
	 " name TEXT NOT NULL, size BIGINT NOT NULL, sha256 TEXT NOT NULL, data_b64 TEXT NOT NULL,"
	 " created_at TEXT NOT NULL);\n"
	 "CREATE TABLE objections (id {{ID}}, batch_id BIGINT NOT NULL REFERENCES batches(id),"
	 " candidate_id BIGINT REFERENCES candidates(id), content TEXT NOT NULL, contact TEXT NOT NULL,"
	 " recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL, answer TEXT NOT NULL DEFAULT '',"
	 " answered_by TEXT NOT NULL DEFAULT '', answered_at TEXT NOT NULL DEFAULT '');\n"
	 "CREATE INDEX objections_batch ON objections(batch_id, id);\n"
	 "CREATE TABLE certificates (id {{ID}}, number TEXT{{C}} NOT NULL UNIQUE,"
	 " person_id BIGINT NOT NULL REFERENCES persons(id), holder_name TEXT NOT NULL, id_type TEXT NOT NULL,"
	 " id_number TEXT{{C}} NOT NULL, occupation TEXT{{C}} NOT NULL, occupation_name TEXT NOT NULL,"
	 " direction TEXT NOT NULL DEFAULT '', level INTEGER NOT NULL, route TEXT NOT NULL,"
	 " body_org_id BIGINT REFERENCES orgs(id), body_name TEXT NOT NULL, body_type TEXT NOT NULL,"
	 " body_code TEXT NOT NULL, approved_on TEXT NOT NULL DEFAULT '', issued_on TEXT NOT NULL DEFAULT '',"
	 " status TEXT NOT NULL, revoked_on TEXT NOT NULL DEFAULT '', revoke_reason TEXT NOT NULL DEFAULT '',"
	 " batch_id BIGINT REFERENCES batches(id), candidate_id BIGINT REFERENCES candidates(id),"
	 " imported INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);\n"
	 "CREATE INDEX certificates_person ON certificates(person_id, occupation);\n"
	 "CREATE INDEX certificates_batch ON certificates(batch_id, id);\n"
	 "CREATE INDEX certificates_body ON certificates(body_org_id, id);\n"
	 "CREATE TABLE cert_counters (prefix TEXT{{C}} PRIMARY KEY, last_serial INTEGER NOT NULL);\n"
	 "CREATE TABLE person_levels (person_id BIGINT NOT NULL REFERENCES persons(id),"
	 " occupation TEXT{{C}} NOT NULL, level INTEGER NOT NULL, number TEXT NOT NULL,"
	 " PRIMARY KEY (person_id, occupation));\n"
	 "CREATE TABLE verify_counts (day TEXT NOT NULL, result TEXT NOT NULL, count BIGINT NOT NULL,"
	 " PRIMARY KEY (day, result));\n",
	 NULL, NULL},
	{6, "person-photos",
	 /* A worker's photo (JPEG or PNG, base64 as the evidence files are),
	  * printed on their certificates. */
	 "CREATE TABLE person_photos (person_id BIGINT PRIMARY KEY REFERENCES persons(id), mime TEXT NOT NULL,"
	 " size BIGINT NOT NULL, sha256 TEXT NOT NULL, data_b64 TEXT NOT NULL, updated_by TEXT NOT NULL,"
	 " updated_at TEXT NOT NULL);\n",
	 NULL, NULL},
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
