/* training.c — see training.h. */
#include <stdio.h>
#include <string.h>

#include "core/training.h"

static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

int64_t tr_time_parse(const char *s)
{
	if (!s)
		return 0;
	size_t n = strlen(s);
	int y, mo, d, h, mi, sec = 0;
	if (n < 16 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') || !digits(s + 11, 2, &h) || s[13] != ':' ||
	    !digits(s + 14, 2, &mi))
		return 0;
	const char *p = s + 16;
	if (*p == ':') {
		if (!digits(p + 1, 2, &sec))
			return 0;
		p += 3;
		if (*p == '.') { /* fractions of a second are dropped */
			p++;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	int offset = 8 * 60; /* minutes east of UTC: China time unless told */
	if (*p == 'Z' || *p == 'z') {
		offset = 0;
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;
		if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 14 || om > 59)
			return 0;
		offset = (oh * 60 + om) * (*p == '-' ? -1 : 1);
		p += 6;
	}
	if (*p)
		return 0;
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 2000 || y > 2099 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 59)
		return 0;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - (int64_t)offset * 60;
}

void tr_time_format(int64_t t, char out[21])
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t rem = t - days * 86400;
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(rem / 3600), (int)(rem % 3600 / 60),
		 (int)(rem % 60));
	memcpy(out, tmp, 20);
	out[20] = '\0';
}

int tr_local_ymd(int64_t t)
{
	int64_t l = t + 8 * 3600;
	int y, m, d;
	civil_from_days(l >= 0 ? l / 86400 : -((-l + 86399) / 86400), &y, &m, &d);
	return y * 10000 + m * 100 + d;
}

void tr_local_text(int64_t t, char out[17])
{
	char u[21];
	tr_time_format(t + 8 * 3600, u);
	snprintf(out, 17, "%.10s %.5s", u, u + 11);
}

int tr_overlap(tr_span a, tr_span b) { return a.start < b.end && b.start < a.end; }

int tr_first_overlap(const tr_span *s, int n, int *i, int *j)
{
	for (int a = 0; a < n; a++)
		for (int b = a + 1; b < n; b++)
			if (tr_overlap(s[a], s[b])) {
				*i = a;
				*j = b;
				return 1;
			}
	return 0;
}

int tr_attendance_pct(int attended, int total)
{
	if (total <= 0 || attended <= 0)
		return 0;
	if (attended >= total)
		return 100;
	return (int)((int64_t)attended * 100 / total);
}

int tr_completed(int attended, int total, int min_pct)
{
	return total > 0 && (int64_t)attended * 100 >= (int64_t)min_pct * total;
}

void tr_code_from(uint32_t below_million, char out[TR_CODE_LEN + 1])
{
	snprintf(out, TR_CODE_LEN + 1, "%06u", (unsigned)(below_million % 1000000u));
}

int tr_code_wellformed(const char *s)
{
	if (!s || strlen(s) != TR_CODE_LEN)
		return 0;
	for (int i = 0; i < TR_CODE_LEN; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

tr_code_status tr_code_check(const char *given, const char *stored, int64_t expires, int64_t now)
{
	if (!tr_code_wellformed(given))
		return TR_CODE_MALFORMED;
	if (!tr_code_wellformed(stored))
		return TR_CODE_WRONG;
	unsigned diff = 0;
	for (int i = 0; i < TR_CODE_LEN; i++)
		diff |= (unsigned)(given[i] ^ stored[i]);
	if (diff)
		return TR_CODE_WRONG;
	return now >= expires ? TR_CODE_EXPIRED : TR_CODE_OK;
}

static const struct {
	tr_state s;
	const char *en, *zh;
} STATES[] = {{TR_OPEN, "open", "报名中"}, {TR_RUNNING, "running", "培训中"}, {TR_CLOSED, "closed", "已结业"}};

const char *tr_state_name(tr_state s)
{
	for (size_t i = 0; i < sizeof STATES / sizeof STATES[0]; i++)
		if (STATES[i].s == s)
			return STATES[i].en;
	return "";
}

const char *tr_state_name_zh(tr_state s)
{
	for (size_t i = 0; i < sizeof STATES / sizeof STATES[0]; i++)
		if (STATES[i].s == s)
			return STATES[i].zh;
	return "";
}

tr_state tr_state_parse(const char *s)
{
	if (!s)
		return 0;
	for (size_t i = 0; i < sizeof STATES / sizeof STATES[0]; i++)
		if (strcmp(s, STATES[i].en) == 0 || strcmp(s, STATES[i].zh) == 0)
			return STATES[i].s;
	return 0;
}

const char *tr_enrolment_state_zh(const char *state)
{
	if (strcmp(state, "enrolled") == 0)
		return "在训";
	if (strcmp(state, "withdrawn") == 0)
		return "已退出";
	if (strcmp(state, "completed") == 0)
		return "已结业";
	if (strcmp(state, "incomplete") == 0)
		return "未结业";
	return state;
}

const char *const TR_CLASS_CATEGORIES[] = {"就业技能培训", "岗位技能提升培训", "创业培训", "企业新型学徒制",
					   "劳动预备制培训", "再就业培训", "职业技能培训"};
const int TR_CLASS_CATEGORIES_COUNT = (int)(sizeof TR_CLASS_CATEGORIES / sizeof TR_CLASS_CATEGORIES[0]);
const char *const TR_PROGRAMME_CATEGORIES[] = {"就业技能培训", "岗位技能提升培训", "创业培训", "企业新型学徒制",
					       "劳动预备制培训", "再就业培训", "职业技能培训", "规划目标",
					       "载体建设", "人才计划", "技能评价", "师资建设"};
const int TR_PROGRAMME_CATEGORIES_COUNT = (int)(sizeof TR_PROGRAMME_CATEGORIES / sizeof TR_PROGRAMME_CATEGORIES[0]);

static int in_list(const char *s, const char *const *list, int n)
{
	if (!s)
		return 0;
	for (int i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

int tr_class_category_ok(const char *s) { return in_list(s, TR_CLASS_CATEGORIES, TR_CLASS_CATEGORIES_COUNT); }
int tr_programme_category_ok(const char *s)
{
	return in_list(s, TR_PROGRAMME_CATEGORIES, TR_PROGRAMME_CATEGORIES_COUNT);
}

static int has(const char *s, const char *w) { return s && strstr(s, w) != NULL; }

/* In this order (the first rule that matches):
 *  创业 in name or metrics                         → 创业培训
 *  学徒                                            → 企业新型学徒制
 *  岗位 or 企业职工                                → 岗位技能提升培训
 *  就业技能, 农村劳动者, 残疾人, 大学生, 高校毕业生,
 *  建档立卡                                        → 就业技能培训
 *  a unit of bases, studios, parks or organisations → 载体建设 (carriers: 实训基地, 大师工作室, 评价机构)
 *  评价 in name or metrics                         → 技能评价
 *  师资                                            → 师资建设
 *  a name "技能<地名>" (the plan's headline totals) → 规划目标
 *  培训 in the metrics with person-times           → 职业技能培训 (general subsidised training)
 *  anything else (talent counts)                   → 人才计划 */
const char *tr_category_infer(const char *name, const char *metrics, const char *units)
{
	if (has(name, "创业") || has(metrics, "创业"))
		return "创业培训";
	if (has(name, "学徒") || has(metrics, "学徒"))
		return "企业新型学徒制";
	if (has(name, "岗位") || has(name, "企业职工") || has(metrics, "企业职工"))
		return "岗位技能提升培训";
	static const char *const EMP[] = {"就业技能", "农村劳动者", "残疾人", "大学生", "高校毕业生", "建档立卡"};
	for (size_t i = 0; i < sizeof EMP / sizeof EMP[0]; i++)
		if (has(name, EMP[i]))
			return "就业技能培训";
	if (has(units, "bases") || has(units, "studios") || has(units, "parks") || has(units, "organisations"))
		return "载体建设";
	if (has(name, "评价") || has(metrics, "评价"))
		return "技能评价";
	if (has(name, "师资") || has(metrics, "师资"))
		return "师资建设";
	if (name && strncmp(name, "技能", strlen("技能")) == 0)
		return "规划目标";
	if ((has(metrics, "培训") || has(metrics, "培养")) && has(units, "person-times"))
		return "职业技能培训";
	if (has(units, "percent"))
		return "规划目标";
	return "人才计划";
}

const char *tr_mode_parse(const char *s)
{
	if (!s)
		return NULL;
	if (strcmp(s, "online") == 0 || strcmp(s, "线上") == 0 || strcmp(s, "线上培训") == 0)
		return "online";
	if (strcmp(s, "offline") == 0 || strcmp(s, "线下") == 0 || strcmp(s, "线下培训") == 0 || strcmp(s, "面授") == 0)
		return "offline";
	return NULL;
}

const char *tr_mode_zh(const char *mode) { return strcmp(mode, "online") == 0 ? "线上" : "线下"; }
