/* api_programme.c — /api/v1/programmes (培训计划 with targets and seed
 * references) and /api/v1/subsidy-catalog (补贴工种目录, versioned). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/training.h"
#include "core/training.h"
#include "http/http.h"

#define NOT_FOUND_PROGRAMME "没有这个培训计划，或不在您的管辖范围内"

static void read_programme(json_t *b, programme_input *in, jn_fields *fe)
{
	static const char *const allowed[] = {"name", "category", "target_groups", "units", "region", "period_from",
					      "period_to", "min_attendance", "targets", "version", NULL};
	json_only_fields(b, allowed, fe);
	in->name = json_field_str(b, "name", 400, fe);
	in->category = json_field_str(b, "category", 100, fe);
	in->target_groups = json_field_str(b, "target_groups", 600, fe);
	in->units = json_field_str(b, "units", 600, fe);
	in->region = json_field_str(b, "region", 20, fe);
	in->period_from = json_field_str(b, "period_from", 20, fe);
	in->period_to = json_field_str(b, "period_to", 20, fe);
	in->min_attendance = json_field_int(b, "min_attendance", -1, 0, 1000, fe);
	in->version = json_field_int(b, "version", 0, 0, 1 << 30, fe);
	json_t *ts = json_object_get(b, "targets");
	if (!ts)
		return;
	if (!json_is_array(ts) || json_array_size(ts) > 32) {
		jn_fields_add(fe, "targets", "wrong_type",
			      "应为目标数组（最多32个）：[{\"metric\": \"培训\", \"unit\": \"person-times\", \"period\": \"2025\", \"target\": 1000}]");
		return;
	}
	in->ntargets = 0;
	size_t i;
	json_t *x;
	json_array_foreach(ts, i, x)
	{
		char field[32];
		snprintf(field, sizeof field, "targets[%zu]", i);
		if (!json_is_object(x)) {
			jn_fields_add(fe, field, "wrong_type", "应为对象 {metric, unit, period, target}");
			continue;
		}
		target_input *t = &in->targets[in->ntargets++];
		memset(t, 0, sizeof *t);
		json_t *m = json_object_get(x, "metric"), *u = json_object_get(x, "unit"), *p = json_object_get(x, "period"),
		       *v = json_object_get(x, "target");
		t->metric = json_is_string(m) ? json_string_value(m) : NULL;
		t->unit = json_is_string(u) ? json_string_value(u) : NULL;
		t->period = json_is_string(p) ? json_string_value(p) : NULL;
		if (json_is_integer(p)) {
			snprintf(t->period_buf, sizeof t->period_buf, "%lld", (long long)json_integer_value(p));
			t->period = t->period_buf;
		}
		t->target = json_is_integer(v) ? json_integer_value(v) : 0;
	}
}

void api_programme_list(req *r, resp *out)
{
	int bad = 0;
	jn_fields fe = {0};
	programme_filter f = {0};
	const char *region = req_query(r, "region", 10, &bad);
	const char *cat = req_query(r, "category", 60, &bad);
	if (region && region[0])
		req_region(region, f.region, &fe);
	if (cat && cat[0]) {
		if (!tr_programme_category_ok(cat))
			jn_fields_add(&fe, "category", "invalid_category", "没有这个计划类别");
		else
			snprintf(f.category, sizeof f.category, "%s", cat);
	}
	if (resp_bad_query(out, bad, &fe))
		return;
	json_t *items = NULL;
	jn_err e = programme_list(r->store, &r->sc, &f, &items);
	json_t *j = resp_list(out, e, e ? json_array() : items);
	if (j)
		json_object_set_new(j, "total", json_integer((json_int_t)json_array_size(items)));
}

void api_programme_get(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	json_t *j = NULL;
	jn_err e = id ? programme_show(r->store, &r->sc, id, &j) : JN_ENOTFOUND;
	if (e == JN_ENOTFOUND) {
		resp_problem(out, e, NULL, NOT_FOUND_PROGRAMME);
		return;
	}
	resp_outcome(out, e, NULL, j, 200);
}

void api_programme_create(req *r, resp *out)
{
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	programme_input in = PROGRAMME_INPUT_EMPTY;
	read_programme(b, &in, &fe);
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : programme_create(r->store, &r->sc, &in, &j, &fe);
	json_decref(b);
	resp_outcome(out, e, &fe, j, 201);
}

void api_programme_patch(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	json_t *probe = NULL;
	if (!id || programme_show(r->store, &r->sc, id, &probe) != JN_OK) {
		resp_problem(out, JN_ENOTFOUND, NULL, NOT_FOUND_PROGRAMME);
		return;
	}
	json_decref(probe);
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	programme_input in = PROGRAMME_INPUT_EMPTY;
	read_programme(b, &in, &fe);
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : programme_update(r->store, &r->sc, id, &in, &j, &fe);
	json_decref(b);
	if (e == JN_ENOTFOUND && !fe.count) {
		resp_problem(out, e, NULL, NOT_FOUND_PROGRAMME);
		return;
	}
	resp_outcome(out, e, &fe, j, 200);
}

void api_catalog_list(req *r, resp *out)
{
	int bad = 0;
	jn_fields fe = {0};
	const char *region = req_query(r, "region", 10, &bad);
	const char *level = req_query(r, "level", 20, &bad);
	const char *on = req_query(r, "on", 20, &bad);
	char occ[16] = "", reg[7] = "", day[11] = "";
	req_occupation(r, occ, sizeof occ, &fe, &bad);
	if (region && region[0])
		req_region(region, reg, &fe);
	int lv = 0;
	if (level && level[0] && ((lv = level_parse(level)) < 1 || lv > 8))
		jn_fields_add(&fe, "level", "invalid_level", "等级应为1到8或其名称");
	if (on && on[0]) {
		int d = cert_date_parse(on);
		if (!d)
			jn_fields_add(&fe, "on", "invalid_date", "日期应为 YYYY-MM-DD");
		else
			cert_date_format(d, day);
	}
	if (resp_bad_query(out, bad, &fe))
		return;
	json_t *items = NULL;
	jn_err e = catalog_list(r->store, &r->sc, reg, occ, lv, day, &items);
	resp_list(out, e, e ? json_array() : items);
}

void api_catalog_add(req *r, resp *out)
{
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"region", "effective_from", "source", "rows", NULL};
	json_only_fields(b, allowed, &fe);
	const char *region = json_field_str(b, "region", 20, &fe);
	const char *eff = json_field_str(b, "effective_from", 20, &fe);
	const char *source = json_field_str(b, "source", 600, &fe);
	json_t *rows = json_object_get(b, "rows");
	catalog_input *in = NULL;
	int n = 0;
	char (*lvbuf)[24] = NULL;
	if (!rows || !json_is_array(rows) || json_array_size(rows) > 500) {
		jn_fields_add(&fe, "rows", rows ? "wrong_type" : "required",
			      "应为数组（最多500行）：[{\"occupation\": \"6-18-02-04\", \"level\": 2, \"standard_fen\": 150000, \"min_hours\": 80}]");
	} else {
		size_t cnt = json_array_size(rows);
		in = calloc(cnt ? cnt : 1, sizeof *in);
		lvbuf = calloc(cnt ? cnt : 1, sizeof *lvbuf);
		size_t i;
		json_t *x;
		json_array_foreach(rows, i, x)
		{
			char field[32];
			snprintf(field, sizeof field, "rows[%zu]", i);
			if (!json_is_object(x)) {
				jn_fields_add(&fe, field, "wrong_type", "应为对象 {occupation, level, standard_fen, min_hours}");
				continue;
			}
			catalog_input *c = &in[n++];
			json_t *o = json_object_get(x, "occupation"), *l = json_object_get(x, "level"),
			       *f = json_object_get(x, "standard_fen"), *h = json_object_get(x, "min_hours");
			c->occupation = json_is_string(o) ? json_string_value(o) : NULL;
			if (json_is_integer(l)) {
				snprintf(lvbuf[i], 24, "%lld", (long long)json_integer_value(l));
				c->level = lvbuf[i];
			} else {
				c->level = json_is_string(l) ? json_string_value(l) : NULL;
			}
			c->standard_fen = json_is_integer(f) ? json_integer_value(f) : f ? 0 : -1;
			c->min_hours = json_is_integer(h) ? (int)json_integer_value(h) : -1;
		}
	}
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : catalog_add(r->store, &r->sc, region, eff, source, n, in, &j, &fe);
	free(in);
	free(lvbuf);
	json_decref(b);
	resp_outcome(out, e, &fe, j, 201);
}

static json_t *obj(json_t *props, json_t *required)
{
	json_t *j = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props, "additionalProperties", 0);
	if (required)
		json_object_set_new(j, "required", required);
	return j;
}
#define STR json_pack("{s:s}", "type", "string")
#define INT json_pack("{s:s}", "type", "integer")
#define INT_NULL json_pack("{s:[s,s]}", "type", "integer", "null")

void training_openapi_schemas(json_t *s)
{
	json_t *target = json_pack("{s:s, s:{s:o, s:{s:s, s:[s,s]}, s:{s:[s,s]}, s:o}}", "type", "object", "properties",
				   "metric", STR, "unit", "type", "string", "enum", "person-times", "persons", "period",
				   "type", "string", "integer", "target", INT);
	json_t *prog = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:{s:s, s:o}, s:o}", "name", STR, "category",
				 STR, "target_groups", STR, "units", STR, "region", STR, "period_from", STR, "period_to",
				 STR, "min_attendance", INT, "targets", "type", "array", "items", target, "version", INT);
	json_object_set_new(s, "ProgrammeInput", obj(json_deep_copy(prog), json_pack("[s,s,s]", "name", "category", "region")));
	json_object_set_new(s, "ProgrammePatch", obj(prog, NULL));
	json_object_set_new(
		s, "CatalogInput",
		obj(json_pack("{s:o, s:o, s:o, s:{s:s, s:{s:s, s:{s:o, s:{s:[s,s]}, s:o, s:o}}}}", "region", STR,
			      "effective_from", STR, "source", STR, "rows", "type", "array", "items", "type", "object",
			      "properties", "occupation", STR, "level", "type", "string", "integer", "standard_fen", INT,
			      "min_hours", INT),
		    json_pack("[s,s,s,s]", "region", "effective_from", "source", "rows")));
	json_t *sess = json_pack("{s:s, s:{s:o, s:o, s:o}, s:[s,s]}", "type", "object", "properties", "starts_at", STR,
				 "ends_at", STR, "topic", STR, "required", "starts_at", "ends_at");
	json_t *cls = json_pack("{s:o, s:o, s:o, s:o, s:{s:[s,s]}, s:o, s:{s:s, s:[s,s]}, s:o, s:o, s:o, s:o, s:o, s:o,"
				" s:o, s:{s:s, s:o}}",
				"org_id", INT, "programme_id", INT_NULL, "name", STR, "occupation", STR, "level", "type",
				"string", "integer", "category", STR, "mode", "type", "string", "enum", "online", "offline",
				"start_date", STR, "end_date", STR, "hours", INT, "teacher", STR, "place", STR, "capacity",
				INT, "min_attendance", INT, "sessions", "type", "array", "items", sess);
	json_object_set_new(s, "ClassInput",
			    obj(json_deep_copy(cls), json_pack("[s,s,s,s,s,s,s,s,s]", "occupation", "level", "start_date",
								"end_date", "hours", "teacher", "place", "capacity", "sessions")));
	json_object_set_new(s, "ClassPatch", obj(cls, NULL));
	json_object_set_new(s, "EnrolmentInput",
			    obj(json_pack("{s:o, s:o, s:o}", "id_number", STR, "name", STR, "voucher_number", STR),
				json_pack("[s,s]", "id_number", "name")));
	json_object_set_new(
		s, "AttendanceInput",
		obj(json_pack("{s:o, s:o, s:{s:s, s:{s:[s,s]}}}", "seq", INT, "at", STR, "persons", "type", "array", "items",
			      "type", "integer", "string"),
		    json_pack("[s,s]", "seq", "persons")));
	json_object_set_new(s, "CheckinInput",
			    obj(json_pack("{s:o, s:o}", "code", STR, "device_id", STR), json_pack("[s]", "code")));
	json_object_set_new(s, "CloseInput", obj(json_pack("{s:o}", "on", STR), NULL));
	json_object_set_new(s, "ResultInput",
			    obj(json_pack("{s:{s:s, s:[s,s]}, s:o, s:{s:[s,s]}}", "result", "type", "string", "enum",
					  "passed", "failed", "score", INT_NULL, "cert_number", "type", "string", "null"),
				NULL));
}
