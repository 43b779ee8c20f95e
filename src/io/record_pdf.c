/* record_pdf.c — lays the lifelong record out as a table on A4 pages.
 *
 * cairo's PDF surface writes the pages and embeds the subset of the font
 * used; pango sets and wraps each cell.  A row is as tall as its tallest
 * cell; a row that does not fit on the page starts the next one, under the
 * header row drawn again.  Coordinates are points from the top left. */
#include "io/record_pdf.h"

#include "core/text.h"
#include "io/cert_draw.h"
#include "io/iobuf.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 595.276 /* A4 */
#define PAGE_H 841.890
#define LEFT 40.0
#define RIGHT (PAGE_W - 40.0)
#define TOP 48.0
#define BOTTOM (PAGE_H - 56.0)
#define PAD 3.0
#define BODY_PT 8.5
#define HEAD_PT 9.0

static const struct {
	const char *label;
	double w;
} COLS[] = {{"编号", 36}, {"日期", 58}, {"类别", 56}, {"事项", 215}, {"来源", 92}, {"记录人", 58}};
#define NCOLS ((int)(sizeof COLS / sizeof COLS[0]))

typedef struct pen {
	cairo_t *cr;
	PangoLayout *lay;
	PangoFontDescription *font;
} pen;

static void pen_open(pen *p, cairo_t *cr, const char *family)
{
	p->cr = cr;
	p->lay = pango_cairo_create_layout(cr);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(pango_layout_get_context(p->lay), fo);
	cairo_font_options_destroy(fo);
	pango_layout_context_changed(p->lay);
	p->font = pango_font_description_new();
	pango_font_description_set_family(p->font, family);
	pango_layout_set_wrap(p->lay, PANGO_WRAP_WORD_CHAR);
}

static void pen_close(pen *p)
{
	pango_font_description_free(p->font);
	g_object_unref(p->lay);
}

/* Lays text out w wide (wrapping; w <= 0: one line) at size points; returns its height. */
static double pen_set(pen *p, const char *text, double w, double size, int bold, PangoAlignment align)
{
	pango_font_description_set_absolute_size(p->font, size * PANGO_SCALE);
	pango_font_description_set_weight(p->font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(p->lay, p->font);
	pango_layout_set_width(p->lay, w > 0 ? (int)(w * PANGO_SCALE) : -1);
	pango_layout_set_alignment(p->lay, align);
	pango_layout_set_text(p->lay, text ? text : "", -1);
	int h;
	pango_layout_get_size(p->lay, NULL, &h);
	return (double)h / PANGO_SCALE;
}

static void pen_show(pen *p, double x, double y, double grey)
{
	cairo_set_source_rgb(p->cr, grey, grey, grey);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->lay);
}

static void text_at(pen *p, const char *text, double x, double y, double w, double size, int bold,
		    PangoAlignment align, double grey)
{
	pen_set(p, text, w, size, bold, align);
	pen_show(p, x, y, grey);
}

static void hline(cairo_t *cr, double y, double width, double grey)
{
	cairo_set_source_rgb(cr, grey, grey, grey);
	cairo_set_line_width(cr, width);
	cairo_move_to(cr, LEFT, y);
	cairo_line_to(cr, RIGHT, y);
	cairo_stroke(cr);
}

static const char *cell(const record_pdf_row *r, int c)
{
	const char *v[] = {r->id, r->on_date, r->kind_name, r->title, r->source, r->recorded_by};
	return v[c] ? v[c] : "";
}

/* The header row at y; returns the y under it. */
static double draw_head(pen *p, double y)
{
	double h = 0, x = LEFT;
	for (int c = 0; c < NCOLS; c++) {
		double ch = pen_set(p, COLS[c].label, COLS[c].w - 2 * PAD, HEAD_PT, 1, PANGO_ALIGN_LEFT);
		if (ch > h)
			h = ch;
	}
	cairo_set_source_rgb(p->cr, 0.93, 0.93, 0.93);
	cairo_rectangle(p->cr, LEFT, y, RIGHT - LEFT, h + 2 * PAD);
	cairo_fill(p->cr);
	for (int c = 0; c < NCOLS; c++) {
		text_at(p, COLS[c].label, x + PAD, y + PAD, COLS[c].w - 2 * PAD, HEAD_PT, 1, PANGO_ALIGN_LEFT, 0.1);
		x += COLS[c].w;
	}
	hline(p->cr, y, 0.8, 0.2);
	hline(p->cr, y + h + 2 * PAD, 0.5, 0.2);
	return y + h + 2 * PAD;
}

static void draw_foot(pen *p, int page)
{
	char t[64];
	snprintf(t, sizeof t, "第 %d 页", page);
	text_at(p, t, LEFT, PAGE_H - 40, RIGHT - LEFT, 8, 0, PANGO_ALIGN_CENTER, 0.4);
}

static double draw_intro(pen *p, const record_pdf_doc *d)
{
	double y = TOP;
	y += pen_set(p, "终身职业技能培训电子档案", RIGHT - LEFT, 20, 1, PANGO_ALIGN_CENTER);
	pen_show(p, LEFT, TOP, 0.05);
	y += 12;
	char line[640];
	snprintf(line, sizeof line, "姓名：%s　　证件号码：%s　　所属地区：%s", d->name, d->id_number_masked,
		 d->region_name && d->region_name[0] ? d->region_name : "—");
	double h = pen_set(p, line, RIGHT - LEFT, 10.5, 0, PANGO_ALIGN_LEFT);
	pen_show(p, LEFT, y, 0.05);
	y += h + 4;
	snprintf(line, sizeof line, "共 %d 条记录（按日期由近及远）　　生成时间：%s", d->nrows,
		 d->generated_at ? d->generated_at : "");
	h = pen_set(p, line, RIGHT - LEFT, 8.5, 0, PANGO_ALIGN_LEFT);
	pen_show(p, LEFT, y, 0.35);
	return y + h + 10;
}

static void draw_doc(cairo_t *cr, const record_pdf_doc *d, const char *family)
{
	pen p;
	pen_open(&p, cr, family);
	int page = 1;
	double y = draw_intro(&p, d);
	y = draw_head(&p, y);
	if (d->nrows == 0) {
		text_at(&p, "暂无记录", LEFT, y + 8, RIGHT - LEFT, 10, 0, PANGO_ALIGN_CENTER, 0.4);
		y += 28;
	}
	for (int i = 0; i < d->nrows; i++) {
		const record_pdf_row *r = &d->rows[i];
		double h = 0;
		for (int c = 0; c < NCOLS; c++) {
			double ch = pen_set(&p, cell(r, c), COLS[c].w - 2 * PAD, BODY_PT, 0, PANGO_ALIGN_LEFT);
			if (ch > h)
				h = ch;
		}
		if (h > BOTTOM - TOP - 40)
			h = BOTTOM - TOP - 40; /* a cell longer than a page is cut */
		if (y + h + 2 * PAD > BOTTOM) {
			draw_foot(&p, page++);
			cairo_show_page(cr);
			y = draw_head(&p, TOP);
		}
		double x = LEFT;
		cairo_save(cr);
		cairo_rectangle(cr, LEFT, y, RIGHT - LEFT, h + 2 * PAD);
		cairo_clip(cr);
		for (int c = 0; c < NCOLS; c++) {
			text_at(&p, cell(r, c), x + PAD, y + PAD, COLS[c].w - 2 * PAD, BODY_PT, 0, PANGO_ALIGN_LEFT, 0.05);
			x += COLS[c].w;
		}
		cairo_restore(cr);
		y += h + 2 * PAD;
		hline(cr, y, 0.3, 0.6);
	}
	y += 14;
	if (y < BOTTOM - 12)
		text_at(&p, "本档案由技能人才服务管理平台根据各业务系统的记录生成；记录只增不改，更正以新记录标注。", LEFT, y,
			RIGHT - LEFT, 8, 0, PANGO_ALIGN_LEFT, 0.4);
	draw_foot(&p, page);
	cairo_show_page(cr);
	pen_close(&p);
}

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
	iobuf *b = closure;
	if (iobuf_reserve(b, len))
		return CAIRO_STATUS_NO_MEMORY;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return CAIRO_STATUS_SUCCESS;
}

static int valid_text(const char *s) { return !s || utf8_valid(s, strlen(s)); }

int record_pdf_render(const record_pdf_doc *d, unsigned char **out, size_t *outlen, char *err, size_t errcap)
{
	*out = NULL;
	*outlen = 0;
	if (!d->name || !d->id_number_masked || !valid_text(d->name) || !valid_text(d->region_name) ||
	    !valid_text(d->generated_at)) {
		io_set_err(err, errcap, "档案缺少姓名或证件号码，或文字不是有效的 UTF-8");
		return CERT_PDF_EINPUT;
	}
	for (int i = 0; i < d->nrows; i++)
		for (int c = 0; c < NCOLS; c++)
			if (!valid_text(cell(&d->rows[i], c))) {
				io_set_err(err, errcap, "档案第%d条记录的文字不是有效的 UTF-8", i + 1);
				return CERT_PDF_EINPUT;
			}
	const char *family = certpdf_font_family();
	if (!family) {
		io_set_err(err, errcap, "本机未安装中文字体，无法生成档案 PDF：请安装 fonts-noto-cjk 后重启服务");
		return CERT_PDF_ENOFONT;
	}
	iobuf buf = {0};
	cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(pdf_write, &buf, PAGE_W, PAGE_H);
	char title[256];
	snprintf(title, sizeof title, "终身职业技能培训电子档案 %.200s", d->name);
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "Jineng 技能人才服务管理平台");
	cairo_t *cr = cairo_create(pdf);
	draw_doc(cr, d, family);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(pdf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(pdf);
	cairo_surface_destroy(pdf);
	if (st != CAIRO_STATUS_SUCCESS) {
		free(buf.p);
		io_set_err(err, errcap, "生成档案 PDF 失败：%s", cairo_status_to_string(st));
		return st == CAIRO_STATUS_NO_MEMORY ? CERT_PDF_ENOMEM : CERT_PDF_ERENDER;
	}
	*out = (unsigned char *)buf.p;
	*outlen = buf.len;
	return CERT_PDF_OK;
}
