// SPDX-License-Identifier: GPL-2.0
/*
 * The "hyperv" model's PVI extension (include/pvirq/pvi_hv_abi.h): one
 * guest signals an event flag -- a GSI -- in another guest of the same
 * pvirq-host, through HvSignalEvent on a connection the host resolved.
 *
 *  CPUID 0x400000a0: "PVH1", the extension's hypercall code (default
 *	HVM_PVI_HC), the SINT (default HVM_PVI_SINT), the GSI count
 *	(default 256); 0x400000a1: the guest's UUID.  "model G feature pvi 0"
 *	withdraws both leaves; "pvi-hc", "pvi-sint" and "gsis" change them
 *	for the next load of the driver.
 *  The extension call of that code: SETUP, TEARDOWN, ROUTE, ALLOW, REVOKE,
 *	RESOLVE.
 *  HvSignalEvent on an extension connection: the router.
 *
 * A connection id names the receiving guest's port as it was resolved:
 * HVM_PVI_CONN_TAG in bits 23..20, the receiver's incarnation (mod 256) in
 * bits 19..12 and its index in the core's table + 1 in bits 11..0.  It
 * carries nothing about the sender, which is the guest whose channel the
 * call came on.  Ids of "model G conn" connections are looked up first.
 * One id per receiving port, shared by its senders, is this model's
 * simplification; real Hyper-V gives each sender partition its own
 * connections to the port.
 *
 * Who may send, the rate limit, the refusal log, the counts and their
 * commands are the router endpoint shared with the "pvi" model
 * (model_pvi_ep.c).  A send sets the flag with the SynIC model's
 * signal-event semantics (fetch-or, raise the SINT only on 0 -> 1) in the
 * SIEF page of the vCPU the GSI is routed to, or of the first vCPU with
 * its SIEF page on when that one has none: received + merged == sent.
 * Everything runs on the event loop's thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_hyperv.h"
#include <pvirq/hv_abi.h>
#include <pvirq/pvi_hv_abi.h>

#define HVM_PVI_HC		0x8050
#define HVM_PVI_SINT		10
#define HVM_PVI_GSIS		256
#define HVM_PVI_CONN_TAG	0xa

struct hvm_pvi {
	struct pvi_ep ep;
	bool offered;
	u32 hc;
	u32 sint;
	/* receiving, from SETUP to TEARDOWN: ep.up; sint fixed meanwhile */
	u32 rx_sint;
	u32 *route;			/* [ep.nr_gsis] VP index */
	bool used;			/* a SETUP ever came: state shows pvi */
};

static struct pvi_ep *ep_of(struct pvirq_guest *g)
{
	struct hvm_pvi *p = hvm_pvi_of(g);

	return p ? &p->ep : NULL;
}

struct hvm_pvi *hvm_pvi_new(struct pvirq_guest *g)
{
	struct hvm_pvi *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	pvi_ep_init(&p->ep, g, HVM_PVI_GSIS, ep_of);
	p->offered = true;
	p->hc = HVM_PVI_HC;
	p->sint = HVM_PVI_SINT;
	return p;
}

static void stop_receiving(struct hvm_pvi *p)
{
	pvi_ep_stop(&p->ep);
	free(p->route);
	p->route = NULL;
}

void hvm_pvi_reset(struct hvm_pvi *p)
{
	stop_receiving(p);
}

void hvm_pvi_free(struct hvm_pvi *p)
{
	if (!p)
		return;
	stop_receiving(p);
	free(p);
}

void hvm_pvi_offer(struct hvm_pvi *p, bool on)
{
	p->offered = on;
}

bool hvm_pvi_cpuid(struct hvm_pvi *p, u32 leaf, u32 regs[4])
{
	if (!p->offered)
		return false;
	switch (leaf) {
	case PVI_HV_CPUID_LEAF:
		regs[0] = PVI_HV_CPUID_MAGIC;
		regs[1] = p->hc;
		regs[2] = p->sint;
		regs[3] = p->ep.nr_gsis;
		return true;
	case PVI_HV_CPUID_UUID_LEAF:
		memcpy(regs, p->ep.uuid.b, 16);
		return true;
	}
	return false;
}

bool hvm_pvi_is_call(struct hvm_pvi *p, u32 code)
{
	return p->offered && code == p->hc;
}

static u32 conn_of(struct pvirq_guest *r)
{
	return HVM_PVI_CONN_TAG << 20 |
	       (hvm_pvi_of(r)->ep.incarnation & 0xff) << 12 | (r->id + 1);
}

/* The guest a connection id names, if it is a guest of this model. */
static struct pvirq_guest *conn_guest(struct pvirq_host *h, u32 conn)
{
	u32 id = conn & 0xfff;

	if (!id || id > h->nguests || !hvm_pvi_of(h->guests[id - 1]))
		return NULL;
	return h->guests[id - 1];
}

static u32 nr_vps(struct pvirq_guest *g)
{
	u32 n = g->ready ? g->nr_cpus : g->max_vcpus;

	return n < PVIRQ_WIRE_MAX_VCPUS ? n : PVIRQ_WIRE_MAX_VCPUS;
}

/* Set @gsi's flag in @r; 1 raised, 0 merged, -ENXIO no SIEF page on. */
static int raise_gsi(struct pvirq_guest *r, struct hvm_pvi *rp, u32 gsi)
{
	u32 want = rp->route[gsi], i;
	int ret;

	ret = hvm_raise_flag(r, want, rp->rx_sint, gsi);
	for (i = 0; ret < 0 && i < nr_vps(r); i++)
		if (i != want)
			ret = hvm_raise_flag(r, i, rp->rx_sint, gsi);
	return ret < 0 ? -ENXIO : ret;
}

static u16 refuse(struct pvirq_guest *s, struct pvirq_guest *r, u32 conn,
		  u32 gsi, enum pvi_refuse why)
{
	static const struct {
		int err;
		u16 status;
	} map[PVI_REF_NR] = {
		[PVI_REF_EPERM] = { EPERM, HV_STATUS_ACCESS_DENIED },
		[PVI_REF_ENOENT] = { ENOENT, HV_STATUS_INVALID_CONNECTION_ID },
		[PVI_REF_ESHUTDOWN] = { ESHUTDOWN, HV_STATUS_INVALID_PORT_ID },
		[PVI_REF_EBUSY] = { EBUSY, HV_STATUS_INSUFFICIENT_BUFFERS },
		[PVI_REF_EINVAL] = { EINVAL, HV_STATUS_INVALID_PARAMETER },
	};

	pvi_ep_refuse(s, &hvm_pvi_of(s)->ep, r, conn, gsi, why, map[why].err);
	return map[why].status;
}

bool hvm_pvi_signal(struct pvirq_guest *s, u32 conn, u32 gsi, u16 *status)
{
	struct hvm_pvi *sp = hvm_pvi_of(s), *rp;
	struct pvirq_guest *r;
	enum pvi_refuse why;
	int ret;

	if (!sp || !sp->offered || conn >> 20 != HVM_PVI_CONN_TAG)
		return false;
	sp->ep.c.sent++;
	r = conn_guest(s->host, conn);
	if (!r || !r->connected) {
		*status = refuse(s, r, conn, gsi, PVI_REF_ENOENT);
		return true;
	}
	rp = hvm_pvi_of(r);
	if (!rp->ep.up || ((conn >> 12) & 0xff) != (rp->ep.incarnation & 0xff)) {
		*status = refuse(s, r, conn, gsi, PVI_REF_ESHUTDOWN);
		return true;
	}
	if (gsi >= rp->ep.nr_gsis) {
		*status = refuse(s, r, conn, gsi, PVI_REF_EINVAL);
		return true;
	}
	why = pvi_ep_admit(&sp->ep, &rp->ep, gsi);
	if (why != PVI_REF_NR) {
		*status = refuse(s, r, conn, gsi, why);
		return true;
	}
	ret = raise_gsi(r, rp, gsi);
	if (ret < 0) {
		pvirq_glog(r, "pvi: no vCPU has its SIEF page on: receiving stops");
		stop_receiving(rp);
		*status = refuse(s, r, conn, gsi, PVI_REF_ESHUTDOWN);
		return true;
	}
	if (ret)
		rp->ep.c.injected++;
	pvi_ep_delivered(&sp->ep, &rp->ep, !ret);
	*status = HV_STATUS_SUCCESS;
	return true;
}

static u16 op_setup(struct pvirq_guest *g, struct hvm_pvi *p)
{
	if (!p->ep.nr_gsis || p->ep.nr_gsis > PVI_HV_MAX_GSIS ||
	    p->sint >= HV_SYNIC_SINT_COUNT) {
		/* "model G gsis" or "pvi-sint" set what SynIC cannot carry */
		pvirq_glog(g, "pvi: SETUP refused: %u GSIs on SINT %u",
			   p->ep.nr_gsis, p->sint);
		return HV_STATUS_INVALID_PARAMETER;
	}
	stop_receiving(p);
	p->route = calloc(p->ep.nr_gsis, sizeof(*p->route));
	if (!p->route)
		return HV_STATUS_INSUFFICIENT_MEMORY;
	p->rx_sint = p->sint;
	p->ep.up = true;
	p->used = true;
	return HV_STATUS_SUCCESS;
}

static u16 op_allow(struct hvm_pvi *p, const struct pvi_hv_input *in)
{
	struct pvi_uuid u;
	int ret;

	if (!p->ep.up)
		return HV_STATUS_INVALID_PORT_ID;
	if (in->gsi != PVI_GSI_ANY && in->gsi >= p->ep.nr_gsis)
		return HV_STATUS_INVALID_PARAMETER;
	memcpy(u.b, in->uuid, sizeof(u.b));
	ret = in->op == PVI_HV_OP_ALLOW ? pvi_allow_add(&p->ep.allow, &u, in->gsi) :
					  pvi_allow_del(&p->ep.allow, &u, in->gsi);
	if (ret == -ENOENT)
		return HV_STATUS_INVALID_CONNECTION_ID;
	if (ret < 0)
		return HV_STATUS_INSUFFICIENT_MEMORY;
	return HV_STATUS_SUCCESS;
}

static u16 op_resolve(struct pvirq_guest *g, const struct pvi_hv_input *in,
		      struct pvi_hv_output *out)
{
	struct pvirq_guest *r;
	struct pvi_uuid u;

	memcpy(u.b, in->uuid, sizeof(u.b));
	r = pvi_ep_find_uuid(g->host, ep_of, &u);
	if (!r || !r->connected)
		return HV_STATUS_INVALID_CONNECTION_ID;
	if (!hvm_pvi_of(r)->ep.up)
		return HV_STATUS_INVALID_PORT_ID;
	out->connection_id = conn_of(r);
	return HV_STATUS_SUCCESS;
}

u16 hvm_pvi_call(struct pvirq_guest *g, struct pvirq_hc *hc)
{
	struct pvirq_hc_buf *bi = pvirq_hc_buf_for(hc, 0);
	struct pvirq_hc_buf *bo = pvirq_hc_buf_for(hc, 1);
	struct hvm_pvi *p = hvm_pvi_of(g);
	struct pvi_hv_output out = { 0 };
	struct pvi_hv_input in;
	u16 status;

	p->ep.c.calls++;
	if (hc->nr & ~0xffffULL)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;	/* fast, rep */
	if (!bi || bi->len < sizeof(in))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	memcpy(&in, bi->data, sizeof(in));
	if (in.reserved || (in.op != PVI_HV_OP_ROUTE && in.vp_index))
		return HV_STATUS_INVALID_PARAMETER;
	switch (in.op) {
	case PVI_HV_OP_SETUP:
		return op_setup(g, p);
	case PVI_HV_OP_TEARDOWN:
		stop_receiving(p);
		return HV_STATUS_SUCCESS;
	case PVI_HV_OP_ROUTE:
		if (!p->ep.up)
			return HV_STATUS_INVALID_PORT_ID;
		if (in.gsi >= p->ep.nr_gsis || in.vp_index >= nr_vps(g))
			return HV_STATUS_INVALID_PARAMETER;
		p->route[in.gsi] = in.vp_index;
		return HV_STATUS_SUCCESS;
	case PVI_HV_OP_ALLOW:
	case PVI_HV_OP_REVOKE:
		return op_allow(p, &in);
	case PVI_HV_OP_RESOLVE:
		if (!bo || bo->len < sizeof(out) || !(bo->dir & PVIRQ_HC_BUF_OUT))
			return HV_STATUS_INVALID_HYPERCALL_INPUT;
		status = op_resolve(g, &in, &out);
		memcpy(bo->data, &out, sizeof(out));
		return status;
	}
	return HV_STATUS_INVALID_HYPERCALL_INPUT;
}

void hvm_pvi_state_json(struct hvm_pvi *p, struct pvirq_sb *out)
{
	if (!p->used)
		return;
	pvirq_sb_printf(out, "\"pvi\":{\"offered\":%s,\"hc\":%u,\"sint\":%u,",
			p->offered ? "true" : "false", p->hc, p->sint);
	pvi_ep_state_json(&p->ep, out);
	pvirq_sb_printf(out, "},");
}

static int knob(const char *s, u64 max, u64 *v)
{
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end || *v > max ? -EINVAL : 0;
}

int hvm_pvi_command(struct pvirq_guest *g, int argc, char **argv,
		    struct pvirq_sb *reply)
{
	struct hvm_pvi *p = hvm_pvi_of(g);
	u64 v;

	if (!strcmp(argv[0], "pvi-sint") && argc == 2) {
		/* any SINT, even one hv_synic does not drive: the driver checks */
		if (knob(argv[1], HV_SYNIC_SINT_COUNT - 1, &v)) {
			pvirq_sb_printf(reply, "usage: pvi-sint N (0..15)");
			return -EINVAL;
		}
		p->sint = v;
		return 0;
	}
	if (!strcmp(argv[0], "pvi-hc") && argc == 2) {
		/* any code, even a TLFS one: the driver must refuse those */
		if (knob(argv[1], 0xffff, &v)) {
			pvirq_sb_printf(reply, "usage: pvi-hc CODE (0..0xffff)");
			return -EINVAL;
		}
		p->hc = v;
		return 0;
	}
	return pvi_ep_command(g, &p->ep, argc, argv, reply);
}
