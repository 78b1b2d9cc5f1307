// SPDX-License-Identifier: GPL-2.0
/*
 * SynIC message slots: copy out, validate, dispatch, release and the EOM
 * decision.  See synic_msg.h for the protocol and the locking rules.
 *
 * Nothing here trusts the message page: the slot is copied once, every
 * decision is taken on the copy, and the only later accesses to the slot
 * are the cmpxchg that frees it and the read of msg_pending that must see
 * the host's latest word.
 */
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/barrier.h>

#include "synic_msg.h"

/**
 * synic_msg_table_init() - empty a handler table
 * @t: the table
 */
void synic_msg_table_init(struct synic_msg_table *t)
{
	memset(t, 0, sizeof(*t));
}

static struct synic_msg_entry *synic_msg_find(struct synic_msg_table *t,
					      unsigned int sint, u32 type)
{
	struct synic_msg_entry *e = t->ent[sint];
	unsigned int i;

	for (i = 0; i < SYNIC_MSG_TYPES_PER_SINT; i++)
		if (e[i].fn && e[i].type == type)
			return &e[i];
	return NULL;
}

/**
 * synic_msg_register() - bind a handler to (@sint, @type)
 * @t: the table
 * @sint: SINT the messages arrive on, below %HV_SYNIC_SINT_COUNT
 * @type: message type, not %HVMSG_NONE
 * @min_size: smallest payload_size @fn accepts, at most 240
 * @fn: the handler
 * @data: passed to @fn
 *
 * Caller serializes writers of @t.  Returns 0, -EINVAL on a bad argument,
 * -EEXIST if (@sint, @type) is bound already, -ENOSPC if @sint is full.
 */
int synic_msg_register(struct synic_msg_table *t, unsigned int sint, u32 type,
		       u8 min_size, synic_msg_fn fn, void *data)
{
	struct synic_msg_entry *e;
	unsigned int i;

	if (sint >= HV_SYNIC_SINT_COUNT || type == HVMSG_NONE || !fn ||
	    min_size > HV_MESSAGE_PAYLOAD_BYTE_COUNT)
		return -EINVAL;
	if (synic_msg_find(t, sint, type))
		return -EEXIST;

	e = t->ent[sint];
	for (i = 0; i < SYNIC_MSG_TYPES_PER_SINT; i++) {
		if (e[i].fn)
			continue;
		WRITE_ONCE(e[i].type, type);
		WRITE_ONCE(e[i].min_size, min_size);
		WRITE_ONCE(e[i].data, data);
		/* Pairs with synic_msg_lookup(): fn published last. */
		smp_store_release(&e[i].fn, fn);
		return 0;
	}
	return -ENOSPC;
}

/**
 * synic_msg_unregister() - drop the binding of (@sint, @type)
 * @t: the table
 * @sint: SINT
 * @type: message type
 *
 * Caller serializes writers and waits for handlers in flight before
 * freeing their data.  Returns 0, -EINVAL or -ENOENT.
 */
int synic_msg_unregister(struct synic_msg_table *t, unsigned int sint,
			 u32 type)
{
	struct synic_msg_entry *e;

	if (sint >= HV_SYNIC_SINT_COUNT)
		return -EINVAL;
	e = synic_msg_find(t, sint, type);
	if (!e)
		return -ENOENT;
	WRITE_ONCE(e->fn, NULL);
	return 0;
}

/**
 * synic_msg_lookup() - find the handler of (@sint, @type)
 * @t: the table
 * @sint: SINT, checked against %HV_SYNIC_SINT_COUNT
 * @type: message type
 * @out: filled with a consistent snapshot of the binding
 *
 * Lockless; any context.  Returns true if a handler is bound.
 */
bool synic_msg_lookup(const struct synic_msg_table *t, unsigned int sint,
		      u32 type, struct synic_msg_entry *out)
{
	const struct synic_msg_entry *e;
	unsigned int i;

	if (sint >= HV_SYNIC_SINT_COUNT || type == HVMSG_NONE)
		return false;

	e = t->ent[sint];
	for (i = 0; i < SYNIC_MSG_TYPES_PER_SINT; i++) {
		/* Pairs with the release in synic_msg_register(). */
		synic_msg_fn fn = smp_load_acquire(&e[i].fn);

		if (!fn || READ_ONCE(e[i].type) != type)
			continue;
		out->fn = fn;
		out->data = READ_ONCE(e[i].data);
		out->type = type;
		out->min_size = READ_ONCE(e[i].min_size);
		return true;
	}
	return false;
}

/**
 * synic_msg_slot() - the slot of @sint in a message page
 * @page: the CPU's SIM page
 * @sint: SINT
 *
 * Returns %NULL if @sint is out of range.
 */
struct hv_message *synic_msg_slot(struct hv_message_page *page,
				  unsigned int sint)
{
	if (sint >= HV_SYNIC_SINT_COUNT)
		return NULL;
	return &page->sint_message[sint];
}

/**
 * synic_msg_fetch() - copy a slot out and check its header
 * @slot: the slot in the host-written message page
 * @copy: private buffer that receives the whole slot
 *
 * message_type is read first, with acquire semantics: the host writes it
 * last, so the rest of the copy is at least as new as the type it is
 * parsed by.  On %SYNIC_MSG_VALID the payload bytes past payload_size are
 * zeroed in @copy, so a handler never sees what the host left behind.
 */
enum synic_msg_verdict synic_msg_fetch(const struct hv_message *slot,
				       struct hv_message *copy)
{
	/* Pairs with the host's ordered write of message_type, last. */
	u32 type = smp_load_acquire((const u32 *)slot);
	u8 size;

	memcpy(copy, slot, sizeof(*copy));
	copy->header.message_type = type;
	if (type == HVMSG_NONE)
		return SYNIC_MSG_EMPTY;

	size = copy->header.payload_size;
	if (size > HV_MESSAGE_PAYLOAD_BYTE_COUNT)
		return SYNIC_MSG_BAD_HEADER;

	memset((u8 *)copy + sizeof(copy->header) + size, 0,
	       HV_MESSAGE_PAYLOAD_BYTE_COUNT - size);
	return SYNIC_MSG_VALID;
}

/**
 * synic_msg_release() - free a slot and decide on EOM
 * @slot: the slot in the message page
 * @type: message_type of the copy taken by synic_msg_fetch()
 *
 * Frees the slot only if it still holds @type: if the host changed it, a
 * blind write could erase a message it delivered meanwhile.  On
 * %SYNIC_MSG_FREED_EOM the caller must write the EOM MSR: the host has a
 * message queued behind the one just taken.
 */
enum synic_msg_release synic_msg_release(struct hv_message *slot, u32 type)
{
	/* message_type is the first word of the slot (see hv_abi.h). */
	if (cmpxchg((u32 *)slot, type, (u32)HVMSG_NONE) != type)
		return SYNIC_MSG_CHANGED;
	/*
	 * cmpxchg is a full barrier: msg_pending is read after the slot is
	 * seen free, so a host that found it busy has set the bit by now.
	 */
	if (READ_ONCE(slot->header.message_flags.asu8) & PVIRQ_HV_MSG_PENDING)
		return SYNIC_MSG_FREED_EOM;
	return SYNIC_MSG_FREED;
}

/**
 * synic_msg_dispatch() - hand a validated copy to its handler
 * @t: handler table
 * @sint: SINT the message came on
 * @copy: copy accepted by synic_msg_fetch()
 * @st: counters of this CPU
 *
 * Returns true if a handler ran.
 */
bool synic_msg_dispatch(const struct synic_msg_table *t, unsigned int sint,
			const struct hv_message *copy,
			struct synic_msg_stats *st)
{
	struct synic_msg_entry h;

	if (!synic_msg_lookup(t, sint, copy->header.message_type, &h)) {
		st->unknown_type++;
		return false;
	}
	if (copy->header.payload_size < h.min_size) {
		st->short_payload++;
		return false;
	}
	h.fn(copy, h.data);
	st->handled++;
	return true;
}

/**
 * synic_msg_process() - consume whatever is in one SINT's slot
 * @t: handler table
 * @sint: SINT of @slot
 * @slot: the slot in this CPU's message page (synic_msg_slot())
 * @pcpu: this CPU's state
 *
 * Copies the slot, frees it before the handler runs (the copy is private,
 * and the host can deliver the next message sooner), then dispatches.
 * Malformed messages are counted and dropped but still free the slot,
 * or the SINT would be blocked for good.  Returns true when the caller
 * must write the EOM MSR.
 */
bool synic_msg_process(const struct synic_msg_table *t, unsigned int sint,
		       struct hv_message *slot, struct synic_msg_cpu *pcpu)
{
	struct hv_message *copy = &pcpu->copy;
	struct synic_msg_stats *st = &pcpu->stats;
	enum synic_msg_verdict v;
	bool eom;

	v = synic_msg_fetch(slot, copy);
	if (v == SYNIC_MSG_EMPTY) {
		/*
		 * Not reachable under the protocol; seen after a crash
		 * kernel took over a page mid-EOM.  An EOM makes the host
		 * rescan instead of holding its queue forever.
		 */
		if (!(copy->header.message_flags.asu8 & PVIRQ_HV_MSG_PENDING))
			return false;
		st->stale_pending++;
		st->eom++;
		return true;
	}

	switch (synic_msg_release(slot, copy->header.message_type)) {
	case SYNIC_MSG_FREED_EOM:
		st->eom++;
		eom = true;
		break;
	case SYNIC_MSG_CHANGED:
		st->lost_race++;
		fallthrough;
	default:
		eom = false;
	}

	if (v == SYNIC_MSG_BAD_HEADER)
		st->bad_header++;
	else
		synic_msg_dispatch(t, sint, copy, st);
	return eom;
}
