// SPDX-License-Identifier: GPL-2.0
/*
 * pvi: paravirtual interrupts from one guest to another.
 *
 * A sender names the target guest (by a host-assigned UUID) and a GSI; the
 * host checks the receiver's allowlist and injects the GSI, which arrives in
 * the receiver as an ordinary Linux IRQ.  On KVM this is the PVI hypercall
 * the host advertises in CPUID; the same API runs over Xen interdomain event
 * channels and Hyper-V SignalEvent.  The backend is chosen at load from the
 * hypervisor found.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>
#include <pvirq/seam.h>
#include <pvirq/detect.h>
#include <pvirq/pvi_abi.h>

PVIRQ_SEAM_DEFINE();

/**
 * struct pvi_kvm - what detection learned about the host's PVI support
 * @base: KVM's CPUID base leaf
 * @hypercall_nr: number of the PVI hypercall, from the PVI leaf
 * @features: PVI_F_* bits
 * @nr_gsis: GSIs a guest may be sent: 0 .. @nr_gsis - 1
 *
 * Written once at module init, read-only afterwards.
 */
struct pvi_kvm {
	u32 base;
	u32 hypercall_nr;
	u32 features;
	u32 nr_gsis;
};

static struct pvi_kvm pvi_kvm;

static int pvi_detect(void)
{
	u32 base, max_leaf, leaf, regs[4];
	char sig[13];

	base = pvirq_find_cpuid_base(PVI_KVM_SIGNATURE, 1, &max_leaf);
	if (!base) {
		pvirq_cpuid_signature(sig);
		pr_err("no KVM hypervisor with PVI found (CPUID signature: %s); not loading\n",
		       sig);
		return -ENODEV;
	}
	leaf = base + PVI_CPUID_LEAF_OFFSET;
	if (max_leaf < leaf) {
		pr_err("KVM at CPUID 0x%08x does not offer PVI (leaves end at 0x%08x); not loading\n",
		       base, max_leaf);
		return -ENODEV;
	}
	pvirq_cpuid(leaf, 0, regs);
	if (regs[0] != PVI_CPUID_MAGIC) {
		pr_err("KVM at CPUID 0x%08x does not offer PVI (leaf 0x%08x EAX 0x%08x); not loading\n",
		       base, leaf, regs[0]);
		return -ENODEV;
	}
	pvi_kvm.base = base;
	pvi_kvm.hypercall_nr = regs[1];
	pvi_kvm.features = regs[2];
	pvi_kvm.nr_gsis = regs[3];
	return 0;
}

static int __init pvi_init(void)
{
	const char *via;
	int ret;

	via = pvirq_seam_acquire();
	ret = pvi_detect();
	if (ret)
		goto out_release_seam;

	pr_info("KVM PVI: hypercall %u, features 0x%x, %u GSIs, via %s\n",
		pvi_kvm.hypercall_nr, pvi_kvm.features, pvi_kvm.nr_gsis, via);
	return 0;

out_release_seam:
	pvirq_seam_release();
	return ret;
}

static void __exit pvi_exit(void)
{
	pvirq_seam_release();
	pr_info("unloaded\n");
}

module_init(pvi_init);
module_exit(pvi_exit);

MODULE_DESCRIPTION("Paravirtual interrupts between guests (KVM PVI, Xen, Hyper-V)");
MODULE_AUTHOR("The pvirq authors");
MODULE_LICENSE("GPL");
