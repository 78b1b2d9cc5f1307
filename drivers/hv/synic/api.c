// SPDX-License-Identifier: GPL-2.0
/*
 * The API other drivers use (include/pvirq/synic.h, where each function's
 * kernel-doc is): message and event handlers, HvPostMessage with retries,
 * HvSignalEvent, VP indexes and Hyper-V statuses as errnos.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/error-injection.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <asm/hyperv-tlfs.h>
#include <pvirq/seam.h>

#include "synic_int.h"
#include "synic_trace.h"

/* TLFS HvPostMessage input; the host reads it from one page we own. */
struct synic_post_input {
	u32 connection_id;
	u32 reserved;
	u32 message_type;
	u32 payload_size;
	u64 payload[HV_MESSAGE_PAYLOAD_QWORD_COUNT];
} __packed;

static_assert(sizeof(struct synic_post_input) == 256);

int pvirq_synic_status_to_errno(u16 status)
{
	switch (status) {
	case HV_STATUS_SUCCESS:
		return 0;
	case HV_STATUS_INVALID_HYPERCALL_CODE:
		return -EOPNOTSUPP;
	case HV_STATUS_INVALID_HYPERCALL_INPUT:
	case HV_STATUS_INVALID_ALIGNMENT:
	case HV_STATUS_INVALID_PARAMETER:
		return -EINVAL;
	case HV_STATUS_ACCESS_DENIED:
	case HV_STATUS_OPERATION_DENIED:
		return -EACCES;
	case HV_STATUS_INSUFFICIENT_MEMORY:
		return -ENOMEM;
	case HV_STATUS_INVALID_PORT_ID:
		return -ENXIO;
	case HV_STATUS_INVALID_CONNECTION_ID:
		return -ENOENT;
	case HV_STATUS_INSUFFICIENT_BUFFERS:
		return -ENOBUFS;
	}
	return -EIO;
}
EXPORT_SYMBOL_GPL(pvirq_synic_status_to_errno);

/* Statuses after which the same call may succeed a little later. */
static bool synic_status_transient(u16 status)
{
	return status == HV_STATUS_INSUFFICIENT_BUFFERS ||
	       status == HV_STATUS_INSUFFICIENT_MEMORY;
}

bool pvirq_synic_sint_usable(unsigned int sint)
{
	return sint < HV_SYNIC_SINT_COUNT && test_bit(sint, &synic.sints);
}
EXPORT_SYMBOL_GPL(pvirq_synic_sint_usable);

int pvirq_synic_vp_index(unsigned int cpu, u32 *vp_index)
{
	struct synic_cpu *sc;

	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return -EINVAL;
	sc = per_cpu_ptr(synic.pcpu, cpu);
	if (!READ_ONCE(sc->enabled))
		return -ENODEV;
	*vp_index = READ_ONCE(sc->vp_index);
	return 0;
}
EXPORT_SYMBOL_GPL(pvirq_synic_vp_index);

static int synic_check_common(unsigned int sint, unsigned int flags, int cpu)
{
	if (!pvirq_synic_sint_usable(sint) || (flags & ~PVIRQ_SYNIC_THREADED))
		return -EINVAL;
	if (cpu != PVIRQ_SYNIC_ANY_CPU &&
	    (cpu < 0 || cpu >= nr_cpu_ids || !cpu_online(cpu)))
		return -EINVAL;
	return 0;
}

static void synic_bind(int cpu, int delta)
{
	if (cpu != PVIRQ_SYNIC_ANY_CPU)
		synic.bound[cpu] += delta;
}

/* Handlers in flight finish before the caller frees their data. */
static void synic_wait_handlers(unsigned int flags)
{
	if (flags & PVIRQ_SYNIC_THREADED)
		synic_flush_threads();
	else
		synchronize_rcu();
}

int pvirq_synic_register_msg_handler(const struct pvirq_synic_msg_handler *h)
{
	struct synic_msg_table *t, *other;
	struct synic_msg_entry e;
	int ret;

	if (!h || !h->fn)
		return -EINVAL;
	ret = synic_check_common(h->sint, h->flags, h->cpu);
	if (ret)
		return ret;
	t = h->flags & PVIRQ_SYNIC_THREADED ? &synic.msg_thread :
					      &synic.msg_hard;
	other = t == &synic.msg_hard ? &synic.msg_thread : &synic.msg_hard;

	cpus_read_lock();
	mutex_lock(&synic.lock);
	if (h->cpu != PVIRQ_SYNIC_ANY_CPU && !cpu_online(h->cpu))
		ret = -EINVAL;
	else if (synic_msg_lookup(other, h->sint, h->type, &e))
		ret = -EEXIST;
	else
		ret = synic_msg_register(t, h->sint, h->type, h->min_size,
					 h->fn, h->data);
	if (!ret)
		synic_bind(h->cpu, 1);
	mutex_unlock(&synic.lock);
	cpus_read_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(pvirq_synic_register_msg_handler);

void pvirq_synic_unregister_msg_handler(const struct pvirq_synic_msg_handler *h)
{
	struct synic_msg_table *t = h->flags & PVIRQ_SYNIC_THREADED ?
				    &synic.msg_thread : &synic.msg_hard;

	mutex_lock(&synic.lock);
	if (!synic_msg_unregister(t, h->sint, h->type))
		synic_bind(h->cpu, -1);
	else
		pr_warn("unregistering SINT %u type 0x%x: not registered\n",
			h->sint, h->type);
	mutex_unlock(&synic.lock);
	synic_wait_handlers(h->flags);
}
EXPORT_SYMBOL_GPL(pvirq_synic_unregister_msg_handler);

/* The SINT's event table of one context, allocated on first use. */
static struct synic_evt_table *synic_evt_table(unsigned int sint,
					       bool threaded)
{
	struct synic_evt_table **slot = threaded ? &synic.evt_thread[sint] :
						   &synic.evt_hard[sint];
	struct synic_evt_table *t = *slot;

	lockdep_assert_held(&synic.lock);
	if (t)
		return t;
	t = kvzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	synic_evt_table_init(t);
	/* Pairs with the acquire in the interrupt handler and the thread. */
	smp_store_release(slot, t);
	return t;
}

int pvirq_synic_register_evt_handler(const struct pvirq_synic_evt_handler *h)
{
	bool threaded;
	struct synic_evt_table *t, *other;
	int ret;

	if (!h || !h->fn || h->flag >= HV_EVENT_FLAGS_COUNT)
		return -EINVAL;
	ret = synic_check_common(h->sint, h->flags, h->cpu);
	if (ret)
		return ret;
	threaded = h->flags & PVIRQ_SYNIC_THREADED;

	cpus_read_lock();
	mutex_lock(&synic.lock);
	other = threaded ? synic.evt_hard[h->sint] : synic.evt_thread[h->sint];
	t = synic_evt_table(h->sint, threaded);
	if (h->cpu != PVIRQ_SYNIC_ANY_CPU && !cpu_online(h->cpu))
		ret = -EINVAL;
	else if (!t)
		ret = -ENOMEM;
	else if (other && other->ent[h->flag].fn)
		ret = -EEXIST;
	else
		ret = synic_evt_register(t, h->flag, h->fn, h->data);
	if (!ret)
		synic_bind(h->cpu, 1);
	mutex_unlock(&synic.lock);
	cpus_read_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(pvirq_synic_register_evt_handler);

void pvirq_synic_unregister_evt_handler(const struct pvirq_synic_evt_handler *h)
{
	bool threaded = h->flags & PVIRQ_SYNIC_THREADED;
	struct synic_evt_table *t;

	mutex_lock(&synic.lock);
	t = threaded ? synic.evt_thread[h->sint] : synic.evt_hard[h->sint];
	if (t && !synic_evt_unregister(t, h->flag))
		synic_bind(h->cpu, -1);
	else
		pr_warn("unregistering SINT %u flag %u: not registered\n",
			h->sint, h->flag);
	mutex_unlock(&synic.lock);
	synic_wait_handlers(h->flags);
}
EXPORT_SYMBOL_GPL(pvirq_synic_unregister_evt_handler);

/* One HvPostMessage from this CPU's input page; returns the status. */
static noinline int synic_post_once(u32 conn, u32 type, const void *payload,
				    u32 size, u16 *status)
{
	struct synic_post_input *in;
	struct pvirq_hcall hc = {
		.abi = PVIRQ_ABI_HYPERV,
		.nr = HVCALL_POST_MESSAGE,
		.nbufs = 1,
	};
	unsigned long flags;
	long ret;

	local_irq_save(flags);
	in = this_cpu_ptr(synic.pcpu)->in_page;
	if (!in) {
		local_irq_restore(flags);
		return -ENODEV;
	}
	memset(in, 0, sizeof(*in));
	in->connection_id = conn;
	in->message_type = type;
	in->payload_size = size;
	memcpy(in->payload, payload, size);
	hc.buf[0] = (struct pvirq_hc_buf){ .ptr = in, .len = sizeof(*in),
					   .arg = 0, .dir = PVIRQ_BUF_IN };
	ret = pvirq_hypercall(&hc);
	local_irq_restore(flags);
	*status = ret & 0xffff;
	return 0;
}

ALLOW_ERROR_INJECTION(synic_post_once, ERRNO);

static int synic_post_check(u32 type, const void *payload, u32 size)
{
	if (type == HVMSG_NONE || (type & 0x80000000) ||
	    size > HV_MESSAGE_PAYLOAD_BYTE_COUNT || (size && !payload))
		return -EINVAL;
	if (!(synic.priv_ebx & HV_POST_MESSAGES))
		return -EOPNOTSUPP;
	return 0;
}

static int synic_post_result(u32 conn, u32 type, u32 size, u16 status,
			     unsigned int tries)
{
	int err = pvirq_synic_status_to_errno(status);

	if (err)
		pr_warn_ratelimited("HvPostMessage(connection %u, type 0x%x, %u bytes) failed after %u tries: status 0x%x (%d)\n",
				    conn, type, size, tries, status, err);
	return err;
}

int pvirq_synic_try_post_message(u32 connection_id, u32 type,
				 const void *payload, u32 size)
{
	u16 status;
	int ret;

	ret = synic_post_check(type, payload, size);
	if (ret)
		return ret;
	ret = synic_post_once(connection_id, type, payload, size, &status);
	if (ret)
		return ret;
	trace_hv_synic_post(connection_id, type, size, status, 1);
	if (synic_status_transient(status))
		return pvirq_synic_status_to_errno(status);
	return synic_post_result(connection_id, type, size, status, 1);
}
EXPORT_SYMBOL_GPL(pvirq_synic_try_post_message);

int pvirq_synic_post_message(u32 connection_id, u32 type, const void *payload,
			     u32 size)
{
	unsigned int tries, us = 100;
	u16 status;
	int ret;

	might_sleep();
	ret = synic_post_check(type, payload, size);
	if (ret)
		return ret;
	for (tries = 1;; tries++) {
		ret = synic_post_once(connection_id, type, payload, size,
				      &status);
		if (ret)
			return ret;
		trace_hv_synic_post(connection_id, type, size, status, tries);
		if (!synic_status_transient(status) ||
		    tries >= READ_ONCE(synic_post_tries))
			break;
		this_cpu_inc(synic.pcpu->retries);
		usleep_range(us, 2 * us);
		us = min(2 * us, READ_ONCE(synic_post_backoff_max_us));
	}
	return synic_post_result(connection_id, type, size, status, tries);
}
EXPORT_SYMBOL_GPL(pvirq_synic_post_message);

int pvirq_synic_signal_event(u32 connection_id, u16 flag)
{
	struct pvirq_hcall hc = {
		.abi = PVIRQ_ABI_HYPERV,
		.nr = HVCALL_SIGNAL_EVENT | HV_HYPERCALL_FAST_BIT,
		.args = { connection_id | (u64)flag << 32 },
	};
	u16 status;
	int err;

	if (!(synic.priv_ebx & HV_SIGNAL_EVENTS))
		return -EOPNOTSUPP;
	status = pvirq_hypercall(&hc) & 0xffff;
	err = pvirq_synic_status_to_errno(status);
	if (err)
		pr_warn_ratelimited("HvSignalEvent(connection %u, flag %u) failed: status 0x%x (%d)\n",
				    connection_id, flag, status, err);
	return err;
}
EXPORT_SYMBOL_GPL(pvirq_synic_signal_event);
