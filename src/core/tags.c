/* tags.c — parsing and testing lists of a worker's groups. */
#include "core/tags.h"

#include <stdio.h>
#include <string.h>

const char *const PERSON_TAGS[] = {"脱贫户",     "低保家庭", "退役军人",   "残疾人",     "高校毕业生",
				   "农村转移劳动力", "失业人员", "就业困难人员", "农民工", "返乡创业人员"};
const int PERSON_TAGS_COUNT = (int)(sizeof PERSON_TAGS / sizeof PERSON_TAGS[0]);

/* Separators: ASCII , ; space tab newline, and full-width ，、；　 */
static size_t sep_len(const char *p)
{
	if (*p == ',' || *p == ';' || *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '|')
		return 1;
	static const char *const wide[] = {"，", "、", "；", "　"};
	for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (strncmp(p, wide[i], strlen(wide[i])) == 0)
			return strlen(wide[i]);
	return 0;
}

int tags_normalise(const char *in, char *out, size_t cap, char *bad, size_t badcap)
{
	int have[32] = {0};
	const char *p = in ? in : "";
	while (*p) {
		size_t s = sep_len(p);
		if (s) {
			p += s;
			continue;
		}
		const char *start = p;
		while (*p && !sep_len(p))
			p++;
		size_t n = (size_t)(p - start);
		int k = -1;
		for (int i = 0; i < PERSON_TAGS_COUNT && k < 0; i++)
			if (strlen(PERSON_TAGS[i]) == n && memcmp(PERSON_TAGS[i], start, n) == 0)
				k = i;
		if (k < 0) {
			if (bad && badcap) {
				/* Cut at a character boundary. */
				size_t m = n < badcap - 1 ? n : badcap - 1;
				while (m > 0 && m < n && ((unsigned char)start[m] & 0xC0) == 0x80)
					m--;
				memcpy(bad, start, m);
				bad[m] = '\0';
			}
			return -1;
		}
		have[k] = 1;
	}
	size_t o = 0;
	if (cap)
		out[0] = '\0';
	for (int i = 0; i < PERSON_TAGS_COUNT; i++)
		if (have[i]) {
			int w = snprintf(out + o, cap > o ? cap - o : 0, "%s%s", o ? "," : "", PERSON_TAGS[i]);
			if (w < 0 || (size_t)w >= cap - o)
				return -1;
			o += (size_t)w;
		}
	return 0;
}

int tags_has(const char *list, const char *tag)
{
	size_t n = strlen(tag);
	for (const char *p = list; p && *p;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (len == n && memcmp(p, tag, n) == 0)
			return 1;
		p = c ? c + 1 : NULL;
	}
	return 0;
}
