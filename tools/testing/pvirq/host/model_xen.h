/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "xen" model's private state, shared by its three files:
 *
 *   model_xen.c          CPUID, the hypercall-page MSR, xen_version,
 *                        memory_op, vcpu_op, hvm_op, control commands,
 *                        state JSON and per-op fault injection
 *   model_xen_evtchn.c   event channels: ports, 2-level and FIFO delivery
 *                        into guest RAM, upcall injection
 *   model_xen_physdev.c  pirqs: physdev_op, GSIs, the vector-0 MSI snoop
 *   model_xen_pvi.c      the PVI directory extension (pvi_xen_abi.h) and
 *                        the lookups of other guests of this host
 *
 * What it models is an HVM guest of Xen 4.17 with the vector callback, or
 * (personality "qemu") the same guest under QEMU's Xen emulation (KVM-Xen,
 * hw/i386/kvm/xen_evtchn.c), whose answers differ in the ways that matter
 * to a pirq driver.  Documentation/pvirq-host-xen.rst says which answer
 * comes from where.
 *
 * Concurrency: the host runs everything on its event loop thread, so
 * nothing here is locked.  The only memory shared with another party is
 * guest RAM (shared_info, vcpu_info, the FIFO control blocks and event
 * arrays): the guest changes those words at any time, so every read-modify-
 * write of them is a single atomic operation, never a read then a write.
 * Nothing is cached about guest RAM but GPAs: pointers are recomputed, with
 * bounds checks, at every use.
 */
#ifndef _PVIRQ_MODEL_XEN_H
#define _PVIRQ_MODEL_XEN_H

#include <stdint.h>
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/physdev.h>
#include <xen/hvm/params.h>

#include "pvirq_model.h"
#include "model_pvi.h"

/*
 * Proposed with HVM pirq remapping (2010), never merged: Xen left op 22
 * free and answers -ENOSYS.  pvirq-host offers it as a switchable
 * extension (reference/xen-pvhvm-brief.md, section 0).
 */
#ifndef PHYSDEVOP_get_nr_pirqs
#define PHYSDEVOP_get_nr_pirqs	22
struct physdev_nr_pirqs {
	uint32_t nr_pirqs;	/* OUT */
};
#endif

#define XM_PAGE_SIZE		4096u
#define XM_PAGE_SHIFT		12

/* 2-level ABI limit for 64-bit guests: 64 words of 64 bits */
#define XM_MAX_PORTS		(sizeof(xen_ulong_t) * 8 * sizeof(xen_ulong_t) * 8)
#define XM_XEN_PORTS		1024	/* xl's default max_event_channels 1023 */
#define XM_MAX_PIRQS		4096
#define XM_XEN_NR_IRQS_GSI	24	/* a host with one 24-pin IOAPIC */
#define XM_XEN_EXTRA_IRQS	32	/* Xen's extra_guest_irqs default */
#define XM_QEMU_NR_PIRQS	256	/* QEMU's xen-evtchn-max-pirq default */
#define XM_NR_GSIS		48	/* Xen: NR_HVM_DOMU_IRQS (vIOAPIC pins) */
#define XM_QEMU_NR_GSIS		24	/* QEMU: IOAPIC_NUM_PINS */
#define XM_ISA_IRQS		16	/* edge-triggered, never re-sent on EOI */
#define XM_FIFO_WORDS_PER_PAGE	(XM_PAGE_SIZE / sizeof(event_word_t))
#define XM_FIFO_MAX_PAGES	(EVTCHN_FIFO_NR_CHANNELS / XM_FIFO_WORDS_PER_PAGE)
#define XM_MULTI_MSI_MAX	32
#define XM_HCALL_MSR		0x40000000u	/* Xen's, in CPUID base+2 EBX */
#define XM_CPUID_BASE		0x40000000u
#define XM_XEN_VERSION		0x00040011u	/* 4.17 */
#define XM_DEFAULT_DOMID	1
#define XM_MAX_FAULTS		8

/* pirq_info emuirq values, as Xen and QEMU name them */
#define XM_IRQ_UNBOUND		(-1)
#define XM_IRQ_MSI_EMU		(-3)

enum xm_personality {
	XM_XEN,			/* Xen 4.17 HVM */
	XM_QEMU,		/* QEMU's Xen emulation */
};

enum xm_abi {
	XM_ABI_2L,
	XM_ABI_FIFO,
};

/* Per event channel.  @state is an EVTCHNSTAT_* value (closed = free). */
struct xm_port {
	u8 state;
	u8 priority;		/* FIFO queue */
	u8 last_prio;		/* FIFO: queue it was last linked on */
	bool fifo_pending;	/* raised while its event word did not exist */
	bool reserved;		/* Xen's port 0 */
	u32 vcpu;		/* notify vCPU */
	u32 last_vcpu;
	u32 pirq;		/* EVTCHNSTAT_pirq */
	u32 remote_port;	/* EVTCHNSTAT_interdomain */
	u32 remote_dom;		/* EVTCHNSTAT_unbound and _interdomain */
	u32 flags;		/* bind_pirq flags */
	/* PVI directory: an unbound port published for (remote_dom, gsi) */
	bool published;
	u32 pvi_gsi;
	/* counters since the port was bound */
	u64 raised;		/* set_pending calls */
	u64 delivered;		/* made visible: selector bit / queue link */
	u64 masked;		/* raised while masked: no upcall */
	u64 merged;		/* raised while already pending */
};

/* Per pirq.  Free: !allocated, emu == XM_IRQ_UNBOUND and port == 0. */
struct xm_pirq {
	int emu;		/* XM_IRQ_UNBOUND, a GSI, or XM_IRQ_MSI_EMU */
	bool allocated;		/* Xen PIRQ_ALLOCATED / QEMU's in-use bit */
	bool held;		/* QEMU: an MSI came before bind_pirq */
	bool block_member;	/* part of a multi-MSI block */
	bool block_base;	/* its first pirq */
	u8 block_order;		/* log2 of the block's size, on the base */
	u32 port;
	u64 msis;		/* MSIs that named it */
	u64 sent;		/* raised its port */
	u64 eois;
};

struct xm_gsi {
	bool asserted;
	int pirq;		/* mapped to, or XM_IRQ_UNBOUND */
	u64 raised;
	u64 resent;		/* re-sent on PHYSDEVOP_eoi while asserted */
	u64 eois;
	u64 ioapic;		/* unmapped: would go to the emulated IOAPIC */
	u64 unbound;		/* mapped but no port bound: dropped */
};

struct xm_vcpu {
	u8 upcall_vector;	/* HVMOP_set_evtchn_upcall_vector, 0 = none */
	bool vcpu_info_set;	/* VCPUOP_register_vcpu_info */
	bool fifo_cb_set;
	u64 vcpu_info_gpa;
	u64 fifo_cb_gpa;
	u32 fifo_tail[EVTCHN_FIFO_MAX_QUEUES];
	u64 upcalls;		/* vectors injected */
	u64 lost;		/* events it could not be told about */
};

/* "model GUEST fail OP[:SUBOP] N ERRNO" */
struct xm_fault {
	u32 nr;			/* __HYPERVISOR_* */
	s32 cmd;		/* sub-op, or -1 for any */
	u32 nth;		/* 0 = unused */
	int err;
};

struct xm_model {
	/* configuration: kept across VM resets */
	enum xm_personality pers;
	bool op22;
	bool multimsi;
	bool feat_pirqs;
	bool feat_callback;
	bool feat_upcall;
	u32 hvm_features;	/* CPUID base+4 EAX, but the upcall bit */
	u32 cpuid_base;
	u32 version;
	u32 domid;
	u32 nr_pirqs;
	u32 nr_irqs_gsi;	/* Xen: GSI pirqs below, MSI pirqs above */
	u32 nr_ports;
	struct xm_fault fault[XM_MAX_FAULTS];
	struct pvi_uuid uuid;	/* XENVER_guest_handle */
	bool pvi;		/* the PVI directory extension is offered */
	u32 pvi_hc_nr;
	u32 pvi_gsis;

	/* the VM's state: forgotten by reset */
	enum xm_abi abi;
	u64 hcall_page;		/* last write to the hypercall-page MSR */
	bool shinfo_set;
	u64 shinfo_gpa;
	struct shared_info *shadow;	/* shared_info before it is placed */
	u64 callback;		/* HVM_PARAM_CALLBACK_IRQ as set */
	u64 params[HVM_NR_PARAMS];
	u32 fifo_pages;
	u64 fifo_page_gpa[XM_FIFO_MAX_PAGES];
	struct xm_vcpu vcpu[PVIRQ_WIRE_MAX_VCPUS];
	struct xm_port *port;		/* [XM_MAX_PORTS] */
	struct xm_pirq *pirq;		/* [XM_MAX_PIRQS] */
	struct xm_gsi gsi[XM_NR_GSIS];
	bool pvi_up;		/* PVI_XEN_OP_UP .. DOWN */
	u32 pvi_incarnation;	/* of the last UP; survives resets */

	/* counters */
	u64 hypercalls;
	u64 hc_errors;
	u64 faults;
	u64 upcalls;
	u64 inject_errors;
	u64 no_callback;	/* upcall due but no vector registered */
	u64 map_conflicts;	/* Xen: "already mapped", 0 returned */
	u64 msi_snooped;
	u64 msi_dropped;
	u64 msi_held;		/* QEMU: waited for bind_pirq */
	u64 msi_lost;		/* Xen: no port bound yet */
	u64 fifo_no_cb;		/* FIFO: no control block on the vCPU */
	/* interdomain channels to other guests, and the PVI directory */
	u64 idc_sent;		/* sends that raised another guest's port */
	u64 idc_dropped;	/* sends on a port with no peer: dropped */
	u64 idc_rx_delivered;	/* raised here by another guest: pending */
	u64 idc_rx_merged;	/* ... found pending already */
	u64 pvi_calls;
	u64 pvi_refused;	/* directory calls answered with an error */
};

static inline struct xm_model *xm_of(struct pvirq_guest *g)
{
	return g->model_priv;
}

/* The model, under both personalities: to tell its guests from others'. */
extern PVIRQ_MODEL_DEFINE(xen);
extern PVIRQ_MODEL_DEFINE(xen_qemu);

/* model_xen.c */
void *xm_gpa_ptr(struct pvirq_guest *g, u64 gpa, size_t len);
u32 xm_nr_vcpus(struct pvirq_guest *g);
bool xm_domid_self(struct xm_model *m, u32 domid);
int xm_copy_in(struct pvirq_guest *g, struct pvirq_hc *hc, u32 arg, void *dst,
	       size_t len, const char *what);
int xm_copy_out(struct pvirq_guest *g, struct pvirq_hc *hc, u32 arg,
		const void *src, size_t len, const char *what);
const char *xm_subop_name(u32 nr, u32 cmd);
void xm_json_u64(struct pvirq_sb *out, const char *key, u64 v);
void xm_json_bool(struct pvirq_sb *out, const char *key, bool v);

/* model_xen_evtchn.c */
s64 xm_evtchn_op(struct pvirq_guest *g, u32 vcpu, u32 cmd, struct pvirq_hc *hc);
void xm_evtchn_reset(struct pvirq_guest *g);
void xm_port_raise(struct pvirq_guest *g, u32 port);
bool xm_port_valid(struct xm_model *m, u32 port);
void xm_upcall(struct pvirq_guest *g, u32 vcpu);
struct vcpu_info *xm_vcpu_info(struct pvirq_guest *g, u32 vcpu);
struct shared_info *xm_shinfo(struct pvirq_guest *g);
void xm_assert_evtchn_irq(struct pvirq_guest *g, u32 vcpu);
u32 xm_ports_in_use(struct xm_model *m);
void xm_evtchn_state_json(struct pvirq_guest *g, struct pvirq_sb *out);
void xm_evtchn_forget_peers(struct pvirq_guest *g);

/* model_xen_pvi.c */
struct pvirq_guest *xm_guest_by_domid(struct pvirq_host *h, u32 domid);
bool xm_domid_taken(struct pvirq_guest *g, u32 domid);
bool xm_pvi_cpuid(struct pvirq_guest *g, u32 leaf, u32 regs[4]);
s64 xm_pvi_hypercall(struct pvirq_guest *g, struct pvirq_hc *hc);
int xm_pvi_command(struct pvirq_guest *g, int argc, char **argv,
		   struct pvirq_sb *reply);
void xm_pvi_state_json(struct pvirq_guest *g, struct pvirq_sb *out);
void xm_pvi_init(struct pvirq_guest *g);
void xm_pvi_reset(struct pvirq_guest *g);

/* model_xen_physdev.c */
s64 xm_physdev_op(struct pvirq_guest *g, u32 vcpu, u32 cmd, struct pvirq_hc *hc);
void xm_physdev_reset(struct pvirq_guest *g);
void xm_pirq_send(struct pvirq_guest *g, u32 pirq);
void xm_pirq_bound(struct pvirq_guest *g, u32 pirq);
void xm_pirq_unbound(struct pvirq_guest *g, u32 pirq);
int xm_gsi(struct pvirq_guest *g, u32 gsi, bool level);
bool xm_msi(struct pvirq_guest *g, u64 addr, u32 data);
bool xm_pirqs_busy(struct xm_model *m);
void xm_physdev_counts(struct pvirq_guest *g, struct pvirq_sb *out);
void xm_physdev_state_json(struct pvirq_guest *g, struct pvirq_sb *out);

#endif /* _PVIRQ_MODEL_XEN_H */
