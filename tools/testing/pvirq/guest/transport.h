/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvirq_transport internals, shared by its three files:
 *   transport.c  ivshmem-doorbell driver, request path, injection, seam ops
 *   vbus.c       the virtual PCI root bus whose config space is on the host
 *   debugfs.c    stats, the host control line and the self-test hooks
 */
#ifndef _PVIRQ_TRANSPORT_H
#define _PVIRQ_TRANSPORT_H

#include <linux/atomic.h>
#include <linux/ioport.h>
#include <linux/pci.h>
#include <linux/types.h>
#include <pvirq_wire.h>

enum pvt_park {
	PVT_PARK_NONE,
	PVT_PARK_WAITING,	/* a sleeping caller's request is in the slot */
	PVT_PARK_COLLECTED,	/* answered; the reply is in its pvt_req */
	PVT_PARK_FAILED,	/* timed out while parked */
};

struct pvt_req;

/* Where this vCPU's last request stands; see pvt_call(). */
struct pvt_slot_state {
	u32 seq;		/* last seq written to the slot */
	bool stale;		/* that request timed out, still unanswered */
	u8 park;		/* enum pvt_park */
	struct pvt_req *parked;	/* with PVT_PARK_WAITING: whose it is */
};

struct pvt_stats {
	atomic64_t req[PVIRQ_OP_MAX];	/* requests sent, per op */
	atomic64_t err[PVIRQ_OP_MAX];	/* answered with ret < 0, per op */
	atomic64_t timeouts;		/* no answer within timeout_ms */
	atomic64_t refused;		/* not sent: slot still stale or no slot */
	atomic64_t kicks;		/* injection interrupts taken */
	atomic64_t delivered[PVIRQ_WIRE_MAX_VCPUS];
	atomic64_t bad_vector;		/* pending bit outside device vectors */
	atomic64_t offline;		/* pending bit for an offline CPU */
};

struct pvt_vbus {
	struct pci_sysdata sd;
	struct resource window;		/* BAR2 + PVIRQ_WIRE_BAR_OFF */
	struct resource busn;
	struct pci_bus *bus;
};

/*
 * One ivshmem-doorbell device talking to pvirq-host.  Only one is driven;
 * it is published in pvt_cur once it is ready for requests.
 */
struct pvt_dev {
	struct pci_dev *pdev;
	void __iomem *regs;		/* BAR0: ivshmem registers */
	void *shm;			/* BAR2: host-shared, memremap WB */
	resource_size_t shm_phys;
	struct resource *ctl_region;	/* BAR2 below the MMIO window */
	u32 host_peer;
	u32 guest_id;
	u32 peer_id;			/* our own ivshmem peer id */
	unsigned int nslots;		/* CPUs 0..nslots-1 have a slot */
	unsigned int nirqs;
	char name[32];			/* host-assigned, copied out */
	/*
	 * Entry i is used only on CPU i with interrupts disabled, so it needs
	 * no lock; a sleeping caller parked on it stays on CPU i
	 * (migrate_disable()) and also touches it with interrupts disabled.
	 */
	struct pvt_slot_state slot[PVIRQ_WIRE_MAX_VCPUS];
	struct pvt_vbus vbus;
};

/* One request; pvt_call() copies it into and out of the vCPU's slot. */
struct pvt_req {
	u32 op;
	u64 arg[8];
	unsigned int nbufs;
	struct {
		void *ptr;
		u32 len;
		u8 arg;
		u8 dir;
	} buf[PVIRQ_WIRE_NBUFS];
	s64 ret;			/* host's transport-level result */
	u64 out[4];
};

extern struct pvt_stats pvt_stats;

int pvt_call(struct pvt_req *req);
int pvt_call_sleepable(struct pvt_req *req, unsigned int max_ms);
int pvt_host_errno(s64 ret);
const char *pvt_op_name(u32 op);
struct pvt_dev *pvt_get_dev(void);

int pvt_vbus_create(struct pvt_dev *pd);
void pvt_vbus_destroy(struct pvt_dev *pd);

int pvt_debugfs_init(void);
void pvt_debugfs_exit(void);

#endif /* _PVIRQ_TRANSPORT_H */
