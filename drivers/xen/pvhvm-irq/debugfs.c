// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs for pvhvm_irq (<debugfs>/pvhvm_irq/):
 *   table  one line per remapped interrupt: IRQ, pirq, port, CPU, GSI,
 *          kind, needs_eoi, events dispatched, device
 *   stats  pirq allocator and dispatch counters
 *   remap  write a PCI address (0000:00:03.0) to rebind that device's
 *          driver so that its interrupts are remapped
 *   gsi    "map G edge|level" remaps GSI G to a pirq and gives it a Linux
 *          IRQ (shown in the table, with no device), for a driver that is
 *          told its IRQ rather than finding it (an ISA device, setserial);
 *          "unmap G" undoes it once no handler is left.  While any is
 *          mapped the module holds a reference to itself: the IRQ must be
 *          unmapped before the module can go.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/pci.h>
#include <linux/uaccess.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "pvhvm.h"

static struct dentry *pvhvm_debugfs;

/**
 * struct pvhvm_dbg_gsi - a GSI mapped through the gsi file
 * @node: on pvhvm_dbg_gsis
 * @gsi: the GSI
 * @irq: its Linux IRQ
 */
struct pvhvm_dbg_gsi {
	struct list_head node;
	u32 gsi;
	int irq;
};

/* GSIs mapped through the gsi file; the list and its entries under the mutex. */
static LIST_HEAD(pvhvm_dbg_gsis);
static DEFINE_MUTEX(pvhvm_dbg_gsi_lock);

static const char * const pvhvm_kind_name[] = {
	[PVHVM_GSI_LEVEL]	= "gsi-level",
	[PVHVM_GSI_EDGE]	= "gsi-edge",
	[PVHVM_MSI]		= "msi",
	[PVHVM_MSIX]		= "msi-x",
};

static int pvhvm_table_show(struct seq_file *m, void *v)
{
	struct pvhvm_pirq *p;

	seq_puts(m, "irq\tpirq\tport\tcpu\tgsi\tkind\tneeds_eoi\tevents\tdevice\n");
	mutex_lock(&pvhvm_irqs.lock);
	list_for_each_entry(p, &pvhvm_irqs.list, node) {
		seq_printf(m, "%u\t%u\t", p->irq, p->pirq);
		if (p->port)
			seq_printf(m, "%u\t%u\t", p->port, p->cpu);
		else
			seq_puts(m, "-\t-\t");
		if (p->gsi != PVHVM_NO_GSI)
			seq_printf(m, "%u\t", p->gsi);
		else
			seq_puts(m, "-\t");
		seq_printf(m, "%s\t%d\t%lld\t%s\n", pvhvm_kind_name[p->kind],
			   p->needs_eoi, (long long)atomic64_read(&p->events),
			   p->dev ? dev_name(p->dev) : "-");
	}
	mutex_unlock(&pvhvm_irqs.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pvhvm_table);

static int pvhvm_stats_show(struct seq_file *m, void *v)
{
	struct pvhvm_pirq_alloc *a = &pvhvm_irqs.alloc;

	mutex_lock(&pvhvm_irqs.lock);
	seq_printf(m, "pirq_mode %s\n", a->host_picks ? "host-picks" : "ranged");
	seq_printf(m, "pirq_range %u %u\n", a->lo, a->hi);
	seq_printf(m, "pirqs_in_use %u\n", a->in_use);
	seq_printf(m, "pirqs_peak %u\n", a->peak);
	seq_printf(m, "pirq_allocs %llu\n", a->nr_alloc);
	seq_printf(m, "pirq_frees %llu\n", a->nr_free);
	seq_printf(m, "pirq_failures %llu\n", a->nr_fail);
	seq_printf(m, "pirqs_idle %u\n", pvhvm_irqs.nr_idle);
	seq_printf(m, "spurious_events %lld\n",
		   (long long)atomic64_read(&pvhvm_irqs.spurious));
	seq_printf(m, "evtchn_abi %s\n", pvhvm_irqs.evtchn.ops->name);
	/* Per bound port: this entry plus its slot in the port xarray. */
	seq_printf(m, "pirq_entry_bytes %zu\n", sizeof(struct pvhvm_pirq));
	mutex_unlock(&pvhvm_irqs.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pvhvm_stats);

static ssize_t pvhvm_remap_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *off)
{
	unsigned int dom, bus, slot, fn;
	struct pci_dev *pdev;
	char buf[32];
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%x:%x:%x.%x", &dom, &bus, &slot, &fn) != 4)
		return -EINVAL;
	pdev = pci_get_domain_bus_and_slot(dom, bus, PCI_DEVFN(slot, fn));
	if (!pdev)
		return -ENODEV;
	ret = pvhvm_device_remap(pdev);
	pci_dev_put(pdev);
	return ret ? ret : len;
}

static const struct file_operations pvhvm_remap_fops = {
	.owner	= THIS_MODULE,
	.write	= pvhvm_remap_write,
	.llseek	= noop_llseek,
};

static struct pvhvm_dbg_gsi *pvhvm_dbg_gsi_find(u32 gsi)
{
	struct pvhvm_dbg_gsi *g;

	lockdep_assert_held(&pvhvm_dbg_gsi_lock);
	list_for_each_entry(g, &pvhvm_dbg_gsis, node)
		if (g->gsi == gsi)
			return g;
	return NULL;
}

static int pvhvm_dbg_gsi_map(u32 gsi, bool level)
{
	struct pvhvm_dbg_gsi *g;
	int ret;

	mutex_lock(&pvhvm_dbg_gsi_lock);
	if (pvhvm_dbg_gsi_find(gsi)) {
		ret = -EEXIST;
		goto out_unlock;
	}
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	ret = pvhvm_irq_map_gsi(gsi, level, NULL);
	if (ret < 0)
		goto out_free;
	g->gsi = gsi;
	g->irq = ret;
	if (list_empty(&pvhvm_dbg_gsis))
		__module_get(THIS_MODULE);
	list_add_tail(&g->node, &pvhvm_dbg_gsis);
	pr_info("GSI %u (%s) remapped to IRQ %d\n", gsi, level ? "level" : "edge",
		g->irq);
	mutex_unlock(&pvhvm_dbg_gsi_lock);
	return 0;

out_free:
	kfree(g);
out_unlock:
	mutex_unlock(&pvhvm_dbg_gsi_lock);
	return ret;
}

static int pvhvm_dbg_gsi_unmap(u32 gsi)
{
	struct pvhvm_dbg_gsi *g;
	int ret = 0;

	mutex_lock(&pvhvm_dbg_gsi_lock);
	g = pvhvm_dbg_gsi_find(gsi);
	if (!g) {
		ret = -ENOENT;
		goto out_unlock;
	}
	/* The IRQ goes away with the mapping: no driver may still use it. */
	if (irq_has_action(g->irq)) {
		pr_err("GSI %u: IRQ %d still has a handler; not unmapped\n",
		       gsi, g->irq);
		ret = -EBUSY;
		goto out_unlock;
	}
	pvhvm_irq_unmap_gsi(g->irq);
	list_del(&g->node);
	pr_info("GSI %u unmapped (was IRQ %d)\n", gsi, g->irq);
	kfree(g);
	if (list_empty(&pvhvm_dbg_gsis))
		module_put(THIS_MODULE);
out_unlock:
	mutex_unlock(&pvhvm_dbg_gsi_lock);
	return ret;
}

static ssize_t pvhvm_gsi_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *off)
{
	char buf[32], trig[8];
	unsigned int gsi;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "map %u %7s", &gsi, trig) == 2 &&
	    (!strcmp(trig, "edge") || !strcmp(trig, "level")))
		ret = pvhvm_dbg_gsi_map(gsi, !strcmp(trig, "level"));
	else if (sscanf(buf, "unmap %u", &gsi) == 1)
		ret = pvhvm_dbg_gsi_unmap(gsi);
	else
		ret = -EINVAL;
	return ret ? ret : len;
}

static const struct file_operations pvhvm_gsi_fops = {
	.owner	= THIS_MODULE,
	.write	= pvhvm_gsi_write,
	.llseek	= noop_llseek,
};

void pvhvm_debugfs_init(void)
{
	pvhvm_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("table", 0444, pvhvm_debugfs, NULL, &pvhvm_table_fops);
	debugfs_create_file("stats", 0444, pvhvm_debugfs, NULL, &pvhvm_stats_fops);
	debugfs_create_file("remap", 0200, pvhvm_debugfs, NULL, &pvhvm_remap_fops);
	debugfs_create_file("gsi", 0200, pvhvm_debugfs, NULL, &pvhvm_gsi_fops);
}

void pvhvm_debugfs_exit(void)
{
	debugfs_remove_recursive(pvhvm_debugfs);
	pvhvm_debugfs = NULL;
}
