/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SynIC message slots: the guest half of the msg_pending/EOM protocol and
 * a (SINT, message type) -> handler table.  Pure logic, also built in
 * user space by tools/testing/pvirq/unit.
 *
 * The host writes a message into the SINT's 256-byte slot of the per-CPU
 * message page only while the slot's message_type is HVMSG_NONE; otherwise
 * it sets msg_pending and queues the message.  The guest copies the slot
 * out, frees it with cmpxchg(message_type, old, NONE) and, if msg_pending
 * was set, writes the EOM MSR so that the host rescans its queue.
 *
 * Kernel glue, per SINT with messages, from the SINT interrupt:
 *
 *	if (synic_msg_process(&table, sint, synic_msg_slot(page, sint), pcpu))
 *		wrmsrl(HV_X64_MSR_EOM, 0);
 */
#ifndef _PVIRQ_SYNIC_MSG_H
#define _PVIRQ_SYNIC_MSG_H

#include <linux/types.h>
#include <pvirq/hv_abi.h>

/* Handlers one SINT can carry, one per message type. */
#define SYNIC_MSG_TYPES_PER_SINT	8

/*
 * A message handler.  @msg is the CPU's private copy of the slot: header
 * checked, payload_size at least the handler's minimum, payload bytes past
 * payload_size zeroed.  Runs in the SINT interrupt; must not keep @msg.
 */
typedef void (*synic_msg_fn)(const struct hv_message *msg, void *data);

/**
 * struct synic_msg_entry - one (SINT, message type) binding
 * @fn: the handler; %NULL when the entry is free.  Published last, with
 *	release semantics, so a reader that sees it also sees the rest.
 * @data: passed to @fn
 * @type: the message type it handles, never %HVMSG_NONE
 * @min_size: messages with a smaller payload_size are rejected
 */
struct synic_msg_entry {
	synic_msg_fn fn;
	void *data;
	u32 type;
	u8 min_size;
};

/**
 * struct synic_msg_table - message handlers of all SINTs
 * @ent: bindings per SINT
 *
 * Writers (synic_msg_register(), synic_msg_unregister()) are serialized by
 * the caller.  Readers (synic_msg_lookup() and everything that calls it)
 * take no lock and run in interrupt context on any CPU.  After
 * synic_msg_unregister() the caller waits for handlers in flight (in the
 * kernel synchronize_rcu(): interrupt handlers are RCU readers) before it
 * frees the handler's data or registers into the freed entry again.
 */
struct synic_msg_table {
	struct synic_msg_entry ent[HV_SYNIC_SINT_COUNT][SYNIC_MSG_TYPES_PER_SINT];
};

/**
 * struct synic_msg_stats - what one CPU did with its messages
 * @handled: messages given to a handler
 * @bad_header: slot headers rejected (payload_size above 240)
 * @short_payload: messages shorter than their handler's minimum
 * @unknown_type: messages no handler is registered for
 * @lost_race: the slot's type changed between copy and release, so the
 *	slot was left alone (the host broke the protocol)
 * @stale_pending: empty slots found with msg_pending set
 * @eom: EOM writes asked of the caller
 *
 * Written only by the CPU that owns them; other CPUs may read them with
 * READ_ONCE() for statistics.
 */
struct synic_msg_stats {
	u64 handled;
	u64 bad_header;
	u64 short_payload;
	u64 unknown_type;
	u64 lost_race;
	u64 stale_pending;
	u64 eom;
};

/**
 * struct synic_msg_cpu - per-CPU state of message handling
 * @copy: private copy of the slot being handled; host memory is never
 *	parsed in place, as a malicious host could change it under us
 * @stats: counters, see &struct synic_msg_stats
 */
struct synic_msg_cpu {
	struct hv_message copy;
	struct synic_msg_stats stats;
};

/* Verdicts of synic_msg_fetch(). */
enum synic_msg_verdict {
	SYNIC_MSG_EMPTY,	/* message_type is HVMSG_NONE */
	SYNIC_MSG_VALID,	/* header sane, copy ready */
	SYNIC_MSG_BAD_HEADER,	/* payload_size out of range */
};

/* Results of synic_msg_release(). */
enum synic_msg_release {
	SYNIC_MSG_FREED,	/* slot freed, nothing queued behind it */
	SYNIC_MSG_FREED_EOM,	/* slot freed; caller must write EOM */
	SYNIC_MSG_CHANGED,	/* slot no longer held that message: untouched */
};

void synic_msg_table_init(struct synic_msg_table *t);
int synic_msg_register(struct synic_msg_table *t, unsigned int sint, u32 type,
		       u8 min_size, synic_msg_fn fn, void *data);
int synic_msg_unregister(struct synic_msg_table *t, unsigned int sint,
			 u32 type);
bool synic_msg_lookup(const struct synic_msg_table *t, unsigned int sint,
		      u32 type, struct synic_msg_entry *out);

struct hv_message *synic_msg_slot(struct hv_message_page *page,
				  unsigned int sint);
enum synic_msg_verdict synic_msg_fetch(const struct hv_message *slot,
				       struct hv_message *copy);
enum synic_msg_release synic_msg_release(struct hv_message *slot, u32 type);
bool synic_msg_dispatch(const struct synic_msg_table *t, unsigned int sint,
			const struct hv_message *copy,
			struct synic_msg_stats *st);
bool synic_msg_process(const struct synic_msg_table *t, unsigned int sint,
		       struct hv_message *slot, struct synic_msg_cpu *pcpu);

#endif /* _PVIRQ_SYNIC_MSG_H */
