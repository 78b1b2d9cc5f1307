// SPDX-License-Identifier: GPL-2.0
/*
 * hv_synic: a standalone Hyper-V synthetic interrupt controller client.
 *
 * Linux only drives SynIC from inside hv_vmbus.  This module gives other
 * drivers SynIC messages, event flags, HvPostMessage and HvSignalEvent
 * without VMBus.  SynIC has one owner per partition: when hv_vmbus (or
 * anything else) has already enabled it, this module steps aside.
 *
 * Load: detect Hyper-V, set the guest OS ID if nobody has, enable a
 * hypercall page of our own, then bring SynIC up on every CPU through
 * CPU hotplug (cpu.c).  Unload, suspend and kexec leave SynIC disabled on
 * every CPU, the hypercall page off and the guest OS ID as we found it.
 *
 * SINTs: 0 (intercepts) and 1 (IOMMU faults) are the hypervisor's, 2 is
 * VMBus's and 5 the mshv doorbell's; the "sints" parameter picks from the
 * rest, 6..15 by default.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>
#include <linux/crash_dump.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/panic_notifier.h>
#include <linux/syscore_ops.h>
#include <linux/version.h>
#include <linux/vmalloc.h>
#include <asm/hyperv-tlfs.h>
#include <pvirq/seam.h>
#include <pvirq/detect.h>

#include "synic_int.h"

#define CREATE_TRACE_POINTS
#include "synic_trace.h"

PVIRQ_SEAM_DEFINE();

/* TLFS "Reporting the Guest OS Identity": open source, Linux, version */
#define SYNIC_GUEST_OS_ID	(0x8100ULL << 48 | \
				 (u64)KERNEL_VERSION(LINUX_VERSION_MAJOR, \
						     LINUX_VERSION_PATCHLEVEL, \
						     LINUX_VERSION_SUBLEVEL) << 16)
#define SYNIC_RESERVED_SINTS	(BIT(0) | BIT(1) | BIT(2) | BIT(5))

struct synic_glob synic = {
	.lock = __MUTEX_INITIALIZER(synic.lock),
};

static unsigned long sints = SYNIC_DEFAULT_SINTS;
module_param(sints, ulong, 0444);
MODULE_PARM_DESC(sints, "SINTs to use, a bit mask (default 0xffc0: 6..15; 0, 1, 2 and 5 are refused)");

unsigned int synic_post_tries = 100;
module_param_named(post_tries, synic_post_tries, uint, 0644);
MODULE_PARM_DESC(post_tries, "HvPostMessage attempts while the host says busy (default 100)");

unsigned int synic_post_backoff_max_us = 256000;
module_param_named(post_backoff_max_us, synic_post_backoff_max_us, uint, 0644);
MODULE_PARM_DESC(post_backoff_max_us, "longest wait between two HvPostMessage attempts, doubling from 100 us (default 256 ms)");

/*
 * What this module changed at load and must undo: written at init, read
 * at exit and by the syscore/panic hooks, which cannot run concurrently
 * with either.
 */
static bool synic_own_os_id;
static struct page *synic_hc_page;
/* a variable, not a constant: wrmsrl_safe()'s (u32) cast of one upsets sparse */
static u64 synic_os_id_value = SYNIC_GUEST_OS_ID;

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
	if (scontrol & HV_SYNIC_CONTROL_ENABLE) {
		/* a crash kernel inherits the old kernel's SynIC: take it */
		if (!is_kdump_kernel()) {
			pr_err("SynIC is already enabled by another driver (hv_vmbus?); stepping aside\n");
			return -EBUSY;
		}
		pr_warn("crash kernel: taking over the SynIC the old kernel left enabled\n");
	}
	return 0;
}

static int synic_set_os_id(void)
{
	u64 id;

	if (pvirq_rdmsr(HV_X64_MSR_GUEST_OS_ID, &id)) {
		pr_err("reading GUEST_OS_ID failed\n");
		return -EIO;
	}
	if (id)
		return 0;	/* someone else's: keep it */
	if (pvirq_wrmsr(HV_X64_MSR_GUEST_OS_ID,
			READ_ONCE(synic_os_id_value))) {
		pr_err("writing GUEST_OS_ID failed\n");
		return -EIO;
	}
	synic_own_os_id = true;
	return 0;
}

static void synic_clear_os_id(void)
{
	if (synic_own_os_id)
		pvirq_wrmsr(HV_X64_MSR_GUEST_OS_ID, 0);
	synic_own_os_id = false;
}

/*
 * The hypervisor writes its hypercall code into a page of ours given by
 * GPA; we call it through a read-only, executable alias.
 */
static int synic_hypercall_enable(void)
{
	u64 val;
	void *va;
	int ret;

	if (pvirq_rdmsr(HV_X64_MSR_HYPERCALL, &val)) {
		pr_err("reading the HYPERCALL MSR failed\n");
		return -EIO;
	}
	if (val & HV_X64_MSR_HYPERCALL_ENABLE) {
		pr_err("a hypercall page is enabled already (by the kernel's Hyper-V support?); not loading\n");
		return -EBUSY;
	}
	synic_hc_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!synic_hc_page)
		return -ENOMEM;
	va = vmap(&synic_hc_page, 1, VM_MAP, PAGE_KERNEL_ROX);
	if (!va) {
		ret = -ENOMEM;
		goto out_free_page;
	}
	if (pvirq_wrmsr(HV_X64_MSR_HYPERCALL, page_to_phys(synic_hc_page) |
			HV_X64_MSR_HYPERCALL_ENABLE) ||
	    pvirq_rdmsr(HV_X64_MSR_HYPERCALL, &val) ||
	    !(val & HV_X64_MSR_HYPERCALL_ENABLE)) {
		pr_err("the host did not enable the hypercall page\n");
		ret = -EIO;
		goto out_unmap;
	}
	pvirq_seam.hv_hypercall_page = va;
	return 0;

out_unmap:
	vunmap(va);
out_free_page:
	__free_page(synic_hc_page);
	synic_hc_page = NULL;
	return ret;
}

/* Also from the syscore shutdown hook: the page stays allocated there. */
static void synic_hypercall_disable(void)
{
	if (synic_hc_page)
		pvirq_wrmsr(HV_X64_MSR_HYPERCALL, 0);
}

static void synic_hypercall_free(void)
{
	synic_hypercall_disable();
	if (pvirq_seam.hv_hypercall_page)
		vunmap(pvirq_seam.hv_hypercall_page);
	pvirq_seam.hv_hypercall_page = NULL;
	if (synic_hc_page)
		__free_page(synic_hc_page);
	synic_hc_page = NULL;
}

/*
 * Suspend and hibernation: syscore ops run on the boot CPU, interrupts off,
 * the other CPUs already down (their hotplug callbacks disabled them).
 */
static int synic_suspend(void)
{
	synic_cpu_disable_regs(this_cpu_ptr(synic.pcpu));
	return 0;
}

static void synic_resume(void)
{
	if (synic_cpu_enable_regs(this_cpu_ptr(synic.pcpu)))
		pr_err("cpu %u: SynIC not re-enabled after resume\n",
		       smp_processor_id());
}

static void synic_disable_ipi(void *unused)
{
	synic_cpu_disable_regs(this_cpu_ptr(synic.pcpu));
}

/* kexec and reboot: every CPU is still up; leave the next kernel a clean SynIC. */
static void synic_shutdown(void)
{
	on_each_cpu(synic_disable_ipi, NULL, 1);
	synic_hypercall_disable();
	synic_clear_os_id();
}

#ifdef PVIRQ_HAVE_SYSCORE_DATA
static int synic_suspend_data(void *data)
{
	return synic_suspend();
}

static void synic_resume_data(void *data)
{
	synic_resume();
}

static void synic_shutdown_data(void *data)
{
	synic_shutdown();
}

static const struct syscore_ops synic_syscore_ops = {
	.suspend = synic_suspend_data,
	.resume = synic_resume_data,
	.shutdown = synic_shutdown_data,
};

static struct syscore synic_syscore = {
	.ops = &synic_syscore_ops,
};

static void synic_register_syscore(void)
{
	register_syscore(&synic_syscore);
}

static void synic_unregister_syscore(void)
{
	unregister_syscore(&synic_syscore);
}
#else
static struct syscore_ops synic_syscore_ops = {
	.suspend = synic_suspend,
	.resume = synic_resume,
	.shutdown = synic_shutdown,
};

static void synic_register_syscore(void)
{
	register_syscore_ops(&synic_syscore_ops);
}

static void synic_unregister_syscore(void)
{
	unregister_syscore_ops(&synic_syscore_ops);
}
#endif

/* A crash: the other CPUs are being stopped; only this one can be reached. */
static int synic_panic(struct notifier_block *nb, unsigned long ev, void *p)
{
	synic_cpu_disable_regs(this_cpu_ptr(synic.pcpu));
	return NOTIFY_DONE;
}

static struct notifier_block synic_panic_nb = {
	.notifier_call = synic_panic,
};

static int synic_check_params(void)
{
	if (!sints || sints >= BIT(HV_SYNIC_SINT_COUNT) ||
	    (sints & SYNIC_RESERVED_SINTS)) {
		pr_err("sints=0x%lx: give a non-empty mask of SINTs 3, 4 and 6..15\n",
		       sints);
		return -EINVAL;
	}
	synic.sints = sints;
	/* Hyper-V asks newer guests to EOI themselves instead */
	synic.auto_eoi = !(synic_hv.hints & HV_DEPRECATING_AEOI_RECOMMENDED);
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
	synic.features = synic_hv.features;
	synic.priv_ebx = synic_hv.priv_ebx;
	synic.hints = synic_hv.hints;
	ret = synic_check_params();
	if (ret)
		goto out_release_seam;
	synic_msg_table_init(&synic.msg_hard);
	synic_msg_table_init(&synic.msg_thread);

	ret = synic_set_os_id();
	if (ret)
		goto out_release_seam;
	ret = synic_hypercall_enable();
	if (ret)
		goto out_clear_os_id;
	ret = synic_cpus_init();
	if (ret)
		goto out_free_hypercall;
	synic_debugfs_init();
	synic_register_syscore();
	atomic_notifier_chain_register(&panic_notifier_list, &synic_panic_nb);
	pr_info("SynIC up on %u CPUs: SINTs 0x%lx, %s\n", num_online_cpus(),
		synic.sints, synic.auto_eoi ? "auto-EOI" : "EOI by the guest");
	return 0;

out_free_hypercall:
	synic_hypercall_free();
out_clear_os_id:
	synic_clear_os_id();
out_release_seam:
	pvirq_seam_release();
	return ret;
}

static void __exit synic_exit(void)
{
	unsigned int s;

	atomic_notifier_chain_unregister(&panic_notifier_list, &synic_panic_nb);
	synic_unregister_syscore();
	synic_debugfs_exit();
	synic_cpus_exit();
	for (s = 0; s < HV_SYNIC_SINT_COUNT; s++) {
		kvfree(synic.evt_hard[s]);
		kvfree(synic.evt_thread[s]);
		synic.evt_hard[s] = NULL;
		synic.evt_thread[s] = NULL;
	}
	synic_hypercall_free();
	synic_clear_os_id();
	pvirq_seam_release();
	pr_info("unloaded\n");
}

module_init(synic_init);
module_exit(synic_exit);

MODULE_DESCRIPTION("Hyper-V SynIC client: messages, event flags, post/signal");
MODULE_AUTHOR("The pvirq authors");
MODULE_LICENSE("GPL");
