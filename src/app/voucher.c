/* voucher.c — electronic training vouchers (职业技能电子培训券).
 *
 * The city (or a county clerk for their county) issues vouchers to one
 * person or to everyone a rule selects: persons registered under a region,
 * with any or all of some group tags (persons.tags), aged between two ages
 * on the issue date, at most some level.  One voucher_issues row per
 * issuance, one voucher per person numbered "PXQ" + year + an 8-digit
 * serial (PXQ202600000001), an entry in each holder's record.  A dry run
 * only counts.
 *
 * States: issued → used (enrolment, by its holder, before expiry, for a
 * listed occupation) → redeemed (兑付: the provider's training subsidy for
 * that enrolment is paid).  An issued voucher past its expiry date is
 * expired — computed when read, nothing runs at midnight. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/certify.h"
#include "app/money.h"
#include "app/voucher.h"
#include "core/cert.h"
#include "core/mask.h"
#include "core/regions.h"
#include "core/subsidy.h"
#include "store/store_record.h"
#include "store/store_training.h"

static void today_text(char out[11]) { ymd_text(store_today(), out); }

const char *voucher_state_now(const voucher *v, const char *today)
{
	if (strcmp(v->state, "issued") == 0 && strcmp(v->expires_on, today) < 0)
		return "expired";
	return v->state;
}

const char *voucher_state_zh(const char *state)
{
	if (strcmp(state, "issued") == 0)
		return "未使用";
	if (strcmp(state, "used") == 0)
		return "已使用";
	if (strcmp(state, "redeemed") == 0)
		return "已兑付";
	if (strcmp(state, "expired") == 0)
		return "已过期";
	return state;
}

static json_t *occupations_json(const char *list)
{
	json_t *a = json_array();
	char buf[512];
	snprintf(buf, sizeof buf, "%s", list);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(tok));
	return a;
}

static json_t *voucher_json(const voucher *v, const char *today)
{
	const char *st = voucher_state_now(v, today);
	const region_entry *re = region_find(v->region);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(v->id));
	json_object_set_new(j, "number", json_string(v->number));
	json_object_set_new(j, "person", person_brief(v->person_id, v->person_name, v->id_number));
	json_object_set_new(j, "region", json_string(v->region));
	json_object_set_new(j, "region_name", json_string(re ? re->name : ""));
	json_object_set_new(j, "programme_id", v->programme_id ? json_integer(v->programme_id) : json_null());
	json_object_set_new(j, "programme_name", json_string(v->programme_name));
	json_object_set_new(j, "issue_id", v->issue_id ? json_integer(v->issue_id) : json_null());
	json_object_set_new(j, "occupations", occupations_json(v->occupations));
	json_object_set_new(j, "amount_fen", json_integer(v->amount_fen));
	json_object_set_new(j, "issued_on", json_string(v->issued_on));
	json_object_set_new(j, "expires_on", json_string(v->expires_on));
	json_object_set_new(j, "state", json_string(st));
	json_object_set_new(j, "state_name", json_string(voucher_state_zh(st)));
	json_object_set_new(j, "enrolment_id", v->enrolment_id ? json_integer(v->enrolment_id) : json_null());
	json_object_set_new(j, "used_on", v->used_on[0] ? json_string(v->used_on) : json_null());
	json_object_set_new(j, "redeemed_on", v->redeemed_on[0] ? json_string(v->redeemed_on) : json_null());
	json_object_set_new(j, "issued_by", json_string(v->issued_by));
	json_object_set_new(j, "created_at", json_string(v->created_at));
	return j;
}

/* 1 when occ is one of the listed codes or under one of the listed groups. */
static int occupation_listed(const char *list, const char *occ)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", list);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(tok);
		if (strcmp(tok, occ) == 0 || (strncmp(tok, occ, n) == 0 && occ[n] == '-'))
			return 1;
	}
	return 0;
}

/* ---- use (the contract of app/voucher.h) ---- */

jn_err voucher_use(stx *t, const scope *sc, const char *number, int64_t person_id, const char *occ,
		   int64_t enrolment_id, const char *today, jn_fields *fe)
{
	scope sys = scope_system();
	voucher v;
	jn_err e = number && number[0] ? store_voucher_get(t, &sys, number, &v) : JN_ENOTFOUND;
	if (e == JN_ENOTFOUND) {
		fe_add(fe, "voucher_number", "voucher_not_found", "培训券 %s 不存在", number ? number : "");
		return JN_EINVAL;
	}
	if (e)
		return e;
	if (v.person_id != person_id) {
		fe_add(fe, "voucher_number", "voucher_not_holder", "培训券 %s 不属于报名人员，培训券只能由本人使用", number);
		return JN_EINVAL;
	}
	if (strcmp(v.state, "issued") != 0) {
		fe_add(fe, "voucher_number", "voucher_used", "培训券 %s 已于 %s 使用过，每张培训券只能使用一次", number,
		       v.used_on);
		return JN_EINVAL;
	}
	if (strcmp(v.expires_on, today) < 0) {
		fe_add(fe, "voucher_number", "voucher_expired", "培训券 %s 已于 %s 过期", number, v.expires_on);
		return JN_EINVAL;
	}
	if (!occupation_listed(v.occupations, occ ? occ : "")) {
		fe_add(fe, "voucher_number", "voucher_occupation", "培训券 %s 只能用于这些职业的培训：%s（本班为 %s）", number,
		       v.occupations, occ ? occ : "");
		return JN_EINVAL;
	}
	e = store_voucher_move(t, v.id, "issued", "used", enrolment_id, today);
	if (e == JN_ECONFLICT) {
		fe_add(fe, "voucher_number", "voucher_used", "培训券 %s 刚刚已被使用，每张培训券只能使用一次", number);
		return JN_EINVAL;
	}
	if (e)
		return e;
	char yuan[48];
	subsidy_yuan(v.amount_fen, yuan);
	record_entry r;
	memset(&r, 0, sizeof r);
	r.person_id = person_id;
	snprintf(r.on_date, sizeof r.on_date, "%s", today);
	snprintf(r.kind, sizeof r.kind, "voucher");
	snprintf(r.title, sizeof r.title, "使用职业技能电子培训券 %s（%s）报名培训", v.number, yuan);
	char detail[256];
	snprintf(detail, sizeof detail, "{\"number\":\"%s\",\"state\":\"used\",\"enrolment_id\":%lld}", v.number,
		 (long long)enrolment_id);
	r.detail = detail;
	snprintf(r.ref_kind, sizeof r.ref_kind, "voucher");
	r.ref_id = v.id;
	snprintf(r.source, sizeof r.source, "培训报名");
	snprintf(r.recorded_by, sizeof r.recorded_by, "%s", actor_name(sc));
	e = store_record_add(t, &r);
	if (!e) {
		char subj[64];
		snprintf(subj, sizeof subj, "voucher:%s", v.number);
		char after[160];
		snprintf(after, sizeof after, "{\"enrolment_id\":%lld,\"state\":\"used\"}", (long long)enrolment_id);
		e = store_audit(t, sc, "voucher.use", subj, "{\"state\":\"issued\"}", after);
	}
	return e;
}

jn_err voucher_release(stx *t, const scope *sc, int64_t enrolment_id, int64_t person_id, const char *today)
{
	voucher v;
	jn_err e = store_voucher_of_enrolment(t, enrolment_id, &v);
	if (e || !v.id || strcmp(v.state, "used") != 0)
		return e;
	if ((e = store_voucher_release(t, v.id)) != JN_OK)
		return e;
	record_entry r;
	memset(&r, 0, sizeof r);
	r.person_id = person_id;
	snprintf(r.on_date, sizeof r.on_date, "%s", today);
	snprintf(r.kind, sizeof r.kind, "voucher");
	snprintf(r.title, sizeof r.title, "退班，培训券 %s 退回，有效期至 %s 前可再次使用", v.number, v.expires_on);
	char detail[160];
	snprintf(detail, sizeof detail, "{\"number\":\"%s\",\"state\":\"issued\",\"enrolment_id\":%lld}", v.number,
		 (long long)enrolment_id);
	r.detail = detail;
	snprintf(r.ref_kind, sizeof r.ref_kind, "voucher");
	r.ref_id = v.id;
	snprintf(r.source, sizeof r.source, "培训退班");
	snprintf(r.recorded_by, sizeof r.recorded_by, "%s", actor_name(sc));
	if ((e = store_record_add(t, &r)) != JN_OK)
		return e;
	char subj[64], before[160];
	snprintf(subj, sizeof subj, "voucher:%s", v.number);
	snprintf(before, sizeof before, "{\"enrolment_id\":%lld,\"state\":\"used\"}", (long long)enrolment_id);
	return store_audit(t, sc, "voucher.release", subj, before, "{\"state\":\"issued\"}");
}

jn_err voucher_redeem(stx *t, const scope *sc, int64_t enrolment_id, const char *today)
{
	voucher v;
	jn_err e = store_voucher_of_enrolment(t, enrolment_id, &v);
	if (e || !v.id || strcmp(v.state, "used") != 0)
		return e;
	e = store_voucher_move(t, v.id, "used", "redeemed", 0, today);
	if (e)
		return e;
	record_entry r;
	memset(&r, 0, sizeof r);
	r.person_id = v.person_id;
	snprintf(r.on_date, sizeof r.on_date, "%s", today);
	snprintf(r.kind, sizeof r.kind, "voucher");
	snprintf(r.title, sizeof r.title, "培训券 %s 已兑付（培训补贴已拨付培训机构）", v.number);
	snprintf(r.ref_kind, sizeof r.ref_kind, "voucher");
	r.ref_id = v.id;
	snprintf(r.source, sizeof r.source, "人力资源和社会保障部门");
	snprintf(r.recorded_by, sizeof r.recorded_by, "%s", actor_name(sc));
	e = store_record_add(t, &r);
	if (!e) {
		char subj[64];
		snprintf(subj, sizeof subj, "voucher:%s", v.number);
		e = store_audit(t, sc, "voucher.redeem", subj, "{\"state\":\"used\"}", "{\"state\":\"redeemed\"}");
	}
	return e;
}

/* ---- issue ---- */

/* ymd minus n years (29 Feb → 28 Feb in a common year). */
static int minus_years(int ymd, int n)
{
	int y = ymd / 10000 - n, md = ymd % 10000;
	if (md == 229 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		md = 228;
	return y * 10000 + md;
}

/* A code like 6, 6-18, 6-18-02 or 6-18-02-04. */
static int occupation_code_shape(const char *s)
{
	size_t n = strlen(s);
	if (n != 1 && n != 4 && n != 7 && n != 10)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int dash = i == 1 || i == 4 || i == 7;
		if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	}
	return 1;
}

static int occ_found(void *ctx, const occupation *o)
{
	(void)o;
	*(int *)ctx = 1;
	return 1;
}

static jn_err issue_validate(stx *t, const scope *sc, const voucher_issue_input *in, voucher_rule *rule,
			     char occupations[512], char expires[11], char issued[11], jn_fields *fe)
{
	memset(rule, 0, sizeof *rule);
	rule->level_max = -1;
	int today = store_today();
	int on = today;
	if (in->issued_on && in->issued_on[0]) {
		if (!sc->system || !(on = cert_date_parse(in->issued_on))) {
			fe_add(fe, "issued_on", "not_allowed", "发券日期只能是当天");
			on = today;
		}
	}
	ymd_text(on, issued);
	if (in->person_id > 0) {
		rule->person_id = in->person_id;
		if (in->region || in->ntags >= 0 || in->age_min >= 0 || in->age_max >= 0 || in->level_max >= 0)
			fe_add(fe, "person_id", "person_or_rule", "发给一个人（person_id）时不再给选人规则（region、tags、age_min、age_max、level_max）");
		person p;
		jn_err e = store_person_get(t, sc, in->person_id, &p);
		if (e == JN_ENOTFOUND)
			fe_add(fe, "person_id", "not_found", "编号为%lld的人员未登记，或不在您的管辖范围内",
			       (long long)in->person_id);
		else if (e)
			return e;
	} else {
		if (!in->region || !in->region[0]) {
			fe_add(fe, "region", "required", "按规则发券须给出地区（region：县区或市的代码），或用 person_id 发给一个人");
		} else if (strlen(in->region) != 6 || !region_find(in->region)) {
			fe_add(fe, "region", "invalid_region", "地区应为六位行政区划代码");
		} else if (!store_scope_allows_region(sc, in->region)) {
			fe_add(fe, "region", "out_of_scope", "地区 %s 不在您的管辖范围内", in->region);
		} else {
			snprintf(rule->region, sizeof rule->region, "%s", in->region);
		}
		for (int i = 0; i < in->ntags && i < 8; i++) {
			char field[24];
			snprintf(field, sizeof field, "tags[%d]", i);
			const char *tg = in->tags[i];
			if (!tg || !tg[0] || strlen(tg) >= sizeof rule->tags[0] || strchr(tg, ',') || strchr(tg, '%') ||
			    strchr(tg, '_'))
				fe_add(fe, field, "invalid_tag", "人群标签应为不含逗号的文字（如“脱贫户”），最多10个字");
			else
				snprintf(rule->tags[rule->ntags++], sizeof rule->tags[0], "%s", tg);
		}
		if (in->ntags > 8)
			fe_add(fe, "tags", "too_many", "人群标签最多8个");
		if (in->tags_match && strcmp(in->tags_match, "any") != 0 && strcmp(in->tags_match, "all") != 0)
			fe_add(fe, "tags_match", "invalid", "tags_match 应为 any（任一标签）或 all（全部标签）");
		rule->tags_all = in->tags_match && strcmp(in->tags_match, "all") == 0;
		if (in->age_min >= 0 && in->age_max >= 0 && in->age_min > in->age_max)
			fe_add(fe, "age_max", "before_min", "最大年龄不能小于最小年龄");
		if (in->age_min >= 0)
			ymd_text(minus_years(on, in->age_min), rule->born_to);
		if (in->age_max >= 0)
			ymd_text(cert_date_add_days(minus_years(on, in->age_max + 1), 1), rule->born_from);
		rule->level_max = in->level_max;
	}
	occupations[0] = '\0';
	if (in->noccupations <= 0)
		fe_add(fe, "occupations", "required", "须列出培训券可用于的职业（职业编码或其大类、中类、小类编码）");
	size_t len = 0;
	for (int i = 0; i < in->noccupations && i < 32; i++) {
		char field[32];
		snprintf(field, sizeof field, "occupations[%d]", i);
		char o[16];
		snprintf(o, sizeof o, "%s", in->occupations[i] ? in->occupations[i] : "");
		/* A group's own code ("6-31-00-00") stands for the group ("6-31"). */
		size_t ol = strlen(o);
		while (ol == 10 || ol == 7 || ol == 4) {
			if (strcmp(o + ol - 3, "-00") != 0)
				break;
			o[ol -= 3] = '\0';
		}
		if (!occupation_code_shape(o)) {
			fe_add(fe, field, "invalid_occupation", "职业应为职业分类大典的编码，如 6-18-02-04 或大类 6、中类 6-18");
			continue;
		}
		int found = 0;
		jn_err oe = store_occupations(t, o, 1, occ_found, &found);
		if (oe)
			return oe;
		if (!found) {
			fe_add(fe, field, "unknown_occupation", "职业分类大典（2022）中没有编码 %s", o);
			continue;
		}
		if (len + strlen(o) + 2 >= 512) {
			fe_add(fe, "occupations", "too_long", "职业列表过长");
			break;
		}
		len += (size_t)snprintf(occupations + len, 512 - len, "%s%s", len ? "," : "", o);
	}
	if (in->amount_fen < 0)
		fe_add(fe, "amount_fen", "required", "须给出培训券面额（amount_fen，单位：分）");
	else if (in->amount_fen == 0 || in->amount_fen > 10000000)
		fe_add(fe, "amount_fen", "out_of_range", "培训券面额应在1分到10万元（10000000分）之间");
	int exp = in->expires_on ? cert_date_parse(in->expires_on) : 0;
	if (!exp)
		fe_add(fe, "expires_on", in->expires_on && in->expires_on[0] ? "invalid_date" : "required",
		       "有效期至应为 YYYY-MM-DD 格式的日期");
	else if (exp < on)
		fe_add(fe, "expires_on", "in_past", "有效期不能早于发券日期 %s", issued);
	else
		ymd_text(exp, expires);
	return JN_OK;
}

static json_t *rule_json(const voucher_issue_input *in, const voucher_rule *r)
{
	json_t *j = json_object();
	if (r->person_id) {
		json_object_set_new(j, "person_id", json_integer(r->person_id));
		return j;
	}
	json_object_set_new(j, "region", json_string(r->region));
	json_t *tags = json_array();
	for (int i = 0; i < r->ntags; i++)
		json_array_append_new(tags, json_string(r->tags[i]));
	json_object_set_new(j, "tags", tags);
	json_object_set_new(j, "tags_match", json_string(r->tags_all ? "all" : "any"));
	json_object_set_new(j, "age_min", in->age_min >= 0 ? json_integer(in->age_min) : json_null());
	json_object_set_new(j, "age_max", in->age_max >= 0 ? json_integer(in->age_max) : json_null());
	json_object_set_new(j, "level_max", in->level_max >= 0 ? json_integer(in->level_max) : json_null());
	return j;
}

jn_err voucher_issue(store *s, const scope *sc, const voucher_issue_input *in, json_t **out, jn_fields *fe)
{
	if (!role_may(sc, ROLE_ADMIN | ROLE_COUNTY))
		return refuse_role(fe, sc, "发放培训券（由市、县人社部门发放）");
	stx *t;
	jn_err e = stx_begin(s, !in->dry_run, &t);
	if (e)
		return e;
	voucher_rule rule;
	char occupations[512], expires[11] = "", issued[11];
	e = issue_validate(t, sc, in, &rule, occupations, expires, issued, fe);
	if (!e && in->programme_id > 0) {
		programme g;
		jn_err ge = store_programme_get(t, sc, in->programme_id, &g);
		if (ge == JN_ENOTFOUND)
			fe_add(fe, "programme_id", "not_found", "没有编号为%lld的培训计划，或不在您的管辖范围内",
			       (long long)in->programme_id);
		else if (ge)
			e = ge;
	}
	if (!e && in->programme_id < 0)
		fe_add(fe, "programme_id", "invalid", "培训计划编号应为正整数");
	if (!e && fe->count) {
		stx_rollback(t);
		return JN_EINVAL;
	}
	if (e) {
		stx_rollback(t);
		return e;
	}
	int64_t count = 0;
	e = store_voucher_select_count(t, sc, &rule, &count);
	if (e) {
		stx_rollback(t);
		return e;
	}
	json_t *rj = rule_json(in, &rule);
	if (in->dry_run) {
		stx_rollback(t);
		*out = json_pack("{s:b, s:I, s:o, s:o, s:I, s:s, s:s}", "dry_run", 1, "count", (json_int_t)count, "rule", rj,
				 "occupations", occupations_json(occupations), "amount_fen", (json_int_t)in->amount_fen,
				 "expires_on", expires, "issued_on", issued);
		return JN_OK;
	}
	if (count == 0 || count > VOUCHER_MAX_ISSUE) {
		json_decref(rj);
		stx_rollback(t);
		if (count == 0)
			fe_add(fe, rule.person_id ? "person_id" : "region", "no_match", "规则没有选中任何人员，未发券");
		else
			fe_add(fe, "region", "too_many", "一次最多发 %d 张培训券，本规则选中 %lld 人，请缩小范围", VOUCHER_MAX_ISSUE,
			       (long long)count);
		return JN_EINVAL;
	}
	int64_t *ids = NULL;
	int n = 0;
	e = store_voucher_select(t, sc, &rule, &ids, &n);
	voucher_issue_row x;
	memset(&x, 0, sizeof x);
	x.programme_id = in->programme_id;
	snprintf(x.region, sizeof x.region, "%s", rule.person_id ? "" : rule.region);
	char *rtext = json_dumps(rj, JSON_COMPACT | JSON_SORT_KEYS);
	snprintf(x.rule, sizeof x.rule, "%s", rtext ? rtext : "{}");
	free(rtext);
	snprintf(x.occupations, sizeof x.occupations, "%s", occupations);
	x.amount_fen = in->amount_fen;
	snprintf(x.expires_on, sizeof x.expires_on, "%s", expires);
	x.count = n;
	snprintf(x.issued_by, sizeof x.issued_by, "%s", actor_name(sc));
	if (!e && rule.person_id) {
		person p;
		if (!(e = store_person_get(t, sc, rule.person_id, &p)))
			snprintf(x.region, sizeof x.region, "%s", p.region);
	}
	if (!e)
		e = store_voucher_issue_insert(t, &x);
	char prefix[8];
	snprintf(prefix, sizeof prefix, "PXQ%.4s", issued);
	int64_t first = 0;
	if (!e)
		e = store_counter_take(t, prefix, n, &first);
	if (!e && first + n - 1 > 99999999)
		e = JN_ECONFLICT;
	char yuan[48];
	subsidy_yuan(in->amount_fen, yuan);
	for (int i = 0; !e && i < n; i++) {
		voucher v;
		memset(&v, 0, sizeof v);
		snprintf(v.number, sizeof v.number, "%s%08d", prefix, (int)((first + i) % 100000000));
		v.person_id = ids[i];
		v.programme_id = in->programme_id;
		v.issue_id = x.id;
		snprintf(v.occupations, sizeof v.occupations, "%s", occupations);
		v.amount_fen = in->amount_fen;
		snprintf(v.issued_on, sizeof v.issued_on, "%s", issued);
		snprintf(v.expires_on, sizeof v.expires_on, "%s", expires);
		snprintf(v.issued_by, sizeof v.issued_by, "%s", actor_name(sc));
		e = store_voucher_insert(t, &v);
		if (e)
			break;
		record_entry r;
		memset(&r, 0, sizeof r);
		r.person_id = ids[i];
		snprintf(r.on_date, sizeof r.on_date, "%s", issued);
		snprintf(r.kind, sizeof r.kind, "voucher");
		snprintf(r.title, sizeof r.title, "获发职业技能电子培训券 %s（%s，有效期至 %s）", v.number, yuan, expires);
		char detail[700];
		snprintf(detail, sizeof detail,
			 "{\"number\":\"%s\",\"amount_fen\":%lld,\"expires_on\":\"%s\",\"occupations\":\"%s\"}", v.number,
			 (long long)v.amount_fen, expires, occupations);
		r.detail = detail;
		snprintf(r.ref_kind, sizeof r.ref_kind, "voucher");
		r.ref_id = v.id;
		snprintf(r.source, sizeof r.source, "人力资源和社会保障部门");
		snprintf(r.recorded_by, sizeof r.recorded_by, "%s", actor_name(sc));
		e = store_record_add(t, &r);
	}
	free(ids);
	if (!e) {
		char subj[64];
		snprintf(subj, sizeof subj, "voucher_issue:%lld", (long long)x.id);
		json_t *aj = json_pack("{s:O, s:s, s:I, s:s, s:i, s:s, s:s}", "rule", rj, "occupations", occupations,
				       "amount_fen", (json_int_t)x.amount_fen, "expires_on", expires, "count", n, "first",
				       "", "prefix", prefix);
		char firstnum[24];
		snprintf(firstnum, sizeof firstnum, "%s%08d", prefix, (int)(first % 100000000));
		json_object_set_new(aj, "first", json_string(firstnum));
		if (x.programme_id)
			json_object_set_new(aj, "programme_id", json_integer(x.programme_id));
		char *after = audit_text(aj);
		e = store_audit(t, sc, "voucher.issue", subj, NULL, after);
		free(after);
	}
	e = tx_end(t, e);
	if (e) {
		json_decref(rj);
		return e;
	}
	char firstnum[24], lastnum[24];
	snprintf(firstnum, sizeof firstnum, "%s%08d", prefix, (int)(first % 100000000));
	snprintf(lastnum, sizeof lastnum, "%s%08d", prefix, (int)((first + n - 1) % 100000000));
	*out = json_pack("{s:I, s:b, s:i, s:o, s:o, s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)x.id, "dry_run", 0,
			 "count", n, "rule", rj, "occupations", occupations_json(occupations), "amount_fen",
			 (json_int_t)x.amount_fen, "expires_on", expires, "issued_on", issued, "first_number", firstnum,
			 "last_number", lastnum, "issued_by", x.issued_by);
	json_object_set_new(*out, "programme_id", x.programme_id ? json_integer(x.programme_id) : json_null());
	return JN_OK;
}

/* ---- reading ---- */

typedef struct list_ctx {
	json_t *arr;
	char today[11];
} list_ctx;

static int voucher_one(void *ctx, const voucher *v)
{
	list_ctx *c = ctx;
	json_array_append_new(c->arr, voucher_json(v, c->today));
	return 0;
}

jn_err voucher_list(store *s, const scope *sc, voucher_filter *f, json_t **items, int64_t *total)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	list_ctx c = {json_array(), ""};
	today_text(c.today);
	snprintf(f->today, sizeof f->today, "%s", c.today);
	e = store_voucher_list(t, sc, f, voucher_one, &c, total);
	stx_rollback(t);
	if (e) {
		json_decref(c.arr);
		return e;
	}
	*items = c.arr;
	return JN_OK;
}

jn_err voucher_show(store *s, const scope *sc, const char *number, json_t **out)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	voucher v;
	e = store_voucher_get(t, sc, number, &v);
	stx_rollback(t);
	if (e)
		return e;
	char today[11];
	today_text(today);
	*out = voucher_json(&v, today);
	return JN_OK;
}

static int issue_one(void *ctx, const voucher_issue_row *x)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(x->id));
	json_object_set_new(j, "programme_id", x->programme_id ? json_integer(x->programme_id) : json_null());
	json_object_set_new(j, "region", json_string(x->region));
	json_t *rule = json_loads(x->rule, 0, NULL);
	json_object_set_new(j, "rule", rule ? rule : json_object());
	json_object_set_new(j, "occupations", occupations_json(x->occupations));
	json_object_set_new(j, "amount_fen", json_integer(x->amount_fen));
	json_object_set_new(j, "expires_on", json_string(x->expires_on));
	json_object_set_new(j, "count", json_integer(x->count));
	json_object_set_new(j, "issued_by", json_string(x->issued_by));
	json_object_set_new(j, "issued_at", json_string(x->issued_at));
	json_array_append_new(ctx, j);
	return 0;
}

jn_err voucher_issue_list(store *s, const scope *sc, int page, int per_page, json_t **items, int64_t *total)
{
	if (!role_may(sc, ROLE_ADMIN | ROLE_COUNTY))
		return JN_EFORBIDDEN;
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	json_t *arr = json_array();
	e = store_voucher_issues(t, sc, page, per_page, issue_one, arr, total);
	stx_rollback(t);
	if (e) {
		json_decref(arr);
		return e;
	}
	*items = arr;
	return JN_OK;
}

static json_t *count_json(int64_t n, int64_t fen) { return json_pack("{s:I, s:I}", "count", (json_int_t)n, "amount_fen", (json_int_t)fen); }

typedef struct stats_ctx {
	json_t *arr;
	voucher_stat sum;
} stats_ctx;

static json_t *stat_json(const voucher_stat *x)
{
	json_t *j = json_object();
	json_object_set_new(j, "issued", count_json(x->issued, x->issued_fen));
	json_object_set_new(j, "open", count_json(x->open, x->open_fen));
	json_object_set_new(j, "used", count_json(x->used, x->used_fen));
	json_object_set_new(j, "redeemed", count_json(x->redeemed, x->redeemed_fen));
	json_object_set_new(j, "expired", count_json(x->expired, x->expired_fen));
	return j;
}

static int stat_one(void *ctx, const voucher_stat *x)
{
	stats_ctx *c = ctx;
	json_t *j = stat_json(x);
	const region_entry *re = region_find(x->region);
	json_object_set_new(j, "programme_id", x->programme_id ? json_integer(x->programme_id) : json_null());
	json_object_set_new(j, "programme_name", json_string(x->programme_name));
	json_object_set_new(j, "region", json_string(x->region));
	json_object_set_new(j, "region_name", json_string(re ? re->name : ""));
	json_array_append_new(c->arr, j);
	int64_t *a[] = {&c->sum.issued, &c->sum.issued_fen, &c->sum.open,     &c->sum.open_fen,
			&c->sum.used,	&c->sum.used_fen,   &c->sum.redeemed, &c->sum.redeemed_fen,
			&c->sum.expired, &c->sum.expired_fen};
	const int64_t b[] = {x->issued, x->issued_fen, x->open,     x->open_fen,    x->used,
			     x->used_fen, x->redeemed, x->redeemed_fen, x->expired, x->expired_fen};
	for (int i = 0; i < 10; i++)
		*a[i] += b[i];
	return 0;
}

jn_err voucher_stats(store *s, const scope *sc, const char *region, int64_t programme_id, json_t **out)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	char today[11];
	today_text(today);
	stats_ctx c;
	memset(&c, 0, sizeof c);
	c.arr = json_array();
	e = store_voucher_stats(t, sc, region, programme_id, today, stat_one, &c);
	stx_rollback(t);
	if (e) {
		json_decref(c.arr);
		return e;
	}
	*out = json_pack("{s:o, s:o, s:s}", "items", c.arr, "totals", stat_json(&c.sum), "as_of", today);
	return JN_OK;
}
