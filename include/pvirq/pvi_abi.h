/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KVM PVI extension as pvirq's hosts advertise it.
 *
 * The original KVM PVI proposal fixed the hypercall number at 9, which
 * upstream KVM later gave to KVM_HC_CLOCK_PAIRING.  A host that offers PVI
 * therefore says so, and which number to use, in a leaf of its own inside
 * the KVM CPUID range:
 *
 *   leaf kvm_base + PVI_CPUID_LEAF_OFFSET
 *     EAX  PVI_CPUID_MAGIC ("PVI1")
 *     EBX  hypercall number of the PVI calls
 *     ECX  PVI_F_* feature bits
 *     EDX  highest GSI a guest may be sent, plus one
 *
 * The base leaf's EAX must reach that leaf.
 */
#ifndef _PVIRQ_PVI_ABI_H
#define _PVIRQ_PVI_ABI_H

#include <linux/bits.h>

#define PVI_KVM_SIGNATURE	"KVMKVMKVM\0\0\0"
#define PVI_CPUID_LEAF_OFFSET	0x80
#define PVI_CPUID_MAGIC		0x31495650	/* "PVI1" little endian */

#define PVI_F_ALLOWLIST		BIT(0)		/* receiver allowlists */
#define PVI_F_RATE_LIMIT	BIT(1)		/* per-sender rate limit */

#endif /* _PVIRQ_PVI_ABI_H */
