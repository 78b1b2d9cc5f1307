/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of the kernel's <xen/interface/xen.h>: the Xen public
 * header from libxen-dev, which has the same layouts and names.
 */
#ifndef _PVIRQ_SHIM_XEN_INTERFACE_XEN_H
#define _PVIRQ_SHIM_XEN_INTERFACE_XEN_H

#include <stdint.h>
#include <xen/xen.h>

#endif
