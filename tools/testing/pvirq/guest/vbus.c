// SPDX-License-Identifier: GPL-2.0
/*
 * The virtual PCI bus: a root bus in a PCI domain of its own whose config
 * cycles are requests to pvirq-host, and whose one memory window is the top
 * of the shared region (BAR2 + PVIRQ_WIRE_BAR_OFF).  The device the host
 * serves there therefore keeps its BARs -- its MSI-X table included -- in
 * memory the host can read, and the guest's own PCI and MSI core drive it
 * exactly as they would real hardware.
 *
 * The bus has no sysdata fwnode, so x86's pcibios_device_add() gives its
 * devices the default PCI/MSI domain (6.1: the global PCI-MSI domain; 6.12:
 * the vector domain as MSI parent, with a per-device domain made at the
 * first allocation).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/pci.h>

#include "transport.h"

/* Domains we try, from the top of the 16-bit range real hosts rarely use. */
#define PVT_DOMAIN_FIRST	0x7f00
#define PVT_DOMAIN_LAST		0x7fff

static int pvt_cfg_errno_to_pcibios(int err)
{
	return err == -EINVAL ? PCIBIOS_BAD_REGISTER_NUMBER :
				PCIBIOS_DEVICE_NOT_FOUND;
}

static bool pvt_cfg_ok(struct pci_bus *bus, unsigned int devfn, int where,
		       int size)
{
	/* One device, function 0, on the root bus; regular config space. */
	return !bus->number && !devfn && where >= 0 &&
	       where + size <= PCI_CFG_SPACE_EXP_SIZE;
}

static int pvt_cfg_read(struct pci_bus *bus, unsigned int devfn, int where,
			int size, u32 *val)
{
	struct pvt_req req = {
		.op = PVIRQ_OP_PCI_READ,
		.arg = { devfn, where, size },
	};
	int err;

	*val = ~0U;
	if (!pvt_cfg_ok(bus, devfn, where, size))
		return PCIBIOS_DEVICE_NOT_FOUND;
	err = pvt_call(&req);
	if (!err)
		err = pvt_host_errno(req.ret);
	if (err) {
		/* the host answers -ENODEV for an absent device: not news */
		if (err != -ENODEV)
			pr_warn_ratelimited("config read %02x.%d+%#x/%d failed (%d)\n",
					    PCI_SLOT(devfn), PCI_FUNC(devfn),
					    where, size, err);
		return pvt_cfg_errno_to_pcibios(err);
	}
	*val = size == 4 ? (u32)req.out[0] :
			   (u32)req.out[0] & GENMASK(size * 8 - 1, 0);
	return PCIBIOS_SUCCESSFUL;
}

static int pvt_cfg_write(struct pci_bus *bus, unsigned int devfn, int where,
			 int size, u32 val)
{
	struct pvt_req req = {
		.op = PVIRQ_OP_PCI_WRITE,
		.arg = { devfn, where, size, val },
	};
	int err;

	if (!pvt_cfg_ok(bus, devfn, where, size))
		return PCIBIOS_DEVICE_NOT_FOUND;
	err = pvt_call(&req);
	if (!err)
		err = pvt_host_errno(req.ret);
	if (err) {
		pr_warn_ratelimited("config write %02x.%d+%#x/%d = %#x failed (%d)\n",
				    PCI_SLOT(devfn), PCI_FUNC(devfn), where,
				    size, val, err);
		return pvt_cfg_errno_to_pcibios(err);
	}
	return PCIBIOS_SUCCESSFUL;
}

static struct pci_ops pvt_pci_ops = {
	.read = pvt_cfg_read,
	.write = pvt_cfg_write,
};

static int pvt_find_domain(void)
{
	int domain;

	for (domain = PVT_DOMAIN_FIRST; domain <= PVT_DOMAIN_LAST; domain++) {
		if (!pci_find_bus(domain, 0))
			return domain;
	}
	return -EBUSY;
}

/**
 * pvt_vbus_create() - create, scan and populate the virtual PCI bus
 * @pd: the attached transport device
 *
 * Return: 0 or a negative errno; on error nothing is left behind.
 */
int pvt_vbus_create(struct pvt_dev *pd)
{
	struct pvt_vbus *vb = &pd->vbus;
	struct pci_dev *pdev = pd->pdev;
	LIST_HEAD(resources);
	int domain, err;

	vb->window.name = "pvirq virtual PCI";
	vb->window.start = pd->shm_phys + PVIRQ_WIRE_BAR_OFF;
	vb->window.end = vb->window.start + PVIRQ_WIRE_BAR_SIZE - 1;
	vb->window.flags = IORESOURCE_MEM;
	/* Under ivshmem's BAR2, so /proc/iomem shows where it lives. */
	err = request_resource(&pdev->resource[2], &vb->window);
	if (err) {
		pci_err(pdev, "cannot claim %pR for the virtual bus (%d)\n",
			&vb->window, err);
		return err;
	}
	vb->busn.name = "pvirq virtual PCI";
	vb->busn.start = 0;
	vb->busn.end = 0;
	vb->busn.flags = IORESOURCE_BUS;
	pci_add_resource(&resources, &vb->window);
	pci_add_resource(&resources, &vb->busn);

	pci_lock_rescan_remove();
	domain = pvt_find_domain();
	if (domain < 0) {
		err = domain;
		pci_err(pdev, "no free PCI domain in %#x..%#x\n",
			PVT_DOMAIN_FIRST, PVT_DOMAIN_LAST);
		goto unlock;
	}
	vb->sd.domain = domain;
	vb->sd.node = dev_to_node(&pdev->dev);
	vb->bus = pci_create_root_bus(&pdev->dev, 0, &pvt_pci_ops, &vb->sd,
				      &resources);
	if (!vb->bus) {
		err = -ENOMEM;
		pci_err(pdev, "cannot create root bus %04x:00\n", domain);
		goto unlock;
	}
	pci_scan_child_bus(vb->bus);
	pci_assign_unassigned_bus_resources(vb->bus);
	pci_bus_add_devices(vb->bus);
	pci_unlock_rescan_remove();
	pci_info(pdev, "virtual PCI bus %04x:00, window %pR\n", domain,
		 &vb->window);
	return 0;

unlock:
	pci_unlock_rescan_remove();
	pci_free_resource_list(&resources);
	release_resource(&vb->window);
	return err;
}

/**
 * pvt_vbus_destroy() - unbind, remove and free the virtual PCI bus
 * @pd: the transport device; must still be able to make requests
 */
void pvt_vbus_destroy(struct pvt_dev *pd)
{
	struct pvt_vbus *vb = &pd->vbus;
	struct pci_host_bridge *bridge;

	if (!vb->bus)
		return;
	bridge = to_pci_host_bridge(vb->bus->bridge);
	pci_lock_rescan_remove();
	pci_stop_root_bus(vb->bus);
	pci_remove_root_bus(vb->bus);
	pci_unlock_rescan_remove();
	/*
	 * pci_remove_root_bus() only deletes the bridge device; the reference
	 * pci_create_root_bus() took for it is ours to drop (kmemleak).
	 */
	put_device(&bridge->dev);
	vb->bus = NULL;
	release_resource(&vb->window);
}
