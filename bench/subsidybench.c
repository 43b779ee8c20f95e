/* subsidybench.c — evaluating the subsidy rules (core/subsidy.c) for many
 * claims, on one core.
 *
 *   subsidybench pure RULES.csv N      N claims evaluated in memory
 *   subsidybench db URL [LIMIT]        every stored claim (at most LIMIT)
 *                                      re-evaluated with its facts read
 *                                      from the database
 *
 * pure: N synthetic claims, 60 % 技能提升补贴 (upgrade) and 40 % 职业培训补贴
 * (training), levels 2–6, dates 2019–2026 (both versions of per_year),
 * 0–4 prior claims each, facts drawn so that every rule refuses some; for
 * each claim the set in force on its date for its region is chosen
 * (subsidy_in_force over data/subsidy-rules.csv, as app/subsidy.c does per
 * evaluation) and subsidy_evaluate decides.  Prints one JSON line: claims,
 * seconds, claims_per_s, eligible, refused by rule, and the same with the
 * set in force chosen once (evaluate_only_per_s).
 *
 * db: the rules (store_rules_all) once, then per stored claim what
 * app/subsidy.c reads at approval (facts_now): a training claim's class and
 * enrolment, an upgrade claim's certificate and the person's insurance,
 * and the person's other live claims (store_claim_priors); then
 * subsidy_in_force + subsidy_evaluate.  Read-only (one read transaction per
 * 1,000 claims).  Prints claims, seconds, claims_per_s, and how many the
 * rules would now refuse.
 *
 *   cc -O2 -std=c17 -D_GNU_SOURCE -Isrc -o subsidybench bench/subsidybench.c build/libjineng.a $(pkg-config …) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/certify.h"
#include "app/money.h"
#include "app/training.h"
#include "core/subsidy.h"

#define MAX_RULES 256
#define MAX_IN_FORCE 64

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rnd(uint64_t *st)
{
	uint64_t z = (*st += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}
static int pick(uint64_t *st, int n) { return (int)(rnd(st) % (uint64_t)n); }

static int ymd_of(const char *s) { return s[0] ? cert_date_parse(s) : 0; }

/* data/subsidy-rules.csv: kind,code,level,value,region,effective_from,… */
static int load_rules(const char *path, subsidy_rule *r, int cap)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[2048];
	int n = 0;
	if (!fgets(line, sizeof line, f)) {
		fclose(f);
		return -1;
	}
	while (n < cap && fgets(line, sizeof line, f)) {
		char *fld[6], *p = line;
		int k = 0;
		for (; k < 6 && p; k++) {
			fld[k] = p;
			p = strchr(p, ',');
			if (p)
				*p++ = '\0';
		}
		if (k < 6)
			continue;
		subsidy_rule *x = &r[n];
		memset(x, 0, sizeof *x);
		x->id = n + 1;
		x->kind = subsidy_kind_parse(fld[0]);
		snprintf(x->code, sizeof x->code, "%s", fld[1]);
		x->level = atoi(fld[2]);
		x->value = atoll(fld[3]);
		snprintf(x->region, sizeof x->region, "%s", fld[4]);
		x->effective_from = ymd_of(fld[5]);
		if (x->kind && x->effective_from)
			n++;
	}
	fclose(f);
	return n;
}

typedef struct job {
	subsidy_facts f;
	char region[7];
	subsidy_prior pr[4];
	int npr;
} job;

static const char *const OCC[] = {"6-18-02-04", "6-31-01-03", "4-12-01-01", "6-18-01-01", "4-10-01-02"};
static const char *const REG[] = {"530402", "530302", "532501", "530424", "530381"};

static void make_job(uint64_t *st, job *j)
{
	memset(j, 0, sizeof *j);
	subsidy_facts *f = &j->f;
	f->kind = pick(st, 10) < 6 ? SUBSIDY_UPGRADE : SUBSIDY_TRAINING;
	int year = 2019 + pick(st, 8);
	f->date = year * 10000 + (1 + pick(st, 12)) * 100 + 1 + pick(st, 28);
	snprintf(f->occupation, sizeof f->occupation, "%s", OCC[pick(st, 5)]);
	f->level = 2 + pick(st, 5);
	snprintf(j->region, sizeof j->region, "%s", REG[pick(st, 5)]);
	if (f->kind == SUBSIDY_UPGRADE) {
		snprintf(f->cert_number, sizeof f->cert_number, "Y5304%014d", pick(st, 1000000000));
		f->cert_valid = pick(st, 50) != 0;
		f->cert_issued = cert_date_add_days(f->date, -pick(st, 450));
		f->insured_from = pick(st, 10) ? cert_date_add_days(f->date, -pick(st, 3000)) : 0;
	} else {
		f->enrolment_id = 1 + pick(st, 1000000);
		f->completed = pick(st, 20) != 0;
		f->passed = f->completed && pick(st, 12) != 0;
		f->standard_fen = pick(st, 8) ? 150000 + 50000 * pick(st, 3) : 0;
		if (!pick(st, 30))
			snprintf(f->cert_number, sizeof f->cert_number, "Y5304%014d", pick(st, 1000000000));
	}
	j->npr = pick(st, 5);
	for (int i = 0; i < j->npr; i++) {
		subsidy_prior *p = &j->pr[i];
		p->claim_id = i + 1;
		p->kind = pick(st, 2) ? SUBSIDY_UPGRADE : SUBSIDY_TRAINING;
		snprintf(p->occupation, sizeof p->occupation, "%s", OCC[pick(st, 5)]);
		p->level = 2 + pick(st, 5);
		p->date = cert_date_add_days(f->date, -pick(st, 900));
		if (p->kind == SUBSIDY_UPGRADE || !pick(st, 4))
			snprintf(p->cert_number, sizeof p->cert_number, "Y5304%014d", pick(st, 1000000000));
		p->enrolment_id = p->kind == SUBSIDY_TRAINING ? 1 + pick(st, 1000000) : 0;
	}
}

typedef struct tally {
	int64_t eligible, refused;
	char code[24][32];
	int64_t count[24];
	int ncodes;
} tally;

static void count(tally *t, const subsidy_decision *d)
{
	if (d->eligible) {
		t->eligible++;
		return;
	}
	t->refused++;
	for (int i = 0; i < t->ncodes; i++)
		if (strcmp(t->code[i], d->rule_code) == 0) {
			t->count[i]++;
			return;
		}
	if (t->ncodes < 24) {
		snprintf(t->code[t->ncodes], sizeof t->code[0], "%s", d->rule_code);
		t->count[t->ncodes++] = 1;
	}
}

static void print_tally(const tally *t)
{
	printf("\"eligible\": %lld, \"refused\": %lld, \"refused_by\": {", (long long)t->eligible, (long long)t->refused);
	for (int i = 0; i < t->ncodes; i++)
		printf("%s\"%s\": %lld", i ? ", " : "", t->code[i], (long long)t->count[i]);
	printf("}");
}

static int run_pure(const char *csv, long n)
{
	static subsidy_rule rules[MAX_RULES];
	int nr = load_rules(csv, rules, MAX_RULES);
	if (nr <= 0) {
		fprintf(stderr, "subsidybench: cannot read rules from %s\n", csv);
		return 1;
	}
	job *jobs = malloc(sizeof *jobs * (size_t)n);
	if (!jobs)
		return 1;
	uint64_t st = 42;
	for (long i = 0; i < n; i++)
		make_job(&st, &jobs[i]);
	tally t = {0};
	double t0 = mono_s();
	for (long i = 0; i < n; i++) {
		const subsidy_rule *in[MAX_IN_FORCE];
		int k = subsidy_in_force(rules, nr, jobs[i].f.kind, jobs[i].region, jobs[i].f.date, in, MAX_IN_FORCE);
		subsidy_decision d;
		subsidy_evaluate(in, k, &jobs[i].f, jobs[i].pr, jobs[i].npr, &d);
		count(&t, &d);
	}
	double s = mono_s() - t0;
	/* the set in force chosen once per kind (2026): the evaluation alone */
	const subsidy_rule *inu[MAX_IN_FORCE], *intr[MAX_IN_FORCE];
	int ku = subsidy_in_force(rules, nr, SUBSIDY_UPGRADE, "530402", 20260101, inu, MAX_IN_FORCE);
	int kt = subsidy_in_force(rules, nr, SUBSIDY_TRAINING, "530402", 20260101, intr, MAX_IN_FORCE);
	int64_t sink = 0;
	double t1 = mono_s();
	for (long i = 0; i < n; i++) {
		subsidy_decision d;
		int up = jobs[i].f.kind == SUBSIDY_UPGRADE;
		subsidy_evaluate(up ? inu : intr, up ? ku : kt, &jobs[i].f, jobs[i].pr, jobs[i].npr, &d);
		sink += d.eligible;
	}
	double s2 = mono_s() - t1;
	printf("{\"mode\": \"pure\", \"rules\": %d, \"claims\": %ld, \"seconds\": %.6f, \"claims_per_s\": %.0f, "
	       "\"evaluate_only_seconds\": %.6f, \"evaluate_only_per_s\": %.0f, \"sink\": %lld, ",
	       nr, n, s, (double)n / s, s2, (double)n / s2, (long long)sink);
	print_tally(&t);
	printf("}\n");
	free(jobs);
	return 0;
}

/* ---- db: stored claims re-evaluated ---- */

typedef struct prior_vec {
	subsidy_prior p[256];
	int n;
} prior_vec;

static int take_prior(void *ctx, const subsidy_prior *p)
{
	prior_vec *x = ctx;
	if (x->n < 256)
		x->p[x->n++] = *p;
	return 0;
}

static jn_err facts_of(stx *t, const claim *c, subsidy_facts *f)
{
	scope sys = scope_system();
	memset(f, 0, sizeof *f);
	f->kind = c->kind;
	f->date = cert_date_parse(c->rules_as_of);
	snprintf(f->occupation, sizeof f->occupation, "%s", c->occupation);
	f->level = c->level;
	if (c->kind == SUBSIDY_UPGRADE) {
		certificate cert;
		jn_err e = store_cert_get(t, &sys, c->cert_number, &cert);
		if (e)
			return e;
		snprintf(f->cert_number, sizeof f->cert_number, "%s", cert.number);
		f->cert_valid = cert.status == CERT_VALID && cert.issued_on[0];
		f->cert_issued = cert_date_parse(cert.issued_on);
		char ins[11], tags[256];
		e = store_person_insurance(t, c->person_id, ins, tags);
		f->insured_from = ins[0] ? cert_date_parse(ins) : 0;
		return e;
	}
	training_class k;
	enrolment en;
	jn_err e = store_class_get(t, &sys, c->class_id, &k);
	if (!e)
		e = store_enrolment_of(t, c->class_id, c->person_id, &en);
	if (e)
		return e;
	snprintf(f->cert_number, sizeof f->cert_number, "%s", en.cert_number);
	f->enrolment_id = en.id;
	f->completed = strcmp(en.state, "completed") == 0;
	f->passed = strcmp(en.result, "passed") == 0;
	f->standard_fen = k.standard_fen;
	return JN_OK;
}

static int skip_claim(void *ctx, const claim *c)
{
	(void)ctx;
	(void)c;
	return 0;
}

static int run_db(const char *url, long limit)
{
	store *s;
	char err[256];
	if (store_open(url, 1, &s, err, sizeof err) != JN_OK) {
		fprintf(stderr, "subsidybench: %s\n", err);
		return 1;
	}
	scope sys = scope_system();
	stx *t;
	rule_set rs = {0};
	int64_t total = 0;
	jn_err e = stx_begin(s, 0, &t);
	if (!e) {
		e = store_rules_all(t, &rs);
		claim_filter cf;
		memset(&cf, 0, sizeof cf);
		cf.page = 1;
		cf.per_page = 1;
		if (!e)
			e = store_claim_list(t, &sys, &cf, skip_claim, NULL, &total);
		stx_rollback(t);
	}
	if (e) {
		fprintf(stderr, "subsidybench: reading claims: %s\n", jn_err_code(e));
		return 1;
	}
	if (limit > 0 && total > limit)
		total = limit;
	tally tl = {0};
	prior_vec *pv = malloc(sizeof *pv);
	int64_t found = 0, id = 1, misses = 0;
	double t0 = mono_s();
	/* claims are never deleted: ids 1, 2, … (a gap where a submission rolled back) */
	while (!e && found < total && misses < 100000) {
		if ((e = stx_begin(s, 0, &t)) != JN_OK)
			break;
		for (int j = 0; !e && j < 1000 && found < total; j++, id++) {
			claim c;
			jn_err ge = store_claim_get(t, &sys, id, &c);
			if (ge == JN_ENOTFOUND) {
				misses++;
				continue;
			}
			if ((e = ge) != JN_OK)
				break;
			found++;
			subsidy_facts f;
			if ((e = facts_of(t, &c, &f)) != JN_OK)
				break;
			pv->n = 0;
			if ((e = store_claim_priors(t, c.person_id, c.id, take_prior, pv)) != JN_OK)
				break;
			const subsidy_rule *in[MAX_IN_FORCE];
			int k = subsidy_in_force(rs.r, rs.n, f.kind, c.region, f.date, in, MAX_IN_FORCE);
			subsidy_decision d;
			subsidy_evaluate(in, k, &f, pv->p, pv->n, &d);
			count(&tl, &d);
		}
		stx_rollback(t);
	}
	double secs = mono_s() - t0;
	if (e) {
		fprintf(stderr, "subsidybench: %s\n", jn_err_code(e));
		return 1;
	}
	printf("{\"mode\": \"db\", \"claims\": %lld, \"seconds\": %.6f, \"claims_per_s\": %.0f, ", (long long)found,
	       secs, secs > 0 ? (double)found / secs : 0.0);
	print_tally(&tl);
	printf("}\n");
	free(pv);
	rule_set_free(&rs);
	store_close(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "pure") == 0)
		return run_pure(argv[2], atol(argv[3]));
	if (argc >= 3 && strcmp(argv[1], "db") == 0)
		return run_db(argv[2], argc >= 4 ? atol(argv[3]) : 0);
	fprintf(stderr, "usage: subsidybench pure RULES.csv N | subsidybench db URL [LIMIT]\n");
	return 2;
}
