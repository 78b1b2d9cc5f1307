/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host side of one vCPU's Hyper-V SynIC, as KVM (arch/x86/kvm/hyperv.c)
 * and the TLFS describe it.  One model, used twice: linked into the unit
 * tests of drivers/hv/synic's pure logic, and inside pvirq-host's "hyperv"
 * model (model_hyperv.c), which adds the MSRs, hypercalls and guest RAM.
 *
 *  - message delivery: a free slot (message_type HVMSG_NONE) receives the
 *    message and the SINT is raised; a busy slot gets msg_pending set and
 *    the message is queued behind it, in order;
 *  - an EOM write makes the host rescan its queues;
 *  - a masked SINT loses the interrupt (the message stays in the slot);
 *  - an event flag is set with an atomic fetch-or and raises the SINT only
 *    when it goes 0 -> 1.
 *
 * The slot header is updated with 64-bit atomics so that the guest's
 * cmpxchg on message_type and the host's setting of msg_pending cannot
 * miss each other, which makes the model usable from a second thread
 * against a real guest-side implementation.
 *
 * Interrupts are recorded in a per-SINT pending mask that the "guest" takes
 * with synic_hm_take_irqs(), and reported to the optional @irq callback
 * (pvirq-host injects the SINT's vector there).
 *
 * Builds against the unit tests' shim headers and against the system's
 * headers alone: it needs <linux/types.h> and include/pvirq/hv_abi.h only.
 */
#ifndef _PVIRQ_MODEL_HYPERV_SYNIC_H
#define _PVIRQ_MODEL_HYPERV_SYNIC_H

#include <pthread.h>
#include <stdbool.h>
#include <linux/types.h>
#include <pvirq/hv_abi.h>

/* The same typedefs as the shims and pvirq_host.h: C11 allows repeating them. */
typedef __u8 u8;
typedef __u32 u32;
typedef __u64 u64;

/* Messages the host holds behind a busy slot, per SINT. */
#define SYNIC_HM_QUEUE_LEN	32

/* SINT polling bit (TLFS "SINTx register"), not in hv_abi.h's subset */
#define SYNIC_HM_SINT_POLLING	(1ULL << 18)

struct synic_hm_queue {
	struct hv_message msg[SYNIC_HM_QUEUE_LEN];
	unsigned int head;
	unsigned int count;
};

/**
 * struct synic_hm_vcpu - the host's view of one vCPU's SynIC
 * @lock: guards everything below except @irq_pending and the pages' contents
 * @scontrol: SCONTROL enable bit
 * @simp: message page (guest memory), %NULL while SIMP is disabled
 * @siefp: event flags page, %NULL while SIEFP is disabled
 * @sint: SINTx register values
 * @queue: messages waiting behind a busy slot
 * @irq: optional callback for each interrupt raised
 * @irq_ctx: its argument
 * @irq_pending: bit per SINT raised and not yet taken (atomic)
 * @injected: interrupts raised per SINT
 * @lost_masked: interrupts lost to a masked SINT
 * @delivered: messages written into a slot, per SINT
 * @queued: messages that found their slot busy (or a queue ahead)
 * @full: messages refused because the queue was full
 * @eoms: EOM writes seen
 * @flags_set: event flags that went 0 -> 1
 * @flags_already: event flags that were set already (no interrupt)
 */
struct synic_hm_vcpu {
	pthread_mutex_t lock;
	bool scontrol;
	struct hv_message_page *simp;
	struct pvirq_hv_event_page *siefp;
	u64 sint[HV_SYNIC_SINT_COUNT];
	struct synic_hm_queue queue[HV_SYNIC_SINT_COUNT];
	void (*irq)(void *ctx, unsigned int sint, u8 vector);
	void *irq_ctx;
	unsigned long irq_pending;
	u64 injected[HV_SYNIC_SINT_COUNT];
	u64 lost_masked[HV_SYNIC_SINT_COUNT];
	u64 delivered[HV_SYNIC_SINT_COUNT];
	u64 queued;
	u64 full;
	u64 eoms;
	u64 flags_set;
	u64 flags_already;
};

/* Reset to power-on state: SynIC off, every SINT masked, queues empty. */
void synic_hm_init(struct synic_hm_vcpu *v);
void synic_hm_destroy(struct synic_hm_vcpu *v);

/* SCONTROL write. */
void synic_hm_set_scontrol(struct synic_hm_vcpu *v, bool enable);
/* SIMP/SIEFP write: a page enables, %NULL disables; enabling zeroes it. */
void synic_hm_set_simp(struct synic_hm_vcpu *v, struct hv_message_page *page);
void synic_hm_set_siefp(struct synic_hm_vcpu *v,
			struct pvirq_hv_event_page *page);
/*
 * The pages moved in the host's address space (guest RAM remapped): take
 * the new pointers, contents untouched.  %NULL: not reachable now.
 */
void synic_hm_remap(struct synic_hm_vcpu *v, struct hv_message_page *simp,
		    struct pvirq_hv_event_page *siefp);
/* SINTx write: -EINVAL for an unmasked vector below 16 (KVM's #GP). */
int synic_hm_set_sint(struct synic_hm_vcpu *v, unsigned int sint, u64 val);

/*
 * Post a message (HvPostMessage / a host-generated message).
 * 0: delivered and SINT raised; -EAGAIN: queued behind a busy slot, with
 * msg_pending set; -ENOBUFS: queue full (HV_STATUS_INSUFFICIENT_BUFFERS);
 * -ENOENT: SynIC or SIMP off; -EINVAL: bad sint, type or size.
 */
int synic_hm_post(struct synic_hm_vcpu *v, unsigned int sint, u32 type,
		  const void *payload, u8 size);
/*
 * Like synic_hm_post() but the 256 bytes are delivered as they are, bad
 * header included (only message_flags is the host's): fault injection.
 */
int synic_hm_post_raw(struct synic_hm_vcpu *v, unsigned int sint,
		      const struct hv_message *msg);
/* EOM write: rescan every SINT's queue. */
void synic_hm_eom(struct synic_hm_vcpu *v);
/* SynIC (re-)enabled: deliver what waited while it was off. */
void synic_hm_rescan(struct synic_hm_vcpu *v);

/*
 * Set an event flag (HvSignalEvent).  1: flag went 0 -> 1 and SINT raised
 * (or lost if masked); 0: already set, nothing raised; -ENXIO: SynIC or
 * SIEFP off; -EINVAL: bad sint or flag.
 */
int synic_hm_signal(struct synic_hm_vcpu *v, unsigned int sint,
		    unsigned int flag);

/* The guest's side of the interrupt line: take the raised SINTs. */
unsigned long synic_hm_take_irqs(struct synic_hm_vcpu *v);

/* Messages still held by the host for @sint. */
unsigned int synic_hm_queued(struct synic_hm_vcpu *v, unsigned int sint);

#endif /* _PVIRQ_MODEL_HYPERV_SYNIC_H */
