// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM backend of pvi: the PVI hypercall of include/pvirq/pvi_abi.h.
 *
 * The host advertises PVI in a CPUID leaf of the KVM range, with the
 * hypercall number to use.  Receiving: one page of ours (the PVI page)
 * holds a bitmap of pending GSIs the host sets bits in; each CPU takes its
 * PVIs on a vector of its own, a managed per-CPU IRQ from x86_vector_domain
 * (a module cannot take a system vector), told to the host with
 * PVI_OP_VECTOR from that CPU.  The interrupt takes every pending word with
 * an exchange and dispatches each bit found.  Which CPU the host interrupts
 * for a GSI is the GSI's route, set from its IRQ's affinity.
 *
 * The host can rewrite the page at any time: the header is copied out once
 * at setup and checked; afterwards only whole words are exchanged, and a
 * bit beyond nr_gsis is counted and dropped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/error-injection.h>
#include <linux/gfp.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/apic.h>
#include <asm/hw_irq.h>
#include <asm/irqdomain.h>
#include <asm/smp.h>
#include <pvirq/seam.h>
#include <pvirq/detect.h>
#include <pvirq/pvi_abi.h>

#include "pvi_int.h"
#include "pvi_scan.h"

/* Most pending words one interrupt takes; the rest in a fresh interrupt. */
#define PVI_KVM_BUDGET_WORDS	64

/**
 * struct pvi_kvm_cpu - one CPU's vector
 * @irq: the managed vector IRQ, 0 until the CPU was first online
 * @ready: the host knows the vector; until then an interrupt only counts
 */
struct pvi_kvm_cpu {
	unsigned int irq;
	bool ready;
};

/**
 * struct pvi_kvm - the KVM backend's state
 * @base: KVM's CPUID base leaf
 * @hypercall_nr: number of the PVI hypercall, from the PVI leaf
 * @page: the PVI page; the host writes it from SETUP to TEARDOWN
 * @pending: its pending bitmap
 * @words: words of @pending in use
 * @cpu: per CPU, nr_cpu_ids entries
 * @hp_state: our dynamic CPU hotplug state, or 0
 * @next_word: where the next interrupt resumes its scan (budget)
 *
 * Written at init and by the CPU hotplug callbacks (serialized by the
 * hotplug core); the interrupt reads @pending and its CPU's entry only.
 */
struct pvi_kvm {
	u32 base;
	u32 hypercall_nr;
	struct page *page;
	u64 *pending;
	unsigned int words;
	struct pvi_kvm_cpu *cpu;
	int hp_state;
	atomic_t next_word;
};

static struct pvi_kvm kvm;

static long pvi_kvm_call(u64 op, u64 a1, u64 a2, u64 a3)
{
	struct pvirq_hcall hc = {
		.abi = PVIRQ_ABI_KVM,
		.nr = kvm.hypercall_nr,
		.args = { op, a1, a2, a3 },
	};

	return pvirq_hypercall(&hc);
}

static const char *const pvi_kvm_op_names[] = {
	[PVI_OP_SETUP] = "SETUP",
	[PVI_OP_TEARDOWN] = "TEARDOWN",
	[PVI_OP_VECTOR] = "VECTOR",
	[PVI_OP_ROUTE] = "ROUTE",
	[PVI_OP_ALLOW] = "ALLOW",
	[PVI_OP_REVOKE] = "REVOKE",
	[PVI_OP_RESOLVE] = "RESOLVE",
	[PVI_OP_SEND] = "SEND",
};

/*
 * The host's status as an errno.  Expected refusals pass silently (the
 * caller decides); anything the ABI does not define is logged.
 */
static int pvi_kvm_errno(u64 op, long ret)
{
	switch (ret) {
	case 0:
		return 0;
	case -PVI_EPERM:
		return -EPERM;
	case -PVI_ENOENT:
		return -ENOENT;
	case -PVI_EBUSY:
		return -EBUSY;
	case -PVI_EINVAL:
		return -EINVAL;
	case -PVI_ENOSPC:
		return -ENOSPC;
	case -PVI_ESHUTDOWN:
		return -ESHUTDOWN;
	case -PVI_ENOSYS:
		pr_err_ratelimited("PVI_OP_%s: the host does not know this call\n",
				   pvi_kvm_op_names[op]);
		return -EPROTO;
	}
	pr_err_ratelimited("PVI_OP_%s: the host answered %ld, which the ABI does not define\n",
			   pvi_kvm_op_names[op], ret);
	return -EPROTO;
}

static noinline int pvi_kvm_op(u64 op, u64 a1, u64 a2, u64 a3)
{
	return pvi_kvm_errno(op, pvi_kvm_call(op, a1, a2, a3));
}

ALLOW_ERROR_INJECTION(pvi_kvm_op, ERRNO);

/* A UUID in two registers: bytes 0..7 and 8..15, little-endian loads. */
static void pvi_kvm_uuid_regs(const uuid_t *u, u64 *lo, u64 *hi)
{
	__le64 w[2];

	memcpy(w, u->b, sizeof(w));
	*lo = le64_to_cpu(w[0]);
	*hi = le64_to_cpu(w[1]);
}

static int pvi_kvm_detect(void)
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
	if (regs[1] <= PVI_KVM_HC_RESERVED_MAX) {
		pr_err("the host gives PVI hypercall number %u, one of KVM's own (1..%u); not loading\n",
		       regs[1], PVI_KVM_HC_RESERVED_MAX);
		return -ENODEV;
	}
	if (!regs[3] || regs[3] > PVI_MAX_GSIS) {
		pr_err("the host offers %u GSIs; 1..%u make sense; not loading\n",
		       regs[3], PVI_MAX_GSIS);
		return -ENODEV;
	}
	kvm.base = base;
	kvm.hypercall_nr = regs[1];
	pvi.features = regs[2];
	pvi.nr_gsis = regs[3];
	kvm.words = PVI_PENDING_WORDS(pvi.nr_gsis);
	return 0;
}

static void pvi_kvm_deliver(void *ctx, u32 gsi)
{
	pvi_deliver(gsi);
}

static irqreturn_t pvi_kvm_upcall(int irq, void *data)
{
	unsigned int cpu = smp_processor_id(), next;

	atomic64_inc(&pvi.stats.upcalls);
	/* Paired with the release in pvi_kvm_cpu_online(). */
	if (!smp_load_acquire(&kvm.cpu[cpu].ready)) {
		atomic64_inc(&pvi.stats.early);
		return IRQ_HANDLED;
	}
	next = (unsigned int)atomic_read(&kvm.next_word);
	if (pvi_scan_pending(kvm.pending, kvm.words, &next,
			     PVI_KVM_BUDGET_WORDS, pvi_kvm_deliver, NULL)) {
		/* Work left over: take it in a fresh interrupt. */
		atomic_set(&kvm.next_word, next);
		apic->send_IPI(cpu, irqd_cfg(irq_get_irq_data(irq))->vector);
	}
	return IRQ_HANDLED;
}

static u8 pvi_kvm_irq_vector(unsigned int irq)
{
	return irqd_cfg(irq_get_irq_data(irq))->vector;
}

static int pvi_kvm_alloc_irq(unsigned int cpu)
{
	struct irq_affinity_desc aff = { .is_managed = 1 };
	struct irq_alloc_info info = {};
	int irq, ret;

	cpumask_copy(&aff.mask, cpumask_of(cpu));
	irq = __irq_domain_alloc_irqs(x86_vector_domain, -1, 1, cpu_to_node(cpu),
				      &info, false, &aff);
	if (irq < 0) {
		pr_err("cpu %u: no vector for PVIs: %d\n", cpu, irq);
		return irq;
	}
	/* The vector domain leaves handle_bad_irq; edge acks the local APIC. */
	irq_set_handler(irq, handle_edge_irq);
	ret = request_irq(irq, pvi_kvm_upcall, IRQF_NO_THREAD | IRQF_NO_SUSPEND,
			  "pvi-kvm", &kvm);
	if (ret) {
		pr_err("cpu %u: request_irq(%d) for PVIs failed: %d\n", cpu, irq,
		       ret);
		irq_dispose_mapping(irq);
		return ret;
	}
	kvm.cpu[cpu].irq = irq;
	return 0;
}

static void pvi_kvm_free_irqs(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		unsigned int irq = kvm.cpu[cpu].irq;

		if (!irq)
			continue;
		free_irq(irq, &kvm);
		irq_dispose_mapping(irq);
		kvm.cpu[cpu].irq = 0;
	}
}

/* Runs on @cpu itself: PVI_OP_VECTOR names the calling vCPU. */
static int pvi_kvm_cpu_online(unsigned int cpu)
{
	struct pvi_kvm_cpu *pc = &kvm.cpu[cpu];
	u8 vector;
	int ret;

	if (!pc->irq) {
		ret = pvi_kvm_alloc_irq(cpu);
		if (ret)
			return ret;
	}
	/* A managed vector may change across offline/online: re-read it. */
	vector = pvi_kvm_irq_vector(pc->irq);
	ret = pvi_kvm_op(PVI_OP_VECTOR, vector, 0, 0);
	if (ret) {
		pr_err("cpu %u: PVI_OP_VECTOR(0x%x) failed: %d\n", cpu, vector,
		       ret);
		return ret;
	}
	/* Orders the registration before the upcall's acquire of @ready. */
	smp_store_release(&pc->ready, true);
	/* PVIs that came while no vector was registered are still pending. */
	apic->send_IPI(cpu, vector);
	return 0;
}

static int pvi_kvm_cpu_offline(unsigned int cpu)
{
	int ret;

	WRITE_ONCE(kvm.cpu[cpu].ready, false);
	/*
	 * GSIs routed here are moved by the IRQ core, which sets a new
	 * affinity for each IRQ affine to a dying CPU; the host sends any
	 * other to a vCPU that still has a vector.
	 */
	ret = pvi_kvm_op(PVI_OP_VECTOR, 0, 0, 0);
	if (ret)
		pr_err("cpu %u: PVI_OP_VECTOR(0) failed: %d\n", cpu, ret);
	return 0;
}

/* Give the host our page; copy its header out and check it. */
static int pvi_kvm_setup_page(void)
{
	struct pvi_page_hdr hdr;
	int ret;

	kvm.page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!kvm.page)
		return -ENOMEM;
	kvm.pending = page_address(kvm.page) + PVI_PAGE_PENDING_OFF;
	ret = pvi_kvm_op(PVI_OP_SETUP, page_to_phys(kvm.page), 0, 0);
	if (ret) {
		pr_err("PVI_OP_SETUP(page 0x%llx) failed: %d\n",
		       (unsigned long long)page_to_phys(kvm.page), ret);
		goto out_free_page;
	}
	/* A malicious host may change the header at any time: copy it once. */
	memcpy(&hdr, page_address(kvm.page), sizeof(hdr));
	if (hdr.magic != PVI_PAGE_MAGIC || hdr.nr_gsis != pvi.nr_gsis) {
		pr_err("the host wrote a PVI page header with magic 0x%08x and %u GSIs (CPUID says %u)\n",
		       hdr.magic, hdr.nr_gsis, pvi.nr_gsis);
		ret = -EPROTO;
		goto out_teardown;
	}
	import_uuid(&pvi.uuid, hdr.uuid);
	return 0;

out_teardown:
	if (pvi_kvm_op(PVI_OP_TEARDOWN, 0, 0, 0)) {
		pr_err("PVI_OP_TEARDOWN failed while unwinding; the page stays the host's\n");
		kvm.page = NULL;
		return ret;
	}
out_free_page:
	__free_page(kvm.page);
	kvm.page = NULL;
	return ret;
}

static void pvi_kvm_free_page(void)
{
	int ret;

	ret = pvi_kvm_op(PVI_OP_TEARDOWN, 0, 0, 0);
	if (ret) {
		/* The host may still write into it: never give it back. */
		pr_err("PVI_OP_TEARDOWN failed: %d; the PVI page stays the host's\n",
		       ret);
	} else {
		__free_page(kvm.page);
	}
	kvm.page = NULL;
	kvm.pending = NULL;
}

static int pvi_kvm_init(void)
{
	int ret;

	ret = pvi_kvm_detect();
	if (ret)
		return ret;
	kvm.cpu = kcalloc(nr_cpu_ids, sizeof(*kvm.cpu), GFP_KERNEL);
	if (!kvm.cpu)
		return -ENOMEM;
	ret = pvi_kvm_setup_page();
	if (ret)
		goto out_free_cpus;
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "x86/pvi:online",
				pvi_kvm_cpu_online, pvi_kvm_cpu_offline);
	if (ret < 0) {
		pr_err("CPU hotplug state setup failed: %d\n", ret);
		goto out_teardown;
	}
	kvm.hp_state = ret;
	pr_info("KVM PVI at CPUID 0x%08x: hypercall %u\n", kvm.base,
		kvm.hypercall_nr);
	return 0;

out_teardown:
	/* The host stops interrupting us before the vectors go. */
	pvi_kvm_free_page();
	pvi_kvm_free_irqs();
out_free_cpus:
	kfree(kvm.cpu);
	kvm.cpu = NULL;
	return ret;
}

static void pvi_kvm_exit(void)
{
	/* The host stops writing the page and interrupting us first. */
	pvi_kvm_free_page();
	if (kvm.hp_state > 0)
		cpuhp_remove_state(kvm.hp_state);
	kvm.hp_state = 0;
	pvi_kvm_free_irqs();
	kfree(kvm.cpu);
	kvm.cpu = NULL;
}

static int pvi_kvm_route(u32 gsi, unsigned int cpu)
{
	u32 apic_id = cpu_physical_id(cpu);
	int ret;

	ret = pvi_kvm_op(PVI_OP_ROUTE, gsi, apic_id, 0);
	if (ret)
		pr_err_ratelimited("PVI_OP_ROUTE(GSI %u, APIC ID %u) failed: %d\n",
				   gsi, apic_id, ret);
	return ret;
}

static int pvi_kvm_allow(const uuid_t *sender, u32 gsi)
{
	u64 lo, hi;

	pvi_kvm_uuid_regs(sender, &lo, &hi);
	return pvi_kvm_op(PVI_OP_ALLOW, lo, hi, gsi);
}

static int pvi_kvm_revoke(const uuid_t *sender, u32 gsi)
{
	u64 lo, hi;

	pvi_kvm_uuid_regs(sender, &lo, &hi);
	return pvi_kvm_op(PVI_OP_REVOKE, lo, hi, gsi);
}

static int pvi_kvm_resolve(const uuid_t *uuid, pvi_peer_t *peer)
{
	u64 lo, hi;
	long ret;

	pvi_kvm_uuid_regs(uuid, &lo, &hi);
	ret = pvi_kvm_call(PVI_OP_RESOLVE, lo, hi, 0);
	if (ret > 0) {
		*peer = ret;
		return 0;
	}
	if (!ret) {
		pr_err_ratelimited("PVI_OP_RESOLVE: the host answered handle 0, which is not one\n");
		return -EPROTO;
	}
	return pvi_kvm_errno(PVI_OP_RESOLVE, ret);
}

static int pvi_kvm_send(pvi_peer_t peer, u32 gsi)
{
	return pvi_kvm_op(PVI_OP_SEND, peer, gsi, 0);
}

const struct pvi_backend_ops pvi_kvm_ops = {
	.name		= "kvm",
	.init		= pvi_kvm_init,
	.exit		= pvi_kvm_exit,
	.route		= pvi_kvm_route,
	.allow		= pvi_kvm_allow,
	.revoke		= pvi_kvm_revoke,
	.resolve	= pvi_kvm_resolve,
	.send		= pvi_kvm_send,
};
