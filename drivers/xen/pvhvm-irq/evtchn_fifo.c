// SPDX-License-Identifier: GPL-2.0
/*
 * The FIFO event channel ABI.
 *
 * Each port has a 32-bit event word in an event array the guest gives the
 * host page by page: PENDING, MASKED, LINKED, BUSY and a 17-bit LINK to
 * the next port of its queue.  Each vCPU has a control block with one
 * queue per priority (0 highest, 15 lowest): the host appends a raised,
 * unmasked event to the tail of its vCPU's queue for its priority, writes
 * HEAD itself only when that queue was empty, and then sets the priority's
 * READY bit and raises the upcall.  The host keeps the tails; the guest
 * keeps its own copy of each queue's head and walks the links, unlinking
 * each event as it takes it.  While the host links a tail it holds BUSY on
 * that word, and the guest then must not unmask it.
 *
 * Everything read from the shared memory is checked before use: a link or
 * head that names no port of the event array ends that queue and is
 * counted in bad_ports.
 */
#include <linux/types.h>
#include <linux/bits.h>
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/atomic.h>
#include <asm/barrier.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

#include "evtchn_scan.h"

#define EV_PENDING	BIT(EVTCHN_FIFO_PENDING)
#define EV_MASKED	BIT(EVTCHN_FIFO_MASKED)
#define EV_LINKED	BIT(EVTCHN_FIFO_LINKED)
#define EV_BUSY		BIT(EVTCHN_FIFO_BUSY)
#define EV_LINK_MASK	((event_word_t)EVTCHN_FIFO_LINK_MASK)
#define QUEUES_MASK	((1U << EVTCHN_FIFO_MAX_QUEUES) - 1)

/* Tries before unmask leaves a word the host keeps BUSY to the host. */
#define UNMASK_BUSY_TRIES	1024

static event_word_t *evtchn_fifo_word(const struct pvhvm_evtchn *ec,
				      evtchn_port_t port)
{
	/* Pairs with pvhvm_evtchn_fifo_add_page(): the page is there. */
	if (port >= smp_load_acquire(&ec->nr_ports))
		return NULL;
	return ec->fifo.pages[port / PVHVM_FIFO_WORDS_PER_PAGE] +
	       port % PVHVM_FIFO_WORDS_PER_PAGE;
}

/* Atomically set @set and clear @clear in *@word; returns the old word. */
static event_word_t evtchn_fifo_update(event_word_t *word, event_word_t set,
				       event_word_t clear)
{
	event_word_t old, w = READ_ONCE(*word);

	for (;;) {
		old = sync_cmpxchg(word, w, (w | set) & ~clear);
		if (old == w)
			return old;
		w = old;
	}
}

static int evtchn_fifo_setup(struct pvhvm_evtchn *ec, evtchn_port_t port)
{
	/* Port 0 is reserved by Xen. */
	if (!port || port >= EVTCHN_FIFO_NR_CHANNELS)
		return -EINVAL;
	return port < READ_ONCE(ec->nr_ports) ? 0 : -ENOSPC;
}

/* The host moves events between queues itself: nothing to record. */
static int evtchn_fifo_bind_to_cpu(struct pvhvm_evtchn *ec,
				   evtchn_port_t port, unsigned int cpu,
				   unsigned int old_cpu)
{
	if (port >= EVTCHN_FIFO_NR_CHANNELS || cpu >= ec->nr_cpus)
		return -EINVAL;
	return 0;
}

/*
 * A closed port still on a queue would be taken, or its stale link
 * followed, after it is reused: the caller must wait until a pass on the
 * vCPU it was bound to has unlinked it.
 */
static int evtchn_fifo_remove(struct pvhvm_evtchn *ec, evtchn_port_t port,
			      unsigned int cpu)
{
	event_word_t *word = evtchn_fifo_word(ec, port);

	if (!word || cpu >= ec->nr_cpus)
		return -EINVAL;
	return READ_ONCE(*word) & EV_LINKED ? -EBUSY : 0;
}

static void evtchn_fifo_mask(struct pvhvm_evtchn *ec, evtchn_port_t port)
{
	event_word_t *word = evtchn_fifo_word(ec, port);

	if (word)
		evtchn_fifo_update(word, EV_MASKED, 0);
}

/*
 * Clear MASKED unless the event is pending: then only EVTCHNOP_unmask can
 * link it.  The cmpxchg expects BUSY clear, so it waits while the host is
 * linking this word; a host that holds BUSY too long gets the hypercall.
 */
static bool evtchn_fifo_unmask(struct pvhvm_evtchn *ec, evtchn_port_t port)
{
	event_word_t *word = evtchn_fifo_word(ec, port);
	event_word_t w, old, expect;
	unsigned int tries;

	if (!word)
		return false;
	w = READ_ONCE(*word);
	for (tries = 0; tries < UNMASK_BUSY_TRIES; tries++) {
		if (!(w & EV_MASKED))
			return false;
		if (w & EV_PENDING)
			return true;
		expect = w & ~EV_BUSY;
		old = sync_cmpxchg(word, expect, expect & ~EV_MASKED);
		if (old == expect)
			return false;
		w = old;
	}
	return true;
}

static bool evtchn_fifo_is_masked(struct pvhvm_evtchn *ec, evtchn_port_t port)
{
	event_word_t *word = evtchn_fifo_word(ec, port);

	return word && (READ_ONCE(*word) & EV_MASKED);
}

static void evtchn_fifo_clear_pending(struct pvhvm_evtchn *ec,
				      evtchn_port_t port)
{
	event_word_t *word = evtchn_fifo_word(ec, port);

	if (word)
		evtchn_fifo_update(word, 0, EV_PENDING);
}

static bool evtchn_fifo_is_pending(struct pvhvm_evtchn *ec,
				   evtchn_port_t port)
{
	event_word_t *word = evtchn_fifo_word(ec, port);

	return word && (READ_ONCE(*word) & EV_PENDING);
}

/*
 * Walk queue @q from its head, looking at up to @n events, and stop early
 * when a queue of higher priority becomes ready.  Each event is unlinked
 * and, if pending and not masked, has PENDING cleared in the same cmpxchg
 * and goes to @fn; a masked event is only unlinked and stays pending for
 * EVTCHNOP_unmask to link again.  @nr_ports bounds every port read from
 * the shared memory.  Returns the events looked at, at least 1, so that a
 * host that keeps a bad head ready still runs the budget down.
 */
static __always_inline unsigned int
evtchn_fifo_drain(struct pvhvm_evtchn_cpu *c, unsigned int q, u32 *ready,
		  unsigned int n, u32 nr_ports, unsigned int *handled,
		  pvhvm_evtchn_handler_t fn, void *ctx)
{
	struct evtchn_fifo_control_block *cb = c->fifo.cb;
	event_word_t **pages = c->ec->fifo.pages;
	evtchn_port_t port = c->fifo.head[q];
	u32 higher = BIT(q) - 1;
	unsigned int seen = 0;
	event_word_t *word, w, old, new;

	/* Reached the tail last time: the host wrote a new head. */
	if (!port)
		port = READ_ONCE(cb->head[q]);
	while (seen < n) {
		seen++;
		if (unlikely(!port || port >= nr_ports)) {
			if (port)
				c->bad_ports++;
			port = 0;
			break;
		}
		word = pages[port / PVHVM_FIFO_WORDS_PER_PAGE] +
		       port % PVHVM_FIFO_WORDS_PER_PAGE;
		w = READ_ONCE(*word);
		for (;;) {
			new = w & ~(EV_LINKED | EV_LINK_MASK);
			if ((w & (EV_PENDING | EV_MASKED)) == EV_PENDING)
				new &= ~EV_PENDING;
			old = sync_cmpxchg(word, w, new);
			if (old == w)
				break;
			w = old;
		}
		if ((w & (EV_PENDING | EV_MASKED)) == EV_PENDING) {
			fn(ctx, port);
			(*handled)++;
		}
		port = w & EV_LINK_MASK;
		if (!port || (READ_ONCE(cb->ready) & higher))
			break;
	}

	c->fifo.head[q] = port;
	if (!port)
		*ready &= ~BIT(q);
	return seen;
}

/* Give back READY bits this pass did not finish, for the next one. */
static void evtchn_fifo_reflag(struct evtchn_fifo_control_block *cb, u32 bits)
{
	u32 old, w = READ_ONCE(cb->ready);

	for (;;) {
		old = sync_cmpxchg(&cb->ready, w, w | bits);
		if (old == w)
			return;
		w = old;
	}
}

/*
 * The budget counts events looked at, taken or not, so a pass is bounded
 * even on a queue of masked events or a looping chain of links.
 *
 * Priority is strict until a pass runs out of budget.  Then the queues it
 * left ready without taking from them become the starved set, and later
 * passes first take one event from each, highest priority first, until
 * the set is empty; only then is a new set formed.  So every ready queue
 * is served within a bounded number of passes, whatever the others do.
 */
static unsigned int evtchn_fifo_handle_events(struct pvhvm_evtchn_cpu *c,
					      unsigned int budget,
					      pvhvm_evtchn_handler_t fn,
					      void *ctx)
{
	struct evtchn_fifo_control_block *cb = c->fifo.cb;
	unsigned int left = budget, handled = 0, q, n;
	u32 ready, starved, served = 0, nr_ports;

	c->more = false;
	/* Pairs with pvhvm_evtchn_fifo_add_page(): pages before ports. */
	nr_ports = smp_load_acquire(&c->ec->nr_ports);
	ready = xchg(&cb->ready, 0) & QUEUES_MASK;
	starved = c->fifo.starved & ready;
	while (ready) {
		if (unlikely(!left))
			goto out_of_budget;
		if (unlikely(starved)) {
			q = __ffs(starved);
			starved &= starved - 1;
			n = 1;
		} else {
			q = __ffs(ready);
			n = left;
		}
		served |= BIT(q);
		left -= evtchn_fifo_drain(c, q, &ready, n, nr_ports, &handled,
					  fn, ctx);
		/* New events, maybe of a higher priority. */
		if (READ_ONCE(cb->ready))
			ready |= xchg(&cb->ready, 0) & QUEUES_MASK;
	}
	c->fifo.starved = 0;
	goto out;

out_of_budget:
	c->fifo.starved = starved ? starved : ready & ~served;
	evtchn_fifo_reflag(cb, ready);
	c->more = true;
	c->budget_stops++;
out:
	c->handled += handled;
	return handled;
}

static const struct pvhvm_evtchn_ops evtchn_fifo_ops = {
	.name		= "FIFO",
	.setup		= evtchn_fifo_setup,
	.bind_to_cpu	= evtchn_fifo_bind_to_cpu,
	.remove		= evtchn_fifo_remove,
	.mask		= evtchn_fifo_mask,
	.unmask		= evtchn_fifo_unmask,
	.is_masked	= evtchn_fifo_is_masked,
	.clear_pending	= evtchn_fifo_clear_pending,
	.is_pending	= evtchn_fifo_is_pending,
	.handle_events	= evtchn_fifo_handle_events,
};

/**
 * pvhvm_evtchn_fifo_init() - use the FIFO ABI
 * @ec: filled in
 * @pages: array of %PVHVM_FIFO_MAX_PAGES page pointers, owned by the
 *	caller and filled by pvhvm_evtchn_fifo_add_page()
 * @cpus: @nr_cpus per-vCPU states; each needs pvhvm_evtchn_fifo_cpu_init()
 * @nr_cpus: vCPUs, at least 1
 *
 * No port is usable until the first event page is added.
 *
 * Return: 0, or -EINVAL if @nr_cpus is 0.
 */
int pvhvm_evtchn_fifo_init(struct pvhvm_evtchn *ec, event_word_t **pages,
			   struct pvhvm_evtchn_cpu *cpus, unsigned int nr_cpus)
{
	if (!nr_cpus)
		return -EINVAL;
	memset(ec, 0, sizeof(*ec));
	memset(cpus, 0, nr_cpus * sizeof(*cpus));
	ec->ops = &evtchn_fifo_ops;
	ec->cpus = cpus;
	ec->nr_cpus = nr_cpus;
	ec->fifo.pages = pages;
	return 0;
}

/**
 * pvhvm_evtchn_fifo_cpu_init() - set up one vCPU for the FIFO ABI
 * @ec: from pvhvm_evtchn_fifo_init()
 * @cpu: the vCPU
 * @cb: its control block, as registered with EVTCHNOP_init_control
 *
 * Return: 0, or -EINVAL if @cpu is out of range.
 */
int pvhvm_evtchn_fifo_cpu_init(struct pvhvm_evtchn *ec, unsigned int cpu,
			       struct evtchn_fifo_control_block *cb)
{
	struct pvhvm_evtchn_cpu *c;

	if (cpu >= ec->nr_cpus)
		return -EINVAL;
	c = &ec->cpus[cpu];
	memset(c, 0, sizeof(*c));
	c->ec = ec;
	c->cpu = cpu;
	c->fifo.cb = cb;
	return 0;
}

/**
 * pvhvm_evtchn_fifo_add_page() - extend the event array by one page
 * @ec: from pvhvm_evtchn_fifo_init()
 * @page: a zeroed 4 KiB page the host accepted with EVTCHNOP_expand_array
 *	(or EVTCHNOP_init_control for the first one)
 *
 * Serialized by the caller with binds; scans may run meanwhile.
 *
 * Return: 0, or -ENOSPC if the array already covers every port.
 */
int pvhvm_evtchn_fifo_add_page(struct pvhvm_evtchn *ec, event_word_t *page)
{
	unsigned int n = ec->fifo.nr_pages;

	if (n >= PVHVM_FIFO_MAX_PAGES)
		return -ENOSPC;
	ec->fifo.pages[n] = page;
	ec->fifo.nr_pages = n + 1;
	/* Pairs with evtchn_fifo_word(): the page before the ports. */
	smp_store_release(&ec->nr_ports, (n + 1) * PVHVM_FIFO_WORDS_PER_PAGE);
	return 0;
}
