/* org.c — registering organisations (employers, training providers,
 * evaluation bodies, technical schools). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/phone.h"
#include "core/regions.h"
#include "core/text.h"
#include "core/uscc.h"

json_t *org_json(const org *o)
{
	const region_entry *r = region_find(o->region);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(o->id));
	json_object_set_new(j, "uscc", json_string(o->uscc));
	json_object_set_new(j, "name", json_string(o->name));
	json_object_set_new(j, "kind", json_string(org_kind_name(o->kind)));
	json_object_set_new(j, "kind_name", json_string(org_kind_name_zh(o->kind)));
	json_object_set_new(j, "region", json_string(o->region));
	json_object_set_new(j, "region_name", json_string(r ? r->name : ""));
	json_object_set_new(j, "phone", json_string(o->phone));
	json_object_set_new(j, "created_at", json_string(o->created_at));
	return j;
}

jn_err org_create(store *s, const scope *sc, const org_input *in, org *out, jn_fields *fe)
{
	memset(out, 0, sizeof *out);
	if (!in->uscc || !in->uscc[0]) {
		jn_fields_add(fe, "uscc", "required", "统一社会信用代码必须填写");
	} else {
		uscc_info info;
		uscc_status st = uscc_parse(in->uscc, strlen(in->uscc), &info);
		if (st != USCC_OK) {
			char msg[256];
			uscc_status_message(st, &info, msg, sizeof msg);
			jn_fields_add(fe, "uscc", uscc_status_code(st), "%s", msg);
		} else {
			memcpy(out->uscc, info.code, sizeof out->uscc);
		}
	}
	if (!in->name || !in->name[0]) {
		jn_fields_add(fe, "name", "required", "机构名称必须填写");
	} else {
		char *n = NULL;
		text_status st = text_normalize_name(in->name, strlen(in->name), 80, &n);
		if (st != TEXT_OK)
			jn_fields_add(fe, "name", text_status_code(st), "机构名称%s", text_status_message(st));
		else
			snprintf(out->name, sizeof out->name, "%s", n);
		free(n);
	}
	out->kind = in->kind ? org_kind_parse(in->kind) : 0;
	if (!out->kind)
		jn_fields_add(fe, "kind", "invalid", "机构类型应为 employer（用人单位）、trainer（培训机构）、"
						     "evaluator（评价机构）或 school（技工院校）");
	const char *rc = in->region ? region_resolve(in->region) : NULL;
	if (!rc)
		jn_fields_add(fe, "region", in->region ? "unknown_region" : "required", "所属地区必须是现行的区划代码或名称");
	else
		memcpy(out->region, rc, 7);
	if (in->phone && in->phone[0]) {
		phone_kind k;
		phone_status st = phone_parse(in->phone, strlen(in->phone), out->phone, sizeof out->phone, &k);
		if (st != PHONE_OK)
			jn_fields_add(fe, "phone", phone_status_code(st), "%s", phone_status_message(st));
	}
	if (fe->count)
		return JN_EINVAL;
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	e = store_org_insert(t, sc, out);
	if (e == JN_ECONFLICT)
		jn_fields_add(fe, "uscc", "duplicate", "统一社会信用代码%s已登记", out->uscc);
	else if (e == JN_EFORBIDDEN)
		jn_fields_add(fe, "region", "out_of_scope", "所属地区不在您的管辖范围内");
	if (!e) {
		char subj[64];
		snprintf(subj, sizeof subj, "org:%lld", (long long)out->id);
		json_t *j = org_json(out);
		char *after = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(j);
		e = store_audit(t, sc, "org.create", subj, NULL, after);
		free(after);
	}
	if (e) {
		stx_rollback(t);
		return fe->count ? JN_EINVAL : e;
	}
	return stx_commit(t);
}
