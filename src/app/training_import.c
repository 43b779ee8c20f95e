/* training_import.c — classes, a class's roster and a class's attendance
 * from spreadsheets (CSV in UTF-8 or GB18030, or XLSX) through the shared
 * import machinery (table_import.c): all or nothing by default, partial
 * and dry run on request, every bad row named by row and column.
 *
 * Classes: 班级名称, 培训机构 (credit code or name; a provider's own account
 * may leave it empty), 培训计划, 职业, 等级, 培训类别, 培训方式, 开班日期,
 * 结业日期, 课时, 授课教师, 培训地点, 人数上限, 结业出勤率, 课程安排 (sessions
 * as "2025-03-01 09:00-12:00；2025-03-02 14:00-17:00", China time).
 * Roster: 身份证号, 姓名 (the registered name).  Attendance: 身份证号, 课次
 * (the session's number), 签到时间 (default: the session's start). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/certify.h"
#include "app/table_import.h"
#include "app/training_internal.h"
#include "core/idcard.h"
#include "core/training.h"
#include "core/uscc.h"

/* Field names of the services mapped to the import's columns. */
static void to_columns(jn_fields *fe)
{
	for (int i = 0; i < fe->count && i < JN_FIELDS_MAX; i++) {
		char *f = fe->e[i].field;
		if (strncmp(f, "sessions", 8) == 0)
			snprintf(f, sizeof fe->e[i].field, "sessions");
		else if (strcmp(f, "programme_id") == 0)
			snprintf(f, sizeof fe->e[i].field, "programme");
		else if (strcmp(f, "org_id") == 0)
			snprintf(f, sizeof fe->e[i].field, "org");
		else if (strcmp(f, "state") == 0 || strcmp(f, "capacity") == 0)
			snprintf(f, sizeof fe->e[i].field, "id_number");
	}
}

/* ---- classes ---- */

enum { C_NAME, C_ORG, C_PROG, C_OCC, C_LEVEL, C_CAT, C_MODE, C_START, C_END, C_HOURS, C_TEACHER, C_PLACE, C_CAP,
       C_MINATT, C_SESS, C_COUNT };

static const import_column CLASS_COLS[C_COUNT] = {
	[C_NAME] = {"name", "班级名称", {"培训班名称", "班名"}, 0},
	[C_ORG] = {"org", "培训机构", {"机构", "培训机构名称", "统一社会信用代码"}, 0},
	[C_PROG] = {"programme", "培训计划", {"计划", "项目"}, 0},
	[C_OCC] = {"occupation", "职业", {"职业（工种）", "职业(工种)", "职业编码", "工种"}, 1},
	[C_LEVEL] = {"level", "等级", {"培训等级", "技能等级"}, 1},
	[C_CAT] = {"category", "培训类别", {"类别"}, 0},
	[C_MODE] = {"mode", "培训方式", {"方式"}, 0},
	[C_START] = {"start_date", "开班日期", {"开始日期"}, 1},
	[C_END] = {"end_date", "结业日期", {"结束日期"}, 1},
	[C_HOURS] = {"hours", "课时", {"学时", "总课时"}, 1},
	[C_TEACHER] = {"teacher", "授课教师", {"教师", "老师"}, 1},
	[C_PLACE] = {"place", "培训地点", {"地点"}, 1},
	[C_CAP] = {"capacity", "人数上限", {"计划人数", "班额"}, 1},
	[C_MINATT] = {"min_attendance", "结业出勤率", {"出勤率要求"}, 0},
	[C_SESS] = {"sessions", "课程安排", {"课次安排", "上课时间"}, 1},
};

static int cell_int(const char *s, int *out)
{
	if (!s)
		return 0;
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || (*end && strcmp(end, ".0") != 0) || v < 0 || v > 1000000)
		return -1;
	*out = (int)v;
	return 1;
}

/* A date cell: ISO or an Excel day number, as YYYY-MM-DD into out. */
static const char *cell_date(const char *s, char out[11])
{
	if (!s)
		return NULL;
	int d = cert_date_parse(s);
	if (!d) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end != s && (!*end || strcmp(end, ".0") == 0) && v > 20000 && v < 80000)
			d = cert_date_from_excel(v);
	}
	if (!d)
		return s; /* the service says why */
	cert_date_format(d, out);
	return out;
}

typedef struct sess_text {
	char a[32], b[32];
} sess_text;

/* "2025-03-01 09:00-12:00；2025-03-02 14:00-17:00" into sessions; -1 when a
 * part does not read. */
static int split_sessions(const char *s, session_input *out, sess_text *buf, int cap)
{
	int n = 0;
	char tmp[8192];
	snprintf(tmp, sizeof tmp, "%s", s);
	/* full-width separators to ';' */
	for (char *p; (p = strstr(tmp, "；"));) {
		*p = ';';
		memmove(p + 1, p + 3, strlen(p + 3) + 1);
	}
	for (char *p; (p = strstr(tmp, "，"));) {
		*p = ';';
		memmove(p + 1, p + 3, strlen(p + 3) + 1);
	}
	for (char *p; (p = strstr(tmp, "－"));) {
		*p = '-';
		memmove(p + 1, p + 3, strlen(p + 3) + 1);
	}
	char *save = NULL;
	for (char *part = strtok_r(tmp, ";,\n", &save); part; part = strtok_r(NULL, ";,\n", &save)) {
		while (*part == ' ')
			part++;
		if (!*part)
			continue;
		if (n >= cap)
			return -1;
		char day[11], t1[6], t2[6];
		if (sscanf(part, "%10s %5[0-9:]-%5[0-9:]", day, t1, t2) != 3)
			return -1;
		snprintf(buf[n].a, sizeof buf[n].a, "%sT%s", day, t1);
		snprintf(buf[n].b, sizeof buf[n].b, "%sT%s", day, t2);
		out[n].starts_at = buf[n].a;
		out[n].ends_at = buf[n].b;
		out[n].topic = NULL;
		n++;
	}
	return n;
}

static jn_err class_row(table_import *ti, const import_row *row)
{
	stx *t = import_tx(ti);
	const scope *sc = import_scope(ti);
	const char *const *v = row->v;
	jn_fields fe = {0};
	class_input in = CLASS_INPUT_EMPTY;
	in.name = v[C_NAME];
	in.programme = v[C_PROG];
	in.occupation = v[C_OCC];
	in.level = v[C_LEVEL];
	in.category = v[C_CAT];
	in.mode = v[C_MODE];
	char d1[11], d2[11];
	in.start_date = cell_date(v[C_START], d1);
	in.end_date = cell_date(v[C_END], d2);
	in.teacher = v[C_TEACHER];
	in.place = v[C_PLACE];
	const struct {
		int col;
		int *dst;
		const char *label;
	} nums[] = {{C_HOURS, &in.hours, "课时"}, {C_CAP, &in.capacity, "人数上限"}, {C_MINATT, &in.min_attendance, "结业出勤率"}};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		int x;
		int rc = cell_int(v[nums[i].col], &x);
		if (rc < 0)
			fe_add(&fe, CLASS_COLS[nums[i].col].field, "not_a_number", "%s“%s”不是整数", nums[i].label, v[nums[i].col]);
		else if (rc > 0)
			*nums[i].dst = x;
	}
	/* 培训机构: a credit code or name of a registered organisation */
	if (v[C_ORG]) {
		uscc_info ui;
		org o;
		int is_code = strlen(v[C_ORG]) == 18 && uscc_parse(v[C_ORG], 18, &ui) == USCC_OK;
		jn_err oe = is_code ? store_org_find(t, ui.code, NULL, &o) : store_org_find(t, NULL, v[C_ORG], &o);
		if (oe == JN_ENOTFOUND)
			fe_add(&fe, "org", "unknown_org", "培训机构“%s”未登记", v[C_ORG]);
		else if (oe)
			return oe;
		else
			in.org_id = o.id;
	}
	session_input sess[CLASS_MAX_SESSIONS];
	sess_text *buf = calloc(CLASS_MAX_SESSIONS, sizeof *buf);
	if (!buf)
		return JN_ENOMEM;
	if (v[C_SESS]) {
		int n = split_sessions(v[C_SESS], sess, buf, CLASS_MAX_SESSIONS);
		if (n < 0)
			fe_add(&fe, "sessions", "invalid_sessions",
			       "课程安排应写成“2025-03-01 09:00-12:00；2025-03-02 14:00-17:00”（北京时间，每节用分号隔开）");
		else {
			in.nsessions = n;
			in.sessions = sess;
		}
	}
	training_class c;
	class_session ss[CLASS_MAX_SESSIONS];
	int n = 0;
	jn_err e = JN_OK;
	if (!fe.count)
		e = class_build(t, sc, &in, NULL, &c, ss, &n, &fe);
	free(buf);
	if (e)
		return e;
	if (fe.count) {
		to_columns(&fe);
		import_reject(ti, row, &fe);
		return JN_OK;
	}
	e = class_insert_tx(t, sc, &c, ss, n);
	if (!e)
		import_rep(ti)->created++;
	return e;
}

static jn_err classes_chunk(void *ctx, table_import *ti, const import_row *rows, int n)
{
	(void)ctx;
	for (int k = 0; k < n; k++) {
		jn_err e = class_row(ti, &rows[k]);
		if (e)
			return e;
	}
	return JN_OK;
}

jn_err import_classes(store *s, const scope *sc, const char *data, size_t len, const import_opts *o,
		      import_report *rep)
{
	if (!role_may(sc, ROLE_ADMIN | ROLE_COUNTY | ROLE_TRAINER)) {
		memset(rep, 0, sizeof *rep);
		return JN_EFORBIDDEN;
	}
	import_spec spec = {"classes", CLASS_COLS, C_COUNT, classes_chunk, NULL, 0};
	return table_import_run(s, sc, data, len, o, &spec, rep);
}

/* ---- a class's roster and attendance ---- */

typedef struct class_ctx {
	int64_t class_id;
	int loaded;
	training_class c;
	class_session sess[CLASS_MAX_SESSIONS];
	int nsess;
} class_ctx;

/* The class, read once inside the import's transaction. */
static jn_err load_class(class_ctx *x, table_import *ti)
{
	if (x->loaded)
		return JN_OK;
	stx *t = import_tx(ti);
	jn_err e = store_class_get(t, import_scope(ti), x->class_id, &x->c);
	if (e)
		return e;
	if (strcmp(x->c.state, "closed") == 0)
		return JN_ECONFLICT;
	sess_list sl = {x->sess, &x->nsess};
	if ((e = store_sessions(t, x->class_id, sess_collect, &sl)) != JN_OK)
		return e;
	x->loaded = 1;
	return JN_OK;
}

enum { R_ID, R_NAME, R_COUNT };
static const import_column ROSTER_COLS[R_COUNT] = {
	[R_ID] = {"id_number", "身份证号", {"身份证号码", "公民身份号码", "证件号码"}, 1},
	[R_NAME] = {"name", "姓名", {"学员姓名"}, 1},
};

static jn_err roster_chunk(void *ctx, table_import *ti, const import_row *rows, int n)
{
	class_ctx *x = ctx;
	jn_err e = load_class(x, ti);
	for (int k = 0; !e && k < n; k++) {
		jn_fields fe = {0};
		enrolment en;
		e = enrol_tx(import_tx(ti), import_scope(ti), &x->c, rows[k].v[R_ID], rows[k].v[R_NAME], NULL, &en, &fe);
		if (e == JN_EINVAL || e == JN_ECONFLICT) {
			to_columns(&fe);
			import_reject(ti, &rows[k], &fe);
			e = JN_OK;
		} else if (!e) {
			import_rep(ti)->created++;
		}
	}
	return e;
}

jn_err import_roster(store *s, const scope *sc, int64_t class_id, const char *data, size_t len, const import_opts *o,
		     import_report *rep)
{
	if (!role_may(sc, ROLE_ADMIN | ROLE_COUNTY | ROLE_TRAINER)) {
		memset(rep, 0, sizeof *rep);
		return JN_EFORBIDDEN;
	}
	class_ctx *x = calloc(1, sizeof *x);
	if (!x) {
		memset(rep, 0, sizeof *rep);
		return JN_ENOMEM;
	}
	x->class_id = class_id;
	import_spec spec = {"roster", ROSTER_COLS, R_COUNT, roster_chunk, x, 0};
	jn_err e = table_import_run(s, sc, data, len, o, &spec, rep);
	free(x);
	return e;
}

enum { A_ID, A_SEQ, A_AT, A_COUNT };
static const import_column ATT_COLS[A_COUNT] = {
	[A_ID] = {"id_number", "身份证号", {"身份证号码", "公民身份号码", "证件号码"}, 1},
	[A_SEQ] = {"seq", "课次", {"第几节", "节次"}, 1},
	[A_AT] = {"at", "签到时间", {"时间"}, 0},
};

static jn_err att_row(class_ctx *x, table_import *ti, const import_row *row)
{
	stx *t = import_tx(ti);
	const char *const *v = row->v;
	jn_fields fe = {0};
	scope sys = scope_system();
	int seq = 0;
	const class_session *ss = NULL;
	if (cell_int(v[A_SEQ], &seq) <= 0)
		fe_add(&fe, "seq", v[A_SEQ] ? "not_a_number" : "required", "课次应为本班的第几节课（从1开始的整数）");
	else {
		for (int i = 0; i < x->nsess; i++)
			if (x->sess[i].seq == seq)
				ss = &x->sess[i];
		if (!ss)
			fe_add(&fe, "seq", "no_session", "本班没有第%d节课（共%d节）", seq, x->nsess);
	}
	person p;
	int have = 0;
	id_info info;
	if (!v[A_ID])
		fe_add(&fe, "id_number", "required", "身份证号必须填写");
	else if (id_parse(v[A_ID], strlen(v[A_ID]), import_today(ti), &info) != ID_OK)
		fe_add(&fe, "id_number", "invalid_id", "“%s”不是有效的身份证号", v[A_ID]);
	else {
		jn_err pe = store_person_by_id_number(t, &sys, info.number, &p);
		enrolment en;
		if (!pe)
			pe = store_enrolment_of(t, x->class_id, p.id, &en);
		if (pe && pe != JN_ENOTFOUND)
			return pe;
		if (pe || strcmp(en.state, "enrolled") != 0)
			fe_add(&fe, "id_number", "not_enrolled", "身份证号%s不是本班在训学员", info.number);
		else
			have = 1;
	}
	char at[21] = "";
	if (ss) {
		int64_t tv = v[A_AT] ? tr_time_parse(v[A_AT]) : tr_time_parse(ss->starts_at);
		if (!tv)
			fe_add(&fe, "at", "invalid_time", "签到时间应为“2025-03-01 09:05”格式（北京时间）");
		else if (tv < tr_time_parse(ss->starts_at) - 3600 || tv > tr_time_parse(ss->ends_at))
			fe_add(&fe, "at", "outside_session", "签到时间不在第%d节课的时间内（开课前1小时至下课）", seq);
		else
			tr_time_format(tv, at);
	}
	if (fe.count || !have) {
		import_reject(ti, row, &fe);
		return JN_OK;
	}
	int added = 0;
	jn_err e = attend_tx(t, import_scope(ti), &x->c, ss, p.id, at, "import", "", &added);
	if (!e) {
		if (added)
			import_rep(ti)->created++;
		else
			import_rep(ti)->unchanged++;
	}
	return e;
}

static jn_err att_chunk(void *ctx, table_import *ti, const import_row *rows, int n)
{
	class_ctx *x = ctx;
	jn_err e = load_class(x, ti);
	for (int k = 0; !e && k < n; k++)
		e = att_row(x, ti, &rows[k]);
	return e;
}

jn_err import_attendance(store *s, const scope *sc, int64_t class_id, const char *data, size_t len,
			 const import_opts *o, import_report *rep)
{
	if (!role_may(sc, ROLE_ADMIN | ROLE_COUNTY | ROLE_TRAINER)) {
		memset(rep, 0, sizeof *rep);
		return JN_EFORBIDDEN;
	}
	class_ctx *x = calloc(1, sizeof *x);
	if (!x) {
		memset(rep, 0, sizeof *rep);
		return JN_ENOMEM;
	}
	x->class_id = class_id;
	import_spec spec = {"attendance", ATT_COLS, A_COUNT, att_chunk, x, 0};
	jn_err e = table_import_run(s, sc, data, len, o, &spec, rep);
	free(x);
	return e;
}
