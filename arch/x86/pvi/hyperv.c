// SPDX-License-Identifier: GPL-2.0
/*
 * The Hyper-V backend of pvi: PVIs as SynIC event flags, sent with
 * HvSignalEvent, over the pvirq PVI extension of include/pvirq/pvi_hv_abi.h.
 *
 * The host names, in a CPUID leaf of the Hyper-V range, the SINT this
 * guest receives PVIs on, the GSI count, this guest's UUID and the code of
 * the extension call.  Flag N of that SINT's event-flag slot is GSI N: one
 * hv_synic event handler per GSI turns it into pvi_deliver(N), in hard
 * interrupt context on the CPU whose SIEF page had it.  A GSI's route is
 * the VP whose SIEF page the host sets the flag in.
 *
 * Sending is HvSignalEvent(connection id, GSI) through hv_synic; the
 * connection id is what the extension's RESOLVE gave for the peer's UUID,
 * so a pvi_peer_t is a connection id.  Only the parent partition creates
 * ports and connections on Hyper-V: who may signal whom (ALLOW, REVOKE)
 * and which connection reaches a peer (RESOLVE) are the extension's.
 *
 * hv_synic owns the SynIC; pvi.ko must still load where there is none
 * (KVM), so its functions are looked up at load with symbol_get(), which
 * also keeps hv_synic loaded while this backend runs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <pvirq/seam.h>
#include <pvirq/detect.h>
#include <pvirq/hv_abi.h>
#include <pvirq/synic.h>
#include <pvirq/pvi_hv_abi.h>

#include "pvi_int.h"

#define PVI_HV_SIGNATURE	"Microsoft Hv"
/* Where the output sits in the call page: 8-byte aligned, same page. */
#define PVI_HV_OUT_OFF		64

/**
 * struct pvi_hv_synic - the part of hv_synic's API this backend calls
 * @register_evt: pvirq_synic_register_evt_handler()
 * @unregister_evt: pvirq_synic_unregister_evt_handler()
 * @signal: pvirq_synic_signal_event()
 * @vp_index: pvirq_synic_vp_index()
 * @sint_usable: pvirq_synic_sint_usable()
 */
struct pvi_hv_synic {
	int (*register_evt)(const struct pvirq_synic_evt_handler *h);
	void (*unregister_evt)(const struct pvirq_synic_evt_handler *h);
	int (*signal)(u32 connection_id, u16 flag);
	int (*vp_index)(unsigned int cpu, u32 *vp_index);
	bool (*sint_usable)(unsigned int sint);
};

/**
 * struct pvi_hv - the Hyper-V backend's state
 * @hc_code: the extension call's code, from CPUID
 * @sint: the SINT PVIs arrive on, from CPUID
 * @syn: hv_synic's functions, each holding a reference on hv_synic
 * @evt: one event handler per GSI, pvi.nr_gsis entries
 * @nr_evt: how many of @evt are registered
 * @call_lock: guards @call_page, the extension call's input and output;
 *	taken with interrupts off (routes change in atomic context)
 * @call_page: the page whose GPA the extension call passes
 *
 * Everything but @call_page's contents is written at init and read-only
 * until exit.
 */
struct pvi_hv {
	u32 hc_code;
	u32 sint;
	struct pvi_hv_synic syn;
	struct pvirq_synic_evt_handler *evt;
	unsigned int nr_evt;
	raw_spinlock_t call_lock;
	struct page *call_page;
};

static struct pvi_hv hv = {
	.call_lock = __RAW_SPIN_LOCK_UNLOCKED(hv.call_lock),
};

static const char *const pvi_hv_op_names[] = {
	[PVI_HV_OP_SETUP] = "SETUP",
	[PVI_HV_OP_TEARDOWN] = "TEARDOWN",
	[PVI_HV_OP_ROUTE] = "ROUTE",
	[PVI_HV_OP_ALLOW] = "ALLOW",
	[PVI_HV_OP_REVOKE] = "REVOKE",
	[PVI_HV_OP_RESOLVE] = "RESOLVE",
};

/* The extension call: @in to the host, *@conn from its output. */
static u16 pvi_hv_call(const struct pvi_hv_input *in, u32 *conn)
{
	struct pvirq_hcall hc = {
		.abi = PVIRQ_ABI_HYPERV,
		.nr = hv.hc_code,
		.nbufs = 2,
	};
	struct pvi_hv_output *out;
	struct pvi_hv_input *pin;
	unsigned long flags;
	long ret;

	raw_spin_lock_irqsave(&hv.call_lock, flags);
	pin = page_address(hv.call_page);
	out = page_address(hv.call_page) + PVI_HV_OUT_OFF;
	*pin = *in;
	memset(out, 0, sizeof(*out));
	hc.buf[0] = (struct pvirq_hc_buf){ .ptr = pin, .len = sizeof(*pin),
					   .arg = 0, .dir = PVIRQ_BUF_IN };
	hc.buf[1] = (struct pvirq_hc_buf){ .ptr = out, .len = sizeof(*out),
					   .arg = 1, .dir = PVIRQ_BUF_OUT };
	ret = pvirq_hypercall(&hc);
	if (conn)
		*conn = READ_ONCE(out->connection_id);
	raw_spin_unlock_irqrestore(&hv.call_lock, flags);
	return ret & 0xffff;
}

/*
 * A status of the extension as an errno.  Refusals the API defines pass
 * silently (the caller decides); anything else is logged.
 */
static int pvi_hv_errno(u32 op, u16 status)
{
	switch (status) {
	case HV_STATUS_SUCCESS:
		return 0;
	case HV_STATUS_INVALID_PARAMETER:
		return -EINVAL;
	case HV_STATUS_INVALID_CONNECTION_ID:
		return -ENOENT;
	case HV_STATUS_INVALID_PORT_ID:
		return -ESHUTDOWN;
	case HV_STATUS_INSUFFICIENT_MEMORY:
		return -ENOSPC;
	}
	pr_err_ratelimited("PVI_HV_OP_%s: the host answered status 0x%x, which the extension does not define\n",
			   pvi_hv_op_names[op], status);
	return -EPROTO;
}

static int pvi_hv_op(struct pvi_hv_input *in)
{
	return pvi_hv_errno(in->op, pvi_hv_call(in, NULL));
}

static int pvi_hv_detect(void)
{
	u32 regs[4];
	__le32 uuid[4];
	int i;

	/* Not Hyper-V: silently, the next backend says what it found. */
	if (pvirq_find_cpuid_base(PVI_HV_SIGNATURE, 5, NULL) !=
	    HYPERV_CPUID_VENDOR_AND_MAX_FUNCTIONS)
		return -ENODEV;
	pvirq_cpuid(PVI_HV_CPUID_LEAF, 0, regs);
	if (regs[0] != PVI_HV_CPUID_MAGIC) {
		pr_err("Hyper-V does not offer the pvirq PVI extension (CPUID 0x%08x EAX 0x%08x); not loading\n",
		       PVI_HV_CPUID_LEAF, regs[0]);
		return -ENODEV;
	}
	if (regs[1] < PVI_HV_HC_MIN || regs[1] > 0xffff) {
		pr_err("the host gives PVI hypercall code 0x%x, outside 0x%x..0xffff (TLFS codes are below); not loading\n",
		       regs[1], PVI_HV_HC_MIN);
		return -ENODEV;
	}
	if (regs[2] >= HV_SYNIC_SINT_COUNT) {
		pr_err("the host delivers PVIs on SINT %u, which does not exist; not loading\n",
		       regs[2]);
		return -ENODEV;
	}
	if (!regs[3] || regs[3] > PVI_HV_MAX_GSIS) {
		pr_err("the host offers %u GSIs; 1..%u (one SINT's event flags) make sense; not loading\n",
		       regs[3], PVI_HV_MAX_GSIS);
		return -ENODEV;
	}
	hv.hc_code = regs[1];
	hv.sint = regs[2];
	pvi.nr_gsis = regs[3];
	pvi.features = PVI_F_ALLOWLIST | PVI_F_RATE_LIMIT;
	pvirq_cpuid(PVI_HV_CPUID_UUID_LEAF, 0, regs);
	for (i = 0; i < 4; i++)
		uuid[i] = cpu_to_le32(regs[i]);
	memcpy(pvi.uuid.b, uuid, sizeof(uuid));
	return 0;
}

static void pvi_hv_put_synic(void)
{
	if (hv.syn.register_evt)
		symbol_put(pvirq_synic_register_evt_handler);
	if (hv.syn.unregister_evt)
		symbol_put(pvirq_synic_unregister_evt_handler);
	if (hv.syn.signal)
		symbol_put(pvirq_synic_signal_event);
	if (hv.syn.vp_index)
		symbol_put(pvirq_synic_vp_index);
	if (hv.syn.sint_usable)
		symbol_put(pvirq_synic_sint_usable);
	memset(&hv.syn, 0, sizeof(hv.syn));
}

/* hv_synic's API, if hv_synic is loaded; each lookup pins it. */
static int pvi_hv_get_synic(void)
{
	hv.syn.register_evt = symbol_get(pvirq_synic_register_evt_handler);
	hv.syn.unregister_evt = symbol_get(pvirq_synic_unregister_evt_handler);
	hv.syn.signal = symbol_get(pvirq_synic_signal_event);
	hv.syn.vp_index = symbol_get(pvirq_synic_vp_index);
	hv.syn.sint_usable = symbol_get(pvirq_synic_sint_usable);
	if (hv.syn.register_evt && hv.syn.unregister_evt && hv.syn.signal &&
	    hv.syn.vp_index && hv.syn.sint_usable)
		return 0;
	pvi_hv_put_synic();
	pr_err("Hyper-V with the PVI extension, but hv_synic is not loaded: load hv_synic first\n");
	return -ENODEV;
}

static void pvi_hv_evt(unsigned int flag, void *data)
{
	/* Only flags below nr_gsis have a handler; stay defensive anyway. */
	if (unlikely(flag >= pvi.nr_gsis)) {
		atomic64_inc(&pvi.stats.bad_gsi);
		return;
	}
	pvi_deliver(flag);
}

static void pvi_hv_unregister(void)
{
	while (hv.nr_evt)
		hv.syn.unregister_evt(&hv.evt[--hv.nr_evt]);
	kfree(hv.evt);
	hv.evt = NULL;
}

/* One handler per GSI: flag N of our SINT is GSI N. */
static int pvi_hv_register(void)
{
	struct pvirq_synic_evt_handler *h;
	int ret;

	hv.evt = kcalloc(pvi.nr_gsis, sizeof(*hv.evt), GFP_KERNEL);
	if (!hv.evt)
		return -ENOMEM;
	for (hv.nr_evt = 0; hv.nr_evt < pvi.nr_gsis; hv.nr_evt++) {
		h = &hv.evt[hv.nr_evt];
		h->sint = hv.sint;
		h->flag = hv.nr_evt;
		h->cpu = PVIRQ_SYNIC_ANY_CPU;
		h->fn = pvi_hv_evt;
		ret = hv.syn.register_evt(h);
		if (ret) {
			pr_err("hv_synic refused the handler of SINT %u flag %u: %d\n",
			       hv.sint, hv.nr_evt, ret);
			pvi_hv_unregister();
			return ret;
		}
	}
	return 0;
}

static int pvi_hv_init(void)
{
	struct pvi_hv_input in = { .op = PVI_HV_OP_SETUP };
	int ret;

	ret = pvi_hv_detect();
	if (ret)
		return ret;
	ret = pvi_hv_get_synic();
	if (ret)
		return ret;
	if (!hv.syn.sint_usable(hv.sint)) {
		pr_err("the host delivers PVIs on SINT %u, which hv_synic does not drive (its sints parameter); not loading\n",
		       hv.sint);
		ret = -ENODEV;
		goto out_put_synic;
	}
	hv.call_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!hv.call_page) {
		ret = -ENOMEM;
		goto out_put_synic;
	}
	/* Handlers first: a flag set before them is taken at the next SINT. */
	ret = pvi_hv_register();
	if (ret)
		goto out_free_page;
	ret = pvi_hv_op(&in);
	if (ret) {
		pr_err("PVI_HV_OP_SETUP failed: %d\n", ret);
		goto out_unregister;
	}
	pr_info("Hyper-V PVI extension: call 0x%04x, SINT %u\n", hv.hc_code,
		hv.sint);
	return 0;

out_unregister:
	pvi_hv_unregister();
out_free_page:
	__free_page(hv.call_page);
	hv.call_page = NULL;
out_put_synic:
	pvi_hv_put_synic();
	return ret;
}

static void pvi_hv_exit(void)
{
	struct pvi_hv_input in = { .op = PVI_HV_OP_TEARDOWN };
	int ret;

	/* The host stops setting our flags before the handlers go. */
	ret = pvi_hv_op(&in);
	if (ret)
		pr_err("PVI_HV_OP_TEARDOWN failed: %d; PVIs still pending are dropped\n",
		       ret);
	pvi_hv_unregister();
	__free_page(hv.call_page);
	hv.call_page = NULL;
	pvi_hv_put_synic();
}

static int pvi_hv_route(u32 gsi, unsigned int cpu)
{
	struct pvi_hv_input in = { .op = PVI_HV_OP_ROUTE, .gsi = gsi };
	int ret;

	ret = hv.syn.vp_index(cpu, &in.vp_index);
	if (!ret)
		ret = pvi_hv_op(&in);
	if (ret)
		pr_err_ratelimited("PVI_HV_OP_ROUTE(GSI %u, CPU %u) failed: %d\n",
				   gsi, cpu, ret);
	return ret;
}

static int pvi_hv_allow_op(u32 op, const uuid_t *sender, u32 gsi)
{
	struct pvi_hv_input in = { .op = op, .gsi = gsi };

	export_uuid(in.uuid, sender);
	return pvi_hv_op(&in);
}

static int pvi_hv_allow(const uuid_t *sender, u32 gsi)
{
	return pvi_hv_allow_op(PVI_HV_OP_ALLOW, sender, gsi);
}

static int pvi_hv_revoke(const uuid_t *sender, u32 gsi)
{
	return pvi_hv_allow_op(PVI_HV_OP_REVOKE, sender, gsi);
}

static int pvi_hv_resolve(const uuid_t *uuid, pvi_peer_t *peer)
{
	struct pvi_hv_input in = { .op = PVI_HV_OP_RESOLVE };
	u32 conn;
	int ret;

	export_uuid(in.uuid, uuid);
	ret = pvi_hv_errno(in.op, pvi_hv_call(&in, &conn));
	if (ret)
		return ret;
	/* TLFS connection ids are 24 bits; the top byte is reserved. */
	if (conn >> 24) {
		pr_err_ratelimited("PVI_HV_OP_RESOLVE: the host answered connection id 0x%x, which is not one\n",
				   conn);
		return -EPROTO;
	}
	*peer = conn;
	return 0;
}

static int pvi_hv_send(pvi_peer_t peer, u32 gsi)
{
	int ret;

	/* Not a connection id RESOLVE gave: no such peer. */
	if (peer >> 24)
		return -ENOENT;
	/* gsi < nr_gsis <= 2048: fits the flag number */
	ret = hv.syn.signal(peer, gsi);
	switch (ret) {
	case 0:
	case -EINVAL:
	case -ENOENT:
		return ret;
	case -EACCES:
		return -EPERM;		/* HV_STATUS_ACCESS_DENIED */
	case -ENOBUFS:
		return -EBUSY;		/* HV_STATUS_INSUFFICIENT_BUFFERS */
	case -ENXIO:
		return -ESHUTDOWN;	/* HV_STATUS_INVALID_PORT_ID */
	}
	pr_err_ratelimited("HvSignalEvent(connection 0x%llx, GSI %u): %d, which the extension does not define\n",
			   peer, gsi, ret);
	return -EPROTO;
}

const struct pvi_backend_ops pvi_hyperv_ops = {
	.name		= "hyperv",
	.init		= pvi_hv_init,
	.exit		= pvi_hv_exit,
	.route		= pvi_hv_route,
	.allow		= pvi_hv_allow,
	.revoke		= pvi_hv_revoke,
	.resolve	= pvi_hv_resolve,
	.send		= pvi_hv_send,
};
