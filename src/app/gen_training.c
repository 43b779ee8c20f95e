/* gen_training.c — ten years of training through the platform's own
 * services and their in-transaction steps (app/gen_training.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/certify.h"
#include "app/gen_training.h"
#include "app/money.h"
#include "app/training.h"
#include "app/training_internal.h"
#include "core/grow.h"
#include "core/regions.h"
#include "core/training.h"

#define CHUNK_ENROLMENTS (GEN_TX_ROWS / 10)
#define NCITIES 3
static const char *const CITIES[NCITIES] = {"5303", "5304", "5325"};

typedef struct trainee {
	int64_t id;
	char id_number[19];
	char name[64];
} trainee;

typedef struct city {
	trainee *p;
	int n, cap, cursor;
	int64_t providers[GEN_TR_PROVIDERS_PER_CITY];
	int nproviders;
	int64_t programmes[64];
	char prog_category[64][48];
	int nprogrammes;
	int next_provider, next_programme;
} city;

typedef struct occ_level {
	char occupation[16];
	int level;
} occ_level;

typedef struct gen_ctx {
	city c[NCITIES];
	occ_level *ol;
	int nol, capol;
	uint64_t rng;
} gen_ctx;

static uint64_t next_u64(uint64_t *st)
{
	uint64_t z = (*st += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}
static int uniform(uint64_t *st, int n) { return (int)(next_u64(st) % (uint64_t)n); }
static double unit(uint64_t *st) { return (double)(next_u64(st) >> 11) / 9007199254740992.0; }

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int city_of(const char *region)
{
	for (int i = 0; i < NCITIES; i++)
		if (strncmp(region, CITIES[i], 4) == 0)
			return i;
	return -1;
}

static int take_person(void *ctx, const person *p)
{
	gen_ctx *g = ctx;
	int ci = city_of(p->region);
	if (ci < 0)
		return 0;
	city *c = &g->c[ci];
	trainee t;
	t.id = p->id;
	memcpy(t.id_number, p->id_number, sizeof t.id_number);
	size_t nl = strnlen(p->name, sizeof t.name - 1);
	memcpy(t.name, p->name, nl);
	t.name[nl] = '\0';
	return grow_push((void **)&c->p, &c->n, &c->cap, &t, sizeof t) ? 1 : 0;
}

static int take_programme(void *ctx, const programme *p)
{
	gen_ctx *g = ctx;
	int ci = city_of(p->region);
	if (ci < 0 || strcmp(p->region + 4, "00") != 0)
		return 0;
	city *c = &g->c[ci];
	/* programmes of training: a kind of training as category */
	if (!tr_class_category_ok(p->category) || c->nprogrammes >= 64)
		return 0;
	c->programmes[c->nprogrammes] = p->id;
	snprintf(c->prog_category[c->nprogrammes], sizeof c->prog_category[0], "%s", p->category);
	c->nprogrammes++;
	return 0;
}

static int take_catalog(void *ctx, const catalog_row *k)
{
	gen_ctx *g = ctx;
	for (int i = 0; i < g->nol; i++)
		if (g->ol[i].level == k->level && strcmp(g->ol[i].occupation, k->occupation) == 0)
			return 0;
	occ_level x;
	snprintf(x.occupation, sizeof x.occupation, "%s", k->occupation);
	x.level = k->level;
	return grow_push((void **)&g->ol, &g->nol, &g->capol, &x, sizeof x) ? 1 : 0;
}

static void why(char *err, size_t cap, const char *step, jn_err e, const jn_fields *fe)
{
	snprintf(err, cap, "%s失败：%s", step, fe && fe->count ? fe->e[0].message : jn_err_code(e));
}

/* The providers: GEN_TR_PROVIDERS_PER_CITY training organisations per city,
 * credit codes from the generator, in the city's counties in turn. */
static jn_err make_providers(store *s, gen_ctx *g, uint64_t seed, int64_t *made, char *err, size_t errcap)
{
	scope sys = scope_system();
	gen *gg;
	jn_err e = gen_open(NULL, seed ^ 0x747261696eull, 100000, &gg, err, errcap);
	if (e)
		return e;
	jn_fields fe;
	int tries = 0;
	while (!e && tries++ < 100000) {
		int done = 1;
		for (int i = 0; i < NCITIES; i++)
			done &= g->c[i].nproviders >= GEN_TR_PROVIDERS_PER_CITY;
		if (done)
			break;
		gen_org go;
		if ((e = gen_org_next(gg, &go)) != JN_OK)
			break;
		int ci = city_of(go.o.region);
		if (ci < 0 || g->c[ci].nproviders >= GEN_TR_PROVIDERS_PER_CITY)
			continue;
		const region_entry *re = region_find(go.o.region);
		char name[200];
		snprintf(name, sizeof name, "%s第%d职业培训学校", re ? re->name : go.o.region, g->c[ci].nproviders + 1);
		org_input in = {go.o.uscc, name, "trainer", go.o.region, NULL};
		org o;
		fe.count = 0;
		e = org_create(s, &sys, &in, &o, &fe);
		if (e == JN_EINVAL && fe.count && strcmp(fe.e[0].code, "duplicate") == 0) {
			e = JN_OK; /* run before on this database: the next code */
			continue;
		}
		if (e)
			why(err, errcap, "登记培训机构", e, &fe);
		else {
			g->c[ci].providers[g->c[ci].nproviders++] = o.id;
			(*made)++;
		}
	}
	gen_close(gg);
	return e;
}

/* One planned class. */
typedef struct plan {
	int city;
	int size;
	int start; /* YYYYMMDD */
	int nsess;
	int64_t id;
} plan;

/* Builds and inserts the class of p, then enrols its trainees. */
static jn_err class_and_roster(stx *t, gen_ctx *g, plan *p, int64_t *enrolled, int64_t *skipped, char *err,
			       size_t errcap)
{
	scope sys = scope_system();
	city *c = &g->c[p->city];
	int pi = c->next_programme++ % c->nprogrammes;
	const occ_level *ol = &g->ol[uniform(&g->rng, g->nol)];
	char lv[4], from[11], to[11];
	snprintf(lv, sizeof lv, "%d", ol->level);
	cert_date_format(p->start, from);
	cert_date_format(cert_date_add_days(p->start, p->nsess - 1), to);
	session_input si[8];
	char st[8][20], en[8][20];
	for (int i = 0; i < p->nsess; i++) {
		char d[11];
		cert_date_format(cert_date_add_days(p->start, i), d);
		snprintf(st[i], sizeof st[i], "%sT08:30", d);
		snprintf(en[i], sizeof en[i], "%sT17:30", d);
		si[i] = (session_input){st[i], en[i], "理论与实操"};
	}
	class_input in = CLASS_INPUT_EMPTY;
	in.org_id = c->providers[c->next_provider++ % c->nproviders];
	in.programme_id = c->programmes[pi];
	in.occupation = ol->occupation;
	in.level = lv;
	in.category = tr_class_category_ok(c->prog_category[pi]) ? NULL : "职业技能培训";
	in.mode = "offline";
	in.start_date = from;
	in.end_date = to;
	in.teacher = "生成数据教师";
	in.place = "生成数据实训室";
	in.hours = 160;
	in.capacity = p->size;
	in.nsessions = p->nsess;
	in.sessions = si;
	training_class k;
	class_session sess[CLASS_MAX_SESSIONS];
	int ns = 0;
	jn_fields fe;
	fe.count = 0;
	jn_err e = class_build(t, &sys, &in, NULL, &k, sess, &ns, &fe);
	if (!e && fe.count)
		e = JN_EINVAL;
	if (!e)
		e = class_insert_tx(t, &sys, &k, sess, ns);
	if (e) {
		why(err, errcap, "开办培训班", e, &fe);
		return e;
	}
	p->id = k.id;
	if ((e = store_class_get(t, &sys, k.id, &k)) != JN_OK)
		return e;
	int got = 0, tries = 0;
	while (got < p->size && tries < c->n) {
		const trainee *x = &c->p[c->cursor];
		c->cursor = (c->cursor + 1) % c->n;
		tries++;
		enrolment out;
		fe.count = 0;
		e = enrol_tx(t, &sys, &k, x->id_number, x->name, NULL, &out, &fe);
		if (e == JN_ECONFLICT && fe.count && strcmp(fe.e[0].code, "session_overlap") == 0) {
			(*skipped)++;
			continue;
		}
		if (e) {
			why(err, errcap, "报名", e, &fe);
			return e;
		}
		got++;
	}
	*enrolled += got;
	return JN_OK;
}

typedef struct enrol_vec {
	enrolment *v;
	int n, cap;
} enrol_vec;

static int take_enrol(void *ctx, const enrolment *e)
{
	enrol_vec *x = ctx;
	return grow_push((void **)&x->v, &x->n, &x->cap, e, sizeof *e) ? 1 : 0;
}

static jn_err audit_json(stx *t, const char *action, const char *subj, json_t *before, json_t *after)
{
	scope sys = scope_system();
	char *b = before ? audit_text(before) : NULL, *a = after ? audit_text(after) : NULL;
	jn_err e = store_audit(t, &sys, action, subj, b, a);
	free(b);
	free(a);
	return e;
}

/* Attendance of one class, as class_attend records it: per session the
 * trainees present, then one class.attend audit entry. */
static jn_err attend_class(stx *t, gen_ctx *g, const plan *p, int64_t *rows)
{
	scope sys = scope_system();
	training_class k;
	jn_err e = store_class_get(t, &sys, p->id, &k);
	class_session cur[CLASS_MAX_SESSIONS];
	int ns = 0;
	sess_list sl = {cur, &ns};
	if (!e)
		e = store_sessions(t, p->id, sess_collect, &sl);
	enrol_vec ev = {0};
	if (!e)
		e = store_class_enrolments(t, p->id, take_enrol, &ev);
	/* who drops out after which session */
	int *stop = e ? NULL : malloc(sizeof *stop * (size_t)(ev.n ? ev.n : 1));
	if (!e && !stop)
		e = JN_ENOMEM;
	for (int i = 0; !e && i < ev.n; i++)
		stop[i] = unit(&g->rng) < 0.03 ? 1 + uniform(&g->rng, ns > 1 ? ns - 1 : 1) : ns;
	for (int si = 0; !e && si < ns; si++) {
		int64_t start = tr_time_parse(cur[si].starts_at);
		json_t *ps = json_array();
		int added_total = 0;
		char at0[21] = "";
		for (int i = 0; !e && i < ev.n; i++) {
			if (si >= stop[i] || unit(&g->rng) >= 0.95)
				continue;
			char at[21];
			tr_time_format(start + uniform(&g->rng, 20 * 60), at);
			if (!at0[0])
				memcpy(at0, at, sizeof at);
			int added = 0;
			e = attend_tx(t, &sys, &k, &cur[si], ev.v[i].person_id, at, "trainer", "", &added);
			added_total += added;
			json_array_append_new(ps, json_integer(ev.v[i].person_id));
		}
		if (!e) {
			char subj[64];
			snprintf(subj, sizeof subj, "class:%lld", (long long)p->id);
			e = audit_json(t, "class.attend", subj, NULL,
				       json_pack("{s:i, s:s, s:o, s:i}", "seq", cur[si].seq, "at", at0, "persons", ps, "added",
						 added_total));
		} else {
			json_decref(ps);
		}
		*rows += added_total;
	}
	free(stop);
	free(ev.v);
	return e;
}

/* Results of one closed class, as class_result writes them. */
static jn_err results_class(stx *t, gen_ctx *g, const plan *p, gen_training_result *out)
{
	enrol_vec ev = {0};
	jn_err e = store_class_enrolments(t, p->id, take_enrol, &ev);
	for (int i = 0; !e && i < ev.n; i++) {
		enrolment *en = &ev.v[i];
		if (strcmp(en->state, "completed") != 0) {
			if (strcmp(en->state, "incomplete") == 0)
				out->incomplete++;
			continue;
		}
		out->completed++;
		int pass = unit(&g->rng) < 0.92;
		enrolment before = *en;
		snprintf(en->result, sizeof en->result, "%s", pass ? "passed" : "failed");
		en->score = pass ? 60 + uniform(&g->rng, 41) : 30 + uniform(&g->rng, 30);
		if ((e = store_enrolment_write(t, en)) != JN_OK)
			break;
		char subj[64];
		snprintf(subj, sizeof subj, "enrolment:%lld", (long long)en->id);
		e = audit_json(t, "enrolment.result", subj,
			       json_pack("{s:s, s:i, s:s}", "result", before.result, "score", before.score, "cert_number",
					 before.cert_number),
			       json_pack("{s:s, s:i, s:s}", "result", en->result, "score", en->score, "cert_number",
					 en->cert_number));
		if (pass)
			out->passed++;
		else
			out->failed++;
	}
	free(ev.v);
	return e;
}

/* Runs fn(t, …) for plans [a, b) in one write transaction. */
typedef jn_err (*chunk_fn)(stx *t, gen_ctx *g, plan *p, gen_training_result *out, char *err, size_t errcap);

static jn_err do_roster(stx *t, gen_ctx *g, plan *p, gen_training_result *out, char *err, size_t errcap)
{
	out->classes++;
	return class_and_roster(t, g, p, &out->enrolments, &out->overlap_skipped, err, errcap);
}
static jn_err do_attend(stx *t, gen_ctx *g, plan *p, gen_training_result *out, char *err, size_t errcap)
{
	jn_err e = attend_class(t, g, p, &out->attendance);
	if (e)
		why(err, errcap, "签到", e, NULL);
	return e;
}
static jn_err do_results(stx *t, gen_ctx *g, plan *p, gen_training_result *out, char *err, size_t errcap)
{
	jn_err e = results_class(t, g, p, out);
	if (e)
		why(err, errcap, "登记考核结果", e, NULL);
	return e;
}

static jn_err in_tx(store *s, gen_ctx *g, plan *ps, int a, int b, chunk_fn fn, gen_training_result *out, char *err,
		    size_t errcap)
{
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e) {
		why(err, errcap, "开始事务", e, NULL);
		return e;
	}
	for (int i = a; !e && i < b; i++)
		e = fn(t, g, &ps[i], out, err, errcap);
	if (e) {
		stx_rollback(t);
		return e;
	}
	if ((e = stx_commit(t)) != JN_OK)
		why(err, errcap, "提交事务", e, NULL);
	return e;
}

jn_err gen_training_into_db(store *s, const gen_training_opts *o, gen_progress_fn progress, void *ctx,
			    gen_training_result *out, char *err, size_t errcap)
{
	memset(out, 0, sizeof *out);
	err[0] = '\0';
	int years = o->years ? o->years : 10;
	if (o->enrolments < 1 || years < 1 || years > 30) {
		snprintf(err, errcap, "报名人次至少为1，年数应在1到30之间");
		return JN_EINVAL;
	}
	scope sys = scope_system();
	gen_ctx g;
	memset(&g, 0, sizeof g);
	g.rng = o->seed ^ 0x636c61737365ull;
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (!e) {
		e = store_person_export(t, &sys, "", take_person, &g);
		programme_filter pf;
		memset(&pf, 0, sizeof pf);
		if (!e)
			e = store_programme_list(t, &sys, &pf, take_programme, &g);
		if (!e)
			e = store_catalog_list(t, "", "", 0, "", take_catalog, &g);
		stx_rollback(t);
	}
	for (int i = 0; !e && i < NCITIES; i++) {
		if (g.c[i].n < 200) {
			snprintf(err, errcap, "数据库中%s的人员不够（%d人，至少200人；先用 jineng gen persons N --into-db 生成）",
				 region_find(i == 0 ? "530300" : i == 1 ? "530400" : "532500")->name, g.c[i].n);
			e = JN_EINVAL;
		} else if (!g.c[i].nprogrammes) {
			snprintf(err, errcap, "%s没有培训类的培训计划（先 jineng init 装载规划目标）",
				 region_find(i == 0 ? "530300" : i == 1 ? "530400" : "532500")->name);
			e = JN_EINVAL;
		}
	}
	if (!e && !g.nol) {
		snprintf(err, errcap, "补贴工种目录为空（先 jineng init）");
		e = JN_EINVAL;
	}
	if (!e)
		e = make_providers(s, &g, o->seed, &out->providers, err, errcap);
	/* The plan: sizes until N, spread evenly over the years. */
	plan *ps = NULL;
	int np = 0, capp = 0;
	int64_t sum = 0;
	int64_t total_persons = (int64_t)g.c[0].n + g.c[1].n + g.c[2].n;
	while (!e && sum < o->enrolments) {
		plan p = {0};
		p.size = 20 + uniform(&g.rng, 41);
		if (p.size > o->enrolments - sum)
			p.size = (int)(o->enrolments - sum);
		/* a city by its share of the registry */
		int64_t r = (int64_t)(next_u64(&g.rng) % (uint64_t)total_persons);
		p.city = r < g.c[0].n ? 0 : r < g.c[0].n + g.c[1].n ? 1 : 2;
		p.nsess = 4 + uniform(&g.rng, 5);
		if (grow_push((void **)&ps, &np, &capp, &p, sizeof p))
			e = JN_ENOMEM;
		sum += p.size;
	}
	int today = store_today();
	int last = cert_date_add_days(today, -40);
	int first = cert_date_add_days(last, -(int)(years * 365.25) + 1);
	for (int i = 0; !e && i < np; i++)
		ps[i].start = cert_date_add_days(first, (int)((int64_t)i * ((int64_t)years * 365) / np));
	if (np) {
		cert_date_format(ps[0].start, out->first_date);
		cert_date_format(cert_date_add_days(ps[np - 1].start, ps[np - 1].nsess - 1), out->last_date);
	}
	/* Chunks of about CHUNK_ENROLMENTS enrolments. */
	int64_t done = 0;
	for (int a = 0; !e && a < np;) {
		int b = a;
		int64_t m = 0;
		while (b < np && (m < CHUNK_ENROLMENTS || b == a))
			m += ps[b++].size;
		double t0 = mono_s();
		e = in_tx(s, &g, ps, a, b, do_roster, out, err, errcap);
		double t1 = mono_s();
		out->s_classes_enrol += t1 - t0;
		if (!e)
			e = in_tx(s, &g, ps, a, b, do_attend, out, err, errcap);
		double t2 = mono_s();
		out->s_attend += t2 - t1;
		for (int i = a; !e && i < b; i++) {
			char on[11];
			cert_date_format(cert_date_add_days(ps[i].start, ps[i].nsess - 1), on);
			jn_fields fe;
			fe.count = 0;
			if ((e = class_close(s, &sys, ps[i].id, on, NULL, &fe)) != JN_OK)
				why(err, errcap, "结业", e, &fe);
		}
		double t3 = mono_s();
		out->s_close += t3 - t2;
		if (!e && o->with_results)
			e = in_tx(s, &g, ps, a, b, do_results, out, err, errcap);
		out->s_results += mono_s() - t3;
		done += m;
		a = b;
		if (progress)
			progress(ctx, done, o->enrolments);
	}
	if (!e)
		store_analyze(s);
	/* Claims: the real submission per closed class. */
	if (!e && o->with_claims) {
		double t0 = mono_s();
		for (int i = 0; !e && i < np; i++) {
			char on[11];
			cert_date_format(cert_date_add_days(ps[i].start, ps[i].nsess - 1 + 7), on);
			claim_input ci = {"training", ps[i].id, NULL, on};
			json_t *j = NULL;
			jn_fields fe;
			fe.count = 0;
			e = claim_submit(s, &sys, &ci, &j, &fe);
			if (e == JN_EINVAL) {
				/* refused whole: every trainee's rule said no */
				out->claim_classes_refused++;
				out->claims_refused += fe.count;
				e = JN_OK;
			} else if (e) {
				why(err, errcap, "申请职业培训补贴", e, &fe);
			} else {
				out->claims += (int64_t)json_array_size(json_object_get(j, "created"));
				out->claims_refused += (int64_t)json_array_size(json_object_get(j, "refused"));
			}
			json_decref(j);
		}
		out->s_claims = mono_s() - t0;
		if (!e)
			store_analyze(s);
	}
	free(ps);
	for (int i = 0; i < NCITIES; i++)
		free(g.c[i].p);
	free(g.ol);
	return e;
}
