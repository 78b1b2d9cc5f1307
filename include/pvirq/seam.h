/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The platform seam: the few instructions through which pvirq's drivers
 * reach a hypervisor -- CPUID, RDMSR/WRMSR and hypercalls.  Everything above
 * it is the same code on a real hypervisor and under test.
 *
 * Natively these are the real instructions.  A test transport module (only
 * tools/testing/pvirq/guest/ has one) exports pvirq_seam_transport; a driver
 * looks it up once at load with symbol_get() and, if it is there, sends every
 * seam call to it instead.  Shipped modules never link against a transport.
 *
 * Hypercall arguments that point at memory are described by (pointer,
 * length, direction) so that a transport can copy them: the stub on the other
 * side cannot walk guest page tables, and kernel stacks are vmalloc'd.
 * Native code passes each ABI's own form (Xen: guest virtual address,
 * Hyper-V: guest physical address) and ignores the length.
 */
#ifndef _PVIRQ_SEAM_H
#define _PVIRQ_SEAM_H

#include <linux/types.h>
#include <linux/module.h>
#include <asm/processor.h>
#include <asm/msr.h>
#include <asm/alternative.h>
#include <asm/cpufeatures.h>
#include <asm/nospec-branch.h>
#include <asm/io.h>

enum pvirq_abi {
	PVIRQ_ABI_XEN = 1,
	PVIRQ_ABI_HYPERV = 2,
	PVIRQ_ABI_KVM = 3,
};

#define PVIRQ_HC_NARGS		5
#define PVIRQ_HC_NBUFS		2
#define PVIRQ_HC_BUF_MAX	4096

#define PVIRQ_BUF_IN		0x1	/* guest -> hypervisor */
#define PVIRQ_BUF_OUT		0x2	/* hypervisor -> guest */

/**
 * struct pvirq_hc_buf - memory a hypercall argument refers to
 * @ptr: kernel virtual address of the buffer
 * @len: its length in bytes, at most %PVIRQ_HC_BUF_MAX
 * @arg: index into &pvirq_hcall.args of the argument that points at it
 * @dir: %PVIRQ_BUF_IN and/or %PVIRQ_BUF_OUT
 */
struct pvirq_hc_buf {
	void *ptr;
	u32 len;
	u8 arg;
	u8 dir;
};

/**
 * struct pvirq_hcall - one hypercall, in a form a transport can forward
 * @abi: &enum pvirq_abi
 * @nbufs: number of valid entries in @buf
 * @nr: Xen hypercall number, Hyper-V control word or KVM hypercall number
 * @args: register arguments; those named by a @buf entry are filled in by
 *	the seam from that buffer
 * @buf: memory the arguments refer to
 * @out: Hyper-V: the output value of a fast hypercall; unused otherwise
 */
struct pvirq_hcall {
	u16 abi;
	u16 nbufs;
	u64 nr;
	u64 args[PVIRQ_HC_NARGS];
	struct pvirq_hc_buf buf[PVIRQ_HC_NBUFS];
	u64 out;
};

/**
 * struct pvirq_seam_ops - a test transport's implementation of the seam
 * @name: shown in the log when a driver picks the transport up
 * @owner: the transport's module; drivers never unbind its devices
 * @cpuid: fill @regs (eax, ebx, ecx, edx) for @leaf/@subleaf
 * @read_msr: read @msr; -EIO where the instruction would fault
 * @write_msr: write @msr; -EIO where the instruction would fault
 * @hypercall: perform @hc, return the hypercall's own return value
 *
 * All four may be called with interrupts disabled and from hardirq context.
 */
struct pvirq_seam_ops {
	const char *name;
	struct module *owner;
	void (*cpuid)(u32 leaf, u32 subleaf, u32 regs[4]);
	int (*read_msr)(u32 msr, u64 *val);
	int (*write_msr)(u32 msr, u64 val);
	long (*hypercall)(struct pvirq_hcall *hc);
};

/* Exported by a test transport, never by a shipped module. */
extern const struct pvirq_seam_ops pvirq_seam_transport;

/**
 * struct pvirq_seam - one module's view of the seam
 * @transport: the test transport in use, or %NULL for the real instructions
 * @hv_hypercall_page: Hyper-V hypercall page owned by the module, or %NULL
 */
struct pvirq_seam {
	const struct pvirq_seam_ops *transport;
	void *hv_hypercall_page;
};

/* Each module that uses the seam has exactly one, defined with this. */
extern struct pvirq_seam pvirq_seam;
#define PVIRQ_SEAM_DEFINE()	struct pvirq_seam pvirq_seam

/**
 * pvirq_seam_acquire() - pick the transport up if one is loaded
 *
 * Call once from module init before any other seam call.  Returns the
 * name of what the seam talks to, for the log.
 */
static inline const char *pvirq_seam_acquire(void)
{
	pvirq_seam.transport = symbol_get(pvirq_seam_transport);
	return pvirq_seam.transport ? pvirq_seam.transport->name : "native";
}

/**
 * pvirq_seam_release() - drop the reference pvirq_seam_acquire() took
 */
static inline void pvirq_seam_release(void)
{
	if (pvirq_seam.transport)
		symbol_put(pvirq_seam_transport);
	pvirq_seam.transport = NULL;
}

static inline void pvirq_cpuid(u32 leaf, u32 subleaf, u32 regs[4])
{
	if (pvirq_seam.transport) {
		pvirq_seam.transport->cpuid(leaf, subleaf, regs);
		return;
	}
	regs[0] = leaf;
	regs[2] = subleaf;
	native_cpuid(&regs[0], &regs[1], &regs[2], &regs[3]);
}

static inline int pvirq_rdmsr(u32 msr, u64 *val)
{
	if (pvirq_seam.transport)
		return pvirq_seam.transport->read_msr(msr, val);
	return rdmsrl_safe(msr, val) ? -EIO : 0;
}

static inline int pvirq_wrmsr(u32 msr, u64 val)
{
	if (pvirq_seam.transport)
		return pvirq_seam.transport->write_msr(msr, val);
	return wrmsrl_safe(msr, val) ? -EIO : 0;
}

/*
 * Native hypercalls.  Xen and KVM accept VMCALL/VMMCALL straight from an HVM
 * guest, so no writable-and-executable page is needed for them; alternatives
 * pick the instruction for the CPU vendor.  Hyper-V requires its hypercall
 * page, which the module that enabled it records in pvirq_seam.
 */
#define PVIRQ_VMCALL	ALTERNATIVE("vmcall", "vmmcall", X86_FEATURE_VMMCALL)

static inline long pvirq_native_xen_kvm(u16 abi, u64 nr, u64 *a)
{
	register u64 r10 asm("r10") = a[3];
	register u64 r8 asm("r8") = a[4];
	u64 a0 = a[0], a1 = a[1], a2 = a[2];
	long ret;

	if (abi == PVIRQ_ABI_KVM) {
		/* KVM: nr in rax, arguments in rbx, rcx, rdx, rsi */
		asm volatile(PVIRQ_VMCALL
			     : "=a" (ret)
			     : "a" (nr), "b" (a0), "c" (a1), "d" (a2), "S" (a[3])
			     : "memory");
		return ret;
	}
	/* Xen: nr in rax, arguments in rdi, rsi, rdx, r10, r8; may clobber them */
	asm volatile(PVIRQ_VMCALL
		     : "=a" (ret), "+D" (a0), "+S" (a1), "+d" (a2),
		       "+r" (r10), "+r" (r8)
		     : "a" (nr)
		     : "memory");
	return ret;
}

static inline long pvirq_native_hyperv(u64 control, u64 in, u64 out,
				       u64 *fast_out)
{
	register u64 r8 asm("r8") = out;
	u64 status;

	if (!pvirq_seam.hv_hypercall_page)
		return U16_MAX;	/* no page: treated as an unknown status */
	asm volatile(CALL_NOSPEC
		     : "=a" (status), ASM_CALL_CONSTRAINT,
		       "+c" (control), "+d" (in), "+r" (r8)
		     : THUNK_TARGET(pvirq_seam.hv_hypercall_page)
		     : "cc", "memory", "r9", "r10", "r11");
	*fast_out = r8;
	return status;
}

static inline long pvirq_native_hypercall(struct pvirq_hcall *hc)
{
	unsigned int i;

	for (i = 0; i < hc->nbufs; i++) {
		struct pvirq_hc_buf *b = &hc->buf[i];

		hc->args[b->arg] = hc->abi == PVIRQ_ABI_HYPERV ?
			virt_to_phys(b->ptr) : (unsigned long)b->ptr;
	}
	if (hc->abi == PVIRQ_ABI_HYPERV)
		return pvirq_native_hyperv(hc->nr, hc->args[0], hc->args[1],
					   &hc->out);
	return pvirq_native_xen_kvm(hc->abi, hc->nr, hc->args);
}

/**
 * pvirq_hypercall() - issue a hypercall through the seam
 * @hc: the call; buffer arguments are filled in here
 *
 * Return: the hypercall's own return value (Xen: 0 or -XEN_Exxx, Hyper-V: the
 * result value with its status in bits 15:0, KVM: 0 or -KVM_Exxx).
 */
static inline long pvirq_hypercall(struct pvirq_hcall *hc)
{
	if (pvirq_seam.transport)
		return pvirq_seam.transport->hypercall(hc);
	return pvirq_native_hypercall(hc);
}

#endif /* _PVIRQ_SEAM_H */
