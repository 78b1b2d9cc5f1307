// SPDX-License-Identifier: GPL-2.0
/*
 * pvirq test transport: the guest end of pvirq-host.  Test-only.
 *
 * pvirq-host serves an ivshmem-doorbell device (1af4:1110).  Its BAR2 is a
 * region the host created and shares with us (layout: pvirq_wire.h).  Three
 * things travel over it:
 *
 *  - seam calls: a driver's cpuid/rdmsr/wrmsr/hypercall becomes a request in
 *    the calling vCPU's slot; we ring the host's doorbell and spin until it
 *    answers.  This must work with interrupts off and in hardirq context, so
 *    the slot is owned by the CPU under local_irq_save() and nothing sleeps.
 *  - injected interrupts: the host sets vector bits for a vCPU and raises
 *    our MSI-X vector 0; we send each vector to its CPU as a real IPI, so the
 *    drivers take it on their own vector through the normal IRQ path.
 *  - a virtual PCI bus (vbus.c) whose config space the host serves and whose
 *    BARs live in the shared region.
 *
 * The host is not trusted: everything read from the region is copied out
 * and bounded before use, and every wait has a timeout.  A failed request
 * reaches the caller as a hypervisor's own answer, with a log line: CPUID
 * reads zeros, an MSR access faults (-EIO), a hypercall gets its ABI's "no
 * such hypercall" (Xen -ENOSYS, Hyper-V HV_STATUS_INVALID_HYPERCALL_CODE,
 * KVM -KVM_ENOSYS).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <asm/apic.h>
#include <asm/hyperv-tlfs.h>
#include <asm/irq_vectors.h>
#include <asm/smp.h>
#include <uapi/linux/kvm_para.h>
#include <pvirq/seam.h>

#include "transport.h"

#define PVT_IVSHMEM_VENDOR	0x1af4
#define PVT_IVSHMEM_DEVICE	0x1110
#define PVT_NR_IRQS		2

static unsigned int timeout_ms = 10000;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms, "how long a request waits for the host (ms)");

struct pvt_stats pvt_stats;

/*
 * The device requests go to.  Written only by probe/remove; readers hold
 * interrupts off (an RCU-sched read side), so remove() waits for every
 * request in flight with synchronize_rcu() before tearing down.
 */
static struct pvt_dev __rcu *pvt_cur;

static inline struct pvirq_wire_hdr *pvt_hdr(struct pvt_dev *pd)
{
	return pd->shm;
}

static inline struct pvirq_wire_slot *pvt_slot(struct pvt_dev *pd,
					       unsigned int cpu)
{
	return pd->shm + PVIRQ_WIRE_SLOT_OFF + cpu * PVIRQ_WIRE_SLOT_SIZE;
}

static inline struct pvirq_wire_inject *pvt_inject(struct pvt_dev *pd,
						   unsigned int cpu)
{
	struct pvirq_wire_inject *inj = pd->shm + PVIRQ_WIRE_INJECT_OFF;

	return &inj[cpu];
}

static const char * const pvt_op_names[PVIRQ_OP_MAX] = {
	[PVIRQ_OP_HELLO]	= "hello",
	[PVIRQ_OP_CPUID]	= "cpuid",
	[PVIRQ_OP_RDMSR]	= "rdmsr",
	[PVIRQ_OP_WRMSR]	= "wrmsr",
	[PVIRQ_OP_HYPERCALL]	= "hypercall",
	[PVIRQ_OP_PCI_READ]	= "pci_read",
	[PVIRQ_OP_PCI_WRITE]	= "pci_write",
	[PVIRQ_OP_GOODBYE]	= "goodbye",
	[PVIRQ_OP_CONTROL]	= "control",
};

const char *pvt_op_name(u32 op)
{
	if (op < PVIRQ_OP_MAX && pvt_op_names[op])
		return pvt_op_names[op];
	return "unknown";
}

/* The host's ret as an errno we can hand on: anything odd becomes -EIO. */
int pvt_host_errno(s64 ret)
{
	if (ret >= 0)
		return 0;
	if (ret < -MAX_ERRNO)
		return -EIO;
	return ret;
}

struct pvt_dev *pvt_get_dev(void)
{
	return rcu_dereference_sched(pvt_cur);
}

static void pvt_ring(struct pvt_dev *pd)
{
	writel(pd->host_peer << 16 | 0, pd->regs + PVIRQ_IVSHMEM_DOORBELL);
}

/* Spin until the host marks @seq done; false after @ns nanoseconds. */
static bool pvt_wait_done(struct pvirq_wire_slot *slot, u32 seq, u64 ns)
{
	u64 start = ktime_get_mono_fast_ns();

	/* Acquire: the reply the host wrote before done is what we read. */
	while (smp_load_acquire(&slot->done) != seq) {
		if (ktime_get_mono_fast_ns() - start > ns)
			return false;
		cpu_relax();
	}
	return true;
}

/*
 * A request that timed out may still be answered later, and the host may
 * still be reading its slot.  Until it is answered the slot is not reused:
 * calls on that CPU fail at once instead of each waiting out the timeout.
 * Ringing again gives a host that missed the doorbell another chance.
 */
static bool pvt_slot_usable(struct pvt_dev *pd, struct pvirq_wire_slot *slot,
			    struct pvt_slot_state *st)
{
	if (!st->stale)
		return true;
	pvt_ring(pd);
	if (!pvt_wait_done(slot, st->seq, NSEC_PER_MSEC))
		return false;
	st->stale = false;
	return true;
}

static u64 pvt_timeout_ns(void)
{
	return (u64)READ_ONCE(timeout_ms) * NSEC_PER_MSEC;
}

static void pvt_fill_slot(struct pvirq_wire_slot *slot, unsigned int cpu,
			  const struct pvt_req *req)
{
	unsigned int i;

	WRITE_ONCE(slot->op, req->op);
	WRITE_ONCE(slot->vcpu, cpu);
	for (i = 0; i < ARRAY_SIZE(slot->arg); i++)
		WRITE_ONCE(slot->arg[i], req->arg[i]);
	WRITE_ONCE(slot->ret, 0);
	for (i = 0; i < ARRAY_SIZE(slot->out); i++)
		WRITE_ONCE(slot->out[i], 0);
	for (i = 0; i < PVIRQ_WIRE_NBUFS; i++) {
		void *dst = (void *)slot + PVIRQ_WIRE_BUF_OFF(i);

		if (i >= req->nbufs) {
			WRITE_ONCE(slot->buf_len[i], 0);
			WRITE_ONCE(slot->buf_arg[i], PVIRQ_WIRE_BUF_NONE);
			WRITE_ONCE(slot->buf_dir[i], 0);
			continue;
		}
		if (req->buf[i].dir & PVIRQ_BUF_IN)
			memcpy(dst, req->buf[i].ptr, req->buf[i].len);
		else
			memset(dst, 0, req->buf[i].len);
		WRITE_ONCE(slot->buf_len[i], req->buf[i].len);
		WRITE_ONCE(slot->buf_arg[i], req->buf[i].arg);
		WRITE_ONCE(slot->buf_dir[i], req->buf[i].dir);
	}
}

/* Copy the answer out once; the host may keep writing the slot. */
static void pvt_read_reply(struct pvirq_wire_slot *slot, struct pvt_req *req)
{
	unsigned int i;

	req->ret = READ_ONCE(slot->ret);
	for (i = 0; i < ARRAY_SIZE(req->out); i++)
		req->out[i] = READ_ONCE(slot->out[i]);
	for (i = 0; i < req->nbufs; i++) {
		if (req->buf[i].dir & PVIRQ_BUF_OUT)
			memcpy(req->buf[i].ptr,
			       (void *)slot + PVIRQ_WIRE_BUF_OFF(i),
			       req->buf[i].len);
	}
}

/*
 * A sleeping caller (pvt_call_sleepable()) left its request in the slot.
 * Wait for its answer here, with interrupts off like any request, and hand
 * it over, so that the slot is free for us.
 */
static bool pvt_collect_parked(struct pvirq_wire_slot *slot,
			       struct pvt_slot_state *st, unsigned int cpu)
{
	if (!pvt_wait_done(slot, st->seq, pvt_timeout_ns())) {
		st->stale = true;
		st->park = PVT_PARK_FAILED;
		atomic64_inc(&pvt_stats.timeouts);
		pr_err_ratelimited("%s on vcpu %u: no answer from the host in %u ms (seq %u)\n",
				   pvt_op_name(st->parked->op), cpu,
				   READ_ONCE(timeout_ms), st->seq);
		return false;
	}
	pvt_read_reply(slot, st->parked);
	st->park = PVT_PARK_COLLECTED;
	return true;
}

/* Put @req in @cpu's slot and ring; returns its seq in @seqp. */
static int pvt_submit(struct pvt_dev *pd, unsigned int cpu,
		      struct pvt_req *req, u32 *seqp)
{
	struct pvirq_wire_slot *slot = pvt_slot(pd, cpu);
	struct pvt_slot_state *st = &pd->slot[cpu];
	u32 seq;

	if (cpu >= pd->nslots) {
		atomic64_inc(&pvt_stats.refused);
		pr_err_ratelimited("%s: cpu %u has no slot (host serves %u)\n",
				   pvt_op_name(req->op), cpu, pd->nslots);
		return -ENODEV;
	}
	if ((st->park == PVT_PARK_WAITING &&
	     !pvt_collect_parked(slot, st, cpu)) ||
	    !pvt_slot_usable(pd, slot, st)) {
		atomic64_inc(&pvt_stats.refused);
		pr_err_ratelimited("%s on cpu %u refused: request seq %u is still unanswered\n",
				   pvt_op_name(req->op), cpu, st->seq);
		return -ETIMEDOUT;
	}

	pvt_fill_slot(slot, cpu, req);
	/* Never reuse a seq the host has already marked done. */
	seq = st->seq + 1;
	if (seq == READ_ONCE(slot->done))
		seq++;
	st->seq = seq;
	atomic64_inc(&pvt_stats.req[req->op < PVIRQ_OP_MAX ? req->op : 0]);
	/* The request must be visible before the host can see the new seq. */
	smp_store_release(&slot->seq, seq);
	pvt_ring(pd);
	*seqp = seq;
	return 0;
}

static void pvt_finish(struct pvirq_wire_slot *slot, struct pvt_req *req)
{
	pvt_read_reply(slot, req);
	if (req->ret < 0)
		atomic64_inc(&pvt_stats.err[req->op < PVIRQ_OP_MAX ?
					    req->op : 0]);
}

static void pvt_timed_out(struct pvt_slot_state *st, unsigned int cpu,
			  const struct pvt_req *req, unsigned int ms)
{
	st->stale = true;
	atomic64_inc(&pvt_stats.timeouts);
	pr_err_ratelimited("%s (op %u) on vcpu %u: no answer from the host in %u ms (seq %u)\n",
			   pvt_op_name(req->op), req->op, cpu, ms, st->seq);
}

static int pvt_call_on(struct pvt_dev *pd, unsigned int cpu,
		       struct pvt_req *req)
{
	struct pvirq_wire_slot *slot = pvt_slot(pd, cpu);
	u32 seq;
	int err;

	err = pvt_submit(pd, cpu, req, &seq);
	if (err)
		return err;
	if (!pvt_wait_done(slot, seq, pvt_timeout_ns())) {
		pvt_timed_out(&pd->slot[cpu], cpu, req, READ_ONCE(timeout_ms));
		return -ETIMEDOUT;
	}
	pvt_finish(slot, req);
	return 0;
}

static int pvt_check_req(const struct pvt_req *req)
{
	unsigned int i;

	if (req->nbufs > PVIRQ_WIRE_NBUFS)
		return -EINVAL;
	for (i = 0; i < req->nbufs; i++) {
		if (req->buf[i].len > PVIRQ_WIRE_BUF_MAX ||
		    (req->buf[i].len && !req->buf[i].ptr))
			return -EINVAL;
	}
	return 0;
}

/**
 * pvt_call() - send one request to the host and wait for its answer
 * @req: the request; ret, out[] and OUT buffers are filled in on return
 *
 * Safe with interrupts disabled and in hardirq context; never sleeps.  Uses
 * the calling CPU's slot.
 *
 * Return: 0 when the host answered (its own result is in @req->ret),
 * -ENODEV when there is no device or no slot for this CPU, -ETIMEDOUT when
 * the host did not answer in time, -EINVAL for a malformed @req.
 */
int pvt_call(struct pvt_req *req)
{
	struct pvt_dev *pd;
	unsigned long flags;
	int ret;

	ret = pvt_check_req(req);
	if (ret)
		return ret;
	local_irq_save(flags);
	pd = rcu_dereference_sched(pvt_cur);
	ret = pd ? pvt_call_on(pd, smp_processor_id(), req) : -ENODEV;
	local_irq_restore(flags);
	return ret;
}

/* How a parked request ended, once it has; false while it is in flight. */
static bool pvt_parked_done(struct pvirq_wire_slot *slot,
			    struct pvt_slot_state *st, struct pvt_req *req,
			    u32 seq, int *ret)
{
	switch (st->park) {
	case PVT_PARK_COLLECTED:
		*ret = 0;
		break;
	case PVT_PARK_FAILED:
		*ret = -ETIMEDOUT;
		break;
	default:
		/* as in pvt_wait_done() */
		if (smp_load_acquire(&slot->done) != seq)
			return false;
		pvt_read_reply(slot, req);
		*ret = 0;
	}
	st->park = PVT_PARK_NONE;
	st->parked = NULL;
	if (!*ret && req->ret < 0)
		atomic64_inc(&pvt_stats.err[req->op < PVIRQ_OP_MAX ?
					    req->op : 0]);
	return true;
}

/**
 * pvt_call_sleepable() - pvt_call() for answers that may take long
 * @req: as for pvt_call()
 * @max_ms: give up after this long
 *
 * For process context only (control commands such as a barrier between
 * guests, which the host answers when the other guests arrive).  Spins like
 * pvt_call() for a moment, then sleeps between looks at the slot instead of
 * holding interrupts off.  Meanwhile the task stays on its CPU, and a seam
 * call made there from an interrupt waits for this answer first and stores
 * it in @req (pvt_collect_parked()), then uses the slot.  The caller must
 * keep the device bound (debugfs files are removed before the driver).
 *
 * Return: as pvt_call().
 */
int pvt_call_sleepable(struct pvt_req *req, unsigned int max_ms)
{
	struct pvirq_wire_slot *slot;
	struct pvt_slot_state *st;
	unsigned long flags, end;
	struct pvt_dev *pd;
	unsigned int cpu;
	u32 seq;
	int ret;

	might_sleep();
	ret = pvt_check_req(req);
	if (ret)
		return ret;

	migrate_disable();
	local_irq_save(flags);
	pd = rcu_dereference_sched(pvt_cur);
	cpu = smp_processor_id();
	ret = pd ? pvt_submit(pd, cpu, req, &seq) : -ENODEV;
	if (ret)
		goto out_irq;
	slot = pvt_slot(pd, cpu);
	st = &pd->slot[cpu];
	if (pvt_wait_done(slot, seq, 10 * NSEC_PER_MSEC)) {
		pvt_finish(slot, req);
		goto out_irq;
	}
	st->park = PVT_PARK_WAITING;
	st->parked = req;
	local_irq_restore(flags);

	end = jiffies + msecs_to_jiffies(max_ms);
	for (;;) {
		usleep_range(1000, 2000);
		local_irq_save(flags);
		if (pvt_parked_done(slot, st, req, seq, &ret))
			break;
		if (time_after(jiffies, end)) {
			st->park = PVT_PARK_NONE;
			st->parked = NULL;
			pvt_timed_out(st, cpu, req, max_ms);
			ret = -ETIMEDOUT;
			break;
		}
		local_irq_restore(flags);
	}
out_irq:
	local_irq_restore(flags);
	migrate_enable();
	return ret;
}

/* ---- the seam ---- */

/*
 * Transport failures as the caller would see them from a hypervisor:
 * CPUID cannot fail, so it reads as zeros (no such leaf); an MSR access
 * faults (-EIO); a hypercall gets the ABI's "no such hypercall" result.
 */
static void pvt_seam_cpuid(u32 leaf, u32 subleaf, u32 regs[4])
{
	struct pvt_req req = {
		.op = PVIRQ_OP_CPUID,
		.arg = { leaf, subleaf },
	};
	unsigned int i;
	int err;

	err = pvt_call(&req);
	if (!err)
		err = pvt_host_errno(req.ret);
	if (err) {
		pr_warn_ratelimited("cpuid %#x/%#x failed (%d): reading zeros\n",
				    leaf, subleaf, err);
		memset(regs, 0, 4 * sizeof(u32));
		return;
	}
	for (i = 0; i < 4; i++)
		regs[i] = (u32)req.out[i];
}

static int pvt_seam_rdmsr(u32 msr, u64 *val)
{
	struct pvt_req req = {
		.op = PVIRQ_OP_RDMSR,
		.arg = { msr },
	};
	int err;

	err = pvt_call(&req);
	if (!err)
		err = pvt_host_errno(req.ret);
	if (err) {
		/* -EIO is the host's #GP: an answer, not a failure */
		if (err != -EIO)
			pr_warn_ratelimited("rdmsr %#x failed (%d)\n", msr, err);
		*val = 0;
		return -EIO;
	}
	*val = req.out[0];
	return 0;
}

static int pvt_seam_wrmsr(u32 msr, u64 val)
{
	struct pvt_req req = {
		.op = PVIRQ_OP_WRMSR,
		.arg = { msr, val },
	};
	int err;

	err = pvt_call(&req);
	if (!err)
		err = pvt_host_errno(req.ret);
	if (err) {
		if (err != -EIO)
			pr_warn_ratelimited("wrmsr %#x failed (%d)\n", msr, err);
		return -EIO;
	}
	return 0;
}

/* Xen's ENOSYS, from xen/include/public/errno.h (not in Linux's headers) */
#define PVT_XEN_ENOSYS	38

/* What each ABI returns for a hypercall that does not exist. */
static long pvt_hc_failure(u16 abi)
{
	switch (abi) {
	case PVIRQ_ABI_HYPERV:
		return HV_STATUS_INVALID_HYPERCALL_CODE;
	case PVIRQ_ABI_KVM:
		return -KVM_ENOSYS;
	case PVIRQ_ABI_XEN:
	default:
		return -PVT_XEN_ENOSYS;
	}
}

static long pvt_seam_hypercall(struct pvirq_hcall *hc)
{
	struct pvt_req req = {
		.op = PVIRQ_OP_HYPERCALL,
		.arg = { hc->abi, hc->nr },
	};
	unsigned int i;
	int err;

	if (hc->nbufs > PVIRQ_HC_NBUFS) {
		pr_err_ratelimited("hypercall %llu: %u buffers\n", hc->nr,
				   hc->nbufs);
		return pvt_hc_failure(hc->abi);
	}
	for (i = 0; i < PVIRQ_HC_NARGS; i++)
		req.arg[2 + i] = hc->args[i];
	for (i = 0; i < hc->nbufs; i++) {
		const struct pvirq_hc_buf *b = &hc->buf[i];

		if (b->len > PVIRQ_WIRE_BUF_MAX || b->arg >= PVIRQ_HC_NARGS ||
		    !b->dir || (b->dir & ~(PVIRQ_BUF_IN | PVIRQ_BUF_OUT))) {
			pr_err_ratelimited("hypercall %llu: bad buffer %u (len %u arg %u dir %#x)\n",
					   hc->nr, i, b->len, b->arg, b->dir);
			return pvt_hc_failure(hc->abi);
		}
		req.buf[i].ptr = b->ptr;
		req.buf[i].len = b->len;
		req.buf[i].arg = b->arg;
		req.buf[i].dir = b->dir;
		/* The host finds the buffer by buf_arg, not by address. */
		req.arg[2 + b->arg] = 0;
	}
	req.nbufs = hc->nbufs;

	err = pvt_call(&req);
	if (!err)
		err = pvt_host_errno(req.ret);
	if (err) {
		pr_warn_ratelimited("hypercall abi %u nr %#llx failed in transport (%d)\n",
				    hc->abi, hc->nr, err);
		return pvt_hc_failure(hc->abi);
	}
	hc->out = req.out[1];
	return (long)req.out[0];
}

/**
 * DOC: pvirq_seam_transport
 *
 * The seam served by pvirq-host.  Drivers pick this up with symbol_get()
 * (see include/pvirq/seam.h); while they hold it this module cannot be
 * unloaded.  Before a device is bound, and on a CPU the host has no slot
 * for, CPUID reads zeros, MSR accesses fail with -EIO and hypercalls return
 * the ABI's "no such hypercall".
 */
const struct pvirq_seam_ops pvirq_seam_transport = {
	.name = "pvirq-transport",
	.owner = THIS_MODULE,
	.cpuid = pvt_seam_cpuid,
	.read_msr = pvt_seam_rdmsr,
	.write_msr = pvt_seam_wrmsr,
	.hypercall = pvt_seam_hypercall,
};
EXPORT_SYMBOL_GPL(pvirq_seam_transport);

/* ---- injection ---- */

static void pvt_deliver(struct pvt_dev *pd, unsigned int cpu, unsigned int vec)
{
	struct pvirq_wire_inject *inj = pvt_inject(pd, cpu);

	/* Only device vectors: a system vector would reach a core handler. */
	if (vec < FIRST_EXTERNAL_VECTOR || vec >= FIRST_SYSTEM_VECTOR) {
		atomic64_inc(&pvt_stats.bad_vector);
		pr_warn_ratelimited("host injected vector %#x on vcpu %u: not a device vector, dropped\n",
				    vec, cpu);
		return;
	}
	if (!cpu_online(cpu)) {
		atomic64_inc(&pvt_stats.offline);
		pr_warn_ratelimited("host injected vector %#x on offline vcpu %u, dropped\n",
				    vec, cpu);
		return;
	}
	apic->send_IPI(cpu, vec);
	atomic64_inc(&pvt_stats.delivered[cpu]);
	WRITE_ONCE(inj->delivered, READ_ONCE(inj->delivered) + 1);
}

static irqreturn_t pvt_inject_irq(int irq, void *data)
{
	struct pvt_dev *pd = data;
	unsigned int cpu, w;

	atomic64_inc(&pvt_stats.kicks);
	for (cpu = 0; cpu < pd->nslots; cpu++) {
		struct pvirq_wire_inject *inj = pvt_inject(pd, cpu);

		for (w = 0; w < ARRAY_SIZE(inj->pending); w++) {
			u64 bits = xchg(&inj->pending[w], 0);

			while (bits) {
				unsigned int bit = __ffs64(bits);

				bits &= bits - 1;
				pvt_deliver(pd, cpu, w * 64 + bit);
			}
		}
	}
	return IRQ_HANDLED;
}

/* ---- device ---- */

static int pvt_check_hdr(struct pvt_dev *pd)
{
	struct pvirq_wire_hdr hdr;

	memcpy(&hdr, pvt_hdr(pd), sizeof(hdr));
	if (hdr.magic != PVIRQ_WIRE_MAGIC) {
		pci_err(pd->pdev, "shared region magic %#llx, want %#llx: not pvirq-host\n",
			hdr.magic, PVIRQ_WIRE_MAGIC);
		return -ENODEV;
	}
	if (hdr.version != PVIRQ_WIRE_VERSION) {
		pci_err(pd->pdev, "wire version %u, this transport speaks %u\n",
			hdr.version, PVIRQ_WIRE_VERSION);
		return -EPROTO;
	}
	if (!hdr.max_vcpus || hdr.max_vcpus > PVIRQ_WIRE_MAX_VCPUS) {
		pci_err(pd->pdev, "host max_vcpus %u out of range 1..%u\n",
			hdr.max_vcpus, PVIRQ_WIRE_MAX_VCPUS);
		return -EPROTO;
	}
	if (hdr.host_peer > U16_MAX) {
		pci_err(pd->pdev, "host peer id %u does not fit the doorbell\n",
			hdr.host_peer);
		return -EPROTO;
	}
	pd->host_peer = hdr.host_peer;
	pd->guest_id = hdr.guest_id;
	hdr.name[sizeof(hdr.name) - 1] = '\0';
	strscpy(pd->name, hdr.name, sizeof(pd->name));
	pd->nslots = min_t(unsigned int, nr_cpu_ids, hdr.max_vcpus);
	if (pd->nslots < nr_cpu_ids)
		pci_warn(pd->pdev, "host serves %u vCPUs, cpus %u..%u get no transport\n",
			 hdr.max_vcpus, pd->nslots, nr_cpu_ids - 1);
	return 0;
}

static void pvt_init_slots(struct pvt_dev *pd)
{
	unsigned int cpu;

	/* Carry on from the slot's seq: a previous load may have used it. */
	for (cpu = 0; cpu < pd->nslots; cpu++) {
		pd->slot[cpu].seq = READ_ONCE(pvt_slot(pd, cpu)->seq);
		pd->slot[cpu].stale = false;
	}
}

static int pvt_hello(struct pvt_dev *pd)
{
	struct pvirq_wire_hdr *hdr = pvt_hdr(pd);
	struct pvt_req req = { .op = PVIRQ_OP_HELLO };
	unsigned int cpu;
	int err;

	for (cpu = 0; cpu < PVIRQ_WIRE_MAX_VCPUS; cpu++) {
		u32 id = cpu < pd->nslots && cpu_possible(cpu) ?
			 cpu_physical_id(cpu) : BAD_APICID;

		WRITE_ONCE(hdr->apic_id[cpu], id);
	}
	WRITE_ONCE(hdr->nr_cpus, pd->nslots);
	req.arg[0] = pd->nslots;
	/* vbus.c maps the window 1:1: bus address == physical address */
	req.arg[1] = pd->shm_phys + PVIRQ_WIRE_BAR_OFF;
	req.arg[2] = PVIRQ_HELLO_WINDOW;

	err = pvt_call(&req);
	if (!err)
		err = pvt_host_errno(req.ret);
	if (err)
		pci_err(pd->pdev, "HELLO to host peer %u failed (%d)\n",
			pd->host_peer, err);
	return err;
}

static void pvt_goodbye(struct pvt_dev *pd)
{
	struct pvt_req req = { .op = PVIRQ_OP_GOODBYE };
	int err;

	err = pvt_call(&req);
	if (!err)
		err = pvt_host_errno(req.ret);
	if (err)
		pci_warn(pd->pdev, "GOODBYE not acknowledged (%d)\n", err);
}

static int pvt_setup_irqs(struct pvt_dev *pd)
{
	struct pci_dev *pdev = pd->pdev;
	int nvec, i, err;

	nvec = pci_alloc_irq_vectors(pdev, 1, PVT_NR_IRQS, PCI_IRQ_MSIX);
	if (nvec < 0) {
		pci_err(pdev, "no MSI-X vectors (%d)\n", nvec);
		return nvec;
	}
	/* Vector 0 is the host's injection kick; any other does the same. */
	for (i = 0; i < nvec; i++) {
		err = request_irq(pci_irq_vector(pdev, i), pvt_inject_irq, 0,
				  KBUILD_MODNAME, pd);
		if (err) {
			pci_err(pdev, "request_irq for MSI-X %d failed (%d)\n",
				i, err);
			goto free_requested;
		}
	}
	pd->nirqs = nvec;
	return 0;

free_requested:
	while (--i >= 0)
		free_irq(pci_irq_vector(pdev, i), pd);
	pci_free_irq_vectors(pdev);
	return err;
}

static void pvt_free_irqs(struct pvt_dev *pd)
{
	unsigned int i;

	for (i = 0; i < pd->nirqs; i++)
		free_irq(pci_irq_vector(pd->pdev, i), pd);
	pci_free_irq_vectors(pd->pdev);
	pd->nirqs = 0;
}

static int pvt_map(struct pvt_dev *pd)
{
	struct pci_dev *pdev = pd->pdev;
	resource_size_t len = pci_resource_len(pdev, 2);
	int err;

	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_MEM) ||
	    !(pci_resource_flags(pdev, 2) & IORESOURCE_MEM) ||
	    len < PVIRQ_WIRE_SHM_SIZE) {
		pci_err(pdev, "BAR2 is %pa bytes, pvirq-host needs %#x\n",
			&len, PVIRQ_WIRE_SHM_SIZE);
		return -ENODEV;
	}
	err = pci_request_region(pdev, 0, KBUILD_MODNAME);
	if (err)
		return err;
	pd->shm_phys = pci_resource_start(pdev, 2);
	/* Only the wire part is ours: the MMIO window holds device BARs. */
	pd->ctl_region = request_mem_region(pd->shm_phys, PVIRQ_WIRE_BAR_OFF,
					    KBUILD_MODNAME);
	if (!pd->ctl_region) {
		err = -EBUSY;
		goto release_bar0;
	}
	pd->regs = pci_iomap(pdev, 0, 0);
	if (!pd->regs) {
		err = -ENOMEM;
		goto release_shm_region;
	}
	/* It is RAM on both sides: map it cacheable. */
	pd->shm = memremap(pd->shm_phys, PVIRQ_WIRE_SHM_SIZE, MEMREMAP_WB);
	if (!pd->shm) {
		err = -ENOMEM;
		goto unmap_regs;
	}
	pd->peer_id = ioread32(pd->regs + PVIRQ_IVSHMEM_IVPOSITION);
	return 0;

unmap_regs:
	pci_iounmap(pdev, pd->regs);
release_shm_region:
	release_mem_region(pd->shm_phys, PVIRQ_WIRE_BAR_OFF);
release_bar0:
	pci_release_region(pdev, 0);
	return err;
}

static void pvt_unmap(struct pvt_dev *pd)
{
	memunmap(pd->shm);
	pci_iounmap(pd->pdev, pd->regs);
	release_mem_region(pd->shm_phys, PVIRQ_WIRE_BAR_OFF);
	pci_release_region(pd->pdev, 0);
}

static int pvt_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct pvt_dev *pd;
	int err;

	if (rcu_access_pointer(pvt_cur)) {
		pci_info(pdev, "already attached to another ivshmem device\n");
		return -EBUSY;
	}
	pd = kzalloc(sizeof(*pd), GFP_KERNEL);
	if (!pd)
		return -ENOMEM;
	pd->pdev = pdev;
	pci_set_drvdata(pdev, pd);

	err = pci_enable_device(pdev);
	if (err)
		goto free_pd;
	/* Without bus mastering QEMU drops our MSI-X messages. */
	pci_set_master(pdev);
	err = pvt_map(pd);
	if (err)
		goto disable_device;
	err = pvt_check_hdr(pd);
	if (err)
		goto unmap;
	pvt_init_slots(pd);
	err = pvt_setup_irqs(pd);
	if (err)
		goto unmap;

	rcu_assign_pointer(pvt_cur, pd);
	err = pvt_hello(pd);
	if (err)
		goto unpublish;

	pci_info(pdev, "attached to pvirq-host \"%s\": guest %u, peer %u, host peer %u, %u vCPU slots, %u MSI-X\n",
		 pd->name, pd->guest_id, pd->peer_id, pd->host_peer,
		 pd->nslots, pd->nirqs);

	err = pvt_vbus_create(pd);
	if (err)
		pci_warn(pdev, "no virtual PCI bus (%d); seam and injection still work\n",
			 err);
	return 0;

unpublish:
	RCU_INIT_POINTER(pvt_cur, NULL);
	synchronize_rcu();
	pvt_free_irqs(pd);
unmap:
	pvt_unmap(pd);
disable_device:
	pci_clear_master(pdev);
	pci_disable_device(pdev);
free_pd:
	kfree(pd);
	return err;
}

static void pvt_remove(struct pci_dev *pdev)
{
	struct pvt_dev *pd = pci_get_drvdata(pdev);

	/* The bus's devices still need config cycles while they go away. */
	pvt_vbus_destroy(pd);
	pvt_goodbye(pd);
	RCU_INIT_POINTER(pvt_cur, NULL);
	/* Requests run with interrupts off: this waits for all of them. */
	synchronize_rcu();
	pvt_free_irqs(pd);
	pvt_unmap(pd);
	pci_clear_master(pdev);
	pci_disable_device(pdev);
	kfree(pd);
}

static const struct pci_device_id pvt_ids[] = {
	{ PCI_DEVICE(PVT_IVSHMEM_VENDOR, PVT_IVSHMEM_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, pvt_ids);

static struct pci_driver pvt_driver = {
	.name = KBUILD_MODNAME,
	.id_table = pvt_ids,
	.probe = pvt_probe,
	.remove = pvt_remove,
	/* Drivers may hold the seam: only module unload may unbind. */
	.driver.suppress_bind_attrs = true,
};

static int __init pvt_init(void)
{
	int err;

	BUILD_BUG_ON(sizeof(struct pvirq_wire_hdr) > PVIRQ_WIRE_INJECT_OFF);
	BUILD_BUG_ON(sizeof(struct pvirq_wire_inject) != 64);
	BUILD_BUG_ON(PVIRQ_WIRE_INJECT_OFF + PVIRQ_WIRE_MAX_VCPUS *
		     sizeof(struct pvirq_wire_inject) > PVIRQ_WIRE_SLOT_OFF);
	BUILD_BUG_ON(sizeof(struct pvirq_wire_slot) > PVIRQ_WIRE_BUF_OFF(0));
	BUILD_BUG_ON(PVIRQ_WIRE_BUF_OFF(PVIRQ_WIRE_NBUFS) > PVIRQ_WIRE_SLOT_SIZE);
	BUILD_BUG_ON(PVIRQ_WIRE_SLOT_OFF + PVIRQ_WIRE_MAX_VCPUS *
		     PVIRQ_WIRE_SLOT_SIZE > PVIRQ_WIRE_BAR_OFF);
	BUILD_BUG_ON(PVIRQ_WIRE_BAR_OFF + PVIRQ_WIRE_BAR_SIZE > PVIRQ_WIRE_SHM_SIZE);
	BUILD_BUG_ON(PVIRQ_HC_NBUFS > PVIRQ_WIRE_NBUFS);
	BUILD_BUG_ON(PVIRQ_HC_BUF_MAX > PVIRQ_WIRE_BUF_MAX);

	err = pvt_debugfs_init();
	if (err)
		return err;
	err = pci_register_driver(&pvt_driver);
	if (err)
		goto remove_debugfs;
	return 0;

remove_debugfs:
	pvt_debugfs_exit();
	return err;
}

static void __exit pvt_exit(void)
{
	/* debugfs first: its hooks make requests */
	pvt_debugfs_exit();
	pci_unregister_driver(&pvt_driver);
}

module_init(pvt_init);
module_exit(pvt_exit);

MODULE_DESCRIPTION("pvirq test transport: seam and interrupts from pvirq-host over ivshmem");
MODULE_LICENSE("GPL");
