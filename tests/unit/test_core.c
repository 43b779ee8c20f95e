/* test_core.c — unit tests of the domain-core validators: ID numbers, credit
 * codes, phones, text normalisation, masks, regions and the model tables. */
#include <stdlib.h>
#include <string.h>

#include "core/idcard.h"
#include "core/mask.h"
#include "core/model.h"
#include "core/phone.h"
#include "core/regions.h"
#include "core/tags.h"
#include "core/text.h"
#include "core/uscc.h"
#include "unit.h"

#define TODAY 20261121

static id_status idp(const char *s, id_info *info)
{
	return id_parse(s, strlen(s), TODAY, info);
}

static void test_id_ok(void)
{
	id_info in;
	CHECK(idp("11010519491231002X", &in) == ID_OK);
	CHECK_STR(in.number, "11010519491231002X");
	CHECK_STR(in.region, "110105");
	CHECK_STR(in.birth_date, "1949-12-31");
	CHECK(in.gender == 'F');
	CHECK(in.converted == 0);

	/* Yunnan numbers, check characters worked out by hand. */
	CHECK(idp("530402199001011238", &in) == ID_OK);
	CHECK(in.gender == 'M');
	CHECK_STR(in.birth_date, "1990-01-01");
	CHECK(idp("530302198511200020", &in) == ID_OK);
	CHECK(in.gender == 'F');
	CHECK_STR(in.region, "530302");
	CHECK(idp("53250120000229001X", &in) == ID_OK); /* leap day 2000 */
	CHECK_STR(in.birth_date, "2000-02-29");
	CHECK(in.gender == 'M');
	CHECK(idp("530402190001010015", &in) == ID_OK); /* 1900-01-01 */

	/* Lower-case x, surrounding spaces. */
	CHECK(idp("11010519491231002x", &in) == ID_OK);
	CHECK_STR(in.number, "11010519491231002X");
	CHECK(idp("  11010519491231002X \t", &in) == ID_OK);
	CHECK_STR(in.number, "11010519491231002X");

	/* Historical address code: 530421 江川县 (now 530403 江川区). */
	CHECK(idp("530421197506070030", &in) == ID_OK);
	CHECK_STR(in.region, "530421");
	const region_entry *r = region_find("530421");
	CHECK(r && r->current == 0);

	/* Born today is fine, tomorrow is not. */
	CHECK(idp("53040220261121001X", &in) == ID_OK);
	CHECK(idp("530402202611220015", &in) == ID_FUTURE);
	CHECK_STR(in.birth_date, "2026-11-22");

	/* today 0: no future check. */
	CHECK(id_parse("530402202611220015", 18, 0, &in) == ID_OK);

	/* Not NUL-terminated at len. */
	CHECK(id_parse("530402199001011238999", 18, TODAY, &in) == ID_OK);
	/* NULL info is allowed. */
	CHECK(idp("530402199001011238", NULL) == ID_OK);
}

static void test_id_15(void)
{
	id_info in;
	CHECK(idp("530402900101123", &in) == ID_OK);
	CHECK(in.converted == 1);
	CHECK_STR(in.number, "530402199001011238");
	CHECK_STR(in.birth_date, "1990-01-01");
	CHECK(in.gender == 'M');
	CHECK(idp("110105491231002", &in) == ID_OK);
	CHECK_STR(in.number, "11010519491231002X");
	CHECK(in.gender == 'F');
	/* No X in a 15-digit number. */
	CHECK(idp("11010549123100X", &in) == ID_CHAR);
	CHECK(in.bad_pos == 15);
	/* Bad date in a 15-digit number (1999-02-31). */
	CHECK(idp("530402990231123", &in) == ID_DATE);
	char msg[256];
	id_status_message(ID_DATE, &in, msg, sizeof msg);
	CHECK_STR(msg, "出生日期19990231不存在");
}

static void test_id_errors(void)
{
	id_info in;
	char msg[256];

	CHECK(idp("", &in) == ID_EMPTY);
	CHECK(idp("   ", &in) == ID_EMPTY);
	CHECK(id_parse(NULL, 5, TODAY, &in) == ID_EMPTY);
	CHECK_STR(id_status_code(ID_EMPTY), "id_empty");

	CHECK(idp("5304021990010112", &in) == ID_LENGTH);
	CHECK(in.length == 16);
	id_status_message(ID_LENGTH, &in, msg, sizeof msg);
	CHECK_STR(msg, "身份证号应为18位（或15位旧号），实际为16位");
	CHECK_STR(id_status_code(ID_LENGTH), "id_length");
	/* Characters, not bytes: 17 digits and one CJK character are 18. */
	CHECK(idp("53040219900101123号", &in) == ID_CHAR);
	CHECK(in.bad_pos == 18);
	CHECK_STR(in.bad_char, "号");
	id_status_message(ID_CHAR, &in, msg, sizeof msg);
	CHECK(strstr(msg, "第18位字符“号”无效") != NULL);
	CHECK_STR(id_status_code(ID_CHAR), "id_bad_char");
	/* Full-width digit. */
	CHECK(idp("５30402199001011238", &in) == ID_CHAR);
	CHECK(in.bad_pos == 1);
	CHECK_STR(in.bad_char, "５");
	/* X not in the last position. */
	CHECK(idp("5304021990010112X8", &in) == ID_CHAR);
	CHECK(in.bad_pos == 17);
	CHECK(idp("530402199001011 38", &in) == ID_CHAR);
	CHECK(in.bad_pos == 16);
	/* Broken UTF-8 and a control char are reported printably. */
	CHECK(idp("53040219900101123\xff", &in) == ID_CHAR);
	CHECK_STR(in.bad_char, "\\xFF");
	CHECK(idp("53040219900101123\x01", &in) == ID_CHAR);
	CHECK_STR(in.bad_char, "U+0001");
	/* A stray byte counts as one character for the length. */
	CHECK(idp("5304021990010112\xe5\xff", &in) == ID_CHAR);
	CHECK(in.bad_pos == 17);

	/* Region before date: unknown region with a fine date. */
	CHECK(idp("530499199001011238", &in) == ID_REGION);
	id_status_message(ID_REGION, &in, msg, sizeof msg);
	CHECK_STR(msg, "地址码530499不存在");
	CHECK_STR(id_status_code(ID_REGION), "id_unknown_region");
	CHECK(idp("000000199001011238", &in) == ID_REGION);

	CHECK(idp("530402199902311234", &in) == ID_DATE);
	id_status_message(ID_DATE, &in, msg, sizeof msg);
	CHECK_STR(msg, "出生日期19990231不存在");
	CHECK_STR(id_status_code(ID_DATE), "id_bad_date");
	CHECK(idp("530402190002290015", &in) == ID_DATE); /* 1900 not leap */
	CHECK(idp("530402199013011238", &in) == ID_DATE);
	CHECK(idp("530402199000011238", &in) == ID_DATE);
	CHECK(idp("530402199004311238", &in) == ID_DATE);
	CHECK(idp("530402200002290043", &in) == ID_OK); /* 2000 leap */

	CHECK(idp("530402100001010013", &in) == ID_TOO_OLD);
	CHECK_STR(id_status_code(ID_TOO_OLD), "id_too_old");
	id_status_message(ID_TOO_OLD, &in, msg, sizeof msg);
	CHECK(strstr(msg, "1000") != NULL);

	CHECK(idp("530402202611220015", &in) == ID_FUTURE);
	id_status_message(ID_FUTURE, &in, msg, sizeof msg);
	CHECK_STR(msg, "出生日期晚于今天");
	CHECK_STR(id_status_code(ID_FUTURE), "id_future_date");

	CHECK(idp("530402199001011235", &in) == ID_CHECK);
	CHECK(in.expected_check == '8');
	id_status_message(ID_CHECK, &in, msg, sizeof msg);
	CHECK_STR(msg, "校验码应为8，实际为5");
	CHECK_STR(id_status_code(ID_CHECK), "id_check_mismatch");
	CHECK(idp("110105194912310021", &in) == ID_CHECK);
	CHECK(in.expected_check == 'X');
	id_status_message(ID_CHECK, &in, msg, sizeof msg);
	CHECK_STR(msg, "校验码应为X，实际为1");

	CHECK(id_check_char("11010519491231002") == 'X');
	CHECK(id_check_char("53040219900101123") == '8');
	CHECK(id_check_char("5304021990010112") == '\0');
	CHECK_STR(id_status_code(ID_OK), "ok");

	/* Messages are always terminated, even in a tiny buffer. */
	char tiny[5];
	id_status_message(ID_LENGTH, &in, tiny, sizeof tiny);
	CHECK(strlen(tiny) < sizeof tiny);
	id_status_message(ID_CHECK, NULL, msg, sizeof msg);
	CHECK(msg[0] != '\0');
}

static void test_uscc(void)
{
	uscc_info u;
	char msg[256];
	CHECK(uscc_parse("91110000600037341L", 18, &u) == USCC_OK);
	CHECK_STR(u.code, "91110000600037341L");
	CHECK_STR(u.region, "110000");
	CHECK(uscc_parse(" 91110000600037341l ", 20, &u) == USCC_OK);
	CHECK_STR(u.code, "91110000600037341L");
	CHECK(uscc_parse("91530400MA6K00000F", 18, &u) == USCC_OK);
	CHECK_STR(u.region, "530400");
	CHECK(uscc_parse("12530000015123456X", 18, &u) == USCC_OK);
	CHECK(uscc_parse("52530102MJ00000008", 18, &u) == USCC_OK);
	CHECK(uscc_check_char("91110000600037341") == 'L');
	CHECK(uscc_check_char("9111000060003734I") == '\0');

	CHECK(uscc_parse("", 0, &u) == USCC_EMPTY);
	CHECK(uscc_parse("  ", 2, &u) == USCC_EMPTY);
	CHECK(uscc_parse(NULL, 3, &u) == USCC_EMPTY);
	CHECK_STR(uscc_status_code(USCC_EMPTY), "uscc_empty");

	CHECK(uscc_parse("9111000060003734", 16, &u) == USCC_LENGTH);
	CHECK(u.length == 16);
	uscc_status_message(USCC_LENGTH, &u, msg, sizeof msg);
	CHECK_STR(msg, "统一社会信用代码应为18位，实际为16位");
	CHECK_STR(uscc_status_code(USCC_LENGTH), "uscc_length");

	CHECK(uscc_parse("91110000600O37341L", 18, &u) == USCC_CHAR);
	CHECK(u.bad_pos == 12);
	CHECK_STR(u.bad_char, "O");
	uscc_status_message(USCC_CHAR, &u, msg, sizeof msg);
	CHECK(strstr(msg, "第12位字符“O”无效") != NULL);
	CHECK_STR(uscc_status_code(USCC_CHAR), "uscc_bad_char");
	const char *cjk = "9111000060003734１L"; /* full-width digit */
	CHECK(uscc_parse(cjk, strlen(cjk), &u) == USCC_CHAR);
	CHECK(u.bad_pos == 17);
	CHECK(uscc_parse("91110000600037341I", 18, &u) == USCC_CHAR);
	CHECK(u.bad_pos == 18);

	CHECK(uscc_parse("91110000600037341M", 18, &u) == USCC_CHECK);
	CHECK(u.expected_check == 'L');
	uscc_status_message(USCC_CHECK, &u, msg, sizeof msg);
	CHECK_STR(msg, "校验码应为L，实际为M");
	CHECK_STR(uscc_status_code(USCC_CHECK), "uscc_check_mismatch");
	CHECK_STR(uscc_status_code(USCC_OK), "ok");
}

static phone_status ph(const char *s, char *out, phone_kind *k)
{
	return phone_parse(s, strlen(s), out, 24, k);
}

static void test_phone(void)
{
	char out[24];
	phone_kind k;
	CHECK(ph("13812345678", out, &k) == PHONE_OK);
	CHECK_STR(out, "13812345678");
	CHECK(k == PHONE_KIND_MOBILE);
	CHECK(ph("+86 138 1234 5678", out, &k) == PHONE_OK);
	CHECK_STR(out, "13812345678");
	CHECK(ph("+8613812345678", out, &k) == PHONE_OK);
	CHECK_STR(out, "13812345678");
	CHECK(ph("8613812345678", out, &k) == PHONE_OK);
	CHECK_STR(out, "13812345678");
	CHECK(ph("0086-138-1234-5678", out, &k) == PHONE_OK);
	CHECK_STR(out, "13812345678");
	CHECK(ph(" 199 8765 4321 ", out, &k) == PHONE_OK);
	CHECK_STR(out, "19987654321");

	CHECK(ph("0877-2012345", out, &k) == PHONE_OK);
	CHECK_STR(out, "0877-2012345");
	CHECK(k == PHONE_KIND_LANDLINE);
	CHECK(ph("(0877)2012345", out, &k) == PHONE_OK);
	CHECK_STR(out, "0877-2012345");
	CHECK(ph("（0877）2012345", out, &k) == PHONE_OK);
	CHECK_STR(out, "0877-2012345");
	CHECK(ph("0877 2012345", out, &k) == PHONE_OK);
	CHECK_STR(out, "0877-2012345");
	CHECK(ph("08772012345", out, &k) == PHONE_OK);
	CHECK_STR(out, "0877-2012345");
	CHECK(ph("0877-2012345-801", out, &k) == PHONE_OK);
	CHECK_STR(out, "0877-2012345-801");
	CHECK(ph("0877-2012345转801", out, &k) == PHONE_OK);
	CHECK_STR(out, "0877-2012345-801");
	CHECK(ph("010-62345678", out, &k) == PHONE_OK);
	CHECK_STR(out, "010-62345678");
	CHECK(ph("01022345678", out, &k) == PHONE_OK);
	CHECK_STR(out, "010-22345678");
	CHECK(ph("021 62345678", out, &k) == PHONE_OK);
	CHECK_STR(out, "021-62345678");
	CHECK(ph("0871-65123456", out, &k) == PHONE_OK);
	CHECK_STR(out, "0871-65123456");
	CHECK(ph("+86 871 65123456", out, &k) == PHONE_OK);
	CHECK_STR(out, "0871-65123456");
	CHECK(ph("+86 10 62345678", out, &k) == PHONE_OK);
	CHECK_STR(out, "010-62345678");
	CHECK(ph("(0877) 201 2345 转 801", out, &k) == PHONE_OK);
	CHECK_STR(out, "0877-2012345-801");
	CHECK(ph("08772012345-801", out, &k) == PHONE_OK);
	CHECK_STR(out, "0877-2012345-801");

	CHECK(ph("", out, &k) == PHONE_EMPTY);
	CHECK_STR(out, "");
	CHECK(ph("   ", out, &k) == PHONE_EMPTY);
	CHECK(phone_parse(NULL, 4, out, sizeof out, &k) == PHONE_EMPTY);
	CHECK_STR(phone_status_code(PHONE_EMPTY), "phone_empty");

	CHECK(ph("138a2345678", out, &k) == PHONE_CHAR);
	CHECK(ph("138.1234.5678", out, &k) == PHONE_CHAR);
	CHECK(ph("138+12345678", out, &k) == PHONE_CHAR);
	CHECK(ph("１３８１２３４５６７８", out, &k) == PHONE_CHAR);
	CHECK_STR(phone_status_code(PHONE_CHAR), "phone_bad_char");

	CHECK(ph("1381234567", out, &k) == PHONE_MOBILE);
	CHECK(ph("138123456789", out, &k) == PHONE_MOBILE);
	CHECK(ph("12812345678", out, &k) == PHONE_MOBILE);
	CHECK(ph("+1 555 123 4567", out, &k) == PHONE_MOBILE);
	CHECK(ph("13812345678转1", out, &k) == PHONE_MOBILE);
	CHECK_STR(out, "");
	CHECK_STR(phone_status_code(PHONE_MOBILE), "phone_bad_mobile");

	CHECK(ph("0877-201234", out, &k) == PHONE_LANDLINE);     /* 6-digit local */
	CHECK(ph("0877-012345", out, &k) == PHONE_LANDLINE);
	CHECK(ph("0877-1012345", out, &k) == PHONE_LANDLINE);    /* starts with 1 */
	CHECK(ph("0877-0012345", out, &k) == PHONE_LANDLINE);    /* starts with 0 */
	CHECK(ph("0877-201234567", out, &k) == PHONE_LANDLINE);  /* 9 digits */
	CHECK(ph("0877-2012345-1234567", out, &k) == PHONE_LANDLINE); /* ext too long */
	CHECK(ph("0877-2012345转", out, &k) == PHONE_LANDLINE);
	CHECK(ph("087 72012345", out, &k) == PHONE_LANDLINE);    /* area code split */
	CHECK(ph("2012345", out, &k) == PHONE_LANDLINE);         /* no area code */
	CHECK(ph("0012345678", out, &k) == PHONE_LANDLINE);
	CHECK(ph("0877", out, &k) == PHONE_LANDLINE);
	CHECK(ph("08772012345678901234567890123456789", out, &k) == PHONE_LANDLINE);
	CHECK_STR(phone_status_code(PHONE_LANDLINE), "phone_bad_landline");
	CHECK_STR(phone_status_code(PHONE_OK), "ok");
	CHECK(strstr(phone_status_message(PHONE_LANDLINE), "区号") != NULL);
	CHECK(strstr(phone_status_message(PHONE_MOBILE), "11位") != NULL);

	/* A small out buffer is still terminated. */
	char small[6];
	CHECK(phone_parse("13812345678", 11, small, sizeof small, NULL) == PHONE_OK);
	CHECK(strlen(small) == 5);
}

static text_status tn(const char *s, char **out)
{
	return text_normalize(s, strlen(s), 100, out);
}

static text_status tname(const char *s, char **out)
{
	return text_normalize_name(s, strlen(s), 30, out);
}

static void test_utf8(void)
{
	CHECK(utf8_valid("", 0));
	CHECK(utf8_valid("abc", 3));
	CHECK(utf8_valid("张三", strlen("张三")));
	CHECK(utf8_valid("\xF0\x9F\x98\x80", 4));        /* U+1F600 */
	CHECK(utf8_valid("\xF4\x8F\xBF\xBF", 4));        /* U+10FFFF */
	CHECK(!utf8_valid("\xF4\x90\x80\x80", 4));       /* > U+10FFFF */
	CHECK(!utf8_valid("\xC0\xAF", 2));               /* overlong '/' */
	CHECK(!utf8_valid("\xE0\x80\xAF", 3));           /* overlong */
	CHECK(!utf8_valid("\xF0\x80\x80\xAF", 4));       /* overlong */
	CHECK(!utf8_valid("\xED\xA0\x80", 3));           /* surrogate */
	CHECK(!utf8_valid("\xE5\xBC", 2));               /* truncated */
	CHECK(!utf8_valid("\x80", 1));
	CHECK(!utf8_valid("\xFF", 1));
	CHECK(!utf8_valid("张\xBC", 4));
	CHECK(utf8_length("张三abc", strlen("张三abc")) == 5);
	CHECK(utf8_length("", 0) == 0);
	CHECK(utf8_length("\xF0\x9F\x98\x80x", 5) == 2);
	uint32_t cp;
	CHECK(utf8_decode("张", 3, &cp) == 3 && cp == 0x5F20);
	CHECK(utf8_decode("张", 2, &cp) == 0);
}

static void test_text(void)
{
	char *o = NULL;
	CHECK(tn("  hello  ", &o) == TEXT_OK);
	CHECK_STR(o, "hello");
	free(o);
	CHECK(tn("e\xCC\x81", &o) == TEXT_OK); /* e + U+0301 */
	CHECK_STR(o, "\xC3\xA9");
	free(o);
	CHECK(tn("\xE3\x80\x80张三\xE3\x80\x80", &o) == TEXT_OK);
	CHECK_STR(o, "张三");
	free(o);
	CHECK(tn("\xC2\xA0云南 玉溪\n", &o) == TEXT_OK); /* NBSP, trailing newline */
	CHECK_STR(o, "云南 玉溪");
	free(o);
	CHECK(tn("a.b•c", &o) == TEXT_OK); /* free text keeps dots */
	CHECK_STR(o, "a.b•c");
	free(o);

	o = (char *)1;
	CHECK(tn("", &o) == TEXT_EMPTY);
	CHECK(o == NULL);
	CHECK(tn(" \xE3\x80\x80\t ", &o) == TEXT_EMPTY);
	CHECK(text_normalize(NULL, 3, 10, &o) == TEXT_EMPTY);
	CHECK_STR(text_status_code(TEXT_EMPTY), "text_empty");
	CHECK(tn("abc\xC0\xAF", &o) == TEXT_UTF8);
	CHECK(o == NULL);
	CHECK_STR(text_status_code(TEXT_UTF8), "text_bad_utf8");
	CHECK(tn("a\tb", &o) == TEXT_CONTROL);
	CHECK(tn("a\nb", &o) == TEXT_CONTROL);
	CHECK(tn("a\x7F", &o) == TEXT_CONTROL);
	CHECK(tn("a\xC2\x85z", &o) == TEXT_CONTROL); /* C1 NEL */
	CHECK(text_normalize("a\0b", 3, 10, &o) == TEXT_CONTROL);
	CHECK_STR(text_status_code(TEXT_CONTROL), "text_control_char");
	CHECK(text_normalize("一二三四", strlen("一二三四"), 3, &o) == TEXT_TOO_LONG);
	CHECK(o == NULL);
	CHECK(text_normalize("一二三", strlen("一二三"), 3, &o) == TEXT_OK);
	free(o);
	/* Decomposed input that composes fits the limit: counted after NFC. */
	CHECK(text_normalize("e\xCC\x81", 3, 1, &o) == TEXT_OK);
	free(o);
	CHECK_STR(text_status_code(TEXT_TOO_LONG), "text_too_long");
	CHECK_STR(text_status_code(TEXT_OK), "ok");
	CHECK(text_status_message(TEXT_CONTROL)[0] != '\0');

	/* Names. */
	CHECK(tname("\xE3\x80\x80张三\xE3\x80\x80", &o) == TEXT_OK);
	CHECK_STR(o, "张三");
	free(o);
	CHECK(tname("阿依古丽•买买提", &o) == TEXT_OK);
	CHECK_STR(o, "阿依古丽·买买提");
	free(o);
	CHECK(tname("阿依古丽・买买提", &o) == TEXT_OK);
	CHECK_STR(o, "阿依古丽·买买提");
	free(o);
	CHECK(tname("阿依古丽‧买买提", &o) == TEXT_OK);
	CHECK_STR(o, "阿依古丽·买买提");
	free(o);
	CHECK(tname("阿依古丽．买买提", &o) == TEXT_OK);
	CHECK_STR(o, "阿依古丽·买买提");
	free(o);
	CHECK(tname("阿依古丽･买买提", &o) == TEXT_OK);
	CHECK_STR(o, "阿依古丽·买买提");
	free(o);
	CHECK(tname("阿依古丽.买买提", &o) == TEXT_OK);
	CHECK_STR(o, "阿依古丽·买买提");
	free(o);
	CHECK(tname("John \xE3\x80\x80\xC2\xA0 Smith", &o) == TEXT_OK);
	CHECK_STR(o, "John Smith");
	free(o);
	CHECK(tname("Jos\x65\xCC\x81", &o) == TEXT_OK);
	CHECK_STR(o, "Jos\xC3\xA9");
	free(o);
	CHECK(tname("张\xE3\x80\x80三", &o) == TEXT_OK);
	CHECK_STR(o, "张三");
	free(o);
	CHECK(tname("阿依古丽 · 买买提", &o) == TEXT_OK);
	CHECK_STR(o, "阿依古丽·买买提");
	free(o);
	CHECK(tname("José  Smith", &o) == TEXT_OK);
	CHECK_STR(o, "José Smith");
	free(o);
	CHECK(tname("张\t三", &o) == TEXT_CONTROL);
	CHECK(tname("　", &o) == TEXT_EMPTY);
	CHECK(tname("\xE5\xBC", &o) == TEXT_UTF8);
	CHECK(text_normalize_name("一二三四", strlen("一二三四"), 3, &o) == TEXT_TOO_LONG);
}

static void test_mask(void)
{
	char out[64];
	mask_id("530402199001011238", out, sizeof out);
	CHECK_STR(out, "530402********1238");
	mask_id("530402900101123", out, sizeof out);
	CHECK_STR(out, "530402*****1123");
	mask_id("12345", out, sizeof out);
	CHECK_STR(out, "1****");
	mask_id("", out, sizeof out);
	CHECK_STR(out, "");
	mask_id(NULL, out, sizeof out);
	CHECK_STR(out, "");
	mask_id("530402199001011238", out, 8);
	CHECK_STR(out, "530402*");

	mask_phone("13812345678", out, sizeof out);
	CHECK_STR(out, "138****5678");
	mask_phone("0877-2012345", out, sizeof out);
	CHECK_STR(out, "0877-***2345");
	mask_phone("010-12345678", out, sizeof out);
	CHECK_STR(out, "010-****5678");
	mask_phone("0877-2012345-801", out, sizeof out);
	CHECK_STR(out, "0877-***2345-801");
	mask_phone("138", out, sizeof out);
	CHECK_STR(out, "1**");
	mask_phone("0877-", out, sizeof out);
	CHECK_STR(out, "0877-");
	mask_phone("-", out, sizeof out);
	CHECK_STR(out, "-");
	mask_phone("0877-12", out, sizeof out);
	CHECK_STR(out, "0877-1*");

	mask_name("张三", out, sizeof out);
	CHECK_STR(out, "张*");
	mask_name("张三丰", out, sizeof out);
	CHECK_STR(out, "张*丰");
	mask_name("欧阳娜娜", out, sizeof out);
	CHECK_STR(out, "欧**娜");
	mask_name("阿依古丽·买买提", out, sizeof out);
	CHECK_STR(out, "阿******提");
	mask_name("张", out, sizeof out);
	CHECK_STR(out, "张");
	mask_name("", out, sizeof out);
	CHECK_STR(out, "");
	mask_name("张三丰", out, 3); /* no room for a whole CJK char */
	CHECK_STR(out, "");
	mask_name("张三丰", out, 5);
	CHECK_STR(out, "张*");
	mask_name("\xE5\xBC", out, sizeof out); /* broken UTF-8 stays in bounds */
	CHECK(strlen(out) <= 2);
	char one[1] = {'x'};
	mask_name("张三", one, 1);
	CHECK(one[0] == '\0');
	mask_name("张三", NULL, 0);
}

static void test_regions(void)
{
	CHECK(REGIONS_COUNT > 3000);
	for (int i = 1; i < REGIONS_COUNT; i++)
		if (strcmp(REGIONS[i - 1].code, REGIONS[i].code) >= 0) {
			CHECK(!"REGIONS sorted");
			break;
		}
	CHECK_STR(region_resolve("530402"), "530402");
	CHECK_STR(region_resolve("红塔区"), "530402");
	CHECK_STR(region_resolve("玉溪市红塔区"), "530402");
	CHECK_STR(region_resolve("云南省玉溪市红塔区"), "530402");
	CHECK(region_resolve("530421") == NULL); /* historical: not a place to live now */
	CHECK(region_resolve("市辖区") == NULL);
	CHECK(region_resolve("火星") == NULL);
	const region_entry *r = region_find("530402");
	CHECK(r != NULL);
	if (r) {
		CHECK_STR(r->name, "红塔区");
		CHECK(r->kind == 'X');
		CHECK_STR(r->parent, "530400");
		CHECK(r->current == 1);
	}
	r = region_find("530000");
	CHECK(r && r->kind == 'P' && strcmp(r->parent, "") == 0);
	r = region_find("530400");
	CHECK(r && r->kind == 'C');
	CHECK(region_find(REGIONS[0].code) == &REGIONS[0]);
	CHECK(region_find(REGIONS[REGIONS_COUNT - 1].code) == &REGIONS[REGIONS_COUNT - 1]);
	CHECK(region_find("530499") == NULL);
	CHECK(region_find("53040") == NULL);
	CHECK(region_find("5304021") == NULL);
	CHECK(region_find("") == NULL);
	CHECK(region_find(NULL) == NULL);

	char p[7];
	region_prefix("530000", p);
	CHECK_STR(p, "53");
	region_prefix("530400", p);
	CHECK_STR(p, "5304");
	region_prefix("530402", p);
	CHECK_STR(p, "530402");
	region_prefix("532500", p);
	CHECK_STR(p, "5325");
	region_prefix("", p);
	CHECK_STR(p, "");
	region_prefix("5304", p);
	CHECK_STR(p, "5304");
}

static void test_model(void)
{
	CHECK_STR(role_name(ROLE_ADMIN), "admin");
	CHECK_STR(role_name(ROLE_COUNTY), "county");
	CHECK_STR(role_name(ROLE_EVALUATOR), "evaluator");
	CHECK_STR(role_name(ROLE_TRAINER), "trainer");
	CHECK_STR(role_name(ROLE_EMPLOYER), "employer");
	CHECK_STR(role_name(ROLE_WORKER), "worker");
	CHECK(role_parse("admin") == ROLE_ADMIN);
	CHECK(role_parse("county") == ROLE_COUNTY);
	CHECK(role_parse("worker") == ROLE_WORKER);
	CHECK(role_parse("劳动者") == ROLE_WORKER);
	CHECK(role_parse("root") == ROLE_NONE);
	CHECK(role_parse("") == ROLE_NONE);
	CHECK(role_parse(NULL) == ROLE_NONE);
	CHECK_STR(role_name_zh(ROLE_ADMIN), "市人社局管理员");
	CHECK_STR(role_name_zh(ROLE_COUNTY), "县级经办员");
	CHECK_STR(role_name_zh(ROLE_EVALUATOR), "评价机构");
	CHECK_STR(role_name_zh(ROLE_TRAINER), "培训机构");
	CHECK_STR(role_name_zh(ROLE_EMPLOYER), "用人单位");
	CHECK_STR(role_name_zh(ROLE_WORKER), "劳动者");
	for (int r = ROLE_ADMIN; r <= ROLE_WORKER; r <<= 1)
		CHECK(role_parse(role_name((role)r)) == (role)r);

	CHECK_STR(org_kind_name(ORG_EMPLOYER), "employer");
	CHECK_STR(org_kind_name(ORG_SCHOOL), "school");
	CHECK_STR(org_kind_name_zh(ORG_TRAINER), "培训机构");
	CHECK_STR(org_kind_name_zh(ORG_EVALUATOR), "评价机构");
	CHECK_STR(org_kind_name_zh(ORG_SCHOOL), "技工院校");
	CHECK(org_kind_parse("trainer") == ORG_TRAINER);
	CHECK(org_kind_parse("技工院校") == ORG_SCHOOL);
	CHECK(org_kind_parse("用人单位") == ORG_EMPLOYER);
	CHECK(org_kind_parse("bank") == 0);
	CHECK(org_kind_parse(NULL) == 0);

	CHECK(level_by_rank(0) == NULL);
	CHECK(level_by_rank(9) == NULL);
	const level_info *l = level_by_rank(3);
	CHECK(l && l->rank == 3 && strcmp(l->name, "中级工") == 0 && strcmp(l->national, "四级") == 0 &&
	      l->cert_digit == 4);
	l = level_by_rank(1);
	CHECK(l && strcmp(l->name, "学徒工") == 0 && l->national[0] == '\0' && l->cert_digit == 0);
	l = level_by_rank(6);
	CHECK(l && strcmp(l->name, "高级技师") == 0 && strcmp(l->national, "一级") == 0 && l->cert_digit == 1);
	l = level_by_rank(8);
	CHECK(l && strcmp(l->name, "首席技师") == 0 && l->cert_digit == 0);
	for (int i = 0; i < 8; i++)
		CHECK(LEVELS[i].rank == i + 1);

	CHECK(level_parse("3") == 3);
	CHECK(level_parse(" 8 ") == 8);
	CHECK(level_parse("中级工") == 3);
	CHECK(level_parse("四级") == 3);
	CHECK(level_parse("五级") == 2);
	CHECK(level_parse("一级") == 6);
	CHECK(level_parse("四级/中级工") == 3);
	CHECK(level_parse("四级／中级工") == 3);
	CHECK(level_parse("中级工（四级）") == 3);
	CHECK(level_parse("中级工(四级)") == 3);
	CHECK(level_parse(" 二级 / 技师 ") == 5);
	CHECK(level_parse("\xE3\x80\x80高级技师\xE3\x80\x80") == 6);
	CHECK(level_parse("学徒工") == 1);
	CHECK(level_parse("特级技师") == 7);
	CHECK(level_parse("首席技师") == 8);
	CHECK(level_parse("四级/高级工") == 0);
	CHECK(level_parse("9") == 0);
	CHECK(level_parse("0") == 0);
	CHECK(level_parse("六级") == 0);
	CHECK(level_parse("") == 0);
	CHECK(level_parse("/") == 0);
	CHECK(level_parse(NULL) == 0);
	CHECK(level_parse("中级") == 0);
}

static void test_tags(void)
{
	char out[256], bad[64];
	CHECK(tags_normalise("残疾人、脱贫户，残疾人 退役军人", out, sizeof out, bad, sizeof bad) == 0);
	CHECK_STR(out, "脱贫户,退役军人,残疾人");
	CHECK(tags_normalise("", out, sizeof out, bad, sizeof bad) == 0);
	CHECK_STR(out, "");
	CHECK(tags_normalise(" , ；", out, sizeof out, bad, sizeof bad) == 0);
	CHECK_STR(out, "");
	CHECK(tags_normalise("脱贫户,贫困户", out, sizeof out, bad, sizeof bad) == -1);
	CHECK_STR(bad, "贫困户");
	CHECK(tags_has("脱贫户,退役军人", "退役军人"));
	CHECK(tags_has("脱贫户,退役军人", "脱贫户"));
	CHECK(!tags_has("脱贫户,退役军人", "退役"));
	CHECK(!tags_has("", "脱贫户"));
}

int main(void)
{
	test_id_ok();
	test_id_15();
	test_id_errors();
	test_uscc();
	test_phone();
	test_utf8();
	test_text();
	test_mask();
	test_regions();
	test_model();
	test_tags();
	UNIT_END();
}
