/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Hyper-V SynIC ABI as pvirq's pure logic and host models see it.
 *
 * In the kernel everything comes from the TLFS headers (<asm/hyperv-tlfs.h>,
 * which pulls in <asm-generic/hyperv-tlfs.h>; identical names in 6.1 and
 * 6.12).  User space has no such header, so the same names are defined here
 * with the TLFS section they come from (Hyper-V Top-Level Functional
 * Specification, chapter "Virtual Interrupt Controller" / "Synthetic
 * Interrupt Controller (SynIC)").  The static asserts at the end pin the
 * layouts both ways.
 */
#ifndef _PVIRQ_HV_ABI_H
#define _PVIRQ_HV_ABI_H

#ifdef __KERNEL__

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <asm/hyperv-tlfs.h>

#else /* !__KERNEL__ */

#include <assert.h>
#include <stddef.h>
#include <linux/types.h>
#include <linux/bits.h>
#include <linux/compiler.h>

/* TLFS "SynIC MSRs" */
#define HV_X64_MSR_SCONTROL		0x40000080
#define HV_X64_MSR_SVERSION		0x40000081
#define HV_X64_MSR_SIEFP		0x40000082
#define HV_X64_MSR_SIMP			0x40000083
#define HV_X64_MSR_EOM			0x40000084
#define HV_X64_MSR_SINT0		0x40000090
#define HV_X64_MSR_SINT15		0x4000009F

/* TLFS "SynIC Registers": SCONTROL, SIMP, SIEFP, SINTx bits */
#define HV_SYNIC_SINT_COUNT		(16)
#define HV_SYNIC_VERSION_1		(0x1)
#define HV_SYNIC_FIRST_VALID_VECTOR	(16)
#define HV_SYNIC_CONTROL_ENABLE		BIT_ULL(0)
#define HV_SYNIC_SIMP_ENABLE		BIT_ULL(0)
#define HV_SYNIC_SIEFP_ENABLE		BIT_ULL(0)
#define HV_SYNIC_SINT_MASKED		BIT_ULL(16)
#define HV_SYNIC_SINT_AUTO_EOI		BIT_ULL(17)
#define HV_SYNIC_SINT_VECTOR_MASK	(0xFF)

/* TLFS "Hypercall Status Codes": the ones pvirq's models answer */
#define HV_STATUS_SUCCESS			0
#define HV_STATUS_INVALID_HYPERCALL_CODE	2
#define HV_STATUS_INVALID_HYPERCALL_INPUT	3
#define HV_STATUS_INVALID_ALIGNMENT		4
#define HV_STATUS_INVALID_PARAMETER		5
#define HV_STATUS_ACCESS_DENIED			6
#define HV_STATUS_INSUFFICIENT_MEMORY		11
#define HV_STATUS_INVALID_PORT_ID		17
#define HV_STATUS_INVALID_CONNECTION_ID		18
#define HV_STATUS_INSUFFICIENT_BUFFERS		19

/* TLFS "Hypercall Interface": the control word */
#define HV_HYPERCALL_FAST_BIT		BIT(16)

/* TLFS "SynIC Messages": message slot size and payload */
#define HV_MESSAGE_SIZE			(256)
#define HV_MESSAGE_PAYLOAD_BYTE_COUNT	(240)
#define HV_MESSAGE_PAYLOAD_QWORD_COUNT	(30)

/* TLFS "HV_MESSAGE_TYPE": the few the models and tests name */
enum hv_message_type {
	HVMSG_NONE			= 0x00000000,
	HVMSG_UNMAPPED_GPA		= 0x80000000,
	HVMSG_TIMER_EXPIRED		= 0x80000010,
};

union hv_message_flags {
	__u8 asu8;
	struct {
		__u8 msg_pending:1;
		__u8 reserved:7;
	} __packed;
};

union hv_port_id {
	__u32 asu32;
	struct {
		__u32 id:24;
		__u32 reserved:8;
	} __packed u;
};

struct hv_message_header {
	__u32 message_type;
	__u8 payload_size;
	union hv_message_flags message_flags;
	__u8 reserved[2];
	union {
		__u64 sender;
		union hv_port_id port;
	};
} __packed;

struct hv_message {
	struct hv_message_header header;
	union {
		__u64 payload[HV_MESSAGE_PAYLOAD_QWORD_COUNT];
	} u;
} __packed;

/* TLFS "SIM Page": one message slot per SINT */
struct hv_message_page {
	struct hv_message sint_message[HV_SYNIC_SINT_COUNT];
} __packed;

/* TLFS "SynIC Event Flags": 2048 flags per SINT */
#define HV_EVENT_FLAGS_COUNT		(256 * 8)
#define HV_EVENT_FLAGS_LONG_COUNT	(256 / sizeof(unsigned long))

union hv_synic_event_flags {
	unsigned long flags[HV_EVENT_FLAGS_LONG_COUNT];
};

#endif /* __KERNEL__ */

/* Offset of the message_flags byte in a slot (TLFS "HV_MESSAGE_HEADER"). */
#define PVIRQ_HV_MSG_FLAGS_OFF		5
/* msg_pending is bit 0 of message_flags. */
#define PVIRQ_HV_MSG_PENDING		0x01

/*
 * TLFS "SIEF Page": one 256-byte flag area per SINT.  The TLFS
 * headers only give one area's layout; the page is ours to name.
 */
struct pvirq_hv_event_page {
	union hv_synic_event_flags sint_flags[HV_SYNIC_SINT_COUNT];
};

static_assert(sizeof(struct hv_message_header) == 16, "TLFS message header");
static_assert(sizeof(struct hv_message) == HV_MESSAGE_SIZE, "TLFS message");
static_assert(HV_MESSAGE_PAYLOAD_QWORD_COUNT * 8 ==
	      HV_MESSAGE_PAYLOAD_BYTE_COUNT, "TLFS payload");
static_assert(sizeof(struct hv_message_page) == 4096, "16 slots, one page");
static_assert(sizeof(union hv_synic_event_flags) * 8 == HV_EVENT_FLAGS_COUNT,
	      "2048 flags per SINT");
static_assert(sizeof(struct pvirq_hv_event_page) == 4096,
	      "16 flag areas, one page");
static_assert(offsetof(struct hv_message, header.message_type) == 0,
	      "message_type is the slot's first word");
static_assert(offsetof(struct hv_message, header.message_flags) ==
	      PVIRQ_HV_MSG_FLAGS_OFF, "message_flags offset");

#endif /* _PVIRQ_HV_ABI_H */
