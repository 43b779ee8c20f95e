/* xlsx_read.c — reads the first worksheet of an XLSX file held in memory.
 *
 * The archive is opened from the caller's buffer with libzip; the parts are
 * found the way Excel finds them (_rels/.rels → workbook, first <sheet> →
 * its relationship → worksheet part; the shared-strings part through the
 * same relationships), with the usual names as fall-backs.  Parts are
 * streamed through expat in chunks, so a million-row sheet is never held
 * decompressed in memory; only the shared-string table is.
 *
 * Cell values come back as Excel stored them: shared and inline strings
 * (rich-text runs joined, phonetic runs dropped, _xHHHH_ escapes decoded),
 * booleans as TRUE/FALSE, and numbers, errors and formula results as the
 * raw text of <v> — no float formatting, so 13812345678 stays digits.
 * Gaps in a row are "", trailing empty cells and empty rows are dropped.
 *
 * Hostile files: an entry that inflates past 512 MiB is refused, DTDs are
 * refused (no entity tricks), and the row/field limits of table.h hold. */
#include "io/iobuf.h"
#include "io/table.h"

#include <expat.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define XLSX_MAX_ENTRY ((zip_uint64_t)512 * 1024 * 1024)
#define XLSX_PATH_MAX 512
#define XLSX_MAX_COLS 16384 /* XFD */
#define NO_CELL SIZE_MAX

/* ---- growing byte buffer ---------------------------------------------- */

static int xb_add(iobuf *b, const char *s, size_t n)
{
	if (iobuf_reserve(b, n + 1) != 0)
		return -1;
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

/* ---- small helpers ------------------------------------------------------ */

/* Element or attribute name without its namespace prefix ("x:row" → "row"). */
static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (int i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes OOXML's _xHHHH_ escapes (control characters and the like) in
 * place; returns the new length.  Decoding only ever shrinks the text.
 * U+0000 and lone surrogates are dropped. */
static size_t unescape_x(char *s, size_t n)
{
	if (n < 7 || !memchr(s, '_', n))
		return n;
	size_t r = 0, w = 0;
	while (r < n) {
		if (s[r] == '_' && r + 7 <= n && (s[r + 1] == 'x' || s[r + 1] == 'X') && s[r + 6] == '_') {
			int h0 = hexval(s[r + 2]), h1 = hexval(s[r + 3]), h2 = hexval(s[r + 4]),
			    h3 = hexval(s[r + 5]);
			if (h0 >= 0 && h1 >= 0 && h2 >= 0 && h3 >= 0) {
				unsigned cp = (unsigned)(h0 << 12 | h1 << 8 | h2 << 4 | h3);
				r += 7;
				if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
					continue;
				if (cp < 0x80) {
					s[w++] = (char)cp;
				} else if (cp < 0x800) {
					s[w++] = (char)(0xC0 | cp >> 6);
					s[w++] = (char)(0x80 | (cp & 0x3F));
				} else {
					s[w++] = (char)(0xE0 | cp >> 12);
					s[w++] = (char)(0x80 | ((cp >> 6) & 0x3F));
					s[w++] = (char)(0x80 | (cp & 0x3F));
				}
				continue;
			}
		}
		s[w++] = s[r++];
	}
	return w;
}

/* Joins a relationship target onto the directory of its source part
 * ("xl/" + "worksheets/sheet1.xml"; "/xl/x.xml" is absolute) and removes
 * "." and ".." segments.  Returns 0, or -1 when it does not fit. */
static int resolve(const char *dir, const char *target, char *out, size_t cap)
{
	char tmp[XLSX_PATH_MAX * 2];
	int n;
	if (target[0] == '/')
		n = snprintf(tmp, sizeof tmp, "%s", target + 1);
	else
		n = snprintf(tmp, sizeof tmp, "%s%s", dir, target);
	if (n < 0 || (size_t)n >= sizeof tmp)
		return -1;
	size_t w = 0;
	const char *p = tmp;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t sl = e ? (size_t)(e - p) : strlen(p);
		if (sl == 0 || (sl == 1 && p[0] == '.')) {
			/* skip */
		} else if (sl == 2 && p[0] == '.' && p[1] == '.') {
			while (w > 0 && out[w - 1] != '/')
				w--;
			if (w > 0)
				w--; /* the slash */
			while (w > 0 && out[w - 1] != '/')
				w--;
		} else {
			if (w + sl + 2 > cap)
				return -1;
			memcpy(out + w, p, sl);
			w += sl;
			if (e)
				out[w++] = '/';
		}
		if (!e)
			break;
		p = e + 1;
	}
	if (w == 0 || w >= cap)
		return -1;
	out[w] = '\0';
	return 0;
}

static zip_int64_t locate(zip_t *z, const char *name)
{
	return zip_name_locate(z, name, ZIP_FL_NOCASE);
}

/* ---- streaming one part through expat ----------------------------------- */

/* First member of every parse state. */
typedef struct xml_common {
	XML_Parser parser;
	int rc; /* non-zero: an error of ours, or the row callback's value */
	char *err;
	size_t errcap;
} xml_common;

static void xml_fail(xml_common *c, int rc)
{
	if (c->rc == 0)
		c->rc = rc;
	XML_StopParser(c->parser, XML_FALSE);
}

static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
		       int has_internal)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	xml_common *c = ud;
	io_set_err(c->err, c->errcap, "XLSX 文件中含有不允许的 DTD 声明，拒绝读取");
	xml_fail(c, TABLE_EFORMAT);
}

static int parse_part(zip_t *z, zip_int64_t idx, const char *name, xml_common *c,
		      XML_StartElementHandler start, XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	zip_stat_t st;
	zip_stat_init(&st);
	if (zip_stat_index(z, (zip_uint64_t)idx, 0, &st) != 0) {
		io_set_err(c->err, c->errcap, "XLSX 文件已损坏：无法读取 %s", name);
		return TABLE_EFORMAT;
	}
	if ((st.valid & ZIP_STAT_SIZE) && st.size > XLSX_MAX_ENTRY) {
		io_set_err(c->err, c->errcap, "XLSX 文件中的 %s 解压后超过 512 MiB，拒绝读取", name);
		return TABLE_EFORMAT;
	}
	zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
	if (!f) {
		io_set_err(c->err, c->errcap, "XLSX 文件无法解压 %s（文件可能已损坏或加密）", name);
		return TABLE_EFORMAT;
	}
	XML_Parser p = XML_ParserCreate(NULL);
	if (!p) {
		zip_fclose(f);
		io_set_err(c->err, c->errcap, "内存不足，无法读取文件");
		return TABLE_ENOMEM;
	}
	c->parser = p;
	c->rc = 0;
	XML_SetUserData(p, c);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, text);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);

	int rc = TABLE_OK;
	zip_uint64_t total = 0;
	for (;;) {
		enum { CHUNK = 1 << 16 };
		void *buf = XML_GetBuffer(p, CHUNK);
		if (!buf) {
			io_set_err(c->err, c->errcap, "内存不足，无法读取文件");
			rc = TABLE_ENOMEM;
			break;
		}
		zip_int64_t n = zip_fread(f, buf, CHUNK);
		if (n < 0) {
			io_set_err(c->err, c->errcap, "XLSX 文件已损坏：解压 %s 失败", name);
			rc = TABLE_EFORMAT;
			break;
		}
		total += (zip_uint64_t)n;
		if (total > XLSX_MAX_ENTRY) {
			io_set_err(c->err, c->errcap, "XLSX 文件中的 %s 解压后超过 512 MiB，拒绝读取", name);
			rc = TABLE_EFORMAT;
			break;
		}
		if (XML_ParseBuffer(p, (int)n, n == 0) != XML_STATUS_OK) {
			if (c->rc != 0) {
				rc = c->rc;
			} else {
				io_set_err(c->err, c->errcap, "XLSX 文件已损坏：%s 不是合法的 XML（第%lu行：%s）", name,
					(unsigned long)XML_GetCurrentLineNumber(p),
					XML_ErrorString(XML_GetErrorCode(p)));
				rc = TABLE_EFORMAT;
			}
			break;
		}
		if (n == 0)
			break;
	}
	XML_ParserFree(p);
	c->parser = NULL;
	zip_fclose(f);
	return rc;
}

/* ---- package relationships and the workbook ----------------------------- */

typedef struct rels_state {
	xml_common c;
	const char *want_id;          /* relationship wanted, or NULL  */
	char target[XLSX_PATH_MAX];   /* its target                     */
	char office[XLSX_PATH_MAX];   /* the officeDocument target      */
	char sst[XLSX_PATH_MAX];      /* the sharedStrings target       */
} rels_state;

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

static void keep(char *dst, const char *src)
{
	size_t n = strlen(src);
	if (dst[0] || n >= XLSX_PATH_MAX)
		return; /* first one wins; over-long targets are ignored */
	memcpy(dst, src, n + 1);
}

static void rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	rels_state *s = ud;
	if (strcmp(local(name), "Relationship") != 0)
		return;
	const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
	const char *mode = attr(atts, "TargetMode");
	if (!target || (mode && strcmp(mode, "External") == 0))
		return;
	if (s->want_id && id && strcmp(id, s->want_id) == 0)
		keep(s->target, target);
	if (type && ends_with(type, "/officeDocument"))
		keep(s->office, target);
	if (type && ends_with(type, "/sharedStrings"))
		keep(s->sst, target);
}

static void no_end(void *ud, const XML_Char *name)
{
	(void)ud, (void)name;
}

static void no_text(void *ud, const XML_Char *s, int len)
{
	(void)ud, (void)s, (void)len;
}

typedef struct wb_state {
	xml_common c;
	int in_sheets;
	char rid[XLSX_PATH_MAX];
} wb_state;

static void wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	wb_state *s = ud;
	const char *ln = local(name);
	if (strcmp(ln, "sheets") == 0) {
		s->in_sheets = 1;
	} else if (s->in_sheets && strcmp(ln, "sheet") == 0 && !s->rid[0]) {
		const char *id = attr(atts, "id");
		if (id)
			keep(s->rid, id);
	}
}

static void wb_end(void *ud, const XML_Char *name)
{
	wb_state *s = ud;
	if (strcmp(local(name), "sheets") == 0)
		s->in_sheets = 0;
}

/* ---- shared strings ----------------------------------------------------- */

typedef struct sst_state {
	xml_common c;
	iobuf pool;       /* all strings, each NUL-terminated */
	size_t *off;     /* start of string i in pool        */
	size_t *len;     /* its length; > limit: too long    */
	size_t n, cap;
	int in_si, in_t, rph;
	size_t cur;      /* start of the string being read   */
} sst_state;

static void sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	(void)atts;
	sst_state *s = ud;
	const char *ln = local(name);
	if (strcmp(ln, "si") == 0) {
		s->in_si = 1;
		s->in_t = 0;
		s->rph = 0;
		s->cur = s->pool.len;
	} else if (!s->in_si) {
		return;
	} else if (strcmp(ln, "rPh") == 0) {
		s->rph++;
	} else if (strcmp(ln, "t") == 0 && s->rph == 0) {
		s->in_t = 1;
	}
}

static void sst_end(void *ud, const XML_Char *name)
{
	sst_state *s = ud;
	if (!s->in_si)
		return;
	const char *ln = local(name);
	if (strcmp(ln, "t") == 0) {
		s->in_t = 0;
	} else if (strcmp(ln, "rPh") == 0) {
		if (s->rph > 0)
			s->rph--;
	} else if (strcmp(ln, "si") == 0) {
		s->in_si = 0;
		size_t n = s->pool.len - s->cur;
		int over = n > TABLE_MAX_FIELD_BYTES;
		if (!over)
			n = unescape_x(s->pool.p ? s->pool.p + s->cur : NULL, n);
		s->pool.len = s->cur + n;
		if (s->n == s->cap) {
			size_t ncap = s->cap ? s->cap * 2 : 1024;
			size_t *no = realloc(s->off, ncap * sizeof *no);
			if (no)
				s->off = no;
			size_t *nl = no ? realloc(s->len, ncap * sizeof *nl) : NULL;
			if (nl)
				s->len = nl;
			if (!no || !nl) {
				io_set_err(s->c.err, s->c.errcap, "内存不足，无法读取文件");
				xml_fail(&s->c, TABLE_ENOMEM);
				return;
			}
			s->cap = ncap;
		}
		if (xb_add(&s->pool, "", 0) != 0) {
			io_set_err(s->c.err, s->c.errcap, "内存不足，无法读取文件");
			xml_fail(&s->c, TABLE_ENOMEM);
			return;
		}
		s->pool.p[s->pool.len++] = '\0';
		s->off[s->n] = s->cur;
		s->len[s->n] = over ? (size_t)TABLE_MAX_FIELD_BYTES + 1 : n;
		s->n++;
	}
}

static void sst_text(void *ud, const XML_Char *t, int len)
{
	sst_state *s = ud;
	if (!s->in_t || s->rph > 0 || len <= 0)
		return;
	/* Keep at most one byte past the limit: enough to know it is too long. */
	size_t have = s->pool.len - s->cur;
	if (have > TABLE_MAX_FIELD_BYTES)
		return;
	size_t n = (size_t)len;
	if (have + n > (size_t)TABLE_MAX_FIELD_BYTES + 1)
		n = (size_t)TABLE_MAX_FIELD_BYTES + 1 - have;
	if (xb_add(&s->pool, t, n) != 0) {
		io_set_err(s->c.err, s->c.errcap, "内存不足，无法读取文件");
		xml_fail(&s->c, TABLE_ENOMEM);
	}
}

/* ---- the worksheet ------------------------------------------------------ */

enum cell_type { CT_NUM, CT_SST, CT_BOOL, CT_INLINE, CT_OTHER };

typedef struct sheet_state {
	xml_common c;
	const sst_state *sst;
	table_row_fn fn;
	void *ctx;
	int in_row, in_c, in_v, in_is, in_t, rph;
	long rowno, prev_row;
	int col, cursor, ctype;
	iobuf val;                         /* text of the current cell     */
	iobuf row;                         /* values of the current row    */
	size_t coloff[TABLE_MAX_FIELDS];  /* offset in row, or NO_CELL    */
	int maxset, ncols;                /* highest column set; width    */
	const char *ptrs[TABLE_MAX_FIELDS];
} sheet_state;

static void sheet_nomem(sheet_state *s)
{
	io_set_err(s->c.err, s->c.errcap, "内存不足，无法读取文件");
	xml_fail(&s->c, TABLE_ENOMEM);
}

/* Column of a cell reference ("C5" → 2), or -1 when it names none, or -2
 * when it is malformed. */
static int ref_col(const char *r)
{
	int col = 0, n = 0;
	for (; (*r >= 'A' && *r <= 'Z') || (*r >= 'a' && *r <= 'z'); r++) {
		if (++n > 3)
			return -2;
		col = col * 26 + ((*r | 0x20) - 'a' + 1);
	}
	if (n == 0)
		return -1;
	if (col > XLSX_MAX_COLS)
		return -2;
	return col - 1;
}

static void row_begin(sheet_state *s, const char **atts)
{
	const char *r = attr(atts, "r");
	long rn = 0;
	if (r) {
		char *end;
		rn = strtol(r, &end, 10);
		if (end == r || *end || rn < 1 || rn > 100000000L)
			rn = 0;
	}
	s->rowno = rn ? rn : s->prev_row + 1;
	s->prev_row = s->rowno;
	for (int i = 0; i <= s->maxset; i++)
		s->coloff[i] = NO_CELL;
	s->maxset = -1;
	s->ncols = 0;
	s->row.len = 0;
	s->cursor = 0;
	s->in_row = 1;
}

static void cell_begin(sheet_state *s, const char **atts)
{
	const char *r = attr(atts, "r"), *t = attr(atts, "t");
	int col = r ? ref_col(r) : -1;
	if (col == -2) {
		io_set_err(s->c.err, s->c.errcap, "XLSX 文件已损坏：第%ld行的单元格位置“%.16s”不合法", s->rowno, r);
		xml_fail(&s->c, TABLE_EFORMAT);
		return;
	}
	s->col = col >= 0 ? col : s->cursor;
	s->ctype = CT_NUM;
	if (t) {
		if (strcmp(t, "s") == 0)
			s->ctype = CT_SST;
		else if (strcmp(t, "b") == 0)
			s->ctype = CT_BOOL;
		else if (strcmp(t, "inlineStr") == 0)
			s->ctype = CT_INLINE;
		else if (strcmp(t, "n") != 0)
			s->ctype = CT_OTHER;
	}
	s->val.len = 0;
	s->in_c = 1;
	s->in_v = s->in_is = s->in_t = s->rph = 0;
}

static void cell_end(sheet_state *s)
{
	s->in_c = 0;
	int col = s->col;
	if (col < XLSX_MAX_COLS)
		s->cursor = col + 1;
	if (s->val.len > TABLE_MAX_FIELD_BYTES) {
		io_set_err(s->c.err, s->c.errcap, "第%ld行第%d列的内容超过 %d 字节", s->rowno, col + 1,
			TABLE_MAX_FIELD_BYTES);
		xml_fail(&s->c, TABLE_ETOOBIG);
		return;
	}
	const char *v = s->val.p ? s->val.p : "";
	size_t n = unescape_x(s->val.p, s->val.len);
	if (s->ctype == CT_SST) {
		char *end;
		unsigned long long i;
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n' || v[n - 1] == '\r'))
			n--;
		if (n == 0) {
			v = "";
		} else {
			s->val.p[n] = '\0';
			i = strtoull(v, &end, 10);
			if (*end || v[0] == '-' || !s->sst || i >= s->sst->n) {
				io_set_err(s->c.err, s->c.errcap, "XLSX 文件已损坏：第%ld行第%d列引用了不存在的共享字符串",
					s->rowno, col + 1);
				xml_fail(&s->c, TABLE_EFORMAT);
				return;
			}
			n = s->sst->len[i];
			if (n > TABLE_MAX_FIELD_BYTES) {
				io_set_err(s->c.err, s->c.errcap, "第%ld行第%d列的内容超过 %d 字节", s->rowno, col + 1,
					TABLE_MAX_FIELD_BYTES);
				xml_fail(&s->c, TABLE_ETOOBIG);
				return;
			}
			v = s->sst->pool.p + s->sst->off[i];
		}
	} else if (s->ctype == CT_BOOL && n == 1 && (v[0] == '0' || v[0] == '1')) {
		v = v[0] == '1' ? "TRUE" : "FALSE";
		n = strlen(v);
	}
	if (col >= TABLE_MAX_FIELDS) {
		if (n == 0)
			return;
		io_set_err(s->c.err, s->c.errcap, "第%ld行的列数超过 %d 列", s->rowno, TABLE_MAX_FIELDS);
		xml_fail(&s->c, TABLE_ETOOBIG);
		return;
	}
	size_t off = s->row.len;
	if (xb_add(&s->row, v, n) != 0) {
		sheet_nomem(s);
		return;
	}
	s->row.p[s->row.len++] = '\0';
	s->coloff[col] = off;
	if (col > s->maxset)
		s->maxset = col;
	if (n > 0 && col + 1 > s->ncols)
		s->ncols = col + 1;
}

static void row_end(sheet_state *s)
{
	s->in_row = 0;
	if (s->ncols == 0)
		return;
	for (int i = 0; i < s->ncols; i++)
		s->ptrs[i] = s->coloff[i] == NO_CELL ? "" : s->row.p + s->coloff[i];
	int rc = s->fn(s->ctx, s->rowno, s->ncols, s->ptrs);
	if (rc != 0)
		xml_fail(&s->c, rc);
}

static void sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	sheet_state *s = ud;
	const char *ln = local(name);
	if (s->in_c) {
		if (strcmp(ln, "v") == 0)
			s->in_v = 1;
		else if (strcmp(ln, "is") == 0)
			s->in_is = 1;
		else if (s->in_is && strcmp(ln, "rPh") == 0)
			s->rph++;
		else if (s->in_is && strcmp(ln, "t") == 0)
			s->in_t = 1;
	} else if (s->in_row) {
		if (strcmp(ln, "c") == 0)
			cell_begin(s, atts);
	} else if (strcmp(ln, "row") == 0) {
		row_begin(s, atts);
	}
}

static void sheet_end(void *ud, const XML_Char *name)
{
	sheet_state *s = ud;
	const char *ln = local(name);
	if (s->in_c) {
		if (strcmp(ln, "c") == 0)
			cell_end(s);
		else if (strcmp(ln, "v") == 0)
			s->in_v = 0;
		else if (strcmp(ln, "is") == 0)
			s->in_is = 0;
		else if (strcmp(ln, "rPh") == 0 && s->rph > 0)
			s->rph--;
		else if (strcmp(ln, "t") == 0)
			s->in_t = 0;
	} else if (s->in_row && strcmp(ln, "row") == 0) {
		row_end(s);
	}
}

static void sheet_text(void *ud, const XML_Char *t, int len)
{
	sheet_state *s = ud;
	if (!s->in_c || len <= 0)
		return;
	if (!s->in_v && !(s->in_is && s->in_t && s->rph == 0))
		return;
	if (s->val.len > TABLE_MAX_FIELD_BYTES)
		return; /* already too long; reported when the cell ends */
	size_t n = (size_t)len;
	if (s->val.len + n > (size_t)TABLE_MAX_FIELD_BYTES + 1)
		n = (size_t)TABLE_MAX_FIELD_BYTES + 1 - s->val.len;
	if (xb_add(&s->val, t, n) != 0)
		sheet_nomem(s);
	else
		s->val.p[s->val.len] = '\0';
}

/* ---- entry points ------------------------------------------------------- */

int table_is_xlsx(const char *data, size_t len)
{
	return data && len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

/* Finds the part that holds the first worksheet and the shared strings. */
static int find_parts(zip_t *z, xml_common *c, zip_int64_t *sheet, zip_int64_t *sst)
{
	char wbpath[XLSX_PATH_MAX] = "xl/workbook.xml", path[XLSX_PATH_MAX];
	rels_state rs;
	zip_int64_t idx;
	int rc;

	*sheet = *sst = -1;
	/* The package's own relationships name the workbook part. */
	memset(&rs, 0, sizeof rs);
	rs.c.err = c->err;
	rs.c.errcap = c->errcap;
	idx = locate(z, "_rels/.rels");
	if (idx >= 0 && parse_part(z, idx, "_rels/.rels", &rs.c, rels_start, no_end, no_text) == TABLE_OK &&
	    rs.office[0] && resolve("", rs.office, path, sizeof path) == 0 && locate(z, path) >= 0)
		memcpy(wbpath, path, strlen(path) + 1);

	/* Directory and relationships part of the workbook. */
	char dir[XLSX_PATH_MAX], relpath[XLSX_PATH_MAX];
	const char *slash = strrchr(wbpath, '/');
	size_t dl = slash ? (size_t)(slash - wbpath) + 1 : 0;
	memcpy(dir, wbpath, dl);
	dir[dl] = '\0';
	if (snprintf(relpath, sizeof relpath, "%s_rels/%s.rels", dir, wbpath + dl) >= (int)sizeof relpath)
		relpath[0] = '\0';

	wb_state ws;
	memset(&ws, 0, sizeof ws);
	ws.c.err = c->err;
	ws.c.errcap = c->errcap;
	idx = locate(z, wbpath);
	if (idx >= 0) {
		rc = parse_part(z, idx, wbpath, &ws.c, wb_start, wb_end, no_text);
		if (rc != TABLE_OK)
			return rc;
	}
	memset(&rs, 0, sizeof rs);
	rs.c.err = c->err;
	rs.c.errcap = c->errcap;
	rs.want_id = ws.rid[0] ? ws.rid : NULL;
	idx = relpath[0] ? locate(z, relpath) : -1;
	if (idx >= 0) {
		rc = parse_part(z, idx, relpath, &rs.c, rels_start, no_end, no_text);
		if (rc != TABLE_OK)
			return rc;
	}
	if (rs.target[0] && resolve(dir, rs.target, path, sizeof path) == 0)
		*sheet = locate(z, path);
	if (*sheet < 0)
		*sheet = locate(z, "xl/worksheets/sheet1.xml");
	if (rs.sst[0] && resolve(dir, rs.sst, path, sizeof path) == 0)
		*sst = locate(z, path);
	if (*sst < 0)
		*sst = locate(z, "xl/sharedStrings.xml");
	if (*sheet < 0) {
		io_set_err(c->err, c->errcap, "XLSX 文件中找不到工作表");
		return TABLE_EFORMAT;
	}
	return TABLE_OK;
}

int xlsx_read(const char *data, size_t len, table_row_fn fn, void *ctx, char *err, size_t errcap)
{
	if (!table_is_xlsx(data, len)) {
		if (data && len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
			io_set_err(err, errcap,
				"这是旧版 .xls 文件或设置了密码的 Excel 文件，无法读取。"
				"请在 Excel 中去掉密码并另存为 .xlsx 后再导入");
		else
			io_set_err(err, errcap, "文件不是 XLSX 格式");
		return TABLE_EFORMAT;
	}
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		io_set_err(err, errcap, "内存不足，无法读取文件");
		return TABLE_ENOMEM;
	}
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	zip_error_fini(&ze);
	if (!z) {
		zip_source_free(src);
		io_set_err(err, errcap, "XLSX 文件已损坏：无法按 ZIP 格式打开");
		return TABLE_EFORMAT;
	}

	xml_common top = {.err = err, .errcap = errcap};
	sst_state sst;
	memset(&sst, 0, sizeof sst);
	sst.c = top;
	sheet_state *sh = NULL;
	zip_int64_t sheet_idx, sst_idx;
	int rc = find_parts(z, &top, &sheet_idx, &sst_idx);
	if (rc != TABLE_OK)
		goto out;
	if (sst_idx >= 0) {
		rc = parse_part(z, sst_idx, "共享字符串表", &sst.c, sst_start, sst_end, sst_text);
		if (rc != TABLE_OK)
			goto out;
	}
	sh = calloc(1, sizeof *sh);
	if (!sh) {
		io_set_err(err, errcap, "内存不足，无法读取文件");
		rc = TABLE_ENOMEM;
		goto out;
	}
	sh->c = top;
	sh->sst = &sst;
	sh->fn = fn;
	sh->ctx = ctx;
	sh->maxset = -1;
	for (int i = 0; i < TABLE_MAX_FIELDS; i++)
		sh->coloff[i] = NO_CELL;
	rc = parse_part(z, sheet_idx, "工作表", &sh->c, sheet_start, sheet_end, sheet_text);
out:
	if (sh) {
		free(sh->val.p);
		free(sh->row.p);
		free(sh);
	}
	free(sst.pool.p);
	free(sst.off);
	free(sst.len);
	zip_discard(z);
	return rc;
}
