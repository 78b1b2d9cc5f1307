// SPDX-License-Identifier: GPL-2.0
/*
 * Event channels for pvhvm_irq: shared_info, each vCPU's vcpu_info, the
 * vector each vCPU takes its upcall on, and dispatch of each pending port
 * to the Linux IRQ of the pirq bound to it.
 *
 * A module cannot take a system vector, so each CPU gets a managed per-CPU
 * IRQ from x86_vector_domain and Xen is told its vector: per vCPU with
 * HVMOP_set_evtchn_upcall_vector where CPUID offers it, else the one
 * domain-wide callback vector of HVM_PARAM_CALLBACK_IRQ, which then must be
 * the same number on every CPU.  The scan itself (2-level or FIFO) is pure
 * logic in evtchn_2l.c / evtchn_fifo.c, behind struct pvhvm_evtchn_ops.
 *
 * shared_info is put over a page of ours with XENMEM_add_to_physmap.  Xen
 * then owns that frame for good (the RAM behind it is gone), so the page is
 * never given back to the allocator: one page per load of the module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <asm/apic.h>
#include <asm/irqdomain.h>
#include <asm/hw_irq.h>
#include <xen/interface/xen.h>
#include <asm/xen/cpuid.h>
#include <xen/interface/memory.h>
#include <xen/interface/hvm/hvm_op.h>
#include <xen/interface/hvm/params.h>
#include <xen/interface/physdev.h>
#include <pvirq/seam.h>

#include "pvhvm.h"
#include "hcall.h"
#include "pvhvm_trace.h"

static char *evtchn_abi = "auto";
module_param(evtchn_abi, charp, 0444);
MODULE_PARM_DESC(evtchn_abi, "event channel ABI: auto (FIFO where the host has it), fifo or 2l");

/* HVM_PARAM_CALLBACK_IRQ value type "vector", in bits 63:56 */
#define PVHVM_CALLBACK_VIA_VECTOR	(2ULL << 56)

/**
 * struct pvhvm_cpu - one CPU's upcall
 * @irq: the managed vector IRQ, 0 until the CPU was first online
 * @vector: its vector as last registered with Xen, 0 if none
 * @vcpu_id: Xen's id of this vCPU
 * @bound: 2-level: bitmap of the ports bound to this CPU
 * @vi: this vCPU's vcpu_info, in shared_info
 * @fifo_cb: FIFO: this vCPU's control block page, registered with Xen
 * @ready: the scan state is set up: the upcall may run it.  Until then an
 *	upcall (Xen raises one as soon as a vector is registered, and a
 *	vector of a previous load may still be registered) only counts.
 *
 * Set up in the CPU's hotplug callbacks, torn down at exit.
 */
struct pvhvm_cpu {
	unsigned int irq;
	u8 vector;
	u32 vcpu_id;
	unsigned long *bound;
	struct vcpu_info *vi;
	void *fifo_cb;
	bool ready;
};

/**
 * struct pvhvm_events - event channel state
 * @si_page: the page shared_info was put over; deliberately never freed
 * @cpu: per CPU, nr_cpu_ids entries
 * @ecpu: the scan's per-CPU state, nr_cpu_ids entries
 * @fifo: the FIFO ABI is in use
 * @fifo_pages: FIFO event array pages, %PVHVM_FIFO_MAX_PAGES slots; grown
 *	under pvhvm_irqs.lock
 * @percpu_vector: Xen takes a vector per vCPU (else one callback vector)
 * @callback_vector: the domain-wide vector, when !@percpu_vector
 * @hp_state: our dynamic CPU hotplug state, or 0
 * @budget_ipis: upcalls re-raised because a pass ran out of budget
 * @early_upcalls: upcalls on a CPU not set up yet
 *
 * Written at init and in CPU hotplug callbacks (serialized by the hotplug
 * core); the upcall reads @ecpu of its own CPU only.
 */
struct pvhvm_events {
	struct page *si_page;
	struct pvhvm_cpu *cpu;
	struct pvhvm_evtchn_cpu *ecpu;
	bool fifo;
	event_word_t **fifo_pages;
	bool percpu_vector;
	u8 callback_vector;
	int hp_state;
	atomic64_t budget_ipis;
	atomic64_t early_upcalls;
};

static struct pvhvm_events ev;

/*
 * Ports whose EVTCHNOP_close the host refused, each with the CPU it was
 * bound to: masked, out of every table, and closed again before the next
 * pirq is bound, because Xen will not bind a pirq whose old port still
 * stands.  Guarded by pvhvm_irqs.lock.
 */
static DEFINE_XARRAY(pvhvm_stale_ports);

u32 pvhvm_xen_vcpu_id(unsigned int cpu)
{
	return ev.cpu[cpu].vcpu_id;
}

static void pvhvm_dispatch(void *ctx, evtchn_port_t port)
{
	struct pvhvm_pirq *p = xa_load(&pvhvm_irqs.ports, port);

	if (unlikely(!p)) {
		/* Not a pirq's: a port of the exported API, or nobody's. */
		if (!pvhvm_api_dispatch(port))
			atomic64_inc(&pvhvm_irqs.spurious);
		return;
	}
	atomic64_inc(&p->events);
	trace_pvhvm_deliver(port, p->irq);
	generic_handle_irq(p->irq);
}

static irqreturn_t pvhvm_upcall(int irq, void *data)
{
	unsigned int cpu = smp_processor_id();
	struct pvhvm_evtchn_cpu *c = &ev.ecpu[cpu];

	/* Paired with the release in pvhvm_cpu_online(). */
	if (!smp_load_acquire(&ev.cpu[cpu].ready)) {
		atomic64_inc(&ev.early_upcalls);
		return IRQ_HANDLED;
	}
	/* Xen raises the upcall only when this goes 0 -> 1 (2L clears it itself). */
	if (ev.fifo)
		WRITE_ONCE(ev.cpu[cpu].vi->evtchn_upcall_pending, 0);
	pvhvm_irqs.evtchn.ops->handle_events(c, PVHVM_EVTCHN_BUDGET,
					     pvhvm_dispatch, NULL);
	/* Work left over: take it in a fresh interrupt, not in a loop here. */
	if (c->more) {
		atomic64_inc(&ev.budget_ipis);
		apic->send_IPI(cpu, ev.cpu[cpu].vector);
	}
	return IRQ_HANDLED;
}

static int pvhvm_alloc_upcall_irq(unsigned int cpu)
{
	struct irq_alloc_info info = {};
	struct irq_affinity_desc aff = { .is_managed = 1 };
	int irq, ret;

	cpumask_copy(&aff.mask, cpumask_of(cpu));
	irq = __irq_domain_alloc_irqs(x86_vector_domain, -1, 1, cpu_to_node(cpu),
				      &info, false, &aff);
	if (irq < 0) {
		pr_err("cpu %u: no vector for the event upcall: %d\n", cpu, irq);
		return irq;
	}
	/* The vector domain leaves handle_bad_irq; edge acks the local APIC. */
	irq_set_handler(irq, handle_edge_irq);
	ret = request_irq(irq, pvhvm_upcall, IRQF_NO_THREAD | IRQF_NO_SUSPEND,
			  "pvhvm-upcall", &ev);
	if (ret) {
		pr_err("cpu %u: request_irq(%d) for the upcall failed: %d\n",
		       cpu, irq, ret);
		irq_dispose_mapping(irq);
		return ret;
	}
	ev.cpu[cpu].irq = irq;
	return 0;
}

static void pvhvm_free_upcall_irq(unsigned int cpu)
{
	unsigned int irq = ev.cpu[cpu].irq;

	if (!irq)
		return;
	free_irq(irq, &ev);
	irq_dispose_mapping(irq);
	ev.cpu[cpu].irq = 0;
}

static void pvhvm_events_free_irqs(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		pvhvm_free_upcall_irq(cpu);
}

static int pvhvm_register_vector(unsigned int cpu, u8 vector)
{
	struct xen_hvm_evtchn_upcall_vector uv = {
		.vcpu = ev.cpu[cpu].vcpu_id,
		.vector = vector,
	};
	long ret;

	ret = pvhvm_hc_hvm_op(HVMOP_set_evtchn_upcall_vector, &uv, sizeof(uv));
	if (ret)
		pr_err("HVMOP_set_evtchn_upcall_vector(vcpu %u, vector 0x%x) failed: %ld\n",
		       uv.vcpu, vector, ret);
	return ret;
}

static int pvhvm_set_callback_vector(u8 vector)
{
	struct xen_hvm_param hp = {
		.domid = DOMID_SELF,
		.index = HVM_PARAM_CALLBACK_IRQ,
		.value = vector ? PVHVM_CALLBACK_VIA_VECTOR | vector : 0,
	};
	long ret;

	ret = pvhvm_hc_hvm_op(HVMOP_set_param, &hp, sizeof(hp));
	if (ret)
		pr_err("HVMOP_set_param(CALLBACK_IRQ, 0x%llx) failed: %ld\n",
		       hp.value, ret);
	return ret;
}

static u8 pvhvm_irq_vector(unsigned int irq)
{
	return irqd_cfg(irq_get_irq_data(irq))->vector;
}

/* Xen's id of the vCPU we run on: CPUID leaf base+4 EBX where offered. */
static u32 pvhvm_read_vcpu_id(unsigned int cpu)
{
	u32 regs[4];

	if (!(pvhvm_xen.hvm_features & XEN_HVM_CPUID_VCPU_ID_PRESENT))
		return cpu;
	pvirq_cpuid(pvhvm_xen.cpuid_base + 4, 0, regs);
	return regs[1];
}

static void pvhvm_read_vcpu_id_fn(void *data)
{
	*(u32 *)data = pvhvm_read_vcpu_id(smp_processor_id());
}

/* Register @cpu's FIFO control block with Xen, once: Xen keeps it. */
static int pvhvm_fifo_init_control(unsigned int cpu)
{
	struct pvhvm_cpu *pc = &ev.cpu[cpu];
	struct evtchn_init_control ic = { .offset = 0 };
	void *cb;
	long ret;

	if (pc->fifo_cb)
		return 0;
	cb = (void *)get_zeroed_page(GFP_KERNEL);
	if (!cb)
		return -ENOMEM;
	ic.control_gfn = PFN_DOWN(__pa(cb));
	ic.vcpu = pc->vcpu_id;
	ret = pvhvm_hc_evtchn_op(EVTCHNOP_init_control, &ic, sizeof(ic));
	if (ret) {
		/* -ENOSYS is the expected answer of a host without FIFO. */
		if (ret != -PVHVM_XEN_ENOSYS)
			pr_err("EVTCHNOP_init_control(vcpu %u, gfn 0x%llx) failed: %ld\n",
			       ic.vcpu, (unsigned long long)ic.control_gfn, ret);
		free_page((unsigned long)cb);
		return ret;
	}
	pc->fifo_cb = cb;
	return 0;
}

/* FIFO: one more event array page, for ports beyond the array. */
static int pvhvm_fifo_expand(void)
{
	struct evtchn_expand_array ea;
	void *page;
	long ret;

	page = (void *)get_zeroed_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	ea.array_gfn = PFN_DOWN(__pa(page));
	ret = pvhvm_hc_evtchn_op(EVTCHNOP_expand_array, &ea, sizeof(ea));
	if (ret) {
		pr_err("EVTCHNOP_expand_array(gfn 0x%llx) failed: %ld\n",
		       (unsigned long long)ea.array_gfn, ret);
		free_page((unsigned long)page);
		return ret;
	}
	/* Xen now writes into it: it is only freed after EVTCHNOP_reset. */
	return pvhvm_evtchn_fifo_add_page(&pvhvm_irqs.evtchn, page);
}

/*
 * FIFO where asked for and the host has it: the first CPU's control block
 * decides.  Xen keeps the ABI until EVTCHNOP_reset.
 */
static int pvhvm_pick_abi(void)
{
	unsigned int cpu = cpumask_first(cpu_online_mask);
	bool want_fifo = strcmp(evtchn_abi, "2l");
	int ret;

	if (strcmp(evtchn_abi, "auto") && strcmp(evtchn_abi, "fifo") &&
	    strcmp(evtchn_abi, "2l")) {
		pr_err("evtchn_abi=%s: use auto, fifo or 2l\n", evtchn_abi);
		return -EINVAL;
	}
	if (want_fifo) {
		smp_call_function_single(cpu, pvhvm_read_vcpu_id_fn,
					 &ev.cpu[cpu].vcpu_id, 1);
		ret = pvhvm_fifo_init_control(cpu);
		if (!ret) {
			/* Xen is in FIFO now: the unwind must reset it. */
			ev.fifo = true;
			ev.fifo_pages = kcalloc(PVHVM_FIFO_MAX_PAGES,
						sizeof(*ev.fifo_pages), GFP_KERNEL);
			if (!ev.fifo_pages)
				return -ENOMEM;
			return pvhvm_evtchn_fifo_init(&pvhvm_irqs.evtchn, ev.fifo_pages,
						      ev.ecpu, nr_cpu_ids);
		}
		if (!strcmp(evtchn_abi, "fifo")) {
			pr_err("evtchn_abi=fifo, but the host refused FIFO: %d\n", ret);
			return ret;
		}
		pr_info("no FIFO event channels (%d): using 2-level\n", ret);
	}
	return pvhvm_evtchn_2l_init(&pvhvm_irqs.evtchn, page_address(ev.si_page),
				    ev.ecpu, nr_cpu_ids);
}

/* After EVTCHNOP_reset, Xen is back to 2-level and lets go of our pages. */
static void pvhvm_fifo_free(void)
{
	struct evtchn_reset rs = { .dom = DOMID_SELF };
	unsigned int cpu, i;
	long ret;

	if (!ev.fifo)
		return;
	ret = pvhvm_hc_evtchn_op(EVTCHNOP_reset, &rs, sizeof(rs));
	if (ret)
		pr_err("EVTCHNOP_reset failed: %ld; the FIFO pages stay Xen's until reboot\n",
		       ret);
	for_each_possible_cpu(cpu) {
		if (!ret)
			free_page((unsigned long)ev.cpu[cpu].fifo_cb);
		ev.cpu[cpu].fifo_cb = NULL;
	}
	for (i = 0; !ret && i < pvhvm_irqs.evtchn.fifo.nr_pages; i++)
		free_page((unsigned long)ev.fifo_pages[i]);
	/* Only the pages are Xen's: the array of their addresses is ours. */
	kfree(ev.fifo_pages);
	ev.fifo_pages = NULL;
	ev.fifo = false;
}

/* Runs on @cpu itself: CPUID and the scan state are per vCPU. */
static int pvhvm_cpu_online(unsigned int cpu)
{
	struct pvhvm_cpu *pc = &ev.cpu[cpu];
	u8 vector;
	int ret;

	pc->vcpu_id = pvhvm_read_vcpu_id(cpu);
	if (pc->vcpu_id >= MAX_VIRT_CPUS) {
		pr_err("cpu %u: Xen vCPU id %u is beyond the %u vcpu_info slots of shared_info\n",
		       cpu, pc->vcpu_id, MAX_VIRT_CPUS);
		return -ERANGE;
	}
	if (!pc->irq) {
		ret = pvhvm_alloc_upcall_irq(cpu);
		if (ret)
			return ret;
	}
	pc->vi = &((struct shared_info *)page_address(ev.si_page))->vcpu_info[pc->vcpu_id];
	if (ev.fifo) {
		ret = pvhvm_fifo_init_control(cpu);
		if (!ret)
			ret = pvhvm_evtchn_fifo_cpu_init(&pvhvm_irqs.evtchn, cpu,
							 pc->fifo_cb);
	} else {
		ret = pvhvm_evtchn_2l_cpu_init(&pvhvm_irqs.evtchn, cpu, pc->vi,
					       pc->bound);
	}
	if (ret)
		return ret;

	/* A managed vector may change across offline/online: re-read it. */
	vector = pvhvm_irq_vector(pc->irq);
	if (ev.percpu_vector) {
		ret = pvhvm_register_vector(cpu, vector);
		if (ret)
			return ret;
	} else if (vector != ev.callback_vector) {
		pr_err("cpu %u got vector 0x%x, but Xen's one callback vector is 0x%x; no per-vCPU upcall vectors on this host\n",
		       cpu, vector, ev.callback_vector);
		return -EBUSY;
	}
	pc->vector = vector;
	/* Publishes vi and the scan state to pvhvm_upcall()'s acquire. */
	smp_store_release(&pc->ready, true);
	/* Events that came while we were not ready are still pending. */
	apic->send_IPI(cpu, vector);
	return 0;
}

static int pvhvm_cpu_offline(unsigned int cpu)
{
	WRITE_ONCE(ev.cpu[cpu].ready, false);
	/*
	 * Ports bound here are moved by the IRQ core, which calls our
	 * irq_set_affinity for every IRQ affine to a dying CPU.
	 */
	ev.cpu[cpu].vector = 0;
	return 0;
}

static int pvhvm_shared_info_init(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.idx = 0,
	};
	long ret;

	ev.si_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!ev.si_page)
		return -ENOMEM;
	xatp.gpfn = page_to_pfn(ev.si_page);
	ret = pvhvm_hc_memory_op(XENMEM_add_to_physmap, &xatp, sizeof(xatp));
	if (ret) {
		pr_err("XENMEM_add_to_physmap(shared_info, gpfn 0x%lx) failed: %ld\n",
		       (unsigned long)xatp.gpfn, ret);
		__free_page(ev.si_page);
		ev.si_page = NULL;
		return ret;
	}
	return 0;
}

static void pvhvm_free_cpus(void)
{
	unsigned int cpu;

	/* Either array may be missing after a failed allocation. */
	if (ev.cpu)
		for_each_possible_cpu(cpu)
			bitmap_free(ev.cpu[cpu].bound);
	kfree(ev.cpu);
	ev.cpu = NULL;
	kfree(ev.ecpu);
	ev.ecpu = NULL;
}

static int pvhvm_alloc_cpus(void)
{
	unsigned int cpu;

	ev.cpu = kcalloc(nr_cpu_ids, sizeof(*ev.cpu), GFP_KERNEL);
	ev.ecpu = kcalloc(nr_cpu_ids, sizeof(*ev.ecpu), GFP_KERNEL);
	if (!ev.cpu || !ev.ecpu)
		goto out_free;
	for_each_possible_cpu(cpu) {
		ev.cpu[cpu].bound = bitmap_zalloc(EVTCHN_2L_NR_CHANNELS, GFP_KERNEL);
		if (!ev.cpu[cpu].bound)
			goto out_free;
	}
	return 0;

out_free:
	pvhvm_free_cpus();
	return -ENOMEM;
}

/*
 * With one domain-wide callback vector every CPU must take the upcall on the
 * same vector number.  The vector allocator gives a CPU its lowest free
 * vector, so CPUs whose vector is below the highest one allocate again,
 * keeping the misses allocated meanwhile, until all agree.  The target only
 * rises, so this ends, at worst when vectors run out.
 */
static int pvhvm_pick_callback_vector(void)
{
	unsigned int *parked = NULL, nr_parked = 0, cpu, i;
	u8 target = 0, v;
	bool agreed;
	int ret = 0;

	do {
		agreed = true;
		for_each_online_cpu(cpu) {
			for (;;) {
				if (ev.cpu[cpu].irq) {
					v = pvhvm_irq_vector(ev.cpu[cpu].irq);
					if (v >= target)
						break;
					parked = krealloc_array(parked, nr_parked + 1,
								sizeof(*parked), GFP_KERNEL);
					if (!parked) {
						ret = -ENOMEM;
						goto out_free_parked;
					}
					parked[nr_parked++] = ev.cpu[cpu].irq;
					ev.cpu[cpu].irq = 0;
				}
				ret = pvhvm_alloc_upcall_irq(cpu);
				if (ret) {
					pr_err("no vector free on every CPU for Xen's one callback vector\n");
					goto out_free_parked;
				}
			}
			if (v > target) {
				target = v;
				agreed = false;
			}
		}
	} while (!agreed);
	ev.callback_vector = target;
	ret = pvhvm_set_callback_vector(target);

out_free_parked:
	for (i = 0; i < nr_parked; i++) {
		free_irq(parked[i], &ev);
		irq_dispose_mapping(parked[i]);
	}
	kfree(parked);
	return ret;
}

int pvhvm_events_init(void)
{
	int ret;

	ret = pvhvm_alloc_cpus();
	if (ret)
		return ret;
	ret = pvhvm_shared_info_init();
	if (ret)
		goto out_free_cpus;
	ret = pvhvm_pick_abi();
	if (ret)
		goto out_free_fifo;

	ev.percpu_vector = pvhvm_xen.hvm_features & XEN_HVM_CPUID_UPCALL_VECTOR;
	if (!ev.percpu_vector) {
		ret = pvhvm_pick_callback_vector();
		if (ret)
			goto out_free_irqs;
	}
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "xen/pvhvm_irq:online",
				pvhvm_cpu_online, pvhvm_cpu_offline);
	if (ret < 0) {
		pr_err("CPU hotplug state setup failed: %d\n", ret);
		goto out_clear_callback;
	}
	ev.hp_state = ret;
	pr_info("event channels: %s ABI, upcall %s\n",
		pvhvm_irqs.evtchn.ops->name,
		ev.percpu_vector ? "vector per vCPU (HVMOP_set_evtchn_upcall_vector)" :
				   "on one callback vector (HVM_PARAM_CALLBACK_IRQ)");
	return 0;

out_clear_callback:
	if (!ev.percpu_vector)
		pvhvm_set_callback_vector(0);
out_free_irqs:
	pvhvm_events_free_irqs();
out_free_fifo:
	pvhvm_fifo_free();
	kfree(ev.fifo_pages);
	ev.fifo_pages = NULL;
out_free_cpus:
	pvhvm_free_cpus();
	return ret;
}

void pvhvm_events_exit(void)
{
	unsigned int left;

	mutex_lock(&pvhvm_irqs.lock);
	left = pvhvm_evtchn_close_stale();
	mutex_unlock(&pvhvm_irqs.lock);
	if (left)
		pr_err("%u ports stay open at the host, masked\n", left);
	xa_destroy(&pvhvm_stale_ports);
	if (ev.hp_state > 0)
		cpuhp_remove_state(ev.hp_state);
	ev.hp_state = 0;
	/*
	 * Xen has no way to unset a per-vCPU upcall vector; with every port
	 * closed first nothing raises it any more.
	 */
	if (!ev.percpu_vector)
		pvhvm_set_callback_vector(0);
	pvhvm_events_free_irqs();
	pvhvm_fifo_free();
	pvhvm_free_cpus();
}

/**
 * pvhvm_evtchn_port_setup() - make a port Xen just gave us usable
 * @port: the port
 * @what: the hypercall that gave it, for the log
 *
 * Checks the ABI can address @port (adding FIFO event pages as needed),
 * masks it and records it on the CPU Xen binds new ports to (vCPU 0).
 * The caller unmasks it once it can take its events, and closes it on
 * failure.  Sleeps; called with pvhvm_irqs.lock held.
 */
int pvhvm_evtchn_port_setup(evtchn_port_t port, const char *what)
{
	struct pvhvm_evtchn *ec = &pvhvm_irqs.evtchn;
	int ret;

	lockdep_assert_held(&pvhvm_irqs.lock);
	if (!port) {
		pr_err("%s returned port 0, which is reserved\n", what);
		return -EPROTO;
	}
	ret = ec->ops->setup(ec, port);
	while (ret == -ENOSPC && ev.fifo) {
		ret = pvhvm_fifo_expand();
		if (ret) {
			pr_err("%s returned port %u: no FIFO event array page for it (%d)\n",
			       what, port, ret);
			return ret;
		}
		ret = ec->ops->setup(ec, port);
	}
	if (ret) {
		pr_err("%s returned port %u, beyond the %s ABI's %u ports\n",
		       what, port, ec->ops->name, ec->nr_ports);
		return ret;
	}
	ec->ops->mask(ec, port);
	return ec->ops->bind_to_cpu(ec, port, 0, PVHVM_EVTCHN_NO_CPU);
}

static int pvhvm_evtchn_port_try_close(evtchn_port_t port, unsigned int cpu)
{
	struct pvhvm_evtchn *ec = &pvhvm_irqs.evtchn;
	struct evtchn_close cl = { .port = port };
	long ret;
	int i;

	ret = pvhvm_hc_evtchn_op(EVTCHNOP_close, &cl, sizeof(cl));
	if (ret) {
		pr_err("EVTCHNOP_close(port %u) failed: %ld\n", port, ret);
		return ret;
	}
	ec->ops->clear_pending(ec, port);
	/* FIFO: an event still linked on a queue is dropped by the next pass. */
	for (i = 0; i < 100; i++) {
		if (ec->ops->remove(ec, port, cpu) != -EBUSY)
			break;
		usleep_range(1000, 2000);
	}
	return 0;
}

/**
 * pvhvm_evtchn_port_close() - close a port set up by pvhvm_evtchn_port_setup()
 * @port: the port
 * @cpu: the CPU it delivers to
 *
 * The caller then drops @port from its table and waits for upcalls that
 * may still see it.  A port the host refuses to close stays masked and is
 * closed again later (pvhvm_evtchn_close_stale()).  Sleeps; called with
 * pvhvm_irqs.lock held.
 */
void pvhvm_evtchn_port_close(evtchn_port_t port, unsigned int cpu)
{
	struct pvhvm_evtchn *ec = &pvhvm_irqs.evtchn;

	lockdep_assert_held(&pvhvm_irqs.lock);
	ec->ops->mask(ec, port);
	if (!pvhvm_evtchn_port_try_close(port, cpu))
		return;
	if (xa_err(xa_store(&pvhvm_stale_ports, port, xa_mk_value(cpu),
			    GFP_KERNEL)))
		pr_err("port %u stays open at the host, masked\n", port);
}

/**
 * pvhvm_evtchn_close_stale() - close the ports the host refused to close
 *
 * Sleeps; called with pvhvm_irqs.lock held.
 *
 * Return: how many are still open.
 */
unsigned int pvhvm_evtchn_close_stale(void)
{
	unsigned int left = 0;
	unsigned long port;
	void *entry;

	lockdep_assert_held(&pvhvm_irqs.lock);
	xa_for_each(&pvhvm_stale_ports, port, entry) {
		if (pvhvm_evtchn_port_try_close(port, xa_to_value(entry))) {
			left++;
			continue;
		}
		xa_erase(&pvhvm_stale_ports, port);
		pr_info("port %lu closed at a later attempt\n", port);
	}
	return left;
}

/**
 * pvhvm_evtchn_port_move() - have @port deliver to @cpu instead of @old_cpu
 * @port: a port in use
 * @old_cpu: where it delivers now
 * @cpu: an online CPU
 *
 * Leaves @port masked: the caller unmasks it.  Atomic context allowed; the
 * caller serializes moves of one port.
 */
int pvhvm_evtchn_port_move(evtchn_port_t port, unsigned int old_cpu,
			   unsigned int cpu)
{
	struct pvhvm_evtchn *ec = &pvhvm_irqs.evtchn;
	struct evtchn_bind_vcpu bv = {
		.port = port,
		.vcpu = ev.cpu[cpu].vcpu_id,
	};
	long ret;

	ec->ops->mask(ec, port);
	ret = pvhvm_hc_evtchn_op(EVTCHNOP_bind_vcpu, &bv, sizeof(bv));
	if (ret) {
		pr_err("EVTCHNOP_bind_vcpu(port %u, vcpu %u) failed: %ld\n",
		       port, bv.vcpu, ret);
		return ret;
	}
	ec->ops->bind_to_cpu(ec, port, cpu, old_cpu);
	return 0;
}

/**
 * pvhvm_evtchn_bind() - bind @p's pirq to a new event channel
 * @p: the pirq, not bound
 *
 * The port starts masked and delivering to the CPU whose vCPU Xen binds
 * new ports to (vCPU 0); pvhvm_evtchn_unmask() and pvhvm_evtchn_move() do
 * the rest.  Sleeps; called with pvhvm_irqs.lock held.
 */
int pvhvm_evtchn_bind(struct pvhvm_pirq *p)
{
	struct evtchn_bind_pirq bp = {
		.pirq = p->pirq,
		.flags = p->kind == PVHVM_GSI_LEVEL ? BIND_PIRQ__WILL_SHARE : 0,
	};
	struct physdev_irq_status_query sq = { .irq = p->pirq };
	struct evtchn_close cl;
	long ret;

	lockdep_assert_held(&pvhvm_irqs.lock);
	pvhvm_evtchn_close_stale();
	ret = pvhvm_hc_evtchn_op(EVTCHNOP_bind_pirq, &bp, sizeof(bp));
	if (ret) {
		pr_err("EVTCHNOP_bind_pirq(pirq %u, flags 0x%x) failed: %ld\n",
		       p->pirq, bp.flags, ret);
		return ret;
	}
	cl.port = bp.port;
	ret = pvhvm_evtchn_port_setup(bp.port, "EVTCHNOP_bind_pirq");
	if (ret)
		goto out_close;
	ret = xa_insert(&pvhvm_irqs.ports, bp.port, p, GFP_KERNEL);
	if (ret) {
		pr_err("host bound pirq %u to port %u, which pirq %u already has\n",
		       p->pirq, bp.port,
		       ((struct pvhvm_pirq *)xa_load(&pvhvm_irqs.ports, bp.port))->pirq);
		pvhvm_evtchn_port_close(bp.port, 0);
		return ret;
	}
	/*
	 * Xen maps an MSI pirq only when the first message arrives, and
	 * answers -EINVAL until then: like Linux, take that as "no EOI".
	 */
	ret = pvhvm_hc_physdev_op(PHYSDEVOP_irq_status_query, &sq, sizeof(sq));
	if (ret) {
		if (p->gsi != PVHVM_NO_GSI)
			pr_warn("PHYSDEVOP_irq_status_query(pirq %u, GSI %u) failed: %ld; assuming no EOI\n",
				p->pirq, p->gsi, ret);
		sq.flags = 0;
	}
	p->needs_eoi = sq.flags & XENIRQSTAT_needs_eoi;
	p->cpu = 0;
	p->port = bp.port;
	trace_pvhvm_bind(p->pirq, p->port, p->needs_eoi);
	return 0;

out_close:
	if (pvhvm_hc_evtchn_op(EVTCHNOP_close, &cl, sizeof(cl)))
		pr_err("EVTCHNOP_close(port %u) failed while unwinding\n", cl.port);
	return ret;
}

/**
 * pvhvm_evtchn_close() - close @p's event channel
 * @p: a pirq bound by pvhvm_evtchn_bind()
 *
 * Sleeps (waits for upcalls that may still see the port); called with
 * pvhvm_irqs.lock held.
 */
void pvhvm_evtchn_close(struct pvhvm_pirq *p)
{
	lockdep_assert_held(&pvhvm_irqs.lock);
	if (!p->port)
		return;
	pvhvm_evtchn_port_close(p->port, p->cpu);
	xa_erase(&pvhvm_irqs.ports, p->port);
	/* An upcall may hold @p from the table: let it finish. */
	synchronize_rcu();
	p->port = 0;
	p->cpu = PVHVM_EVTCHN_NO_CPU;
}

/**
 * pvhvm_evtchn_move() - have @p's port deliver to @cpu
 * @p: a bound pirq
 * @cpu: an online CPU
 * @masked: leave the port masked afterwards
 *
 * Atomic context allowed (runs from irq_set_affinity under the descriptor
 * lock, which also serializes moves of one port).
 */
int pvhvm_evtchn_move(struct pvhvm_pirq *p, unsigned int cpu, bool masked)
{
	int ret;

	if (!p->port || p->cpu == cpu)
		return 0;
	ret = pvhvm_evtchn_port_move(p->port, p->cpu, cpu);
	if (!ret)
		p->cpu = cpu;
	trace_pvhvm_affinity(p->pirq, p->port, cpu, ret);
	if (!masked)
		pvhvm_evtchn_unmask(p);
	return ret;
}

/* Atomic context allowed. */
void pvhvm_evtchn_mask(struct pvhvm_pirq *p)
{
	if (p->port)
		pvhvm_irqs.evtchn.ops->mask(&pvhvm_irqs.evtchn, p->port);
}

/* Atomic context allowed. */
void pvhvm_evtchn_unmask(struct pvhvm_pirq *p)
{
	if (p->port)
		pvhvm_evtchn_port_unmask(p->port);
}

/* Atomic context allowed.  Xen re-delivers a pending event on unmask. */
void pvhvm_evtchn_port_unmask(evtchn_port_t port)
{
	struct evtchn_unmask um = { .port = port };
	long ret;

	if (!pvhvm_irqs.evtchn.ops->unmask(&pvhvm_irqs.evtchn, port))
		return;
	ret = pvhvm_hc_evtchn_op(EVTCHNOP_unmask, &um, sizeof(um));
	if (ret)
		pr_err_ratelimited("EVTCHNOP_unmask(port %u) failed: %ld\n",
				   um.port, ret);
}
