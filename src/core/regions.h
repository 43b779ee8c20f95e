/* regions.h — the division codes compiled into the binary.
 *
 * Generated at build time from data/divisions.csv into build/gen/regions_data.c
 * (sorted by code).  Historical codes are included: old ID numbers carry them. */
#ifndef JN_REGIONS_H
#define JN_REGIONS_H

typedef struct region_entry {
	const char *code;   /* 6 digits                                   */
	const char *name;
	char kind;          /* 'P' province, 'C' prefecture (city), 'X' county */
	const char *parent; /* "" for provinces                           */
	int current;        /* 1 in force, 0 historical                   */
} region_entry;

extern const region_entry REGIONS[];
extern const int REGIONS_COUNT;

/* Binary search; NULL when the code never existed. */
const region_entry *region_find(const char *code6);

/* Resolves a region given as a code or a name ("红塔区", "玉溪市红塔区") to a
 * current code; NULL when unknown, historical or ambiguous. */
const char *region_resolve(const char *text);

/* The prefix shared by a code and everything under it: "53" for 530000,
 * "5304" for 530400, "530402" for 530402.  Writes into out (cap >= 7). */
void region_prefix(const char *code6, char *out);

/* The current codes starting with prefix (in code order) into out; their
 * number, or -1 when there are more than cap. */
int region_codes_under(const char *prefix, const char **out, int cap);

#endif
