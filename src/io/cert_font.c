/* cert_font.c — which installed font the certificate is set in, found
 * through fontconfig by family name.
 *
 * Certificates are set in a Song (宋体) face, so the serif families come
 * first; then the common sans families Debian packages; then any font that
 * says it covers Simplified Chinese.  Asking by name rather than leaving it
 * to pango's fallback is what lets us say "no Chinese font" plainly instead
 * of printing a page of empty boxes. */
#include "io/cert_draw.h"

#include <fontconfig/fontconfig.h>
#include <pthread.h>
#include <stdio.h>

static const char *const PREFERRED[] = {
	"Noto Serif CJK SC",   /* fonts-noto-cjk */
	"Source Han Serif SC", /* the same design under Adobe's name */
	"AR PL UMing CN",      /* fonts-arphic-uming */
	"Noto Sans CJK SC",    /* fonts-noto-cjk */
	"Source Han Sans SC",
	"WenQuanYi Micro Hei", /* fonts-wqy-microhei */
	"WenQuanYi Zen Hei",   /* fonts-wqy-zenhei */
	"AR PL UKai CN",       /* fonts-arphic-ukai */
};

static char found[128];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Copies the family of the first font matching pat into found; 1 if any. */
static int first_family(FcPattern *pat)
{
	FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, (char *)0);
	FcFontSet *fs = os ? FcFontList(NULL, pat, os) : NULL;
	FcChar8 *fam = NULL;
	int ok = fs && fs->nfont > 0 && FcPatternGetString(fs->fonts[0], FC_FAMILY, 0, &fam) == FcResultMatch;
	if (ok)
		snprintf(found, sizeof found, "%s", (const char *)fam);
	if (fs)
		FcFontSetDestroy(fs);
	if (os)
		FcObjectSetDestroy(os);
	return ok;
}

static int by_name(const char *family)
{
	FcPattern *pat = FcPatternBuild(NULL, FC_FAMILY, FcTypeString, (const FcChar8 *)family, (char *)0);
	int ok = pat && first_family(pat);
	if (pat)
		FcPatternDestroy(pat);
	/* a family the list asked for: keep our spelling, pango matches it */
	if (ok)
		snprintf(found, sizeof found, "%s", family);
	return ok;
}

static int by_language(void)
{
	FcPattern *pat = FcPatternCreate();
	FcLangSet *ls = FcLangSetCreate();
	int ok = pat && ls && FcLangSetAdd(ls, (const FcChar8 *)"zh-cn") &&
		 FcPatternAddLangSet(pat, FC_LANG, ls) && first_family(pat);
	if (ls)
		FcLangSetDestroy(ls);
	if (pat)
		FcPatternDestroy(pat);
	return ok;
}

static void look_up(void)
{
	for (size_t i = 0; i < sizeof PREFERRED / sizeof PREFERRED[0]; i++)
		if (by_name(PREFERRED[i]))
			return;
	if (!by_language())
		found[0] = '\0';
}

const char *certpdf_font_family(void)
{
	pthread_once(&once, look_up);
	return found[0] ? found : NULL;
}
