/* test_training.c — core/training.c: session times, overlaps, attendance and
 * completion, check-in codes, states and the category rules. */
#include "core/training.h"
#include "unit.h"

static void times(void)
{
	char out[21], loc[17];
	int64_t a = tr_time_parse("2025-03-01T09:00");
	CHECK(a > 0);
	tr_time_format(a, out);
	CHECK_STR(out, "2025-03-01T01:00:00Z"); /* China time by default */
	CHECK(tr_time_parse("2025-03-01 09:00") == a);
	CHECK(tr_time_parse("2025-03-01T09:00:00+08:00") == a);
	CHECK(tr_time_parse("2025-03-01T01:00:00Z") == a);
	CHECK(tr_time_parse("2025-03-01T01:00:00.123Z") == a);
	CHECK(tr_time_parse("2025-02-28T20:00:00-05:00") == a);
	tr_local_text(a, loc);
	CHECK_STR(loc, "2025-03-01 09:00");
	CHECK(tr_local_ymd(tr_time_parse("2025-03-01T23:30")) == 20250301);
	CHECK(tr_local_ymd(tr_time_parse("2025-03-01T16:30:00Z")) == 20250302);
	/* malformed */
	CHECK(tr_time_parse("2025-02-30T09:00") == 0);
	CHECK(tr_time_parse("2023-02-29T09:00") == 0);
	CHECK(tr_time_parse("2024-02-29T09:00") > 0);
	CHECK(tr_time_parse("2025-03-01T24:00") == 0);
	CHECK(tr_time_parse("2025-03-01") == 0);
	CHECK(tr_time_parse("2025-03-01T09:00Zx") == 0);
	CHECK(tr_time_parse("明天上午") == 0);
	CHECK(tr_time_parse("1999-12-31T09:00") == 0);
	CHECK(tr_time_parse(NULL) == 0);
	/* formatting round trip over a leap day */
	int64_t l = tr_time_parse("2024-02-29T23:59:59Z");
	tr_time_format(l, out);
	CHECK_STR(out, "2024-02-29T23:59:59Z");
	tr_time_format(l + 1, out);
	CHECK_STR(out, "2024-03-01T00:00:00Z");
}

static void overlaps(void)
{
	tr_span a = {100, 200}, b = {150, 250}, c = {200, 300}, d = {0, 100}, e = {120, 130};
	CHECK(tr_overlap(a, b) && tr_overlap(b, a));
	CHECK(!tr_overlap(a, c)); /* touching ends do not overlap */
	CHECK(!tr_overlap(a, d));
	CHECK(tr_overlap(a, e) && tr_overlap(e, a)); /* inside */
	tr_span s[4] = {{0, 10}, {10, 20}, {30, 40}, {35, 36}};
	int i = -1, j = -1;
	CHECK(tr_first_overlap(s, 4, &i, &j) && i == 2 && j == 3);
	CHECK(!tr_first_overlap(s, 3, &i, &j));
}

static void attendance(void)
{
	CHECK(tr_attendance_pct(0, 0) == 0);
	CHECK(tr_attendance_pct(3, 4) == 75);
	CHECK(tr_attendance_pct(2, 3) == 66); /* rounded down */
	CHECK(tr_attendance_pct(5, 5) == 100);
	CHECK(tr_attendance_pct(6, 5) == 100);
	CHECK(tr_completed(4, 5, 80));  /* exactly 80% */
	CHECK(!tr_completed(3, 5, 80));
	CHECK(!tr_completed(7, 9, 80)); /* 77.8% */
	CHECK(tr_completed(8, 10, 80));
	CHECK(tr_completed(1, 2, 50));
	CHECK(!tr_completed(1, 2, 51));
	CHECK(!tr_completed(0, 0, 50)); /* no sessions, no completion */
	CHECK(tr_completed(10, 10, 100));
	CHECK(!tr_completed(9, 10, 100));
}

static void codes(void)
{
	char c[TR_CODE_LEN + 1];
	tr_code_from(42, c);
	CHECK_STR(c, "000042");
	tr_code_from(1999999, c);
	CHECK_STR(c, "999999");
	CHECK(tr_code_wellformed("123456") && !tr_code_wellformed("12345") && !tr_code_wellformed("12345a") &&
	      !tr_code_wellformed(NULL) && !tr_code_wellformed("1234567"));
	CHECK(tr_code_check("123456", "123456", 1000, 999) == TR_CODE_OK);
	CHECK(tr_code_check("123456", "123456", 1000, 1000) == TR_CODE_EXPIRED);
	CHECK(tr_code_check("123457", "123456", 1000, 999) == TR_CODE_WRONG);
	CHECK(tr_code_check("12 456", "123456", 1000, 999) == TR_CODE_MALFORMED);
	CHECK(tr_code_check("", "123456", 1000, 999) == TR_CODE_MALFORMED);
}

static void states_and_categories(void)
{
	CHECK(tr_state_parse("open") == TR_OPEN && tr_state_parse("培训中") == TR_RUNNING &&
	      tr_state_parse("closed") == TR_CLOSED && tr_state_parse("x") == 0 && tr_state_parse(NULL) == 0);
	CHECK_STR(tr_state_name_zh(TR_CLOSED), "已结业");
	CHECK_STR(tr_state_name(TR_RUNNING), "running");
	CHECK_STR(tr_mode_parse("线上"), "online");
	CHECK_STR(tr_mode_parse("offline"), "offline");
	CHECK(tr_mode_parse("空中") == NULL);
	CHECK(tr_class_category_ok("创业培训") && !tr_class_category_ok("规划目标"));
	CHECK(tr_programme_category_ok("规划目标") && !tr_programme_category_ok("随便"));
	CHECK_STR(tr_category_infer("马兰花计划", "创业培训", "person-times"), "创业培训");
	CHECK_STR(tr_category_infer("企业新型学徒制计划", "培养", "persons"), "企业新型学徒制");
	CHECK_STR(tr_category_infer("展翅行动企业职工岗位技能培训", "培训", "persons per year"), "岗位技能提升培训");
	CHECK_STR(tr_category_infer("服务重点产业企业技能人才计划", "企业职工提升培训", "person-times"), "岗位技能提升培训");
	CHECK_STR(tr_category_infer("农村劳动者就业技能培训", "培训", "person-times per year"), "就业技能培训");
	CHECK_STR(tr_category_infer("高校毕业生职业技能提升计划", "培训", "person-times"), "就业技能培训");
	CHECK_STR(tr_category_infer("培训基地", "市级公共实训基地|工匠园区", "bases|parks"), "载体建设");
	CHECK_STR(tr_category_infer("农村劳动力技能水平评价", "评价", "persons"), "技能评价");
	CHECK_STR(tr_category_infer("师资队伍", "培训师资|认定教学名师", "persons"), "师资建设");
	CHECK_STR(tr_category_infer("技能云南", "职业培训累计|技能人才总量", "person-times|persons"), "规划目标");
	CHECK_STR(tr_category_infer("康养职业技能计划", "培训", "person-times"), "职业技能培训");
	CHECK_STR(tr_category_infer("五个一千", "数字化人才|电子商务人才", "persons"), "人才计划");
}

int main(void)
{
	times();
	overlaps();
	attendance();
	codes();
	states_and_categories();
	UNIT_END();
}
