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
#include <linux/bitmap.h>
#include <xen/xen.h>
#include <asm/apic.h>
#include <xen/interface/xen.h>
#include <asm/xen/cpuid.h>
#include <xen/interface/version.h>
#include <xen/interface/features.h>
#include <xen/interface/physdev.h>
#include <pvirq/seam.h>
#include <pvirq/detect.h>

#include "pvhvm.h"
#include "hcall.h"

#define CREATE_TRACE_POINTS
#include "pvhvm_trace.h"

static bool msi = true;
module_param(msi, bool, 0444);
MODULE_PARM_DESC(msi, "remap MSI/MSI-X too, where Xen would use pirqs for them (default: yes)");

/* Bound on the pirq space we keep a bitmap for: 8 KiB of bitmap. */
#define PVHVM_PIRQ_BITS		65536

static unsigned long *pvhvm_pirq_map;
static bool pvhvm_msi_on;

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

static int pvhvm_features(void)
{
	struct xen_feature_info fi = { .submap_idx = 0 };
	long ret;

	ret = pvhvm_hc_xen_version(XENVER_get_features, &fi, sizeof(fi));
	if (ret) {
		pr_err("XENVER_get_features(0) failed: %ld; not loading\n", ret);
		return ret;
	}
	pvhvm_xen.features = fi.submap;
	if (!(fi.submap & BIT(XENFEAT_hvm_callback_vector))) {
		pr_err("Xen offers no vector callback (XENFEAT_hvm_callback_vector), which pirqs need; not loading\n");
		return -ENODEV;
	}
	if (!(fi.submap & BIT(XENFEAT_hvm_pirqs))) {
		pr_err("Xen does not offer HVM pirqs (XENFEAT_hvm_pirqs; Xen 4.19 and later need hvm_pirq=1 in the guest config); interrupts stay with the emulated IO-APIC and MSI; not loading\n");
		return -ENODEV;
	}
	/* As Linux: a virtualized APIC beats pirqs for MSI. */
	pvhvm_msi_on = msi;
	if (msi && (pvhvm_xen.hvm_features & XEN_HVM_CPUID_APIC_ACCESS_VIRT)) {
		pr_info("MSI stays native: Xen virtualizes APIC accesses\n");
		pvhvm_msi_on = false;
	} else if (msi && x2apic_enabled() &&
		   (pvhvm_xen.hvm_features & XEN_HVM_CPUID_X2APIC_VIRT)) {
		pr_info("MSI stays native: Xen virtualizes x2APIC accesses\n");
		pvhvm_msi_on = false;
	} else if (!msi) {
		pr_info("MSI stays native: msi=0\n");
	}
	return 0;
}

/*
 * PHYSDEVOP_get_nr_pirqs first: with it the guest picks its pirqs from the
 * range.  Real Xen and QEMU lack it (-ENOSYS): then the host picks, and its
 * limit shows in its refusals.
 */
static int pvhvm_pirq_mode(void)
{
	struct physdev_nr_pirqs np = {};
	long ret;
	u32 nbits;

	pvhvm_pirq_map = bitmap_zalloc(PVHVM_PIRQ_BITS, GFP_KERNEL);
	if (!pvhvm_pirq_map)
		return -ENOMEM;
	ret = pvhvm_hc_physdev_op(PHYSDEVOP_get_nr_pirqs, &np, sizeof(np));
	if (!ret && np.nr_pirqs > 16) {
		nbits = min_t(u32, np.nr_pirqs, PVHVM_PIRQ_BITS);
		if (nbits < np.nr_pirqs)
			pr_info("host has %u pirqs; using the first %u\n",
				np.nr_pirqs, nbits);
		ret = pvhvm_pirq_init(&pvhvm_irqs.alloc, pvhvm_pirq_map, nbits,
				      16, nbits);
		if (!ret) {
			pr_info("pirqs: PHYSDEVOP_get_nr_pirqs says %u; the guest picks them\n",
				np.nr_pirqs);
			return 0;
		}
	} else if (!ret) {
		pr_info("PHYSDEVOP_get_nr_pirqs says %u, too few to use; the host picks pirqs\n",
			np.nr_pirqs);
	} else if (ret == -PVHVM_XEN_ENOSYS) {
		pr_info("pirqs: no PHYSDEVOP_get_nr_pirqs (-ENOSYS, as on Xen); the host picks them\n");
	} else {
		pr_info("PHYSDEVOP_get_nr_pirqs failed: %ld; the host picks pirqs\n", ret);
	}
	return pvhvm_pirq_init_host_picks(&pvhvm_irqs.alloc, pvhvm_pirq_map,
					  PVHVM_PIRQ_BITS);
}

static int __init pvhvm_init(void)
{
	const char *via;
	int ret;

	via = pvirq_seam_acquire();
	/*
	 * Not x86_hyper_type: with xen_nopv the kernel still detects Xen
	 * there but sets nothing up, which is exactly our case.
	 */
	if (xen_domain()) {
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
	ret = pvhvm_features();
	if (ret)
		goto out_release_seam;
	ret = pvhvm_pirq_mode();
	if (ret)
		goto out_free_map;
	ret = pvhvm_irq_init();
	if (ret)
		goto out_free_map;
	ret = pvhvm_events_init();
	if (ret)
		goto out_irq_exit;
	if (pvhvm_msi_on) {
		ret = pvhvm_msi_init();
		if (ret)
			goto out_events_exit;
	}
	ret = pvhvm_devices_init();
	if (ret)
		goto out_msi_exit;
	pvhvm_debugfs_init();
	pr_info("remapping GSIs%s of devices as their drivers bind\n",
		pvhvm_msi_on ? ", MSI and MSI-X" : "");
	return 0;

out_msi_exit:
	pvhvm_msi_exit();
out_events_exit:
	pvhvm_events_exit();
out_irq_exit:
	pvhvm_irq_exit();
out_free_map:
	bitmap_free(pvhvm_pirq_map);
out_release_seam:
	pvirq_seam_release();
	return ret;
}

static void __exit pvhvm_exit(void)
{
	pvhvm_debugfs_exit();
	pvhvm_devices_exit();
	pvhvm_msi_exit();
	pvhvm_events_exit();
	pvhvm_irq_exit();
	bitmap_free(pvhvm_pirq_map);
	pvirq_seam_release();
	pr_info("unloaded\n");
}

module_init(pvhvm_init);
module_exit(pvhvm_exit);

MODULE_DESCRIPTION("Xen PV-on-HVM interrupt remapping (pirqs over event channels)");
MODULE_AUTHOR("The pvirq authors");
MODULE_LICENSE("GPL");
