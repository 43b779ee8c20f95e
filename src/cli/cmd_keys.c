/* cmd_keys.c — `jineng keygen`, `jineng keys list` and
 * `jineng verify-credential`: the certificate-signing keys and the offline
 * check of a signed certificate.  None of them opens the database or the
 * network, so a verifier needs only the binary and a jwks.json. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/credential.h"
#include "app/keyring.h"
#include "cli/cli.h"

typedef struct key_opts {
	const char *keys, *jwks; /* NULL when not given */
	const char *file;        /* verify-credential's FILE */
} key_opts;

/* Parses the options the three commands share (--jwks and FILE only when
 * want_file); -1 on a usage error, 1 when --help was asked. */
static int parse_opts(int argc, char **argv, int want_file, key_opts *o)
{
	static const struct option opts[] = {{"keys", required_argument, 0, 'k'},
					     {"jwks", required_argument, 0, 'j'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	memset(o, 0, sizeof *o);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return 1;
		if (c == 'k')
			o->keys = optarg;
		else if (c == 'j' && want_file)
			o->jwks = optarg;
		else
			return -1;
	}
	if (want_file && optind == argc - 1)
		o->file = argv[optind++];
	return optind == argc ? 0 : -1;
}

static const char *keys_dir(const key_opts *o)
{
	return o->keys ? o->keys : KEYRING_DEFAULT_DIR;
}

/* ---- keygen ---- */

static void keygen_help(FILE *f)
{
	fprintf(f, "用法：jineng keygen [--keys 目录]\n"
		   "  生成一把新的证书签名密钥（Ed25519）并启用；原来在用的密钥随之停用，\n"
		   "  但仍保留在公钥集中，它签发过的证书照样可以验证。\n"
		   "  同时写出 目录/jwks.json（公钥集，可公开发布，用于离线验证）。\n"
		   "  目录默认 " KEYRING_DEFAULT_DIR "，不存在时自动创建（权限 0700）。\n");
}

static int write_jwks(const keyring *kr, char *path, size_t cap)
{
	char why[512];
	snprintf(path, cap, "%s/jwks.json", keyring_dir(kr));
	if (keyring_write_jwks(kr, path, why, sizeof why) != JN_OK) {
		fprintf(stderr, "jineng: %s\n", why);
		return -1;
	}
	return 0;
}

/* Loads dir and rotates; a missing dir is created with its first key. */
static jn_err rotate(const char *dir, keyring **kr, char prev[KEYRING_KID_MAX], char *why, size_t whycap)
{
	prev[0] = '\0';
	jn_err e = keyring_load(dir, kr, why, whycap);
	if (e == JN_ENOTFOUND)
		return keyring_ensure(dir, NULL, kr, why, whycap);
	if (e)
		return e;
	const keyring_key *old = keyring_active(*kr);
	if (old)
		snprintf(prev, KEYRING_KID_MAX, "%s", old->kid);
	e = keyring_generate(*kr, NULL, NULL, why, whycap);
	if (e) {
		keyring_free(*kr);
		*kr = NULL;
	}
	return e;
}

int cmd_keygen(int argc, char **argv)
{
	key_opts o;
	int r = parse_opts(argc, argv, 0, &o);
	if (r) {
		keygen_help(r > 0 ? stdout : stderr);
		return r > 0 ? EXIT_OKAY : EXIT_USAGE;
	}
	keyring *kr;
	char why[512], prev[KEYRING_KID_MAX], jwks[4200];
	if (rotate(keys_dir(&o), &kr, prev, why, sizeof why) != JN_OK) {
		fprintf(stderr, "jineng keygen: %s\n", why);
		return EXIT_FAILED;
	}
	const keyring_key *k = keyring_active(kr);
	int bad = write_jwks(kr, jwks, sizeof jwks);
	printf("已生成新的签名密钥：%s\n  密钥文件：%s/%s.key（仅本用户可读；务必妥善保管并备份）\n", k->kid, keys_dir(&o), k->kid);
	if (!bad)
		printf("  公钥集：%s（共 %d 把公钥，可以公开发布，用于离线验证）\n", jwks, keyring_count(kr));
	if (prev[0])
		printf("  原在用密钥 %s 已停用，它签发的证书仍可验证。\n", prev);
	keyring_free(kr);
	return bad ? EXIT_FAILED : EXIT_OKAY;
}

/* ---- keys list ---- */

static void keys_help(FILE *f)
{
	fprintf(f, "用法：jineng keys list [--keys 目录]\n"
		   "  列出证书签名密钥：名称（kid）、在用或已停用、创建和停用时间。目录默认 " KEYRING_DEFAULT_DIR "。\n");
}

static void list_keys(const keyring *kr)
{
	printf("密钥目录 %s：共 %d 把\n", keyring_dir(kr), keyring_count(kr));
	for (int i = 0; i < keyring_count(kr); i++) {
		const keyring_key *k = keyring_at(kr, i);
		printf("  %s  %s  创建于 %s", k->kid, k->active ? "在用  " : "已停用", k->created_at);
		if (k->retired_at[0])
			printf("，停用于 %s", k->retired_at);
		printf("\n");
	}
}

int cmd_keys(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		keys_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OKAY;
	}
	if (strcmp(argv[1], "list") != 0) {
		fprintf(stderr, "jineng keys: 没有“%s”这个子命令（可用：list）\n", argv[1]);
		return EXIT_USAGE;
	}
	key_opts o;
	int r = parse_opts(argc - 1, argv + 1, 0, &o);
	if (r) {
		keys_help(r > 0 ? stdout : stderr);
		return r > 0 ? EXIT_OKAY : EXIT_USAGE;
	}
	keyring *kr;
	char why[512];
	jn_err e = keyring_load(keys_dir(&o), &kr, why, sizeof why);
	if (e) {
		fprintf(stderr, "jineng keys list: %s%s\n", why, e == JN_ENOTFOUND ? "（先运行 jineng keygen）" : "");
		return e == JN_ENOTFOUND ? EXIT_REJECTED : EXIT_FAILED;
	}
	list_keys(kr);
	keyring_free(kr);
	return EXIT_OKAY;
}

/* ---- verify-credential ---- */

static void verify_help(FILE *f)
{
	fprintf(f, "用法：jineng verify-credential 文件 [--jwks 公钥集文件 | --keys 目录]\n"
		   "  离线验证一份签名证书（VC-JWT）：文件里是凭证本身（\"-\" 表示从标准输入读），首尾空白忽略。\n"
		   "  公钥取自 --jwks 给的 jwks.json，或 --keys 目录中的密钥（默认 " KEYRING_DEFAULT_DIR "）。\n"
		   "  有效时退出码 0 并列出持证人、职业、等级、证书编号、签发者和签名密钥；无效时退出码 1 并说明原因。\n");
}

/* The JWK Set to check against: the file given, or the key directory's. */
static char *load_jwks(const key_opts *o)
{
	if (o->jwks) {
		size_t n;
		char *text = cli_slurp(o->jwks, &n);
		if (!text)
			fprintf(stderr, "jineng verify-credential: 无法读取公钥集 %s\n", o->jwks);
		return text;
	}
	keyring *kr;
	char why[512];
	if (keyring_load(keys_dir(o), &kr, why, sizeof why) != JN_OK) {
		fprintf(stderr, "jineng verify-credential: %s\n", why);
		return NULL;
	}
	char *text = keyring_jwks_json(kr);
	keyring_free(kr);
	return text;
}

static const char *subj(json_t *cs, const char *key)
{
	const char *s = json_string_value(json_object_get(cs, key));
	return s ? s : "";
}

static void print_valid(json_t *p, const char *kid)
{
	json_t *cs = json_object_get(json_object_get(p, "vc"), "credentialSubject");
	json_t *body = json_object_get(cs, "issuingBody");
	const char *nat = subj(cs, "nationalLevel"), *lvl = subj(cs, "levelName");
	printf("有效\n");
	printf("  持证人：%s（%s）\n", subj(cs, "name"), subj(cs, "idNumberMasked"));
	printf("  职业：%s %s\n", subj(cs, "occupationCode"), subj(cs, "occupationName"));
	printf("  等级：%s%s%s\n", nat, nat[0] && lvl[0] ? "/" : "", lvl);
	printf("  证书编号：%s\n", subj(cs, "certificateNumber"));
	printf("  颁发机构：%s%s%s%s\n", subj(body, "name"), subj(body, "code")[0] ? "（" : "", subj(body, "code"),
	       subj(body, "code")[0] ? "）" : "");
	printf("  发证日期：%s\n", subj(cs, "issuedOn"));
	printf("  签发者：%s\n", subj(p, "iss"));
	printf("  签名密钥：%s\n", kid);
}

static void trim(char **s, size_t *n)
{
	while (*n && strchr(" \t\r\n", (*s)[0]))
		(*s)++, (*n)--;
	while (*n && strchr(" \t\r\n", (*s)[*n - 1]))
		(*n)--;
}

static int verify_text(char *jwt, size_t n, const char *jwks)
{
	trim(&jwt, &n);
	json_t *payload;
	char why[512], kid[KEYRING_KID_MAX];
	int st = credential_verify_at(jwt, n, jwks, (long long)time(NULL), &payload, kid, why, sizeof why);
	if (st) {
		printf("无效：%s [%s]\n", why, credential_status_code(st));
		return EXIT_REJECTED;
	}
	print_valid(payload, kid);
	json_decref(payload);
	return EXIT_OKAY;
}

int cmd_verify_credential(int argc, char **argv)
{
	key_opts o;
	int r = parse_opts(argc, argv, 1, &o);
	if (r || !o.file || (o.jwks && o.keys)) {
		verify_help(r > 0 ? stdout : stderr);
		return r > 0 ? EXIT_OKAY : EXIT_USAGE;
	}
	size_t n;
	char *jwt = cli_slurp(o.file, &n);
	if (!jwt) {
		fprintf(stderr, "jineng verify-credential: 无法读取 %s\n", o.file);
		return EXIT_FAILED;
	}
	char *jwks = load_jwks(&o);
	int rc = jwks ? verify_text(jwt, n, jwks) : EXIT_FAILED;
	free(jwks);
	free(jwt);
	return rc;
}
