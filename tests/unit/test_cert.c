/* test_cert.c — unit tests of the certification rules (core/cert.c):
 * certificate numbers, dates counted to the day, application conditions,
 * routes and scores, employer comparison and the batch state machine. */
#include <stdlib.h>
#include <string.h>

#include "core/cert.h"
#include "core/model.h"
#include "unit.h"

static void test_digits(void)
{
	int want[9] = {-1, -1, 5, 4, 3, 2, 1, 0, 9};
	for (int r = 0; r <= 8; r++)
		CHECK(cert_level_digit(r) == want[r]);
	for (int r = 2; r <= 8; r++)
		CHECK(cert_rank_of_digit(cert_level_digit(r)) == r);
	CHECK(cert_rank_of_digit(6) == 0 && cert_rank_of_digit(7) == 0 && cert_rank_of_digit(8) == 0);
	CHECK(cert_level_digit(9) == -1);
}

static void test_number(void)
{
	char prefix[CERT_PREFIX_LEN + 1], num[CERT_NUMBER_LEN + 1];
	CHECK(cert_prefix('S', "0400", "53", "000001", 2026, 4, prefix) == 0);
	CHECK_STR(prefix, "S040053000001263");
	CHECK(cert_number_make(prefix, 1, num) == 0);
	CHECK_STR(num, "S040053000001263000001");
	CHECK(strlen(num) == 22);
	CHECK(cert_number_make(prefix, 999999, num) == 0 && strcmp(num + 16, "999999") == 0);
	CHECK(cert_number_make(prefix, 0, num) == -1);
	CHECK(cert_number_make(prefix, 1000000, num) == -1);
	CHECK(cert_prefix('Y', "0000", "53", "123456", 26, 7, prefix) == 0 && prefix[15] == '0');
	CHECK(cert_prefix('Y', "0000", "53", "123456", 26, 8, prefix) == 0 && prefix[15] == '9');
	CHECK(cert_prefix('X', "0400", "53", "000001", 2026, 4, prefix) == -1);
	CHECK(cert_prefix('S', "040", "53", "000001", 2026, 4, prefix) == -1);
	CHECK(cert_prefix('S', "0400", "53", "00001A", 2026, 4, prefix) == -1);
	CHECK(cert_prefix('S', "0400", "53", "000001", 2026, 1, prefix) == -1); /* 学徒工: no certificate */

	cert_number_info in;
	CHECK(cert_number_parse("S040053000001263000001", &in) == CN_OK);
	CHECK(in.type == 'S' && strcmp(in.body_code, "0400") == 0 && strcmp(in.province, "53") == 0);
	CHECK(strcmp(in.site_serial, "000001") == 0 && in.year == 26 && in.digit == 3 && in.rank == 4 && in.serial == 1);
	CHECK_STR(in.prefix, "S040053000001263");
	CHECK(cert_number_parse(" y040053000002260000007 ", &in) == CN_OK && in.type == 'Y' && in.rank == 7);
	CHECK(cert_number_parse("", &in) == CN_EMPTY);
	CHECK(cert_number_parse("S04005300000126300001", &in) == CN_LENGTH && in.length == 21);
	CHECK(cert_number_parse("A040053000001263000001", &in) == CN_TYPE);
	CHECK(cert_number_parse("S0400530000012630000O1", &in) == CN_CHAR && in.bad_pos == 21);
	CHECK(cert_number_parse("S040099000001263000001", &in) == CN_PROVINCE);
	CHECK(cert_number_parse("S040011000001263000001", &in) == CN_OK); /* 北京 is a province too */
	CHECK(cert_number_parse("S040053000001266000001", &in) == CN_LEVEL);
	CHECK(cert_number_parse("S040053000001263000000", &in) == CN_SERIAL);
	char msg[256];
	cert_number_parse("S04005300000126300001", &in);
	cert_number_status_message(CN_LENGTH, &in, msg, sizeof msg);
	CHECK(strstr(msg, "22位") && strstr(msg, "21位"));
	CHECK_STR(cert_number_status_code(CN_LEVEL), "number_level");
}

static void test_dates(void)
{
	CHECK(cert_date_parse("2023-05-01") == 20230501);
	CHECK(cert_date_parse("2023/5/1") == 20230501);
	CHECK(cert_date_parse("2023.05.01") == 20230501);
	CHECK(cert_date_parse("20230501") == 20230501);
	CHECK(cert_date_parse("2023年5月1日") == 20230501);
	CHECK(cert_date_parse("2024-02-29") == 20240229);
	CHECK(cert_date_parse("2023-02-29") == 0);
	CHECK(cert_date_parse("2023-13-01") == 0);
	CHECK(cert_date_parse("2023-05") == 0);
	CHECK(cert_date_parse("1.5.2023") == 0);
	CHECK(cert_date_parse("2023-05-01x") == 0);
	CHECK(cert_date_parse(NULL) == 0);
	CHECK(cert_date_from_excel(45047) == 20230501);
	CHECK(cert_date_from_excel(1) == 19000101);
	CHECK(cert_date_from_excel(61) == 19000301);
	char d[11];
	cert_date_format(20230501, d);
	CHECK_STR(d, "2023-05-01");
	CHECK(cert_date_add_days(20231231, 1) == 20240101);
	CHECK(cert_date_add_days(20240228, 1) == 20240229);
	CHECK(cert_date_add_days(20240301, -1) == 20240229);
	int y, m;
	cert_elapsed(20230501, 20251101, &y, &m);
	CHECK(y == 2 && m == 6);
	cert_elapsed(20230501, 20251031, &y, &m);
	CHECK(y == 2 && m == 5);
	cert_elapsed(20230501, 20220101, &y, &m);
	CHECK(y == 0 && m == 0);
	/* To the day: the anniversary counts on the day itself. */
	CHECK(cert_years_reached(20200501, 20250501, 5));
	CHECK(!cert_years_reached(20200501, 20250430, 5));
	CHECK(!cert_years_reached(20200229, 20250228, 5));
	CHECK(cert_years_reached(20200229, 20250301, 5));
	CHECK(cert_years_reached(20200101, 20200101, 0));
}

static cert_condition cond(int level, int alt, int prior, int years, years_from from, unsigned dips, const char *text)
{
	cert_condition c;
	memset(&c, 0, sizeof c);
	c.level = level;
	c.alternative = alt;
	c.prior_level = prior;
	c.years = years;
	c.from = from;
	c.diplomas = dips;
	snprintf(c.text, sizeof c.text, "%s", text);
	return c;
}

static void test_conditions(void)
{
	cert_condition l4[] = {
		cond(4, 1, 3, 5, FROM_CERTIFICATE, 0, "取得四级证书后从事本职业满5年"),
		cond(4, 2, 3, 0, FROM_NONE, 1u << DIP_SENIOR_TECHNICAL_SCHOOL | 1u << DIP_PREPARATORY_TECHNICIAN,
		     "取得四级证书并取得高级技工学校、技师学院本专业毕业证书"),
		cond(4, 3, 3, 2, FROM_CERTIFICATE, 1u << DIP_COLLEGE_IN_FIELD, "取得四级证书并具有大专及以上本专业学历"),
	};
	cert_facts f = {.years_in_occupation = 3, .dip = DIP_NONE, .as_of = 20251101};
	f.prior_issued[3] = 20230501;
	char summary[160], items[8][240], why[200];
	CHECK(!cert_conditions_check(4, l4, 3, &f, summary, sizeof summary, items, 8));
	CHECK_STR(summary, "申报三级（高级工）需满足其一：");
	CHECK_STR(items[0], "取得四级证书后从事本职业满5年（现有四级证书2023-05-01，满2年6个月）");
	CHECK(strstr(items[1], "学历：无") != NULL);
	CHECK(strstr(items[2], "满2年6个月") && strstr(items[2], "学历：无"));
	/* Each alternative on its own. */
	f.dip = DIP_COLLEGE_IN_FIELD;
	CHECK(cert_condition_met(&l4[2], &f, why, sizeof why));
	CHECK(cert_conditions_check(4, l4, 3, &f, summary, sizeof summary, items, 8));
	f.dip = DIP_PREPARATORY_TECHNICIAN;
	CHECK(cert_condition_met(&l4[1], &f, why, sizeof why));
	f.dip = DIP_NONE;
	f.as_of = 20280501;
	CHECK(cert_condition_met(&l4[0], &f, why, sizeof why) && strstr(why, "满5年0个月"));
	f.as_of = 20280430;
	CHECK(!cert_condition_met(&l4[0], &f, why, sizeof why) && strstr(why, "满4年11个月"));
	/* Without the prior certificate nothing counts. */
	memset(f.prior_issued, 0, sizeof f.prior_issued);
	f.years_in_occupation = 30;
	CHECK(!cert_conditions_check(4, l4, 3, &f, summary, sizeof summary, items, 8));
	CHECK(strstr(items[0], "无四级证书") != NULL);
	/* Years in the occupation, declared. */
	cert_condition l3 = cond(3, 2, 0, 6, FROM_OCCUPATION, 0, "累计从事本职业工作满6年");
	f.years_in_occupation = 5;
	CHECK(!cert_condition_met(&l3, &f, why, sizeof why));
	CHECK_STR(why, "申报从事本职业5年");
	f.years_in_occupation = 6;
	CHECK(cert_condition_met(&l3, &f, why, sizeof why));
	/* A single alternative: "需满足：". */
	cert_condition l6 = cond(6, 1, 5, 4, FROM_CERTIFICATE, 0, "取得二级证书后从事本职业满4年");
	CHECK(!cert_conditions_check(6, &l6, 1, &f, summary, sizeof summary, items, 8));
	CHECK_STR(summary, "申报一级（高级技师）需满足：");
	/* No rows: nothing is required; a "not offered" row is not an alternative. */
	CHECK(cert_conditions_check(2, NULL, 0, &f, summary, sizeof summary, items, 8));
	cert_condition off = cond(6, 0, 0, 0, FROM_NONE, 0, "本职业不设高级技师");
	CHECK(cert_conditions_check(6, &off, 1, &f, summary, sizeof summary, items, 8));
	char label[64];
	cert_level_label(7, label, sizeof label);
	CHECK_STR(label, "特级技师");
	cert_level_label(2, label, sizeof label);
	CHECK_STR(label, "五级（初级工）");
}

static void test_routes_scores(void)
{
	CHECK(cert_route_parse("direct") == ROUTE_DIRECT && cert_route_parse("破格晋升") == ROUTE_EXCEPTIONAL);
	CHECK(cert_route_parse("other") == 0);
	CHECK_STR(cert_route_name(ROUTE_SPECIAL), "special");
	CHECK(exceptional_basis_name_zh("competition_placing") != NULL && exceptional_basis_name_zh("luck") == NULL);
	CHECK(diploma_parse("college_in_field") == DIP_COLLEGE_IN_FIELD && diploma_parse("无") == DIP_NONE);
	CHECK(diploma_parse("phd") == -1);
	CHECK(!cert_review_required(4) && cert_review_required(5) && cert_review_required(8));
	CHECK(cert_scores_pass(3, 60, 60, -1, 60, 60, 60));
	CHECK(!cert_scores_pass(3, 59, 90, -1, 60, 60, 60));
	CHECK(!cert_scores_pass(5, 90, 90, 59, 60, 60, 60));
	CHECK(cert_scores_pass(5, 90, 90, 60, 60, 60, 60));
	CHECK(cert_scores_pass(3, 50, 50, -1, 50, 50, 90));
	CHECK(cert_status_parse("已注销") == CERT_REVOKED && cert_status_parse("valid") == CERT_VALID);
	CHECK(cert_status_parse("作废") == 0);
}

static void test_employer(void)
{
	char a[256], b[256];
	cert_employer_norm("精工（玉溪）有限公司", a, sizeof a);
	cert_employer_norm(" 精工 (玉溪)　有限公司 ", b, sizeof b);
	CHECK(strcmp(a, b) == 0 && a[0]);
	cert_employer_norm("ＡＢＣ Company", a, sizeof a);
	cert_employer_norm("abccompany", b, sizeof b);
	CHECK_STR(a, b);
	cert_employer_norm("", a, sizeof a);
	CHECK_STR(a, "");
	char s[32] = "一二三四五六七八九十";
	cert_utf8_fit(s, 16); /* 15 bytes of room: "……" (6) and three characters (9) */
	CHECK(strlen(s) < 16 && strstr(s, "……"));
	CHECK_STR(s, "一二三……");
}

static void test_states(void)
{
	CHECK(batch_can(BA_EDIT, BS_PLANNED) && batch_can(BA_EDIT, BS_RETURNED) && !batch_can(BA_EDIT, BS_SUBMITTED));
	CHECK(batch_can(BA_SUBMIT, BS_RETURNED) && !batch_can(BA_SUBMIT, BS_NOTICE));
	CHECK(batch_can(BA_PASS, BS_SUBMITTED) && !batch_can(BA_PASS, BS_REVIEWED));
	CHECK(batch_can(BA_RETURN, BS_NOTICE) && batch_can(BA_RETURN, BS_REVIEWED) && !batch_can(BA_RETURN, BS_APPROVED));
	CHECK(batch_can(BA_APPROVE, BS_NOTICE) && !batch_can(BA_APPROVE, BS_REVIEWED));
	CHECK(batch_can(BA_ISSUE, BS_APPROVED) && !batch_can(BA_ISSUE, BS_ISSUED));
	CHECK(batch_can(BA_REVOKE, BS_ISSUED) && batch_can(BA_REVOKE, BS_APPROVED) && !batch_can(BA_REVOKE, BS_REVOKED));
	CHECK(batch_can(BA_OBJECT, BS_NOTICE) && !batch_can(BA_OBJECT, BS_APPROVED));
	CHECK(!batch_can(BA_SUBMIT, (batch_state)0) && !batch_can(BA_COUNT, BS_PLANNED));
	/* Every state but revoked has a way out; revoked has none. */
	for (int s = BS_PLANNED; s < BS_COUNT; s++) {
		int out = 0;
		for (int a = 0; a < BA_COUNT; a++)
			out |= batch_can((batch_action)a, (batch_state)s) && BATCH_TRANSITIONS[a].to &&
			       BATCH_TRANSITIONS[a].to != (batch_state)s;
		CHECK(out == (s != BS_REVOKED && s != BS_ISSUED ? 1 : s == BS_ISSUED));
	}
	CHECK(BATCH_TRANSITIONS[BA_PASS].roles == (ROLE_COUNTY | ROLE_ADMIN));
	CHECK(BATCH_TRANSITIONS[BA_ISSUE].roles & ROLE_EVALUATOR);
	CHECK(!(BATCH_TRANSITIONS[BA_APPROVE].roles & ROLE_COUNTY));
	char msg[256];
	batch_wrong_state(BA_SUBMIT, BS_SUBMITTED, msg, sizeof msg);
	CHECK_STR(msg, "批次当前为“已提交”，不能提交（只能在“计划中”或“已退回”时提交）");
	CHECK(batch_state_parse("notice") == BS_NOTICE && batch_state_parse("公示中") == BS_NOTICE);
	CHECK(batch_state_parse("x") == 0);
}

int main(void)
{
	test_digits();
	test_number();
	test_dates();
	test_conditions();
	test_routes_scores();
	test_employer();
	test_states();
	UNIT_END();
}
