// SPDX-License-Identifier: GPL-2.0
/*
 * pvirq_testdev: a driver for the PCI device pvirq-host serves on the
 * transport's virtual bus.  Test-only.
 *
 * It asks the PCI/MSI core for interrupts the ordinary way (mode=msi|msix|
 * intx, nvec, minvec), requests every vector and counts what arrives, per
 * vector and per CPU.  The host fires a vector by writing the message the
 * guest programmed (MSI capability or MSI-X table), so a count here proves
 * the whole path: guest MSI core -> host -> injected vector -> our handler.
 *
 * /sys/kernel/debug/pvirq_testdev/<pci name>/
 *   info   "mode M nvec N"
 *
 * Other devices can be bound too, through the driver's new_id (e.g. QEMU's
 * edu device for legacy INTx tests): they always get one INTx interrupt,
 * whatever mode says, so that one load of the module can drive both.
 *   irqs   one line per vector: "VEC IRQ HITS C0 C1 ..." (hits per CPU)
 *          writing anything resets the counters
 *
 * legacy_irq=N also requests Linux IRQ N as an ISA driver told its IRQ
 * would (IRQF_TRIGGER_RISING), e.g. a GSI pvhvm_irq remapped through its
 * debugfs gsi file.  /sys/kernel/debug/pvirq_testdev/legacy/:
 *   irqs     as above, one line
 *   enabled  write 0: disable_irq() (the chip masks at once), 1: enable_irq()
 *   hold     write 1: the next handler call spins until 0 is written (or
 *            for at most PVD_HOLD_MAX_MS), so that the test can raise the
 *            interrupt while its handler runs; reads "in_handler 0|1"
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/irq.h>
#include <linux/mutex.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#define PVD_VENDOR	0x1234
#define PVD_DEVICE	0x5056
#define PVD_MAX_VEC	32

/* 6.8 renamed PCI_IRQ_LEGACY; the bit is the same. */
#ifndef PCI_IRQ_INTX
#define PCI_IRQ_INTX	PCI_IRQ_LEGACY
#endif

static char *mode = "msix";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "interrupt mode: msi, msix or intx");
static unsigned int nvec = 1;
module_param(nvec, uint, 0444);
MODULE_PARM_DESC(nvec, "vectors to ask for (1..32)");
static unsigned int minvec;
module_param(minvec, uint, 0444);
MODULE_PARM_DESC(minvec, "fewest vectors to accept (default: nvec)");
static unsigned int legacy_irq;
module_param(legacy_irq, uint, 0444);
MODULE_PARM_DESC(legacy_irq, "also request this Linux IRQ, rising edge (default: none)");

#define PVD_HOLD_MAX_MS	2000

struct pvd_vec {
	struct pvd_dev *td;
	unsigned int index;
	int irq;
	atomic64_t hits;
	atomic64_t *cpu_hits;		/* [nr_cpu_ids] */
};

/* Built in probe, freed in remove; handlers only count. */
struct pvd_dev {
	struct pci_dev *pdev;
	unsigned int flags;		/* PCI_IRQ_* in use */
	unsigned int nvec;		/* granted */
	unsigned int nrequested;
	struct pvd_vec *vecs;
	atomic64_t *cpu_hits;		/* [nvec * nr_cpu_ids] */
	struct dentry *dir;
};

static struct dentry *pvd_root;

/* The legacy_irq: set up at init, torn down at exit. */
static struct pvd_dev pvd_legacy;
static struct pvd_vec pvd_legacy_vec;
static bool pvd_legacy_disabled;	/* under the enabled file's writes */
static DEFINE_MUTEX(pvd_legacy_lock);	/* serializes those writes */
static atomic_t pvd_hold = ATOMIC_INIT(0);
static atomic_t pvd_in_handler = ATOMIC_INIT(0);

static irqreturn_t pvd_handler(int irq, void *data)
{
	struct pvd_vec *v = data;
	unsigned int cpu = raw_smp_processor_id();
	unsigned int ms;

	atomic64_inc(&v->hits);
	if (cpu < nr_cpu_ids)
		atomic64_inc(&v->cpu_hits[cpu]);
	if (v == &pvd_legacy_vec && atomic_read(&pvd_hold)) {
		atomic_set(&pvd_in_handler, 1);
		for (ms = 0; ms < PVD_HOLD_MAX_MS && atomic_read(&pvd_hold); ms++)
			mdelay(1);
		atomic_set(&pvd_hold, 0);
		atomic_set(&pvd_in_handler, 0);
	}
	return IRQ_HANDLED;
}

static const char *pvd_mode_name(unsigned int flags)
{
	if (flags == PCI_IRQ_MSI)
		return "msi";
	if (flags == PCI_IRQ_MSIX)
		return "msix";
	return "intx";
}

static int pvd_info_show(struct seq_file *m, void *unused)
{
	struct pvd_dev *td = m->private;

	seq_printf(m, "mode %s nvec %u\n", pvd_mode_name(td->flags), td->nvec);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pvd_info);

static int pvd_irqs_show(struct seq_file *m, void *unused)
{
	struct pvd_dev *td = m->private;
	unsigned int i, cpu;

	for (i = 0; i < td->nrequested; i++) {
		struct pvd_vec *v = &td->vecs[i];

		seq_printf(m, "%u %d %lld", i, v->irq, atomic64_read(&v->hits));
		for_each_possible_cpu(cpu)
			seq_printf(m, " %lld", atomic64_read(&v->cpu_hits[cpu]));
		seq_putc(m, '\n');
	}
	return 0;
}

static int pvd_irqs_open(struct inode *inode, struct file *file)
{
	return single_open(file, pvd_irqs_show, inode->i_private);
}

static ssize_t pvd_irqs_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct pvd_dev *td = ((struct seq_file *)file->private_data)->private;
	unsigned int i, cpu;

	for (i = 0; i < td->nrequested; i++) {
		atomic64_set(&td->vecs[i].hits, 0);
		for_each_possible_cpu(cpu)
			atomic64_set(&td->vecs[i].cpu_hits[cpu], 0);
	}
	return count;
}

static const struct file_operations pvd_irqs_fops = {
	.owner = THIS_MODULE,
	.open = pvd_irqs_open,
	.read = seq_read,
	.write = pvd_irqs_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int pvd_parse_mode(struct pci_dev *pdev, unsigned int *flags)
{
	if (pdev->vendor != PVD_VENDOR || pdev->device != PVD_DEVICE) {
		*flags = PCI_IRQ_INTX;
		return 0;
	}
	if (sysfs_streq(mode, "msi"))
		*flags = PCI_IRQ_MSI;
	else if (sysfs_streq(mode, "msix"))
		*flags = PCI_IRQ_MSIX;
	else if (sysfs_streq(mode, "intx"))
		*flags = PCI_IRQ_INTX;
	else
		goto bad;
	if (nvec < 1 || nvec > PVD_MAX_VEC || minvec > nvec ||
	    (*flags == PCI_IRQ_INTX && nvec != 1))
		goto bad;
	return 0;
bad:
	pci_err(pdev, "bad parameters: mode=%s nvec=%u minvec=%u\n", mode,
		nvec, minvec);
	return -EINVAL;
}

static void pvd_free_requested(struct pvd_dev *td)
{
	while (td->nrequested) {
		struct pvd_vec *v = &td->vecs[--td->nrequested];

		free_irq(v->irq, v);
	}
}

static int pvd_request_all(struct pvd_dev *td)
{
	struct pci_dev *pdev = td->pdev;
	unsigned int i;
	int err;

	for (i = 0; i < td->nvec; i++) {
		struct pvd_vec *v = &td->vecs[i];

		v->td = td;
		v->index = i;
		v->cpu_hits = &td->cpu_hits[i * nr_cpu_ids];
		v->irq = pci_irq_vector(pdev, i);
		if (v->irq < 0) {
			err = v->irq;
			goto free_requested;
		}
		err = request_irq(v->irq, pvd_handler, 0, KBUILD_MODNAME, v);
		if (err) {
			pci_err(pdev, "request_irq %d (vector %u) failed (%d)\n",
				v->irq, i, err);
			goto free_requested;
		}
		td->nrequested++;
	}
	return 0;

free_requested:
	pvd_free_requested(td);
	return err;
}

static int pvd_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	unsigned int want_min, want_max;
	struct pvd_dev *td;
	int ret;

	td = devm_kzalloc(&pdev->dev, sizeof(*td), GFP_KERNEL);
	if (!td)
		return -ENOMEM;
	td->pdev = pdev;
	ret = pvd_parse_mode(pdev, &td->flags);
	if (ret)
		return ret;

	ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	/* MSI writes are bus-master writes. */
	pci_set_master(pdev);

	want_max = td->flags == PCI_IRQ_INTX ? 1 : nvec;
	want_min = td->flags == PCI_IRQ_INTX ? 1 : minvec ? minvec : nvec;
	ret = pci_alloc_irq_vectors(pdev, want_min, want_max, td->flags);
	if (ret < 0) {
		pci_err(pdev, "%s: %u..%u vectors refused (%d)\n",
			pvd_mode_name(td->flags), want_min, want_max, ret);
		goto disable_device;
	}
	td->nvec = ret;

	td->vecs = kcalloc(td->nvec, sizeof(*td->vecs), GFP_KERNEL);
	td->cpu_hits = kcalloc(td->nvec * nr_cpu_ids, sizeof(*td->cpu_hits),
			       GFP_KERNEL);
	if (!td->vecs || !td->cpu_hits) {
		ret = -ENOMEM;
		goto free_arrays;
	}
	ret = pvd_request_all(td);
	if (ret)
		goto free_arrays;

	td->dir = debugfs_create_dir(pci_name(pdev), pvd_root);
	debugfs_create_file("info", 0444, td->dir, td, &pvd_info_fops);
	debugfs_create_file("irqs", 0600, td->dir, td, &pvd_irqs_fops);
	pci_set_drvdata(pdev, td);
	pci_info(pdev, "%s with %u vectors, first irq %d\n",
		 pvd_mode_name(td->flags), td->nvec, td->vecs[0].irq);
	return 0;

free_arrays:
	kfree(td->cpu_hits);
	kfree(td->vecs);
	pci_free_irq_vectors(pdev);
disable_device:
	pci_clear_master(pdev);
	pci_disable_device(pdev);
	return ret;
}

static void pvd_remove(struct pci_dev *pdev)
{
	struct pvd_dev *td = pci_get_drvdata(pdev);

	debugfs_remove_recursive(td->dir);
	pvd_free_requested(td);
	kfree(td->cpu_hits);
	kfree(td->vecs);
	pci_free_irq_vectors(pdev);
	pci_clear_master(pdev);
	pci_disable_device(pdev);
}

static const struct pci_device_id pvd_ids[] = {
	{ PCI_DEVICE(PVD_VENDOR, PVD_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, pvd_ids);

static struct pci_driver pvd_driver = {
	.name = KBUILD_MODNAME,
	.id_table = pvd_ids,
	.probe = pvd_probe,
	.remove = pvd_remove,
};

static ssize_t pvd_enabled_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	bool on;
	int err;

	err = kstrtobool_from_user(ubuf, count, &on);
	if (err)
		return err;
	mutex_lock(&pvd_legacy_lock);
	if (on && pvd_legacy_disabled)
		enable_irq(pvd_legacy_vec.irq);
	else if (!on && !pvd_legacy_disabled)
		disable_irq(pvd_legacy_vec.irq);
	pvd_legacy_disabled = !on;
	mutex_unlock(&pvd_legacy_lock);
	return count;
}

static const struct file_operations pvd_enabled_fops = {
	.owner = THIS_MODULE,
	.write = pvd_enabled_write,
	.llseek = noop_llseek,
};

static int pvd_hold_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "in_handler %d\n", atomic_read(&pvd_in_handler));
	return 0;
}

static int pvd_hold_open(struct inode *inode, struct file *file)
{
	return single_open(file, pvd_hold_show, NULL);
}

static ssize_t pvd_hold_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	bool on;
	int err;

	err = kstrtobool_from_user(ubuf, count, &on);
	if (err)
		return err;
	atomic_set(&pvd_hold, on);
	return count;
}

static const struct file_operations pvd_hold_fops = {
	.owner = THIS_MODULE,
	.open = pvd_hold_open,
	.read = seq_read,
	.write = pvd_hold_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* Request legacy_irq the way a driver told its IRQ does. */
static int pvd_legacy_init(void)
{
	struct pvd_vec *v = &pvd_legacy_vec;
	int err;

	v->cpu_hits = kcalloc(nr_cpu_ids, sizeof(*v->cpu_hits), GFP_KERNEL);
	if (!v->cpu_hits)
		return -ENOMEM;
	v->td = &pvd_legacy;
	v->irq = legacy_irq;
	pvd_legacy.vecs = v;
	/* disable_irq() masks at once, so the host sees the mask. */
	irq_set_status_flags(v->irq, IRQ_DISABLE_UNLAZY);
	err = request_irq(v->irq, pvd_handler, IRQF_TRIGGER_RISING,
			  KBUILD_MODNAME, v);
	if (err) {
		pr_err("request_irq %d failed (%d)\n", v->irq, err);
		goto out_clear_flags;
	}
	pvd_legacy.nrequested = 1;
	pvd_legacy.dir = debugfs_create_dir("legacy", pvd_root);
	debugfs_create_file("irqs", 0600, pvd_legacy.dir, &pvd_legacy,
			    &pvd_irqs_fops);
	debugfs_create_file("enabled", 0200, pvd_legacy.dir, NULL,
			    &pvd_enabled_fops);
	debugfs_create_file("hold", 0600, pvd_legacy.dir, NULL, &pvd_hold_fops);
	pr_info("legacy IRQ %d requested\n", v->irq);
	return 0;

out_clear_flags:
	irq_clear_status_flags(v->irq, IRQ_DISABLE_UNLAZY);
	kfree(v->cpu_hits);
	return err;
}

static void pvd_legacy_exit(void)
{
	struct pvd_vec *v = &pvd_legacy_vec;

	atomic_set(&pvd_hold, 0);
	if (pvd_legacy_disabled)
		enable_irq(v->irq);
	free_irq(v->irq, v);
	irq_clear_status_flags(v->irq, IRQ_DISABLE_UNLAZY);
	kfree(v->cpu_hits);
}

static int __init pvd_init(void)
{
	int err;

	pvd_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (legacy_irq) {
		err = pvd_legacy_init();
		if (err)
			goto out_remove_dir;
	}
	err = pci_register_driver(&pvd_driver);
	if (err)
		goto out_legacy_exit;
	return 0;

out_legacy_exit:
	if (legacy_irq)
		pvd_legacy_exit();
out_remove_dir:
	debugfs_remove_recursive(pvd_root);
	return err;
}

static void __exit pvd_exit(void)
{
	pci_unregister_driver(&pvd_driver);
	if (legacy_irq)
		pvd_legacy_exit();
	debugfs_remove_recursive(pvd_root);
}

module_init(pvd_init);
module_exit(pvd_exit);

MODULE_DESCRIPTION("pvirq test: driver for pvirq-host's virtual PCI device");
MODULE_LICENSE("GPL");
