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
