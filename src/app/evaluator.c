/* evaluator.c — registering evaluation bodies (评价机构): an organisation of
 * kind evaluator becomes a Y body (用人单位自主评价, evaluating the staff of
 * one employer) or an S body (社会培训评价组织), with its body code, site
 * serial and the occupation x level pairs it may evaluate; and its
 * examiners (考评员) and quality supervisors (质量督导员), who are persons of
 * the registry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/certify.h"
#include "core/idcard.h"
#include "core/regions.h"

#define MAX_PAIRS 500

static const char *staff_role_zh(const char *r)
{
	return strcmp(r, "examiner") == 0 ? "考评员" : strcmp(r, "supervisor") == 0 ? "质量督导员" : "";
}

typedef struct show_ctx {
	stx *t;
	json_t *arr;
	jn_err e;
} show_ctx;

static int pair_one(void *ctx, const eval_pair *p)
{
	show_ctx *c = ctx;
	occupation o;
	if (store_occupation_get(c->t, p->occupation, &o) != JN_OK)
		snprintf(o.name, sizeof o.name, "%s", "");
	const level_info *l = level_by_rank(p->level);
	json_t *j = json_object();
	json_object_set_new(j, "occupation", json_string(p->occupation));
	json_object_set_new(j, "occupation_name", json_string(o.name));
	json_object_set_new(j, "level", json_integer(p->level));
	json_object_set_new(j, "level_name", json_string(l ? l->name : ""));
	json_array_append_new(c->arr, j);
	return 0;
}

static int staff_one(void *ctx, const eval_staff *s)
{
	show_ctx *c = ctx;
	json_t *j = person_brief(s->person_id, s->name, s->id_number);
	json_object_set_new(j, "role", json_string(s->role));
	json_object_set_new(j, "role_name", json_string(staff_role_zh(s->role)));
	json_object_set_new(j, "employer", json_string(s->employer));
	json_object_set_new(j, "created_at", json_string(s->created_at));
	json_array_append_new(c->arr, j);
	return 0;
}

static json_t *reg_json(const evaluator_reg *r)
{
	const region_entry *re = region_find(r->region);
	json_t *j = json_object();
	char prefix[16];
	snprintf(prefix, sizeof prefix, "%c%s%s%s", r->body_type, r->body_code, CERT_PROVINCE, r->site_serial);
	json_object_set_new(j, "org_id", json_integer(r->org_id));
	json_object_set_new(j, "name", json_string(r->name));
	json_object_set_new(j, "region", json_string(r->region));
	json_object_set_new(j, "region_name", json_string(re ? re->name : ""));
	json_object_set_new(j, "body_type", json_string((char[2]){r->body_type, 0}));
	json_object_set_new(j, "body_type_name",
			    json_string(r->body_type == 'Y' ? "用人单位自主评价" : "社会培训评价组织"));
	json_object_set_new(j, "body_code", json_string(r->body_code));
	json_object_set_new(j, "site_serial", json_string(r->site_serial));
	json_object_set_new(j, "number_prefix", json_string(prefix));
	json_object_set_new(j, "employer_org_id", r->employer_org_id ? json_integer(r->employer_org_id) : json_null());
	json_object_set_new(j, "employer_name", json_string(r->employer_name));
	json_object_set_new(j, "created_at", json_string(r->created_at));
	json_object_set_new(j, "updated_at", json_string(r->updated_at));
	return j;
}

/* The registration with pairs and staff, read inside t. */
static jn_err full_json(stx *t, const evaluator_reg *r, json_t **out)
{
	json_t *j = reg_json(r);
	show_ctx c = {t, json_array(), JN_OK};
	jn_err e = store_evaluator_pairs(t, r->org_id, pair_one, &c);
	json_object_set_new(j, "pairs", c.arr);
	c.arr = json_array();
	if (!e)
		e = store_evaluator_staff(t, r->org_id, staff_one, &c);
	json_object_set_new(j, "staff", c.arr);
	if (e) {
		json_decref(j);
		return e;
	}
	*out = j;
	return JN_OK;
}

static int all_digits(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

jn_err evaluator_register(store *s, const scope *sc, int64_t org_id, const evaluator_input *in, json_t **out,
			  jn_fields *fe)
{
	if (!role_may(sc, ROLE_ADMIN))
		return refuse_role(fe, sc, "登记评价机构");
	evaluator_reg r;
	memset(&r, 0, sizeof r);
	r.org_id = org_id;
	if (!in->body_type || !in->body_type[0])
		fe_add(fe, "body_type", "required", "机构类型必须填写：Y（用人单位自主评价）或 S（社会培训评价组织）");
	else if (strcmp(in->body_type, "Y") != 0 && strcmp(in->body_type, "S") != 0)
		fe_add(fe, "body_type", "invalid", "机构类型应为 Y（用人单位自主评价）或 S（社会培训评价组织）");
	else
		r.body_type = in->body_type[0];
	if (!all_digits(in->body_code, 4))
		fe_add(fe, "body_code", in->body_code && in->body_code[0] ? "invalid" : "required",
			      "机构代码应为4位数字（在省级备案的为0000）");
	else
		memcpy(r.body_code, in->body_code, 5);
	if (!all_digits(in->site_serial, 6))
		fe_add(fe, "site_serial", in->site_serial && in->site_serial[0] ? "invalid" : "required",
			      "认定站点编号应为6位数字");
	else
		memcpy(r.site_serial, in->site_serial, 7);
	if (r.body_type == 'Y' && !in->employer_org_id)
		fe_add(fe, "employer_org_id", "required", "用人单位自主评价机构须指定所属用人单位（其职工为评价对象）");
	if (r.body_type == 'S' && in->employer_org_id)
		fe_add(fe, "employer_org_id", "not_applicable", "社会培训评价组织不属于某一用人单位，不能指定");
	if (in->npairs <= 0)
		fe_add(fe, "pairs", "required", "须列出可评价的职业和等级（至少一项）");
	else if (in->npairs > MAX_PAIRS)
		fe_add(fe, "pairs", "too_many", "职业和等级最多%d项", MAX_PAIRS);

	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	org o;
	e = store_org_get(t, sc, org_id, &o);
	if (e) {
		stx_rollback(t);
		return e;
	}
	if (o.kind != ORG_EVALUATOR)
		fe_add(fe, "org_id", "not_evaluator", "“%s”是%s，只有评价机构可以登记", o.name, org_kind_name_zh(o.kind));
	if (r.body_type == 'Y' && in->employer_org_id) {
		org emp;
		scope sys = scope_system();
		if (store_org_get(t, &sys, in->employer_org_id, &emp) != JN_OK)
			fe_add(fe, "employer_org_id", "not_found", "机构%lld不存在", (long long)in->employer_org_id);
		else if (emp.kind != ORG_EMPLOYER)
			fe_add(fe, "employer_org_id", "not_employer", "“%s”不是用人单位", emp.name);
		else
			r.employer_org_id = emp.id;
	}
	eval_pair *pairs = calloc(in->npairs > 0 && in->npairs <= MAX_PAIRS ? (size_t)in->npairs : 1, sizeof *pairs);
	int np = 0;
	if (!pairs) {
		stx_rollback(t);
		return JN_ENOMEM;
	}
	for (int i = 0; in->npairs <= MAX_PAIRS && i < in->npairs; i++) {
		char field[48];
		occupation occ;
		snprintf(field, sizeof field, "pairs[%d].occupation", i);
		int rc = occupation_resolve(t, in->pairs[i].occupation, &occ);
		if (rc < 0) {
			e = JN_EDB;
			break;
		}
		if (!rc) {
			fe_add(fe, field, "unknown_occupation", "职业“%s”不在职业分类大典（2022）中",
				      in->pairs[i].occupation ? in->pairs[i].occupation : "");
			continue;
		}
		int lv = in->pairs[i].level;
		snprintf(field, sizeof field, "pairs[%d].level", i);
		if (lv < 2 || lv > 8) {
			fe_add(fe, field, "invalid_level", "等级应为2（初级工）到8（首席技师）");
			continue;
		}
		if (lv >= 7 && r.body_type != 'Y') {
			fe_add(fe, field, "level_y_only", "特级技师、首席技师只能由用人单位自主评价机构（Y类）评聘");
			continue;
		}
		int off = level_offered(t, occ.code, lv);
		if (off < 0) {
			e = JN_EDB;
			break;
		}
		if (!off) {
			fe_add(fe, field, "level_not_offered", "%s（%s）不设%s", occ.name, occ.code,
				      lv >= 7 ? "高级技师，因而也不设特级技师、首席技师" : LEVELS[lv - 1].name);
			continue;
		}
		int dup = 0;
		for (int k = 0; k < np; k++)
			dup |= pairs[k].level == lv && strcmp(pairs[k].occupation, occ.code) == 0;
		if (!dup) {
			snprintf(pairs[np].occupation, sizeof pairs[np].occupation, "%s", occ.code);
			pairs[np++].level = lv;
		}
	}
	if (!e && fe->count)
		e = JN_EINVAL;
	evaluator_reg before;
	scope sys = scope_system();
	int had = 0;
	char *bjson = NULL;
	if (!e) {
		jn_err ge = store_evaluator_get(t, &sys, org_id, &before);
		had = ge == JN_OK;
		if (ge && ge != JN_ENOTFOUND)
			e = ge;
		json_t *bj = NULL;
		if (!e && had && (e = full_json(t, &before, &bj)) == JN_OK) {
			json_object_del(bj, "staff");
			bjson = audit_text(bj);
		}
	}
	if (!e) {
		e = store_evaluator_put(t, &r);
		if (e == JN_ECONFLICT)
			fe_add(fe, "site_serial", "duplicate", "已有评价机构使用 %c%s 和站点编号 %s", r.body_type,
				      r.body_code, r.site_serial);
	}
	if (!e)
		e = store_evaluator_pairs_set(t, org_id, np, pairs);
	free(pairs);
	evaluator_reg now;
	json_t *j = NULL;
	if (!e && (e = store_evaluator_get(t, &sys, org_id, &now)) == JN_OK)
		e = full_json(t, &now, &j);
	if (!e) {
		json_t *aj = json_deep_copy(j);
		json_object_del(aj, "staff");
		char *after = audit_text(aj), subj[64];
		snprintf(subj, sizeof subj, "org:%lld", (long long)org_id);
		e = store_audit(t, sc, had ? "evaluator.update" : "evaluator.register", subj, bjson, after);
		free(after);
	}
	free(bjson);
	e = tx_end(t, e);
	if (e) {
		json_decref(j);
		return e;
	}
	*out = j;
	return JN_OK;
}

typedef struct list_ctx {
	json_t *arr;
} list_ctx;

static int reg_one(void *ctx, const evaluator_reg *r)
{
	json_array_append_new(((list_ctx *)ctx)->arr, reg_json(r));
	return 0;
}

jn_err evaluator_list(store *s, const scope *sc, json_t **items)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	list_ctx c = {json_array()};
	e = store_evaluator_list(t, sc, reg_one, &c);
	stx_rollback(t);
	if (e) {
		json_decref(c.arr);
		return e;
	}
	*items = c.arr;
	return JN_OK;
}

jn_err evaluator_show(store *s, const scope *sc, int64_t org_id, json_t **out)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	evaluator_reg r;
	e = store_evaluator_get(t, sc, org_id, &r);
	if (!e)
		e = full_json(t, &r, out);
	stx_rollback(t);
	return e;
}

jn_err evaluator_staff_add(store *s, const scope *sc, int64_t org_id, const staff_input *in, json_t **out,
			   jn_fields *fe)
{
	if (!role_may(sc, ROLE_ADMIN | ROLE_EVALUATOR))
		return refuse_role(fe, sc, "登记考评人员");
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	evaluator_reg r;
	if ((e = store_evaluator_get(t, sc, org_id, &r)) != JN_OK) {
		stx_rollback(t);
		return e;
	}
	const char *role_code = in->role && in->role[0] ? in->role : NULL;
	if (!role_code)
		fe_add(fe, "role", "required", "须说明是 examiner（考评员）还是 supervisor（质量督导员）");
	else if (!staff_role_zh(role_code)[0])
		fe_add(fe, "role", "invalid", "应为 examiner（考评员）或 supervisor（质量督导员）");
	person p;
	scope sys = scope_system();
	jn_err pe = JN_ENOTFOUND;
	if (in->person_id > 0) {
		pe = store_person_get(t, &sys, in->person_id, &p);
		if (pe == JN_ENOTFOUND)
			fe_add(fe, "person_id", "not_registered", "编号为%lld的人员未登记", (long long)in->person_id);
	} else if (in->id_number && in->id_number[0]) {
		id_info info;
		id_status st = id_parse(in->id_number, strlen(in->id_number), store_today(), &info);
		if (st != ID_OK) {
			char msg[256];
			id_status_message(st, &info, msg, sizeof msg);
			fe_add(fe, "id_number", id_status_code(st), "%s", msg);
		} else {
			pe = store_person_by_id_number(t, &sys, info.number, &p);
			if (pe == JN_ENOTFOUND)
				fe_add(fe, "id_number", "not_registered", "身份证号%s的人员未登记，请先登记再聘为考评人员",
					      info.number);
		}
	} else {
		fe_add(fe, "id_number", "required", "须给出人员编号（person_id）或身份证号（id_number）");
	}
	if (pe && pe != JN_ENOTFOUND)
		e = pe;
	if (!e && fe->count)
		e = JN_EINVAL;
	if (!e) {
		e = store_evaluator_staff_add(t, org_id, p.id, role_code);
		if (e == JN_ECONFLICT)
			fe_add(fe, in->person_id > 0 ? "person_id" : "id_number", "duplicate", "%s已是本机构的%s",
				      p.name, staff_role_zh(role_code));
	}
	if (!e) {
		char subj[64];
		snprintf(subj, sizeof subj, "org:%lld", (long long)org_id);
		json_t *a = json_pack("{s:I, s:s, s:s}", "person_id", (json_int_t)p.id, "name", p.name, "role", role_code);
		char *after = audit_text(a);
		e = store_audit(t, sc, "evaluator.staff", subj, NULL, after);
		free(after);
	}
	json_t *j = NULL;
	if (!e)
		e = full_json(t, &r, &j);
	e = tx_end(t, e);
	if (e) {
		json_decref(j);
		return e;
	}
	*out = j;
	return JN_OK;
}
