/* api_cert.c — /api/v1/certificates (search, the full record, revocation),
 * a person's certificates, and the import of historical certificates. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "http/http.h"

void api_cert_list(req *r, resp *out)
{
	int bad = 0;
	jn_fields fe = {0};
	cert_filter f = {0};
	const char *status = req_query(r, "status", 20, &bad);
	f.person_id = req_id(r, "person", "人员", &fe, &bad);
	f.batch_id = req_id(r, "batch", "批次", &fe, &bad);
	req_occupation(r, f.occupation, sizeof f.occupation, &fe, &bad);
	req_paging(r, &f.page, &f.per_page, &fe, &bad);
	if (status && !(f.status = cert_status_parse(status)))
		jn_fields_add(&fe, "status", "invalid", "状态应为 pending（待发证）、valid（有效）或 revoked（已注销）");
	if (resp_bad_query(out, bad, &fe))
		return;
	json_t *items = NULL;
	int64_t total = 0;
	int capped = 0;
	jn_err e = cert_list(r->store, &r->sc, &f, &items, &total, &capped);
	json_t *j = resp_list(out, e, e ? json_array() : items);
	if (!j)
		return;
	resp_page(j, total, capped, f.page, f.per_page);
}

static int number_ok(const char *s) { return s && strlen(s) == CERT_NUMBER_LEN; }

void api_cert_get(req *r, resp *out)
{
	const char *number = r->params[0];
	json_t *j = NULL;
	jn_err e = number_ok(number) ? cert_read(r->store, &r->sc, number, &j) : JN_ENOTFOUND;
	if (e == JN_ENOTFOUND) {
		resp_problem(out, e, NULL, "没有这个证书，或不在您的查看范围内");
		return;
	}
	resp_outcome(out, e, NULL, j, 200);
}

void api_cert_revoke(req *r, resp *out)
{
	const char *number = r->params[0];
	if (!number_ok(number) || !cert_visible(r->store, &r->sc, number)) {
		resp_problem(out, JN_ENOTFOUND, NULL, "没有这个证书，或不在您的管辖范围内");
		return;
	}
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	static const char *const allowed[] = {"reason", NULL};
	json_only_fields(b, allowed, &fe);
	const char *reason = json_field_str(b, "reason", 1000, &fe);
	json_t *j = NULL;
	jn_err e = fe.count ? JN_EINVAL : cert_revoke(r->store, &r->sc, number, reason, &j, &fe);
	json_decref(b);
	resp_outcome(out, e, &fe, j, 200);
}

void api_person_certs(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	json_t *j = NULL;
	jn_err e = id ? cert_of_person(r->store, &r->sc, id, &j) : JN_ENOTFOUND;
	if (e == JN_ENOTFOUND) {
		resp_problem(out, e, NULL, "没有编号为%s的人员，或不在您的管辖范围内", r->params[0]);
		return;
	}
	resp_outcome(out, e, NULL, j, 200);
}

void api_import_certs(req *r, resp *out)
{
	import_opts o = {0};
	if (req_import(r, out, &o) != 0)
		return;
	import_report rep;
	jn_err e = import_certificates(r->store, &r->sc, r->body, r->body_len, &o, &rep);
	json_t *j = import_report_json(&rep);
	import_report_free(&rep);
	if (e == JN_EINVAL) {
		resp_problem(out, e, NULL, "导入被拒绝：%ld行有错误，未写入任何数据", rep.rejected);
		json_object_set_new(out->json, "report", j);
		return;
	}
	if (e) {
		json_decref(j);
		resp_problem(out, e, NULL, NULL);
		return;
	}
	resp_json(out, 200, j);
}

/* ---- the OpenAPI schemas of the certification routes ---- */

static json_t *obj(json_t *props, json_t *required)
{
	json_t *s = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props, "additionalProperties", 0);
	if (required)
		json_object_set_new(s, "required", required);
	return s;
}

#define STR json_pack("{s:s}", "type", "string")
#define INT json_pack("{s:s}", "type", "integer")
#define INT_NULL json_pack("{s:[s,s]}", "type", "integer", "null")

void cert_openapi_schemas(json_t *s)
{
	json_object_set_new(
		s, "EvaluatorInput",
		obj(json_pack("{s:{s:s, s:[s,s]}, s:o, s:o, s:o, s:{s:s, s:{s:s, s:{s:o, s:o}}}}", "body_type", "type",
			      "string", "enum", "Y", "S", "body_code", STR, "site_serial", STR, "employer_org_id", INT_NULL,
			      "pairs", "type", "array", "items", "type", "object", "properties", "occupation", STR, "level",
			      INT),
		    json_pack("[s,s,s,s]", "body_type", "body_code", "site_serial", "pairs")));
	json_object_set_new(s, "StaffInput",
			    obj(json_pack("{s:o, s:o, s:{s:s, s:[s,s]}}", "person_id", INT, "id_number", STR, "role", "type",
					  "string", "enum", "examiner", "supervisor"),
				json_pack("[s]", "role")));
	json_t *plan = json_pack("{s:o, s:{s:[s,s]}, s:o, s:o, s:o, s:o, s:{s:s, s:o}, s:o, s:{s:s, s:{s:o, s:o, s:o}},"
				 " s:o}",
				 "occupation", STR, "level", "type", "string", "integer", "direction", STR, "exam_from", STR,
				 "exam_to", STR, "place", STR, "examiners", "type", "array", "items", INT, "supervisor", INT,
				 "pass_marks", "type", "object", "properties", "theory", INT, "practical", INT, "review", INT,
				 "notice_days", INT);
	json_object_set_new(s, "BatchInput",
			    obj(json_deep_copy(plan), json_pack("[s,s,s,s,s,s]", "occupation", "level", "exam_from", "place",
								"examiners", "supervisor")));
	json_object_set_new(s, "BatchPatch", obj(plan, NULL));
	json_object_set_new(
		s, "CandidateInput",
		obj(json_pack("{s:o, s:o, s:{s:s, s:[s,s,s,s]}, s:o, s:{s:s, s:[s,s,s,s,s,s]}, s:o, s:o}", "person_id", INT,
			      "id_number", STR, "route", "type", "string", "enum", "normal", "direct", "exceptional",
			      "special", "years_in_occupation", INT, "diploma", "type", "string", "enum", "none",
			      "apprenticeship", "technical_school", "senior_technical_school", "preparatory_technician",
			      "college_in_field", "basis", STR, "evidence_text", STR),
		    NULL));
	json_object_set_new(s, "EvidenceFile", json_pack("{s:s, s:s}", "type", "string", "contentEncoding", "binary"));
	json_object_set_new(s, "ScoresInput",
			    obj(json_pack("{s:o, s:o, s:o}", "theory", INT, "practical", INT, "review", INT_NULL),
				json_pack("[s,s]", "theory", "practical")));
	json_object_set_new(s, "ReviewInput",
			    obj(json_pack("{s:{s:s, s:[s,s]}, s:o}", "decision", "type", "string", "enum", "pass", "return",
					  "reason", STR),
				json_pack("[s]", "decision")));
	json_object_set_new(s, "ReasonInput", obj(json_pack("{s:o}", "reason", STR), json_pack("[s]", "reason")));
	json_object_set_new(s, "ObjectionInput",
			    obj(json_pack("{s:o, s:o, s:o}", "candidate_id", INT_NULL, "content", STR, "contact", STR),
				json_pack("[s,s]", "content", "contact")));
	json_object_set_new(s, "AnswerInput", obj(json_pack("{s:o}", "answer", STR), json_pack("[s]", "answer")));
}
