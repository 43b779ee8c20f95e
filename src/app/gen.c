/* gen.c — a deterministic generator of realistic synthetic registry data:
 * the persons and organisations a county office of 曲靖, 玉溪 or 红河 would
 * send.  The persons follow bench/gen_persons.py (same word lists, same
 * distributions), plus the 15-digit ID numbers older records still carry.
 *
 * Deterministic on every machine: all draws come from one xoshiro256**
 * stream seeded through splitmix64, and every weighted choice is made over
 * integer weights.  The two Zipf tables are computed with pow() once and
 * rounded to integers of about nine digits, far coarser than any libm's
 * error, so they come out the same everywhere.
 *
 * Memory stays flat however many records are drawn: only the set of
 * numbers handed out grows (a packed uint64 per record, half-full table). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/idcard.h"
#include "core/regions.h"
#include "core/text.h"
#include "core/uscc.h"
#include "io/table.h"

/* ---- word lists (bench/gen_persons.py) --------------------------------- */

/* Approximate resident population (10,000s, 2020 census, rounded); only the
 * proportions matter.  Counties not listed get DEFAULT_POP. */
static const struct {
	const char *code;
	unsigned pop;
} POPULATION[] = {
	/* 曲靖 */
	{"530302", 87}, {"530303", 44}, {"530304", 19}, {"530322", 62}, {"530323", 39}, {"530324", 55},
	{"530325", 72}, {"530326", 92}, {"530381", 130},
	/* 玉溪 */
	{"530402", 61}, {"530403", 27}, {"530423", 30}, {"530424", 21}, {"530425", 17}, {"530426", 16},
	{"530427", 27}, {"530428", 20}, {"530481", 17},
	/* 红河 */
	{"532501", 41}, {"532502", 33}, {"532503", 61}, {"532504", 56}, {"532523", 15}, {"532524", 53},
	{"532525", 31}, {"532527", 41}, {"532528", 40}, {"532529", 30}, {"532530", 36}, {"532531", 23},
	{"532532", 11},
};
#define DEFAULT_POP 25
static const char *const CITIES[] = {"5303", "5304", "5325"};

/* Character pools: every character is 3 bytes of UTF-8 (checked at open).
 * Surnames most common first; a few local ones at the end. */
static const char SURNAMES[] =
	"李王张刘杨陈赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
	"薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常"
	"武乔贺赖龚文普字李沙刀者矣起施";
static const char GIVEN_MALE[] = "伟强磊军勇杰涛明超华刚平辉鹏斌波建国庆文志忠海林峰宇浩俊凯鑫昊然亮成龙飞云翔东兴旺福贵才荣";
static const char GIVEN_FEMALE[] = "芳娜敏静丽艳娟霞秀英华玲红梅燕琳雪丹萍倩婷琴慧莉洁颖欣怡佳晶蓉凤兰桂珍云月琼美彩香春";
static const char GIVEN_ANY[] = "永家子晓小学春建金德玉立世光天正国明新少会绍朝";
#define POOL_SIZE(s) ((int)(sizeof(s) - 1) / 3)

static const char *const EDUCATION[] = {"小学", "初中", "高中", "中专", "技工学校", "大专", "本科", "硕士研究生"};
static const unsigned EDUCATION_W[] = {8, 34, 16, 14, 6, 13, 8, 1};
/* Rank 0 (blank) … 8 (首席技师), weights in hundredths of a per cent. */
static const unsigned LEVEL_W[] = {300, 500, 4000, 2700, 1600, 650, 220, 25, 5};

/* Trades most people are certified in; first in the Zipf order when present. */
static const char *const COMMON_OCCUPATIONS[] = {
	"焊工",	    "电工",	      "中式烹调师", "家政服务员", "养老护理员", "保育师",	     "中式面点师",
	"汽车维修工", "美发师",	      "美容师",	"农艺工",	    "茶叶加工工", "砌筑工",	     "钢筋工",
	"电子商务师", "餐厅服务员", "保安员",	"装饰装修工", "车工",	      "家畜饲养员", "茶艺师",
	"混凝土工",   "架子工",	      "健康管理师", "电梯安装维修工", "铣工", "农业技术员"};

static const char *const EMPLOYER_WORDS[] = {"兴达", "恒通", "鑫源", "宏远", "华泰", "金鼎", "顺发", "永盛",
					     "云岭", "红土", "滇中", "彩云", "南盘江", "抚仙", "珠江源", "高原",
					     "同创", "联丰", "瑞丰", "天和", "民生", "康泰", "锦程", "新城"};
static const char *const EMPLOYER_TRADES[] = {"机械制造", "建筑工程", "汽车维修", "餐饮管理", "家政服务",
					      "物业服务", "电力安装", "茶业",	  "烟草",     "农业科技",
					      "劳务派遣", "商贸",	  "化工",	  "矿业",     "物流",
					      "养老服务", "酒店管理", "装饰工程", "食品加工", "电子科技"};
/* Each suffix with its weight and the credit code's first two characters
 * (GB 32100: 91 company, 92 sole trader, 93 farmers' cooperative). */
static const struct {
	const char *suffix;
	unsigned w;
	const char *authority;
} EMPLOYER_SUFFIX[] = {{"有限公司", 60, "91"}, {"有限责任公司", 15, "91"}, {"股份有限公司", 5, "91"},
		       {"厂", 8, "91"},	      {"合作社", 5, "93"},	     {"经营部", 7, "92"}};
/* Public employers, after the county's name; 11 organ of state, 12 public
 * institution, 91 state-owned company. */
static const struct {
	const char *name;
	const char *authority;
} PUBLIC_EMPLOYERS[] = {{"人民医院", "12"}, {"第一中学", "12"}, {"职业技术学校", "12"}, {"供电局", "91"},
			{"自来水公司", "91"}, {"人民政府", "11"}, {"卷烟厂", "91"}};
static const char *const PHONE_PREFIXES[] = {"130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
					     "151", "152", "153", "155", "157", "158", "159", "166", "173", "177",
					     "180", "181", "182", "183", "187", "188", "189", "191", "198", "199"};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *const GEN_PERSON_HEADER[GEN_PERSON_COLS] = {"姓名",	"身份证号", "性别",	"手机号",  "所属地区",
							"职业",	"技能等级", "工作单位", "文化程度"};
const char *const GEN_VALUES_HEADER[GEN_VALUES_COLS] = {
	"id_number", "name",	 "gender",    "birth_date", "region",	  "phone",  "occupation",
	"level",     "employer", "education", "created_at", "updated_at", "version"};
const char *const GEN_ORG_HEADER[GEN_ORG_COLS] = {"统一社会信用代码", "名称", "类型", "所属地区", "联系电话"};

/* ---- random numbers ------------------------------------------------------ */

typedef struct rng {
	uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* xoshiro256** (Blackman and Vigna). */
static uint64_t rng_next(rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* Uniform in [0, n), n > 0, unbiased (Lemire's multiply-and-reject). */
static uint64_t rng_below(rng *r, uint64_t n)
{
	unsigned __int128 m = (unsigned __int128)rng_next(r) * n;
	if ((uint64_t)m < n) {
		uint64_t floor = -n % n;
		while ((uint64_t)m < floor)
			m = (unsigned __int128)rng_next(r) * n;
	}
	return (uint64_t)(m >> 64);
}

static int rng_pick(rng *r, int n) { return (int)rng_below(r, (uint64_t)n); }

/* 1 with probability per_mille / 1000. */
static int chance(rng *r, unsigned per_mille) { return rng_below(r, 1000) < per_mille; }

/* ---- weighted choice over integer weights ----------------------------- */

typedef struct wtable {
	int n;
	uint64_t *cum; /* cum[i] = weights[0] + … + weights[i] */
} wtable;

static int wt_init(wtable *w, int n, const unsigned *weights)
{
	w->n = n;
	w->cum = malloc(sizeof *w->cum * (size_t)(n ? n : 1));
	if (!w->cum)
		return -1;
	uint64_t t = 0;
	for (int i = 0; i < n; i++)
		w->cum[i] = t += weights[i];
	return n > 0 && t > 0 ? 0 : -1;
}

static int wt_draw(const wtable *w, rng *r)
{
	uint64_t x = rng_below(r, w->cum[w->n - 1]);
	int lo = 0, hi = w->n - 1; /* the first i with cum[i] > x */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (w->cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Zipf-like weights 1 / (rank + offset)^s as integers. */
static int wt_zipf(wtable *w, int n, double offset, double s)
{
	unsigned *wt = malloc(sizeof *wt * (size_t)(n ? n : 1));
	if (!wt)
		return -1;
	for (int i = 0; i < n; i++)
		wt[i] = (unsigned)llround(1e9 / pow(i + offset, s));
	int rc = wt_init(w, n, wt);
	free(wt);
	return rc;
}

/* ---- the set of keys handed out (ID bodies, organisation codes) -------- */

/* Open addressing over uint64 keys (never 0), at most half full, so about
 * 16 bytes per key. */
typedef struct keyset {
	uint64_t *slot;
	size_t cap, n;
} keyset;

static size_t ks_home(uint64_t key, size_t cap)
{
	return (size_t)(((unsigned __int128)(key * 0x9E3779B97F4A7C15ull) * cap) >> 64);
}

static int ks_init(keyset *k, size_t expect)
{
	k->cap = expect * 2 + 64;
	k->n = 0;
	k->slot = calloc(k->cap, sizeof *k->slot);
	return k->slot ? 0 : -1;
}

static void ks_put(uint64_t *slot, size_t cap, uint64_t key)
{
	size_t h = ks_home(key, cap);
	while (slot[h])
		h = h + 1 == cap ? 0 : h + 1;
	slot[h] = key;
}

static int ks_grow(keyset *k)
{
	size_t ncap = k->cap * 2;
	uint64_t *ns = calloc(ncap, sizeof *ns);
	if (!ns)
		return -1;
	for (size_t i = 0; i < k->cap; i++)
		if (k->slot[i])
			ks_put(ns, ncap, k->slot[i]);
	free(k->slot);
	k->slot = ns;
	k->cap = ncap;
	return 0;
}

/* 1 added, 0 already there, -1 out of memory. */
static int ks_add(keyset *k, uint64_t key)
{
	if ((k->n + 1) * 2 > k->cap && ks_grow(k) != 0)
		return -1;
	size_t h = ks_home(key, k->cap);
	for (; k->slot[h]; h = h + 1 == k->cap ? 0 : h + 1)
		if (k->slot[h] == key)
			return 0;
	k->slot[h] = key;
	k->n++;
	return 1;
}

/* ---- calendar (proleptic Gregorian, days since 1970-01-01) ------------- */

static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* ---- the generator --------------------------------------------------------- */

typedef struct county {
	const char *code;
	char name[96]; /* city + county: "玉溪市红塔区" */
} county;

typedef struct occ {
	char *code, *name;
	int name_unique; /* the name picks this occupation in the whole catalogue */
} occ;

struct gen {
	rng r;
	county *counties;
	int ncounties;
	wtable county_w, surname_w, level_w, edu_w, suffix_w, occ_w, kind_w;
	occ *occs; /* in Zipf order: common trades first, the rest shuffled */
	int nocc;
	keyset ids, orgcodes; /* made on first use, sized for expect */
	size_t expect;
	int64_t day0, ndays; /* births: day0 … day0 + ndays - 1 */
};

static int is_gen_city(const char *code)
{
	for (int i = 0; i < COUNT(CITIES); i++)
		if (strncmp(code, CITIES[i], 4) == 0)
			return 1;
	return 0;
}

static unsigned population_of(const char *code)
{
	for (int i = 0; i < COUNT(POPULATION); i++)
		if (strcmp(POPULATION[i].code, code) == 0)
			return POPULATION[i].pop;
	return DEFAULT_POP;
}

/* The current counties of the three cities, from the compiled-in table. */
static int load_counties(gen *g)
{
	g->counties = calloc((size_t)REGIONS_COUNT, sizeof *g->counties);
	unsigned *w = calloc((size_t)REGIONS_COUNT, sizeof *w);
	if (!g->counties || !w) {
		free(w);
		return -1;
	}
	for (int i = 0; i < REGIONS_COUNT; i++) {
		const region_entry *r = &REGIONS[i];
		if (r->kind != 'X' || !r->current || !is_gen_city(r->code) || strcmp(r->name, "市辖区") == 0)
			continue;
		const region_entry *city = region_find(r->parent);
		county *c = &g->counties[g->ncounties];
		c->code = r->code;
		snprintf(c->name, sizeof c->name, "%s%s", city ? city->name : "", r->name);
		w[g->ncounties++] = population_of(r->code);
	}
	int rc = g->ncounties ? wt_init(&g->county_w, g->ncounties, w) : -1;
	free(w);
	return rc;
}

/* ---- the occupation catalogue ---- */

typedef struct occ_load {
	int header_seen;
	int col[3]; /* code, name, kind */
	char **names; /* every row's name, for the uniqueness count */
	int nnames, cap;
	occ *occs;
	int nocc;
	int failed;
} occ_load;

static int occ_row(void *ctx, long rowno, int nf, const char *const *f)
{
	(void)rowno;
	occ_load *l = ctx;
	static const char *const cols[3] = {"code", "name", "kind"};
	if (!l->header_seen) {
		l->header_seen = 1;
		for (int k = 0; k < 3; k++) {
			l->col[k] = -1;
			for (int i = 0; i < nf; i++)
				if (strcmp(f[i], cols[k]) == 0)
					l->col[k] = i;
			if (l->col[k] < 0)
				return l->failed = 1;
		}
		return 0;
	}
	const char *v[3];
	for (int k = 0; k < 3; k++)
		v[k] = l->col[k] < nf ? f[l->col[k]] : "";
	if (!v[0][0])
		return 0;
	if (l->nnames == l->cap) {
		int ncap = l->cap ? l->cap * 2 : 1024;
		char **nn = realloc(l->names, sizeof *nn * (size_t)ncap);
		occ *no = realloc(l->occs, sizeof *no * (size_t)ncap);
		if (nn)
			l->names = nn;
		if (no)
			l->occs = no;
		if (!nn || !no)
			return l->failed = 1;
		l->cap = ncap;
	}
	if (!(l->names[l->nnames++] = strdup(v[1])))
		return l->failed = 1;
	if (strcmp(v[2], "occupation") == 0) {
		occ *o = &l->occs[l->nocc++];
		o->code = strdup(v[0]);
		o->name = strdup(v[1]);
		o->name_unique = 0;
		if (!o->code || !o->name)
			return l->failed = 1;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Marks the occupations whose name no other catalogue row has: only those
 * can be written by name (jineng resolves a name to one code). */
static void mark_unique_names(occ_load *l)
{
	qsort(l->names, (size_t)l->nnames, sizeof *l->names, cmp_str);
	for (int i = 0; i < l->nocc; i++) {
		char *key = l->occs[i].name;
		char **hit = bsearch(&key, l->names, (size_t)l->nnames, sizeof *l->names, cmp_str);
		int before = hit > l->names && strcmp(hit[-1], key) == 0;
		int after = hit + 1 < l->names + l->nnames && strcmp(hit[1], key) == 0;
		l->occs[i].name_unique = !before && !after;
	}
}

/* Common trades first (in COMMON_OCCUPATIONS order), the rest shuffled. */
static void order_occupations(gen *g)
{
	int head = 0;
	for (int c = 0; c < COUNT(COMMON_OCCUPATIONS); c++)
		for (int i = head; i < g->nocc; i++)
			if (strcmp(g->occs[i].name, COMMON_OCCUPATIONS[c]) == 0) {
				occ t = g->occs[i];
				memmove(&g->occs[head + 1], &g->occs[head], sizeof t * (size_t)(i - head));
				g->occs[head++] = t;
				break;
			}
	for (int i = g->nocc - 1; i > head; i--) {
		int j = head + rng_pick(&g->r, i - head + 1);
		occ t = g->occs[i];
		g->occs[i] = g->occs[j];
		g->occs[j] = t;
	}
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0, r;
	do {
		if (n + 65536 > cap) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 1 << 18);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		n += r = fread(buf + n, 1, cap - n, f);
	} while (r > 0);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static int load_occupations(gen *g, const char *datadir, char *err, size_t errcap)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/occupations-2022.csv", datadir);
	size_t len, ulen;
	char *raw = read_file(path, &len), *utf8 = NULL;
	if (!raw) {
		snprintf(err, errcap, "无法读取职业目录 %s", path);
		return -1;
	}
	text_encoding enc;
	occ_load l = {0};
	int rc = text_to_utf8(raw, len, &utf8, &ulen, &enc, err, errcap);
	free(raw);
	if (rc == TABLE_OK)
		rc = csv_read(utf8, ulen, occ_row, &l, err, errcap);
	free(utf8);
	if (rc == TABLE_OK && !l.failed && l.nocc > 0)
		mark_unique_names(&l);
	else if (!err[0] || l.failed)
		snprintf(err, errcap, "职业目录 %s 无法使用（应有 code、name、kind 列和 occupation 行）", path);
	for (int i = 0; i < l.nnames; i++)
		free(l.names[i]);
	free(l.names);
	g->occs = l.occs;
	g->nocc = l.nocc;
	if (rc != TABLE_OK || l.failed || l.nocc == 0)
		return -1;
	order_occupations(g);
	/* Zipf-like: weight 1 / (rank + 3)^1.05 */
	return wt_zipf(&g->occ_w, g->nocc, 3, 1.05);
}

static int pools_well_formed(void)
{
	const char *pools[] = {SURNAMES, GIVEN_MALE, GIVEN_FEMALE, GIVEN_ANY};
	for (int i = 0; i < COUNT(pools); i++)
		if (strlen(pools[i]) % 3 || utf8_length(pools[i], strlen(pools[i])) * 3 != strlen(pools[i]))
			return 0;
	return 1;
}

static void gen_free(gen *g)
{
	for (int i = 0; i < g->nocc; i++) {
		free(g->occs[i].code);
		free(g->occs[i].name);
	}
	free(g->occs);
	free(g->counties);
	wtable *w[] = {&g->county_w, &g->surname_w, &g->level_w, &g->edu_w, &g->suffix_w, &g->occ_w, &g->kind_w};
	for (int i = 0; i < COUNT(w); i++)
		free(w[i]->cum);
	free(g->ids.slot);
	free(g->orgcodes.slot);
	free(g);
}

/* The fixed tables: everything but the occupation catalogue. */
static int init_tables(gen *g)
{
	unsigned suffix_w[COUNT(EMPLOYER_SUFFIX)];
	for (int i = 0; i < COUNT(EMPLOYER_SUFFIX); i++)
		suffix_w[i] = EMPLOYER_SUFFIX[i].w;
	/* employer, trainer, evaluator, school (org_kind order) */
	static const unsigned KIND_W[] = {80, 10, 6, 4};
	if (!pools_well_formed() || load_counties(g) != 0)
		return -1;
	/* surnames: weight 1 / (rank + 2)^0.9 */
	return wt_zipf(&g->surname_w, POOL_SIZE(SURNAMES), 2, 0.9) || wt_init(&g->level_w, COUNT(LEVEL_W), LEVEL_W) ||
			       wt_init(&g->edu_w, COUNT(EDUCATION_W), EDUCATION_W) ||
			       wt_init(&g->suffix_w, COUNT(suffix_w), suffix_w) ||
			       wt_init(&g->kind_w, COUNT(KIND_W), KIND_W)
		       ? -1
		       : 0;
}

jn_err gen_open(const char *datadir, uint64_t seed, int64_t expect, gen **out, char *err, size_t errcap)
{
	*out = NULL;
	if (errcap)
		err[0] = '\0';
	gen *g = calloc(1, sizeof *g);
	if (!g)
		return JN_ENOMEM;
	rng_seed(&g->r, seed);
	g->day0 = days_from_civil(1960, 1, 1);
	g->ndays = days_from_civil(2007, 1, 1) - g->day0;
	g->expect = expect > 0 ? (size_t)expect : 0;
	if (init_tables(g) != 0) {
		gen_free(g);
		return JN_ENOMEM;
	}
	if (datadir && load_occupations(g, datadir, err, errcap) != 0) {
		gen_free(g);
		return err[0] ? JN_EIO : JN_ENOMEM;
	}
	*out = g;
	return JN_OK;
}

void gen_close(gen *g)
{
	if (g)
		gen_free(g);
}

/* ---- persons ------------------------------------------------------------ */

/* Writes v as exactly width decimal digits (zero-padded). */
static void put_digits(char *dst, uint64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--, v /= 10)
		dst[i] = (char)('0' + v % 10);
}

static void put_char(char **w, const char *pool, int i)
{
	memcpy(*w, pool + 3 * i, 3);
	*w += 3;
}

/* 1 added, 0 taken, -1 out of memory: the set is made on first use. */
static int claim(gen *g, keyset *k, uint64_t key)
{
	if (!k->slot && ks_init(k, g->expect) != 0)
		return -1;
	return ks_add(k, key);
}

/* An unused ID number for someone of home born 1960–2006: the 17-digit
 * body is remembered, so a legacy 15-digit number converted to 18 digits
 * never meets another person's number either. */
static jn_err draw_id(gen *g, const county *home, int male, gen_person *gp)
{
	rng *r = &g->r;
	int y, m, d;
	char body[18];
	for (int tries = 0;; tries++) {
		if (tries == 10000)
			return JN_ETOOMANY; /* that county's numbers are all but used up */
		civil_from_days(g->day0 + (int64_t)rng_below(r, (uint64_t)g->ndays), &y, &m, &d);
		uint64_t seq = rng_below(r, 100), last = rng_below(r, 5) * 2 + (uint64_t)male;
		memcpy(body, home->code, 6);
		put_digits(body + 6, (uint64_t)y, 4);
		put_digits(body + 10, (uint64_t)m, 2);
		put_digits(body + 12, (uint64_t)d, 2);
		put_digits(body + 14, seq * 10 + last, 3);
		body[17] = '\0';
		int added = claim(g, &g->ids, strtoull(body, NULL, 10));
		if (added < 0)
			return JN_ENOMEM;
		if (added)
			break;
	}
	memcpy(gp->p.id_number, body, 17);
	gp->p.id_number[17] = id_check_char(body);
	gp->p.id_number[18] = '\0';
	if (y < 1985 && chance(r, 30)) { /* first-generation: address, YYMMDD, sequence */
		memcpy(gp->id_text, body, 6);
		memcpy(gp->id_text + 6, body + 8, 9);
		gp->id_text[15] = '\0';
	} else {
		memcpy(gp->id_text, gp->p.id_number, 19);
	}
	gp->p.gender = male ? 'M' : 'F';
	snprintf(gp->p.birth_date, sizeof gp->p.birth_date, "%.4s-%.2s-%.2s", body + 6, body + 10, body + 12);
	return JN_OK;
}

static void draw_name(gen *g, int male, char *out)
{
	rng *r = &g->r;
	const char *pool = male ? GIVEN_MALE : GIVEN_FEMALE;
	int np = male ? POOL_SIZE(GIVEN_MALE) : POOL_SIZE(GIVEN_FEMALE);
	char *w = out;
	put_char(&w, SURNAMES, wt_draw(&g->surname_w, r));
	if (!chance(r, 300)) { /* 30% have a one-character given name */
		if (chance(r, 400))
			put_char(&w, GIVEN_ANY, rng_pick(r, POOL_SIZE(GIVEN_ANY)));
		else
			put_char(&w, pool, rng_pick(r, np));
	}
	put_char(&w, pool, rng_pick(r, np));
	*w = '\0';
}

static void draw_mobile(rng *r, char *out)
{
	memcpy(out, PHONE_PREFIXES[rng_pick(r, COUNT(PHONE_PREFIXES))], 3);
	put_digits(out + 3, rng_below(r, 100000000), 8);
	out[11] = '\0';
}

/* "玉溪兴达机械制造有限公司", "玉溪市红塔区人民医院" or none; returns the
 * credit code's first two characters such an organisation has. */
static const char *draw_employer(gen *g, const county *c, char *out, size_t cap)
{
	rng *r = &g->r;
	int x = rng_pick(r, 100);
	if (x < 8) {
		out[0] = '\0';
		return "91";
	}
	if (x < 16) {
		int i = rng_pick(r, COUNT(PUBLIC_EMPLOYERS));
		snprintf(out, cap, "%s%s", c->name, PUBLIC_EMPLOYERS[i].name);
		return PUBLIC_EMPLOYERS[i].authority;
	}
	const char *word = EMPLOYER_WORDS[rng_pick(r, COUNT(EMPLOYER_WORDS))];
	const char *trade = EMPLOYER_TRADES[rng_pick(r, COUNT(EMPLOYER_TRADES))];
	int s = wt_draw(&g->suffix_w, r);
	/* The city's first two characters (six bytes of UTF-8): 玉溪, 红河 … */
	snprintf(out, cap, "%.6s%s%s%s", c->name, word, trade, EMPLOYER_SUFFIX[s].suffix);
	return EMPLOYER_SUFFIX[s].authority;
}

jn_err gen_person_next(gen *g, gen_person *gp)
{
	rng *r = &g->r;
	memset(gp, 0, sizeof *gp);
	if (!g->nocc)
		return JN_EINVAL; /* opened without the occupation catalogue */
	const county *home = &g->counties[wt_draw(&g->county_w, r)];
	int male = chance(r, 520);
	jn_err e = draw_id(g, home, male, gp);
	if (e)
		return e;
	person *p = &gp->p;
	draw_name(g, male, p->name);
	if (!chance(r, 40))
		draw_mobile(r, p->phone);
	/* Most are registered where they were born; some moved. */
	const county *reg = chance(r, 850) ? home : &g->counties[wt_draw(&g->county_w, r)];
	memcpy(p->region, reg->code, 7);
	snprintf(gp->region_text, sizeof gp->region_text, "%s", chance(r, 100) ? reg->name : reg->code);
	const occ *o = &g->occs[wt_draw(&g->occ_w, r)];
	snprintf(p->occupation, sizeof p->occupation, "%s", o->code);
	gp->occupation_text = o->name_unique && chance(r, 150) ? o->name : o->code;
	p->level = wt_draw(&g->level_w, r);
	draw_employer(g, reg, p->employer, sizeof p->employer);
	snprintf(p->education, sizeof p->education, "%s", EDUCATION[wt_draw(&g->edu_w, r)]);
	p->version = 1;
	gp->gender_code[0] = p->gender;
	snprintf(gp->level_num, sizeof gp->level_num, "%d", p->level);
	return JN_OK;
}

void gen_person_cells(const gen_person *gp, const char *cells[GEN_PERSON_COLS])
{
	const person *p = &gp->p;
	const level_info *l = level_by_rank(p->level);
	cells[0] = p->name;
	cells[1] = gp->id_text;
	cells[2] = p->gender == 'M' ? "男" : "女";
	cells[3] = p->phone;
	cells[4] = gp->region_text;
	cells[5] = gp->occupation_text;
	cells[6] = l ? l->name : "";
	cells[7] = p->employer;
	cells[8] = p->education;
}

void gen_values_cells(const gen_person *gp, const char *now, const char *cells[GEN_VALUES_COLS])
{
	const person *p = &gp->p;
	const char *v[GEN_VALUES_COLS] = {p->id_number,	   p->name,	    gp->gender_code, p->birth_date, p->region,
					  p->phone,	   p->occupation, gp->level_num,   p->employer,	    p->education,
					  now,		   now,		    "1"};
	memcpy(cells, v, sizeof v);
}

/* ---- organisations ------------------------------------------------------ */

static const char USCC_ALPHABET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* GB 11714 check character of an 8-character organisation code body. */
static char org_code_check(const char *body8)
{
	static const int W[8] = {3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	for (int i = 0; i < 8; i++) {
		char c = body8[i];
		sum += (c >= '0' && c <= '9' ? c - '0' : c - 'A' + 10) * W[i];
	}
	int check = 11 - sum % 11;
	return check == 10 ? 'X' : check == 11 ? '0' : (char)('0' + check);
}

/* An unused 9-character organisation code: mostly "MA" and six characters
 * (assigned since 2015), else eight digits (older codes), and its check. */
static jn_err draw_org_code(gen *g, char out[10])
{
	rng *r = &g->r;
	for (int tries = 0; tries < 10000; tries++) {
		int modern = chance(r, 700);
		uint64_t key = 0;
		for (int i = 0; i < 8; i++) {
			if (modern && i < 2)
				out[i] = "MA"[i];
			else
				out[i] = USCC_ALPHABET[rng_pick(r, modern ? 31 : 10)];
			/* the code as a number in base 31: one key per code */
			key = key * 31 + (uint64_t)(strchr(USCC_ALPHABET, out[i]) - USCC_ALPHABET);
		}
		int added = claim(g, &g->orgcodes, key + 1);
		if (added < 0)
			return JN_ENOMEM;
		if (added) {
			out[8] = org_code_check(out);
			out[9] = '\0';
			return JN_OK;
		}
	}
	return JN_ETOOMANY;
}

static const char *const TRAINER_NAMES[] = {"职业培训学校", "职业技能培训学校", "职业技能培训中心"};
static const char *const SCHOOL_NAMES[] = {"技工学校", "高级技工学校", "技师学院"};

/* The organisation's name; returns the credit code's first two characters
 * (registering authority and category: 91 company, 52 private
 * non-enterprise unit, 12 public institution …). */
static const char *draw_org_name(gen *g, org_kind k, const county *c, char *out, size_t cap)
{
	rng *r = &g->r;
	const char *word = EMPLOYER_WORDS[rng_pick(r, COUNT(EMPLOYER_WORDS))];
	switch (k) {
	case ORG_TRAINER:
		if (chance(r, 600)) {
			snprintf(out, cap, "%s%s%s", c->name, word, TRAINER_NAMES[rng_pick(r, COUNT(TRAINER_NAMES))]);
			return "52";
		}
		snprintf(out, cap, "%.6s%s职业技能培训有限公司", c->name, word);
		return "91";
	case ORG_EVALUATOR:
		if (chance(r, 500)) {
			snprintf(out, cap, "%s职业技能鉴定所", c->name);
			return "12";
		}
		snprintf(out, cap, "%.6s%s技能评价服务有限公司", c->name, word);
		return "91";
	case ORG_SCHOOL:
		snprintf(out, cap, "%s%s", c->name, SCHOOL_NAMES[rng_pick(r, COUNT(SCHOOL_NAMES))]);
		return "12";
	default: {
		const char *authority = draw_employer(g, c, out, cap);
		if (!out[0]) /* employers always have a name */
			snprintf(out, cap, "%.6s%s商贸有限公司", c->name, word);
		return authority;
	}
	}
}

/* Area codes of the three cities. */
static const char *area_code(const county *c)
{
	return strncmp(c->code, "5303", 4) == 0 ? "0874" : strncmp(c->code, "5304", 4) == 0 ? "0877" : "0873";
}

static void draw_org_phone(gen *g, const county *c, char *out)
{
	rng *r = &g->r;
	int x = rng_pick(r, 100);
	if (x < 10) {
		out[0] = '\0';
	} else if (x < 60) { /* landline: "0877-2012345", local numbers start 2–9 */
		memcpy(out, area_code(c), 4);
		out[4] = '-';
		out[5] = (char)('2' + rng_pick(r, 8));
		put_digits(out + 6, rng_below(r, 1000000), 6);
		out[12] = '\0';
	} else {
		draw_mobile(r, out);
	}
}

jn_err gen_org_next(gen *g, gen_org *go)
{
	rng *r = &g->r;
	memset(go, 0, sizeof *go);
	org *o = &go->o;
	o->kind = (org_kind)(ORG_EMPLOYER + wt_draw(&g->kind_w, r));
	const county *c = &g->counties[wt_draw(&g->county_w, r)];
	const char *authority = draw_org_name(g, o->kind, c, o->name, sizeof o->name);
	char code9[10], first17[18];
	jn_err e = draw_org_code(g, code9);
	if (e)
		return e;
	memcpy(first17, authority, 2);
	memcpy(first17 + 2, c->code, 6);
	memcpy(first17 + 8, code9, 10);
	memcpy(o->uscc, first17, 17);
	o->uscc[17] = uscc_check_char(first17);
	o->uscc[18] = '\0';
	memcpy(o->region, c->code, 7);
	snprintf(go->region_text, sizeof go->region_text, "%s", chance(r, 100) ? c->name : c->code);
	draw_org_phone(g, c, o->phone);
	return JN_OK;
}

void gen_org_cells(const gen_org *go, const char *cells[GEN_ORG_COLS])
{
	cells[0] = go->o.uscc;
	cells[1] = go->o.name;
	cells[2] = org_kind_name_zh(go->o.kind);
	cells[3] = go->region_text;
	cells[4] = go->o.phone;
}
