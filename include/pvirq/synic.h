/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hv_synic: the Hyper-V SynIC for drivers other than VMBus.
 *
 * hv_synic.ko enables the synthetic interrupt controller on every CPU
 * (message and event-flag pages, the SINTs of its "sints" parameter, each
 * CPU's SINTs on a vector of its own) and offers:
 *
 *  - message handlers, bound to a (SINT, message type) pair, that receive
 *    a private, validated copy of each message;
 *  - event handlers, bound to a (SINT, event flag) pair;
 *  - HvPostMessage and HvSignalEvent to a connection id, with Hyper-V
 *    statuses turned into errnos.
 *
 * Handlers run in hard interrupt context on the CPU the message or event
 * arrived on, or, with %PVIRQ_SYNIC_THREADED, in a kernel thread bound to
 * that CPU (they may sleep there).  Messages of one SINT reach their
 * handlers in the order the host delivered them.
 */
#ifndef _PVIRQ_SYNIC_H
#define _PVIRQ_SYNIC_H

#include <linux/types.h>
#include <pvirq/hv_abi.h>

/* Run the handler in a per-CPU kernel thread instead of hard IRQ context. */
#define PVIRQ_SYNIC_THREADED	BIT(0)

/* &pvirq_synic_msg_handler.cpu and &pvirq_synic_evt_handler.cpu: any CPU */
#define PVIRQ_SYNIC_ANY_CPU	(-1)

/**
 * struct pvirq_synic_msg_handler - a message handler
 * @sint: SINT the messages arrive on; must be one hv_synic uses
 * @type: message type, not %HVMSG_NONE
 * @min_size: messages with a smaller payload_size are rejected and counted
 * @flags: %PVIRQ_SYNIC_THREADED or 0
 * @cpu: the CPU the peer sends to, or %PVIRQ_SYNIC_ANY_CPU; while the
 *	handler is registered that CPU refuses to go offline (-EBUSY)
 * @fn: called with the CPU's private copy of the message (header checked,
 *	payload bytes past payload_size zeroed) and @data; must not keep
 *	the pointer
 * @data: passed to @fn
 *
 * Owned by the caller and left untouched while registered.
 */
struct pvirq_synic_msg_handler {
	unsigned int sint;
	u32 type;
	u8 min_size;
	unsigned int flags;
	int cpu;
	void (*fn)(const struct hv_message *msg, void *data);
	void *data;
};

/**
 * struct pvirq_synic_evt_handler - an event-flag handler
 * @sint: SINT the flag belongs to; must be one hv_synic uses
 * @flag: flag number, below %HV_EVENT_FLAGS_COUNT (2048)
 * @flags: %PVIRQ_SYNIC_THREADED or 0
 * @cpu: as &pvirq_synic_msg_handler.cpu
 * @fn: called with the flag number and @data each time the flag is taken
 * @data: passed to @fn
 */
struct pvirq_synic_evt_handler {
	unsigned int sint;
	unsigned int flag;
	unsigned int flags;
	int cpu;
	void (*fn)(unsigned int flag, void *data);
	void *data;
};

/**
 * pvirq_synic_register_msg_handler() - receive messages of (SINT, type)
 * @h: the handler, left untouched by the caller until unregistered
 *
 * Context: process, may sleep.
 * Return: 0; -EINVAL for a bad field, a SINT not in use or an offline
 * @h->cpu; -EEXIST if (SINT, type) has a handler (in either context);
 * -ENOSPC if the SINT has 8 types already.
 */
int pvirq_synic_register_msg_handler(const struct pvirq_synic_msg_handler *h);

/**
 * pvirq_synic_unregister_msg_handler() - stop receiving (SINT, type)
 * @h: as registered
 *
 * Returns once no CPU runs @h->fn any more; the caller may free @h->data.
 * Context: process, may sleep.
 */
void pvirq_synic_unregister_msg_handler(const struct pvirq_synic_msg_handler *h);

/**
 * pvirq_synic_register_evt_handler() - receive event flag (SINT, flag)
 * @h: the handler, left untouched by the caller until unregistered
 *
 * A flag set before registration is taken at the next interrupt of the
 * SINT.  Context: process, may sleep.
 * Return: 0, -EINVAL, -EEXIST or -ENOMEM.
 */
int pvirq_synic_register_evt_handler(const struct pvirq_synic_evt_handler *h);

/**
 * pvirq_synic_unregister_evt_handler() - stop receiving (SINT, flag)
 * @h: as registered
 *
 * Returns once no CPU runs @h->fn any more.  Context: process, may sleep.
 */
void pvirq_synic_unregister_evt_handler(const struct pvirq_synic_evt_handler *h);

/**
 * pvirq_synic_post_message() - HvPostMessage, retried while the host is busy
 * @connection_id: the connection the host set up
 * @type: message type, not %HVMSG_NONE, below 0x80000000 (the hypervisor's)
 * @payload: @size bytes
 * @size: at most %HV_MESSAGE_PAYLOAD_BYTE_COUNT (240)
 *
 * On INSUFFICIENT_BUFFERS or INSUFFICIENT_MEMORY the call is repeated up
 * to the module's post_tries times, sleeping 100 us, doubling up to
 * post_backoff_max_us between tries.  Context: process, may sleep.
 * Return: 0 or the errno of the last status (table in
 * Documentation/hv-synic.rst); -ENODEV if this CPU's SynIC is not up.
 */
int pvirq_synic_post_message(u32 connection_id, u32 type, const void *payload,
			     u32 size);

/**
 * pvirq_synic_try_post_message() - HvPostMessage, once
 * @connection_id: the connection
 * @type: message type, as for pvirq_synic_post_message()
 * @payload: @size bytes
 * @size: at most 240
 *
 * Context: any but NMI.  Return: as pvirq_synic_post_message(); -ENOBUFS
 * or -ENOMEM mean "try again later".
 */
int pvirq_synic_try_post_message(u32 connection_id, u32 type,
				 const void *payload, u32 size);

/**
 * pvirq_synic_signal_event() - HvSignalEvent (fast hypercall)
 * @connection_id: the event connection
 * @flag: flag number relative to the connection's port
 *
 * Context: any but NMI.  Return: 0 or an errno (see
 * pvirq_synic_status_to_errno()).
 */
int pvirq_synic_signal_event(u32 connection_id, u16 flag);

/**
 * pvirq_synic_vp_index() - the Hyper-V VP index of a CPU
 * @cpu: the CPU
 * @vp_index: where to store it
 *
 * Return: 0, -EINVAL for an impossible CPU, -ENODEV while its SynIC is off.
 */
int pvirq_synic_vp_index(unsigned int cpu, u32 *vp_index);

/**
 * pvirq_synic_sint_usable() - whether hv_synic drives @sint
 * @sint: SINT number
 *
 * Return: true if handlers may register on @sint (module parameter sints).
 */
bool pvirq_synic_sint_usable(unsigned int sint);

/**
 * pvirq_synic_status_to_errno() - a Hyper-V hypercall status as an errno
 * @status: bits 15:0 of the hypercall result
 *
 * Return: 0 for HV_STATUS_SUCCESS, otherwise a negative errno (-EIO for
 * statuses without a better match).
 */
int pvirq_synic_status_to_errno(u16 status);

#endif /* _PVIRQ_SYNIC_H */
