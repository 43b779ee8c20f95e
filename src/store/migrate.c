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
	{7, "training",
	 /* Training (issue 5): what a worker's record needs beyond the registry
	  * (group tags, comma-separated, e.g. "脱贫户,退役军人"; the date their
	  * continuous unemployment-insurance contributions began), programmes
	  * with their targets, the subsidised-training catalogue (versioned by
	  * effective date), classes with sessions, enrolments and attendance,
	  * check-in codes, vouchers, subsidy rules (versioned data), claims with
	  * their fraud flags, funds with an append-only ledger, and the
	  * append-only lifelong record (终身职业技能培训电子档案). */
	 "ALTER TABLE persons ADD COLUMN tags TEXT NOT NULL DEFAULT '';\n"
	 "ALTER TABLE persons ADD COLUMN insured_from TEXT NOT NULL DEFAULT '';\n"
	 "CREATE TABLE programmes (id {{ID}}, region TEXT{{C}} NOT NULL, name TEXT NOT NULL, category TEXT NOT NULL,"
	 " target_groups TEXT NOT NULL DEFAULT '', units TEXT NOT NULL DEFAULT '', seed TEXT NOT NULL DEFAULT '',"
	 " item TEXT NOT NULL DEFAULT '', period_from TEXT NOT NULL DEFAULT '', period_to TEXT NOT NULL DEFAULT '',"
	 " min_attendance INTEGER NOT NULL DEFAULT 80, created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	 " updated_at TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1, UNIQUE (region, name));\n"
	 "ALTER TABLE targets ADD COLUMN programme_id BIGINT REFERENCES programmes(id);\n"
	 "CREATE TABLE subsidy_catalog (id {{ID}}, region TEXT{{C}} NOT NULL, effective_from TEXT NOT NULL,"
	 " occupation TEXT{{C}} NOT NULL, level INTEGER NOT NULL, standard_fen BIGINT NOT NULL,"
	 " min_hours INTEGER NOT NULL, source TEXT NOT NULL, created_at TEXT NOT NULL,"
	 " UNIQUE (region, effective_from, occupation, level));\n"
	 "CREATE TABLE classes (id {{ID}}, org_id BIGINT NOT NULL REFERENCES orgs(id),"
	 " programme_id BIGINT REFERENCES programmes(id), region TEXT{{C}} NOT NULL, name TEXT NOT NULL,"
	 " occupation TEXT{{C}} NOT NULL, level INTEGER NOT NULL, category TEXT NOT NULL, mode TEXT NOT NULL,"
	 " start_date TEXT NOT NULL, end_date TEXT NOT NULL, hours INTEGER NOT NULL, teacher TEXT NOT NULL,"
	 " place TEXT NOT NULL, capacity INTEGER NOT NULL, catalog_id BIGINT REFERENCES subsidy_catalog(id),"
	 " standard_fen BIGINT NOT NULL DEFAULT 0, min_attendance INTEGER NOT NULL DEFAULT 80,"
	 " state TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
	 " version INTEGER NOT NULL DEFAULT 1);\n"
	 "CREATE INDEX classes_org ON classes(org_id, id);\n"
	 "CREATE INDEX classes_region ON classes(region, id);\n"
	 "CREATE INDEX classes_programme ON classes(programme_id, id);\n"
	 "CREATE TABLE class_sessions (id {{ID}}, class_id BIGINT NOT NULL REFERENCES classes(id),"
	 " seq INTEGER NOT NULL, starts_at TEXT NOT NULL, ends_at TEXT NOT NULL, topic TEXT NOT NULL DEFAULT '',"
	 " UNIQUE (class_id, seq));\n"
	 "CREATE TABLE enrolments (id {{ID}}, class_id BIGINT NOT NULL REFERENCES classes(id),"
	 " person_id BIGINT NOT NULL REFERENCES persons(id), voucher_id BIGINT, state TEXT NOT NULL,"
	 " attended INTEGER NOT NULL DEFAULT 0, result TEXT NOT NULL DEFAULT '', score INTEGER,"
	 " cert_number TEXT NOT NULL DEFAULT '', completed_on TEXT NOT NULL DEFAULT '', enrolled_by TEXT NOT NULL,"
	 " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (class_id, person_id));\n"
	 "CREATE INDEX enrolments_person ON enrolments(person_id, class_id);\n"
	 "CREATE INDEX enrolments_completed ON enrolments(completed_on);\n"
	 /* Counting a programme's completions in a window reads this index
	  * alone (the targets report: 2x faster at 200,000 enrolments). */
	 "CREATE INDEX enrolments_done ON enrolments(class_id, state, completed_on, person_id);\n"
	 "CREATE TABLE attendance (session_id BIGINT NOT NULL REFERENCES class_sessions(id),"
	 " person_id BIGINT NOT NULL REFERENCES persons(id), class_id BIGINT NOT NULL REFERENCES classes(id),"
	 " at TEXT NOT NULL, method TEXT NOT NULL, device TEXT NOT NULL DEFAULT '', recorded_by TEXT NOT NULL,"
	 " PRIMARY KEY (session_id, person_id));\n"
	 "CREATE INDEX attendance_class ON attendance(class_id, person_id);\n"
	 "CREATE TABLE checkin_codes (session_id BIGINT PRIMARY KEY REFERENCES class_sessions(id),"
	 " class_id BIGINT NOT NULL REFERENCES classes(id), code TEXT NOT NULL, expires_at TEXT NOT NULL,"
	 " created_by TEXT NOT NULL, created_at TEXT NOT NULL);\n"
	 "CREATE TABLE voucher_issues (id {{ID}}, programme_id BIGINT REFERENCES programmes(id),"
	 " region TEXT{{C}} NOT NULL, rule TEXT NOT NULL, occupations TEXT NOT NULL, amount_fen BIGINT NOT NULL,"
	 " expires_on TEXT NOT NULL, count INTEGER NOT NULL, issued_by TEXT NOT NULL, issued_at TEXT NOT NULL);\n"
	 "CREATE TABLE vouchers (id {{ID}}, number TEXT{{C}} NOT NULL UNIQUE,"
	 " person_id BIGINT NOT NULL REFERENCES persons(id), programme_id BIGINT REFERENCES programmes(id),"
	 " issue_id BIGINT REFERENCES voucher_issues(id), region TEXT{{C}} NOT NULL, occupations TEXT NOT NULL,"
	 " amount_fen BIGINT NOT NULL, issued_on TEXT NOT NULL, expires_on TEXT NOT NULL, state TEXT NOT NULL,"
	 " enrolment_id BIGINT REFERENCES enrolments(id), used_on TEXT NOT NULL DEFAULT '',"
	 " redeemed_on TEXT NOT NULL DEFAULT '', issued_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	 " updated_at TEXT NOT NULL);\n"
	 "CREATE INDEX vouchers_person ON vouchers(person_id, id);\n"
	 "CREATE INDEX vouchers_region ON vouchers(region, id);\n"
	 "CREATE INDEX vouchers_programme ON vouchers(programme_id, id);\n"
	 "CREATE TABLE subsidy_rules (id {{ID}}, kind TEXT NOT NULL, code TEXT NOT NULL,"
	 " level INTEGER NOT NULL DEFAULT 0, value BIGINT NOT NULL, region TEXT{{C}} NOT NULL DEFAULT '',"
	 " effective_from TEXT NOT NULL, description TEXT NOT NULL, source TEXT NOT NULL,"
	 " created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	 " UNIQUE (kind, code, level, region, effective_from));\n"
	 "CREATE TABLE funds (id {{ID}}, programme_id BIGINT REFERENCES programmes(id), region TEXT{{C}} NOT NULL,"
	 " name TEXT NOT NULL, budget_fen BIGINT NOT NULL DEFAULT 0, paid_fen BIGINT NOT NULL DEFAULT 0,"
	 " created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
	 " CHECK (paid_fen <= budget_fen), UNIQUE (programme_id, region));\n"
	 "CREATE TABLE claims (id {{ID}}, kind TEXT NOT NULL, person_id BIGINT NOT NULL REFERENCES persons(id),"
	 " org_id BIGINT REFERENCES orgs(id), class_id BIGINT REFERENCES classes(id),"
	 " enrolment_id BIGINT REFERENCES enrolments(id), certificate_id BIGINT REFERENCES certificates(id),"
	 " programme_id BIGINT REFERENCES programmes(id), fund_id BIGINT REFERENCES funds(id),"
	 " region TEXT{{C}} NOT NULL, occupation TEXT{{C}} NOT NULL, level INTEGER NOT NULL,"
	 " amount_fen BIGINT NOT NULL, rule_id BIGINT REFERENCES subsidy_rules(id), rules_as_of TEXT NOT NULL,"
	 " state TEXT NOT NULL, refused_rule TEXT NOT NULL DEFAULT '', refused_reason TEXT NOT NULL DEFAULT '',"
	 " submitted_by TEXT NOT NULL, submitted_at TEXT NOT NULL, reviewed_by TEXT NOT NULL DEFAULT '',"
	 " reviewed_at TEXT NOT NULL DEFAULT '', approved_by TEXT NOT NULL DEFAULT '',"
	 " approved_at TEXT NOT NULL DEFAULT '', paid_at TEXT NOT NULL DEFAULT '', ledger_id BIGINT,"
	 " updated_at TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1);\n"
	 "CREATE INDEX claims_person ON claims(person_id, kind);\n"
	 "CREATE INDEX claims_org ON claims(org_id, submitted_at);\n"
	 /* The provider-spike check counts a provider's claims by month. */
	 "CREATE INDEX claims_org_month ON claims(org_id, rules_as_of);\n"
	 "CREATE INDEX claims_state ON claims(state, id);\n"
	 "CREATE INDEX claims_region ON claims(region, id);\n"
	 "CREATE INDEX claims_enrolment ON claims(enrolment_id);\n"
	 /* One live claim per enrolment and per certificate, whatever the code above does. */
	 "CREATE UNIQUE INDEX claims_enrolment_live ON claims(enrolment_id) WHERE state <> 'refused';\n"
	 "CREATE UNIQUE INDEX claims_certificate_live ON claims(certificate_id) WHERE state <> 'refused';\n"
	 "CREATE TABLE claim_flags (id {{ID}}, claim_id BIGINT NOT NULL REFERENCES claims(id), code TEXT NOT NULL,"
	 " detail TEXT NOT NULL, raised_at TEXT NOT NULL, cleared_by TEXT NOT NULL DEFAULT '',"
	 " cleared_at TEXT NOT NULL DEFAULT '', clear_reason TEXT NOT NULL DEFAULT '', UNIQUE (claim_id, code));\n"
	 "CREATE TABLE ledger (id {{ID}}, fund_id BIGINT NOT NULL REFERENCES funds(id), at TEXT NOT NULL,"
	 " kind TEXT NOT NULL, amount_fen BIGINT NOT NULL, ref_kind TEXT NOT NULL DEFAULT '', ref_id BIGINT,"
	 " rule_ref TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '', recorded_by TEXT NOT NULL);\n"
	 "CREATE INDEX ledger_fund ON ledger(fund_id, id);\n"
	 "CREATE INDEX ledger_ref ON ledger(ref_kind, ref_id);\n"
	 "CREATE TABLE record_entries (id {{ID}}, person_id BIGINT NOT NULL REFERENCES persons(id),"
	 " on_date TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '{}',"
	 " ref_kind TEXT NOT NULL DEFAULT '', ref_id BIGINT, source TEXT NOT NULL, recorded_by TEXT NOT NULL,"
	 " recorded_at TEXT NOT NULL, corrects BIGINT REFERENCES record_entries(id));\n"
	 "CREATE INDEX record_person ON record_entries(person_id, on_date, id);\n"
	 "CREATE INDEX record_ref ON record_entries(ref_kind, ref_id);\n"
	 /* Certificates issued before this version enter the record. */
	 "INSERT INTO record_entries (person_id, on_date, kind, title, detail, ref_kind, ref_id, source, recorded_by,"
	 " recorded_at) SELECT c.person_id, c.issued_on, 'certificate', '取得职业技能等级证书：' || c.occupation_name"
	 " || ' ' || l.name, '{}', 'certificate', c.id, CASE WHEN c.imported = 1 THEN '历史证书导入' ELSE c.body_name END,"
	 " 'system', c.updated_at FROM certificates c JOIN levels l ON l.rank = c.level WHERE c.issued_on <> ''"
	 " ORDER BY c.id;\n",
	 /* The ledger and the record are append-only. */
	 "CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger BEGIN"
	 " SELECT RAISE(ABORT, 'ledger is append-only'); END;\n"
	 "CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN"
	 " SELECT RAISE(ABORT, 'ledger is append-only'); END;\n"
	 "CREATE TRIGGER record_no_update BEFORE UPDATE ON record_entries BEGIN"
	 " SELECT RAISE(ABORT, 'record is append-only'); END;\n"
	 "CREATE TRIGGER record_no_delete BEFORE DELETE ON record_entries BEGIN"
	 " SELECT RAISE(ABORT, 'record is append-only'); END;\n",
	 "CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
	 " BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;\n"
	 "CREATE TRIGGER ledger_no_change BEFORE UPDATE OR DELETE ON ledger"
	 " FOR EACH ROW EXECUTE FUNCTION append_only();\n"
	 "CREATE TRIGGER record_no_change BEFORE UPDATE OR DELETE ON record_entries"
	 " FOR EACH ROW EXECUTE FUNCTION append_only();\n"},
	{8, "talent",
	 /* Talent pool, jobs, 政策找人 and career guidance (issue 6).
	  * talent_profiles: a worker's listing (opt-in, opt-out) and what they
	  * tell employers; search_text is skills, achievements and honours
	  * joined, searched by substring.  contact_requests: an employer asks,
	  * the worker accepts or declines (one pending request per pair).
	  * talent_views: who looked at whom, which the worker can read.  jobs:
	  * employers' posts.  urgent_lists / urgent_occupations: the city's
	  * 急需紧缺工种目录, versioned by effective date.  policies: conditions
	  * as JSON over a worker's record and what they get; policy_benefits:
	  * who has received one; policy_scans / scan_hits: the background scans
	  * and what they found. */
	 "CREATE TABLE talent_profiles (person_id BIGINT PRIMARY KEY REFERENCES persons(id),"
	 " listed INTEGER NOT NULL DEFAULT 0, work_since TEXT NOT NULL DEFAULT '', skills TEXT NOT NULL DEFAULT '',"
	 " achievements TEXT NOT NULL DEFAULT '', honours TEXT NOT NULL DEFAULT '',"
	 " search_text TEXT NOT NULL DEFAULT '', listed_at TEXT NOT NULL DEFAULT '',"
	 " unlisted_at TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1);\n"
	 "CREATE INDEX talent_listed ON talent_profiles(listed, person_id);\n"
	 "CREATE INDEX person_levels_occupation ON person_levels(occupation, level, person_id);\n"
	 "CREATE TABLE jobs (id {{ID}}, org_id BIGINT NOT NULL REFERENCES orgs(id), title TEXT NOT NULL,"
	 " occupation TEXT{{C}} NOT NULL, level_min INTEGER NOT NULL DEFAULT 0, region TEXT{{C}} NOT NULL,"
	 " wage_min_fen BIGINT NOT NULL, wage_max_fen BIGINT NOT NULL, headcount INTEGER NOT NULL,"
	 " closes_on TEXT NOT NULL, description TEXT NOT NULL DEFAULT '', state TEXT NOT NULL,"
	 " created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
	 " version INTEGER NOT NULL DEFAULT 1, CHECK (wage_min_fen <= wage_max_fen));\n"
	 "CREATE INDEX jobs_org ON jobs(org_id, id);\n"
	 "CREATE INDEX jobs_open ON jobs(state, occupation, closes_on);\n"
	 "CREATE INDEX jobs_region ON jobs(region, id);\n"
	 "CREATE TABLE contact_requests (id {{ID}}, org_id BIGINT NOT NULL REFERENCES orgs(id),"
	 " person_id BIGINT NOT NULL REFERENCES persons(id), job_id BIGINT REFERENCES jobs(id),"
	 " reason TEXT NOT NULL, state TEXT NOT NULL, requested_by TEXT NOT NULL, requested_at TEXT NOT NULL,"
	 " answered_at TEXT NOT NULL DEFAULT '', answer_note TEXT NOT NULL DEFAULT '');\n"
	 "CREATE INDEX contact_person ON contact_requests(person_id, id);\n"
	 "CREATE INDEX contact_org ON contact_requests(org_id, id);\n"
	 "CREATE UNIQUE INDEX contact_pending ON contact_requests(org_id, person_id) WHERE state = 'pending';\n"
	 "CREATE TABLE talent_views (id {{ID}}, person_id BIGINT NOT NULL REFERENCES persons(id),"
	 " org_id BIGINT REFERENCES orgs(id), viewer TEXT NOT NULL, viewer_role TEXT NOT NULL,"
	 " kind TEXT NOT NULL, at TEXT NOT NULL);\n"
	 "CREATE INDEX talent_views_person ON talent_views(person_id, id);\n"
	 "CREATE TABLE urgent_lists (id {{ID}}, region TEXT{{C}} NOT NULL, effective_from TEXT NOT NULL,"
	 " name TEXT NOT NULL, source TEXT NOT NULL DEFAULT '', created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	 " UNIQUE (region, effective_from));\n"
	 "CREATE TABLE urgent_occupations (list_id BIGINT NOT NULL REFERENCES urgent_lists(id),"
	 " occupation TEXT{{C}} NOT NULL, level_min INTEGER NOT NULL DEFAULT 0, demand INTEGER NOT NULL DEFAULT 0,"
	 " supply INTEGER NOT NULL DEFAULT 0, note TEXT NOT NULL DEFAULT '', PRIMARY KEY (list_id, occupation));\n"
	 "CREATE TABLE policies (id {{ID}}, code TEXT NOT NULL, name TEXT NOT NULL, region TEXT{{C}} NOT NULL DEFAULT '',"
	 " effective_from TEXT NOT NULL, effective_to TEXT NOT NULL DEFAULT '', conditions TEXT NOT NULL,"
	 " benefit TEXT NOT NULL, benefit_fen BIGINT NOT NULL DEFAULT 0, benefit_key TEXT NOT NULL DEFAULT '',"
	 " seed TEXT NOT NULL DEFAULT '', item TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT '',"
	 " state TEXT NOT NULL DEFAULT 'active', created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	 " updated_at TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1, UNIQUE (code, region, effective_from));\n"
	 "CREATE TABLE policy_benefits (policy_id BIGINT NOT NULL REFERENCES policies(id),"
	 " person_id BIGINT NOT NULL REFERENCES persons(id), on_date TEXT NOT NULL, ref TEXT NOT NULL DEFAULT '',"
	 " recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL, PRIMARY KEY (policy_id, person_id));\n"
	 "CREATE TABLE policy_scans (id {{ID}}, region TEXT{{C}} NOT NULL, policies TEXT NOT NULL, state TEXT NOT NULL,"
	 " progress BIGINT NOT NULL DEFAULT 0, total BIGINT NOT NULL DEFAULT 0, found BIGINT NOT NULL DEFAULT 0,"
	 " as_of TEXT NOT NULL, started_by TEXT NOT NULL, account_id BIGINT, started_at TEXT NOT NULL,"
	 " finished_at TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '');\n"
	 "CREATE TABLE scan_hits (scan_id BIGINT NOT NULL REFERENCES policy_scans(id), policy_id BIGINT NOT NULL,"
	 " person_id BIGINT NOT NULL, region TEXT{{C}} NOT NULL, met TEXT NOT NULL,"
	 " PRIMARY KEY (scan_id, policy_id, person_id));\n",
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
