/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvi internals: the backend interface and the state the core keeps.
 *
 * The core (main.c, irq.c, dev.c, debugfs.c) never asks which hypervisor
 * it runs on: a backend fills in struct pvi_backend_ops, one file per
 * hypervisor ABI.  Only KVM's (kvm.c) exists; Xen interdomain event
 * channels and Hyper-V SignalEvent would each be one more file.
 *
 * A backend turns what its hypervisor delivers into pvi_deliver(gsi), in
 * hard interrupt context, and the core dispatches that GSI's Linux IRQ.
 */
#ifndef _PVI_INT_H
#define _PVI_INT_H

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/irqdomain.h>
#include <linux/uuid.h>
#include <pvirq/pvi.h>

/**
 * struct pvi_backend_ops - one hypervisor's PVI
 * @name: "kvm", for the log and PVI_IOC_INFO
 * @init: find the hypervisor, fill in pvi.nr_gsis, pvi.features and
 *	pvi.uuid, start receiving; -ENODEV if this backend does not apply
 * @exit: stop receiving; no pvi_deliver() after it returns
 * @route: deliver @gsi on @cpu from now on; atomic context
 * @allow: see pvi_allow(); process context
 * @revoke: see pvi_revoke(); process context
 * @resolve: see pvi_resolve(); any context but NMI
 * @send: see pvi_send(); any context but NMI
 *
 * Each returns 0 (or, for @resolve, fills *peer) or a kernel errno as the
 * API documents; the backend logs what the host answered when it is not
 * one of those.
 */
struct pvi_backend_ops {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
	int (*route)(u32 gsi, unsigned int cpu);
	int (*allow)(const uuid_t *sender, u32 gsi);
	int (*revoke)(const uuid_t *sender, u32 gsi);
	int (*resolve)(const uuid_t *uuid, pvi_peer_t *peer);
	int (*send)(pvi_peer_t peer, u32 gsi);
};

extern const struct pvi_backend_ops pvi_kvm_ops;
extern const struct pvi_backend_ops pvi_xen_ops;
extern const struct pvi_backend_ops pvi_hyperv_ops;

/* Refusals counted per kind; PVI_R_OTHER is anything else. */
enum pvi_refusal {
	PVI_R_EPERM,
	PVI_R_ENOENT,
	PVI_R_ESHUTDOWN,
	PVI_R_EBUSY,
	PVI_R_EINVAL,
	PVI_R_OTHER,
	PVI_R_NR,
};

/**
 * struct pvi_stats - counters, each updated atomically by any CPU
 * @sent: sends the host accepted
 * @refused: sends it refused, per &enum pvi_refusal
 * @received: GSIs taken from the host and dispatched
 * @unmapped: received GSIs that have no Linux IRQ (nobody asked for them)
 * @bad_gsi: bits beyond nr_gsis the host set; ignored
 * @upcalls: interrupts taken on the backend's vectors
 * @early: upcalls before this CPU was set up, only counted
 */
struct pvi_stats {
	atomic64_t sent;
	atomic64_t refused[PVI_R_NR];
	atomic64_t received;
	atomic64_t unmapped;
	atomic64_t bad_gsi;
	atomic64_t upcalls;
	atomic64_t early;
};

/**
 * struct pvi_core - what the core knows
 * @ops: the backend in use, %NULL while pvi is not up
 * @nr_gsis: GSIs 0 .. @nr_gsis - 1 exist, on both sides
 * @features: PVI_F_* the host offers
 * @uuid: this guest's UUID
 * @domain: the "pvi" irq domain, hwirq == GSI
 * @gsi_count: per GSI, how many times it was received; @nr_gsis entries
 * @stats: counters
 *
 * Everything but the counters is written once at init, before @ops is
 * published with release semantics, and read-only afterwards.
 */
struct pvi_core {
	const struct pvi_backend_ops *ops;
	u32 nr_gsis;
	u32 features;
	uuid_t uuid;
	struct irq_domain *domain;
	atomic64_t *gsi_count;
	struct pvi_stats stats;
};

extern struct pvi_core pvi;

/* irq.c */
int pvi_irq_init(void);
void pvi_irq_exit(void);
void pvi_deliver(u32 gsi);

/* dev.c */
int pvi_dev_init(void);
void pvi_dev_exit(void);

/* debugfs.c */
void pvi_debugfs_init(void);
void pvi_debugfs_exit(void);

/* main.c */
void pvi_count_refusal(int err);

#endif /* _PVI_INT_H */
