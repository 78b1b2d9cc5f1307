/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhvm_irq internals shared by its files.
 *
 * Who is who:
 *   GSI      the ACPI global system interrupt a PCI device's INTx pin is
 *            routed to (never assumed equal to its Linux IRQ);
 *   pirq     the host's name for a physical interrupt: a GSI or an MSI
 *            vector after PHYSDEVOP_map_pirq / get_free_pirq;
 *   port     the event channel a pirq is bound to (EVTCHNOP_bind_pirq);
 *   irq      the Linux IRQ drivers request, from our pirq irq domain
 *            (hwirq == pirq).
 * struct pvhvm_pirq ties the four together, plus the vCPU the port
 * delivers to; debugfs shows the whole table.
 */
#ifndef _PVHVM_H
#define _PVHVM_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/xarray.h>
#include <linux/list.h>
#include <linux/irqdomain.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

#include "evtchn_scan.h"
#include "pirq_alloc.h"

#define PVHVM_XEN_SIGNATURE	"XenVMMXenVMM"
#define PVHVM_NO_GSI		(~0U)

/* "No such hypercall or sub-op", xen/include/public/errno.h (x86 value) */
#define PVHVM_XEN_ENOSYS	38

/**
 * struct pvhvm_xen - what detection learned about the hypervisor
 * @cpuid_base: Xen's CPUID base leaf
 * @max_leaf: highest leaf of Xen's range
 * @version: leaf base+1 EAX, major << 16 | minor
 * @hvm_features: leaf base+4 EAX (XEN_HVM_CPUID_*), 0 if absent
 * @features: XENVER_get_features submap 0 (XENFEAT_*)
 *
 * Written once at module init, read-only afterwards.
 */
struct pvhvm_xen {
	u32 cpuid_base;
	u32 max_leaf;
	u32 version;
	u32 hvm_features;
	u32 features;
};

extern struct pvhvm_xen pvhvm_xen;

enum pvhvm_pirq_kind {
	PVHVM_GSI_LEVEL,
	PVHVM_GSI_EDGE,
	PVHVM_MSI,
	PVHVM_MSIX,
};

/**
 * struct pvhvm_pirq - one remapped interrupt
 * @node: on pvhvm_irqs.list
 * @pirq: the host's pirq number
 * @gsi: the GSI it stands for, or %PVHVM_NO_GSI for MSI/MSI-X
 * @irq: its Linux IRQ
 * @port: its event channel while started, else 0
 * @cpu: the CPU @port delivers to, or %PVHVM_EVTCHN_NO_CPU
 * @kind: &enum pvhvm_pirq_kind
 * @needs_eoi: the host wants PHYSDEVOP_eoi after each event
 * @host_pirq: the host chose @pirq (get_free_pirq/map_pirq), rather than
 *	the guest from its get_nr_pirqs range
 * @block: multi-MSI: the first vector of a block of this many pirqs, which
 *	it holds for the whole block; 0 otherwise
 * @in_block: a vector of a multi-MSI block
 * @dev: the device it belongs to, for the table, or %NULL
 * @events: events dispatched to @irq
 *
 * @port and @cpu change under pvhvm_irqs.lock only; the dispatch path
 * reads @irq through pvhvm_irqs.ports, under RCU.
 */
struct pvhvm_pirq {
	struct list_head node;
	u32 pirq;
	u32 gsi;
	unsigned int irq;
	evtchn_port_t port;
	unsigned int cpu;
	u8 kind;
	bool needs_eoi;
	bool host_pirq;
	u8 block;
	bool in_block;
	struct device *dev;
	atomic64_t events;
};

/**
 * struct pvhvm_irqs - the remapping state
 * @lock: serializes binding, closing and rebinding of ports, pirq
 *	allocation, @list and the event channel ops that change bindings.
 *	Taken in process context only; irq_chip callbacks that need it run
 *	from request_irq/free_irq/affinity writes.  Lock order: @lock, then
 *	the irq descriptor lock.
 * @ports: port -> struct pvhvm_pirq; written under @lock, read under RCU
 *	by the upcall
 * @list: every struct pvhvm_pirq, under @lock
 * @alloc: pirq bookkeeping, under @lock
 * @idle: host-chosen MSI pirqs not in use: Xen never frees an HVM guest's
 *	MSI pirq, so they are reused rather than leaked; under @lock
 * @nr_idle: entries of @idle
 * @domain: our pirq irq domain (hwirq == pirq)
 * @evtchn: the event channel ABI in use
 * @spurious: events on ports with no pirq
 */
struct pvhvm_irqs {
	struct mutex lock;	/* see above */
	struct xarray ports;
	struct list_head list;
	struct pvhvm_pirq_alloc alloc;
	u32 *idle;
	unsigned int nr_idle;
	struct irq_domain *domain;
	struct pvhvm_evtchn evtchn;
	atomic64_t spurious;
};

extern struct pvhvm_irqs pvhvm_irqs;

/* events.c */
int pvhvm_events_init(void);
void pvhvm_events_exit(void);
int pvhvm_evtchn_bind(struct pvhvm_pirq *p);
void pvhvm_evtchn_close(struct pvhvm_pirq *p);
int pvhvm_evtchn_move(struct pvhvm_pirq *p, unsigned int cpu, bool masked);
void pvhvm_evtchn_mask(struct pvhvm_pirq *p);
void pvhvm_evtchn_unmask(struct pvhvm_pirq *p);
u32 pvhvm_xen_vcpu_id(unsigned int cpu);
int pvhvm_evtchn_port_setup(evtchn_port_t port, const char *what);
void pvhvm_evtchn_port_close(evtchn_port_t port, unsigned int cpu);
unsigned int pvhvm_evtchn_close_stale(void);
int pvhvm_evtchn_port_move(evtchn_port_t port, unsigned int old_cpu,
			   unsigned int cpu);
void pvhvm_evtchn_port_unmask(evtchn_port_t port);

/* api.c */
bool pvhvm_api_dispatch(evtchn_port_t port);

/* irq.c */
int pvhvm_irq_init(void);
void pvhvm_irq_exit(void);
int pvhvm_irq_map_gsi(u32 gsi, bool level, struct device *dev);
void pvhvm_irq_unmap_gsi(unsigned int irq);
struct pvhvm_pirq *pvhvm_pirq_new(u32 pirq, u32 gsi, u8 kind,
				  struct device *dev);
void pvhvm_pirq_del(struct pvhvm_pirq *p);
int pvhvm_pirq_request(struct pvhvm_pirq *p);
void pvhvm_pirq_release(struct pvhvm_pirq *p);
void pvhvm_pirq_start(struct pvhvm_pirq *p, struct irq_data *d);
void pvhvm_chip_ack(struct irq_data *d);
int pvhvm_chip_set_affinity(struct irq_data *d, const struct cpumask *dest,
			    bool force);

/* msi.c */
struct irq_alloc_info;
struct pci_dev;
int pvhvm_msi_init(void);
void pvhvm_msi_exit(void);
int pvhvm_msi_domain_alloc(struct irq_domain *domain, unsigned int virq,
			   unsigned int nr_irqs, struct irq_alloc_info *info);
void pvhvm_msi_domain_free(struct irq_domain *domain, unsigned int virq,
			   unsigned int nr_irqs);
void pvhvm_msi_put_pirq(u32 pirq, bool host);
struct irq_domain *pvhvm_msi_set_device(struct pci_dev *pdev);

/* devices.c */
int pvhvm_devices_init(void);
void pvhvm_devices_exit(void);
int pvhvm_device_remap(struct pci_dev *pdev);

/* debugfs.c */
void pvhvm_debugfs_init(void);
void pvhvm_debugfs_exit(void);

#endif /* _PVHVM_H */
