// SPDX-License-Identifier: GPL-2.0
/*
 * The "base" model: a hypervisor with nothing in it but what lets a test
 * prove the transport works end to end.
 *
 *  CPUID 0x40000000: eax 0x40000001, ebx/ecx/edx "pvirqTESTHV\0" (only this
 *	model says so); 0x40000001: eax PVIRQ_WIRE_VERSION.  Other leaves: 0.
 *  MSRs 0x50564900..0x5056490f: per-vCPU scratch registers that keep what is
 *	written.  Every other MSR: #GP.
 *  KVM hypercall 0x7fff0001 (echo): returns a0 + a1; out[1] is the total
 *	buffer length; an IN|OUT buffer comes back byte-reversed, an OUT-only
 *	one filled with its byte offsets (i & 0xff).
 *  KVM hypercall 0x7fff0002 (peek): out[1] = the u64 at GPA a0; returns 0
 *	or -KVM_EFAULT.  0x7fff0003 (poke): stores a1 at GPA a0.
 *  Anything else: what the hypervisor of that ABI says to an unknown call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pvirq_model.h"

struct base_priv {
	u64 hypercalls;
	u64 msr_writes;
	u64 msr[PVIRQ_WIRE_MAX_VCPUS][PVIRQ_BASE_MSR_COUNT];
};

static int base_init(struct pvirq_guest *g)
{
	g->model_priv = calloc(1, sizeof(struct base_priv));
	return g->model_priv ? 0 : -ENOMEM;
}

static void base_reset(struct pvirq_guest *g)
{
	memset(g->model_priv, 0, sizeof(struct base_priv));
}

static void base_destroy(struct pvirq_guest *g)
{
	free(g->model_priv);
	g->model_priv = NULL;
}

bool pvirq_base_cpuid(struct pvirq_guest *g, u32 vcpu, u32 leaf, u32 sub,
		      u32 regs[4])
{
	static const char sig[12] = PVIRQ_BASE_SIG;

	switch (leaf) {
	case 0x40000000:
		regs[0] = PVIRQ_BASE_CPUID_MAX;
		memcpy(&regs[1], sig, 4);
		memcpy(&regs[2], sig + 4, 4);
		memcpy(&regs[3], sig + 8, 4);
		return true;
	case 0x40000001:
		regs[0] = PVIRQ_WIRE_VERSION;
		return true;
	}
	return false;
}

static u64 *scratch(struct pvirq_guest *g, u32 vcpu, u32 msr)
{
	struct base_priv *p = g->model_priv;

	if (msr < PVIRQ_BASE_MSR_FIRST ||
	    msr >= PVIRQ_BASE_MSR_FIRST + PVIRQ_BASE_MSR_COUNT ||
	    vcpu >= PVIRQ_WIRE_MAX_VCPUS)
		return NULL;
	return &p->msr[vcpu][msr - PVIRQ_BASE_MSR_FIRST];
}

int pvirq_base_rdmsr(struct pvirq_guest *g, u32 vcpu, u32 msr, u64 *val)
{
	u64 *r = scratch(g, vcpu, msr);

	if (!r)
		return -EIO;
	*val = *r;
	return 0;
}

int pvirq_base_wrmsr(struct pvirq_guest *g, u32 vcpu, u32 msr, u64 val)
{
	u64 *r = scratch(g, vcpu, msr);

	if (!r)
		return -EIO;
	*r = val;
	((struct base_priv *)g->model_priv)->msr_writes++;
	return 0;
}

static s64 echo(struct pvirq_hc *hc)
{
	u32 i, j;

	hc->out = 0;
	for (i = 0; i < hc->nbufs; i++) {
		struct pvirq_hc_buf *b = &hc->buf[i];

		hc->out += b->len;
		if (!(b->dir & PVIRQ_HC_BUF_OUT))
			continue;
		if (!(b->dir & PVIRQ_HC_BUF_IN)) {
			for (j = 0; j < b->len; j++)
				b->data[j] = j;
			continue;
		}
		for (j = 0; j < b->len / 2; j++) {
			u8 t = b->data[j];

			b->data[j] = b->data[b->len - 1 - j];
			b->data[b->len - 1 - j] = t;
		}
	}
	return hc->args[0] + hc->args[1];
}

s64 pvirq_base_hypercall(struct pvirq_guest *g, u32 vcpu, struct pvirq_hc *hc)
{
	u64 v;

	((struct base_priv *)g->model_priv)->hypercalls++;
	if (hc->abi != PVIRQ_HC_ABI_KVM)
		return pvirq_hc_enosys(hc->abi);
	switch (hc->nr) {
	case PVIRQ_BASE_HC_ECHO:
		return echo(hc);
	case PVIRQ_BASE_HC_PEEK:
		if (pvirq_gpa_read(g, hc->args[0], &v, sizeof(v)))
			return -PVIRQ_KVM_EFAULT;
		hc->out = v;
		return 0;
	case PVIRQ_BASE_HC_POKE:
		v = hc->args[1];
		if (pvirq_gpa_write(g, hc->args[0], &v, sizeof(v)))
			return -PVIRQ_KVM_EFAULT;
		return 0;
	}
	return pvirq_hc_enosys(hc->abi);
}

static void base_state_json(struct pvirq_guest *g, struct pvirq_sb *out)
{
	struct base_priv *p = g->model_priv;
	bool comma = false;
	u32 v, i;

	pvirq_sb_printf(out, "{\"hypercalls\":%llu,\"msr_writes\":%llu,\"scratch\":[",
			(unsigned long long)p->hypercalls,
			(unsigned long long)p->msr_writes);
	for (v = 0; v < PVIRQ_WIRE_MAX_VCPUS; v++) {
		for (i = 0; i < PVIRQ_BASE_MSR_COUNT; i++) {
			if (!p->msr[v][i])
				continue;
			pvirq_sb_printf(out, "%s[%u,%u,%llu]", comma ? "," : "", v,
					PVIRQ_BASE_MSR_FIRST + i,
					(unsigned long long)p->msr[v][i]);
			comma = true;
		}
	}
	pvirq_sb_printf(out, "]}");
}

/* "model GUEST echo WORDS...": proves the pass-through. */
static int base_command(struct pvirq_guest *g, int argc, char **argv,
			struct pvirq_sb *reply)
{
	int i;

	if (argc < 1 || strcmp(argv[0], "echo")) {
		pvirq_sb_printf(reply, "model base knows only: echo WORDS...");
		return -EINVAL;
	}
	for (i = 1; i < argc; i++)
		pvirq_sb_printf(reply, "%s%s", i > 1 ? " " : "", argv[i]);
	return 0;
}

PVIRQ_MODEL_DEFINE(base) = {
	.name = "base",
	.init = base_init,
	.reset = base_reset,
	.destroy = base_destroy,
	.cpuid = pvirq_base_cpuid,
	.rdmsr = pvirq_base_rdmsr,
	.wrmsr = pvirq_base_wrmsr,
	.hypercall = pvirq_base_hypercall,
	.state_json = base_state_json,
	.command = base_command,
};
