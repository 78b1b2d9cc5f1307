// SPDX-License-Identifier: GPL-2.0
/*
 * pvirq_vectest: a vector on every online CPU, to check that an interrupt
 * pvirq-host injects for vCPU C on vector V arrives on CPU C.  Test-only.
 *
 * Each CPU gets one managed IRQ from x86_vector_domain pinned to it, the way
 * pvirq's drivers own their per-CPU vectors.  The handler counts hits, and
 * hits taken on another CPU than the one the IRQ is pinned to.
 *
 * /sys/kernel/debug/pvirq_vectest/vectors: one line per CPU,
 *   "CPU VECTOR HITS WRONGCPU"   (VECTOR in hex, 0x..)
 * Writing anything to it resets the counters.
 *
 * CPU hotplug is not followed: offlining a CPU shuts its IRQ down, and the
 * vector shown may change when it comes back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <asm/hw_irq.h>
#include <asm/irqdomain.h>

struct pvv_vec {
	unsigned int cpu;
	int virq;			/* 0 when not allocated */
	bool requested;
	atomic64_t hits;
	atomic64_t wrongcpu;
};

/* Set up at init and torn down at exit; the handlers only count. */
static struct pvv_vec *pvv_vecs;
static unsigned int pvv_nr;
static struct dentry *pvv_dir;

static irqreturn_t pvv_handler(int irq, void *data)
{
	struct pvv_vec *v = data;

	atomic64_inc(&v->hits);
	if (raw_smp_processor_id() != v->cpu)
		atomic64_inc(&v->wrongcpu);
	return IRQ_HANDLED;
}

static unsigned int pvv_vector(struct pvv_vec *v)
{
	struct irq_cfg *cfg = irqd_cfg(irq_get_irq_data(v->virq));

	return cfg ? cfg->vector : 0;
}

static int pvv_show(struct seq_file *m, void *unused)
{
	unsigned int i;

	for (i = 0; i < pvv_nr; i++) {
		struct pvv_vec *v = &pvv_vecs[i];

		if (!v->requested)
			continue;
		seq_printf(m, "%u %#x %lld %lld\n", v->cpu, pvv_vector(v),
			   atomic64_read(&v->hits),
			   atomic64_read(&v->wrongcpu));
	}
	return 0;
}

static int pvv_open(struct inode *inode, struct file *file)
{
	return single_open(file, pvv_show, NULL);
}

static ssize_t pvv_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	unsigned int i;

	for (i = 0; i < pvv_nr; i++) {
		atomic64_set(&pvv_vecs[i].hits, 0);
		atomic64_set(&pvv_vecs[i].wrongcpu, 0);
	}
	return count;
}

static const struct file_operations pvv_fops = {
	.owner = THIS_MODULE,
	.open = pvv_open,
	.read = seq_read,
	.write = pvv_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int pvv_setup_one(struct pvv_vec *v)
{
	struct irq_affinity_desc aff = { .is_managed = 1 };
	struct irq_alloc_info info = {};
	int virq, err;

	cpumask_copy(&aff.mask, cpumask_of(v->cpu));
	virq = __irq_domain_alloc_irqs(x86_vector_domain, -1, 1,
				       cpu_to_node(v->cpu), &info, false,
				       &aff);
	if (virq < 0) {
		pr_err("no vector IRQ for cpu %u (%d)\n", v->cpu, virq);
		return virq;
	}
	/* The vector domain sets no flow handler; edge EOIs the APIC. */
	irq_set_handler(virq, handle_edge_irq);
	err = request_irq(virq, pvv_handler, 0, KBUILD_MODNAME, v);
	if (err) {
		pr_err("request_irq %d for cpu %u failed (%d)\n", virq,
		       v->cpu, err);
		irq_dispose_mapping(virq);
		return err;
	}
	v->virq = virq;
	v->requested = true;
	return 0;
}

static void pvv_teardown(void)
{
	unsigned int i;

	for (i = 0; i < pvv_nr; i++) {
		struct pvv_vec *v = &pvv_vecs[i];

		if (!v->requested)
			continue;
		free_irq(v->virq, v);
		irq_dispose_mapping(v->virq);
		v->requested = false;
	}
}

static int __init pvv_init(void)
{
	unsigned int cpu;
	int err = 0;

	/* Hold the online set still while one vector per CPU is set up. */
	cpus_read_lock();
	pvv_vecs = kcalloc(num_online_cpus(), sizeof(*pvv_vecs), GFP_KERNEL);
	if (!pvv_vecs) {
		cpus_read_unlock();
		return -ENOMEM;
	}
	for_each_online_cpu(cpu) {
		struct pvv_vec *v = &pvv_vecs[pvv_nr++];

		v->cpu = cpu;
		err = pvv_setup_one(v);
		if (err)
			break;
		pr_info("cpu %u: irq %d vector %#x\n", cpu, v->virq,
			pvv_vector(v));
	}
	cpus_read_unlock();
	if (err)
		goto free_vectors;

	pvv_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("vectors", 0600, pvv_dir, NULL, &pvv_fops);
	return 0;

free_vectors:
	pvv_teardown();
	kfree(pvv_vecs);
	return err;
}

static void __exit pvv_exit(void)
{
	debugfs_remove_recursive(pvv_dir);
	pvv_teardown();
	kfree(pvv_vecs);
}

module_init(pvv_init);
module_exit(pvv_exit);

MODULE_DESCRIPTION("pvirq test: a counted vector on every CPU");
MODULE_LICENSE("GPL");
