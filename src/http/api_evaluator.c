/* api_evaluator.c — /api/v1/evaluators: registering evaluation bodies,
 * their occupation x level pairs, examiners and quality supervisors; and
 * the level conditions catalogue. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "http/http.h"

void api_conditions_list(req *r, resp *out)
{
	int bad = 0;
	const char *occ = req_query(r, "occupation", 15, &bad);
	if (resp_bad_query(out, bad, NULL))
		return;
	json_t *items = NULL;
	jn_err e = conditions_list(r->store, occ, &items);
	resp_list(out, e, e ? json_array() : items);
}

void api_evaluator_put(req *r, resp *out)
{
	int64_t org_id = parse_id(r->params[0]);
	if (!org_id) {
		resp_problem(out, JN_ENOTFOUND, NULL, "没有这个机构");
		return;
	}
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"body_type", "body_code", "site_serial", "employer_org_id", "pairs", NULL};
	json_only_fields(b, allowed, &fe);
	evaluator_input in = {json_field_str(b, "body_type", 4, &fe), json_field_str(b, "body_code", 8, &fe),
			      json_field_str(b, "site_serial", 10, &fe), 0, 0, NULL};
	json_t *emp = json_object_get(b, "employer_org_id");
	if (emp && !json_is_null(emp)) {
		if (!json_is_integer(emp) || json_integer_value(emp) <= 0)
			jn_fields_add(&fe, "employer_org_id", "wrong_type", "应为机构编号（正整数）");
		else
			in.employer_org_id = json_integer_value(emp);
	}
	json_t *pairs = json_object_get(b, "pairs");
	pair_input pin[500];
	if (pairs && !json_is_array(pairs)) {
		jn_fields_add(&fe, "pairs", "wrong_type", "应为数组：[{\"occupation\": \"6-18-02-04\", \"level\": 3}, …]");
	} else if (pairs) {
		size_t i;
		json_t *x;
		json_array_foreach(pairs, i, x)
		{
			if (i >= 500) {
				in.npairs = 501;
				break;
			}
			char field[48];
			json_t *occ = json_object_get(x, "occupation"), *lv = json_object_get(x, "level");
			if (!json_is_object(x) || !json_is_string(occ) || !json_is_integer(lv)) {
				snprintf(field, sizeof field, "pairs[%zu]", i);
				jn_fields_add(&fe, field, "wrong_type", "应为 {\"occupation\": 职业编码或名称, \"level\": 2-8}");
				continue;
			}
			pin[in.npairs].occupation = json_string_value(occ);
			pin[in.npairs].level = (int)json_integer_value(lv);
			in.npairs++;
		}
		in.pairs = pin;
	}
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : evaluator_register(r->store, &r->sc, org_id, &in, &j, &fe);
	json_decref(b);
	if (e == JN_EINVAL && fe.count == 1 && strcmp(fe.e[0].code, "duplicate") == 0)
		e = JN_ECONFLICT;
	resp_outcome(out, e, &fe, j, 200);
}

void api_evaluator_list(req *r, resp *out)
{
	json_t *items = NULL;
	jn_err e = evaluator_list(r->store, &r->sc, &items);
	resp_list(out, e, e ? json_array() : items);
}

void api_evaluator_get(req *r, resp *out)
{
	int64_t org_id = parse_id(r->params[0]);
	json_t *j = NULL;
	jn_err e = org_id ? evaluator_show(r->store, &r->sc, org_id, &j) : JN_ENOTFOUND;
	if (e == JN_ENOTFOUND) {
		resp_problem(out, e, NULL, "没有这个评价机构，或不在您的管辖范围内");
		return;
	}
	resp_outcome(out, e, NULL, j, 200);
}

void api_evaluator_staff(req *r, resp *out)
{
	int64_t org_id = parse_id(r->params[0]);
	json_t *probe = NULL;
	if (!org_id || evaluator_show(r->store, &r->sc, org_id, &probe) != JN_OK) {
		resp_problem(out, JN_ENOTFOUND, NULL, "没有这个评价机构，或不在您的管辖范围内");
		return;
	}
	json_decref(probe);
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"person_id", "id_number", "role", NULL};
	json_only_fields(b, allowed, &fe);
	staff_input in = {0};
	in.id_number = json_field_str(b, "id_number", 40, &fe);
	in.role = json_field_str(b, "role", 20, &fe);
	json_t *pid = json_object_get(b, "person_id");
	if (pid && !json_is_null(pid)) {
		if (!json_is_integer(pid) || json_integer_value(pid) <= 0)
			jn_fields_add(&fe, "person_id", "wrong_type", "应为人员编号（正整数）");
		else
			in.person_id = json_integer_value(pid);
	}
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : evaluator_staff_add(r->store, &r->sc, org_id, &in, &j, &fe);
	json_decref(b);
	if (e == JN_ECONFLICT || (e == JN_EINVAL && fe.count == 1 && strcmp(fe.e[0].code, "duplicate") == 0))
		e = JN_ECONFLICT;
	resp_outcome(out, e, &fe, j, 201);
}
