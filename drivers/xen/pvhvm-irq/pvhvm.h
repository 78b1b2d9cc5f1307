/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhvm_irq internals shared by its files.
 */
#ifndef _PVHVM_H
#define _PVHVM_H

#include <linux/types.h>

#define PVHVM_XEN_SIGNATURE	"XenVMMXenVMM"

/**
 * struct pvhvm_xen - what detection learned about the hypervisor
 * @cpuid_base: Xen's CPUID base leaf
 * @max_leaf: highest leaf of Xen's range
 * @version: leaf base+1 EAX, major << 16 | minor
 * @hvm_features: leaf base+4 EAX (XEN_HVM_CPUID_*), 0 if absent
 *
 * Written once at module init, read-only afterwards.
 */
struct pvhvm_xen {
	u32 cpuid_base;
	u32 max_leaf;
	u32 version;
	u32 hvm_features;
};

extern struct pvhvm_xen pvhvm_xen;

#endif /* _PVHVM_H */
