/* mask.h — what list views show of ID numbers, phones and names. */
#ifndef JN_MASK_H
#define JN_MASK_H

#include <stddef.h>

/* "530402199001011238" -> "530402********1238" (first 6, last 4). */
void mask_id(const char *id, char *out, size_t cap);
/* "13812345678" -> "138****5678"; landline "0877-2012345" -> "0877-***2345". */
void mask_phone(const char *phone, char *out, size_t cap);
/* "张三" -> "张*", "张三丰" -> "张*丰", "欧阳娜娜" -> "欧**娜" (UTF-8 aware). */
void mask_name(const char *name, char *out, size_t cap);

#endif
