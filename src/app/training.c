/* training.c — classes (培训班) run by training providers: the plan and its
 * sessions, real-name enrolment, attendance by the trainer or with a
 * short-lived check-in code, completion and results.
 *
 *   open (报名中) ──first attendance──▶ running (培训中) ──close──▶ closed (已结业)
 *      └────────────────────────────close───────────────────────────┘
 *
 * The plan (sessions included) changes only while open; enrolment,
 * withdrawal and attendance until closed.  Closing computes each
 * enrolment's attendance over the class's sessions: completed when it is at
 * least the class's minimum (the programme's, 80% by default), otherwise
 * incomplete.  Enrolling, withdrawing and completing each append an entry to
 * the worker's lifelong record in the same transaction. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/certify.h"
#include "app/training.h"
#include "app/training_internal.h"
#include "app/voucher.h"
#include "core/grow.h"
#include "core/idcard.h"
#include "core/mask.h"
#include "core/regions.h"
#include "core/text.h"
#include "core/training.h"
#include "store/store_record.h"

#define MANAGERS (ROLE_ADMIN | ROLE_COUNTY | ROLE_TRAINER)

/* ---- JSON ---- */

json_t *class_json(const training_class *c)
{
	const region_entry *re = region_find(c->region);
	const level_info *l = level_by_rank(c->level);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(c->id));
	json_object_set_new(j, "org_id", json_integer(c->org_id));
	json_object_set_new(j, "org_name", json_string(c->org_name));
	json_object_set_new(j, "programme_id", c->programme_id ? json_integer(c->programme_id) : json_null());
	json_object_set_new(j, "programme_name", c->programme_id ? json_string(c->programme_name) : json_null());
	json_object_set_new(j, "region", json_string(c->region));
	json_object_set_new(j, "region_name", json_string(re ? re->name : ""));
	json_object_set_new(j, "name", json_string(c->name));
	json_object_set_new(j, "occupation", json_string(c->occupation));
	json_object_set_new(j, "occupation_name", json_string(c->occupation_name));
	json_object_set_new(j, "level", json_integer(c->level));
	json_object_set_new(j, "level_name", json_string(l ? l->name : ""));
	json_object_set_new(j, "category", json_string(c->category));
	json_object_set_new(j, "mode", json_string(c->mode));
	json_object_set_new(j, "mode_name", json_string(tr_mode_zh(c->mode)));
	json_object_set_new(j, "start_date", json_string(c->start_date));
	json_object_set_new(j, "end_date", json_string(c->end_date));
	json_object_set_new(j, "hours", json_integer(c->hours));
	json_object_set_new(j, "teacher", json_string(c->teacher));
	json_object_set_new(j, "place", json_string(c->place));
	json_object_set_new(j, "capacity", json_integer(c->capacity));
	json_object_set_new(j, "enrolled", json_integer(c->enrolled));
	json_object_set_new(j, "sessions_count", json_integer(c->nsessions));
	json_object_set_new(j, "catalog_id", c->catalog_id ? json_integer(c->catalog_id) : json_null());
	json_object_set_new(j, "standard_fen", json_integer(c->standard_fen));
	json_object_set_new(j, "subsidised", json_boolean(c->catalog_id != 0));
	json_object_set_new(j, "min_attendance", json_integer(c->min_attendance));
	json_object_set_new(j, "state", json_string(c->state));
	json_object_set_new(j, "state_name", json_string(tr_state_name_zh(tr_state_parse(c->state))));
	json_object_set_new(j, "created_by", json_string(c->created_by));
	json_object_set_new(j, "created_at", json_string(c->created_at));
	json_object_set_new(j, "updated_at", json_string(c->updated_at));
	json_object_set_new(j, "version", json_integer(c->version));
	return j;
}

static json_t *csession_json(const class_session *s)
{
	char a[17], b[17];
	tr_local_text(tr_time_parse(s->starts_at), a);
	tr_local_text(tr_time_parse(s->ends_at), b);
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:i}", "seq", s->seq, "starts_at", s->starts_at, "ends_at",
			 s->ends_at, "local", a, "local_end", b + 11, "topic", s->topic, "present", s->present);
}

json_t *enrolment_json(const enrolment *e, int masked)
{
	json_t *j = masked ? person_brief(e->person_id, e->name, e->id_number) : json_object();
	if (!masked) {
		json_object_set_new(j, "person_id", json_integer(e->person_id));
		json_object_set_new(j, "name", json_string(e->name));
		json_object_set_new(j, "id_number", json_string(e->id_number));
	}
	json_object_set_new(j, "id", json_integer(e->id));
	json_object_set_new(j, "class_id", json_integer(e->class_id));
	json_object_set_new(j, "class_name", json_string(e->class_name));
	json_object_set_new(j, "org_id", json_integer(e->org_id));
	json_object_set_new(j, "org_name", json_string(e->org_name));
	json_object_set_new(j, "state", json_string(e->state));
	json_object_set_new(j, "state_name", json_string(tr_enrolment_state_zh(e->state)));
	json_object_set_new(j, "attended", json_integer(e->attended));
	json_object_set_new(j, "sessions", json_integer(e->nsessions));
	json_object_set_new(j, "attendance_pct", json_integer(tr_attendance_pct(e->attended, e->nsessions)));
	json_object_set_new(j, "result", e->result[0] ? json_string(e->result) : json_null());
	json_object_set_new(j, "score", e->score >= 0 ? json_integer(e->score) : json_null());
	json_object_set_new(j, "cert_number", e->cert_number[0] ? json_string(e->cert_number) : json_null());
	json_object_set_new(j, "completed_on", e->completed_on[0] ? json_string(e->completed_on) : json_null());
	json_object_set_new(j, "voucher_id", e->voucher_id ? json_integer(e->voucher_id) : json_null());
	json_object_set_new(j, "enrolled_by", json_string(e->enrolled_by));
	json_object_set_new(j, "created_at", json_string(e->created_at));
	json_object_set_new(j, "updated_at", json_string(e->updated_at));
	return j;
}

typedef struct show_ctx {
	json_t *arr;
	int counts[4];
	int64_t only_person;
} show_ctx;

static int session_one(void *ctx, const class_session *s)
{
	json_array_append_new(((show_ctx *)ctx)->arr, csession_json(s));
	return 0;
}

static int enrol_one(void *ctx, const enrolment *e)
{
	show_ctx *x = ctx;
	static const char *const st[4] = {"enrolled", "completed", "incomplete", "withdrawn"};
	for (int i = 0; i < 4; i++)
		x->counts[i] += strcmp(e->state, st[i]) == 0;
	if (x->only_person && e->person_id != x->only_person)
		return 0;
	json_array_append_new(x->arr, enrolment_json(e, 1));
	return 0;
}

/* Each listed enrolment gets attended_seqs: the sessions the person was at. */
static int presence_one(void *ctx, int64_t person_id, int seq)
{
	json_t *arr = ctx;
	size_t i;
	json_t *en;
	json_array_foreach(arr, i, en)
	{
		if (json_integer_value(json_object_get(en, "person_id")) == person_id) {
			json_t *seqs = json_object_get(en, "attended_seqs");
			if (!seqs) {
				seqs = json_array();
				json_object_set_new(en, "attended_seqs", seqs);
			}
			json_array_append_new(seqs, json_integer(seq));
		}
	}
	return 0;
}

static jn_err show_json(stx *t, const scope *sc, const training_class *c, json_t **out)
{
	json_t *j = class_json(c);
	show_ctx ss = {json_array(), {0}, 0};
	jn_err e = store_sessions(t, c->id, session_one, &ss);
	json_object_set_new(j, "sessions", ss.arr);
	show_ctx es = {json_array(), {0}, !sc->system && sc->role == ROLE_WORKER ? sc->person_id : 0};
	if (!e)
		e = store_class_enrolments(t, c->id, enrol_one, &es);
	if (!e)
		e = store_class_presence(t, c->id, presence_one, es.arr);
	size_t k;
	json_t *en;
	json_array_foreach(es.arr, k, en) if (!json_object_get(en, "attended_seqs"))
		json_object_set_new(en, "attended_seqs", json_array());
	json_object_set_new(j, "enrolments", es.arr);
	json_object_set_new(j, "counts", json_pack("{s:i, s:i, s:i, s:i}", "enrolled", es.counts[0], "completed",
						   es.counts[1], "incomplete", es.counts[2], "withdrawn", es.counts[3]));
	if (e) {
		json_decref(j);
		return e;
	}
	*out = j;
	return JN_OK;
}

static void subject_of(int64_t id, char out[64]) { snprintf(out, 64, "class:%lld", (long long)id); }

static jn_err audit_class(stx *t, const scope *sc, const char *action, int64_t id, json_t *before, json_t *after)
{
	char subj[64];
	subject_of(id, subj);
	char *b = before ? audit_text(before) : NULL, *a = after ? audit_text(after) : NULL;
	jn_err e = store_audit(t, sc, action, subj, b, a);
	free(b);
	free(a);
	return e;
}

static void today_text(char out[11]) { ymd_text(store_today(), out); }

/* ---- the plan ---- */

static int parse_date(jn_fields *fe, const char *field, const char *label, const char *in, char out[11])
{
	if (!in || !in[0]) {
		fe_add(fe, field, "required", "%s必须填写", label);
		return 0;
	}
	int d = cert_date_parse(in);
	if (!d) {
		fe_add(fe, field, "invalid_date", "%s应为 YYYY-MM-DD 格式的日期", label);
		return 0;
	}
	cert_date_format(d, out);
	return 1;
}

/* 1 when a programme of region p applies to a class in region c: the
 * class's county, its city or its province. */
static int programme_covers(const char *p, const char *c)
{
	if (strcmp(p + 2, "0000") == 0)
		return strncmp(p, c, 2) == 0;
	if (strcmp(p + 4, "00") == 0)
		return strncmp(p, c, 4) == 0;
	return strcmp(p, c) == 0;
}

typedef struct sess_sort {
	int64_t start, end;
	int given;
	const char *topic;
} sess_sort;

static int by_start(const void *a, const void *b)
{
	const sess_sort *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start ? 1 : x->given - y->given;
}

jn_err class_build(stx *t, const scope *sc, const class_input *in, const training_class *base, training_class *c,
		   class_session *sess, int *nsess, jn_fields *fe)
{
	int creating = base == NULL;
	scope sys = scope_system();
	if (creating) {
		memset(c, 0, sizeof *c);
		snprintf(c->state, sizeof c->state, "open");
		snprintf(c->created_by, sizeof c->created_by, "%s", actor_name(sc));
		int64_t org_id = !sc->system && sc->role == ROLE_TRAINER ? sc->org_id : in->org_id;
		if (!sc->system && sc->role == ROLE_TRAINER && in->org_id && in->org_id != sc->org_id)
			fe_add(fe, "org_id", "not_own_org", "培训机构账号只能为本机构开班");
		org o;
		if (org_id <= 0) {
			fe_add(fe, "org_id", "required", "须指定培训机构（org_id）");
		} else {
			jn_err e = store_org_get(t, sc->role == ROLE_TRAINER ? &sys : sc, org_id, &o);
			if (e == JN_ENOTFOUND)
				fe_add(fe, "org_id", "unknown_org", "机构%lld不存在，或不在您的管辖范围内", (long long)org_id);
			else if (e)
				return e;
			else if (o.kind != ORG_TRAINER && o.kind != ORG_SCHOOL)
				fe_add(fe, "org_id", "not_trainer", "“%s”不是培训机构或技工院校，不能开办培训班", o.name);
			else {
				c->org_id = o.id;
				snprintf(c->region, sizeof c->region, "%s", o.region);
				snprintf(c->org_name, sizeof c->org_name, "%s", o.name);
			}
		}
	} else {
		*c = *base;
		if (in->org_id && in->org_id != base->org_id)
			fe_add(fe, "org_id", "immutable", "培训班的举办机构不能修改");
	}
	/* programme */
	programme prog;
	int have_prog = 0;
	if (in->clear_programme) {
		c->programme_id = 0;
		c->programme_name[0] = '\0';
	} else if (in->programme_id > 0 || (in->programme && in->programme[0])) {
		jn_err e = in->programme_id > 0 ? store_programme_get(t, sc->role == ROLE_TRAINER ? sc : &sys, in->programme_id, &prog)
						: store_programme_by_name(t, sc->role == ROLE_TRAINER ? sc : &sys,
									  c->region, in->programme, &prog);
		if (e == JN_ENOTFOUND) {
			if (in->programme_id > 0)
				fe_add(fe, "programme_id", "unknown_programme", "培训计划%lld不存在", (long long)in->programme_id);
			else
				fe_add(fe, "programme", "unknown_programme", "培训计划“%s”不存在", in->programme);
		} else if (e) {
			return e;
		} else if (c->region[0] && !programme_covers(prog.region, c->region)) {
			const region_entry *re = region_find(prog.region);
			fe_add(fe, in->programme_id > 0 ? "programme_id" : "programme", "other_region",
			       "培训计划“%s”属于%s，不适用于本机构所在地区", prog.name, re ? re->name : prog.region);
		} else {
			have_prog = 1;
			c->programme_id = prog.id;
			snprintf(c->programme_name, sizeof c->programme_name, "%s", prog.name);
		}
	} else if (c->programme_id) {
		if (store_programme_get(t, &sys, c->programme_id, &prog) == JN_OK)
			have_prog = 1;
	}
	/* occupation and level */
	if (creating || in->occupation) {
		occupation occ;
		int rc = occupation_resolve(t, in->occupation, &occ);
		if (rc < 0)
			return JN_EDB;
		if (!rc)
			fe_add(fe, "occupation", in->occupation && in->occupation[0] ? "unknown_occupation" : "required",
			       "职业应为职业分类大典（2022）中的职业编码或名称");
		else {
			snprintf(c->occupation, sizeof c->occupation, "%s", occ.code);
			snprintf(c->occupation_name, sizeof c->occupation_name, "%s", occ.name);
		}
	}
	if (creating || in->level) {
		int lv = in->level ? level_parse(in->level) : 0;
		if (lv < 1 || lv > 8)
			fe_add(fe, "level", in->level && in->level[0] ? "invalid_level" : "required",
			       "等级应为1（学徒工）到8（首席技师），或其名称（如“初级工”“五级”）");
		else
			c->level = lv;
	}
	/* category: given, or the programme's when it is a kind of training */
	if (in->category && in->category[0]) {
		if (!tr_class_category_ok(in->category))
			fe_add(fe, "category", "invalid_category",
			       "培训类别应为就业技能培训、岗位技能提升培训、创业培训、企业新型学徒制、劳动预备制培训、再就业培训或职业技能培训");
		else
			snprintf(c->category, sizeof c->category, "%s", in->category);
	} else if (creating || (have_prog && (in->programme_id > 0 || in->programme))) {
		if (have_prog && tr_class_category_ok(prog.category))
			snprintf(c->category, sizeof c->category, "%s", prog.category);
		else if (creating)
			fe_add(fe, "category", "required", "须填写培训类别（所属培训计划不是培训类计划时）");
	}
	if (creating || in->mode) {
		const char *m = in->mode && in->mode[0] ? tr_mode_parse(in->mode) : "offline";
		if (!m)
			fe_add(fe, "mode", "invalid_mode", "培训方式应为 online（线上）或 offline（线下）");
		else
			snprintf(c->mode, sizeof c->mode, "%s", m);
	}
	if (creating || in->start_date)
		parse_date(fe, "start_date", "开班日期", in->start_date, c->start_date);
	if (creating || in->end_date)
		parse_date(fe, "end_date", "结业日期", in->end_date, c->end_date);
	if (c->start_date[0] && c->end_date[0] && strcmp(c->end_date, c->start_date) < 0)
		fe_add(fe, "end_date", "before_start", "结业日期不能早于开班日期");
	if (creating || in->hours >= 0) {
		if (in->hours < 1 || in->hours > 2000)
			fe_add(fe, "hours", in->hours < 0 ? "required" : "out_of_range", "课时应为1到2000之间的整数");
		else
			c->hours = in->hours;
	}
	if (creating || in->teacher)
		take_text(fe, "teacher", "授课教师", in->teacher, 30, 1, c->teacher, sizeof c->teacher);
	if (creating || in->place)
		take_text(fe, "place", "培训地点", in->place, 80, 1, c->place, sizeof c->place);
	if (creating || in->capacity >= 0) {
		if (in->capacity < 1 || in->capacity > 1000)
			fe_add(fe, "capacity", in->capacity < 0 ? "required" : "out_of_range", "人数上限应为1到1000之间的整数");
		else if (!creating && in->capacity < base->enrolled)
			fe_add(fe, "capacity", "below_enrolled", "人数上限不能少于已报名的%d人", base->enrolled);
		else
			c->capacity = in->capacity;
	}
	if (in->min_attendance >= 0) {
		if (in->min_attendance < 50 || in->min_attendance > 100)
			fe_add(fe, "min_attendance", "out_of_range", "结业出勤率要求应在50%%到100%%之间");
		else
			c->min_attendance = in->min_attendance;
	} else if (creating) {
		c->min_attendance = have_prog ? prog.min_attendance : 80;
	}
	if (in->name && in->name[0]) {
		take_text(fe, "name", "班级名称", in->name, 60, 1, c->name, sizeof c->name);
	} else if (creating && c->occupation_name[0] && c->level) {
		char nm[256];
		snprintf(nm, sizeof nm, "%s%s培训班", c->occupation_name, LEVELS[c->level - 1].name);
		cert_utf8_fit(nm, sizeof c->name);
		memcpy(c->name, nm, strlen(nm) + 1);
	}
	/* sessions: within the dates, not overlapping each other */
	*nsess = -1;
	if (creating && in->nsessions <= 0)
		fe_add(fe, "sessions", "required", "须安排至少一节课（每节的开始和结束时间）");
	if (in->nsessions > CLASS_MAX_SESSIONS)
		fe_add(fe, "sessions", "too_many", "一个班最多安排%d节课", CLASS_MAX_SESSIONS);
	else if (in->nsessions > 0) {
		sess_sort ss[CLASS_MAX_SESSIONS];
		int ok = 1;
		int lo = cert_date_parse(c->start_date), hi = cert_date_parse(c->end_date);
		for (int i = 0; i < in->nsessions; i++) {
			char field[48];
			const session_input *si = &in->sessions[i];
			ss[i].start = tr_time_parse(si->starts_at);
			ss[i].end = tr_time_parse(si->ends_at);
			ss[i].given = i;
			ss[i].topic = si->topic ? si->topic : "";
			if (!ss[i].start) {
				snprintf(field, sizeof field, "sessions[%d].starts_at", i);
				fe_add(fe, field, si->starts_at && si->starts_at[0] ? "invalid_time" : "required",
				       "第%d节的开始时间应为 YYYY-MM-DDTHH:MM 格式（可带 Z 或 +08:00，不带时按北京时间）", i + 1);
				ok = 0;
				continue;
			}
			if (!ss[i].end) {
				snprintf(field, sizeof field, "sessions[%d].ends_at", i);
				fe_add(fe, field, si->ends_at && si->ends_at[0] ? "invalid_time" : "required",
				       "第%d节的结束时间应为 YYYY-MM-DDTHH:MM 格式（可带 Z 或 +08:00，不带时按北京时间）", i + 1);
				ok = 0;
				continue;
			}
			if (ss[i].end <= ss[i].start) {
				snprintf(field, sizeof field, "sessions[%d].ends_at", i);
				fe_add(fe, field, "before_start", "第%d节的结束时间应晚于开始时间", i + 1);
				ok = 0;
			} else if (ss[i].end - ss[i].start > 12 * 3600) {
				snprintf(field, sizeof field, "sessions[%d].ends_at", i);
				fe_add(fe, field, "too_long", "第%d节超过12小时，请分成几节", i + 1);
				ok = 0;
			}
			int d0 = tr_local_ymd(ss[i].start), d1 = tr_local_ymd(ss[i].end - 1);
			if (lo && hi && (d0 < lo || d1 > hi)) {
				snprintf(field, sizeof field, "sessions[%d].starts_at", i);
				fe_add(fe, field, "outside_dates", "第%d节不在开班日期%s到结业日期%s之间", i + 1, c->start_date,
				       c->end_date);
				ok = 0;
			}
			if (si->topic && strlen(si->topic) > 120) {
				snprintf(field, sizeof field, "sessions[%d].topic", i);
				fe_add(fe, field, "text_too_long", "第%d节的内容过长", i + 1);
				ok = 0;
			}
		}
		if (ok) {
			qsort(ss, (size_t)in->nsessions, sizeof ss[0], by_start);
			tr_span sp[CLASS_MAX_SESSIONS];
			for (int i = 0; i < in->nsessions; i++)
				sp[i] = (tr_span){ss[i].start, ss[i].end};
			int a, b;
			if (tr_first_overlap(sp, in->nsessions, &a, &b)) {
				char field[48], x[17], y[17];
				snprintf(field, sizeof field, "sessions[%d]", ss[b].given);
				tr_local_text(ss[a].start, x);
				tr_local_text(ss[b].start, y);
				fe_add(fe, field, "session_overlap", "第%d节（%s 开始）与第%d节（%s 开始）时间重叠",
				       ss[b].given + 1, y, ss[a].given + 1, x);
			} else {
				for (int i = 0; i < in->nsessions; i++) {
					memset(&sess[i], 0, sizeof sess[i]);
					sess[i].seq = i + 1;
					tr_time_format(ss[i].start, sess[i].starts_at);
					tr_time_format(ss[i].end, sess[i].ends_at);
					snprintf(sess[i].topic, sizeof sess[i].topic, "%s", ss[i].topic);
				}
				*nsess = in->nsessions;
			}
		}
	} else if (!creating && (in->start_date || in->end_date)) {
		/* new dates must still hold the sessions there are */
		class_session cur[CLASS_MAX_SESSIONS];
		int n = 0;
		sess_list sl = {cur, &n};
		jn_err e = store_sessions(t, c->id, sess_collect, &sl);
		if (e)
			return e;
		int lo = cert_date_parse(c->start_date), hi = cert_date_parse(c->end_date);
		for (int i = 0; i < n; i++) {
			int d0 = tr_local_ymd(tr_time_parse(cur[i].starts_at)), d1 = tr_local_ymd(tr_time_parse(cur[i].ends_at) - 1);
			if (lo && hi && (d0 < lo || d1 > hi)) {
				fe_add(fe, "start_date", "outside_dates", "第%d节课不在新的开班和结业日期之间，请一并调整课程安排",
				       cur[i].seq);
				break;
			}
		}
	}
	/* the subsidy standard in force on the start date */
	if (!fe->count && c->occupation[0] && c->level && c->start_date[0] && c->region[0]) {
		catalog_row k;
		jn_err e = store_catalog_in_force(t, c->region, c->occupation, c->level, c->start_date, &k);
		if (e == JN_ENOTFOUND) {
			c->catalog_id = 0;
			c->standard_fen = 0;
		} else if (e) {
			return e;
		} else {
			c->catalog_id = k.id;
			c->standard_fen = k.standard_fen;
			if (k.min_hours > 0 && c->hours < k.min_hours)
				fe_add(fe, "hours", "below_min_hours",
				       "补贴工种目录要求%s%s培训不少于%d课时（本班%d课时）", c->occupation_name,
				       LEVELS[c->level - 1].name, k.min_hours, c->hours);
		}
	}
	return JN_OK;
}

int sess_collect(void *ctx, const class_session *s)
{
	sess_list *l = ctx;
	if (*l->n < CLASS_MAX_SESSIONS)
		l->s[(*l->n)++] = *s;
	return 0;
}

static json_t *plan_audit(const training_class *c)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:i, s:I, s:i}", "org_id",
			      (json_int_t)c->org_id, "name", c->name, "occupation", c->occupation, "level", c->level,
			      "category", c->category, "mode", c->mode, "start_date", c->start_date, "end_date", c->end_date,
			      "hours", c->hours, "teacher", c->teacher, "place", c->place, "capacity", c->capacity,
			      "standard_fen", (json_int_t)c->standard_fen, "min_attendance", c->min_attendance);
	json_object_set_new(j, "programme_id", c->programme_id ? json_integer(c->programme_id) : json_null());
	return j;
}

jn_err class_insert_tx(stx *t, const scope *sc, training_class *c, const class_session *sess, int nsess)
{
	jn_err e = store_class_insert(t, c);
	if (!e)
		e = store_sessions_set(t, c->id, nsess, sess);
	if (!e) {
		json_t *a = plan_audit(c);
		json_object_set_new(a, "sessions", json_integer(nsess));
		e = audit_class(t, sc, "class.create", c->id, NULL, a);
	}
	return e;
}

static jn_err finish(stx *t, const scope *sc, jn_err e, int64_t id, json_t **out)
{
	training_class c;
	json_t *j = NULL;
	scope sys = scope_system();
	if (!e && out)
		e = store_class_get(t, &sys, id, &c);
	if (!e && out)
		e = show_json(t, sc, &c, &j);
	e = tx_end(t, e);
	if (e) {
		json_decref(j);
		return e;
	}
	if (out)
		*out = j;
	return JN_OK;
}

jn_err class_create(store *s, const scope *sc, const class_input *in, json_t **out, jn_fields *fe)
{
	if (!role_may(sc, MANAGERS))
		return refuse_role(fe, sc, "开办培训班");
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	training_class c;
	class_session sess[CLASS_MAX_SESSIONS];
	int n = 0;
	e = class_build(t, sc, in, NULL, &c, sess, &n, fe);
	if (!e && fe->count)
		e = JN_EINVAL;
	if (!e)
		e = class_insert_tx(t, sc, &c, sess, n);
	return finish(t, sc, e, c.id, out);
}

/* Opens a write transaction on a class the caller may manage. */
static jn_err open_class(store *s, const scope *sc, int64_t id, int roles, const char *what, stx **tp,
			 training_class *c, jn_fields *fe)
{
	if (!role_may(sc, roles))
		return refuse_role(fe, sc, what);
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	if ((e = store_class_get(t, sc, id, c)) != JN_OK) {
		stx_rollback(t);
		return e;
	}
	*tp = t;
	return JN_OK;
}

static jn_err wrong_state(jn_fields *fe, const training_class *c, const char *need)
{
	fe_add(fe, "state", "wrong_state", "培训班当前状态为“%s”，%s", tr_state_name_zh(tr_state_parse(c->state)), need);
	return JN_ECONFLICT;
}

jn_err class_update(store *s, const scope *sc, int64_t id, const class_input *in, json_t **out, jn_fields *fe)
{
	stx *t;
	training_class base;
	jn_err e = open_class(s, sc, id, MANAGERS, "修改培训班", &t, &base, fe);
	if (e)
		return e;
	if (strcmp(base.state, "open") != 0) {
		stx_rollback(t);
		return wrong_state(fe, &base, "只有报名中的培训班能修改计划");
	}
	training_class c;
	class_session sess[CLASS_MAX_SESSIONS];
	int n = -1;
	e = class_build(t, sc, in, &base, &c, sess, &n, fe);
	if (!e && fe->count)
		e = JN_EINVAL;
	if (!e)
		e = store_class_write(t, &c, "open");
	if (!e && n >= 0) {
		e = store_sessions_set(t, c.id, n, sess);
		class_clash k;
		int rc = e ? 0 : store_class_clash(t, c.id, 0, &k);
		if (rc < 0)
			e = JN_EDB;
		else if (rc > 0) {
			scope sys = scope_system();
			person p;
			char a[17], b[17];
			tr_local_text(tr_time_parse(k.mine_starts), a);
			tr_local_text(tr_time_parse(k.other_starts), b);
			if (store_person_get(t, &sys, k.person_id, &p) != JN_OK)
				snprintf(p.name, sizeof p.name, "学员%lld", (long long)k.person_id);
			fe_add(fe, "sessions", "enrolled_clash", "新的课程安排（%s 开始的一节）与学员%s已报名的“%s”（%s 开始的一节）时间重叠",
			       a, p.name, k.other_name, b);
			e = JN_EINVAL;
		}
	}
	if (!e) {
		json_t *a = plan_audit(&c);
		if (n >= 0)
			json_object_set_new(a, "sessions", json_integer(n));
		e = audit_class(t, sc, "class.update", c.id, plan_audit(&base), a);
	}
	return finish(t, sc, e, id, out);
}

jn_err class_show(store *s, const scope *sc, int64_t id, json_t **out)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	training_class c;
	e = store_class_get(t, sc, id, &c);
	if (!e)
		e = show_json(t, sc, &c, out);
	stx_rollback(t);
	return e;
}

int class_visible(store *s, const scope *sc, int64_t id)
{
	stx *t;
	if (id <= 0 || stx_begin(s, 0, &t) != JN_OK)
		return 0;
	training_class c;
	int ok = store_class_get(t, sc, id, &c) == JN_OK;
	stx_rollback(t);
	return ok;
}

static int list_one(void *ctx, const training_class *c)
{
	json_array_append_new((json_t *)ctx, class_json(c));
	return 0;
}

jn_err class_list(store *s, const scope *sc, const class_filter *f, json_t **items, int64_t *total)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	json_t *a = json_array();
	e = store_class_list(t, sc, f, list_one, a, total);
	stx_rollback(t);
	if (e) {
		json_decref(a);
		return e;
	}
	*items = a;
	return JN_OK;
}

/* ---- enrolment ---- */

static void class_label(const training_class *c, char *out, size_t cap)
{
	snprintf(out, cap, "%s（%s %s）", c->name, c->occupation_name, LEVELS[c->level - 1].name);
}

static jn_err record(stx *t, const scope *sc, const training_class *c, const enrolment *en, const char *on,
		     const char *title_fmt, const char *extra)
{
	record_entry r;
	memset(&r, 0, sizeof r);
	r.person_id = en->person_id;
	snprintf(r.on_date, sizeof r.on_date, "%s", on);
	snprintf(r.kind, sizeof r.kind, "training");
	char label[400], title[600];
	class_label(c, label, sizeof label);
	snprintf(title, sizeof title, title_fmt, label, extra ? extra : "");
	cert_utf8_fit(title, sizeof r.title);
	memcpy(r.title, title, strlen(title) + 1);
	json_t *d = json_pack("{s:I, s:I, s:s, s:i, s:s, s:i, s:i}", "class_id", (json_int_t)c->id, "enrolment_id",
			      (json_int_t)en->id, "occupation", c->occupation, "level", c->level, "state", en->state,
			      "attended", en->attended, "sessions", c->nsessions);
	json_object_set_new(d, "programme_id", c->programme_id ? json_integer(c->programme_id) : json_null());
	char *dt = audit_text(d);
	r.detail = dt;
	snprintf(r.ref_kind, sizeof r.ref_kind, "enrolment");
	r.ref_id = en->id;
	snprintf(r.source, sizeof r.source, "%s", c->org_name);
	snprintf(r.recorded_by, sizeof r.recorded_by, "%s", actor_name(sc));
	jn_err e = store_record_add(t, &r);
	free(dt);
	return e;
}

jn_err enrol_tx(stx *t, const scope *sc, training_class *c, const char *id_number, const char *name,
		const char *voucher, enrolment *out, jn_fields *fe)
{
	return enrol_tx_on(t, sc, c, id_number, name, voucher, NULL, out, fe);
}

jn_err enrol_tx_on(stx *t, const scope *sc, training_class *c, const char *id_number, const char *name,
		   const char *voucher, const char *on, enrolment *out, jn_fields *fe)
{
	if (strcmp(c->state, "closed") == 0)
		return wrong_state(fe, c, "已结业的培训班不能再报名");
	scope sys = scope_system();
	person p;
	int have = 0;
	if (!id_number || !id_number[0]) {
		fe_add(fe, "id_number", "required", "身份证号必须填写（实名报名）");
	} else {
		id_info info;
		id_status st = id_parse(id_number, strlen(id_number), store_today(), &info);
		if (st != ID_OK) {
			char msg[256];
			id_status_message(st, &info, msg, sizeof msg);
			fe_add(fe, "id_number", id_status_code(st), "%s", msg);
		} else {
			jn_err e = store_person_by_id_number(t, &sys, info.number, &p);
			if (e == JN_ENOTFOUND)
				fe_add(fe, "id_number", "not_registered",
				       "身份证号%s的人员未登记，请先到人社经办机构登记后再报名", info.number);
			else if (e)
				return e;
			else
				have = 1;
		}
	}
	if (!name || !name[0]) {
		fe_add(fe, "name", "required", "姓名必须填写（实名报名）");
	} else if (have) {
		char *nm = NULL;
		if (text_normalize_name(name, strlen(name), 30, &nm) != TEXT_OK || strcmp(nm, p.name) != 0)
			fe_add(fe, "name", "name_mismatch", "姓名“%s”与身份证号%s登记的姓名不符", name, p.id_number);
		free(nm);
	}
	if (fe->count)
		return JN_EINVAL;
	enrolment have_e;
	jn_err e = store_enrolment_of(t, c->id, p.id, &have_e);
	if (!e && strcmp(have_e.state, "withdrawn") != 0) {
		fe_add(fe, "id_number", "already_enrolled", "%s（%s）已报名本班", p.name, p.id_number);
		return JN_ECONFLICT;
	}
	if (e && e != JN_ENOTFOUND)
		return e;
	if (c->enrolled >= c->capacity) {
		fe_add(fe, "capacity", "class_full", "本班人数已满（上限%d人），不能再报名", c->capacity);
		return JN_ECONFLICT;
	}
	class_clash k;
	int rc = store_class_clash(t, c->id, p.id, &k);
	if (rc < 0)
		return JN_EDB;
	if (rc > 0) {
		char a[17], b[17], a2[17], b2[17];
		tr_local_text(tr_time_parse(k.other_starts), a);
		tr_local_text(tr_time_parse(k.other_ends), a2);
		tr_local_text(tr_time_parse(k.mine_starts), b);
		tr_local_text(tr_time_parse(k.mine_ends), b2);
		fe_add(fe, "id_number", "session_overlap",
		       "%s已报名“%s”（班级%lld），其课次 %s–%s 与本班课次 %s–%s 时间重叠，不能同时参加", p.name, k.other_name,
		       (long long)k.other_class_id, a, a2 + 11, b, b2 + 11);
		return JN_ECONFLICT;
	}
	enrolment en;
	memset(&en, 0, sizeof en);
	en.class_id = c->id;
	en.person_id = p.id;
	snprintf(en.enrolled_by, sizeof en.enrolled_by, "%s", actor_name(sc));
	if ((e = store_enrolment_put(t, &en)) != JN_OK)
		return e;
	char today[11];
	if (on && on[0])
		snprintf(today, sizeof today, "%s", on);
	else
		today_text(today);
	if (voucher && voucher[0]) {
		e = voucher_use(t, sc, voucher, p.id, c->occupation, en.id, today, fe);
		if (e)
			return e;
	}
	c->enrolled++;
	snprintf(en.name, sizeof en.name, "%s", p.name);
	snprintf(en.id_number, sizeof en.id_number, "%s", p.id_number);
	e = record(t, sc, c, &en, today, "参加培训：%s%s", NULL);
	if (!e) {
		json_t *a = json_pack("{s:I, s:I, s:s}", "enrolment_id", (json_int_t)en.id, "person_id", (json_int_t)p.id,
				      "voucher_number", voucher ? voucher : "");
		e = audit_class(t, sc, "class.enrol", c->id, NULL, a);
	}
	if (!e && out) {
		e = store_enrolment_of(t, c->id, p.id, out);
	}
	return e;
}

jn_err class_enrol(store *s, const scope *sc, int64_t id, const enrol_person_input *in, json_t **out, jn_fields *fe)
{
	stx *t;
	training_class c;
	jn_err e = open_class(s, sc, id, MANAGERS, "为培训班报名", &t, &c, fe);
	if (e)
		return e;
	enrolment en;
	e = enrol_tx_on(t, sc, &c, in->id_number, in->name, in->voucher_number, in->on, &en, fe);
	json_t *j = e ? NULL : enrolment_json(&en, 1);
	e = tx_end(t, e);
	if (e) {
		json_decref(j);
		return e;
	}
	*out = j;
	return JN_OK;
}

jn_err class_withdraw(store *s, const scope *sc, int64_t id, int64_t enrolment_id, json_t **out, jn_fields *fe)
{
	stx *t;
	training_class c;
	jn_err e = open_class(s, sc, id, MANAGERS, "办理退班", &t, &c, fe);
	if (e)
		return e;
	enrolment en;
	e = store_enrolment_get(t, sc, id, enrolment_id, &en);
	if (e) {
		stx_rollback(t);
		return e;
	}
	if (strcmp(c.state, "closed") == 0)
		e = wrong_state(fe, &c, "已结业的培训班不能退班");
	else if (strcmp(en.state, "enrolled") != 0) {
		fe_add(fe, "state", "wrong_state", "该学员当前为“%s”，不能退班", tr_enrolment_state_zh(en.state));
		e = JN_ECONFLICT;
	}
	if (!e) {
		snprintf(en.state, sizeof en.state, "withdrawn");
		e = store_enrolment_write(t, &en);
	}
	char today[11];
	today_text(today);
	if (!e)
		e = record(t, sc, &c, &en, today, "退出培训：%s%s", NULL);
	if (!e)
		e = voucher_release(t, sc, en.id, en.person_id, today);
	if (!e)
		e = audit_class(t, sc, "class.withdraw", c.id, json_pack("{s:I, s:s}", "enrolment_id", (json_int_t)en.id, "state", "enrolled"),
				json_pack("{s:I, s:s}", "enrolment_id", (json_int_t)en.id, "state", "withdrawn"));
	json_t *j = e ? NULL : enrolment_json(&en, 1);
	e = tx_end(t, e);
	if (e) {
		json_decref(j);
		return e;
	}
	*out = j;
	return JN_OK;
}

/* ---- attendance ---- */

jn_err class_code(store *s, const scope *sc, int64_t id, int seq, json_t **out, jn_fields *fe)
{
	stx *t;
	training_class c;
	jn_err e = open_class(s, sc, id, MANAGERS, "生成签到码", &t, &c, fe);
	if (e)
		return e;
	class_session ss;
	if (strcmp(c.state, "closed") == 0)
		e = wrong_state(fe, &c, "已结业的培训班不能签到");
	else if ((e = store_session_by_seq(t, id, seq, &ss)) == JN_ENOTFOUND) {
		fe_add(fe, "seq", "no_session", "本班没有第%d节课", seq);
		e = JN_EINVAL;
	}
	char code[TR_CODE_LEN + 1], exp[21];
	if (!e) {
		tr_code_from(randombytes_uniform(1000000), code);
		tr_time_format((int64_t)time(NULL) + TR_CODE_MINUTES * 60, exp);
		e = store_checkin_code_put(t, ss.id, id, code, exp, actor_name(sc));
	}
	if (!e)
		e = audit_class(t, sc, "class.code", id, NULL, json_pack("{s:i, s:s}", "seq", seq, "expires_at", exp));
	e = tx_end(t, e);
	if (e)
		return e;
	*out = json_pack("{s:I, s:i, s:s, s:s, s:i}", "class_id", (json_int_t)id, "seq", seq, "code", code, "expires_at",
			 exp, "minutes", TR_CODE_MINUTES);
	return JN_OK;
}

jn_err attend_tx(stx *t, const scope *sc, training_class *c, const class_session *ss, int64_t person_id,
		 const char *at, const char *method, const char *device, int *added)
{
	jn_err e = store_attendance_add(t, ss->id, c->id, person_id, at, method, device ? device : "", actor_name(sc),
					added);
	if (!e && strcmp(c->state, "open") == 0) {
		snprintf(c->state, sizeof c->state, "running");
		e = store_class_write(t, c, "open");
	}
	return e;
}

/* "now" or a given time, as stored. */
static int take_time(jn_fields *fe, const char *field, const char *in, char out[21])
{
	int64_t v = in && in[0] ? tr_time_parse(in) : (int64_t)time(NULL);
	if (!v) {
		fe_add(fe, field, "invalid_time", "签到时间应为 YYYY-MM-DDTHH:MM 格式（可带 Z 或 +08:00，不带时按北京时间）");
		return 0;
	}
	tr_time_format(v, out);
	return 1;
}

jn_err class_attend(store *s, const scope *sc, int64_t id, const attend_input *in, json_t **out, jn_fields *fe)
{
	stx *t;
	training_class c;
	jn_err e = open_class(s, sc, id, MANAGERS, "登记签到", &t, &c, fe);
	if (e)
		return e;
	class_session ss;
	char at[21];
	if (strcmp(c.state, "closed") == 0) {
		stx_rollback(t);
		return wrong_state(fe, &c, "已结业的培训班不能签到");
	}
	if ((e = store_session_by_seq(t, id, in->seq, &ss)) == JN_ENOTFOUND) {
		fe_add(fe, "seq", "no_session", "本班没有第%d节课", in->seq);
		e = JN_EINVAL;
	}
	take_time(fe, "at", in->at, at);
	if (in->n <= 0)
		fe_add(fe, "persons", "required", "须列出签到的学员（人员编号或身份证号）");
	int64_t ids[1000];
	int n = 0;
	scope sys = scope_system();
	for (int i = 0; !e && i < in->n && i < 1000; i++) {
		char field[32];
		snprintf(field, sizeof field, "persons[%d]", i);
		person p;
		jn_err pe;
		if (in->id_numbers && in->id_numbers[i]) {
			id_info info;
			if (id_parse(in->id_numbers[i], strlen(in->id_numbers[i]), store_today(), &info) != ID_OK) {
				fe_add(fe, field, "invalid_id", "“%s”不是有效的身份证号", in->id_numbers[i]);
				continue;
			}
			pe = store_person_by_id_number(t, &sys, info.number, &p);
		} else {
			pe = store_person_get(t, &sys, in->person_ids[i], &p);
		}
		enrolment en;
		if (pe == JN_OK)
			pe = store_enrolment_of(t, id, p.id, &en);
		if (pe && pe != JN_ENOTFOUND) {
			e = pe;
			break;
		}
		if (pe || strcmp(en.state, "enrolled") != 0) {
			fe_add(fe, field, "not_enrolled", "%s不是本班在训学员", pe ? "此人" : p.name);
			continue;
		}
		ids[n++] = p.id;
	}
	if (!e && fe->count)
		e = JN_EINVAL;
	int added_total = 0;
	for (int i = 0; !e && i < n; i++) {
		int added = 0;
		e = attend_tx(t, sc, &c, &ss, ids[i], at, "trainer", "", &added);
		added_total += added;
	}
	if (!e) {
		json_t *ps = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(ps, json_integer(ids[i]));
		e = audit_class(t, sc, "class.attend", id, NULL,
				json_pack("{s:i, s:s, s:o, s:i}", "seq", in->seq, "at", at, "persons", ps, "added", added_total));
	}
	e = tx_end(t, e);
	if (e)
		return e;
	*out = json_pack("{s:I, s:i, s:s, s:i, s:i}", "class_id", (json_int_t)id, "seq", in->seq, "at", at, "added",
			 added_total, "already", n - added_total);
	return JN_OK;
}

jn_err class_checkin(store *s, const scope *sc, int64_t id, const char *code, const char *device, json_t **out,
		     jn_fields *fe)
{
	if (!sc->system && (sc->role != ROLE_WORKER || !sc->person_id))
		return refuse_role(fe, sc, "用签到码签到（签到码由学员本人使用）");
	stx *t;
	training_class c;
	jn_err e = open_class(s, sc, id, ROLE_WORKER, "签到", &t, &c, fe);
	if (e)
		return e;
	int64_t session_id = 0;
	char exp[32] = "";
	if (strcmp(c.state, "closed") == 0)
		e = wrong_state(fe, &c, "已结业的培训班不能签到");
	else if (!tr_code_wellformed(code)) {
		fe_add(fe, "code", code && code[0] ? "malformed" : "required", "签到码应为老师在课堂上出示的6位数字");
		e = JN_EINVAL;
	} else if ((e = store_checkin_code_find(t, id, code, &session_id, exp)) == JN_ENOTFOUND) {
		fe_add(fe, "code", "checkin_code_wrong", "签到码不正确，请核对老师出示的签到码");
		e = JN_EINVAL;
	} else if (!e && (int64_t)time(NULL) >= tr_time_parse(exp)) {
		fe_add(fe, "code", "checkin_code_expired", "签到码已过期（有效期%d分钟），请向授课老师索取新的签到码", TR_CODE_MINUTES);
		e = JN_EINVAL;
	}
	if (device && strlen(device) > 60) {
		fe_add(fe, "device_id", "text_too_long", "设备标识过长（不超过60个字符）");
		e = e ? e : JN_EINVAL;
	}
	enrolment en;
	if (!e && (e = store_enrolment_of(t, id, sc->person_id, &en)) == JN_OK && strcmp(en.state, "enrolled") != 0) {
		fe_add(fe, "state", "not_enrolled", "您在本班的状态为“%s”，不能签到", tr_enrolment_state_zh(en.state));
		e = JN_ECONFLICT;
	}
	class_session ss = {0};
	int added = 0, seq = 0;
	char at[21];
	tr_time_format((int64_t)time(NULL), at);
	if (!e) {
		/* the session of the code */
		class_session cur[CLASS_MAX_SESSIONS];
		int n = 0;
		sess_list sl = {cur, &n};
		e = store_sessions(t, id, sess_collect, &sl);
		for (int i = 0; !e && i < n; i++)
			if (cur[i].id == session_id)
				ss = cur[i];
		seq = ss.seq;
	}
	if (!e)
		e = attend_tx(t, sc, &c, &ss, sc->person_id, at, "code", device, &added);
	if (!e)
		e = audit_class(t, sc, "class.checkin", id, NULL,
				json_pack("{s:i, s:I, s:s, s:b}", "seq", seq, "person_id", (json_int_t)sc->person_id, "device",
					  device ? device : "", "added", added));
	e = tx_end(t, e);
	if (e)
		return e;
	*out = json_pack("{s:I, s:i, s:s, s:b, s:s}", "class_id", (json_int_t)id, "seq", seq, "at", at, "added", added,
			 "message", added ? "签到成功" : "本节已签到");
	return JN_OK;
}

/* ---- completion and results ---- */

typedef struct enrol_vec {
	enrolment *v;
	int n, cap;
} enrol_vec;

static int take_enrol(void *ctx, const enrolment *e)
{
	enrol_vec *x = ctx;
	return grow_push((void **)&x->v, &x->n, &x->cap, e, sizeof *e) ? 1 : 0;
}

jn_err class_close(store *s, const scope *sc, int64_t id, const char *on, json_t **out, jn_fields *fe)
{
	stx *t;
	training_class c;
	jn_err e = open_class(s, sc, id, MANAGERS, "结业培训班", &t, &c, fe);
	if (e)
		return e;
	char day[11];
	if (on && on[0])
		snprintf(day, sizeof day, "%s", on);
	else
		today_text(day);
	if (strcmp(c.state, "closed") == 0)
		e = wrong_state(fe, &c, "不能重复结业");
	enrol_vec ev = {0};
	if (!e)
		e = store_class_enrolments(t, id, take_enrol, &ev);
	int done = 0, undone = 0;
	for (int i = 0; !e && i < ev.n; i++) {
		enrolment *en = &ev.v[i];
		if (strcmp(en->state, "enrolled") != 0)
			continue;
		int ok = tr_completed(en->attended, c.nsessions, c.min_attendance);
		snprintf(en->state, sizeof en->state, "%s", ok ? "completed" : "incomplete");
		if (ok)
			snprintf(en->completed_on, sizeof en->completed_on, "%s", day);
		e = store_enrolment_write(t, en);
		if (!e && ok)
			e = record(t, sc, &c, en, day, "培训结业：%s%s", NULL);
		else if (!e) {
			char extra[64];
			snprintf(extra, sizeof extra, "（出勤%d%%，要求%d%%）", tr_attendance_pct(en->attended, c.nsessions),
				 c.min_attendance);
			e = record(t, sc, &c, en, day, "培训未结业：%s%s", extra);
		}
		done += ok;
		undone += !ok;
	}
	free(ev.v);
	if (!e) {
		snprintf(c.state, sizeof c.state, "closed");
		char prev[12];
		training_class cur;
		scope sys = scope_system();
		e = store_class_get(t, &sys, id, &cur);
		snprintf(prev, sizeof prev, "%s", cur.state);
		if (!e)
			e = store_class_write(t, &c, prev);
		if (!e)
			e = audit_class(t, sc, "class.close", id, json_pack("{s:s}", "state", prev),
					json_pack("{s:s, s:s, s:i, s:i, s:i}", "state", "closed", "on", day, "completed", done,
						  "incomplete", undone, "min_attendance", c.min_attendance));
	}
	return finish(t, sc, e, id, out);
}

jn_err class_result(store *s, const scope *sc, int64_t id, int64_t enrolment_id, const result_input *in,
		    json_t **out, jn_fields *fe)
{
	stx *t;
	training_class c;
	jn_err e = open_class(s, sc, id, MANAGERS, "登记考核结果", &t, &c, fe);
	if (e)
		return e;
	enrolment en;
	if ((e = store_enrolment_get(t, sc, id, enrolment_id, &en)) != JN_OK) {
		stx_rollback(t);
		return e;
	}
	enrolment before = en;
	if (strcmp(c.state, "closed") != 0)
		e = wrong_state(fe, &c, "结业后才能登记考核结果");
	else if (strcmp(en.state, "completed") != 0) {
		fe_add(fe, "state", "not_completed", "该学员%s，不能登记考核结果", tr_enrolment_state_zh(en.state));
		e = JN_ECONFLICT;
	}
	if (!e && in->result) {
		if (strcmp(in->result, "passed") == 0 || strcmp(in->result, "合格") == 0)
			snprintf(en.result, sizeof en.result, "passed");
		else if (strcmp(in->result, "failed") == 0 || strcmp(in->result, "不合格") == 0)
			snprintf(en.result, sizeof en.result, "failed");
		else if (!in->result[0])
			en.result[0] = '\0';
		else
			fe_add(fe, "result", "invalid", "考核结果应为 passed（合格）或 failed（不合格）");
	}
	if (!e && in->score >= 0) {
		if (in->score > 100)
			fe_add(fe, "score", "out_of_range", "成绩应在0到100之间");
		else
			en.score = in->score;
	}
	if (!e && in->cert_number) {
		if (!in->cert_number[0]) {
			en.cert_number[0] = '\0';
		} else {
			scope sys = scope_system();
			certificate cert;
			jn_err ce = store_cert_get(t, &sys, in->cert_number, &cert);
			if (ce == JN_ENOTFOUND)
				fe_add(fe, "cert_number", "cert_not_found", "证书编号%s不存在", in->cert_number);
			else if (ce)
				e = ce;
			else if (cert.person_id != en.person_id)
				fe_add(fe, "cert_number", "cert_other_person", "证书%s的持证人不是该学员（%s）", cert.number, en.name);
			else
				snprintf(en.cert_number, sizeof en.cert_number, "%s", cert.number);
		}
	}
	if (!e && en.cert_number[0] && strcmp(en.result, "failed") == 0)
		fe_add(fe, "cert_number", "failed_with_cert", "考核不合格的学员不应关联证书");
	if (!e && fe->count)
		e = JN_EINVAL;
	if (!e)
		e = store_enrolment_write(t, &en);
	if (!e) {
		char subj[64];
		snprintf(subj, sizeof subj, "enrolment:%lld", (long long)en.id);
		char *b = audit_text(json_pack("{s:s, s:i, s:s}", "result", before.result, "score", before.score, "cert_number",
					       before.cert_number));
		char *a = audit_text(json_pack("{s:s, s:i, s:s}", "result", en.result, "score", en.score, "cert_number",
					       en.cert_number));
		e = store_audit(t, sc, "enrolment.result", subj, b, a);
		free(b);
		free(a);
	}
	json_t *j = e ? NULL : enrolment_json(&en, 1);
	e = tx_end(t, e);
	if (e) {
		json_decref(j);
		return e;
	}
	*out = j;
	return JN_OK;
}

static int enrol_list_one(void *ctx, const enrolment *e)
{
	json_array_append_new((json_t *)ctx, enrolment_json(e, 1));
	return 0;
}

jn_err enrolment_list(store *s, const scope *sc, const enrolment_filter *f, json_t **items, int64_t *total)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	json_t *a = json_array();
	e = store_enrolment_list(t, sc, f, enrol_list_one, a, total);
	stx_rollback(t);
	if (e) {
		json_decref(a);
		return e;
	}
	*items = a;
	return JN_OK;
}
