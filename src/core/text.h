/* text.h — UTF-8 text as the platform keeps it.
 *
 * Everything inside is UTF-8 in Unicode NFC.  Names are trimmed of ASCII and
 * full-width (U+3000) spaces, inner runs of spaces collapse to one, the
 * middle-dot variants used in minority and foreign names (• ・ ‧ ．. and
 * U+30FB, U+2027, U+FF0E, U+2022) become U+00B7 "·", and control characters
 * are refused.  In names a space next to a non-ASCII character is padding
 * ("张　三" -> "张三", "阿依古丽 · 买买提" -> "阿依古丽·买买提"); a space
 * between Latin words stays. */
#ifndef JN_TEXT_H
#define JN_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the code point at s (len > 0 bytes available) into *cp and returns
 * its length in bytes (1..4); returns 0 when the bytes there are not a
 * well-formed sequence (then *cp is the first byte). */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* 1 if the len bytes are well-formed UTF-8 (no overlongs, no surrogates). */
int utf8_valid(const char *s, size_t len);

/* Number of code points in well-formed UTF-8. */
size_t utf8_length(const char *s, size_t len);

typedef enum text_status {
	TEXT_OK = 0,
	TEXT_EMPTY,    /* nothing left after trimming   */
	TEXT_UTF8,     /* not well-formed UTF-8         */
	TEXT_CONTROL,  /* contains a control character  */
	TEXT_TOO_LONG, /* more than max_chars           */
} text_status;

/* Normalises free text of at most max_chars code points: NFC, trimmed,
 * controls refused (tab and newline too).  Writes a NUL-terminated copy to a
 * malloc'd *out (caller frees) on TEXT_OK. */
text_status text_normalize(const char *s, size_t len, size_t max_chars, char **out);

/* Like text_normalize, plus the name rules above (spaces collapse, dots unify). */
text_status text_normalize_name(const char *s, size_t len, size_t max_chars, char **out);

const char *text_status_code(text_status st);
const char *text_status_message(text_status st);

#endif
