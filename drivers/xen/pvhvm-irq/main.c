// SPDX-License-Identifier: GPL-2.0
/*
 * pvhvm_irq: Xen PV-on-HVM interrupt remapping as a module.
 *
 * On a Xen HVM guest whose kernel does not run its own PVHVM interrupt code
 * (built without CONFIG_XEN_PVHVM, or booted with xen_nopv), this module
 * finds Xen through the platform seam and takes over the guest's legacy
 * GSIs and MSI/MSI-X vectors, turning each into a Xen pirq bound to an event
 * channel.  When the kernel's own Xen support already owns the machine it
 * steps aside: two owners of the event channels would lose interrupts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>
#include <asm/hypervisor.h>
#include <pvirq/seam.h>
#include <pvirq/detect.h>

#include "pvhvm.h"

PVIRQ_SEAM_DEFINE();

struct pvhvm_xen pvhvm_xen;

/* Leaf base+1 EAX: major in 31:16, minor in 15:0. */
static int pvhvm_detect(void)
{
	u32 base, max_leaf, regs[4];
	char sig[13];

	base = pvirq_find_cpuid_base(PVHVM_XEN_SIGNATURE, 2, &max_leaf);
	if (!base) {
		pvirq_cpuid_signature(sig);
		pr_err("no Xen hypervisor found (CPUID signature: %s); not loading\n",
		       sig);
		return -ENODEV;
	}
	pvirq_cpuid(base + 1, 0, regs);
	pvhvm_xen.cpuid_base = base;
	pvhvm_xen.max_leaf = max_leaf;
	pvhvm_xen.version = regs[0];
	if (max_leaf >= base + 4) {
		pvirq_cpuid(base + 4, 0, regs);
		pvhvm_xen.hvm_features = regs[0];
	}
	return 0;
}

static int __init pvhvm_init(void)
{
	const char *via;
	int ret;

	via = pvirq_seam_acquire();
	if (x86_hyper_type == X86_HYPER_XEN_HVM ||
	    x86_hyper_type == X86_HYPER_XEN_PV) {
		pr_err("the kernel's own Xen support owns interrupts on this guest; stepping aside (boot with xen_nopv to use pvhvm_irq)\n");
		ret = -EBUSY;
		goto out_release_seam;
	}
	ret = pvhvm_detect();
	if (ret)
		goto out_release_seam;

	pr_info("Xen %u.%u at CPUID 0x%08x (leaves to 0x%08x), HVM features 0x%x, via %s\n",
		pvhvm_xen.version >> 16, pvhvm_xen.version & 0xffff,
		pvhvm_xen.cpuid_base, pvhvm_xen.max_leaf,
		pvhvm_xen.hvm_features, via);
	return 0;

out_release_seam:
	pvirq_seam_release();
	return ret;
}

static void __exit pvhvm_exit(void)
{
	pvirq_seam_release();
	pr_info("unloaded\n");
}

module_init(pvhvm_init);
module_exit(pvhvm_exit);

MODULE_DESCRIPTION("Xen PV-on-HVM interrupt remapping (pirqs over event channels)");
MODULE_AUTHOR("The pvirq authors");
MODULE_LICENSE("GPL");
