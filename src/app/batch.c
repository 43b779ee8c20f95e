/* batch.c — evaluation batches (认定批次) from plan to certificates.
 *
 *   planned ──submit──▶ submitted ──review pass──▶ reviewed ──notice──▶ notice ──approve──▶ approved ──issue──▶ issued
 *      ▲                    │ review return            │ return            │ return                 │ revoke          │ revoke
 *      └──── returned ◀─────┴──────────────────────────┴───────────────────┘                        ▼                 ▼
 *            (the body fixes and submits again)                                                  revoked ◀──────────┘
 *
 * The body (evaluator) plans, enrols candidates (each normal candidate
 * checked against the level's conditions), uploads evidence, scores and
 * submits; a county clerk whose region covers the body reviews; the city
 * publishes the notice, records answers to objections, approves (numbers
 * the passing candidates' certificates) and issues (or the body issues).
 * Who may do what in which state is core/cert.c's table; every step checks
 * the actor's role, reaches the batch through the store's scope, checks
 * the state (409 otherwise), writes the event log and the audit entry, all
 * in one transaction. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/certify.h"
#include "app/record.h"
#include "core/grow.h"
#include "core/idcard.h"
#include "core/mask.h"
#include "core/regions.h"

#define MAX_CONDITIONS 16

/* ---- JSON ---- */

static json_t *batch_json(const batch *b)
{
	const region_entry *re = region_find(b->region);
	const level_info *l = level_by_rank(b->level);
	char label[64];
	cert_level_label(b->level, label, sizeof label);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(b->id));
	json_object_set_new(j, "org_id", json_integer(b->org_id));
	json_object_set_new(j, "body_name", json_string(b->body_name));
	json_object_set_new(j, "body_type", json_string((char[2]){b->body_type, 0}));
	json_object_set_new(j, "region", json_string(b->region));
	json_object_set_new(j, "region_name", json_string(re ? re->name : ""));
	json_object_set_new(j, "occupation", json_string(b->occupation));
	json_object_set_new(j, "occupation_name", json_string(b->occupation_name));
	json_object_set_new(j, "direction", json_string(b->direction));
	json_object_set_new(j, "level", json_integer(b->level));
	json_object_set_new(j, "level_name", json_string(l ? l->name : ""));
	json_object_set_new(j, "level_label", json_string(label));
	json_object_set_new(j, "exam_from", json_string(b->exam_from));
	json_object_set_new(j, "exam_to", json_string(b->exam_to));
	json_object_set_new(j, "place", json_string(b->place));
	json_object_set_new(j, "supervisor_id", json_integer(b->supervisor_id));
	json_object_set_new(j, "pass_marks", json_pack("{s:i, s:i, s:i}", "theory", b->pass_theory, "practical",
						       b->pass_practical, "review", b->pass_review));
	json_object_set_new(j, "review_required", json_boolean(cert_review_required(b->level)));
	json_object_set_new(j, "notice_days", json_integer(b->notice_days));
	json_object_set_new(j, "state", json_string(batch_state_name(b->state)));
	json_object_set_new(j, "state_name", json_string(batch_state_name_zh(b->state)));
	json_object_set_new(j, "notice_from", b->notice_from[0] ? json_string(b->notice_from) : json_null());
	json_object_set_new(j, "notice_until", b->notice_until[0] ? json_string(b->notice_until) : json_null());
	json_object_set_new(j, "approved_on", b->approved_on[0] ? json_string(b->approved_on) : json_null());
	json_object_set_new(j, "issued_on", b->issued_on[0] ? json_string(b->issued_on) : json_null());
	json_object_set_new(j, "return_reason", b->return_reason[0] ? json_string(b->return_reason) : json_null());
	json_object_set_new(j, "created_by", json_string(b->created_by));
	json_object_set_new(j, "created_at", json_string(b->created_at));
	json_object_set_new(j, "updated_at", json_string(b->updated_at));
	json_object_set_new(j, "version", json_integer(b->version));
	return j;
}

static json_t *score_or_null(int v) { return v >= 0 ? json_integer(v) : json_null(); }

static json_t *candidate_json(const candidate *c)
{
	json_t *j = person_brief(c->person_id, c->name, c->id_number);
	json_object_set_new(j, "id", json_integer(c->id));
	json_object_set_new(j, "batch_id", json_integer(c->batch_id));
	json_object_set_new(j, "employer", json_string(c->employer));
	json_object_set_new(j, "route", json_string(cert_route_name(c->route)));
	json_object_set_new(j, "route_name", json_string(cert_route_name_zh(c->route)));
	json_object_set_new(j, "years_in_occupation", json_integer(c->years_in_occupation));
	json_object_set_new(j, "diploma", json_string(diploma_name(c->dip)));
	json_object_set_new(j, "diploma_name", json_string(diploma_name_zh(c->dip)));
	json_object_set_new(j, "basis", json_string(c->basis));
	const char *bn = c->route == ROUTE_EXCEPTIONAL ? exceptional_basis_name_zh(c->basis) : NULL;
	json_object_set_new(j, "basis_name", json_string(bn ? bn : c->basis));
	json_object_set_new(j, "evidence_text", json_string(c->evidence_text));
	json_object_set_new(j, "evidence",
			    c->evidence_sha256[0] ? json_pack("{s:s, s:I, s:s}", "name", c->evidence_name, "size",
							      (json_int_t)c->evidence_size, "sha256", c->evidence_sha256)
						  : json_null());
	json_object_set_new(j, "scores", c->theory >= 0 ? json_pack("{s:o, s:o, s:o}", "theory", score_or_null(c->theory),
									 "practical", score_or_null(c->practical),
									 "review", score_or_null(c->review))
							 : json_null());
	json_object_set_new(j, "passed", c->passed < 0 ? json_null() : json_boolean(c->passed));
	json_object_set_new(j, "created_at", json_string(c->created_at));
	return j;
}

static json_t *objection_json(const objection *o)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(o->id));
	json_object_set_new(j, "batch_id", json_integer(o->batch_id));
	json_object_set_new(j, "candidate_id", o->candidate_id ? json_integer(o->candidate_id) : json_null());
	json_object_set_new(j, "content", json_string(o->content));
	json_object_set_new(j, "contact", json_string(o->contact));
	json_object_set_new(j, "recorded_by", json_string(o->recorded_by));
	json_object_set_new(j, "recorded_at", json_string(o->recorded_at));
	json_object_set_new(j, "answer", o->answered_at[0] ? json_string(o->answer) : json_null());
	json_object_set_new(j, "answered_by", o->answered_at[0] ? json_string(o->answered_by) : json_null());
	json_object_set_new(j, "answered_at", o->answered_at[0] ? json_string(o->answered_at) : json_null());
	return j;
}

typedef struct arr_ctx {
	json_t *arr;
	int n, scored, passed, open;
} arr_ctx;

static int cand_one(void *ctx, const candidate *c)
{
	arr_ctx *a = ctx;
	json_array_append_new(a->arr, candidate_json(c));
	a->n++;
	a->scored += c->theory >= 0;
	a->passed += c->passed == 1;
	return 0;
}

static int obj_one(void *ctx, const objection *o)
{
	arr_ctx *a = ctx;
	json_array_append_new(a->arr, objection_json(o));
	a->n++;
	a->open += !o->answered_at[0];
	return 0;
}

static int event_one(void *ctx, const batch_event *e)
{
	json_t *j = json_object();
	json_object_set_new(j, "at", json_string(e->at));
	json_object_set_new(j, "actor", json_string(e->actor));
	json_object_set_new(j, "from", json_string(e->from));
	json_object_set_new(j, "to", json_string(e->to));
	json_object_set_new(j, "to_name", json_string(batch_state_name_zh(batch_state_parse(e->to))));
	json_object_set_new(j, "note", json_string(e->note));
	json_array_append_new(((arr_ctx *)ctx)->arr, j);
	return 0;
}

static int examiner_one(void *ctx, const person *p)
{
	json_t *j = person_brief(p->id, p->name, p->id_number);
	json_object_set_new(j, "employer", json_string(p->employer));
	json_array_append_new(((arr_ctx *)ctx)->arr, j);
	return 0;
}

/* The whole batch, read inside t. */
static jn_err show_json(stx *t, const batch *b, json_t **out)
{
	json_t *j = batch_json(b);
	arr_ctx a = {json_array()};
	jn_err e = store_batch_examiners(t, b->id, examiner_one, &a);
	json_object_set_new(j, "examiners", a.arr);
	scope sys = scope_system();
	person sup;
	if (!e) {
		jn_err se = store_person_get(t, &sys, b->supervisor_id, &sup);
		json_t *sj = se ? json_null() : person_brief(sup.id, sup.name, sup.id_number);
		if (!se)
			json_object_set_new(sj, "employer", json_string(sup.employer));
		json_object_set_new(j, "supervisor", sj);
	}
	arr_ctx c = {json_array()};
	if (!e)
		e = store_candidates(t, b->id, cand_one, &c);
	json_object_set_new(j, "candidates", c.arr);
	json_object_set_new(j, "counts", json_pack("{s:i, s:i, s:i}", "candidates", c.n, "scored", c.scored, "passed",
						   c.passed));
	arr_ctx o = {json_array()};
	if (!e)
		e = store_objections(t, b->id, obj_one, &o);
	json_object_set_new(j, "objections", o.arr);
	json_object_set_new(j, "objections_open", json_integer(o.open));
	arr_ctx ev = {json_array()};
	if (!e)
		e = store_batch_events(t, b->id, event_one, &ev);
	json_object_set_new(j, "events", ev.arr);
	if (e) {
		json_decref(j);
		return e;
	}
	*out = j;
	return JN_OK;
}

/* ---- steps ---- */

/* Opens a write transaction on batch id for action a: the role, the scope
 * (404) and the state (409, naming the states it needs). */
static jn_err step_open(store *s, const scope *sc, int64_t id, batch_action a, stx **tp, batch *b, jn_fields *fe)
{
	const batch_transition *tr = batch_transition_of(a);
	if (!role_may(sc, tr->roles)) {
		char what[64];
		snprintf(what, sizeof what, "%s认定批次", tr->verb_zh);
		return refuse_role(fe, sc, what);
	}
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	if ((e = store_batch_get(t, sc, id, b)) != JN_OK) {
		stx_rollback(t);
		return e;
	}
	if (!batch_can(a, b->state)) {
		char msg[256];
		batch_wrong_state(a, b->state, msg, sizeof msg);
		fe_add(fe, "state", "wrong_state", "%s", msg);
		stx_rollback(t);
		return JN_ECONFLICT;
	}
	*tp = t;
	return JN_OK;
}

static void subject_of(int64_t id, char out[64]) { snprintf(out, 64, "batch:%lld", (long long)id); }

/* Moves b along a's transition (or keeps its state), logs the event and
 * audits "batch.<a>" with the states and the note. */
static jn_err step_move(stx *t, const scope *sc, batch *b, batch_action a, const char *note, json_t *extra)
{
	const batch_transition *tr = batch_transition_of(a);
	batch_state from = b->state;
	if (tr->to)
		b->state = tr->to;
	jn_err e = store_batch_write(t, b, from);
	if (!e)
		e = store_batch_event(t, b->id, actor_name(sc), batch_state_name(from), batch_state_name(b->state), note);
	if (!e) {
		char subj[64], action[64];
		subject_of(b->id, subj);
		snprintf(action, sizeof action, "batch.%s", tr->name);
		json_t *bj = json_pack("{s:s}", "state", batch_state_name(from));
		json_t *aj = extra ? extra : json_object();
		extra = NULL;
		json_object_set_new(aj, "state", json_string(batch_state_name(b->state)));
		if (note && note[0])
			json_object_set_new(aj, "note", json_string(note));
		char *before = audit_text(bj), *after = audit_text(aj);
		e = store_audit(t, sc, action, subj, before, after);
		free(before);
		free(after);
	}
	json_decref(extra);
	return e;
}

/* Ends a step: the batch as it now is, then commit. */
static jn_err step_close(stx *t, jn_err e, const batch *b, json_t **out)
{
	json_t *j = NULL;
	if (!e && out)
		e = show_json(t, b, &j);
	e = tx_end(t, e);
	if (e) {
		json_decref(j);
		return e;
	}
	if (out)
		*out = j;
	return JN_OK;
}

/* ---- planning ---- */

static int parse_level(const char *s)
{
	int lv = level_parse(s);
	return lv >= 2 && lv <= 8 ? lv : 0;
}

/* A person the request names by id or ID number (any region: the registry
 * is the source of who exists). */
static jn_err find_person(stx *t, int64_t person_id, const char *id_number, person *p, jn_fields *fe,
			  const char *what)
{
	scope sys = scope_system();
	if (person_id > 0) {
		jn_err e = store_person_get(t, &sys, person_id, p);
		if (e == JN_ENOTFOUND)
			fe_add(fe, "person_id", "not_registered", "编号为%lld的人员未登记", (long long)person_id);
		return e;
	}
	if (!id_number || !id_number[0]) {
		fe_add(fe, "id_number", "required", "须给出%s的身份证号（id_number）或人员编号（person_id）", what);
		return JN_ENOTFOUND;
	}
	id_info info;
	id_status st = id_parse(id_number, strlen(id_number), store_today(), &info);
	if (st != ID_OK) {
		char msg[256];
		id_status_message(st, &info, msg, sizeof msg);
		fe_add(fe, "id_number", id_status_code(st), "%s", msg);
		return JN_ENOTFOUND;
	}
	jn_err e = store_person_by_id_number(t, &sys, info.number, p);
	if (e == JN_ENOTFOUND)
		fe_add(fe, "id_number", "not_registered", "身份证号%s的人员未登记，请先到经办机构登记", info.number);
	return e;
}

/* The S-type rule and its obvious twin: an examiner never examines
 * themselves, and an S body's examiner never a candidate of their own
 * employer.  Adds the reason under field; 1 when refused. */
static int examiner_conflict(char body_type, const person *ex, int64_t cand_id, const char *cand_name,
			     const char *cand_employer, const char *field, jn_fields *fe)
{
	if (ex->id == cand_id) {
		fe_add(fe, field, "examiner_is_candidate", "考评员%s不能考评自己（%s同时是本批次考生）", ex->name,
			      ex->name);
		return 1;
	}
	if (body_type != 'S')
		return 0;
	char a[256], b[256];
	cert_employer_norm(ex->employer, a, sizeof a);
	cert_employer_norm(cand_employer, b, sizeof b);
	if (a[0] && strcmp(a, b) == 0) {
		char msg[1024];
		snprintf(msg, sizeof msg, "考评员%s与考生%s同在“%s”工作，社会培训评价组织的考评员不能考评本单位人员",
			 ex->name, cand_name, ex->employer);
		cert_utf8_fit(msg, 256);
		fe_add(fe, field, "examiner_same_employer", "%s", msg);
		return 1;
	}
	return 0;
}

typedef struct people {
	person p[32];
	int n;
} people;

static int take_examiner(void *ctx, const person *p)
{
	people *x = ctx;
	if (x->n < 32)
		x->p[x->n++] = *p;
	return 0;
}

typedef struct cands {
	candidate *c;
	int n, cap;
} cands;

static int take_cand(void *ctx, const candidate *c)
{
	cands *x = ctx;
	return grow_push((void **)&x->c, &x->n, &x->cap, c, sizeof *c) ? 1 : 0;
}

/* Applies the plan fields given in in to b (create: every required one),
 * checking examiners and the supervisor against the body's staff. */
static jn_err apply_plan(stx *t, const batch_input *in, int creating, batch *b, people *ex, jn_fields *fe)
{
	if (in->direction)
		take_text(fe, "direction", "工种/职业方向", in->direction, 30, 0, b->direction, sizeof b->direction);
	if (creating || in->exam_from) {
		int d = cert_date_parse(in->exam_from);
		if (!d)
			fe_add(fe, "exam_from", in->exam_from && in->exam_from[0] ? "invalid_date" : "required",
				      "考试日期应为 YYYY-MM-DD 格式的日期");
		else
			cert_date_format(d, b->exam_from);
	}
	if (in->exam_to || (creating && b->exam_from[0])) {
		int d = in->exam_to ? cert_date_parse(in->exam_to) : cert_date_parse(b->exam_from);
		if (!d)
			fe_add(fe, "exam_to", "invalid_date", "考试结束日期应为 YYYY-MM-DD 格式的日期");
		else
			cert_date_format(d, b->exam_to);
	}
	if (b->exam_from[0] && b->exam_to[0] && strcmp(b->exam_to, b->exam_from) < 0)
		fe_add(fe, "exam_to", "before_start", "考试结束日期不能早于开始日期");
	if (creating || in->place)
		take_text(fe, "place", "考试地点", in->place, 100, 1, b->place, sizeof b->place);
	const struct {
		int v;
		int *dst;
		const char *field, *label;
		int lo, hi;
	} nums[] = {
		{in->pass_theory, &b->pass_theory, "pass_theory", "理论知识考试合格分", 0, 100},
		{in->pass_practical, &b->pass_practical, "pass_practical", "操作技能考核合格分", 0, 100},
		{in->pass_review, &b->pass_review, "pass_review", "综合评审合格分", 0, 100},
		{in->notice_days, &b->notice_days, "notice_days", "公示天数", 0, 30},
	};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		if (nums[i].v < 0)
			continue;
		if (nums[i].v < nums[i].lo || nums[i].v > nums[i].hi)
			fe_add(fe, nums[i].field, "out_of_range", "%s应在%d到%d之间", nums[i].label, nums[i].lo,
				      nums[i].hi);
		else
			*nums[i].dst = nums[i].v;
	}
	if (creating || in->nexaminers >= 0) {
		ex->n = 0;
		if (in->nexaminers <= 0)
			fe_add(fe, "examiners", "required", "须指定至少一名考评员（本机构登记的考评员）");
		for (int i = 0; i < in->nexaminers && i < 32; i++) {
			char field[32];
			snprintf(field, sizeof field, "examiners[%d]", i);
			int dup = 0;
			for (int k = 0; k < ex->n; k++)
				dup |= ex->p[k].id == in->examiners[i];
			if (dup)
				continue;
			int rc = store_evaluator_is_staff(t, b->org_id, in->examiners[i], "examiner");
			if (rc < 0)
				return JN_EDB;
			scope sys = scope_system();
			person p;
			jn_err pe = store_person_get(t, &sys, in->examiners[i], &p);
			if (pe && pe != JN_ENOTFOUND)
				return pe;
			if (!rc || pe)
				fe_add(fe, field, "not_examiner", "人员%lld不是本机构登记的考评员",
					      (long long)in->examiners[i]);
			else
				ex->p[ex->n++] = p;
		}
	}
	if (creating || in->supervisor >= 0) {
		if (in->supervisor <= 0) {
			fe_add(fe, "supervisor", "required", "须指定质量督导员（本机构登记的质量督导员）");
		} else {
			int rc = store_evaluator_is_staff(t, b->org_id, in->supervisor, "supervisor");
			if (rc < 0)
				return JN_EDB;
			if (!rc)
				fe_add(fe, "supervisor", "not_supervisor", "人员%lld不是本机构登记的质量督导员",
					      (long long)in->supervisor);
			else
				b->supervisor_id = in->supervisor;
		}
	}
	for (int k = 0; k < ex->n; k++)
		if (b->supervisor_id && ex->p[k].id == b->supervisor_id)
			fe_add(fe, "supervisor", "also_examiner", "%s不能在同一批次既当考评员又当质量督导员",
				      ex->p[k].name);
	return JN_OK;
}

static json_t *plan_audit(const batch *b, const people *ex)
{
	json_t *j = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:I, s:i, s:i, s:i, s:i}", "occupation", b->occupation,
			      "level", b->level, "direction", b->direction, "exam_from", b->exam_from, "exam_to",
			      b->exam_to, "place", b->place, "supervisor_id", (json_int_t)b->supervisor_id, "pass_theory",
			      b->pass_theory, "pass_practical", b->pass_practical, "pass_review", b->pass_review,
			      "notice_days", b->notice_days);
	json_t *e = json_array();
	for (int i = 0; i < ex->n; i++)
		json_array_append_new(e, json_integer(ex->p[i].id));
	json_object_set_new(j, "examiners", e);
	return j;
}

jn_err batch_create(store *s, const scope *sc, const batch_input *in, json_t **out, jn_fields *fe)
{
	if (!role_may(sc, ROLE_EVALUATOR))
		return refuse_role(fe, sc, "创建认定批次（批次由评价机构创建）");
	int64_t org_id = sc->system ? in->org_id : sc->org_id;
	if (org_id <= 0) {
		fe_add(fe, "org_id", "required", "须指定评价机构（org_id）");
		return JN_EINVAL;
	}
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	evaluator_reg r;
	e = store_evaluator_get(t, sc, org_id, &r);
	if (e == JN_ENOTFOUND) {
		fe_add(fe, "org_id", "not_registered", "机构%lld尚未登记为评价机构（须由管理员登记类型、代码和可评价的职业等级）",
			      (long long)org_id);
		stx_rollback(t);
		return JN_EINVAL;
	}
	batch b;
	memset(&b, 0, sizeof b);
	b.org_id = org_id;
	b.pass_theory = b.pass_practical = b.pass_review = 60;
	b.notice_days = 5;
	b.state = BS_PLANNED;
	snprintf(b.region, sizeof b.region, "%s", r.region);
	snprintf(b.created_by, sizeof b.created_by, "%s", actor_name(sc));
	occupation occ;
	int rc = e ? 0 : occupation_resolve(t, in->occupation, &occ);
	if (rc < 0)
		e = JN_EDB;
	else if (!rc && !e)
		fe_add(fe, "occupation", in->occupation && in->occupation[0] ? "unknown_occupation" : "required",
			      "职业应为职业分类大典（2022）中的职业编码或名称");
	else if (!e)
		snprintf(b.occupation, sizeof b.occupation, "%s", occ.code);
	if (!e) {
		b.level = in->level ? parse_level(in->level) : 0;
		if (!b.level)
			fe_add(fe, "level", in->level && in->level[0] ? "invalid_level" : "required",
				      "等级应为2（初级工）到8（首席技师），或其名称");
		else if (b.level >= 7 && r.body_type != 'Y')
			fe_add(fe, "level", "level_y_only", "特级技师、首席技师只能由用人单位自主评价机构（Y类）评聘");
	}
	if (!e && b.level && b.occupation[0]) {
		int has = store_evaluator_has_pair(t, org_id, b.occupation, b.level);
		if (has < 0)
			e = JN_EDB;
		else if (!has)
			fe_add(fe, "level", "not_registered_pair", "本机构未登记可评价%s（%s）%s", occ.name, occ.code,
				      LEVELS[b.level - 1].name);
	}
	people ex = {.n = 0};
	if (!e)
		e = apply_plan(t, in, 1, &b, &ex, fe);
	if (!e && fe->count)
		e = JN_EINVAL;
	if (!e)
		e = store_batch_insert(t, &b);
	if (!e) {
		int64_t ids[32];
		for (int i = 0; i < ex.n; i++)
			ids[i] = ex.p[i].id;
		e = store_batch_examiners_set(t, b.id, ex.n, ids);
	}
	if (!e)
		e = store_batch_event(t, b.id, actor_name(sc), "", batch_state_name(BS_PLANNED), "创建批次");
	if (!e) {
		char subj[64];
		subject_of(b.id, subj);
		char *after = audit_text(plan_audit(&b, &ex));
		e = store_audit(t, sc, "batch.create", subj, NULL, after);
		free(after);
	}
	if (!e)
		e = store_batch_get(t, sc, b.id, &b); /* with the joined names */
	return step_close(t, e, &b, out);
}

jn_err batch_update(store *s, const scope *sc, int64_t id, const batch_input *in, json_t **out, jn_fields *fe)
{
	stx *t;
	batch b;
	jn_err e = step_open(s, sc, id, BA_EDIT, &t, &b, fe);
	if (e)
		return e;
	if (in->occupation)
		fe_add(fe, "occupation", "immutable", "批次的职业创建后不能修改，请新建批次");
	if (in->level)
		fe_add(fe, "level", "immutable", "批次的等级创建后不能修改，请新建批次");
	people before = {.n = 0}, ex = {.n = 0};
	e = store_batch_examiners(t, b.id, take_examiner, &before);
	ex = before;
	batch old = b;
	if (!e)
		e = apply_plan(t, in, 0, &b, &ex, fe);
	/* New examiners against the candidates already enrolled. */
	if (!e && in->nexaminers >= 0) {
		cands cs = {0};
		e = store_candidates(t, b.id, take_cand, &cs);
		for (int k = 0; !e && k < ex.n; k++)
			for (int i = 0; i < cs.n; i++) {
				char field[32];
				snprintf(field, sizeof field, "examiners[%d]", k);
				if (examiner_conflict(b.body_type, &ex.p[k], cs.c[i].person_id, cs.c[i].name, cs.c[i].employer,
						      field, fe))
					break;
			}
		free(cs.c);
	}
	if (!e && fe->count)
		e = JN_EINVAL;
	if (!e) {
		int64_t ids[32];
		for (int i = 0; i < ex.n; i++)
			ids[i] = ex.p[i].id;
		e = store_batch_examiners_set(t, b.id, ex.n, ids);
	}
	if (!e)
		e = store_batch_write(t, &b, b.state);
	if (!e)
		e = store_batch_event(t, b.id, actor_name(sc), batch_state_name(b.state), batch_state_name(b.state),
				      "修改计划");
	if (!e) {
		char subj[64];
		subject_of(b.id, subj);
		char *bj = audit_text(plan_audit(&old, &before)), *aj = audit_text(plan_audit(&b, &ex));
		e = store_audit(t, sc, "batch.update", subj, bj, aj);
		free(bj);
		free(aj);
	}
	return step_close(t, e, &b, out);
}

jn_err batch_show(store *s, const scope *sc, int64_t id, json_t **out)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	batch b;
	e = store_batch_get(t, sc, id, &b);
	if (!e)
		e = show_json(t, &b, out);
	stx_rollback(t);
	return e;
}

int batch_visible(store *s, const scope *sc, int64_t id)
{
	stx *t;
	if (id <= 0 || stx_begin(s, 0, &t) != JN_OK)
		return 0;
	batch b;
	int ok = store_batch_get(t, sc, id, &b) == JN_OK;
	stx_rollback(t);
	return ok;
}

static int list_one(void *ctx, const batch *b)
{
	json_array_append_new((json_t *)ctx, batch_json(b));
	return 0;
}

jn_err batch_list(store *s, const scope *sc, const batch_filter *f, json_t **items, int64_t *total)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	json_t *a = json_array();
	e = store_batch_list(t, sc, f, list_one, a, total);
	stx_rollback(t);
	if (e) {
		json_decref(a);
		return e;
	}
	*items = a;
	return JN_OK;
}

/* ---- candidates ---- */

typedef struct certs_of {
	const char *occupation;
	int prior[9];            /* earliest issue date of a valid certificate per level */
	int best_level;          /* highest valid level in the occupation */
	char best_number[23];
} certs_of;

static int cert_fact(void *ctx, const certificate *c)
{
	certs_of *x = ctx;
	if (c->status != CERT_VALID || strcmp(c->occupation, x->occupation) != 0 || c->level < 1 || c->level > 8)
		return 0;
	int d = cert_date_parse(c->issued_on);
	if (d && (!x->prior[c->level] || d < x->prior[c->level]))
		x->prior[c->level] = d;
	if (c->level > x->best_level) {
		x->best_level = c->level;
		snprintf(x->best_number, sizeof x->best_number, "%s", c->number);
	}
	return 0;
}

jn_err batch_enrol(store *s, const scope *sc, int64_t id, const enrol_input *in, json_t **out, jn_fields *fe)
{
	stx *t;
	batch b;
	jn_err e = step_open(s, sc, id, BA_EDIT, &t, &b, fe);
	if (e)
		return e;
	scope sys = scope_system();
	evaluator_reg r;
	candidate c;
	memset(&c, 0, sizeof c);
	c.batch_id = b.id;
	person p;
	if ((e = store_evaluator_get(t, &sys, b.org_id, &r)) != JN_OK)
		goto done;
	jn_err pe = find_person(t, in->person_id, in->id_number, &p, fe, "考生");
	if (pe && pe != JN_ENOTFOUND) {
		e = pe;
		goto done;
	}
	int have_person = pe == JN_OK;
	c.route = in->route && in->route[0] ? cert_route_parse(in->route) : ROUTE_NORMAL;
	if (!c.route)
		fe_add(fe, "route", "invalid", "申报途径应为 normal（正常申报）、direct（直接认定）、"
						      "exceptional（破格晋升）或 special（特级技师、首席技师评聘）");
	if (in->years_in_occupation > 60)
		fe_add(fe, "years_in_occupation", "out_of_range", "从事本职业年限应在0到60年之间");
	c.years_in_occupation = in->years_in_occupation > 0 && in->years_in_occupation <= 60 ? in->years_in_occupation : 0;
	int dip = in->diploma && in->diploma[0] ? diploma_parse(in->diploma) : DIP_NONE;
	if (dip < 0)
		fe_add(fe, "diploma", "invalid", "学历应为 none、apprenticeship、technical_school、"
							"senior_technical_school、preparatory_technician 或 college_in_field");
	c.dip = dip < 0 ? DIP_NONE : (diploma)dip;
	take_text(fe, "basis", "认定依据", in->basis, 150, 0, c.basis, sizeof c.basis);
	take_text(fe, "evidence_text", "业绩证明材料说明", in->evidence_text, 600, 0, c.evidence_text,
		  sizeof c.evidence_text);
	if (c.route) {
		/* The routes: who may use them, at which levels, with what. */
		if (b.level >= 7 && c.route != ROUTE_SPECIAL)
			fe_add(fe, "route", "special_required", "特级技师、首席技师只能通过评聘（route=special）产生");
		if (c.route == ROUTE_SPECIAL && b.level < 7)
			fe_add(fe, "route", "special_level", "评聘（special）只用于特级技师、首席技师");
		if (c.route != ROUTE_NORMAL && r.body_type != 'Y')
			fe_add(fe, "route", "route_y_only", "%s只能由用人单位自主评价机构（Y类）进行，本机构是社会培训评价组织",
				      cert_route_name_zh(c.route));
		if (c.route == ROUTE_DIRECT && b.level < 4)
			fe_add(fe, "route", "direct_level", "直接认定只能认定高级工及以上等级（本批次为%s）",
				      LEVELS[b.level - 1].name);
		if (c.route == ROUTE_EXCEPTIONAL && !exceptional_basis_name_zh(c.basis))
			fe_add(fe, "basis", c.basis[0] ? "invalid_basis" : "required",
				      "破格晋升须注明依据类别：major_technical_problem（解决重大工艺技术难题和重大质量问题）、"
				      "innovation_award（技术创新成果等奖项）、competition_placing（职业技能竞赛获奖）或 "
				      "master_apprentice（“师带徒”业绩突出）");
		if ((c.route == ROUTE_DIRECT || c.route == ROUTE_SPECIAL) && !c.basis[0])
			fe_add(fe, "basis", "required", "%s须写明认定依据", cert_route_name_zh(c.route));
		if (c.route != ROUTE_NORMAL && !c.evidence_text[0])
			fe_add(fe, "evidence_text", "required", "%s须写明业绩证明材料（并在提交前上传证明文件）",
				      cert_route_name_zh(c.route));
	}
	if (have_person) {
		c.person_id = p.id;
		snprintf(c.name, sizeof c.name, "%s", p.name);
		snprintf(c.id_number, sizeof c.id_number, "%s", p.id_number);
		snprintf(c.employer, sizeof c.employer, "%s", p.employer);
		const char *pf = in->person_id > 0 ? "person_id" : "id_number";
		/* A Y body evaluates its employer's own staff. */
		if (r.body_type == 'Y') {
			char a[256], m[256];
			cert_employer_norm(p.employer, a, sizeof a);
			cert_employer_norm(r.employer_name, m, sizeof m);
			if (!a[0] || strcmp(a, m) != 0)
				fe_add(fe, pf, "not_own_staff", "用人单位自主评价只能评价本单位职工：%s的工作单位为“%s”，不是“%s”",
					      p.name, p.employer[0] ? p.employer : "（未登记）", r.employer_name);
		}
		/* The examiners of the batch against this candidate. */
		people ex = {.n = 0};
		if ((e = store_batch_examiners(t, b.id, take_examiner, &ex)) != JN_OK)
			goto done;
		for (int k = 0; k < ex.n; k++)
			if (examiner_conflict(r.body_type, &ex.p[k], p.id, p.name, p.employer, pf, fe))
				break;
		/* What the person already holds in this occupation. */
		certs_of co = {.occupation = b.occupation};
		if ((e = store_certs_of_person(t, p.id, cert_fact, &co)) != JN_OK)
			goto done;
		if (co.best_level >= b.level) {
			char label[64];
			cert_level_label(co.best_level, label, sizeof label);
			fe_add(fe, pf, "already_certified", "%s已持有%s%s证书%s（有效），不能再申报同级或更低等级",
				      p.name, b.occupation_name, label, co.best_number);
		} else if (c.route == ROUTE_SPECIAL) {
			int senior = 0;
			for (int lv = 6; lv <= 8; lv++)
				senior |= co.prior[lv] != 0;
			if (!senior)
				fe_add(fe, "route", "needs_senior_technician",
					      "评聘特级技师、首席技师须持有本职业（%s）有效的高级技师证书，%s没有", b.occupation_name,
					      p.name);
		} else if (c.route == ROUTE_NORMAL && !fe->count) {
			cert_condition rows[MAX_CONDITIONS];
			int n = 0;
			if ((e = store_conditions_for(t, b.occupation, b.level, rows, MAX_CONDITIONS, &n)) != JN_OK)
				goto done;
			cert_facts f = {.years_in_occupation = c.years_in_occupation, .dip = c.dip, .as_of = store_today()};
			memcpy(f.prior_issued, co.prior, sizeof f.prior_issued);
			char summary[160], items[MAX_CONDITIONS][240];
			if (!cert_conditions_check(b.level, rows, n, &f, summary, sizeof summary, items, MAX_CONDITIONS)) {
				/* One entry naming every unmet alternative, then one per alternative. */
				char all[1024];
				snprintf(all, sizeof all, "%s", summary);
				int k = 0;
				for (int i = 0; i < n; i++) {
					if (rows[i].alternative <= 0)
						continue;
					size_t o = strlen(all);
					snprintf(all + o, sizeof all - o, "%s%s", k ? "；或" : "", items[k]);
					k++;
				}
				cert_utf8_fit(all, 256);
				fe_add(fe, "conditions", "conditions_not_met", "%s", all);
				for (int i = 0; i < k; i++)
					fe_add(fe, "conditions", "condition_not_met", "%s", items[i]);
			}
		}
	}
	if (!fe->count) {
		e = store_candidate_insert(t, &c);
		if (e == JN_ECONFLICT)
			fe_add(fe, in->person_id > 0 ? "person_id" : "id_number", "duplicate", "%s已在本批次中",
				      c.name);
	} else {
		e = JN_EINVAL;
	}
	if (!e) {
		char subj[64];
		subject_of(b.id, subj);
		json_t *a = candidate_json(&c);
		json_object_set_new(a, "person_id", json_integer(c.person_id));
		json_object_del(a, "id_number");
		char *after = audit_text(a);
		e = store_audit(t, sc, "batch.enrol", subj, NULL, after);
		free(after);
	}
	if (!e)
		*out = candidate_json(&c);
done:
	e = tx_end(t, e);
	if (e && !fe->count && e == JN_ECONFLICT)
		fe_add(fe, "id_number", "duplicate", "此人已在本批次中");
	return e;
}

jn_err batch_withdraw(store *s, const scope *sc, int64_t id, int64_t cid, jn_fields *fe)
{
	stx *t;
	batch b;
	jn_err e = step_open(s, sc, id, BA_EDIT, &t, &b, fe);
	if (e)
		return e;
	candidate c;
	e = store_candidate_get(t, b.id, cid, &c);
	if (!e)
		e = store_candidate_delete(t, b.id, cid);
	if (!e) {
		char subj[64];
		subject_of(b.id, subj);
		char *before = audit_text(json_pack("{s:I, s:I, s:s}", "candidate_id", (json_int_t)c.id, "person_id",
						    (json_int_t)c.person_id, "route", cert_route_name(c.route)));
		e = store_audit(t, sc, "batch.withdraw", subj, before, NULL);
		free(before);
	}
	return tx_end(t, e);
}

jn_err batch_evidence_put(store *s, const scope *sc, int64_t id, int64_t cid, const char *name, const char *data,
			  size_t len, json_t **out, jn_fields *fe)
{
	stx *t;
	batch b;
	jn_err e = step_open(s, sc, id, BA_EDIT, &t, &b, fe);
	if (e)
		return e;
	candidate c;
	if ((e = store_candidate_get(t, b.id, cid, &c)) != JN_OK)
		return tx_end(t, e);
	char fname[256];
	take_text(fe, "name", "文件名", name, 100, 1, fname, sizeof fname);
	if (strchr(fname, '/') || strchr(fname, '\\'))
		fe_add(fe, "name", "invalid", "文件名不能包含 / 或 \\");
	if (len == 0)
		fe_add(fe, "file", "empty", "请在请求体中上传证明文件");
	if (len > EVIDENCE_MAX_BYTES)
		return tx_end(t, JN_ETOOLARGE);
	if (fe->count)
		return tx_end(t, JN_EINVAL);
	char sha[65], *b64;
	if ((e = file_encode(data, len, sha, &b64)) != JN_OK)
		return tx_end(t, e);
	e = store_evidence_put(t, c.id, fname, (int64_t)len, sha, b64);
	free(b64);
	char before_sha[65];
	snprintf(before_sha, sizeof before_sha, "%s", c.evidence_sha256);
	snprintf(c.evidence_name, sizeof c.evidence_name, "%s", fname);
	snprintf(c.evidence_sha256, sizeof c.evidence_sha256, "%s", sha);
	c.evidence_size = (int64_t)len;
	if (!e)
		e = store_candidate_write(t, &c);
	if (!e) {
		char subj[64];
		subject_of(b.id, subj);
		char *before = before_sha[0] ? audit_text(json_pack("{s:I, s:s}", "candidate_id", (json_int_t)c.id,
								    "sha256", before_sha))
					     : NULL;
		char *after = audit_text(json_pack("{s:I, s:s, s:I, s:s}", "candidate_id", (json_int_t)c.id, "name", fname,
						   "size", (json_int_t)len, "sha256", sha));
		e = store_audit(t, sc, "batch.evidence", subj, before, after);
		free(before);
		free(after);
	}
	if (!e)
		*out = json_pack("{s:I, s:s, s:I, s:s}", "candidate_id", (json_int_t)c.id, "name", fname, "size",
				 (json_int_t)len, "sha256", sha);
	return tx_end(t, e);
}

jn_err batch_evidence_get(store *s, const scope *sc, int64_t id, int64_t cid, char **data, size_t *len,
			  char name[256], char sha256[65])
{
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	batch b;
	candidate c;
	char *b64 = NULL;
	int64_t size = 0;
	*data = NULL;
	e = store_batch_get(t, sc, id, &b);
	if (!e)
		e = store_candidate_get(t, b.id, cid, &c);
	if (!e)
		e = store_evidence_get(t, c.id, name, &b64, &size, sha256);
	if (!e) {
		char subj[64];
		subject_of(b.id, subj);
		char *after = audit_text(json_pack("{s:I, s:s}", "candidate_id", (json_int_t)c.id, "sha256", sha256));
		e = store_audit(t, sc, "read.evidence", subj, NULL, after);
		free(after);
	}
	if (!e)
		e = file_decode(b64, size, data, len);
	free(b64);
	if ((e = tx_end(t, e)) != JN_OK && *data) {
		free(*data);
		*data = NULL;
	}
	return e;
}

jn_err batch_score(store *s, const scope *sc, int64_t id, int64_t cid, const score_input *in, json_t **out,
		   jn_fields *fe)
{
	stx *t;
	batch b;
	jn_err e = step_open(s, sc, id, BA_EDIT, &t, &b, fe);
	if (e)
		return e;
	candidate c;
	if ((e = store_candidate_get(t, b.id, cid, &c)) != JN_OK)
		return tx_end(t, e);
	candidate before = c;
	const struct {
		int v;
		const char *field, *label;
	} parts[] = {{in->theory, "theory", "理论知识考试"}, {in->practical, "practical", "操作技能考核"},
		     {in->review, "review", "综合评审"}};
	for (int i = 0; i < 3; i++) {
		int required = i < 2 || cert_review_required(b.level);
		if (parts[i].v < 0 && required)
			fe_add(fe, parts[i].field, "required", "%s成绩必须填写（0到100的整数）%s", parts[i].label,
				      i == 2 ? "：技师及以上等级须经综合评审" : "");
		else if (parts[i].v >= 0 && !required)
			fe_add(fe, parts[i].field, "not_applicable", "%s以下等级不设综合评审",
				      "技师");
		else if (parts[i].v > 100)
			fe_add(fe, parts[i].field, "out_of_range", "%s成绩应在0到100之间", parts[i].label);
	}
	if (fe->count)
		return tx_end(t, JN_EINVAL);
	c.theory = in->theory;
	c.practical = in->practical;
	c.review = cert_review_required(b.level) ? in->review : -1;
	c.passed = cert_scores_pass(b.level, c.theory, c.practical, c.review, b.pass_theory, b.pass_practical,
				    b.pass_review);
	e = store_candidate_write(t, &c);
	if (!e) {
		char subj[64];
		subject_of(b.id, subj);
		char *bj = before.theory >= 0 ? audit_text(json_pack("{s:I, s:o, s:o, s:o}", "candidate_id",
								     (json_int_t)c.id, "theory", score_or_null(before.theory),
								     "practical", score_or_null(before.practical), "review",
								     score_or_null(before.review)))
					      : NULL;
		char *aj = audit_text(json_pack("{s:I, s:o, s:o, s:o, s:b}", "candidate_id", (json_int_t)c.id, "theory",
						score_or_null(c.theory), "practical", score_or_null(c.practical), "review",
						score_or_null(c.review), "passed", c.passed));
		e = store_audit(t, sc, "batch.score", subj, bj, aj);
		free(bj);
		free(aj);
	}
	if (!e)
		*out = candidate_json(&c);
	return tx_end(t, e);
}

/* ---- the flow ---- */

typedef struct submit_ctx {
	jn_fields *fe;
	int n;
} submit_ctx;

static int submit_check(void *ctx, const candidate *c)
{
	submit_ctx *x = ctx;
	x->n++;
	char field[48];
	if (c->theory < 0) {
		snprintf(field, sizeof field, "candidates[%lld].scores", (long long)c->id);
		fe_add(x->fe, field, "not_scored", "考生%s（编号%lld）还没有成绩", c->name, (long long)c->id);
	}
	if (c->route != ROUTE_NORMAL && !c->evidence_sha256[0]) {
		snprintf(field, sizeof field, "candidates[%lld].evidence", (long long)c->id);
		fe_add(x->fe, field, "evidence_missing", "考生%s（%s）须上传证明文件后才能提交", c->name,
			      cert_route_name_zh(c->route));
	}
	return 0;
}

jn_err batch_submit(store *s, const scope *sc, int64_t id, json_t **out, jn_fields *fe)
{
	stx *t;
	batch b;
	jn_err e = step_open(s, sc, id, BA_SUBMIT, &t, &b, fe);
	if (e)
		return e;
	int has = store_evaluator_has_pair(t, b.org_id, b.occupation, b.level);
	if (has < 0)
		return tx_end(t, JN_EDB);
	if (!has)
		fe_add(fe, "level", "not_registered_pair", "本机构已不再登记可评价%s%s，不能提交", b.occupation_name,
			      LEVELS[b.level - 1].name);
	submit_ctx x = {fe, 0};
	if ((e = store_candidates(t, b.id, submit_check, &x)) != JN_OK)
		return tx_end(t, e);
	if (!x.n)
		fe_add(fe, "candidates", "empty", "批次还没有考生，不能提交");
	if (fe->count)
		return tx_end(t, JN_EINVAL);
	char note[600];
	snprintf(note, sizeof note, "%s", b.state == BS_RETURNED ? "修改后重新提交" : "提交审核");
	b.return_reason[0] = '\0';
	e = step_move(t, sc, &b, BA_SUBMIT, note, json_pack("{s:i}", "candidates", x.n));
	return step_close(t, e, &b, out);
}

jn_err batch_review(store *s, const scope *sc, int64_t id, const char *decision, const char *reason, json_t **out,
		    jn_fields *fe)
{
	int pass = decision && strcmp(decision, "pass") == 0, ret = decision && strcmp(decision, "return") == 0;
	stx *t;
	batch b;
	jn_err e = step_open(s, sc, id, ret ? BA_REJECT : BA_PASS, &t, &b, fe);
	if (e)
		return e;
	if (!pass && !ret)
		fe_add(fe, "decision", decision && decision[0] ? "invalid" : "required",
			      "审核结论应为 pass（通过）或 return（退回）");
	char why[512];
	take_text(fe, "reason", "退回原因", reason, 150, ret, why, sizeof why);
	if (fe->count)
		return tx_end(t, JN_EINVAL);
	if (ret)
		snprintf(b.return_reason, sizeof b.return_reason, "%s", why);
	e = step_move(t, sc, &b, ret ? BA_REJECT : BA_PASS, why[0] ? why : (ret ? "" : "县级审核通过"), NULL);
	return step_close(t, e, &b, out);
}

jn_err batch_return(store *s, const scope *sc, int64_t id, const char *reason, json_t **out, jn_fields *fe)
{
	stx *t;
	batch b;
	jn_err e = step_open(s, sc, id, BA_RETURN, &t, &b, fe);
	if (e)
		return e;
	char why[512];
	if (!take_text(fe, "reason", "退回原因", reason, 150, 1, why, sizeof why))
		return tx_end(t, JN_EINVAL);
	snprintf(b.return_reason, sizeof b.return_reason, "%s", why);
	b.notice_from[0] = b.notice_until[0] = '\0';
	e = step_move(t, sc, &b, BA_RETURN, why, NULL);
	return step_close(t, e, &b, out);
}

static void iso_after(long seconds, char out[32])
{
	time_t t = time(NULL) + seconds;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

/* "2026-11-26T14:00:00.000Z" -> "2026-11-26 22:00" (Beijing time). */
static void beijing(const char *iso, char out[32])
{
	struct tm tm = {0};
	if (sscanf(iso, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec) != 6) {
		snprintf(out, 32, "%.31s", iso);
		return;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm) + 8 * 3600;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
}

jn_err batch_notice(store *s, const scope *sc, int64_t id, json_t **out, jn_fields *fe)
{
	stx *t;
	batch b;
	jn_err e = step_open(s, sc, id, BA_NOTICE, &t, &b, fe);
	if (e)
		return e;
	store_now(b.notice_from);
	iso_after((long)b.notice_days * 86400, b.notice_until);
	if (b.notice_days == 0)
		snprintf(b.notice_until, sizeof b.notice_until, "%s", b.notice_from);
	char note[96], until[32];
	beijing(b.notice_until, until);
	snprintf(note, sizeof note, "公示%d天，至%s", b.notice_days, until);
	e = step_move(t, sc, &b, BA_NOTICE, note,
		      json_pack("{s:s, s:s}", "notice_from", b.notice_from, "notice_until", b.notice_until));
	return step_close(t, e, &b, out);
}

jn_err batch_object(store *s, const scope *sc, int64_t id, int64_t candidate_id, const char *content,
		    const char *contact, json_t **out, jn_fields *fe)
{
	stx *t;
	batch b;
	jn_err e = step_open(s, sc, id, BA_OBJECT, &t, &b, fe);
	if (e)
		return e;
	objection o;
	memset(&o, 0, sizeof o);
	o.batch_id = b.id;
	if (candidate_id > 0) {
		candidate c;
		jn_err ce = store_candidate_get(t, b.id, candidate_id, &c);
		if (ce == JN_ENOTFOUND)
			fe_add(fe, "candidate_id", "not_found", "本批次没有编号为%lld的考生", (long long)candidate_id);
		else if (ce)
			return tx_end(t, ce);
		else
			o.candidate_id = c.id;
	}
	take_text(fe, "content", "异议内容", content, 300, 1, o.content, sizeof o.content);
	take_text(fe, "contact", "联系方式", contact, 60, 1, o.contact, sizeof o.contact);
	if (fe->count)
		return tx_end(t, JN_EINVAL);
	snprintf(o.recorded_by, sizeof o.recorded_by, "%s", actor_name(sc));
	e = store_objection_insert(t, &o);
	char note[64];
	snprintf(note, sizeof note, "登记异议（编号%lld）", (long long)o.id);
	if (!e)
		e = step_move(t, sc, &b, BA_OBJECT, note,
			      json_pack("{s:I, s:o, s:s}", "objection_id", (json_int_t)o.id, "candidate_id",
					o.candidate_id ? json_integer(o.candidate_id) : json_null(), "content", o.content));
	if (!e)
		*out = objection_json(&o);
	return tx_end(t, e);
}

jn_err batch_answer(store *s, const scope *sc, int64_t id, int64_t objection_id, const char *answer, json_t **out,
		    jn_fields *fe)
{
	stx *t;
	batch b;
	jn_err e = step_open(s, sc, id, BA_ANSWER, &t, &b, fe);
	if (e)
		return e;
	objection o;
	if ((e = store_objection_get(t, b.id, objection_id, &o)) != JN_OK)
		return tx_end(t, e);
	if (o.answered_at[0]) {
		fe_add(fe, "answer", "already_answered", "异议（编号%lld）已于%s答复", (long long)o.id, o.answered_at);
		return tx_end(t, JN_ECONFLICT);
	}
	if (!take_text(fe, "answer", "答复", answer, 300, 1, o.answer, sizeof o.answer))
		return tx_end(t, JN_EINVAL);
	snprintf(o.answered_by, sizeof o.answered_by, "%s", actor_name(sc));
	e = store_objection_answer(t, &o);
	if (e == JN_ECONFLICT)
		fe_add(fe, "answer", "already_answered", "异议（编号%lld）已答复", (long long)o.id);
	char note[64];
	snprintf(note, sizeof note, "答复异议（编号%lld）", (long long)o.id);
	if (!e)
		e = step_move(t, sc, &b, BA_ANSWER, note,
			      json_pack("{s:I, s:s}", "objection_id", (json_int_t)o.id, "answer", o.answer));
	if (!e)
		*out = objection_json(&o);
	return tx_end(t, e);
}

typedef struct open_ctx {
	int n;
	char ids[128];
} open_ctx;

static int open_one(void *ctx, const objection *o)
{
	open_ctx *x = ctx;
	if (o->answered_at[0])
		return 0;
	size_t l = strlen(x->ids);
	if (l < sizeof x->ids - 24)
		snprintf(x->ids + l, sizeof x->ids - l, "%s%lld", x->n ? "、" : "", (long long)o->id);
	x->n++;
	return 0;
}

static int certify_one(void *ctx, const candidate *c)
{
	cands *x = ctx;
	return c->passed == 1 ? take_cand(x, c) : 0;
}

jn_err batch_approve(store *s, const scope *sc, int64_t id, json_t **out, jn_fields *fe)
{
	stx *t;
	batch b;
	jn_err e = step_open(s, sc, id, BA_APPROVE, &t, &b, fe);
	if (e)
		return e;
	char now[32];
	store_now(now);
	if (strcmp(now, b.notice_until) < 0) {
		char until[32];
		beijing(b.notice_until, until);
		fe_add(fe, "notice_until", "notice_running", "公示期至%s（北京时间）结束，公示期间不能审批", until);
		return tx_end(t, JN_ECONFLICT);
	}
	open_ctx oc = {0, ""};
	if ((e = store_objections(t, b.id, open_one, &oc)) != JN_OK)
		return tx_end(t, e);
	if (oc.n) {
		fe_add(fe, "objections", "unanswered", "还有%d条异议未答复（编号%s），答复后才能审批", oc.n, oc.ids);
		return tx_end(t, JN_ECONFLICT);
	}
	scope sys = scope_system();
	evaluator_reg r;
	if ((e = store_evaluator_get(t, &sys, b.org_id, &r)) != JN_OK)
		return tx_end(t, e);
	int today = store_today();
	cert_date_format(today, b.approved_on);
	cands cs = {0};
	e = store_candidates(t, b.id, certify_one, &cs);
	json_t *numbers = json_array();
	char subj[64];
	for (int i = 0; !e && i < cs.n; i++) {
		const candidate *c = &cs.c[i];
		certificate ct;
		memset(&ct, 0, sizeof ct);
		e = cert_next_number(t, r.body_type, r.body_code, r.site_serial, today / 10000, b.level, ct.number);
		if (e)
			break;
		ct.person_id = c->person_id;
		snprintf(ct.holder_name, sizeof ct.holder_name, "%s", c->name);
		snprintf(ct.id_type, sizeof ct.id_type, "居民身份证");
		snprintf(ct.id_number, sizeof ct.id_number, "%s", c->id_number);
		snprintf(ct.occupation, sizeof ct.occupation, "%s", b.occupation);
		snprintf(ct.occupation_name, sizeof ct.occupation_name, "%s", b.occupation_name);
		snprintf(ct.direction, sizeof ct.direction, "%s", b.direction);
		ct.level = b.level;
		ct.route = c->route;
		ct.body_org_id = b.org_id;
		snprintf(ct.body_name, sizeof ct.body_name, "%s", r.name);
		ct.body_type = r.body_type;
		snprintf(ct.body_code, sizeof ct.body_code, "%s", r.body_code);
		snprintf(ct.approved_on, sizeof ct.approved_on, "%s", b.approved_on);
		ct.status = CERT_PENDING;
		ct.batch_id = b.id;
		ct.candidate_id = c->id;
		if ((e = store_cert_insert(t, &ct)) != JN_OK)
			break;
		snprintf(subj, sizeof subj, "certificate:%s", ct.number);
		char *after = audit_text(cert_json(&ct, 0));
		e = store_audit(t, sc, "certificate.create", subj, NULL, after);
		free(after);
		json_array_append_new(numbers, json_string(ct.number));
	}
	free(cs.c);
	char note[64];
	snprintf(note, sizeof note, "审批通过，%zu人取得证书（待发证）", json_array_size(numbers));
	if (!e)
		e = step_move(t, sc, &b, BA_APPROVE, note, json_pack("{s:o}", "certificates", numbers));
	else
		json_decref(numbers);
	return step_close(t, e, &b, out);
}

/* Changes every certificate of the batch in one of the from statuses. */
typedef struct status_ctx {
	certificate *c;
	int n, cap;
} status_ctx;

static int take_cert(void *ctx, const certificate *c)
{
	status_ctx *x = ctx;
	return grow_push((void **)&x->c, &x->n, &x->cap, c, sizeof *c) ? 1 : 0;
}

static jn_err certs_to(stx *t, const scope *sc, const batch *b, cert_status to, const char *reason, int *count)
{
	scope sys = scope_system();
	status_ctx x = {0};
	jn_err e = store_batch_certs(t, &sys, b->id, take_cert, &x);
	int today = store_today();
	*count = 0;
	for (int i = 0; !e && i < x.n; i++) {
		certificate *c = &x.c[i];
		cert_status from = c->status;
		if (from == CERT_REVOKED || (to == CERT_VALID && from != CERT_PENDING))
			continue;
		c->status = to;
		if (to == CERT_VALID)
			cert_date_format(today, c->issued_on);
		else {
			cert_date_format(today, c->revoked_on);
			snprintf(c->revoke_reason, sizeof c->revoke_reason, "%s", reason);
		}
		if ((e = store_cert_set_status(t, c, from)) != JN_OK)
			break;
		char subj[64];
		snprintf(subj, sizeof subj, "certificate:%s", c->number);
		char *before = audit_text(json_pack("{s:s}", "status", cert_status_name(from)));
		char *after = audit_text(to == CERT_VALID ? json_pack("{s:s, s:s}", "status", "valid", "issued_on", c->issued_on)
							  : json_pack("{s:s, s:s, s:s}", "status", "revoked", "revoked_on",
								      c->revoked_on, "revoke_reason", reason));
		e = store_audit(t, sc, to == CERT_VALID ? "certificate.issue" : "certificate.revoke", subj, before, after);
		free(before);
		free(after);
		/* the holder's record: an issue, or the revocation of one issued */
		if (!e && (to == CERT_VALID || from == CERT_VALID))
			e = record_certificate(t, sc, c, to != CERT_VALID);
		(*count)++;
	}
	/* Each holder's derived level, once per person. */
	for (int i = 0; !e && i < x.n; i++) {
		int seen = 0;
		for (int k = 0; k < i; k++)
			seen |= x.c[k].person_id == x.c[i].person_id;
		if (seen)
			continue;
		char why[64];
		snprintf(why, sizeof why, "certificate:%s", x.c[i].number);
		e = cert_recompute_person(t, sc, x.c[i].person_id, why);
	}
	free(x.c);
	return e;
}

jn_err batch_issue(store *s, const scope *sc, int64_t id, json_t **out, jn_fields *fe)
{
	stx *t;
	batch b;
	jn_err e = step_open(s, sc, id, BA_ISSUE, &t, &b, fe);
	if (e)
		return e;
	int n = 0;
	e = certs_to(t, sc, &b, CERT_VALID, NULL, &n);
	cert_date_format(store_today(), b.issued_on);
	char note[64];
	snprintf(note, sizeof note, "发证%d本", n);
	if (!e)
		e = step_move(t, sc, &b, BA_ISSUE, note, json_pack("{s:i, s:s}", "issued", n, "issued_on", b.issued_on));
	return step_close(t, e, &b, out);
}

jn_err batch_revoke(store *s, const scope *sc, int64_t id, const char *reason, json_t **out, jn_fields *fe)
{
	stx *t;
	batch b;
	jn_err e = step_open(s, sc, id, BA_REVOKE, &t, &b, fe);
	if (e)
		return e;
	char why[512];
	if (!take_text(fe, "reason", "撤销原因", reason, 150, 1, why, sizeof why))
		return tx_end(t, JN_EINVAL);
	int n = 0;
	e = certs_to(t, sc, &b, CERT_REVOKED, why, &n);
	char note[600];
	snprintf(note, sizeof note, "撤销批次，注销证书%d本：%s", n, why);
	if (!e)
		e = step_move(t, sc, &b, BA_REVOKE, note, json_pack("{s:i, s:s}", "revoked", n, "reason", why));
	return step_close(t, e, &b, out);
}

typedef struct notice_ctx {
	json_t *arr;
} notice_ctx;

static int notice_cand(void *ctx, const candidate *c)
{
	if (c->passed != 1)
		return 0;
	char nm[128], idm[40];
	mask_name(c->name, nm, sizeof nm);
	mask_id(c->id_number, idm, sizeof idm);
	json_array_append_new((json_t *)ctx, json_pack("{s:s, s:s, s:s}", "name", nm, "id_number", idm, "route_name",
						      cert_route_name_zh(c->route)));
	return 0;
}

typedef struct notices {
	batch *b;
	int n, cap;
} notices;

static int take_notice(void *ctx, const batch *b)
{
	notices *x = ctx;
	return grow_push((void **)&x->b, &x->n, &x->cap, b, sizeof *b) ? 1 : 0;
}

jn_err batch_notices(store *s, json_t **items)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	notices ns = {0};
	e = store_batch_notices(t, take_notice, &ns);
	json_t *arr = json_array();
	for (int i = 0; !e && i < ns.n; i++) {
		const batch *b = &ns.b[i];
		char label[64];
		cert_level_label(b->level, label, sizeof label);
		json_t *cand = json_array();
		e = store_candidates(t, b->id, notice_cand, cand);
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "batch_id",
						     (json_int_t)b->id, "body_name", b->body_name, "occupation",
						     b->occupation, "occupation_name", b->occupation_name, "level_name",
						     label, "notice_from", b->notice_from, "notice_until", b->notice_until,
						     "candidates", cand));
	}
	free(ns.b);
	stx_rollback(t);
	if (e) {
		json_decref(arr);
		return e;
	}
	*items = arr;
	return JN_OK;
}

jn_err batch_certificates(store *s, const scope *sc, int64_t id, cert_fn fn, void *ctx)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	batch b;
	e = store_batch_get(t, sc, id, &b);
	if (!e)
		e = store_batch_certs(t, sc, b.id, fn, ctx);
	stx_rollback(t);
	return e;
}
