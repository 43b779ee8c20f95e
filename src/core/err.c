/* err.c — codes and Chinese titles for jn_err, and the field-error list. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *code;
	const char *title;
} TABLE[] = {
	[JN_OK] = {"ok", "成功"},
	[JN_EINVAL] = {"invalid_input", "输入有误"},
	[JN_ENOTFOUND] = {"not_found", "未找到"},
	[JN_ECONFLICT] = {"conflict", "数据冲突"},
	[JN_EAUTH] = {"unauthorized", "未登录或登录已失效"},
	[JN_EFORBIDDEN] = {"forbidden", "无权进行此操作"},
	[JN_ETOOMANY] = {"too_many_attempts", "尝试次数过多，请稍后再试"},
	[JN_ETOOLARGE] = {"too_large", "内容超过大小限制"},
	[JN_EBUSY] = {"busy", "数据正被其他操作（如批量导入）占用，请稍后再试"},
	[JN_ENOMEM] = {"out_of_memory", "服务器内存不足"},
	[JN_EDB] = {"storage_error", "数据存储出错"},
	[JN_EIO] = {"io_error", "读写出错"},
	[JN_EINTERNAL] = {"internal_error", "服务器内部错误"},
};

const char *jn_err_code(jn_err e)
{
	if ((size_t)e >= sizeof TABLE / sizeof TABLE[0])
		e = JN_EINTERNAL;
	return TABLE[e].code;
}

const char *jn_err_title_zh(jn_err e)
{
	if ((size_t)e >= sizeof TABLE / sizeof TABLE[0])
		e = JN_EINTERNAL;
	return TABLE[e].title;
}

static void copy_trunc(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void jn_fields_add(jn_fields *f, const char *field, const char *code, const char *fmt, ...)
{
	if (f->count < JN_FIELDS_MAX) {
		jn_field_error *e = &f->e[f->count];
		copy_trunc(e->field, sizeof e->field, field);
		copy_trunc(e->code, sizeof e->code, code);
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->message, sizeof e->message, fmt, ap);
		va_end(ap);
	}
	f->count++;
}
