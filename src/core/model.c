/* model.c — names of roles and organisation kinds (English codes and
 * Chinese labels), and the skill-level ladder from data/levels.csv. */
#include "model.h"

#include <stddef.h>
#include <string.h>

static const struct {
	role r;
	const char *name;
	const char *zh;
} ROLES[] = {
	{ROLE_ADMIN, "admin", "市人社局管理员"},
	{ROLE_COUNTY, "county", "县级经办员"},
	{ROLE_EVALUATOR, "evaluator", "评价机构"},
	{ROLE_TRAINER, "trainer", "培训机构"},
	{ROLE_EMPLOYER, "employer", "用人单位"},
	{ROLE_WORKER, "worker", "劳动者"},
};
#define NROLES (sizeof ROLES / sizeof ROLES[0])

const char *role_name(role r)
{
	for (size_t i = 0; i < NROLES; i++)
		if (ROLES[i].r == r)
			return ROLES[i].name;
	return "none";
}

role role_parse(const char *s)
{
	if (!s)
		return ROLE_NONE;
	for (size_t i = 0; i < NROLES; i++)
		if (strcmp(s, ROLES[i].name) == 0 || strcmp(s, ROLES[i].zh) == 0)
			return ROLES[i].r;
	return ROLE_NONE;
}

const char *role_name_zh(role r)
{
	for (size_t i = 0; i < NROLES; i++)
		if (ROLES[i].r == r)
			return ROLES[i].zh;
	return "无";
}

static const struct {
	org_kind k;
	const char *name;
	const char *zh;
} KINDS[] = {
	{ORG_EMPLOYER, "employer", "用人单位"},
	{ORG_TRAINER, "trainer", "培训机构"},
	{ORG_EVALUATOR, "evaluator", "评价机构"},
	{ORG_SCHOOL, "school", "技工院校"},
};
#define NKINDS (sizeof KINDS / sizeof KINDS[0])

const char *org_kind_name(org_kind k)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (KINDS[i].k == k)
			return KINDS[i].name;
	return "";
}

const char *org_kind_name_zh(org_kind k)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (KINDS[i].k == k)
			return KINDS[i].zh;
	return "";
}

org_kind org_kind_parse(const char *s)
{
	if (!s)
		return (org_kind)0;
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(s, KINDS[i].name) == 0 || strcmp(s, KINDS[i].zh) == 0)
			return KINDS[i].k;
	return (org_kind)0;
}

/* data/levels.csv */
const level_info LEVELS[8] = {
	{1, "学徒工", "", 0},
	{2, "初级工", "五级", 5},
	{3, "中级工", "四级", 4},
	{4, "高级工", "三级", 3},
	{5, "技师", "二级", 2},
	{6, "高级技师", "一级", 1},
	{7, "特级技师", "", 0},
	{8, "首席技师", "", 0},
};

const level_info *level_by_rank(int rank)
{
	if (rank < 1 || rank > 8)
		return NULL;
	return &LEVELS[rank - 1];
}

/* Length of a space (ASCII or U+3000) at p, 0 if none. */
static size_t space_at(const char *p, size_t len)
{
	if (len >= 1 && (p[0] == ' ' || p[0] == '\t'))
		return 1;
	if (len >= 3 && memcmp(p, "\xE3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

static void trim(const char **p, size_t *len)
{
	size_t n;
	while (*len && (n = space_at(*p, *len)) != 0) {
		*p += n;
		*len -= n;
	}
	for (;;) {
		if (*len >= 1 && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t'))
			*len -= 1;
		else if (*len >= 3 && memcmp(*p + *len - 3, "\xE3\x80\x80", 3) == 0)
			*len -= 3;
		else
			break;
	}
}

/* The rank one trimmed, non-empty token names; 0 when none. */
static int token_rank(const char *p, size_t len)
{
	if (len <= 2) {
		int v = 0;
		for (size_t i = 0; i < len; i++) {
			if (p[i] < '0' || p[i] > '9')
				return 0;
			v = v * 10 + (p[i] - '0');
		}
		return v >= 1 && v <= 8 ? v : 0;
	}
	for (int i = 0; i < 8; i++) {
		const level_info *l = &LEVELS[i];
		if (strlen(l->name) == len && memcmp(l->name, p, len) == 0)
			return l->rank;
		if (l->national[0] && strlen(l->national) == len && memcmp(l->national, p, len) == 0)
			return l->rank;
	}
	return 0;
}

/* Separators between the two written forms: / ／ ( ) （ ）. */
static size_t sep_at(const char *p, size_t len)
{
	if (p[0] == '/' || p[0] == '(' || p[0] == ')')
		return 1;
	if (len >= 3 && (memcmp(p, "\xEF\xBC\x8F", 3) == 0 ||  /* ／ */
			 memcmp(p, "\xEF\xBC\x88", 3) == 0 ||  /* （ */
			 memcmp(p, "\xEF\xBC\x89", 3) == 0))   /* ） */
		return 3;
	return 0;
}

/* Every written token must name the same rank: "四级/中级工" is 3,
 * "四级/高级工" is nothing. */
int level_parse(const char *s)
{
	if (!s)
		return 0;
	size_t len = strlen(s), tok = 0, i = 0;
	int rank = 0;
	while (i <= len) {
		size_t n = i < len ? sep_at(s + i, len - i) : 1;
		if (n == 0) {
			i++;
			continue;
		}
		const char *p = s + tok;
		size_t tl = i - tok;
		trim(&p, &tl);
		if (tl) {
			int r = token_rank(p, tl);
			if (r == 0 || (rank && r != rank))
				return 0;
			rank = r;
		}
		i += n;
		tok = i;
	}
	return rank;
}
