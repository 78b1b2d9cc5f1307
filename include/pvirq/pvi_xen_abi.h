/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pvirq PVI directory for Xen: a host extension that lets the Xen
 * backend of pvi find its peers.  Read by the guest driver (arch/x86/pvi/
 * xen.c) and the host model (tools/testing/pvirq/host/model_xen*.c).
 *
 * On Xen, a PVI travels over an interdomain event channel: the receiver
 * allocates a port only the sender's domain may bind (EVTCHNOP_alloc_unbound
 * with remote_dom = the sender), so Xen itself enforces the allowlist; the
 * sender binds to it (EVTCHNOP_bind_interdomain) and raises it
 * (EVTCHNOP_send).  What plain Xen does not give a domU is the directory:
 * which domid has a given UUID (domain handle), and which port of the
 * receiver stands for (this sender, this GSI) -- the places one would
 * keep that, xenstore, are not readable across domUs.  This extension is
 * that directory, kept by the host.  Real Xen does not have it: the guest
 * finds it missing and pvi's Xen backend does not load.
 *
 * Advertised in Xen's CPUID range, far above Xen's own leaves (Xen 4.17
 * ends at base + 5), behind a magic, so no Xen leaf can be mistaken for it:
 *
 *   leaf xen_base + PVI_XEN_CPUID_LEAF_OFFSET, reached by the base leaf's
 *   EAX:
 *     EAX  PVI_XEN_CPUID_MAGIC ("PVX1")
 *     EBX  hypercall number of the directory; never one of Xen's own
 *          (they are below PVI_XEN_HC_MIN, Xen's NR_hypercalls)
 *     ECX  PVI_XEN_F_* (none defined yet: 0)
 *     EDX  GSIs a guest may be sent: 0 .. EDX - 1, at most PVI_MAX_GSIS
 *
 * Hypercall: Xen's convention, op in the first argument, a pointer to the
 * op's structure in the second; returns 0 or -errno (Xen's values, which
 * are Linux's on x86, and PVI_XEN_ESHUTDOWN, Linux's).  The caller is
 * whoever made the call: no op takes the caller's identity as an argument.
 *
 *   PVI_XEN_OP_UP       struct pvi_xen_up: start receiving; a new
 *                       incarnation (returned), an empty directory.
 *   PVI_XEN_OP_DOWN     (no structure) stop: published ports are
 *                       forgotten; LOOKUPs for this guest answer -ESHUTDOWN.
 *   PVI_XEN_OP_RESOLVE  struct pvi_xen_resolve: UUID -> domid and current
 *                       incarnation (0 while it is not receiving: a
 *                       receiver allows senders by domid whether they
 *                       receive or not); -ENOENT (no such guest).
 *   PVI_XEN_OP_PUBLISH  struct pvi_xen_publish: the caller's @port, unbound
 *                       for domain @remote, is GSI @gsi for that domain.
 *                       -ESHUTDOWN (not up), -EINVAL (GSI out of range, or
 *                       the port is not the caller's, unbound for @remote),
 *                       -EEXIST (a port is published for @remote and @gsi
 *                       already).  The entry goes when the port is closed.
 *   PVI_XEN_OP_LOOKUP   struct pvi_xen_lookup: the port domain @dom
 *                       published for the caller and @gsi, in incarnation
 *                       @incarnation.  -ENOENT (no such domain), -ESHUTDOWN
 *                       (not receiving, or another incarnation), -EPERM
 *                       (nothing published for the caller and @gsi),
 *                       -EINVAL (GSI out of range).
 *
 * Unknown ops: -ENOSYS.
 */
#ifndef _PVIRQ_PVI_XEN_ABI_H
#define _PVIRQ_PVI_XEN_ABI_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/build_bug.h>
#else
#include <assert.h>
#endif

#define PVI_XEN_CPUID_LEAF_OFFSET	0x80
#define PVI_XEN_CPUID_MAGIC		0x31585650	/* "PVX1" little endian */
#define PVI_XEN_HC_MIN			64		/* Xen's NR_hypercalls */

/* Xen's errno.h has no ESHUTDOWN; the directory uses Linux's x86 value. */
#define PVI_XEN_ESHUTDOWN	108

#define PVI_XEN_OP_UP		1
#define PVI_XEN_OP_DOWN		2
#define PVI_XEN_OP_RESOLVE	3
#define PVI_XEN_OP_PUBLISH	4
#define PVI_XEN_OP_LOOKUP	5

/**
 * struct pvi_xen_up - PVI_XEN_OP_UP
 * @incarnation: OUT: this guest's new incarnation as a receiver (not 0)
 */
struct pvi_xen_up {
	__u32 incarnation;
};

/**
 * struct pvi_xen_resolve - PVI_XEN_OP_RESOLVE
 * @uuid: IN: the guest's UUID (its Xen domain handle, RFC 4122 bytes)
 * @domid: OUT: its domid
 * @pad: zero
 * @incarnation: OUT: its current incarnation as a receiver, 0 if none
 */
struct pvi_xen_resolve {
	__u8 uuid[16];
	__u16 domid;
	__u16 pad;
	__u32 incarnation;
};

/**
 * struct pvi_xen_publish - PVI_XEN_OP_PUBLISH
 * @remote: IN: the sender's domid, as the port was allocated for
 * @pad: zero
 * @gsi: IN: the GSI events on the port stand for
 * @port: IN: the port
 */
struct pvi_xen_publish {
	__u16 remote;
	__u16 pad;
	__u32 gsi;
	__u32 port;
};

/**
 * struct pvi_xen_lookup - PVI_XEN_OP_LOOKUP
 * @dom: IN: the receiver's domid
 * @pad: zero
 * @incarnation: IN: the receiver's incarnation, from RESOLVE
 * @gsi: IN: the GSI
 * @port: OUT: the receiver's port to bind to
 */
struct pvi_xen_lookup {
	__u16 dom;
	__u16 pad;
	__u32 incarnation;
	__u32 gsi;
	__u32 port;
};

static_assert(sizeof(struct pvi_xen_up) == 4);
static_assert(sizeof(struct pvi_xen_resolve) == 24);
static_assert(sizeof(struct pvi_xen_publish) == 12);
static_assert(sizeof(struct pvi_xen_lookup) == 16);

#endif /* _PVIRQ_PVI_XEN_ABI_H */
