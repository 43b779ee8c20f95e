/* subsidy.c — the subsidy rules in force and the evaluation of a claim
 * (see subsidy.h).  Pure: the caller reads the rules, the facts and the
 * person's other claims; this file only decides. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/cert.h"
#include "core/model.h"
#include "core/subsidy.h"

const char *subsidy_kind_name(subsidy_kind k)
{
	return k == SUBSIDY_TRAINING ? "training" : k == SUBSIDY_UPGRADE ? "upgrade" : "";
}

const char *subsidy_kind_name_zh(subsidy_kind k)
{
	return k == SUBSIDY_TRAINING ? "职业培训补贴" : k == SUBSIDY_UPGRADE ? "技能提升补贴" : "";
}

subsidy_kind subsidy_kind_parse(const char *s)
{
	if (!s)
		return 0;
	if (strcmp(s, "training") == 0 || strcmp(s, "职业培训补贴") == 0)
		return SUBSIDY_TRAINING;
	if (strcmp(s, "upgrade") == 0 || strcmp(s, "技能提升补贴") == 0)
		return SUBSIDY_UPGRADE;
	return 0;
}

static const struct {
	const char *code, *zh;
	int kinds; /* 1 training, 2 upgrade */
	int levelled;
} RULES[] = {
	{"amount", "按等级的补贴标准", 2, 1},
	{"min_insured_months", "参加失业保险的最短月数", 2, 0},
	{"apply_within_months", "取得证书后申领的期限（月）", 2, 0},
	{"per_year", "每人每年申领次数上限", 2, 0},
	{"once_per_level", "同一职业同一等级只补贴一次", 2, 0},
	{"no_lower_after_higher", "享受高等级补贴后不再补贴低等级", 2, 0},
	{"not_both", "同一培训不同时享受职业培训补贴和技能提升补贴", 3, 0},
	{"requires_passed", "学员须完成培训并考核合格", 1, 0},
	{"catalog_standard", "按补贴工种目录的标准补贴", 1, 0},
	{"once_per_enrolment", "每名学员每次培训只补贴一次", 1, 0},
};
#define NRULES ((int)(sizeof RULES / sizeof RULES[0]))

int subsidy_rule_known(subsidy_kind kind, const char *code, int *levelled)
{
	for (int i = 0; code && i < NRULES; i++)
		if (strcmp(RULES[i].code, code) == 0 && (RULES[i].kinds & (int)kind)) {
			if (levelled)
				*levelled = RULES[i].levelled;
			return 1;
		}
	return 0;
}

const char *subsidy_rule_name_zh(const char *code)
{
	for (int i = 0; code && i < NRULES; i++)
		if (strcmp(RULES[i].code, code) == 0)
			return RULES[i].zh;
	return "";
}

/* How many leading characters of a region code matter: "530400" is the
 * city 5304, "530000" the province 53 ("5304" as given). */
static size_t region_len(const char *r)
{
	size_t n = strlen(r);
	while (n >= 2 && n % 2 == 0 && r[n - 1] == '0' && r[n - 2] == '0')
		n -= 2;
	return n;
}

/* 1 when rule region r covers the claim region (a prefix of it, "" all). */
static int region_covers(const char *r, const char *region)
{
	size_t n = region_len(r);
	return n == 0 || strncmp(r, region ? region : "", n) == 0;
}

int subsidy_in_force(const subsidy_rule *all, int n, subsidy_kind kind, const char *region, int date,
		     const subsidy_rule **out, int cap)
{
	int k = 0;
	for (int i = 0; i < n; i++) {
		const subsidy_rule *r = &all[i];
		if (r->kind != kind || r->effective_from > date || !region_covers(r->region, region))
			continue;
		int j;
		for (j = 0; j < k; j++)
			if (strcmp(out[j]->code, r->code) == 0 && out[j]->level == r->level)
				break;
		if (j < k) {
			const subsidy_rule *o = out[j];
			if (r->effective_from > o->effective_from ||
			    (r->effective_from == o->effective_from && region_len(r->region) > region_len(o->region)))
				out[j] = r;
		} else if (k < cap) {
			out[k++] = r;
		}
	}
	return k;
}

static const subsidy_rule *find(const subsidy_rule *const *rules, int n, const char *code, int level)
{
	for (int i = 0; i < n; i++)
		if (strcmp(rules[i]->code, code) == 0 && rules[i]->level == level)
			return rules[i];
	return NULL;
}

/* A yes/no rule that is on. */
static const subsidy_rule *on(const subsidy_rule *const *rules, int n, const char *code)
{
	const subsidy_rule *r = find(rules, n, code, 0);
	return r && r->value ? r : NULL;
}

static void refuse(subsidy_decision *d, const subsidy_rule *r, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void refuse(subsidy_decision *d, const subsidy_rule *r, const char *code, const char *fmt, ...)
{
	d->eligible = 0;
	d->amount_fen = 0;
	d->rule_id = r ? r->id : 0;
	snprintf(d->rule_code, sizeof d->rule_code, "%s", r ? r->code : code);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->reason, sizeof d->reason, fmt, ap);
	va_end(ap);
	/* Never end inside a character. */
	size_t len = strlen(d->reason);
	if (len == sizeof d->reason - 1)
		while (len > 0 && ((unsigned char)d->reason[len - 1] & 0xC0) == 0x80)
			d->reason[--len] = '\0';
	if (len > 0 && ((unsigned char)d->reason[len - 1] & 0xC0) == 0xC0)
		d->reason[--len] = '\0';
}

void subsidy_yuan(int64_t fen, char out[48])
{
	int neg = fen < 0;
	uint64_t v = neg ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	uint64_t yuan = v / 100, cents = v % 100;
	char digits[32], grouped[40];
	snprintf(digits, sizeof digits, "%llu", (unsigned long long)yuan);
	size_t n = strlen(digits), g = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			grouped[g++] = ',';
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	snprintf(out, 48, "%s¥%s.%02llu", neg ? "-" : "", grouped, (unsigned long long)cents);
}

static const char *level_zh(int level)
{
	const level_info *l = level_by_rank(level);
	return l ? l->name : "未知等级";
}

static void date_text(int ymd, char out[11])
{
	if (ymd)
		cert_date_format(ymd, out);
	else
		snprintf(out, 11, "%s", "—");
}

static int months_between(int from, int to)
{
	int y, m;
	cert_elapsed(from, to, &y, &m);
	return y * 12 + m;
}

/* The date n months after ymd (day kept, clipped to the month's end). */
static int add_months(int ymd, int n)
{
	int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	int t = y * 12 + (m - 1) + n;
	y = t / 12;
	m = t % 12 + 1;
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int md = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	return y * 10000 + m * 100 + (d > md ? md : d);
}

static int not_both(const subsidy_rule *const *rules, int n, const subsidy_facts *f, const subsidy_prior *p,
		    int np, subsidy_decision *d)
{
	const subsidy_rule *r = on(rules, n, "not_both");
	if (!r || !f->cert_number[0])
		return 0;
	for (int i = 0; i < np; i++) {
		if (p[i].kind == f->kind || strcmp(p[i].cert_number, f->cert_number) != 0)
			continue;
		refuse(d, r, NULL, "同一培训不能同时享受职业培训补贴和技能提升补贴：证书%s已有%s申请（第%lld号）",
		       f->cert_number, subsidy_kind_name_zh(p[i].kind), (long long)p[i].claim_id);
		return 1;
	}
	return 0;
}

static void evaluate_upgrade(const subsidy_rule *const *rules, int n, const subsidy_facts *f,
			     const subsidy_prior *p, int np, subsidy_decision *d)
{
	char a[11], b[11];
	if (!f->cert_valid) {
		refuse(d, NULL, "certificate_invalid", "证书%s未发放或已注销，不能申领技能提升补贴", f->cert_number);
		return;
	}
	const subsidy_rule *amt = find(rules, n, "amount", f->level);
	if (!amt || amt->value <= 0) {
		refuse(d, amt, "amount", "%s没有技能提升补贴标准（现行规则只补贴有标准的等级，如初级工、中级工、高级工）",
		       level_zh(f->level));
		return;
	}
	const subsidy_rule *r = find(rules, n, "min_insured_months", 0);
	if (r && r->value > 0) {
		date_text(f->insured_from, a);
		date_text(f->date, b);
		if (!f->insured_from || f->insured_from > f->date) {
			refuse(d, r, NULL, "须参加失业保险满%lld个月：没有参保记录（申请日%s）", (long long)r->value, b);
			return;
		}
		int m = months_between(f->insured_from, f->date);
		if (m < r->value) {
			refuse(d, r, NULL, "须参加失业保险满%lld个月：自%s参保，至申请日%s只有%d个月", (long long)r->value,
			       a, b, m);
			return;
		}
	}
	r = find(rules, n, "apply_within_months", 0);
	if (r && r->value > 0 && f->cert_issued) {
		int last = add_months(f->cert_issued, (int)r->value);
		if (f->date > last) {
			date_text(f->cert_issued, a);
			date_text(f->date, b);
			refuse(d, r, NULL, "须在取得证书后%lld个月内申领：证书%s于%s发证，申请日%s已超过期限",
			       (long long)r->value, f->cert_number, a, b);
			return;
		}
	}
	r = on(rules, n, "once_per_level");
	for (int i = 0; r && i < np; i++)
		if (p[i].kind == SUBSIDY_UPGRADE && p[i].level == f->level && strcmp(p[i].occupation, f->occupation) == 0) {
			date_text(p[i].date, a);
			refuse(d, r, NULL, "同一职业同一等级只能享受一次技能提升补贴：%s %s已于%s申领（第%lld号）",
			       f->occupation, level_zh(f->level), a, (long long)p[i].claim_id);
			return;
		}
	r = on(rules, n, "no_lower_after_higher");
	for (int i = 0; r && i < np; i++)
		if (p[i].kind == SUBSIDY_UPGRADE && p[i].level > f->level && strcmp(p[i].occupation, f->occupation) == 0) {
			refuse(d, r, NULL, "已享受本职业更高等级（%s）的技能提升补贴（第%lld号），不再补贴较低等级（%s）",
			       level_zh(p[i].level), (long long)p[i].claim_id, level_zh(f->level));
			return;
		}
	if (not_both(rules, n, f, p, np, d))
		return;
	r = find(rules, n, "per_year", 0);
	if (r) {
		int year = f->date / 10000, count = 0;
		for (int i = 0; i < np; i++)
			count += p[i].kind == SUBSIDY_UPGRADE && p[i].date / 10000 == year;
		if (count >= r->value) {
			refuse(d, r, NULL, "每人每年最多享受%lld次技能提升补贴：%d年已申领%d次", (long long)r->value, year,
			       count);
			return;
		}
	}
	d->eligible = 1;
	d->amount_fen = amt->value;
	d->rule_id = amt->id;
	snprintf(d->rule_code, sizeof d->rule_code, "%s", amt->code);
}

static void evaluate_training(const subsidy_rule *const *rules, int n, const subsidy_facts *f,
			      const subsidy_prior *p, int np, subsidy_decision *d)
{
	const subsidy_rule *std = find(rules, n, "catalog_standard", 0);
	if (!std || !std->value) {
		refuse(d, std, "catalog_standard", "申请日没有有效的职业培训补贴规则（按补贴工种目录标准补贴）");
		return;
	}
	const subsidy_rule *r = on(rules, n, "requires_passed");
	if (r && !(f->completed && f->passed)) {
		refuse(d, r, NULL, "学员须完成培训并考核合格才能申领职业培训补贴：%s", !f->completed ? "未结业" : "考核未合格");
		return;
	}
	if (f->standard_fen <= 0) {
		refuse(d, std, NULL, "该班级（%s %s）不在补贴工种目录内，没有补贴标准", f->occupation, level_zh(f->level));
		return;
	}
	r = on(rules, n, "once_per_enrolment");
	for (int i = 0; r && i < np; i++)
		if (p[i].kind == SUBSIDY_TRAINING && p[i].enrolment_id == f->enrolment_id) {
			refuse(d, r, NULL, "该学员的本次培训已申领过职业培训补贴（第%lld号）", (long long)p[i].claim_id);
			return;
		}
	if (not_both(rules, n, f, p, np, d))
		return;
	d->eligible = 1;
	d->amount_fen = f->standard_fen;
	d->rule_id = std->id;
	snprintf(d->rule_code, sizeof d->rule_code, "%s", std->code);
}

void subsidy_evaluate(const subsidy_rule *const *rules, int nrules, const subsidy_facts *f,
		      const subsidy_prior *priors, int nprior, subsidy_decision *d)
{
	memset(d, 0, sizeof *d);
	if (f->kind == SUBSIDY_UPGRADE)
		evaluate_upgrade(rules, nrules, f, priors, nprior, d);
	else if (f->kind == SUBSIDY_TRAINING)
		evaluate_training(rules, nrules, f, priors, nprior, d);
	else
		refuse(d, NULL, "no_rule", "未知的补贴类别");
}
