/* openapi.c — the OpenAPI 3.1 document, generated from the route table so
 * it cannot drift from what is served. */
#include <stdio.h>
#include <string.h>

#include "http/http.h"

static json_t *problem_ref(const char *desc)
{
	return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", desc, "content", "application/problem+json", "schema",
			 "$ref", "#/components/schemas/Problem");
}

static json_t *schemas(void)
{
	json_t *str = json_pack("{s:s}", "type", "string");
	json_t *s = json_object();
	json_object_set_new(
		s, "Problem",
		json_pack("{s:s, s:[s,s,s], s:{s:o, s:o, s:{s:s}, s:o, s:o, s:{s:s, s:{s:s, s:{s:O, s:O, s:O}}}}}",
			  "type", "object", "required", "code", "title", "status", "properties", "type", json_deep_copy(str),
			  "title", json_deep_copy(str), "status", "type", "integer", "code", json_deep_copy(str), "detail",
			  json_deep_copy(str), "errors", "type", "array", "items", "type", "object", "properties", "field",
			  str, "code", str, "message", str));
	json_decref(str);
	json_object_set_new(s, "SessionRequest",
			    json_pack("{s:s, s:[s,s], s:{s:{s:s}, s:{s:s}}}", "type", "object", "required", "username",
				      "password", "properties", "username", "type", "string", "password", "type", "string"));
	const char *pf[] = {"id_number", "name", "gender", "birth_date", "phone", "region", "occupation", "level",
			    "employer", "education", "insured_from"};
	json_t *props = json_object();
	for (size_t i = 0; i < sizeof pf / sizeof pf[0]; i++)
		json_object_set_new(props, pf[i], json_pack("{s:[s,s,s]}", "type", "string", "integer", "null"));
	json_object_set_new(props, "tags",
			    json_pack("{s:[s,s,s], s:{s:s}, s:s}", "type", "array", "string", "null", "items", "type", "string",
				      "description", "人员类别：脱贫户、低保家庭、退役军人、残疾人、高校毕业生、农村转移劳动力、失业人员、就业困难人员、农民工、返乡创业人员"));
	json_object_set_new(s, "PersonInput",
			    json_pack("{s:s, s:[s,s,s], s:O, s:b}", "type", "object", "required", "id_number", "name",
				      "region", "properties", props, "additionalProperties", 0));
	json_object_set_new(props, "version", json_pack("{s:s}", "type", "integer"));
	json_object_set_new(s, "PersonPatch",
			    json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props, "additionalProperties", 0));
	json_object_set_new(
		s, "OrgInput",
		json_pack("{s:s, s:[s,s,s,s], s:{s:{s:s}, s:{s:s}, s:{s:s, s:[s,s,s,s]}, s:{s:s}, s:{s:s}}}", "type",
			  "object", "required", "uscc", "name", "kind", "region", "properties", "uscc", "type", "string",
			  "name", "type", "string", "kind", "type", "string", "enum", "employer", "trainer", "evaluator",
			  "school", "region", "type", "string", "phone", "type", "string"));
	json_object_set_new(s, "ImportFile", json_pack("{s:s, s:s}", "type", "string", "contentMediaType", "text/csv"));
	json_object_set_new(
		s, "AccountInput",
		json_pack("{s:s, s:[s,s,s], s:{s:{s:s}, s:{s:s}, s:{s:s, s:[s,s,s,s,s,s]}, s:{s:s}, s:{s:[s,s]}, s:{s:[s,s]}},"
			  " s:b}",
			  "type", "object", "required", "username", "password", "role", "properties", "username", "type",
			  "string", "password", "type", "string", "role", "type", "string", "enum", "admin", "county",
			  "evaluator", "trainer", "employer", "worker", "region", "type", "string", "org_id", "type",
			  "integer", "null", "person_id", "type", "integer", "null", "additionalProperties", 0));
	json_object_set_new(s, "AccountPatch",
			    json_pack("{s:s, s:{s:{s:s}, s:{s:s}}, s:b}", "type", "object", "properties", "disabled", "type",
				      "boolean", "password", "type", "string", "additionalProperties", 0));
	json_object_set_new(s, "EmployedInput",
			    json_pack("{s:s, s:[s,s,s,s], s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}, s:b}", "type", "object",
				      "required", "region", "year", "count", "source", "properties", "region", "type",
				      "string", "year", "type", "integer", "count", "type", "integer", "source", "type",
				      "string", "additionalProperties", 0));
	cert_openapi_schemas(s);
	training_openapi_schemas(s);
	record_openapi_schemas(s);
	money_openapi_schemas(s);
	return s;
}

json_t *openapi_document(void)
{
	json_t *paths = json_object();
	for (int i = 0; i < ROUTES_COUNT; i++) {
		const route *rt = &ROUTES[i];
		json_t *item = json_object_get(paths, rt->path);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, rt->path, item);
		}
		char method[8];
		size_t n = strlen(rt->method);
		for (size_t k = 0; k <= n && k < sizeof method; k++)
			method[k] = (char)(rt->method[k] >= 'A' && rt->method[k] <= 'Z' ? rt->method[k] + 32 : rt->method[k]);
		json_t *op = json_object();
		json_object_set_new(op, "summary", json_string(rt->summary));
		json_object_set_new(op, "tags", json_pack("[s]", rt->tag));
		char opid[96];
		snprintf(opid, sizeof opid, "%s %s", rt->method, rt->path);
		json_object_set_new(op, "operationId", json_string(opid));
		json_t *params = json_array();
		/* Every {name} of the path: ids are integers, a certificate number text. */
		for (const char *p = strchr(rt->path, '{'); p; p = strchr(p + 1, '{')) {
			const char *end = strchr(p, '}');
			if (!end || end - p - 1 >= 32)
				break;
			char pname[32];
			memcpy(pname, p + 1, (size_t)(end - p - 1));
			pname[end - p - 1] = '\0';
			json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", pname, "in", "path",
								 "required", 1, "schema", "type",
								 strcmp(pname, "number") == 0 ? "string" : "integer"));
		}
		if (rt->query) {
			char buf[256];
			snprintf(buf, sizeof buf, "%s", rt->query);
			char *save = NULL;
			for (char *q = strtok_r(buf, ",", &save); q; q = strtok_r(NULL, ",", &save))
				json_array_append_new(params, json_pack("{s:s, s:s, s:{s:s}}", "name", q, "in", "query",
									 "schema", "type", "string"));
		}
		if (json_array_size(params))
			json_object_set_new(op, "parameters", params);
		else
			json_decref(params);
		if (rt->body_schema) {
			const char *ct = strcmp(rt->body_schema, "ImportFile") == 0	  ? "text/csv"
					 : strcmp(rt->body_schema, "EvidenceFile") == 0 ? "application/octet-stream"
											  : "application/json";
			json_t *content = json_object();
			char ref[96];
			snprintf(ref, sizeof ref, "#/components/schemas/%s", rt->body_schema);
			json_object_set_new(content, ct, json_pack("{s:{s:s}}", "schema", "$ref", ref));
			if (strcmp(ct, "text/csv") == 0)
				json_object_set_new(
					content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
					json_pack("{s:{s:s, s:s}}", "schema", "type", "string", "contentEncoding", "binary"));
			json_object_set_new(op, "requestBody", json_pack("{s:b, s:o}", "required", 1, "content", content));
		}
		json_t *resps = json_object();
		json_object_set_new(resps, "200", json_pack("{s:s}", "description", "成功"));
		json_object_set_new(resps, "4XX", problem_ref("请求被拒绝（RFC 9457 problem+json）"));
		json_object_set_new(op, "responses", resps);
		if (rt->roles != ROLE_PUBLIC) {
			json_object_set_new(op, "security", json_pack("[{s:[]}]", "bearer"));
			json_t *roles = json_array();
			for (int b = 0; b < 6; b++)
				if (rt->roles & (1 << b))
					json_array_append_new(roles, json_string(role_name((role)(1 << b))));
			json_object_set_new(op, "x-roles", roles);
		} else {
			json_object_set_new(op, "security", json_array());
		}
		json_object_set_new(item, method, op);
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "openapi", json_string("3.1.0"));
	json_object_set_new(doc, "info", json_pack("{s:s, s:s, s:s}", "title", "技能人才服务管理平台 API", "version",
						   "1.0.0", "description",
						   "Jineng 技能人才服务管理平台的 JSON 接口。字段名为英文 snake_case，"
						   "提示信息为中文；错误为 RFC 9457 problem+json。"));
	json_object_set_new(doc, "servers", json_pack("[{s:s}]", "url", "/"));
	json_object_set_new(doc, "paths", paths);
	json_object_set_new(doc, "components",
			    json_pack("{s:o, s:{s:{s:s, s:s}}}", "schemas", schemas(), "securitySchemes", "bearer",
				      "type", "http", "scheme", "bearer"));
	return doc;
}
