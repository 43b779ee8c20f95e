/* ratelimit.c — a token bucket per client address, for the public routes
 * (certificate verification): each address may burst up to `burst`
 * requests, then gets per_minute a minute.  The public routes' limit is
 * 20 a minute with bursts of 40 unless `jineng serve --verify-limit N`
 * changes it (0: off, for load tests on 127.0.0.1).  The table is fixed-size; when
 * it is full the bucket idle longest is reused (an idle bucket is full
 * anyway, so forgetting it changes nothing). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http/http.h"

#define SLOTS 4096
#define PROBE 16

typedef struct bucket {
	char addr[48];
	double tokens;
	double last; /* seconds, monotonic */
} bucket;

static bucket table[SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned hash_addr(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Written once by `jineng serve` before the server starts, read after. */
static int public_per_minute = RATELIMIT_PUBLIC_DEFAULT;

void ratelimit_public_set(int per_minute) { public_per_minute = per_minute > 0 ? per_minute : 0; }

int ratelimit_public_per_minute(void) { return public_per_minute; }

int ratelimit_take_public(const char *addr)
{
	if (public_per_minute <= 0)
		return 0;
	return ratelimit_take(addr, (double)public_per_minute, 2.0 * public_per_minute);
}

int ratelimit_take(const char *addr, double per_minute, double burst)
{
	double now = now_s(), rate = per_minute / 60.0;
	unsigned h = hash_addr(addr);
	pthread_mutex_lock(&mu);
	bucket *b = NULL, *oldest = NULL;
	for (int i = 0; i < PROBE; i++) {
		bucket *x = &table[(h + (unsigned)i) % SLOTS];
		if (x->addr[0] && strcmp(x->addr, addr) == 0) {
			b = x;
			break;
		}
		if (!oldest || !x->addr[0] || (oldest->addr[0] && x->last < oldest->last))
			oldest = x;
	}
	if (!b) {
		b = oldest;
		snprintf(b->addr, sizeof b->addr, "%s", addr);
		b->tokens = burst;
		b->last = now;
	}
	b->tokens += (now - b->last) * rate;
	if (b->tokens > burst)
		b->tokens = burst;
	b->last = now;
	int wait = 0;
	if (b->tokens >= 1.0)
		b->tokens -= 1.0;
	else
		wait = (int)ceil((1.0 - b->tokens) / rate);
	pthread_mutex_unlock(&mu);
	return wait;
}

int resp_rate_limited(req *r, resp *out)
{
	char addr[64];
	if (req_client_addr(r, addr, sizeof addr) != 0)
		snprintf(addr, sizeof addr, "unknown");
	int wait = ratelimit_take_public(addr);
	if (wait <= 0)
		return 0;
	char detail[160];
	snprintf(detail, sizeof detail, "查询过于频繁，请%d秒后再试（每个地址每分钟最多%d次）", wait,
		 ratelimit_public_per_minute());
	resp_problem_code(out, 429, "rate_limited", "查询过于频繁", detail);
	out->retry_after = wait;
	return 1;
}
