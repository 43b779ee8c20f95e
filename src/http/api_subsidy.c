/* api_subsidy.c — /api/v1/subsidy-rules, /api/v1/claims, /api/v1/funds:
 * subsidy rules as data, claims through their steps with fraud flags, and
 * the funds they are paid from (app/subsidy.c, app/fraud.c).  A claim or
 * fund outside the caller's scope is 404 before its body is read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/money.h"
#include "http/http.h"

#define NOT_FOUND_CLAIM "没有这份补贴申请，或不在您的管辖范围内"
#define NOT_FOUND_FUND "没有这项资金，或不在您的管辖范围内"

static json_t *optional_json(req *r, resp *out)
{
	if (!r->body_len)
		return json_object();
	return req_json(r, out);
}

static int64_t claim_of(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	json_t *j = NULL;
	if (!id || claim_show(r->store, &r->sc, id, &j) != JN_OK) {
		resp_problem(out, JN_ENOTFOUND, NULL, NOT_FOUND_CLAIM);
		return 0;
	}
	json_decref(j);
	return id;
}

static int64_t fund_of(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	json_t *j = NULL;
	if (!id || fund_show(r->store, &r->sc, id, &j) != JN_OK) {
		resp_problem(out, JN_ENOTFOUND, NULL, NOT_FOUND_FUND);
		return 0;
	}
	json_decref(j);
	return id;
}

static int64_t int_field(json_t *b, const char *name, const char *what, jn_fields *fe)
{
	json_t *v = json_object_get(b, name);
	if (!v || json_is_null(v))
		return -1;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		jn_fields_add(fe, name, "wrong_type", "应为%s（非负整数）", what);
		return -2;
	}
	return json_integer_value(v);
}

/* ---- rules ---- */

void api_rule_list(req *r, resp *out)
{
	int bad = 0;
	jn_fields fe = {0};
	const char *kind = req_query(r, "kind", 20, &bad);
	const char *as_of = req_query(r, "as_of", 20, &bad);
	const char *region = req_query(r, "region", 6, &bad);
	char reg[7] = "";
	if (region)
		req_region(region, reg, &fe);
	if (resp_bad_query(out, bad, &fe))
		return;
	json_t *items = NULL;
	jn_err e = subsidy_rule_list(r->store, &r->sc, kind, as_of, reg, &items, &fe);
	if (e == JN_EINVAL) {
		resp_problem(out, e, &fe, NULL);
		return;
	}
	resp_list(out, e, e ? json_array() : items);
}

void api_rule_add(req *r, resp *out)
{
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"kind", "code", "level", "value", "region", "effective_from",
					      "description", "source", NULL};
	json_only_fields(b, allowed, &fe);
	rule_input in = {0};
	in.kind = json_field_str(b, "kind", 20, &fe);
	in.code = json_field_str(b, "code", 31, &fe);
	in.region = json_field_str(b, "region", 6, &fe);
	in.effective_from = json_field_str(b, "effective_from", 20, &fe);
	in.description = json_field_str(b, "description", 240, &fe);
	in.source = json_field_str(b, "source", 240, &fe);
	in.level = json_field_int(b, "level", -1, 0, 8, &fe);
	int64_t v = int_field(b, "value", "规则的值", &fe);
	in.value = v < 0 ? -1 : v;
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : subsidy_rule_add(r->store, &r->sc, &in, &j, &fe);
	json_decref(b);
	resp_outcome(out, e, &fe, j, 201);
}

/* ---- claims ---- */

void api_claim_create(req *r, resp *out)
{
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"kind", "class_id", "certificate", NULL};
	json_only_fields(b, allowed, &fe);
	claim_input in = {0};
	in.kind = json_field_str(b, "kind", 20, &fe);
	in.certificate = json_field_str(b, "certificate", 30, &fe);
	int64_t cid = int_field(b, "class_id", "培训班编号", &fe);
	in.class_id = cid > 0 ? cid : 0;
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : claim_submit(r->store, &r->sc, &in, &j, &fe);
	json_decref(b);
	if (e == JN_EINVAL && fe.count) {
		resp_problem(out, e, &fe, "%s", fe.e[0].message);
		return;
	}
	resp_outcome(out, e, &fe, j, 201);
}

void api_claim_list(req *r, resp *out)
{
	int bad = 0;
	jn_fields fe = {0};
	claim_filter f;
	memset(&f, 0, sizeof f);
	const char *state = req_query(r, "state", 12, &bad);
	const char *kind = req_query(r, "kind", 20, &bad);
	const char *flagged = req_query(r, "flagged", 5, &bad);
	const char *region = req_query(r, "region", 6, &bad);
	f.org_id = req_id(r, "org", "机构", &fe, &bad);
	f.person_id = req_id(r, "person", "人员", &fe, &bad);
	f.class_id = req_id(r, "class", "培训班", &fe, &bad);
	req_paging(r, &f.page, &f.per_page, &fe, &bad);
	static const char *const states[] = {"submitted", "reviewed", "approved", "paid", "refused"};
	if (state) {
		int ok = 0;
		for (int i = 0; i < 5; i++)
			ok |= strcmp(state, states[i]) == 0;
		if (!ok)
			jn_fields_add(&fe, "state", "invalid", "状态应为 submitted、reviewed、approved、paid 或 refused");
		else
			snprintf(f.state, sizeof f.state, "%s", state);
	}
	if (kind && !(f.kind = subsidy_kind_parse(kind)))
		jn_fields_add(&fe, "kind", "invalid", "补贴类别应为 training 或 upgrade");
	if (flagged) {
		if (strcmp(flagged, "1") && strcmp(flagged, "0") && strcmp(flagged, "true") && strcmp(flagged, "false"))
			jn_fields_add(&fe, "flagged", "invalid", "flagged 应为 1 或 0");
		f.flagged = strcmp(flagged, "1") == 0 || strcmp(flagged, "true") == 0;
	}
	if (region)
		req_region(region, f.region, &fe);
	if (resp_bad_query(out, bad, &fe))
		return;
	json_t *items = NULL;
	int64_t total = 0;
	jn_err e = claim_list(r->store, &r->sc, &f, &items, &total);
	json_t *j = resp_list(out, e, e ? json_array() : items);
	if (j)
		resp_page(j, total, -1, f.page, f.per_page);
}

void api_claim_get(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	json_t *j = NULL;
	jn_err e = id ? claim_show(r->store, &r->sc, id, &j) : JN_ENOTFOUND;
	if (e == JN_ENOTFOUND) {
		resp_problem(out, e, NULL, NOT_FOUND_CLAIM);
		return;
	}
	jn_fields fe = {0};
	resp_outcome(out, e, &fe, j, 200);
}

static void step(req *r, resp *out, claim_action a)
{
	int64_t id = claim_of(r, out);
	if (!id)
		return;
	json_t *b = optional_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"reason", "fund_id", NULL};
	json_only_fields(b, allowed, &fe);
	const char *reason = json_field_str(b, "reason", 800, &fe);
	int64_t fund_id = int_field(b, "fund_id", "资金编号", &fe);
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL
			    : claim_step(r->store, &r->sc, id, a, reason, fund_id > 0 ? fund_id : 0, &j, &fe);
	json_decref(b);
	resp_outcome(out, e, &fe, j, 200);
}

void api_claim_review(req *r, resp *out) { step(r, out, CLAIM_REVIEW); }
void api_claim_approve(req *r, resp *out) { step(r, out, CLAIM_APPROVE); }
void api_claim_pay(req *r, resp *out) { step(r, out, CLAIM_PAY); }
void api_claim_refuse(req *r, resp *out) { step(r, out, CLAIM_REFUSE); }

void api_claim_flags_check(req *r, resp *out)
{
	int64_t id = claim_of(r, out);
	if (!id)
		return;
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e = claim_flags_recheck(r->store, &r->sc, id, &j, &fe);
	resp_outcome(out, e, &fe, j, 200);
}

void api_claim_flag_clear(req *r, resp *out)
{
	int64_t id = claim_of(r, out);
	if (!id)
		return;
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"reason", NULL};
	json_only_fields(b, allowed, &fe);
	const char *reason = json_field_str(b, "reason", 800, &fe);
	json_t *j = NULL;
	const char *code = r->nparams > 1 ? r->params[1] : "";
	jn_err e = fe.count ? JN_EINVAL : claim_flag_clear(r->store, &r->sc, id, code, reason, &j, &fe);
	json_decref(b);
	resp_outcome(out, e, &fe, j, 200);
}

/* ---- funds ---- */

void api_fund_create(req *r, resp *out)
{
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"name", "programme_id", "region", "budget_fen", "note", NULL};
	json_only_fields(b, allowed, &fe);
	fund_input in = {0};
	in.name = json_field_str(b, "name", 240, &fe);
	in.region = json_field_str(b, "region", 6, &fe);
	in.note = json_field_str(b, "note", 800, &fe);
	int64_t pid = int_field(b, "programme_id", "培训计划编号", &fe);
	in.programme_id = pid > 0 ? pid : 0;
	int64_t bud = int_field(b, "budget_fen", "预算（分）", &fe);
	in.budget_fen = bud >= 0 ? bud : -1;
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : fund_create(r->store, &r->sc, &in, &j, &fe);
	json_decref(b);
	resp_outcome(out, e, &fe, j, 201);
}

void api_fund_list(req *r, resp *out)
{
	int bad = 0;
	jn_fields fe = {0};
	const char *region = req_query(r, "region", 6, &bad);
	int64_t programme = req_id(r, "programme", "培训计划", &fe, &bad);
	char reg[7] = "";
	if (region)
		req_region(region, reg, &fe);
	if (resp_bad_query(out, bad, &fe))
		return;
	json_t *items = NULL;
	jn_err e = fund_list(r->store, &r->sc, programme, reg, &items);
	resp_list(out, e, e ? json_array() : items);
}

void api_fund_get(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	json_t *j = NULL;
	jn_err e = id ? fund_show(r->store, &r->sc, id, &j) : JN_ENOTFOUND;
	if (e == JN_ENOTFOUND) {
		resp_problem(out, e, NULL, NOT_FOUND_FUND);
		return;
	}
	jn_fields fe = {0};
	resp_outcome(out, e, &fe, j, 200);
}

void api_fund_budget(req *r, resp *out)
{
	int64_t id = fund_of(r, out);
	if (!id)
		return;
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"amount_fen", "note", NULL};
	json_only_fields(b, allowed, &fe);
	int64_t amt = int_field(b, "amount_fen", "金额（分）", &fe);
	const char *note = json_field_str(b, "note", 800, &fe);
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : fund_budget(r->store, &r->sc, id, amt, note, &j, &fe);
	json_decref(b);
	resp_outcome(out, e, &fe, j, 200);
}

void api_fund_ledger(req *r, resp *out)
{
	int64_t id = fund_of(r, out);
	if (!id)
		return;
	int bad = 0, page, per;
	jn_fields fe = {0};
	req_paging(r, &page, &per, &fe, &bad);
	if (resp_bad_query(out, bad, &fe))
		return;
	json_t *items = NULL;
	int64_t total = 0;
	jn_err e = fund_ledger(r->store, &r->sc, id, page, per, &items, &total);
	json_t *j = resp_list(out, e, e ? json_array() : items);
	if (j)
		resp_page(j, total, -1, page, per);
}

/* ---- the request schemas of the OpenAPI document ---- */

static json_t *object(json_t *props, json_t *required)
{
	json_t *o = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props, "additionalProperties", 0);
	if (required)
		json_object_set_new(o, "required", required);
	return o;
}

#define T(x) json_pack("{s:s}", "type", x)

void money_openapi_schemas(json_t *s)
{
	json_object_set_new(
		s, "VoucherIssueInput",
		object(json_pack("{s:o, s:o, s:{s:s, s:o}, s:{s:s, s:[s,s]}, s:o, s:o, s:o, s:{s:s, s:o}, s:o, s:o, s:o,"
				 " s:o}",
				 "person_id", T("integer"), "region", T("string"), "tags", "type", "array", "items",
				 T("string"), "tags_match", "type", "string", "enum", "any", "all", "age_min", T("integer"),
				 "age_max", T("integer"), "level_max", T("integer"), "occupations", "type", "array", "items",
				 T("string"), "amount_fen", T("integer"), "expires_on", T("string"), "programme_id",
				 T("integer"), "dry_run", T("boolean")),
		       json_pack("[s,s,s]", "occupations", "amount_fen", "expires_on")));
	json_object_set_new(s, "SubsidyRuleInput",
			    object(json_pack("{s:{s:s, s:[s,s]}, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "kind", "type",
					     "string", "enum", "training", "upgrade", "code", T("string"), "level",
					     T("integer"), "value", T("integer"), "region", T("string"), "effective_from",
					     T("string"), "description", T("string"), "source", T("string")),
				   json_pack("[s,s,s,s,s,s]", "kind", "code", "value", "effective_from", "description",
					     "source")));
	json_object_set_new(s, "ClaimInput",
			    object(json_pack("{s:{s:s, s:[s,s]}, s:o, s:o}", "kind", "type", "string", "enum", "training",
					     "upgrade", "class_id", T("integer"), "certificate", T("string")),
				   json_pack("[s]", "kind")));
	json_object_set_new(s, "ClaimStepInput",
			    object(json_pack("{s:o, s:o}", "reason", T("string"), "fund_id", T("integer")), NULL));
	json_object_set_new(s, "ClaimReasonInput", object(json_pack("{s:o}", "reason", T("string")), json_pack("[s]", "reason")));
	json_object_set_new(s, "FundInput",
			    object(json_pack("{s:o, s:o, s:o, s:o, s:o}", "name", T("string"), "programme_id", T("integer"),
					     "region", T("string"), "budget_fen", T("integer"), "note", T("string")),
				   json_pack("[s,s]", "name", "region")));
	json_object_set_new(s, "BudgetInput",
			    object(json_pack("{s:o, s:o}", "amount_fen", T("integer"), "note", T("string")),
				   json_pack("[s]", "amount_fen")));
}
