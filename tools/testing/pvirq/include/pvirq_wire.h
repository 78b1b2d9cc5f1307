/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wire format between a guest's test transport (pvirq_transport.ko) and
 * pvirq-host.  Test-only: no shipped module includes this file.
 *
 * Each guest has an ivshmem-doorbell device whose server is pvirq-host.  Its
 * BAR2 is a shared region created by the host, laid out as below.  Guest RAM
 * is shared too (memory-backend-file,share=on), so the host also reads and
 * writes guest pages by guest physical address.
 *
 *   guest -> host: fill the vCPU's request slot, bump its seq, ring the
 *                  doorbell (BAR0 + 12) for peer hdr.host_peer, vector 0;
 *                  spin until done == seq.
 *   host -> guest: set vector bits in the vCPU's inject block, then signal
 *                  the guest's ivshmem MSI-X vector 0; the transport sends
 *                  each pending vector to its vCPU as a real IPI.
 *
 * Layout of BAR2 (PVIRQ_WIRE_SHM_SIZE bytes, little endian):
 *   0x000000  struct pvirq_wire_hdr
 *   0x001000  struct pvirq_wire_inject[PVIRQ_WIRE_MAX_VCPUS]
 *   0x010000  struct pvirq_wire_slot[PVIRQ_WIRE_MAX_VCPUS], 16 KiB each
 *   0x200000  MMIO window for the virtual PCI bus's BARs (2 MiB)
 */
#ifndef _PVIRQ_WIRE_H
#define _PVIRQ_WIRE_H

#include <linux/types.h>

#define PVIRQ_WIRE_MAGIC	0x4854534f48515256ULL	/* "VRQHOSTH" */
#define PVIRQ_WIRE_VERSION	1
#define PVIRQ_WIRE_SHM_SIZE	0x400000
#define PVIRQ_WIRE_MAX_VCPUS	64

#define PVIRQ_WIRE_INJECT_OFF	0x001000
#define PVIRQ_WIRE_SLOT_OFF	0x010000
#define PVIRQ_WIRE_SLOT_SIZE	0x4000
#define PVIRQ_WIRE_BAR_OFF	0x200000
#define PVIRQ_WIRE_BAR_SIZE	0x200000

/* ivshmem-doorbell registers (QEMU docs/specs/ivshmem-spec.rst) */
#define PVIRQ_IVSHMEM_INTRMASK	0
#define PVIRQ_IVSHMEM_INTRSTAT	4
#define PVIRQ_IVSHMEM_IVPOSITION 8
#define PVIRQ_IVSHMEM_DOORBELL	12

/* Written by the host before the guest connects; read-only to the guest. */
struct pvirq_wire_hdr {
	__u64 magic;
	__u32 version;
	__u32 host_peer;	/* ivshmem peer id of pvirq-host */
	__u32 guest_id;		/* host-assigned id of this guest */
	__u32 max_vcpus;
	char name[32];		/* host-assigned name, NUL terminated */
	/* written by the guest (op HELLO reads them) */
	__u32 nr_cpus;
	__u32 apic_id[PVIRQ_WIRE_MAX_VCPUS];
};

/* Pending vectors for one vCPU: the host sets bits, the guest xchg()s them. */
struct pvirq_wire_inject {
	__u64 pending[4];
	__u64 injected;		/* host's count, for diagnostics */
	__u64 delivered;	/* guest's count */
	__u64 pad[2];
};

enum pvirq_wire_op {
	PVIRQ_OP_HELLO = 1,	/* a0 = nr_cpus; hdr.apic_id[] filled */
	PVIRQ_OP_CPUID,		/* a0 leaf, a1 subleaf -> out[0..3] */
	PVIRQ_OP_RDMSR,		/* a0 msr -> out[0]; ret -EIO = #GP */
	PVIRQ_OP_WRMSR,		/* a0 msr, a1 value; ret -EIO = #GP */
	PVIRQ_OP_HYPERCALL,	/* a0 abi, a1 nr, a2..a6 args -> out[0] rax, out[1] */
	PVIRQ_OP_PCI_READ,	/* a0 devfn, a1 offset, a2 size -> out[0] */
	PVIRQ_OP_PCI_WRITE,	/* a0 devfn, a1 offset, a2 size, a3 value */
	PVIRQ_OP_GOODBYE,	/* transport unloading */
	PVIRQ_OP_CONTROL,	/* buf0: a control-socket command line (IN),
				 * replaced by the reply line (OUT); only
				 * served with pvirq-host --guest-control
				 */
	PVIRQ_OP_MAX,
};

/*
 * HELLO, optionally: a1 = bus address of the virtual PCI bus's MMIO window
 * (BAR2 + PVIRQ_WIRE_BAR_OFF as the guest's PCI core sees it) when a2 has
 * PVIRQ_HELLO_WINDOW.  Without it the host takes bus address == guest
 * physical address and finds the window from BAR2's natural alignment.
 */
#define PVIRQ_HELLO_WINDOW	0x1

/*
 * Hypercall buffers: buf_len[i] bytes at slot offset PVIRQ_WIRE_BUF_OFF(i);
 * buf_arg[i] names the hypercall argument (0..4, i.e. a2..a6) that refers to
 * it, 0xff when unused.  The host writes OUT buffers back in place.
 */
#define PVIRQ_WIRE_NBUFS	2
#define PVIRQ_WIRE_BUF_MAX	0x1000
#define PVIRQ_WIRE_BUF_OFF(i)	(0x1000 + (i) * PVIRQ_WIRE_BUF_MAX)
#define PVIRQ_WIRE_BUF_NONE	0xff

struct pvirq_wire_slot {
	__u32 seq;		/* guest: written last, after the request */
	__u32 done;		/* host: set to seq after the reply is written */
	__u32 op;
	__u32 vcpu;
	__u64 arg[8];
	__s64 ret;		/* 0 or -errno (transport-level result) */
	__u64 out[4];
	__u32 buf_len[PVIRQ_WIRE_NBUFS];
	__u8 buf_arg[PVIRQ_WIRE_NBUFS];
	__u8 buf_dir[PVIRQ_WIRE_NBUFS];
	__u32 pad;
};

#endif /* _PVIRQ_WIRE_H */
