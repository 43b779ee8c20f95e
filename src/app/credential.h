/* credential.h — a skill certificate as a W3C Verifiable Credential in JWT
 * form (VC-JWT), signed with Ed25519 (JOSE "alg":"EdDSA").
 *
 * Anyone holding the platform's public JWK Set (GET …/jwks.json, or a saved
 * copy) can check a certificate offline: no database, no network.
 *
 * The JWT:
 *   header   {"alg":"EdDSA","typ":"JWT","kid":"2026-11-21-3fa1c0d2e4b59687"}
 *   payload  {"iss":issuer, "sub":number, "nbf":t, "iat":t, "jti":"urn:jineng:cert:<number>",
 *             "vc":{"@context":["https://www.w3.org/2018/credentials/v1"],
 *                   "type":["VerifiableCredential","SkillCertificateCredential"],
 *                   "credentialSubject":{"certificateNumber", "name", "idNumberMasked", "gender",
 *                        "occupationCode", "occupationName", "level" (1–8), "levelName",
 *                        "nationalLevel", "issuingBody":{"name","code"}, "issuedOn", "route"},
 *                   "credentialStatus":{"id":verify_url, "type":"JinengVerification"}}}
 * Text is UTF-8 as is (no \u escapes).  Claims given as NULL (or level 0)
 * are left out; credentialStatus is left out without a verify_url.  The
 * issuance date and issuer are iss and nbf, as VC-JWT maps them. */
#ifndef JN_CREDENTIAL_H
#define JN_CREDENTIAL_H

#include <jansson.h>
#include <stddef.h>

#include "app/keyring.h"

#define CREDENTIAL_MAX_LEN 16384 /* longer input is refused before any parsing */
#define CREDENTIAL_LEEWAY_S 60   /* clock skew allowed on nbf and exp */

typedef struct cert_claims {
	const char *number, *holder_name, *holder_id_masked, *gender, *occupation_code, *occupation_name,
		*level_name, *national_level, *body_name, *body_code, *issued_on /* YYYY-MM-DD */,
		*route /* normal|direct|exceptional|special */, *verify_url;
	int level; /* 1..8 on the ladder, 0 none */
} cert_claims;

/* Signs c with the keyring's active key.  issuer is taken as given (an
 * https URL or a did:web:…); now_iso is ISO 8601 UTC ("2026-11-21T10:00:00Z",
 * milliseconds allowed), NULL = now.  Returns the compact JWS (malloc'd,
 * caller frees), or NULL when there is no active key, number, holder_name
 * or issuer is missing, a text is not UTF-8, issued_on or route or level
 * is not one of the forms above, or memory ran out. */
char *credential_sign(const keyring *kr, const cert_claims *c, const char *issuer, const char *now_iso);

/* What verification found (the return value of credential_verify). */
typedef enum cred_status {
	CRED_OK = 0,
	CRED_MALFORMED,     /* not a compact JWS of base64url JSON, or too long  */
	CRED_BAD_ALG,       /* alg other than EdDSA, "none" included; or crit    */
	CRED_UNKNOWN_KID,   /* no key with that kid in the JWK Set               */
	CRED_BAD_SIGNATURE, /* changed after signing, or signed by another key   */
	CRED_NOT_YET_VALID, /* nbf in the future                                 */
	CRED_EXPIRED,       /* exp in the past (never set by credential_sign)    */
	CRED_BAD_JWKS,      /* the JWK Set itself is unusable                    */
} cred_status;

/* Checks a VC-JWT against the public keys of jwks_json only (keys in the
 * header — jwk, jku, x5u — are never used).  Returns CRED_OK (0) and, when
 * payload_out is not NULL, the payload (caller json_decref's); otherwise a
 * cred_status and why (Chinese, no key material) says what is wrong. */
int credential_verify(const char *jwt, size_t len, const char *jwks_json, json_t **payload_out, char *why,
		      size_t whycap);

/* The same at a given time (Unix seconds); kid_out (may be NULL) receives
 * the header's kid when the header could be read. */
int credential_verify_at(const char *jwt, size_t len, const char *jwks_json, long long now, json_t **payload_out,
			 char kid_out[KEYRING_KID_MAX], char *why, size_t whycap);

/* Stable code of a cred_status: "valid", "malformed", "bad_alg", … */
const char *credential_status_code(int st);

#endif
