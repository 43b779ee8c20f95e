/* test_subsidy.c — unit tests of the subsidy rules (core/subsidy.c): the
 * set in force by date and region, every refusal naming its rule, amounts,
 * and the edges of each limit. */
#include <stdlib.h>
#include <string.h>

#include "core/subsidy.h"
#include "unit.h"

/* The national defaults as data/subsidy-rules.csv ships them. */
static subsidy_rule R[] = {
	{1, SUBSIDY_UPGRADE, "amount", 2, 100000, "", 20190101, "", ""},
	{2, SUBSIDY_UPGRADE, "amount", 3, 150000, "", 20190101, "", ""},
	{3, SUBSIDY_UPGRADE, "amount", 4, 200000, "", 20190101, "", ""},
	{4, SUBSIDY_UPGRADE, "min_insured_months", 0, 12, "", 20190101, "", ""},
	{5, SUBSIDY_UPGRADE, "apply_within_months", 0, 12, "", 20190101, "", ""},
	{6, SUBSIDY_UPGRADE, "per_year", 0, 3, "", 20190101, "", ""},
	{7, SUBSIDY_UPGRADE, "per_year", 0, 1, "", 20250101, "", ""},
	{8, SUBSIDY_UPGRADE, "once_per_level", 0, 1, "", 20190101, "", ""},
	{9, SUBSIDY_UPGRADE, "no_lower_after_higher", 0, 1, "", 20190101, "", ""},
	{10, SUBSIDY_UPGRADE, "not_both", 0, 1, "", 20190101, "", ""},
	{11, SUBSIDY_TRAINING, "requires_passed", 0, 1, "", 20190101, "", ""},
	{12, SUBSIDY_TRAINING, "catalog_standard", 0, 1, "", 20190101, "", ""},
	{13, SUBSIDY_TRAINING, "once_per_enrolment", 0, 1, "", 20190101, "", ""},
	{14, SUBSIDY_TRAINING, "not_both", 0, 1, "", 20190101, "", ""},
	/* 玉溪 pays more for 高级工 from 2024 (a local version). */
	{15, SUBSIDY_UPGRADE, "amount", 4, 250000, "5304", 20240101, "", ""},
};
#define NR ((int)(sizeof R / sizeof R[0]))

static const subsidy_rule *RS[32];
static int nrs;

static void load(subsidy_kind k, const char *region, int date) { nrs = subsidy_in_force(R, NR, k, region, date, RS, 32); }

static const subsidy_rule *rule(const char *code, int level)
{
	for (int i = 0; i < nrs; i++)
		if (strcmp(RS[i]->code, code) == 0 && RS[i]->level == level)
			return RS[i];
	return NULL;
}

static void test_kinds(void)
{
	CHECK(subsidy_kind_parse("training") == SUBSIDY_TRAINING);
	CHECK(subsidy_kind_parse("技能提升补贴") == SUBSIDY_UPGRADE);
	CHECK(subsidy_kind_parse("x") == 0 && subsidy_kind_parse(NULL) == 0);
	CHECK_STR(subsidy_kind_name(SUBSIDY_UPGRADE), "upgrade");
	CHECK_STR(subsidy_kind_name_zh(SUBSIDY_TRAINING), "职业培训补贴");
	int lv = -1;
	CHECK(subsidy_rule_known(SUBSIDY_UPGRADE, "amount", &lv) && lv == 1);
	CHECK(subsidy_rule_known(SUBSIDY_UPGRADE, "per_year", &lv) && lv == 0);
	CHECK(subsidy_rule_known(SUBSIDY_TRAINING, "not_both", NULL));
	CHECK(!subsidy_rule_known(SUBSIDY_TRAINING, "per_year", NULL));
	CHECK(!subsidy_rule_known(SUBSIDY_UPGRADE, "requires_passed", NULL));
	CHECK(!subsidy_rule_known(SUBSIDY_UPGRADE, "nonsense", NULL));
	CHECK(strlen(subsidy_rule_name_zh("per_year")) > 0);
	char y[48];
	subsidy_yuan(150000, y);
	CHECK_STR(y, "¥1,500.00");
	subsidy_yuan(123456789, y);
	CHECK_STR(y, "¥1,234,567.89");
	subsidy_yuan(5, y);
	CHECK_STR(y, "¥0.05");
	subsidy_yuan(-100, y);
	CHECK_STR(y, "-¥1.00");
}

static void test_in_force(void)
{
	load(SUBSIDY_UPGRADE, "530402", 20240601);
	CHECK(rule("per_year", 0) && rule("per_year", 0)->value == 3);
	CHECK(rule("amount", 4) && rule("amount", 4)->value == 250000); /* 玉溪's own */
	CHECK(rule("amount", 2) && rule("amount", 2)->value == 100000);
	CHECK(!rule("requires_passed", 0)); /* another kind */
	load(SUBSIDY_UPGRADE, "530302", 20240601);                      /* 曲靖: national */
	CHECK(rule("amount", 4) && rule("amount", 4)->value == 200000);
	load(SUBSIDY_UPGRADE, "530402", 20231231); /* before 玉溪's version */
	CHECK(rule("amount", 4)->value == 200000);
	load(SUBSIDY_UPGRADE, "530402", 20250101); /* the 2025 version starts that day */
	CHECK(rule("per_year", 0)->value == 1 && rule("per_year", 0)->id == 7);
	load(SUBSIDY_UPGRADE, "530402", 20241231);
	CHECK(rule("per_year", 0)->value == 3);
	load(SUBSIDY_UPGRADE, "530402", 20181231); /* before any rule */
	CHECK(nrs == 0);
	/* The same date: the more specific region wins, whatever the order. */
	subsidy_rule two[2] = {{1, SUBSIDY_UPGRADE, "per_year", 0, 5, "53", 20200101, "", ""},
			       {2, SUBSIDY_UPGRADE, "per_year", 0, 2, "", 20200101, "", ""}};
	const subsidy_rule *o[4];
	CHECK(subsidy_in_force(two, 2, SUBSIDY_UPGRADE, "530402", 20200101, o, 4) == 1 && o[0]->value == 5);
	CHECK(subsidy_in_force(two, 2, SUBSIDY_UPGRADE, "110105", 20200101, o, 4) == 1 && o[0]->value == 2);
	/* Six-digit codes: 530400 is the city, 530000 the province. */
	subsidy_rule six[3] = {{1, SUBSIDY_UPGRADE, "per_year", 0, 5, "530000", 20200101, "", ""},
			       {2, SUBSIDY_UPGRADE, "per_year", 0, 4, "530400", 20200101, "", ""},
			       {3, SUBSIDY_UPGRADE, "per_year", 0, 2, "530402", 20200101, "", ""}};
	CHECK(subsidy_in_force(six, 3, SUBSIDY_UPGRADE, "530402", 20200101, o, 4) == 1 && o[0]->value == 2);
	CHECK(subsidy_in_force(six, 3, SUBSIDY_UPGRADE, "530421", 20200101, o, 4) == 1 && o[0]->value == 4);
	CHECK(subsidy_in_force(six, 3, SUBSIDY_UPGRADE, "530302", 20200101, o, 4) == 1 && o[0]->value == 5);
	CHECK(subsidy_in_force(six, 3, SUBSIDY_UPGRADE, "110105", 20200101, o, 4) == 0);
	/* A later national version overrides an older local one. */
	subsidy_rule later[2] = {{1, SUBSIDY_UPGRADE, "per_year", 0, 5, "5304", 20200101, "", ""},
				 {2, SUBSIDY_UPGRADE, "per_year", 0, 1, "", 20250101, "", ""}};
	CHECK(subsidy_in_force(later, 2, SUBSIDY_UPGRADE, "530402", 20250301, o, 4) == 1 && o[0]->value == 1);
	CHECK(subsidy_in_force(later, 2, SUBSIDY_UPGRADE, "530402", 20241231, o, 4) == 1 && o[0]->value == 5);
	CHECK(subsidy_in_force(later, 2, SUBSIDY_UPGRADE, "530402", 20250301, o, 0) == 0); /* cap */
}

static subsidy_facts upgrade(int level, int date)
{
	subsidy_facts f;
	memset(&f, 0, sizeof f);
	f.kind = SUBSIDY_UPGRADE;
	f.date = date;
	snprintf(f.occupation, sizeof f.occupation, "6-18-02-04");
	f.level = level;
	snprintf(f.cert_number, sizeof f.cert_number, "S040053000001243000001");
	f.cert_valid = 1;
	f.cert_issued = 20240301;
	f.insured_from = 20200101;
	return f;
}

static subsidy_prior prior(int64_t id, subsidy_kind k, const char *occ, int level, int date)
{
	subsidy_prior p;
	memset(&p, 0, sizeof p);
	p.claim_id = id;
	p.kind = k;
	snprintf(p.occupation, sizeof p.occupation, "%s", occ);
	p.level = level;
	p.date = date;
	return p;
}

static void test_upgrade(void)
{
	subsidy_decision d;
	load(SUBSIDY_UPGRADE, "530302", 20240601);
	subsidy_facts f = upgrade(3, 20240601);
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(d.eligible && d.amount_fen == 150000 && d.rule_id == 2);
	CHECK_STR(d.rule_code, "amount");
	f.level = 2;
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(d.eligible && d.amount_fen == 100000 && d.rule_id == 1);
	f.level = 4;
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(d.eligible && d.amount_fen == 200000 && d.rule_id == 3);
	load(SUBSIDY_UPGRADE, "530402", 20240601);
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(d.eligible && d.amount_fen == 250000 && d.rule_id == 15);
	load(SUBSIDY_UPGRADE, "530302", 20240601);

	/* No standard for 技师 nationally. */
	f.level = 5;
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "amount") == 0 && d.rule_id == 0 && strstr(d.reason, "技师"));
	/* A revoked or unissued certificate. */
	f = upgrade(3, 20240601);
	f.cert_valid = 0;
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "certificate_invalid") == 0);

	/* Insurance: none, 11 months (refused), exactly 12 (fine). */
	f = upgrade(3, 20240601);
	f.insured_from = 0;
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "min_insured_months") == 0 && d.rule_id == 4 &&
	      strstr(d.reason, "没有参保记录"));
	f.insured_from = 20230602;
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "min_insured_months") == 0 && strstr(d.reason, "11个月"));
	f.insured_from = 20230601;
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(d.eligible);
	f.insured_from = 20240701; /* after the claim date */
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "min_insured_months") == 0);

	/* Within 12 months of the certificate: the anniversary still counts. */
	f = upgrade(3, 20250301);
	load(SUBSIDY_UPGRADE, "530302", 20250301);
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(d.eligible);
	f.date = 20250302;
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "apply_within_months") == 0 && d.rule_id == 5 &&
	      strstr(d.reason, "2024-03-01"));
	/* 31 Jan + 12 months = 31 Jan; 29 Feb + 12 = 28 Feb. */
	f = upgrade(3, 20250228);
	f.cert_issued = 20240229;
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(d.eligible);
	f.date = 20250301;
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "apply_within_months") == 0);

	/* Each occupation + level once; another occupation is fine. */
	load(SUBSIDY_UPGRADE, "530302", 20240601);
	f = upgrade(3, 20240601);
	subsidy_prior p[4];
	p[0] = prior(41, SUBSIDY_UPGRADE, "6-18-02-04", 3, 20230101);
	subsidy_evaluate(RS, nrs, &f, p, 1, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "once_per_level") == 0 && d.rule_id == 8 && strstr(d.reason, "41"));
	p[0] = prior(41, SUBSIDY_UPGRADE, "6-31-01-03", 3, 20230101);
	subsidy_evaluate(RS, nrs, &f, p, 1, &d);
	CHECK(d.eligible);
	/* Nothing lower after higher (same occupation); a lower prior is fine. */
	p[0] = prior(42, SUBSIDY_UPGRADE, "6-18-02-04", 4, 20230101);
	subsidy_evaluate(RS, nrs, &f, p, 1, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "no_lower_after_higher") == 0 && d.rule_id == 9 &&
	      strstr(d.reason, "高级工"));
	p[0] = prior(42, SUBSIDY_UPGRADE, "6-18-02-04", 2, 20230101);
	subsidy_evaluate(RS, nrs, &f, p, 1, &d);
	CHECK(d.eligible);
	/* A training claim's prior of the same occupation does not count as an upgrade. */
	p[0] = prior(43, SUBSIDY_TRAINING, "6-18-02-04", 3, 20240101);
	subsidy_evaluate(RS, nrs, &f, p, 1, &d);
	CHECK(d.eligible);
	/* ... unless it is for the same training (the certificate linked on its enrolment). */
	snprintf(p[0].cert_number, sizeof p[0].cert_number, "%s", f.cert_number);
	subsidy_evaluate(RS, nrs, &f, p, 1, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "not_both") == 0 && d.rule_id == 10 && strstr(d.reason, "43"));

	/* At most 3 a year before 2025: 2 this year + 1 last year → fine; 3 this year → refused. */
	p[0] = prior(51, SUBSIDY_UPGRADE, "4-01-01-01", 2, 20240105);
	p[1] = prior(52, SUBSIDY_UPGRADE, "4-01-01-02", 2, 20240205);
	p[2] = prior(53, SUBSIDY_UPGRADE, "4-01-01-03", 2, 20231230);
	subsidy_evaluate(RS, nrs, &f, p, 3, &d);
	CHECK(d.eligible);
	p[2].date = 20240110;
	subsidy_evaluate(RS, nrs, &f, p, 3, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "per_year") == 0 && d.rule_id == 6 && strstr(d.reason, "3次"));
	/* 2025: one a year. */
	load(SUBSIDY_UPGRADE, "530302", 20250201);
	f = upgrade(3, 20250201);
	p[0] = prior(61, SUBSIDY_UPGRADE, "4-01-01-01", 2, 20250105);
	subsidy_evaluate(RS, nrs, &f, p, 1, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "per_year") == 0 && d.rule_id == 7 && strstr(d.reason, "1次"));
	p[0].date = 20241231;
	subsidy_evaluate(RS, nrs, &f, p, 1, &d);
	CHECK(d.eligible);

	/* A rule turned off (value 0) does not refuse. */
	subsidy_rule off[3] = {{1, SUBSIDY_UPGRADE, "amount", 3, 150000, "", 20190101, "", ""},
			       {2, SUBSIDY_UPGRADE, "once_per_level", 0, 0, "", 20190101, "", ""},
			       {3, SUBSIDY_UPGRADE, "no_lower_after_higher", 0, 0, "", 20190101, "", ""}};
	const subsidy_rule *o[4];
	int no = subsidy_in_force(off, 3, SUBSIDY_UPGRADE, "530302", 20240601, o, 4);
	f = upgrade(3, 20240601);
	p[0] = prior(71, SUBSIDY_UPGRADE, "6-18-02-04", 3, 20230101);
	p[1] = prior(72, SUBSIDY_UPGRADE, "6-18-02-04", 4, 20230101);
	subsidy_evaluate(o, no, &f, p, 2, &d);
	CHECK(d.eligible && d.amount_fen == 150000);
	/* Without any limits, only the amount rule: eligible. */
	f.insured_from = 0;
	subsidy_evaluate(o, no, &f, NULL, 0, &d);
	CHECK(d.eligible);
}

static subsidy_facts training(void)
{
	subsidy_facts f;
	memset(&f, 0, sizeof f);
	f.kind = SUBSIDY_TRAINING;
	f.date = 20240601;
	snprintf(f.occupation, sizeof f.occupation, "6-18-02-04");
	f.level = 2;
	f.enrolment_id = 900;
	f.completed = f.passed = 1;
	f.standard_fen = 180000;
	return f;
}

static void test_training(void)
{
	subsidy_decision d;
	load(SUBSIDY_TRAINING, "530302", 20240601);
	subsidy_facts f = training();
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(d.eligible && d.amount_fen == 180000 && d.rule_id == 12);
	CHECK_STR(d.rule_code, "catalog_standard");
	f.passed = 0;
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "requires_passed") == 0 && d.rule_id == 11 && strstr(d.reason, "未合格"));
	f.completed = 0;
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "requires_passed") == 0 && strstr(d.reason, "未结业"));
	f = training();
	f.standard_fen = 0;
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "catalog_standard") == 0 && strstr(d.reason, "补贴工种目录"));
	f = training();
	subsidy_prior p[2];
	p[0] = prior(81, SUBSIDY_TRAINING, "6-18-02-04", 2, 20240501);
	p[0].enrolment_id = 900;
	subsidy_evaluate(RS, nrs, &f, p, 1, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "once_per_enrolment") == 0 && d.rule_id == 13);
	p[0].enrolment_id = 901; /* another training */
	subsidy_evaluate(RS, nrs, &f, p, 1, &d);
	CHECK(d.eligible);
	/* The certificate this training led to already got an upgrade subsidy. */
	snprintf(f.cert_number, sizeof f.cert_number, "S040053000001243000009");
	p[0] = prior(82, SUBSIDY_UPGRADE, "6-18-02-04", 2, 20240501);
	snprintf(p[0].cert_number, sizeof p[0].cert_number, "S040053000001243000009");
	subsidy_evaluate(RS, nrs, &f, p, 1, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "not_both") == 0 && d.rule_id == 14 && strstr(d.reason, "技能提升补贴"));
	/* Another certificate: fine.  No linked certificate: fine. */
	snprintf(p[0].cert_number, sizeof p[0].cert_number, "S040053000001243000010");
	subsidy_evaluate(RS, nrs, &f, p, 1, &d);
	CHECK(d.eligible);
	f.cert_number[0] = '\0';
	p[0].cert_number[0] = '\0';
	subsidy_evaluate(RS, nrs, &f, p, 1, &d);
	CHECK(d.eligible);
	/* No rule in force on the date. */
	load(SUBSIDY_TRAINING, "530302", 20180101);
	f = training();
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "catalog_standard") == 0 && d.rule_id == 0);
	/* Unknown kind. */
	f.kind = 0;
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	CHECK(!d.eligible && strcmp(d.rule_code, "no_rule") == 0);
	/* A reason never ends inside a character, however long the text. */
	f = training();
	memset(f.occupation, 0, sizeof f.occupation);
	load(SUBSIDY_TRAINING, "530302", 20240601);
	f.standard_fen = 0;
	subsidy_evaluate(RS, nrs, &f, NULL, 0, &d);
	size_t n = strlen(d.reason);
	CHECK(n > 0 && ((unsigned char)d.reason[n - 1] & 0xC0) != 0xC0);
}

int main(void)
{
	test_kinds();
	test_in_force();
	test_upgrade();
	test_training();
	UNIT_END();
}
