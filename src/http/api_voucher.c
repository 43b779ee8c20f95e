/* api_voucher.c — /api/v1/vouchers: electronic training vouchers
 * (职业技能电子培训券): issuing (by rule or to one person, with a dry run),
 * the holder's and the staff's lists, one voucher, the counts.  The rules
 * are app/voucher.c's. */
#include <stdio.h>
#include <string.h>

#include "app/money.h"
#include "http/http.h"

/* A JSON array of strings into out[] (at most cap); -1 not given. */
static int str_array(json_t *b, const char *name, const char **out, int cap, jn_fields *fe)
{
	json_t *a = json_object_get(b, name);
	if (!a || json_is_null(a))
		return -1;
	if (!json_is_array(a) || (int)json_array_size(a) > cap) {
		jn_fields_add(fe, name, "wrong_type", "应为字符串数组（最多%d项）", cap);
		return 0;
	}
	size_t i;
	json_t *x;
	int n = 0;
	json_array_foreach(a, i, x)
	{
		if (!json_is_string(x) || json_string_length(x) > 100) {
			char field[48];
			snprintf(field, sizeof field, "%s[%zu]", name, i);
			jn_fields_add(fe, field, "wrong_type", "应为字符串");
			continue;
		}
		out[n++] = json_string_value(x);
	}
	return n;
}

static int64_t id_field(json_t *b, const char *name, const char *what, jn_fields *fe)
{
	json_t *v = json_object_get(b, name);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		jn_fields_add(fe, name, "wrong_type", "应为%s编号（正整数）", what);
		return -1;
	}
	return json_integer_value(v);
}

void api_voucher_issue(req *r, resp *out)
{
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"person_id", "region", "tags", "tags_match", "age_min", "age_max",
					      "level_max", "occupations", "amount_fen", "expires_on", "programme_id",
					      "dry_run", NULL};
	json_only_fields(b, allowed, &fe);
	voucher_issue_input in = VOUCHER_ISSUE_EMPTY;
	in.person_id = id_field(b, "person_id", "人员", &fe);
	in.region = json_field_str(b, "region", 6, &fe);
	in.ntags = str_array(b, "tags", in.tags, 8, &fe);
	in.tags_match = json_field_str(b, "tags_match", 8, &fe);
	in.age_min = json_field_int(b, "age_min", -1, 0, 120, &fe);
	in.age_max = json_field_int(b, "age_max", -1, 0, 120, &fe);
	in.level_max = json_field_int(b, "level_max", -1, 0, 8, &fe);
	in.noccupations = str_array(b, "occupations", in.occupations, 32, &fe);
	json_t *amt = json_object_get(b, "amount_fen");
	if (amt && !json_is_null(amt)) {
		if (!json_is_integer(amt) || json_integer_value(amt) < 0)
			jn_fields_add(&fe, "amount_fen", "wrong_type", "应为金额（分，正整数）");
		else
			in.amount_fen = json_integer_value(amt);
	}
	in.expires_on = json_field_str(b, "expires_on", 20, &fe);
	in.programme_id = id_field(b, "programme_id", "培训计划", &fe);
	json_t *dr = json_object_get(b, "dry_run");
	if (dr && !json_is_boolean(dr))
		jn_fields_add(&fe, "dry_run", "wrong_type", "应为 true 或 false");
	in.dry_run = dr && json_is_true(dr);
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : voucher_issue(r->store, &r->sc, &in, &j, &fe);
	json_decref(b);
	resp_outcome(out, e, &fe, j, in.dry_run ? 200 : 201);
}

void api_voucher_issues(req *r, resp *out)
{
	int bad = 0, page, per;
	jn_fields fe = {0};
	req_paging(r, &page, &per, &fe, &bad);
	if (resp_bad_query(out, bad, &fe))
		return;
	json_t *items = NULL;
	int64_t total = 0;
	jn_err e = voucher_issue_list(r->store, &r->sc, page, per, &items, &total);
	json_t *j = resp_list(out, e, e ? json_array() : items);
	if (j)
		resp_page(j, total, -1, page, per);
}

void api_voucher_list(req *r, resp *out)
{
	int bad = 0;
	jn_fields fe = {0};
	voucher_filter f;
	memset(&f, 0, sizeof f);
	const char *state = req_query(r, "state", 12, &bad);
	const char *region = req_query(r, "region", 6, &bad);
	f.person_id = req_id(r, "person", "人员", &fe, &bad);
	f.programme_id = req_id(r, "programme", "培训计划", &fe, &bad);
	f.issue_id = req_id(r, "issue", "发放批次", &fe, &bad);
	req_paging(r, &f.page, &f.per_page, &fe, &bad);
	if (state) {
		if (strcmp(state, "issued") && strcmp(state, "used") && strcmp(state, "redeemed") && strcmp(state, "expired"))
			jn_fields_add(&fe, "state", "invalid", "状态应为 issued（未使用）、used、redeemed 或 expired");
		else
			snprintf(f.state, sizeof f.state, "%s", state);
	}
	if (region)
		req_region(region, f.region, &fe);
	if (resp_bad_query(out, bad, &fe))
		return;
	json_t *items = NULL;
	int64_t total = 0;
	jn_err e = voucher_list(r->store, &r->sc, &f, &items, &total);
	json_t *j = resp_list(out, e, e ? json_array() : items);
	if (j)
		resp_page(j, total, -1, f.page, f.per_page);
}

void api_voucher_get(req *r, resp *out)
{
	const char *number = r->params[0];
	json_t *j = NULL;
	jn_err e = number && strlen(number) < 24 ? voucher_show(r->store, &r->sc, number, &j) : JN_ENOTFOUND;
	if (e == JN_ENOTFOUND) {
		resp_problem(out, e, NULL, "没有这张培训券，或不在您的管辖范围内");
		return;
	}
	jn_fields fe = {0};
	resp_outcome(out, e, &fe, j, 200);
}

void api_voucher_stats(req *r, resp *out)
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
	json_t *j = NULL;
	jn_err e = voucher_stats(r->store, &r->sc, reg, programme, &j);
	resp_outcome(out, e, &fe, j, 200);
}
