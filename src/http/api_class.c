/* api_class.c — /api/v1/classes: training classes, their sessions,
 * real-name enrolment, attendance (the trainer's list or the worker's
 * check-in code), completion and results; /api/v1/enrolments; the imports
 * of classes, rosters and attendance.  A class outside the caller's scope
 * is 404 before its body is even read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/training.h"
#include "core/training.h"
#include "http/http.h"

#define NOT_FOUND_CLASS "没有这个培训班，或不在您的管辖范围内"

static int64_t class_of(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	if (!id || !class_visible(r->store, &r->sc, id)) {
		resp_problem(out, JN_ENOTFOUND, NULL, NOT_FOUND_CLASS);
		return 0;
	}
	return id;
}

static void answer(resp *out, jn_err e, jn_fields *fe, json_t *j, int status, const char *not_found)
{
	if (e == JN_ENOTFOUND && !fe->count) {
		json_decref(j);
		resp_problem(out, e, NULL, "%s", not_found);
		return;
	}
	resp_outcome(out, e, fe, j, status);
}

static void read_class(json_t *b, class_input *in, session_input *sess, char level_buf[24], jn_fields *fe)
{
	static const char *const allowed[] = {"org_id", "programme_id", "name", "occupation", "level", "category",
					      "mode", "start_date", "end_date", "hours", "teacher", "place", "capacity",
					      "min_attendance", "sessions", NULL};
	json_only_fields(b, allowed, fe);
	json_t *orgv = json_object_get(b, "org_id");
	if (orgv && !(json_is_integer(orgv) && json_integer_value(orgv) > 0))
		jn_fields_add(fe, "org_id", "wrong_type", "应为机构编号（正整数）");
	else if (orgv)
		in->org_id = json_integer_value(orgv);
	json_t *pg = json_object_get(b, "programme_id");
	if (pg && json_is_null(pg))
		in->clear_programme = 1;
	else if (pg && !(json_is_integer(pg) && json_integer_value(pg) > 0))
		jn_fields_add(fe, "programme_id", "wrong_type", "应为培训计划编号（正整数）或 null");
	else if (pg)
		in->programme_id = json_integer_value(pg);
	in->name = json_field_str(b, "name", 400, fe);
	in->occupation = json_field_str(b, "occupation", 100, fe);
	in->level = json_field_str_or_int(b, "level", 40, level_buf, fe);
	in->category = json_field_str(b, "category", 100, fe);
	in->mode = json_field_str(b, "mode", 20, fe);
	in->start_date = json_field_str(b, "start_date", 20, fe);
	in->end_date = json_field_str(b, "end_date", 20, fe);
	in->teacher = json_field_str(b, "teacher", 200, fe);
	in->place = json_field_str(b, "place", 400, fe);
	in->hours = json_field_int(b, "hours", -1, 0, 100000, fe);
	in->capacity = json_field_int(b, "capacity", -1, 0, 100000, fe);
	in->min_attendance = json_field_int(b, "min_attendance", -1, 0, 1000, fe);
	json_t *ss = json_object_get(b, "sessions");
	if (!ss)
		return;
	if (!json_is_array(ss) || json_array_size(ss) > CLASS_MAX_SESSIONS) {
		jn_fields_add(fe, "sessions", "wrong_type",
			      "应为课程安排数组（最多200节）：[{\"starts_at\": \"2025-03-01T09:00\", \"ends_at\": \"2025-03-01T12:00\"}]");
		return;
	}
	in->nsessions = 0;
	in->sessions = sess;
	size_t i;
	json_t *x;
	json_array_foreach(ss, i, x)
	{
		char field[32];
		snprintf(field, sizeof field, "sessions[%zu]", i);
		if (!json_is_object(x)) {
			jn_fields_add(fe, field, "wrong_type", "应为对象 {starts_at, ends_at, topic}");
			continue;
		}
		session_input *si = &sess[in->nsessions++];
		json_t *a = json_object_get(x, "starts_at"), *z = json_object_get(x, "ends_at"), *t = json_object_get(x, "topic");
		si->starts_at = json_is_string(a) ? json_string_value(a) : NULL;
		si->ends_at = json_is_string(z) ? json_string_value(z) : NULL;
		si->topic = json_is_string(t) ? json_string_value(t) : NULL;
	}
}

void api_class_create(req *r, resp *out)
{
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	class_input in = CLASS_INPUT_EMPTY;
	session_input sess[CLASS_MAX_SESSIONS];
	char level_buf[24];
	read_class(b, &in, sess, level_buf, &fe);
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : class_create(r->store, &r->sc, &in, &j, &fe);
	json_decref(b);
	resp_outcome(out, e, &fe, j, 201);
}

void api_class_patch(req *r, resp *out)
{
	int64_t id = class_of(r, out);
	if (!id)
		return;
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	class_input in = CLASS_INPUT_EMPTY;
	session_input sess[CLASS_MAX_SESSIONS];
	char level_buf[24];
	read_class(b, &in, sess, level_buf, &fe);
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : class_update(r->store, &r->sc, id, &in, &j, &fe);
	json_decref(b);
	answer(out, e, &fe, j, 200, NOT_FOUND_CLASS);
}

void api_class_get(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	json_t *j = NULL;
	jn_err e = id ? class_show(r->store, &r->sc, id, &j) : JN_ENOTFOUND;
	jn_fields fe = {0};
	answer(out, e, &fe, j, 200, NOT_FOUND_CLASS);
}

void api_class_list(req *r, resp *out)
{
	int bad = 0;
	jn_fields fe = {0};
	class_filter f = {0};
	const char *state = req_query(r, "state", 20, &bad);
	const char *region = req_query(r, "region", 10, &bad);
	f.org_id = req_id(r, "org", "机构", &fe, &bad);
	f.programme_id = req_id(r, "programme", "培训计划", &fe, &bad);
	req_occupation(r, f.occupation, sizeof f.occupation, &fe, &bad);
	req_paging(r, &f.page, &f.per_page, &fe, &bad);
	if (region && region[0])
		req_region(region, f.region, &fe);
	if (state && state[0]) {
		tr_state st = tr_state_parse(state);
		if (!st)
			jn_fields_add(&fe, "state", "invalid", "状态应为 open（报名中）、running（培训中）或 closed（已结业）");
		else
			snprintf(f.state, sizeof f.state, "%s", tr_state_name(st));
	}
	if (resp_bad_query(out, bad, &fe))
		return;
	json_t *items = NULL;
	int64_t total = 0;
	jn_err e = class_list(r->store, &r->sc, &f, &items, &total);
	json_t *j = resp_list(out, e, e ? json_array() : items);
	if (j)
		resp_page(j, total, -1, f.page, f.per_page);
}

void api_class_enrol(req *r, resp *out)
{
	int64_t id = class_of(r, out);
	if (!id)
		return;
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"id_number", "name", "voucher_number", NULL};
	json_only_fields(b, allowed, &fe);
	enrol_person_input in = {json_field_str(b, "id_number", 40, &fe), json_field_str(b, "name", 200, &fe),
				 json_field_str(b, "voucher_number", 64, &fe)};
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : class_enrol(r->store, &r->sc, id, &in, &j, &fe);
	json_decref(b);
	answer(out, e, &fe, j, 201, NOT_FOUND_CLASS);
}

static int64_t second_id(req *r, resp *out, const char *what)
{
	int64_t id = r->nparams > 1 ? parse_id(r->params[1]) : 0;
	if (!id)
		resp_problem(out, JN_ENOTFOUND, NULL, "没有这个%s", what);
	return id;
}

void api_class_withdraw(req *r, resp *out)
{
	int64_t id = class_of(r, out);
	if (!id)
		return;
	int64_t eid = second_id(r, out, "报名记录");
	if (!eid)
		return;
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e = class_withdraw(r->store, &r->sc, id, eid, &j, &fe);
	answer(out, e, &fe, j, 200, "本班没有这条报名记录");
}

void api_class_result(req *r, resp *out)
{
	int64_t id = class_of(r, out);
	if (!id)
		return;
	int64_t eid = second_id(r, out, "报名记录");
	if (!eid)
		return;
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"result", "score", "cert_number", NULL};
	json_only_fields(b, allowed, &fe);
	result_input in = {json_field_str(b, "result", 20, &fe), json_field_int(b, "score", -1, 0, 1000000, &fe),
			   json_field_str(b, "cert_number", 40, &fe)};
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : class_result(r->store, &r->sc, id, eid, &in, &j, &fe);
	json_decref(b);
	answer(out, e, &fe, j, 200, "本班没有这条报名记录");
}

void api_class_code(req *r, resp *out)
{
	int64_t id = class_of(r, out);
	if (!id)
		return;
	int64_t seq = r->nparams > 1 ? parse_id(r->params[1]) : 0;
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e;
	if (!seq || seq > CLASS_MAX_SESSIONS) {
		jn_fields_add(&fe, "seq", "no_session", "课次应为本班的第几节课（从1开始）");
		e = JN_EINVAL;
	} else {
		e = class_code(r->store, &r->sc, id, (int)seq, &j, &fe);
	}
	answer(out, e, &fe, j, 201, NOT_FOUND_CLASS);
}

void api_class_attend(req *r, resp *out)
{
	int64_t id = class_of(r, out);
	if (!id)
		return;
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"seq", "at", "persons", NULL};
	json_only_fields(b, allowed, &fe);
	attend_input in = {0};
	in.seq = json_field_int(b, "seq", 0, 1, CLASS_MAX_SESSIONS, &fe);
	if (!in.seq && !fe.count)
		jn_fields_add(&fe, "seq", "required", "须指明第几节课（seq）");
	in.at = json_field_str(b, "at", 40, &fe);
	json_t *ps = json_object_get(b, "persons");
	int64_t *ids = NULL;
	const char **nums = NULL;
	if (!ps || !json_is_array(ps) || json_array_size(ps) > 1000) {
		jn_fields_add(&fe, "persons", ps ? "wrong_type" : "required", "应为学员的人员编号或身份证号数组（最多1000人）");
	} else {
		size_t n = json_array_size(ps);
		ids = calloc(n ? n : 1, sizeof *ids);
		nums = calloc(n ? n : 1, sizeof *nums);
		size_t i;
		json_t *x;
		json_array_foreach(ps, i, x)
		{
			if (json_is_integer(x) && json_integer_value(x) > 0)
				ids[i] = json_integer_value(x);
			else if (json_is_string(x))
				nums[i] = json_string_value(x);
			else {
				char field[32];
				snprintf(field, sizeof field, "persons[%zu]", i);
				jn_fields_add(&fe, field, "wrong_type", "应为人员编号（正整数）或身份证号");
			}
		}
		in.n = (int)n;
		in.person_ids = ids;
		in.id_numbers = nums;
	}
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : class_attend(r->store, &r->sc, id, &in, &j, &fe);
	free(ids);
	free(nums);
	json_decref(b);
	answer(out, e, &fe, j, 200, NOT_FOUND_CLASS);
}

void api_class_checkin(req *r, resp *out)
{
	int64_t id = class_of(r, out);
	if (!id)
		return;
	/* A six-digit code lives ten minutes: at most 5 tries a minute (10
	 * at once) per account and class keeps guessing it hopeless. */
	char key[64];
	snprintf(key, sizeof key, "checkin:%lld:%lld", (long long)r->sc.account_id, (long long)id);
	int wait = ratelimit_take(key, 5.0, 10.0);
	if (wait > 0) {
		char detail[128];
		snprintf(detail, sizeof detail, "签到尝试过于频繁，请%d秒后再试", wait);
		resp_problem_code(out, 429, "rate_limited", "签到尝试过于频繁", detail);
		out->retry_after = wait;
		return;
	}
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"code", "device_id", NULL};
	json_only_fields(b, allowed, &fe);
	const char *code = json_field_str(b, "code", 20, &fe);
	const char *device = json_field_str(b, "device_id", 200, &fe);
	if (!device || !device[0])
		device = req_header(r, "X-Device-Id");
	if (device && strlen(device) > 200)
		device = NULL;
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : class_checkin(r->store, &r->sc, id, code, device, &j, &fe);
	json_decref(b);
	answer(out, e, &fe, j, 200, NOT_FOUND_CLASS);
}

void api_class_close(req *r, resp *out)
{
	int64_t id = class_of(r, out);
	if (!id)
		return;
	json_t *b = r->body_len ? req_json(r, out) : json_object();
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"on", NULL};
	json_only_fields(b, allowed, &fe);
	const char *on = json_field_str(b, "on", 20, &fe);
	char day[11] = "";
	if (on && on[0]) {
		int d = cert_date_parse(on);
		if (!d || d > store_today())
			jn_fields_add(&fe, "on", "invalid_date", "结业日期应为今天或以前的 YYYY-MM-DD 日期");
		else
			cert_date_format(d, day);
	}
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : class_close(r->store, &r->sc, id, day, &j, &fe);
	json_decref(b);
	answer(out, e, &fe, j, 200, NOT_FOUND_CLASS);
}

void api_enrolment_list(req *r, resp *out)
{
	int bad = 0;
	jn_fields fe = {0};
	enrolment_filter f = {0};
	f.class_id = req_id(r, "class", "培训班", &fe, &bad);
	f.person_id = req_id(r, "person", "人员", &fe, &bad);
	const char *state = req_query(r, "state", 20, &bad);
	req_paging(r, &f.page, &f.per_page, &fe, &bad);
	if (state && state[0]) {
		if (strcmp(state, "enrolled") && strcmp(state, "withdrawn") && strcmp(state, "completed") &&
		    strcmp(state, "incomplete"))
			jn_fields_add(&fe, "state", "invalid", "状态应为 enrolled、withdrawn、completed 或 incomplete");
		else
			snprintf(f.state, sizeof f.state, "%s", state);
	}
	if (resp_bad_query(out, bad, &fe))
		return;
	json_t *items = NULL;
	int64_t total = 0;
	jn_err e = enrolment_list(r->store, &r->sc, &f, &items, &total);
	json_t *j = resp_list(out, e, e ? json_array() : items);
	if (j)
		resp_page(j, total, -1, f.page, f.per_page);
}

/* ---- imports ---- */

static void import_answer(resp *out, jn_err e, import_report *rep)
{
	json_t *j = import_report_json(rep);
	long rejected = rep->rejected;
	import_report_free(rep);
	if (e == JN_EINVAL) {
		resp_problem(out, e, NULL, "导入被拒绝：%ld行有错误，未写入任何数据", rejected);
		json_object_set_new(out->json, "report", j);
		return;
	}
	if (e) {
		json_decref(j);
		resp_problem(out, e, NULL, e == JN_ENOTFOUND ? NOT_FOUND_CLASS : NULL);
		return;
	}
	resp_json(out, 200, j);
}

void api_import_classes(req *r, resp *out)
{
	import_opts o = {0};
	if (req_import(r, out, &o) != 0)
		return;
	import_report rep;
	jn_err e = import_classes(r->store, &r->sc, r->body, r->body_len, &o, &rep);
	import_answer(out, e, &rep);
}

void api_import_roster(req *r, resp *out)
{
	int64_t id = class_of(r, out);
	if (!id)
		return;
	import_opts o = {0};
	if (req_import(r, out, &o) != 0)
		return;
	import_report rep;
	jn_err e = import_roster(r->store, &r->sc, id, r->body, r->body_len, &o, &rep);
	import_answer(out, e, &rep);
}

void api_import_attendance(req *r, resp *out)
{
	int64_t id = class_of(r, out);
	if (!id)
		return;
	import_opts o = {0};
	if (req_import(r, out, &o) != 0)
		return;
	import_report rep;
	jn_err e = import_attendance(r->store, &r->sc, id, r->body, r->body_len, &o, &rep);
	import_answer(out, e, &rep);
}
