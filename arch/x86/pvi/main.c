// SPDX-License-Identifier: GPL-2.0
/*
 * pvi: paravirtual interrupts from one guest to another.
 *
 * A sender names the target guest by the UUID the host gave it and raises
 * one of its GSIs; the host checks the receiver's allowlist and the
 * sender's rate limit, identifies the sender itself, and makes the GSI
 * pending in the receiver, where it arrives as an ordinary Linux IRQ of the
 * "pvi" irq domain (irq.c).  Drivers use the API below (include/pvirq/pvi.h),
 * user space /dev/pvi (dev.c).
 *
 * Hypervisor specifics sit behind struct pvi_backend_ops, one file per
 * backend; the KVM PVI hypercall (kvm.c) is the one there is (Xen event
 * channels and Hyper-V SignalEvent would be one more file each).  This file
 * picks the backend at load, wraps its calls with the counters and
 * tracepoints, and exports the API.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>
#include <linux/slab.h>
#include <pvirq/seam.h>

#include "pvi_int.h"

#define CREATE_TRACE_POINTS
#include "pvi_trace.h"

PVIRQ_SEAM_DEFINE();

struct pvi_core pvi;

static const struct pvi_backend_ops *const pvi_backends[] = {
	&pvi_xen_ops,	/* first: says nothing where there is no Xen */
	&pvi_hyperv_ops,	/* silent too where there is no Hyper-V */
	&pvi_kvm_ops,
};

/* Published by init, cleared first thing at exit. */
static const struct pvi_backend_ops *pvi_ops(void)
{
	/* Pairs with the release in pvi_init(): what the backend set is seen. */
	return smp_load_acquire(&pvi.ops);
}

void pvi_count_refusal(int err)
{
	enum pvi_refusal r;

	switch (err) {
	case -EPERM:
		r = PVI_R_EPERM;
		break;
	case -ENOENT:
		r = PVI_R_ENOENT;
		break;
	case -ESHUTDOWN:
		r = PVI_R_ESHUTDOWN;
		break;
	case -EBUSY:
		r = PVI_R_EBUSY;
		break;
	case -EINVAL:
		r = PVI_R_EINVAL;
		break;
	default:
		r = PVI_R_OTHER;
		break;
	}
	atomic64_inc(&pvi.stats.refused[r]);
}

int pvi_resolve(const uuid_t *uuid, pvi_peer_t *peer)
{
	const struct pvi_backend_ops *ops = pvi_ops();

	if (!ops)
		return -ENODEV;
	return ops->resolve(uuid, peer);
}
EXPORT_SYMBOL_GPL(pvi_resolve);

int pvi_send(pvi_peer_t peer, u32 gsi)
{
	const struct pvi_backend_ops *ops = pvi_ops();
	int ret;

	if (!ops)
		return -ENODEV;
	if (gsi >= pvi.nr_gsis) {
		ret = -EINVAL;
	} else {
		ret = ops->send(peer, gsi);
		if (!ret) {
			atomic64_inc(&pvi.stats.sent);
			trace_pvi_send(peer, gsi);
			return 0;
		}
	}
	pvi_count_refusal(ret);
	trace_pvi_refused(peer, gsi, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(pvi_send);

static bool pvi_gsi_ok(u32 gsi)
{
	return gsi == PVI_GSI_ANY || gsi < pvi.nr_gsis;
}

int pvi_allow(const uuid_t *sender, u32 gsi)
{
	const struct pvi_backend_ops *ops = pvi_ops();

	if (!ops)
		return -ENODEV;
	if (!pvi_gsi_ok(gsi))
		return -EINVAL;
	return ops->allow(sender, gsi);
}
EXPORT_SYMBOL_GPL(pvi_allow);

int pvi_revoke(const uuid_t *sender, u32 gsi)
{
	const struct pvi_backend_ops *ops = pvi_ops();

	if (!ops)
		return -ENODEV;
	if (!pvi_gsi_ok(gsi))
		return -EINVAL;
	return ops->revoke(sender, gsi);
}
EXPORT_SYMBOL_GPL(pvi_revoke);

int pvi_gsi_to_irq(u32 gsi)
{
	unsigned int irq;

	if (!pvi_ops())
		return -ENODEV;
	if (gsi >= pvi.nr_gsis)
		return -EINVAL;
	irq = irq_create_mapping(pvi.domain, gsi);
	return irq ? irq : -ENOMEM;
}
EXPORT_SYMBOL_GPL(pvi_gsi_to_irq);

int pvi_self_uuid(uuid_t *uuid)
{
	if (!pvi_ops())
		return -ENODEV;
	uuid_copy(uuid, &pvi.uuid);
	return 0;
}
EXPORT_SYMBOL_GPL(pvi_self_uuid);

u32 pvi_nr_gsis(void)
{
	return pvi_ops() ? pvi.nr_gsis : 0;
}
EXPORT_SYMBOL_GPL(pvi_nr_gsis);

/* The first backend whose hypervisor is there; it is then receiving. */
static const struct pvi_backend_ops *pvi_pick_backend(int *err)
{
	unsigned int i;

	*err = -ENODEV;
	for (i = 0; i < ARRAY_SIZE(pvi_backends); i++) {
		*err = pvi_backends[i]->init();
		if (!*err)
			return pvi_backends[i];
		if (*err != -ENODEV)
			return NULL;
	}
	return NULL;
}

static int __init pvi_init(void)
{
	const struct pvi_backend_ops *ops;
	const char *via;
	int ret;

	via = pvirq_seam_acquire();
	/* The domain must exist before a backend can take an interrupt. */
	ret = pvi_irq_init();
	if (ret)
		goto out_release_seam;
	ops = pvi_pick_backend(&ret);
	if (!ops)
		goto out_irq_exit;
	/* nr_gsis, uuid, the domain: visible before the API says "up". */
	smp_store_release(&pvi.ops, ops);
	ret = pvi_dev_init();
	if (ret)
		goto out_unpublish;
	pvi_debugfs_init();
	pr_info("%s: %u GSIs, features 0x%x, this guest is %pUb, via %s\n",
		ops->name, pvi.nr_gsis, pvi.features, &pvi.uuid, via);
	return 0;

out_unpublish:
	WRITE_ONCE(pvi.ops, NULL);
	ops->exit();
out_irq_exit:
	pvi_irq_exit();
out_release_seam:
	pvirq_seam_release();
	return ret;
}

static void __exit pvi_exit(void)
{
	const struct pvi_backend_ops *ops = pvi.ops;

	/* No module can call in any more; /dev/pvi may still be open. */
	pvi_dev_exit();
	WRITE_ONCE(pvi.ops, NULL);
	pvi_debugfs_exit();
	ops->exit();
	pvi_irq_exit();
	pvirq_seam_release();
	pr_info("unloaded\n");
}

module_init(pvi_init);
module_exit(pvi_exit);

MODULE_DESCRIPTION("Paravirtual interrupts between guests (KVM PVI)");
MODULE_AUTHOR("The pvirq authors");
MODULE_LICENSE("GPL");
