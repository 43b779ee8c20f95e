/* uscc.h — unified social credit codes (统一社会信用代码, GB 32100-2015).
 *
 * 18 characters over 0-9 and A-Y without I O S V Z: registering authority (1),
 * organisation category (1), division code (6), organisation code (9), check
 * character (1, MOD 31). */
#ifndef JN_USCC_H
#define JN_USCC_H

#include <stddef.h>

typedef enum uscc_status {
	USCC_OK = 0,
	USCC_EMPTY,
	USCC_LENGTH,
	USCC_CHAR,   /* a character outside the alphabet (bad_pos says where) */
	USCC_CHECK,  /* wrong check character (expected in info)              */
} uscc_status;

typedef struct uscc_info {
	char code[19];       /* normalised, upper-case */
	char region[7];      /* characters 3-8         */
	char expected_check;
	int bad_pos;         /* 1-based */
	int length;          /* on USCC_LENGTH: characters given */
	char bad_char[8];    /* on USCC_CHAR: the bad char (UTF-8, or "\xNN" / "U+NNNN") */
} uscc_info;

/* Surrounding spaces ignored, lower case accepted and upper-cased. */
uscc_status uscc_parse(const char *s, size_t len, uscc_info *info);
char uscc_check_char(const char *first17);
const char *uscc_status_code(uscc_status st);
void uscc_status_message(uscc_status st, const uscc_info *info, char *buf, size_t cap);

#endif
