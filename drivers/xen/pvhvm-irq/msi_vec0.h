/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "vector 0" MSI message of Xen HVM pirqs.  Pure logic, also built in
 * user space by tools/testing/pvirq/unit.
 *
 * An HVM guest routes an MSI to an event channel by writing, instead of a
 * real vector, a message whose data vector is 0: the host then reads a pirq
 * out of the address.  The low 8 bits of the pirq go in the destination ID
 * field (address bits 19:12), the rest in address_hi bits 31:8:
 *
 *	address_lo = 0xfee00000 | (pirq & 0xff) << 12
 *	address_hi = pirq & 0xffffff00
 *	data       = delivery mode ExtINT, vector 0
 *
 * so a device that can only send 32-bit addresses cannot carry a pirq above
 * 255.  Xen (hvm_inject_msi) and QEMU (xen_evtchn_snoop_msi) decode it by
 * the same rule and look at nothing but the vector.
 *
 * The driver keeps the pirq it gave each vector in its own table.  It never
 * takes one back from what a device holds: a stale message left in a device
 * by a previous owner names a pirq that may belong to someone else now.
 */
#ifndef _PVHVM_MSI_VEC0_H
#define _PVHVM_MSI_VEC0_H

#include <linux/types.h>

#include "pirq_alloc.h"

#define PVHVM_MSI_ADDR_BASE		0xfee00000U
#define PVHVM_MSI_ADDR_PIRQ_SHIFT	12
#define PVHVM_MSI_ADDR_PIRQ_MASK	0x000ff000U
#define PVHVM_MSI_ADDR_HI_PIRQ_MASK	0xffffff00U
#define PVHVM_MSI_DATA_VECTOR_MASK	0x000000ffU
/* Delivery mode ExtINT (bits 10:8 = 0b111), as Linux >= 5.11 writes. */
#define PVHVM_MSI_DATA_VEC0		0x00000700U

/* Highest pirq a device limited to 32-bit MSI addresses can carry. */
#define PVHVM_MSI_PIRQ_MAX_32BIT	0xffU
/**
 * struct pvhvm_msi_msg - an MSI message, as the PCI core's struct msi_msg
 * @address_lo: message address, low 32 bits
 * @address_hi: message address, high 32 bits (0 for 32-bit devices)
 * @data: message data
 */
struct pvhvm_msi_msg {
	u32 address_lo;
	u32 address_hi;
	u32 data;
};

/**
 * pvhvm_msi_pirq_fits() - can a device carry @pirq in a vector-0 message?
 * @pirq: the pirq
 * @addr64: true if the device sends 64-bit MSI addresses
 *
 * Return: true if @pirq is a valid pirq the device can send.
 */
static inline bool pvhvm_msi_pirq_fits(u32 pirq, bool addr64)
{
	if (!pirq || pirq > PVHVM_PIRQ_MAX)
		return false;
	return addr64 || pirq <= PVHVM_MSI_PIRQ_MAX_32BIT;
}

int pvhvm_msi_compose(u32 pirq, bool addr64, struct pvhvm_msi_msg *msg);
int pvhvm_msi_decode(const struct pvhvm_msi_msg *msg, u32 *pirq);
int pvhvm_msi_decode_multi(const struct pvhvm_msi_msg *msg, unsigned int nvec,
			   u32 *pirq);
bool pvhvm_msi_is_vec0(const struct pvhvm_msi_msg *msg);
bool pvhvm_msi_matches(const struct pvhvm_msi_msg *msg, u32 pirq);

#endif /* _PVHVM_MSI_VEC0_H */
