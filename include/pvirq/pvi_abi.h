/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KVM PVI extension as pvirq's hosts advertise and serve it: one guest
 * raises an interrupt (a GSI) in another guest, the host checking the
 * receiver's allowlist of senders.  Read by the guest driver (arch/x86/pvi)
 * and by the host model (tools/testing/pvirq/host/model_pvi*.c).
 *
 * The original KVM PVI proposal fixed the hypercall number at 9, which
 * upstream KVM later gave to KVM_HC_CLOCK_PAIRING.  A host that offers PVI
 * therefore says so, and which number to use, in a leaf of its own inside
 * the KVM CPUID range:
 *
 *   leaf kvm_base + PVI_CPUID_LEAF_OFFSET
 *     EAX  PVI_CPUID_MAGIC ("PVI1")
 *     EBX  hypercall number of the PVI calls (never one of KVM's own)
 *     ECX  PVI_F_* feature bits
 *     EDX  GSIs a guest may be sent: 0 .. EDX - 1, at most PVI_MAX_GSIS
 *
 * The base leaf's EAX must reach that leaf.
 *
 * Hypercall: RAX the number from EBX, RBX a PVI_OP_*, RCX/RDX/RSI its
 * arguments; RAX returns 0 (or a handle, for RESOLVE) or -PVI_E*.  No
 * argument points at guest memory except the page given to SETUP, which is
 * a guest physical address.  A UUID travels in two registers: bytes 0..7
 * and 8..15 of its 16-byte (RFC 4122 byte order) form, each loaded as a
 * little-endian u64.
 *
 * Who sends is never an argument: the host knows which guest made the
 * call.  Each guest has a UUID the host assigns; SETUP writes it into the
 * guest's PVI page.
 *
 *   PVI_OP_SETUP    RCX = GPA of the PVI page (4 KiB aligned, 4 KiB of RAM)
 *                   Starts a new incarnation of this guest as a receiver:
 *                   empty allowlist, every GSI routed to the first vCPU,
 *                   the page's header written, its pending bitmap cleared.
 *                   Handles other guests resolved before stop working.
 *   PVI_OP_TEARDOWN (no arguments) The host forgets the page, the vectors,
 *                   the routes and the allowlist; sends to this guest fail
 *                   with -PVI_ESHUTDOWN until the next SETUP.
 *   PVI_OP_VECTOR   RCX = vector (32..255) the calling vCPU takes PVIs on,
 *                   0 for none.  Applies to the vCPU that makes the call.
 *   PVI_OP_ROUTE    RCX = GSI, RDX = APIC ID of the vCPU to interrupt for it
 *   PVI_OP_ALLOW    RCX, RDX = sender UUID, RSI = GSI or PVI_GSI_ANY:
 *                   let that sender raise that GSI here (any GSI).  The
 *                   sender need not exist yet.  The list has no fixed
 *                   size; the host may refuse growth with -PVI_ENOSPC.
 *   PVI_OP_REVOKE   RCX, RDX = sender UUID, RSI = GSI or PVI_GSI_ANY (every
 *                   entry of that sender); -PVI_ENOENT if nothing matched
 *   PVI_OP_RESOLVE  RCX, RDX = UUID of a guest: returns a handle (> 0) for
 *                   SEND, valid for that guest's current incarnation
 *   PVI_OP_SEND     RCX = handle, RDX = GSI: raise it in that guest
 *
 * Statuses, returned negated:
 *   PVI_ENOENT     no guest with that UUID or handle (never existed or is
 *                  no longer attached to the host); REVOKE: no such entry
 *   PVI_ESHUTDOWN  the peer exists but is not receiving: it tore PVI down,
 *                  or set it up again since the handle was resolved (the
 *                  sender should resolve again)
 *   PVI_EPERM      the receiver's allowlist has no entry for this sender
 *                  and GSI
 *   PVI_EINVAL     GSI out of range, bad vector, APIC ID or page address
 *   PVI_EBUSY      this sender's rate limit is exhausted: retry later
 *   PVI_ENOSPC     the host will not grow the allowlist further
 *   PVI_ENOSYS     unknown sub-op (KVM's own "unknown hypercall", 1000)
 *
 * Delivery: the host sets bit GSI in the receiver's pending bitmap with an
 * atomic OR and, when that bit was clear, injects the vector of the vCPU
 * the GSI is routed to (any vCPU with a vector if that one has none).  The
 * receiver takes each bitmap word with an atomic exchange and handles every
 * bit it found.  A GSI raised again while its bit is still set merges with
 * the pending one, as an edge interrupt does; the host counts such merges.
 */
#ifndef _PVIRQ_PVI_ABI_H
#define _PVIRQ_PVI_ABI_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/build_bug.h>
#else
#include <assert.h>
#endif

#define PVI_KVM_SIGNATURE	"KVMKVMKVM\0\0\0"
#define PVI_CPUID_LEAF_OFFSET	0x80
#define PVI_CPUID_MAGIC		0x31495650	/* "PVI1" little endian */

#define PVI_F_ALLOWLIST		0x1U	/* receiver allowlists */
#define PVI_F_RATE_LIMIT	0x2U	/* per-sender rate limit */

/* Upstream KVM's own hypercalls are 1..12 (KVM_HC_MAP_GPA_RANGE). */
#define PVI_KVM_HC_RESERVED_MAX	12

/* Hypercall sub-ops, in RBX */
#define PVI_OP_SETUP		1
#define PVI_OP_TEARDOWN		2
#define PVI_OP_VECTOR		3
#define PVI_OP_ROUTE		4
#define PVI_OP_ALLOW		5
#define PVI_OP_REVOKE		6
#define PVI_OP_RESOLVE		7
#define PVI_OP_SEND		8

#define PVI_GSI_ANY		0xffffffffU	/* ALLOW/REVOKE: every GSI */

/* Statuses; the host returns them negated */
#define PVI_EPERM		1
#define PVI_ENOENT		2
#define PVI_EBUSY		16
#define PVI_EINVAL		22
#define PVI_ENOSPC		28
#define PVI_ESHUTDOWN		108
#define PVI_ENOSYS		1000	/* KVM_ENOSYS */

/*
 * The PVI page: one 4 KiB guest page per receiver.  The host writes the
 * header at SETUP and afterwards only sets pending bits; the guest only
 * takes (exchanges) pending words.
 */
#define PVI_PAGE_SIZE		4096
#define PVI_PAGE_MAGIC		0x50494750	/* "PGIP" little endian */
#define PVI_PAGE_PENDING_OFF	64
#define PVI_MAX_GSIS		8192		/* 1 KiB of pending bits */

/**
 * struct pvi_page_hdr - head of the PVI page
 * @magic: %PVI_PAGE_MAGIC once the host set the page up
 * @nr_gsis: as CPUID EDX
 * @uuid: the UUID the host gave this guest
 * @reserved: zero
 *
 * Followed at %PVI_PAGE_PENDING_OFF by the pending bitmap: u64 words, GSI g
 * is bit g % 64 of word g / 64.
 */
struct pvi_page_hdr {
	__u32 magic;
	__u32 nr_gsis;
	__u8 uuid[16];
	__u64 reserved[5];
};

static_assert(sizeof(struct pvi_page_hdr) == PVI_PAGE_PENDING_OFF);
#define PVI_PENDING_WORDS(n)	(((n) + 63) / 64)

#endif /* _PVIRQ_PVI_ABI_H */
