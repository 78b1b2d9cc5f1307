// SPDX-License-Identifier: GPL-2.0
/*
 * Host side of a Hyper-V SynIC: see model_hyperv_synic.h for what it models.
 *
 * Lock order: v->lock, then the slot header word (atomics, never a lock).
 * The guest never takes v->lock except through synic_hm_eom(), which is
 * its EOM MSR write: a synchronous exit in a real hypervisor too.
 */
#include <errno.h>
#include <string.h>

#include "model_hyperv_synic.h"

#define HM_LONG_BITS	(8 * sizeof(unsigned long))

/* msg_pending inside the first 8 bytes of a slot, read as a u64 (LE). */
#define HM_PENDING_BIT	((u64)PVIRQ_HV_MSG_PENDING << (8 * PVIRQ_HV_MSG_FLAGS_OFF))

void synic_hm_init(struct synic_hm_vcpu *v)
{
	unsigned int i;

	memset(v, 0, sizeof(*v));
	pthread_mutex_init(&v->lock, NULL);
	for (i = 0; i < HV_SYNIC_SINT_COUNT; i++)
		v->sint[i] = HV_SYNIC_SINT_MASKED;
}

void synic_hm_destroy(struct synic_hm_vcpu *v)
{
	pthread_mutex_destroy(&v->lock);
}

void synic_hm_set_scontrol(struct synic_hm_vcpu *v, bool enable)
{
	pthread_mutex_lock(&v->lock);
	v->scontrol = enable;
	pthread_mutex_unlock(&v->lock);
}

void synic_hm_set_simp(struct synic_hm_vcpu *v, struct hv_message_page *page)
{
	pthread_mutex_lock(&v->lock);
	if (page)
		memset(page, 0, sizeof(*page));
	v->simp = page;
	pthread_mutex_unlock(&v->lock);
}

void synic_hm_set_siefp(struct synic_hm_vcpu *v,
			struct pvirq_hv_event_page *page)
{
	pthread_mutex_lock(&v->lock);
	if (page)
		memset(page, 0, sizeof(*page));
	v->siefp = page;
	pthread_mutex_unlock(&v->lock);
}

void synic_hm_remap(struct synic_hm_vcpu *v, struct hv_message_page *simp,
		    struct pvirq_hv_event_page *siefp)
{
	pthread_mutex_lock(&v->lock);
	v->simp = simp;
	v->siefp = siefp;
	pthread_mutex_unlock(&v->lock);
}

int synic_hm_set_sint(struct synic_hm_vcpu *v, unsigned int sint, u64 val)
{
	u8 vector = val & HV_SYNIC_SINT_VECTOR_MASK;

	if (sint >= HV_SYNIC_SINT_COUNT)
		return -EINVAL;
	if (!(val & HV_SYNIC_SINT_MASKED) &&
	    vector < HV_SYNIC_FIRST_VALID_VECTOR)
		return -EINVAL;
	pthread_mutex_lock(&v->lock);
	v->sint[sint] = val;
	pthread_mutex_unlock(&v->lock);
	return 0;
}

/* Raise @sint; called with v->lock held. */
static void hm_raise(struct synic_hm_vcpu *v, unsigned int sint)
{
	u64 val = v->sint[sint];

	if (val & HV_SYNIC_SINT_MASKED) {
		v->lost_masked[sint]++;
		return;
	}
	v->injected[sint]++;
	__atomic_fetch_or(&v->irq_pending, 1UL << sint, __ATOMIC_SEQ_CST);
	if (v->irq)
		v->irq(v->irq_ctx, sint, val & HV_SYNIC_SINT_VECTOR_MASK);
}

static u64 *hm_hdr(struct synic_hm_vcpu *v, unsigned int sint)
{
	return (u64 *)&v->simp->sint_message[sint];
}

/*
 * Deliver @msg into a free slot, or mark the busy slot msg_pending.
 * Returns true if delivered.  Called with v->lock held.
 */
static bool hm_try_deliver(struct synic_hm_vcpu *v, unsigned int sint,
			   const struct hv_message *msg)
{
	struct hv_message *slot = &v->simp->sint_message[sint];
	u64 *hdr = hm_hdr(v, sint);
	u64 old = __atomic_load_n(hdr, __ATOMIC_SEQ_CST);
	u64 word;

	for (;;) {
		if ((u32)old == HVMSG_NONE)
			break;
		if (__atomic_compare_exchange_n(hdr, &old, old | HM_PENDING_BIT,
						false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return false;
	}

	/* Body first, then the header word that carries message_type. */
	memcpy((u8 *)slot + sizeof(u64), (const u8 *)msg + sizeof(u64),
	       sizeof(*msg) - sizeof(u64));
	memcpy(&word, msg, sizeof(word));
	word &= ~HM_PENDING_BIT;
	__atomic_store_n(hdr, word, __ATOMIC_SEQ_CST);
	v->delivered[sint]++;
	hm_raise(v, sint);
	return true;
}

/* Deliver from the queue head while the slot is free.  v->lock held. */
static void hm_rescan(struct synic_hm_vcpu *v, unsigned int sint)
{
	struct synic_hm_queue *q = &v->queue[sint];

	while (q->count && v->simp && v->scontrol) {
		if (!hm_try_deliver(v, sint, &q->msg[q->head]))
			return;
		q->head = (q->head + 1) % SYNIC_HM_QUEUE_LEN;
		q->count--;
	}
}

int synic_hm_post_raw(struct synic_hm_vcpu *v, unsigned int sint,
		      const struct hv_message *msg)
{
	struct synic_hm_queue *q;
	int ret;

	if (sint >= HV_SYNIC_SINT_COUNT || msg->header.message_type == HVMSG_NONE)
		return -EINVAL;

	pthread_mutex_lock(&v->lock);
	if (!v->scontrol || !v->simp) {
		ret = -ENOENT;
		goto out_unlock;
	}
	q = &v->queue[sint];
	if (q->count == SYNIC_HM_QUEUE_LEN) {
		v->full++;
		ret = -ENOBUFS;
		goto out_unlock;
	}
	/* Behind a queue, a message waits even for a free slot: keep order. */
	if (!q->count && hm_try_deliver(v, sint, msg)) {
		ret = 0;
		goto out_unlock;
	}
	/*
	 * The slot is busy with msg_pending set, or the guest freed it after
	 * seeing msg_pending and its EOM will rescan once we unlock.  Only
	 * an EOM delivers from the queue, so a guest that forgets one stalls.
	 */
	q->msg[(q->head + q->count) % SYNIC_HM_QUEUE_LEN] = *msg;
	q->count++;
	v->queued++;
	ret = -EAGAIN;
out_unlock:
	pthread_mutex_unlock(&v->lock);
	return ret;
}

int synic_hm_post(struct synic_hm_vcpu *v, unsigned int sint, u32 type,
		  const void *payload, u8 size)
{
	struct hv_message msg;

	if (type == HVMSG_NONE || size > HV_MESSAGE_PAYLOAD_BYTE_COUNT)
		return -EINVAL;
	memset(&msg, 0, sizeof(msg));
	msg.header.message_type = type;
	msg.header.payload_size = size;
	memcpy((u8 *)&msg + sizeof(msg.header), payload, size);
	return synic_hm_post_raw(v, sint, &msg);
}

void synic_hm_eom(struct synic_hm_vcpu *v)
{
	unsigned int sint;

	pthread_mutex_lock(&v->lock);
	v->eoms++;
	for (sint = 0; sint < HV_SYNIC_SINT_COUNT; sint++)
		hm_rescan(v, sint);
	pthread_mutex_unlock(&v->lock);
}

void synic_hm_rescan(struct synic_hm_vcpu *v)
{
	unsigned int sint;

	pthread_mutex_lock(&v->lock);
	for (sint = 0; sint < HV_SYNIC_SINT_COUNT && v->scontrol; sint++)
		hm_rescan(v, sint);
	pthread_mutex_unlock(&v->lock);
}

int synic_hm_signal(struct synic_hm_vcpu *v, unsigned int sint,
		    unsigned int flag)
{
	unsigned long *word, bit, old;
	int ret;

	if (sint >= HV_SYNIC_SINT_COUNT || flag >= HV_EVENT_FLAGS_COUNT)
		return -EINVAL;

	pthread_mutex_lock(&v->lock);
	if (!v->scontrol || !v->siefp) {
		ret = -ENXIO;
		goto out_unlock;
	}
	word = &v->siefp->sint_flags[sint].flags[flag / HM_LONG_BITS];
	bit = 1UL << (flag % HM_LONG_BITS);
	old = __atomic_fetch_or(word, bit, __ATOMIC_SEQ_CST);
	ret = 0;
	if (!(old & bit)) {
		v->flags_set++;
		hm_raise(v, sint);
		ret = 1;
	} else {
		v->flags_already++;
	}
out_unlock:
	pthread_mutex_unlock(&v->lock);
	return ret;
}

unsigned long synic_hm_take_irqs(struct synic_hm_vcpu *v)
{
	return __atomic_exchange_n(&v->irq_pending, 0, __ATOMIC_SEQ_CST);
}

unsigned int synic_hm_queued(struct synic_hm_vcpu *v, unsigned int sint)
{
	unsigned int n;

	if (sint >= HV_SYNIC_SINT_COUNT)
		return 0;
	pthread_mutex_lock(&v->lock);
	n = v->queue[sint].count;
	pthread_mutex_unlock(&v->lock);
	return n;
}
