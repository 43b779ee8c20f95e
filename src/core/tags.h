/* tags.h — the groups a worker belongs to (人员类别), which policies and
 * voucher rules select on: 脱贫户, 退役军人, 残疾人, 高校毕业生, … */
#ifndef JN_TAGS_H
#define JN_TAGS_H

#include <stddef.h>

/* The known groups, in the order a record lists them. */
extern const char *const PERSON_TAGS[];
extern const int PERSON_TAGS_COUNT;

/* Reads a list of groups as people type it (separated by commas, 、, ；,
 * spaces; full-width too) into the canonical form "脱贫户,残疾人": known
 * groups only, each once, in PERSON_TAGS order.  Returns 0, or -1 with the
 * first unknown group's text in bad (cut to badcap). */
int tags_normalise(const char *in, char *out, size_t cap, char *bad, size_t badcap);
/* 1 when the canonical list has the group. */
int tags_has(const char *list, const char *tag);

#endif
