/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP producer for pvirq's userspace tests.  Every binary prints
 * "ok N - what" / "not ok N - what" lines; make check counts them.
 */
#ifndef _PVIRQ_TAP_H
#define _PVIRQ_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

static inline __attribute__((format(printf, 2, 3)))
int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed++;
	return cond;
}

static inline __attribute__((format(printf, 1, 2)))
void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/*
 * Returns 0: a binary that gets here ran to completion, whatever its
 * results; make check counts the "not ok" lines, and treats any other exit
 * status (a crash, a sanitizer report) as a failure of its own.
 */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_failed)
		printf("# %d of %d failed\n", tap_failed, tap_n);
	return 0;
}

#endif
