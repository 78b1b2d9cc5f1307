/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libpvirqhost: the host side of pvirq's test transport.
 *
 * pvirq-host plays the hypervisor for Linux guests booted under QEMU TCG.
 * Each guest has an ivshmem-doorbell device whose server is this library:
 * BAR2 is a shared region we create (layout in pvirq_wire.h), guest RAM is a
 * shared file we map, the guest rings one of our eventfds when it has put a
 * request in its vCPU's slot, and we raise its MSI-X vector 0 by writing the
 * eventfd we gave it.  Requests (CPUID, MSRs, hypercalls, config space of a
 * virtual PCI device) are copied out of the shared region, checked and handed
 * to the guest's model (pvirq_model.h), which is what decides how the
 * "hypervisor" answers.
 *
 * Concurrency: everything runs on one thread, the event loop's.  No data
 * here is locked; the only memory shared with another party is the guest's
 * (BAR2 and RAM), which is accessed with the atomics noted at each use.
 */
#ifndef _PVIRQ_HOST_H
#define _PVIRQ_HOST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include "pvirq_wire.h"

/*
 * Kernel-style names, defined here rather than taken from the unit tests'
 * shim headers: the shim's <linux/errno.h> would shadow the one glibc's
 * <errno.h> pulls in.  Identical to the shim's, so both may be seen.
 */
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#ifndef READ_ONCE
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#endif
#ifndef BUILD_BUG_ON
#define BUILD_BUG_ON(c)	_Static_assert(!(c), #c)
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define PVIRQ_HOST_MAX_GUESTS	16
#define PVIRQ_HOST_NAME_MAX	31
#define PVIRQ_HOST_MAX_VECTORS	8	/* ivshmem vectors per peer we serve */
#define PVIRQ_HOST_PEER		0	/* our own ivshmem peer id */
#define PVIRQ_HOST_LINE_MAX	1024	/* longest control command line */
#define PVIRQ_IVSHMEM_PROTOCOL	0	/* ivshmem-spec.rst "protocol version" */

struct pvirq_host;
struct pvirq_guest;
struct pvirq_model_ops;

/* A growing string, capped at PVIRQ_SB_MAX; @err is set once it overflows. */
#define PVIRQ_SB_MAX		(1u << 20)
struct pvirq_sb {
	char *buf;
	size_t len;
	size_t cap;
	bool err;
};

void pvirq_sb_printf(struct pvirq_sb *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pvirq_sb_vprintf(struct pvirq_sb *sb, const char *fmt, va_list ap);
void pvirq_sb_json_str(struct pvirq_sb *sb, const char *s);
void pvirq_sb_reset(struct pvirq_sb *sb);
void pvirq_sb_free(struct pvirq_sb *sb);
const char *pvirq_sb_str(const struct pvirq_sb *sb);

/* errno <-> "EINVAL"; pvirq_errno_parse() also takes a decimal number */
const char *pvirq_errno_name(int err);
int pvirq_errno_parse(const char *s, int *err);

u64 pvirq_now_ns(void);

/* One file descriptor watched by the event loop. */
struct pvirq_ev {
	int fd;
	void (*fn)(struct pvirq_ev *ev, u32 events);
	void *ctx;
};

int pvirq_ev_add(struct pvirq_host *h, struct pvirq_ev *ev, int fd, u32 events,
		 void (*fn)(struct pvirq_ev *ev, u32 events), void *ctx);
void pvirq_ev_del(struct pvirq_host *h, struct pvirq_ev *ev);

/* Ops a test can make fail or slow down: "fault"/"delay" control commands. */
enum pvirq_fop {
	PVIRQ_FOP_CPUID,
	PVIRQ_FOP_RDMSR,
	PVIRQ_FOP_WRMSR,
	PVIRQ_FOP_HYPERCALL,
	PVIRQ_FOP_PCI,
	PVIRQ_FOP_NR,
};

const char *pvirq_fop_name(enum pvirq_fop f);
int pvirq_fop_parse(const char *s);
const char *pvirq_op_name(u32 op);

/* The reply to one request, kept until it is written back into the slot. */
struct pvirq_reply {
	s64 ret;
	u64 out[4];
	u32 out_len[PVIRQ_WIRE_NBUFS];	/* bytes of buf[i] to copy back */
	u8 buf[PVIRQ_WIRE_NBUFS][PVIRQ_WIRE_BUF_MAX];
};

/*
 * A control command in progress.  pvirq_ctl_exec() either answers at once or
 * queues the request (barrier, wait-guests) and calls @done later, once.
 */
struct pvirq_ctl_req {
	struct pvirq_host *host;
	struct pvirq_guest *origin;	/* sent by this guest, or NULL */
	void (*done)(struct pvirq_ctl_req *req, const char *reply);
	/* while queued: */
	struct pvirq_ctl_req *next;
	struct pvirq_barrier *barrier;	/* or NULL: on the wait-guests list */
	bool queued;
	u32 want;			/* wait-guests N */
};

#define PVIRQ_CTL_ASYNC		1

/*
 * Per-vCPU request state.  A reply is held back (busy) while a "delay" runs
 * or a guest-sent control command waits; the slot's done is written only when
 * it completes.
 */
struct pvirq_vcpu {
	bool busy;
	bool ctl_wait;
	u32 seq;
	u64 gen;			/* guest connection it belongs to */
	u64 deadline;			/* CLOCK_MONOTONIC ns, with !ctl_wait */
	u32 ctl_len;			/* room for the control reply in buf0 */
	struct pvirq_ctl_req ctl;
	struct pvirq_reply reply;
};

/* Virtual PCI device: devfn 0 of the guest's transport bus. */
#define PVIRQ_PCI_VENDOR	0x1234
#define PVIRQ_PCI_DEVICE	0x5056
#define PVIRQ_PCI_CLASS		0xff0000
#define PVIRQ_PCI_NVEC		32
#define PVIRQ_PCI_BAR0_SIZE	0x4000
#define PVIRQ_PCI_MSIX_TABLE	0x0000	/* in BAR0 */
#define PVIRQ_PCI_MSIX_PBA	0x2000	/* in BAR0 */
#define PVIRQ_PCI_MSI_CAP	0x40
#define PVIRQ_PCI_MSIX_CAP	0x60
#define PVIRQ_PCI_MSI_LOG	64

enum pvirq_msi_why {
	PVIRQ_MSI_ENABLE,	/* MSI/MSI-X enabled or unmasked as a whole */
	PVIRQ_MSI_PROGRAM,	/* address/data written while enabled */
	PVIRQ_MSI_FIRE,		/* the device sent (or tried to send) it */
	PVIRQ_MSI_PENDING,	/* fired while masked: pending bit set */
};

struct pvirq_msi_rec {
	u64 addr;
	u32 data;
	u8 msix;
	u8 why;
	u16 vec;
};

struct pvirq_pcidev {
	u8 cfg[256];
	u32 msix_pending;		/* authoritative PBA, mirrored to BAR0 */
	bool intx;
	u64 delivered;
	u64 nlog;			/* records ever made */
	struct pvirq_msi_rec log[PVIRQ_PCI_MSI_LOG];	/* ring */
};

struct pvirq_guest_cfg {
	const char *name;
	const char *model;		/* NULL: "base" */
	const char *ram_path;		/* NULL: no guest RAM access */
	u64 ram_size;			/* 0: the file's size */
	u32 max_vcpus;			/* 0: PVIRQ_WIRE_MAX_VCPUS */
	u32 vectors;			/* 0: 2 */
};

struct pvirq_guest_stats {
	u64 requests[PVIRQ_OP_MAX];
	u64 invalid;			/* refused by validation */
	u64 failed;			/* any reply with ret != 0 */
	u64 faults;			/* failed by "fault" */
	u64 doorbells;
	u64 injected;
	u64 dropped;			/* by "drop" */
	u64 connects;
};

struct pvirq_guest {
	struct pvirq_host *host;
	u32 id;
	char name[PVIRQ_HOST_NAME_MAX + 1];
	const struct pvirq_model_ops *model;
	void *model_priv;		/* the model's own */
	u32 max_vcpus;
	u32 vectors;

	/* BAR2: a sealed memfd, reset at every connection */
	int shm_fd;
	u8 *shm;

	/* guest RAM: mapped while a client is connected */
	char *ram_path;
	u64 ram_size_cfg;
	u8 *ram;
	u64 ram_len;
	u64 ram_lowmem;			/* GPAs below this: file offset == GPA */

	/* ivshmem */
	char *sock_path;
	struct pvirq_ev listen_ev;
	struct pvirq_ev conn_ev;
	struct pvirq_ev doorbell_ev[PVIRQ_HOST_MAX_VECTORS];
	int irq_fd[PVIRQ_HOST_MAX_VECTORS];	/* the guest's: write = MSI-X */
	u32 peer_id;
	bool connected;
	u64 gen;			/* bumped at every connection */

	/* learnt from HELLO */
	bool ready;
	u32 nr_cpus;
	u32 apic_id[PVIRQ_WIRE_MAX_VCPUS];
	bool window_known;
	u64 window_bus;

	struct pvirq_vcpu *vcpu;	/* [max_vcpus] */
	struct pvirq_pcidev pci;

	/* test knobs */
	struct {
		u32 nth;		/* fail the nth call from now; 0 = off */
		int err;
	} fault[PVIRQ_FOP_NR];
	u32 delay_us[PVIRQ_FOP_NR];
	u32 drop;

	struct pvirq_guest_stats st;
	u64 log_window;			/* rate limit of log lines */
	u32 log_count;
	u32 log_suppressed;
};

struct pvirq_barrier {
	char name[PVIRQ_HOST_NAME_MAX + 1];
	u32 count;
	u32 arrived;
	struct pvirq_ctl_req *waiters;
	struct pvirq_barrier *next;
};

struct pvirq_ctl_client;

struct pvirq_host {
	char *dir;
	int epfd;
	bool guest_control;
	bool verbose;
	bool stop;
	FILE *log;

	u32 nguests;
	struct pvirq_guest *guests[PVIRQ_HOST_MAX_GUESTS];

	char *ctl_path;
	struct pvirq_ev ctl_ev;
	struct pvirq_ctl_client *clients;

	struct pvirq_barrier *barriers;
	struct pvirq_ctl_req *guest_waiters;	/* wait-guests */
	u32 nbusy;			/* vCPUs with a reply held back */
};

/* host.c: the process-wide context and its event loop */
struct pvirq_host *pvirq_host_new(const char *dir);
void pvirq_host_free(struct pvirq_host *h);
int pvirq_host_listen(struct pvirq_host *h);
int pvirq_host_run_once(struct pvirq_host *h, int max_wait_ms);
int pvirq_host_run(struct pvirq_host *h);
struct pvirq_guest *pvirq_host_find(struct pvirq_host *h, const char *name);
void pvirq_host_guests_changed(struct pvirq_host *h);
u32 pvirq_host_nready(struct pvirq_host *h);
void pvirq_log(struct pvirq_host *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pvirq_glog(struct pvirq_guest *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* guest.c */
int pvirq_guest_parse(const char *spec, struct pvirq_guest_cfg *cfg,
		      char *store, size_t store_len);
struct pvirq_guest *pvirq_guest_new(struct pvirq_host *h,
				    const struct pvirq_guest_cfg *cfg);
void pvirq_guest_free(struct pvirq_guest *g);
void pvirq_guest_reset(struct pvirq_guest *g);
int pvirq_guest_map_ram(struct pvirq_guest *g);
void pvirq_guest_unmap_ram(struct pvirq_guest *g);
int pvirq_gpa_read(struct pvirq_guest *g, u64 gpa, void *buf, size_t len);
int pvirq_gpa_write(struct pvirq_guest *g, u64 gpa, const void *buf, size_t len);
int pvirq_inject(struct pvirq_guest *g, u32 vcpu, u32 vector);
int pvirq_inject_apic(struct pvirq_guest *g, u32 apic_id, u32 vector);
int pvirq_deliver_msi(struct pvirq_guest *g, u64 addr, u32 data);
int pvirq_guest_kick(struct pvirq_guest *g);

static inline struct pvirq_wire_hdr *pvirq_hdr(struct pvirq_guest *g)
{
	return (struct pvirq_wire_hdr *)g->shm;
}

static inline struct pvirq_wire_inject *pvirq_inject_blk(struct pvirq_guest *g,
							  u32 vcpu)
{
	return (struct pvirq_wire_inject *)(g->shm + PVIRQ_WIRE_INJECT_OFF) + vcpu;
}

static inline u8 *pvirq_slot_mem(struct pvirq_guest *g, u32 vcpu)
{
	return g->shm + PVIRQ_WIRE_SLOT_OFF + (size_t)vcpu * PVIRQ_WIRE_SLOT_SIZE;
}

/* ivshmem.c */
int pvirq_listen_unix(struct pvirq_host *h, const char *path);
int pvirq_ivshmem_listen(struct pvirq_guest *g);
int pvirq_ivshmem_attach(struct pvirq_guest *g, int fd);
void pvirq_ivshmem_detach(struct pvirq_guest *g, const char *why);
void pvirq_ivshmem_close(struct pvirq_guest *g);

/* dispatch.c */
int pvirq_dispatch(struct pvirq_guest *g, u32 idx, const void *slot);
void pvirq_guest_service(struct pvirq_guest *g);
void pvirq_complete(struct pvirq_guest *g, u32 idx);
void pvirq_cancel_all(struct pvirq_guest *g);
u64 pvirq_run_timers(struct pvirq_host *h, u64 now);

/* pcidev.c */
void pvirq_pci_reset(struct pvirq_guest *g);
int pvirq_pci_read(struct pvirq_guest *g, u32 devfn, u32 off, u32 size, u32 *val);
int pvirq_pci_write(struct pvirq_guest *g, u32 devfn, u32 off, u32 size, u32 val);
int pvirq_pci_fire(struct pvirq_guest *g, u32 k, struct pvirq_sb *what);
void pvirq_pci_poll(struct pvirq_guest *g);
bool pvirq_pci_has_pending(struct pvirq_guest *g);
int pvirq_pci_msix_off(struct pvirq_guest *g, u64 *off);
void pvirq_pci_state_json(struct pvirq_guest *g, struct pvirq_sb *out);

/* control.c */
int pvirq_ctl_exec(struct pvirq_host *h, const char *line,
		   struct pvirq_ctl_req *req, struct pvirq_sb *reply);
void pvirq_ctl_cancel(struct pvirq_ctl_req *req);
int pvirq_ctl_split(char *line, char **argv, int max);
int pvirq_ctl_listen(struct pvirq_host *h);
void pvirq_ctl_close(struct pvirq_host *h);
void pvirq_ctl_reap(struct pvirq_host *h);

#endif /* _PVIRQ_HOST_H */
