/* stats.c — the dashboards: counts of skilled workers by level, region
 * and occupation against the employed-persons baseline, and the seed
 * documents' targets with the current value where the registry can count
 * it.  Every count comes from the store, scoped like any other read. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/record.h"
#include "core/cert.h"
#include "core/grow.h"
#include "core/regions.h"

#define SKILLED_LEVEL 2 /* 初级工 and above */
#define HIGH_LEVEL 4    /* 高级工 and above */
#define TOP_OCCUPATIONS 20
#define MAX_CHILDREN 64

/* The prefectures the platform serves: the whole platform's regions. */
static const char *const PLATFORM_CITIES[] = {"530300", "530400", "532500"};

static const char *region_name_of(const char *code)
{
	const region_entry *r = code && code[0] ? region_find(code) : NULL;
	return r ? r->name : "";
}

static const char *level_name_of(int level)
{
	const level_info *l = level_by_rank(level);
	return l ? l->name : "未评定等级";
}

/* A share in 0..1, or null. */
static json_t *share(int64_t part, int64_t whole)
{
	return whole > 0 ? json_real((double)part / (double)whole) : json_null();
}

/* A percentage with one decimal. */
static double percent1(int64_t part, int64_t whole) { return round(1000.0 * (double)part / (double)whole) / 10.0; }

typedef struct child {
	char code[7];
	char prefix[8];
	int64_t count, skilled, high;
} child;

typedef struct overview_acc {
	child ch[MAX_CHILDREN];
	int n;
	int platform;           /* no region: children are prefectures, added as found */
	int has_children;
	char self[7];           /* the region itself (rows not under any child) */
	int64_t by_level[9];
	int64_t total, skilled, high;
} overview_acc;

static void add_child(overview_acc *a, const char *code)
{
	if (a->n >= MAX_CHILDREN)
		return;
	child *c = &a->ch[a->n++];
	memset(c, 0, sizeof *c);
	snprintf(c->code, sizeof c->code, "%s", code);
	region_prefix(code, c->prefix);
}

static int rl_row(void *ctx, const char *region, int level, int64_t count)
{
	overview_acc *a = ctx;
	if (level < 0 || level > 8)
		level = 0;
	a->by_level[level] += count;
	a->total += count;
	int skilled = level >= SKILLED_LEVEL, high = level >= HIGH_LEVEL;
	if (skilled)
		a->skilled += count;
	if (high)
		a->high += count;
	child *hit = NULL;
	for (int i = 0; i < a->n && !hit; i++)
		if (strncmp(region, a->ch[i].prefix, strlen(a->ch[i].prefix)) == 0)
			hit = &a->ch[i];
	if (!hit && (a->platform || a->has_children)) {
		/* Someone registered outside the children listed: the platform
		 * gets that prefecture as a row of its own; a city or province
		 * one row for itself (people registered at its own code). */
		char code[7];
		if (a->platform)
			snprintf(code, sizeof code, "%.4s00", region);
		else
			snprintf(code, sizeof code, "%s", a->self);
		for (int i = 0; i < a->n && !hit; i++)
			if (strcmp(a->ch[i].code, code) == 0)
				hit = &a->ch[i];
		if (!hit && a->n < MAX_CHILDREN) {
			add_child(a, code);
			hit = &a->ch[a->n - 1];
		}
	}
	if (hit) {
		hit->count += count;
		if (skilled)
			hit->skilled += count;
		if (high)
			hit->high += count;
	}
	return 0;
}

static int occ_row(void *ctx, const char *code, const char *name, int64_t count)
{
	json_t *j = json_object();
	json_object_set_new(j, "code", json_string(code));
	json_object_set_new(j, "name", json_string(name));
	json_object_set_new(j, "count", json_integer(count));
	json_array_append_new((json_t *)ctx, j);
	return 0;
}

/* 1 when sc may see statistics of region ("" = the whole platform). */
static int may_see(const scope *sc, const char *region)
{
	if (sc->system || (sc->role == ROLE_ADMIN && !sc->region[0]))
		return 1;
	if (!region[0] || !sc->region[0])
		return 0;
	return store_scope_allows_region(sc, region);
}

jn_err stats_overview(store *s, const scope *sc, const char *region_in, json_t **out)
{
	char region[7] = "";
	if (region_in && region_in[0]) {
		const region_entry *r = region_find(region_in);
		if (!r || !r->current)
			return JN_ENOTFOUND;
		snprintf(region, sizeof region, "%s", r->code);
	} else if (!sc->system) {
		snprintf(region, sizeof region, "%s", sc->region);
	}
	if (!may_see(sc, region))
		return JN_EFORBIDDEN;

	overview_acc *a = calloc(1, sizeof *a);
	if (!a)
		return JN_ENOMEM;
	a->platform = !region[0];
	snprintf(a->self, sizeof a->self, "%s", region);
	if (a->platform) {
		for (size_t i = 0; i < sizeof PLATFORM_CITIES / sizeof PLATFORM_CITIES[0]; i++)
			add_child(a, PLATFORM_CITIES[i]);
	} else {
		for (int i = 0; i < REGIONS_COUNT; i++)
			if (REGIONS[i].current && strcmp(REGIONS[i].parent, region) == 0)
				add_child(a, REGIONS[i].code);
		a->has_children = a->n > 0;
	}
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e) {
		free(a);
		return e;
	}
	json_t *occ = json_array();
	e = store_stats_region_level(t, sc, region, rl_row, a);
	if (!e)
		e = store_stats_occupations(t, sc, region, TOP_OCCUPATIONS, occ_row, occ);
	/* The employed-persons baseline: the region's own newest figure; for
	 * the whole platform, the sum of its prefectures' when all have one. */
	employed_row emp;
	int have_emp = 0;
	memset(&emp, 0, sizeof emp);
	if (!e && region[0]) {
		jn_err ee = store_employed_latest(t, sc, region, &emp);
		have_emp = ee == JN_OK;
		if (ee && ee != JN_ENOTFOUND)
			e = ee;
	} else if (!e) {
		have_emp = 1;
		for (size_t i = 0; have_emp && i < sizeof PLATFORM_CITIES / sizeof PLATFORM_CITIES[0]; i++) {
			employed_row x;
			jn_err ee = store_employed_latest(t, sc, PLATFORM_CITIES[i], &x);
			if (ee) {
				have_emp = 0;
				if (ee != JN_ENOTFOUND)
					e = ee;
				break;
			}
			emp.count += x.count;
			if (!emp.year || x.year < emp.year)
				emp.year = x.year;
		}
		snprintf(emp.source, sizeof emp.source, "各市（州）最新数据合计");
	}
	stx_rollback(t);
	if (e) {
		json_decref(occ);
		free(a);
		return e;
	}

	json_t *j = json_object();
	json_object_set_new(j, "region", region[0] ? json_string(region) : json_null());
	json_object_set_new(j, "region_name", json_string(region[0] ? region_name_of(region) : "全平台（曲靖、玉溪、红河）"));
	json_object_set_new(j, "total_workers", json_integer(a->total));
	json_object_set_new(j, "skilled", json_integer(a->skilled));
	json_object_set_new(j, "high_skilled", json_integer(a->high));
	json_object_set_new(j, "high_share_of_skilled", share(a->high, a->skilled));
	if (have_emp) {
		json_object_set_new(j, "employed", json_pack("{s:I, s:i, s:s}", "count", (json_int_t)emp.count, "year",
							     emp.year, "source", emp.source));
		json_object_set_new(j, "skilled_share_of_employed", share(a->skilled, emp.count));
	} else {
		json_object_set_new(j, "employed", json_null());
		json_object_set_new(j, "skilled_share_of_employed", json_null());
	}
	json_t *levels = json_array();
	for (int l = 0; l <= 8; l++)
		json_array_append_new(levels, json_pack("{s:i, s:s, s:I}", "level", l, "level_name", level_name_of(l),
							"count", (json_int_t)a->by_level[l]));
	json_object_set_new(j, "by_level", levels);
	json_t *regions = json_array();
	for (int k = 0; k < a->n; k++) {
		const child *c = &a->ch[k];
		const char *nm = region_name_of(c->code);
		char label[160];
		if (!a->platform && strcmp(c->code, region) == 0)
			snprintf(label, sizeof label, "%s（本级）", nm);
		else
			snprintf(label, sizeof label, "%s", nm);
		json_array_append_new(regions, json_pack("{s:s, s:s, s:I, s:I, s:I}", "region", c->code, "region_name",
							 label, "count", (json_int_t)c->count, "skilled",
							 (json_int_t)c->skilled, "high_skilled", (json_int_t)c->high));
	}
	json_object_set_new(j, "by_region", regions);
	json_object_set_new(j, "by_occupation", occ);
	free(a);
	*out = j;
	return JN_OK;
}

/* ---- the employed-persons baseline ---- */

json_t *employed_json(const employed_row *e)
{
	json_t *j = json_object();
	json_object_set_new(j, "region", json_string(e->region));
	json_object_set_new(j, "region_name", json_string(region_name_of(e->region)));
	json_object_set_new(j, "year", json_integer(e->year));
	json_object_set_new(j, "count", json_integer(e->count));
	json_object_set_new(j, "source", json_string(e->source));
	json_object_set_new(j, "updated_at", json_string(e->updated_at));
	json_object_set_new(j, "updated_by", json_string(e->updated_by));
	return j;
}

static char *employed_audit(const employed_row *e)
{
	json_t *j = json_pack("{s:s, s:i, s:I, s:s}", "region", e->region, "year", e->year, "count",
			      (json_int_t)e->count, "source", e->source);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

jn_err stats_employed_put(store *s, const scope *sc, const employed_input *in, json_t **out, jn_fields *fe)
{
	employed_row e;
	memset(&e, 0, sizeof e);
	const char *code = in->region && in->region[0] ? region_resolve(in->region) : NULL;
	if (!in->region || !in->region[0])
		jn_fields_add(fe, "region", "required", "地区必须填写");
	else if (!code)
		jn_fields_add(fe, "region", "unknown_region", "地区%.40s不是现行的区划代码或名称", in->region);
	else
		snprintf(e.region, sizeof e.region, "%s", code);
	if (in->year < 1949 || in->year > 2100)
		jn_fields_add(fe, "year", "out_of_range", "年份应在1949到2100之间");
	e.year = in->year;
	if (in->count <= 0 || in->count > 1000000000)
		jn_fields_add(fe, "count", "out_of_range", "就业人员数应为1到10亿之间的整数");
	e.count = in->count;
	if (!in->source || !in->source[0])
		jn_fields_add(fe, "source", "required", "请注明数据来源（如：玉溪统计年鉴2025）");
	else
		snprintf(e.source, sizeof e.source, "%s", in->source);
	if (!fe->count && e.region[0] && !sc->system && sc->region[0] && !store_scope_allows_account_region(sc, e.region))
		jn_fields_add(fe, "region", "out_of_scope", "所属地区不在您的管辖范围内");
	if (fe->count)
		return JN_EINVAL;
	stx *t;
	jn_err err = stx_begin(s, 1, &t);
	if (err)
		return err;
	employed_row before;
	int had = 0;
	err = store_employed_put(t, sc, &e, &before, &had);
	if (err == JN_EFORBIDDEN) {
		jn_fields_add(fe, "region", "out_of_scope", "所属地区不在您的管辖范围内");
		err = JN_EINVAL;
	}
	if (!err) {
		char subj[64];
		snprintf(subj, sizeof subj, "employed:%s:%d", e.region, e.year);
		char *b = had ? employed_audit(&before) : NULL;
		char *a = employed_audit(&e);
		err = a ? store_audit(t, sc, "employed.put", subj, b, a) : JN_ENOMEM;
		free(a);
		free(b);
	}
	if (err) {
		stx_rollback(t);
		return err;
	}
	if ((err = stx_commit(t)) != JN_OK)
		return err;
	*out = employed_json(&e);
	return JN_OK;
}

static int emp_one(void *ctx, const employed_row *e)
{
	json_array_append_new((json_t *)ctx, employed_json(e));
	return 0;
}

jn_err stats_employed_list(store *s, const scope *sc, const char *region, json_t **items)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	*items = json_array();
	e = store_employed_list(t, sc, region, emp_one, *items);
	stx_rollback(t);
	if (e) {
		json_decref(*items);
		*items = NULL;
	}
	return e;
}

/* ---- targets ---- */

typedef struct region_counts {
	char region[7];
	int done;
	int64_t skilled, high, evaluators;
	int have_emp;
	int64_t employed;
} region_counts;

typedef struct targets_ctx {
	json_t *items;
	target_row *rows;
	int n, cap;
	target_link *links;
	int nl, capl;
} targets_ctx;

static int collect_link(void *ctx, const target_link *l)
{
	targets_ctx *c = ctx;
	return grow_push((void **)&c->links, &c->nl, &c->capl, l, sizeof *l) ? 1 : 0;
}

/* Training targets: counted from completed enrolments in the classes of
 * the programme the target is linked to (targets.programme_id), under the
 * target's region.  A metric of training (培训, 创业培训, 培养, …) measured
 * in persons or person-times; not the counts of bases, teachers
 * (培训师资) or evaluation bodies. */
static int training_metric(const char *m, const char *unit)
{
	if (strncmp(unit, "person", 6) != 0 || strstr(m, "评价") || strcmp(m, "培训师资") == 0)
		return 0;
	return strstr(m, "培训") || strcmp(m, "培养") == 0;
}

/* The dates a target's figure counts over, for the year asked about: a
 * yearly target that year; a target due a year ("2025") from the start of
 * its plan — the programme's period_from, else the five-year plan ending
 * in the due year — to the end of the year asked about or of the due year,
 * whichever is first.  0 when the window is empty (a year before the plan). */
static int target_window(const target_row *x, const target_link *l, int year, char from[24], char to[24])
{
	if (strncmp(x->by, "yearly", 6) == 0) {
		snprintf(from, 24, "%04d-01-01", year);
		snprintf(to, 24, "%04d-12-31", year);
		return 1;
	}
	int due = atoi(x->by);
	if (due < 1949 || due > 2100)
		due = year;
	if (l && l->period_from[0])
		snprintf(from, 24, "%s", l->period_from);
	else
		snprintf(from, 24, "%04d-01-01", due - 4);
	int last = year < due ? year : due;
	snprintf(to, 24, "%04d-12-31", last);
	return strcmp(from, to) <= 0;
}

static int collect(void *ctx, const target_row *x)
{
	targets_ctx *c = ctx;
	return grow_push((void **)&c->rows, &c->n, &c->cap, x, sizeof *x) ? 1 : 0;
}

static int sum_levels(void *ctx, const char *region, int level, int64_t count)
{
	(void)region;
	region_counts *rc = ctx;
	if (level >= SKILLED_LEVEL)
		rc->skilled += count;
	if (level >= HIGH_LEVEL)
		rc->high += count;
	return 0;
}

static jn_err counts_for(stx *t, const scope *sc, region_counts *rc)
{
	if (rc->done)
		return JN_OK;
	rc->done = 1;
	jn_err e = store_stats_region_level(t, sc, rc->region, sum_levels, rc);
	if (!e)
		e = store_stats_count_orgs(t, sc, rc->region, ORG_EVALUATOR, &rc->evaluators);
	employed_row emp;
	if (!e) {
		jn_err ee = store_employed_latest(t, sc, rc->region, &emp);
		rc->have_emp = ee == JN_OK;
		rc->employed = rc->have_emp ? emp.count : 0;
		if (ee && ee != JN_ENOTFOUND)
			e = ee;
	}
	return e;
}

static json_t *number_of(const char *text)
{
	char *end;
	long long v = strtoll(text, &end, 10);
	if (*text && !*end)
		return json_integer(v);
	double d = strtod(text, &end);
	return *text && !*end ? json_real(d) : json_null();
}

static jn_err targets_for(store *s, const scope *sc, const char *region, int year, json_t **items)
{
	targets_ctx c = {0};
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	e = store_target_list(t, sc, region, collect, &c);
	if (!e)
		e = store_target_links(t, collect_link, &c);
	region_counts rcs[16];
	int nrc = 0;
	json_t *arr = json_array();
	for (int i = 0; !e && i < c.n; i++) {
		const target_row *x = &c.rows[i];
		const char *m = x->metric;
		enum { M_NONE, M_SKILLED, M_HIGH, M_HIGH_SHARE, M_EMPLOYED_SHARE, M_EVALUATORS, M_TRAINING } kind = M_NONE;
		const target_link *link = NULL;
		for (int k = 0; k < c.nl && !link; k++)
			if (c.links[k].target_id == x->id)
				link = &c.links[k];
		if (strcmp(m, "技能人才总量") == 0)
			kind = M_SKILLED;
		else if (strcmp(m, "高技能人才总量") == 0)
			kind = M_HIGH;
		else if (strcmp(m, "高技能人才占技能人才比例") == 0)
			kind = M_HIGH_SHARE;
		else if (strcmp(m, "技能人才占就业人员比例") == 0)
			kind = M_EMPLOYED_SHARE;
		else if (strstr(m, "评价机构") || strstr(m, "评价组织"))
			kind = M_EVALUATORS;
		else if (training_metric(m, x->unit) && (link || strcmp(m, "职业培训累计") == 0))
			kind = M_TRAINING;
		json_t *actual = json_null(), *window = NULL, *counts = NULL;
		const char *note = training_metric(m, x->unit) ? "尚未关联培训计划，关联后按培训班结业人次统计"
							       : "待竞赛、基地等模块上线后统计";
		char drill[64] = "", drill_orgs[64] = "";
		if (kind != M_NONE && !may_see(sc, x->region)) {
			note = "超出本账号的管辖范围，不显示统计值";
		} else if (kind == M_TRAINING) {
			/* 职业培训累计 without a programme: every programme's classes */
			char from[24], to[24];
			int64_t times = 0, persons = 0, classes = 0;
			note = NULL;
			if (target_window(x, link, year, from, to))
				e = store_training_count(t, sc, link ? link->programme_id : 0, x->region, from, to, &times,
							 &persons, &classes);
			else
				note = "所选年份早于规划起始年份";
			if (e)
				break;
			int by_persons = strncmp(x->unit, "persons", 7) == 0;
			if (!note)
				actual = json_integer(by_persons ? persons : times);
			if (!note && !classes)
				note = link ? "该培训计划在本地区尚无培训班" : "本地区尚无培训班";
			window = json_pack("{s:s, s:s}", "from", from, "to", to);
			counts = json_pack("{s:I, s:I}", "person_times", (json_int_t)times, "persons", (json_int_t)persons);
		} else if (kind != M_NONE) {
			region_counts *rc = NULL;
			for (int k = 0; k < nrc && !rc; k++)
				if (strcmp(rcs[k].region, x->region) == 0)
					rc = &rcs[k];
			if (!rc && nrc < (int)(sizeof rcs / sizeof rcs[0])) {
				rc = &rcs[nrc++];
				memset(rc, 0, sizeof *rc);
				snprintf(rc->region, sizeof rc->region, "%s", x->region);
			}
			if (!rc || (e = counts_for(t, sc, rc)) != JN_OK)
				break;
			note = NULL;
			switch (kind) {
			case M_SKILLED:
				actual = json_integer(rc->skilled);
				snprintf(drill, sizeof drill, "region=%s&level_min=%d", x->region, SKILLED_LEVEL);
				break;
			case M_HIGH:
				actual = json_integer(rc->high);
				snprintf(drill, sizeof drill, "region=%s&level_min=%d", x->region, HIGH_LEVEL);
				break;
			case M_HIGH_SHARE:
				snprintf(drill, sizeof drill, "region=%s&level_min=%d", x->region, HIGH_LEVEL);
				if (rc->skilled > 0)
					actual = json_real(percent1(rc->high, rc->skilled));
				else
					note = "尚无技能人才登记";
				break;
			case M_EMPLOYED_SHARE:
				snprintf(drill, sizeof drill, "region=%s&level_min=%d", x->region, SKILLED_LEVEL);
				if (rc->have_emp && rc->employed > 0)
					actual = json_real(percent1(rc->skilled, rc->employed));
				else
					note = "尚未录入就业人员数";
				break;
			case M_EVALUATORS:
				actual = json_integer(rc->evaluators);
				note = "平台已登记的评价机构数";
				snprintf(drill_orgs, sizeof drill_orgs, "kind=evaluator&region=%s", x->region);
				break;
			default:
				break;
			}
		}
		json_t *j = json_object();
		json_object_set_new(j, "id", json_integer(x->id));
		json_object_set_new(j, "region", json_string(x->region));
		json_object_set_new(j, "region_name", json_string(region_name_of(x->region)));
		json_object_set_new(j, "seed", json_string(x->seed));
		json_object_set_new(j, "item", json_string(x->item));
		json_object_set_new(j, "programme", json_string(x->programme));
		json_object_set_new(j, "metric", json_string(x->metric));
		json_object_set_new(j, "unit", json_string(x->unit));
		json_object_set_new(j, "target", number_of(x->target));
		json_object_set_new(j, "by", json_string(x->by));
		json_object_set_new(j, "actual", actual);
		json_object_set_new(j, "actual_note", note ? json_string(note) : json_null());
		json_object_set_new(j, "drill", drill[0] ? json_string(drill) : json_null());
		json_object_set_new(j, "programme_id", link ? json_integer(link->programme_id) : json_null());
		json_object_set_new(j, "counted_as", json_string(kind == M_TRAINING ? "training"
							       : kind == M_NONE ? "none" : "registry"));
		if (window) {
			json_object_set_new(j, "window", window);
			json_object_set_new(j, "trained", counts);
		}
		if (drill_orgs[0])
			json_object_set_new(j, "drill_orgs", json_string(drill_orgs));
		json_array_append_new(arr, j);
	}
	stx_rollback(t);
	free(c.rows);
	free(c.links);
	if (e) {
		json_decref(arr);
		return e;
	}
	*items = arr;
	return JN_OK;
}

static int this_year(void) { return store_today() / 10000; }

jn_err targets_list(store *s, const scope *sc, const char *region, json_t **items)
{
	return targets_for(s, sc, region, this_year(), items);
}

jn_err stats_targets(store *s, const scope *sc, const char *region, int year, json_t **out)
{
	if (!year)
		year = this_year();
	if (region && region[0]) {
		const region_entry *r = region_find(region);
		if (!r || !r->current)
			return JN_ENOTFOUND;
	}
	json_t *items;
	jn_err e = targets_for(s, sc, region, year, &items);
	if (e)
		return e;
	*out = json_pack("{s:i, s:o, s:o}", "year", year, "region", region && region[0] ? json_string(region) : json_null(),
			 "items", items);
	return JN_OK;
}

/* ---- training statistics ---- */

/* The region a statistic is of: the one asked for (a current code), else
 * the caller's own; JN_ENOTFOUND / JN_EFORBIDDEN as stats_overview. */
static jn_err stats_region(const scope *sc, const char *region_in, char region[7])
{
	region[0] = '\0';
	if (region_in && region_in[0]) {
		const region_entry *r = region_find(region_in);
		if (!r || !r->current)
			return JN_ENOTFOUND;
		snprintf(region, 7, "%s", r->code);
	} else if (!sc->system) {
		snprintf(region, 7, "%s", sc->region);
	}
	return may_see(sc, region) ? JN_OK : JN_EFORBIDDEN;
}

static int group_json(void *ctx, int64_t programme_id, const char *programme_name, const char *county, int year,
		      int64_t person_times, int64_t persons)
{
	json_t *j = json_object();
	json_object_set_new(j, "programme_id", programme_id ? json_integer(programme_id) : json_null());
	json_object_set_new(j, "programme_name", json_string(programme_id ? programme_name : "（未列入培训计划）"));
	json_object_set_new(j, "region", json_string(county));
	json_object_set_new(j, "region_name", json_string(region_name_of(county)));
	json_object_set_new(j, "year", json_integer(year));
	json_object_set_new(j, "person_times", json_integer(person_times));
	json_object_set_new(j, "persons", json_integer(persons));
	json_array_append_new((json_t *)ctx, j);
	return 0;
}

jn_err stats_training(store *s, const scope *sc, const char *region_in, int year, json_t **out)
{
	char region[7];
	jn_err e = stats_region(sc, region_in, region);
	if (e)
		return e;
	char from[24] = "0000-01-01", to[24] = "9999-12-31";
	if (year) {
		snprintf(from, sizeof from, "%04d-01-01", year);
		snprintf(to, sizeof to, "%04d-12-31", year);
	}
	stx *t;
	if ((e = stx_begin(s, 0, &t)) != JN_OK)
		return e;
	json_t *items = json_array();
	int64_t times = 0, persons = 0;
	e = store_training_groups(t, sc, region, from, to, group_json, items, &times, &persons);
	stx_rollback(t);
	if (e) {
		json_decref(items);
		return e;
	}
	*out = json_pack("{s:o, s:o, s:o, s:{s:I, s:I}}", "region", region[0] ? json_string(region) : json_null(), "year",
			 year ? json_integer(year) : json_null(), "items", items, "total", "person_times",
			 (json_int_t)times, "persons", (json_int_t)persons);
	return JN_OK;
}

typedef struct share_row {
	char region[7];
	int64_t registered, trained;
} share_row;

typedef struct share_acc {
	share_row *rows;
	int n, cap;
	int failed;
} share_acc;

static share_row *share_slot(share_acc *a, const char *county)
{
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->rows[i].region, county) == 0)
			return &a->rows[i];
	share_row r;
	memset(&r, 0, sizeof r);
	snprintf(r.region, sizeof r.region, "%s", county);
	if (grow_push((void **)&a->rows, &a->n, &a->cap, &r, sizeof r)) {
		a->failed = 1;
		return NULL;
	}
	return &a->rows[a->n - 1];
}

static int share_registered(void *ctx, const char *county, int level, int64_t count)
{
	(void)level;
	share_row *r = share_slot(ctx, county);
	if (!r)
		return 1;
	r->registered += count;
	return 0;
}

static int share_trained(void *ctx, const char *county, int64_t persons)
{
	share_row *r = share_slot(ctx, county);
	if (!r)
		return 1;
	r->trained += persons;
	return 0;
}

static int by_region(const void *a, const void *b)
{
	return strcmp(((const share_row *)a)->region, ((const share_row *)b)->region);
}

jn_err stats_training_share(store *s, const scope *sc, const char *region_in, const char *as_of, json_t **out,
			    jn_fields *fe)
{
	char upto[11];
	if (as_of && as_of[0]) {
		int d = cert_date_parse(as_of);
		if (!d) {
			jn_fields_add(fe, "as_of", "invalid_date", "截止日期“%.20s”不是日期（应为 YYYY-MM-DD）", as_of);
			return JN_EINVAL;
		}
		cert_date_format(d, upto);
	} else {
		cert_date_format(store_today(), upto);
	}
	/* the three years before as_of: (as_of − 3 years, as_of] */
	int y = atoi(upto), md = atoi(upto + 5) * 100 + atoi(upto + 8);
	char after[24];
	snprintf(after, sizeof after, "%04d-%s", y - 3, md == 229 ? "02-28" : upto + 5);
	char region[7];
	jn_err e = stats_region(sc, region_in, region);
	if (e)
		return e;
	stx *t;
	if ((e = stx_begin(s, 0, &t)) != JN_OK)
		return e;
	share_acc a = {0};
	e = store_stats_region_level(t, sc, region, share_registered, &a);
	if (!e)
		e = store_trained_by_county(t, sc, region, after, upto, share_trained, &a);
	stx_rollback(t);
	if (!e && a.failed)
		e = JN_ENOMEM;
	if (e) {
		free(a.rows);
		return e;
	}
	if (a.n > 1)
		qsort(a.rows, (size_t)a.n, sizeof *a.rows, by_region);
	json_t *items = json_array();
	int64_t reg = 0, tr = 0;
	for (int i = 0; i < a.n; i++) {
		const share_row *r = &a.rows[i];
		reg += r->registered;
		tr += r->trained;
		json_array_append_new(items, json_pack("{s:s, s:s, s:I, s:I, s:o}", "region", r->region, "region_name",
						       region_name_of(r->region), "registered", (json_int_t)r->registered,
						       "trained", (json_int_t)r->trained, "share",
						       share(r->trained, r->registered)));
	}
	free(a.rows);
	*out = json_pack("{s:o, s:o, s:s, s:s, s:o, s:{s:I, s:I, s:o}}", "region",
			 region[0] ? json_string(region) : json_null(), "region_name",
			 json_string(region[0] ? region_name_of(region) : "全平台"), "as_of", upto, "after", after, "items",
			 items, "total", "registered", (json_int_t)reg, "trained", (json_int_t)tr, "share", share(tr, reg));
	return JN_OK;
}
