/* session_cache.c — the scopes of recently checked tokens, so that a
 * request does not open a transaction just to look its token up.
 *
 * An entry lives SESSION_CACHE_SECONDS at most.  This process forgets a
 * token at once when it is logged out, and every entry when an account is
 * disabled or gets a new password; another server process sharing the same
 * PostgreSQL database notices such a change within those seconds. */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "app/app.h"

#define SLOTS 1024 /* power of two; a full slot is simply overwritten */

typedef struct entry {
	char digest[65];
	scope sc;
	time_t until;
} entry;

static entry table[SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static entry *slot_of(const char *digest)
{
	unsigned long h = 5381;
	for (int i = 0; i < 16; i++)
		h = h * 33 + (unsigned char)digest[i];
	return &table[h & (SLOTS - 1)];
}

int session_cache_get(const char *digest, scope *out)
{
	int hit = 0;
	pthread_mutex_lock(&mu);
	entry *e = slot_of(digest);
	if (e->until > time(NULL) && strcmp(e->digest, digest) == 0) {
		*out = e->sc;
		hit = 1;
	}
	pthread_mutex_unlock(&mu);
	return hit;
}

void session_cache_put(const char *digest, const scope *sc)
{
	pthread_mutex_lock(&mu);
	entry *e = slot_of(digest);
	memcpy(e->digest, digest, sizeof e->digest);
	e->sc = *sc;
	e->until = time(NULL) + SESSION_CACHE_SECONDS;
	pthread_mutex_unlock(&mu);
}

void session_cache_forget(const char *digest)
{
	pthread_mutex_lock(&mu);
	entry *e = slot_of(digest);
	if (strcmp(e->digest, digest) == 0)
		e->until = 0;
	pthread_mutex_unlock(&mu);
}

void session_cache_clear(void)
{
	pthread_mutex_lock(&mu);
	for (int i = 0; i < SLOTS; i++)
		table[i].until = 0;
	pthread_mutex_unlock(&mu);
}
