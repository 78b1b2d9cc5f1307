/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pvirq PVI extension of a Hyper-V host: guest-to-guest interrupts
 * over SynIC event flags.  Read by pvi's Hyper-V backend
 * (arch/x86/pvi/hyperv.c) and the "hyperv" model of pvirq-host
 * (tools/testing/pvirq/host/model_hyperv_pvi.c).
 *
 * Sending is plain TLFS: HvSignalEvent(connection id, flag), flag = the
 * receiver's GSI.  Receiving is plain TLFS too: the host sets flag GSI in
 * the receiver's SIEF slot of the SINT it names and raises that SINT on a
 * 0 -> 1 change.  What a guest cannot do itself on Hyper-V -- only the
 * parent partition creates ports and connections -- is this extension:
 * finding a peer's connection by its UUID, and deciding who may signal it.
 *
 * Advertised in the Hyper-V CPUID range, above every TLFS leaf
 * (0x40000000..0x4000000C and the synthetic debugger's 0x40000080..82)
 * and below the range Xen moves to with Viridian (0x40000100):
 *
 *   leaf PVI_HV_CPUID_LEAF
 *     EAX  PVI_HV_CPUID_MAGIC ("PVH1")
 *     EBX  hypercall code of the extension call, PVI_HV_HC_MIN..0xffff:
 *          far above the codes the TLFS assigns (all below 0x1000)
 *     ECX  the SINT this guest receives PVIs on
 *     EDX  GSIs a guest may be sent: 0 .. EDX - 1, at most
 *          PVI_HV_MAX_GSIS (one SINT's event flags)
 *   leaf PVI_HV_CPUID_UUID_LEAF
 *     EAX..EDX  the UUID the host gave this guest: bytes 0..15 of its
 *          16-byte form, four little-endian loads
 *
 * The extension call is a normal (memory) Hyper-V hypercall: RCX the
 * control word (the code from EBX, no fast bit, no rep count), RDX the GPA
 * of a struct pvi_hv_input, R8 the GPA of a struct pvi_hv_output (each
 * 8-byte aligned, not crossing a page).  RAX returns a TLFS status:
 *
 *   PVI_HV_OP_SETUP     start receiving: a new incarnation of this guest's
 *                       port, an empty allowlist, every GSI routed to VP 0
 *   PVI_HV_OP_TEARDOWN  stop receiving; connections to the old port answer
 *                       HV_STATUS_INVALID_PORT_ID
 *   PVI_HV_OP_ROUTE     @gsi's flag is set in VP @vp_index's SIEF page
 *   PVI_HV_OP_ALLOW     let the guest @uuid signal @gsi here (or every GSI
 *                       with PVI_GSI_ANY); it need not exist yet
 *   PVI_HV_OP_REVOKE    undo it; PVI_GSI_ANY: every entry of @uuid
 *   PVI_HV_OP_RESOLVE   @connection_id for the guest @uuid's port as it
 *                       is now (another incarnation gets another id)
 *
 * Statuses, for the extension call and for HvSignalEvent on one of its
 * connections (the errno pvi's API gives in brackets):
 *   HV_STATUS_SUCCESS
 *   HV_STATUS_INVALID_PARAMETER      GSI, VP index, op field or reserved
 *                                    field bad (-EINVAL)
 *   HV_STATUS_INVALID_CONNECTION_ID  no guest with that UUID, the
 *                                    connection's guest is gone, or
 *                                    REVOKE found no entry (-ENOENT)
 *   HV_STATUS_INVALID_PORT_ID        the peer exists but is not receiving
 *                                    (torn down, or set up again since the
 *                                    connection was resolved) (-ESHUTDOWN)
 *   HV_STATUS_ACCESS_DENIED          HvSignalEvent: the receiver's
 *                                    allowlist has no entry for the caller
 *                                    and that GSI (-EPERM)
 *   HV_STATUS_INSUFFICIENT_BUFFERS   HvSignalEvent: the caller's rate
 *                                    limit is exhausted (-EBUSY)
 *   HV_STATUS_INSUFFICIENT_MEMORY    ALLOW: the allowlist will not grow
 *                                    (-ENOSPC)
 *
 * The host knows which partition made a call; the sender of a signal is
 * never anything the guest says.
 */
#ifndef _PVIRQ_PVI_HV_ABI_H
#define _PVIRQ_PVI_HV_ABI_H

#include <linux/types.h>
#include <pvirq/pvi_abi.h>

#define PVI_HV_CPUID_LEAF	0x400000a0
#define PVI_HV_CPUID_UUID_LEAF	0x400000a1
#define PVI_HV_CPUID_MAGIC	0x31485650	/* "PVH1" little endian */
#define PVI_HV_HC_MIN		0x8000
#define PVI_HV_MAX_GSIS		2048		/* HV_EVENT_FLAGS_COUNT */

#define PVI_HV_OP_SETUP		1
#define PVI_HV_OP_TEARDOWN	2
#define PVI_HV_OP_ROUTE		3
#define PVI_HV_OP_ALLOW		4
#define PVI_HV_OP_REVOKE	5
#define PVI_HV_OP_RESOLVE	6

/**
 * struct pvi_hv_input - the extension call's input
 * @op: PVI_HV_OP_*
 * @gsi: ROUTE, ALLOW, REVOKE: the GSI (ALLOW, REVOKE: or %PVI_GSI_ANY)
 * @vp_index: ROUTE: the VP to interrupt; otherwise zero
 * @reserved: zero
 * @uuid: ALLOW, REVOKE, RESOLVE: a guest's UUID; otherwise zero
 */
struct pvi_hv_input {
	__u32 op;
	__u32 gsi;
	__u32 vp_index;
	__u32 reserved;
	__u8 uuid[16];
};

/**
 * struct pvi_hv_output - the extension call's output
 * @connection_id: RESOLVE: the connection to signal
 * @reserved: zero
 */
struct pvi_hv_output {
	__u32 connection_id;
	__u32 reserved;
};

static_assert(sizeof(struct pvi_hv_input) == 32);
static_assert(sizeof(struct pvi_hv_output) == 8);

#endif /* _PVIRQ_PVI_HV_ABI_H */
