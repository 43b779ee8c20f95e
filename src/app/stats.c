/* stats.c — the dashboards: counts of skilled workers by level, region
 * and occupation against the employed-persons baseline, and the seed
 * documents' targets with the current value where the registry can count
 * it.  Every count comes from the store, scoped like any other read. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
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
} targets_ctx;

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

jn_err targets_list(store *s, const scope *sc, const char *region, json_t **items)
{
	targets_ctx c = {0};
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	e = store_target_list(t, sc, region, collect, &c);
	region_counts rcs[16];
	int nrc = 0;
	json_t *arr = json_array();
	for (int i = 0; !e && i < c.n; i++) {
		const target_row *x = &c.rows[i];
		const char *m = x->metric;
		enum { M_NONE, M_SKILLED, M_HIGH, M_HIGH_SHARE, M_EMPLOYED_SHARE, M_EVALUATORS } kind = M_NONE;
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
		json_t *actual = json_null();
		const char *note = "待培训/竞赛等模块上线后统计";
		char drill[64] = "", drill_orgs[64] = "";
		if (kind != M_NONE && !may_see(sc, x->region)) {
			note = "超出本账号的管辖范围，不显示统计值";
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
		if (drill_orgs[0])
			json_object_set_new(j, "drill_orgs", json_string(drill_orgs));
		json_array_append_new(arr, j);
	}
	stx_rollback(t);
	free(c.rows);
	if (e) {
		json_decref(arr);
		return e;
	}
	*items = arr;
	return JN_OK;
}
