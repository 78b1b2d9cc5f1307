/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event channel dispatch: one small interface over Xen's two event channel
 * ABIs, implemented by evtchn_2l.c and evtchn_fifo.c.  Pure logic on memory
 * the caller provides (shared_info, vcpu_info, FIFO control blocks and event
 * pages), also built in user space by tools/testing/pvirq/unit.
 *
 * The host marks an event pending with atomic operations on that shared
 * memory, at any time, and raises the upcall on the vCPU the port is bound
 * to.  The upcall calls ->handle_events() on that vCPU, which takes each
 * pending, unmasked event bound to it (atomically clearing its pending bit,
 * so an event raised again meanwhile is neither lost nor taken twice) and
 * calls the handler with the port.  Since the pending bit is already
 * clear when the handler runs, the irq_chip's ack has nothing to clear; a
 * level pirq's EOI is only PHYSDEVOP_eoi.
 *
 * Each call does at most @budget events.  What it leaves is flagged again
 * in the shared memory and ->more is set: the glue must arrange another
 * pass (e.g. re-raise the upcall vector on this CPU).  Work resumes where
 * it stopped, so no port starves whatever the pending pattern:
 *
 * - 2-level: ports are taken in circular order from the one after the
 *   last taken, so a port raised again at once waits for every other
 *   pending port before it runs again.
 * - FIFO: queues are in arrival order.  Between queues priority is strict,
 *   except that when a pass runs out of budget, the queues it left ready
 *   without serving them each get one event first in the next passes.
 *
 * The driver never asks which ABI is in use: it picks one at init (FIFO if
 * EVTCHNOP_init_control succeeds, else 2-level) and calls through ->ops.
 *
 * Kernel glue, roughly:
 *
 *	upcall on CPU c, irqs off:
 *		ec.ops->handle_events(&pcpu[c], PVHVM_EVTCHN_BUDGET, fn, ctx);
 *		if (pcpu[c].more)
 *			re-raise the upcall vector on c;
 *	bind:     ret = ops->setup(ec, port);   (FIFO -ENOSPC: expand_array,
 *						 pvhvm_evtchn_fifo_add_page())
 *		  ops->bind_to_cpu(ec, port, cpu, PVHVM_EVTCHN_NO_CPU);
 *	affinity: ops->mask(); EVTCHNOP_bind_vcpu; ops->bind_to_cpu();
 *		  if (ops->unmask()) EVTCHNOP_unmask;
 *	close:    ops->mask(); EVTCHNOP_close; ops->remove();
 *
 * Locking: struct pvhvm_evtchn is written only at init and by
 * pvhvm_evtchn_fifo_add_page(), which the caller serializes with binds.
 * A struct pvhvm_evtchn_cpu is used by ->handle_events() on its own CPU
 * only, with interrupts off, so it needs no lock; ->bind_to_cpu() and
 * ->remove() change its bitmap of bound ports with atomic bit operations
 * and are serialized by the caller (the driver's mapping lock).  Per-port
 * operations are atomic on the shared memory and need no lock.
 */
#ifndef _PVHVM_EVTCHN_SCAN_H
#define _PVHVM_EVTCHN_SCAN_H

#include <linux/types.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

/* bind_to_cpu()'s @old_cpu for a port not bound yet. */
#define PVHVM_EVTCHN_NO_CPU		(~0U)

/* A reasonable budget per upcall: bounds the time spent with irqs off. */
#define PVHVM_EVTCHN_BUDGET		512

#define PVHVM_2L_WORD_BITS		(sizeof(xen_ulong_t) * 8)
#define PVHVM_2L_NR_WORDS		(EVTCHN_2L_NR_CHANNELS / PVHVM_2L_WORD_BITS)

/* Event words per event-array page (Xen pages are 4 KiB). */
#define PVHVM_FIFO_WORDS_PER_PAGE	(4096 / sizeof(event_word_t))
#define PVHVM_FIFO_MAX_PAGES		(EVTCHN_FIFO_NR_CHANNELS / \
					 PVHVM_FIFO_WORDS_PER_PAGE)

/* Called once per event taken, on the CPU the event was delivered to. */
typedef void (*pvhvm_evtchn_handler_t)(void *ctx, evtchn_port_t port);

struct pvhvm_evtchn;

/**
 * struct pvhvm_evtchn_cpu - one vCPU's view of the event channels
 * @ec: the event channels this belongs to
 * @cpu: this vCPU's index in @ec->cpus
 * @more: set by ->handle_events() when it left work for another pass
 * @handled: events handed to the handler
 * @budget_stops: passes that ran out of budget
 * @bad_ports: host-written queue links that named no valid port (FIFO)
 * @l2: 2-level state
 * @l2.vi: this vCPU's vcpu_info (selector, upcall_pending)
 * @l2.bound: bitmap of the ports bound to this vCPU, caller-allocated
 * @l2.next: the port to look at first in the next pass
 * @fifo: FIFO state
 * @fifo.cb: this vCPU's control block
 * @fifo.head: per priority, the next port to take, 0 to read the
 *	control block's head
 * @fifo.starved: priorities to serve first in the next pass
 */
struct pvhvm_evtchn_cpu {
	struct pvhvm_evtchn *ec;
	unsigned int cpu;
	bool more;
	u64 handled;
	u64 budget_stops;
	u64 bad_ports;
	union {
		struct {
			struct vcpu_info *vi;
			unsigned long *bound;
			unsigned int next;
		} l2;
		struct {
			struct evtchn_fifo_control_block *cb;
			u32 head[EVTCHN_FIFO_MAX_QUEUES];
			u32 starved;
		} fifo;
	};
};

/**
 * struct pvhvm_evtchn_ops - one event channel ABI
 * @name: "2-level" or "FIFO", for the log
 * @setup: check @port can be used; 0, -EINVAL if the ABI cannot address
 *	it, -ENOSPC (FIFO) if its event page must be added first
 * @bind_to_cpu: record that @port now delivers to @cpu (@old_cpu: where it
 *	did, or %PVHVM_EVTCHN_NO_CPU); 0 or -EINVAL
 * @remove: forget @port's binding to @cpu once it is closed; 0, or -EBUSY
 *	(FIFO) while the event is still on a queue: run a pass and retry
 * @mask: mask @port
 * @unmask: unmask @port; true if it is pending, in which case it is left
 *	masked and the caller must issue EVTCHNOP_unmask to have it delivered
 * @is_masked: is @port masked?
 * @clear_pending: drop a pending event on @port
 * @is_pending: is an event pending on @port?
 * @handle_events: take up to @budget events on @c's vCPU, calling @fn for
 *	each; return how many; set @c->more if work is left
 */
struct pvhvm_evtchn_ops {
	const char *name;
	int (*setup)(struct pvhvm_evtchn *ec, evtchn_port_t port);
	int (*bind_to_cpu)(struct pvhvm_evtchn *ec, evtchn_port_t port,
			   unsigned int cpu, unsigned int old_cpu);
	int (*remove)(struct pvhvm_evtchn *ec, evtchn_port_t port,
		      unsigned int cpu);
	void (*mask)(struct pvhvm_evtchn *ec, evtchn_port_t port);
	bool (*unmask)(struct pvhvm_evtchn *ec, evtchn_port_t port);
	bool (*is_masked)(struct pvhvm_evtchn *ec, evtchn_port_t port);
	void (*clear_pending)(struct pvhvm_evtchn *ec, evtchn_port_t port);
	bool (*is_pending)(struct pvhvm_evtchn *ec, evtchn_port_t port);
	unsigned int (*handle_events)(struct pvhvm_evtchn_cpu *c,
				      unsigned int budget,
				      pvhvm_evtchn_handler_t fn, void *ctx);
};

/**
 * struct pvhvm_evtchn - the event channels of this guest
 * @ops: the ABI in use
 * @cpus: per-vCPU state, @nr_cpus entries, caller-allocated
 * @nr_cpus: vCPUs
 * @nr_ports: ports the ABI can address now; grows with FIFO event pages
 * @l2: 2-level state
 * @l2.si: the shared_info page (pending and mask bitmaps)
 * @fifo: FIFO state
 * @fifo.pages: event-array pages, caller-allocated array of
 *	%PVHVM_FIFO_MAX_PAGES pointers
 * @fifo.nr_pages: pages in use
 */
struct pvhvm_evtchn {
	const struct pvhvm_evtchn_ops *ops;
	struct pvhvm_evtchn_cpu *cpus;
	unsigned int nr_cpus;
	unsigned int nr_ports;
	union {
		struct {
			struct shared_info *si;
		} l2;
		struct {
			event_word_t **pages;
			unsigned int nr_pages;
		} fifo;
	};
};

int pvhvm_evtchn_2l_init(struct pvhvm_evtchn *ec, struct shared_info *si,
			 struct pvhvm_evtchn_cpu *cpus, unsigned int nr_cpus);
int pvhvm_evtchn_2l_cpu_init(struct pvhvm_evtchn *ec, unsigned int cpu,
			     struct vcpu_info *vi, unsigned long *bound);

int pvhvm_evtchn_fifo_init(struct pvhvm_evtchn *ec, event_word_t **pages,
			   struct pvhvm_evtchn_cpu *cpus, unsigned int nr_cpus);
int pvhvm_evtchn_fifo_cpu_init(struct pvhvm_evtchn *ec, unsigned int cpu,
			       struct evtchn_fifo_control_block *cb);
int pvhvm_evtchn_fifo_add_page(struct pvhvm_evtchn *ec, event_word_t *page);

#endif /* _PVHVM_EVTCHN_SCAN_H */
