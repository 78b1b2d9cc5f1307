// SPDX-License-Identifier: GPL-2.0
/*
 * The "pvi" model: KVM with the PVI extension of include/pvirq/pvi_abi.h,
 * a router of interrupts between the guests of one pvirq-host.
 *
 *  CPUID 0x40000000: "KVMKVMKVM\0\0\0", EAX 0x40000080; 0x40000001: no KVM
 *	features; 0x40000080: "PVI1", the hypercall number (default
 *	PVI_MODEL_HC_NR), PVI_F_ALLOWLIST | PVI_F_RATE_LIMIT, the GSI count
 *	(default 256).  "model G hcnr N" and "model G gsis N" change the
 *	last two (for the next load of the driver).
 *  KVM hypercall of that number: the PVI sub-ops.  Any other: KVM's
 *	"unknown hypercall".
 *
 * Every guest of this model has a UUID: derived from its name unless set
 * with "model G uuid UUID".  The sender of a call is the guest whose
 * channel it came on -- nothing the guest says.  A receiver's allowlist
 * grows with its ALLOW calls (or "model G allow"); each sender has a token
 * bucket ("model G rate PER_SECOND BURST", off by default).  Each refusal
 * is counted, logged (rate limited by the core) and kept in the sender's
 * ring of the last PVI_EP_REFUSED_LOG refusals ("model G refused").
 *
 * A send makes the GSI pending in the receiver's PVI page with an atomic OR
 * on guest RAM; if its bit was clear the vector of the vCPU the GSI is
 * routed to is injected, else the send merged with the pending one and is
 * counted as merged: received + merged == sent, per receiver.
 *
 * Guests reach each other through the core's table (h->guests); the model
 * keeps no pointer to another guest across calls.  The router's state of
 * each guest -- UUID, allowlist, bucket, refusal log, counts and their
 * commands -- is the endpoint shared with the "hyperv" model
 * (model_pvi_ep.c).  Everything runs on the event loop's thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pvirq_model.h"
#include "model_pvi.h"

#define PVI_MODEL_HC_NR		0x50560001u
#define PVI_MODEL_GSIS		256
#define PVI_MODEL_CPUID_BASE	0x40000000u
#define PVI_MODEL_KVM_ENOSYS	1000

u64 (*pvi_model_clock)(void) = pvirq_now_ns;

struct pvi_guest {
	struct pvi_ep ep;
	u32 hc_nr;
	/* receiving, from SETUP to TEARDOWN: ep.up */
	u64 page_gpa;
	u8 vector[PVIRQ_WIRE_MAX_VCPUS];
	u32 *route;			/* [nr_gsis] vCPU index */
};

static struct pvi_guest *P(struct pvirq_guest *g)
{
	return g->model_priv;
}

static bool is_pvi(struct pvirq_guest *g)
{
	return g && g->model == &pvirq_model_pvi && g->model_priv;
}

static struct pvi_ep *ep_of(struct pvirq_guest *g)
{
	return is_pvi(g) ? &P(g)->ep : NULL;
}

static int pvi_init(struct pvirq_guest *g)
{
	struct pvi_guest *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	pvi_ep_init(&p->ep, g, PVI_MODEL_GSIS, ep_of);
	p->hc_nr = PVI_MODEL_HC_NR;
	g->model_priv = p;
	return 0;
}

static void stop_receiving(struct pvi_guest *p)
{
	pvi_ep_stop(&p->ep);
	p->page_gpa = 0;
	memset(p->vector, 0, sizeof(p->vector));
	free(p->route);
	p->route = NULL;
}

/* A new VM: a receiver no more; UUID, knobs and counters stay. */
static void pvi_reset(struct pvirq_guest *g)
{
	stop_receiving(P(g));
}

static void pvi_destroy(struct pvirq_guest *g)
{
	struct pvi_guest *p = P(g);

	if (!p)
		return;
	stop_receiving(p);
	free(p);
	g->model_priv = NULL;
}

static bool pvi_cpuid(struct pvirq_guest *g, u32 vcpu, u32 leaf, u32 sub,
		      u32 regs[4])
{
	static const char sig[12] = PVI_KVM_SIGNATURE;
	struct pvi_guest *p = P(g);

	switch (leaf) {
	case PVI_MODEL_CPUID_BASE:
		regs[0] = PVI_MODEL_CPUID_BASE + PVI_CPUID_LEAF_OFFSET;
		memcpy(&regs[1], sig, 4);
		memcpy(&regs[2], sig + 4, 4);
		memcpy(&regs[3], sig + 8, 4);
		return true;
	case PVI_MODEL_CPUID_BASE + 1:
		return true;	/* no KVM paravirt features */
	case PVI_MODEL_CPUID_BASE + PVI_CPUID_LEAF_OFFSET:
		regs[0] = PVI_CPUID_MAGIC;
		regs[1] = p->hc_nr;
		regs[2] = PVI_F_ALLOWLIST | PVI_F_RATE_LIMIT;
		regs[3] = p->ep.nr_gsis;
		return true;
	}
	return false;
}

/* Guest RAM behind [gpa, gpa + len), checked against the layout, or NULL. */
static void *gpa_ptr(struct pvirq_guest *g, u64 gpa, size_t len)
{
	u8 probe;

	if (!len || pvirq_gpa_read(g, gpa, &probe, 1) ||
	    pvirq_gpa_read(g, gpa + len - 1, &probe, 1) || !g->ram)
		return NULL;
	if (gpa < (4ULL << 30))
		return g->ram + gpa;
	return g->ram + g->ram_lowmem + (gpa - (4ULL << 30));
}

/* Handle: guest id + 1 in bits 15:0, the receiver's incarnation above. */
static u64 handle_of(struct pvirq_guest *g)
{
	return (u64)P(g)->ep.incarnation << 16 | (g->id + 1);
}

static struct pvirq_guest *find_handle(struct pvirq_host *h, u64 handle)
{
	u32 id = handle & 0xffff;

	if (!id || id > h->nguests || !is_pvi(h->guests[id - 1]))
		return NULL;
	return h->guests[id - 1];
}

static s64 refuse(struct pvirq_guest *s, struct pvirq_guest *r, u64 handle,
		  u32 gsi, enum pvi_refuse why, int err)
{
	pvi_ep_refuse(s, &P(s)->ep, r, handle, gsi, why, err);
	return -(s64)err;
}

static u32 vcpu_with_vector(struct pvirq_guest *g, struct pvi_guest *p, u32 want)
{
	u32 n = g->ready ? g->nr_cpus : g->max_vcpus, i;

	if (want < n && p->vector[want])
		return want;
	for (i = 0; i < n && i < PVIRQ_WIRE_MAX_VCPUS; i++)
		if (p->vector[i])
			return i;
	return PVIRQ_WIRE_MAX_VCPUS;
}

/* Makes @gsi pending in @r; false if its page is no longer guest RAM. */
static bool raise_gsi(struct pvirq_guest *r, u32 gsi, bool *merged)
{
	struct pvi_guest *p = P(r);
	u64 bit = 1ull << (gsi % 64), old, *word;
	u32 vcpu;

	word = gpa_ptr(r, p->page_gpa + PVI_PAGE_PENDING_OFF + gsi / 64 * 8, 8);
	if (!word)
		return false;
	/* the guest takes each word with xchg: OR, never a plain store */
	old = __atomic_fetch_or(word, bit, __ATOMIC_SEQ_CST);
	*merged = old & bit;
	if (*merged)
		return true;
	vcpu = vcpu_with_vector(r, p, p->route[gsi]);
	if (vcpu >= PVIRQ_WIRE_MAX_VCPUS) {
		/* the guest's next VECTOR call sends itself an interrupt */
		p->ep.c.no_vector++;
		return true;
	}
	if (!pvirq_inject(r, vcpu, p->vector[vcpu]))
		p->ep.c.injected++;
	return true;
}

static s64 op_send(struct pvirq_guest *s, u64 handle, u64 gsi64)
{
	struct pvi_guest *sp = P(s), *rp;
	struct pvirq_guest *r;
	u32 gsi = gsi64 > 0xffffffffull ? 0xffffffffu : (u32)gsi64;
	enum pvi_refuse why;
	bool merged;

	sp->ep.c.sent++;
	r = find_handle(s->host, handle);
	if (!r || !r->connected)
		return refuse(s, r, handle, gsi, PVI_REF_ENOENT, PVI_ENOENT);
	rp = P(r);
	if (gsi64 >= rp->ep.nr_gsis)
		return refuse(s, r, handle, gsi, PVI_REF_EINVAL, PVI_EINVAL);
	if (!rp->ep.up || handle >> 16 != rp->ep.incarnation)
		return refuse(s, r, handle, gsi, PVI_REF_ESHUTDOWN, PVI_ESHUTDOWN);
	why = pvi_ep_admit(&sp->ep, &rp->ep, gsi);
	if (why == PVI_REF_EBUSY)
		return refuse(s, r, handle, gsi, why, PVI_EBUSY);
	if (why == PVI_REF_EPERM)
		return refuse(s, r, handle, gsi, why, PVI_EPERM);
	if (!raise_gsi(r, gsi, &merged)) {
		pvirq_glog(r, "pvi: PVI page at %#llx is not RAM any more: receiving stops",
			   (unsigned long long)rp->page_gpa);
		stop_receiving(rp);
		return refuse(s, r, handle, gsi, PVI_REF_ESHUTDOWN, PVI_ESHUTDOWN);
	}
	pvi_ep_delivered(&sp->ep, &rp->ep, merged);
	return 0;
}

static s64 op_setup(struct pvirq_guest *g, u64 gpa)
{
	struct pvi_guest *p = P(g);
	struct pvi_page_hdr hdr = { 0 };
	u8 *page;
	u32 i;

	if (gpa % PVI_PAGE_SIZE) {
		pvirq_glog(g, "pvi: SETUP with page %#llx, not 4 KiB aligned",
			   (unsigned long long)gpa);
		return -PVI_EINVAL;
	}
	page = gpa_ptr(g, gpa, PVI_PAGE_SIZE);
	if (!page) {
		pvirq_glog(g, "pvi: SETUP with page %#llx, outside guest RAM",
			   (unsigned long long)gpa);
		return -PVI_EINVAL;
	}
	if (!p->ep.nr_gsis || p->ep.nr_gsis > PVI_MAX_GSIS) {
		/* "model G gsis" set a value the page cannot hold */
		pvirq_glog(g, "pvi: SETUP refused: %u GSIs do not fit the page",
			   p->ep.nr_gsis);
		return -PVI_EINVAL;
	}
	stop_receiving(p);
	p->route = calloc(p->ep.nr_gsis, sizeof(*p->route));
	if (!p->route)
		return -PVI_ENOSPC;
	hdr.magic = PVI_PAGE_MAGIC;
	hdr.nr_gsis = p->ep.nr_gsis;
	memcpy(hdr.uuid, p->ep.uuid.b, sizeof(hdr.uuid));
	memset(page, 0, PVI_PAGE_SIZE);
	memcpy(page, &hdr, sizeof(hdr));
	for (i = 0; i < p->ep.nr_gsis; i++)
		p->route[i] = 0;
	p->page_gpa = gpa;
	p->ep.up = true;
	return 0;
}

static s64 op_vector(struct pvirq_guest *g, u32 vcpu, u64 vector)
{
	if (vector && (vector < 32 || vector > 255))
		return -PVI_EINVAL;
	if (vcpu >= PVIRQ_WIRE_MAX_VCPUS)
		return -PVI_EINVAL;
	P(g)->vector[vcpu] = vector;
	return 0;
}

static s64 op_route(struct pvirq_guest *g, u64 gsi, u64 apic_id)
{
	struct pvi_guest *p = P(g);
	u32 i;

	if (!p->ep.up)
		return -PVI_ESHUTDOWN;
	if (gsi >= p->ep.nr_gsis)
		return -PVI_EINVAL;
	if (!g->ready) {
		if (apic_id >= g->max_vcpus)
			return -PVI_EINVAL;
		p->route[gsi] = apic_id;
		return 0;
	}
	for (i = 0; i < g->nr_cpus; i++) {
		if (g->apic_id[i] == apic_id) {
			p->route[gsi] = i;
			return 0;
		}
	}
	return -PVI_EINVAL;
}

static s64 errno_to_pvi(int err)
{
	switch (err) {
	case -ENOSPC:
	case -ENOMEM:
		return -PVI_ENOSPC;
	case -ENOENT:
		return -PVI_ENOENT;
	}
	return -PVI_EINVAL;
}

static s64 op_allow(struct pvirq_guest *g, bool allow, u64 lo, u64 hi, u64 gsi)
{
	struct pvi_guest *p = P(g);
	struct pvi_uuid u;
	int ret;

	if (!p->ep.up)
		return -PVI_ESHUTDOWN;
	if (gsi != PVI_GSI_ANY && gsi >= p->ep.nr_gsis)
		return -PVI_EINVAL;
	pvi_uuid_from_regs(lo, hi, &u);
	ret = allow ? pvi_allow_add(&p->ep.allow, &u, gsi) :
		      pvi_allow_del(&p->ep.allow, &u, gsi);
	return ret < 0 ? errno_to_pvi(ret) : 0;
}

static s64 op_resolve(struct pvirq_guest *g, u64 lo, u64 hi)
{
	struct pvirq_guest *r;
	struct pvi_uuid u;

	pvi_uuid_from_regs(lo, hi, &u);
	r = pvi_ep_find_uuid(g->host, ep_of, &u);
	if (!r || !r->connected)
		return -PVI_ENOENT;
	if (!P(r)->ep.up)
		return -PVI_ESHUTDOWN;
	return handle_of(r);
}

static s64 pvi_hypercall(struct pvirq_guest *g, u32 vcpu, struct pvirq_hc *hc)
{
	struct pvi_guest *p = P(g);
	u64 *a = hc->args;

	if (hc->abi != PVIRQ_HC_ABI_KVM || hc->nr != p->hc_nr)
		return pvirq_hc_enosys(hc->abi);
	/* every argument is a register: a buffer means a confused caller */
	if (hc->nbufs)
		return -PVI_EINVAL;
	p->ep.c.calls++;
	switch (a[0]) {
	case PVI_OP_SETUP:
		return op_setup(g, a[1]);
	case PVI_OP_TEARDOWN:
		stop_receiving(p);
		return 0;
	case PVI_OP_VECTOR:
		return op_vector(g, vcpu, a[1]);
	case PVI_OP_ROUTE:
		return op_route(g, a[1], a[2]);
	case PVI_OP_ALLOW:
	case PVI_OP_REVOKE:
		return op_allow(g, a[0] == PVI_OP_ALLOW, a[1], a[2], a[3]);
	case PVI_OP_RESOLVE:
		return op_resolve(g, a[1], a[2]);
	case PVI_OP_SEND:
		return op_send(g, a[1], a[2]);
	}
	return -PVI_MODEL_KVM_ENOSYS;
}

static void pvi_state_json(struct pvirq_guest *g, struct pvirq_sb *out)
{
	struct pvi_guest *p = P(g);

	pvirq_sb_printf(out, "{");
	pvi_ep_state_json(&p->ep, out);
	pvirq_sb_printf(out, ",\"hcnr\":%u}", p->hc_nr);
}

static int pvi_command(struct pvirq_guest *g, int argc, char **argv,
		       struct pvirq_sb *reply)
{
	struct pvi_guest *p = P(g);
	char *end;
	u64 a;
	int ret;

	if (argc < 1)
		goto usage;
	ret = pvi_ep_command(g, &p->ep, argc, argv, reply);
	if (ret != -ENOTTY)
		return ret;
	if (!strcmp(argv[0], "hcnr") && argc == 2) {
		errno = 0;
		a = strtoull(argv[1], &end, 0);
		if (!*argv[1] || *argv[1] == '-' || errno || *end ||
		    a > 0xffffffffull) {
			pvirq_sb_printf(reply, "usage: hcnr N");
			return -EINVAL;
		}
		p->hc_nr = a;
		return 0;
	}
usage:
	pvirq_sb_printf(reply, "model pvi knows: %s, hcnr N", PVI_EP_COMMANDS);
	return -EINVAL;
}

PVIRQ_MODEL_DEFINE(pvi) = {
	.name = "pvi",
	.init = pvi_init,
	.reset = pvi_reset,
	.destroy = pvi_destroy,
	.cpuid = pvi_cpuid,
	.hypercall = pvi_hypercall,
	.state_json = pvi_state_json,
	.command = pvi_command,
};
