/* api_web.c — the web front-end's files (the single-page app built into a
 * directory), served from memory.
 *
 * Every regular file under the directory is read once at startup and never
 * changes afterwards, so serving needs no locks and no file system access:
 * a path that is not one of the files loaded cannot reach anything else on
 * the disk, whatever its dots and encodings.  Paths without an extension
 * that match no file are the app's own routes (/persons/12) and get
 * index.html; a missing file with an extension is a 404 problem. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http.h"

#define WEB_MAX_FILES 20000
#define WEB_MAX_BYTES (256L * 1024 * 1024)

typedef struct web_file {
	char *path;  /* "/assets/app.js" */
	char *data;
	size_t len;
	const struct web_file *gz; /* path + ".gz", when there is one */
} web_file;

static web_file *files;
static size_t nfiles, capfiles;
static size_t total_bytes;
static int enabled;

static const char CSP[] = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
			  "script-src 'self'; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'";

static const struct {
	const char *ext, *type;
} TYPES[] = {
	{"html", "text/html; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"mjs", "text/javascript; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"svg", "image/svg+xml"},
	{"png", "image/png"},
	{"jpg", "image/jpeg"},
	{"jpeg", "image/jpeg"},
	{"ico", "image/x-icon"},
	{"json", "application/json; charset=utf-8"},
	{"map", "application/json; charset=utf-8"},
	{"woff", "font/woff"},
	{"woff2", "font/woff2"},
	{"ttf", "font/ttf"},
	{"txt", "text/plain; charset=utf-8"},
	{"webmanifest", "application/manifest+json"},
	{"gz", "application/gzip"},
};

/* The extension of the last segment of path, or NULL. */
static const char *extension(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');
	return dot && dot[1] ? dot + 1 : NULL;
}

static const char *type_of(const char *path)
{
	const char *ext = extension(path);
	for (size_t i = 0; ext && i < sizeof TYPES / sizeof TYPES[0]; i++)
		if (strcasecmp(ext, TYPES[i].ext) == 0)
			return TYPES[i].type;
	return "application/octet-stream";
}

static int add_file(const char *full, const char *rel, off_t size, char *err, size_t errcap)
{
	if (nfiles >= WEB_MAX_FILES || total_bytes + (size_t)size > WEB_MAX_BYTES) {
		snprintf(err, errcap, "网页目录过大（最多%d个文件、%ld MB）", WEB_MAX_FILES, WEB_MAX_BYTES >> 20);
		return -1;
	}
	FILE *f = fopen(full, "rb");
	if (!f) {
		snprintf(err, errcap, "无法读取 %s", full);
		return -1;
	}
	char *data = malloc(size ? (size_t)size : 1);
	size_t got = data ? fread(data, 1, (size_t)size, f) : 0;
	fclose(f);
	if (!data || got != (size_t)size) {
		free(data);
		snprintf(err, errcap, "无法读取 %s", full);
		return -1;
	}
	if (nfiles == capfiles) {
		size_t ncap = capfiles ? capfiles * 2 : 64;
		web_file *nf = realloc(files, ncap * sizeof *nf);
		if (!nf) {
			free(data);
			snprintf(err, errcap, "内存不足");
			return -1;
		}
		files = nf;
		capfiles = ncap;
	}
	web_file *w = &files[nfiles];
	w->path = strdup(rel);
	if (!w->path) {
		free(data);
		snprintf(err, errcap, "内存不足");
		return -1;
	}
	w->data = data;
	w->len = (size_t)size;
	w->gz = NULL;
	nfiles++;
	total_bytes += (size_t)size;
	return 0;
}

/* Walks dir (rel: its path as the URL sees it), regular files only:
 * symbolic links and hidden files are left out. */
static int walk(const char *dir, const char *rel, int depth, char *err, size_t errcap)
{
	if (depth > 16)
		return 0;
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errcap, "无法打开网页目录 %s", dir);
		return -1;
	}
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char full[PATH_MAX], r[PATH_MAX];
		if ((size_t)snprintf(full, sizeof full, "%s/%s", dir, de->d_name) >= sizeof full ||
		    (size_t)snprintf(r, sizeof r, "%s/%s", rel, de->d_name) >= sizeof r)
			continue;
		struct stat st;
		if (lstat(full, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = walk(full, r, depth + 1, err, errcap);
		else if (S_ISREG(st.st_mode))
			rc = add_file(full, r, st.st_size, err, errcap);
	}
	closedir(d);
	return rc;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const web_file *)a)->path, ((const web_file *)b)->path);
}

static const web_file *find(const char *path)
{
	web_file key = {.path = (char *)path};
	return nfiles ? bsearch(&key, files, nfiles, sizeof *files, by_path) : NULL;
}

int web_load(const char *dir, char *err, size_t errcap)
{
	if (walk(dir, "", 0, err, errcap) != 0)
		return -1;
	qsort(files, nfiles, sizeof *files, by_path);
	for (size_t i = 0; i < nfiles; i++) {
		size_t n = strlen(files[i].path);
		if (n > 3 && strcmp(files[i].path + n - 3, ".gz") == 0) {
			char base[PATH_MAX];
			snprintf(base, sizeof base, "%.*s", (int)(n - 3), files[i].path);
			web_file *b = (web_file *)find(base);
			if (b)
				b->gz = &files[i];
		}
	}
	if (!find("/index.html")) {
		snprintf(err, errcap, "网页目录 %s 中没有 index.html", dir);
		return -1;
	}
	enabled = 1;
	return 0;
}

int web_enabled(void) { return enabled; }

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *web_default_dir(char *buf, size_t cap)
{
	const char *env = getenv("JINENG_WEB");
	if (env && env[0])
		return strcmp(env, "none") == 0 ? NULL : env;
	if (is_dir("build/web"))
		return "build/web";
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, cap, "%s/web", exe);
			if (is_dir(buf))
				return buf;
		}
	}
	return NULL;
}

/* 1 when a segment of path is "." or ".." or it holds a backslash. */
static int unsafe(const char *path)
{
	if (strchr(path, '\\'))
		return 1;
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		size_t k = strcspn(p, "/");
		if ((k == 1 && p[0] == '.') || (k == 2 && p[0] == '.' && p[1] == '.'))
			return 1;
		p += k;
	}
	return 0;
}

/* 1 when Accept-Encoding takes gzip (and does not refuse it with q=0). */
static int takes_gzip(const char *ae)
{
	const char *g = ae ? strstr(ae, "gzip") : NULL;
	if (!g)
		return 0;
	const char *q = g + 4;
	while (*q == ' ' || *q == ';')
		q++;
	if (strncmp(q, "q=", 2) != 0)
		return 1;
	return strtod(q + 2, NULL) > 0;
}

static void answer(const web_file *f, const char *path, const char *accept_encoding, resp *out)
{
	const char *type = type_of(f->path);
	int gz = f->gz && takes_gzip(accept_encoding);
	const web_file *body = gz ? f->gz : f;
	out->status = 200;
	out->raw = body->data;
	out->raw_len = body->len;
	out->raw_static = 1;
	out->content_type = type;
	resp_header(out, "Cache-Control", strncmp(path, "/assets/", 8) == 0 ? "public, max-age=31536000, immutable"
									     : "no-cache");
	if (gz)
		resp_header(out, "Content-Encoding", "gzip");
	if (f->gz)
		resp_header(out, "Vary", "Accept-Encoding");
	if (strncmp(type, "text/html", 9) == 0) {
		resp_header(out, "Content-Security-Policy", CSP);
		resp_header(out, "Referrer-Policy", "no-referrer");
	}
}

int web_serve(const char *method, const char *url, const char *accept_encoding, resp *out)
{
	if (!enabled || (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0))
		return 0;
	/* The API, the health check and the published keys are routes. */
	if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0 || strcmp(url, "/health") == 0 ||
	    strncmp(url, "/.well-known/", 13) == 0)
		return 0;
	if (url[0] != '/' || unsafe(url)) {
		resp_problem_code(out, 404, "no_file", "没有这个页面或文件", NULL);
		return 1;
	}
	const web_file *f = strcmp(url, "/") == 0 ? find("/index.html") : find(url);
	if (!f && !extension(url))
		f = find("/index.html"); /* one of the app's own routes */
	if (!f) {
		resp_problem_code(out, 404, "no_file", "没有这个页面或文件", url);
		return 1;
	}
	answer(f, f->path, accept_encoding, out);
	return 1;
}
