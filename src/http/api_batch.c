/* api_batch.c — /api/v1/batches: evaluation batches from plan to
 * certificates (the flow is app/batch.c's; these handlers read requests
 * and answer).  A batch outside the caller's scope is 404 before its body
 * is even read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "http/http.h"

#define NOT_FOUND_BATCH "没有这个认定批次，或不在您的管辖范围内"

/* The batch of the path when the caller reaches it; 0 (answered 404) otherwise. */
static int64_t batch_of(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	if (!id || !batch_visible(r->store, &r->sc, id)) {
		resp_problem(out, JN_ENOTFOUND, NULL, NOT_FOUND_BATCH);
		return 0;
	}
	return id;
}

/* The second id of the path (candidate, objection); 0 (answered 404) when malformed. */
static int64_t sub_id(req *r, resp *out, const char *what)
{
	int64_t id = r->nparams > 1 ? parse_id(r->params[1]) : 0;
	if (!id)
		resp_problem(out, JN_ENOTFOUND, NULL, "没有这个%s", what);
	return id;
}

/* A body that may be empty; NULL with out answered when it is not a JSON object. */
static json_t *optional_json(req *r, resp *out)
{
	if (!r->body_len)
		return json_object();
	return req_json(r, out);
}

/* The whole sentence of unmet application conditions ("申报三级（高级工）需满足
 * 其一：A；或B；或C"), which a single field error is too short to carry:
 * the summary's head and each alternative's own error. */
static int conditions_detail(const jn_fields *fe, char *out, size_t cap)
{
	int first = -1;
	for (int i = 0; i < fe->count && i < JN_FIELDS_MAX; i++)
		if (strcmp(fe->e[i].code, "conditions_not_met") == 0)
			first = i;
	if (first < 0)
		return 0;
	const char *colon = strstr(fe->e[first].message, "：");
	size_t head = colon ? (size_t)(colon - fe->e[first].message) + strlen("：") : 0;
	char buf[4096];
	snprintf(buf, sizeof buf, "%.*s", (int)head, fe->e[first].message);
	int k = 0;
	for (int i = 0; i < fe->count && i < JN_FIELDS_MAX; i++)
		if (strcmp(fe->e[i].code, "condition_not_met") == 0) {
			size_t n = strlen(buf);
			snprintf(buf + n, sizeof buf - n, "%s%s", k++ ? "；或" : "", fe->e[i].message);
		}
	cert_utf8_fit(buf, cap);
	snprintf(out, cap, "%s", buf);
	return 1;
}

static void answer(resp *out, jn_err e, jn_fields *fe, json_t *j, int status, const char *not_found)
{
	char detail[500];
	if (e == JN_ENOTFOUND && !fe->count) {
		json_decref(j);
		resp_problem(out, e, NULL, "%s", not_found);
		return;
	}
	if (e == JN_EINVAL && conditions_detail(fe, detail, sizeof detail)) {
		resp_problem(out, e, fe, "%s", detail);
		return;
	}
	resp_outcome(out, e, fe, j, status);
}

/* The plan fields of POST and PATCH. */
static void read_plan(json_t *b, batch_input *in, char level_buf[24], jn_fields *fe)
{
	static const char *const allowed[] = {"occupation", "level", "direction", "exam_from", "exam_to", "place",
					      "examiners", "supervisor", "pass_marks", "notice_days", NULL};
	json_only_fields(b, allowed, fe);
	in->occupation = json_field_str(b, "occupation", 100, fe);
	in->level = json_field_str_or_int(b, "level", 40, level_buf, fe);
	in->direction = json_field_str(b, "direction", 200, fe);
	in->exam_from = json_field_str(b, "exam_from", 40, fe);
	in->exam_to = json_field_str(b, "exam_to", 40, fe);
	in->place = json_field_str(b, "place", 400, fe);
	json_t *ex = json_object_get(b, "examiners");
	if (ex) {
		if (!json_is_array(ex) || json_array_size(ex) > 32) {
			jn_fields_add(fe, "examiners", "wrong_type", "应为考评员的人员编号数组（最多32人）");
		} else {
			size_t i;
			json_t *x;
			in->nexaminers = 0;
			json_array_foreach(ex, i, x)
			{
				if (!json_is_integer(x) || json_integer_value(x) <= 0) {
					char field[32];
					snprintf(field, sizeof field, "examiners[%zu]", i);
					jn_fields_add(fe, field, "wrong_type", "应为人员编号（正整数）");
					continue;
				}
				in->examiners[in->nexaminers++] = json_integer_value(x);
			}
		}
	}
	json_t *sup = json_object_get(b, "supervisor");
	if (sup) {
		if (!json_is_integer(sup) || json_integer_value(sup) <= 0)
			jn_fields_add(fe, "supervisor", "wrong_type", "应为质量督导员的人员编号（正整数）");
		else
			in->supervisor = json_integer_value(sup);
	}
	json_t *pm = json_object_get(b, "pass_marks");
	if (pm && !json_is_object(pm)) {
		jn_fields_add(fe, "pass_marks", "wrong_type", "应为 {\"theory\": 60, \"practical\": 60, \"review\": 60}");
	} else if (pm) {
		static const char *const parts[] = {"theory", "practical", "review", NULL};
		json_only_fields(pm, parts, fe);
		in->pass_theory = json_field_int(pm, "theory", -1, 0, 100, fe);
		in->pass_practical = json_field_int(pm, "practical", -1, 0, 100, fe);
		in->pass_review = json_field_int(pm, "review", -1, 0, 100, fe);
	}
	in->notice_days = json_field_int(b, "notice_days", -1, 0, 30, fe);
}

void api_batch_create(req *r, resp *out)
{
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	batch_input in = BATCH_INPUT_EMPTY;
	char level_buf[24];
	read_plan(b, &in, level_buf, &fe);
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : batch_create(r->store, &r->sc, &in, &j, &fe);
	json_decref(b);
	resp_outcome(out, e, &fe, j, 201);
}

void api_batch_patch(req *r, resp *out)
{
	int64_t id = batch_of(r, out);
	if (!id)
		return;
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	batch_input in = BATCH_INPUT_EMPTY;
	char level_buf[24];
	read_plan(b, &in, level_buf, &fe);
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : batch_update(r->store, &r->sc, id, &in, &j, &fe);
	json_decref(b);
	answer(out, e, &fe, j, 200, NOT_FOUND_BATCH);
}

void api_batch_get(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	json_t *j = NULL;
	jn_err e = id ? batch_show(r->store, &r->sc, id, &j) : JN_ENOTFOUND;
	jn_fields fe = {0};
	answer(out, e, &fe, j, 200, NOT_FOUND_BATCH);
}

void api_batch_list(req *r, resp *out)
{
	int bad = 0;
	jn_fields fe = {0};
	batch_filter f = {0};
	const char *state = req_query(r, "state", 20, &bad);
	f.org_id = req_id(r, "org", "机构", &fe, &bad);
	req_occupation(r, f.occupation, sizeof f.occupation, &fe, &bad);
	req_paging(r, &f.page, &f.per_page, &fe, &bad);
	if (state && !(f.state = batch_state_parse(state)))
		jn_fields_add(&fe, "state", "invalid",
			      "状态应为 planned、submitted、reviewed、notice、approved、issued、returned 或 revoked");
	if (resp_bad_query(out, bad, &fe))
		return;
	json_t *items = NULL;
	int64_t total = 0;
	jn_err e = batch_list(r->store, &r->sc, &f, &items, &total);
	json_t *j = resp_list(out, e, e ? json_array() : items);
	if (!j)
		return;
	resp_page(j, total, -1, f.page, f.per_page);
}

void api_batch_enrol(req *r, resp *out)
{
	int64_t id = batch_of(r, out);
	if (!id)
		return;
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"person_id", "id_number", "route", "years_in_occupation", "diploma",
					      "basis", "evidence_text", NULL};
	json_only_fields(b, allowed, &fe);
	enrol_input in = {0};
	in.id_number = json_field_str(b, "id_number", 40, &fe);
	in.route = json_field_str(b, "route", 20, &fe);
	in.diploma = json_field_str(b, "diploma", 40, &fe);
	in.basis = json_field_str(b, "basis", 1000, &fe);
	in.evidence_text = json_field_str(b, "evidence_text", 4000, &fe);
	in.years_in_occupation = json_field_int(b, "years_in_occupation", -1, 0, 60, &fe);
	json_t *pid = json_object_get(b, "person_id");
	if (pid && !json_is_null(pid)) {
		if (!json_is_integer(pid) || json_integer_value(pid) <= 0)
			jn_fields_add(&fe, "person_id", "wrong_type", "应为人员编号（正整数）");
		else
			in.person_id = json_integer_value(pid);
	}
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : batch_enrol(r->store, &r->sc, id, &in, &j, &fe);
	json_decref(b);
	answer(out, e, &fe, j, 201, NOT_FOUND_BATCH);
}

void api_batch_withdraw(req *r, resp *out)
{
	int64_t id = batch_of(r, out), cid;
	if (!id || !(cid = sub_id(r, out, "考生")))
		return;
	jn_fields fe = {0};
	jn_err e = batch_withdraw(r->store, &r->sc, id, cid, &fe);
	answer(out, e, &fe, e ? NULL : json_pack("{s:I, s:b}", "candidate_id", (json_int_t)cid, "withdrawn", 1), 200,
	       "本批次没有这个考生");
}

void api_batch_evidence_put(req *r, resp *out)
{
	int64_t id = batch_of(r, out), cid;
	if (!id || !(cid = sub_id(r, out, "考生")))
		return;
	int bad = 0;
	const char *name = req_query(r, "name", 400, &bad);
	if (bad) {
		resp_problem_code(out, 400, "bad_query", "查询参数无效", "文件名过长或不是 UTF-8");
		return;
	}
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e = batch_evidence_put(r->store, &r->sc, id, cid, name, r->body, r->body_len, &j, &fe);
	if (e == JN_ETOOLARGE) {
		resp_problem(out, e, NULL, "证明文件不能超过10 MiB");
		return;
	}
	answer(out, e, &fe, j, 200, "本批次没有这个考生");
}

void api_batch_evidence_get(req *r, resp *out)
{
	int64_t id = batch_of(r, out), cid;
	if (!id || !(cid = sub_id(r, out, "考生")))
		return;
	char *data = NULL, name[256], sha[65];
	size_t len = 0;
	jn_err e = batch_evidence_get(r->store, &r->sc, id, cid, &data, &len, name, sha);
	if (e) {
		resp_problem(out, e, NULL, e == JN_ENOTFOUND ? "这个考生没有上传证明文件" : NULL);
		return;
	}
	out->status = 200;
	out->raw = data;
	out->raw_len = len;
	out->content_type = "application/octet-stream";
	char ascii[64];
	snprintf(ascii, sizeof ascii, "evidence-%lld", (long long)cid);
	resp_attachment(out, name, ascii);
	resp_header(out, "X-Content-SHA256", sha);
}

void api_batch_score(req *r, resp *out)
{
	int64_t id = batch_of(r, out), cid;
	if (!id || !(cid = sub_id(r, out, "考生")))
		return;
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"theory", "practical", "review", NULL};
	json_only_fields(b, allowed, &fe);
	score_input in = {json_field_int(b, "theory", -1, 0, 100, &fe), json_field_int(b, "practical", -1, 0, 100, &fe),
			  json_field_int(b, "review", -1, 0, 100, &fe)};
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : batch_score(r->store, &r->sc, id, cid, &in, &j, &fe);
	json_decref(b);
	answer(out, e, &fe, j, 200, "本批次没有这个考生");
}

/* The steps whose body carries at most a reason. */
typedef enum step { ST_SUBMIT, ST_NOTICE, ST_APPROVE, ST_ISSUE, ST_RETURN, ST_REVOKE } step;

static void simple_step(req *r, resp *out, step st)
{
	int64_t id = batch_of(r, out);
	if (!id)
		return;
	json_t *b = optional_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const with_reason[] = {"reason", NULL}, *const none[] = {NULL};
	int wants_reason = st == ST_RETURN || st == ST_REVOKE;
	json_only_fields(b, wants_reason ? with_reason : none, &fe);
	const char *reason = wants_reason ? json_field_str(b, "reason", 1000, &fe) : NULL;
	json_t *j = NULL;
	jn_err e = JN_EINVAL;
	if (!fe.count) {
		switch (st) {
		case ST_SUBMIT:
			e = batch_submit(r->store, &r->sc, id, &j, &fe);
			break;
		case ST_NOTICE:
			e = batch_notice(r->store, &r->sc, id, &j, &fe);
			break;
		case ST_APPROVE:
			e = batch_approve(r->store, &r->sc, id, &j, &fe);
			break;
		case ST_ISSUE:
			e = batch_issue(r->store, &r->sc, id, &j, &fe);
			break;
		case ST_RETURN:
			e = batch_return(r->store, &r->sc, id, reason, &j, &fe);
			break;
		case ST_REVOKE:
			e = batch_revoke(r->store, &r->sc, id, reason, &j, &fe);
			break;
		}
	}
	json_decref(b);
	answer(out, e, &fe, j, 200, NOT_FOUND_BATCH);
}

void api_batch_submit(req *r, resp *out) { simple_step(r, out, ST_SUBMIT); }
void api_batch_notice(req *r, resp *out) { simple_step(r, out, ST_NOTICE); }
void api_batch_approve(req *r, resp *out) { simple_step(r, out, ST_APPROVE); }
void api_batch_issue(req *r, resp *out) { simple_step(r, out, ST_ISSUE); }
void api_batch_return(req *r, resp *out) { simple_step(r, out, ST_RETURN); }
void api_batch_revoke(req *r, resp *out) { simple_step(r, out, ST_REVOKE); }

void api_batch_review(req *r, resp *out)
{
	int64_t id = batch_of(r, out);
	if (!id)
		return;
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"decision", "reason", NULL};
	json_only_fields(b, allowed, &fe);
	const char *decision = json_field_str(b, "decision", 20, &fe), *reason = json_field_str(b, "reason", 1000, &fe);
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : batch_review(r->store, &r->sc, id, decision, reason, &j, &fe);
	json_decref(b);
	answer(out, e, &fe, j, 200, NOT_FOUND_BATCH);
}

void api_batch_object(req *r, resp *out)
{
	int64_t id = batch_of(r, out);
	if (!id)
		return;
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"candidate_id", "content", "contact", NULL};
	json_only_fields(b, allowed, &fe);
	const char *content = json_field_str(b, "content", 2000, &fe), *contact = json_field_str(b, "contact", 400, &fe);
	int64_t cid = 0;
	json_t *c = json_object_get(b, "candidate_id");
	if (c && !json_is_null(c)) {
		if (!json_is_integer(c) || json_integer_value(c) <= 0)
			jn_fields_add(&fe, "candidate_id", "wrong_type", "应为考生编号（正整数）");
		else
			cid = json_integer_value(c);
	}
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : batch_object(r->store, &r->sc, id, cid, content, contact, &j, &fe);
	json_decref(b);
	answer(out, e, &fe, j, 201, NOT_FOUND_BATCH);
}

void api_batch_answer(req *r, resp *out)
{
	int64_t id = batch_of(r, out), oid;
	if (!id || !(oid = sub_id(r, out, "异议")))
		return;
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"answer", NULL};
	json_only_fields(b, allowed, &fe);
	const char *text = json_field_str(b, "answer", 2000, &fe);
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : batch_answer(r->store, &r->sc, id, oid, text, &j, &fe);
	json_decref(b);
	answer(out, e, &fe, j, 200, "本批次没有这条异议");
}

/* ---- the batch's certificates, as JSON or a spreadsheet ---- */

static int cert_item(void *ctx, const certificate *c)
{
	json_array_append_new((json_t *)ctx, cert_json(c, 1));
	return 0;
}

static int cert_row(void *ctx, const certificate *c)
{
	char level[8], idm[40];
	snprintf(level, sizeof level, "%d", c->level);
	json_t *j = cert_json(c, 1);
	snprintf(idm, sizeof idm, "%s", json_string_value(json_object_get(j, "id_number")));
	const char *row[] = {c->number,
			     c->holder_name,
			     c->id_type,
			     idm,
			     c->occupation,
			     c->occupation_name,
			     c->direction,
			     json_string_value(json_object_get(j, "level_label")),
			     cert_route_name_zh(c->route),
			     c->body_name,
			     c->approved_on,
			     c->issued_on,
			     cert_status_name_zh(c->status),
			     c->revoked_on,
			     c->revoke_reason};
	int rc = exporter_row(ctx, (int)(sizeof row / sizeof row[0]), row);
	json_decref(j);
	return rc;
}

void api_batch_certs(req *r, resp *out)
{
	int64_t id = batch_of(r, out);
	if (!id)
		return;
	const char *fmt;
	int exp = req_format(r, out, &fmt);
	if (exp < 0)
		return;
	if (!exp) {
		json_t *items = json_array();
		jn_err e = batch_certificates(r->store, &r->sc, id, cert_item, items);
		resp_list(out, e, items);
		return;
	}
	static const char *const head[] = {"证书编号", "姓名", "证件类型", "证件号码（脱敏）", "职业编码", "职业名称",
					   "工种/职业方向", "职业技能等级", "评价方式", "评价机构", "审批日期", "发证日期",
					   "状态", "注销日期", "注销原因"};
	exporter *x;
	jn_err e = exporter_open(fmt, "证书", (int)(sizeof head / sizeof head[0]), head, &x);
	if (e) {
		resp_problem(out, e, NULL, NULL);
		return;
	}
	e = batch_certificates(r->store, &r->sc, id, cert_row, x);
	if (e) {
		exporter_abort(x);
		resp_problem(out, e, NULL, NULL);
		return;
	}
	char name[64];
	snprintf(name, sizeof name, "认定批次%lld证书", (long long)id);
	resp_export(r, out, x, "export.certificates", json_pack("{s:I}", "batch", (json_int_t)id), name, "certificates",
		    fmt);
}
