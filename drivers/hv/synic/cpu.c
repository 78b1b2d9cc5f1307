// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU SynIC: the SINT vector, the message and event pages, enabling
 * and disabling through CPU hotplug, the SINT interrupt and the per-CPU
 * thread that runs threaded handlers.
 *
 * A module cannot take a system vector, so each CPU gets a managed IRQ of
 * its own from x86_vector_domain, pinned to that CPU, and every SINT in use
 * on that CPU is programmed with that IRQ's vector.  The vector is read
 * back each time the CPU comes up: a managed IRQ may get another one after
 * an offline/online cycle.
 *
 * The interrupt takes events before messages.  A slot whose message has a
 * threaded handler is left in place, which keeps the host's queue behind
 * it (msg_pending), and the CPU's thread takes it: the slot and the EOM
 * MSR are per CPU, so that thread is a work item bound to the CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/error-injection.h>
#include <linux/gfp.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/hw_irq.h>
#include <asm/irqdomain.h>
#include <asm/hyperv-tlfs.h>
#include <pvirq/seam.h>

#include "synic_int.h"
#include "synic_trace.h"

/* Times an offlining CPU looks for work left in its pages. */
#define SYNIC_DRAIN_ROUNDS	3

static void synic_account(struct synic_cpu *sc, unsigned int sint,
			  const struct synic_msg_stats *before,
			  const struct synic_msg_cpu *mc)
{
	const struct synic_msg_stats *now = &mc->stats;
	struct synic_sint_stats *ss = &sc->sint[sint];
	u64 rejected;

	rejected = (now->bad_header - before->bad_header) +
		   (now->short_payload - before->short_payload) +
		   (now->unknown_type - before->unknown_type) +
		   (now->lost_race - before->lost_race);
	ss->msgs += now->handled - before->handled;
	ss->eoms += now->eom - before->eom;
	ss->rejected += rejected;
	if (now->handled != before->handled || rejected)
		trace_hv_synic_message(sc->cpu, sint,
				       mc->copy.header.message_type,
				       mc->copy.header.payload_size,
				       now->handled != before->handled);
}

static void synic_eom(struct synic_cpu *sc, unsigned int sint)
{
	trace_hv_synic_eom(sc->cpu, sint);
	if (pvirq_wrmsr(HV_X64_MSR_EOM, 0))
		pr_err_ratelimited("cpu %u: EOM write failed\n", sc->cpu);
}

/* One SINT's slot, from the interrupt.  Returns true to wake the thread. */
static bool synic_isr_msg(struct synic_cpu *sc, unsigned int sint)
{
	struct hv_message *slot = synic_msg_slot(sc->msg_page, sint);
	struct synic_msg_stats before = sc->hard.stats;
	struct synic_msg_entry e;
	u32 type = READ_ONCE(slot->header.message_type);

	/*
	 * A threaded message stays in the slot for the thread.  The peek only
	 * routes: the copy taken below is parsed against the hard-IRQ table
	 * alone, so a host that changes the type meanwhile gets its message
	 * rejected, never run in the wrong context.
	 */
	if (type != HVMSG_NONE &&
	    !synic_msg_lookup(&synic.msg_hard, sint, type, &e) &&
	    synic_msg_lookup(&synic.msg_thread, sint, type, &e)) {
		sc->sint[sint].deferred++;
		return true;
	}
	if (type == HVMSG_NONE &&
	    !(READ_ONCE(slot->header.message_flags.asu8) & PVIRQ_HV_MSG_PENDING))
		return false;
	if (synic_msg_process(&synic.msg_hard, sint, slot, &sc->hard))
		synic_eom(sc, sint);
	synic_account(sc, sint, &before, &sc->hard);
	return false;
}

/* Everything one SINT interrupt has to do; interrupts off, on sc->cpu. */
static void synic_handle(struct synic_cpu *sc)
{
	unsigned long sints = synic.sints, wake = 0;
	unsigned int s, n;

	for_each_set_bit(s, &sints, HV_SYNIC_SINT_COUNT) {
		/* pairs with the release in synic_evt_table() */
		struct synic_evt_table *t = smp_load_acquire(&synic.evt_hard[s]);

		if (t) {
			n = synic_evt_scan(t, synic_evt_area(sc->evt_page, s),
					   &sc->evt_hard);
			if (n) {
				sc->sint[s].events += n;
				trace_hv_synic_event(sc->cpu, s, n);
			}
		}
		/* pairs with the release in synic_evt_table() */
		t = smp_load_acquire(&synic.evt_thread[s]);
		if (t && READ_ONCE(t->groups))
			__set_bit(s, &wake);
	}
	for_each_set_bit(s, &sints, HV_SYNIC_SINT_COUNT)
		if (synic_isr_msg(sc, s))
			__set_bit(s, &wake);

	if (wake && !sc->dying) {
		for_each_set_bit(s, &wake, HV_SYNIC_SINT_COUNT)
			set_bit(s, &sc->thread_sints);
		queue_work_on(sc->cpu, synic.wq, &sc->work);
	}
}

static irqreturn_t synic_isr(int irq, void *dev_id)
{
	struct synic_cpu *sc = dev_id;

	if (unlikely(!sc->enabled || sc->cpu != smp_processor_id())) {
		sc->spurious++;
		return IRQ_HANDLED;
	}
	synic_handle(sc);
	return IRQ_HANDLED;
}

/*
 * Threaded messages of one SINT, in the CPU's thread, or (@final) in the
 * hotplug thread once the host can no longer deliver to this CPU.
 */
static void synic_thread_msgs(struct synic_cpu *sc, unsigned int sint,
			      bool final)
{
	struct hv_message *slot = synic_msg_slot(sc->msg_page, sint);
	struct synic_msg_cpu *mc = &sc->thread;
	struct synic_msg_stats before;
	enum synic_msg_verdict v;
	enum synic_msg_release r;
	struct synic_msg_entry e;
	u32 type;

	for (;;) {
		/* the interrupt handler shares the slot and the counters */
		local_irq_disable();
		type = READ_ONCE(slot->header.message_type);
		if ((!sc->enabled && !final) || type == HVMSG_NONE ||
		    !synic_msg_lookup(&synic.msg_thread, sint, type, &e)) {
			local_irq_enable();
			return;
		}
		before = mc->stats;
		v = synic_msg_fetch(slot, &mc->copy);
		r = v == SYNIC_MSG_EMPTY ? SYNIC_MSG_FREED :
		    synic_msg_release(slot, mc->copy.header.message_type);
		if (r == SYNIC_MSG_FREED_EOM) {
			mc->stats.eom++;
			synic_eom(sc, sint);
		}
		if (r == SYNIC_MSG_CHANGED)
			mc->stats.lost_race++;
		if (v == SYNIC_MSG_BAD_HEADER)
			mc->stats.bad_header++;
		local_irq_enable();

		/* the copy is this thread's own: run the handler, may sleep */
		if (v == SYNIC_MSG_VALID && r != SYNIC_MSG_CHANGED)
			synic_msg_dispatch(&synic.msg_thread, sint, &mc->copy,
					   &mc->stats);
		local_irq_disable();
		synic_account(sc, sint, &before, mc);
		local_irq_enable();
		cond_resched();
	}
}

/* Threaded events and messages of @sints, on sc->cpu. */
static void synic_thread_sints(struct synic_cpu *sc, unsigned long sints,
			       bool final)
{
	struct synic_evt_stats st;
	unsigned int s, n;

	for_each_set_bit(s, &sints, HV_SYNIC_SINT_COUNT) {
		/* pairs with the release in synic_evt_table() */
		struct synic_evt_table *t = smp_load_acquire(&synic.evt_thread[s]);

		if (t) {
			memset(&st, 0, sizeof(st));
			n = synic_evt_scan(t, synic_evt_area(sc->evt_page, s),
					   &st);
			local_irq_disable();
			sc->evt_thread.dispatched += st.dispatched;
			sc->evt_thread.orphans += st.orphans;
			sc->sint[s].events += n;
			local_irq_enable();
			if (n)
				trace_hv_synic_event(sc->cpu, s, n);
		}
		synic_thread_msgs(sc, s, final);
	}
}

static void synic_thread(struct work_struct *work)
{
	struct synic_cpu *sc = container_of(work, struct synic_cpu, work);

	/* bound work runs elsewhere only once the CPU is gone */
	if (raw_smp_processor_id() != sc->cpu || !READ_ONCE(sc->enabled))
		return;
	synic_thread_sints(sc, xchg(&sc->thread_sints, 0), false);
}

/**
 * synic_flush_threads() - wait for every CPU's thread to be idle
 *
 * After a threaded handler is unregistered, no thread runs it any more
 * once this returns.
 */
void synic_flush_threads(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		flush_work(&per_cpu_ptr(synic.pcpu, cpu)->work);
}

static u64 synic_sint_value(u8 vector)
{
	u64 v = vector;

	/* unmasked, polling off: we want the interrupt */
	if (synic.auto_eoi)
		v |= HV_SYNIC_SINT_AUTO_EOI;
	return v;
}

/**
 * synic_cpu_enable_regs() - enable SynIC on the calling CPU
 * @sc: this CPU's state, pages allocated
 *
 * SIMP, SIEFP, the SINTs, then SCONTROL, with interrupts off so that the
 * first SINT interrupt finds @sc enabled.  Returns 0 or -EIO (an MSR the
 * host refused; what was enabled is disabled again).
 */
int synic_cpu_enable_regs(struct synic_cpu *sc)
{
	struct irq_data *d = irq_get_irq_data(sc->irq);
	unsigned long sints = synic.sints, flags;
	unsigned int s;
	u64 scontrol;
	int ret = -EIO;

	if (!d || irqd_is_managed_and_shutdown(d) || !irqd_cfg(d)) {
		pr_err("cpu %u: its SINT IRQ %u has no vector\n", sc->cpu,
		       sc->irq);
		return -ENODEV;
	}
	local_irq_save(flags);
	sc->vector = irqd_cfg(d)->vector;
	if (pvirq_wrmsr(HV_X64_MSR_SIMP, virt_to_phys(sc->msg_page) |
			HV_SYNIC_SIMP_ENABLE)) {
		pr_err("cpu %u: host refused SIMP\n", sc->cpu);
		goto out_restore;
	}
	if (pvirq_wrmsr(HV_X64_MSR_SIEFP, virt_to_phys(sc->evt_page) |
			HV_SYNIC_SIEFP_ENABLE)) {
		pr_err("cpu %u: host refused SIEFP\n", sc->cpu);
		goto out_disable_simp;
	}
	for_each_set_bit(s, &sints, HV_SYNIC_SINT_COUNT) {
		if (pvirq_wrmsr(HV_X64_MSR_SINT0 + s,
				synic_sint_value(sc->vector))) {
			pr_err("cpu %u: host refused SINT%u vector 0x%x\n",
			       sc->cpu, s, sc->vector);
			goto out_mask_sints;
		}
	}
	sc->enabled = true;
	if (pvirq_rdmsr(HV_X64_MSR_SCONTROL, &scontrol) ||
	    pvirq_wrmsr(HV_X64_MSR_SCONTROL,
			scontrol | HV_SYNIC_CONTROL_ENABLE)) {
		pr_err("cpu %u: host refused SCONTROL\n", sc->cpu);
		sc->enabled = false;
		goto out_mask_sints;
	}
	local_irq_restore(flags);
	return 0;

out_mask_sints:
	for_each_set_bit(s, &sints, HV_SYNIC_SINT_COUNT)
		pvirq_wrmsr(HV_X64_MSR_SINT0 + s, HV_SYNIC_SINT_MASKED);
	pvirq_wrmsr(HV_X64_MSR_SIEFP, 0);
out_disable_simp:
	pvirq_wrmsr(HV_X64_MSR_SIMP, 0);
out_restore:
	local_irq_restore(flags);
	return ret;
}

ALLOW_ERROR_INJECTION(synic_cpu_enable_regs, ERRNO);

/**
 * synic_cpu_disable_regs() - disable SynIC on the calling CPU
 * @sc: this CPU's state
 *
 * The reverse of synic_cpu_enable_regs(): SCONTROL, the SINTs (masked),
 * SIEFP, SIMP.  Any context, interrupts on or off; safe to call twice.
 */
void synic_cpu_disable_regs(struct synic_cpu *sc)
{
	unsigned long sints = synic.sints, flags;
	unsigned int s;
	u64 scontrol = 0;

	local_irq_save(flags);
	if (!pvirq_rdmsr(HV_X64_MSR_SCONTROL, &scontrol))
		pvirq_wrmsr(HV_X64_MSR_SCONTROL,
			    scontrol & ~HV_SYNIC_CONTROL_ENABLE);
	for_each_set_bit(s, &sints, HV_SYNIC_SINT_COUNT)
		pvirq_wrmsr(HV_X64_MSR_SINT0 + s, HV_SYNIC_SINT_MASKED);
	pvirq_wrmsr(HV_X64_MSR_SIEFP, 0);
	pvirq_wrmsr(HV_X64_MSR_SIMP, 0);
	sc->enabled = false;
	local_irq_restore(flags);
}

static void synic_cpu_free_pages(struct synic_cpu *sc)
{
	free_page((unsigned long)sc->msg_page);
	free_page((unsigned long)sc->evt_page);
	free_page((unsigned long)sc->in_page);
	sc->msg_page = NULL;
	sc->evt_page = NULL;
	sc->in_page = NULL;
}

static int synic_cpu_alloc_pages(struct synic_cpu *sc)
{
	if (sc->msg_page)
		return 0;
	sc->msg_page = (void *)get_zeroed_page(GFP_KERNEL);
	sc->evt_page = (void *)get_zeroed_page(GFP_KERNEL);
	sc->in_page = (void *)get_zeroed_page(GFP_KERNEL);
	if (!sc->msg_page || !sc->evt_page || !sc->in_page) {
		synic_cpu_free_pages(sc);
		return -ENOMEM;
	}
	return 0;
}

static int synic_cpu_online(unsigned int cpu)
{
	struct synic_cpu *sc = per_cpu_ptr(synic.pcpu, cpu);
	u64 vp = cpu;
	int ret;

	ret = synic_cpu_alloc_pages(sc);
	if (ret) {
		pr_err("cpu %u: no memory for the SynIC pages\n", cpu);
		return ret;
	}
	if ((synic.features & HV_MSR_VP_INDEX_AVAILABLE) &&
	    pvirq_rdmsr(HV_X64_MSR_VP_INDEX, &vp)) {
		pr_err("cpu %u: reading VP_INDEX failed\n", cpu);
		return -EIO;
	}
	sc->vp_index = vp;
	sc->dying = false;
	ret = synic_cpu_enable_regs(sc);
	if (ret)
		return ret;
	pr_debug("cpu %u: VP %u, SINTs 0x%lx on vector 0x%x\n", cpu,
		 sc->vp_index, synic.sints, sc->vector);
	return 0;
}

static int synic_cpu_offline(unsigned int cpu)
{
	struct synic_cpu *sc = per_cpu_ptr(synic.pcpu, cpu);
	int i;

	mutex_lock(&synic.lock);
	/* a suspend takes every CPU down and brings it back: let it */
	if (synic.bound[cpu] && !cpuhp_tasks_frozen) {
		pr_info("cpu %u: %u handlers expect their peer to send to it; refusing to go offline\n",
			cpu, synic.bound[cpu]);
		mutex_unlock(&synic.lock);
		return -EBUSY;
	}
	mutex_unlock(&synic.lock);

	/* take what has arrived, then stop the host from sending more */
	for (i = 0; i < SYNIC_DRAIN_ROUNDS; i++) {
		local_irq_disable();
		if (sc->enabled)
			synic_handle(sc);
		local_irq_enable();
		flush_work(&sc->work);
	}
	local_irq_disable();
	sc->dying = true;
	local_irq_enable();
	synic_cpu_disable_regs(sc);
	cancel_work_sync(&sc->work);
	/*
	 * What the host delivered while SynIC was being disabled is still in
	 * our pages, and enabling SIMP again zeroes them: take it now.  The
	 * host cannot deliver any more, and an EOM only lets it queue.
	 */
	local_irq_disable();
	synic_handle(sc);
	local_irq_enable();
	synic_thread_sints(sc, synic.sints, true);
	sc->thread_sints = 0;
	return 0;
}

static void synic_cpu_free_irq(struct synic_cpu *sc)
{
	if (!sc->irq)
		return;
	free_irq(sc->irq, sc);
	irq_dispose_mapping(sc->irq);
	sc->irq = 0;
}

/* A managed IRQ pinned to @cpu, on a vector of its own. */
static int synic_cpu_alloc_irq(struct synic_cpu *sc)
{
	struct irq_affinity_desc aff = { .is_managed = 1 };
	struct irq_alloc_info info = {};
	int virq, ret;

	cpumask_copy(&aff.mask, cpumask_of(sc->cpu));
	virq = __irq_domain_alloc_irqs(x86_vector_domain, -1, 1,
				       cpu_to_node(sc->cpu), &info, false,
				       &aff);
	if (virq <= 0) {
		pr_err("cpu %u: no vector IRQ (%d)\n", sc->cpu, virq);
		return virq ? virq : -ENOSPC;
	}
	/*
	 * The vector domain sets no flow handler.  Edge: acks (EOIs) the
	 * local APIC; with auto-EOI the host has done that already.
	 */
	irq_set_handler(virq, synic.auto_eoi ? handle_simple_irq :
					       handle_edge_irq);
	ret = request_irq(virq, synic_isr, IRQF_NO_THREAD, "hv_synic", sc);
	if (ret) {
		pr_err("cpu %u: request_irq(%d) failed (%d)\n", sc->cpu, virq,
		       ret);
		irq_dispose_mapping(virq);
		return ret;
	}
	sc->irq = virq;
	return 0;
}

/**
 * synic_cpus_init() - per-CPU state, IRQs and the hotplug state
 *
 * Returns 0 with SynIC enabled on every online CPU, or -errno with
 * nothing left behind.
 */
int synic_cpus_init(void)
{
	unsigned int cpu;
	int ret;

	synic.pcpu = alloc_percpu(struct synic_cpu);
	if (!synic.pcpu)
		return -ENOMEM;
	synic.bound = kcalloc(nr_cpu_ids, sizeof(*synic.bound), GFP_KERNEL);
	if (!synic.bound) {
		ret = -ENOMEM;
		goto out_free_pcpu;
	}
	synic.wq = alloc_workqueue("hv_synic", WQ_HIGHPRI | WQ_MEM_RECLAIM, 0);
	if (!synic.wq) {
		ret = -ENOMEM;
		goto out_free_bound;
	}
	for_each_possible_cpu(cpu) {
		struct synic_cpu *sc = per_cpu_ptr(synic.pcpu, cpu);

		sc->cpu = cpu;
		INIT_WORK(&sc->work, synic_thread);
	}
	for_each_possible_cpu(cpu) {
		ret = synic_cpu_alloc_irq(per_cpu_ptr(synic.pcpu, cpu));
		if (ret)
			goto out_free_irqs;
	}
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "pvirq/hv_synic:online",
				synic_cpu_online, synic_cpu_offline);
	if (ret < 0) {
		pr_err("cannot bring SynIC up on the online CPUs (%d)\n", ret);
		goto out_free_irqs;
	}
	synic.cpuhp = ret;
	return 0;

out_free_irqs:
	for_each_possible_cpu(cpu) {
		struct synic_cpu *sc = per_cpu_ptr(synic.pcpu, cpu);

		synic_cpu_free_irq(sc);
		synic_cpu_free_pages(sc);
	}
	destroy_workqueue(synic.wq);
out_free_bound:
	kfree(synic.bound);
out_free_pcpu:
	free_percpu(synic.pcpu);
	return ret;
}

/**
 * synic_cpus_exit() - disable SynIC everywhere and free the per-CPU state
 */
void synic_cpus_exit(void)
{
	unsigned int cpu;

	cpuhp_remove_state(synic.cpuhp);
	for_each_possible_cpu(cpu) {
		struct synic_cpu *sc = per_cpu_ptr(synic.pcpu, cpu);

		synic_cpu_free_irq(sc);
		cancel_work_sync(&sc->work);
		synic_cpu_free_pages(sc);
	}
	destroy_workqueue(synic.wq);
	kfree(synic.bound);
	free_percpu(synic.pcpu);
}
