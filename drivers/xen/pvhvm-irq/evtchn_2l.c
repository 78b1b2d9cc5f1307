// SPDX-License-Identifier: GPL-2.0
/*
 * The 2-level event channel ABI.
 *
 * shared_info holds two bitmaps over the 4096 ports, evtchn_pending and
 * evtchn_mask, common to all vCPUs.  To raise an event the host sets its
 * pending bit and, if the port is not masked, the bit of the port's word
 * (port / 64) in evtchn_pending_sel of the vcpu_info of the vCPU the port
 * is bound to, then evtchn_upcall_pending, then raises the upcall.  So a
 * word's pending bits may belong to several vCPUs: each vCPU also keeps a
 * private bitmap of the ports bound to it, and only takes those.
 *
 * A pass swaps the selector for 0 once, then visits the flagged words in
 * circular order starting at the word of the port after the last one
 * taken; each word is read once (pending & ~mask & bound) and its ports
 * are taken lowest first, with one atomic test-and-clear each.  The ports
 * of the first word that lie before the resume point come last, so the
 * order over ports is strictly circular: a port raised again as soon as it
 * is taken waits for every other pending port.
 */
#include <linux/types.h>
#include <linux/bits.h>
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/atomic.h>
#include <asm/sync_bitops.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

#include "evtchn_scan.h"

#define WORD_BITS	PVHVM_2L_WORD_BITS

static xen_ulong_t *evtchn_2l_pending(struct pvhvm_evtchn *ec)
{
	return ec->l2.si->evtchn_pending;
}

static xen_ulong_t *evtchn_2l_mask_bm(struct pvhvm_evtchn *ec)
{
	return ec->l2.si->evtchn_mask;
}

static int evtchn_2l_setup(struct pvhvm_evtchn *ec, evtchn_port_t port)
{
	/* Port 0 is reserved by Xen. */
	return port && port < EVTCHN_2L_NR_CHANNELS ? 0 : -EINVAL;
}

static int evtchn_2l_bind_to_cpu(struct pvhvm_evtchn *ec, evtchn_port_t port,
				 unsigned int cpu, unsigned int old_cpu)
{
	if (port >= EVTCHN_2L_NR_CHANNELS || cpu >= ec->nr_cpus ||
	    (old_cpu != PVHVM_EVTCHN_NO_CPU && old_cpu >= ec->nr_cpus))
		return -EINVAL;
	if (old_cpu != PVHVM_EVTCHN_NO_CPU)
		clear_bit(port, ec->cpus[old_cpu].l2.bound);
	set_bit(port, ec->cpus[cpu].l2.bound);
	return 0;
}

static int evtchn_2l_remove(struct pvhvm_evtchn *ec, evtchn_port_t port,
			    unsigned int cpu)
{
	if (port >= EVTCHN_2L_NR_CHANNELS || cpu >= ec->nr_cpus)
		return -EINVAL;
	clear_bit(port, ec->cpus[cpu].l2.bound);
	return 0;
}

static void evtchn_2l_mask(struct pvhvm_evtchn *ec, evtchn_port_t port)
{
	if (port < EVTCHN_2L_NR_CHANNELS)
		sync_set_bit(port, evtchn_2l_mask_bm(ec));
}

/*
 * EVTCHNOP_unmask only re-raises an event whose mask bit it clears, so a
 * pending port is masked again before the caller asks for it.
 */
static bool evtchn_2l_unmask(struct pvhvm_evtchn *ec, evtchn_port_t port)
{
	if (port >= EVTCHN_2L_NR_CHANNELS)
		return false;
	sync_clear_bit(port, evtchn_2l_mask_bm(ec));
	if (!sync_test_bit(port, evtchn_2l_pending(ec)))
		return false;
	sync_set_bit(port, evtchn_2l_mask_bm(ec));
	return true;
}

static bool evtchn_2l_is_masked(struct pvhvm_evtchn *ec, evtchn_port_t port)
{
	return port < EVTCHN_2L_NR_CHANNELS &&
	       sync_test_bit(port, evtchn_2l_mask_bm(ec));
}

static void evtchn_2l_clear_pending(struct pvhvm_evtchn *ec,
				    evtchn_port_t port)
{
	if (port < EVTCHN_2L_NR_CHANNELS)
		sync_clear_bit(port, evtchn_2l_pending(ec));
}

static bool evtchn_2l_is_pending(struct pvhvm_evtchn *ec, evtchn_port_t port)
{
	return port < EVTCHN_2L_NR_CHANNELS &&
	       sync_test_bit(port, evtchn_2l_pending(ec));
}

static __always_inline xen_ulong_t evtchn_2l_ror(xen_ulong_t x, unsigned int n)
{
	return x >> n | x << (-n & (WORD_BITS - 1));
}

/* Word @w's ports that are pending, unmasked and bound to this vCPU. */
static __always_inline xen_ulong_t
evtchn_2l_active(const xen_ulong_t *pending, const xen_ulong_t *mask,
		 const unsigned long *bound, unsigned int w)
{
	return READ_ONCE(pending[w]) & ~READ_ONCE(mask[w]) & READ_ONCE(bound[w]);
}

/*
 * One pass visits the flagged words in circular order from the resume
 * word w0: w0's ports from the resume point up, the other words, then
 * w0's ports below the resume point, read afresh.  Each port is looked at
 * once per pass.  After a budget stop the next call resumes at the first
 * port not looked at, which is what makes the order fair.
 * Events raised meanwhile flag their word again and set upcall_pending,
 * so another pass follows while budget is left; a pass that takes nothing
 * costs a unit of budget, which bounds the work even if the host keeps
 * flagging words with nothing in them.
 */
static unsigned int evtchn_2l_handle_events(struct pvhvm_evtchn_cpu *c,
					    unsigned int budget,
					    pvhvm_evtchn_handler_t fn,
					    void *ctx)
{
	struct shared_info *s = c->ec->l2.si;
	struct vcpu_info *vi = c->l2.vi;
	const unsigned long *bound = c->l2.bound;
	xen_ulong_t *pending = s->evtchn_pending;
	const xen_ulong_t *mask = s->evtchn_mask;
	unsigned int next = c->l2.next, left = budget, pass_left, extra = 0;
	unsigned int w0, k, base = 0;
	xen_ulong_t rest, bits = 0, low, low_mask, reflag;

	c->more = false;
	if (unlikely(!budget)) {
		c->more = READ_ONCE(vi->evtchn_upcall_pending);
		return 0;
	}
	for (;;) {
		pass_left = left;
		WRITE_ONCE(vi->evtchn_upcall_pending, 0);
		w0 = next / WORD_BITS % WORD_BITS;
		low_mask = BIT(next % WORD_BITS) - 1;
		/* Bit k of rest: word (w0 + k) % 64 is flagged. */
		rest = evtchn_2l_ror(xchg(&vi->evtchn_pending_sel, 0), w0);
		low = 0;
		bits = 0;
		/* One loop over events; the inner one moves to the next word. */
		for (;;) {
			evtchn_port_t port;

			while (!bits) {
				if (rest) {
					k = __ffs(rest);
					rest &= rest - 1;
					base = (w0 + k) % WORD_BITS * WORD_BITS;
					bits = evtchn_2l_active(pending, mask,
								bound,
								base / WORD_BITS);
					if (unlikely(!k)) {
						low = bits & low_mask;
						bits ^= low;
					}
				} else if (unlikely(low)) {
					low = 0;
					base = w0 * WORD_BITS;
					bits = evtchn_2l_active(pending, mask,
								bound, w0) &
					       low_mask;
				} else {
					goto pass_done;
				}
			}
			port = base + __ffs(bits);
			bits &= bits - 1;
			/* Cleared by clear_pending, or a move. */
			if (unlikely(!sync_test_and_clear_bit(port, pending)))
				continue;
			fn(ctx, port);
			if (unlikely(!--left))
				goto out_of_budget;
		}
pass_done:
		/*
		 * Everything flagged was taken, so no port waits: the next
		 * pass may start on a word boundary, and then needs no
		 * second look at its first word.
		 */
		next = base + WORD_BITS;
		if (!READ_ONCE(vi->evtchn_upcall_pending))
			goto out;
		/* A pass that took nothing still costs a unit of budget. */
		if (left == pass_left) {
			extra++;
			if (!--left)
				goto out_of_budget;
		}
	}

out_of_budget:
	/* Resume at the first port this pass did not look at. */
	next = bits ? base + __ffs(bits) : base + WORD_BITS;
	/* Flag again what this pass did not reach, for the next one. */
	reflag = evtchn_2l_ror(rest, (WORD_BITS - w0) % WORD_BITS);
	if (bits)
		reflag |= BIT(base / WORD_BITS);
	if (low)
		reflag |= BIT(w0);
	while (reflag) {
		sync_set_bit(__ffs(reflag), &vi->evtchn_pending_sel);
		reflag &= reflag - 1;
	}
	if (READ_ONCE(vi->evtchn_pending_sel)) {
		WRITE_ONCE(vi->evtchn_upcall_pending, 1);
		c->more = true;
	} else {
		c->more = READ_ONCE(vi->evtchn_upcall_pending);
	}
	c->budget_stops += c->more;
out:
	c->l2.next = next % EVTCHN_2L_NR_CHANNELS;
	c->handled += budget - left - extra;
	return budget - left - extra;
}

static const struct pvhvm_evtchn_ops evtchn_2l_ops = {
	.name		= "2-level",
	.setup		= evtchn_2l_setup,
	.bind_to_cpu	= evtchn_2l_bind_to_cpu,
	.remove		= evtchn_2l_remove,
	.mask		= evtchn_2l_mask,
	.unmask		= evtchn_2l_unmask,
	.is_masked	= evtchn_2l_is_masked,
	.clear_pending	= evtchn_2l_clear_pending,
	.is_pending	= evtchn_2l_is_pending,
	.handle_events	= evtchn_2l_handle_events,
};

/**
 * pvhvm_evtchn_2l_init() - use the 2-level ABI
 * @ec: filled in
 * @si: the shared_info page
 * @cpus: @nr_cpus per-vCPU states; each needs pvhvm_evtchn_2l_cpu_init()
 * @nr_cpus: vCPUs, at least 1
 *
 * Return: 0, or -EINVAL if @nr_cpus is 0.
 */
int pvhvm_evtchn_2l_init(struct pvhvm_evtchn *ec, struct shared_info *si,
			 struct pvhvm_evtchn_cpu *cpus, unsigned int nr_cpus)
{
	/* The sync bitops work on unsigned longs. */
	BUILD_BUG_ON(sizeof(xen_ulong_t) != sizeof(unsigned long));
	BUILD_BUG_ON(PVHVM_2L_NR_WORDS != WORD_BITS);

	if (!nr_cpus)
		return -EINVAL;
	memset(ec, 0, sizeof(*ec));
	memset(cpus, 0, nr_cpus * sizeof(*cpus));
	ec->ops = &evtchn_2l_ops;
	ec->cpus = cpus;
	ec->nr_cpus = nr_cpus;
	ec->nr_ports = EVTCHN_2L_NR_CHANNELS;
	ec->l2.si = si;
	return 0;
}

/**
 * pvhvm_evtchn_2l_cpu_init() - set up one vCPU for the 2-level ABI
 * @ec: from pvhvm_evtchn_2l_init()
 * @cpu: the vCPU
 * @vi: its vcpu_info, in shared_info or where VCPUOP_register_vcpu_info
 *	placed it
 * @bound: bitmap of %EVTCHN_2L_NR_CHANNELS bits, cleared here
 *
 * Return: 0, or -EINVAL if @cpu is out of range.
 */
int pvhvm_evtchn_2l_cpu_init(struct pvhvm_evtchn *ec, unsigned int cpu,
			     struct vcpu_info *vi, unsigned long *bound)
{
	struct pvhvm_evtchn_cpu *c;

	if (cpu >= ec->nr_cpus)
		return -EINVAL;
	c = &ec->cpus[cpu];
	memset(c, 0, sizeof(*c));
	memset(bound, 0, BITS_TO_LONGS(EVTCHN_2L_NR_CHANNELS) *
	       sizeof(unsigned long));
	c->ec = ec;
	c->cpu = cpu;
	c->l2.vi = vi;
	c->l2.bound = bound;
	return 0;
}
