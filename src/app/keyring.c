/* keyring.c — signing keys in a directory, one JSON file each (see keyring.h). */
#include "app/keyring.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/b64url.h"

#define KEY_FILE_MAX 4096 /* a key file is about 300 bytes */
#define KID_DATE_LEN 10   /* YYYY-MM-DD */
#define KID_HASH_HEX 16

typedef struct entry {
	keyring_key k;   /* first: keyring_at hands out &entry->k */
	int file_active; /* the file says "active" (may be a stale second one) */
} entry;

struct keyring {
	char dir[4096];
	int n;
	entry e[KEYRING_MAX_KEYS];
};

static void say(char *why, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t cap, const char *fmt, ...)
{
	if (!why || !cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
}

/* ---- names and times ---- */

static void now_utc(char out[32])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char base[24];
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%.19s.%03dZ", base, (int)(ts.tv_nsec / 1000000));
}

/* "YYYY-MM-DDT…": the kid takes its date from here, so it must be one. */
static int iso_ok(const char *s)
{
	static const char shape[] = "dddd-dd-ddT";
	if (strlen(s) >= 32)
		return 0;
	for (int i = 0; shape[i]; i++) {
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
			return 0;
	}
	return 1;
}

static void make_kid(const char *created_at, const unsigned char pk[32], char kid[KEYRING_KID_MAX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256(h, pk, 32);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	char date[KID_DATE_LEN + 1];
	memcpy(date, created_at, KID_DATE_LEN); /* created_at may sit next to kid in one struct */
	date[KID_DATE_LEN] = '\0';
	snprintf(kid, KEYRING_KID_MAX, "%s-%.*s", date, KID_HASH_HEX, hex);
}

/* ---- atomic files ---- */

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The rename is only durable once the directory itself is on disk. */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Writes data to dir/name through a temporary file, fsync and rename. */
static int write_atomic(const char *dir, const char *name, const char *data, mode_t mode)
{
	char tmp[4200], dst[4200];
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
	snprintf(dst, sizeof dst, "%s/%s", dir, name);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return -1;
	/* The umask may have taken bits away; it must not have added any. */
	int bad = fchmod(fd, mode) != 0 || write_all(fd, data, strlen(data)) != 0 || fsync(fd) != 0;
	bad = close(fd) != 0 || bad;
	if (bad || rename(tmp, dst) != 0) {
		unlink(tmp);
		return -1;
	}
	sync_dir(dir);
	return 0;
}

/* ---- one key file ---- */

static json_t *key_json(const keyring_key *k)
{
	char x[64], d[64];
	b64url_encode(k->pk, 32, x, sizeof x);
	b64url_encode(k->sk, 32, d, sizeof d); /* the seed: the first half of libsodium's sk */
	json_t *o = json_pack("{s:s, s:s, s:s}", "kid", k->kid, "created_at", k->created_at, "status",
			      k->active ? "active" : "retired");
	if (o && k->retired_at[0])
		json_object_set_new(o, "retired_at", json_string(k->retired_at));
	if (o && json_object_update_new(o, json_pack("{s:s, s:s, s:s, s:s}", "alg", "EdDSA", "crv", "Ed25519",
						     "public_key", x, "secret_key", d)) != 0) {
		json_decref(o);
		o = NULL;
	}
	sodium_memzero(d, sizeof d);
	return o;
}

static int save_key(const char *dir, const keyring_key *k)
{
	json_t *o = key_json(k);
	char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (!text)
		return -1;
	char name[KEYRING_KID_MAX + 8];
	snprintf(name, sizeof name, "%s.key", k->kid);
	int r = write_atomic(dir, name, text, 0600);
	sodium_memzero(text, strlen(text));
	free(text);
	return r;
}

static const char *str_field(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* Fills k from a key file's JSON; the reason (Chinese) when it does not check. */
static const char *key_from_json(json_t *o, const char *file_kid, keyring_key *k)
{
	const char *status = str_field(o, "status");
	if (!iso_ok(str_field(o, "created_at")))
		return "created_at 不是 ISO 8601 时间";
	if (strlen(str_field(o, "retired_at")) >= sizeof k->retired_at)
		return "retired_at 过长";
	if (strcmp(status, "active") != 0 && strcmp(status, "retired") != 0)
		return "status 只能是 active 或 retired";
	if (strcmp(str_field(o, "alg"), "EdDSA") != 0 || strcmp(str_field(o, "crv"), "Ed25519") != 0)
		return "只支持 EdDSA / Ed25519 密钥";
	const char *x = str_field(o, "public_key"), *d = str_field(o, "secret_key");
	unsigned char seed[32], pk[32];
	if (b64url_decode(x, strlen(x), pk, sizeof pk) != 32 || b64url_decode(d, strlen(d), seed, sizeof seed) != 32) {
		sodium_memzero(seed, sizeof seed);
		return "public_key 或 secret_key 不是 32 字节的 base64url";
	}
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
	sodium_memzero(seed, sizeof seed);
	if (sodium_memcmp(k->pk, pk, 32) != 0)
		return "secret_key 与 public_key 不是一对";
	snprintf(k->created_at, sizeof k->created_at, "%s", str_field(o, "created_at"));
	snprintf(k->retired_at, sizeof k->retired_at, "%s", str_field(o, "retired_at"));
	make_kid(k->created_at, k->pk, k->kid);
	if (strcmp(k->kid, str_field(o, "kid")) != 0 || strcmp(k->kid, file_kid) != 0)
		return "kid 与公钥或文件名不符";
	k->active = strcmp(status, "active") == 0;
	return NULL;
}

/* Reads a whole small file; NULL when it cannot (or is too large). */
static char *slurp_small(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	char *buf = malloc(KEY_FILE_MAX + 1);
	ssize_t n = buf ? read(fd, buf, KEY_FILE_MAX + 1) : -1;
	close(fd);
	if (n < 0 || n > KEY_FILE_MAX) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static jn_err load_file(keyring *kr, const char *name, char *why, size_t whycap)
{
	char path[4400], file_kid[KEYRING_KID_MAX];
	size_t stem = strlen(name) - 4; /* without ".key" */
	if (stem >= sizeof file_kid) {
		say(why, whycap, "密钥文件 %s：文件名过长", name);
		return JN_EINVAL;
	}
	snprintf(file_kid, sizeof file_kid, "%.*s", (int)stem, name);
	snprintf(path, sizeof path, "%s/%s", kr->dir, name);
	if (kr->n >= KEYRING_MAX_KEYS) {
		say(why, whycap, "密钥目录 %s 中的密钥超过 %d 把", kr->dir, KEYRING_MAX_KEYS);
		return JN_ETOOMANY;
	}
	char *text = slurp_small(path);
	json_error_t jerr;
	json_t *o = text ? json_loads(text, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	if (text) {
		sodium_memzero(text, strlen(text));
		free(text);
	}
	entry *e = &kr->e[kr->n];
	memset(e, 0, sizeof *e);
	const char *bad = !text ? "无法读取" : !json_is_object(o) ? "不是 JSON 对象" : key_from_json(o, file_kid, &e->k);
	json_decref(o);
	if (bad) {
		sodium_memzero(e, sizeof *e);
		say(why, whycap, "密钥文件 %s：%s", path, bad);
		return JN_EINVAL;
	}
	e->file_active = e->k.active;
	kr->n++;
	return JN_OK;
}

/* ---- the keyring ---- */

static int newer_first(const void *a, const void *b)
{
	const keyring_key *x = a, *y = b;
	int c = strcmp(y->created_at, x->created_at);
	return c ? c : strcmp(y->kid, x->kid);
}

/* Newest first; of several keys whose files say active (a crash during a
 * rotation), only the newest signs. */
static void settle(keyring *kr)
{
	qsort(kr->e, (size_t)kr->n, sizeof kr->e[0], newer_first);
	int seen = 0;
	for (int i = 0; i < kr->n; i++) {
		if (kr->e[i].k.active && seen++)
			kr->e[i].k.active = 0;
	}
}

static int is_key_name(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".key") == 0;
}

static jn_err read_dir(keyring *kr, char *why, size_t whycap)
{
	DIR *d = opendir(kr->dir);
	if (!d && errno == ENOENT) {
		say(why, whycap, "密钥目录 %s 不存在", kr->dir);
		return JN_ENOTFOUND;
	}
	if (!d) {
		say(why, whycap, "无法打开密钥目录 %s（%s）", kr->dir, strerror(errno));
		return JN_EIO;
	}
	jn_err e = JN_OK;
	struct dirent *de;
	while (!e && (de = readdir(d)) != NULL) {
		if (is_key_name(de->d_name))
			e = load_file(kr, de->d_name, why, whycap);
	}
	closedir(d);
	return e;
}

jn_err keyring_load(const char *dir, keyring **out, char *why, size_t whycap)
{
	*out = NULL;
	if (sodium_init() < 0)
		return JN_EINTERNAL;
	if (!dir || !dir[0] || strlen(dir) >= sizeof((keyring *)0)->dir) {
		say(why, whycap, "密钥目录名无效");
		return JN_EINVAL;
	}
	keyring *kr = calloc(1, sizeof *kr);
	if (!kr)
		return JN_ENOMEM;
	snprintf(kr->dir, sizeof kr->dir, "%s", dir);
	jn_err e = read_dir(kr, why, whycap);
	if (e) {
		keyring_free(kr);
		return e;
	}
	settle(kr);
	*out = kr;
	return JN_OK;
}

/* mkdir -p: parents as the umask says, the key directory itself 0700. */
static int make_dirs(const char *dir)
{
	char p[4096];
	snprintf(p, sizeof p, "%s", dir);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

jn_err keyring_ensure(const char *dir, const char *now_iso, keyring **out, char *why, size_t whycap)
{
	*out = NULL;
	if (dir && dir[0] && strlen(dir) < 4096 && make_dirs(dir) != 0) {
		say(why, whycap, "无法创建密钥目录 %s：%s", dir, strerror(errno));
		return JN_EIO;
	}
	jn_err e = keyring_load(dir, out, why, whycap);
	if (e || (*out)->n > 0)
		return e;
	e = keyring_generate(*out, now_iso, NULL, why, whycap);
	if (e) {
		keyring_free(*out);
		*out = NULL;
	}
	return e;
}

/* Rewrites every file still saying "active" as retired. */
static jn_err retire_all(keyring *kr, const char *now, char *why, size_t whycap)
{
	for (int i = 0; i < kr->n; i++) {
		entry *e = &kr->e[i];
		if (!e->file_active)
			continue;
		keyring_key k = e->k;
		k.active = 0;
		snprintf(k.retired_at, sizeof k.retired_at, "%s", now);
		int bad = save_key(kr->dir, &k);
		if (!bad) {
			e->k.active = e->file_active = 0;
			memcpy(e->k.retired_at, k.retired_at, sizeof k.retired_at);
		}
		sodium_memzero(&k, sizeof k);
		if (bad) {
			say(why, whycap, "无法改写密钥文件 %s/%s.key", kr->dir, e->k.kid);
			return JN_EIO;
		}
	}
	return JN_OK;
}

static jn_err add_key(keyring *kr, const char *now, entry *e, char *why, size_t whycap)
{
	unsigned char seed[32];
	memset(e, 0, sizeof *e);
	randombytes_buf(seed, sizeof seed);
	crypto_sign_seed_keypair(e->k.pk, e->k.sk, seed);
	sodium_memzero(seed, sizeof seed);
	snprintf(e->k.created_at, sizeof e->k.created_at, "%s", now);
	make_kid(now, e->k.pk, e->k.kid);
	e->k.active = e->file_active = 1;
	if (keyring_find(kr, e->k.kid)) { /* 2^-64: a broken random source, not bad luck */
		say(why, whycap, "新密钥与已有密钥同名 %s", e->k.kid);
		return JN_EINTERNAL;
	}
	if (save_key(kr->dir, &e->k) != 0) {
		say(why, whycap, "无法写入密钥文件 %s/%s.key：%s", kr->dir, e->k.kid, strerror(errno));
		return JN_EIO;
	}
	return JN_OK;
}

jn_err keyring_generate(keyring *kr, const char *now_iso, const keyring_key **made, char *why, size_t whycap)
{
	char now[32];
	if (now_iso && !iso_ok(now_iso)) {
		say(why, whycap, "时间 %.40s 不是 ISO 8601 格式", now_iso);
		return JN_EINVAL;
	}
	snprintf(now, sizeof now, "%s", now_iso ? now_iso : "");
	if (!now_iso)
		now_utc(now);
	if (kr->n >= KEYRING_MAX_KEYS) {
		say(why, whycap, "密钥已达 %d 把上限", KEYRING_MAX_KEYS);
		return JN_ETOOMANY;
	}
	entry fresh;
	/* New key first, then retire the old: a crash in between leaves two
	 * active files (settle() picks the newest), never none. */
	jn_err e = add_key(kr, now, &fresh, why, whycap);
	if (!e)
		e = retire_all(kr, now, why, whycap);
	if (e) {
		sodium_memzero(&fresh, sizeof fresh);
		return e;
	}
	kr->e[kr->n++] = fresh;
	sodium_memzero(&fresh, sizeof fresh);
	settle(kr);
	if (made)
		*made = keyring_active(kr);
	return JN_OK;
}

const keyring_key *keyring_active(const keyring *kr)
{
	for (int i = 0; kr && i < kr->n; i++)
		if (kr->e[i].k.active)
			return &kr->e[i].k;
	return NULL;
}

/* kids are public names: an ordinary comparison is fine here. */
const keyring_key *keyring_find(const keyring *kr, const char *kid)
{
	for (int i = 0; kr && kid && i < kr->n; i++)
		if (strcmp(kr->e[i].k.kid, kid) == 0)
			return &kr->e[i].k;
	return NULL;
}

int keyring_count(const keyring *kr) { return kr ? kr->n : 0; }

const keyring_key *keyring_at(const keyring *kr, int i) { return kr && i >= 0 && i < kr->n ? &kr->e[i].k : NULL; }

const char *keyring_dir(const keyring *kr) { return kr ? kr->dir : ""; }

static json_t *jwk(const keyring_key *k)
{
	char x[64];
	b64url_encode(k->pk, 32, x, sizeof x);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "OKP", "crv", "Ed25519", "x", x, "kid", k->kid, "use",
			 "sig", "alg", "EdDSA");
}

char *keyring_jwks_json(const keyring *kr)
{
	json_t *keys = json_array();
	for (int i = 0; keys && i < keyring_count(kr); i++) {
		if (json_array_append_new(keys, jwk(&kr->e[i].k)) != 0) {
			json_decref(keys);
			return NULL;
		}
	}
	json_t *set = keys ? json_pack("{s:o}", "keys", keys) : NULL;
	char *text = set ? json_dumps(set, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(set);
	return text;
}

jn_err keyring_write_jwks(const keyring *kr, const char *path, char *why, size_t whycap)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	const char *name = slash ? slash + 1 : path;
	if (slash)
		*slash = '\0';
	char *text = keyring_jwks_json(kr);
	int bad = !text || write_atomic(slash ? (dir[0] ? dir : "/") : ".", name, text, 0644) != 0;
	free(text);
	if (bad) {
		say(why, whycap, "无法写入公钥集 %s：%s", path, strerror(errno));
		return JN_EIO;
	}
	return JN_OK;
}

void keyring_free(keyring *kr)
{
	if (!kr)
		return;
	sodium_memzero(kr, sizeof *kr);
	free(kr);
}
