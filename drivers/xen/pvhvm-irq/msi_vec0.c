// SPDX-License-Identifier: GPL-2.0
/*
 * Compose and decode the "vector 0" MSI messages that carry Xen pirqs; see
 * msi_vec0.h for the encoding.  Pure logic: no state, no locking.
 */
#include <linux/types.h>
#include <linux/errno.h>

#include "msi_vec0.h"

/**
 * pvhvm_msi_compose() - build the vector-0 message that signals @pirq
 * @pirq: a pirq this guest owns (from its own table, never from a device)
 * @addr64: true if the device sends 64-bit MSI addresses
 * @msg: filled in on success, untouched on failure
 *
 * Return: 0, -EINVAL if @pirq is 0 or not a valid pirq, -ERANGE if the
 * device only has 32-bit addresses and @pirq is above 255.
 */
int pvhvm_msi_compose(u32 pirq, bool addr64, struct pvhvm_msi_msg *msg)
{
	if (!pirq || pirq > PVHVM_PIRQ_MAX)
		return -EINVAL;
	if (!addr64 && pirq > PVHVM_MSI_PIRQ_MAX_32BIT)
		return -ERANGE;

	msg->address_lo = PVHVM_MSI_ADDR_BASE |
			  (pirq << PVHVM_MSI_ADDR_PIRQ_SHIFT &
			   PVHVM_MSI_ADDR_PIRQ_MASK);
	msg->address_hi = pirq & PVHVM_MSI_ADDR_HI_PIRQ_MASK;
	msg->data = PVHVM_MSI_DATA_VEC0;
	return 0;
}

/**
 * pvhvm_msi_is_vec0() - is @msg a pirq message (data vector 0)?
 * @msg: a message, e.g. one read back from a device
 *
 * Return: true if a Xen host would treat @msg as naming a pirq.
 */
bool pvhvm_msi_is_vec0(const struct pvhvm_msi_msg *msg)
{
	return !(msg->data & PVHVM_MSI_DATA_VECTOR_MASK);
}

static u32 pvhvm_msi_addr_pirq(const struct pvhvm_msi_msg *msg)
{
	return (msg->address_hi & PVHVM_MSI_ADDR_HI_PIRQ_MASK) |
	       (msg->address_lo & PVHVM_MSI_ADDR_PIRQ_MASK) >>
	       PVHVM_MSI_ADDR_PIRQ_SHIFT;
}

/**
 * pvhvm_msi_decode() - the pirq a host reads out of @msg
 * @msg: the message a device sent
 * @pirq: set to the pirq on success
 *
 * Decodes as Xen's hvm_inject_msi() and QEMU's Xen emulation do.  For the
 * host side and for diagnostics: the driver never uses it to pick a pirq.
 *
 * Return: 0, -ENOENT if @msg is an ordinary MSI (vector not 0), -ERANGE if
 * it names pirq 0 or a value above %PVHVM_PIRQ_MAX.
 */
int pvhvm_msi_decode(const struct pvhvm_msi_msg *msg, u32 *pirq)
{
	u32 p;

	if (!pvhvm_msi_is_vec0(msg))
		return -ENOENT;
	p = pvhvm_msi_addr_pirq(msg);
	if (!p || p > PVHVM_PIRQ_MAX)
		return -ERANGE;
	*pirq = p;
	return 0;
}

/**
 * pvhvm_msi_decode_multi() - the pirq of one message of a multi-MSI block
 * @msg: the message a device sent
 * @nvec: messages enabled in the block, a power of two up to 32
 * @pirq: set to the pirq on success
 *
 * A multi-MSI device sends message i with i in the low bits of the data,
 * i.e. as vector i.  With the block's first pirq naturally aligned to
 * @nvec (pirq_alloc.c gives it so), message i names first pirq + i.  Xen
 * and QEMU only decode vector 0; a host that supports pirq blocks decodes
 * this way.
 *
 * Return: 0, -EINVAL if @nvec is not a power of two up to 32, -ENOENT if
 * the vector is not below @nvec, -ERANGE if the block's first pirq is 0,
 * above %PVHVM_PIRQ_MAX or not aligned to @nvec.
 */
int pvhvm_msi_decode_multi(const struct pvhvm_msi_msg *msg, unsigned int nvec,
			   u32 *pirq)
{
	u32 vec = msg->data & PVHVM_MSI_DATA_VECTOR_MASK;
	u32 base;

	if (!nvec || nvec > PVHVM_PIRQ_BLOCK_MAX || (nvec & (nvec - 1)))
		return -EINVAL;
	if (vec >= nvec)
		return -ENOENT;
	base = pvhvm_msi_addr_pirq(msg);
	if (!base || base > PVHVM_PIRQ_MAX - (nvec - 1) || (base & (nvec - 1)))
		return -ERANGE;
	*pirq = base + vec;
	return 0;
}

/**
 * pvhvm_msi_matches() - does @msg signal exactly @pirq?
 * @msg: a message read back from a device
 * @pirq: the pirq the driver wrote
 *
 * Lets the driver check a device took its write; it still keeps its own
 * record of @pirq.
 *
 * Return: true if @msg is a vector-0 message for @pirq.
 */
bool pvhvm_msi_matches(const struct pvhvm_msi_msg *msg, u32 pirq)
{
	u32 p;

	return !pvhvm_msi_decode(msg, &p) && p == pirq;
}
