// SPDX-License-Identifier: GPL-2.0
/*
 * The pirq irq domain of pvhvm_irq and its irq_chip for legacy GSIs.
 *
 * Every remapped interrupt is a Linux IRQ of our domain, hwirq == pirq.  A
 * GSI becomes one with PHYSDEVOP_map_pirq; its port is bound when a driver
 * requests the IRQ (irq_request_resources: may sleep) and closed when the
 * last handler is freed, so ports exist only for interrupts in use.  Level
 * GSIs take the fasteoi flow: the scan has already cleared the port's
 * pending bit, and the EOI is PHYSDEVOP_eoi when the host wants it (Xen
 * re-sends a level GSI that is still asserted).  Edge GSIs take the edge
 * flow.  Masking is the port's mask bit.  MSI IRQs are children of the same
 * domain (msi.c) and share its bookkeeping.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq.h>
#include <linux/interrupt.h>
#include <linux/slab.h>
#include <linux/rcupdate.h>
#include <asm/hw_irq.h>
#include <xen/interface/xen.h>
#include <xen/interface/physdev.h>

#include "pvhvm.h"
#include "hcall.h"
#include "pvhvm_trace.h"

struct pvhvm_irqs pvhvm_irqs = {
	.lock = __MUTEX_INITIALIZER(pvhvm_irqs.lock),
	.ports = XARRAY_INIT(pvhvm_irqs.ports, 0),
	.list = LIST_HEAD_INIT(pvhvm_irqs.list),
};

/**
 * struct pvhvm_alloc_req - what pvhvm_irq_map_gsi() asks the domain for
 * @gsi: the GSI
 * @pirq: the pirq the host mapped it to
 * @level: level triggered
 * @dev: the device, for the table
 */
struct pvhvm_alloc_req {
	u32 gsi;
	u32 pirq;
	bool level;
	struct device *dev;
};

static struct pvhvm_pirq *pvhvm_data(struct irq_data *d)
{
	return irq_data_get_irq_chip_data(d);
}

/* irq_request_resources of our chips: a port for the pirq (may sleep). */
int pvhvm_pirq_request(struct pvhvm_pirq *p)
{
	int ret;

	mutex_lock(&pvhvm_irqs.lock);
	ret = pvhvm_evtchn_bind(p);
	mutex_unlock(&pvhvm_irqs.lock);
	return ret;
}

void pvhvm_pirq_release(struct pvhvm_pirq *p)
{
	mutex_lock(&pvhvm_irqs.lock);
	pvhvm_evtchn_close(p);
	mutex_unlock(&pvhvm_irqs.lock);
}

/*
 * irq_startup of our chips: the port to the first online CPU of @d's
 * affinity, then unmasked.
 */
void pvhvm_pirq_start(struct pvhvm_pirq *p, struct irq_data *d)
{
	const struct cpumask *m = irq_data_get_affinity_mask(d);
	unsigned int cpu = cpumask_first_and(m, cpu_online_mask);

	if (cpu < nr_cpu_ids)
		pvhvm_evtchn_move(p, cpu, true);
	irq_data_update_effective_affinity(d, cpumask_of(p->cpu));
	pvhvm_evtchn_unmask(p);
}

static int pvhvm_gsi_request_resources(struct irq_data *d)
{
	return pvhvm_pirq_request(pvhvm_data(d));
}

static void pvhvm_gsi_release_resources(struct irq_data *d)
{
	pvhvm_pirq_release(pvhvm_data(d));
}

static void pvhvm_pirq_eoi_host(struct pvhvm_pirq *p)
{
	struct physdev_eoi eoi = { .irq = p->pirq };
	long ret;

	if (!p->needs_eoi)
		return;
	ret = pvhvm_hc_physdev_op(PHYSDEVOP_eoi, &eoi, sizeof(eoi));
	trace_pvhvm_eoi(p->pirq, ret);
	if (ret)
		pr_err_ratelimited("PHYSDEVOP_eoi(pirq %u) failed: %ld\n",
				   p->pirq, ret);
}

static unsigned int pvhvm_gsi_startup(struct irq_data *d)
{
	struct pvhvm_pirq *p = pvhvm_data(d);

	pvhvm_pirq_start(p, d);
	/* Flush an EOI the host may still wait for from a previous owner. */
	pvhvm_pirq_eoi_host(p);
	return 0;
}

static void pvhvm_gsi_shutdown(struct irq_data *d)
{
	pvhvm_evtchn_mask(pvhvm_data(d));
}

static void pvhvm_chip_mask(struct irq_data *d)
{
	pvhvm_evtchn_mask(pvhvm_data(d));
}

static void pvhvm_chip_unmask(struct irq_data *d)
{
	pvhvm_evtchn_unmask(pvhvm_data(d));
}

static void pvhvm_gsi_eoi(struct irq_data *d)
{
	pvhvm_pirq_eoi_host(pvhvm_data(d));
}

/*
 * Edge flow (MSI, edge GSIs): the scan already took the pending bit, so
 * acking is only the host's EOI, where it wants one, as Linux's pirq chip
 * does: the host may hold further events of the pirq until then.
 */
void pvhvm_chip_ack(struct irq_data *d)
{
	pvhvm_pirq_eoi_host(pvhvm_data(d));
}

/**
 * pvhvm_chip_set_affinity() - move a pirq's port to one CPU of @dest
 *
 * An event channel delivers to one vCPU: pick the first online CPU of the
 * mask, as x86's vector domain does for a single-target interrupt.
 */
int pvhvm_chip_set_affinity(struct irq_data *d, const struct cpumask *dest,
			    bool force)
{
	struct pvhvm_pirq *p = pvhvm_data(d);
	unsigned int cpu;
	int ret;

	cpu = force ? cpumask_first(dest) : cpumask_first_and(dest, cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	if (p->port) {
		ret = pvhvm_evtchn_move(p, cpu, irqd_irq_masked(d));
		if (ret)
			return ret;
	}
	irq_data_update_effective_affinity(d, cpumask_of(cpu));
	return IRQ_SET_MASK_OK_DONE;
}

static struct irq_chip pvhvm_gsi_level_chip = {
	.name			= "pvhvm-pirq-level",
	.irq_request_resources	= pvhvm_gsi_request_resources,
	.irq_release_resources	= pvhvm_gsi_release_resources,
	.irq_startup		= pvhvm_gsi_startup,
	.irq_shutdown		= pvhvm_gsi_shutdown,
	.irq_mask		= pvhvm_chip_mask,
	.irq_unmask		= pvhvm_chip_unmask,
	.irq_eoi		= pvhvm_gsi_eoi,
	.irq_set_affinity	= pvhvm_chip_set_affinity,
	.flags			= IRQCHIP_SKIP_SET_WAKE,
};

static struct irq_chip pvhvm_gsi_edge_chip = {
	.name			= "pvhvm-pirq-edge",
	.irq_request_resources	= pvhvm_gsi_request_resources,
	.irq_release_resources	= pvhvm_gsi_release_resources,
	.irq_startup		= pvhvm_gsi_startup,
	.irq_shutdown		= pvhvm_gsi_shutdown,
	.irq_mask		= pvhvm_chip_mask,
	.irq_unmask		= pvhvm_chip_unmask,
	.irq_ack		= pvhvm_chip_ack,
	.irq_set_affinity	= pvhvm_chip_set_affinity,
	.flags			= IRQCHIP_SKIP_SET_WAKE,
};

/**
 * pvhvm_pirq_new() - a new table entry, on the list
 * @pirq: its pirq
 * @gsi: its GSI or %PVHVM_NO_GSI
 * @kind: &enum pvhvm_pirq_kind
 * @dev: its device, or %NULL
 */
struct pvhvm_pirq *pvhvm_pirq_new(u32 pirq, u32 gsi, u8 kind,
				  struct device *dev)
{
	struct pvhvm_pirq *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	p->pirq = pirq;
	p->gsi = gsi;
	p->kind = kind;
	p->dev = dev;
	p->cpu = PVHVM_EVTCHN_NO_CPU;
	mutex_lock(&pvhvm_irqs.lock);
	list_add_tail(&p->node, &pvhvm_irqs.list);
	mutex_unlock(&pvhvm_irqs.lock);
	return p;
}

void pvhvm_pirq_del(struct pvhvm_pirq *p)
{
	mutex_lock(&pvhvm_irqs.lock);
	list_del(&p->node);
	mutex_unlock(&pvhvm_irqs.lock);
	kfree(p);
}

static int pvhvm_domain_alloc(struct irq_domain *domain, unsigned int virq,
			      unsigned int nr_irqs, void *arg)
{
	struct irq_alloc_info *info = arg;
	struct pvhvm_alloc_req *req;
	struct pvhvm_pirq *p;

	switch (info->type) {
	case X86_IRQ_ALLOC_TYPE_PCI_MSI:
	case X86_IRQ_ALLOC_TYPE_PCI_MSIX:
		return pvhvm_msi_domain_alloc(domain, virq, nr_irqs, info);
	case X86_IRQ_ALLOC_TYPE_IOAPIC:
		break;
	default:
		return -EINVAL;
	}
	req = info->data;
	if (nr_irqs != 1 || !req)
		return -EINVAL;
	p = pvhvm_pirq_new(req->pirq, req->gsi,
			   req->level ? PVHVM_GSI_LEVEL : PVHVM_GSI_EDGE, req->dev);
	if (!p)
		return -ENOMEM;
	p->irq = virq;
	p->host_pirq = true;
	trace_pvhvm_map(p->pirq, p->gsi, virq, p->kind);
	/* A port moves with a hypercall: no need to wait for the next event. */
	irq_set_status_flags(virq, IRQ_MOVE_PCNTXT);
	irq_domain_set_info(domain, virq, p->pirq,
			    req->level ? &pvhvm_gsi_level_chip : &pvhvm_gsi_edge_chip,
			    p, req->level ? handle_fasteoi_irq : handle_edge_irq,
			    NULL, req->level ? "level" : "edge");
	return 0;
}

static void pvhvm_domain_free(struct irq_domain *domain, unsigned int virq,
			      unsigned int nr_irqs)
{
	struct irq_data *d = irq_domain_get_irq_data(domain, virq);
	struct pvhvm_pirq *p = d ? irq_data_get_irq_chip_data(d) : NULL;

	if (p && p->gsi == PVHVM_NO_GSI) {
		pvhvm_msi_domain_free(domain, virq, nr_irqs);
		return;
	}
	irq_domain_free_irqs_common(domain, virq, nr_irqs);
	if (p)
		pvhvm_pirq_del(p);
}

static const struct irq_domain_ops pvhvm_domain_ops = {
	.alloc	= pvhvm_domain_alloc,
	.free	= pvhvm_domain_free,
};

/*
 * GSIs whose PHYSDEVOP_unmap_pirq the host refused, each with the pirq it
 * keeps there.  Xen would answer a fresh map of such a GSI with a new pirq
 * and route nothing to it (map_domain_emuirq_pirq() finds the GSI taken,
 * maps nothing and returns 0), so the next map of the GSI unmaps again
 * first, or else asks for the old pirq back.  Guarded by pvhvm_irqs.lock.
 */
static DEFINE_XARRAY(pvhvm_stale_gsis);

static int pvhvm_unmap_pirq(u32 gsi, int pirq, const char *when)
{
	struct physdev_unmap_pirq up = { .domid = DOMID_SELF, .pirq = pirq };
	long ret;

	ret = pvhvm_hc_physdev_op(PHYSDEVOP_unmap_pirq, &up, sizeof(up));
	if (!ret)
		return 0;
	pr_err("PHYSDEVOP_unmap_pirq(pirq %d, GSI %u) failed%s: %ld\n", pirq,
	       gsi, when, ret);
	mutex_lock(&pvhvm_irqs.lock);
	if (xa_err(xa_store(&pvhvm_stale_gsis, gsi, xa_mk_value(pirq),
			    GFP_KERNEL)))
		pr_err("GSI %u: cannot remember that pirq %d stays mapped\n",
		       gsi, pirq);
	mutex_unlock(&pvhvm_irqs.lock);
	return ret;
}

/* The pirq to ask for when mapping @gsi: -1 (the host picks) or its old one. */
static int pvhvm_gsi_pirq_wanted(u32 gsi)
{
	struct physdev_unmap_pirq up = { .domid = DOMID_SELF };
	void *entry;

	mutex_lock(&pvhvm_irqs.lock);
	entry = xa_erase(&pvhvm_stale_gsis, gsi);
	mutex_unlock(&pvhvm_irqs.lock);
	if (!entry)
		return -1;
	up.pirq = xa_to_value(entry);
	if (!pvhvm_hc_physdev_op(PHYSDEVOP_unmap_pirq, &up, sizeof(up))) {
		pr_info("GSI %u: pirq %d unmapped at a later attempt\n", gsi,
			up.pirq);
		return -1;
	}
	pr_warn("GSI %u: the host still maps it to pirq %d; asking for that one\n",
		gsi, up.pirq);
	return up.pirq;
}

/**
 * pvhvm_irq_map_gsi() - remap a GSI to a pirq and give it a Linux IRQ
 * @gsi: the GSI
 * @level: level triggered (else edge)
 * @dev: the device it belongs to, for the table, or %NULL
 *
 * Return: the new Linux IRQ, or -errno.
 */
int pvhvm_irq_map_gsi(u32 gsi, bool level, struct device *dev)
{
	struct physdev_map_pirq mp = {
		.domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_GSI,
		.index = gsi,
	};
	struct pvhvm_alloc_req req = { .gsi = gsi, .level = level, .dev = dev };
	struct irq_alloc_info info = {
		.type = X86_IRQ_ALLOC_TYPE_IOAPIC,
		.data = &req,
	};
	long ret;
	int irq;

	mp.pirq = pvhvm_gsi_pirq_wanted(gsi);
	ret = pvhvm_hc_physdev_op(PHYSDEVOP_map_pirq, &mp, sizeof(mp));
	if (ret) {
		pr_err("PHYSDEVOP_map_pirq(GSI %u) failed: %ld\n", gsi, ret);
		return ret;
	}
	mutex_lock(&pvhvm_irqs.lock);
	ret = mp.pirq <= 0 ? -ERANGE : pvhvm_pirq_claim(&pvhvm_irqs.alloc, mp.pirq);
	mutex_unlock(&pvhvm_irqs.lock);
	if (ret) {
		pr_err("host mapped GSI %u to pirq %d, which %s\n", gsi, mp.pirq,
		       ret == -EEXIST ? "this guest already holds" : "is out of range");
		goto out_unmap;
	}
	req.pirq = mp.pirq;
	irq = __irq_domain_alloc_irqs(pvhvm_irqs.domain, -1, 1, NUMA_NO_NODE,
				      &info, false, NULL);
	if (irq < 0) {
		pr_err("no Linux IRQ for GSI %u (pirq %u): %d\n", gsi, mp.pirq, irq);
		ret = irq;
		goto out_unclaim;
	}
	return irq;

out_unclaim:
	mutex_lock(&pvhvm_irqs.lock);
	pvhvm_pirq_free(&pvhvm_irqs.alloc, mp.pirq);
	mutex_unlock(&pvhvm_irqs.lock);
out_unmap:
	if (mp.pirq > 0)
		pvhvm_unmap_pirq(gsi, mp.pirq, " while unwinding");
	return ret;
}

/**
 * pvhvm_irq_unmap_gsi() - undo pvhvm_irq_map_gsi()
 * @irq: its IRQ, with no handler left
 */
void pvhvm_irq_unmap_gsi(unsigned int irq)
{
	struct irq_data *d = irq_get_irq_data(irq);
	struct pvhvm_pirq *p;
	int pirq;
	u32 gsi;

	if (!d || d->domain != pvhvm_irqs.domain)
		return;
	p = irq_data_get_irq_chip_data(d);
	pirq = p->pirq;
	gsi = p->gsi;
	irq_dispose_mapping(irq);
	pvhvm_unmap_pirq(gsi, pirq, "");
	mutex_lock(&pvhvm_irqs.lock);
	pvhvm_pirq_free(&pvhvm_irqs.alloc, pirq);
	mutex_unlock(&pvhvm_irqs.lock);
}

int pvhvm_irq_init(void)
{
	struct fwnode_handle *fwnode;

	fwnode = irq_domain_alloc_named_fwnode("pvhvm-pirq");
	if (!fwnode)
		return -ENOMEM;
	pvhvm_irqs.domain = irq_domain_create_hierarchy(NULL, 0, 0, fwnode,
							&pvhvm_domain_ops, NULL);
	if (!pvhvm_irqs.domain) {
		irq_domain_free_fwnode(fwnode);
		return -ENOMEM;
	}
	return 0;
}

void pvhvm_irq_exit(void)
{
	struct fwnode_handle *fwnode = pvhvm_irqs.domain->fwnode;
	struct physdev_unmap_pirq up = { .domid = DOMID_SELF };
	unsigned long gsi;
	void *entry;

	irq_domain_remove(pvhvm_irqs.domain);
	irq_domain_free_fwnode(fwnode);
	pvhvm_irqs.domain = NULL;
	WARN_ON(!list_empty(&pvhvm_irqs.list));
	/* A last try; what stays is the host's to clean up with the domain. */
	xa_for_each(&pvhvm_stale_gsis, gsi, entry) {
		up.pirq = xa_to_value(entry);
		if (pvhvm_hc_physdev_op(PHYSDEVOP_unmap_pirq, &up, sizeof(up)))
			pr_err("GSI %lu stays mapped to pirq %d at the host\n",
			       gsi, up.pirq);
	}
	xa_destroy(&pvhvm_stale_gsis);
}
