/* regions.c — look-ups in the division table compiled from
 * data/divisions.csv (build/gen/regions_data.c, sorted by code). */
#include "regions.h"

#include <string.h>

static int is_code6(const char *s)
{
	if (!s)
		return 0;
	for (int i = 0; i < 6; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[6] == '\0';
}

const region_entry *region_find(const char *code6)
{
	if (!is_code6(code6))
		return NULL;
	int lo = 0, hi = REGIONS_COUNT - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int c = strcmp(code6, REGIONS[mid].code);
		if (c == 0)
			return &REGIONS[mid];
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return NULL;
}

void region_prefix(const char *code6, char *out)
{
	if (!out)
		return;
	size_t n = 0;
	if (code6)
		while (n < 6 && code6[n])
			n++;
	if (code6 && n)
		memcpy(out, code6, n);
	out[n] = '\0';
	if (n != 6)
		return;
	if (memcmp(out + 2, "0000", 4) == 0)
		out[2] = '\0';
	else if (memcmp(out + 4, "00", 2) == 0)
		out[4] = '\0';
}

const char *region_resolve(const char *text)
{
	size_t n = strlen(text);
	if (n == 6) {
		const region_entry *r = region_find(text);
		return r && r->current ? r->code : NULL;
	}
	/* By name: a county name alone, or prefixed by its city's (or
	 * province's and city's) name.  Unique among current codes only. */
	const char *found = NULL;
	int hits = 0;
	for (int i = 0; i < REGIONS_COUNT; i++) {
		const region_entry *r = &REGIONS[i];
		if (!r->current || strcmp(r->name, "市辖区") == 0)
			continue;
		size_t rn = strlen(r->name);
		if (rn > n || strcmp(text + n - rn, r->name) != 0)
			continue;
		/* What precedes the name must be the names of its parents. */
		size_t rest = n - rn;
		const region_entry *p = r->parent[0] ? region_find(r->parent) : NULL;
		while (rest > 0 && p) {
			size_t pn = strlen(p->name);
			if (pn <= rest && strncmp(text + rest - pn, p->name, pn) == 0)
				rest -= pn;
			p = p->parent[0] ? region_find(p->parent) : NULL;
		}
		if (rest == 0) {
			found = r->code;
			hits++;
		}
	}
	return hits == 1 ? found : NULL;
}
