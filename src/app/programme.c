/* programme.c — training programmes (培训计划) with their targets and seed
 * references, and the subsidised-training catalogue (补贴工种目录): a class
 * takes its subsidy standard from the version in force on its start date. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/certify.h"
#include "app/training.h"
#include "core/regions.h"
#include "core/text.h"
#include "core/training.h"
#include "io/table.h"

/* ---- JSON ---- */

static int target_one(void *ctx, const target_row *x)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(x->id));
	json_object_set_new(j, "metric", json_string(x->metric));
	json_object_set_new(j, "unit", json_string(x->unit));
	char *end;
	long long v = strtoll(x->target, &end, 10);
	json_object_set_new(j, "target", *end || !x->target[0] ? json_string(x->target) : json_integer(v));
	json_object_set_new(j, "by", json_string(x->by));
	json_object_set_new(j, "seed", json_string(x->seed));
	json_object_set_new(j, "item", json_string(x->item));
	json_array_append_new((json_t *)ctx, j);
	return 0;
}

static jn_err programme_json(stx *t, const programme *p, json_t **out)
{
	const region_entry *re = region_find(p->region);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(p->id));
	json_object_set_new(j, "region", json_string(p->region));
	json_object_set_new(j, "region_name", json_string(re ? re->name : ""));
	json_object_set_new(j, "name", json_string(p->name));
	json_object_set_new(j, "category", json_string(p->category));
	json_object_set_new(j, "training", json_boolean(tr_class_category_ok(p->category)));
	json_object_set_new(j, "target_groups", json_string(p->target_groups));
	json_object_set_new(j, "units", json_string(p->units));
	json_object_set_new(j, "seed", p->seed[0] ? json_string(p->seed) : json_null());
	json_object_set_new(j, "item", p->item[0] ? json_string(p->item) : json_null());
	json_object_set_new(j, "period_from", p->period_from[0] ? json_string(p->period_from) : json_null());
	json_object_set_new(j, "period_to", p->period_to[0] ? json_string(p->period_to) : json_null());
	json_object_set_new(j, "min_attendance", json_integer(p->min_attendance));
	json_object_set_new(j, "created_by", json_string(p->created_by));
	json_object_set_new(j, "created_at", json_string(p->created_at));
	json_object_set_new(j, "updated_at", json_string(p->updated_at));
	json_object_set_new(j, "version", json_integer(p->version));
	json_t *ts = json_array();
	jn_err e = store_programme_targets(t, p->id, target_one, ts);
	json_object_set_new(j, "targets", ts);
	if (e) {
		json_decref(j);
		return e;
	}
	*out = j;
	return JN_OK;
}

/* ---- writes ---- */

static int parse_opt_date(jn_fields *fe, const char *field, const char *label, const char *in, char out[11])
{
	if (!in)
		return 1;
	if (!in[0]) {
		out[0] = '\0';
		return 1;
	}
	int d = cert_date_parse(in);
	if (!d) {
		fe_add(fe, field, "invalid_date", "%s应为 YYYY-MM-DD 格式的日期", label);
		return 0;
	}
	cert_date_format(d, out);
	return 1;
}

static void apply(const scope *sc, const programme_input *in, int creating, programme *p, target_row *rows, int *nrows,
		  jn_fields *fe)
{
	if (creating || in->name)
		take_text(fe, "name", "计划名称", in->name, 60, 1, p->name, sizeof p->name);
	if (creating || in->category) {
		if (!in->category || !in->category[0])
			fe_add(fe, "category", "required", "计划类别必须填写");
		else if (!tr_programme_category_ok(in->category))
			fe_add(fe, "category", "invalid_category",
			       "计划类别应为就业技能培训、岗位技能提升培训、创业培训、企业新型学徒制、劳动预备制培训、再就业培训、"
			       "职业技能培训，或规划目标、载体建设、人才计划、技能评价、师资建设");
		else
			snprintf(p->category, sizeof p->category, "%s", in->category);
	}
	if (in->target_groups)
		take_text(fe, "target_groups", "培训对象", in->target_groups, 80, 0, p->target_groups, sizeof p->target_groups);
	if (in->units)
		take_text(fe, "units", "责任单位", in->units, 80, 0, p->units, sizeof p->units);
	if (creating || in->region) {
		const region_entry *re = in->region && in->region[0] ? region_find(in->region) : NULL;
		if (!in->region || !in->region[0])
			fe_add(fe, "region", "required", "须指定计划所属地区（市、县代码）");
		else if (!re || !re->current)
			fe_add(fe, "region", "unknown_region", "地区代码%.20s不存在", in->region);
		else if (!store_scope_allows_region(sc, re->code))
			fe_add(fe, "region", "out_of_scope", "%s不在您的管辖范围内", re->name);
		else
			snprintf(p->region, sizeof p->region, "%s", re->code);
	}
	parse_opt_date(fe, "period_from", "计划开始日期", in->period_from, p->period_from);
	parse_opt_date(fe, "period_to", "计划结束日期", in->period_to, p->period_to);
	if (p->period_from[0] && p->period_to[0] && strcmp(p->period_to, p->period_from) < 0)
		fe_add(fe, "period_to", "before_start", "计划结束日期不能早于开始日期");
	if (in->min_attendance >= 0) {
		if (in->min_attendance < 50 || in->min_attendance > 100)
			fe_add(fe, "min_attendance", "out_of_range", "结业出勤率要求应在50%%到100%%之间");
		else
			p->min_attendance = in->min_attendance;
	} else if (creating) {
		p->min_attendance = 80;
	}
	*nrows = -1;
	if (in->ntargets >= 0) {
		*nrows = 0;
		for (int i = 0; i < in->ntargets && i < 32; i++) {
			const target_input *ti = &in->targets[i];
			char field[48];
			target_row *x = &rows[*nrows];
			memset(x, 0, sizeof *x);
			int ok = 1;
			snprintf(field, sizeof field, "targets[%d].unit", i);
			if (!ti->unit || (strcmp(ti->unit, "person-times") && strcmp(ti->unit, "persons"))) {
				fe_add(fe, field, ti->unit && ti->unit[0] ? "invalid_unit" : "required",
				       "目标单位应为 person-times（人次）或 persons（人）");
				ok = 0;
			}
			snprintf(field, sizeof field, "targets[%d].period", i);
			int year = 0;
			if (ti->period && strcmp(ti->period, "yearly") == 0)
				year = -1;
			else if (ti->period && strlen(ti->period) == 4)
				year = atoi(ti->period);
			if (!year || (year > 0 && (year < 2000 || year > 2099))) {
				fe_add(fe, field, ti->period && ti->period[0] ? "invalid_period" : "required",
				       "目标期间应为年份（如 2025，指到该年底）或 yearly（每年）");
				ok = 0;
			}
			snprintf(field, sizeof field, "targets[%d].target", i);
			if (ti->target <= 0 || ti->target > 100000000) {
				fe_add(fe, field, "out_of_range", "目标数应为正整数");
				ok = 0;
			}
			snprintf(field, sizeof field, "targets[%d].metric", i);
			if (ti->metric && ti->metric[0]) {
				if (!take_text(fe, field, "目标指标", ti->metric, 40, 1, x->metric, sizeof x->metric))
					ok = 0;
			} else {
				snprintf(x->metric, sizeof x->metric, "培训");
			}
			if (!ok)
				continue;
			snprintf(x->unit, sizeof x->unit, "%s%s", ti->unit, year < 0 ? " per year" : "");
			snprintf(x->by, sizeof x->by, "%s", year < 0 ? "yearly" : ti->period);
			snprintf(x->item, sizeof x->item, "%s", x->by);
			snprintf(x->target, sizeof x->target, "%lld", (long long)ti->target);
			for (int k = 0; k < *nrows; k++)
				if (strcmp(rows[k].metric, x->metric) == 0 && strcmp(rows[k].by, x->by) == 0) {
					snprintf(field, sizeof field, "targets[%d]", i);
					fe_add(fe, field, "duplicate", "同一指标“%s”在同一期间只能有一个目标", x->metric);
					ok = 0;
				}
			if (ok)
				(*nrows)++;
		}
	}
}

static json_t *prog_audit(const programme *p)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "region", p->region, "name", p->name, "category",
			 p->category, "target_groups", p->target_groups, "units", p->units, "period_from", p->period_from,
			 "period_to", p->period_to, "min_attendance", p->min_attendance);
}

static jn_err write_end(stx *t, jn_err e, const programme *p, json_t **out)
{
	json_t *j = NULL;
	if (!e)
		e = programme_json(t, p, &j);
	e = tx_end(t, e);
	if (e) {
		json_decref(j);
		return e;
	}
	*out = j;
	return JN_OK;
}

static jn_err audit_prog(stx *t, const scope *sc, const char *action, const programme *before, const programme *after,
			 int ntargets)
{
	char subj[64];
	snprintf(subj, sizeof subj, "programme:%lld", (long long)after->id);
	json_t *aj = prog_audit(after);
	if (ntargets >= 0)
		json_object_set_new(aj, "targets", json_integer(ntargets));
	char *b = before ? audit_text(prog_audit(before)) : NULL, *a = audit_text(aj);
	jn_err e = store_audit(t, sc, action, subj, b, a);
	free(b);
	free(a);
	return e;
}

jn_err programme_create(store *s, const scope *sc, const programme_input *in, json_t **out, jn_fields *fe)
{
	if (!role_may(sc, ROLE_ADMIN))
		return refuse_role(fe, sc, "制定培训计划（由市级人社部门制定）");
	programme p;
	memset(&p, 0, sizeof p);
	snprintf(p.created_by, sizeof p.created_by, "%s", actor_name(sc));
	target_row rows[32];
	int n = -1;
	apply(sc, in, 1, &p, rows, &n, fe);
	if (fe->count)
		return JN_EINVAL;
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	e = store_programme_insert(t, &p);
	if (e == JN_ECONFLICT) {
		fe_add(fe, "name", "duplicate", "该地区已有名为“%s”的培训计划", p.name);
		e = JN_EINVAL;
	}
	if (!e && n > 0)
		e = store_programme_targets_set(t, &p, n, rows);
	if (!e)
		e = audit_prog(t, sc, "programme.create", NULL, &p, n);
	return write_end(t, e, &p, out);
}

jn_err programme_update(store *s, const scope *sc, int64_t id, const programme_input *in, json_t **out,
			jn_fields *fe)
{
	if (!role_may(sc, ROLE_ADMIN))
		return refuse_role(fe, sc, "修改培训计划");
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	programme p, before;
	if ((e = store_programme_get(t, sc, id, &p)) != JN_OK) {
		stx_rollback(t);
		return e;
	}
	before = p;
	if (!store_scope_allows_region(sc, p.region)) {
		fe_add(fe, "region", "out_of_scope", "上级地区的培训计划只能由上级部门修改");
		stx_rollback(t);
		return JN_EFORBIDDEN;
	}
	if (in->version > 0 && in->version != p.version) {
		fe_add(fe, "version", "stale", "计划已被他人修改（当前版本%d），请刷新后再改", p.version);
		stx_rollback(t);
		return JN_ECONFLICT;
	}
	target_row rows[32];
	int n = -1;
	apply(sc, in, 0, &p, rows, &n, fe);
	if (fe->count)
		e = JN_EINVAL;
	if (!e) {
		e = store_programme_update(t, &p, before.version);
		if (e == JN_ECONFLICT && strcmp(p.name, before.name) != 0) {
			fe_add(fe, "name", "duplicate", "该地区已有名为“%s”的培训计划", p.name);
			e = JN_EINVAL;
		}
	}
	if (!e && n >= 0)
		e = store_programme_targets_set(t, &p, n, rows);
	if (!e)
		e = audit_prog(t, sc, "programme.update", &before, &p, n);
	return write_end(t, e, &p, out);
}

jn_err programme_show(store *s, const scope *sc, int64_t id, json_t **out)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	programme p;
	e = store_programme_get(t, sc, id, &p);
	if (!e)
		e = programme_json(t, &p, out);
	stx_rollback(t);
	return e;
}

typedef struct plist {
	programme *v;
	int n, cap;
} plist;

static int take_prog(void *ctx, const programme *p)
{
	plist *l = ctx;
	if (l->n == l->cap) {
		int nc = l->cap ? l->cap * 2 : 64;
		programme *nv = realloc(l->v, (size_t)nc * sizeof *nv);
		if (!nv)
			return 1;
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n++] = *p;
	return 0;
}

jn_err programme_list(store *s, const scope *sc, const programme_filter *f, json_t **items)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	plist l = {0};
	e = store_programme_list(t, sc, f, take_prog, &l);
	json_t *a = json_array();
	for (int i = 0; !e && i < l.n; i++) {
		json_t *j;
		if ((e = programme_json(t, &l.v[i], &j)) == JN_OK)
			json_array_append_new(a, j);
	}
	free(l.v);
	stx_rollback(t);
	if (e) {
		json_decref(a);
		return e;
	}
	*items = a;
	return JN_OK;
}

/* ---- the catalogue ---- */

json_t *catalog_json(const catalog_row *c)
{
	const region_entry *re = region_find(c->region);
	const level_info *l = level_by_rank(c->level);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(c->id));
	json_object_set_new(j, "region", json_string(c->region));
	json_object_set_new(j, "region_name", json_string(re ? re->name : ""));
	json_object_set_new(j, "effective_from", json_string(c->effective_from));
	json_object_set_new(j, "occupation", json_string(c->occupation));
	json_object_set_new(j, "occupation_name", json_string(c->occupation_name));
	json_object_set_new(j, "level", json_integer(c->level));
	json_object_set_new(j, "level_name", json_string(l ? l->name : ""));
	json_object_set_new(j, "standard_fen", json_integer(c->standard_fen));
	json_object_set_new(j, "min_hours", json_integer(c->min_hours));
	json_object_set_new(j, "source", json_string(c->source));
	return j;
}

static int cat_one(void *ctx, const catalog_row *c)
{
	json_array_append_new((json_t *)ctx, catalog_json(c));
	return 0;
}

jn_err catalog_list(store *s, const scope *sc, const char *region, const char *occ, int level, const char *on,
		    json_t **items)
{
	(void)sc; /* the catalogue is published policy: every signed-in staff or provider reads it */
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	json_t *a = json_array();
	e = store_catalog_list(t, region, occ, level, on, cat_one, a);
	stx_rollback(t);
	if (e) {
		json_decref(a);
		return e;
	}
	*items = a;
	return JN_OK;
}

/* One row into c; reasons under prefix (rows[i] or an import's columns). */
static jn_err catalog_row_check(stx *t, const catalog_input *in, const char *prefix, catalog_row *c, jn_fields *fe)
{
	char field[48];
	occupation occ;
	int rc = occupation_resolve(t, in->occupation, &occ);
	if (rc < 0)
		return JN_EDB;
	snprintf(field, sizeof field, "%soccupation", prefix);
	if (!rc)
		fe_add(fe, field, in->occupation && in->occupation[0] ? "unknown_occupation" : "required",
		       "职业应为职业分类大典（2022）中的职业编码或名称");
	else
		snprintf(c->occupation, sizeof c->occupation, "%s", occ.code);
	snprintf(field, sizeof field, "%slevel", prefix);
	int lv = in->level ? level_parse(in->level) : 0;
	if (lv < 1 || lv > 8)
		fe_add(fe, field, in->level && in->level[0] ? "invalid_level" : "required", "等级应为1到8或其名称（如“初级工”）");
	else
		c->level = lv;
	snprintf(field, sizeof field, "%sstandard_fen", prefix);
	if (in->standard_fen <= 0 || in->standard_fen > 10000000)
		fe_add(fe, field, in->standard_fen < 0 ? "required" : "out_of_range", "补贴标准（分）应为正整数，且不超过10万元");
	else
		c->standard_fen = in->standard_fen;
	snprintf(field, sizeof field, "%smin_hours", prefix);
	if (in->min_hours < 0)
		c->min_hours = 0;
	else if (in->min_hours > 2000)
		fe_add(fe, field, "out_of_range", "最少课时应在0到2000之间");
	else
		c->min_hours = in->min_hours;
	return JN_OK;
}

jn_err catalog_add(store *s, const scope *sc, const char *region, const char *effective_from, const char *source,
		   int n, const catalog_input *rows, json_t **out, jn_fields *fe)
{
	if (!role_may(sc, ROLE_ADMIN))
		return refuse_role(fe, sc, "发布补贴工种目录");
	catalog_row base;
	memset(&base, 0, sizeof base);
	const region_entry *re = region && region[0] ? region_find(region) : NULL;
	if (!region || !region[0])
		fe_add(fe, "region", "required", "须指定目录适用的地区（市或省代码）");
	else if (!re || !re->current || strcmp(re->code + 4, "00") != 0)
		fe_add(fe, "region", "not_city", "目录按市（州）或全省发布：地区代码应为市级或省级代码");
	else if (!store_scope_allows_region(sc, re->code) && !(sc->role == ROLE_ADMIN && !sc->region[0]))
		fe_add(fe, "region", "out_of_scope", "%s不在您的管辖范围内", re->name);
	else
		snprintf(base.region, sizeof base.region, "%s", re->code);
	int d = effective_from ? cert_date_parse(effective_from) : 0;
	if (!d)
		fe_add(fe, "effective_from", effective_from && effective_from[0] ? "invalid_date" : "required",
		       "生效日期应为 YYYY-MM-DD 格式的日期");
	else
		cert_date_format(d, base.effective_from);
	take_text(fe, "source", "依据（文件名称或文号）", source, 120, 1, base.source, sizeof base.source);
	if (n <= 0)
		fe_add(fe, "rows", "required", "须列出至少一个工种等级及其补贴标准");
	if (n > 500)
		fe_add(fe, "rows", "too_many", "一次最多发布500行");
	if (fe->count)
		return JN_EINVAL;
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	json_t *items = json_array();
	catalog_row *done = calloc((size_t)n, sizeof *done);
	if (!done)
		e = JN_ENOMEM;
	for (int i = 0; !e && i < n; i++) {
		char prefix[24];
		snprintf(prefix, sizeof prefix, "rows[%d].", i);
		done[i] = base;
		e = catalog_row_check(t, &rows[i], prefix, &done[i], fe);
		for (int k = 0; !e && k < i; k++)
			if (done[k].occupation[0] && strcmp(done[k].occupation, done[i].occupation) == 0 &&
			    done[k].level == done[i].level) {
				char field[32];
				snprintf(field, sizeof field, "rows[%d]", i);
				fe_add(fe, field, "duplicate", "与第%d行的工种和等级重复", k + 1);
			}
	}
	for (int i = 0; !e && !fe->count && i < n; i++) {
		int inserted = 0;
		e = store_catalog_put(t, &done[i], &inserted);
		if (!e && !inserted) {
			char field[32];
			snprintf(field, sizeof field, "rows[%d]", i);
			fe_add(fe, field, "exists", "%s起的目录已有该工种等级，请用新的生效日期发布新版本", base.effective_from);
		}
	}
	if (!e && fe->count)
		e = JN_EINVAL;
	if (!e) {
		scope sys = scope_system();
		(void)sys;
		for (int i = 0; !e && i < n; i++) {
			catalog_row r;
			if ((e = store_catalog_get(t, done[i].id, &r)) == JN_OK)
				json_array_append_new(items, catalog_json(&r));
		}
	}
	if (!e) {
		char subj[64];
		snprintf(subj, sizeof subj, "subsidy_catalog:%s:%s", base.region, base.effective_from);
		char *a = audit_text(json_pack("{s:s, s:s, s:s, s:O}", "region", base.region, "effective_from",
					       base.effective_from, "source", base.source, "rows", items));
		e = store_audit(t, sc, "catalog.add", subj, NULL, a);
		free(a);
	}
	free(done);
	e = tx_end(t, e);
	if (e) {
		json_decref(items);
		return e;
	}
	*out = json_pack("{s:o}", "items", items);
	return JN_OK;
}

/* ---- init ---- */

/* data/subsidy-catalog.csv: region,effective_from,occupation,level,standard_fen,min_hours,source */
typedef struct cat_ctx {
	stx *t;
	int cols[7];
	int header;
	long loaded;
	jn_err e;
	char *err;
	size_t errcap;
} cat_ctx;

static int cat_csv_row(void *ctx, long rowno, int nf, const char *const *f)
{
	cat_ctx *c = ctx;
	static const char *names[7] = {"region", "effective_from", "occupation", "level", "standard_fen", "min_hours",
				       "source"};
	if (!c->header) {
		c->header = 1;
		for (int k = 0; k < 7; k++) {
			c->cols[k] = -1;
			for (int i = 0; i < nf; i++)
				if (strcmp(f[i], names[k]) == 0)
					c->cols[k] = i;
			if (c->cols[k] < 0) {
				snprintf(c->err, c->errcap, "subsidy-catalog.csv 缺少列 %s", names[k]);
				c->e = JN_EINVAL;
				return 1;
			}
		}
		return 0;
	}
	const char *v[7];
	for (int k = 0; k < 7; k++)
		v[k] = c->cols[k] < nf ? f[c->cols[k]] : "";
	if (!v[0][0])
		return 0;
	catalog_row r;
	memset(&r, 0, sizeof r);
	int d = cert_date_parse(v[1]);
	const region_entry *re = region_find(v[0]);
	char *end1, *end2;
	long long fen = strtoll(v[4], &end1, 10);
	long hours = strtol(v[5], &end2, 10);
	int lv = level_parse(v[3]);
	if (!re || !d || *end1 || *end2 || fen <= 0 || hours < 0 || lv < 1) {
		snprintf(c->err, c->errcap, "subsidy-catalog.csv 第%ld行有误", rowno);
		c->e = JN_EINVAL;
		return 1;
	}
	snprintf(r.region, sizeof r.region, "%s", re->code);
	cert_date_format(d, r.effective_from);
	snprintf(r.occupation, sizeof r.occupation, "%s", v[2]);
	r.level = lv;
	r.standard_fen = fen;
	r.min_hours = (int)hours;
	snprintf(r.source, sizeof r.source, "%s", v[6]);
	int inserted;
	c->e = store_catalog_put(c->t, &r, &inserted);
	c->loaded += inserted;
	return c->e ? 1 : 0;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	*len = n;
	return buf;
}

jn_err training_refdata_load(stx *t, const char *datadir, char *err, size_t errcap)
{
	int created = 0;
	jn_err e = store_programmes_from_targets(t, tr_category_infer, &created);
	if (e) {
		snprintf(err, errcap, "建立培训计划失败：%s", stx_errmsg(t));
		return e;
	}
	char path[1024];
	snprintf(path, sizeof path, "%s/subsidy-catalog.csv", datadir);
	size_t len;
	char *raw = read_all(path, &len);
	if (!raw) {
		snprintf(err, errcap, "无法读取 %s", path);
		return JN_EIO;
	}
	char *utf8;
	size_t ulen;
	text_encoding enc;
	int rc = text_to_utf8(raw, len, &utf8, &ulen, &enc, err, errcap);
	free(raw);
	if (rc != TABLE_OK)
		return JN_EINVAL;
	cat_ctx c = {.t = t, .err = err, .errcap = errcap};
	if (csv_read(utf8, ulen, cat_csv_row, &c, err, errcap) < 0)
		e = JN_EINVAL;
	free(utf8);
	if (!e)
		e = c.e;
	return e;
}
