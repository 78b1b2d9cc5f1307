/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stand-in for a guest, for tests and benchmarks: the client side of the
 * ivshmem protocol (what QEMU's ivshmem-doorbell does) plus the guest
 * transport's half of pvirq_wire.h (fill a slot, ring the doorbell, wait
 * for done).
 */
#ifndef _PVIRQ_FAKEGUEST_H
#define _PVIRQ_FAKEGUEST_H

#include "pvirq_host.h"

struct pvirq_fake {
	int sock;
	int shm_fd;
	u8 *shm;
	size_t shm_len;
	s64 version;
	s64 own_id;
	s64 host_peer;			/* peer id the host announced */
	int nhost;
	int host_fd[PVIRQ_HOST_MAX_VECTORS];	/* ring the host */
	int nown;
	int own_fd[PVIRQ_HOST_MAX_VECTORS];	/* our MSI-X vectors */
	u32 seq[PVIRQ_WIRE_MAX_VCPUS];
};

/* One request; the reply comes back in the same struct. */
struct pvirq_fake_call {
	u32 op;
	u64 arg[8];
	u32 buf_len[PVIRQ_WIRE_NBUFS];
	u8 buf_arg[PVIRQ_WIRE_NBUFS];
	u8 buf_dir[PVIRQ_WIRE_NBUFS];
	u8 *buf[PVIRQ_WIRE_NBUFS];	/* copied in, and back if OUT */
	s64 ret;
	u64 out[4];
};

int pvirq_fake_connect(struct pvirq_fake *f, const char *path, int vectors,
		       int timeout_ms);
int pvirq_fake_handshake_fd(struct pvirq_fake *f, int sock, int vectors,
			    int timeout_ms);
void pvirq_fake_close(struct pvirq_fake *f);
int pvirq_fake_call(struct pvirq_fake *f, u32 vcpu, struct pvirq_fake_call *c,
		    int timeout_ms);
int pvirq_fake_submit(struct pvirq_fake *f, u32 vcpu, struct pvirq_fake_call *c);
int pvirq_fake_wait(struct pvirq_fake *f, u32 vcpu, struct pvirq_fake_call *c,
		    int timeout_ms);
int pvirq_fake_wait_irq(struct pvirq_fake *f, int vector, int timeout_ms);
u64 pvirq_fake_take_pending(struct pvirq_fake *f, u32 vcpu, u32 word);
int pvirq_fake_hypercall(struct pvirq_fake *f, u32 vcpu, u32 abi, u32 nr,
			 const u64 *args, u32 nargs, void *buf, u32 len,
			 u8 buf_arg, s64 *ret);
int pvirq_fake_control(struct pvirq_fake *f, u32 vcpu, const char *cmd,
		       char *reply, size_t len);

static inline struct pvirq_wire_hdr *pvirq_fake_hdr(struct pvirq_fake *f)
{
	return (struct pvirq_wire_hdr *)f->shm;
}

#endif /* _PVIRQ_FAKEGUEST_H */
