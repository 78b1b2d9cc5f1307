// SPDX-License-Identifier: GPL-2.0
/*
 * pvirq_xen_probe: what real Xen tells an HVM guest, for the xen tier.
 *
 * Test-only.  Loaded in an HVM guest booted with xen_nopv (so the kernel's
 * own Xen code never ran), it asks Xen the questions pvirq's host model
 * must answer the same way and logs every answer as one "xen-fact:" line:
 * the hypervisor CPUID leaves (read with the CPUID instruction, one base
 * at a time), XENVER_version, XENVER_extraversion, XENVER_get_features,
 * PHYSDEVOP_get_nr_pirqs and PHYSDEVOP_get_free_pirq.  Hypercalls go through
 * pvirq's platform seam, so they take the same VMCALL/VMMCALL path as the
 * drivers.  The guest's test script turns the lines into TAP; the module
 * itself judges nothing.  Before each step it logs where it is, so that a
 * step that kills the guest is named by the last line on the console.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/processor.h>
#include <asm/cpufeature.h>
#include <xen/interface/xen.h>
#include <xen/interface/version.h>
#include <xen/interface/physdev.h>
#include <pvirq/seam.h>

PVIRQ_SEAM_DEFINE();

#define PROBE_FIRST_BASE	0x40000000
#define PROBE_LAST_BASE		0x4000ff00
#define PROBE_BASE_STEP		0x100
/* Leaves shown past a base; Xen 4.17 has five. */
#define PROBE_MAX_LEAVES	16
/* Xen's time leaf (base + 3) has sub-leaves 0..2. */
#define PROBE_TIME_LEAF		3
#define PROBE_TIME_SUBLEAVES	3

static bool probe_printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return n && s[0];
}

/* Log every leaf of the range at @base; return the range's top leaf. */
static u32 probe_cpuid_range(u32 base)
{
	u32 regs[4], top, leaf, sub, nsub;

	pvirq_cpuid(base, 0, regs);
	top = regs[0];
	if (top < base)
		return base;
	if (top > base + PROBE_MAX_LEAVES - 1)
		top = base + PROBE_MAX_LEAVES - 1;
	for (leaf = base + 1; leaf <= top; leaf++) {
		nsub = leaf == base + PROBE_TIME_LEAF ? PROBE_TIME_SUBLEAVES : 1;
		for (sub = 0; sub < nsub; sub++) {
			pvirq_cpuid(leaf, sub, regs);
			pr_info("xen-fact: cpuid 0x%08x.%u eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n",
				leaf, sub, regs[0], regs[1], regs[2], regs[3]);
		}
	}
	return top;
}

/* Every base that carries a printable signature; returns Xen's, or 0. */
static u32 probe_cpuid(void)
{
	u32 base, regs[4], xen = 0;
	char sig[13];

	pr_info("xen-fact: cpu vendor=%s hypervisor-bit=%d hypercall-insn=%s\n",
		boot_cpu_data.x86_vendor_id,
		boot_cpu_has(X86_FEATURE_HYPERVISOR),
		boot_cpu_has(X86_FEATURE_VMMCALL) ? "vmmcall" : "vmcall");
	pr_info("step: CPUID scan 0x%08x..0x%08x\n", PROBE_FIRST_BASE,
		PROBE_LAST_BASE);
	for (base = PROBE_FIRST_BASE; base <= PROBE_LAST_BASE;
	     base += PROBE_BASE_STEP) {
		pvirq_cpuid(base, 0, regs);
		memcpy(sig, &regs[1], 12);
		sig[12] = '\0';
		if (!probe_printable(sig, 12))
			continue;
		pr_info("xen-fact: cpuid-base 0x%08x sig=%s max=0x%08x\n",
			base, sig, regs[0]);
		if (!xen && !strcmp(sig, "XenVMMXenVMM"))
			xen = base;
		probe_cpuid_range(base);
	}
	pr_info("step: CPUID scan done\n");
	return xen;
}

static long probe_xen_version(unsigned int cmd, void *buf, u32 len, u8 dir)
{
	struct pvirq_hcall hc = {
		.abi = PVIRQ_ABI_XEN,
		.nr = __HYPERVISOR_xen_version,
		.args = { cmd },
	};

	if (buf) {
		hc.nbufs = 1;
		hc.buf[0] = (struct pvirq_hc_buf){ .ptr = buf, .len = len,
						   .arg = 1, .dir = dir };
	}
	return pvirq_hypercall(&hc);
}

static long probe_physdev(unsigned int cmd, void *buf, u32 len)
{
	struct pvirq_hcall hc = {
		.abi = PVIRQ_ABI_XEN,
		.nr = __HYPERVISOR_physdev_op,
		.args = { cmd },
		.nbufs = 1,
		.buf[0] = { .ptr = buf, .len = len, .arg = 1,
			    .dir = PVIRQ_BUF_IN | PVIRQ_BUF_OUT },
	};

	return pvirq_hypercall(&hc);
}

static void probe_hypercalls(void)
{
	struct xen_extraversion extra = { };
	struct xen_feature_info feat = { };
	struct physdev_nr_pirqs nr = { };
	struct physdev_get_free_pirq fp = { };
	unsigned int i;
	long ret;

	pr_info("step: XENVER_version\n");
	ret = probe_xen_version(XENVER_version, NULL, 0, 0);
	pr_info("xen-fact: xen_version(XENVER_version) ret=0x%lx\n", ret);

	pr_info("step: XENVER_extraversion\n");
	ret = probe_xen_version(XENVER_extraversion, &extra, sizeof(extra),
				PVIRQ_BUF_OUT);
	extra.extraversion[sizeof(extra.extraversion) - 1] = '\0';
	if (!probe_printable(extra.extraversion, strlen(extra.extraversion)))
		strscpy(extra.extraversion, "?", sizeof(extra.extraversion));
	pr_info("xen-fact: xen_version(XENVER_extraversion) ret=%ld extraversion=%s\n",
		ret, extra.extraversion);

	for (i = 0; i < 2; i++) {
		pr_info("step: XENVER_get_features submap %u\n", i);
		feat.submap_idx = i;
		feat.submap = 0;
		ret = probe_xen_version(XENVER_get_features, &feat,
					sizeof(feat),
					PVIRQ_BUF_IN | PVIRQ_BUF_OUT);
		pr_info("xen-fact: xen_version(XENVER_get_features) submap=%u ret=%ld features=0x%08x\n",
			i, ret, feat.submap);
	}

	pr_info("step: PHYSDEVOP_get_nr_pirqs\n");
	nr.nr_pirqs = 0;
	ret = probe_physdev(PHYSDEVOP_get_nr_pirqs, &nr, sizeof(nr));
	pr_info("xen-fact: physdev_op(PHYSDEVOP_get_nr_pirqs) ret=%ld nr_pirqs=%u\n",
		ret, nr.nr_pirqs);

	/*
	 * Where Xen starts handing out pirqs: MSI pirqs come from the top of
	 * the domain's range down, GSI ones from 16 up.  The two pirqs stay
	 * allocated; this guest is thrown away after the run.
	 */
	pr_info("step: PHYSDEVOP_get_free_pirq\n");
	fp.type = MAP_PIRQ_TYPE_MSI;
	fp.pirq = U32_MAX;
	ret = probe_physdev(PHYSDEVOP_get_free_pirq, &fp, sizeof(fp));
	pr_info("xen-fact: physdev_op(PHYSDEVOP_get_free_pirq) type=msi ret=%ld pirq=%d\n",
		ret, (int)fp.pirq);
	fp.type = MAP_PIRQ_TYPE_GSI;
	fp.pirq = U32_MAX;
	ret = probe_physdev(PHYSDEVOP_get_free_pirq, &fp, sizeof(fp));
	pr_info("xen-fact: physdev_op(PHYSDEVOP_get_free_pirq) type=gsi ret=%ld pirq=%d\n",
		ret, (int)fp.pirq);
}

static int __init probe_init(void)
{
	const char *via = pvirq_seam_acquire();
	u32 base;

	pr_info("xen-fact: seam=%s\n", via);
	base = probe_cpuid();
	if (!base) {
		pr_info("xen-fact: no XenVMMXenVMM signature; no hypercalls made\n");
		pvirq_seam_release();
		return -ENODEV;
	}
	probe_hypercalls();
	pr_info("step: done\n");
	return 0;
}

static void __exit probe_exit(void)
{
	pvirq_seam_release();
}

module_init(probe_init);
module_exit(probe_exit);

MODULE_DESCRIPTION("pvirq test: report what Xen tells an HVM guest");
MODULE_AUTHOR("The pvirq authors");
MODULE_LICENSE("GPL");
