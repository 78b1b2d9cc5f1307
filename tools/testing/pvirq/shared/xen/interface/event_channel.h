/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of the kernel's <xen/interface/event_channel.h>: the Xen
 * public header from libxen-dev (2-level and FIFO ABI layouts, EVTCHNOP_*).
 */
#ifndef _PVIRQ_SHIM_XEN_INTERFACE_EVENT_CHANNEL_H
#define _PVIRQ_SHIM_XEN_INTERFACE_EVENT_CHANNEL_H

#include <xen/interface/xen.h>
#include <xen/event_channel.h>

#endif
