/* test_cert_pdf.c — unit tests for src/io/cert_pdf: a certificate with a
 * 1,500-byte QR text and a PNG or JPEG photo made here, a revoked one, a
 * character outside the BMP, refused input, and no Chinese font at all.
 *
 * With JINENG_PDF_OUT=DIR it also leaves its PDFs in DIR, each with the QR
 * text and the holder's name next to it, for tests/pdf/check_pdf.sh to read
 * back with poppler and zbar. */
#include "io/cert_pdf.h"
#include "unit.h"

#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <jpeglib.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- inputs --------------------------------------------------------------- */

typedef struct buf {
	unsigned char *p;
	size_t len;
} buf;

static cairo_status_t buf_write(void *closure, const unsigned char *data, unsigned int len)
{
	buf *b = closure;
	b->p = realloc(b->p, b->len + len);
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return CAIRO_STATUS_SUCCESS;
}

/* An ID photo of 358 × 441 pixels: blue ground, head and shoulders. */
static cairo_surface_t *portrait(void)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 358, 441);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 0.26, 0.56, 0.86);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0.15, 0.17, 0.22);
	cairo_arc(cr, 179, 470, 170, 0, 6.2832);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0.93, 0.78, 0.66);
	cairo_arc(cr, 179, 190, 92, 0, 6.2832);
	cairo_fill(cr);
	cairo_destroy(cr);
	return s;
}

static buf make_png(void)
{
	buf b = {0};
	cairo_surface_t *s = portrait();
	cairo_surface_write_to_png_stream(s, buf_write, &b);
	cairo_surface_destroy(s);
	return b;
}

static buf make_jpeg(void)
{
	cairo_surface_t *s = portrait();
	struct jpeg_compress_struct ci;
	struct jpeg_error_mgr jerr;
	unsigned char *out = NULL;
	unsigned long outlen = 0;
	ci.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&ci);
	jpeg_mem_dest(&ci, &out, &outlen);
	ci.image_width = 358;
	ci.image_height = 441;
	ci.input_components = 4;
	ci.in_color_space = JCS_EXT_BGRX; /* cairo's RGB24 on a little-endian machine */
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, 85, TRUE);
	jpeg_start_compress(&ci, TRUE);
	unsigned char *data = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	while (ci.next_scanline < ci.image_height) {
		JSAMPROW row = data + (size_t)ci.next_scanline * (size_t)stride;
		jpeg_write_scanlines(&ci, &row, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	cairo_surface_destroy(s);
	return (buf){out, outlen};
}

/* A w × h JPEG of a colour gradient, RGB or CMYK (as Photoshop writes
 * press photos: with an Adobe marker). */
static buf make_plain_jpeg(unsigned w, unsigned h, int cmyk)
{
	struct jpeg_compress_struct ci;
	struct jpeg_error_mgr jerr;
	unsigned char *out = NULL, *row = malloc((size_t)w * 4);
	unsigned long outlen = 0;
	ci.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&ci);
	jpeg_mem_dest(&ci, &out, &outlen);
	ci.image_width = w;
	ci.image_height = h;
	ci.input_components = cmyk ? 4 : 3;
	ci.in_color_space = cmyk ? JCS_CMYK : JCS_RGB;
	jpeg_set_defaults(&ci);
	jpeg_start_compress(&ci, TRUE);
	while (ci.next_scanline < h) {
		for (unsigned x = 0; x < w * (unsigned)ci.input_components; x++)
			row[x] = (unsigned char)(x * 7 + ci.next_scanline);
		jpeg_write_scanlines(&ci, &row, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	free(row);
	return (buf){out, outlen};
}

/* A verification URL of exactly n bytes: a site and a base64url tail, the
 * shape of a signed credential. */
static char *make_url(size_t n)
{
	static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const char *site = "https://jineng.rsj.yuxi.gov.cn/verify#";
	char *u = malloc(n + 1);
	size_t k = strlen(site);
	memcpy(u, site, k);
	for (unsigned x = 12345; k < n; k++) {
		x = x * 1103515245u + 12345u;
		u[k] = B64[(x >> 16) & 63];
	}
	u[n] = '\0';
	return u;
}

static cert_print sample(const char *qr_text)
{
	return (cert_print){
		.number = "S000053040001253000012",
		.holder_name = "李春梅",
		.gender = "女",
		.id_number = "53040219900101123X",
		.occupation_code = "6-18-02-04",
		.occupation_name = "电工",
		.level_name = "高级工",
		.national_level = "三级",
		.body_name = "玉溪市职业技能鉴定中心",
		.body_code = "Y000053040001",
		.issued_on = "2025-03-18",
		.route_name = "正常认定",
		.status_name = "有效",
		.qr_text = qr_text,
	};
}

/* ---- checks --------------------------------------------------------------- */

static int contains(const unsigned char *p, size_t n, const char *s)
{
	return memmem(p, n, s, strlen(s)) != NULL;
}

/* Writes the PDF, its QR text and its holder's name where check_pdf.sh
 * looks, when asked to. */
static void keep(const char *name, const unsigned char *pdf, size_t len, const cert_print *c)
{
	const char *dir = getenv("JINENG_PDF_OUT");
	char path[4096];
	if (!dir)
		return;
	const char *ext[] = {"pdf", "qr", "name"};
	const void *data[] = {pdf, c->qr_text, c->holder_name};
	size_t lens[] = {len, strlen(c->qr_text), strlen(c->holder_name)};
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext[i]);
		FILE *f = fopen(path, "wb");
		CHECK(f && fwrite(data[i], 1, lens[i], f) == lens[i]);
		if (f)
			fclose(f);
	}
}

/* Renders c and checks what every certificate PDF must have. */
static void render_ok(const char *name, const cert_print *c, unsigned char **pdf, size_t *len)
{
	char err[512] = "";
	int rc = cert_pdf_render(c, pdf, len, err, sizeof err);
	if (rc)
		fprintf(stderr, "%s: %s\n", name, err);
	CHECK(rc == CERT_PDF_OK);
	CHECK(*pdf && *len > 2000);
	if (!*pdf)
		return;
	CHECK(memcmp(*pdf, "%PDF-", 5) == 0);
	CHECK(contains(*pdf, *len, "/FontFile")); /* the font is embedded (FontFile2/3) */
	CHECK(contains(*pdf, *len, "/ToUnicode")); /* and its text can be copied out */
	CHECK(contains(*pdf, *len, "%%EOF"));
	keep(name, *pdf, *len, c);
}

static void test_png_photo(void)
{
	char *url = make_url(1500);
	buf png = make_png();
	cert_print c = sample(url);
	c.photo = png.p, c.photo_len = png.len;
	unsigned char *pdf;
	size_t len;
	render_ok("valid", &c, &pdf, &len);
	CHECK(pdf && !contains(pdf, len, "/DCTDecode")); /* a PNG is carried as pixels */
	printf("certificate PDF with a PNG photo: %zu bytes\n", len);
	free(pdf);
	free(png.p);
	free(url);
}

static void test_jpeg_photo(void)
{
	char *url = make_url(2000);
	buf jpg = make_jpeg();
	cert_print c = sample(url);
	c.photo = jpg.p, c.photo_len = jpg.len;
	c.holder_name = "阿依古丽·买买提";
	unsigned char *pdf;
	size_t len;
	render_ok("jpeg", &c, &pdf, &len);
	CHECK(pdf && contains(pdf, len, "/DCTDecode")); /* the JPEG's own bytes, not re-encoded */
	free(pdf);
	free(jpg.p);
	free(url);
}

/* A CMYK photo and a 12-megapixel one are decoded (the large one at a
 * quarter of its size) and carried as pixels, not as their JPEG bytes. */
static void test_other_jpegs(void)
{
	char *url = make_url(500);
	buf cmyk = make_plain_jpeg(300, 400, 1), big = make_plain_jpeg(3000, 4000, 0);
	cert_print c = sample(url);
	unsigned char *pdf = NULL;
	size_t len = 0;
	char err[512] = "";
	c.photo = cmyk.p, c.photo_len = cmyk.len;
	CHECK(cert_pdf_render(&c, &pdf, &len, err, sizeof err) == CERT_PDF_OK);
	CHECK(pdf && !contains(pdf, len, "/DCTDecode") && contains(pdf, len, "/Subtype /Image"));
	free(pdf);
	c.photo = big.p, c.photo_len = big.len;
	CHECK(cert_pdf_render(&c, &pdf, &len, err, sizeof err) == CERT_PDF_OK);
	CHECK(pdf && !contains(pdf, len, "/DCTDecode") && contains(pdf, len, "/Width 750"));
	free(pdf);
	free(cmyk.p);
	free(big.p);
	free(url);
}

static void test_revoked(void)
{
	char *url = make_url(1500);
	cert_print c = sample(url);
	c.status_name = "已注销";
	c.holder_name = "王建国";
	unsigned char *pdf;
	size_t len;
	render_ok("revoked", &c, &pdf, &len); /* no photo: the 照片 placeholder */
	CHECK(pdf && contains(pdf, len, "/ca 0.3")); /* the see-through watermark */
	free(pdf);
	free(url);
}

static void test_rare_characters(void)
{
	char *url = make_url(300);
	cert_print c = sample(url);
	c.holder_name = "𠀀𪚥龘";
	c.occupation_name = "𠀀工（Ext-B 字）——一个很长很长的职业名称，长到一行放不下时缩小字号或换行";
	c.body_name = "云南省红河哈尼族彝族自治州个旧市职业技能鉴定指导中心第二评价站（锡矿冶炼工种专用考点）";
	c.route_name = "破格晋升\n第二行";
	unsigned char *pdf;
	size_t len;
	render_ok("rare", &c, &pdf, &len);
	free(pdf);
	free(url);
}

/* The server prints from its worker threads, several at once. */
static void *render_twice(void *arg)
{
	const cert_print *c = arg;
	intptr_t ok = 1;
	for (int i = 0; i < 2; i++) {
		unsigned char *pdf = NULL;
		size_t len = 0;
		char err[512];
		ok &= cert_pdf_render(c, &pdf, &len, err, sizeof err) == CERT_PDF_OK && len > 2000 &&
		      memcmp(pdf, "%PDF-", 5) == 0;
		free(pdf);
	}
	return (void *)ok;
}

static void test_threads(void)
{
	char *url = make_url(1200);
	buf png = make_png();
	cert_print c = sample(url);
	c.photo = png.p, c.photo_len = png.len;
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		CHECK(pthread_create(&t[i], NULL, render_twice, &c) == 0);
	for (int i = 0; i < 3; i++) {
		void *ok = NULL;
		pthread_join(t[i], &ok);
		CHECK(ok == (void *)1);
	}
	free(png.p);
	free(url);
}

static int refused(cert_print *c, const char *why)
{
	char err[512] = "";
	unsigned char *pdf = (unsigned char *)"x";
	size_t len = 7;
	int rc = cert_pdf_render(c, &pdf, &len, err, sizeof err);
	int ok = rc == CERT_PDF_EINPUT && pdf == NULL && len == 0 && strstr(err, why) != NULL;
	if (!ok)
		fprintf(stderr, "expected refusal with \"%s\", got %d \"%s\"\n", why, rc, err);
	free(pdf);
	return ok;
}

static void test_refused(void)
{
	char *url = make_url(1500), *huge = make_url(3000), *big = make_url(2900);
	cert_print c = sample(url);
	c.holder_name = NULL;
	CHECK(refused(&c, "姓名"));
	c = sample(url), c.body_name = "\xe7\x8e";
	CHECK(refused(&c, "UTF-8"));
	c = sample(url), c.level_name = "", c.national_level = NULL;
	CHECK(refused(&c, "技能等级"));
	c = sample(huge);
	CHECK(refused(&c, "查验链接过长"));
	c = sample(url), c.photo = (const unsigned char *)"GIF89a....", c.photo_len = 10;
	CHECK(refused(&c, "JPEG 或 PNG"));
	buf png = make_png();
	c = sample(url), c.photo = png.p, c.photo_len = png.len / 2;
	CHECK(refused(&c, "PNG"));
	/* a PNG header claiming 50,000 × 50,000 pixels */
	unsigned char bomb[33];
	memcpy(bomb, png.p, sizeof bomb);
	memcpy(bomb + 16, "\x00\x00\xc3\x50\x00\x00\xc3\x50", 8);
	c.photo = bomb, c.photo_len = sizeof bomb;
	CHECK(refused(&c, "过大"));
	buf jpg = make_jpeg();
	c.photo = jpg.p, c.photo_len = 200; /* cut short: refused or repaired, never a crash */
	unsigned char *pdf = NULL;
	size_t len;
	char err[512];
	int rc = cert_pdf_render(&c, &pdf, &len, err, sizeof err);
	CHECK(rc == CERT_PDF_OK || rc == CERT_PDF_EINPUT);
	free(pdf);
	c = sample(big); /* beyond level M's capacity: level L still holds it */
	rc = cert_pdf_render(&c, &pdf, &len, err, sizeof err);
	CHECK(rc == CERT_PDF_OK);
	free(pdf);
	free(jpg.p);
	free(png.p);
	free(url), free(huge), free(big);
}

/* In a child with a fontconfig that knows no fonts: the answer is a plain
 * Chinese reason, not a page of empty boxes.  Runs first, before this
 * process has looked for a font. */
static void test_no_font(void)
{
	char dir[] = "/tmp/jn-nofont-XXXXXX", conf[64];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(conf, sizeof conf, "%s/fonts.conf", dir);
	FILE *f = fopen(conf, "w");
	fprintf(f, "<?xml version=\"1.0\"?>\n<fontconfig><cachedir>%s</cachedir></fontconfig>\n", dir);
	fclose(f);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		char *url = make_url(100), err[512] = "";
		cert_print c = sample(url);
		unsigned char *pdf = NULL;
		size_t len;
		setenv("FONTCONFIG_FILE", conf, 1);
		int rc = cert_pdf_render(&c, &pdf, &len, err, sizeof err);
		_exit(rc == CERT_PDF_ENOFONT && pdf == NULL && strstr(err, "中文字体") && strstr(err, "fonts-noto-cjk") ? 0 : 1);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	unlink(conf);
	rmdir(dir);
}

/* cairo 1.16's CFF subsetter loses 768 bytes per font per PDF inside
 * cairo_surface_finish (also with cairo's own text API, no pango, no us);
 * the sanitizer build's leak check is told so, and nothing else.  cairo and
 * pango are built without frame pointers, so only the slow unwinder sees
 * that frame.  (Both hooks are read by the sanitizer runtime only.) */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:cairo_surface_finish\n";
}

const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

/* What the libraries keep for the life of the process — this thread's
 * pango font map, cairo's font caches, fontconfig's configuration — is let
 * go, so the leak check sees only what is really lost.  (A server's worker
 * threads free their font maps when they exit.) */
static void release_libraries(void)
{
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
}

int main(void)
{
	test_no_font();
	test_png_photo();
	test_jpeg_photo();
	test_other_jpegs();
	test_revoked();
	test_rare_characters();
	test_refused();
	test_threads();
	release_libraries();
	UNIT_END();
}
