/* credential.c — certificates as VC-JWTs signed with Ed25519 (see credential.h). */
#include "app/credential.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/b64url.h"

#define SIG_BYTES crypto_sign_BYTES /* 64 */

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

/* ---- checks of what is signed ---- */

static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* YYYY-MM-DD at the start of s. */
static int date_prefix_ok(const char *s)
{
	return digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' && digits(s + 8, 2);
}

static int date_ok(const char *s)
{
	return strlen(s) == 10 && date_prefix_ok(s);
}

/* "YYYY-MM-DDTHH:MM:SS[.fff…]Z" into Unix seconds. */
static int parse_iso(const char *s, long long *out)
{
	if (strlen(s) < 20 || !date_prefix_ok(s) || s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' ||
	    !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
		return -1;
	const char *p = s + 19;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (strcmp(p, "Z") != 0)
		return -1;
	struct tm tm = {0};
	if (!strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
		return -1;
	*out = (long long)timegm(&tm);
	return 0;
}

static int route_ok(const char *r)
{
	static const char *const ROUTES[] = {"normal", "direct", "exceptional", "special"};
	for (size_t i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++)
		if (strcmp(r, ROUTES[i]) == 0)
			return 1;
	return 0;
}

static int claims_ok(const cert_claims *c, const char *issuer)
{
	return c && c->number && c->number[0] && c->holder_name && c->holder_name[0] && issuer && issuer[0] &&
	       (!c->issued_on || date_ok(c->issued_on)) && (!c->route || route_ok(c->route)) && c->level >= 0 &&
	       c->level <= 8;
}

/* ---- building the payload ---- */

/* Sets key to the string v; NULL v is left out.  -1 when v is not UTF-8
 * (json_string refuses it) or memory ran out. */
static int put(json_t *o, const char *key, const char *v)
{
	return v ? json_object_set_new(o, key, json_string(v)) : 0;
}

static json_t *subject_json(const cert_claims *c)
{
	json_t *s = json_object(), *body = json_object();
	int bad = !s || !body || put(s, "certificateNumber", c->number) || put(s, "name", c->holder_name) ||
		  put(s, "idNumberMasked", c->holder_id_masked) || put(s, "gender", c->gender) ||
		  put(s, "occupationCode", c->occupation_code) || put(s, "occupationName", c->occupation_name) ||
		  (c->level && json_object_set_new(s, "level", json_integer(c->level))) ||
		  put(s, "levelName", c->level_name) || put(s, "nationalLevel", c->national_level) ||
		  put(body, "name", c->body_name) || put(body, "code", c->body_code);
	if (!bad && json_object_size(body))
		bad = json_object_set(s, "issuingBody", body);
	bad = bad || put(s, "issuedOn", c->issued_on) || put(s, "route", c->route);
	json_decref(body);
	if (bad) {
		json_decref(s);
		return NULL;
	}
	return s;
}

static json_t *vc_json(const cert_claims *c)
{
	json_t *subject = subject_json(c);
	if (!subject)
		return NULL;
	json_t *vc = json_pack("{s:[s], s:[s,s], s:o}", "@context", "https://www.w3.org/2018/credentials/v1", "type",
			       "VerifiableCredential", "SkillCertificateCredential", "credentialSubject", subject);
	if (vc && c->verify_url) {
		json_t *status = json_pack("{s:s, s:s}", "id", c->verify_url, "type", "JinengVerification");
		if (json_object_set_new(vc, "credentialStatus", status) != 0) {
			json_decref(vc);
			return NULL;
		}
	}
	return vc;
}

static json_t *payload_json(const cert_claims *c, const char *issuer, long long t)
{
	json_t *vc = vc_json(c);
	if (!vc)
		return NULL;
	char jti[512];
	if ((size_t)snprintf(jti, sizeof jti, "urn:jineng:cert:%s", c->number) >= sizeof jti) {
		json_decref(vc);
		return NULL;
	}
	return json_pack("{s:s, s:s, s:I, s:I, s:s, s:o}", "iss", issuer, "sub", c->number, "nbf", (json_int_t)t,
			 "iat", (json_int_t)t, "jti", jti, "vc", vc);
}

/* Compact JSON, UTF-8 as is, members in the order built, then base64url. */
static char *b64_json(json_t *o)
{
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	char *b64 = text ? b64url_encode_alloc(text, strlen(text)) : NULL;
	free(text);
	return b64;
}

/* header.payload.signature from the two encoded halves. */
static char *sign_joined(const keyring_key *k, const char *h64, const char *p64)
{
	size_t hn = strlen(h64), pn = strlen(p64), sn = b64url_encoded_len(SIG_BYTES);
	char *jwt = malloc(hn + pn + sn + 3);
	if (!jwt)
		return NULL;
	memcpy(jwt, h64, hn);
	jwt[hn] = '.';
	memcpy(jwt + hn + 1, p64, pn);
	unsigned char sig[SIG_BYTES];
	crypto_sign_detached(sig, NULL, (const unsigned char *)jwt, hn + 1 + pn, k->sk);
	jwt[hn + 1 + pn] = '.';
	b64url_encode(sig, sizeof sig, jwt + hn + pn + 2, sn + 1);
	return jwt;
}

char *credential_sign(const keyring *kr, const cert_claims *c, const char *issuer, const char *now_iso)
{
	const keyring_key *k = keyring_active(kr);
	long long t = (long long)time(NULL);
	if (!k || !claims_ok(c, issuer) || (now_iso && parse_iso(now_iso, &t) != 0))
		return NULL;
	json_t *header = json_pack("{s:s, s:s, s:s}", "alg", "EdDSA", "typ", "JWT", "kid", k->kid);
	json_t *payload = payload_json(c, issuer, t);
	char *h64 = b64_json(header), *p64 = b64_json(payload);
	json_decref(header);
	json_decref(payload);
	char *jwt = h64 && p64 ? sign_joined(k, h64, p64) : NULL;
	free(h64);
	free(p64);
	return jwt;
}

/* ---- verification ---- */

typedef struct jws {
	const char *part[3]; /* header, payload, signature (base64url) */
	size_t len[3];
} jws;

/* An empty signature is let through here so that "alg":"none" tokens
 * (which have one) are refused for their alg, the clearer reason. */
static int split(const char *jwt, size_t len, jws *j)
{
	const char *p = jwt, *end = jwt + len;
	for (int i = 0; i < 3; i++) {
		const char *dot = i < 2 ? memchr(p, '.', (size_t)(end - p)) : end;
		if (!dot || (dot == p && i < 2))
			return -1;
		j->part[i] = p;
		j->len[i] = (size_t)(dot - p);
		p = dot + 1;
	}
	return memchr(j->part[2], '.', j->len[2]) ? -1 : 0;
}

/* A base64url part holding a JSON object; NULL when it is anything else. */
static json_t *decode_object(const char *s, size_t n)
{
	unsigned char buf[CREDENTIAL_MAX_LEN];
	long got = b64url_decode(s, n, buf, sizeof buf);
	if (got <= 0)
		return NULL;
	json_error_t e;
	/* Duplicate names are refused: two "alg"s could be read differently
	 * by another verifier. */
	json_t *o = json_loadb((const char *)buf, (size_t)got, JSON_REJECT_DUPLICATES, &e);
	if (!json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* A header value is shown in a reason only when it is short and plain. */
static const char *printable(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      s[i] == '-' || s[i] == '_' || s[i] == '+' || s[i] == '.'))
			return "（无法显示）";
	return n && n < 40 ? s : "（无法显示）";
}

static int check_header(json_t *h, char kid[KEYRING_KID_MAX], char *why, size_t whycap)
{
	const char *alg = json_string_value(json_object_get(h, "alg"));
	if (!alg) {
		say(why, whycap, "格式不对：头部没有 alg");
		return CRED_MALFORMED;
	}
	if (strcmp(alg, "none") == 0) {
		say(why, whycap, "凭证没有签名（alg: none），不被接受");
		return CRED_BAD_ALG;
	}
	if (strcmp(alg, "EdDSA") != 0) {
		say(why, whycap, "签名算法 %s 不被接受（只接受 EdDSA）", printable(alg));
		return CRED_BAD_ALG;
	}
	/* crit names extensions the verifier must understand; we know none. */
	if (json_object_get(h, "crit")) {
		say(why, whycap, "头部含 crit 扩展，不被接受");
		return CRED_BAD_ALG;
	}
	const char *k = json_string_value(json_object_get(h, "kid"));
	if (!k || !k[0] || strlen(k) >= KEYRING_KID_MAX) {
		say(why, whycap, "格式不对：头部没有有效的 kid");
		return CRED_MALFORMED;
	}
	snprintf(kid, KEYRING_KID_MAX, "%s", k);
	return CRED_OK;
}

static int is_or_absent(json_t *jwk, const char *key, const char *want)
{
	json_t *v = json_object_get(jwk, key);
	return !v || (json_is_string(v) && strcmp(json_string_value(v), want) == 0);
}

/* 0 when jwk is an Ed25519 signing key (kty, crv, and alg and use when
 * given), its 32-byte x into pk. */
static int jwk_ed25519(json_t *jwk, unsigned char pk[32])
{
	const char *x = json_string_value(json_object_get(jwk, "x"));
	if (!json_object_get(jwk, "kty") || !is_or_absent(jwk, "kty", "OKP") || !is_or_absent(jwk, "crv", "Ed25519") ||
	    !is_or_absent(jwk, "alg", "EdDSA") || !is_or_absent(jwk, "use", "sig") || !x)
		return -1;
	return b64url_decode(x, strlen(x), pk, 32) == 32 ? 0 : -1;
}

/* The Ed25519 public key of kid in the JWK Set. */
static int find_key(const char *jwks_json, const char *kid, unsigned char pk[32], char *why, size_t whycap)
{
	json_error_t e;
	json_t *set = jwks_json ? json_loads(jwks_json, 0, &e) : NULL;
	json_t *keys = json_object_get(set, "keys"), *jwk = NULL;
	if (!json_is_array(keys)) {
		json_decref(set);
		say(why, whycap, "公钥集无效：不是 {\"keys\":[…]} 形式的 JWK Set");
		return CRED_BAD_JWKS;
	}
	for (size_t i = 0; i < json_array_size(keys) && !jwk; i++) {
		const char *k = json_string_value(json_object_get(json_array_get(keys, i), "kid"));
		if (k && strcmp(k, kid) == 0)
			jwk = json_array_get(keys, i);
	}
	int st = CRED_OK;
	if (!jwk) {
		say(why, whycap, "签名密钥 %s 不在公钥集中（不是本平台签发的，或公钥集过旧）", printable(kid));
		st = CRED_UNKNOWN_KID;
	} else if (jwk_ed25519(jwk, pk) != 0) {
		say(why, whycap, "公钥集无效：%s 不是 Ed25519 签名公钥", printable(kid));
		st = CRED_BAD_JWKS;
	}
	json_decref(set);
	return st;
}

static int check_signature(const jws *j, const unsigned char pk[32], char *why, size_t whycap)
{
	unsigned char sig[SIG_BYTES];
	if (b64url_decode(j->part[2], j->len[2], sig, sizeof sig) != SIG_BYTES) {
		say(why, whycap, "格式不对：签名不是 64 字节的 base64url");
		return CRED_MALFORMED;
	}
	/* The signed bytes are the two parts as they came, dot included. */
	size_t signed_len = j->len[0] + 1 + j->len[1];
	if (crypto_sign_verify_detached(sig, (const unsigned char *)j->part[0], signed_len, pk) != 0) {
		say(why, whycap, "签名不符：凭证内容被改动过，或不是由这把密钥签发");
		return CRED_BAD_SIGNATURE;
	}
	return CRED_OK;
}

static void iso_of(long long t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "%lld", t);
}

/* nbf and exp when present must be whole seconds and hold now. */
static int check_times(json_t *p, long long now, char *why, size_t whycap)
{
	json_t *nbf = json_object_get(p, "nbf"), *exp = json_object_get(p, "exp");
	char at[32];
	if ((nbf && !json_is_integer(nbf)) || (exp && !json_is_integer(exp))) {
		say(why, whycap, "格式不对：nbf 或 exp 不是整数秒");
		return CRED_MALFORMED;
	}
	if (nbf && json_integer_value(nbf) > now + CREDENTIAL_LEEWAY_S) {
		iso_of(json_integer_value(nbf), at);
		say(why, whycap, "尚未生效：生效时间 %s 晚于当前时间", at);
		return CRED_NOT_YET_VALID;
	}
	if (exp && json_integer_value(exp) < now - CREDENTIAL_LEEWAY_S) {
		iso_of(json_integer_value(exp), at);
		say(why, whycap, "已过期：有效期至 %s", at);
		return CRED_EXPIRED;
	}
	return CRED_OK;
}

static int check_payload(json_t *p, long long now, char *why, size_t whycap)
{
	if (!p) {
		say(why, whycap, "格式不对：载荷不是 base64url 编码的 JSON 对象");
		return CRED_MALFORMED;
	}
	if (!json_is_string(json_object_get(p, "iss")) || !json_is_string(json_object_get(p, "sub")) ||
	    !json_is_object(json_object_get(json_object_get(p, "vc"), "credentialSubject"))) {
		say(why, whycap, "格式不对：载荷缺少 iss、sub 或 vc.credentialSubject");
		return CRED_MALFORMED;
	}
	return check_times(p, now, why, whycap);
}

/* Header, key, signature: everything before the payload is trusted. */
static int verify_signed(const jws *j, const char *jwks_json, char kid[KEYRING_KID_MAX], char *why, size_t whycap)
{
	json_t *h = decode_object(j->part[0], j->len[0]);
	if (!h) {
		say(why, whycap, "格式不对：头部不是 base64url 编码的 JSON 对象");
		return CRED_MALFORMED;
	}
	int st = check_header(h, kid, why, whycap);
	json_decref(h);
	unsigned char pk[32];
	if (!st)
		st = find_key(jwks_json, kid, pk, why, whycap);
	if (!st)
		st = check_signature(j, pk, why, whycap);
	return st;
}

int credential_verify_at(const char *jwt, size_t len, const char *jwks_json, long long now, json_t **payload_out,
			 char kid_out[KEYRING_KID_MAX], char *why, size_t whycap)
{
	char kid[KEYRING_KID_MAX] = "";
	jws j;
	if (payload_out)
		*payload_out = NULL;
	if (kid_out)
		kid_out[0] = '\0';
	say(why, whycap, "有效");
	/* A verifier may run with no keyring loaded (only a jwks.json), so
	 * nothing else has set libsodium up; repeated calls cost nothing. */
	if (sodium_init() < 0) {
		say(why, whycap, "无法初始化加密库");
		return CRED_BAD_JWKS;
	}
	if (!jwt || len > CREDENTIAL_MAX_LEN || split(jwt, len, &j) != 0) {
		say(why, whycap, len > CREDENTIAL_MAX_LEN ? "格式不对：凭证过长" : "格式不对：不是“头部.载荷.签名”三段式 JWT");
		return CRED_MALFORMED;
	}
	int st = verify_signed(&j, jwks_json, kid, why, whycap);
	if (kid_out)
		snprintf(kid_out, KEYRING_KID_MAX, "%s", kid);
	if (st)
		return st;
	json_t *p = decode_object(j.part[1], j.len[1]);
	st = check_payload(p, now, why, whycap);
	if (st || !payload_out)
		json_decref(p);
	else
		*payload_out = p;
	return st;
}

int credential_verify(const char *jwt, size_t len, const char *jwks_json, json_t **payload_out, char *why,
		      size_t whycap)
{
	return credential_verify_at(jwt, len, jwks_json, (long long)time(NULL), payload_out, NULL, why, whycap);
}

const char *credential_status_code(int st)
{
	static const char *const CODES[] = {"valid",       "malformed",    "bad_alg", "unknown_kid",
					    "bad_signature", "not_yet_valid", "expired", "bad_jwks"};
	return st >= 0 && st < (int)(sizeof CODES / sizeof CODES[0]) ? CODES[st] : "unknown";
}
