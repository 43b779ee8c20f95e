/* args.c — options, --as and answers for the service commands (args.h). */
#include "cli/args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_parse(int argc, char **argv, cli_args *a)
{
	memset(a, 0, sizeof *a);
	for (int i = 0; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			a->help = 1;
		} else if (strcmp(argv[i], "--dry-run") == 0) {
			a->dry_run = 1;
		} else if (strncmp(argv[i], "--", 2) == 0) {
			if (i + 1 >= argc || a->nopt >= CLI_MAX_OPTS) {
				fprintf(stderr, "jineng: 选项 %s 需要一个值\n", argv[i]);
				return -1;
			}
			a->key[a->nopt] = argv[i] + 2;
			a->val[a->nopt++] = argv[++i];
		} else if (a->npos < 8) {
			a->pos[a->npos++] = argv[i];
		} else {
			fprintf(stderr, "jineng: 多余的参数“%s”\n", argv[i]);
			return -1;
		}
	}
	return 0;
}

const char *cli_opt(const cli_args *a, const char *k)
{
	for (int i = a->nopt - 1; i >= 0; i--)
		if (strcmp(a->key[i], k) == 0)
			return a->val[i];
	return NULL;
}

int cli_opts(const cli_args *a, const char *k, const char **out, int cap)
{
	int n = 0;
	for (int i = 0; i < a->nopt && n < cap; i++)
		if (strcmp(a->key[i], k) == 0)
			out[n++] = a->val[i];
	return n;
}

int cli_only(const cli_args *a, const char *const *allowed)
{
	for (int i = 0; i < a->nopt; i++) {
		int ok = strcmp(a->key[i], "db") == 0 || strcmp(a->key[i], "as") == 0;
		for (const char *const *k = allowed; !ok && *k; k++)
			ok = strcmp(a->key[i], *k) == 0;
		if (!ok) {
			fprintf(stderr, "jineng: 不认识的选项 --%s（--help 查看用法）\n", a->key[i]);
			return 0;
		}
	}
	return 1;
}

int64_t cli_num(const char *s)
{
	if (!s || !*s)
		return -1;
	char *end;
	long long v = strtoll(s, &end, 10);
	return *end || v < 0 ? -1 : v;
}

int cli_small(const cli_args *a, const char *k)
{
	const char *v = cli_opt(a, k);
	if (!v)
		return -1;
	int64_t n = cli_num(v);
	return n < 0 || n > 1000 ? 1001 : (int)n;
}

static int as_refused;

int cli_as_refused(void) { return as_refused; }

int cli_not_opened(void) { return as_refused ? EXIT_REJECTED : EXIT_FAILED; }

store *cli_open_as(const cli_args *a, scope *sc)
{
	as_refused = 0;
	store *s = cli_open(cli_db_url(cli_opt(a, "db")), 1);
	if (!s)
		return NULL;
	const char *as = cli_opt(a, "as");
	if (!as) {
		*sc = scope_system();
		return s;
	}
	stx *t;
	account acct;
	jn_err e = stx_begin(s, 0, &t);
	if (!e) {
		e = store_account_by_username(t, as, &acct);
		stx_rollback(t);
	}
	if (e || acct.disabled) {
		fprintf(stderr, "jineng: 账号“%s”%s\n", as, e == JN_ENOTFOUND ? "不存在" : e ? "无法读取" : "已停用");
		as_refused = e == JN_ENOTFOUND || !e;
		store_close(s);
		return NULL;
	}
	scope_from_account(&acct, sc);
	return s;
}

int cli_finish(store *s, jn_err e, const jn_fields *fe, json_t *j, const char *why)
{
	store_close(s);
	if (!e) {
		char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		if (text)
			printf("%s\n", text);
		free(text);
		json_decref(j);
		return EXIT_OKAY;
	}
	json_decref(j);
	fprintf(stderr, "jineng: %s（%s）%s%s\n", jn_err_title_zh(e), jn_err_code(e), why && why[0] ? "：" : "",
		why ? why : "");
	if (fe)
		cli_print_fields(fe);
	return e == JN_EINVAL || e == JN_ECONFLICT || e == JN_ENOTFOUND || e == JN_EFORBIDDEN || e == JN_ETOOLARGE
		       ? EXIT_REJECTED
		       : EXIT_FAILED;
}
