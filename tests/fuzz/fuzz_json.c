/* fuzz_json.c — libFuzzer driver for JSON request bodies as the handlers
 * read them: parse, reject unknown fields, read each person field with its
 * type and length checks, then run the values through the validators. */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "core/idcard.h"
#include "core/model.h"
#include "core/phone.h"
#include "core/regions.h"
#include "core/text.h"
#include "http/http.h"

static const char *const FIELDS[] = {"id_number", "name", "gender", "birth_date", "phone", "region",
				     "occupation", "level", "employer", "education", "version", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
	if (!j)
		return 0;
	if (!json_is_object(j)) {
		json_decref(j);
		return 0;
	}
	jn_fields fe = {0};
	json_only_fields(j, FIELDS, &fe);
	for (int i = 0; FIELDS[i]; i++) {
		const char *v = json_field_str(j, FIELDS[i], 400, &fe);
		if (!v)
			continue;
		/* Every string jansson hands out is valid UTF-8. */
		if (!utf8_valid(v, strlen(v)))
			__builtin_trap();
		id_info info;
		char buf[256], *out = NULL;
		phone_kind k;
		if (strcmp(FIELDS[i], "id_number") == 0) {
			id_status st = id_parse(v, strlen(v), 20261121, &info);
			id_status_message(st, &info, buf, sizeof buf);
		} else if (strcmp(FIELDS[i], "name") == 0) {
			if (text_normalize_name(v, strlen(v), 30, &out) == TEXT_OK && !utf8_valid(out, strlen(out)))
				__builtin_trap();
		} else if (strcmp(FIELDS[i], "phone") == 0) {
			phone_parse(v, strlen(v), buf, sizeof buf, &k);
		} else if (strcmp(FIELDS[i], "region") == 0) {
			char p[8];
			if (strlen(v) == 6 && region_find(v))
				region_prefix(v, p);
		} else if (strcmp(FIELDS[i], "level") == 0) {
			int lv = level_parse(v);
			if (lv < 0 || lv > 8)
				__builtin_trap();
		} else {
			text_normalize(v, strlen(v), 100, &out);
		}
		free(out);
	}
	for (int i = 0; i < fe.count && i < JN_FIELDS_MAX; i++)
		if (!memchr(fe.e[i].message, '\0', sizeof fe.e[i].message))
			__builtin_trap();
	json_decref(j);
	return 0;
}
