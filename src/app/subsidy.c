/* subsidy.c — subsidy rules as data, claims through their review steps,
 * and the funds they are paid from (see money.h for who may do what).
 * The decisions themselves are core/subsidy.c's; this file gathers the
 * facts, keeps the workflow, and writes the ledger, the record and the
 * audit in the same transaction as each change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/certify.h"
#include "app/money.h"
#include "core/cert.h"
#include "core/grow.h"
#include "core/regions.h"
#include "core/subsidy.h"
#include "io/table.h"
#include "store/store_record.h"
#include "store/store_training.h"

#define MAX_IN_FORCE 128

static void today_text(char out[11]) { ymd_text(store_today(), out); }

static const char *claim_state_zh(const char *st)
{
	static const char *const names[][2] = {{"submitted", "已提交"}, {"reviewed", "县级已审核"}, {"approved", "市级已审批"},
					       {"paid", "已拨付"},       {"refused", "不予补贴"}};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i][0], st) == 0)
			return names[i][1];
	return st;
}

/* ---- rules ---- */

static json_t *rule_json(const subsidy_rule *r)
{
	char date[11];
	cert_date_format(r->effective_from, date);
	const level_info *l = level_by_rank(r->level);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(r->id));
	json_object_set_new(j, "kind", json_string(subsidy_kind_name(r->kind)));
	json_object_set_new(j, "kind_name", json_string(subsidy_kind_name_zh(r->kind)));
	json_object_set_new(j, "code", json_string(r->code));
	json_object_set_new(j, "name", json_string(subsidy_rule_name_zh(r->code)));
	json_object_set_new(j, "level", json_integer(r->level));
	json_object_set_new(j, "level_name", json_string(l && r->level ? l->name : ""));
	json_object_set_new(j, "value", json_integer(r->value));
	json_object_set_new(j, "region", json_string(r->region));
	json_object_set_new(j, "effective_from", json_string(date));
	json_object_set_new(j, "description", json_string(r->description));
	json_object_set_new(j, "source", json_string(r->source));
	return j;
}

/* A rule from text fields (the CSV and the API share this); reasons to fe
 * under prefix+field. */
static int rule_from_input(const rule_input *in, subsidy_rule *r, jn_fields *fe)
{
	int before = fe->count;
	memset(r, 0, sizeof *r);
	r->kind = subsidy_kind_parse(in->kind);
	if (!r->kind)
		fe_add(fe, "kind", in->kind ? "invalid" : "required", "补贴类别应为 training（职业培训补贴）或 upgrade（技能提升补贴）");
	int levelled = 0;
	if (!in->code || !in->code[0])
		fe_add(fe, "code", "required", "须给出规则代码（code）");
	else if (r->kind && !subsidy_rule_known(r->kind, in->code, &levelled))
		fe_add(fe, "code", "unknown_rule", "%s没有规则“%s”", subsidy_kind_name_zh(r->kind), in->code);
	else
		snprintf(r->code, sizeof r->code, "%s", in->code);
	r->level = in->level < 0 ? 0 : in->level;
	if (levelled && (r->level < 1 || r->level > 8))
		fe_add(fe, "level", "required", "按等级的规则须给出等级（1-8）");
	else if (!levelled && r->level)
		fe_add(fe, "level", "not_levelled", "规则“%s”不分等级，level 应为 0", in->code ? in->code : "");
	if (in->value < 0)
		fe_add(fe, "value", "required", "须给出规则的值（value，金额以分计；是否类规则 1 开、0 关）");
	r->value = in->value;
	if (in->region && in->region[0]) {
		if (strlen(in->region) != 6 || !region_find(in->region))
			fe_add(fe, "region", "invalid_region", "地区应为六位行政区划代码，全国通用的规则留空");
		else
			snprintf(r->region, sizeof r->region, "%s", in->region);
	}
	r->effective_from = in->effective_from ? cert_date_parse(in->effective_from) : 0;
	if (!r->effective_from)
		fe_add(fe, "effective_from", in->effective_from && in->effective_from[0] ? "invalid_date" : "required",
		       "生效日期应为 YYYY-MM-DD 格式的日期");
	if (!in->description || !in->description[0])
		fe_add(fe, "description", "required", "须说明规则内容（description）");
	else
		snprintf(r->description, sizeof r->description, "%s", in->description);
	if (!in->source || !in->source[0])
		fe_add(fe, "source", "required", "须注明政策依据（source）");
	else
		snprintf(r->source, sizeof r->source, "%s", in->source);
	return fe->count == before;
}

typedef struct rules_csv {
	stx *t;
	int cols[8];
	int header;
	long row;
	jn_err e;
	char *err;
	size_t errcap;
} rules_csv;

static int rules_row(void *ctx, long rowno, int nf, const char *const *f)
{
	rules_csv *c = ctx;
	static const char *names[8] = {"kind", "code", "level", "value", "region", "effective_from", "description", "source"};
	if (!c->header) {
		c->header = 1;
		for (int k = 0; k < 8; k++) {
			c->cols[k] = -1;
			for (int i = 0; i < nf; i++)
				if (strcmp(f[i], names[k]) == 0)
					c->cols[k] = i;
			if (c->cols[k] < 0) {
				snprintf(c->err, c->errcap, "subsidy-rules.csv 缺少列 %s", names[k]);
				c->e = JN_EINVAL;
				return 1;
			}
		}
		return 0;
	}
	const char *v[8];
	for (int k = 0; k < 8; k++)
		v[k] = c->cols[k] < nf ? f[c->cols[k]] : "";
	if (!v[0][0])
		return 0;
	rule_input in = {v[0], v[1], v[4], v[5], v[6], v[7], atoi(v[2]), v[3][0] ? atoll(v[3]) : -1};
	jn_fields fe = {0};
	subsidy_rule r;
	if (!rule_from_input(&in, &r, &fe)) {
		snprintf(c->err, c->errcap, "subsidy-rules.csv 第%ld行 %s：%s", rowno, fe.e[0].field, fe.e[0].message);
		c->e = JN_EINVAL;
		return 1;
	}
	c->e = store_rule_put(c->t, &r);
	return c->e ? 1 : 0;
}

jn_err subsidy_rules_load(stx *t, const char *datadir, char *err, size_t errcap)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/subsidy-rules.csv", datadir);
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		snprintf(err, errcap, "无法读取 %s", path);
		return JN_EIO;
	}
	char *raw = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			char *nb = realloc(raw, cap);
			if (!nb) {
				free(raw);
				fclose(fp);
				return JN_ENOMEM;
			}
			raw = nb;
		}
		size_t r = fread(raw + len, 1, cap - len, fp);
		len += r;
		if (!r)
			break;
	}
	fclose(fp);
	char *utf8;
	size_t ulen;
	text_encoding enc;
	int rc = text_to_utf8(raw, len, &utf8, &ulen, &enc, err, errcap);
	free(raw);
	if (rc != TABLE_OK)
		return JN_EINVAL;
	rules_csv c = {.t = t, .err = err, .errcap = errcap};
	if (csv_read(utf8, ulen, rules_row, &c, err, errcap) < 0 && !c.e)
		c.e = JN_EINVAL;
	free(utf8);
	return c.e;
}

jn_err subsidy_rule_add(store *s, const scope *sc, const rule_input *in, json_t **out, jn_fields *fe)
{
	if (!role_may(sc, ROLE_ADMIN))
		return refuse_role(fe, sc, "新增补贴规则版本（市级管理员）");
	subsidy_rule r;
	if (!rule_from_input(in, &r, fe))
		return JN_EINVAL;
	if (r.region[0] && !store_scope_allows_region(sc, r.region)) {
		fe_add(fe, "region", "out_of_scope", "地区 %s 不在您的管辖范围内", r.region);
		return JN_EINVAL;
	}
	if (!r.region[0] && !sc->system && sc->region[0]) {
		fe_add(fe, "region", "required", "市级管理员新增的规则须限定在本市（region）");
		return JN_EINVAL;
	}
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	e = store_rule_insert(t, &r, actor_name(sc));
	if (e == JN_ECONFLICT) {
		fe_add(fe, "effective_from", "exists", "同一地区同一生效日期已有这条规则的版本，请用新的生效日期");
		stx_rollback(t);
		return JN_EINVAL;
	}
	json_t *j = rule_json(&r);
	if (!e) {
		char subj[64];
		snprintf(subj, sizeof subj, "subsidy_rule:%lld", (long long)r.id);
		char *after = audit_text(json_deep_copy(j));
		e = store_audit(t, sc, "subsidy_rule.add", subj, NULL, after);
		free(after);
	}
	e = tx_end(t, e);
	if (e) {
		json_decref(j);
		return e;
	}
	*out = j;
	return JN_OK;
}

jn_err subsidy_rule_list(store *s, const scope *sc, const char *kind, const char *as_of, const char *region,
			 json_t **items, jn_fields *fe)
{
	(void)sc;
	subsidy_kind k = 0;
	if (kind && kind[0] && !(k = subsidy_kind_parse(kind)))
		fe_add(fe, "kind", "invalid", "补贴类别应为 training 或 upgrade");
	int on = 0;
	if (as_of && as_of[0] && !(on = cert_date_parse(as_of)))
		fe_add(fe, "as_of", "invalid_date", "日期应为 YYYY-MM-DD");
	if (fe->count)
		return JN_EINVAL;
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	rule_set rs;
	e = store_rules_all(t, &rs);
	stx_rollback(t);
	if (e)
		return e;
	json_t *arr = json_array();
	if (on) {
		for (int kk = SUBSIDY_TRAINING; kk <= SUBSIDY_UPGRADE; kk++) {
			if (k && kk != (int)k)
				continue;
			const subsidy_rule *in[MAX_IN_FORCE];
			int n = subsidy_in_force(rs.r, rs.n, kk, region ? region : "", on, in, MAX_IN_FORCE);
			for (int i = 0; i < n; i++)
				json_array_append_new(arr, rule_json(in[i]));
		}
	} else {
		for (int i = 0; i < rs.n; i++)
			if (!k || rs.r[i].kind == k)
				json_array_append_new(arr, rule_json(&rs.r[i]));
	}
	rule_set_free(&rs);
	*items = arr;
	return JN_OK;
}

/* ---- facts and evaluation ---- */

typedef struct priors {
	subsidy_prior *p;
	int n, cap;
} priors;

static int take_prior(void *ctx, const subsidy_prior *p)
{
	priors *x = ctx;
	return grow_push((void **)&x->p, &x->n, &x->cap, p, sizeof *p) ? 1 : 0;
}

static jn_err evaluate(stx *t, const rule_set *rs, const subsidy_facts *f, const char *region, int64_t person_id,
		       int64_t except, subsidy_decision *d)
{
	const subsidy_rule *in[MAX_IN_FORCE];
	int n = subsidy_in_force(rs->r, rs->n, f->kind, region, f->date, in, MAX_IN_FORCE);
	priors pr = {0};
	jn_err e = store_claim_priors(t, person_id, except, take_prior, &pr);
	if (!e)
		subsidy_evaluate(in, n, f, pr.p, pr.n, d);
	free(pr.p);
	return e;
}

static void facts_training(const training_class *k, const enrolment *en, int date, subsidy_facts *f)
{
	memset(f, 0, sizeof *f);
	f->kind = SUBSIDY_TRAINING;
	f->date = date;
	snprintf(f->occupation, sizeof f->occupation, "%s", k->occupation);
	f->level = k->level;
	snprintf(f->cert_number, sizeof f->cert_number, "%s", en->cert_number);
	f->enrolment_id = en->id;
	f->completed = strcmp(en->state, "completed") == 0;
	f->passed = strcmp(en->result, "passed") == 0;
	f->standard_fen = k->standard_fen;
}

static jn_err facts_upgrade(stx *t, const certificate *c, int date, subsidy_facts *f)
{
	memset(f, 0, sizeof *f);
	f->kind = SUBSIDY_UPGRADE;
	f->date = date;
	snprintf(f->occupation, sizeof f->occupation, "%s", c->occupation);
	f->level = c->level;
	snprintf(f->cert_number, sizeof f->cert_number, "%s", c->number);
	f->cert_valid = c->status == CERT_VALID && c->issued_on[0];
	f->cert_issued = cert_date_parse(c->issued_on);
	char ins[11], tags[256];
	jn_err e = store_person_insurance(t, c->person_id, ins, tags);
	f->insured_from = ins[0] ? cert_date_parse(ins) : 0;
	return e;
}

/* ---- JSON ---- */

static int flag_one(void *ctx, const claim_flag *f)
{
	json_t *j = json_object();
	json_object_set_new(j, "code", json_string(f->code));
	json_object_set_new(j, "name", json_string(fraud_flag_name_zh(f->code)));
	json_object_set_new(j, "detail", json_string(f->detail));
	json_object_set_new(j, "raised_at", json_string(f->raised_at));
	json_object_set_new(j, "cleared", json_boolean(f->cleared_at[0]));
	json_object_set_new(j, "cleared_by", f->cleared_at[0] ? json_string(f->cleared_by) : json_null());
	json_object_set_new(j, "cleared_at", f->cleared_at[0] ? json_string(f->cleared_at) : json_null());
	json_object_set_new(j, "clear_reason", f->cleared_at[0] ? json_string(f->clear_reason) : json_null());
	json_array_append_new(ctx, j);
	return 0;
}

static json_t *opt_text(const char *s) { return s && s[0] ? json_string(s) : json_null(); }
static json_t *opt_int(int64_t v) { return v ? json_integer(v) : json_null(); }

static json_t *claim_json(const claim *c)
{
	const region_entry *re = region_find(c->region);
	const level_info *l = level_by_rank(c->level);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(c->id));
	json_object_set_new(j, "kind", json_string(subsidy_kind_name(c->kind)));
	json_object_set_new(j, "kind_name", json_string(subsidy_kind_name_zh(c->kind)));
	json_object_set_new(j, "person", person_brief(c->person_id, c->person_name, c->id_number));
	json_object_set_new(j, "org_id", opt_int(c->org_id));
	json_object_set_new(j, "org_name", json_string(c->org_name));
	json_object_set_new(j, "class_id", opt_int(c->class_id));
	json_object_set_new(j, "class_name", json_string(c->class_name));
	json_object_set_new(j, "enrolment_id", opt_int(c->enrolment_id));
	json_object_set_new(j, "certificate_number", opt_text(c->cert_number));
	json_object_set_new(j, "occupation", json_string(c->occupation));
	json_object_set_new(j, "occupation_name", json_string(c->occupation_name));
	json_object_set_new(j, "level", json_integer(c->level));
	json_object_set_new(j, "level_name", json_string(l ? l->name : ""));
	json_object_set_new(j, "region", json_string(c->region));
	json_object_set_new(j, "region_name", json_string(re ? re->name : ""));
	json_object_set_new(j, "programme_id", opt_int(c->programme_id));
	json_object_set_new(j, "amount_fen", json_integer(c->amount_fen));
	json_object_set_new(j, "rule_id", opt_int(c->rule_id));
	json_object_set_new(j, "rules_as_of", json_string(c->rules_as_of));
	json_object_set_new(j, "state", json_string(c->state));
	json_object_set_new(j, "state_name", json_string(claim_state_zh(c->state)));
	json_object_set_new(j, "refused_rule", opt_text(c->refused_rule));
	json_object_set_new(j, "refused_rule_name",
			    c->refused_rule[0] ? json_string(strcmp(c->refused_rule, "reviewer") == 0
									 ? "审核人员不予通过"
									 : subsidy_rule_name_zh(c->refused_rule))
					       : json_null());
	json_object_set_new(j, "refused_reason", opt_text(c->refused_reason));
	json_object_set_new(j, "submitted_by", json_string(c->submitted_by));
	json_object_set_new(j, "submitted_at", json_string(c->submitted_at));
	json_object_set_new(j, "reviewed_by", opt_text(c->reviewed_by));
	json_object_set_new(j, "reviewed_at", opt_text(c->reviewed_at));
	json_object_set_new(j, "approved_by", opt_text(c->approved_by));
	json_object_set_new(j, "approved_at", opt_text(c->approved_at));
	json_object_set_new(j, "paid_at", opt_text(c->paid_at));
	json_object_set_new(j, "fund_id", opt_int(c->fund_id));
	json_object_set_new(j, "ledger_id", opt_int(c->ledger_id));
	json_object_set_new(j, "flags_open", json_integer(c->flags_open));
	json_object_set_new(j, "version", json_integer(c->version));
	return j;
}

/* The claim re-read with its flags, inside t. */
static jn_err claim_full(stx *t, int64_t id, json_t **out)
{
	scope sys = scope_system();
	claim c;
	jn_err e = store_claim_get(t, &sys, id, &c);
	if (e)
		return e;
	json_t *j = claim_json(&c);
	json_t *flags = json_array();
	e = store_flags(t, id, flag_one, flags);
	json_object_set_new(j, "flags", flags);
	if (e) {
		json_decref(j);
		return e;
	}
	*out = j;
	return JN_OK;
}

static jn_err claim_audit(stx *t, const scope *sc, const char *action, const claim *c, const char *from,
			  json_t *extra)
{
	char subj[64];
	snprintf(subj, sizeof subj, "claim:%lld", (long long)c->id);
	json_t *aj = extra ? extra : json_object();
	json_object_set_new(aj, "state", json_string(c->state));
	json_object_set_new(aj, "amount_fen", json_integer(c->amount_fen));
	char *before = from ? audit_text(json_pack("{s:s}", "state", from)) : NULL;
	char *after = audit_text(aj);
	jn_err e = store_audit(t, sc, action, subj, before, after);
	free(before);
	free(after);
	return e;
}

/* ---- submission ---- */

static int claim_date(const scope *sc, const char *on, jn_fields *fe)
{
	if (!on || !on[0])
		return store_today();
	int d = cert_date_parse(on);
	if (!sc->system || !d) {
		fe_add(fe, "on", "not_allowed", "申请日期只能是当天");
		return 0;
	}
	return d;
}

typedef struct enrols {
	enrolment *e;
	int n, cap;
} enrols;

static int take_enrol(void *ctx, const enrolment *en)
{
	enrols *x = ctx;
	return grow_push((void **)&x->e, &x->n, &x->cap, en, sizeof *en) ? 1 : 0;
}

static jn_err submit_training(stx *t, const scope *sc, int64_t class_id, int date, json_t **out, jn_fields *fe)
{
	if (!role_may(sc, ROLE_TRAINER | ROLE_ADMIN | ROLE_COUNTY))
		return refuse_role(fe, sc, "申请职业培训补贴（由培训机构申请）");
	training_class k;
	jn_err e = store_class_get(t, sc, class_id, &k);
	if (e == JN_ENOTFOUND) {
		fe_add(fe, "class_id", "not_found", "没有编号为%lld的培训班，或不在您的管辖范围内", (long long)class_id);
		return JN_EINVAL;
	}
	if (e)
		return e;
	if (strcmp(k.state, "closed") != 0) {
		fe_add(fe, "state", "wrong_state", "培训班“%s”尚未结业，结业后才能申请职业培训补贴", k.name);
		return JN_ECONFLICT;
	}
	enrols en = {0};
	e = store_class_enrolments(t, class_id, take_enrol, &en);
	rule_set rs = {0};
	if (!e)
		e = store_rules_all(t, &rs);
	json_t *created = json_array(), *refused = json_array(), *skipped = json_array();
	char day[11];
	ymd_text(date, day);
	int ncreated = 0;
	for (int i = 0; !e && i < en.n; i++) {
		const enrolment *x = &en.e[i];
		if (strcmp(x->state, "withdrawn") == 0)
			continue;
		int64_t existing = 0;
		if ((e = store_claim_of_enrolment(t, x->id, &existing)))
			break;
		if (existing) {
			json_t *sj = person_brief(x->person_id, x->name, x->id_number);
			json_object_set_new(sj, "enrolment_id", json_integer(x->id));
			json_object_set_new(sj, "claim_id", json_integer(existing));
			json_array_append_new(skipped, sj);
			continue;
		}
		subsidy_facts f;
		facts_training(&k, x, date, &f);
		subsidy_decision d;
		if ((e = evaluate(t, &rs, &f, k.region, x->person_id, 0, &d)))
			break;
		if (!d.eligible) {
			json_t *rj = person_brief(x->person_id, x->name, x->id_number);
			json_object_set_new(rj, "enrolment_id", json_integer(x->id));
			json_object_set_new(rj, "rule", json_string(d.rule_code));
			json_object_set_new(rj, "rule_id", opt_int(d.rule_id));
			json_object_set_new(rj, "rule_name", json_string(subsidy_rule_name_zh(d.rule_code)));
			json_object_set_new(rj, "reason", json_string(d.reason));
			json_array_append_new(refused, rj);
			char field[48];
			snprintf(field, sizeof field, "trainees[%d]", i);
			fe_add(fe, field, d.rule_code, "%s：%s", x->name, d.reason);
			continue;
		}
		claim c;
		memset(&c, 0, sizeof c);
		c.kind = SUBSIDY_TRAINING;
		c.person_id = x->person_id;
		c.org_id = k.org_id;
		c.class_id = k.id;
		c.enrolment_id = x->id;
		c.programme_id = k.programme_id;
		snprintf(c.region, sizeof c.region, "%s", k.region);
		snprintf(c.occupation, sizeof c.occupation, "%s", k.occupation);
		c.level = k.level;
		c.amount_fen = d.amount_fen;
		c.rule_id = d.rule_id;
		snprintf(c.rules_as_of, sizeof c.rules_as_of, "%s", day);
		snprintf(c.state, sizeof c.state, "submitted");
		snprintf(c.submitted_by, sizeof c.submitted_by, "%s", actor_name(sc));
		if ((e = store_claim_insert(t, &c)))
			break;
		json_t *ex = json_pack("{s:s, s:I, s:I, s:I}", "kind", "training", "class_id", (json_int_t)k.id,
				       "enrolment_id", (json_int_t)x->id, "rule_id", (json_int_t)d.rule_id);
		if ((e = claim_audit(t, sc, "claim.submit", &c, NULL, ex)))
			break;
		ncreated++;
		json_array_append_new(created, json_integer(c.id));
	}
	/* Flags once every claim of the request exists (the spike counts them). */
	size_t ci;
	json_t *cv;
	json_t *claims = json_array();
	json_array_foreach(created, ci, cv)
	{
		if (e)
			break;
		scope sys = scope_system();
		claim c;
		if (!(e = store_claim_get(t, &sys, json_integer_value(cv), &c)))
			e = fraud_check(t, &c, NULL);
		json_t *cj = NULL;
		if (!e && !(e = claim_full(t, c.id, &cj)))
			json_array_append_new(claims, cj);
	}
	json_decref(created);
	free(en.e);
	rule_set_free(&rs);
	if (!e && !ncreated) {
		if (json_array_size(skipped))
			fe_add(fe, "class_id", "already_claimed", "本班已申请过补贴的学员（%zu人）不再重复申请",
			       json_array_size(skipped));
		else if (!fe->count)
			fe_add(fe, "class_id", "no_trainees", "本班没有可申请补贴的学员");
		e = JN_EINVAL;
	}
	if (e) {
		json_decref(claims);
		json_decref(refused);
		json_decref(skipped);
		return e;
	}
	fe->count = 0;
	*out = json_pack("{s:I, s:s, s:o, s:o, s:o}", "class_id", (json_int_t)class_id, "class_name", k.name, "created",
			 claims, "refused", refused, "skipped", skipped);
	return JN_OK;
}

static jn_err submit_upgrade(stx *t, const scope *sc, const char *number, int date, json_t **out, jn_fields *fe)
{
	if (!role_may(sc, ROLE_WORKER | ROLE_ADMIN | ROLE_COUNTY))
		return refuse_role(fe, sc, "申请技能提升补贴（由本人或经办机构申请）");
	scope sys = scope_system();
	certificate cert;
	jn_err e = number && number[0] ? store_cert_get(t, &sys, number, &cert) : JN_ENOTFOUND;
	person p;
	if (!e)
		e = store_person_get(t, sc, cert.person_id, &p);
	if (e == JN_ENOTFOUND) {
		fe_add(fe, "certificate", number && number[0] ? "not_found" : "required",
		       "须给出本人（或管辖范围内人员）的证书编号（certificate）");
		return JN_EINVAL;
	}
	if (e)
		return e;
	subsidy_facts f;
	rule_set rs;
	if ((e = facts_upgrade(t, &cert, date, &f)) || (e = store_rules_all(t, &rs)))
		return e;
	subsidy_decision d;
	e = evaluate(t, &rs, &f, p.region, p.id, 0, &d);
	rule_set_free(&rs);
	if (e)
		return e;
	if (!d.eligible) {
		fe_add(fe, "rule", d.rule_code, "%s", d.reason);
		return JN_EINVAL;
	}
	/* Whatever the rules in force allow, a certificate is subsidised once. */
	int64_t existing = 0;
	if ((e = store_claim_of_certificate(t, cert.id, &existing)))
		return e;
	if (existing) {
		fe_add(fe, "certificate", "already_claimed", "证书%s已申请过技能提升补贴（第%lld号），同一证书只补贴一次",
		       cert.number, (long long)existing);
		return JN_EINVAL;
	}
	claim c;
	memset(&c, 0, sizeof c);
	c.kind = SUBSIDY_UPGRADE;
	c.person_id = p.id;
	c.certificate_id = cert.id;
	snprintf(c.region, sizeof c.region, "%s", p.region);
	snprintf(c.occupation, sizeof c.occupation, "%s", cert.occupation);
	c.level = cert.level;
	c.amount_fen = d.amount_fen;
	c.rule_id = d.rule_id;
	ymd_text(date, c.rules_as_of);
	snprintf(c.state, sizeof c.state, "submitted");
	snprintf(c.submitted_by, sizeof c.submitted_by, "%s", actor_name(sc));
	e = store_claim_insert(t, &c);
	if (!e)
		e = claim_audit(t, sc, "claim.submit", &c, NULL,
				json_pack("{s:s, s:s, s:I}", "kind", "upgrade", "certificate", cert.number, "rule_id",
					  (json_int_t)d.rule_id));
	if (!e)
		e = claim_full(t, c.id, out);
	return e;
}

jn_err claim_submit(store *s, const scope *sc, const claim_input *in, json_t **out, jn_fields *fe)
{
	subsidy_kind k = subsidy_kind_parse(in->kind);
	if (!k) {
		fe_add(fe, "kind", in->kind ? "invalid" : "required", "补贴类别应为 training（职业培训补贴）或 upgrade（技能提升补贴）");
		return JN_EINVAL;
	}
	if (k == SUBSIDY_TRAINING && in->class_id <= 0) {
		fe_add(fe, "class_id", "required", "申请职业培训补贴须给出已结业的培训班（class_id）");
		return JN_EINVAL;
	}
	if (k == SUBSIDY_UPGRADE && (!in->certificate || !in->certificate[0])) {
		fe_add(fe, "certificate", "required", "申请技能提升补贴须给出证书编号（certificate）");
		return JN_EINVAL;
	}
	int date = claim_date(sc, in->on, fe);
	if (!date)
		return JN_EINVAL;
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	json_t *j = NULL;
	e = k == SUBSIDY_TRAINING ? submit_training(t, sc, in->class_id, date, &j, fe)
				  : submit_upgrade(t, sc, in->certificate, date, &j, fe);
	e = tx_end(t, e);
	if (e) {
		json_decref(j);
		return e;
	}
	*out = j;
	return JN_OK;
}

/* ---- reading ---- */

static int claim_one(void *ctx, const claim *c)
{
	json_array_append_new(ctx, claim_json(c));
	return 0;
}

jn_err claim_list(store *s, const scope *sc, const claim_filter *f, json_t **items, int64_t *total)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	json_t *arr = json_array();
	e = store_claim_list(t, sc, f, claim_one, arr, total);
	stx_rollback(t);
	if (e) {
		json_decref(arr);
		return e;
	}
	*items = arr;
	return JN_OK;
}

static jn_err facts_now(stx *t, const claim *c, subsidy_facts *f);

/* What a reviewer reads: every rule in force on the claim date, each with
 * whether the claim, on the facts as they are now, meets it.  The core
 * stops at the first rule refused; taking that rule out and asking again
 * finds the next, so every failing rule is named, not only the first. */
static jn_err evaluation_json(stx *t, const claim *c, json_t **out)
{
	subsidy_facts f;
	rule_set rs = {0};
	jn_err e = facts_now(t, c, &f);
	if (!e)
		e = store_rules_all(t, &rs);
	priors pr = {0};
	if (!e)
		e = store_claim_priors(t, c->person_id, c->id, take_prior, &pr);
	if (e) {
		rule_set_free(&rs);
		free(pr.p);
		return e;
	}
	const subsidy_rule *in[MAX_IN_FORCE];
	int n = subsidy_in_force(rs.r, rs.n, f.kind, c->region, f.date, in, MAX_IN_FORCE);
	char reason[MAX_IN_FORCE][512];
	int failed[MAX_IN_FORCE] = {0};
	const subsidy_rule *left[MAX_IN_FORCE];
	int nleft = n;
	memcpy(left, in, sizeof *left * (size_t)n);
	for (int round = 0; round < n; round++) {
		subsidy_decision d;
		subsidy_evaluate(left, nleft, &f, pr.p, pr.n, &d);
		if (d.eligible)
			break;
		int hit = -1;
		for (int i = 0; i < n && hit < 0; i++)
			if (!failed[i] && strcmp(in[i]->code, d.rule_code) == 0 && (!d.rule_id || in[i]->id == d.rule_id))
				hit = i;
		if (hit < 0)
			break; /* refused by something that is not a rule row (e.g. the certificate): shown on the claim */
		failed[hit] = 1;
		snprintf(reason[hit], sizeof reason[hit], "%s", d.reason);
		int m = 0;
		for (int i = 0; i < nleft; i++)
			if (left[i] != in[hit])
				left[m++] = left[i];
		nleft = m;
	}
	json_t *arr = json_array();
	for (int i = 0; i < n; i++) {
		json_t *j = rule_json(in[i]);
		json_object_set_new(j, "name", json_string(subsidy_rule_name_zh(in[i]->code)));
		json_object_set_new(j, "ok", json_boolean(!failed[i]));
		json_object_set_new(j, "detail", json_string(failed[i] ? reason[i] : in[i]->description));
		json_array_append_new(arr, j);
	}
	rule_set_free(&rs);
	free(pr.p);
	*out = arr;
	return JN_OK;
}

jn_err claim_show(store *s, const scope *sc, int64_t id, json_t **out)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	claim c;
	e = store_claim_get(t, sc, id, &c);
	if (!e)
		e = claim_full(t, id, out);
	json_t *ev = NULL;
	if (!e && (e = evaluation_json(t, &c, &ev)) != JN_OK) {
		json_decref(*out);
		*out = NULL;
	}
	if (!e)
		json_object_set_new(*out, "evaluation", ev);
	stx_rollback(t);
	return e;
}

/* ---- steps ---- */

/* The facts of a claim as they are now (for the check at approval). */
static jn_err facts_now(stx *t, const claim *c, subsidy_facts *f)
{
	scope sys = scope_system();
	int date = cert_date_parse(c->rules_as_of);
	if (c->kind == SUBSIDY_UPGRADE) {
		certificate cert;
		jn_err e = store_cert_get(t, &sys, c->cert_number, &cert);
		if (e)
			return e;
		return facts_upgrade(t, &cert, date, f);
	}
	training_class k;
	enrolment en;
	jn_err e = store_class_get(t, &sys, c->class_id, &k);
	if (!e)
		e = store_enrolment_of(t, c->class_id, c->person_id, &en);
	if (e)
		return e;
	facts_training(&k, &en, date, f);
	return JN_OK;
}

static jn_err pay(stx *t, const scope *sc, claim *c, int64_t fund_id, jn_fields *fe)
{
	fund fd;
	jn_err e;
	if (fund_id) {
		e = store_fund_get(t, sc, fund_id, &fd);
		if (e == JN_ENOTFOUND) {
			fe_add(fe, "fund_id", "not_found", "没有编号为%lld的资金，或不在您的管辖范围内", (long long)fund_id);
			return JN_EINVAL;
		}
		/* A fund pays only its own programme's claims, in its own region
		 * (the county itself, or the city or province above it). */
		char pre[8];
		region_prefix(fd.region, pre);
		if (!e && (fd.programme_id != c->programme_id || strncmp(c->region, pre, strlen(pre)) != 0)) {
			const region_entry *cr = region_find(c->region), *fr = region_find(fd.region);
			fe_add(fe, "fund_id", "fund_mismatch",
			       "资金“%s”（%s，%s）不能支付这笔补贴（%s，%s）：资金只支付本培训计划、本地区的补贴", fd.name,
			       fr ? fr->name : fd.region, fd.programme_id ? fd.programme_name : "不属于培训计划",
			       cr ? cr->name : c->region, c->programme_id ? "培训计划内" : "不属于培训计划");
			return JN_EINVAL;
		}
	} else {
		e = store_fund_for(t, c->programme_id, c->region, &fd);
		if (e == JN_ENOTFOUND) {
			fe_add(fe, "fund_id", "no_fund", "没有可支付这笔补贴的资金（%s的%s）：请先建立资金并下达预算，或指定 fund_id",
			       region_find(c->region) ? region_find(c->region)->name : c->region,
			       c->programme_id ? "本培训计划" : "不属于培训计划的补贴");
			return JN_EINVAL;
		}
	}
	if (e)
		return e;
	e = store_fund_draw(t, fd.id, c->amount_fen);
	if (e == JN_ECONFLICT) {
		char bal[48], amt[48];
		subsidy_yuan(fd.budget_fen - fd.paid_fen, bal);
		subsidy_yuan(c->amount_fen, amt);
		fe_add(fe, "fund_id", "fund_insufficient", "资金“%s”余额 %s，不足以支付 %s，不能超支", fd.name, bal, amt);
		return JN_ECONFLICT;
	}
	if (e)
		return e;
	ledger_row lr;
	memset(&lr, 0, sizeof lr);
	lr.fund_id = fd.id;
	snprintf(lr.kind, sizeof lr.kind, "payment");
	lr.amount_fen = c->amount_fen;
	snprintf(lr.ref_kind, sizeof lr.ref_kind, "claim");
	lr.ref_id = c->id;
	snprintf(lr.rule_ref, sizeof lr.rule_ref, "subsidy_rule:%lld", (long long)c->rule_id);
	snprintf(lr.note, sizeof lr.note, "%s 第%lld号 %s %s", subsidy_kind_name_zh(c->kind), (long long)c->id,
		 c->person_name, c->kind == SUBSIDY_TRAINING ? c->org_name : c->cert_number);
	snprintf(lr.recorded_by, sizeof lr.recorded_by, "%s", actor_name(sc));
	if ((e = store_ledger_add(t, &lr)))
		return e;
	c->fund_id = fd.id;
	c->ledger_id = lr.id;
	store_now(c->paid_at);
	char today[11];
	today_text(today);
	if (c->kind == SUBSIDY_TRAINING && (e = voucher_redeem(t, sc, c->enrolment_id, today)))
		return e;
	char yuan[48];
	subsidy_yuan(c->amount_fen, yuan);
	record_entry r;
	memset(&r, 0, sizeof r);
	r.person_id = c->person_id;
	snprintf(r.on_date, sizeof r.on_date, "%s", today);
	snprintf(r.kind, sizeof r.kind, "subsidy");
	if (c->kind == SUBSIDY_UPGRADE)
		snprintf(r.title, sizeof r.title, "获得技能提升补贴 %s（证书 %s）", yuan, c->cert_number);
	else
		snprintf(r.title, sizeof r.title, "培训“%.60s”的职业培训补贴 %s 已拨付培训机构 %.60s", c->class_name, yuan,
			 c->org_name);
	char detail[200];
	snprintf(detail, sizeof detail, "{\"claim_id\":%lld,\"kind\":\"%s\",\"amount_fen\":%lld,\"ledger_id\":%lld}",
		 (long long)c->id, subsidy_kind_name(c->kind), (long long)c->amount_fen, (long long)lr.id);
	r.detail = detail;
	snprintf(r.ref_kind, sizeof r.ref_kind, "claim");
	r.ref_id = c->id;
	snprintf(r.source, sizeof r.source, "人力资源和社会保障部门");
	snprintf(r.recorded_by, sizeof r.recorded_by, "%s", actor_name(sc));
	return store_record_add(t, &r);
}

jn_err claim_step(store *s, const scope *sc, int64_t id, claim_action a, const char *reason, int64_t fund_id,
		  json_t **out, jn_fields *fe)
{
	static const struct {
		const char *name, *verb, *need, *to;
		int roles;
	} STEPS[] = {
		[CLAIM_REVIEW] = {"review", "审核补贴申请（县级经办或市级）", "submitted", "reviewed", ROLE_ADMIN | ROLE_COUNTY},
		[CLAIM_APPROVE] = {"approve", "审批补贴申请（市级）", "reviewed", "approved", ROLE_ADMIN},
		[CLAIM_PAY] = {"pay", "拨付补贴（市级）", "approved", "paid", ROLE_ADMIN},
		[CLAIM_REFUSE] = {"refuse", "驳回补贴申请", "", "refused", ROLE_ADMIN | ROLE_COUNTY},
	};
	if (a < CLAIM_REVIEW || a > CLAIM_REFUSE)
		return JN_EINVAL;
	if (!role_may(sc, STEPS[a].roles))
		return refuse_role(fe, sc, STEPS[a].verb);
	char why[512] = "";
	if (a == CLAIM_REFUSE && !take_text(fe, "reason", "驳回原因", reason, 200, 1, why, sizeof why))
		return JN_EINVAL;
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	claim c;
	if ((e = store_claim_get(t, sc, id, &c))) {
		stx_rollback(t);
		return e;
	}
	char from[12];
	snprintf(from, sizeof from, "%s", c.state);
	int ok = a == CLAIM_REFUSE ? (strcmp(c.state, "submitted") == 0 ||
				      (!(sc->role == ROLE_COUNTY && !sc->system) &&
				       (strcmp(c.state, "reviewed") == 0 || strcmp(c.state, "approved") == 0)))
				   : strcmp(c.state, STEPS[a].need) == 0;
	if (!ok) {
		if (a == CLAIM_REFUSE && sc->role == ROLE_COUNTY && strcmp(c.state, "reviewed") == 0)
			fe_add(fe, "state", "wrong_state", "申请已经县级审核，只能由市级驳回");
		else if (a == CLAIM_REFUSE)
			fe_add(fe, "state", "wrong_state", "申请%s，不能再驳回", claim_state_zh(c.state));
		else
			fe_add(fe, "state", "wrong_state", "只有%s的申请才能%s（当前：%s）", claim_state_zh(STEPS[a].need),
			       STEPS[a].name[0] == 'r' ? "审核" : STEPS[a].name[0] == 'a' ? "审批" : "拨付",
			       claim_state_zh(c.state));
		stx_rollback(t);
		return JN_ECONFLICT;
	}
	char now[32];
	store_now(now);
	json_t *extra = json_object();
	if (a == CLAIM_REVIEW) {
		snprintf(c.reviewed_by, sizeof c.reviewed_by, "%s", actor_name(sc));
		snprintf(c.reviewed_at, sizeof c.reviewed_at, "%s", now);
		snprintf(c.state, sizeof c.state, "reviewed");
	} else if (a == CLAIM_APPROVE) {
		/* The rules again, on the facts as they are now. */
		subsidy_facts f;
		rule_set rs = {0};
		subsidy_decision d;
		e = facts_now(t, &c, &f);
		if (!e)
			e = store_rules_all(t, &rs);
		if (!e)
			e = evaluate(t, &rs, &f, c.region, c.person_id, c.id, &d);
		rule_set_free(&rs);
		if (!e && !d.eligible) {
			snprintf(c.state, sizeof c.state, "refused");
			snprintf(c.refused_rule, sizeof c.refused_rule, "%s", d.rule_code);
			snprintf(c.refused_reason, sizeof c.refused_reason, "%s", d.reason);
			json_object_set_new(extra, "refused_rule", json_string(d.rule_code));
			json_object_set_new(extra, "rule_id", opt_int(d.rule_id));
		} else if (!e) {
			c.amount_fen = d.amount_fen;
			c.rule_id = d.rule_id;
			snprintf(c.approved_by, sizeof c.approved_by, "%s", actor_name(sc));
			snprintf(c.approved_at, sizeof c.approved_at, "%s", now);
			snprintf(c.state, sizeof c.state, "approved");
		}
	} else if (a == CLAIM_PAY) {
		e = pay(t, sc, &c, fund_id, fe);
		if (!e) {
			snprintf(c.state, sizeof c.state, "paid");
			json_object_set_new(extra, "fund_id", json_integer(c.fund_id));
			json_object_set_new(extra, "ledger_id", json_integer(c.ledger_id));
		}
	} else {
		snprintf(c.state, sizeof c.state, "refused");
		snprintf(c.refused_rule, sizeof c.refused_rule, "reviewer");
		snprintf(c.refused_reason, sizeof c.refused_reason, "%s", why);
		json_object_set_new(extra, "reason", json_string(why));
	}
	if (!e)
		e = store_claim_write(t, &c, from);
	char action[32];
	snprintf(action, sizeof action, "claim.%s", STEPS[a].name);
	if (!e)
		e = claim_audit(t, sc, action, &c, from, extra);
	else
		json_decref(extra);
	if (!e && out)
		e = claim_full(t, c.id, out);
	return tx_end(t, e);
}

/* ---- funds ---- */

static json_t *fund_json(const fund *f)
{
	const region_entry *re = region_find(f->region);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(f->id));
	json_object_set_new(j, "name", json_string(f->name));
	json_object_set_new(j, "programme_id", opt_int(f->programme_id));
	json_object_set_new(j, "programme_name", json_string(f->programme_name));
	json_object_set_new(j, "region", json_string(f->region));
	json_object_set_new(j, "region_name", json_string(re ? re->name : ""));
	json_object_set_new(j, "budget_fen", json_integer(f->budget_fen));
	json_object_set_new(j, "paid_fen", json_integer(f->paid_fen));
	json_object_set_new(j, "balance_fen", json_integer(f->budget_fen - f->paid_fen));
	json_object_set_new(j, "created_by", json_string(f->created_by));
	json_object_set_new(j, "created_at", json_string(f->created_at));
	json_object_set_new(j, "updated_at", json_string(f->updated_at));
	return j;
}

static jn_err add_budget(stx *t, const scope *sc, int64_t fund_id, int64_t amount, const char *note)
{
	jn_err e = store_fund_add_budget(t, fund_id, amount);
	ledger_row lr;
	memset(&lr, 0, sizeof lr);
	lr.fund_id = fund_id;
	snprintf(lr.kind, sizeof lr.kind, "budget");
	lr.amount_fen = amount;
	snprintf(lr.note, sizeof lr.note, "%s", note && note[0] ? note : "下达预算");
	snprintf(lr.recorded_by, sizeof lr.recorded_by, "%s", actor_name(sc));
	if (!e)
		e = store_ledger_add(t, &lr);
	if (!e) {
		char subj[64], after[160];
		snprintf(subj, sizeof subj, "fund:%lld", (long long)fund_id);
		snprintf(after, sizeof after, "{\"amount_fen\":%lld,\"ledger_id\":%lld}", (long long)amount, (long long)lr.id);
		e = store_audit(t, sc, "fund.budget", subj, NULL, after);
	}
	return e;
}

jn_err fund_create(store *s, const scope *sc, const fund_input *in, json_t **out, jn_fields *fe)
{
	if (!role_may(sc, ROLE_ADMIN))
		return refuse_role(fe, sc, "建立资金（市级管理员）");
	fund f;
	memset(&f, 0, sizeof f);
	take_text(fe, "name", "资金名称", in->name, 60, 1, f.name, sizeof f.name);
	if (!in->region || !in->region[0])
		fe_add(fe, "region", "required", "须给出资金所属地区（region）");
	else if (strlen(in->region) != 6 || !region_find(in->region))
		fe_add(fe, "region", "invalid_region", "地区应为六位行政区划代码");
	else if (!store_scope_allows_region(sc, in->region))
		fe_add(fe, "region", "out_of_scope", "地区 %s 不在您的管辖范围内", in->region);
	else
		snprintf(f.region, sizeof f.region, "%s", in->region);
	if (in->budget_fen < -1 || in->budget_fen > 100000000000LL)
		fe_add(fe, "budget_fen", "out_of_range", "预算应在0到10亿元之间（单位：分）");
	f.programme_id = in->programme_id;
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	if (in->programme_id > 0) {
		programme g;
		jn_err ge = store_programme_get(t, sc, in->programme_id, &g);
		if (ge == JN_ENOTFOUND)
			fe_add(fe, "programme_id", "not_found", "没有编号为%lld的培训计划", (long long)in->programme_id);
		else if (ge)
			e = ge;
	}
	if (!e && fe->count)
		e = JN_EINVAL;
	snprintf(f.created_by, sizeof f.created_by, "%s", actor_name(sc));
	if (!e) {
		e = store_fund_insert(t, &f);
		if (e == JN_ECONFLICT) {
			fe_add(fe, "region", "exists", "该地区的这个培训计划已有资金，请在原资金上追加预算");
			e = JN_EINVAL;
		}
	}
	if (!e) {
		char subj[64];
		snprintf(subj, sizeof subj, "fund:%lld", (long long)f.id);
		char *after = audit_text(json_pack("{s:s, s:s, s:I}", "name", f.name, "region", f.region, "programme_id",
						   (json_int_t)f.programme_id));
		e = store_audit(t, sc, "fund.create", subj, NULL, after);
		free(after);
	}
	if (!e && in->budget_fen > 0)
		e = add_budget(t, sc, f.id, in->budget_fen, in->note);
	scope sys = scope_system();
	if (!e)
		e = store_fund_get(t, &sys, f.id, &f);
	e = tx_end(t, e);
	if (e)
		return e;
	*out = fund_json(&f);
	return JN_OK;
}

static int fund_one(void *ctx, const fund *f)
{
	json_array_append_new(ctx, fund_json(f));
	return 0;
}

jn_err fund_list(store *s, const scope *sc, int64_t programme_id, const char *region, json_t **items)
{
	if (!role_may(sc, ROLE_ADMIN | ROLE_COUNTY))
		return JN_EFORBIDDEN;
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	json_t *arr = json_array();
	e = store_fund_list(t, sc, programme_id, region, fund_one, arr);
	stx_rollback(t);
	if (e) {
		json_decref(arr);
		return e;
	}
	*items = arr;
	return JN_OK;
}

jn_err fund_show(store *s, const scope *sc, int64_t id, json_t **out)
{
	if (!role_may(sc, ROLE_ADMIN | ROLE_COUNTY))
		return JN_ENOTFOUND;
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	fund f;
	e = store_fund_get(t, sc, id, &f);
	stx_rollback(t);
	if (e)
		return e;
	*out = fund_json(&f);
	return JN_OK;
}

jn_err fund_budget(store *s, const scope *sc, int64_t id, int64_t amount_fen, const char *note, json_t **out,
		   jn_fields *fe)
{
	if (!role_may(sc, ROLE_ADMIN))
		return refuse_role(fe, sc, "下达资金预算（市级管理员）");
	char text[512] = "";
	if (amount_fen <= 0 || amount_fen > 100000000000LL)
		fe_add(fe, "amount_fen", amount_fen < 0 ? "required" : "out_of_range", "追加的预算应在1分到10亿元之间（单位：分）");
	if (note)
		take_text(fe, "note", "说明", note, 200, 0, text, sizeof text);
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	fund f;
	e = store_fund_get(t, sc, id, &f);
	if (!e && fe->count)
		e = JN_EINVAL;
	if (!e)
		e = add_budget(t, sc, id, amount_fen, text);
	if (!e)
		e = store_fund_get(t, sc, id, &f);
	e = tx_end(t, e);
	if (e)
		return e;
	*out = fund_json(&f);
	return JN_OK;
}

static int ledger_one(void *ctx, const ledger_row *x)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(x->id));
	json_object_set_new(j, "fund_id", json_integer(x->fund_id));
	json_object_set_new(j, "at", json_string(x->at));
	json_object_set_new(j, "kind", json_string(x->kind));
	json_object_set_new(j, "amount_fen", json_integer(x->amount_fen));
	json_object_set_new(j, "ref_kind", opt_text(x->ref_kind));
	json_object_set_new(j, "ref_id", opt_int(x->ref_id));
	json_object_set_new(j, "rule_ref", opt_text(x->rule_ref));
	json_object_set_new(j, "note", json_string(x->note));
	json_object_set_new(j, "recorded_by", json_string(x->recorded_by));
	json_array_append_new(ctx, j);
	return 0;
}

jn_err fund_ledger(store *s, const scope *sc, int64_t id, int page, int per_page, json_t **items, int64_t *total)
{
	if (!role_may(sc, ROLE_ADMIN | ROLE_COUNTY))
		return JN_ENOTFOUND;
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	fund f;
	e = store_fund_get(t, sc, id, &f);
	json_t *arr = json_array();
	if (!e)
		e = store_ledger_list(t, id, NULL, 0, page, per_page, ledger_one, arr, total);
	stx_rollback(t);
	if (e) {
		json_decref(arr);
		return e;
	}
	*items = arr;
	return JN_OK;
}
