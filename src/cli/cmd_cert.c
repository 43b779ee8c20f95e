/* cmd_cert.c — `jineng evaluator`, `jineng batch`, `jineng cert`: every step
 * of certification from the command line, through the same services as the
 * API.
 *
 * Who acts: without --as, the system (local maintenance: every scope, the
 * audit log says "system"); with --as USERNAME, that account — its role,
 * region and organisation limit the command exactly as after a sign-in,
 * and the audit log names it.  No password is asked: whoever can run this
 * command can already read and write the database file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/cert_doc.h"
#include "io/cert_pdf.h"
#include "cli/args.h"

static int usage(const char *text, int help)
{
	fputs(text, help ? stdout : stderr);
	return help ? EXIT_OKAY : EXIT_USAGE;
}

static const char WHO[] = "\n谁来执行：不给 --as 时以系统身份执行（本机维护，可及全部数据，审计记为 system）；\n"
			  "  --as 用户名 则按该账号的角色、地区和所属机构执行，与其登录后调用接口完全相同，审计记为该账号。\n"
			  "输出：成功时在标准输出打印结果（JSON）；被拒绝时在标准错误逐条说明字段和原因，退出码 1。\n"
			  "共同选项：--db URL（默认 sqlite:var/jineng.db 或环境变量 JINENG_DB）。\n";

/* ---- jineng evaluator ---- */

static const char EVALUATOR_HELP[] =
	"用法：\n"
	"  jineng evaluator register 机构编号 --type Y|S --code 机构代码(4位) --site 站点编号(6位)\n"
	"          --pair 职业:等级 [--pair …] [--employer 用人单位机构编号]\n"
	"      登记评价机构（管理员）。职业为编码或名称；等级写 2-6 或 2,3,4（7、8 即特级技师、首席技师，仅 Y 类）。\n"
	"      Y 类（用人单位自主评价）须用 --employer 指定其职工所在的用人单位。\n"
	"  jineng evaluator staff 机构编号 (--person 人员编号 | --id-number 身份证号) --role examiner|supervisor\n"
	"      登记考评员（examiner）或质量督导员（supervisor）。\n"
	"  jineng evaluator list            登记的评价机构\n"
	"  jineng evaluator show 机构编号   登记详情（职业等级、考评员、督导员）\n";

static int parse_pairs(const cli_args *a, pair_input *pairs, char store_occ[][64], int cap, int *n)
{
	*n = 0;
	for (int i = 0; i < a->nopt; i++) {
		if (strcmp(a->key[i], "pair") != 0)
			continue;
		const char *colon = strrchr(a->val[i], ':');
		if (!colon || colon == a->val[i] || (size_t)(colon - a->val[i]) >= 64) {
			fprintf(stderr, "jineng evaluator register: --pair 应为 职业:等级，如 6-18-02-04:2-5\n");
			return -1;
		}
		char occ[64];
		memcpy(occ, a->val[i], (size_t)(colon - a->val[i]));
		occ[colon - a->val[i]] = '\0';
		const char *lv = colon + 1;
		int lo = 0, hi = 0;
		char *save = NULL, buf[64];
		snprintf(buf, sizeof buf, "%s", lv);
		for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (sscanf(tok, "%d-%d", &lo, &hi) == 2 || (sscanf(tok, "%d", &lo) == 1 && (hi = lo))) {
				for (int l = lo; l <= hi && *n < cap; l++) {
					snprintf(store_occ[*n], 64, "%s", occ);
					pairs[*n].occupation = store_occ[*n];
					pairs[*n].level = l;
					(*n)++;
				}
			} else {
				fprintf(stderr, "jineng evaluator register: 等级“%s”应为数字或 2-5 这样的范围\n", tok);
				return -1;
			}
		}
	}
	return 0;
}

int cmd_evaluator(int argc, char **argv)
{
	cli_args a;
	if (argc < 2)
		return usage(EVALUATOR_HELP, 0);
	if (cli_is_help(argv[1])) {
		printf("%s%s", EVALUATOR_HELP, WHO);
		return EXIT_OKAY;
	}
	const char *sub = argv[1];
	if (cli_parse(argc - 2, argv + 2, &a) != 0)
		return EXIT_USAGE;
	if (a.help) {
		printf("%s%s", EVALUATOR_HELP, WHO);
		return EXIT_OKAY;
	}
	scope sc;
	store *s;
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e;
	if (strcmp(sub, "register") == 0) {
		static const char *const allowed[] = {"type", "code", "site", "pair", "employer", NULL};
		if (!cli_only(&a, allowed) || a.npos != 1 || cli_num(a.pos[0]) <= 0)
			return usage(EVALUATOR_HELP, 0);
		static pair_input pairs[500];
		static char occ[500][64];
		int n = 0;
		if (parse_pairs(&a, pairs, occ, 500, &n) != 0)
			return EXIT_USAGE;
		evaluator_input in = {cli_opt(&a, "type"), cli_opt(&a, "code"), cli_opt(&a, "site"),
				      cli_opt(&a, "employer") ? cli_num(cli_opt(&a, "employer")) : 0, n, pairs};
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		e = evaluator_register(s, &sc, cli_num(a.pos[0]), &in, &j, &fe);
	} else if (strcmp(sub, "staff") == 0) {
		static const char *const allowed[] = {"person", "id-number", "role", NULL};
		if (!cli_only(&a, allowed) || a.npos != 1 || cli_num(a.pos[0]) <= 0)
			return usage(EVALUATOR_HELP, 0);
		staff_input in = {cli_opt(&a, "person") ? cli_num(cli_opt(&a, "person")) : 0, cli_opt(&a, "id-number"), cli_opt(&a, "role")};
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		e = evaluator_staff_add(s, &sc, cli_num(a.pos[0]), &in, &j, &fe);
	} else if (strcmp(sub, "list") == 0) {
		static const char *const allowed[] = {NULL};
		if (!cli_only(&a, allowed) || a.npos)
			return usage(EVALUATOR_HELP, 0);
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		json_t *items = NULL;
		e = evaluator_list(s, &sc, &items);
		j = items;
	} else if (strcmp(sub, "show") == 0) {
		static const char *const allowed[] = {NULL};
		if (!cli_only(&a, allowed) || a.npos != 1 || cli_num(a.pos[0]) <= 0)
			return usage(EVALUATOR_HELP, 0);
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		e = evaluator_show(s, &sc, cli_num(a.pos[0]), &j);
	} else {
		fprintf(stderr, "jineng evaluator: 没有“%s”这个子命令（register staff list show）\n", sub);
		return EXIT_USAGE;
	}
	return cli_finish(s, e, &fe, j, NULL);
}

/* ---- jineng batch ---- */

static const char BATCH_HELP[] =
	"用法：jineng batch 子命令 … [--as 用户名] [--db URL]\n"
	"  create   [--org 机构编号] --occupation 职业 --level 等级 --exam-from 日期 [--exam-to 日期] --place 地点\n"
	"           --examiner 人员编号 [--examiner …] --supervisor 人员编号 [--direction 工种]\n"
	"           [--pass-theory 60] [--pass-practical 60] [--pass-review 60] [--notice-days 5]\n"
	"           （系统身份须给 --org；评价机构账号为本机构创建）\n"
	"  update   批次 [同 create 的计划选项]               修改计划（计划中或已退回时）\n"
	"  enrol    批次 (--person 编号 | --id-number 身份证号) [--route normal|direct|exceptional|special]\n"
	"           [--years 从事本职业年限] [--diploma none|apprenticeship|technical_school|senior_technical_school|\n"
	"           preparatory_technician|college_in_field] [--basis 依据] [--evidence-text 证明材料说明]\n"
	"  withdraw 批次 考生编号                            移出考生\n"
	"  evidence 批次 考生编号 文件                       上传证明文件（≤10 MiB）\n"
	"  score    批次 考生编号 --theory 分 --practical 分 [--review 分]   （技师及以上须有综合评审）\n"
	"  submit   批次                                     评价机构提交审核\n"
	"  review   批次 --decision pass|return [--reason 原因]   县级审核\n"
	"  return   批次 --reason 原因                       市级退回\n"
	"  notice   批次                                     市级开始公示\n"
	"  object   批次 --content 内容 --contact 联系方式 [--candidate 考生编号]   登记异议\n"
	"  answer   批次 异议编号 --answer 答复              市级答复异议\n"
	"  approve  批次                                     市级审批（公示期满、异议均已答复），编发证书号\n"
	"  issue    批次                                     发证\n"
	"  revoke   批次 --reason 原因                       撤销整个批次\n"
	"  show     批次                                     批次详情\n"
	"  list     [--state 状态] [--org 机构编号] [--occupation 职业编码] [--page N]\n";

static void plan_from(const cli_args *a, batch_input *in)
{
	*in = (batch_input)BATCH_INPUT_EMPTY;
	in->org_id = cli_opt(a, "org") ? cli_num(cli_opt(a, "org")) : 0;
	in->occupation = cli_opt(a, "occupation");
	in->level = cli_opt(a, "level");
	in->direction = cli_opt(a, "direction");
	in->exam_from = cli_opt(a, "exam-from");
	in->exam_to = cli_opt(a, "exam-to");
	in->place = cli_opt(a, "place");
	for (int i = 0; i < a->nopt; i++)
		if (strcmp(a->key[i], "examiner") == 0) {
			if (in->nexaminers < 0)
				in->nexaminers = 0;
			if (in->nexaminers < 32)
				in->examiners[in->nexaminers++] = cli_num(a->val[i]) > 0 ? cli_num(a->val[i]) : 0;
		}
	if (cli_opt(a, "supervisor"))
		in->supervisor = cli_num(cli_opt(a, "supervisor")) > 0 ? cli_num(cli_opt(a, "supervisor")) : 0;
	in->pass_theory = cli_small(a, "pass-theory");
	in->pass_practical = cli_small(a, "pass-practical");
	in->pass_review = cli_small(a, "pass-review");
	in->notice_days = cli_small(a, "notice-days");
}

int cmd_batch(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		if (argc < 2)
			return usage(BATCH_HELP, 0);
		printf("%s%s", BATCH_HELP, WHO);
		return EXIT_OKAY;
	}
	const char *sub = argv[1];
	cli_args a;
	if (cli_parse(argc - 2, argv + 2, &a) != 0)
		return EXIT_USAGE;
	if (a.help) {
		printf("%s%s", BATCH_HELP, WHO);
		return EXIT_OKAY;
	}
	static const char *const plan_opts[] = {"org", "occupation", "level", "direction", "exam-from", "exam-to",
						"place", "examiner", "supervisor", "pass-theory", "pass-practical",
						"pass-review", "notice-days", NULL};
	static const char *const none[] = {NULL};
	int64_t id = a.npos >= 1 ? cli_num(a.pos[0]) : -1, second = a.npos >= 2 ? cli_num(a.pos[1]) : -1;
	scope sc;
	store *s = NULL;
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e = JN_OK;
#define NEED(cond, allowed)                                   \
	do {                                                  \
		if (!cli_only(&a, allowed) || !(cond))            \
			return usage(BATCH_HELP, 0);          \
		if (!(s = cli_open_as(&a, &sc)))                  \
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED; \
	} while (0)
	if (strcmp(sub, "create") == 0) {
		NEED(a.npos == 0, plan_opts);
		batch_input in;
		plan_from(&a, &in);
		e = batch_create(s, &sc, &in, &j, &fe);
	} else if (strcmp(sub, "update") == 0) {
		NEED(a.npos == 1 && id > 0, plan_opts);
		batch_input in;
		plan_from(&a, &in);
		e = batch_update(s, &sc, id, &in, &j, &fe);
	} else if (strcmp(sub, "enrol") == 0) {
		static const char *const allowed[] = {"person", "id-number", "route", "years", "diploma", "basis",
						      "evidence-text", NULL};
		NEED(a.npos == 1 && id > 0, allowed);
		enrol_input in = {cli_opt(&a, "person") ? cli_num(cli_opt(&a, "person")) : 0, cli_opt(&a, "id-number"), cli_opt(&a, "route"),
				  cli_opt(&a, "diploma"), cli_opt(&a, "basis"), cli_opt(&a, "evidence-text"), cli_small(&a, "years")};
		e = batch_enrol(s, &sc, id, &in, &j, &fe);
	} else if (strcmp(sub, "withdraw") == 0) {
		NEED(a.npos == 2 && id > 0 && second > 0, none);
		e = batch_withdraw(s, &sc, id, second, &fe);
	} else if (strcmp(sub, "evidence") == 0) {
		NEED(a.npos == 3 && id > 0 && second > 0, none);
		size_t len = 0;
		char *data = cli_slurp(a.pos[2], &len);
		if (!data) {
			fprintf(stderr, "jineng batch evidence: 无法读取 %s：%s\n", a.pos[2], strerror(errno));
			store_close(s);
			return EXIT_REJECTED;
		}
		const char *base = strrchr(a.pos[2], '/');
		e = len > EVIDENCE_MAX_BYTES ? JN_ETOOLARGE
					     : batch_evidence_put(s, &sc, id, second, base ? base + 1 : a.pos[2], data, len,
								  &j, &fe);
		free(data);
	} else if (strcmp(sub, "score") == 0) {
		static const char *const allowed[] = {"theory", "practical", "review", NULL};
		NEED(a.npos == 2 && id > 0 && second > 0, allowed);
		score_input in = {cli_small(&a, "theory"), cli_small(&a, "practical"), cli_small(&a, "review")};
		e = batch_score(s, &sc, id, second, &in, &j, &fe);
	} else if (strcmp(sub, "submit") == 0) {
		NEED(a.npos == 1 && id > 0, none);
		e = batch_submit(s, &sc, id, &j, &fe);
	} else if (strcmp(sub, "review") == 0) {
		static const char *const allowed[] = {"decision", "reason", NULL};
		NEED(a.npos == 1 && id > 0, allowed);
		e = batch_review(s, &sc, id, cli_opt(&a, "decision"), cli_opt(&a, "reason"), &j, &fe);
	} else if (strcmp(sub, "return") == 0) {
		static const char *const allowed[] = {"reason", NULL};
		NEED(a.npos == 1 && id > 0, allowed);
		e = batch_return(s, &sc, id, cli_opt(&a, "reason"), &j, &fe);
	} else if (strcmp(sub, "notice") == 0) {
		NEED(a.npos == 1 && id > 0, none);
		e = batch_notice(s, &sc, id, &j, &fe);
	} else if (strcmp(sub, "object") == 0) {
		static const char *const allowed[] = {"content", "contact", "candidate", NULL};
		NEED(a.npos == 1 && id > 0, allowed);
		int64_t cid = cli_opt(&a, "candidate") ? cli_num(cli_opt(&a, "candidate")) : 0;
		e = batch_object(s, &sc, id, cid > 0 ? cid : 0, cli_opt(&a, "content"), cli_opt(&a, "contact"), &j, &fe);
	} else if (strcmp(sub, "answer") == 0) {
		static const char *const allowed[] = {"answer", NULL};
		NEED(a.npos == 2 && id > 0 && second > 0, allowed);
		e = batch_answer(s, &sc, id, second, cli_opt(&a, "answer"), &j, &fe);
	} else if (strcmp(sub, "approve") == 0) {
		NEED(a.npos == 1 && id > 0, none);
		e = batch_approve(s, &sc, id, &j, &fe);
	} else if (strcmp(sub, "issue") == 0) {
		NEED(a.npos == 1 && id > 0, none);
		e = batch_issue(s, &sc, id, &j, &fe);
	} else if (strcmp(sub, "revoke") == 0) {
		static const char *const allowed[] = {"reason", NULL};
		NEED(a.npos == 1 && id > 0, allowed);
		e = batch_revoke(s, &sc, id, cli_opt(&a, "reason"), &j, &fe);
	} else if (strcmp(sub, "show") == 0) {
		NEED(a.npos == 1 && id > 0, none);
		e = batch_show(s, &sc, id, &j);
	} else if (strcmp(sub, "list") == 0) {
		static const char *const allowed[] = {"state", "org", "occupation", "page", NULL};
		NEED(a.npos == 0, allowed);
		batch_filter f = {0};
		if (cli_opt(&a, "state") && !(f.state = batch_state_parse(cli_opt(&a, "state")))) {
			fprintf(stderr, "jineng batch list: 状态应为 planned submitted reviewed notice approved issued "
					"returned revoked\n");
			store_close(s);
			return EXIT_USAGE;
		}
		f.org_id = cli_opt(&a, "org") ? cli_num(cli_opt(&a, "org")) : 0;
		snprintf(f.occupation, sizeof f.occupation, "%s", cli_opt(&a, "occupation") ? cli_opt(&a, "occupation") : "");
		f.page = cli_opt(&a, "page") ? (int)cli_num(cli_opt(&a, "page")) : 1;
		f.per_page = 200;
		json_t *items = NULL;
		int64_t total = 0;
		e = batch_list(s, &sc, &f, &items, &total);
		if (!e)
			j = json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total);
	} else {
		fprintf(stderr, "jineng batch: 没有“%s”这个子命令（--help 查看用法）\n", sub);
		return EXIT_USAGE;
	}
#undef NEED
	return cli_finish(s, e, &fe, j, NULL);
}

/* ---- jineng cert ---- */

/* jineng cert pdf|credential NUMBER: the document into --out (or the
 * credential to stdout), signed with the keys of --keys. */
static int cert_document(const cli_args *a, int is_pdf)
{
	keyring *kr = NULL;
	char why[256] = "";
	const char *dir = cli_opt(a, "keys") ? cli_opt(a, "keys") : KEYRING_DEFAULT_DIR;
	if (keyring_load(dir, &kr, why, sizeof why) != JN_OK) {
		fprintf(stderr, "jineng cert: 无法读取签名密钥（%s）：%s；先运行 jineng keygen\n", dir, why);
		return EXIT_FAILED;
	}
	scope sc;
	store *s = cli_open_as(a, &sc);
	if (!s) {
		keyring_free(kr);
		return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
	}
	const char *site = cli_opt(a, "site") ? cli_opt(a, "site") : "";
	unsigned char *doc = NULL;
	size_t len = 0;
	char *jwt = NULL;
	jn_err e = is_pdf ? cert_pdf(s, &sc, kr, a->pos[0], site, &doc, &len, why, sizeof why)
			  : cert_credential(s, &sc, kr, a->pos[0], NULL, site, &jwt, why, sizeof why);
	keyring_free(kr);
	if (is_pdf)
		cert_pdf_thread_done();
	if (jwt) {
		doc = (unsigned char *)jwt;
		len = strlen(jwt);
	}
	const char *out = cli_opt(a, "out");
	if (!e && out && cli_write_file(out, doc, len) != 0)
		e = JN_EINTERNAL;
	else if (!e && !out)
		printf("%s\n", jwt);
	free(doc);
	if (e && why[0])
		fprintf(stderr, "jineng cert: %s\n", why);
	json_t *j = !e && out ? json_pack("{s:s, s:s, s:I}", "number", a->pos[0], "file", out, "bytes", (json_int_t)len)
			      : NULL;
	jn_fields fe = {0};
	if (e == JN_ENOTFOUND)
		jn_fields_add(&fe, "number", "not_found", "没有这个证书，或不在权限范围内，或尚未发放");
	return cli_finish(s, e, &fe, j, NULL);
}

static const char CERT_HELP[] = "用法：\n"
				"  jineng cert show 证书编号                    全部打印字段（留痕）\n"
				"  jineng cert revoke 证书编号 --reason 原因    注销（管理员）\n"
				"  jineng cert list [--status pending|valid|revoked] [--person 人员编号] [--batch 批次]\n"
				"                   [--occupation 职业编码] [--page N]\n"
				"  jineng cert pdf 证书编号 --out 文件.pdf       打印用证书 PDF（含照片和查验二维码；留痕）\n"
				"  jineng cert credential 证书编号 [--out 文件]  签名电子证书（VC-JWT），默认打印到标准输出\n"
				"      以上两项另有 --keys 目录（默认 " KEYRING_DEFAULT_DIR "，与 jineng serve 相同）和\n"
				"      --site https://域名（查验链接的前缀；不给则为相对链接 /verify?number=…）\n"
				"  jineng cert photo 人员编号 照片.jpg|png       上传劳动者照片（≤2 MiB，印在证书上；留痕）\n"
				"  历史证书导入：jineng import certificates 文件（见 jineng import --help）\n";

int cmd_cert(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		if (argc < 2)
			return usage(CERT_HELP, 0);
		printf("%s%s", CERT_HELP, WHO);
		return EXIT_OKAY;
	}
	const char *sub = argv[1];
	cli_args a;
	if (cli_parse(argc - 2, argv + 2, &a) != 0)
		return EXIT_USAGE;
	if (a.help) {
		printf("%s%s", CERT_HELP, WHO);
		return EXIT_OKAY;
	}
	scope sc;
	store *s;
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e;
	static const char *const none[] = {NULL};
	if (strcmp(sub, "show") == 0) {
		if (!cli_only(&a, none) || a.npos != 1)
			return usage(CERT_HELP, 0);
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		e = cert_read(s, &sc, a.pos[0], &j);
	} else if (strcmp(sub, "revoke") == 0) {
		static const char *const allowed[] = {"reason", NULL};
		if (!cli_only(&a, allowed) || a.npos != 1)
			return usage(CERT_HELP, 0);
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		e = cert_revoke(s, &sc, a.pos[0], cli_opt(&a, "reason"), &j, &fe);
	} else if (strcmp(sub, "list") == 0) {
		static const char *const allowed[] = {"status", "person", "batch", "occupation", "page", NULL};
		if (!cli_only(&a, allowed) || a.npos)
			return usage(CERT_HELP, 0);
		cert_filter f = {0};
		if (cli_opt(&a, "status") && !(f.status = cert_status_parse(cli_opt(&a, "status")))) {
			fprintf(stderr, "jineng cert list: 状态应为 pending、valid 或 revoked\n");
			return EXIT_USAGE;
		}
		f.person_id = cli_opt(&a, "person") ? cli_num(cli_opt(&a, "person")) : 0;
		f.batch_id = cli_opt(&a, "batch") ? cli_num(cli_opt(&a, "batch")) : 0;
		snprintf(f.occupation, sizeof f.occupation, "%s", cli_opt(&a, "occupation") ? cli_opt(&a, "occupation") : "");
		f.page = cli_opt(&a, "page") ? (int)cli_num(cli_opt(&a, "page")) : 1;
		f.per_page = 200;
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		json_t *items = NULL;
		int64_t total = 0;
		int capped = 0;
		e = cert_list(s, &sc, &f, &items, &total, &capped);
		if (!e)
			j = json_pack("{s:o, s:I, s:b}", "items", items, "total", (json_int_t)total, "total_capped", capped);
	} else if (strcmp(sub, "pdf") == 0 || strcmp(sub, "credential") == 0) {
		int is_pdf = sub[0] == 'p';
		static const char *const allowed[] = {"out", "keys", "site", NULL};
		if (!cli_only(&a, allowed) || a.npos != 1 || (is_pdf && !cli_opt(&a, "out")))
			return usage(CERT_HELP, 0);
		return cert_document(&a, is_pdf);
	} else if (strcmp(sub, "photo") == 0) {
		if (!cli_only(&a, none) || a.npos != 2)
			return usage(CERT_HELP, 0);
		size_t len = 0;
		char *data = cli_slurp(a.pos[1], &len);
		if (!data) {
			fprintf(stderr, "jineng cert photo: 无法读取 %s：%s\n", a.pos[1], strerror(errno));
			return EXIT_REJECTED;
		}
		if (!(s = cli_open_as(&a, &sc))) {
			free(data);
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		}
		e = person_photo_put(s, &sc, cli_num(a.pos[0]), (const unsigned char *)data, len, &j, &fe);
		free(data);
	} else {
		fprintf(stderr, "jineng cert: 没有“%s”这个子命令（show revoke list pdf credential photo）\n", sub);
		return EXIT_USAGE;
	}
	return cli_finish(s, e, &fe, j, NULL);
}
