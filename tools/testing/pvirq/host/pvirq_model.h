/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface a hypervisor model implements.
 *
 * A model decides what the "hypervisor" answers: CPUID leaves, MSRs,
 * hypercalls, which MSI messages it wants to see before they are delivered
 * as native x86 interrupts, GSIs, and model-specific control commands.  The
 * core (dispatch.c) has already copied and checked every request; a model
 * sees private copies and bounded buffers only.
 *
 * Each model lives in its own file in this directory and defines itself
 * with PVIRQ_MODEL_DEFINE(name) = { ... };  the build collects those into the
 * table pvirq_model_find() looks names up in (see gen-models.sh), so adding a
 * model touches no shared file.  Every op but @name is optional; a missing
 * op gives the default noted beside it, which is what the "base" model gives.
 */
#ifndef _PVIRQ_MODEL_H
#define _PVIRQ_MODEL_H

#include "pvirq_host.h"

/* enum pvirq_abi of include/pvirq/seam.h, and its buffer directions */
#define PVIRQ_HC_ABI_XEN	1
#define PVIRQ_HC_ABI_HYPERV	2
#define PVIRQ_HC_ABI_KVM	3
#define PVIRQ_HC_BUF_IN		0x1
#define PVIRQ_HC_BUF_OUT	0x2
#define PVIRQ_HC_NARGS		5

/* "Unknown hypercall" as each real hypervisor says it */
#define PVIRQ_XEN_ENOSYS	38	/* xen/include/public/errno.h */
#define PVIRQ_KVM_ENOSYS	1000	/* include/uapi/linux/kvm_para.h */
#define PVIRQ_KVM_EFAULT	14	/* KVM_EFAULT == EFAULT */
#define PVIRQ_HV_STATUS_INVALID_HYPERCALL_CODE 0x0002	/* Hyper-V TLFS */

/* A hypercall buffer: a private copy, written back if PVIRQ_HC_BUF_OUT. */
struct pvirq_hc_buf {
	u8 *data;
	u32 len;
	u8 arg;				/* index into args[] it stands for */
	u8 dir;
};

struct pvirq_hc {
	u32 abi;
	u64 nr;
	u64 args[PVIRQ_HC_NARGS];
	u32 nbufs;
	struct pvirq_hc_buf buf[PVIRQ_WIRE_NBUFS];
	u64 out;			/* second result (Hyper-V fast output) */
};

struct pvirq_model_ops {
	const char *name;
	/* once, when the guest is created: allocate g->model_priv */
	int (*init)(struct pvirq_guest *g);
	/* a new VM connected (QEMU (re)started): forget the old one */
	void (*reset)(struct pvirq_guest *g);
	void (*destroy)(struct pvirq_guest *g);
	/* the transport said HELLO: g->nr_cpus and g->apic_id[] are valid */
	void (*hello)(struct pvirq_guest *g);
	/* fill regs (eax, ebx, ecx, edx); false = not ours: all zero */
	bool (*cpuid)(struct pvirq_guest *g, u32 vcpu, u32 leaf, u32 sub,
		      u32 regs[4]);
	/* 0, or -EIO for #GP (the default for every MSR) */
	int (*rdmsr)(struct pvirq_guest *g, u32 vcpu, u32 msr, u64 *val);
	int (*wrmsr)(struct pvirq_guest *g, u32 vcpu, u32 msr, u64 val);
	/* the hypercall's own return value; default pvirq_hc_enosys() */
	s64 (*hypercall)(struct pvirq_guest *g, u32 vcpu, struct pvirq_hc *hc);
	/* an MSI the virtual device sends: true = consumed, not delivered */
	bool (*msi)(struct pvirq_guest *g, u64 addr, u32 data);
	/* "gsi GUEST N raise|lower"; default -EOPNOTSUPP */
	int (*gsi)(struct pvirq_guest *g, u32 gsi, bool level);
	/* one JSON object, no newline; default {} */
	void (*state_json)(struct pvirq_guest *g, struct pvirq_sb *out);
	/*
	 * "model GUEST ARGS...": argv[0] is the first of ARGS.  Append the
	 * text after "ok " to @reply and return 0, or return -errno with the
	 * error text in @reply.
	 */
	int (*command)(struct pvirq_guest *g, int argc, char **argv,
		       struct pvirq_sb *reply);
};

#define PVIRQ_MODEL_DEFINE(n) const struct pvirq_model_ops pvirq_model_##n

const struct pvirq_model_ops *pvirq_model_find(const char *name);
const char *pvirq_model_names(void);
s64 pvirq_hc_enosys(u32 abi);
struct pvirq_hc_buf *pvirq_hc_buf_for(struct pvirq_hc *hc, u32 arg);

/* The base model's pieces, for models that build on it. */
bool pvirq_base_cpuid(struct pvirq_guest *g, u32 vcpu, u32 leaf, u32 sub,
		      u32 regs[4]);
int pvirq_base_rdmsr(struct pvirq_guest *g, u32 vcpu, u32 msr, u64 *val);
int pvirq_base_wrmsr(struct pvirq_guest *g, u32 vcpu, u32 msr, u64 val);
s64 pvirq_base_hypercall(struct pvirq_guest *g, u32 vcpu, struct pvirq_hc *hc);

/* base model ABI, see Documentation/pvirq-host.rst */
#define PVIRQ_BASE_CPUID_MAX	0x40000001
#define PVIRQ_BASE_SIG		"pvirqTESTHV"	/* + NUL: 12 bytes */
#define PVIRQ_BASE_MSR_FIRST	0x50564900
#define PVIRQ_BASE_MSR_COUNT	16
#define PVIRQ_BASE_HC_ECHO	0x7fff0001	/* a0 + a1; buffers reversed */
#define PVIRQ_BASE_HC_PEEK	0x7fff0002	/* u64 at GPA a0 */
#define PVIRQ_BASE_HC_POKE	0x7fff0003	/* u64 a1 to GPA a0 */

#endif /* _PVIRQ_MODEL_H */
