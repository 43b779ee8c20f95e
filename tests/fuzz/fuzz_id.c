/* fuzz_id.c — libFuzzer driver: ID numbers, phones and names from arbitrary
 * bytes.  Asserts the parsers' promises: outputs NUL-terminated, an accepted
 * number re-parses to itself with a matching check character, normalising
 * twice changes nothing, masks stay in bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/idcard.h"
#include "core/mask.h"
#include "core/phone.h"
#include "core/regions.h"
#include "core/text.h"

#define REQUIRE(c)                   \
	do {                         \
		if (!(c))            \
			abort();     \
	} while (0)
#define TERMINATED(a) REQUIRE(memchr((a), '\0', sizeof(a)) != NULL)

static void check_id(const char *s, size_t n)
{
	id_info in;
	id_status st = id_parse(s, n, 20261121, &in);
	TERMINATED(in.number);
	TERMINATED(in.region);
	TERMINATED(in.birth_date);
	TERMINATED(in.bad_char);
	REQUIRE(id_status_code(st) != NULL);
	char msg[256];
	id_status_message(st, &in, msg, sizeof msg);
	TERMINATED(msg);
	char tiny[7];
	id_status_message(st, &in, tiny, sizeof tiny);
	TERMINATED(tiny);

	if (st == ID_OK || st == ID_CHECK || st == ID_FUTURE) {
		REQUIRE(strlen(in.number) == 18);
		REQUIRE(in.gender == 'M' || in.gender == 'F');
		REQUIRE(strlen(in.birth_date) == 10);
		REQUIRE(region_find(in.region) != NULL);
	}
	if (st == ID_CHAR)
		REQUIRE(in.bad_pos >= 1 && in.bad_pos <= 18);
	if (st == ID_OK) {
		REQUIRE(id_check_char(in.number) == in.number[17]);
		id_info again;
		REQUIRE(id_parse(in.number, 18, 20261121, &again) == ID_OK);
		REQUIRE(strcmp(again.number, in.number) == 0);
		REQUIRE(strcmp(again.birth_date, in.birth_date) == 0);
		REQUIRE(again.gender == in.gender && again.converted == 0);
		char m[32];
		mask_id(in.number, m, sizeof m);
		REQUIRE(strlen(m) == 18 && memcmp(m, in.number, 6) == 0);
	}
	if (st == ID_CHECK) {
		REQUIRE(in.expected_check && in.expected_check != in.number[17]);
		char fixed[19];
		memcpy(fixed, in.number, 19);
		fixed[17] = in.expected_check;
		REQUIRE(id_parse(fixed, 18, 20261121, NULL) == ID_OK);
	}
}

static void check_phone(const char *s, size_t n)
{
	char out[24];
	phone_kind k;
	phone_status st = phone_parse(s, n, out, sizeof out, &k);
	TERMINATED(out);
	REQUIRE(phone_status_code(st) && phone_status_message(st));
	if (st == PHONE_OK) {
		char again[24];
		phone_kind k2;
		REQUIRE(phone_parse(out, strlen(out), again, sizeof again, &k2) == PHONE_OK);
		REQUIRE(strcmp(again, out) == 0 && k2 == k);
		char m[24];
		mask_phone(out, m, sizeof m);
		REQUIRE(strlen(m) == strlen(out));
	}
}

static void check_name(const char *s, size_t n)
{
	char *o = NULL;
	text_status st = text_normalize_name(s, n, 30, &o);
	REQUIRE(text_status_code(st) && text_status_message(st));
	if (st != TEXT_OK) {
		REQUIRE(o == NULL);
		return;
	}
	size_t len = strlen(o);
	REQUIRE(len > 0 && utf8_valid(o, len) && utf8_length(o, len) <= 30);
	char *o2 = NULL;
	REQUIRE(text_normalize_name(o, len, 30, &o2) == TEXT_OK);
	REQUIRE(strcmp(o, o2) == 0);
	char m[16];
	mask_name(o, m, sizeof m);
	TERMINATED(m);
	REQUIRE(utf8_valid(m, strlen(m)));
	free(o2);
	free(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so ASan sees any read past len. */
	char *s = malloc(size ? size : 1);
	if (!s)
		return 0;
	if (size)
		memcpy(s, data, size);
	check_id(s, size);
	check_phone(s, size);
	check_name(s, size);

	/* The C-string APIs on a terminated copy. */
	char *z = malloc(size + 1);
	if (z) {
		if (size)
			memcpy(z, data, size);
		z[size] = '\0';
		char m[8];
		mask_id(z, m, sizeof m);
		TERMINATED(m);
		mask_phone(z, m, sizeof m);
		TERMINATED(m);
		mask_name(z, m, sizeof m);
		TERMINATED(m);
		char p[7];
		region_prefix(z, p);
		TERMINATED(p);
		(void)region_find(z);
		free(z);
	}
	free(s);
	return 0;
}
