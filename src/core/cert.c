/* cert.c — certification rules without I/O: numbers, dates, conditions,
 * routes, scores and the batch state machine (see cert.h). */
#include "cert.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "regions.h"
#include "text.h"

/* ---- numbers ---- */

int cert_level_digit(int rank)
{
	if (rank >= 2 && rank <= 6)
		return 7 - rank; /* 2 -> 5 … 6 -> 1 */
	if (rank == 7)
		return 0;
	if (rank == 8)
		return 9;
	return -1;
}

int cert_rank_of_digit(int digit)
{
	if (digit >= 1 && digit <= 5)
		return 7 - digit;
	if (digit == 0)
		return 7;
	if (digit == 9)
		return 8;
	return 0;
}

static int all_digits(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int cert_prefix(char body_type, const char *body_code, const char *province, const char *site_serial, int year,
		int rank, char out[CERT_PREFIX_LEN + 1])
{
	int digit = cert_level_digit(rank);
	if ((body_type != 'Y' && body_type != 'S') || !all_digits(body_code, 4) || !all_digits(province, 2) ||
	    !all_digits(site_serial, 6) || year < 0 || digit < 0)
		return -1;
	char buf[64];
	snprintf(buf, sizeof buf, "%c%.4s%.2s%.6s%02d%d", body_type, body_code, province, site_serial, year % 100, digit);
	memcpy(out, buf, CERT_PREFIX_LEN);
	out[CERT_PREFIX_LEN] = '\0';
	return 0;
}

int cert_number_make(const char *prefix, int serial, char out[CERT_NUMBER_LEN + 1])
{
	if (!prefix || strlen(prefix) != CERT_PREFIX_LEN || serial < 1 || serial > CERT_SERIAL_MAX)
		return -1;
	char buf[48];
	snprintf(buf, sizeof buf, "%.16s%06d", prefix, serial);
	memcpy(out, buf, CERT_NUMBER_LEN + 1);
	return 0;
}

cert_number_status cert_number_parse(const char *s, cert_number_info *o)
{
	memset(o, 0, sizeof *o);
	if (!s)
		return CN_EMPTY;
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	if (n == 0)
		return CN_EMPTY;
	/* Characters, not bytes, so "第22位" means what a person counts. */
	o->length = (int)utf8_length(s, n);
	if (n != CERT_NUMBER_LEN)
		return CN_LENGTH;
	char c0 = s[0] >= 'a' && s[0] <= 'z' ? (char)(s[0] - 32) : s[0];
	if (c0 != 'Y' && c0 != 'S') {
		o->bad_pos = 1;
		return CN_TYPE;
	}
	for (int i = 1; i < CERT_NUMBER_LEN; i++)
		if (s[i] < '0' || s[i] > '9') {
			o->bad_pos = i + 1;
			return CN_CHAR;
		}
	o->type = c0;
	memcpy(o->body_code, s + 1, 4);
	memcpy(o->province, s + 5, 2);
	memcpy(o->site_serial, s + 7, 6);
	o->year = (s[13] - '0') * 10 + (s[14] - '0');
	o->digit = s[15] - '0';
	o->serial = atoi(s + 16);
	o->prefix[0] = c0;
	memcpy(o->prefix + 1, s + 1, CERT_PREFIX_LEN - 1);
	char pcode[7];
	snprintf(pcode, sizeof pcode, "%s0000", o->province);
	const region_entry *r = region_find(pcode);
	if (!r || r->kind != 'P')
		return CN_PROVINCE;
	o->rank = cert_rank_of_digit(o->digit);
	if (!o->rank)
		return CN_LEVEL;
	if (o->serial == 0)
		return CN_SERIAL;
	return CN_OK;
}

const char *cert_number_status_code(cert_number_status st)
{
	static const char *const C[] = {"ok", "required", "number_length", "number_type", "number_char",
					"number_province", "number_level", "number_serial"};
	return (size_t)st < sizeof C / sizeof C[0] ? C[st] : "invalid";
}

void cert_number_status_message(cert_number_status st, const cert_number_info *in, char *buf, size_t cap)
{
	switch (st) {
	case CN_OK:
		snprintf(buf, cap, "证书编号有效");
		break;
	case CN_EMPTY:
		snprintf(buf, cap, "证书编号必须填写");
		break;
	case CN_LENGTH:
		snprintf(buf, cap, "证书编号应为22位（现为%d位）", in->length);
		break;
	case CN_TYPE:
		snprintf(buf, cap, "证书编号第1位应为Y（用人单位）或S（社会培训评价组织）");
		break;
	case CN_CHAR:
		snprintf(buf, cap, "证书编号第%d位应为数字", in->bad_pos);
		break;
	case CN_PROVINCE:
		snprintf(buf, cap, "证书编号第6-7位“%s”不是省份代码（云南为53）", in->province);
		break;
	case CN_LEVEL:
		snprintf(buf, cap, "证书编号第16位“%d”不是等级代码（5五级…1一级，0特级技师，9首席技师）", in->digit);
		break;
	case CN_SERIAL:
		snprintf(buf, cap, "证书编号末6位流水号不能为000000");
		break;
	}
}

/* ---- dates ---- */

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
	static const int D[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : D[m - 1];
}

static int valid_ymd(int y, int m, int d)
{
	return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* Days since 1970-01-01 (proleptic Gregorian), and back. */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int civil_from_days(long z)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	return (int)(y * 10000 + m * 100 + d);
}

int cert_date_parse(const char *s)
{
	if (!s)
		return 0;
	while (*s == ' ')
		s++;
	int part[3] = {0, 0, 0}, np = 0, digits = 0;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	if (n == 8 && all_digits((char[9]){s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], 0}, 8)) {
		int v = atoi((char[9]){s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], 0});
		return valid_ymd(v / 10000, v / 100 % 100, v % 100) ? v : 0;
	}
	size_t i = 0;
	while (i < n) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (np >= 3 || ++digits > 4)
				return 0;
			part[np] = part[np] * 10 + (s[i] - '0');
			i++;
			continue;
		}
		if (!digits)
			return 0;
		/* One separator: - / . or 年 月 (and a closing 日). */
		size_t k = 0;
		if (s[i] == '-' || s[i] == '/' || s[i] == '.')
			k = 1;
		else if (n - i >= 3 && (memcmp(s + i, "年", 3) == 0 || memcmp(s + i, "月", 3) == 0 ||
					memcmp(s + i, "日", 3) == 0))
			k = 3;
		if (!k)
			return 0;
		np++;
		digits = 0;
		i += k;
		if (np == 3) /* only a closing 日 may follow the day */
			return i == n && k == 3 && valid_ymd(part[0], part[1], part[2])
				       ? part[0] * 10000 + part[1] * 100 + part[2]
				       : 0;
	}
	if (np != 2 || !digits)
		return 0;
	return valid_ymd(part[0], part[1], part[2]) ? part[0] * 10000 + part[1] * 100 + part[2] : 0;
}

int cert_date_from_excel(long serial)
{
	/* 1900 system: 1 = 1900-01-01; Excel counts a 29 Feb 1900 that never was. */
	if (serial < 1 || serial > 400000)
		return 0;
	if (serial == 60)
		return 0;
	long base = days_from_civil(1899, 12, serial < 60 ? 31 : 30);
	return civil_from_days(base + serial);
}

void cert_date_format(int ymd, char out[11])
{
	if (ymd <= 0) {
		out[0] = '\0';
		return;
	}
	snprintf(out, 11, "%04d-%02d-%02d", ymd / 10000 % 10000, ymd / 100 % 100, ymd % 100);
}

int cert_date_add_days(int ymd, int days)
{
	return civil_from_days(days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100) + days);
}

static int months_between(int from, int to)
{
	if (to < from)
		return 0;
	int fy = from / 10000, fm = from / 100 % 100, fd = from % 100;
	int ty = to / 10000, tm = to / 100 % 100, td = to % 100;
	int m = (ty - fy) * 12 + (tm - fm);
	if (td < fd)
		m--;
	return m < 0 ? 0 : m;
}

void cert_elapsed(int from, int to, int *years, int *months)
{
	int m = months_between(from, to);
	*years = m / 12;
	*months = m % 12;
}

int cert_years_reached(int from, int to, int years) { return to >= from && months_between(from, to) >= years * 12; }

/* ---- conditions ---- */

static const struct {
	const char *name, *zh;
} DIPLOMAS[DIP_COUNT] = {
	[DIP_NONE] = {"none", "无"},
	[DIP_APPRENTICESHIP] = {"apprenticeship", "本职业学徒期满"},
	[DIP_TECHNICAL_SCHOOL] = {"technical_school", "技工学校本专业毕业"},
	[DIP_SENIOR_TECHNICAL_SCHOOL] = {"senior_technical_school", "高级技工学校、技师学院本专业毕业"},
	[DIP_PREPARATORY_TECHNICIAN] = {"preparatory_technician", "技师学院预备技师班毕业"},
	[DIP_COLLEGE_IN_FIELD] = {"college_in_field", "大专及以上本专业学历"},
};

const char *diploma_name(diploma d) { return (unsigned)d < DIP_COUNT ? DIPLOMAS[d].name : ""; }
const char *diploma_name_zh(diploma d) { return (unsigned)d < DIP_COUNT ? DIPLOMAS[d].zh : ""; }

int diploma_parse(const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < DIP_COUNT; i++)
		if (strcmp(s, DIPLOMAS[i].name) == 0 || strcmp(s, DIPLOMAS[i].zh) == 0)
			return i;
	return -1;
}

void cert_level_label(int rank, char *out, size_t cap)
{
	const level_info *l = level_by_rank(rank);
	if (!l)
		snprintf(out, cap, "等级%d", rank);
	else if (l->national[0])
		snprintf(out, cap, "%s（%s）", l->national, l->name);
	else
		snprintf(out, cap, "%s", l->name);
}

/* The short name of a level's certificate: "四级", "高级技师". */
static const char *cert_short(int rank)
{
	const level_info *l = level_by_rank(rank);
	return !l ? "" : l->national[0] ? l->national : l->name;
}

static void appendf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t cap, const char *fmt, ...)
{
	size_t n = strlen(buf);
	if (n + 1 >= cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + n, cap - n, fmt, ap);
	va_end(ap);
}

int cert_condition_met(const cert_condition *c, const cert_facts *f, char *why, size_t cap)
{
	why[0] = '\0';
	int ok = 1, prior = 0;
	if (c->prior_level >= 1 && c->prior_level <= 8) {
		prior = f->prior_issued[c->prior_level];
		if (!prior) {
			ok = 0;
			appendf(why, cap, "无%s证书", cert_short(c->prior_level));
		} else {
			char d[11];
			cert_date_format(prior, d);
			appendf(why, cap, "现有%s证书%s", cert_short(c->prior_level), d);
		}
	}
	if (c->years > 0 && c->from == FROM_CERTIFICATE) {
		if (!prior) {
			ok = 0;
		} else {
			int y, m;
			cert_elapsed(prior, f->as_of, &y, &m);
			appendf(why, cap, "，满%d年%d个月", y, m);
			if (!cert_years_reached(prior, f->as_of, c->years))
				ok = 0;
		}
	} else if (c->years > 0) {
		appendf(why, cap, "%s申报从事本职业%d年", why[0] ? "，" : "", f->years_in_occupation);
		if (f->years_in_occupation < c->years)
			ok = 0;
	}
	if (c->diplomas) {
		appendf(why, cap, "%s学历：%s", why[0] ? "，" : "", diploma_name_zh(f->dip));
		if ((unsigned)f->dip >= DIP_COUNT || !(c->diplomas & (1u << f->dip)))
			ok = 0;
	}
	return ok;
}

void cert_utf8_fit(char *s, size_t cap)
{
	size_t n = strlen(s);
	if (n < cap)
		return;
	static const char ELL[] = "……";
	size_t keep = cap - 1 >= sizeof ELL - 1 ? cap - 1 - (sizeof ELL - 1) : 0;
	while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
		keep--;
	if (cap - 1 >= sizeof ELL - 1) {
		memcpy(s + keep, ELL, sizeof ELL);
	} else {
		s[keep] = '\0';
	}
}

int cert_conditions_check(int level, const cert_condition *alts, int n, const cert_facts *f, char *summary,
			  size_t scap, char items[][240], int max_items)
{
	int any = 0, k = 0;
	for (int i = 0; i < n; i++)
		if (alts[i].alternative > 0)
			any++;
	if (!any)
		return 1;
	char label[64];
	cert_level_label(level, label, sizeof label);
	snprintf(summary, scap, "申报%s需满足%s：", label, any > 1 ? "其一" : "");
	for (int i = 0; i < n; i++) {
		if (alts[i].alternative <= 0)
			continue;
		char why[200];
		if (cert_condition_met(&alts[i], f, why, sizeof why))
			return 1;
		if (k < max_items) {
			char item[512];
			snprintf(item, sizeof item, "%s（%s）", alts[i].text, why);
			cert_utf8_fit(item, 240);
			memcpy(items[k], item, strlen(item) + 1);
			k++;
		}
	}
	return 0;
}

/* ---- routes and scores ---- */

static const struct {
	cert_route r;
	const char *name, *zh;
} ROUTES_T[] = {
	{ROUTE_NORMAL, "normal", "正常申报"},
	{ROUTE_DIRECT, "direct", "直接认定"},
	{ROUTE_EXCEPTIONAL, "exceptional", "破格晋升"},
	{ROUTE_SPECIAL, "special", "特级技师、首席技师评聘"},
};

const char *cert_route_name(cert_route r)
{
	for (size_t i = 0; i < sizeof ROUTES_T / sizeof ROUTES_T[0]; i++)
		if (ROUTES_T[i].r == r)
			return ROUTES_T[i].name;
	return "";
}

const char *cert_route_name_zh(cert_route r)
{
	for (size_t i = 0; i < sizeof ROUTES_T / sizeof ROUTES_T[0]; i++)
		if (ROUTES_T[i].r == r)
			return ROUTES_T[i].zh;
	return "";
}

cert_route cert_route_parse(const char *s)
{
	for (size_t i = 0; s && i < sizeof ROUTES_T / sizeof ROUTES_T[0]; i++)
		if (strcmp(s, ROUTES_T[i].name) == 0 || strcmp(s, ROUTES_T[i].zh) == 0)
			return ROUTES_T[i].r;
	return (cert_route)0;
}

const char *exceptional_basis_name_zh(const char *code)
{
	static const char *const B[][2] = {
		{"major_technical_problem", "解决重大工艺技术难题和重大质量问题"},
		{"innovation_award", "技术创新成果等奖项"},
		{"competition_placing", "职业技能竞赛获奖"},
		{"master_apprentice", "“师带徒”业绩突出"},
	};
	for (size_t i = 0; code && i < sizeof B / sizeof B[0]; i++)
		if (strcmp(code, B[i][0]) == 0)
			return B[i][1];
	return NULL;
}

int cert_review_required(int level) { return level >= 5; }

int cert_scores_pass(int level, int theory, int practical, int review, int pass_theory, int pass_practical,
		     int pass_review)
{
	if (theory < pass_theory || practical < pass_practical)
		return 0;
	if (cert_review_required(level) && review < pass_review)
		return 0;
	return 1;
}

static size_t put_cp(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

void cert_employer_norm(const char *in, char *out, size_t cap)
{
	out[0] = '\0';
	if (!in || !in[0] || cap < 5)
		return;
	char *nfc = NULL;
	if (text_normalize(in, strlen(in), 200, &nfc) != TEXT_OK)
		return;
	size_t o = 0, n = strlen(nfc);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(nfc + i, n - i, &cp);
		if (!k)
			break;
		i += k;
		if (cp == ' ' || cp == '\t' || cp == 0x3000)
			continue;
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0;
		if (cp >= 'A' && cp <= 'Z')
			cp += 32;
		if (o + 5 >= cap)
			break;
		o += put_cp(out + o, cp);
	}
	out[o] = '\0';
	free(nfc);
}

/* ---- certificates ---- */

static const struct {
	const char *name, *zh, *alt;
} CERT_STATUS[] = {
	[CERT_PENDING] = {"pending", "待发证", "待发"},
	[CERT_VALID] = {"valid", "有效", "正常"},
	[CERT_REVOKED] = {"revoked", "已注销", "注销"},
};

const char *cert_status_name(cert_status s) { return s >= CERT_PENDING && s <= CERT_REVOKED ? CERT_STATUS[s].name : ""; }
const char *cert_status_name_zh(cert_status s) { return s >= CERT_PENDING && s <= CERT_REVOKED ? CERT_STATUS[s].zh : ""; }

cert_status cert_status_parse(const char *s)
{
	for (int i = CERT_PENDING; s && i <= CERT_REVOKED; i++)
		if (strcmp(s, CERT_STATUS[i].name) == 0 || strcmp(s, CERT_STATUS[i].zh) == 0 || strcmp(s, CERT_STATUS[i].alt) == 0)
			return (cert_status)i;
	return (cert_status)0;
}

/* ---- the state machine ---- */

#define S(x) (1u << (x))
const batch_transition BATCH_TRANSITIONS[BA_COUNT] = {
	[BA_EDIT] = {BA_EDIT, "edit", "修改", S(BS_PLANNED) | S(BS_RETURNED), 0, ROLE_EVALUATOR},
	[BA_SUBMIT] = {BA_SUBMIT, "submit", "提交", S(BS_PLANNED) | S(BS_RETURNED), BS_SUBMITTED, ROLE_EVALUATOR},
	[BA_PASS] = {BA_PASS, "review.pass", "审核通过", S(BS_SUBMITTED), BS_REVIEWED, ROLE_COUNTY | ROLE_ADMIN},
	[BA_REJECT] = {BA_REJECT, "review.return", "审核退回", S(BS_SUBMITTED), BS_RETURNED, ROLE_COUNTY | ROLE_ADMIN},
	[BA_RETURN] = {BA_RETURN, "return", "退回", S(BS_REVIEWED) | S(BS_NOTICE), BS_RETURNED, ROLE_ADMIN},
	[BA_NOTICE] = {BA_NOTICE, "notice", "公示", S(BS_REVIEWED), BS_NOTICE, ROLE_ADMIN},
	[BA_OBJECT] = {BA_OBJECT, "objection", "登记异议", S(BS_NOTICE), 0, ROLE_ADMIN | ROLE_COUNTY},
	[BA_ANSWER] = {BA_ANSWER, "objection.answer", "答复异议", S(BS_NOTICE), 0, ROLE_ADMIN},
	[BA_APPROVE] = {BA_APPROVE, "approve", "审批", S(BS_NOTICE), BS_APPROVED, ROLE_ADMIN},
	[BA_ISSUE] = {BA_ISSUE, "issue", "发证", S(BS_APPROVED), BS_ISSUED, ROLE_ADMIN | ROLE_EVALUATOR},
	[BA_REVOKE] = {BA_REVOKE, "revoke", "撤销", S(BS_APPROVED) | S(BS_ISSUED), BS_REVOKED, ROLE_ADMIN},
};
#undef S

static const struct {
	const char *name, *zh;
} STATES[BS_COUNT] = {
	[BS_PLANNED] = {"planned", "计划中"},	 [BS_SUBMITTED] = {"submitted", "已提交"},
	[BS_REVIEWED] = {"reviewed", "县级已审核"}, [BS_NOTICE] = {"notice", "公示中"},
	[BS_APPROVED] = {"approved", "已审批"},	 [BS_ISSUED] = {"issued", "已发证"},
	[BS_RETURNED] = {"returned", "已退回"},	 [BS_REVOKED] = {"revoked", "已撤销"},
};

const char *batch_state_name(batch_state s) { return s > 0 && s < BS_COUNT ? STATES[s].name : ""; }
const char *batch_state_name_zh(batch_state s) { return s > 0 && s < BS_COUNT ? STATES[s].zh : ""; }

batch_state batch_state_parse(const char *s)
{
	for (int i = 1; s && i < BS_COUNT; i++)
		if (strcmp(s, STATES[i].name) == 0 || strcmp(s, STATES[i].zh) == 0)
			return (batch_state)i;
	return (batch_state)0;
}

const batch_transition *batch_transition_of(batch_action a)
{
	return (unsigned)a < BA_COUNT ? &BATCH_TRANSITIONS[a] : NULL;
}

int batch_can(batch_action a, batch_state s)
{
	const batch_transition *t = batch_transition_of(a);
	return t && s > 0 && s < BS_COUNT && (t->from & (1u << s));
}

void batch_wrong_state(batch_action a, batch_state s, char *buf, size_t cap)
{
	const batch_transition *t = batch_transition_of(a);
	if (!t) {
		snprintf(buf, cap, "不能进行此操作");
		return;
	}
	char need[160] = "";
	for (int i = 1; i < BS_COUNT; i++)
		if (t->from & (1u << i)) {
			size_t n = strlen(need);
			snprintf(need + n, sizeof need - n, "%s“%s”", n ? "或" : "", STATES[i].zh);
		}
	snprintf(buf, cap, "批次当前为“%s”，不能%s（只能在%s时%s）", batch_state_name_zh(s), t->verb_zh, need, t->verb_zh);
}
