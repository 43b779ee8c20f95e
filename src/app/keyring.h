/* keyring.h — the Ed25519 keys that sign certificates as credentials.
 *
 * A directory (default var/keys) holds one file per key, <kid>.key, mode
 * 0600, JSON:
 *   {"kid":"2026-11-21-3fa1c0d2e4b59687", "created_at":"2026-11-21T10:00:00.123Z",
 *    "status":"active"|"retired", "retired_at":"…" (when retired),
 *    "alg":"EdDSA", "crv":"Ed25519",
 *    "public_key":"<32 bytes, base64url>", "secret_key":"<the 32-byte seed, base64url>"}
 * The kid is the creation date (UTC) and the first 16 hex digits of the
 * SHA-256 of the public key, so it names the key and is checked against it
 * on every load.
 *
 * Exactly one key is active and signs; generating a key retires the one
 * before it.  Retired keys are never deleted: they stay in the JWK Set so
 * every credential they signed keeps verifying.  Files are written to a
 * temporary name, fsync'd and renamed, so a crash leaves either the old
 * file or the new one.  A crash between writing a new key and retiring the
 * old leaves two active files; the newest is the one that signs.
 *
 * No database, no network: the CLI and the server open the same directory.
 * A loaded keyring may be read from many threads; keyring_generate must not
 * run at the same time as readers. */
#ifndef JN_KEYRING_H
#define JN_KEYRING_H

#include <stddef.h>

#include "core/err.h"

#define KEYRING_DEFAULT_DIR "var/keys"
#define KEYRING_KID_MAX 48   /* "YYYY-MM-DD-" + 16 hex + NUL is 28; room to spare */
#define KEYRING_MAX_KEYS 256 /* one rotation a month for twenty years */

typedef struct keyring_key {
	char kid[KEYRING_KID_MAX];
	char created_at[32];
	char retired_at[32]; /* "" while active */
	int active;
	unsigned char pk[32]; /* Ed25519 public key */
	unsigned char sk[64]; /* libsodium's secret key (seed and public key) */
} keyring_key;

typedef struct keyring keyring;

/* Reads every <kid>.key in dir.  A directory that does not exist is
 * JN_ENOTFOUND; a key file that cannot be read or does not check (kid,
 * public key and seed disagree, unknown status) is JN_EINVAL, and why names
 * the file and what is wrong (never a key's bytes).  An empty directory
 * gives an empty keyring. */
jn_err keyring_load(const char *dir, keyring **out, char *why, size_t whycap);

/* keyring_load, but first creates dir (0700, and its parents) if missing,
 * and a first key if it holds none.  now_iso: see keyring_generate. */
jn_err keyring_ensure(const char *dir, const char *now_iso, keyring **out, char *why, size_t whycap);

/* Creates a new active key, writes its file and retires the previous active
 * key (its file rewritten with status "retired").  now_iso is the time to
 * record (ISO 8601 UTC, e.g. from store_now); NULL = the current time.
 * *made (may be NULL) points at the new key inside kr.  JN_ETOOMANY past
 * KEYRING_MAX_KEYS; JN_EIO when a file cannot be written. */
jn_err keyring_generate(keyring *kr, const char *now_iso, const keyring_key **made, char *why, size_t whycap);

/* The signing key; NULL when the keyring is empty. */
const keyring_key *keyring_active(const keyring *kr);
/* The key with this kid; NULL when none. */
const keyring_key *keyring_find(const keyring *kr, const char *kid);
/* The keys, newest first (for listings). */
int keyring_count(const keyring *kr);
const keyring_key *keyring_at(const keyring *kr, int i);
const char *keyring_dir(const keyring *kr);

/* The public JWK Set of every key, active and retired, newest first:
 *   {"keys":[{"kty":"OKP","crv":"Ed25519","x":…,"kid":…,"use":"sig","alg":"EdDSA"},…]}
 * malloc'd (caller frees); NULL when out of memory. */
char *keyring_jwks_json(const keyring *kr);

/* Writes keyring_jwks_json to path atomically (mode 0644: it is public). */
jn_err keyring_write_jwks(const keyring *kr, const char *path, char *why, size_t whycap);

/* Zeroes the secret keys and frees. */
void keyring_free(keyring *kr);

#endif
