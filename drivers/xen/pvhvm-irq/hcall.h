/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xen hypercalls of pvhvm_irq, through the platform seam.
 *
 * Each takes the argument structure by pointer and length, so that a test
 * transport can copy it to its host; natively the seam passes the pointer
 * in Xen's register convention.  Xen's error values are Linux's on x86, so
 * results are returned as they come: 0 or a positive value on success,
 * -errno on failure.  Callers log failures with what they asked.
 */
#ifndef _PVHVM_HCALL_H
#define _PVHVM_HCALL_H

#include <linux/types.h>

long pvhvm_hc_xen_version(unsigned int cmd, void *arg, u32 len);
long pvhvm_hc_memory_op(unsigned int cmd, void *arg, u32 len);
long pvhvm_hc_hvm_op(unsigned int cmd, void *arg, u32 len);
long pvhvm_hc_physdev_op(unsigned int cmd, void *arg, u32 len);
long pvhvm_hc_evtchn_op(unsigned int cmd, void *arg, u32 len);
long pvhvm_hc_vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg, u32 len);

#endif /* _PVHVM_HCALL_H */
