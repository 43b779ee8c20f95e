/* pdfbench.c — how many certificate PDFs one thread renders per second:
 * cert_pdf_render over and over on one certificate with a 1,500-byte
 * verification URL and a 358 × 441 PNG photo (made here), after one render
 * to warm the font caches, for about SECONDS seconds.  Prints the rate, the
 * time per render and the PDF's size.
 *
 *   make build/libjineng.a
 *   cc -O2 -std=c17 -D_GNU_SOURCE -Isrc -o build/pdfbench bench/pdfbench.c build/libjineng.a \
 *      $(pkg-config --cflags --libs cairo pangocairo fontconfig libqrencode libjpeg libutf8proc) -lpthread -lm
 *   build/pdfbench [SECONDS] [OUT.pdf]       3 s by default; OUT.pdf keeps the last PDF */
#include "io/cert_pdf.h"

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct buf {
	unsigned char *p;
	size_t len;
} buf;

static cairo_status_t buf_write(void *closure, const unsigned char *data, unsigned int len)
{
	buf *b = closure;
	unsigned char *np = realloc(b->p, b->len + len);
	if (!np)
		return CAIRO_STATUS_NO_MEMORY;
	b->p = np;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return CAIRO_STATUS_SUCCESS;
}

/* An ID photo: blue ground, head and shoulders. */
static buf make_png(void)
{
	buf b = {0};
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
	cairo_surface_write_to_png_stream(s, buf_write, &b);
	cairo_surface_destroy(s);
	return b;
}

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

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 3.0;
	buf png = make_png();
	char *url = make_url(1500), err[512];
	cert_print c = {
		.number = "S000053040001253000012", .holder_name = "李春梅", .gender = "女",
		.id_number = "53040219900101123X", .occupation_code = "6-18-02-04", .occupation_name = "电工",
		.level_name = "高级工", .national_level = "三级", .body_name = "玉溪市职业技能鉴定中心",
		.body_code = "Y000053040001", .issued_on = "2025-03-18", .route_name = "正常认定",
		.status_name = "有效", .photo = png.p, .photo_len = png.len, .qr_text = url,
	};
	unsigned char *pdf = NULL;
	size_t len = 0;
	if (cert_pdf_render(&c, &pdf, &len, err, sizeof err) != CERT_PDF_OK) {
		fprintf(stderr, "pdfbench: %s\n", err);
		return 1;
	}
	long n = 0;
	double t0 = now(), t;
	do {
		free(pdf);
		cert_pdf_render(&c, &pdf, &len, err, sizeof err);
		n++;
	} while ((t = now() - t0) < seconds);
	printf("pdf: %ld renders in %.2f s = %.1f renders/s (%.2f ms each), one thread; PDF %zu bytes\n", n, t,
	       n / t, 1000 * t / n, len);
	if (argc > 2) {
		FILE *f = fopen(argv[2], "wb");
		if (!f || fwrite(pdf, 1, len, f) != len)
			perror(argv[2]);
		if (f)
			fclose(f);
	}
	free(pdf);
	free(png.p);
	free(url);
	return 0;
}
