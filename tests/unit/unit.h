/* unit.h — a tiny test harness: CHECK records a failure and goes on;
 * main() is written by each test file and ends with UNIT_END(). */
#ifndef JN_UNIT_H
#define JN_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_pass, unit_fail;

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (cond) {                                                              \
			unit_pass++;                                                     \
		} else {                                                                 \
			unit_fail++;                                                     \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                        \
	} while (0)

#define CHECK_STR(a, b)                                                                  \
	do {                                                                             \
		const char *a_ = (a), *b_ = (b);                                         \
		if (a_ && b_ && strcmp(a_, b_) == 0) {                                   \
			unit_pass++;                                                     \
		} else {                                                                 \
			unit_fail++;                                                     \
			fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__,    \
				a_ ? a_ : "(null)", b_ ? b_ : "(null)");                 \
		}                                                                        \
	} while (0)

#define UNIT_END()                                                                       \
	do {                                                                             \
		printf("%s: %d passed, %d failed\n", __FILE__, unit_pass, unit_fail);    \
		return unit_fail ? 1 : 0;                                                \
	} while (0)

#endif
