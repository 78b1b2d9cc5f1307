// SPDX-License-Identifier: GPL-2.0
/*
 * The "limit" loops the Xen event scans are measured against: the least
 * work that delivers each event once, with no fairness, no budget, no
 * per-vCPU binding and no checks.  Kept in their own file so the compiler
 * cannot inline the handler into them any more than into the real scans.
 */
#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/atomic.h>
#include <asm/sync_bitops.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

#include "evtchn_scan.h"

void xen_limit_2l_scan(struct shared_info *s, struct vcpu_info *vi,
		       pvhvm_evtchn_handler_t fn, void *ctx);
void xen_limit_fifo_scan(struct evtchn_fifo_control_block *cb,
			 event_word_t **pages, pvhvm_evtchn_handler_t fn,
			 void *ctx);

/* 2-level: xchg the selector, walk pending & ~mask, one atomic clear each. */
noinline void xen_limit_2l_scan(struct shared_info *s, struct vcpu_info *vi,
				pvhvm_evtchn_handler_t fn, void *ctx)
{
	xen_ulong_t sel = xchg(&vi->evtchn_pending_sel, 0);

	while (sel) {
		unsigned int w = __ffs(sel);
		xen_ulong_t bits;

		sel &= sel - 1;
		bits = READ_ONCE(s->evtchn_pending[w]) &
		       ~READ_ONCE(s->evtchn_mask[w]);
		while (bits) {
			evtchn_port_t port = w * PVHVM_2L_WORD_BITS + __ffs(bits);

			bits &= bits - 1;
			sync_clear_bit(port, s->evtchn_pending);
			fn(ctx, port);
		}
	}
}

#define FIFO_TAKE	(BIT(EVTCHN_FIFO_PENDING) | BIT(EVTCHN_FIFO_LINKED) | \
			 EVTCHN_FIFO_LINK_MASK)

/*
 * FIFO: xchg READY, follow one queue's links from HEAD, one cmpxchg per
 * event that unlinks it and clears PENDING.
 */
noinline void xen_limit_fifo_scan(struct evtchn_fifo_control_block *cb,
				  event_word_t **pages,
				  pvhvm_evtchn_handler_t fn, void *ctx)
{
	u32 ready = xchg(&cb->ready, 0);

	while (ready) {
		unsigned int q = __ffs(ready);
		evtchn_port_t port = READ_ONCE(cb->head[q]);

		ready &= ready - 1;
		while (port) {
			event_word_t *word = pages[port / 1024] + port % 1024;
			event_word_t w = READ_ONCE(*word), old;

			while ((old = sync_cmpxchg(word, w, w & ~FIFO_TAKE)) != w)
				w = old;
			if (w & (1U << EVTCHN_FIFO_PENDING))
				fn(ctx, port);
			port = w & EVTCHN_FIFO_LINK_MASK;
		}
	}
}
