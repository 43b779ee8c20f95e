/* demo.c — a small, believable demo: organisations of each kind, a few
 * hundred workers across the counties of 玉溪, 曲靖 and 红河 with valid ID
 * numbers, and one account per role whose password is printed once. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/money.h"
#include "app/training.h"
#include "core/idcard.h"
#include "core/regions.h"
#include "core/uscc.h"

#define DEMO_WORKERS 360

static unsigned long long rng_state = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static const char *SURNAMES[] = {"李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱",
				 "胡", "郭", "何", "罗", "高", "段", "普", "者", "白", "李", "杨", "字", "尹", "孔"};
static const char *GIVEN[] = {"建华", "丽芬", "志强", "春梅", "永红", "国庆", "海燕", "明亮", "秀英", "俊杰", "文娟",
			      "家豪", "晓东", "玉兰", "云飞", "成林", "艳", "强", "敏", "涛", "兴富", "绍文", "金花",
			      "德明", "美玲", "子涵", "宇航", "梓萱", "浩然", "雨欣"};
static const char *OCCUPATIONS[] = {"6-18-02-04", "6-31-01-03", "4-12-01-01", "4-03-02-01", "4-03-02-07",
				    "4-10-01-05", "4-10-01-06", "6-18-01-01", "6-29-01-01", "6-29-01-04",
				    "4-01-06-02", "5-01-02-01", "4-10-03-02", "4-04-05-01"};
static const char *EDUCATION[] = {"初中", "高中", "中专", "技工学校", "大专", "本科"};
static const char *COUNTIES[] = {"530402", "530403", "530423", "530424", "530425", "530426", "530427", "530428",
				 "530481", "530302", "530303", "530304", "530322", "530323", "530324", "530325",
				 "530326", "530381", "532501", "532502", "532503", "532504", "532523", "532524",
				 "532525", "532527", "532528", "532529", "532530", "532531", "532532"};
#define N(a) (sizeof a / sizeof a[0])

static void make_id(const char *region, int y, int m, int d, int male, char out[19])
{
	int seq = 10 + (int)rnd(980);
	if ((seq % 2 == 1) != male)
		seq++;
	char first[18];
	snprintf(first, sizeof first, "%s%04d%02d%02d%03d", region, y, m, d, seq % 1000);
	memcpy(out, first, 17);
	out[17] = id_check_char(first);
	out[18] = '\0';
}

static void make_uscc(const char *region, char out[19])
{
	static const char A[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	char first[18];
	first[0] = '9';
	first[1] = '1';
	memcpy(first + 2, region, 6);
	for (int i = 8; i < 17; i++)
		first[i] = A[rnd(i == 8 ? 10 : 31)];
	first[17] = '\0';
	memcpy(out, first, 17);
	out[17] = uscc_check_char(first);
	out[18] = '\0';
}

static int level_pyramid(void)
{
	unsigned r = rnd(100);
	return r < 8 ? 1 : r < 45 ? 2 : r < 72 ? 3 : r < 88 ? 4 : r < 96 ? 5 : r < 99 ? 6 : 0;
}

static jn_err demo_parts_load(store *s, FILE *out);

jn_err demo_load(store *s, FILE *out)
{
	scope sys = scope_system();
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	int64_t have = store_person_count(t);
	account demo_acct;
	int is_demo = have > 0 && store_account_by_username(t, "laodongzhe", &demo_acct) == JN_OK;
	stx_rollback(t);
	if (have > 0) {
		fprintf(out, "演示数据已存在（%lld 人），未重复创建。\n", (long long)have);
		/* A demo database from an earlier version gets the demo of
		 * the systems added since (each part skips itself when its
		 * data is there); a real register is left alone. */
		return is_demo ? demo_parts_load(s, out) : JN_OK;
	}

	static const struct {
		const char *name, *kind, *region;
	} ORGS[] = {
		{"玉溪市红塔区精工机械制造有限公司", "employer", "530402"},
		{"曲靖市麒麟区滇东建设集团有限公司", "employer", "530302"},
		{"红河州蒙自市云锡技术服务有限公司", "employer", "532503"},
		{"玉溪市红塔区职业技能培训学校", "trainer", "530402"},
		{"曲靖市宣威市人和职业培训学校", "trainer", "530381"},
		{"红河州个旧市众创职业培训中心", "trainer", "532501"},
		{"玉溪市职业技能鉴定评价中心", "evaluator", "530402"},
		{"曲靖市技能人才评价服务中心", "evaluator", "530302"},
		{"红河州技师学院", "school", "532502"},
		{"玉溪技师学院", "school", "530402"},
	};
	int64_t org_ids[N(ORGS)];
	for (size_t i = 0; i < N(ORGS); i++) {
		char code[19];
		make_uscc(ORGS[i].region, code);
		org_input in = {code, ORGS[i].name, ORGS[i].kind, ORGS[i].region, NULL};
		org o;
		jn_fields fe = {0};
		if ((e = org_create(s, &sys, &in, &o, &fe)) != JN_OK) {
			fprintf(out, "创建演示机构失败：%s %s\n", fe.count ? fe.e[0].field : "", fe.count ? fe.e[0].message : "");
			return e;
		}
		org_ids[i] = o.id;
	}

	char first_worker[19] = "";
	for (int i = 0; i < DEMO_WORKERS; i++) {
		const char *county = COUNTIES[rnd(N(COUNTIES))];
		int male = (int)rnd(2);
		char idn[19], name[64], phone[16], level[4];
		make_id(county, 1965 + (int)rnd(40), 1 + (int)rnd(12), 1 + (int)rnd(28), male, idn);
		snprintf(name, sizeof name, "%s%s", SURNAMES[rnd(N(SURNAMES))], GIVEN[rnd(N(GIVEN))]);
		snprintf(phone, sizeof phone, "1%c%09u", "3456789"[rnd(7)], rnd(1000000000));
		int lv = level_pyramid();
		snprintf(level, sizeof level, "%d", lv);
		/* Groups in roughly the shares a Yunnan county has; about two
		 * in three insured, since a month in 2015-2026.  The demo
		 * worker (the first in Yuxi) is 脱贫户, insured since 2019-07-01. */
		char tags[128] = "", insured[11] = "";
		static const struct {
			const char *tag;
			unsigned pct;
		} GROUPS[] = {{"脱贫户", 15}, {"退役军人", 5}, {"残疾人", 3}, {"高校毕业生", 8}, {"农村转移劳动力", 20}};
		int demo_worker = !first_worker[0] && strncmp(county, "5304", 4) == 0;
		for (size_t g = 0; g < N(GROUPS); g++)
			if (rnd(100) < GROUPS[g].pct && !demo_worker)
				snprintf(tags + strlen(tags), sizeof tags - strlen(tags), "%s%s", tags[0] ? "," : "",
					 GROUPS[g].tag);
		if (rnd(3) < 2 && !demo_worker)
			snprintf(insured, sizeof insured, "%04u-%02u-01", 2015 + rnd(11), 1 + rnd(12));
		if (demo_worker) { /* the same every time: the guide and the tests rely on it */
			snprintf(tags, sizeof tags, "脱贫户");
			snprintf(insured, sizeof insured, "2019-07-01");
		}
		person_input in = {.id_number = idn,
				   .tags = tags,
				   .insured_from = insured,
				   .name = name,
				   .phone = phone,
				   .region = county,
				   .occupation = OCCUPATIONS[rnd(N(OCCUPATIONS))],
				   .level = lv ? level : "",
				   .employer = ORGS[rnd(3)].name,
				   .education = EDUCATION[rnd(N(EDUCATION))]};
		person p;
		jn_fields fe = {0};
		e = person_create(s, &sys, &in, &p, &fe);
		if (e == JN_EINVAL && fe.count && strcmp(fe.e[0].code, "duplicate") == 0)
			continue; /* the generator drew the same number twice */
		if (e) {
			fprintf(out, "创建演示人员失败：%s %s\n", fe.count ? fe.e[0].field : "", fe.count ? fe.e[0].message : "");
			return e;
		}
		if (!first_worker[0] && strncmp(county, "5304", 4) == 0)
			memcpy(first_worker, p.id_number, 19);
	}

	static const struct {
		const char *user, *role, *region;
		int org;
	} USERS[] = {
		{"admin", "admin", "", -1},
		{"yuxi", "admin", "530400", -1},
		{"hongta", "county", "530402", -1},
		{"qilin", "county", "530302", -1},
		{"pingjia", "evaluator", "", 6},
		{"peixun", "trainer", "", 3},
		{"qiye", "employer", "", 0},
		{"laodongzhe", "worker", "", -1},
	};
	fprintf(out, "\n演示账号（密码只显示这一次，请记下）：\n");
	for (size_t i = 0; i < N(USERS); i++) {
		unsigned char raw[9];
		char pw[32];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2base64(pw, sizeof pw, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		user_input in = {.username = USERS[i].user,
				 .role = USERS[i].role,
				 .region = USERS[i].region,
				 .password = pw,
				 .org_id = USERS[i].org >= 0 ? org_ids[USERS[i].org] : 0,
				 .person_id_number = strcmp(USERS[i].role, "worker") == 0 ? first_worker : NULL};
		account a;
		jn_fields fe = {0};
		if ((e = user_add(s, &in, &a, &fe)) != JN_OK) {
			fprintf(out, "创建演示账号失败：%s %s\n", fe.count ? fe.e[0].field : "", fe.count ? fe.e[0].message : "");
			return e;
		}
		const region_entry *r = USERS[i].region[0] ? region_find(USERS[i].region) : NULL;
		/* Username and password first: they line up whatever the width
		 * of the Chinese that follows. */
		fprintf(out, "  %-11s 密码 %-14s %s%s%s\n", USERS[i].user, pw, role_name_zh(a.role), r ? " · " : "",
			r ? r->name : "");
	}
	/* The employed-persons baselines the dashboards divide by: plausible
	 * figures, marked as demo data so nobody quotes them. */
	static const struct {
		const char *region;
		int64_t count;
	} EMPLOYED[] = {{"530400", 1400000}, {"530300", 3300000}, {"532500", 2600000}};
	for (size_t i = 0; i < N(EMPLOYED); i++) {
		employed_input in = {EMPLOYED[i].region, 2025, EMPLOYED[i].count, "演示数据（非真实统计）"};
		json_t *j = NULL;
		jn_fields fe = {0};
		if ((e = stats_employed_put(s, &sys, &in, &j, &fe)) != JN_OK) {
			fprintf(out, "录入演示就业人员数失败：%s\n", fe.count ? fe.e[0].message : jn_err_code(e));
			return e;
		}
		json_decref(j);
	}
	fprintf(out, "已录入演示用就业人员数（玉溪、曲靖、红河，2025年，非真实统计）。\n\n");
	return demo_parts_load(s, out);
}

static jn_err demo_parts_load(store *s, FILE *out)
{
	jn_err e;
	/* Certification: bodies, examiners, batches in every state, certificates. */
	if ((e = demo_cert_load(s, out)) != JN_OK)
		return e;
	/* Training: providers' accounts, classes in every state (app/demo_training.c). */
	if ((e = demo_training_load(s, out)) != JN_OK)
		return e;
	/* Vouchers, funds and subsidy claims at every step (app/demo_money.c). */
	return demo_money_load(s, out);
}
