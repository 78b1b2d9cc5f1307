// SPDX-License-Identifier: GPL-2.0
/*
 * MSI and MSI-X remapping: a PCI/MSI irq domain of ours, set on the devices
 * pvhvm_irq takes over, on top of the pirq domain of irq.c.
 *
 * Each vector gets a pirq of its own and a message that names it: vector 0
 * in the data, the pirq in the address (msi_vec0.c).  The host (Xen's
 * hvm_inject_msi, qemu-xen's snoop) turns such a message into an event on
 * the port the pirq is bound to.  The message is written when the vectors
 * are allocated; the port is bound when the driver requests the IRQ, after
 * the host has seen the message, so its first interrupt is not lost.
 *
 * pirqs: with a get_nr_pirqs range the guest picks them itself; otherwise
 * the host does (PHYSDEVOP_get_free_pirq).  Xen never frees an HVM guest's
 * MSI pirq, so pirqs the host gave are kept and reused for later vectors
 * instead of asking for new ones each time.  A pirq is never read back
 * from a device.
 *
 * Multi-MSI needs a contiguous, aligned block of pirqs, and a host that
 * reads message i of the block (data vector i) as pirq base + i: a host
 * that maps MAP_PIRQ_TYPE_MULTI_MSI for the guest itself (a pvirq host
 * extension; Xen and QEMU refuse it) does.  It is probed at load; without
 * it the domain does not claim multi-MSI, so the PCI core falls back to one
 * vector and the device driver gets a clean answer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq.h>
#include <linux/msi.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <asm/hw_irq.h>
#include <asm/irqdomain.h>
#include <xen/interface/xen.h>
#include <xen/interface/physdev.h>

#include "pvhvm.h"
#include "hcall.h"
#include "pvhvm_trace.h"
#include "msi_vec0.h"

static struct irq_domain *pvhvm_msi_domain;

/*
 * Map a multi-MSI block of @nvec (a power of two) at @base, or where the
 * host likes if @base is -1.  Return: the block's first pirq, or -errno.
 */
static int pvhvm_msi_map_block(int base, unsigned int nvec)
{
	struct physdev_map_pirq mp = {
		.domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_MULTI_MSI,
		.index = -1,
		.pirq = base,
		.entry_nr = nvec,
	};
	long ret;

	ret = pvhvm_hc_physdev_op(PHYSDEVOP_map_pirq, &mp, sizeof(mp));
	if (ret)
		return ret;
	if (mp.pirq <= 0 || (base >= 0 && mp.pirq != base) ||
	    (mp.pirq & (nvec - 1))) {
		pr_err("host mapped a block of %u pirqs at %d, not at an aligned %d\n",
		       nvec, mp.pirq, base);
		return -EPROTO;
	}
	return mp.pirq;
}

static void pvhvm_msi_unmap_block(u32 base)
{
	struct physdev_unmap_pirq up = { .domid = DOMID_SELF, .pirq = base };
	long ret;

	ret = pvhvm_hc_physdev_op(PHYSDEVOP_unmap_pirq, &up, sizeof(up));
	if (ret)
		pr_err("PHYSDEVOP_unmap_pirq(block at pirq %u) failed: %ld\n",
		       base, ret);
}

/**
 * pvhvm_msi_probe_multi() - does the host take multi-MSI blocks?
 *
 * Return: true if MAP_PIRQ_TYPE_MULTI_MSI works for this guest.
 */
static bool pvhvm_msi_probe_multi(void)
{
	int base = pvhvm_msi_map_block(-1, 1);

	if (base < 0)
		return false;
	pvhvm_msi_unmap_block(base);
	return true;
}

/* A block of @nvec pirqs.  Called with pvhvm_irqs.lock held. */
static int pvhvm_msi_get_block(unsigned int nvec, u32 below)
{
	unsigned int size = pvhvm_pirq_block_size(nvec);
	int base, ret, i;

	if (pvhvm_irqs.alloc.host_picks) {
		base = pvhvm_msi_map_block(-1, size);
		if (base < 0)
			return base;
		for (i = 0; i < size; i++) {
			ret = base + i >= below ? -ERANGE :
				pvhvm_pirq_claim(&pvhvm_irqs.alloc, base + i);
			if (ret) {
				pr_err("host gave pirq block %d+%u, which this guest cannot use: %d\n",
				       base, size, ret);
				while (i--)
					pvhvm_pirq_free(&pvhvm_irqs.alloc, base + i);
				pvhvm_msi_unmap_block(base);
				return ret;
			}
		}
		return base;
	}
	base = pvhvm_pirq_alloc_block(&pvhvm_irqs.alloc, nvec, below);
	if (base < 0)
		return base;
	ret = pvhvm_msi_map_block(base, size);
	if (ret < 0) {
		pr_err("host refused the multi-MSI block at pirq %d+%u: %d\n",
		       base, size, ret);
		pvhvm_pirq_free_block(&pvhvm_irqs.alloc, base, nvec);
		return ret;
	}
	return base;
}

/* Give a block back.  Called with pvhvm_irqs.lock held. */
static void pvhvm_msi_put_block(u32 base, unsigned int size)
{
	unsigned int i;

	pvhvm_msi_unmap_block(base);
	if (!pvhvm_irqs.alloc.host_picks) {
		pvhvm_pirq_free_block(&pvhvm_irqs.alloc, base, size);
		return;
	}
	for (i = 0; i < size; i++)
		pvhvm_pirq_free(&pvhvm_irqs.alloc, base + i);
}

static struct pvhvm_pirq *pvhvm_msi_root(struct irq_data *d)
{
	return irq_data_get_irq_chip_data(d->parent_data);
}

/* The root chip: composes the message; the PCI/MSI chip above calls it. */
static void pvhvm_msi_root_compose(struct irq_data *d, struct msi_msg *msg)
{
	struct pvhvm_pirq *p = irq_data_get_irq_chip_data(d);
	struct pvhvm_msi_msg m;

	/* Allocation kept 32-bit devices below 256: cannot fail here. */
	if (WARN_ON(pvhvm_msi_compose(p->pirq, true, &m)))
		return;
	msg->address_lo = m.address_lo;
	msg->address_hi = m.address_hi;
	msg->data = m.data;
}

static struct irq_chip pvhvm_msi_root_chip = {
	.name			= "pvhvm-pirq",
	.irq_ack		= pvhvm_chip_ack,
	.irq_compose_msi_msg	= pvhvm_msi_root_compose,
	.irq_set_affinity	= pvhvm_chip_set_affinity,
	.flags			= IRQCHIP_SKIP_SET_WAKE,
};

static int pvhvm_msi_request_resources(struct irq_data *d)
{
	return pvhvm_pirq_request(pvhvm_msi_root(d));
}

static void pvhvm_msi_release_resources(struct irq_data *d)
{
	pvhvm_pirq_release(pvhvm_msi_root(d));
}

static unsigned int pvhvm_msi_startup(struct irq_data *d)
{
	pvhvm_pirq_start(pvhvm_msi_root(d), d);
	pci_msi_unmask_irq(d);
	return 0;
}

static void pvhvm_msi_shutdown(struct irq_data *d)
{
	pci_msi_mask_irq(d);
	pvhvm_evtchn_mask(pvhvm_msi_root(d));
}

static void pvhvm_msi_mask(struct irq_data *d)
{
	pci_msi_mask_irq(d);
	pvhvm_evtchn_mask(pvhvm_msi_root(d));
}

static void pvhvm_msi_unmask(struct irq_data *d)
{
	pvhvm_evtchn_unmask(pvhvm_msi_root(d));
	pci_msi_unmask_irq(d);
}

static struct irq_chip pvhvm_msi_chip = {
	.name			= "pvhvm-msi",
	.irq_request_resources	= pvhvm_msi_request_resources,
	.irq_release_resources	= pvhvm_msi_release_resources,
	.irq_startup		= pvhvm_msi_startup,
	.irq_shutdown		= pvhvm_msi_shutdown,
	.irq_mask		= pvhvm_msi_mask,
	.irq_unmask		= pvhvm_msi_unmask,
	.irq_ack		= irq_chip_ack_parent,
	.flags			= IRQCHIP_SKIP_SET_WAKE,
};

static int pvhvm_msi_prepare(struct irq_domain *domain, struct device *dev,
			     int nvec, msi_alloc_info_t *arg)
{
	struct pci_dev *pdev = to_pci_dev(dev);

	memset(arg, 0, sizeof(*arg));
	/* The PCI core marks the mode enabled before it allocates. */
	arg->type = pdev->msix_enabled ? X86_IRQ_ALLOC_TYPE_PCI_MSIX :
					 X86_IRQ_ALLOC_TYPE_PCI_MSI;
	return 0;
}

static struct msi_domain_ops pvhvm_msi_ops = {
	.msi_prepare	= pvhvm_msi_prepare,
};

static struct msi_domain_info pvhvm_msi_info = {
	.flags		= MSI_FLAG_USE_DEF_DOM_OPS | MSI_FLAG_USE_DEF_CHIP_OPS |
			  MSI_FLAG_PCI_MSIX,
	.ops		= &pvhvm_msi_ops,
	.chip		= &pvhvm_msi_chip,
	.handler	= handle_edge_irq,
	.handler_name	= "edge",
};

/* A pirq for one vector from the host.  Called with pvhvm_irqs.lock held. */
static int pvhvm_msi_host_pirq(u32 below)
{
	struct physdev_get_free_pirq gp = { .type = MAP_PIRQ_TYPE_MSI };
	unsigned int i;
	long ret;

	for (i = 0; i < pvhvm_irqs.nr_idle; i++) {
		u32 pirq = pvhvm_irqs.idle[i];

		if (pirq >= below)
			continue;
		pvhvm_irqs.idle[i] = pvhvm_irqs.idle[--pvhvm_irqs.nr_idle];
		ret = pvhvm_pirq_claim(&pvhvm_irqs.alloc, pirq);
		return ret ? ret : pirq;
	}
	ret = pvhvm_hc_physdev_op(PHYSDEVOP_get_free_pirq, &gp, sizeof(gp));
	if (ret) {
		pr_err("PHYSDEVOP_get_free_pirq(MSI) failed: %ld\n", ret);
		pvhvm_pirq_host_refused(&pvhvm_irqs.alloc, 0, ret);
		return ret;
	}
	ret = pvhvm_pirq_claim(&pvhvm_irqs.alloc, gp.pirq);
	if (ret) {
		pr_err("host gave pirq %u for an MSI, which %s\n", gp.pirq,
		       ret == -EEXIST ? "this guest already holds" : "is out of range");
		return ret;
	}
	if (gp.pirq >= below) {
		pr_err("host gave pirq %u, which a device with 32-bit MSI addresses cannot carry\n",
		       gp.pirq);
		pvhvm_msi_put_pirq(gp.pirq, true);
		return -ERANGE;
	}
	return gp.pirq;
}

/**
 * pvhvm_msi_put_pirq() - give back a pirq of one MSI vector
 * @pirq: the pirq
 * @host: the host chose it: keep it for reuse
 *
 * Called with pvhvm_irqs.lock held.
 */
void pvhvm_msi_put_pirq(u32 pirq, bool host)
{
	u32 *idle;

	pvhvm_pirq_free(&pvhvm_irqs.alloc, pirq);
	if (!host)
		return;
	idle = krealloc_array(pvhvm_irqs.idle, pvhvm_irqs.nr_idle + 1,
			      sizeof(*idle), GFP_KERNEL);
	if (!idle) {
		pr_warn("out of memory: pirq %u is lost until reboot\n", pirq);
		return;
	}
	idle[pvhvm_irqs.nr_idle++] = pirq;
	pvhvm_irqs.idle = idle;
}

int pvhvm_msi_domain_alloc(struct irq_domain *domain, unsigned int virq,
			   unsigned int nr_irqs, struct irq_alloc_info *info)
{
	struct msi_desc *desc = info->desc;
	struct pci_dev *pdev = desc ? msi_desc_to_pci_dev(desc) : NULL;
	bool msix = info->type == X86_IRQ_ALLOC_TYPE_PCI_MSIX;
	u32 below = PVHVM_PIRQ_ANY;
	struct pvhvm_pirq *p;
	unsigned int i;
	int base, ret;

	if (!pdev)
		return -EINVAL;
	if (!msix && !desc->pci.msi_attrib.is_64)
		below = PVHVM_MSI_PIRQ_MAX_32BIT + 1;

	mutex_lock(&pvhvm_irqs.lock);
	if (nr_irqs > 1)
		base = pvhvm_msi_get_block(nr_irqs, below);
	else if (pvhvm_irqs.alloc.host_picks)
		base = pvhvm_msi_host_pirq(below);
	else
		base = pvhvm_pirq_alloc(&pvhvm_irqs.alloc, below);
	mutex_unlock(&pvhvm_irqs.lock);
	if (base < 0) {
		pci_err(pdev, "no pirq for %u %s vector%s: %d\n", nr_irqs,
			msix ? "MSI-X" : "MSI", nr_irqs > 1 ? "s" : "", base);
		return base;
	}

	for (i = 0; i < nr_irqs; i++) {
		p = pvhvm_pirq_new(base + i, PVHVM_NO_GSI,
				   msix ? PVHVM_MSIX : PVHVM_MSI, &pdev->dev);
		if (!p) {
			ret = -ENOMEM;
			goto out_free;
		}
		p->irq = virq + i;
		p->host_pirq = pvhvm_irqs.alloc.host_picks;
		p->in_block = nr_irqs > 1;
		if (nr_irqs > 1 && !i)
			p->block = pvhvm_pirq_block_size(nr_irqs);
		irq_set_status_flags(virq + i, IRQ_MOVE_PCNTXT);
		trace_pvhvm_map(p->pirq, p->gsi, virq + i, p->kind);
		irq_domain_set_info(domain, virq + i, p->pirq, &pvhvm_msi_root_chip,
				    p, handle_edge_irq, NULL, NULL);
	}
	return 0;

out_free:
	pvhvm_msi_domain_free(domain, virq, i);
	mutex_lock(&pvhvm_irqs.lock);
	if (nr_irqs > 1 && !i)
		pvhvm_msi_put_block(base, pvhvm_pirq_block_size(nr_irqs));
	for (; i < nr_irqs && nr_irqs == 1; i++)
		pvhvm_msi_put_pirq(base + i, pvhvm_irqs.alloc.host_picks);
	mutex_unlock(&pvhvm_irqs.lock);
	return ret;
}

void pvhvm_msi_domain_free(struct irq_domain *domain, unsigned int virq,
			   unsigned int nr_irqs)
{
	struct pvhvm_pirq *p;
	struct irq_data *d;
	unsigned int i;

	for (i = 0; i < nr_irqs; i++) {
		d = irq_domain_get_irq_data(domain, virq + i);
		p = d ? irq_data_get_irq_chip_data(d) : NULL;
		irq_domain_reset_irq_data(d);
		if (!p)
			continue;
		mutex_lock(&pvhvm_irqs.lock);
		if (p->block)
			pvhvm_msi_put_block(p->pirq, p->block);
		else if (!p->in_block)
			pvhvm_msi_put_pirq(p->pirq, p->host_pirq);
		mutex_unlock(&pvhvm_irqs.lock);
		pvhvm_pirq_del(p);
	}
}

/**
 * pvhvm_msi_set_device() - route a device's MSI/MSI-X through us
 * @pdev: a device with no driver bound
 *
 * Where MSI stays native the device keeps its domain.
 *
 * Return: the MSI domain it had, to give back later.
 */
struct irq_domain *pvhvm_msi_set_device(struct pci_dev *pdev)
{
	struct irq_domain *old = dev_get_msi_domain(&pdev->dev);

	/* MSI stays native (msi=0, virtualized APIC): leave the device's. */
	if (pvhvm_msi_domain)
		dev_set_msi_domain(&pdev->dev, pvhvm_msi_domain);
	return old;
}

int pvhvm_msi_init(void)
{
	struct fwnode_handle *fwnode;

	if (pvhvm_msi_probe_multi()) {
		pvhvm_msi_info.flags |= MSI_FLAG_MULTI_PCI_MSI;
		pr_info("multi-MSI: the host maps pirq blocks (MAP_PIRQ_TYPE_MULTI_MSI)\n");
	} else {
		pvhvm_msi_info.flags &= ~MSI_FLAG_MULTI_PCI_MSI;
		pr_info("multi-MSI: not offered by the host; devices get one MSI vector\n");
	}
	fwnode = irq_domain_alloc_named_fwnode("pvhvm-msi");
	if (!fwnode)
		return -ENOMEM;
	pvhvm_msi_domain = pci_msi_create_irq_domain(fwnode, &pvhvm_msi_info,
						     pvhvm_irqs.domain);
	if (!pvhvm_msi_domain) {
		irq_domain_free_fwnode(fwnode);
		return -ENOMEM;
	}
	return 0;
}

void pvhvm_msi_exit(void)
{
	struct fwnode_handle *fwnode;

	if (!pvhvm_msi_domain)
		return;
	fwnode = pvhvm_msi_domain->fwnode;
	irq_domain_remove(pvhvm_msi_domain);
	irq_domain_free_fwnode(fwnode);
	pvhvm_msi_domain = NULL;
	kfree(pvhvm_irqs.idle);
	pvhvm_irqs.idle = NULL;
	pvhvm_irqs.nr_idle = 0;
}
