/* phone.h — Chinese mobile and landline numbers.
 *
 * Mobile: 11 digits starting 1[3-9], optional +86 / 86 / 0086 prefix,
 * spaces and dashes ignored -> "13812345678".
 * Landline: area code 0 + 2..3 digits, then a 7..8 digit number, optional
 * extension -> "0877-2012345" or "0877-2012345-801".  Written forms accepted:
 * "0877-2012345", "(0877)2012345", "087 72012345" is NOT guessed (no dash and
 * ambiguous area-code length is resolved by the known 2-digit area codes
 * 10, 20-29; all others are 3 digits). */
#ifndef JN_PHONE_H
#define JN_PHONE_H

#include <stddef.h>

typedef enum phone_status {
	PHONE_OK = 0,
	PHONE_EMPTY,
	PHONE_CHAR,     /* a character that has no place in a phone number */
	PHONE_MOBILE,   /* looks like a mobile number but is not a valid one */
	PHONE_LANDLINE, /* looks like a landline but is not a valid one      */
} phone_status;

typedef enum phone_kind { PHONE_KIND_MOBILE = 1, PHONE_KIND_LANDLINE = 2 } phone_kind;

/* Normalises into out (cap >= 24). */
phone_status phone_parse(const char *s, size_t len, char *out, size_t cap, phone_kind *kind);
const char *phone_status_code(phone_status st);
const char *phone_status_message(phone_status st);

#endif
