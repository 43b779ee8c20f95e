/* credbench.c — how many certificates one core signs and verifies per
 * second as VC-JWTs (app/credential.c): the whole call each time — JSON of
 * the claims, base64url, Ed25519, and for verification parsing the JWK Set
 * and the token — with the bare Ed25519 operations beside it, so the
 * difference is our own overhead.
 *
 *   make build/libjineng.a
 *   cc -O2 -std=c17 -D_GNU_SOURCE -Isrc -o build/credbench bench/credbench.c build/libjineng.a \
 *      $(pkg-config --cflags --libs jansson libsodium)
 *   build/credbench [SECONDS]        about 2 s per figure by default
 *
 * Single-threaded: the figures are per core. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/credential.h"
#include "app/keyring.h"

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
#define ISSUER "https://jineng.example/issuers/530400"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct ctx {
	const keyring *kr;
	const char *jwt, *jwks;
	unsigned char sig[64];
	int bad; /* a call that failed: the figure would be a lie */
} ctx;

static void op_sign(ctx *c)
{
	char *jwt = credential_sign(c->kr, &SAMPLE, ISSUER, NULL);
	c->bad |= jwt == NULL;
	free(jwt);
}

static void op_verify(ctx *c)
{
	char why[256];
	c->bad |= credential_verify(c->jwt, strlen(c->jwt), c->jwks, NULL, why, sizeof why) != CRED_OK;
}

static void op_raw_sign(ctx *c)
{
	crypto_sign_detached(c->sig, NULL, (const unsigned char *)c->jwt, strlen(c->jwt), keyring_active(c->kr)->sk);
}

static void op_raw_verify(ctx *c)
{
	c->bad |= crypto_sign_verify_detached(c->sig, (const unsigned char *)c->jwt, strlen(c->jwt),
					      keyring_active(c->kr)->pk) != 0;
}

/* Runs op in batches of 100 until seconds have passed; operations per second. */
static double rate(void (*op)(ctx *), ctx *c, double seconds)
{
	long n = 0;
	double t0 = now_s(), t;
	do {
		for (int i = 0; i < 100; i++)
			op(c);
		n += 100;
	} while ((t = now_s()) - t0 < seconds);
	return (double)n / (t - t0);
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 2.0;
	char dir[] = "/tmp/credbench.XXXXXX", why[512];
	keyring *kr;
	if (sodium_init() < 0 || !mkdtemp(dir) || keyring_ensure(dir, NULL, &kr, why, sizeof why) != JN_OK) {
		fprintf(stderr, "credbench: no keyring (%s)\n", why);
		return 1;
	}
	char *jwt = credential_sign(kr, &SAMPLE, ISSUER, NULL), *jwks = keyring_jwks_json(kr);
	ctx c = {.kr = kr, .jwt = jwt, .jwks = jwks};
	op_raw_sign(&c);
	printf("credential: %zu bytes, JWK Set %zu bytes; %.1f s per figure, one thread\n", strlen(jwt), strlen(jwks),
	       seconds);
	printf("credential_sign     %9.0f /s\n", rate(op_sign, &c, seconds));
	printf("credential_verify   %9.0f /s\n", rate(op_verify, &c, seconds));
	printf("Ed25519 sign only   %9.0f /s\n", rate(op_raw_sign, &c, seconds));
	printf("Ed25519 verify only %9.0f /s\n", rate(op_raw_verify, &c, seconds));
	char path[256];
	snprintf(path, sizeof path, "%s/%s.key", dir, keyring_active(kr)->kid);
	unlink(path);
	rmdir(dir);
	free(jwt);
	free(jwks);
	keyring_free(kr);
	if (c.bad)
		fprintf(stderr, "credbench: a call failed; the figures are not valid\n");
	return c.bad;
}
