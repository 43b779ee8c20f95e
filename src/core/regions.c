/* regions.c — look-ups in the division table compiled from
 * data/divisions.csv (build/gen/regions_data.c, sorted by code). */
#include "regions.h"

#include <pthread.h>
#include <stdlib.h>
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

/* Current entries (市辖区 aside) sorted by name, built once: resolving a
 * name looks up each suffix of the text instead of scanning the table. */
static int *by_name;
static int by_name_count;
static pthread_once_t by_name_once = PTHREAD_ONCE_INIT;

static int cmp_by_name(const void *a, const void *b)
{
	return strcmp(REGIONS[*(const int *)a].name, REGIONS[*(const int *)b].name);
}

static void build_by_name(void)
{
	by_name = malloc(sizeof *by_name * (size_t)REGIONS_COUNT);
	if (!by_name)
		return;
	for (int i = 0; i < REGIONS_COUNT; i++)
		if (REGIONS[i].current && strcmp(REGIONS[i].name, "市辖区") != 0)
			by_name[by_name_count++] = i;
	qsort(by_name, (size_t)by_name_count, sizeof *by_name, cmp_by_name);
}

/* First index in by_name whose name is >= name. */
static int lower_bound(const char *name)
{
	int lo = 0, hi = by_name_count;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (strcmp(REGIONS[by_name[mid]].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* 1 when text[0..rest) is made of the names of r's parents, nearest last
 * (each may be left out). */
static int parents_match(const region_entry *r, const char *text, size_t rest)
{
	const region_entry *p = r->parent[0] ? region_find(r->parent) : NULL;
	while (rest > 0 && p) {
		size_t pn = strlen(p->name);
		if (pn <= rest && strncmp(text + rest - pn, p->name, pn) == 0)
			rest -= pn;
		p = p->parent[0] ? region_find(p->parent) : NULL;
	}
	return rest == 0;
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
	pthread_once(&by_name_once, build_by_name);
	if (!by_name)
		return NULL;
	const char *found = NULL;
	int hits = 0;
	for (size_t start = 0; start < n; start++) {
		if (((unsigned char)text[start] & 0xC0) == 0x80)
			continue; /* not the start of a UTF-8 character */
		for (int k = lower_bound(text + start); k < by_name_count; k++) {
			const region_entry *r = &REGIONS[by_name[k]];
			if (strcmp(r->name, text + start) != 0)
				break;
			if (parents_match(r, text, start)) {
				found = r->code;
				hits++;
			}
		}
	}
	return hits == 1 ? found : NULL;
}

int region_codes_under(const char *prefix, const char **out, int cap)
{
	size_t n = strlen(prefix);
	int k = 0, lo = 0, hi = REGIONS_COUNT;
	/* REGIONS is sorted by code: the codes under a prefix are contiguous
	 * and start at the first code >= prefix. */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (strncmp(REGIONS[mid].code, prefix, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (int i = lo; i < REGIONS_COUNT; i++) {
		int c = strncmp(REGIONS[i].code, prefix, n);
		if (c > 0)
			break;
		if (c < 0 || !REGIONS[i].current)
			continue;
		if (k == cap)
			return -1;
		out[k++] = REGIONS[i].code;
	}
	return k;
}
