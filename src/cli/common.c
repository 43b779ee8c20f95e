/* common.c — what the commands share: the database URL, the data
 * directory, opening the store, printing field errors, reading files. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

const char *cli_db_url(const char *given)
{
	if (given && given[0])
		return given;
	const char *env = getenv("JINENG_DB");
	return env && env[0] ? env : "sqlite:var/jineng.db";
}

const char *cli_datadir(char *buf, size_t cap)
{
	const char *env = getenv("JINENG_DATA");
	if (env && env[0])
		return env;
	struct stat st;
	if (stat("data/occupations-2022.csv", &st) == 0)
		return "data";
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, cap, "%s/../data", exe);
			return buf;
		}
	}
	return "data";
}

store *cli_open(const char *url, int pool)
{
	char err[512] = "";
	store *s;
	jn_err e = store_open(url, pool, &s, err, sizeof err);
	if (e) {
		fprintf(stderr, "jineng: 无法打开数据库 %s：%s\n", url, err);
		return NULL;
	}
	int applied, version;
	if ((e = store_migrate(s, &applied, &version)) != JN_OK) {
		fprintf(stderr, "jineng: 数据库结构升级失败（%s）\n", jn_err_code(e));
		store_close(s);
		return NULL;
	}
	return s;
}

void cli_print_fields(const jn_fields *fe)
{
	for (int i = 0; i < fe->count && i < JN_FIELDS_MAX; i++)
		fprintf(stderr, "  %s: %s [%s]\n", fe->e[i].field, fe->e[i].message, fe->e[i].code);
}

char *cli_slurp(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 65536 + 1 > cap) {
			cap = cap ? cap * 2 : 1 << 20;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				if (f != stdin)
					fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	int bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (bad) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

int cli_is_help(const char *arg) { return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 || strcmp(arg, "help") == 0; }

int cli_write_file(const char *path, const void *data, size_t len)
{
	int to_stdout = strcmp(path, "-") == 0;
	FILE *f = to_stdout ? stdout : fopen(path, "wb");
	int ok = f && fwrite(data, 1, len, f) == len;
	if (f && !to_stdout)
		ok = (fclose(f) == 0) && ok;
	else if (f)
		ok = fflush(f) == 0 && ok;
	if (!ok)
		fprintf(stderr, "jineng: 无法写入 %s：%s\n", path, strerror(errno));
	return ok ? 0 : -1;
}
