// SPDX-License-Identifier: GPL-2.0
/*
 * The "hyperv" model: a Hyper-V partition's SynIC as a guest sees it.
 *
 *  CPUID 0x40000000..0x40000005: "Microsoft Hv", interface "Hv#1",
 *	privileges SynIC + hypercall + VP index (EAX), post messages and
 *	signal events (EBX), hint "auto-EOI deprecated" (0x40000004 EAX
 *	bit 9).  "model G feature NAME 0|1" takes any of them away.
 *  MSRs: GUEST_OS_ID (0 disables the hypercall page), HYPERCALL (enable
 *	is ignored while GUEST_OS_ID is 0; the page's GPA is only recorded:
 *	hypercalls reach us through the seam, not through the page),
 *	VP_INDEX (read-only: the vCPU index), SCONTROL, SVERSION (reads 1,
 *	a write is #GP), SIMP/SIEFP (enabling zeroes the page in guest RAM;
 *	a GPA outside RAM is #GP), EOM (rescans the vCPU's queues), SINT0..15
 *	(an unmasked vector below 16 is #GP).  Every other MSR: #GP.
 *  Hypercalls: HvPostMessage (0x5c) and HvSignalEvent (0x5d, fast or
 *	not) through connections set up with "model G conn ...".
 *  The pvirq PVI extension (CPUID 0x400000a0/a1, its own hypercall and
 *	HvSignalEvent between guests of this host) is model_hyperv_pvi.c.
 *
 * Message slots, queues, msg_pending, EOM rescans and event flags are the
 * per-vCPU model in model_hyperv_synic.c, the one the unit tests drive
 * directly.  This file gives it guest RAM and interrupts: a raised SINT
 * becomes its vector injected on that vCPU.  The guest's EOI of a SINT
 * vector is not seen here (the transport delivers vectors as IPIs through
 * the guest's own APIC), so queued messages are rescanned on EOM only;
 * and for the same reason auto-EOI cannot be honoured: the hint to
 * deprecate it is on by default and a SINT written with auto_eoi is
 * counted in the state.  Documentation/hv-synic.rst has the statuses.
 *
 * Concurrency: pvirq-host runs everything on one thread.  Guest RAM is
 * shared with the guest: the SynIC model touches slots only with atomics,
 * and page pointers are recomputed from their GPAs before every use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_hyperv.h"
#include "model_hyperv_synic.h"

/* TLFS "Partition Privilege Flags", "Hypercall Interface", MSR numbers */
#define HVM_MSR_GUEST_OS_ID	0x40000000
#define HVM_MSR_HYPERCALL	0x40000001
#define HVM_MSR_VP_INDEX	0x40000002
#define HVM_HYPERCALL_ENABLE	0x1ULL
#define HVM_HYPERCALL_LOCKED	0x2ULL
#define HVM_PAGE_MASK		(~0xfffULL)
#define HVM_CPUID_MAX		0x40000005
#define HVM_INTERFACE		0x31237648	/* "Hv#1" */
#define HVM_FEAT_SYNIC		(1u << 2)
#define HVM_FEAT_HYPERCALL	(1u << 5)
#define HVM_FEAT_VP_INDEX	(1u << 6)
#define HVM_PRIV_POST		(1u << 4)
#define HVM_PRIV_SIGNAL		(1u << 5)
#define HVM_HINT_NO_AEOI	(1u << 9)

#define HVCALL_POST_MESSAGE	0x005c
#define HVCALL_SIGNAL_EVENT	0x005d
#define HVM_HC_FAST		(1ULL << 16)
#define HVM_HC_REP_MASK		(0xfffULL << 32)

#define HVM_MAX_CONNS		64
#define HVM_POST_HDR		16	/* HvPostMessage input before payload */

enum hvm_conn_kind { HVM_CONN_FREE, HVM_CONN_MSG, HVM_CONN_EVENT };

/* A connection id a guest posts messages or signals events to. */
struct hvm_conn {
	u32 id;
	u8 kind;
	u8 sint;
	u32 vcpu;
	u32 flag_base;
	u32 flag_count;
	u64 used;
};

/* "model G burst": a stream of numbered messages to one slot. */
struct hvm_gen {
	u32 type;
	u8 size;
	u64 left;
	u64 seq;
};

struct hvm_vcpu {
	struct synic_hm_vcpu hm;
	struct pvirq_guest *g;
	u32 idx;
	u64 scontrol;
	u64 simp;
	u64 siefp;
	u32 auto_eoi;			/* SINT writes asking for auto-EOI */
	struct hvm_gen gen[HV_SYNIC_SINT_COUNT];
	u64 inject_failed;
};

enum hvm_bad { HVM_BAD_SIZE, HVM_BAD_TYPE };

struct hvm_priv {
	u32 features;
	u32 privileges;
	u32 hints;
	u64 guest_os_id;
	u64 hypercall;
	struct hvm_conn conn[HVM_MAX_CONNS];
	/* fault injection: the next fault_count post/signal calls */
	u32 fault_status;
	u32 fault_count;
	/* malicious host: the next bad_count host messages are mangled */
	u32 bad_count;
	u8 bad_kind;
	struct {
		u64 post;
		u64 post_ok;
		u64 post_queued;
		u64 post_full;
		u64 signal;
		u64 signal_ok;
		u64 signal_already;
		u64 refused;		/* any status but success */
		u64 faulted;
		u64 disabled;		/* hypercall page off */
		u64 unknown;
		u64 msr_gp;
		u64 bad_sent;
	} st;
	struct hvm_vcpu vcpu[PVIRQ_WIRE_MAX_VCPUS];
	struct hvm_pvi *pvi;		/* the PVI extension; survives resets */
};

static struct hvm_priv *hvm(struct pvirq_guest *g)
{
	return g->model_priv;
}

static void hvm_irq(void *ctx, unsigned int sint, u8 vector)
{
	struct hvm_vcpu *v = ctx;

	if (pvirq_inject(v->g, v->idx, vector))
		v->inject_failed++;
}

static void hvm_vcpu_init(struct pvirq_guest *g, struct hvm_vcpu *v, u32 idx)
{
	memset(v, 0, sizeof(*v));
	synic_hm_init(&v->hm);
	v->hm.irq = hvm_irq;
	v->hm.irq_ctx = v;
	v->g = g;
	v->idx = idx;
}

static void hvm_defaults(struct pvirq_guest *g)
{
	struct hvm_priv *p = hvm(g);
	struct hvm_pvi *pvi = p->pvi;
	u32 i;

	for (i = 0; i < PVIRQ_WIRE_MAX_VCPUS; i++)
		synic_hm_destroy(&p->vcpu[i].hm);
	memset(p, 0, sizeof(*p));
	p->pvi = pvi;
	p->features = HVM_FEAT_SYNIC | HVM_FEAT_HYPERCALL | HVM_FEAT_VP_INDEX;
	p->privileges = HVM_PRIV_POST | HVM_PRIV_SIGNAL;
	p->hints = HVM_HINT_NO_AEOI;
	for (i = 0; i < PVIRQ_WIRE_MAX_VCPUS; i++)
		hvm_vcpu_init(g, &p->vcpu[i], i);
}

static int hvm_init(struct pvirq_guest *g)
{
	struct hvm_priv *p = calloc(1, sizeof(*p));
	u32 i;

	if (!p)
		return -ENOMEM;
	p->pvi = hvm_pvi_new(g);
	if (!p->pvi) {
		free(p);
		return -ENOMEM;
	}
	g->model_priv = p;
	for (i = 0; i < PVIRQ_WIRE_MAX_VCPUS; i++)
		synic_hm_init(&p->vcpu[i].hm);
	hvm_defaults(g);
	return 0;
}

static void hvm_reset(struct pvirq_guest *g)
{
	hvm_defaults(g);
	hvm_pvi_reset(hvm(g)->pvi);
}

static void hvm_destroy(struct pvirq_guest *g)
{
	struct hvm_priv *p = hvm(g);
	u32 i;

	for (i = 0; i < PVIRQ_WIRE_MAX_VCPUS; i++)
		synic_hm_destroy(&p->vcpu[i].hm);
	hvm_pvi_free(p->pvi);
	free(p);
	g->model_priv = NULL;
}

/*
 * A whole guest page, mapped in our address space, or NULL.  Layout as
 * guest.c's (q35: below 4 GiB file offset == GPA, the rest from 4 GiB);
 * the two probes check the range and map RAM if needed.
 */
static void *hvm_page(struct pvirq_guest *g, u64 gpa)
{
	u8 probe;

	if (pvirq_gpa_read(g, gpa, &probe, 1) ||
	    pvirq_gpa_read(g, gpa + 4095, &probe, 1) || !g->ram)
		return NULL;
	if (gpa < (1ULL << 32))
		return g->ram + gpa;
	return g->ram + g->ram_lowmem + (gpa - (1ULL << 32));
}

/* Point the SynIC model at the pages again: RAM may have been remapped. */
static struct hvm_vcpu *hvm_vcpu(struct pvirq_guest *g, u32 idx)
{
	struct hvm_vcpu *v;
	void *simp = NULL, *siefp = NULL;

	if (idx >= PVIRQ_WIRE_MAX_VCPUS)
		return NULL;
	v = &hvm(g)->vcpu[idx];
	if (v->simp & HV_SYNIC_SIMP_ENABLE)
		simp = hvm_page(g, v->simp & HVM_PAGE_MASK);
	if (v->siefp & HV_SYNIC_SIEFP_ENABLE)
		siefp = hvm_page(g, v->siefp & HVM_PAGE_MASK);
	synic_hm_remap(&v->hm, simp, siefp);
	return v;
}

static bool hvm_cpuid(struct pvirq_guest *g, u32 vcpu, u32 leaf, u32 sub,
		      u32 regs[4])
{
	static const char sig[12] = "Microsoft Hv";
	struct hvm_priv *p = hvm(g);

	switch (leaf) {
	case 0x40000000:
		regs[0] = HVM_CPUID_MAX;
		memcpy(&regs[1], sig, 12);
		return true;
	case 0x40000001:
		regs[0] = HVM_INTERFACE;
		return true;
	case 0x40000002:
		regs[0] = 20348;		/* build */
		regs[1] = 10 << 16;		/* 10.0 */
		return true;
	case 0x40000003:
		regs[0] = p->features;
		regs[1] = p->privileges;
		return true;
	case 0x40000004:
		regs[0] = p->hints;
		regs[1] = 0xffffffff;		/* spinlock retries: never */
		return true;
	case 0x40000005:
		regs[0] = PVIRQ_WIRE_MAX_VCPUS;
		regs[1] = PVIRQ_WIRE_MAX_VCPUS;
		return true;
	}
	return hvm_pvi_cpuid(p->pvi, leaf, regs);
}

static bool synic_msr(u32 msr)
{
	return (msr >= HV_X64_MSR_SCONTROL && msr <= HV_X64_MSR_EOM) ||
	       (msr >= HV_X64_MSR_SINT0 && msr <= HV_X64_MSR_SINT15);
}

static int hvm_rdmsr(struct pvirq_guest *g, u32 vcpu, u32 msr, u64 *val)
{
	struct hvm_priv *p = hvm(g);
	struct hvm_vcpu *v = hvm_vcpu(g, vcpu);

	if (!v)
		return -EIO;
	if (synic_msr(msr) && !(p->features & HVM_FEAT_SYNIC))
		goto gp;
	switch (msr) {
	case HVM_MSR_GUEST_OS_ID:
		*val = p->guest_os_id;
		return 0;
	case HVM_MSR_HYPERCALL:
		if (!(p->features & HVM_FEAT_HYPERCALL))
			goto gp;
		*val = p->hypercall;
		return 0;
	case HVM_MSR_VP_INDEX:
		if (!(p->features & HVM_FEAT_VP_INDEX))
			goto gp;
		*val = vcpu;
		return 0;
	case HV_X64_MSR_SCONTROL:
		*val = v->scontrol;
		return 0;
	case HV_X64_MSR_SVERSION:
		*val = HV_SYNIC_VERSION_1;
		return 0;
	case HV_X64_MSR_SIEFP:
		*val = v->siefp;
		return 0;
	case HV_X64_MSR_SIMP:
		*val = v->simp;
		return 0;
	case HV_X64_MSR_EOM:
		*val = 0;
		return 0;
	}
	if (msr >= HV_X64_MSR_SINT0 && msr <= HV_X64_MSR_SINT15) {
		*val = v->hm.sint[msr - HV_X64_MSR_SINT0];
		return 0;
	}
gp:
	p->st.msr_gp++;
	return -EIO;
}

/* Keep every burst stream's queue topped up. */
static void hvm_feed(struct pvirq_guest *g, struct hvm_vcpu *v)
{
	struct hv_message msg;
	unsigned int s;

	for (s = 0; s < HV_SYNIC_SINT_COUNT; s++) {
		struct hvm_gen *gen = &v->gen[s];
		int ret;

		while (gen->left &&
		       synic_hm_queued(&v->hm, s) < SYNIC_HM_QUEUE_LEN) {
			memset(&msg, 0, sizeof(msg));
			msg.header.message_type = gen->type;
			msg.header.payload_size = gen->size;
			msg.u.payload[0] = gen->seq;
			msg.u.payload[1] = (u64)v->idx << 8 | s;
			ret = synic_hm_post_raw(&v->hm, s, &msg);
			if (ret && ret != -EAGAIN)
				break;
			gen->seq++;
			gen->left--;
		}
	}
}

static int hvm_set_page(struct pvirq_guest *g, struct hvm_vcpu *v, u64 *reg,
			u64 val, bool simp)
{
	void *page = NULL;

	if (val & HV_SYNIC_SIMP_ENABLE) {
		page = hvm_page(g, val & HVM_PAGE_MASK);
		if (!page)
			return -EIO;
	}
	*reg = val;
	/* zeroes the page on enable, as KVM does */
	if (simp)
		synic_hm_set_simp(&v->hm, page);
	else
		synic_hm_set_siefp(&v->hm, page);
	return 0;
}

static int hvm_wrmsr(struct pvirq_guest *g, u32 vcpu, u32 msr, u64 val)
{
	struct hvm_priv *p = hvm(g);
	struct hvm_vcpu *v = hvm_vcpu(g, vcpu);
	u32 s;

	if (!v)
		return -EIO;
	if (synic_msr(msr) && !(p->features & HVM_FEAT_SYNIC))
		goto gp;
	switch (msr) {
	case HVM_MSR_GUEST_OS_ID:
		p->guest_os_id = val;
		if (!val)
			p->hypercall &= ~HVM_HYPERCALL_ENABLE;
		return 0;
	case HVM_MSR_HYPERCALL:
		if (!(p->features & HVM_FEAT_HYPERCALL))
			goto gp;
		if (p->hypercall & HVM_HYPERCALL_LOCKED)
			return 0;
		/* KVM: stays disabled until a guest OS ID is set */
		if (!p->guest_os_id)
			return 0;
		if ((val & HVM_HYPERCALL_ENABLE) &&
		    !hvm_page(g, val & HVM_PAGE_MASK))
			goto gp;
		p->hypercall = val;
		return 0;
	case HV_X64_MSR_SCONTROL:
		v->scontrol = val;
		synic_hm_set_scontrol(&v->hm, val & HV_SYNIC_CONTROL_ENABLE);
		synic_hm_rescan(&v->hm);
		hvm_feed(g, v);
		return 0;
	case HV_X64_MSR_SIEFP:
		if (hvm_set_page(g, v, &v->siefp, val, false))
			goto gp;
		return 0;
	case HV_X64_MSR_SIMP:
		if (hvm_set_page(g, v, &v->simp, val, true))
			goto gp;
		hvm_feed(g, v);
		return 0;
	case HV_X64_MSR_EOM:
		synic_hm_eom(&v->hm);
		hvm_feed(g, v);
		return 0;
	}
	if (msr >= HV_X64_MSR_SINT0 && msr <= HV_X64_MSR_SINT15) {
		s = msr - HV_X64_MSR_SINT0;
		if (synic_hm_set_sint(&v->hm, s, val))
			goto gp;
		if ((val & HV_SYNIC_SINT_AUTO_EOI) &&
		    !(val & HV_SYNIC_SINT_MASKED))
			v->auto_eoi++;
		return 0;
	}
gp:
	p->st.msr_gp++;
	return -EIO;
}

static struct hvm_conn *hvm_conn_find(struct hvm_priv *p, u32 id)
{
	u32 i;

	for (i = 0; i < HVM_MAX_CONNS; i++)
		if (p->conn[i].kind != HVM_CONN_FREE && p->conn[i].id == id)
			return &p->conn[i];
	return NULL;
}

/* The target vCPU of a connection, if the guest has it. */
static struct hvm_vcpu *hvm_target(struct pvirq_guest *g, struct hvm_conn *c)
{
	if (g->ready && c->vcpu >= g->nr_cpus)
		return NULL;
	return hvm_vcpu(g, c->vcpu);
}

/*
 * A host message, mangled while the malicious mode lasts.  Returns what
 * synic_hm_post_raw() returns.
 */
static int hvm_deliver(struct pvirq_guest *g, struct hvm_vcpu *v, u32 sint,
		       struct hv_message *msg)
{
	struct hvm_priv *p = hvm(g);

	if (p->bad_count) {
		p->bad_count--;
		p->st.bad_sent++;
		switch (p->bad_kind) {
		case HVM_BAD_SIZE:
			msg->header.payload_size = 241 + p->bad_count % 15;
			break;
		case HVM_BAD_TYPE:
			msg->header.message_type = 0x7fff0000 | p->bad_count;
			break;
		}
	}
	return synic_hm_post_raw(&v->hm, sint, msg);
}

static u16 hvm_post(struct pvirq_guest *g, u32 vcpu, struct pvirq_hc *hc)
{
	struct hvm_priv *p = hvm(g);
	struct pvirq_hc_buf *b = pvirq_hc_buf_for(hc, 0);
	struct hvm_vcpu *self = hvm_vcpu(g, vcpu), *v;
	struct hv_message msg;
	struct hvm_conn *c;
	u32 in[4];
	int ret;

	p->st.post++;
	if (hc->nr & HVM_HC_FAST)
		return HV_STATUS_INVALID_PARAMETER;
	if (!b || b->len < HVM_POST_HDR)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (!self || !(self->scontrol & HV_SYNIC_CONTROL_ENABLE))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	memcpy(in, b->data, sizeof(in));
	/* connection_id, reserved, message_type, payload_size */
	if (in[3] > HV_MESSAGE_PAYLOAD_BYTE_COUNT ||
	    b->len < HVM_POST_HDR + in[3] || in[1])
		return HV_STATUS_INVALID_PARAMETER;
	if (in[2] == HVMSG_NONE || (in[2] & 0x80000000u))
		return HV_STATUS_INVALID_PARAMETER;
	c = hvm_conn_find(p, in[0]);
	if (!c || c->kind != HVM_CONN_MSG)
		return HV_STATUS_INVALID_CONNECTION_ID;
	v = hvm_target(g, c);
	if (!v)
		return HV_STATUS_INVALID_PORT_ID;
	memset(&msg, 0, sizeof(msg));
	msg.header.message_type = in[2];
	msg.header.payload_size = in[3];
	msg.header.sender = vcpu;
	memcpy(msg.u.payload, b->data + HVM_POST_HDR, in[3]);
	ret = synic_hm_post_raw(&v->hm, c->sint, &msg);
	c->used++;
	switch (ret) {
	case 0:
		p->st.post_ok++;
		return HV_STATUS_SUCCESS;
	case -EAGAIN:
		p->st.post_queued++;
		return HV_STATUS_SUCCESS;
	case -ENOBUFS:
		p->st.post_full++;
		return HV_STATUS_INSUFFICIENT_BUFFERS;
	}
	return HV_STATUS_INVALID_PORT_ID;	/* the target's SynIC or SIMP is off */
}

static u16 hvm_signal(struct pvirq_guest *g, u32 vcpu, struct pvirq_hc *hc)
{
	struct hvm_priv *p = hvm(g);
	struct pvirq_hc_buf *b;
	struct hvm_vcpu *v;
	struct hvm_conn *c;
	u16 status;
	u64 in;
	u32 flag;
	int ret;

	p->st.signal++;
	if (hc->nr & HVM_HC_FAST) {
		in = hc->args[0];
	} else {
		b = pvirq_hc_buf_for(hc, 0);
		if (!b || b->len < sizeof(in))
			return HV_STATUS_INVALID_HYPERCALL_INPUT;
		memcpy(&in, b->data, sizeof(in));
	}
	/* connection_id u32, flag_number u16, reserved u16 */
	if (in >> 48)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	flag = (in >> 32) & 0xffff;
	c = hvm_conn_find(p, (u32)in);
	if (!c && hvm_pvi_signal(g, (u32)in, flag, &status)) {
		if (status == HV_STATUS_SUCCESS)
			p->st.signal_ok++;
		return status;
	}
	if (!c || c->kind != HVM_CONN_EVENT)
		return HV_STATUS_INVALID_CONNECTION_ID;
	if (flag >= c->flag_count)
		return HV_STATUS_INVALID_PARAMETER;
	v = hvm_target(g, c);
	if (!v)
		return HV_STATUS_INVALID_PORT_ID;
	ret = synic_hm_signal(&v->hm, c->sint, c->flag_base + flag);
	c->used++;
	if (ret < 0)
		return HV_STATUS_INVALID_PORT_ID;	/* SynIC or SIEFP off */
	if (ret)
		p->st.signal_ok++;
	else
		p->st.signal_already++;
	return HV_STATUS_SUCCESS;
}

static s64 hvm_hypercall(struct pvirq_guest *g, u32 vcpu, struct pvirq_hc *hc)
{
	struct hvm_priv *p = hvm(g);
	u32 code = hc->nr & 0xffff;
	u16 status;

	if (hc->abi != PVIRQ_HC_ABI_HYPERV) {
		p->st.unknown++;
		return pvirq_hc_enosys(hc->abi);
	}
	/* Real Hyper-V raises #UD; the seam can only say "no such call". */
	if (!(p->hypercall & HVM_HYPERCALL_ENABLE) || !p->guest_os_id) {
		p->st.disabled++;
		return HV_STATUS_INVALID_HYPERCALL_CODE;
	}
	if ((code == HVCALL_POST_MESSAGE || code == HVCALL_SIGNAL_EVENT) &&
	    p->fault_count) {
		p->fault_count--;
		p->st.faulted++;
		p->st.refused++;
		return p->fault_status;
	}
	if (hc->nr & HVM_HC_REP_MASK) {
		status = HV_STATUS_INVALID_HYPERCALL_INPUT;
	} else if (code == HVCALL_POST_MESSAGE &&
		   (p->privileges & HVM_PRIV_POST)) {
		status = hvm_post(g, vcpu, hc);
	} else if (code == HVCALL_SIGNAL_EVENT &&
		   (p->privileges & HVM_PRIV_SIGNAL)) {
		status = hvm_signal(g, vcpu, hc);
	} else if (hvm_pvi_is_call(p->pvi, code)) {
		status = hvm_pvi_call(g, hc);
	} else {
		p->st.unknown++;
		status = HV_STATUS_INVALID_HYPERCALL_CODE;
	}
	if (status != HV_STATUS_SUCCESS)
		p->st.refused++;
	return status;
}

static void json_u64s(struct pvirq_sb *out, const char *name, const u64 *a,
		      unsigned int n)
{
	unsigned int i;

	pvirq_sb_printf(out, ",\"%s\":[", name);
	for (i = 0; i < n; i++)
		pvirq_sb_printf(out, "%s%llu", i ? "," : "",
				(unsigned long long)a[i]);
	pvirq_sb_printf(out, "]");
}

static void hvm_state_json(struct pvirq_guest *g, struct pvirq_sb *out)
{
	struct hvm_priv *p = hvm(g);
	u32 n = g->ready ? g->nr_cpus : 0, i, s;
	u64 q[HV_SYNIC_SINT_COUNT], gen[HV_SYNIC_SINT_COUNT];

	pvirq_sb_printf(out, "{\"guest_os_id\":%llu,\"hypercall\":%llu,",
			(unsigned long long)p->guest_os_id,
			(unsigned long long)p->hypercall);
	pvirq_sb_printf(out, "\"features\":%u,\"privileges\":%u,\"hints\":%u,",
			p->features, p->privileges, p->hints);
	pvirq_sb_printf(out,
			"\"post\":%llu,\"post_ok\":%llu,\"post_queued\":%llu,\"post_full\":%llu,",
			(unsigned long long)p->st.post,
			(unsigned long long)p->st.post_ok,
			(unsigned long long)p->st.post_queued,
			(unsigned long long)p->st.post_full);
	pvirq_sb_printf(out,
			"\"signal\":%llu,\"signal_ok\":%llu,\"signal_already\":%llu,",
			(unsigned long long)p->st.signal,
			(unsigned long long)p->st.signal_ok,
			(unsigned long long)p->st.signal_already);
	pvirq_sb_printf(out,
			"\"refused\":%llu,\"faulted\":%llu,\"disabled\":%llu,\"unknown\":%llu,\"msr_gp\":%llu,\"bad_sent\":%llu,",
			(unsigned long long)p->st.refused,
			(unsigned long long)p->st.faulted,
			(unsigned long long)p->st.disabled,
			(unsigned long long)p->st.unknown,
			(unsigned long long)p->st.msr_gp,
			(unsigned long long)p->st.bad_sent);
	/*
	 * Before the vCPUs, so that a reply cut at the wire's 4 KiB still
	 * carries it; only once a guest used PVI, so that the SynIC tests'
	 * replies still carry every vCPU.
	 */
	hvm_pvi_state_json(p->pvi, out);
	pvirq_sb_printf(out, "\"vcpus\":[");
	for (i = 0; i < n && i < PVIRQ_WIRE_MAX_VCPUS; i++) {
		struct hvm_vcpu *v = &p->vcpu[i];

		for (s = 0; s < HV_SYNIC_SINT_COUNT; s++) {
			q[s] = synic_hm_queued(&v->hm, s);
			gen[s] = v->gen[s].left;
		}
		pvirq_sb_printf(out,
				"%s{\"vcpu\":%u,\"scontrol\":%llu,\"simp\":%llu,\"siefp\":%llu,\"eoms\":%llu,\"queued\":%llu,\"full\":%llu,\"flags_set\":%llu,\"flags_already\":%llu,\"auto_eoi\":%u,\"inject_failed\":%llu",
				i ? "," : "", i,
				(unsigned long long)v->scontrol,
				(unsigned long long)v->simp,
				(unsigned long long)v->siefp,
				(unsigned long long)v->hm.eoms,
				(unsigned long long)v->hm.queued,
				(unsigned long long)v->hm.full,
				(unsigned long long)v->hm.flags_set,
				(unsigned long long)v->hm.flags_already,
				v->auto_eoi,
				(unsigned long long)v->inject_failed);
		json_u64s(out, "sint", v->hm.sint, HV_SYNIC_SINT_COUNT);
		json_u64s(out, "delivered", v->hm.delivered,
			  HV_SYNIC_SINT_COUNT);
		json_u64s(out, "injected", v->hm.injected, HV_SYNIC_SINT_COUNT);
		json_u64s(out, "lost_masked", v->hm.lost_masked,
			  HV_SYNIC_SINT_COUNT);
		json_u64s(out, "pending", q, HV_SYNIC_SINT_COUNT);
		json_u64s(out, "burst_left", gen, HV_SYNIC_SINT_COUNT);
		pvirq_sb_printf(out, "}");
	}
	pvirq_sb_printf(out, "]}");
}

/* ---- control commands ---- */

static int num(const char *s, u64 max, u64 *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end || *v > max)
		return -EINVAL;
	return 0;
}

struct hvm_args {
	struct pvirq_guest *g;
	struct pvirq_sb *reply;
	int argc;
	char **argv;
};

static __attribute__((format(printf, 3, 4)))
int usage(struct hvm_args *a, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pvirq_sb_vprintf(a->reply, fmt, ap);
	va_end(ap);
	return err;
}

/* VCPU SINT as the first two arguments after the command word. */
static struct hvm_vcpu *vcpu_sint(struct hvm_args *a, u32 *sint)
{
	u64 vc, s;

	if (a->argc < 3 || num(a->argv[1], PVIRQ_WIRE_MAX_VCPUS - 1, &vc) ||
	    num(a->argv[2], HV_SYNIC_SINT_COUNT - 1, &s))
		return NULL;
	if (a->g->ready && vc >= a->g->nr_cpus)
		return NULL;
	*sint = s;
	return hvm_vcpu(a->g, vc);
}

static const char *post_result(int ret)
{
	switch (ret) {
	case 0:
		return "delivered";
	case -EAGAIN:
		return "queued";
	case -ENOBUFS:
		return "queue full";
	case -ENOENT:
		return "SynIC or SIMP off";
	}
	return "invalid";
}

/* post VCPU SINT TYPE [U64...] | raw VCPU SINT TYPE SIZE [U64...] */
static int cmd_post(struct hvm_args *a, bool raw)
{
	struct hv_message msg;
	struct hvm_vcpu *v;
	int first = raw ? 5 : 4, i, ret;
	u64 type, size = 0, w;
	u32 sint;

	v = vcpu_sint(a, &sint);
	if (!v || a->argc < first || num(a->argv[3], 0xffffffff, &type) ||
	    (raw && num(a->argv[4], 255, &size)) ||
	    a->argc - first > HV_MESSAGE_PAYLOAD_QWORD_COUNT)
		return usage(a, -EINVAL, raw ?
			     "usage: raw VCPU SINT TYPE SIZE [U64...]" :
			     "usage: post VCPU SINT TYPE [U64...] (at most 30 words)");
	memset(&msg, 0, sizeof(msg));
	for (i = first; i < a->argc; i++) {
		if (num(a->argv[i], ~0ULL, &w))
			return usage(a, -EINVAL, "bad payload word '%s'",
				     a->argv[i]);
		msg.u.payload[i - first] = w;
	}
	if (!raw && !type)
		return usage(a, -EINVAL, "type 0 is HVMSG_NONE");
	msg.header.message_type = type;
	msg.header.payload_size = raw ? (u8)size : (u8)(8 * (a->argc - first));
	ret = raw ? synic_hm_post_raw(&v->hm, sint, &msg) :
		    hvm_deliver(a->g, v, sint, &msg);
	if (ret && ret != -EAGAIN)
		return usage(a, ret, "%s", post_result(ret));
	pvirq_sb_printf(a->reply, "%s", post_result(ret));
	return 0;
}

/* flag VCPU SINT N */
static int cmd_flag(struct hvm_args *a)
{
	struct hvm_vcpu *v;
	u32 sint;
	u64 n;
	int ret;

	v = vcpu_sint(a, &sint);
	if (!v || a->argc != 4 || num(a->argv[3], HV_EVENT_FLAGS_COUNT - 1, &n))
		return usage(a, -EINVAL, "usage: flag VCPU SINT N (N < 2048)");
	ret = synic_hm_signal(&v->hm, sint, n);
	if (ret < 0)
		return usage(a, ret, "SynIC or SIEFP off");
	pvirq_sb_printf(a->reply, "%s", ret ? "raised" : "already set");
	return 0;
}

/* burst VCPU SINT TYPE COUNT [SIZE] */
static int cmd_burst(struct hvm_args *a)
{
	struct hvm_vcpu *v;
	u64 type, count, size = 16;
	u32 sint;

	v = vcpu_sint(a, &sint);
	if (!v || a->argc < 5 || a->argc > 6 ||
	    num(a->argv[3], 0x7fffffff, &type) || !type ||
	    num(a->argv[4], 1ULL << 40, &count) ||
	    (a->argc == 6 && (num(a->argv[5], HV_MESSAGE_PAYLOAD_BYTE_COUNT,
				  &size) || size < 16)))
		return usage(a, -EINVAL,
			     "usage: burst VCPU SINT TYPE COUNT [SIZE 16..240]");
	if (v->gen[sint].left && v->gen[sint].type != type)
		return usage(a, -EBUSY, "a burst of type %u is still running",
			     v->gen[sint].type);
	if (v->gen[sint].type != type)
		v->gen[sint].seq = 0;
	v->gen[sint].type = type;
	v->gen[sint].size = size;
	v->gen[sint].left += count;
	hvm_feed(a->g, v);
	pvirq_sb_printf(a->reply, "left %llu next %llu",
			(unsigned long long)v->gen[sint].left,
			(unsigned long long)v->gen[sint].seq);
	return 0;
}

/* conn ID msg VCPU SINT | conn ID event VCPU SINT BASE COUNT | conn ID del */
static int cmd_conn(struct hvm_args *a)
{
	struct hvm_priv *p = hvm(a->g);
	struct hvm_conn *c, nc = { 0 };
	u64 id, vc, s, base = 0, count = 0;
	u32 i;

	if (a->argc < 3 || num(a->argv[1], 0xffffffff, &id))
		goto bad;
	c = hvm_conn_find(p, id);
	if (a->argc == 3 && !strcmp(a->argv[2], "del")) {
		if (!c)
			return usage(a, -ENOENT, "no connection %llu",
				     (unsigned long long)id);
		memset(c, 0, sizeof(*c));
		return 0;
	}
	if (a->argc < 5 || num(a->argv[3], PVIRQ_WIRE_MAX_VCPUS - 1, &vc) ||
	    num(a->argv[4], HV_SYNIC_SINT_COUNT - 1, &s))
		goto bad;
	if (!strcmp(a->argv[2], "msg") && a->argc == 5) {
		nc.kind = HVM_CONN_MSG;
	} else if (!strcmp(a->argv[2], "event") && a->argc == 7 &&
		   !num(a->argv[5], HV_EVENT_FLAGS_COUNT - 1, &base) &&
		   !num(a->argv[6], HV_EVENT_FLAGS_COUNT - base, &count) &&
		   count) {
		nc.kind = HVM_CONN_EVENT;
	} else {
		goto bad;
	}
	nc.id = id;
	nc.vcpu = vc;
	nc.sint = s;
	nc.flag_base = base;
	nc.flag_count = count;
	if (!c) {
		for (i = 0; i < HVM_MAX_CONNS && !c; i++)
			if (p->conn[i].kind == HVM_CONN_FREE)
				c = &p->conn[i];
		if (!c)
			return usage(a, -ENOSPC, "%u connections already",
				     HVM_MAX_CONNS);
	}
	*c = nc;
	return 0;
bad:
	return usage(a, -EINVAL,
		     "usage: conn ID msg VCPU SINT | conn ID event VCPU SINT BASE COUNT | conn ID del");
}

/* fault STATUS COUNT | fault off */
static int cmd_fault(struct hvm_args *a)
{
	struct hvm_priv *p = hvm(a->g);
	u64 status, count;

	if (a->argc == 2 && !strcmp(a->argv[1], "off")) {
		p->fault_count = 0;
		return 0;
	}
	if (a->argc != 3 || num(a->argv[1], 0xffff, &status) || !status ||
	    num(a->argv[2], 1u << 30, &count))
		return usage(a, -EINVAL, "usage: fault STATUS COUNT | fault off");
	p->fault_status = status;
	p->fault_count = count;
	return 0;
}

/* malicious N size|type: payload_size > 240, or an unknown type */
static int cmd_malicious(struct hvm_args *a)
{
	static const char *const kinds[] = { "size", "type" };
	struct hvm_priv *p = hvm(a->g);
	u64 n;
	u8 k;

	if (a->argc != 3 || num(a->argv[1], 1u << 30, &n))
		goto bad;
	for (k = 0; k < ARRAY_SIZE(kinds); k++)
		if (!strcmp(a->argv[2], kinds[k]))
			break;
	if (k == ARRAY_SIZE(kinds))
		goto bad;
	p->bad_count = n;
	p->bad_kind = k;
	return 0;
bad:
	return usage(a, -EINVAL, "usage: malicious N size|type");
}

/* feature synic|hypercall|vp_index|post|signal|no_aeoi|pvi 0|1 */
static int cmd_feature(struct hvm_args *a)
{
	static const struct {
		const char *name;
		u8 word;
		u32 bit;
	} feats[] = {
		{ "synic", 0, HVM_FEAT_SYNIC },
		{ "hypercall", 0, HVM_FEAT_HYPERCALL },
		{ "vp_index", 0, HVM_FEAT_VP_INDEX },
		{ "post", 1, HVM_PRIV_POST },
		{ "signal", 1, HVM_PRIV_SIGNAL },
		{ "no_aeoi", 2, HVM_HINT_NO_AEOI },
	};
	struct hvm_priv *p = hvm(a->g);
	u32 *words[] = { &p->features, &p->privileges, &p->hints };
	size_t i;
	u64 on;

	if (a->argc != 3 || num(a->argv[2], 1, &on))
		goto bad;
	if (!strcmp(a->argv[1], "pvi")) {
		hvm_pvi_offer(p->pvi, on);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(feats); i++) {
		if (strcmp(a->argv[1], feats[i].name))
			continue;
		if (on)
			*words[feats[i].word] |= feats[i].bit;
		else
			*words[feats[i].word] &= ~feats[i].bit;
		return 0;
	}
bad:
	return usage(a, -EINVAL,
		     "usage: feature synic|hypercall|vp_index|post|signal|no_aeoi|pvi 0|1");
}

static int hvm_command(struct pvirq_guest *g, int argc, char **argv,
		       struct pvirq_sb *reply)
{
	struct hvm_args a = { g, reply, argc, argv };
	int ret;

	if (argc < 1)
		goto help;
	if (!strcmp(argv[0], "post"))
		return cmd_post(&a, false);
	if (!strcmp(argv[0], "raw"))
		return cmd_post(&a, true);
	if (!strcmp(argv[0], "flag"))
		return cmd_flag(&a);
	if (!strcmp(argv[0], "burst"))
		return cmd_burst(&a);
	if (!strcmp(argv[0], "conn"))
		return cmd_conn(&a);
	if (!strcmp(argv[0], "fault"))
		return cmd_fault(&a);
	if (!strcmp(argv[0], "malicious"))
		return cmd_malicious(&a);
	if (!strcmp(argv[0], "feature"))
		return cmd_feature(&a);
	ret = hvm_pvi_command(g, argc, argv, reply);
	if (ret != -ENOTTY)
		return ret;
help:
	pvirq_sb_printf(reply,
			"model hyperv knows: post, raw, flag, burst, conn, fault, malicious, feature, %s",
			HVM_PVI_COMMANDS);
	return -EINVAL;
}

struct hvm_pvi *hvm_pvi_of(struct pvirq_guest *g)
{
	if (!g || g->model != &pvirq_model_hyperv || !g->model_priv)
		return NULL;
	return hvm(g)->pvi;
}

int hvm_raise_flag(struct pvirq_guest *g, u32 vcpu, u32 sint, u32 flag)
{
	struct hvm_vcpu *v;

	if (g->ready && vcpu >= g->nr_cpus)
		return -EINVAL;
	v = hvm_vcpu(g, vcpu);
	if (!v)
		return -EINVAL;
	return synic_hm_signal(&v->hm, sint, flag);
}

PVIRQ_MODEL_DEFINE(hyperv) = {
	.name = "hyperv",
	.init = hvm_init,
	.reset = hvm_reset,
	.destroy = hvm_destroy,
	.cpuid = hvm_cpuid,
	.rdmsr = hvm_rdmsr,
	.wrmsr = hvm_wrmsr,
	.hypercall = hvm_hypercall,
	.state_json = hvm_state_json,
	.command = hvm_command,
};
