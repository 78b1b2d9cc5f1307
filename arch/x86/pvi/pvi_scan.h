/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scan of a PVI page's pending bitmap: pure logic, built into pvi.ko
 * and into the userspace tests and benchmarks.
 */
#ifndef _PVI_SCAN_H
#define _PVI_SCAN_H

#include <linux/types.h>

typedef void (*pvi_scan_fn_t)(void *ctx, u32 gsi);

bool pvi_scan_pending(u64 *pending, unsigned int words, unsigned int *next,
		      unsigned int budget, pvi_scan_fn_t fn, void *ctx);

#endif /* _PVI_SCAN_H */
