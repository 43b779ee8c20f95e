/* test_credential.c — base64url, the signing keyring and certificates as
 * VC-JWTs: signing, verification, every way a token can be wrong, and key
 * rotation.
 *
 * Also a helper for tests/credential/run.sh (the check with the jose npm
 * package): `test_credential --sign KEYDIR OUT [NUMBER]` signs a sample
 * certificate with KEYDIR's active key into OUT and runs no tests. */
#include <dirent.h>
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/credential.h"
#include "app/keyring.h"
#include "core/b64url.h"
#include "unit.h"

#define NOW_ISO "2026-11-21T10:00:00.000Z"
#define NOW_T 1795255200LL /* NOW_ISO in Unix seconds */
#define ISSUER "https://jineng.example/issuers/530400"

static char tmp_root[64];

static const cert_claims SAMPLE = {
	.number = "Y530400202611210001",
	.holder_name = "张三",
	.holder_id_masked = "530402********1238",
	.gender = "男",
	.occupation_code = "6-31-01-03",
	.occupation_name = "电工",
	.level = 3,
	.level_name = "中级工",
	.national_level = "四级",
	.body_name = "玉溪市职业技能鉴定中心",
	.body_code = "Y5304001",
	.issued_on = "2026-11-21",
	.route = "normal",
	.verify_url = "https://jineng.example/verify/Y530400202611210001",
};

/* ---- helpers ---- */

static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[512];
	while (d && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(p);
		else
			unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void path_in(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", tmp_root, name);
}

static int verify_now(const char *jwt, const char *jwks, char *why, size_t cap)
{
	return credential_verify_at(jwt, strlen(jwt), jwks, NOW_T, NULL, NULL, why, cap);
}

/* A token with any header and payload, properly signed by k: for tokens
 * that are wrong in everything but the signature. */
static char *forge(const keyring_key *k, const char *header, const char *payload)
{
	char *h = b64url_encode_alloc(header, strlen(header)), *p = b64url_encode_alloc(payload, strlen(payload));
	size_t n = strlen(h) + strlen(p) + 100;
	char *jwt = malloc(n);
	snprintf(jwt, n, "%s.%s", h, p);
	unsigned char sig[64];
	crypto_sign_detached(sig, NULL, (const unsigned char *)jwt, strlen(jwt), k->sk);
	size_t at = strlen(jwt);
	jwt[at++] = '.';
	b64url_encode(sig, sizeof sig, jwt + at, n - at);
	free(h);
	free(p);
	return jwt;
}

static char *file_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = calloc(1, 8192);
	size_t n = fread(buf, 1, 8191, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* ---- base64url ---- */

static void test_b64url_vectors(void)
{
	/* RFC 4648 §10, without padding. */
	static const char *const V[][2] = {{"", ""},         {"f", "Zg"},         {"fo", "Zm8"},       {"foo", "Zm9v"},
					   {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
	char out[32];
	unsigned char back[32];
	for (size_t i = 0; i < sizeof V / sizeof V[0]; i++) {
		CHECK(b64url_encode(V[i][0], strlen(V[i][0]), out, sizeof out) == (long)strlen(V[i][1]));
		CHECK_STR(out, V[i][1]);
		CHECK(b64url_decode(V[i][1], strlen(V[i][1]), back, sizeof back) == (long)strlen(V[i][0]));
		CHECK(memcmp(back, V[i][0], strlen(V[i][0])) == 0);
		CHECK(b64url_encoded_len(strlen(V[i][0])) == strlen(V[i][1]));
		CHECK(b64url_decoded_len(strlen(V[i][1])) == strlen(V[i][0]));
	}
	/* The URL-safe alphabet: - and _ where base64 has + and /. */
	static const unsigned char hi[] = {0xfb, 0xff, 0xbf};
	CHECK(b64url_encode(hi, 3, out, sizeof out) == 4);
	CHECK_STR(out, "-_-_");
	CHECK(b64url_decode("-_-_", 4, back, sizeof back) == 3 && memcmp(back, hi, 3) == 0);
	/* Too small a buffer. */
	CHECK(b64url_encode("foobar", 6, out, 8) == -1);
	CHECK(b64url_encode("foobar", 6, out, 9) == 8);
	CHECK(b64url_decode("Zm9vYmFy", 8, back, 5) == -1);
}

static void test_b64url_round_trip(void)
{
	unsigned char in[200], back[200];
	char enc[300];
	int ok = 1;
	for (size_t n = 0; n <= sizeof in; n++) {
		randombytes_buf(in, n);
		long e = b64url_encode(in, n, enc, sizeof enc);
		ok &= e == (long)b64url_encoded_len(n) && strcspn(enc, "=+/") == strlen(enc);
		ok &= b64url_decode(enc, (size_t)e, back, sizeof back) == (long)n && memcmp(in, back, n) == 0;
	}
	CHECK(ok);
	char *a = b64url_encode_alloc("foob", 4);
	CHECK_STR(a, "Zm9vYg");
	free(a);
}

static void test_b64url_rejects(void)
{
	unsigned char out[64];
	static const char *const BAD[] = {
		"Zg==",    /* padding                               */
		"Zm9vYg=", /* padding                               */
		"Z",       /* one lone character: 6 bits, no byte   */
		"Zm9vY",   /* five characters: the same             */
		"Zh",      /* spare bits not zero (Zg is canonical) */
		"Zm9",     /* spare bits not zero (Zm8)             */
		"Zm9v+w",  /* '+' is base64, not base64url          */
		"Zm9v/w",  /* '/' too                               */
		"Zm 9v",   /* whitespace                            */
		"Zm9v\n",  /* newline                               */
		"Zm9v.Yg", /* a dot                                 */
		"Zm9vé",   /* non-ASCII                             */
	};
	for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
		long r = b64url_decode(BAD[i], strlen(BAD[i]), out, sizeof out);
		if (r != -1)
			fprintf(stderr, "accepted bad base64url \"%s\"\n", BAD[i]);
		CHECK(r == -1);
	}
	/* An embedded NUL stops nothing: it is a bad character. */
	CHECK(b64url_decode("Zm\0v", 4, out, sizeof out) == -1);
}

/* ---- the keyring ---- */

static void test_keyring_ensure(void)
{
	char dir[256], why[512] = "";
	path_in(dir, sizeof dir, "a/b/keys");
	keyring *kr = NULL;
	CHECK(keyring_load(dir, &kr, why, sizeof why) == JN_ENOTFOUND && kr == NULL);
	CHECK(keyring_ensure(dir, NOW_ISO, &kr, why, sizeof why) == JN_OK);
	CHECK(keyring_count(kr) == 1);
	const keyring_key *k = keyring_active(kr);
	CHECK(k != NULL);
	if (!k)
		return;
	/* kid: the date, a dash, 16 hex digits of SHA-256(public key). */
	unsigned char h[32];
	char hex[65], want[64];
	crypto_hash_sha256(h, k->pk, 32);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(want, sizeof want, "2026-11-21-%.16s", hex);
	CHECK_STR(k->kid, want);
	CHECK_STR(k->created_at, NOW_ISO);
	CHECK(keyring_find(kr, k->kid) == k);
	CHECK(keyring_find(kr, "2026-11-21-0000000000000000") == NULL);

	char file[512];
	snprintf(file, sizeof file, "%s/%s.key", dir, k->kid);
	struct stat st;
	CHECK(stat(file, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700);

	/* A second ensure finds the key and makes none. */
	keyring *again = NULL;
	CHECK(keyring_ensure(dir, NULL, &again, why, sizeof why) == JN_OK);
	CHECK(keyring_count(again) == 1 && keyring_active(again) &&
	      strcmp(keyring_active(again)->kid, k->kid) == 0 && memcmp(keyring_active(again)->sk, k->sk, 64) == 0);
	keyring_free(again);
	keyring_free(kr);

	/* An empty directory is an empty keyring: nothing signs. */
	path_in(dir, sizeof dir, "empty");
	mkdir(dir, 0700);
	CHECK(keyring_load(dir, &kr, why, sizeof why) == JN_OK && keyring_count(kr) == 0 && !keyring_active(kr));
	CHECK(credential_sign(kr, &SAMPLE, ISSUER, NOW_ISO) == NULL);
	char *jwks = keyring_jwks_json(kr);
	CHECK_STR(jwks, "{\"keys\":[]}");
	free(jwks);
	keyring_free(kr);
}

/* A key file changed by hand is refused, naming the file, not the key. */
static void test_keyring_tampered(void)
{
	char dir[256], why[512] = "", file[512];
	path_in(dir, sizeof dir, "tamper");
	keyring *kr = NULL;
	CHECK(keyring_ensure(dir, NOW_ISO, &kr, why, sizeof why) == JN_OK && keyring_active(kr));
	if (!keyring_active(kr))
		return;
	snprintf(file, sizeof file, "%s/%s.key", dir, keyring_active(kr)->kid);
	char secret[64];
	b64url_encode(keyring_active(kr)->sk, 32, secret, sizeof secret);
	char *orig = file_text(file);
	keyring_free(kr);

	/* Another key's public half. */
	unsigned char pk[32], sk[64];
	crypto_sign_keypair(pk, sk);
	char x[64], *bad = strdup(orig);
	b64url_encode(pk, 32, x, sizeof x);
	char *at = strstr(bad, "\"public_key\": \"") + 15;
	memcpy(at, x, 43);
	put_file(file, bad);
	CHECK(keyring_load(dir, &kr, why, sizeof why) == JN_EINVAL && kr == NULL);
	CHECK(strstr(why, file) != NULL && strstr(why, secret) == NULL);

	/* A status that is neither. */
	free(bad);
	bad = strdup(orig);
	memcpy(strstr(bad, "\"active\""), "\"ACTIVE\"", 8);
	put_file(file, bad);
	CHECK(keyring_load(dir, &kr, why, sizeof why) == JN_EINVAL);

	/* Not JSON at all. */
	put_file(file, "garbage");
	CHECK(keyring_load(dir, &kr, why, sizeof why) == JN_EINVAL);

	/* The right file under another name. */
	put_file(file, orig);
	CHECK(keyring_load(dir, &kr, why, sizeof why) == JN_OK);
	keyring_free(kr);
	char other[512];
	snprintf(other, sizeof other, "%s/2026-11-21-0123456789abcdef.key", dir);
	CHECK(rename(file, other) == 0);
	CHECK(keyring_load(dir, &kr, why, sizeof why) == JN_EINVAL);
	CHECK(strstr(why, "kid") != NULL && strstr(why, secret) == NULL);
	free(bad);
	free(orig);
}

/* ---- signing and verifying ---- */

static keyring *fresh_keyring(const char *name)
{
	char dir[256], why[512];
	path_in(dir, sizeof dir, name);
	keyring *kr = NULL;
	if (keyring_ensure(dir, NOW_ISO, &kr, why, sizeof why) != JN_OK)
		fprintf(stderr, "keyring: %s\n", why);
	return kr;
}

static void test_sign_verify(void)
{
	keyring *kr = fresh_keyring("sv");
	char *jwt = credential_sign(kr, &SAMPLE, ISSUER, NOW_ISO), *jwks = keyring_jwks_json(kr);
	CHECK(jwt != NULL && jwks != NULL);
	if (!jwt || !jwks)
		return;
	json_t *p = NULL;
	char why[512], kid[KEYRING_KID_MAX];
	CHECK(credential_verify_at(jwt, strlen(jwt), jwks, NOW_T, &p, kid, why, sizeof why) == CRED_OK);
	CHECK_STR(why, "有效");
	CHECK_STR(kid, keyring_active(kr)->kid);
	CHECK_STR(json_string_value(json_object_get(p, "iss")), ISSUER);
	CHECK_STR(json_string_value(json_object_get(p, "sub")), SAMPLE.number);
	CHECK_STR(json_string_value(json_object_get(p, "jti")), "urn:jineng:cert:Y530400202611210001");
	CHECK(json_integer_value(json_object_get(p, "nbf")) == NOW_T);
	CHECK(json_integer_value(json_object_get(p, "iat")) == NOW_T);
	json_t *vc = json_object_get(p, "vc"), *cs = json_object_get(vc, "credentialSubject");
	CHECK_STR(json_string_value(json_array_get(json_object_get(vc, "@context"), 0)),
		  "https://www.w3.org/2018/credentials/v1");
	CHECK_STR(json_string_value(json_array_get(json_object_get(vc, "type"), 1)), "SkillCertificateCredential");
	CHECK_STR(json_string_value(json_object_get(cs, "name")), "张三");
	CHECK_STR(json_string_value(json_object_get(cs, "idNumberMasked")), "530402********1238");
	CHECK_STR(json_string_value(json_object_get(cs, "gender")), "男");
	CHECK_STR(json_string_value(json_object_get(cs, "occupationCode")), "6-31-01-03");
	CHECK_STR(json_string_value(json_object_get(cs, "occupationName")), "电工");
	CHECK(json_integer_value(json_object_get(cs, "level")) == 3);
	CHECK_STR(json_string_value(json_object_get(cs, "levelName")), "中级工");
	CHECK_STR(json_string_value(json_object_get(cs, "nationalLevel")), "四级");
	CHECK_STR(json_string_value(json_object_get(json_object_get(cs, "issuingBody"), "name")), "玉溪市职业技能鉴定中心");
	CHECK_STR(json_string_value(json_object_get(json_object_get(cs, "issuingBody"), "code")), "Y5304001");
	CHECK_STR(json_string_value(json_object_get(cs, "issuedOn")), "2026-11-21");
	CHECK_STR(json_string_value(json_object_get(cs, "route")), "normal");
	CHECK_STR(json_string_value(json_object_get(cs, "certificateNumber")), SAMPLE.number);
	json_t *status = json_object_get(vc, "credentialStatus");
	CHECK_STR(json_string_value(json_object_get(status, "id")), SAMPLE.verify_url);
	CHECK_STR(json_string_value(json_object_get(status, "type")), "JinengVerification");
	json_decref(p);

	/* The header, exactly; the payload carries Chinese as UTF-8. */
	const char *dot = strchr(jwt, '.');
	unsigned char buf[4096];
	long n = b64url_decode(jwt, (size_t)(dot - jwt), buf, sizeof buf);
	char want[128];
	snprintf(want, sizeof want, "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"%s\"}", keyring_active(kr)->kid);
	CHECK(n == (long)strlen(want) && memcmp(buf, want, (size_t)n) == 0);
	n = b64url_decode(dot + 1, strcspn(dot + 1, "."), buf, sizeof buf - 1);
	CHECK(n > 0);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(strstr((char *)buf, "\"name\":\"张三\"") != NULL && strstr((char *)buf, "\\u") == NULL);

	/* credential_verify uses the clock: NOW_T is in the past of any real run. */
	CHECK(credential_verify(jwt, strlen(jwt), jwks, NULL, why, sizeof why) == CRED_OK);
	free(jwt);
	free(jwks);
	keyring_free(kr);
}

/* Only number and name are needed; absent claims stay out. */
static void test_sign_minimal_and_refusals(void)
{
	keyring *kr = fresh_keyring("min");
	char *jwks = keyring_jwks_json(kr), why[512];
	cert_claims c = {.number = "N1", .holder_name = "李四"};
	char *jwt = credential_sign(kr, &c, "did:web:jineng.example", NULL);
	json_t *p = NULL;
	CHECK(jwt && credential_verify(jwt, strlen(jwt), jwks, &p, why, sizeof why) == CRED_OK);
	json_t *vc = json_object_get(p, "vc");
	CHECK(json_object_size(json_object_get(vc, "credentialSubject")) == 2);
	CHECK(json_object_get(vc, "credentialStatus") == NULL);
	CHECK_STR(json_string_value(json_object_get(p, "iss")), "did:web:jineng.example");
	json_decref(p);
	free(jwt);

	cert_claims bad = SAMPLE;
	bad.number = NULL;
	CHECK(credential_sign(kr, &bad, ISSUER, NOW_ISO) == NULL);
	bad = SAMPLE;
	bad.route = "fast";
	CHECK(credential_sign(kr, &bad, ISSUER, NOW_ISO) == NULL);
	bad = SAMPLE;
	bad.issued_on = "2026/11/21";
	CHECK(credential_sign(kr, &bad, ISSUER, NOW_ISO) == NULL);
	bad = SAMPLE;
	bad.level = 9;
	CHECK(credential_sign(kr, &bad, ISSUER, NOW_ISO) == NULL);
	bad = SAMPLE;
	bad.holder_name = "\xff\xfe";
	CHECK(credential_sign(kr, &bad, ISSUER, NOW_ISO) == NULL);
	CHECK(credential_sign(kr, &SAMPLE, NULL, NOW_ISO) == NULL);
	CHECK(credential_sign(kr, &SAMPLE, ISSUER, "2026-11-21 10:00:00") == NULL);
	CHECK(credential_sign(kr, &SAMPLE, ISSUER, "2026-11-21T10:00:00+08:00") == NULL);
	jwt = credential_sign(kr, &SAMPLE, ISSUER, "2026-11-21T10:00:00Z");
	CHECK(jwt && verify_now(jwt, jwks, why, sizeof why) == CRED_OK);
	free(jwt);
	free(jwks);
	keyring_free(kr);
}

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Every character of the token changed to every other one fails. */
static void test_every_change_fails(void)
{
	keyring *kr = fresh_keyring("flip");
	char *jwt = credential_sign(kr, &SAMPLE, ISSUER, NOW_ISO), *jwks = keyring_jwks_json(kr), why[512];
	size_t n = strlen(jwt);
	long tried = 0, passed = 0;
	for (size_t i = 0; i < n; i++) {
		if (jwt[i] == '.')
			continue;
		char keep = jwt[i];
		/* Three replacements per place keep the run short; together they
		 * touch every bit of the 6 a character carries. */
		const char repl[] = {B64URL[(strchr(B64URL, keep) - B64URL) ^ 1], B64URL[(strchr(B64URL, keep) - B64URL) ^ 6],
				     B64URL[(strchr(B64URL, keep) - B64URL) ^ 56]};
		for (int r = 0; r < 3; r++) {
			jwt[i] = repl[r];
			tried++;
			if (verify_now(jwt, jwks, why, sizeof why) == CRED_OK) {
				passed++;
				fprintf(stderr, "changed character %zu ('%c' -> '%c') still verifies\n", i, keep, repl[r]);
			}
		}
		jwt[i] = keep;
	}
	CHECK(tried > 2000 && passed == 0);
	CHECK(verify_now(jwt, jwks, why, sizeof why) == CRED_OK);

	/* One bit of the decoded payload, re-encoded properly. */
	char *d1 = strchr(jwt, '.'), *d2 = strchr(d1 + 1, '.');
	unsigned char buf[4096];
	long pn = b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), buf, sizeof buf);
	buf[pn / 2] ^= 0x01;
	char *p64 = b64url_encode_alloc(buf, (size_t)pn);
	size_t cap = n + 16;
	char *re = malloc(cap);
	snprintf(re, cap, "%.*s.%s%s", (int)(d1 - jwt), jwt, p64, d2);
	CHECK(verify_now(re, jwks, why, sizeof why) == CRED_BAD_SIGNATURE);
	CHECK(strstr(why, "签名不符") != NULL);

	/* Shapes that are no token. */
	CHECK(verify_now("", jwks, why, sizeof why) == CRED_MALFORMED);
	CHECK(verify_now("abc", jwks, why, sizeof why) == CRED_MALFORMED);
	CHECK(verify_now("a.b", jwks, why, sizeof why) == CRED_MALFORMED);
	snprintf(re, cap, "%s.", jwt);
	CHECK(verify_now(re, jwks, why, sizeof why) == CRED_MALFORMED);
	snprintf(re, cap, "%.*s", (int)(n - 1), jwt); /* signature one character short */
	CHECK(verify_now(re, jwks, why, sizeof why) == CRED_MALFORMED);
	snprintf(re, cap, "%.*s", (int)(d2 - jwt + 1), jwt); /* no signature */
	CHECK(verify_now(re, jwks, why, sizeof why) == CRED_MALFORMED);
	CHECK(credential_verify_at(jwt, n - 1, jwks, NOW_T, NULL, NULL, why, sizeof why) != CRED_OK);
	char *big = calloc(1, CREDENTIAL_MAX_LEN + 2);
	memset(big, 'A', CREDENTIAL_MAX_LEN + 1);
	CHECK(verify_now(big, jwks, why, sizeof why) == CRED_MALFORMED && strstr(why, "过长"));
	free(big);
	free(p64);
	free(re);
	free(jwt);
	free(jwks);
	keyring_free(kr);
}

static void test_header_attacks(void)
{
	keyring *kr = fresh_keyring("hdr");
	const keyring_key *k = keyring_active(kr);
	char *jwks = keyring_jwks_json(kr), why[512], hdr[256];
	const char *payload = "{\"iss\":\"x\",\"sub\":\"N1\",\"nbf\":1795255200,\"vc\":{\"credentialSubject\":{}}}";

	/* A well-formed forged token verifies: the helper itself is right. */
	snprintf(hdr, sizeof hdr, "{\"alg\":\"EdDSA\",\"kid\":\"%s\"}", k->kid);
	char *jwt = forge(k, hdr, payload);
	CHECK(verify_now(jwt, jwks, why, sizeof why) == CRED_OK);
	free(jwt);

	/* alg none, with an empty signature and with a real one. */
	snprintf(hdr, sizeof hdr, "{\"alg\":\"none\",\"kid\":\"%s\"}", k->kid);
	char *h = b64url_encode_alloc(hdr, strlen(hdr)), *p = b64url_encode_alloc(payload, strlen(payload));
	char none[1024];
	snprintf(none, sizeof none, "%s.%s.", h, p);
	CHECK(verify_now(none, jwks, why, sizeof why) == CRED_BAD_ALG && strstr(why, "none"));
	jwt = forge(k, hdr, payload);
	CHECK(verify_now(jwt, jwks, why, sizeof why) == CRED_BAD_ALG);
	free(jwt);

	/* HS256 keyed with the public key (the classic confusion attack). */
	snprintf(hdr, sizeof hdr, "{\"alg\":\"HS256\",\"kid\":\"%s\"}", k->kid);
	free(h);
	h = b64url_encode_alloc(hdr, strlen(hdr));
	char signing[1024], x[64];
	snprintf(signing, sizeof signing, "%s.%s", h, p);
	b64url_encode(k->pk, 32, x, sizeof x);
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)x, strlen(x));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)signing, strlen(signing));
	crypto_auth_hmacsha256_final(&st, mac);
	char mac64[64], hs[1200];
	b64url_encode(mac, sizeof mac, mac64, sizeof mac64);
	snprintf(hs, sizeof hs, "%s.%s", signing, mac64);
	CHECK(verify_now(hs, jwks, why, sizeof why) == CRED_BAD_ALG && strstr(why, "HS256") && strstr(why, "EdDSA"));

	/* Other algs and shapes of alg. */
	static const char *const ALGS[] = {"{\"alg\":\"ES256\",\"kid\":\"%s\"}", "{\"alg\":\"eddsa\",\"kid\":\"%s\"}",
					   "{\"alg\":\"Ed25519\",\"kid\":\"%s\"}",
					   "{\"alg\":\"EdDSA\",\"crit\":[\"b64\"],\"b64\":false,\"kid\":\"%s\"}"};
	for (size_t i = 0; i < sizeof ALGS / sizeof ALGS[0]; i++) {
		snprintf(hdr, sizeof hdr, ALGS[i], k->kid);
		jwt = forge(k, hdr, payload);
		CHECK(verify_now(jwt, jwks, why, sizeof why) == CRED_BAD_ALG);
		free(jwt);
	}
	static const char *const MALFORMED[] = {"{\"kid\":\"%s\"}", "{\"alg\":1,\"kid\":\"%s\"}",
						"{\"alg\":\"EdDSA\",\"alg\":\"EdDSA\",\"kid\":\"%s\"}",
						"[\"EdDSA\",\"%s\"]", "{\"alg\":\"EdDSA\"}%s"};
	for (size_t i = 0; i < sizeof MALFORMED / sizeof MALFORMED[0]; i++) {
		snprintf(hdr, sizeof hdr, MALFORMED[i], k->kid);
		jwt = forge(k, hdr, payload);
		CHECK(verify_now(jwt, jwks, why, sizeof why) == CRED_MALFORMED);
		free(jwt);
	}

	/* A key carried in the header is never used. */
	unsigned char pk2[32], sk2[64];
	crypto_sign_keypair(pk2, sk2);
	keyring_key other = {.kid = "attacker"};
	memcpy(other.pk, pk2, 32);
	memcpy(other.sk, sk2, 64);
	char x2[64], hdr2[512];
	b64url_encode(pk2, 32, x2, sizeof x2);
	snprintf(hdr2, sizeof hdr2,
		 "{\"alg\":\"EdDSA\",\"kid\":\"attacker\",\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"}}", x2);
	jwt = forge(&other, hdr2, payload);
	CHECK(verify_now(jwt, jwks, why, sizeof why) == CRED_UNKNOWN_KID && strstr(why, "attacker"));
	free(jwt);
	/* Signed by another key under our kid. */
	snprintf(hdr, sizeof hdr, "{\"alg\":\"EdDSA\",\"kid\":\"%s\"}", k->kid);
	jwt = forge(&other, hdr, payload);
	CHECK(verify_now(jwt, jwks, why, sizeof why) == CRED_BAD_SIGNATURE);
	free(jwt);
	free(h);
	free(p);
	free(jwks);
	keyring_free(kr);
}

static void test_payload_rules(void)
{
	keyring *kr = fresh_keyring("pay");
	const keyring_key *k = keyring_active(kr);
	char *jwks = keyring_jwks_json(kr), why[512], hdr[128];
	snprintf(hdr, sizeof hdr, "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"%s\"}", k->kid);
	static const struct {
		const char *payload;
		int want;
	} CASES[] = {
		{"{\"iss\":\"x\",\"sub\":\"N\",\"vc\":{\"credentialSubject\":{}}}", CRED_OK},
		{"{\"iss\":\"x\",\"sub\":\"N\",\"nbf\":1795258800,\"vc\":{\"credentialSubject\":{}}}", CRED_NOT_YET_VALID},
		{"{\"iss\":\"x\",\"sub\":\"N\",\"nbf\":1795255250,\"vc\":{\"credentialSubject\":{}}}", CRED_OK}, /* skew */
		{"{\"iss\":\"x\",\"sub\":\"N\",\"exp\":1795251600,\"vc\":{\"credentialSubject\":{}}}", CRED_EXPIRED},
		{"{\"iss\":\"x\",\"sub\":\"N\",\"exp\":1795258800,\"vc\":{\"credentialSubject\":{}}}", CRED_OK},
		{"{\"iss\":\"x\",\"sub\":\"N\",\"nbf\":\"1795255200\",\"vc\":{\"credentialSubject\":{}}}", CRED_MALFORMED},
		{"{\"iss\":\"x\",\"sub\":\"N\",\"nbf\":1.5,\"vc\":{\"credentialSubject\":{}}}", CRED_MALFORMED},
		{"{\"iss\":\"x\",\"sub\":\"N\"}", CRED_MALFORMED},
		{"{\"sub\":\"N\",\"vc\":{\"credentialSubject\":{}}}", CRED_MALFORMED},
		{"{\"iss\":\"x\",\"sub\":\"N\",\"sub\":\"M\",\"vc\":{\"credentialSubject\":{}}}", CRED_MALFORMED},
		{"[1,2]", CRED_MALFORMED},
		{"not json", CRED_MALFORMED},
	};
	for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
		char *jwt = forge(k, hdr, CASES[i].payload);
		int st = verify_now(jwt, jwks, why, sizeof why);
		if (st != CASES[i].want)
			fprintf(stderr, "payload %zu: got %s (%s), want %s\n", i, credential_status_code(st), why,
				credential_status_code(CASES[i].want));
		CHECK(st == CASES[i].want);
		free(jwt);
	}
	char *jwt = credential_sign(kr, &SAMPLE, ISSUER, NOW_ISO);
	CHECK(credential_verify_at(jwt, strlen(jwt), jwks, NOW_T - 3600, NULL, NULL, why, sizeof why) ==
	      CRED_NOT_YET_VALID);
	CHECK(strstr(why, "尚未生效") && strstr(why, "2026-11-21T10:00:00Z"));
	free(jwt);
	free(jwks);
	keyring_free(kr);
}

static void test_jwks_rules(void)
{
	keyring *kr = fresh_keyring("jwks");
	const keyring_key *k = keyring_active(kr);
	char *jwt = credential_sign(kr, &SAMPLE, ISSUER, NOW_ISO), why[512], set[1024], x[64];
	b64url_encode(k->pk, 32, x, sizeof x);
	CHECK(verify_now(jwt, "not json", why, sizeof why) == CRED_BAD_JWKS);
	CHECK(verify_now(jwt, "{\"keys\":{}}", why, sizeof why) == CRED_BAD_JWKS);
	CHECK(credential_verify_at(jwt, strlen(jwt), NULL, NOW_T, NULL, NULL, why, sizeof why) == CRED_BAD_JWKS);
	CHECK(verify_now(jwt, "{\"keys\":[]}", why, sizeof why) == CRED_UNKNOWN_KID);
	/* The bare minimum a JWK needs: kty, crv, x. */
	snprintf(set, sizeof set, "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"%s\"}]}", x, k->kid);
	CHECK(verify_now(jwt, set, why, sizeof why) == CRED_OK);
	static const char *const BAD[] = {
		"{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"%s\",\"kid\":\"%s\"}]}",
		"{\"keys\":[{\"kty\":\"EC\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"%s\"}]}",
		"{\"keys\":[{\"crv\":\"Ed25519\",\"x\":\"%s\",\"kid\":\"%s\"}]}",
		"{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"use\":\"enc\",\"x\":\"%s\",\"kid\":\"%s\"}]}",
		"{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"alg\":\"ES256\",\"x\":\"%s\",\"kid\":\"%s\"}]}",
		"{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%.42s\",\"kid\":\"%s\"}]}",
	};
	for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
		snprintf(set, sizeof set, BAD[i], x, k->kid);
		CHECK(verify_now(jwt, set, why, sizeof why) == CRED_BAD_JWKS);
	}
	CHECK_STR(credential_status_code(CRED_OK), "valid");
	CHECK_STR(credential_status_code(CRED_UNKNOWN_KID), "unknown_kid");
	CHECK_STR(credential_status_code(CRED_BAD_JWKS), "bad_jwks");
	CHECK_STR(credential_status_code(99), "unknown");
	free(jwt);
	keyring_free(kr);
}

/* ---- rotation ---- */

static void test_rotation(void)
{
	char dir[256], why[512];
	path_in(dir, sizeof dir, "rot");
	keyring *kr = NULL;
	CHECK(keyring_ensure(dir, "2026-01-05T08:00:00.000Z", &kr, why, sizeof why) == JN_OK);
	char old_kid[KEYRING_KID_MAX], *old_jwks = keyring_jwks_json(kr);
	snprintf(old_kid, sizeof old_kid, "%s", keyring_active(kr)->kid);
	CHECK(strncmp(old_kid, "2026-01-05-", 11) == 0);
	char *cred1 = credential_sign(kr, &SAMPLE, ISSUER, NOW_ISO);

	const keyring_key *made = NULL;
	CHECK(keyring_generate(kr, NOW_ISO, &made, why, sizeof why) == JN_OK);
	CHECK(made && made == keyring_active(kr) && strcmp(made->kid, old_kid) != 0);
	CHECK(keyring_count(kr) == 2);
	const keyring_key *old = keyring_find(kr, old_kid);
	CHECK(old && !old->active && strcmp(old->retired_at, NOW_ISO) == 0);
	CHECK(keyring_at(kr, 0) == made && keyring_at(kr, 1) == old && keyring_at(kr, 2) == NULL);

	char *cred2 = credential_sign(kr, &SAMPLE, ISSUER, NOW_ISO), *jwks = keyring_jwks_json(kr), kid[KEYRING_KID_MAX];
	CHECK(credential_verify_at(cred1, strlen(cred1), jwks, NOW_T, NULL, kid, why, sizeof why) == CRED_OK);
	CHECK_STR(kid, old_kid);
	CHECK(credential_verify_at(cred2, strlen(cred2), jwks, NOW_T, NULL, kid, why, sizeof why) == CRED_OK);
	CHECK_STR(kid, made->kid);
	/* A verifier with the set saved before the rotation knows the old key only. */
	CHECK(verify_now(cred1, old_jwks, why, sizeof why) == CRED_OK);
	CHECK(verify_now(cred2, old_jwks, why, sizeof why) == CRED_UNKNOWN_KID);

	/* The JWK Set has both, each complete. */
	json_t *set = json_loads(jwks, 0, NULL), *keys = json_object_get(set, "keys");
	CHECK(json_array_size(keys) == 2);
	for (size_t i = 0; i < json_array_size(keys); i++) {
		json_t *j = json_array_get(keys, i);
		CHECK_STR(json_string_value(json_object_get(j, "kty")), "OKP");
		CHECK_STR(json_string_value(json_object_get(j, "crv")), "Ed25519");
		CHECK_STR(json_string_value(json_object_get(j, "use")), "sig");
		CHECK_STR(json_string_value(json_object_get(j, "alg")), "EdDSA");
		CHECK(json_string_length(json_object_get(j, "x")) == 43);
		CHECK(json_object_get(j, "d") == NULL && json_object_size(j) == 6);
	}
	CHECK(strstr(jwks, "secret") == NULL);
	json_decref(set);

	/* The same from disk. */
	keyring *again = NULL;
	CHECK(keyring_load(dir, &again, why, sizeof why) == JN_OK && keyring_count(again) == 2);
	CHECK(keyring_active(again) && strcmp(keyring_active(again)->kid, made->kid) == 0);
	CHECK(keyring_find(again, old_kid) && !keyring_find(again, old_kid)->active);
	CHECK_STR(keyring_find(again, old_kid)->retired_at, NOW_ISO);
	char *jwks2 = keyring_jwks_json(again);
	CHECK_STR(jwks2, jwks);
	free(jwks2);
	keyring_free(again);

	/* jwks.json written where asked, readable by all, the same set. */
	char path[300];
	snprintf(path, sizeof path, "%s/jwks.json", dir);
	CHECK(keyring_write_jwks(kr, path, why, sizeof why) == JN_OK);
	char *saved = file_text(path);
	CHECK_STR(saved, jwks);
	struct stat st;
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
	free(saved);

	free(cred1);
	free(cred2);
	free(jwks);
	free(old_jwks);
	keyring_free(kr);
}

/* A crash between writing a new key and retiring the old leaves two
 * active files: the newest signs, and the next rotation retires both. */
static void test_two_active_files(void)
{
	char dir[256], why[512], file[512];
	path_in(dir, sizeof dir, "crash");
	keyring *kr = NULL;
	CHECK(keyring_ensure(dir, "2026-01-05T08:00:00.000Z", &kr, why, sizeof why) == JN_OK);
	char first[KEYRING_KID_MAX];
	snprintf(first, sizeof first, "%s", keyring_active(kr)->kid);
	CHECK(keyring_generate(kr, NOW_ISO, NULL, why, sizeof why) == JN_OK);
	char second[KEYRING_KID_MAX];
	snprintf(second, sizeof second, "%s", keyring_active(kr)->kid);
	keyring_free(kr);

	snprintf(file, sizeof file, "%s/%s.key", dir, first);
	char *text = file_text(file);
	memcpy(strstr(text, "\"retired\""), "\"active\" ", 9);
	put_file(file, text);
	free(text);

	CHECK(keyring_load(dir, &kr, why, sizeof why) == JN_OK);
	CHECK(keyring_active(kr) && strcmp(keyring_active(kr)->kid, second) == 0);
	CHECK(!keyring_find(kr, first)->active);
	CHECK(keyring_generate(kr, "2026-12-01T00:00:00.000Z", NULL, why, sizeof why) == JN_OK);
	keyring_free(kr);
	CHECK(keyring_load(dir, &kr, why, sizeof why) == JN_OK && keyring_count(kr) == 3);
	int actives = 0;
	for (int i = 0; i < keyring_count(kr); i++)
		actives += keyring_at(kr, i)->active;
	CHECK(actives == 1 && strncmp(keyring_active(kr)->kid, "2026-12-01-", 11) == 0);
	text = file_text(file);
	CHECK(text && strstr(text, "\"retired\""));
	free(text);
	keyring_free(kr);
}

/* ---- the helper for tests/credential/run.sh ---- */

static int sign_to_file(const char *dir, const char *out, const char *number)
{
	keyring *kr;
	char why[512];
	if (keyring_load(dir, &kr, why, sizeof why) != JN_OK) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	cert_claims c = SAMPLE;
	char url[256];
	if (number) {
		snprintf(url, sizeof url, "https://jineng.example/verify/%s", number);
		c.number = number;
		c.verify_url = url;
	}
	char *jwt = credential_sign(kr, &c, ISSUER, NULL);
	keyring_free(kr);
	FILE *f = fopen(out, "wb");
	int bad = !jwt || !f || fprintf(f, "%s\n", jwt) < 0;
	bad = (f && fclose(f) != 0) || bad;
	free(jwt);
	return bad;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	if (argc >= 4 && strcmp(argv[1], "--sign") == 0)
		return sign_to_file(argv[2], argv[3], argc > 4 ? argv[4] : NULL);
	snprintf(tmp_root, sizeof tmp_root, "/tmp/jineng-cred.XXXXXX");
	if (!mkdtemp(tmp_root))
		return 1;
	test_b64url_vectors();
	test_b64url_round_trip();
	test_b64url_rejects();
	test_keyring_ensure();
	test_keyring_tampered();
	test_sign_verify();
	test_sign_minimal_and_refusals();
	test_every_change_fails();
	test_header_attacks();
	test_payload_rules();
	test_jwks_rules();
	test_rotation();
	test_two_active_files();
	rm_tree(tmp_root);
	UNIT_END();
}
