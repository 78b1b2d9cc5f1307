/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel API differences between the kernels pvirq builds for (Linux
 * 6.1 and 6.12), in one place.  Features are tested, not version numbers:
 * distributions backport.  The PVIRQ_HAVE_* macros come from the kbuild
 * Makefiles, which grep the headers of the kernel being built against.
 */
#ifndef _PVIRQ_COMPAT_H
#define _PVIRQ_COMPAT_H

#include <linux/device.h>
#include <linux/pci.h>
#include <linux/string.h>

/**
 * pvirq_pci_set_driver_override() - match @pdev to the driver named @name only
 * @pdev: the device
 * @name: a driver name, or "" to clear the override
 *
 * The override moved from struct pci_dev to struct device (6.12 in Debian,
 * upstream later).
 *
 * Return: 0 or -errno.
 */
static inline int pvirq_pci_set_driver_override(struct pci_dev *pdev,
						const char *name)
{
#ifdef PVIRQ_HAVE_DEVICE_DRIVER_OVERRIDE
	return device_set_driver_override(&pdev->dev, name);
#else
	return driver_set_override(&pdev->dev, &pdev->driver_override, name,
				   strlen(name));
#endif
}

#endif /* _PVIRQ_COMPAT_H */
