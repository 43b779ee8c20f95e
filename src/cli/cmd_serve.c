/* cmd_serve.c — `jineng serve` and `jineng init`. */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "cli/cli.h"
#include "http/http.h"

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"listen", required_argument, 0, 'l'},
					     {"threads", required_argument, 0, 't'},
					     {"web", required_argument, 0, 'w'},
					     {"keys", required_argument, 0, 'k'},
					     {"verify-limit", required_argument, 0, 'v'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *db = NULL, *listen = "127.0.0.1:8080", *web = NULL, *keys = KEYRING_DEFAULT_DIR;
	char webbuf[PATH_MAX + 8];
	int threads = 8, verify_limit = RATELIMIT_PUBLIC_DEFAULT, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 't':
			threads = (int)strtol(optarg, NULL, 10);
			break;
		case 'w':
			web = optarg;
			break;
		case 'k':
			keys = optarg;
			break;
		case 'v': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (!optarg[0] || *end || v < 0 || v > 1000000) {
				fprintf(stderr, "jineng serve: --verify-limit 应为 0 到 1000000 的整数（每分钟次数，0 为不限），"
						"不是“%s”\n",
					optarg);
				return EXIT_USAGE;
			}
			verify_limit = (int)v;
			break;
		}
		case 'h':
			printf("用法：jineng serve [--db URL] [--listen 地址:端口] [--threads N] [--web 目录|none] [--keys 目录]\n"
			       "                    [--verify-limit N]\n"
			       "  提供 JSON 接口 /api/v1 和网页。默认 --listen 127.0.0.1:8080，--threads 8。\n"
			       "  --web 网页前端目录（默认：环境变量 JINENG_WEB，否则当前目录下的 build/web，\n"
			       "  否则程序所在目录下的 web；都没有则只提供接口）。none 表示不提供网页。\n"
			       "  --keys 证书签名密钥目录（默认 " KEYRING_DEFAULT_DIR "，与 jineng keygen 相同；没有密钥时生成第一把）。\n"
			       "  --verify-limit 公开查验（/api/v1/verify）和电子证书（/api/v1/certificates/{编号}/credential）\n"
			       "  共用的限速：每个来源地址每分钟 N 次，可连续突发 2N 次（默认 %d，即每分钟 %d 次、突发 %d 次）；\n"
			       "  0 表示不限速，只应用于压测等不对公众开放的场合。\n",
			       RATELIMIT_PUBLIC_DEFAULT, RATELIMIT_PUBLIC_DEFAULT, 2 * RATELIMIT_PUBLIC_DEFAULT);
			return EXIT_OKAY;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc || threads < 1 || threads > 256) {
		fprintf(stderr, "jineng serve: 参数有误（--help 查看用法）\n");
		return EXIT_USAGE;
	}
	char addr[64];
	const char *colon = strrchr(listen, ':');
	long port = colon ? strtol(colon + 1, NULL, 10) : 0;
	if (!colon || (size_t)(colon - listen) >= sizeof addr || port < 0 || port > 65535) {
		fprintf(stderr, "jineng serve: --listen 应为 地址:端口，如 127.0.0.1:8080\n");
		return EXIT_USAGE;
	}
	memcpy(addr, listen, (size_t)(colon - listen));
	addr[colon - listen] = '\0';
	int web_given = web != NULL;
	if (!web)
		web = web_default_dir(webbuf, sizeof webbuf);
	if (web && strcmp(web, "none") != 0) {
		char werr[512];
		if (web_load(web, werr, sizeof werr) != 0) {
			fprintf(stderr, "jineng serve: %s\n", werr);
			if (web_given)
				return EXIT_FAILED;
		} else {
			fprintf(stderr, "jineng: 网页目录 %s\n", web);
		}
	}
	keyring *kr = NULL;
	char kwhy[512];
	if (keyring_ensure(keys, NULL, &kr, kwhy, sizeof kwhy) != JN_OK) {
		fprintf(stderr, "jineng serve: 证书签名密钥：%s\n", kwhy);
		return EXIT_FAILED;
	}
	http_set_keyring(kr);
	ratelimit_public_set(verify_limit);
	if (verify_limit == 0)
		fprintf(stderr, "jineng: 公开查验和电子证书不限速（--verify-limit 0）\n");
	else if (verify_limit != RATELIMIT_PUBLIC_DEFAULT)
		fprintf(stderr, "jineng: 公开查验和电子证书限速：每个地址每分钟 %d 次，突发 %d 次\n", verify_limit,
			2 * verify_limit);
	store *s = cli_open(cli_db_url(db), threads);
	if (!s) {
		keyring_free(kr);
		return EXIT_FAILED;
	}
	http_server *h;
	char err[256];
	if (http_start(s, addr, (int)port, threads, &h, err, sizeof err) != JN_OK) {
		fprintf(stderr, "jineng serve: %s\n", err);
		store_close(s);
		keyring_free(kr);
		return EXIT_FAILED;
	}
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr, "jineng: 服务已启动 http://%s:%ld/ （%s）\n", addr, port, store_engine(s));
	while (!stop_requested)
		pause();
	fprintf(stderr, "jineng: 正在停止…\n");
	http_stop(h);
	store_close(s);
	http_set_keyring(NULL);
	keyring_free(kr);
	return EXIT_OKAY;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"demo", no_argument, 0, 'm'},
					     {"data", required_argument, 0, 'D'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *db = NULL, *datadir = NULL;
	int demo = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'm':
			demo = 1;
			break;
		case 'D':
			datadir = optarg;
			break;
		case 'h':
			printf("用法：jineng init [--db URL] [--demo] [--data 目录]\n"
			       "  创建或升级数据库结构（按版本迁移，重复运行不改变任何东西），\n"
			       "  装载行政区划、八级工等级、职业分类大典和各等级申报条件（data/level-conditions.csv）；\n"
			       "  --demo 再加一套演示数据和各角色账号（含认定批次的各个状态）。\n");
			return EXIT_OKAY;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "jineng init: 多余的参数“%s”\n", argv[optind]);
		return EXIT_USAGE;
	}
	const char *url = cli_db_url(db);
	char err[512] = "";
	store *s;
	if (store_open(url, 1, &s, err, sizeof err) != JN_OK) {
		fprintf(stderr, "jineng init: 无法打开数据库 %s：%s\n", url, err);
		return EXIT_FAILED;
	}
	int applied, version;
	jn_err e = store_migrate(s, &applied, &version);
	if (e) {
		store_close(s);
		return EXIT_FAILED;
	}
	printf("数据库结构：版本 %d（本次升级 %d 步）\n", version, applied);
	char buf[PATH_MAX + 16];
	if (!datadir)
		datadir = cli_datadir(buf, sizeof buf);
	if ((e = refdata_load(s, datadir, err, sizeof err)) != JN_OK) {
		fprintf(stderr, "jineng init: 参考数据装载失败：%s\n", err);
		store_close(s);
		return EXIT_FAILED;
	}
	printf("参考数据已装载：行政区划、八级工、职业分类大典（2022）、规划目标、申报条件\n");
	if (demo && (e = demo_load(s, stdout)) != JN_OK) {
		store_close(s);
		return EXIT_FAILED;
	}
	store_close(s);
	return EXIT_OKAY;
}
