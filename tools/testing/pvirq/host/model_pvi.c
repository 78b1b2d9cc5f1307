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
 * ring of the last PVI_MODEL_REFUSED_LOG refusals ("model G refused").
 *
 * A send makes the GSI pending in the receiver's PVI page with an atomic OR
 * on guest RAM; if its bit was clear the vector of the vCPU the GSI is
 * routed to is injected, else the send merged with the pending one and is
 * counted as merged: received + merged == sent, per receiver.
 *
 * Guests reach each other through the core's table (h->guests); the model
 * keeps no pointer to another guest across calls.  Everything runs on the
 * event loop's thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pvirq_model.h"
#include "model_pvi.h"

#define PVI_MODEL_HC_NR		0x50560001u
#define PVI_MODEL_GSIS		256
#define PVI_MODEL_CPUID_BASE	0x40000000u
#define PVI_MODEL_REFUSED_LOG	64
#define PVI_MODEL_KVM_ENOSYS	1000

u64 (*pvi_model_clock)(void) = pvirq_now_ns;

enum pvi_refuse {
	PVI_REF_EPERM,
	PVI_REF_ENOENT,
	PVI_REF_ESHUTDOWN,
	PVI_REF_EBUSY,
	PVI_REF_EINVAL,
	PVI_REF_NR,
};

static const char *const ref_names[PVI_REF_NR] = {
	"eperm", "enoent", "eshutdown", "ebusy", "einval",
};

struct pvi_refusal {
	u64 t_ns;
	u64 handle;
	u32 gsi;
	s32 err;
	char to[PVIRQ_HOST_NAME_MAX + 1];
};

struct pvi_counts {
	/* as a sender */
	u64 sent;			/* SEND calls */
	u64 delivered;			/* made a GSI pending */
	u64 merged;			/* found it pending already */
	u64 refused[PVI_REF_NR];
	/* as a receiver */
	u64 rx_delivered;
	u64 rx_merged;
	u64 rx_refused;
	u64 injected;
	u64 no_vector;			/* pending, no vCPU had a vector */
	u64 calls;
};

struct pvi_guest {
	struct pvi_uuid uuid;
	u32 hc_nr;
	u32 nr_gsis;
	/* receiving, from SETUP to TEARDOWN */
	bool up;
	u32 incarnation;
	u64 page_gpa;
	u8 vector[PVIRQ_WIRE_MAX_VCPUS];
	u32 *route;			/* [nr_gsis] vCPU index */
	struct pvi_allowlist allow;
	/* sending */
	struct pvi_bucket bucket;
	struct pvi_counts c;
	struct pvi_refusal refused[PVI_MODEL_REFUSED_LOG];
	u64 nrefused;			/* ever logged; ring index */
};

static struct pvi_guest *P(struct pvirq_guest *g)
{
	return g->model_priv;
}

static int pvi_init(struct pvirq_guest *g)
{
	struct pvi_guest *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	pvi_uuid_derive(g->name, &p->uuid);
	p->hc_nr = PVI_MODEL_HC_NR;
	p->nr_gsis = PVI_MODEL_GSIS;
	p->incarnation = 1;
	g->model_priv = p;
	return 0;
}

static void stop_receiving(struct pvi_guest *p)
{
	p->up = false;
	p->incarnation++;
	p->page_gpa = 0;
	memset(p->vector, 0, sizeof(p->vector));
	free(p->route);
	p->route = NULL;
	pvi_allow_clear(&p->allow);
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
		regs[3] = p->nr_gsis;
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

static bool is_pvi(struct pvirq_guest *g)
{
	return g && g->model == &pvirq_model_pvi && g->model_priv;
}

static struct pvirq_guest *find_uuid(struct pvirq_host *h,
				     const struct pvi_uuid *u)
{
	u32 i;

	for (i = 0; i < h->nguests; i++)
		if (is_pvi(h->guests[i]) && pvi_uuid_eq(&P(h->guests[i])->uuid, u))
			return h->guests[i];
	return NULL;
}

/* Handle: guest id + 1 in bits 15:0, the receiver's incarnation above. */
static u64 handle_of(struct pvirq_guest *g)
{
	return (u64)P(g)->incarnation << 16 | (g->id + 1);
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
	struct pvi_guest *p = P(s);
	struct pvi_refusal *e = &p->refused[p->nrefused++ % PVI_MODEL_REFUSED_LOG];

	p->c.refused[why]++;
	if (r)
		P(r)->c.rx_refused++;
	e->t_ns = pvi_model_clock();
	e->handle = handle;
	e->gsi = gsi;
	e->err = err;
	strcpy(e->to, r ? r->name : "-");
	pvirq_glog(s, "pvi: send to %s (handle %#llx) GSI %u refused: %s",
		   e->to, (unsigned long long)handle, gsi, ref_names[why]);
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
		p->c.no_vector++;
		return true;
	}
	if (!pvirq_inject(r, vcpu, p->vector[vcpu]))
		p->c.injected++;
	return true;
}

static s64 op_send(struct pvirq_guest *s, u64 handle, u64 gsi64)
{
	struct pvi_guest *sp = P(s), *rp;
	struct pvirq_guest *r;
	u32 gsi = gsi64 > 0xffffffffull ? 0xffffffffu : (u32)gsi64;
	bool merged;

	sp->c.sent++;
	r = find_handle(s->host, handle);
	if (!r || !r->connected)
		return refuse(s, r, handle, gsi, PVI_REF_ENOENT, PVI_ENOENT);
	rp = P(r);
	if (gsi64 >= rp->nr_gsis)
		return refuse(s, r, handle, gsi, PVI_REF_EINVAL, PVI_EINVAL);
	if (!rp->up || handle >> 16 != rp->incarnation)
		return refuse(s, r, handle, gsi, PVI_REF_ESHUTDOWN, PVI_ESHUTDOWN);
	if (!pvi_bucket_take(&sp->bucket, pvi_model_clock()))
		return refuse(s, r, handle, gsi, PVI_REF_EBUSY, PVI_EBUSY);
	if (!pvi_allow_check(&rp->allow, &sp->uuid, gsi))
		return refuse(s, r, handle, gsi, PVI_REF_EPERM, PVI_EPERM);
	if (!raise_gsi(r, gsi, &merged)) {
		pvirq_glog(r, "pvi: PVI page at %#llx is not RAM any more: receiving stops",
			   (unsigned long long)rp->page_gpa);
		stop_receiving(rp);
		return refuse(s, r, handle, gsi, PVI_REF_ESHUTDOWN, PVI_ESHUTDOWN);
	}
	if (merged) {
		sp->c.merged++;
		rp->c.rx_merged++;
	} else {
		sp->c.delivered++;
		rp->c.rx_delivered++;
	}
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
	if (!p->nr_gsis || p->nr_gsis > PVI_MAX_GSIS) {
		/* "model G gsis" set a value the page cannot hold */
		pvirq_glog(g, "pvi: SETUP refused: %u GSIs do not fit the page",
			   p->nr_gsis);
		return -PVI_EINVAL;
	}
	stop_receiving(p);
	p->route = calloc(p->nr_gsis, sizeof(*p->route));
	if (!p->route)
		return -PVI_ENOSPC;
	hdr.magic = PVI_PAGE_MAGIC;
	hdr.nr_gsis = p->nr_gsis;
	memcpy(hdr.uuid, p->uuid.b, sizeof(hdr.uuid));
	memset(page, 0, PVI_PAGE_SIZE);
	memcpy(page, &hdr, sizeof(hdr));
	for (i = 0; i < p->nr_gsis; i++)
		p->route[i] = 0;
	p->page_gpa = gpa;
	p->up = true;
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

	if (!p->up)
		return -PVI_ESHUTDOWN;
	if (gsi >= p->nr_gsis)
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

	if (!p->up)
		return -PVI_ESHUTDOWN;
	if (gsi != PVI_GSI_ANY && gsi >= p->nr_gsis)
		return -PVI_EINVAL;
	pvi_uuid_from_regs(lo, hi, &u);
	ret = allow ? pvi_allow_add(&p->allow, &u, gsi) :
		      pvi_allow_del(&p->allow, &u, gsi);
	return ret < 0 ? errno_to_pvi(ret) : 0;
}

static s64 op_resolve(struct pvirq_guest *g, u64 lo, u64 hi)
{
	struct pvirq_guest *r;
	struct pvi_uuid u;

	pvi_uuid_from_regs(lo, hi, &u);
	r = find_uuid(g->host, &u);
	if (!r || !r->connected)
		return -PVI_ENOENT;
	if (!P(r)->up)
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
	p->c.calls++;
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

static void counts_text(struct pvi_guest *p, struct pvirq_sb *out, bool json)
{
	const char *fmt = json ? "%s\"%s\":%llu" : "%s%s %llu";
	u64 refused = 0;
	int i;

	for (i = 0; i < PVI_REF_NR; i++)
		refused += p->c.refused[i];
#define C(first, name, v) pvirq_sb_printf(out, fmt, first ? "" : (json ? "," : " "), \
					 name, (unsigned long long)(v))
	C(1, "sent", p->c.sent);
	C(0, "delivered", p->c.delivered);
	C(0, "merged", p->c.merged);
	C(0, "refused", refused);
	for (i = 0; i < PVI_REF_NR; i++)
		C(0, ref_names[i], p->c.refused[i]);
	C(0, "rx_delivered", p->c.rx_delivered);
	C(0, "rx_merged", p->c.rx_merged);
	C(0, "rx_refused", p->c.rx_refused);
	C(0, "injected", p->c.injected);
	C(0, "no_vector", p->c.no_vector);
	C(0, "calls", p->c.calls);
#undef C
}

static void pvi_state_json(struct pvirq_guest *g, struct pvirq_sb *out)
{
	struct pvi_guest *p = P(g);
	char u[PVI_UUID_STR_LEN + 1];
	u32 i;

	pvi_uuid_format(&p->uuid, u);
	pvirq_sb_printf(out, "{\"uuid\":\"%s\",\"up\":%s,\"incarnation\":%u,",
			u, p->up ? "true" : "false", p->incarnation);
	pvirq_sb_printf(out, "\"gsis\":%u,\"hcnr\":%u,\"rate\":%llu,\"burst\":%llu,",
			p->nr_gsis, p->hc_nr, (unsigned long long)p->bucket.rate,
			(unsigned long long)p->bucket.burst);
	pvirq_sb_printf(out, "\"allow\":[");
	for (i = 0; i < p->allow.n; i++) {
		pvi_uuid_format(&p->allow.e[i].sender, u);
		if (p->allow.e[i].gsi == PVI_GSI_ANY)
			pvirq_sb_printf(out, "%s[\"%s\",\"any\"]", i ? "," : "", u);
		else
			pvirq_sb_printf(out, "%s[\"%s\",%u]", i ? "," : "", u,
					p->allow.e[i].gsi);
	}
	pvirq_sb_printf(out, "],\"counts\":{");
	counts_text(p, out, true);
	pvirq_sb_printf(out, "}}");
}

static int parse_u64(const char *s, u64 max, u64 *v)
{
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end || *v > max ? -EINVAL : 0;
}

/* A UUID, or the name of a guest of this host (its UUID). */
static int parse_who(struct pvirq_guest *g, const char *s, struct pvi_uuid *u)
{
	struct pvirq_guest *o;

	if (!pvi_uuid_parse(s, u))
		return 0;
	o = pvirq_host_find(g->host, s);
	if (!is_pvi(o))
		return -EINVAL;
	*u = P(o)->uuid;
	return 0;
}

static int parse_gsi(struct pvi_guest *p, const char *s, u32 *gsi)
{
	u64 v;

	if (!strcmp(s, "any")) {
		*gsi = PVI_GSI_ANY;
		return 0;
	}
	if (parse_u64(s, p->nr_gsis - 1, &v))
		return -EINVAL;
	*gsi = v;
	return 0;
}

static int cmd_uuid(struct pvirq_guest *g, int argc, char **argv,
		    struct pvirq_sb *reply)
{
	struct pvi_guest *p = P(g);
	char s[PVI_UUID_STR_LEN + 1];
	struct pvirq_guest *o;
	struct pvi_uuid u;

	if (argc == 2) {
		if (pvi_uuid_parse(argv[1], &u)) {
			pvirq_sb_printf(reply, "not a UUID: %s", argv[1]);
			return -EINVAL;
		}
		o = find_uuid(g->host, &u);
		if (o && o != g) {
			pvirq_sb_printf(reply, "%s has that UUID already", o->name);
			return -EEXIST;
		}
		p->uuid = u;
	}
	pvi_uuid_format(&p->uuid, s);
	pvirq_sb_printf(reply, "%s", s);
	return 0;
}

static int cmd_allow(struct pvirq_guest *g, int argc, char **argv,
		     struct pvirq_sb *reply)
{
	struct pvi_guest *p = P(g);
	bool allow = !strcmp(argv[0], "allow");
	struct pvi_uuid u;
	u32 gsi;
	int ret;

	if (argc != 3 || parse_who(g, argv[1], &u) || parse_gsi(p, argv[2], &gsi)) {
		pvirq_sb_printf(reply, "usage: %s UUID|GUEST GSI|any (GSI < %u)",
				argv[0], p->nr_gsis);
		return -EINVAL;
	}
	if (!p->up) {
		pvirq_sb_printf(reply, "%s is not receiving (no SETUP)", g->name);
		return -ESHUTDOWN;
	}
	ret = allow ? pvi_allow_add(&p->allow, &u, gsi) :
		      pvi_allow_del(&p->allow, &u, gsi);
	if (ret < 0) {
		pvirq_sb_printf(reply, "%s", allow ? "allowlist full" : "no such entry");
		return ret;
	}
	pvirq_sb_printf(reply, "%u entries", p->allow.n);
	return 0;
}

static int cmd_refused(struct pvirq_guest *g, int argc, char **argv,
		       struct pvirq_sb *reply)
{
	struct pvi_guest *p = P(g);
	u64 i, first;

	if (argc == 2 && !strcmp(argv[1], "clear")) {
		p->nrefused = 0;
		return 0;
	}
	first = p->nrefused > PVI_MODEL_REFUSED_LOG ?
		p->nrefused - PVI_MODEL_REFUSED_LOG : 0;
	pvirq_sb_printf(reply, "%llu", (unsigned long long)p->nrefused);
	for (i = first; i < p->nrefused; i++) {
		struct pvi_refusal *e = &p->refused[i % PVI_MODEL_REFUSED_LOG];

		pvirq_sb_printf(reply, " %s:%u:%s", e->to, e->gsi,
				pvirq_errno_name(e->err));
	}
	return 0;
}

static int pvi_command(struct pvirq_guest *g, int argc, char **argv,
		       struct pvirq_sb *reply)
{
	struct pvi_guest *p = P(g);
	u64 a, b;
	u32 i;

	if (argc < 1)
		goto usage;
	if (!strcmp(argv[0], "uuid") && argc <= 2)
		return cmd_uuid(g, argc, argv, reply);
	if (!strcmp(argv[0], "allow") || !strcmp(argv[0], "revoke"))
		return cmd_allow(g, argc, argv, reply);
	if (!strcmp(argv[0], "refused") && argc <= 2)
		return cmd_refused(g, argc, argv, reply);
	if (!strcmp(argv[0], "allowlist") && argc == 1) {
		char u[PVI_UUID_STR_LEN + 1];

		pvirq_sb_printf(reply, "%u", p->allow.n);
		for (i = 0; i < p->allow.n; i++) {
			pvi_uuid_format(&p->allow.e[i].sender, u);
			if (p->allow.e[i].gsi == PVI_GSI_ANY)
				pvirq_sb_printf(reply, " %s:any", u);
			else
				pvirq_sb_printf(reply, " %s:%u", u, p->allow.e[i].gsi);
		}
		return 0;
	}
	if (!strcmp(argv[0], "counts") && argc == 1) {
		counts_text(p, reply, false);
		return 0;
	}
	if (!strcmp(argv[0], "clear-counts") && argc == 1) {
		memset(&p->c, 0, sizeof(p->c));
		return 0;
	}
	if (!strcmp(argv[0], "rate") && argc == 3) {
		if (parse_u64(argv[1], PVI_BUCKET_RATE_MAX, &a) ||
		    parse_u64(argv[2], PVI_BUCKET_BURST_MAX, &b) ||
		    pvi_bucket_set(&p->bucket, a, b, pvi_model_clock())) {
			pvirq_sb_printf(reply, "usage: rate PER_SECOND BURST%s",
					" (0 0: unlimited; BURST >= 1 with a rate)");
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(argv[0], "max-allow") && argc == 2) {
		if (parse_u64(argv[1], 1u << 24, &a) || !a) {
			pvirq_sb_printf(reply, "usage: max-allow N (1..%u)", 1u << 24);
			return -EINVAL;
		}
		p->allow.max = a;
		return 0;
	}
	if (!strcmp(argv[0], "hcnr") && argc == 2) {
		if (parse_u64(argv[1], 0xffffffffull, &a)) {
			pvirq_sb_printf(reply, "usage: hcnr N");
			return -EINVAL;
		}
		p->hc_nr = a;
		return 0;
	}
	if (!strcmp(argv[0], "gsis") && argc == 2) {
		if (parse_u64(argv[1], 0xffffffffull, &a)) {
			pvirq_sb_printf(reply, "usage: gsis N");
			return -EINVAL;
		}
		if (p->up) {
			pvirq_sb_printf(reply, "%s is receiving: change it before SETUP",
					g->name);
			return -EBUSY;
		}
		/* any value, even a wrong one: the driver must refuse those */
		p->nr_gsis = a;
		return 0;
	}
usage:
	pvirq_sb_printf(reply, "model pvi knows: %s, %s, %s",
			"uuid [UUID], allow|revoke UUID|GUEST GSI|any, allowlist",
			"rate PER_SECOND BURST, max-allow N, refused [clear]",
			"counts, clear-counts, hcnr N, gsis N");
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
