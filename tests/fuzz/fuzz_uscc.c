/* fuzz_uscc.c — libFuzzer driver: credit codes, phones and free text from
 * arbitrary bytes.  Asserts: outputs NUL-terminated, an accepted code
 * re-parses to itself (also in lower case) with a matching check character,
 * a wrong check character fixed as told is accepted, normalising text twice
 * changes nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "core/phone.h"
#include "core/text.h"
#include "core/uscc.h"

#define REQUIRE(c)                   \
	do {                         \
		if (!(c))            \
			abort();     \
	} while (0)
#define TERMINATED(a) REQUIRE(memchr((a), '\0', sizeof(a)) != NULL)

static void check_uscc(const char *s, size_t n)
{
	uscc_info u;
	uscc_status st = uscc_parse(s, n, &u);
	TERMINATED(u.code);
	TERMINATED(u.region);
	TERMINATED(u.bad_char);
	REQUIRE(uscc_status_code(st) != NULL);
	char msg[256];
	uscc_status_message(st, &u, msg, sizeof msg);
	TERMINATED(msg);
	if (st == USCC_CHAR)
		REQUIRE(u.bad_pos >= 1 && u.bad_pos <= 18);
	if (st == USCC_OK) {
		REQUIRE(strlen(u.code) == 18 && strlen(u.region) == 6);
		REQUIRE(uscc_check_char(u.code) == u.code[17]);
		uscc_info again;
		REQUIRE(uscc_parse(u.code, 18, &again) == USCC_OK);
		REQUIRE(strcmp(again.code, u.code) == 0);
		char lower[18];
		for (int i = 0; i < 18; i++)
			lower[i] = (u.code[i] >= 'A' && u.code[i] <= 'Z') ? (char)(u.code[i] + 32) : u.code[i];
		REQUIRE(uscc_parse(lower, 18, &again) == USCC_OK);
		REQUIRE(strcmp(again.code, u.code) == 0);
	}
	if (st == USCC_CHECK) {
		REQUIRE(strlen(u.code) == 18);
		REQUIRE(u.expected_check && u.expected_check != u.code[17]);
		char fixed[18];
		memcpy(fixed, u.code, 18);
		fixed[17] = u.expected_check;
		REQUIRE(uscc_parse(fixed, 18, NULL) == USCC_OK);
	}
}

static void check_phone(const char *s, size_t n)
{
	char out[24];
	phone_kind k;
	phone_status st = phone_parse(s, n, out, sizeof out, &k);
	TERMINATED(out);
	if (st == PHONE_OK) {
		char again[24];
		REQUIRE(phone_parse(out, strlen(out), again, sizeof again, NULL) == PHONE_OK);
		REQUIRE(strcmp(again, out) == 0);
	}
}

static void check_text(const char *s, size_t n)
{
	char *o = NULL;
	text_status st = text_normalize(s, n, 200, &o);
	if (st != TEXT_OK) {
		REQUIRE(o == NULL);
		return;
	}
	size_t len = strlen(o);
	REQUIRE(len > 0 && utf8_valid(o, len) && utf8_length(o, len) <= 200);
	char *o2 = NULL;
	REQUIRE(text_normalize(o, len, 200, &o2) == TEXT_OK);
	REQUIRE(strcmp(o, o2) == 0);
	free(o2);
	REQUIRE(text_normalize_name(o, len, 200, &o2) == TEXT_OK);
	free(o2);
	free(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	if (!s)
		return 0;
	if (size)
		memcpy(s, data, size);
	check_uscc(s, size);
	check_phone(s, size);
	check_text(s, size);
	if (utf8_valid(s, size))
		REQUIRE(utf8_length(s, size) <= size);
	char *z = malloc(size + 1);
	if (z) {
		if (size)
			memcpy(z, data, size);
		z[size] = '\0';
		int lv = level_parse(z);
		REQUIRE(lv >= 0 && lv <= 8);
		(void)role_parse(z);
		(void)org_kind_parse(z);
		free(z);
	}
	free(s);
	return 0;
}
