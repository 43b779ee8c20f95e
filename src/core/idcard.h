/* idcard.h — resident ID numbers (居民身份证号码, GB 11643-1999).
 *
 * 18 characters: 6-digit address code, birth date YYYYMMDD, 3-digit sequence
 * (odd = male), check character from ISO 7064 MOD 11-2.  First-generation
 * 15-digit numbers (YYMMDD, no check character) are accepted and converted to
 * 18 digits by inserting "19" and computing the check character.
 * Gender and birth date are derived from the number, never typed. */
#ifndef JN_IDCARD_H
#define JN_IDCARD_H

#include <stddef.h>

typedef enum id_status {
	ID_OK = 0,
	ID_EMPTY,     /* nothing given                                  */
	ID_LENGTH,    /* not 15 or 18 characters                        */
	ID_CHAR,      /* a character other than a digit (or a final X)  */
	ID_DATE,      /* birth date is not a real calendar date         */
	ID_FUTURE,    /* birth date after today                         */
	ID_TOO_OLD,   /* birth year before 1900                         */
	ID_REGION,    /* address code that never existed                */
	ID_CHECK,     /* wrong check character (expected one in info)   */
} id_status;

typedef struct id_info {
	char number[19];    /* normalised 18-character number, X upper-case */
	char region[7];     /* address code                                  */
	char birth_date[11];/* ISO 8601 YYYY-MM-DD                           */
	char gender;        /* 'M' or 'F'                                    */
	int converted;      /* 1 when converted from a 15-digit number       */
	char expected_check;/* on ID_CHECK: the check character it should be */
	int bad_pos;        /* on ID_CHAR: 1-based position of the bad char  */
	int length;         /* on ID_LENGTH: characters given                */
	char bad_char[8];   /* on ID_CHAR: the bad char (UTF-8, or "\xNN" / "U+NNNN" when unprintable) */
} id_info;

/* Parses and validates s (len bytes, surrounding ASCII spaces ignored, a
 * lower-case x accepted).  today is YYYYMMDD as an integer (e.g. 20261121);
 * the caller passes it so the core stays free of clocks.  info is filled as
 * far as parsing got. */
id_status id_parse(const char *s, size_t len, int today, id_info *info);

/* "男" or "女" from the 17th digit of a stored (normalised, 18-character)
 * number, or NULL for anything else (a passport, a foreign ID). */
const char *id_gender_zh(const char *number18);

/* The check character for the first 17 digits of an 18-digit number. */
char id_check_char(const char *first17);

/* Stable code ("id_check_mismatch", ...) and a Chinese explanation written
 * into buf (uses info for the expected check character / bad position). */
const char *id_status_code(id_status st);
void id_status_message(id_status st, const id_info *info, char *buf, size_t cap);

#endif
