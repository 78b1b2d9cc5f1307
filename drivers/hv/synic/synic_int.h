/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hv_synic's private state, shared by its kernel glue files:
 *
 *   main.c     detection, guest OS ID, hypercall page, VP indexes, module
 *              parameters, syscore (suspend/resume, kexec) and panic hooks
 *   cpu.c      per-CPU SynIC: pages, SINT vectors, enable/disable, cpuhp,
 *              the SINT interrupt and the per-CPU thread for threaded
 *              handlers
 *   api.c      the exported API: handlers, HvPostMessage, HvSignalEvent
 *   debugfs.c  per-CPU, per-SINT counters
 *
 * Pure logic (slot protocol, event-flag scan, handler tables) is in
 * synic_msg.c and synic_evt.c, which the unit tests build in user space.
 */
#ifndef _HV_SYNIC_INT_H
#define _HV_SYNIC_INT_H

#include <linux/types.h>
#include <linux/cpumask.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/workqueue.h>
#include <pvirq/hv_abi.h>
#include <pvirq/synic.h>

#include "synic_msg.h"
#include "synic_evt.h"

/* SINTs the module may use; 0, 1, 2 and 5 belong to others (see main.c). */
#define SYNIC_DEFAULT_SINTS	0xffc0UL

/**
 * struct synic_sint_stats - what one CPU did on one SINT
 * @msgs: messages handed to a handler
 * @events: event flags handed to a handler
 * @eoms: EOM writes
 * @rejected: messages dropped: bad header, short payload, no handler,
 *	or a slot the host changed under us
 * @deferred: times the SINT's slot or flags were left to the thread
 */
struct synic_sint_stats {
	u64 msgs;
	u64 events;
	u64 eoms;
	u64 rejected;
	u64 deferred;
};

/**
 * struct synic_cpu - one CPU's SynIC
 * @cpu: its number
 * @msg_page: SIM page, 16 slots of 256 bytes, written by the host
 * @evt_page: SIEF page, 16 x 2048 event flags, set by the host
 * @in_page: HvPostMessage input (and HvSignalEvent's, when not fast)
 * @irq: Linux IRQ of this CPU's SINT vector, 0 if none
 * @vector: the vector the SINTs are programmed with while @enabled
 * @vp_index: HV_X64_MSR_VP_INDEX, read when the CPU came up
 * @enabled: SynIC enabled on this CPU
 * @dying: the CPU is going down: the thread must not be queued again
 * @work: runs threaded handlers on this CPU
 * @thread_sints: SINTs whose slot or flags wait for @work (atomic bitops)
 * @hard: message state of the interrupt handler
 * @thread: message state of @work
 * @evt_hard: event counters of the interrupt handler
 * @evt_thread: event counters of @work
 * @sint: counters per SINT, see &struct synic_sint_stats
 * @retries: HvPostMessage retries by callers on this CPU
 * @spurious: SINT interrupts with nothing to do
 *
 * @msg_page, @evt_page and @in_page are allocated when the CPU first comes
 * up and freed at module exit.  Everything else but @thread_sints is
 * written only on @cpu: by the interrupt handler, or by @work or the
 * hotplug callbacks with interrupts off.  Other CPUs read the counters
 * with READ_ONCE() for debugfs.
 */
struct synic_cpu {
	unsigned int cpu;
	struct hv_message_page *msg_page;
	struct pvirq_hv_event_page *evt_page;
	void *in_page;
	unsigned int irq;
	u8 vector;
	u32 vp_index;
	bool enabled;
	bool dying;
	struct work_struct work;
	unsigned long thread_sints;
	struct synic_msg_cpu hard;
	struct synic_msg_cpu thread;
	struct synic_evt_stats evt_hard;
	struct synic_evt_stats evt_thread;
	struct synic_sint_stats sint[HV_SYNIC_SINT_COUNT];
	u64 retries;
	u64 spurious;
};

/**
 * struct synic_glob - module-wide state
 * @sints: SINTs in use (module parameter, checked at load)
 * @auto_eoi: program SINTs with auto-EOI (the host did not deprecate it)
 * @features: CPUID 0x40000003 EAX
 * @priv_ebx: CPUID 0x40000003 EBX
 * @hints: CPUID 0x40000004 EAX
 * @lock: serializes handler registration, and hotplug against it
 * @msg_hard: message handlers run in hard IRQ context
 * @msg_thread: message handlers run in the per-CPU thread
 * @evt_hard: event handlers of each SINT, hard IRQ context
 * @evt_thread: the same, threaded
 * @bound: per CPU, handlers registered with that CPU in their @cpu
 * @wq: the per-CPU thread's workqueue
 * @pcpu: per-CPU state
 * @cpuhp: dynamic hotplug state, or 0
 *
 * The handler tables are written under @lock and read locklessly by the
 * interrupt handler and the thread (synic_msg.h, synic_evt.h).  An event
 * table is allocated the first time a handler of its SINT registers and
 * published with smp_store_release(); it lives until module exit.
 * @bound is written under @lock; the hotplug callback reads it under @lock
 * too, so a CPU cannot go down between a registration's check and its
 * count.
 */
struct synic_glob {
	unsigned long sints;
	bool auto_eoi;
	u32 features;
	u32 priv_ebx;
	u32 hints;
	struct mutex lock;	/* registration vs. registration and hotplug */
	struct synic_msg_table msg_hard;
	struct synic_msg_table msg_thread;
	struct synic_evt_table *evt_hard[HV_SYNIC_SINT_COUNT];
	struct synic_evt_table *evt_thread[HV_SYNIC_SINT_COUNT];
	unsigned int *bound;
	struct workqueue_struct *wq;
	struct synic_cpu __percpu *pcpu;
	int cpuhp;
};

extern struct synic_glob synic;
extern unsigned int synic_post_tries;
extern unsigned int synic_post_backoff_max_us;

/* cpu.c */
int synic_cpus_init(void);
void synic_cpus_exit(void);
void synic_cpu_disable_regs(struct synic_cpu *sc);
int synic_cpu_enable_regs(struct synic_cpu *sc);
void synic_flush_threads(void);

/* debugfs.c */
void synic_debugfs_init(void);
void synic_debugfs_exit(void);

#endif /* _HV_SYNIC_INT_H */
