/* cert_doc.h — an issued certificate as something to hand over: the
 * signed credential (VC-JWT) and the printable PDF with its QR code.
 * Shared by the HTTP handlers (api_credential.c) and the CLI (cmd_cert.c).
 *
 * `site` is what goes before "/verify?number=…" in the verification URL
 * ("https://jineng.example.cn", or "" for a relative URL).  The issuer is
 * "urn:jineng:issuer:<region>", the issuing body's six-digit region, or
 * "urn:jineng:issuer:53" (the province) for a body not registered here. */
#ifndef JN_CERT_DOC_H
#define JN_CERT_DOC_H

#include <stddef.h>

#include "app/app.h"
#include "app/keyring.h"

/* The credential of certificate `number` as sc may read it, signed with
 * kr's active key, into *jwt (malloc'd).  With holder_name set (an
 * anonymous caller), the name must be the holder's (compared normalised).
 * JN_ENOTFOUND for an unknown number, a wrong name, a certificate out of
 * sc or not yet issued — one answer for all, so nothing leaks;
 * JN_EINTERNAL with why when it cannot be signed (no key). */
jn_err cert_credential(store *s, const scope *sc, const keyring *kr, const char *number, const char *holder_name,
		       const char *site, char **jwt, char *why, size_t whycap);

/* The printable certificate: A4 PDF (malloc'd into *pdf, *len bytes) with
 * every printed field and a QR code holding the verification URL with the
 * credential (site + "/verify?number=…&credential=<JWT>").  The read is
 * audited ("read.certificate.pdf") by sc before the PDF is returned.
 * JN_ENOTFOUND as above; JN_EINVAL when a field cannot be set (why says
 * which); JN_EINTERNAL when signing or rendering fails. */
jn_err cert_pdf(store *s, const scope *sc, const keyring *kr, const char *number, const char *site,
		unsigned char **pdf, size_t *len, char *why, size_t whycap);

#endif
