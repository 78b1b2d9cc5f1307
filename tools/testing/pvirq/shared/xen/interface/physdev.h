/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of the kernel's <xen/interface/physdev.h>: the Xen public
 * header from libxen-dev, plus PHYSDEVOP_get_nr_pirqs, which Xen leaves
 * unallocated but Linux's include/xen/interface/physdev.h defines (6.1 and
 * later; pvirq's hosts offer it as an extension).
 */
#ifndef _PVIRQ_SHIM_XEN_INTERFACE_PHYSDEV_H
#define _PVIRQ_SHIM_XEN_INTERFACE_PHYSDEV_H

#include <xen/interface/xen.h>
#include <xen/physdev.h>

#ifndef PHYSDEVOP_get_nr_pirqs
#define PHYSDEVOP_get_nr_pirqs	22
struct physdev_nr_pirqs {
	/* OUT */
	uint32_t nr_pirqs;
};
#endif

#endif
