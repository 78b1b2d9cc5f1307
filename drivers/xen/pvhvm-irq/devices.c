// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI devices pvhvm_irq takes over.
 *
 * A device is taken over when a driver binds to it: BUS_NOTIFY_BIND_DRIVER
 * comes before the bus calls the driver's probe.  Its MSI domain becomes
 * ours (msi.c), and if its INTx pin is routed to a GSI, that GSI is mapped
 * to a pirq whose IRQ is put in pdev->irq, marked managed: x86's ACPI code,
 * which would otherwise route INTx when the driver enables the device, then
 * leaves it alone.  When the driver unbinds, the managed mark is dropped
 * before the bus lets ACPI undo a routing it never did, and once the driver
 * is gone the GSI is unmapped and pdev->irq cleared, as ACPI would have.
 *
 * x86 routes INTx through ACPI only when a driver enables the device, after
 * the bind notification, so the GSI of a device with no driver is learnt by
 * probing it once with a driver of ours that matches nothing else
 * (driver_override): it enables the device, which gives pdev->irq an
 * IO-APIC IRQ whose pin is the GSI on the single IO-APIC (GSI base 0) of a
 * Xen HVM guest, disables it again and declines.  A device bound already
 * shows its routing in pdev->irq.  Linux IRQ and GSI are never assumed
 * equal.
 *
 * Devices already bound when the module loads keep their interrupts until
 * they are rebound: with remap_bound=1 at load, or one by one through
 * debugfs.  The device whose driver carries our own hypercalls (a test
 * transport) is never touched.  Unloading unbinds every device taken over,
 * gives it back its MSI domain and rebinds it natively.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/pci.h>
#include <linux/irq.h>
#include <linux/slab.h>
#include <linux/module.h>
#include <pvirq/seam.h>
#include <pvirq/compat.h>

#include "pvhvm.h"

static bool remap_bound;
module_param(remap_bound, bool, 0444);
MODULE_PARM_DESC(remap_bound,
		 "at load, unbind and rebind devices that already have a driver so that they are remapped too (default: no)");

/**
 * struct pvhvm_dev - a device we know
 * @node: on pvhvm_devs.list
 * @pdev: the device, with a reference held
 * @saved_msi: its MSI domain before we set ours
 * @gsi: its INTx GSI, %PVHVM_NO_GSI if it has none we can use, or
 *	PVHVM_GSI_UNKNOWN until learnt
 * @irq: our IRQ for @gsi while a driver we remapped is bound, else 0
 * @msi_taken: its MSI domain is ours
 * @has_attr: the pvhvm_gsi sysfs attribute exists
 */
struct pvhvm_dev {
	struct list_head node;
	struct pci_dev *pdev;
	struct irq_domain *saved_msi;
	u32 gsi;
	int irq;
	bool msi_taken;
	bool has_attr;
};

#define PVHVM_GSI_UNKNOWN	(~1U)

/**
 * struct pvhvm_devs - the devices we know
 * @lock: guards @list and every field of its entries.  Never held across
 *	device_release_driver()/device_attach(), which call our notifier:
 *	order is device lock, then @lock.
 * @list: struct pvhvm_dev entries
 * @exiting: the module is unloading: take nothing over any more
 * @skip_owner: module of the driver we must never unbind, or %NULL
 */
struct pvhvm_devs {
	struct mutex lock;	/* see above */
	struct list_head list;
	bool exiting;
	struct module *skip_owner;
};

static struct pvhvm_devs devs = {
	.lock = __MUTEX_INITIALIZER(devs.lock),
	.list = LIST_HEAD_INIT(devs.list),
};

static struct pvhvm_dev *pvhvm_dev_find(struct pci_dev *pdev)
{
	struct pvhvm_dev *d;

	lockdep_assert_held(&devs.lock);
	list_for_each_entry(d, &devs.list, node)
		if (d->pdev == pdev)
			return d;
	return NULL;
}

static ssize_t pvhvm_gsi_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct pci_dev *pdev = to_pci_dev(dev);
	struct pvhvm_dev *d;
	ssize_t n;

	mutex_lock(&devs.lock);
	d = pvhvm_dev_find(pdev);
	if (!d || d->gsi == PVHVM_NO_GSI || d->gsi == PVHVM_GSI_UNKNOWN)
		n = sysfs_emit(buf, "none\n");
	else if (!d->irq)
		n = sysfs_emit(buf, "gsi %u not remapped\n", d->gsi);
	else
		n = sysfs_emit(buf, "gsi %u irq %d\n", d->gsi, d->irq);
	mutex_unlock(&devs.lock);
	return n;
}
static DEVICE_ATTR_RO(pvhvm_gsi);

static bool pvhvm_dev_wanted(struct pci_dev *pdev)
{
	if ((pdev->class >> 16) == PCI_BASE_CLASS_BRIDGE)
		return false;
	return pdev->pin || pdev->msi_cap || pdev->msix_cap;
}

static struct pvhvm_dev *pvhvm_dev_get(struct pci_dev *pdev)
{
	struct pvhvm_dev *d;

	lockdep_assert_held(&devs.lock);
	d = pvhvm_dev_find(pdev);
	if (d)
		return d;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return NULL;
	d->pdev = pci_dev_get(pdev);
	d->gsi = pdev->pin ? PVHVM_GSI_UNKNOWN : PVHVM_NO_GSI;
	list_add_tail(&d->node, &devs.list);
	d->has_attr = !device_create_file(&pdev->dev, &dev_attr_pvhvm_gsi);
	return d;
}

static void pvhvm_dev_put(struct pvhvm_dev *d)
{
	list_del(&d->node);
	if (d->has_attr)
		device_remove_file(&d->pdev->dev, &dev_attr_pvhvm_gsi);
	pci_dev_put(d->pdev);
	kfree(d);
}

/*
 * The GSI behind an IO-APIC IRQ, or PVHVM_NO_GSI.  The IO-APIC irq domain
 * numbers its IRQs by pin and keeps the IO-APIC's index as its host data;
 * the first IO-APIC starts at GSI 0 (the only one of a Xen HVM guest).
 */
static u32 pvhvm_irq_to_gsi(unsigned int irq)
{
	struct irq_data *irqd = irq_get_irq_data(irq);

	if (!irqd || !irqd->chip || !irqd->domain ||
	    strcmp(irqd->chip->name, "IO-APIC"))
		return PVHVM_NO_GSI;
	if ((long)irqd->domain->host_data != 0)
		return PVHVM_NO_GSI;
	return irqd->hwirq;
}

#define PVHVM_GSI_PROBE_NAME	"pvhvm_gsi_probe"

/*
 * Our probe driver: routes INTx by enabling the device (ACPI _PRT), notes
 * the GSI, undoes it all and declines.  pdev->irq alone is not enough:
 * before routing it holds the firmware's PIC-mode line.
 */
static int pvhvm_gsi_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	u32 gsi = PVHVM_NO_GSI;
	struct pvhvm_dev *d;

	/* x86 routes INTx (ACPI _PRT) when the device is enabled. */
	if (!pci_enable_device(pdev)) {
		if (pdev->irq > 0 && pdev->irq_managed)
			gsi = pvhvm_irq_to_gsi(pdev->irq);
		pci_disable_device(pdev);
	}
	mutex_lock(&devs.lock);
	d = pvhvm_dev_find(pdev);
	if (d)
		d->gsi = gsi;
	mutex_unlock(&devs.lock);
	if (gsi == PVHVM_NO_GSI)
		pci_info(pdev, "INTx pin %u has no IO-APIC GSI we can tell; INTx not remapped\n",
			 pdev->pin);
	return -ENODEV;
}

static struct pci_driver pvhvm_gsi_probe_driver = {
	.name		= PVHVM_GSI_PROBE_NAME,
	.id_table	= NULL,
	.probe		= pvhvm_gsi_probe,
};

/*
 * With no driver bound: have x86 route INTx once, see which GSI it uses.
 * A device with a driver override of its own is left alone.
 */
static void pvhvm_dev_learn_gsi(struct pci_dev *pdev)
{
	if (pdev->dev.driver || pvirq_pci_set_driver_override(pdev, PVHVM_GSI_PROBE_NAME))
		return;
	/* Matches our probe driver only; it declines, leaving no driver. */
	if (device_attach(&pdev->dev) < 0)
		pci_info(pdev, "probing its INTx routing failed\n");
	if (pvirq_pci_set_driver_override(pdev, ""))
		pci_err(pdev, "could not clear its driver override: write an empty line to its driver_override\n");
}

static void pvhvm_dev_bind(struct pci_dev *pdev)
{
	struct pvhvm_dev *d;
	int irq;

	if (!pvhvm_dev_wanted(pdev) ||
	    pdev->dev.driver == &pvhvm_gsi_probe_driver.driver)
		return;
	mutex_lock(&devs.lock);
	if (devs.exiting)
		goto out_unlock;
	d = pvhvm_dev_get(pdev);
	if (!d)
		goto out_unlock;
	if (!d->msi_taken && (pdev->msi_cap || pdev->msix_cap)) {
		d->saved_msi = pvhvm_msi_set_device(pdev);
		d->msi_taken = true;
	}
	if (d->gsi != PVHVM_NO_GSI && d->gsi != PVHVM_GSI_UNKNOWN && !d->irq) {
		/* PCI INTx is level triggered. */
		irq = pvhvm_irq_map_gsi(d->gsi, true, &pdev->dev);
		if (irq < 0) {
			pci_err(pdev, "GSI %u not remapped (%d); the driver gets no INTx\n",
				d->gsi, irq);
		} else {
			d->irq = irq;
			pdev->irq = irq;
			pdev->irq_managed = 1;
			pci_info(pdev, "GSI %u remapped to IRQ %d\n", d->gsi, irq);
		}
	}
out_unlock:
	mutex_unlock(&devs.lock);
}

/*
 * Learn the GSIs of the devices that have none yet: those with no driver by
 * probing them (devices_init runs before any can bind through us), those
 * with a driver from its routing.
 */
static void pvhvm_devs_learn_gsis(void)
{
	struct pci_dev *pdev = NULL;
	struct pvhvm_dev *d;
	u32 gsi;

	for_each_pci_dev(pdev) {
		if (!pvhvm_dev_wanted(pdev))
			continue;
		mutex_lock(&devs.lock);
		d = pvhvm_dev_get(pdev);
		gsi = d ? d->gsi : PVHVM_NO_GSI;
		if (d && gsi == PVHVM_GSI_UNKNOWN && pdev->dev.driver) {
			d->gsi = pdev->irq > 0 ? pvhvm_irq_to_gsi(pdev->irq) :
						 PVHVM_NO_GSI;
			gsi = d->gsi;
		}
		mutex_unlock(&devs.lock);
		if (gsi == PVHVM_GSI_UNKNOWN)
			pvhvm_dev_learn_gsi(pdev);
	}
}

static void pvhvm_dev_unbind(struct pci_dev *pdev)
{
	struct pvhvm_dev *d;

	mutex_lock(&devs.lock);
	d = pvhvm_dev_find(pdev);
	/* Keep ACPI from undoing the INTx routing it did not do. */
	if (d && d->irq && pdev->irq == d->irq)
		pdev->irq_managed = 0;
	mutex_unlock(&devs.lock);
}

static void pvhvm_dev_unbound(struct pci_dev *pdev)
{
	struct pvhvm_dev *d;

	mutex_lock(&devs.lock);
	d = pvhvm_dev_find(pdev);
	if (d && d->irq) {
		pvhvm_irq_unmap_gsi(d->irq);
		if (pdev->irq == d->irq)
			pdev->irq = 0;
		d->irq = 0;
	}
	mutex_unlock(&devs.lock);
}

static int pvhvm_pci_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);
	struct pvhvm_dev *d;

	switch (action) {
	case BUS_NOTIFY_BIND_DRIVER:
		pvhvm_dev_bind(pdev);
		break;
	case BUS_NOTIFY_UNBIND_DRIVER:
		pvhvm_dev_unbind(pdev);
		break;
	case BUS_NOTIFY_UNBOUND_DRIVER:
	case BUS_NOTIFY_DRIVER_NOT_BOUND:
		pvhvm_dev_unbound(pdev);
		break;
	case BUS_NOTIFY_DEL_DEVICE:
		mutex_lock(&devs.lock);
		d = pvhvm_dev_find(pdev);
		if (d)
			pvhvm_dev_put(d);
		mutex_unlock(&devs.lock);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block pvhvm_pci_nb = {
	.notifier_call = pvhvm_pci_notify,
};

static bool pvhvm_dev_is_ours_to_skip(struct pci_dev *pdev)
{
	return devs.skip_owner && pdev->dev.driver &&
	       pdev->dev.driver->owner == devs.skip_owner;
}

/**
 * pvhvm_device_remap() - rebind a bound device so that it is remapped
 * @pdev: the device
 *
 * Return: 0, or -EPERM for the device that carries our own hypercalls.
 */
int pvhvm_device_remap(struct pci_dev *pdev)
{
	if (pvhvm_dev_is_ours_to_skip(pdev))
		return -EPERM;
	device_release_driver(&pdev->dev);
	return device_attach(&pdev->dev) < 0 ? -EIO : 0;
}

int pvhvm_devices_init(void)
{
	struct pci_dev *pdev = NULL;
	int ret;

	if (pvirq_seam.transport)
		devs.skip_owner = pvirq_seam.transport->owner;
	ret = pci_register_driver(&pvhvm_gsi_probe_driver);
	if (ret)
		return ret;
	pvhvm_devs_learn_gsis();
	ret = bus_register_notifier(&pci_bus_type, &pvhvm_pci_nb);
	if (ret) {
		pci_unregister_driver(&pvhvm_gsi_probe_driver);
		return ret;
	}
	if (!remap_bound)
		return 0;
	for_each_pci_dev(pdev) {
		if (!pdev->dev.driver || !pvhvm_dev_wanted(pdev) ||
		    pvhvm_dev_is_ours_to_skip(pdev))
			continue;
		pci_info(pdev, "rebinding %s to remap its interrupts\n",
			 pdev->dev.driver->name);
		pvhvm_device_remap(pdev);
	}
	return 0;
}

/* Give every device back its own interrupts, working. */
void pvhvm_devices_exit(void)
{
	struct pvhvm_dev *d, *tmp;
	struct pci_dev *pdev;
	bool rebind;

	mutex_lock(&devs.lock);
	devs.exiting = true;
	mutex_unlock(&devs.lock);

	for (;;) {
		mutex_lock(&devs.lock);
		d = list_first_entry_or_null(&devs.list, struct pvhvm_dev, node);
		if (d) {
			pdev = pci_dev_get(d->pdev);
			rebind = d->msi_taken || d->irq;
		}
		mutex_unlock(&devs.lock);
		if (!d)
			break;
		rebind = rebind && pdev->dev.driver;
		if (rebind)
			device_release_driver(&pdev->dev);
		mutex_lock(&devs.lock);
		d = pvhvm_dev_find(pdev);
		if (d) {
			if (d->irq) {
				pvhvm_irq_unmap_gsi(d->irq);
				if (pdev->irq == d->irq)
					pdev->irq = 0;
			}
			if (d->msi_taken) {
				if (pdev->msi_enabled || pdev->msix_enabled) {
					pci_err(pdev, "its driver left MSI enabled; freeing its vectors\n");
					pci_free_irq_vectors(pdev);
				}
				dev_set_msi_domain(&pdev->dev, d->saved_msi);
			}
			pvhvm_dev_put(d);
		}
		mutex_unlock(&devs.lock);
		if (rebind && device_attach(&pdev->dev) < 0)
			pci_err(pdev, "could not rebind it to its driver\n");
		pci_dev_put(pdev);
	}
	bus_unregister_notifier(&pci_bus_type, &pvhvm_pci_nb);
	pci_unregister_driver(&pvhvm_gsi_probe_driver);
	mutex_lock(&devs.lock);
	list_for_each_entry_safe(d, tmp, &devs.list, node)
		pvhvm_dev_put(d);
	mutex_unlock(&devs.lock);
}
