// SPDX-License-Identifier: GPL-2.0
/*
 * The scan of a PVI page's pending bitmap.
 *
 * The host ORs GSI bits into the words at any time, so each word is taken
 * whole with an exchange, never cleared with a plain store.  A scan
 * resumes at the word where the previous one stopped, so a GSI with a
 * high number is not starved by busy low ones.
 */
#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/atomic.h>

#include "pvi_scan.h"

/**
 * pvi_scan_pending() - take and deliver the pending GSIs
 * @pending: the bitmap the host writes, @words 64-bit words
 * @words: words in use, at least 1
 * @next: in, the word to start at; out, where the next scan starts
 * @budget: most words to look at in this scan, at least 1
 * @fn: called with each GSI taken
 * @ctx: passed to @fn
 *
 * Return: true if the budget ran out before every word was looked at:
 * the caller owes another scan.
 */
bool pvi_scan_pending(u64 *pending, unsigned int words, unsigned int *next,
		      unsigned int budget, pvi_scan_fn_t fn, void *ctx)
{
	unsigned int i, w = *next % words;
	u64 bits;

	for (i = 0; i < words; i++, w = w + 1 == words ? 0 : w + 1) {
		if (i == budget) {
			*next = w;
			return true;
		}
		if (!READ_ONCE(pending[w]))
			continue;
		bits = xchg(&pending[w], 0);
		while (bits) {
			fn(ctx, w * 64 + __ffs64(bits));
			bits &= bits - 1;
		}
	}
	*next = w;
	return false;
}
