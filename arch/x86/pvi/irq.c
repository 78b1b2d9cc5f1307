// SPDX-License-Identifier: GPL-2.0
/*
 * The "pvi" irq domain: every GSI another guest may raise here is a Linux
 * IRQ of this domain, hwirq == GSI, created on demand by pvi_gsi_to_irq().
 *
 * A PVI is an edge: the backend has already taken it from the host (its
 * pending bit is gone) when pvi_deliver() runs, so the chip has nothing to
 * acknowledge and no host-side mask.  An IRQ that is disabled when its GSI
 * arrives is left pending by the edge flow and replayed by the IRQ core's
 * resend when it is enabled again.  Affinity is the backend's route: the
 * host interrupts the CPU a GSI is routed to.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "pvi_int.h"
#include "pvi_trace.h"

static void pvi_chip_ack(struct irq_data *d)
{
	/* Taken from the host's pending bitmap before dispatch already. */
}

static int pvi_chip_set_affinity(struct irq_data *d, const struct cpumask *dest,
				 bool force)
{
	const struct pvi_backend_ops *ops = READ_ONCE(pvi.ops);
	unsigned int cpu;
	int ret;

	cpu = force ? cpumask_first(dest) : cpumask_first_and(dest, cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	/* Before the backend is published only init maps IRQs: nothing to move. */
	if (ops) {
		ret = ops->route(irqd_to_hwirq(d), cpu);
		if (ret)
			return ret;
	}
	irq_data_update_effective_affinity(d, cpumask_of(cpu));
	return IRQ_SET_MASK_OK_DONE;
}

static struct irq_chip pvi_chip = {
	.name			= "pvi",
	.irq_ack		= pvi_chip_ack,
	.irq_set_affinity	= pvi_chip_set_affinity,
	.flags			= IRQCHIP_SKIP_SET_WAKE,
};

static int pvi_domain_map(struct irq_domain *domain, unsigned int virq,
			  irq_hw_number_t hwirq)
{
	if (hwirq >= pvi.nr_gsis)
		return -EINVAL;
	/* A route is one hypercall: move at once, not at the next PVI. */
	irq_set_status_flags(virq, IRQ_MOVE_PCNTXT);
	irq_set_chip_and_handler_name(virq, &pvi_chip, handle_edge_irq, "edge");
	return 0;
}

static const struct irq_domain_ops pvi_domain_ops = {
	.map	= pvi_domain_map,
	.xlate	= irq_domain_xlate_onecell,
};

/**
 * pvi_deliver() - dispatch a GSI the backend took from the host
 * @gsi: the GSI, not yet checked against nr_gsis
 *
 * Context: hard interrupt, on the CPU the host interrupted.
 */
void pvi_deliver(u32 gsi)
{
	bool mapped;

	if (unlikely(gsi >= pvi.nr_gsis)) {
		atomic64_inc(&pvi.stats.bad_gsi);
		return;
	}
	atomic64_inc(&pvi.stats.received);
	atomic64_inc(&pvi.gsi_count[gsi]);
	mapped = !generic_handle_domain_irq(pvi.domain, gsi);
	if (!mapped)
		atomic64_inc(&pvi.stats.unmapped);
	trace_pvi_receive(smp_processor_id(), gsi, mapped);
}

int pvi_irq_init(void)
{
	struct fwnode_handle *fwnode;

	pvi.gsi_count = kvcalloc(PVI_MAX_GSIS, sizeof(*pvi.gsi_count),
				 GFP_KERNEL);
	if (!pvi.gsi_count)
		return -ENOMEM;
	fwnode = irq_domain_alloc_named_fwnode("pvi");
	if (!fwnode)
		goto out_free_counts;
	/* A tree: the size is only known once the backend asked the host. */
	pvi.domain = irq_domain_create_tree(fwnode, &pvi_domain_ops, NULL);
	if (!pvi.domain)
		goto out_free_fwnode;
	return 0;

out_free_fwnode:
	irq_domain_free_fwnode(fwnode);
out_free_counts:
	kvfree(pvi.gsi_count);
	pvi.gsi_count = NULL;
	return -ENOMEM;
}

/* After the backend's exit: no more deliveries; no handler is left. */
void pvi_irq_exit(void)
{
	struct fwnode_handle *fwnode = pvi.domain->fwnode;
	unsigned int irq;
	u32 gsi;

	for (gsi = 0; gsi < pvi.nr_gsis; gsi++) {
		irq = irq_find_mapping(pvi.domain, gsi);
		if (irq)
			irq_dispose_mapping(irq);
	}
	irq_domain_remove(pvi.domain);
	irq_domain_free_fwnode(fwnode);
	pvi.domain = NULL;
	kvfree(pvi.gsi_count);
	pvi.gsi_count = NULL;
}
