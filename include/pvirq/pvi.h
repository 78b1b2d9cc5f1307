/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvi: paravirtual interrupts from one guest to another, for drivers.
 *
 * pvi.ko lets a driver raise an interrupt -- a GSI, 0 .. pvi_nr_gsis() - 1
 * -- in another guest on the same host, named by the UUID the host gave
 * it, and receive the GSIs other guests raise here as ordinary Linux IRQs:
 *
 *	irq = pvi_gsi_to_irq(5);
 *	request_irq(irq, my_handler, 0, "my-pvi", my_data);
 *	pvi_allow(&peer_uuid, 5);		// only this sender, GSI 5
 *
 * and on the other side:
 *
 *	pvi_resolve(&receiver_uuid, &peer);
 *	pvi_send(peer, 5);
 *
 * The host enforces the receiver's allowlist and a per-sender rate limit,
 * and identifies the sender itself.  PVIs are edge interrupts: one raised
 * again before the receiver handled the previous one may merge with it.
 * Documentation/pvi.rst has a worked example.
 *
 * Errors, common to every call:
 *   -ENODEV     pvi is not up (no backend found)
 *   -EINVAL     GSI out of range or bad argument
 *   -ENOENT     no guest with that UUID (or handle) is attached to the host
 *   -ESHUTDOWN  the peer exists but is not receiving: it tore pvi down or
 *               loaded it again since pvi_resolve(); resolve again
 *   -EPERM      the receiver does not allow this sender for this GSI
 *   -EBUSY      this guest's send rate limit is exhausted; retry later
 *   -ENOSPC     the host refused to grow the receiver's allowlist
 *   -EPROTO     the host answered something the ABI does not define
 */
#ifndef _PVIRQ_PVI_H
#define _PVIRQ_PVI_H

#include <linux/types.h>
#include <linux/uuid.h>
#include <pvirq/pvi_abi.h>

/* A peer as pvi_resolve() found it; opaque, meaningful to the host only. */
typedef u64 pvi_peer_t;

/**
 * pvi_resolve() - find a guest by its UUID
 * @uuid: the guest's host-assigned UUID
 * @peer: where to store the handle for pvi_send()
 *
 * The handle stays valid until the peer tears pvi down or sets it up again
 * (pvi_send() then fails with -ESHUTDOWN).
 *
 * Context: any but NMI.
 * Return: 0, -ENOENT, -ESHUTDOWN, -ENODEV or -EPROTO.
 */
int pvi_resolve(const uuid_t *uuid, pvi_peer_t *peer);

/**
 * pvi_send() - raise GSI @gsi in the guest @peer
 * @peer: a handle from pvi_resolve()
 * @gsi: the receiver's GSI
 *
 * Returns once the host has made the GSI pending in the receiver; a GSI
 * still pending there merges with this one.
 *
 * Context: any but NMI.
 * Return: 0, -EINVAL, -ENOENT, -ESHUTDOWN, -EPERM, -EBUSY, -ENODEV, -EPROTO.
 */
int pvi_send(pvi_peer_t peer, u32 gsi);

/**
 * pvi_allow() - let the guest @sender raise @gsi here
 * @sender: the sender's UUID; it need not be attached yet
 * @gsi: a GSI of this guest, or %PVI_GSI_ANY for all of them
 *
 * Context: process.
 * Return: 0, -EINVAL, -ENOSPC, -ENODEV or -EPROTO.
 */
int pvi_allow(const uuid_t *sender, u32 gsi);

/**
 * pvi_revoke() - undo pvi_allow()
 * @sender: the sender's UUID
 * @gsi: as given to pvi_allow(), or %PVI_GSI_ANY for every entry of @sender
 *
 * Sends the host accepted before this returns may still be delivered.
 *
 * Context: process.
 * Return: 0, -ENOENT (no such entry), -EINVAL, -ENODEV or -EPROTO.
 */
int pvi_revoke(const uuid_t *sender, u32 gsi);

/**
 * pvi_gsi_to_irq() - the Linux IRQ that received GSI @gsi arrives on
 * @gsi: 0 .. pvi_nr_gsis() - 1
 *
 * The IRQ uses the edge flow; request_irq() it like any other.  It stays
 * mapped until pvi.ko is unloaded, which cannot happen while a module
 * that calls this is loaded.
 *
 * Context: process.
 * Return: the IRQ number (> 0), -EINVAL, -ENODEV or -ENOMEM.
 */
int pvi_gsi_to_irq(u32 gsi);

/**
 * pvi_self_uuid() - this guest's UUID, as the host assigned it
 * @uuid: where to store it
 *
 * Return: 0 or -ENODEV.
 */
int pvi_self_uuid(uuid_t *uuid);

/**
 * pvi_nr_gsis() - how many GSIs a guest may be sent on this host
 *
 * Return: the number, 0 when pvi is not up.
 */
u32 pvi_nr_gsis(void);

#endif /* _PVIRQ_PVI_H */
