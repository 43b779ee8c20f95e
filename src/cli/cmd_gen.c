/* cmd_gen.c — `jineng gen persons|orgs N`: realistic synthetic data, as the
 * spreadsheet a county office sends (CSV, GB18030 CSV or XLSX), with the
 * normalised rows beside it for the bench, or straight into a database;
 * and `jineng gen batch N --into-db`: a certification batch of N scored
 * candidates on the persons already there (app/gen_batch.h).
 * What the records look like is app/gen.c's business; this file parses the
 * arguments and moves the rows to where they go. */
#include <errno.h>
#include <getopt.h>
#include <iconv.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/gen_batch.h"
#include "app/gen_training.h"
#include "cli/cli.h"
#include "io/table.h"

#define XLSX_MAX_ROWS 1048575 /* Excel's sheet, less the header */

typedef struct gen_args {
	int persons;  /* 1 persons, 0 orgs (or batch) */
	int batch;    /* 1 batch */
	int64_t n;
	uint64_t seed;
	const char *format, *out, *normalised, *now, *datadir, *db;
	const char *occupation, *state; /* batch */
	int level;                      /* batch; 0 default */
	int into_db;
} gen_args;

static int usage(int rc)
{
	printf("用法：jineng gen persons N [--seed S] [--format csv|csv-gb18030|xlsx] [-o 文件] [--normalised 文件]\n"
	       "                         [--now 时间] [--data 目录]\n"
	       "      jineng gen orgs N [--seed S] [--format csv|csv-gb18030|xlsx] [-o 文件]\n"
	       "      jineng gen persons|orgs N --into-db [--db URL] [--seed S]\n"
	       "      jineng gen batch N --into-db [--db URL] [--seed S] [--occupation 职业] [--level 等级]\n"
	       "                         [--state approved|notice]\n"
	       "  生成 N 条逼真的模拟数据：曲靖、玉溪、红河各县区的人员（表头同导入模板：姓名、身份证号、性别、手机号、\n"
	       "  所属地区、职业、技能等级、工作单位、文化程度）或机构（统一社会信用代码、名称、类型、所属地区、联系电话）。\n"
	       "  身份证号有效且不重复（1985年前出生的约3%%用15位旧号），统一社会信用代码有效。\n"
	       "  同一 --seed（默认 1）在任何机器上生成逐字节相同的内容。\n"
	       "  --format      csv：UTF-8 带 BOM、CRLF（默认）；csv-gb18030：GB18030、无 BOM；xlsx：须用 -o 指定文件\n"
	       "  -o 文件       不给或为 - 时写到标准输出\n"
	       "  --normalised  另写一份规范化的人员 CSV（UTF-8、LF，列同 persons 表），即 jineng import 会存入的内容\n"
	       "  --now         规范化文件中的 created_at/updated_at（默认 2025-01-01T00:00:00.000Z）\n"
	       "  --data        职业目录 occupations-2022.csv 所在目录（默认 data，再找程序所在目录的 ../data）\n"
	       "  --into-db     直接写入数据库（--db URL 或环境变量 JINENG_DB），每 %d 行一个事务，各记一条审计；\n"
	       "                数据库中已有相同身份证号（或信用代码）时该事务不写入，命令以非零状态退出\n"
	       "  gen batch     在数据库已有的人员上生成一个认定批次（测试和基准用，只能 --into-db）：以系统身份\n"
	       "                新建一个评价机构（S类，机构代码0400）并登记该职业等级，按编号取前3人作其考评员（2人）\n"
	       "                和质量督导员（1人）；创建批次（公示0天）；再取其后的 N 人作考生（跳过与考评员同单位者），\n"
	       "                正常申报、成绩60–100分、全部合格——考生和成绩直接写入数据库（每 %d 人一个事务、\n"
	       "                一条审计 gen.batch，不检查申报条件，不逐人记审计），与 gen persons --into-db 一样；\n"
	       "                然后照常执行提交、县级审核、公示，和（默认）审批：编发 N 个证书号（待发证），\n"
	       "                批次处于“已审批”，下一步即发证（jineng batch issue 批次）。\n"
	       "                输出一行 JSON：org_id、batch_id、candidates、state 等。\n"
	       "  --occupation  职业编码或名称（默认 " GEN_BATCH_OCCUPATION " 焊工）\n"
	       "  --level       等级 2–6（默认 3，中级工）\n"
	       "  --state       approved（默认）；notice：停在公示期满、待审批（审批和发证都留给调用者计时）\n"
	       "      jineng gen training --enrolments N --into-db [--db URL] [--years 10] [--seed S] [--claims]\n"
	       "                         [--no-results]\n"
	       "  gen training  在数据库已有的人员上，按平台自身的业务规则生成近 --years 年的培训记录（基准和统计试算用）：\n"
	       "                曲靖、玉溪、红河各 %d 家培训机构；每班 20–60 人、4–8 节课，均匀分布在这些年里，\n"
	       "                归入本市的培训类计划；实名报名（含课次冲突检查，冲突者跳过）、签到、按出勤率结业、\n"
	       "                登记考核结果（--no-results 不登记），终身档案和审计照常记录；--claims 再为每个结业班\n"
	       "                申请职业培训补贴（按补贴规则逐人判定）。输出一行 JSON：各步数量和用时。\n",
	       GEN_TX_ROWS, GEN_TX_ROWS, GEN_TR_PROVIDERS_PER_CITY);
	return rc;
}

/* ---- arguments ------------------------------------------------------------ */

/* A non-negative decimal number, digits only. */
static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	if (!s[0] || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, NULL, 10);
	if (errno || v > max)
		return -1;
	*out = v;
	return 0;
}

/* The time written into created_at/updated_at: ISO 8601 characters only,
 * so it can go into the CSV as it is. */
static int valid_now(const char *s)
{
	size_t n = strlen(s);
	return n >= 10 && n < 32 && strspn(s, "0123456789-:.TZ+") == n;
}

/* Says what is wrong with the command line; returns EXIT_USAGE. */
__attribute__((format(printf, 1, 2))) static int bad_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "jineng gen: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "（jineng gen --help 查看用法）\n");
	va_end(ap);
	return EXIT_USAGE;
}

/* Checks what the options say together. */
static int check_args(const gen_args *a)
{
	int xlsx = strcmp(a->format, "xlsx") == 0;
	if (!xlsx && strcmp(a->format, "csv") != 0 && strcmp(a->format, "csv-gb18030") != 0)
		return bad_usage("--format 应为 csv、csv-gb18030 或 xlsx，不是“%s”", a->format);
	if (xlsx && (!a->out || strcmp(a->out, "-") == 0))
		return bad_usage("xlsx 必须用 -o 指定输出文件");
	if (xlsx && a->n > XLSX_MAX_ROWS)
		return bad_usage("xlsx 一个工作表最多 %d 行，请改用 csv", XLSX_MAX_ROWS);
	if (a->normalised && !a->persons)
		return bad_usage("--normalised 只用于 persons");
	if (!valid_now(a->now))
		return bad_usage("--now 应为 ISO 8601 时间，如 2025-01-01T00:00:00.000Z，不是“%s”", a->now);
	if (a->into_db && (a->out || a->normalised))
		return bad_usage("--into-db 与 -o、--normalised 不能同时使用");
	if (a->batch) {
		if (!a->into_db)
			return bad_usage("gen batch 只能直接写入数据库：请加 --into-db");
		if (a->n < 1)
			return bad_usage("gen batch 的考生人数 N 至少为 1");
		if (a->state && strcmp(a->state, "approved") != 0 && strcmp(a->state, "notice") != 0)
			return bad_usage("--state 应为 approved 或 notice，不是“%s”", a->state);
	} else if (a->occupation || a->state || a->level) {
		return bad_usage("--occupation、--level、--state 只用于 gen batch");
	}
	return EXIT_OKAY;
}

/* argv: "gen", "persons"|"orgs", … .  EXIT_OKAY to go on; -1 after --help. */
static int parse_args(int argc, char **argv, gen_args *a)
{
	static const struct option opts[] = {
		{"seed", required_argument, 0, 's'},	   {"format", required_argument, 0, 'f'},
		{"output", required_argument, 0, 'o'},	   {"normalised", required_argument, 0, 'N'},
		{"normalized", required_argument, 0, 'N'}, {"now", required_argument, 0, 't'},
		{"data", required_argument, 0, 'D'},	   {"db", required_argument, 0, 'd'},
		{"into-db", no_argument, 0, 'I'},	   {"help", no_argument, 0, 'h'},
		{"occupation", required_argument, 0, 'O'}, {"level", required_argument, 0, 'L'},
		{"state", required_argument, 0, 'S'},	   {0, 0, 0, 0}};
	*a = (gen_args){.persons = strcmp(argv[1], "persons") == 0, .batch = strcmp(argv[1], "batch") == 0, .seed = 1,
			.format = "csv", .now = "2025-01-01T00:00:00.000Z"};
	int c;
	optind = 1;
	opterr = 0; /* the messages below are in Chinese */
	while ((c = getopt_long(argc - 1, argv + 1, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_uint(optarg, UINT64_MAX, &a->seed) != 0)
				return bad_usage("--seed 应为非负整数，不是“%s”", optarg);
			break;
		case 'f':
			a->format = optarg;
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'N':
			a->normalised = optarg;
			break;
		case 't':
			a->now = optarg;
			break;
		case 'D':
			a->datadir = optarg;
			break;
		case 'd':
			a->db = optarg;
			break;
		case 'I':
			a->into_db = 1;
			break;
		case 'O':
			a->occupation = optarg;
			break;
		case 'L': {
			uint64_t lv;
			if (parse_uint(optarg, 6, &lv) != 0 || lv < 2)
				return bad_usage("--level 应为 2 到 6，不是“%s”", optarg);
			a->level = (int)lv;
			break;
		}
		case 'S':
			a->state = optarg;
			break;
		case 'h':
			usage(EXIT_OKAY);
			return -1;
		default:
			/* getopt saw "-5" as an option: a negative N */
			if (optopt >= '0' && optopt <= '9')
				return bad_usage("N 应为非负整数，不能为负数");
			if (optopt && !strchr("sfoNtDdIhOLS", optopt))
				return bad_usage("无法识别的选项 -%c", optopt);
			/* argv + 1 was parsed: its optind - 1 is argv's optind */
			return bad_usage("无法识别的选项或缺少参数：%s", argv[optind]);
		}
	}
	if (optind != argc - 2)
		return bad_usage("需要且只需要一个数量：jineng gen %s N", argv[1]);
	uint64_t n;
	if (parse_uint(argv[optind + 1], INT64_MAX, &n) != 0)
		return bad_usage("N 应为非负整数，不是“%s”", argv[optind + 1]);
	a->n = (int64_t)n;
	return check_args(a);
}

/* ---- GB18030 output ------------------------------------------------------- */

/* A FILE* that takes the UTF-8 the CSV writer produces and passes it on as
 * GB18030 (iconv of glibc), dropping the UTF-8 BOM the writer starts with:
 * GB18030 files carry none.  A character split between two writes waits in
 * carry for the rest. */
typedef struct gb_sink {
	FILE *out;
	iconv_t cd;
	size_t pos;  /* bytes taken so far (to spot the BOM) */
	char carry[4];
	size_t ncarry;
} gb_sink;

static ssize_t gb_write(void *cookie, const char *buf, size_t n)
{
	gb_sink *g = cookie;
	size_t total = n;
	for (; g->pos < 3 && n > 0; g->pos++, buf++, n--)
		if ((unsigned char)*buf != (unsigned char)"\xEF\xBB\xBF"[g->pos])
			return 0;
	while (n > 0) {
		char in[4096 + sizeof g->carry], out[2 * sizeof in]; /* GB18030 is never longer than twice the UTF-8 */
		size_t take = n < 4096 ? n : 4096, il = g->ncarry + take, ol = sizeof out;
		memcpy(in, g->carry, g->ncarry);
		memcpy(in + g->ncarry, buf, take);
		buf += take, n -= take;
		char *ip = in, *op = out;
		if (iconv(g->cd, &ip, &il, &op, &ol) == (size_t)-1 && errno != EINVAL)
			return 0;
		size_t w = (size_t)(op - out);
		if (fwrite(out, 1, w, g->out) != w || il > sizeof g->carry)
			return 0;
		memcpy(g->carry, ip, il);
		g->ncarry = il;
	}
	return (ssize_t)total;
}

static int gb_close(void *cookie)
{
	gb_sink *g = cookie;
	int rc = g->ncarry ? -1 : 0; /* a truncated character */
	iconv_close(g->cd);
	if (g->out == stdout)
		rc |= fflush(stdout) != 0 ? -1 : 0;
	else
		rc |= fclose(g->out) != 0 ? -1 : 0;
	free(g);
	return rc;
}

/* Takes out over (closes it on fclose, unless it is stdout). */
static FILE *gb18030_open(FILE *out)
{
	gb_sink *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->out = out;
	g->cd = iconv_open("GB18030", "UTF-8");
	if (g->cd == (iconv_t)-1) {
		free(g);
		return NULL;
	}
	FILE *f = fopencookie(g, "w", (cookie_io_functions_t){.write = gb_write, .close = gb_close});
	if (!f) {
		iconv_close(g->cd);
		free(g);
	}
	return f;
}

/* ---- where the rows go ---------------------------------------------------- */

typedef struct sheet {
	table_writer *w;
	FILE *f; /* CSV: the stream the writer writes to */
} sheet;

/* Opens the spreadsheet output; prints why not. */
static int sheet_open(sheet *s, const gen_args *a)
{
	int to_stdout = !a->out || strcmp(a->out, "-") == 0;
	const char *name = a->persons ? "人员名册" : "机构名录";
	s->f = NULL;
	errno = 0;
	if (strcmp(a->format, "xlsx") == 0) {
		s->w = table_writer_open(TABLE_XLSX, a->out, NULL, name);
	} else {
		FILE *base = to_stdout ? stdout : fopen(a->out, "wb");
		if (base && strcmp(a->format, "csv-gb18030") == 0) {
			s->f = gb18030_open(base);
			if (!s->f && base != stdout)
				fclose(base);
		} else {
			s->f = base;
		}
		s->w = s->f ? table_writer_open(TABLE_CSV, NULL, s->f, NULL) : NULL;
	}
	if (!s->w) {
		fprintf(stderr, "jineng gen: 无法写入 %s：%s\n", to_stdout ? "标准输出" : a->out,
			errno ? strerror(errno) : "无法创建");
		if (s->f && s->f != stdout)
			fclose(s->f);
		return -1;
	}
	return 0;
}

static int sheet_close(sheet *s)
{
	int rc = table_writer_close(s->w);
	if (s->f && s->f != stdout && fclose(s->f) != 0)
		rc = -1;
	else if (s->f == stdout && fflush(stdout) != 0)
		rc = -1;
	return rc;
}

/* The normalised file: plain CSV with LF, a field quoted only when it must
 * be — what the sqlite3 shell's .import and psql's \copy read. */
static void put_plain_row(FILE *f, int n, const char *const *cells)
{
	for (int i = 0; i < n; i++) {
		const char *s = cells[i];
		if (i)
			putc(',', f);
		if (!strpbrk(s, ",\"\r\n")) {
			fputs(s, f);
			continue;
		}
		putc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				putc('"', f);
			putc(*s, f);
		}
		putc('"', f);
	}
	putc('\n', f);
}

/* ---- progress and summary ------------------------------------------------- */

typedef struct progress {
	int on;
	int64_t tenths; /* tenths of the way already reported */
} progress;

static void progress_tick(void *ctx, int64_t done, int64_t total)
{
	progress *p = ctx;
	if (!p->on || total <= 0 || done * 10 / total <= p->tenths)
		return;
	p->tenths = done * 10 / total;
	fprintf(stderr, "\r已生成 %lld / %lld 条（%lld%%）", (long long)done, (long long)total, (long long)p->tenths * 10);
	if (done >= total)
		fprintf(stderr, "\n");
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void summary(const gen_args *a, int64_t rows, const struct timespec *t0)
{
	double s = seconds_since(t0);
	fprintf(stderr, "%s %lld %s，用时 %.2f 秒（每秒 %.0f 行）\n", a->into_db ? "已写入数据库" : "已生成",
		(long long)rows, a->persons ? "人" : "个机构", s, s > 0 ? (double)rows / s : 0.0);
}

/* ---- the two ways out ----------------------------------------------------- */

static const char *gen_failure(jn_err e)
{
	switch (e) {
	case JN_ETOOMANY: return "可用的身份证号（或机构代码）已用尽，N 太大";
	case JN_ENOMEM: return "内存不足";
	default: return jn_err_code(e);
	}
}

static int rows_to_files(gen *g, const gen_args *a, progress *pr, int64_t *done)
{
	sheet sh;
	if (sheet_open(&sh, a) != 0)
		return EXIT_REJECTED;
	FILE *norm = a->normalised ? fopen(a->normalised, "wb") : NULL;
	if (a->normalised && !norm) {
		fprintf(stderr, "jineng gen: 无法写入 %s：%s\n", a->normalised, strerror(errno));
		sheet_close(&sh);
		return EXIT_REJECTED;
	}
	const char *cells[GEN_PERSON_COLS], *values[GEN_VALUES_COLS];
	int ncols = a->persons ? GEN_PERSON_COLS : GEN_ORG_COLS, werr = 0;
	werr |= table_writer_row(sh.w, ncols, a->persons ? GEN_PERSON_HEADER : GEN_ORG_HEADER);
	if (norm)
		put_plain_row(norm, GEN_VALUES_COLS, GEN_VALUES_HEADER);
	jn_err e = JN_OK;
	for (*done = 0; !e && !werr && *done < a->n; (*done)++) {
		gen_person gp;
		gen_org go;
		if ((e = a->persons ? gen_person_next(g, &gp) : gen_org_next(g, &go)) != JN_OK)
			break;
		if (a->persons)
			gen_person_cells(&gp, cells);
		else
			gen_org_cells(&go, cells);
		werr |= table_writer_row(sh.w, ncols, cells);
		if (norm) {
			gen_values_cells(&gp, a->now, values);
			put_plain_row(norm, GEN_VALUES_COLS, values);
		}
		progress_tick(pr, *done + 1, a->n);
	}
	werr |= sheet_close(&sh);
	if (norm) {
		int bad = ferror(norm);
		if (fclose(norm) != 0 || bad)
			werr = 1;
	}
	if (e || werr) {
		fprintf(stderr, "jineng gen: 生成失败（%s）\n", e ? gen_failure(e) : "写入出错，磁盘满了吗？");
		return EXIT_FAILED;
	}
	return EXIT_OKAY;
}

static int rows_into_db(gen *g, const gen_args *a, progress *pr, int64_t *done)
{
	store *s = cli_open(cli_db_url(a->db), 1);
	if (!s)
		return EXIT_FAILED;
	jn_err e = a->persons ? gen_persons_into_db(s, g, a->n, a->seed, progress_tick, pr, done)
			      : gen_orgs_into_db(s, g, a->n, a->seed, progress_tick, pr, done);
	store_close(s);
	if (!e)
		return EXIT_OKAY;
	if (pr->on)
		fprintf(stderr, "\n");
	long long from = (long long)*done + 1, to = (long long)(a->n - *done < GEN_TX_ROWS ? a->n : *done + GEN_TX_ROWS);
	if (e == JN_ECONFLICT) {
		fprintf(stderr,
			"jineng gen: 第 %lld–%lld 条未写入：其中有%s已在数据库中（同一 --seed 每次生成相同的数据，请换一个种子）。"
			"此前已写入 %lld 条。\n",
			from, to, a->persons ? "身份证号" : "统一社会信用代码", (long long)*done);
		return EXIT_REJECTED;
	}
	fprintf(stderr, "jineng gen: 第 %lld–%lld 条写入数据库失败（%s）。此前已写入 %lld 条。\n", from, to,
		e == JN_EBUSY ? "数据库正被其他写入占用，请稍后再试" : gen_failure(e), (long long)*done);
	return EXIT_FAILED;
}

/* gen batch: the fixture, then one line of JSON saying what was made. */
static int batch_into_db(const gen_args *a)
{
	store *s = cli_open(cli_db_url(a->db), 1);
	if (!s)
		return EXIT_FAILED;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	progress pr = {.on = a->n >= 100000 && (isatty(STDERR_FILENO) || getenv("JINENG_PROGRESS"))};
	gen_batch_opts o = {.candidates = a->n, .occupation = a->occupation, .level = a->level,
			    .stop_at_notice = a->state && strcmp(a->state, "notice") == 0, .seed = a->seed};
	gen_batch_result r;
	char err[512];
	jn_err e = gen_batch_into_db(s, &o, progress_tick, &pr, &r, err, sizeof err);
	store_close(s);
	if (e) {
		if (pr.on)
			fprintf(stderr, "\n");
		fprintf(stderr, "jineng gen batch: %s\n", err[0] ? err : gen_failure(e));
		if (r.batch_id)
			fprintf(stderr, "jineng gen batch: 批次 %lld 已创建，写入考生 %lld 人\n", (long long)r.batch_id,
				(long long)r.candidates);
		return e == JN_EINVAL ? EXIT_REJECTED : EXIT_FAILED;
	}
	double secs = seconds_since(&t0);
	printf("{\"org_id\": %lld, \"batch_id\": %lld, \"candidates\": %lld, \"persons_skipped\": %lld, "
	       "\"state\": \"%s\", \"seconds\": %.3f, \"seconds_candidates\": %.3f, \"seconds_approve\": %.3f}\n",
	       (long long)r.org_id, (long long)r.batch_id, (long long)r.candidates, (long long)r.persons_skipped, r.state,
	       secs, r.seconds_candidates, r.seconds_approve);
	fprintf(stderr, "已生成认定批次 %lld：%lld 名考生（全部合格），状态 %s，用时 %.2f 秒\n", (long long)r.batch_id,
		(long long)r.candidates, strcmp(r.state, "approved") == 0 ? "已审批（待发证）" : "公示期满（待审批）", secs);
	return EXIT_OKAY;
}

/* gen training: ten years of classes through the real steps, then one
 * line of JSON with the counts and each phase's seconds. */
static int training_into_db(int argc, char **argv)
{
	static const struct option opts[] = {
		{"enrolments", required_argument, 0, 'n'}, {"years", required_argument, 0, 'y'},
		{"seed", required_argument, 0, 's'},	   {"db", required_argument, 0, 'd'},
		{"into-db", no_argument, 0, 'I'},	   {"claims", no_argument, 0, 'c'},
		{"no-results", no_argument, 0, 'R'},	   {"help", no_argument, 0, 'h'},
		{0, 0, 0, 0}};
	gen_training_opts o = {.years = 10, .with_results = 1, .seed = 1};
	const char *db = NULL;
	int into = 0, c;
	uint64_t v;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_uint(optarg, 100000000, &v) != 0 || v < 1)
				return bad_usage("--enrolments 应为 1 到 100000000 的整数，不是“%s”", optarg);
			o.enrolments = (int64_t)v;
			break;
		case 'y':
			if (parse_uint(optarg, 30, &v) != 0 || v < 1)
				return bad_usage("--years 应为 1 到 30，不是“%s”", optarg);
			o.years = (int)v;
			break;
		case 's':
			if (parse_uint(optarg, UINT64_MAX, &o.seed) != 0)
				return bad_usage("--seed 应为非负整数，不是“%s”", optarg);
			break;
		case 'd': db = optarg; break;
		case 'I': into = 1; break;
		case 'c': o.with_claims = 1; break;
		case 'R': o.with_results = 0; break;
		case 'h': return usage(EXIT_OKAY);
		default: return bad_usage("无法识别的选项或缺少参数：%s", argv[optind]);
		}
	}
	if (optind != argc - 1)
		return bad_usage("gen training 不带位置参数：用 --enrolments N");
	if (!into)
		return bad_usage("gen training 只能直接写入数据库：请加 --into-db");
	if (!o.enrolments)
		return bad_usage("须用 --enrolments N 指定报名人次");
	if (o.with_claims && !o.with_results)
		return bad_usage("--claims 需要考核结果（不能与 --no-results 同用）");
	store *s = cli_open(cli_db_url(db), 1);
	if (!s)
		return EXIT_FAILED;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	progress pr = {.on = o.enrolments >= 100000 && (isatty(STDERR_FILENO) || getenv("JINENG_PROGRESS"))};
	gen_training_result r;
	char err[512];
	jn_err e = gen_training_into_db(s, &o, progress_tick, &pr, &r, err, sizeof err);
	store_close(s);
	if (e) {
		if (pr.on)
			fprintf(stderr, "\n");
		fprintf(stderr, "jineng gen training: %s（已写入 %lld 个班、%lld 人次）\n", err[0] ? err : gen_failure(e),
			(long long)r.classes, (long long)r.enrolments);
		return e == JN_EINVAL ? EXIT_REJECTED : EXIT_FAILED;
	}
	double secs = seconds_since(&t0);
	printf("{\"providers\": %lld, \"classes\": %lld, \"enrolments\": %lld, \"overlap_skipped\": %lld, "
	       "\"attendance\": %lld, \"completed\": %lld, \"incomplete\": %lld, \"passed\": %lld, \"failed\": %lld, "
	       "\"claims\": %lld, \"claim_classes_refused\": %lld, \"claims_refused\": %lld, "
	       "\"first_date\": \"%s\", \"last_date\": \"%s\", \"seconds\": %.3f, \"seconds_classes_enrol\": %.3f, "
	       "\"seconds_attend\": %.3f, \"seconds_close\": %.3f, \"seconds_results\": %.3f, \"seconds_claims\": %.3f}\n",
	       (long long)r.providers, (long long)r.classes, (long long)r.enrolments, (long long)r.overlap_skipped,
	       (long long)r.attendance, (long long)r.completed, (long long)r.incomplete, (long long)r.passed,
	       (long long)r.failed, (long long)r.claims, (long long)r.claim_classes_refused, (long long)r.claims_refused,
	       r.first_date, r.last_date, secs, r.s_classes_enrol, r.s_attend, r.s_close, r.s_results, r.s_claims);
	fprintf(stderr, "已生成培训记录：%lld 个班、%lld 人次（结业 %lld），用时 %.2f 秒\n", (long long)r.classes,
		(long long)r.enrolments, (long long)r.completed, secs);
	return EXIT_OKAY;
}

int cmd_gen(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1]))
		return usage(argc < 2 ? EXIT_USAGE : EXIT_OKAY);
	if (strcmp(argv[1], "training") == 0)
		return training_into_db(argc, argv);
	if (strcmp(argv[1], "persons") != 0 && strcmp(argv[1], "orgs") != 0 && strcmp(argv[1], "batch") != 0)
		return bad_usage("没有“%s”这种数据（可用：persons、orgs、batch、training）", argv[1]);
	gen_args a;
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? EXIT_OKAY : rc;
	if (a.batch)
		return batch_into_db(&a);
	char buf[PATH_MAX + 16], err[512];
	const char *datadir = a.persons ? (a.datadir ? a.datadir : cli_datadir(buf, sizeof buf)) : NULL;
	gen *g;
	jn_err e = gen_open(datadir, a.seed, a.n, &g, err, sizeof err);
	if (e) {
		fprintf(stderr, "jineng gen: %s\n", err[0] ? err : gen_failure(e));
		return e == JN_EIO ? EXIT_REJECTED : EXIT_FAILED;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	progress pr = {.on = a.n >= 100000 && (isatty(STDERR_FILENO) || getenv("JINENG_PROGRESS"))};
	int64_t done = 0;
	rc = a.into_db ? rows_into_db(g, &a, &pr, &done) : rows_to_files(g, &a, &pr, &done);
	gen_close(g);
	if (rc == EXIT_OKAY)
		summary(&a, done, &t0);
	return rc;
}
