// SPDX-License-Identifier: GPL-2.0
/*
 * hv_synic: a standalone Hyper-V synthetic interrupt controller client.
 *
 * Linux only drives SynIC from inside hv_vmbus.  This module gives other
 * drivers SynIC messages, event flags, HvPostMessage and HvSignalEvent
 * without VMBus.  SynIC has one owner per partition: when hv_vmbus (or
 * anything else) has already enabled it, this module steps aside.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>
#include <asm/hyperv-tlfs.h>
#include <pvirq/seam.h>
#include <pvirq/detect.h>

PVIRQ_SEAM_DEFINE();

#define SYNIC_HV_SIGNATURE	"Microsoft Hv"
#define SYNIC_HV_INTERFACE	0x31237648	/* "Hv#1", TLFS 2.4.2 */

/**
 * struct synic_hv - what detection learned about the hypervisor
 * @features: CPUID 0x40000003 EAX (HV_*_AVAILABLE partition privileges)
 * @priv_ebx: CPUID 0x40000003 EBX (HV_POST_MESSAGES, HV_SIGNAL_EVENTS, ...)
 * @hints: CPUID 0x40000004 EAX (recommendations)
 * @max_leaf: highest Hyper-V leaf
 *
 * Written once at module init, read-only afterwards.
 */
struct synic_hv {
	u32 features;
	u32 priv_ebx;
	u32 hints;
	u32 max_leaf;
};

static struct synic_hv synic_hv;

static int synic_detect(void)
{
	u32 base, regs[4];
	char sig[13];
	u64 scontrol;

	base = pvirq_find_cpuid_base(SYNIC_HV_SIGNATURE, 5, &synic_hv.max_leaf);
	if (base == HYPERV_CPUID_VENDOR_AND_MAX_FUNCTIONS) {
		pvirq_cpuid(HYPERV_CPUID_INTERFACE, 0, regs);
		if (regs[0] != SYNIC_HV_INTERFACE)
			base = 0;
	} else {
		base = 0;	/* Hyper-V's leaves never move */
	}
	if (!base) {
		pvirq_cpuid_signature(sig);
		pr_err("no Hyper-V hypervisor found (CPUID signature: %s); not loading\n",
		       sig);
		return -ENODEV;
	}

	pvirq_cpuid(HYPERV_CPUID_FEATURES, 0, regs);
	synic_hv.features = regs[0];
	synic_hv.priv_ebx = regs[1];
	pvirq_cpuid(HYPERV_CPUID_ENLIGHTMENT_INFO, 0, regs);
	synic_hv.hints = regs[0];

	if (!(synic_hv.features & HV_MSR_SYNIC_AVAILABLE) ||
	    !(synic_hv.features & HV_MSR_HYPERCALL_AVAILABLE)) {
		pr_err("Hyper-V offers no SynIC or hypercall MSRs (privileges 0x%x); not loading\n",
		       synic_hv.features);
		return -ENODEV;
	}

	if (pvirq_rdmsr(HV_X64_MSR_SCONTROL, &scontrol)) {
		pr_err("reading SCONTROL failed; not loading\n");
		return -EIO;
	}
	if (scontrol & 1) {
		pr_err("SynIC is already enabled by another driver (hv_vmbus?); stepping aside\n");
		return -EBUSY;
	}
	return 0;
}

static int __init synic_init(void)
{
	const char *via;
	int ret;

	via = pvirq_seam_acquire();
	ret = synic_detect();
	if (ret)
		goto out_release_seam;

	pr_info("Hyper-V: privileges 0x%x/0x%x, hints 0x%x, leaves to 0x%08x, via %s\n",
		synic_hv.features, synic_hv.priv_ebx, synic_hv.hints,
		synic_hv.max_leaf, via);
	return 0;

out_release_seam:
	pvirq_seam_release();
	return ret;
}

static void __exit synic_exit(void)
{
	pvirq_seam_release();
	pr_info("unloaded\n");
}

module_init(synic_init);
module_exit(synic_exit);

MODULE_DESCRIPTION("Hyper-V SynIC client: messages, event flags, post/signal");
MODULE_AUTHOR("The pvirq authors");
MODULE_LICENSE("GPL");
